/* Tests of the choice model: the formulas, and simulated shares against them. */
#include <criterion/criterion.h>
#include <math.h>

#include "../models/mdl_choice.h"
#include "world_helpers.h"

/* ---- the formulas ---- */

Test(choice, mnl_is_the_softmax_of_utilities)
{
    struct mdl_choice_set cs = {.n = 4, .nnests = 4, .nest_of = {0, 1, 2, 3}, .lambda = {1, 1, 1, 1}};
    double v[4] = {0.3, -1.2, 2.0, 0.0}, p[4];
    bool avail[4] = {true, true, true, true};
    cr_assert(mdl_choice_probs(&cs, v, avail, p));
    double z = 0;
    for (int i = 0; i < 4; i++)
        z += exp(v[i]);
    for (int i = 0; i < 4; i++)
        cr_assert_float_eq(p[i], exp(v[i]) / z, 1e-14);
}

Test(choice, unavailable_alternatives_get_nothing_and_do_not_enter)
{
    struct mdl_choice_set cs = {.n = 3, .nnests = 1, .nest_of = {0, 0, 0}, .lambda = {0.5}};
    double v[3] = {1.0, NAN, 0.0}, p[3];
    bool avail[3] = {true, false, true};
    cr_assert(mdl_choice_probs(&cs, v, avail, p));
    cr_assert_eq(p[1], 0.0);
    cr_assert_float_eq(p[0], exp(2.0) / (exp(2.0) + 1.0), 1e-14);
    bool none[3] = {false, false, false};
    cr_assert_not(mdl_choice_probs(&cs, v, none, p));
}

Test(choice, nested_logit_matches_the_textbook_formula)
{
    /* nest 0 = {0, 1} with lambda 0.4, nest 1 = {2}, nest 2 = {3} */
    struct mdl_choice_set cs = {.n = 4, .nnests = 3, .nest_of = {0, 0, 1, 2}, .lambda = {0.4, 1, 1}};
    double v[4] = {0.5, 0.1, 0.2, -0.3}, p[4];
    bool avail[4] = {true, true, true, true};
    cr_assert(mdl_choice_probs(&cs, v, avail, p));
    double s0 = exp(v[0] / 0.4) + exp(v[1] / 0.4);
    double iv = log(s0);
    double den = exp(0.4 * iv) + exp(v[2]) + exp(v[3]);
    double pn = exp(0.4 * iv) / den;
    cr_assert_float_eq(p[0], pn * exp(v[0] / 0.4) / s0, 1e-14);
    cr_assert_float_eq(p[1], pn * exp(v[1] / 0.4) / s0, 1e-14);
    cr_assert_float_eq(p[2], exp(v[2]) / den, 1e-14);
    cr_assert_float_eq(p[0] + p[1] + p[2] + p[3], 1.0, 1e-14);
}

Test(choice, one_member_nests_reduce_to_the_member_utility)
{
    /* nest 0 = {0} with lambda 0.35 (a one-member nest: its lambda cancels), nest 1 = {1, 2, 3} with
     * lambda 0.6 of which only 1 and 3 are available, nest 2 = {4} of lambda 1, nest 3 = {5, 6} with
     * only 6 available: exactly the MNL of 0, 4, 6 and the nest {1, 3}. */
    struct mdl_choice_set cs = {
        .n = 7, .nnests = 4, .nest_of = {0, 1, 1, 1, 2, 3, 3}, .lambda = {0.35, 0.6, 1, 0.8}};
    double v[7] = {0.625, -0.375, NAN, 1.125, -1.5, NAN, 0.25}, p[7];
    bool avail[7] = {true, true, false, true, true, false, true};
    cr_assert(mdl_choice_probs(&cs, v, avail, p));
    double s1 = exp(v[1] / 0.6) + exp(v[3] / 0.6);
    double den = exp(v[0]) + exp(0.6 * log(s1)) + exp(v[4]) + exp(v[6]);
    cr_assert_float_eq(p[0], exp(v[0]) / den, 1e-14);
    cr_assert_float_eq(p[1], exp(0.6 * log(s1)) / den * exp(v[1] / 0.6) / s1, 1e-14);
    cr_assert_float_eq(p[3], exp(0.6 * log(s1)) / den * exp(v[3] / 0.6) / s1, 1e-14);
    cr_assert_float_eq(p[4], exp(v[4]) / den, 1e-14);
    cr_assert_float_eq(p[6], exp(v[6]) / den, 1e-14);
    cr_assert_eq(p[2], 0.0);
    cr_assert_eq(p[5], 0.0);
    cr_assert_float_eq(p[0] + p[1] + p[3] + p[4] + p[6], 1.0, 1e-14);
}

Test(choice, huge_utilities_do_not_overflow)
{
    struct mdl_choice_set cs = {.n = 3, .nnests = 2, .nest_of = {0, 0, 1}, .lambda = {0.1, 1}};
    double v[3] = {800.0, 799.0, -800.0}, p[3];
    bool avail[3] = {true, true, true};
    cr_assert(mdl_choice_probs(&cs, v, avail, p));
    for (int i = 0; i < 3; i++)
        cr_assert(isfinite(p[i]));
    cr_assert_float_eq(p[0] + p[1] + p[2], 1.0, 1e-12);
    cr_assert_eq(mdl_choice_pick(p, 3, 0.0), 0u);
    cr_assert_eq(mdl_choice_pick(p, 3, 0.9999999999), 1u, "never picks probability 0");
}

/* ---- simulated shares against the formulas ---- */

/* Three generic modes that always succeed, fixed attributes, learning off and a leave utility that
 * does not grow: every decision has the same probabilities, so the decisions of a run are a
 * multinomial sample. `modes` lists which of a, b, c exist; `nested` puts a and c in a nest. */
static char *choice_scenario(const char *modes, bool nested)
{
    static const char *const mode_text[3] = {
        "  - {name: a, kind: generic, asc: 0.5, price_eur: 100, risk: 0, belief: 0.5, expected_wait_days: "
        "2,\n"
        "     generic: {attempt_days: {dist: fixed, mean: 1}, detection: 0, death_risk: 0}}\n",
        "  - {name: b, kind: generic, asc: 0.0, price_eur: 100, risk: 0, belief: 0.3, expected_wait_days: "
        "3,\n"
        "     generic: {attempt_days: {dist: fixed, mean: 1}, detection: 0, death_risk: 0}}\n",
        "  - {name: c, kind: generic, asc: -0.5, price_eur: 100, risk: 0, belief: 0.6, expected_wait_days: "
        "4,\n"
        "     generic: {attempt_days: {dist: fixed, mean: 1}, detection: 0, death_risk: 0}}\n",
    };
    char port[2048], body[8192];
    port_yaml(port, sizeof port, "p", 1000, 2, 1, 0.0, "random", 0.1, 1, 5, "{dist: fixed, mean: 5}", 0.5, 0);
    char *base = scenario_yaml(10, 200, 1, port);
    int n = snprintf(body, sizeof body,
                     "%spopulation:\n"
                     "  initial_stock: 100\n"
                     "  inflow: {level_per_day: 150}\n"
                     "  preparation_days: {dist: exponential, mean: 2}\n"
                     "  return_days: {dist: exponential, mean: 2}\n"
                     "  wait_days: {dist: exponential, mean: 3}\n"
                     "  budget_eur: {dist: fixed, mean: 1000}\n"
                     "  documents_share: 0\n"
                     "  risk_tolerance: {dist: fixed, mean: 1}\n"
                     "  patience_days: {dist: fixed, mean: 100}\n"
                     "choice:\n"
                     "  model: %s\n"
                     "  b_success: 1.0\n  b_price: 0.5\n  b_risk: 0\n  b_wait: 0.1\n  wait_asc: 0.2\n"
                     "  leave: {asc: -0.5, per_failure: 0, per_patience: 0}\n"
                     "%s"
                     "  beliefs: {learning: false, time_constant_days: 10, delay_days: 0, own_weight: 0, "
                     "floor: 0.001}\n"
                     "modes:\n",
                     base, nested ? "nested" : "mnl",
                     !nested              ? ""
                     : strchr(modes, 'c') ? "  nests: [{name: ac, lambda: 0.3, members: [a, c]}]\n"
                                          : "  nests: [{name: ac, lambda: 0.3, members: [a]}]\n");
    for (int i = 0; i < 3; i++)
        if (strchr(modes, 'a' + i))
            n += snprintf(body + n, sizeof body - (size_t)n, "%s", mode_text[i]);
    free(base);
    return strdup(body);
}

/* Expected utilities of a, b, c, wait, leave under the scenario above (the documented formula). */
static void expected_v(double v[5])
{
    double belief[3] = {0.5, 0.3, 0.6}, asc[3] = {0.5, 0.0, -0.5}, wait[3] = {2, 3, 4};
    for (int i = 0; i < 3; i++)
        v[i] = asc[i] + log(belief[i]) - 0.5 * 100.0 / 1000.0 - 0.1 * wait[i];
    v[3] = 0.2;
    v[4] = -0.5;
}

/* Shares by formula for the alternatives present (index 0..4 = a, b, c, wait, leave). */
static void expected_p(const char *modes, bool nested, double p[5])
{
    double v[5], lambda = nested ? 0.3 : 1.0;
    bool in[5] = {strchr(modes, 'a') != NULL, strchr(modes, 'b') != NULL, strchr(modes, 'c') != NULL, true,
                  true};
    expected_v(v);
    double s_ac = 0.0, den = 0.0;
    for (int i = 0; i < 3; i += 2)
        if (in[i])
            s_ac += exp(v[i] / lambda);
    if (s_ac > 0)
        den += pow(s_ac, lambda);
    for (int i = 1; i < 5; i++)
        if (i != 2 && in[i])
            den += exp(v[i]);
    for (int i = 0; i < 5; i++) {
        if (!in[i])
            p[i] = 0;
        else if (i == 0 || i == 2)
            p[i] = pow(s_ac, lambda) / den * exp(v[i] / lambda) / s_ac;
        else
            p[i] = exp(v[i]) / den;
    }
}

/* Simulated decision counts of a, b, c, wait, leave over `reps` replications. */
static double simulate(const char *modes, bool nested, size_t reps, double count[5])
{
    char *yaml = choice_scenario(modes, nested);
    struct world_run run = world_run_text(yaml, reps, 99);
    const struct mdl_scenario *s = run.s;
    memset(count, 0, 5 * sizeof *count);
    double n = 0;
    for (size_t r = 0; r < reps; r++) {
        for (unsigned m = 0; m < s->modes_count; m++)
            count[s->modes[m].name[0] - 'a'] += total(run.w, run.v, r, "choices", m);
        count[3] += total(run.w, run.v, r, "chose_wait", 0);
        count[4] += total(run.w, run.v, r, "leavers", 0);
        /* conservation holds in every replication (the model also checks it itself) */
        double arr = 0;
        for (unsigned m = 0; m < s->modes_count; m++)
            arr += total(run.w, run.v, r, "arrivals", m);
        cr_assert_eq(total(run.w, run.v, r, "inflow", 0), total(run.w, run.v, r, "stock_end", 0) -
                                                              total(run.w, run.v, r, "stock_start", 0) + arr +
                                                              total(run.w, run.v, r, "leavers", 0));
    }
    for (int i = 0; i < 5; i++)
        n += count[i];
    world_run_free(&run);
    free(yaml);
    return n;
}

/* Every simulated share is within 5 binomial standard errors of the formula. */
static void assert_shares(const char *modes, bool nested, const double count[5], double n)
{
    double p[5];
    expected_p(modes, nested, p);
    static const char *const names[5] = {"a", "b", "c", "wait", "leave"};
    for (int i = 0; i < 5; i++) {
        double se = sqrt(fmax(p[i] * (1 - p[i]), 1e-12) / n);
        cr_assert(fabs(count[i] / n - p[i]) <= 5 * se, "%s (%s, %s): simulated %.5f, formula %.5f, se %.5f",
                  names[i], modes, nested ? "nested" : "mnl", count[i] / n, p[i], se);
    }
}

Test(choice, simulated_mnl_shares_match_the_logit_formula, .timeout = 120)
{
    double c[5];
    double n = simulate("abc", false, 2, c);
    cr_assert_gt(n, 50000, "enough decisions for a sharp test: %g", n);
    assert_shares("abc", false, c, n);
}

Test(choice, removing_an_alternative_under_mnl_keeps_the_other_ratios, .timeout = 120)
{
    double with[5], without[5];
    double n1 = simulate("abc", false, 2, with), n2 = simulate("ab", false, 2, without);
    assert_shares("ab", false, without, n2);
    cr_assert_eq(without[2], 0);
    /* IIA: P(a)/P(b) is unchanged; c's share goes to a, b, wait and leave in proportion */
    double r1 = with[0] / with[1], r2 = without[0] / without[1];
    double se = sqrt(1 / with[0] + 1 / with[1] + 1 / without[0] + 1 / without[1]); /* of the log ratio */
    cr_assert(fabs(log(r1) - log(r2)) < 5 * se, "a/b ratio %.4f with c, %.4f without (se of log %.4f)", r1,
              r2, se);
    (void)n1;
}

Test(choice, simulated_nested_shares_match_the_nested_formula, .timeout = 120)
{
    double c[5];
    double n = simulate("abc", true, 2, c);
    assert_shares("abc", true, c, n);
}

Test(choice, removing_an_alternative_under_nested_logit_moves_its_share_mostly_within_the_nest,
     .timeout = 120)
{
    double with[5], without[5];
    double n1 = simulate("abc", true, 2, with), n2 = simulate("ab", true, 2, without);
    assert_shares("ab", true, without, n2);
    double gain_a = without[0] / n2 - with[0] / n1;
    double gain_rest = (without[1] + without[3] + without[4]) / n2 - (with[1] + with[3] + with[4]) / n1;
    double lost_c = with[2] / n1;
    cr_assert_gt(gain_a, 0.75 * lost_c, "a (c's nest-mate) takes most of c's share: %.4f of %.4f", gain_a,
                 lost_c);
    cr_assert_lt(gain_rest, gain_a, "outside the nest gains less (%.4f) than a (%.4f)", gain_rest, gain_a);
    /* and the formula says the same */
    double pw[5], po[5];
    expected_p("abc", true, pw);
    expected_p("ab", true, po);
    cr_assert_gt(po[0] - pw[0], 0.75 * pw[2]);
}

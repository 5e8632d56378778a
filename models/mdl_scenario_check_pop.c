/* mdl_scenario_check_pop.c: validation of the population, choice and modes sections.
 *
 * The three sections come together: a population needs a choice rule and at least one mode, and
 * the port model is the lorry mode's only route to the UK. Nest members must name alternatives
 * that exist (a mode, "wait" or "leave"), each at most once, so that the nested logit is a
 * partition of the choice set. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mdl_scenario_priv.h"

enum { MAX_MODES = 16, MAX_NESTS = 16 };

static const char *mode_name(const void *ctx, size_t i)
{
    return ((const struct mdl_mode *)ctx)[i].name;
}

static const char *nest_name(const void *ctx, size_t i)
{
    return ((const struct mdl_nest *)ctx)[i].name;
}

/* True when the section `key` below the current path is present in the file. */
static bool present(struct mdl__ck *c, const char *key)
{
    size_t o = mdl__ck_enter(c, key);
    bool yes = mdl__ck_here(c) != NULL;
    mdl__ck_leave(c, o);
    return yes;
}

/* One source of inflow: a level (shaped by an optional monthly profile) or a monthly table. */
static void ck_inflow(struct mdl__ck *c, const struct mdl_population *p)
{
    size_t o = mdl__ck_enter(c, "population.inflow");
    bool level = present(c, "level_per_day"), table = p->inflow.monthly_per_day != NULL;
    if (level == table)
        mdl__ck_fail(c, "give exactly one of level_per_day (with an optional monthly_profile) and "
                        "monthly_per_day");
    if (table && !level && p->inflow.monthly_profile) {
        size_t o2 = mdl__ck_enter(c, "monthly_profile");
        mdl__ck_fail(c, "is only used with level_per_day");
        mdl__ck_leave(c, o2);
    }
    mdl__ck_leave(c, o);
}

/* Index of alternative `name` among the modes, MAX_MODES for "wait", MAX_MODES + 1 for "leave",
 * or -1. */
static int alternative(const struct mdl_scenario *s, const char *name)
{
    for (unsigned m = 0; m < s->modes_count; m++)
        if (s->modes[m].name && strcmp(s->modes[m].name, name) == 0)
            return (int)m;
    if (strcmp(name, "wait") == 0)
        return MAX_MODES;
    if (strcmp(name, "leave") == 0)
        return MAX_MODES + 1;
    return -1;
}

static void ck_nests(struct mdl__ck *c, const struct mdl_scenario *s)
{
    const struct mdl_choice *ch = s->choice;
    size_t o = mdl__ck_enter(c, "nests");
    if (ch->model == MDL_CHOICE_MNL && ch->nests) {
        mdl__ck_fail(c, "nests are only used by model: nested (remove them or change the model)");
        mdl__ck_leave(c, o);
        return;
    }
    if (ch->model == MDL_CHOICE_NESTED && !ch->nests)
        mdl__ck_fail(c, "model: nested needs at least one nest");
    mdl__ck_count(c, ch->nests_count, ch->model == MDL_CHOICE_NESTED ? 1 : 0, MAX_NESTS);
    mdl__ck_names(c, nest_name, ch->nests, ch->nests_count, "nest");
    int owner[MAX_MODES + 2];
    for (int i = 0; i < MAX_MODES + 2; i++)
        owner[i] = -1;
    for (unsigned n = 0; n < ch->nests_count && n < MAX_NESTS; n++) {
        const struct mdl_nest *nest = &ch->nests[n];
        char label[80];
        mdl__scn_label(nest_name, ch->nests, n, label, sizeof label);
        size_t o2 = mdl__ck_enter(c, label);
        size_t o3 = mdl__ck_enter(c, "members");
        mdl__ck_count(c, nest->members_count, 1, MAX_MODES + 2);
        for (unsigned i = 0; i < nest->members_count; i++) {
            char idx[16];
            snprintf(idx, sizeof idx, "[%u]", i);
            size_t o4 = mdl__ck_enter(c, idx);
            int a = alternative(s, nest->members[i]);
            if (a < 0)
                mdl__ck_fail(c, "'%s' is not a mode of this scenario, 'wait' or 'leave'", nest->members[i]);
            else if (owner[a] >= 0)
                mdl__ck_fail(c, "'%s' is already a member of nest '%s'", nest->members[i],
                             ch->nests[owner[a]].name);
            else
                owner[a] = (int)n;
            mdl__ck_leave(c, o4);
        }
        mdl__ck_leave(c, o3);
        mdl__ck_leave(c, o2);
    }
    mdl__ck_leave(c, o);
}

static void ck_choice(struct mdl__ck *c, const struct mdl_scenario *s)
{
    size_t o = mdl__ck_enter(c, "choice");
    ck_nests(c, s);
    mdl__ck_leave(c, o);
}

static void ck_boat(struct mdl__ck *c, const struct mdl_boat *b)
{
    size_t o = mdl__ck_enter(c, "boat");
    if (mdl__field_ok("modes[].boat.occupancy_mean", b->occupancy_mean) &&
        mdl__field_ok("modes[].boat.occupancy_max", b->occupancy_max) &&
        b->occupancy_max < b->occupancy_mean) {
        size_t o2 = mdl__ck_enter(c, "occupancy_max");
        mdl__ck_fail(c, "must be at least occupancy_mean (%.15g), got %.15g", b->occupancy_mean,
                     b->occupancy_max);
        mdl__ck_leave(c, o2);
    }
    if (mdl__field_ok("modes[].boat.price_min_factor", b->price_min_factor) &&
        mdl__field_ok("modes[].boat.price_max_factor", b->price_max_factor) &&
        b->price_max_factor < b->price_min_factor) {
        size_t o2 = mdl__ck_enter(c, "price_max_factor");
        mdl__ck_fail(c, "must be at least price_min_factor");
        mdl__ck_leave(c, o2);
    }
    mdl__ck_leave(c, o);
}

static void ck_lorry(struct mdl__ck *c, const struct mdl_lorry *l, double price)
{
    size_t o = mdl__ck_enter(c, "lorry.facilitated_price_eur");
    if (mdl__field_ok("modes[].lorry.facilitated_price_eur", l->facilitated_price_eur) &&
        l->facilitated_price_eur < price)
        mdl__ck_fail(c, "must be at least the mode's price_eur (%.15g, the self-organised price), got %.15g",
                     price, l->facilitated_price_eur);
    mdl__ck_leave(c, o);
}

static void ck_generic(struct mdl__ck *c)
{
    size_t o = mdl__ck_enter(c, "generic");
    if (present(c, "officers") != present(c, "reference_officers"))
        mdl__ck_fail(c, "officers and reference_officers go together (staffing-driven detection)");
    mdl__ck_leave(c, o);
}

/* The kind's own section must be present and the other kinds' absent. */
static void ck_sections(struct mdl__ck *c, struct mdl_mode *m)
{
    static const char *const kinds[3] = {"boat", "lorry", "generic"};
    const void *sec[3] = {m->boat, m->lorry, m->generic};
    unsigned k = (unsigned)m->kind < 3 ? (unsigned)m->kind : 2;
    for (unsigned i = 0; i < 3; i++) {
        if (i == k && !sec[i])
            mdl__ck_fail(c, "kind: %s needs a '%s:' section", kinds[k], kinds[k]);
        if (i != k && sec[i]) {
            size_t o = mdl__ck_enter(c, kinds[i]);
            mdl__ck_fail(c, "a '%s:' section does not belong to a mode of kind: %s", kinds[i], kinds[k]);
            mdl__ck_leave(c, o);
        }
    }
    if (m->kind == MDL_MODE_BOAT && m->boat)
        ck_boat(c, m->boat);
    if (m->kind == MDL_MODE_LORRY && m->lorry)
        ck_lorry(c, m->lorry, m->price_eur);
    if (m->kind == MDL_MODE_GENERIC && m->generic)
        ck_generic(c);
}

static void ck_modes(struct mdl__ck *c, struct mdl_scenario *s)
{
    size_t o = mdl__ck_enter(c, "modes");
    mdl__ck_count(c, s->modes_count, 1, MAX_MODES);
    mdl__ck_names(c, mode_name, s->modes, s->modes_count, "mode");
    int seen[2] = {-1, -1};
    for (unsigned i = 0; i < s->modes_count; i++) {
        struct mdl_mode *m = &s->modes[i];
        char label[80];
        mdl__scn_label(mode_name, s->modes, i, label, sizeof label);
        size_t o2 = mdl__ck_enter(c, label);
        if (m->name && (strcmp(m->name, "wait") == 0 || strcmp(m->name, "leave") == 0 ||
                        strcmp(m->name, "total") == 0)) {
            size_t o3 = mdl__ck_enter(c, "name");
            mdl__ck_fail(c, "'%s' is reserved; choose another mode name", m->name);
            mdl__ck_leave(c, o3);
        }
        if (m->kind != MDL_MODE_GENERIC) {
            int *first = &seen[m->kind == MDL_MODE_BOAT ? 0 : 1];
            if (*first >= 0) {
                size_t o3 = mdl__ck_enter(c, "kind");
                mdl__ck_fail(c, "only one mode may be of kind: %s (mode '%s' is already)",
                             m->kind == MDL_MODE_BOAT ? "boat" : "lorry", s->modes[*first].name);
                mdl__ck_leave(c, o3);
            } else
                *first = (int)i;
        }
        ck_sections(c, m);
        mdl__ck_leave(c, o2);
    }
    mdl__ck_leave(c, o);
}

void mdl__ck_population(struct mdl__ck *c, struct mdl_scenario *s)
{
    bool any = s->population || s->choice || s->modes;
    if (!any)
        return;
    static const char *const need[3] = {"population", "choice", "modes"};
    const void *have[3] = {s->population, s->choice, s->modes};
    for (int i = 0; i < 3; i++)
        if (!have[i]) {
            for (int j = 0; j < 3; j++)
                if (have[j]) {
                    size_t o = mdl__ck_enter(c, need[j]);
                    mdl__ck_fail(c, "needs a '%s:' section too (population, choice and modes go together)",
                                 need[i]);
                    mdl__ck_leave(c, o);
                    break;
                }
        }
    if (s->population)
        ck_inflow(c, s->population);
    if (s->modes)
        ck_modes(c, s);
    if (s->choice)
        ck_choice(c, s);
}

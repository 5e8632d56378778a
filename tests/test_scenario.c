/* test_scenario.c: the scenario loader (models/mdl_scenario*.c).
 *
 * Scenario files are written to a per-test temporary directory. Paths are relative to the source
 * directory: $DISPSIM_SOURCE_DIR when CTest runs us, the current directory otherwise. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../models/mdl_scenario.h"
#include "../models/mdl_scenario_priv.h"

static char tmpdir[64];
static char err[4096];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_scenario.XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    (void)system(cmd);
}

TestSuite(scenario, .init = make_tmpdir, .fini = remove_tmpdir);

static const char *source_path(const char *rel)
{
    static char path[1024];
    const char *dir = getenv("DISPSIM_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", rel);
    return path;
}

/* Writes `text` to a file in the test's directory and returns its path (static storage). */
static const char *write_file(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* A small valid scenario; tests replace one line of it. */
static const char *const mini =
    "dispsim: 1\n"
    "name: mini\n"
    "calendar: {start_date: 2024-03-01, warmup_days: 2.5, horizon_days: 30.25}\n"
    "run: {replications: 3, master_seed: 18446744073709551615}\n"
    "ports:\n"
    "  - name: calais\n"
    "    lorries_per_year: 1100000\n"
    "    hour_profile: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2.375]\n"
    "    weekday_profile: [1.1, 1.1, 1.1, 1.1, 1.05, 0.8, 0.75]\n"
    "    staffing:\n"
    "      team_size: 3\n"
    "      absence_share: 0.125\n"
    "      shifts:\n"
    "        - {start_hour: 6, hours: 8, officers: 14}\n"
    "    selection: {policy: random, share: 0.3, max_queue: 12}\n"
    "    methods:\n"
    "      - {name: scanner, share: 0.625, time_min: {dist: uniform, min: 1, max: 4}, detection: 0.8}\n"
    "      - {name: dog, share: 0.375, time_min: {dist: gamma, mean: 10, sd: 3}, detection: 0.9}\n"
    "    clandestine: {groups_per_day: 14, group_size_weights: [0.5, 0.25, 0.25]}\n"
    "    recording: {at_port_share: 0.08, within_72h_share: 0.8}\n";

/* mini with the first occurrence of `from` replaced by `to`, written to a file. */
static const char *mini_with(const char *from, const char *to)
{
    static char text[8192];
    const char *at = strstr(mini, from);
    cr_assert_not_null(at, "template lacks '%s'", from);
    snprintf(text, sizeof text, "%.*s%s%s", (int)(at - mini), mini, to, at + strlen(from));
    return write_file("mini.yaml", text);
}

static sim_status load(const char *path, struct mdl_scenario **s)
{
    *s = NULL;
    return mdl_scenario_load(path, s, err, sizeof err);
}

Test(scenario, baseline_loads_with_expected_values)
{
    struct mdl_scenario *s;
    cr_assert_eq(load(source_path("scenarios/baseline.yaml"), &s), SIM_OK, "%s", err);
    cr_expect_str_empty(err);
    cr_expect_eq(s->dispsim, 1u);
    cr_expect_str_eq(s->name, "baseline");
    cr_expect_not_null(s->description);
    cr_expect_str_eq(s->calendar.start_date, "2022-10-03");
    cr_expect_eq(s->start_weekday, 0, "2022-10-03 was a Monday");
    cr_expect_eq(s->start_yday, 275);
    cr_expect_eq(s->calendar.horizon_days, 365.0);
    cr_expect_eq(s->calendar.warmup_days, 90.0);
    /* the population sections, with the defaults the loader fills */
    cr_assert_not_null(s->population);
    cr_assert_not_null(s->choice);
    cr_expect_eq(s->choice->model, MDL_CHOICE_NESTED);
    cr_assert_eq(s->choice->nests_count, 1u);
    cr_expect_eq(s->choice->nests[0].members_count, 3u);
    cr_assert_eq(s->modes_count, 5u);
    cr_expect_eq(s->modes[0].kind, MDL_MODE_BOAT);
    cr_assert_not_null(s->modes[0].boat);
    cr_expect_eq(s->modes[0].boat->good_weather_share_count, 12u);
    cr_expect_eq(s->modes[1].kind, MDL_MODE_LORRY);
    cr_expect_eq(s->modes[2].eligible_share, 1.0, "eligible_share defaults to 1");
    cr_expect_eq(s->modes[3].eligible_share, 0.5);
    cr_expect_eq(s->modes[2].generic->officers, s->modes[2].generic->reference_officers,
                 "no staffing: detection as given");
    cr_expect(s->modes[4].needs_documents);
    cr_expect_eq(s->ports[0].perimeter_security, 0.2);
    cr_expect_eq(s->run.replications, 40u);
    cr_expect_eq(s->run.master_seed, 20250325u);
    cr_assert_eq(s->ports_count, 3u);
    const struct mdl_port *p = &s->ports[0];
    cr_expect_str_eq(p->name, "calais");
    cr_expect_str_eq(s->ports[2].name, "dunkerque");
    cr_expect_eq(p->lorries_per_year, 1100000.0);
    cr_assert_eq(p->hour_profile_count, 24u);
    cr_expect_eq(p->hour_profile[23], 0.55);
    cr_assert_eq(p->weekday_profile_count, 7u);
    cr_expect_eq(p->weekday_profile[6], 0.75);
    cr_expect_eq(p->staffing.team_size, 2u);
    cr_expect_eq(p->staffing.absence_share, 0.12);
    cr_assert_eq(p->staffing.shifts_count, 3u);
    cr_expect_eq(p->staffing.shifts[2].start_hour, 22.0);
    cr_expect_eq(p->staffing.shifts[2].officers, 8u);
    cr_expect_eq(p->selection.policy, MDL_SELECT_CAPACITY);
    cr_expect_eq(p->selection.hit_share, 0.33);
    cr_expect_eq(p->selection.handling_min, 3.5);
    cr_expect_eq(p->selection.max_queue, 12u);
    cr_assert_eq(p->methods_count, 4u);
    cr_expect_str_eq(p->methods[2].name, "heartbeat");
    cr_expect_eq(p->methods[2].time_min.kind, MDL_DIST_GAMMA);
    cr_expect_eq(p->methods[2].time_min.mean, 10.0);
    cr_expect_eq(p->methods[2].time_min.sd, 3.0);
    cr_expect_eq(p->methods[0].time_min.kind, MDL_DIST_UNIFORM);
    cr_expect_eq(p->methods[0].time_min.max, 4.0);
    cr_expect_eq(p->clandestine.group_size_weights_count, 5u);
    cr_expect_eq(p->recording.within_72h_share, 0.8);
    cr_expect_str_eq(s->path, source_path("scenarios/baseline.yaml"));
    cr_expect_not_null(strstr(s->text, "dispsim: 1"));
    mdl_scenario_destroy(s);
}

Test(scenario, mini_loads_and_fills_derived_fields)
{
    struct mdl_scenario *s;
    cr_assert_eq(load(mini_with("", ""), &s), SIM_OK, "%s", err);
    cr_expect_eq(s->start_weekday, 4, "2024-03-01 was a Friday");
    cr_expect_eq(s->start_yday, 60, "2024 is a leap year");
    cr_expect_eq(s->calendar.horizon_days, 30.25);
    cr_expect_eq(s->run.master_seed, UINT64_MAX);
    cr_expect_eq(s->ports[0].selection.lift, 1.0, "lift defaults to 1");
    cr_expect_eq(s->ports[0].hour_profile[23], 2.375);
    cr_expect_eq(s->ports[0].methods[1].time_min.kind, MDL_DIST_GAMMA);
    mdl_scenario_destroy(s);
}

Test(scenario, destroy_accepts_null)
{
    mdl_scenario_destroy(NULL);
}

Test(scenario, missing_file_is_enoent)
{
    struct mdl_scenario *s;
    char path[128];
    snprintf(path, sizeof path, "%s/nope.yaml", tmpdir);
    cr_assert_eq(load(path, &s), SIM_ENOENT);
    cr_expect_null(s, "out is left untouched");
    cr_expect_not_null(strstr(err, "nope.yaml: cannot read: No such file"), "%s", err);
}

Test(scenario, directory_is_enoent)
{
    struct mdl_scenario *s;
    cr_assert_eq(load(tmpdir, &s), SIM_ENOENT);
    cr_expect_not_null(strstr(err, "cannot read: Is a directory"), "%s", err);
}

Test(scenario, unreadable_file_is_enoent)
{
    if (geteuid() == 0)
        cr_skip_test("permissions do not apply to root");
    struct mdl_scenario *s;
    const char *path = mini_with("", "");
    chmod(path, 0);
    cr_assert_eq(load(path, &s), SIM_ENOENT);
    cr_expect_not_null(strstr(err, "cannot read: Permission denied"), "%s", err);
}

Test(scenario, empty_and_comment_only_files_are_eformat)
{
    struct mdl_scenario *s;
    cr_assert_eq(load(write_file("empty.yaml", ""), &s), SIM_EFORMAT);
    cr_expect_not_null(strstr(err, "empty.yaml: empty scenario"), "%s", err);
    cr_assert_eq(load(write_file("blank.yaml", "  \n\n# only a comment\n---\n"), &s), SIM_EFORMAT);
    cr_expect_not_null(strstr(err, "blank.yaml: empty scenario"), "%s", err);
}

Test(scenario, syntax_error_gives_libyaml_position)
{
    struct mdl_scenario *s;
    const char *path = mini_with("weekday_profile: [1.1,", "weekday_profile: [1.1 1.1,\n    x: [");
    cr_assert_eq(load(path, &s), SIM_EFORMAT);
    cr_expect_not_null(strstr(err, "YAML syntax error"), "%s", err);
    cr_expect_not_null(strstr(err, "mini.yaml:11:5: "), "%s", err);
}

Test(scenario, wrong_type_names_path_and_token_position)
{
    struct mdl_scenario *s;
    cr_assert_eq(load(mini_with("officers: 14", "officers: abc"), &s), SIM_EFORMAT);
    /* line 14 is "        - {start_hour: 6, hours: 8, officers: abc}"; 'abc' starts at column 47 */
    cr_expect_not_null(strstr(err, "mini.yaml:14:47: ports.calais.staffing.shifts[0].officers: "
                                   "expected a whole number, got 'abc'"),
                       "%s", err);
    cr_assert_eq(load(mini_with("detection: 0.9", "detection: {p: 0.9}"), &s), SIM_EFORMAT);
    cr_expect_not_null(strstr(err, ":18:"), "%s", err);
    cr_expect_not_null(strstr(err, "ports.calais.methods.dog.detection: expected a number, got a mapping"),
                       "%s", err);
}

Test(scenario, unknown_key_lists_allowed_keys)
{
    struct mdl_scenario *s;
    cr_assert_eq(load(mini_with("      team_size: 3\n", "      team_size: 3\n      bogus: 1\n"), &s),
                 SIM_EFORMAT);
    cr_expect_not_null(
        strstr(err,
               "mini.yaml:12:7: ports.calais.staffing.bogus: unknown key (expected one of: "
               "team_size, absence_share, shifts, ifc2_share, ticket_validity_days, "
               "refresher_per_month, ifc2_throughput_per_month, ifc2_delay_days, referral_trained_share)"),
        "%s", err);
}

Test(scenario, missing_key_names_key_and_mapping)
{
    struct mdl_scenario *s;
    cr_assert_eq(load(mini_with("      absence_share: 0.125\n", ""), &s), SIM_EFORMAT);
    cr_expect_not_null(
        strstr(err, "mini.yaml:11:7: ports.calais.staffing: missing required key 'absence_share'"), "%s",
        err);
}

Test(scenario, out_of_range_values_are_einval_with_position)
{
    struct mdl_scenario *s;
    cr_assert_eq(load(mini_with("absence_share: 0.125", "absence_share: 1.5"), &s), SIM_EINVAL);
    cr_expect_str_eq(strchr(err, ':'),
                     ":12:22: ports.calais.staffing.absence_share: must be in [0, 1], got 1.5");
    cr_assert_eq(load(mini_with("max_queue: 12", "max_queue: 99999999999999999999"), &s), SIM_EINVAL);
    cr_expect_not_null(strstr(err, "ports.calais.selection.max_queue: must be in [1, 1000000], got 9999"),
                       "%s", err);
    cr_assert_eq(load(mini_with("groups_per_day: 14", "groups_per_day: .nan"), &s), SIM_EINVAL);
    cr_expect_not_null(strstr(err, "groups_per_day: must be a finite number, got .nan"), "%s", err);
    cr_assert_eq(load(mini_with("groups_per_day: 14", "groups_per_day: 1e999"), &s), SIM_EINVAL);
    cr_expect_not_null(strstr(err, "groups_per_day: must be a finite number, got 1e999"), "%s", err);
}

Test(scenario, every_validation_problem_is_reported)
{
    struct mdl_scenario *s;
    cr_assert_eq(load(mini_with("share: 0.625", "share: 0.5"), &s), SIM_EINVAL);
    cr_expect_not_null(strstr(err, "ports.calais.methods: shares must sum to 1 (within 1e-6), got 0.875"),
                       "%s", err);
    cr_expect_null(strstr(err, "\n\n"));
    /* A second file with three independent problems gives three lines. */
    static char text[8192];
    snprintf(text, sizeof text, "%s", mini);
    char *p = strstr(text, "2024-03-01");
    memcpy(p, "2023-02-29", 10);
    p = strstr(text, "team_size: 3");
    memcpy(p, "team_size: 0", 12);
    p = strstr(text, "dist: uniform, min: 1, max: 4");
    memcpy(p, "dist: uniform, min: 1, max: 0", 29);
    cr_assert_eq(load(write_file("three.yaml", text), &s), SIM_EINVAL);
    cr_expect_not_null(strstr(err, "calendar.start_date: must be a real date"), "%s", err);
    cr_expect_not_null(strstr(err, "\n"), "%s", err);
    cr_expect_not_null(strstr(err, "ports.calais.staffing.team_size: must be in [1, 20], got 0"), "%s", err);
    cr_expect_not_null(strstr(err, "ports.calais.methods.scanner.time_min.max: must be in (0, 10000], got 0"),
                       "%s", err);
}

Test(scenario, distribution_parameters_must_match_the_kind)
{
    struct mdl_scenario *s;
    cr_assert_eq(load(mini_with("min: 1, max: 4}", "min: 1, max: 4, sd: 2}"), &s), SIM_EINVAL);
    cr_expect_not_null(
        strstr(err, "ports.calais.methods.scanner.time_min.sd: sd is not used by dist: uniform"), "%s", err);
    cr_assert_eq(load(mini_with("mean: 10, sd: 3", "mean: 10"), &s), SIM_EINVAL);
    cr_expect_not_null(strstr(err, "ports.calais.methods.dog.time_min: dist: gamma needs sd"), "%s", err);
}

Test(scenario, newer_schema_is_refused_before_unknown_keys)
{
    struct mdl_scenario *s;
    cr_assert_eq(load(mini_with("dispsim: 1\n", "dispsim: 3\nfuture: {x: 1}\n"), &s), SIM_EINVAL);
    cr_expect_str_eq(strchr(err, ':'), ":1:10: dispsim: written for a newer dispsim (schema 3); "
                                       "this build reads schema 1");
}

Test(scenario, duplicate_port_names_are_reported)
{
    struct mdl_scenario *s;
    const char *m = strstr(mini, "  - name: calais");
    static char text[8192];
    snprintf(text, sizeof text, "%s%s", mini, m);
    cr_assert_eq(load(write_file("dup.yaml", text), &s), SIM_EINVAL);
    cr_expect_not_null(strstr(err, ":21:"), "%s", err);
    cr_expect_not_null(strstr(err, "ports[1].name: duplicate port name 'calais' (first used at line 6)"),
                       "%s", err);
}

Test(scenario, small_error_buffer_is_truncated_and_terminated)
{
    struct mdl_scenario *s = NULL;
    char small[16];
    memset(small, 'x', sizeof small);
    cr_assert_eq(mdl_scenario_load(source_path("nonexistent.yaml"), &s, small, sizeof small), SIM_ENOENT);
    cr_expect_eq(strlen(small), sizeof small - 1);
    cr_assert_eq(mdl_scenario_load(source_path("nonexistent.yaml"), &s, NULL, 0), SIM_ENOENT);
}

Test(scenario, null_arguments_are_einval)
{
    struct mdl_scenario *s = NULL;
    cr_expect_eq(mdl_scenario_load(NULL, &s, err, sizeof err), SIM_EINVAL);
    cr_expect_eq(mdl_scenario_load(source_path("scenarios/baseline.yaml"), NULL, err, sizeof err),
                 SIM_EINVAL);
}

/* AddressSanitizer reserves terabytes of address space and dies when RLIMIT_AS stops its own maps. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

Test(scenario, allocation_failure_is_enomem)
{
#ifdef UNDER_ASAN
    cr_skip_test("RLIMIT_AS cannot cap the address space under AddressSanitizer (the plain build runs this)");
#endif
    /* A 12 MiB file (below the 16 MiB limit) cannot be read once the address space is capped just
     * above what the process already uses. */
    struct mdl_scenario *s;
    char path[128];
    snprintf(path, sizeof path, "%s/big.yaml", tmpdir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    cr_assert_eq(ftruncate(fileno(f), 12 << 20), 0);
    fclose(f);
    long pages = 0;
    FILE *statm = fopen("/proc/self/statm", "r");
    cr_assert_not_null(statm);
    cr_assert_eq(fscanf(statm, "%ld", &pages), 1);
    fclose(statm);
    rlim_t cap = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + (4u << 20);
    struct rlimit rl = {cap, cap};
    cr_assert_eq(setrlimit(RLIMIT_AS, &rl), 0);
    cr_assert_eq(mdl_scenario_load(path, &s, err, sizeof err), SIM_ENOMEM);
    cr_expect_not_null(strstr(err, "out of memory"), "%s", err);
}

Test(scenario, index_names_entries_by_name_or_index)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    struct mdl__scn_index idx;
    const char *text = "ports:\n"
                       "  - name: calais\n"
                       "    hour_profile: [1, 2.375, 3]\n"
                       "    shifts:\n"
                       "      - {officers: 14}\n"
                       "  - name: calais\n"
                       "  - {lorries: 5}\n";
    cr_assert(yaml_parser_initialize(&parser));
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
    cr_assert(yaml_parser_load(&parser, &doc));
    cr_assert_eq(mdl__scn_index_build(&idx, &doc), SIM_OK);
    const yaml_node_t *n = mdl__scn_index_find(&idx, "ports.calais.hour_profile[1]");
    cr_assert_not_null(n);
    cr_expect_str_eq((const char *)n->data.scalar.value, "2.375");
    cr_expect_eq(n->start_mark.line, 2u);
    cr_expect_eq(n->start_mark.column, 22u);
    n = mdl__scn_index_find(&idx, "ports.calais.shifts[0].officers");
    cr_assert_not_null(n);
    cr_expect_str_eq((const char *)n->data.scalar.value, "14");
    cr_expect_not_null(mdl__scn_index_find(&idx, "ports[1].name"), "a repeated name falls back to the index");
    cr_expect_not_null(mdl__scn_index_find(&idx, "ports[2].lorries"),
                       "an entry without a name uses its index");
    cr_expect_null(mdl__scn_index_find(&idx, "ports.calais.bogus"));
    cr_expect_eq(mdl__scn_index_find(&idx, ""), yaml_document_get_root_node(&doc));
    mdl__scn_index_fini(&idx);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
}

Test(scenario, reference_rows_are_unique_and_their_defaults_valid)
{
    size_t n = 0;
    const struct mdl_field *f = mdl_scenario_fields(&n);
    cr_assert_geq(n, 90u, "the reference lists every numeric field");
    for (size_t i = 0; i < n; i++) {
        cr_expect_eq(mdl_scenario_field(f[i].path), &f[i], "%s: path given twice", f[i].path);
        cr_expect(f[i].unit != NULL && f[i].desc != NULL && f[i].desc[0] && f[i].def_text[0], "%s",
                  f[i].path);
        if (!f[i].has_default || f[i].type == MDL_FIELD_BOOL)
            continue;
        if (f[i].type == MDL_FIELD_COUNT) { /* counts with a default (cecps.team.staff, ...) */
            cr_expect(f[i].def >= (double)f[i].ulo && f[i].def <= (double)f[i].uhi &&
                          f[i].def == floor(f[i].def),
                      "%s: default %g outside %llu..%llu", f[i].path, f[i].def, f[i].ulo, f[i].uhi);
            continue;
        }
        cr_expect(f[i].type == MDL_FIELD_REAL || f[i].type == MDL_FIELD_WHOLE, "%s", f[i].path);
        cr_expect(mdl__field_ok(f[i].path, f[i].def), "%s: default %g outside %g..%g", f[i].path, f[i].def,
                  f[i].lo, f[i].hi);
    }
    cr_expect_null(mdl_scenario_field("ports[].selection"));
}

Test(scenario, walker_applies_defaults_of_absent_fields)
{
    struct mdl_scenario *s;
    cr_assert_eq(load(mini_with("share: 0.3,", "share: 0.3, lift: 2.375,"), &s), SIM_OK, "%s", err);
    cr_expect_eq(s->ports[0].selection.lift, 2.375);
    mdl_scenario_destroy(s);
    cr_assert_eq(load(mini_with("dispsim: 1\n", "dispsim: 1\n"), &s), SIM_OK, "%s", err);
    cr_expect_eq(s->ports[0].selection.lift, 1.0, "the reference default of selection.lift");
    cr_expect_eq(s->ports[0].perimeter_security, 0.0);
    mdl_scenario_destroy(s);
}

Test(scenario, uint_range_comes_from_the_reference)
{
    unsigned long long lo = 7, hi = 7;
    cr_assert(mdl__scn_uint_range("officers", &lo, &hi));
    cr_expect_eq(lo, 0u);
    cr_expect_eq(hi, 10000u);
    cr_assert(mdl__scn_uint_range("team_size", &lo, &hi));
    cr_expect_eq(lo, 1u);
    cr_expect(!mdl__scn_uint_range("share", &lo, &hi), "a real is not a count");
    cr_expect(!mdl__scn_uint_range("ficers", &lo, &hi), "whole keys only");
}

/* Counts the lines of the report. */
static int report_lines(const char *report)
{
    int n = 0;
    for (const char *p = report; *p; p++)
        n += *p == '\n';
    return n + (report[0] && report[strlen(report) - 1] != '\n');
}

Test(scenario, independent_errors_are_reported_in_one_pass)
{
    static char text[8192];
    snprintf(text, sizeof text, "%s%s", mini,
             "interventions:\n"
             "  - {path: ports.calais.selection.share, op: set, value: 0.375, from: 2024-13-01}\n"
             "variants:\n"
             "  - {name: baseline, interventions: []}\n");
    char *at = strstr(text, "absence_share: 0.125");
    cr_assert_not_null(at);
    memcpy(at, "absence_share: 1.125", 20);
    struct mdl_scenario *s;
    cr_assert_eq(load(write_file("three.yaml", text), &s), SIM_EINVAL);
    cr_expect_eq(report_lines(err), 3, "%s", err);
    cr_expect_not_null(
        strstr(err, "three.yaml:12:22: ports.calais.staffing.absence_share: must be in [0, 1], got 1.125"),
        "%s", err);
    cr_expect_not_null(strstr(err, "three.yaml:22:71: "), "%s", err);
    cr_expect_not_null(strstr(err, "interventions[0].from: must be a real date"), "%s", err);
    cr_expect_not_null(strstr(err, "three.yaml:24:12: "), "%s", err);
    cr_expect_not_null(strstr(err, "variants.baseline.name:"), "%s", err);
}

Test(scenario, a_change_is_judged_by_the_value_it_would_set)
{
    static char text[8192];
    snprintf(text, sizeof text, "%s%s", mini,
             "interventions:\n"
             "  - {path: \"ports.calais.staffing.shifts[0].officers\", op: add, value: -16.5}\n");
    struct mdl_scenario *s;
    cr_assert_eq(load(write_file("cut.yaml", text), &s), SIM_EINVAL);
    cr_expect_not_null(strstr(err, "cut.yaml:22:5: interventions[0]: "), "%s", err);
    cr_expect_not_null(strstr(err,
                              "(14 -> -2): ports.calais.staffing.shifts[0].officers: must be in [0, 10000], "
                              "got -2"),
                       "%s", err);
    char pat[128];
    cr_assert(mdl__scn_pattern("modes.small_boat.boat.patrol_effort", pat, sizeof pat));
    cr_expect_str_eq(pat, "modes[].boat.patrol_effort");
    cr_assert(mdl__scn_pattern("ports[2].staffing.shifts[0].officers", pat, sizeof pat));
    cr_expect_str_eq(pat, "ports[].staffing.shifts[].officers");
    cr_expect(!mdl__scn_pattern("ports.calais.nope", pat, sizeof pat));
}

/* Replaces the first `from` in text[cap] by `to`, in place. */
static void replace_in(char *text, size_t cap, const char *from, const char *to)
{
    char *at = strstr(text, from);
    cr_assert_not_null(at, "text lacks '%s'", from);
    char rest[8192];
    snprintf(rest, sizeof rest, "%s", at + strlen(from));
    snprintf(at, cap - (size_t)(at - text), "%s%s", to, rest);
}

Test(scenario, every_shape_problem_is_reported_in_one_pass)
{
    static char text[8192];
    snprintf(text, sizeof text, "%s", mini);
    replace_in(text, sizeof text, "team_size: 3\n", "team_size: 3\n      colour: red\n");
    replace_in(text, sizeof text, "policy: random", "policy: smart");
    replace_in(text, sizeof text, "{at_port_share: 0.08, within_72h_share: 0.8}", "[0.08, 0.8]");
    struct mdl_scenario *s = NULL;
    cr_assert_eq(load(write_file("shape.yaml", text), &s), SIM_EFORMAT);
    cr_expect_null(s);
    cr_expect_eq(report_lines(err), 3, "%s", err);
    cr_expect_not_null(strstr(err, "shape.yaml:12:7: ports.calais.staffing.colour: unknown key"), "%s", err);
    cr_expect_not_null(strstr(err,
                              "shape.yaml:16:25: ports.calais.selection.policy: expected one of: random, "
                              "targeted, capacity; got 'smart'"),
                       "%s", err);
    cr_expect_not_null(strstr(err, "shape.yaml:21:16: ports.calais.recording: expected a mapping"), "%s",
                       err);
}

Test(scenario, changes_compose_only_with_those_in_force_at_the_same_time)
{
    static char text[8192];
    const char *shift = "\"ports.calais.staffing.shifts[0].officers\"";
    snprintf(text, sizeof text,
             "%sinterventions:\n"
             "  - {path: %s, op: add, value: -10, to: 2024-03-10}\n"
             "  - {path: %s, op: add, value: -10, from: 2024-03-10}\n",
             mini, shift, shift);
    struct mdl_scenario *s;
    cr_assert_eq(load(write_file("apart.yaml", text), &s), SIM_OK, "one after the other: %s", err);
    mdl_scenario_destroy(s);
    snprintf(text, sizeof text,
             "%sinterventions:\n"
             "  - {path: %s, op: add, value: -10, to: 2024-03-11}\n"
             "  - {path: %s, op: add, value: -10, from: 2024-03-10}\n",
             mini, shift, shift);
    cr_assert_eq(load(write_file("overlap.yaml", text), &s), SIM_EINVAL);
    cr_expect_not_null(strstr(err, "overlap.yaml:23:5: interventions[1]: "), "%s", err);
    cr_expect_not_null(strstr(err, "(4 -> -6)"), "%s", err);
    cr_expect_eq(report_lines(err), 1, "%s", err);
}

/* mdl_scenario.c: reading a scenario file (the libyaml and libcyaml half of the loader).
 *
 * Order of work: read the whole file; parse it with libyaml into a document, which gives syntax
 * errors with positions and an index from field path to node (after a first pass that refuses
 * nesting deep enough to make libyaml slow); refuse a schema newer than ours
 * before anything else complains about keys it does not know; load it with libcyaml against the
 * schema, after a pass of our own that reports every problem with the file's shape at once
 * (mdl_scenario_shape.c; mdl_scenario_diag.c turns libcyaml's log into one "FILE:LINE:COL: PATH: ..."
 * line for what remains);
 * finally validate the values (mdl_scenario_check.c). */
#define _POSIX_C_SOURCE 200809L

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cyaml/cyaml.h>

#include "mdl_scenario_priv.h"

/* Larger files are refused: no scenario comes near this, and it bounds what a typo can allocate. */
#define MAX_FILE_BYTES (16u << 20)

/* ---- Reading the file ------------------------------------------------------------------------ */

static sim_status cannot_read(struct mdl__scn_diag *d, int errnum)
{
    char reason[128];
    if (strerror_r(errnum, reason, sizeof reason) != 0)
        snprintf(reason, sizeof reason, "error %d", errnum);
    mdl__scn_report(d, NULL, NULL, "cannot read: %s", reason);
    return SIM_ENOENT;
}

/* Reads all of `fd` into a new NUL-terminated buffer. `hint` is the expected size. */
static sim_status read_all(int fd, size_t hint, char **text, size_t *len, struct mdl__scn_diag *d)
{
    size_t cap = hint + 1 < 4096 ? 4096 : hint + 1, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        goto nomem;
    for (;;) {
        if (n + 1 == cap) {
            if (cap > MAX_FILE_BYTES) {
                free(buf);
                mdl__scn_report(d, NULL, NULL, "scenario is too large (more than %u bytes)", MAX_FILE_BYTES);
                return SIM_EFORMAT;
            }
            char *bigger = realloc(buf, 2 * cap);
            if (!bigger)
                goto nomem;
            buf = bigger;
            cap *= 2;
        }
        ssize_t got = read(fd, buf + n, cap - 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            return cannot_read(d, e);
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return SIM_OK;
nomem:
    free(buf);
    mdl__scn_report(d, NULL, NULL, "out of memory reading the scenario");
    return SIM_ENOMEM;
}

static sim_status read_text(const char *path, char **text, size_t *len, struct mdl__scn_diag *d)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cannot_read(d, errno);
    struct stat st;
    sim_status status;
    if (fstat(fd, &st) != 0)
        status = cannot_read(d, errno);
    else if (S_ISDIR(st.st_mode))
        status = cannot_read(d, EISDIR);
    else if (S_ISREG(st.st_mode) && st.st_size > (off_t)MAX_FILE_BYTES) {
        mdl__scn_report(d, NULL, NULL, "scenario is too large (%lld bytes; the limit is %u)",
                        (long long)st.st_size, MAX_FILE_BYTES);
        status = SIM_EFORMAT;
    } else
        status = read_all(fd, S_ISREG(st.st_mode) ? (size_t)st.st_size : 0, text, len, d);
    close(fd);
    return status;
}

/* ---- The libyaml document ------------------------------------------------------------------- */

/* Reports a libyaml parser error at its problem mark (computed from the byte offset for errors
 * found while decoding, which carry no mark). */
static sim_status syntax_error(const yaml_parser_t *p, const char *text, struct mdl__scn_diag *d)
{
    if (p->error == YAML_MEMORY_ERROR) {
        mdl__scn_report(d, NULL, NULL, "out of memory parsing the scenario");
        return SIM_ENOMEM;
    }
    yaml_mark_t mark = p->problem_mark;
    const char *problem = p->problem ? p->problem : "malformed YAML";
    if (p->error == YAML_READER_ERROR) {
        mark = (yaml_mark_t){0};
        for (size_t i = 0; i < p->problem_offset && text[i]; i++, mark.column++)
            if (text[i] == '\n')
                mark.line++, mark.column = (size_t)-1;
        mdl__scn_report(d, &mark, NULL, "not valid UTF-8 text: %s", problem);
    } else if (p->context)
        mdl__scn_report(d, &mark, NULL, "YAML syntax error: %s (%s that starts at line %zu, column %zu)",
                        problem, p->context, p->context_mark.line + 1, p->context_mark.column + 1);
    else
        mdl__scn_report(d, &mark, NULL, "YAML syntax error: %s", problem);
    return SIM_EFORMAT;
}

/* Deepest nesting of lists and mappings accepted; the schema itself nests six levels. */
#define MAX_DEPTH 64

/* Refuses nesting deeper than MAX_DEPTH before libyaml builds the document. libyaml 0.2.5 keeps a
 * possible simple key per flow level and rescans all of them for every token, so its time grows
 * with the square of the depth: 100,000 nested '[' take a minute, as many nested '{a: ' never
 * finish. Parsing events only up to the first level too deep costs next to nothing. A syntax error
 * ends this pass without a report: parse_document reports it with its position. */
static sim_status check_depth(const char *text, size_t len, struct mdl__scn_diag *d)
{
    yaml_parser_t p;
    yaml_event_t ev;
    if (!yaml_parser_initialize(&p)) {
        mdl__scn_report(d, NULL, NULL, "out of memory parsing the scenario");
        return SIM_ENOMEM;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    sim_status status = SIM_OK;
    int depth = 0;
    while (status == SIM_OK && yaml_parser_parse(&p, &ev)) {
        yaml_event_type_t type = ev.type;
        if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT) {
            if (++depth > MAX_DEPTH) {
                mdl__scn_report(d, &ev.start_mark, NULL, "lists and mappings nested more than %d levels deep",
                                MAX_DEPTH);
                status = SIM_EFORMAT;
            }
        } else if (type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT)
            depth--;
        yaml_event_delete(&ev);
        if (type == YAML_STREAM_END_EVENT)
            break;
    }
    yaml_parser_delete(&p);
    return status;
}

/* Parses `text` into *doc (deleted by the caller when *have_doc is set). Refuses an empty file,
 * a second document (libcyaml would silently ignore it) and keys that are not scalars (on which
 * libcyaml 1.3.1 fails with a bare "internal error"). */
static sim_status parse_document(const char *text, size_t len, yaml_document_t *doc, bool *have_doc,
                                 struct mdl__scn_diag *d)
{
    yaml_parser_t parser;
    yaml_document_t extra;
    sim_status status = SIM_OK;
    if (!yaml_parser_initialize(&parser)) {
        mdl__scn_report(d, NULL, NULL, "out of memory parsing the scenario");
        return SIM_ENOMEM;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, doc)) {
        status = syntax_error(&parser, text, d);
        goto cleanup;
    }
    *have_doc = true;
    const yaml_node_t *root = yaml_document_get_root_node(doc);
    if (!root || (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0 &&
                  root->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)) {
        mdl__scn_report(d, NULL, NULL,
                        "empty scenario: the file holds no YAML content "
                        "(see scenarios/baseline.yaml for an example)");
        status = SIM_EFORMAT;
        goto cleanup;
    }
    if (!yaml_parser_load(&parser, &extra)) {
        status = syntax_error(&parser, text, d);
        goto cleanup;
    }
    if (yaml_document_get_root_node(&extra)) {
        mdl__scn_report(d, &extra.start_mark, NULL,
                        "a scenario file holds one YAML document; "
                        "remove the second one (after '---')");
        status = SIM_EFORMAT;
    }
    yaml_document_delete(&extra);
    for (const yaml_node_t *n = doc->nodes.start; n < doc->nodes.top && status == SIM_OK; n++) {
        if (n->type != YAML_MAPPING_NODE)
            continue;
        for (const yaml_node_pair_t *q = n->data.mapping.pairs.start; q < n->data.mapping.pairs.top; q++) {
            const yaml_node_t *k = mdl__scn_node(doc, q->key);
            if (k && k->type != YAML_SCALAR_NODE) {
                mdl__scn_report(d, &k->start_mark, NULL, "a key must be a plain word, not a %s",
                                k->type == YAML_MAPPING_NODE ? "mapping" : "list");
                status = SIM_EFORMAT;
                break;
            }
        }
    }
cleanup:
    yaml_parser_delete(&parser);
    return status;
}

/* Refuses a file written for a newer schema before libcyaml complains about keys it does not know. */
static bool newer_schema(const struct mdl__scn_index *idx, struct mdl__scn_diag *d)
{
    const yaml_node_t *v = mdl__scn_index_find(idx, "dispsim");
    if (!v || v->type != YAML_SCALAR_NODE)
        return false;
    const char *s = (const char *)v->data.scalar.value;
    if (s[0] == '\0' || strspn(s, "0123456789") != strlen(s))
        return false;
    errno = 0;
    unsigned long long version = strtoull(s, NULL, 10);
    if (errno != ERANGE && version <= MDL_SCENARIO_SCHEMA)
        return false;
    mdl__scn_report(d, &v->start_mark, "dispsim",
                    "written for a newer dispsim (schema %s); this build "
                    "reads schema %d",
                    s, MDL_SCENARIO_SCHEMA);
    return true;
}

/* Parses, loads and validates `text` (taking ownership of it) into *out. */
static sim_status load(const char *label, char *text, size_t len, struct mdl_scenario **out,
                       struct mdl__scn_diag *d)
{
    yaml_document_t doc;
    bool have_doc = false;
    struct mdl__scn_index idx = {0};
    struct mdl_scenario *s = NULL;
    sim_status st;
    if ((st = check_depth(text, len, d)) != SIM_OK)
        goto cleanup;
    if ((st = parse_document(text, len, &doc, &have_doc, d)) != SIM_OK)
        goto cleanup;
    if ((st = mdl__scn_index_build(&idx, &doc)) != SIM_OK) {
        mdl__scn_report(d, NULL, NULL,
                        st == SIM_ENOMEM ? "out of memory indexing the scenario"
                                         : "scenario too large (more than %d values)",
                        MDL__SCN_MAX_NODES);
        goto cleanup;
    }
    if (newer_schema(&idx, d)) {
        st = SIM_EINVAL;
        goto cleanup;
    }
    if ((st = mdl__scn_check_shape(&doc, d)) != SIM_OK)
        goto cleanup;
    if ((st = mdl__scn_load_struct(text, len, &doc, &s, d)) != SIM_OK)
        goto cleanup;
    if ((st = mdl__scn_validate(s, &idx, d)) != SIM_OK)
        goto cleanup;
    if (!(s->path = strdup(label))) {
        mdl__scn_report(d, NULL, NULL, "out of memory");
        st = SIM_ENOMEM;
        goto cleanup;
    }
    s->text = text;
    text = NULL;
    *out = s;
    s = NULL;
cleanup:
    mdl_scenario_destroy(s);
    mdl__scn_index_fini(&idx);
    if (have_doc)
        yaml_document_delete(&doc);
    free(text);
    return st;
}

sim_status mdl_scenario_load(const char *path, struct mdl_scenario **out, char *err, size_t errlen)
{
    struct mdl__scn_diag d;
    mdl__scn_diag_init(&d, err, errlen, path ? path : "(null)");
    char *text = NULL;
    size_t len = 0;
    sim_status st;
    if (!path || !out) {
        mdl__scn_report(&d, NULL, NULL, "no scenario file given");
        st = SIM_EINVAL;
    } else if ((st = read_text(path, &text, &len, &d)) == SIM_OK) {
        st = load(path, text, len, out, &d);
    }
    mdl__scn_diag_finish(&d);
    return st;
}

sim_status mdl_scenario_load_text(const char *text, size_t len, const char *label, struct mdl_scenario **out,
                                  char *err, size_t errlen)
{
    struct mdl__scn_diag d;
    mdl__scn_diag_init(&d, err, errlen, label ? label : "(text)");
    sim_status st = SIM_EINVAL;
    char *copy = NULL;
    if (!text || !out)
        mdl__scn_report(&d, NULL, NULL, "no scenario text given");
    else if (!(copy = malloc(len + 1)))
        mdl__scn_report(&d, NULL, NULL, "out of memory"), st = SIM_ENOMEM;
    else {
        memcpy(copy, text, len);
        copy[len] = '\0';
        st = load(label ? label : "(text)", copy, len, out, &d);
    }
    mdl__scn_diag_finish(&d);
    return st;
}

void mdl_scenario_destroy(struct mdl_scenario *s)
{
    if (!s)
        return;
    free(s->path);
    free(s->text);
    cyaml_err_t e = cyaml_free(&mdl__scn_free_config, &mdl__scn_schema, s, 0);
    assert(e == CYAML_OK); /* only fails for a NULL config or schema: our bug */
    (void)e;
}

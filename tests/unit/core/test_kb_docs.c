/* SPDX-License-Identifier: MIT
 *
 * docs/knowledge-base.md stays true to data/: every schema the shipped files
 * use, and every kind the catalog accepts, has a section whose heading names
 * it (`rehabit.<kind>/<n>`), and every key the shipped files of a kind use is
 * named in that section as `key`. Instruments are specified in
 * docs/instruments.md, so their keys are checked against its section naming
 * the schema. The checker itself is tested on a small document first, so a
 * missing key is known to fail.
 */
#include "rh_test.h"

#include "base/alloc.h"
#include "core/catalog_kinds.h"

#include <dirent.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define KB_DOC   "docs/knowledge-base.md"
#define DATA_DIR RH_SOURCE_DIR "/data"

/* Kinds specified in another document (the knowledge-base.md section links
 * to it); their keys are checked against that document. */
static const struct {
    const char *schema, *doc;
} elsewhere[] = {
    {"rehabit.instrument/1", "docs/instruments.md"},
};

/* Members whose object keys are data, not schema keys: only their values are
 * walked. */
static const struct {
    const char *schema, *member;
} data_keyed[] = {
    {"rehabit.strings/1", "strings"},        /* string key -> text */
    {"rehabit.instrument/1", "option_sets"}, /* option-set name -> options */
    {"rehabit.instrument/1", "when"},        /* sex/context keys, expression operators */
};

static const char *const envelope[] = {RH_CATALOG_ENVELOPE_KEYS, NULL};

/* ---- a small set of strings ---- */

typedef struct strset {
    char **v;
    size_t n;
} strset;

static bool set_has(const strset *s, const char *x)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], x) == 0)
            return true;
    return false;
}

static void set_add(strset *s, const char *x)
{
    if (set_has(s, x))
        return;
    char **p = rh_reallocarray(s->v, s->n + 1, sizeof(*p));
    assert_non_null(p);
    s->v = p;
    s->v[s->n] = rh_strdup(x);
    assert_non_null(s->v[s->n]);
    s->n++;
}

static void set_free(strset *s)
{
    for (size_t i = 0; i < s->n; i++)
        rh_free(s->v[i]);
    rh_free(s->v);
    s->v = NULL;
    s->n = 0;
}

/* ---- the markdown document ---- */

/* Level of a heading line ("## x" -> 2), 0 for any other line. */
static int heading_level(const char *line, const char *eol)
{
    int n = 0;
    while (line + n < eol && line[n] == '#')
        n++;
    return n >= 1 && n <= 6 && line + n < eol && line[n] == ' ' ? n : 0;
}

static bool is_fence(const char *line, const char *eol)
{
    return eol - line >= 3 && strncmp(line, "```", 3) == 0;
}

static const char *line_end(const char *p)
{
    const char *e = strchr(p, '\n');
    return e ? e : p + strlen(p);
}

/* The section whose heading (outside code blocks) contains `needle`: from the
 * heading to the next heading of the same or a higher level. Returns false
 * when there is none. */
static bool find_section(const char *doc, const char *needle, const char **start, const char **end)
{
    bool fenced = false;
    int level = 0;
    *start = *end = NULL;
    for (const char *p = doc; *p;) {
        const char *eol = line_end(p);
        if (is_fence(p, eol)) {
            fenced = !fenced;
        } else if (!fenced) {
            int h = heading_level(p, eol);
            if (h && *start && h <= level) {
                *end = p;
                return true;
            }
            if (h && !*start) {
                size_t nl = strlen(needle);
                for (const char *q = p; q + nl <= eol; q++) {
                    if (strncmp(q, needle, nl) == 0) {
                        *start = p;
                        level = h;
                        break;
                    }
                }
            }
        }
        p = *eol ? eol + 1 : eol;
    }
    if (*start)
        *end = doc + strlen(doc);
    return *start != NULL;
}

/* Whether [start, end) names `key` as a code span `key` outside code blocks. */
static bool mentions(const char *start, const char *end, const char *key)
{
    size_t kl = strlen(key);
    bool fenced = false;
    for (const char *p = start; p < end;) {
        const char *eol = line_end(p);
        if (is_fence(p, eol)) {
            fenced = !fenced;
        } else if (!fenced) {
            for (const char *q = p; q < eol;) {
                const char *open = memchr(q, '`', (size_t)(eol - q));
                const char *close = open ? memchr(open + 1, '`', (size_t)(eol - open - 1)) : NULL;
                if (!close)
                    break;
                if ((size_t)(close - open - 1) == kl && strncmp(open + 1, key, kl) == 0)
                    return true;
                q = close + 1;
            }
        }
        p = *eol ? eol + 1 : eol;
    }
    return false;
}

/* ---- the data files ---- */

typedef struct kb_file {
    const char *path;
    json_t *root;
} kb_file;

typedef struct kb_files {
    kb_file *v;
    size_t n;
} kb_files;

static void load_dir(const char *dir, kb_files *out, int depth)
{
    assert_true(depth < 8);
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("cannot read %s", dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            load_dir(path, out, depth + 1);
            continue;
        }
        size_t nl = strlen(path);
        if (nl < 5 || strcmp(path + nl - 5, ".json") != 0)
            continue;
        json_error_t je;
        json_t *root = json_load_file(path, 0, &je);
        if (!root)
            fail_msg("%s:%d: %s", path, je.line, je.text);
        kb_file *p = rh_reallocarray(out->v, out->n + 1, sizeof(*p));
        assert_non_null(p);
        out->v = p;
        out->v[out->n].path = rh_strdup(path);
        out->v[out->n].root = root;
        assert_non_null(out->v[out->n].path);
        out->n++;
    }
    closedir(d);
}

static void files_free(kb_files *f)
{
    for (size_t i = 0; i < f->n; i++) {
        rh_free_const(f->v[i].path);
        json_decref(f->v[i].root);
    }
    rh_free(f->v);
}

static const char *schema_of(const kb_file *f)
{
    const char *s = json_string_value(json_object_get(f->root, "schema"));
    if (!s)
        fail_msg("%s has no schema", f->path);
    return s;
}

static bool is_envelope(const char *key)
{
    for (const char *const *k = envelope; *k; k++)
        if (strcmp(*k, key) == 0)
            return true;
    return false;
}

static bool is_data_keyed(const char *schema, const char *member)
{
    for (size_t i = 0; i < sizeof(data_keyed) / sizeof(data_keyed[0]); i++)
        if (strcmp(data_keyed[i].schema, schema) == 0 && strcmp(data_keyed[i].member, member) == 0)
            return true;
    return false;
}

/* Every key used anywhere in `v`, except the envelope at the top level and
 * the data keys of data-keyed members. */
static void collect_keys(const char *schema, json_t *v, int depth, strset *keys)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x)
        {
            if (depth == 0 && is_envelope(k))
                continue;
            set_add(keys, k);
            if (json_is_object(x) && is_data_keyed(schema, k)) {
                const char *dk;
                json_t *dv;
                json_object_foreach(x, dk, dv)
                {
                    (void)dk;
                    collect_keys(schema, dv, depth + 2, keys);
                }
            } else {
                collect_keys(schema, x, depth + 1, keys);
            }
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            collect_keys(schema, x, depth + 1, keys);
        }
    }
}

/* Counts (and, with `report`, prints) the keys the files of `schema` use that
 * the section of `doc` naming the schema does not mention; a missing section
 * counts as one. */
static size_t undocumented_keys(const char *doc, const char *doc_name, const char *schema,
                                const kb_files *files, bool report)
{
    char needle[128];
    snprintf(needle, sizeof(needle), "`%s`", schema);
    const char *start, *end;
    if (!find_section(doc, needle, &start, &end)) {
        if (report)
            fprintf(stderr, "%s: no section heading names %s\n", doc_name, needle);
        return 1;
    }
    strset keys = {0};
    for (size_t i = 0; i < files->n; i++)
        if (strcmp(schema_of(&files->v[i]), schema) == 0)
            collect_keys(schema, files->v[i].root, 0, &keys);
    size_t missing = 0;
    for (size_t i = 0; i < keys.n; i++) {
        if (mentions(start, end, keys.v[i]))
            continue;
        missing++;
        if (report)
            fprintf(stderr, "%s: the %s section does not mention `%s`, used in data/\n", doc_name,
                    schema, keys.v[i]);
    }
    set_free(&keys);
    return missing;
}

/* A document of the source tree, by its path from the repository root. */
static char *slurp(const char *rel)
{
    char path[4096];
    size_t len = 0;
    snprintf(path, sizeof(path), "%s/%s", RH_SOURCE_DIR, rel);
    char *text = rh_test_slurp(path, &len);
    if (!text)
        fail_msg("cannot read %s", path);
    return text;
}

/* ---- tests ---- */

static void the_checker_finds_what_is_missing(void **state)
{
    (void)state;
    static const char doc[] = "# KB\n"
                              "## X (`rehabit.x/1`)\n"
                              "`a` and `c`; b only in the code block:\n"
                              "```json\n"
                              "## not a heading `b`\n"
                              "```\n"
                              "### sub: `d`\n"
                              "## Y (`rehabit.y/1`)\n"
                              "`b`\n";
    json_error_t je;
    json_t *x = json_loads("{\"schema\": \"rehabit.x/1\", \"version\": \"1\", \"a\": "
                           "[{\"b\": 1, \"c\": {\"d\": 2}}], \"comment\": \"c\"}",
                           0, &je);
    json_t *y = json_loads("{\"schema\": \"rehabit.y/1\", \"b\": {\"a\": 1}}", 0, &je);
    assert_non_null(x);
    assert_non_null(y);
    kb_file v[] = {{"x.json", x}, {"y.json", y}};
    kb_files files = {v, 2};
    /* x uses a, b, c, d: b is only in a code block and in another section */
    assert_int_equal(undocumented_keys(doc, "doc", "rehabit.x/1", &files, false), 1);
    /* y uses b, a: a is only in x's section */
    assert_int_equal(undocumented_keys(doc, "doc", "rehabit.y/1", &files, false), 1);
    assert_int_equal(undocumented_keys(doc, "doc", "rehabit.z/1", &files, false), 1);
    json_decref(x);
    json_decref(y);
}

static void every_schema_has_a_section(void **state)
{
    (void)state;
    kb_files files = {0};
    load_dir(DATA_DIR, &files, 0);
    assert_true(files.n > 10);
    strset schemas = {0};
    for (size_t i = 0; i < files.n; i++)
        set_add(&schemas, schema_of(&files.v[i]));
    for (size_t k = 0; k < rh_catalog_kinds_count; k++)
        set_add(&schemas, rh_catalog_kinds[k].schema);
    char *doc = slurp(KB_DOC);
    size_t missing = 0;
    for (size_t i = 0; i < schemas.n; i++) {
        char needle[128];
        const char *start, *end;
        snprintf(needle, sizeof(needle), "`%s`", schemas.v[i]);
        if (!find_section(doc, needle, &start, &end)) {
            fprintf(stderr, "%s: no section heading names %s\n", KB_DOC, needle);
            missing++;
        }
    }
    rh_free(doc);
    set_free(&schemas);
    files_free(&files);
    if (missing)
        fail_msg("%zu schema(s) without a section in docs/knowledge-base.md (listed above)",
                 missing);
}

static void every_shipped_key_is_documented(void **state)
{
    (void)state;
    kb_files files = {0};
    load_dir(DATA_DIR, &files, 0);
    strset schemas = {0};
    for (size_t i = 0; i < files.n; i++)
        set_add(&schemas, schema_of(&files.v[i]));
    char *kb = slurp(KB_DOC);
    size_t missing = 0;
    for (size_t i = 0; i < schemas.n; i++) {
        const char *name = NULL;
        for (size_t e = 0; e < sizeof(elsewhere) / sizeof(elsewhere[0]); e++)
            if (strcmp(elsewhere[e].schema, schemas.v[i]) == 0)
                name = elsewhere[e].doc;
        char *doc = name ? slurp(name) : kb;
        if (!name)
            name = KB_DOC;
        missing += undocumented_keys(doc, name, schemas.v[i], &files, true);
        if (doc != kb)
            rh_free(doc);
    }
    rh_free(kb);
    set_free(&schemas);
    files_free(&files);
    if (missing)
        fail_msg("%zu gap(s) between data/ and its documentation (listed above)", missing);
}

static void the_envelope_is_documented(void **state)
{
    (void)state;
    char *doc = slurp(KB_DOC);
    const char *start, *end;
    assert_true(find_section(doc, "Rules every file follows", &start, &end));
    for (const char *const *k = envelope; *k; k++)
        if (!mentions(start, end, *k))
            fail_msg("docs/knowledge-base.md: 'Rules every file follows' does not mention `%s`",
                     *k);
    rh_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_checker_finds_what_is_missing),
        cmocka_unit_test(every_schema_has_a_section),
        cmocka_unit_test(every_shipped_key_is_documented),
        cmocka_unit_test(the_envelope_is_documented),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT
 *
 * The evidence files under data/evidence/ (one per research note) load into
 * the catalog, keep their namespaces and counts, resolve the works other files
 * cite, and malformed evidence files fail with an error naming the file and
 * the JSON path.
 */
#include "rh_test.h"

#include "core/catalog.h"
#include "core/evidence.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Entries per note. Change these together with the data files: a count that
 * moves without a matching edit of the note means an entry was lost or
 * duplicated. */
#define N_SUD 122
#define N_PSP 111
#define N_STD 185

static rh_catalog *load_data(void)
{
    rh_catalog *cat = NULL;
    rh_err err;
    rh_err_init(&err);
    rh_status rc = rh_catalog_load_dir("data", &cat, &err);
    if (rc != RH_OK) {
        char text[1024];
        rh_err_format(&err, text, sizeof(text));
        print_error("loading data/ failed: %s\n", text);
        return NULL;
    }
    return cat;
}

static int setup(void **state)
{
    *state = load_data();
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    rh_catalog_destroy(*state);
    return 0;
}

static size_t count_prefix(const rh_catalog *cat, const char *prefix)
{
    size_t n = 0, len = strlen(prefix);
    for (size_t i = 0; i < rh_catalog_entry_count(cat); i++) {
        const rh_catalog_entry *e = rh_catalog_entry_at(cat, i);
        if (strncmp(e->id, prefix, len) == 0) {
            assert_string_equal(e->kind, "evidence");
            n++;
        }
    }
    return n;
}

static const rh_catalog_file *file_named(const rh_catalog *cat, const char *path)
{
    for (size_t i = 0; i < rh_catalog_file_count(cat); i++)
        if (strcmp(rh_catalog_file_at(cat, i)->path, path) == 0)
            return rh_catalog_file_at(cat, i);
    return NULL;
}

static const rh_evidence *must_find(const rh_catalog *cat, const char *id)
{
    const rh_evidence *e = rh_evidence_find(cat, id);
    if (!e)
        fail_msg("evidence '%s' is not in the catalog", id);
    return e;
}

static void the_three_notes_load_with_their_entry_counts(void **state)
{
    const rh_catalog *cat = *state;
    assert_int_equal(count_prefix(cat, "sud:"), N_SUD);
    assert_int_equal(count_prefix(cat, "psp:"), N_PSP);
    assert_int_equal(count_prefix(cat, "std:"), N_STD);

    const rh_catalog_file *sud = file_named(cat, "evidence/sud.json");
    const rh_catalog_file *psp = file_named(cat, "evidence/psp.json");
    const rh_catalog_file *std = file_named(cat, "evidence/std.json");
    assert_non_null(sud);
    assert_non_null(psp);
    assert_non_null(std);
    assert_string_equal(sud->schema, "rehabit.evidence/1");
    assert_string_equal(sud->version, "2026.12.0");
    assert_string_equal(psp->version, "2026.12.0");
    assert_string_equal(std->version, "2026.12.0");
    assert_int_equal(sud->entries, N_SUD);
    assert_int_equal(psp->entries, N_PSP);
    assert_int_equal(std->entries, N_STD);

    size_t nsets = 0;
    rh_catalog_objects(cat, "rehabit.evidence/1", &nsets);
    assert_true(nsets >= 3);
}

static void sud_entries_keep_the_notes_keys(void **state)
{
    const rh_catalog *cat = *state;

    const rh_evidence *t2 = must_find(cat, "sud:T2");
    assert_string_equal(t2->kind, "trial");
    assert_string_equal(t2->grade, "B");
    assert_string_equal(t2->status, "verified");
    assert_string_equal(t2->doi, "10.1016/j.drugalcdep.2016.02.023");
    assert_string_equal(t2->pmid, "26946990");
    assert_int_equal(t2->year, 2016);
    assert_string_equal(t2->note, "evidence-sud-rtms.md");
    assert_non_null(strstr(t2->citation, "Drug Alcohol Depend 2016 (1 Apr);161:331–339"));
    assert_non_null(strstr(t2->finding, "inverted-U"));

    /* R7 in the SUD note: the single 1 Hz left-DLPFC session that raised craving. */
    const rh_evidence *r7 = must_find(cat, "sud:R7");
    assert_string_equal(r7->grade, "C");
    assert_string_equal(r7->status, "verified");
    assert_string_equal(r7->pmid, "24028801");
    assert_string_equal(r7->doi, "10.1016/j.drugalcdep.2013.08.012");
    assert_int_equal(r7->year, 2013);
    assert_non_null(strstr(r7->citation, "Li X, Malcolm RJ"));
    assert_non_null(strstr(r7->finding, "1 Hz rTMS over left DLPFC"));
    assert_non_null(strstr(r7->finding, "increased cue craving (17.86 vs 24.85, P = 0.001)"));

    /* The meta-analysis whose authors rate the evidence GRADE low. */
    assert_string_equal(must_find(cat, "sud:M2")->grade, "A-low");
    /* Known only from a secondary summary: the note says treat as unverified. */
    assert_string_equal(must_find(cat, "sud:C2")->status, "unverified");
    /* Secondary-source trial. */
    assert_string_equal(must_find(cat, "sud:T5")->status, "secondary");
}

static void psp_entries_keep_the_notes_keys(void **state)
{
    const rh_catalog *cat = *state;

    const rh_evidence *g1 = must_find(cat, "psp:G1");
    assert_string_equal(g1->kind, "review");
    assert_string_equal(g1->grade, "D");
    assert_string_equal(g1->status, "verified");
    assert_string_equal(g1->doi, "10.3389/fnmol.2022.1074205");
    assert_int_equal(g1->year, 2022);
    assert_string_equal(g1->note, "evidence-stroke-pain.md");
    assert_non_null(strstr(g1->citation, "Ma Y, Luo J, Wang XQ"));

    /* R7 in the stroke-pain note is a different work from sud:R7. */
    const rh_evidence *r7 = must_find(cat, "psp:R7");
    assert_non_null(strstr(r7->citation, "Choi GS, Chang MC"));
    assert_non_null(strstr(r7->citation, "Int J Neurosci 2018;128(2):110–116"));
    assert_string_equal(r7->doi, "10.1080/00207454.2017.1367682");
    assert_int_equal(r7->year, 2018);
    assert_string_equal(r7->grade, "B");
    assert_string_equal(r7->status, "verified");
    assert_non_null(strstr(r7->finding, "NRS fell 30.1 % (1 day)"));

    assert_string_equal(must_find(cat, "psp:R13")->grade, "A-low");
    assert_string_equal(must_find(cat, "psp:R14")->grade, "A-low");
    assert_string_equal(must_find(cat, "psp:X4")->pmid, "26723854");
    /* Aliases the note gives one work point at each other. */
    assert_string_equal(must_find(cat, "psp:H12")->doi, r7->doi);
    /* A year the note marks as from memory is not stored as a year. */
    assert_int_equal(must_find(cat, "psp:N2")->year, 0);
}

static void std_keys_agreed_with_other_files_resolve(void **state)
{
    const rh_catalog *cat = *state;
    static const char *const agreed[] = {
        "riebe2015",         "garber2011",    "billinger2014",  "mackaylyons2020",
        "fox1971",           "tanaka2001",    "gellish2007",    "gulati2010",
        "brawner2004",       "fletcher2013",  "kline1987",      "enright1998",
        "ats2002",           "holland2014",   "rikli2013",      "cruzjentoft2019",
        "chen2020awgs",      "wgoc2002",      "banister1991",   "edwards1993",
        "foster2001",        "williams2017",  "gabbett2016",    "taskforce1996",
        "lipponen2019",      "shaffer2017",   "nunan2010",      "kroenke2001",
        "spitzer2006",       "lovibond1995",  "buysse1989",     "bastien2001",
        "ipaq2005",          "skinner1982",   "who2010assist",  "who2001audit",
        "gossop1995",        "topp1997",      "cleeland2009",   "bouhassira2005",
        "bennett2001",       "dworkin2009",   "fuglmeyer1975",  "berg1992",
        "podsiadlo1991",     "bohannon1987",  "mahoney1965",    "shah1989",
        "nasreddine2005",    "matsumoto2024", "alghadir2018",   "narayanarya2011",
        "pandian2016",       "bernhardt2017", "klit2009",       "harden2010",
        "teasell2019",       "cacchio2009",   "vural2016",      "ma2022",
        "wang2016",          "dolezal2014",   "henry2012",      "pescatello2015",
        "warburton2021parq", "epley1985",     "brzycki1993",    "lombardi1989",
        "golding1989",       "astrand1954",   "redelmeier1997", "tang2012",
        "zung1965",          "zung1971",      "keteyian2023",   "mitchell2025",
        "whitfield2017",
    };
    for (size_t i = 0; i < sizeof(agreed) / sizeof(agreed[0]); i++) {
        char id[64];
        snprintf(id, sizeof(id), "std:%s", agreed[i]);
        const rh_evidence *e = must_find(cat, id);
        assert_string_equal(e->note, "exercise-standards.md");
    }

    const rh_evidence *gulati = must_find(cat, "std:gulati2010");
    assert_string_equal(gulati->doi, "10.1161/CIRCULATIONAHA.110.939249");
    assert_non_null(strstr(gulati->finding, "HRpeak = 206 − 0.88 × age"));
    /* The B2 12-month clause is only partially verified in the note. */
    assert_string_equal(must_find(cat, "std:riebe2015")->status, "secondary");
    /* Not cited by any note: present only so the agreed key resolves. */
    assert_string_equal(must_find(cat, "std:zung1965")->status, "unverified");
    assert_int_equal(must_find(cat, "std:zung1965")->year, 0);
    assert_string_equal(must_find(cat, "std:tanaka2001")->grade, "A-low");
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

/* Properties every entry must have, whatever note it comes from. */
static void every_entry_is_complete_and_well_formed(void **state)
{
    const rh_catalog *cat = *state;
    size_t n = 0;
    for (size_t i = 0; i < rh_catalog_entry_count(cat); i++) {
        const rh_catalog_entry *ce = rh_catalog_entry_at(cat, i);
        if (strcmp(ce->kind, "evidence") != 0)
            continue;
        const rh_evidence *e = must_find(cat, ce->id);
        n++;
        const char *want_note = strncmp(e->id, "sud:", 4) == 0   ? "evidence-sud-rtms.md"
                                : strncmp(e->id, "psp:", 4) == 0 ? "evidence-stroke-pain.md"
                                : strncmp(e->id, "std:", 4) == 0 ? "exercise-standards.md"
                                                                 : NULL;
        if (want_note && strcmp(e->note, want_note) != 0)
            fail_msg("'%s' is in the file of note '%s'", e->id, e->note);
        /* works from outside the notes are cited from memory */
        if (strncmp(e->id, "ext:", 4) == 0 && strcmp(e->status, "unverified") != 0)
            fail_msg("'%s' comes from outside the notes but is '%s'", e->id, e->status);
        if (!e->citation[0] || !e->finding || !e->finding[0] || !e->section || !e->grade_basis ||
            !e->grade_basis[0])
            fail_msg("'%s' lacks a citation, finding, section or grade_basis", e->id);
        if (e->doi && (strncmp(e->doi, "10.", 3) != 0 || !strchr(e->doi, '/')))
            fail_msg("'%s' has a malformed doi '%s'", e->id, e->doi);
        if (e->pmid && (!all_digits(e->pmid) || strlen(e->pmid) < 7 || strlen(e->pmid) > 8))
            fail_msg("'%s' has a malformed pmid '%s'", e->id, e->pmid);
        if (e->year && (e->year < 1950 || e->year > 2026))
            fail_msg("'%s' has an implausible year %d", e->id, e->year);
    }
    assert_true(n >= N_SUD + N_PSP + N_STD);
}

/* ---- malformed evidence files ---- */

static const char manifest[] =
    "{\"schema\": \"rehabit.manifest/1\", \"version\": \"2026.12.0\", \"notes\": []}";

#define GOOD(id)                                                      \
    "{\"id\": \"" id "\", \"kind\": \"trial\", \"citation\": \"c\", " \
    "\"grade\": \"B\", \"status\": \"verified\"}"
#define FILE_OF(...)                                                                   \
    "{\"schema\": \"rehabit.evidence/1\", \"version\": \"2026.12.0\", \"namespace\": " \
    "\"tst\", \"note\": \"test.md\", \"grading\": \"g\", \"entries\": [" __VA_ARGS__ "]}"

static void expect_failure(const rh_catalog_source *src, size_t n, const char *file,
                           const char *field, const char *msg_part)
{
    rh_catalog *cat = NULL;
    rh_err err;
    rh_err_init(&err);
    rh_status rc = rh_catalog_load_sources(src, n, "test", &cat, &err);
    assert_int_not_equal(rc, RH_OK);
    assert_null(cat);
    assert_int_equal(err.code, RH_E_INVALID);
    assert_string_equal(err.source, file);
    assert_string_equal(err.field, field);
    if (!strstr(err.msg, msg_part))
        fail_msg("message '%s' does not contain '%s'", err.msg, msg_part);
    char text[1024];
    rh_err_format(&err, text, sizeof(text));
    char want[512];
    snprintf(want, sizeof(want), "%s: %s: ", file, field);
    if (strncmp(text, want, strlen(want)) != 0)
        fail_msg("formatted error '%s' does not start with '%s'", text, want);
}

static void expect_file_failure(const char *evidence, const char *field, const char *msg_part)
{
    rh_catalog_source src[] = {
        {"manifest.json", manifest, sizeof(manifest) - 1},
        {"evidence/bad.json", evidence, strlen(evidence)},
    };
    expect_failure(src, 2, "evidence/bad.json", field, msg_part);
}

static void bad_grade_names_file_and_path(void **state)
{
    (void)state;
    expect_file_failure(FILE_OF(GOOD("tst:A1") ", {\"id\": \"tst:A2\", \"kind\": \"trial\", "
                                               "\"citation\": \"c\", \"grade\": \"E\", "
                                               "\"status\": \"verified\"}"),
                        "$.entries[1].grade", "'E' is not a valid evidence grade");
}

static void bad_status_names_file_and_path(void **state)
{
    (void)state;
    expect_file_failure(FILE_OF(GOOD("tst:A1") ", {\"id\": \"tst:A2\", \"kind\": \"trial\", "
                                               "\"citation\": \"c\", \"grade\": \"B\", "
                                               "\"status\": \"probable\"}"),
                        "$.entries[1].status", "'probable' is not a valid verification status");
}

static void id_outside_the_namespace_names_file_and_path(void **state)
{
    (void)state;
    expect_file_failure(FILE_OF(GOOD("tst:A1") ", " GOOD("sud:T2")), "$.entries[1].id",
                        "id 'sud:T2' must start with the namespace 'tst:'");
    /* The bare namespace is not an id either. */
    expect_file_failure(FILE_OF(GOOD("tst:")), "$.entries[0].id", "must start with");
}

static void unknown_key_names_file_and_path(void **state)
{
    (void)state;
    expect_file_failure(FILE_OF(GOOD("tst:A1") ", {\"id\": \"tst:A2\", \"kind\": \"trial\", "
                                               "\"citation\": \"c\", \"grade\": \"B\", "
                                               "\"status\": \"verified\", \"url\": \"x\"}"),
                        "$.entries[1].url", "unknown field 'url'");
    /* Envelope keys are checked too. */
    expect_file_failure("{\"schema\": \"rehabit.evidence/1\", \"version\": \"1\", \"namespace\": "
                        "\"tst\", \"note\": \"n\", \"entries\": [], \"notes\": \"x\"}",
                        "$.notes", "unknown field 'notes'");
}

static void unknown_kind_names_file_and_path(void **state)
{
    (void)state;
    expect_file_failure(FILE_OF("{\"id\": \"tst:A1\", \"kind\": \"anecdote\", \"citation\": "
                                "\"c\", \"grade\": \"B\", \"status\": \"verified\"}"),
                        "$.entries[0].kind", "anecdote");
}

static void duplicate_id_in_one_file_names_both_paths(void **state)
{
    (void)state;
    expect_file_failure(FILE_OF(GOOD("tst:A1") ", " GOOD("tst:A2") ", " GOOD("tst:A1")),
                        "$.entries[2]",
                        "id 'tst:A1' is defined twice (first in 'evidence/bad.json' at "
                        "$.entries[0])");
}

static void duplicate_id_across_files_names_both_files(void **state)
{
    (void)state;
    static const char a[] = FILE_OF(GOOD("tst:A1") ", " GOOD("tst:A2"));
    static const char b[] = FILE_OF(GOOD("tst:B1") ", " GOOD("tst:A2"));
    rh_catalog_source src[] = {
        {"evidence/b.json", b, sizeof(b) - 1},
        {"manifest.json", manifest, sizeof(manifest) - 1},
        {"evidence/a.json", a, sizeof(a) - 1},
    };
    /* Files load in path order, so b.json's entry is the second definition. */
    expect_failure(src, 3, "evidence/b.json", "$.entries[1]",
                   "id 'tst:A2' is defined twice (first in 'evidence/a.json' at $.entries[1])");
}

static void a_valid_small_file_loads_and_resolves(void **state)
{
    (void)state;
    static const char ev[] = FILE_OF(GOOD("tst:A1") ", {\"id\": \"tst:A2\", \"kind\": "
                                                    "\"meta_analysis\", \"citation\": \"c2\", "
                                                    "\"doi\": \"10.1/x\", \"year\": 2020, "
                                                    "\"grade\": \"A-low\", \"status\": "
                                                    "\"secondary\", \"population\": \"p\", "
                                                    "\"caveat\": \"k\"}");
    rh_catalog_source src[] = {
        {"manifest.json", manifest, sizeof(manifest) - 1},
        {"evidence/tst.json", ev, sizeof(ev) - 1},
    };
    rh_catalog *cat = NULL;
    rh_err err;
    rh_err_init(&err);
    assert_int_equal(rh_catalog_load_sources(src, 2, "test", &cat, &err), RH_OK);
    const rh_evidence *e = rh_evidence_find(cat, "tst:A2");
    assert_non_null(e);
    assert_string_equal(e->kind, "meta_analysis");
    assert_string_equal(e->grade, "A-low");
    assert_string_equal(e->status, "secondary");
    assert_int_equal(e->year, 2020);
    assert_null(e->pmid);
    assert_null(rh_evidence_find(cat, "tst:A3"));
    const rh_catalog_entry *ce = rh_catalog_find(cat, "tst:A2");
    assert_non_null(ce);
    assert_string_equal(ce->file, "evidence/tst.json");
    assert_string_equal(ce->path, "$.entries[1]");
    rh_catalog_destroy(cat);
}

typedef struct load_ctx {
    const rh_catalog_source *src;
    size_t n;
} load_ctx;

static rh_status load_and_destroy(void *p)
{
    const load_ctx *ctx = p;
    rh_catalog *cat = NULL;
    rh_status rc = rh_catalog_load_sources(ctx->src, ctx->n, "test", &cat, NULL);
    rh_catalog_destroy(cat);
    return rc;
}

static void allocation_failures_are_reported_and_leak_nothing(void **state)
{
    (void)state;
    static const char ev[] = FILE_OF(GOOD("tst:A1") ", " GOOD("tst:A2") ", " GOOD("tst:A3"));
    rh_catalog_source src[] = {
        {"manifest.json", manifest, sizeof(manifest) - 1},
        {"evidence/tst.json", ev, sizeof(ev) - 1},
    };
    load_ctx ctx = {src, 2};
    assert_true(rh_test_fault_loop(load_and_destroy, &ctx) > 0);
}

int main(void)
{
    const struct CMUnitTest shipped[] = {
        cmocka_unit_test(the_three_notes_load_with_their_entry_counts),
        cmocka_unit_test(sud_entries_keep_the_notes_keys),
        cmocka_unit_test(psp_entries_keep_the_notes_keys),
        cmocka_unit_test(std_keys_agreed_with_other_files_resolve),
        cmocka_unit_test(every_entry_is_complete_and_well_formed),
    };
    const struct CMUnitTest malformed[] = {
        cmocka_unit_test(bad_grade_names_file_and_path),
        cmocka_unit_test(bad_status_names_file_and_path),
        cmocka_unit_test(id_outside_the_namespace_names_file_and_path),
        cmocka_unit_test(unknown_key_names_file_and_path),
        cmocka_unit_test(unknown_kind_names_file_and_path),
        cmocka_unit_test(duplicate_id_in_one_file_names_both_paths),
        cmocka_unit_test(duplicate_id_across_files_names_both_files),
        cmocka_unit_test(a_valid_small_file_loads_and_resolves),
        cmocka_unit_test(allocation_failures_are_reported_and_leak_nothing),
    };
    int failed = cmocka_run_group_tests_name("shipped evidence", shipped, setup, teardown);
    failed += cmocka_run_group_tests_name("malformed evidence", malformed, NULL, NULL);
    return failed;
}

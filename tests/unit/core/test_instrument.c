/* SPDX-License-Identifier: MIT
 *
 * Tests of core/instrument: the loader's validation (JSON-path errors for
 * unknown keys, gaps and overlaps, dangling names), the expression evaluator,
 * and a catalog lint over every shipped instrument.
 */
#include "rh_test.h"

#include "base/alloc.h"
#include "core/catalog.h"
#include "core/instrument.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char manifest[] = "{\"schema\": \"rehabit.manifest/1\", \"version\": \"t\"}";
static const char evidence[] =
    "{\"schema\": \"rehabit.evidence/1\", \"version\": \"t\", \"namespace\": \"std\", \"note\": "
    "\"x.md\", \"entries\": [{\"id\": \"std:x\", \"kind\": \"other\", \"citation\": \"X\", "
    "\"grade\": \"D\", \"status\": \"verified\"}]}";

/* A valid instrument; tests replace one fragment to break it. */
static const char base[] =
    "{\"schema\": \"rehabit.instrument/1\", \"version\": \"t\", \"id\": \"t1\", \"name\": \"T\","
    " \"name_zh\": \"T\", \"abbrev\": \"T\", \"domain\": \"mood\", \"status\": \"verified\","
    " \"evidence\": [\"std:x\"], \"answers\": {\"form\": \"array\"},"
    " \"items\": [{\"id\": \"1\", \"type\": \"int\", \"min\": 0, \"max\": 3},"
    " {\"id\": \"2\", \"type\": \"int\", \"min\": 0, \"max\": 3}],"
    " \"scores\": [{\"id\": \"total\", \"kind\": \"total\", \"label\": \"t\","
    " \"sum\": [\"item.1\", \"item.2\"], \"status\": \"verified\"}],"
    " \"primary\": \"total\","
    " \"band_sets\": [{\"id\": \"b\", \"on\": \"total\", \"label\": \"b\", \"label_zh\": \"b\","
    " \"status\": \"verified\", \"bands\": [{\"code\": \"lo\", \"label\": \"lo\", \"label_zh\": "
    "\"低\", \"min\": 0, \"max\": 2}, {\"code\": \"hi\", \"label\": \"hi\", \"label_zh\": \"高\","
    " \"min\": 3, \"max\": 6}]}],"
    " \"licence\": {\"code\": \"free\", \"text\": \"x\", \"item_wording_shipped\": false,"
    " \"status\": \"verified\"}}";

/* Replaces the first occurrence of `from` in `base` with `to`. */
static char *patch(const char *from, const char *to)
{
    const char *at = strstr(base, from);
    assert_non_null(at);
    size_t n = strlen(base) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    snprintf(out, n, "%.*s%s%s", (int)(at - base), base, to, at + strlen(from));
    return out;
}

static rh_status load_text(const char *path, const char *instrument, rh_catalog **cat, rh_err *err)
{
    rh_catalog_source src[] = {{"manifest.json", manifest, strlen(manifest)},
                               {"evidence/x.json", evidence, strlen(evidence)},
                               {path, instrument, strlen(instrument)}};
    rh_err_init(err);
    return rh_catalog_load_sources(src, 3, "test", cat, err);
}

static void expect_fail(const char *from, const char *to, rh_status code, const char *field,
                        const char *msg_part)
{
    char *text = patch(from, to);
    rh_catalog *cat = NULL;
    rh_err err;
    rh_status rc = load_text("instruments/t1.json", text, &cat, &err);
    if (rc != code || (field && strcmp(err.field, field) != 0) || !strstr(err.msg, msg_part)) {
        char buf[600];
        rh_err_format(&err, buf, sizeof(buf));
        fail_msg("patch '%s' -> '%s': got %s '%s', wanted %s at '%s' containing '%s'", from, to,
                 rh_status_name(rc), buf, rh_status_name(code), field ? field : "", msg_part);
    }
    assert_null(cat);
    free(text);
}

static void loads_a_valid_instrument(void **state)
{
    (void)state;
    rh_catalog *cat = NULL;
    rh_err err;
    assert_int_equal(load_text("instruments/t1.json", base, &cat, &err), RH_OK);
    const rh_instrument *ins = rh_instrument_find(cat, "t1");
    assert_non_null(ins);
    assert_int_equal(ins->nitems, 2);
    assert_int_equal(ins->primary, 0);
    assert_int_equal(rh_instrument_var(ins, "item.2"), 1);
    assert_int_equal(rh_instrument_var(ins, "nope"), -1);
    assert_null(rh_instrument_find(cat, "std:x")); /* an evidence id is not an instrument */
    assert_int_equal(rh_instrument_count(cat), 1);
    assert_ptr_equal(rh_instrument_at(cat, 0), ins);
    assert_null(rh_instrument_at(cat, 1));
    rh_catalog_destroy(cat);
}

static void rejects_a_file_named_after_another_id(void **state)
{
    (void)state;
    rh_catalog *cat = NULL;
    rh_err err;
    assert_int_equal(load_text("instruments/other.json", base, &cat, &err), RH_E_INVALID);
    assert_string_equal(err.field, "$.id");
    assert_non_null(strstr(err.msg, "must be named 't1.json'"));
    assert_string_equal(err.source, "instruments/other.json");
}

static void rejects_unknown_keys_with_their_path(void **state)
{
    (void)state;
    expect_fail("\"abbrev\": \"T\",", "\"abbrev\": \"T\", \"colour\": 1,", RH_E_INVALID, "$.colour",
                "unknown field");
    expect_fail("{\"id\": \"1\", \"type\"", "{\"id\": \"1\", \"wording\": \"x\", \"type\"",
                RH_E_INVALID, "$.items[0].wording", "unknown field");
    expect_fail("\"code\": \"lo\",", "\"code\": \"lo\", \"colour\": 1,", RH_E_INVALID,
                "$.band_sets[0].bands[0].colour", "unknown field");
}

static void rejects_band_gaps_and_overlaps(void **state)
{
    (void)state;
    expect_fail("\"min\": 3, \"max\": 6}", "\"min\": 4, \"max\": 6}", RH_E_INVALID,
                "$.band_sets[0].bands[1]", "leave a gap");
    expect_fail("\"min\": 3, \"max\": 6}", "\"min\": 2, \"max\": 6}", RH_E_INVALID,
                "$.band_sets[0].bands[1]", "overlap");
    expect_fail("\"min\": 3, \"max\": 6}", "\"min\": 3, \"max\": 5}", RH_E_INVALID,
                "$.band_sets[0].bands[1]", "can be as high as 6");
    expect_fail("\"min\": 0, \"max\": 2}", "\"min\": 1, \"max\": 2}", RH_E_INVALID,
                "$.band_sets[0].bands[0]", "can be as low as 0");
    /* A real-valued score needs exclusive/inclusive pairs to meet. */
    expect_fail("\"sum\": [\"item.1\", \"item.2\"]", "\"mean\": [\"item.1\", \"item.2\"]",
                RH_E_INVALID, "$.band_sets[0].bands[1]", "leave a gap");
    expect_fail("\"min\": 0, \"max\": 2}", "\"min\": 3, \"max\": 2}", RH_E_RANGE,
                "$.band_sets[0].bands[0]", "empty");
}

static void accepts_fractional_edges_on_integer_scores(void **state)
{
    (void)state;
    /* lt 2.5 / min 2.5 on an integer score: no integer is left out. */
    char *text = patch("\"min\": 0, \"max\": 2}, {\"code\": \"hi\", \"label\": \"hi\", "
                       "\"label_zh\": \"高\", \"min\": 3, \"max\": 6}",
                       "\"lt\": 2.5}, {\"code\": \"hi\", \"label\": \"hi\", \"label_zh\": \"高\", "
                       "\"min\": 2.5}");
    rh_catalog *cat = NULL;
    rh_err err;
    assert_int_equal(load_text("instruments/t1.json", text, &cat, &err), RH_OK);
    rh_catalog_destroy(cat);
    free(text);
}

static void rejects_dangling_names(void **state)
{
    (void)state;
    expect_fail("\"sum\": [\"item.1\", \"item.2\"]", "\"sum\": [\"item.1\", \"item.3\"]",
                RH_E_NOTFOUND, "$.scores[0].sum[1]", "unknown name 'item.3'");
    expect_fail("\"sum\": [\"item.1\", \"item.2\"]", "\"expr\": {\"add\": [\"item.1\", \"x\"]}",
                RH_E_NOTFOUND, "$.scores[0].expr.add[1]", "unknown name 'x'");
    expect_fail("\"on\": \"total\"", "\"on\": \"nope\"", RH_E_NOTFOUND, "$.band_sets[0].on",
                "unknown score or item 'nope'");
    expect_fail("\"primary\": \"total\"", "\"primary\": \"nope\"", RH_E_NOTFOUND, "$.primary",
                "no score 'nope'");
    expect_fail("\"evidence\": [\"std:x\"]", "\"evidence\": [\"std:y\"]", RH_E_NOTFOUND,
                "$.evidence", "'std:y' is not in the catalog");
}

static void rejects_bad_expressions(void **state)
{
    (void)state;
    expect_fail("\"sum\": [\"item.1\", \"item.2\"]", "\"expr\": {\"frobnicate\": [1]}",
                RH_E_INVALID, "$.scores[0].expr.frobnicate", "unknown operation");
    expect_fail("\"sum\": [\"item.1\", \"item.2\"]", "\"expr\": {\"div\": [1, 2, 3]}", RH_E_INVALID,
                "$.scores[0].expr.div", "takes 2 to 2 operands");
    expect_fail("\"sum\": [\"item.1\", \"item.2\"]", "\"expr\": {\"add\": [1], \"sub\": [1, 2]}",
                RH_E_INVALID, "$.scores[0].expr", "exactly one key");
    expect_fail("\"sum\": [\"item.1\", \"item.2\"]",
                "\"expr\": {\"round\": [\"item.1\", \"item.2\"]}", RH_E_INVALID,
                "$.scores[0].expr.round", "constant 0-12");
    expect_fail("\"sum\": [\"item.1\", \"item.2\"]",
                "\"sum\": [\"item.1\"], \"expr\": {\"add\": [1]}", RH_E_INVALID, "$.scores[0]",
                "exactly one of");
}

static void rejects_bad_facts(void **state)
{
    (void)state;
    expect_fail("\"status\": \"verified\"}], \"primary\"", "\"status\": \"sure\"}], \"primary\"",
                RH_E_INVALID, "$.scores[0].status", "'sure'");
    expect_fail(", \"status\": \"verified\"}], \"primary\"", "}], \"primary\"", RH_E_INVALID,
                "$.scores[0].status", "required field 'status'");
    expect_fail("\"licence\": {\"code\": \"free\"",
                "\"codes\": [{\"system\": \"LOINC\", \"code\": "
                "\"ABC\", \"what\": \"x\", \"status\": \"verified\"}], \"licence\": {\"code\": "
                "\"free\"",
                RH_E_INVALID, "$.codes[0].code", "LOINC");
    expect_fail("\"type\": \"int\", \"min\": 0, \"max\": 3},",
                "\"type\": \"int\", \"min\": 3, "
                "\"max\": 0},",
                RH_E_RANGE, "$.items[0].max", "'max' must be above 'min'");
    expect_fail("{\"id\": \"2\"", "{\"id\": \"3\"", RH_E_INVALID, "$.items[1].id",
                "expected id '2'");
    expect_fail("\"item_wording_shipped\": false", "\"item_wording_shipped\": 0", RH_E_INVALID,
                "$.licence.item_wording_shipped", "true or false");
}

static void rejects_rule_bands_without_a_catch_all(void **state)
{
    (void)state;
    expect_fail("\"status\": \"verified\", \"bands\": [{\"code\": \"lo\", \"label\": \"lo\", "
                "\"label_zh\": \"低\", \"min\": 0, \"max\": 2}",
                "\"type\": \"rules\", \"status\": \"verified\", \"bands\": [{\"code\": \"lo\", "
                "\"label\": \"lo\", \"label_zh\": \"低\", \"when\": {\"lt\": [\"total\", 3]}}",
                RH_E_INVALID, "$.band_sets[0].bands[1]", "rule bands have no interval");
}

static void rejects_lookup_tables_with_gaps(void **state)
{
    (void)state;
    expect_fail("\"sum\": [\"item.1\", \"item.2\"]",
                "\"lookup\": {\"of\": \"item.1\", \"table\": [{\"max\": 0, \"value\": 0}, "
                "{\"min\": 2, \"value\": 1}]}",
                RH_E_INVALID, "$.scores[0].lookup.table[1]", "leave a gap");
}

/* ---- expression semantics ---- */

static rh_catalog *with_expr(const char *expr)
{
    char frag[600];
    snprintf(frag, sizeof(frag),
             "\"sum\": [\"item.1\", \"item.2\"], \"status\": \"verified\"}, {\"id\": \"e\", "
             "\"kind\": \"derived\", \"label\": \"e\", \"expr\": %s",
             expr);
    char *text = patch("\"sum\": [\"item.1\", \"item.2\"]", frag);
    rh_catalog *cat = NULL;
    rh_err err;
    rh_status rc = load_text("instruments/t1.json", text, &cat, &err);
    if (rc != RH_OK)
        fail_msg("%s: %s", expr, err.msg);
    free(text);
    return cat;
}

static double eval_with(const char *expr, double a, double b)
{
    rh_catalog *cat = with_expr(expr);
    const rh_instrument *ins = rh_instrument_find(cat, "t1");
    double vars[64];
    for (size_t i = 0; i < ins->nvars; i++)
        vars[i] = NAN;
    vars[0] = a;
    vars[1] = b;
    const rh_instr_score *sc = &ins->scores[1];
    double v = rh_instrument_eval(ins, sc->expr, vars);
    rh_catalog_destroy(cat);
    return v;
}

static void evaluates_expressions_with_unknowns(void **state)
{
    (void)state;
    assert_true(eval_with("{\"add\": [\"item.1\", \"item.2\", 1]}", 2, 3) == 6);
    assert_true(isnan(eval_with("{\"add\": [\"item.1\", \"item.2\"]}", 2, NAN)));
    assert_true(isnan(eval_with("{\"div\": [\"item.1\", \"item.2\"]}", 2, 0)));
    assert_true(isnan(eval_with("{\"pow\": [\"item.1\", 0]}", NAN, 0))); /* not 1 */
    assert_true(eval_with("{\"pow\": [\"item.1\", 0.1]}", 8, 0) == pow(8, 0.1));
    /* Three-valued logic: a known false decides "and", a known true decides "or". */
    assert_true(eval_with("{\"and\": [{\"ge\": [\"item.1\", 1]}, {\"ge\": [\"item.2\", 1]}]}", 0,
                          NAN) == 0);
    assert_true(isnan(eval_with("{\"and\": [{\"ge\": [\"item.1\", 1]}, {\"ge\": [\"item.2\", "
                                "1]}]}",
                                1, NAN)));
    assert_true(
        eval_with("{\"or\": [{\"ge\": [\"item.1\", 1]}, {\"ge\": [\"item.2\", 1]}]}", 1, NAN) == 1);
    assert_true(isnan(eval_with("{\"not\": [{\"gt\": [\"item.1\", 1]}]}", NAN, 0)));
    /* "if" evaluates only the branch it takes. */
    assert_true(eval_with("{\"if\": [{\"eq\": [\"item.1\", 0]}, 0, \"item.2\"]}", 0, NAN) == 0);
    assert_true(isnan(eval_with("{\"if\": [\"item.1\", 1, 2]}", NAN, 0)));
    assert_true(isnan(eval_with("{\"add\": [null, 1]}", 0, 0)));
    assert_true(eval_with("{\"min\": [\"item.1\", \"item.2\", 5]}", 3, 2) == 2);
    assert_true(isnan(eval_with("{\"max\": [\"item.1\", \"item.2\"]}", 3, NAN)));
    /* clock_hours wraps midnight; 23:00 -> 06:30 is 7.5 h. */
    assert_true(eval_with("{\"clock_hours\": [\"item.1\", \"item.2\"]}", 23 * 60, 6 * 60 + 30) ==
                7.5);
    assert_true(eval_with("{\"clock_hours\": [\"item.1\", \"item.2\"]}", 60, 120) == 1.0);
    assert_true(eval_with("{\"round\": [{\"mul\": [100, {\"div\": [\"item.1\", \"item.2\"]}]}, "
                          "9]}",
                          5.1, 6) == 85.0);
    assert_true(eval_with("{\"round\": [\"item.1\", 1]}", 2.25, 0) == 2.3);
    assert_true(eval_with("{\"round\": [\"item.1\", 0]}", -2.5, 0) == -3.0);
}

static void interval_membership_respects_open_ends(void **state)
{
    (void)state;
    rh_instr_interval iv = {
        .has_lo = true, .lo_incl = false, .lo = 15, .has_hi = true, .hi_incl = true, .hi = 30};
    assert_false(rh_instr_interval_has(&iv, 15));
    assert_true(rh_instr_interval_has(&iv, 15.0001));
    assert_true(rh_instr_interval_has(&iv, 30));
    assert_false(rh_instr_interval_has(&iv, NAN));
    rh_instr_interval open = {0};
    assert_true(rh_instr_interval_has(&open, -1e300));
}

/* ---- the shipped knowledge base ---- */

static const char *const expected_ids[] = {"phq9",
                                           "phq2",
                                           "gad7",
                                           "gad2",
                                           "dass21",
                                           "psqi",
                                           "isi",
                                           "ipaq-short",
                                           "dast10",
                                           "assist",
                                           "audit",
                                           "audit-c",
                                           "sds-dependence",
                                           "zung-sds",
                                           "zung-sas",
                                           "craving-vas",
                                           "pain-nrs",
                                           "dn4",
                                           "lanss",
                                           "bpi-sf",
                                           "bbs",
                                           "tug",
                                           "mas",
                                           "barthel",
                                           "mrs",
                                           "fma",
                                           "6mwt",
                                           "chair-stand-30s",
                                           "grip",
                                           "bmi",
                                           "rockport",
                                           "1rm",
                                           NULL};

static void every_shipped_instrument_loads_and_is_complete(void **state)
{
    (void)state;
    rh_catalog *cat = NULL;
    rh_err err;
    rh_err_init(&err);
    rh_status rc = rh_catalog_load_dir("data", &cat, &err);
    if (rc != RH_OK) {
        char buf[600];
        rh_err_format(&err, buf, sizeof(buf));
        fail_msg("%s", buf);
    }
    size_t n = 0;
    for (const char *const *id = expected_ids; *id; id++, n++) {
        const rh_instrument *ins = rh_instrument_find(cat, *id);
        if (!ins)
            fail_msg("instrument '%s' is missing from data/instruments", *id);
        assert_non_null(ins->licence.code);
        assert_false(ins->licence.item_wording_shipped);
        assert_non_null(ins->name_zh);
        for (size_t b = 0; b < ins->nband_sets; b++) {
            assert_non_null(ins->band_sets[b].label_zh);
            for (size_t k = 0; k < ins->band_sets[b].nbands; k++)
                assert_non_null(ins->band_sets[b].bands[k].label_zh);
        }
        /* Every instrument ships a worked example of its answers. */
        char path[256];
        snprintf(path, sizeof(path), "examples/answers/%s.json", *id);
        size_t len = 0;
        char *text = rh_test_slurp(path, &len);
        if (!text)
            fail_msg("no example answers %s", path);
        rh_free(text);
    }
    assert_int_equal(rh_instrument_count(cat), n);
    /* Every instrument has its section in the answers-format reference. */
    size_t dlen = 0;
    char *doc = rh_test_slurp("docs/instruments.md", &dlen);
    assert_non_null(doc);
    for (const char *const *id = expected_ids; *id; id++) {
        char head[80];
        snprintf(head, sizeof(head), "### `%s`", *id);
        if (!strstr(doc, head))
            fail_msg("docs/instruments.md has no section for '%s'", *id);
    }
    rh_free(doc);
    /* The embedded copy is the same knowledge base. */
    rh_catalog *emb = NULL;
    assert_int_equal(rh_catalog_load_embedded(&emb, &err), RH_OK);
    assert_string_equal(rh_catalog_fingerprint(emb), rh_catalog_fingerprint(cat));
    rh_catalog_destroy(emb);
    rh_catalog_destroy(cat);
}

typedef struct load_ctx {
    const char *text;
} load_ctx;

static rh_status load_under_faults(void *p)
{
    load_ctx *c = p;
    rh_catalog *cat = NULL;
    rh_err err;
    rh_status rc = load_text("instruments/t1.json", c->text, &cat, &err);
    rh_catalog_destroy(cat);
    return rc;
}

static void loading_survives_every_allocation_failure(void **state)
{
    (void)state;
    load_ctx c = {base};
    long n = rh_test_fault_loop(load_under_faults, &c);
    assert_true(n > 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_a_valid_instrument),
        cmocka_unit_test(rejects_a_file_named_after_another_id),
        cmocka_unit_test(rejects_unknown_keys_with_their_path),
        cmocka_unit_test(rejects_band_gaps_and_overlaps),
        cmocka_unit_test(accepts_fractional_edges_on_integer_scores),
        cmocka_unit_test(rejects_dangling_names),
        cmocka_unit_test(rejects_bad_expressions),
        cmocka_unit_test(rejects_bad_facts),
        cmocka_unit_test(rejects_rule_bands_without_a_catch_all),
        cmocka_unit_test(rejects_lookup_tables_with_gaps),
        cmocka_unit_test(evaluates_expressions_with_unknowns),
        cmocka_unit_test(interval_membership_respects_open_ends),
        cmocka_unit_test(every_shipped_instrument_loads_and_is_complete),
        cmocka_unit_test(loading_survives_every_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

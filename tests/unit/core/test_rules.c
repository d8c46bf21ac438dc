/* SPDX-License-Identifier: MIT */
#include "rh_test.h"

#include "core/catalog.h"
#include "core/rules.h"

#include <math.h>
#include <string.h>

static const char manifest[] = "{\"schema\": \"rehabit.manifest/1\", \"version\": \"t\"}";
static const char evidence[] =
    "{\"schema\": \"rehabit.evidence/1\", \"version\": \"t\", \"namespace\": \"x\", "
    "\"note\": \"n\", \"entries\": [{\"id\": \"x:1\", \"kind\": \"trial\", \"citation\": \"c\", "
    "\"grade\": \"B\", \"status\": \"verified\"}]}";
static const char decisions[] =
    "{\"schema\": \"rehabit.decisions/1\", \"version\": \"t\", \"phases\": [\"a\", \"b\"], "
    "\"domains\": [{\"id\": \"go\", \"combine\": \"max\", \"values\": [\"yes\", \"wait\", \"no\"]},"
    "{\"id\": \"pick\", \"combine\": \"first\", \"values\": [\"p1\", \"p2\"], \"default\": "
    "\"p2\"}]}";

#define RULE(id, when, then)                                                                \
    "{\"id\": \"" id "\", \"when\": " when ", \"then\": " then ", \"text\": {\"en\": \"" id \
    " saw {age}\"}, \"status\": \"verified\", \"evidence\": [\"x:1\"]}"

static const char rules_a[] =
    "{\"schema\": \"rehabit.rules/1\", \"version\": \"t\", \"phase\": \"a\", \"rules\": "
    "[" RULE("r.old", "{\"fact\": \"age\", \"gte\": 65}",
             "[{\"set\": \"old\", \"value\": true}, {\"decide\": \"go\", \"value\": "
             "\"wait\"}]") "," RULE("r.any",
                                    "{\"any\": [{\"fact\": \"sym\", \"is\": true}, {\"fact\": "
                                    "\"x\", \"in\": [\"a\", \"b\"]}]}",
                                    "[{\"decide\": \"go\", \"value\": \"no\"}, {\"flag\": "
                                    "\"f1\", \"severity\": \"critical\"}]") "," RULE("r.yes",
                                                                                     "{\"not\""
                                                                                     ": "
                                                                                     "{\"fact"
                                                                                     "\": "
                                                                                     "\"sym\","
                                                                                     " \"is\":"
                                                                                     " true}}",
                                                                                     "[{"
                                                                                     "\"decide"
                                                                                     "\": "
                                                                                     "\"go\", "
                                                                                     "\"value"
                                                                                     "\": "
                                                                                     "\"yes\"}"
                                                                                     ", "
                                                                                     "{\"decid"
                                                                                     "e\": "
                                                                                     "\"pick\""
                                                                                     ", "
                                                                                     "\"value"
                                                                                     "\": "
                                                                                     "\"p1\"},"
                                                                                     " "
                                                                                     "{\"decid"
                                                                                     "e\": "
                                                                                     "\"pick\""
                                                                                     ", "
                                                                                     "\"value"
                                                                                     "\": "
                                                                                     "\"p2\"}"
                                                                                     "]") "]}";
static const char rules_b[] =
    "{\"schema\": \"rehabit.rules/1\", \"version\": \"t\", \"phase\": \"b\", \"rules\": [" RULE(
        "r.late",
        "{\"all\": [{\"fact\": \"old\", \"is\": true}, {\"fact\": \"decision.go\", \"eq\": "
        "\"wait\"}, {\"not\": {\"fact\": \"age\", \"lt\": {\"fact\": \"limit\"}}}]}",
        "[{\"advice\": \"a1\"}, {\"advice\": \"a1\"}]") "]}";

static rh_catalog *load(const char *extra_rules)
{
    rh_catalog_source src[] = {{"manifest.json", manifest, sizeof(manifest) - 1},
                               {"evidence.json", evidence, sizeof(evidence) - 1},
                               {"decisions.json", decisions, sizeof(decisions) - 1},
                               {"rules/a.json", rules_a, sizeof(rules_a) - 1},
                               {"rules/b.json", extra_rules ? extra_rules : rules_b,
                                strlen(extra_rules ? extra_rules : rules_b)}};
    rh_catalog *cat = NULL;
    rh_err err;
    rh_err_init(&err);
    if (rh_catalog_load_sources(src, 5, "test", &cat, &err) != RH_OK) {
        char t[512];
        rh_err_format(&err, t, sizeof(t));
        fail_msg("%s", t);
    }
    return cat;
}

static rh_status load_err(const char *bad_rules, rh_err *err)
{
    rh_catalog_source src[] = {{"manifest.json", manifest, sizeof(manifest) - 1},
                               {"evidence.json", evidence, sizeof(evidence) - 1},
                               {"decisions.json", decisions, sizeof(decisions) - 1},
                               {"rules/bad.json", bad_rules, strlen(bad_rules)}};
    rh_catalog *cat = NULL;
    rh_err_init(err);
    rh_status rc = rh_catalog_load_sources(src, 4, "test", &cat, err);
    rh_catalog_destroy(cat);
    return rc;
}

static void max_domain_keeps_most_severe_and_first_domain_keeps_first(void **state)
{
    (void)state;
    rh_catalog *cat = load(NULL);
    rh_facts *f;
    assert_int_equal(rh_facts_create(&f), RH_OK);
    rh_facts_set_num(f, "age", 70, "test");
    rh_facts_set_num(f, "limit", 65, "test");
    rh_engine *e;
    assert_int_equal(rh_engine_create(cat, f, &e), RH_OK);
    assert_string_equal(rh_engine_decision(e, "pick"), "p2"); /* the default before rules */
    assert_int_equal(rh_engine_run(e, NULL), RH_OK);
    assert_string_equal(rh_engine_decision(e, "go"), "wait"); /* wait beats yes */
    assert_string_equal(rh_engine_decision(e, "pick"), "p1"); /* first decided wins */
    assert_int_equal(rh_engine_reason_count(e, "go"), 2);
    assert_int_equal(rh_engine_flag_count(e), 0);
    assert_int_equal(rh_engine_advice_count(e), 1); /* duplicates removed */
    assert_true(rh_facts_bool(f, "old"));
    assert_string_equal(rh_facts_str(f, "decision.go"), "wait");
    rh_engine_destroy(e);
    rh_facts_destroy(f);
    rh_catalog_destroy(cat);
}

static void absent_facts_never_match_comparisons(void **state)
{
    (void)state;
    rh_catalog *cat = load(NULL);
    rh_facts *f;
    rh_facts_create(&f);
    rh_engine *e;
    rh_engine_create(cat, f, &e);
    assert_int_equal(rh_engine_run(e, NULL), RH_OK);
    assert_string_equal(rh_engine_decision(e, "go"), "yes");
    assert_false(rh_facts_bool(f, "old"));
    rh_engine_destroy(e);
    rh_facts_destroy(f);
    rh_catalog_destroy(cat);
}

/* An absent fact, on either side, compares as null: `ne` is always the
 * negation of `eq`. */
static void absent_facts_compare_as_null(void **state)
{
    (void)state;
    static const char rules[] =
        "{\"schema\": \"rehabit.rules/1\", \"version\": \"t\", \"phase\": \"b\", \"rules\": "
        "[" RULE("q1", "{\"fact\": \"gone\", \"eq\": null}", "[{\"set\": \"eq_null\", \"value\": true}]") "," RULE(
            "q2", "{\"fact\": \"gone\", \"ne\": null}",
            "[{\"set\": \"ne_null\", \"value\": true}]") "," RULE("q3",
                                                                  "{\"fact\": \"gone\", \"ne\": "
                                                                  "\"x\"}",
                                                                  "[{\"set\": \"ne_x\", \"value\": "
                                                                  "true}]") "," RULE("q4",
                                                                                     "{\"fact\": "
                                                                                     "\"gone\", "
                                                                                     "\"eq\": "
                                                                                     "{\"fact\": "
                                                                                     "\"also_"
                                                                                     "gone\"}}",
                                                                                     "[{\"set\": "
                                                                                     "\"eq_"
                                                                                     "absent\", "
                                                                                     "\"value\": "
                                                                                     "true}]") "," RULE("q5",
                                                                                                        "{\"fact\": \"gone\", \"ne\": {\"fact\": \"also_gone\"}}",
                                                                                                        "[{\"set\": \"ne_absent\", \"value\": true}]") "]}";
    rh_catalog *cat = load(rules);
    rh_facts *f;
    rh_facts_create(&f);
    rh_engine *e;
    rh_engine_create(cat, f, &e);
    assert_int_equal(rh_engine_run(e, NULL), RH_OK);
    assert_true(rh_facts_bool(f, "eq_null"));
    assert_false(rh_facts_bool(f, "ne_null"));
    assert_true(rh_facts_bool(f, "ne_x"));
    assert_true(rh_facts_bool(f, "eq_absent"));
    assert_false(rh_facts_bool(f, "ne_absent"));
    rh_engine_destroy(e);
    rh_facts_destroy(f);
    rh_catalog_destroy(cat);
}

static void any_and_in_match_and_flags_carry_severity(void **state)
{
    (void)state;
    rh_catalog *cat = load(NULL);
    rh_facts *f;
    rh_facts_create(&f);
    rh_facts_set_str(f, "x", "b", "test");
    rh_engine *e;
    rh_engine_create(cat, f, &e);
    assert_int_equal(rh_engine_run(e, NULL), RH_OK);
    assert_string_equal(rh_engine_decision(e, "go"), "no");
    assert_int_equal(rh_engine_flag_count(e), 1);
    assert_string_equal(rh_engine_flag_at(e, 0)->severity, "critical");
    rh_engine_destroy(e);
    rh_facts_destroy(f);
    rh_catalog_destroy(cat);
}

static void trace_records_inputs_and_texts_expand_facts(void **state)
{
    (void)state;
    rh_catalog *cat = load(NULL);
    rh_facts *f;
    rh_facts_create(&f);
    rh_facts_set_num(f, "age", 70.5, "profile");
    rh_facts_assume_false(f, "sym");
    rh_engine *e;
    rh_engine_create(cat, f, &e);
    rh_engine_run(e, NULL);
    const rh_rule *r = rh_engine_reason_at(e, "go", 0);
    assert_string_equal(rh_engine_rule_text(e, r, "en"), "r.old saw 70.5");
    assert_string_equal(rh_engine_rule_text(e, r, "zh"), "r.old saw 70.5"); /* falls back */
    rh_buf b;
    rh_buf_init(&b, 0);
    rh_jw w;
    rh_jw_init(&w, &b, 0);
    rh_engine_write_trace(e, &w);
    assert_int_equal(rh_jw_finish(&w), RH_OK);
    const char *t = rh_buf_cstr(&b);
    assert_non_null(strstr(t, "\"rule\":\"r.old\""));
    assert_non_null(strstr(t, "{\"fact\":\"age\",\"value\":70.5,\"source\":\"profile\"}"));
    assert_non_null(
        strstr(t, "\"fact\":\"sym\",\"value\":false,\"source\":\"assumed\",\"assumed\":true"));
    rh_buf_release(&b);
    rh_engine_destroy(e);
    rh_facts_destroy(f);
    rh_catalog_destroy(cat);
}

static void invalid_rules_are_refused_with_path(void **state)
{
    (void)state;
    static const struct {
        const char *json, *path;
    } bad[] = {
        {"{\"schema\": \"rehabit.rules/1\", \"version\": \"t\", \"phase\": \"zz\", \"rules\": []}",
         "$.phase"},
        {"{\"schema\": \"rehabit.rules/1\", \"version\": \"t\", \"phase\": \"a\", \"rules\": "
         "[" RULE("q", "{\"fact\": \"a\", \"like\": 1}", "[{\"set\": \"b\", \"value\": 1}]") "]}",
         "$.rules[0].when.like"},
        {"{\"schema\": \"rehabit.rules/1\", \"version\": \"t\", \"phase\": \"a\", \"rules\": "
         "[" RULE("q", "{\"always\": true}", "[{\"decide\": \"go\", \"value\": \"maybe\"}]") "]}",
         "$.rules[0].then[0].value"},
        {"{\"schema\": \"rehabit.rules/1\", \"version\": \"t\", \"phase\": \"a\", \"rules\": "
         "[" RULE("q", "{\"always\": true}", "[{\"decide\": \"nope\", \"value\": \"x\"}]") "]}",
         "$.rules[0].then[0].decide"},
        {"{\"schema\": \"rehabit.rules/1\", \"version\": \"t\", \"phase\": \"a\", \"rules\": "
         "[" RULE("q", "{\"always\": true}", "[{\"component\": \"c.none\"}]") "]}",
         "$.rules[0].then[0].component"},
        {"{\"schema\": \"rehabit.rules/1\", \"version\": \"t\", \"phase\": \"a\", \"rules\": "
         "[" RULE("q", "{\"fact\": \"a\", \"lt\": \"ten\"}",
                  "[{\"set\": \"b\", \"value\": 1}]") "]}",
         "$.rules[0].when.lt"},
        {"{\"schema\": \"rehabit.rules/1\", \"version\": \"t\", \"phase\": \"a\", \"rules\": "
         "[" RULE("q", "{\"always\": true}", "[]") "]}",
         "$.rules[0].then"},
        {"{\"schema\": \"rehabit.rules/1\", \"version\": \"t\", \"phase\": \"a\", \"rules\": "
         "[{\"id\": "
         "\"q\", \"when\": {\"always\": true}, \"then\": [{\"set\": \"b\", \"value\": 1}], "
         "\"text\": "
         "{\"en\": \"t\"}, \"status\": \"maybe\", \"evidence\": []}]}",
         "$.rules[0].status"},
        {"{\"schema\": \"rehabit.rules/1\", \"version\": \"t\", \"phase\": \"a\", \"rules\": "
         "[{\"id\": "
         "\"q\", \"when\": {\"always\": true}, \"then\": [{\"set\": \"b\", \"value\": 1}], "
         "\"text\": "
         "{\"en\": \"t\"}, \"status\": \"derived\", \"evidence\": [\"x:404\"]}]}",
         "$.rules[0].evidence"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        rh_err err;
        if (load_err(bad[i].json, &err) == RH_OK)
            fail_msg("case %zu was accepted", i);
        char t[512];
        rh_err_format(&err, t, sizeof(t));
        if (!strstr(t, "rules/bad.json") || !strstr(t, bad[i].path))
            fail_msg("case %zu: '%s' does not name rules/bad.json and %s", i, t, bad[i].path);
    }
}

static rh_status run_once(void *ctx)
{
    rh_catalog *cat = ctx;
    rh_facts *f = NULL;
    rh_engine *e = NULL;
    rh_status rc = rh_facts_create(&f);
    if (rc == RH_OK)
        rc = rh_facts_set_num(f, "age", 70, "test");
    if (rc == RH_OK)
        rc = rh_engine_create(cat, f, &e);
    if (rc == RH_OK)
        rc = rh_engine_run(e, NULL);
    rh_engine_destroy(e);
    rh_facts_destroy(f);
    return rc;
}

static void engine_survives_allocation_failures(void **state)
{
    (void)state;
    rh_catalog *cat = load(NULL);
    assert_true(rh_test_fault_loop(run_once, cat) > 0);
    rh_catalog_destroy(cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(max_domain_keeps_most_severe_and_first_domain_keeps_first),
        cmocka_unit_test(absent_facts_never_match_comparisons),
        cmocka_unit_test(absent_facts_compare_as_null),
        cmocka_unit_test(any_and_in_match_and_flags_carry_severity),
        cmocka_unit_test(trace_records_inputs_and_texts_expand_facts),
        cmocka_unit_test(invalid_rules_are_refused_with_path),
        cmocka_unit_test(engine_survives_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

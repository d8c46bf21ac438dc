/* SPDX-License-Identifier: MIT
 *
 * core/plandata's formulas file: the DFA alpha1 exercise thresholds load
 * from data/formulas.json with their evidence and status, and a formulas
 * file with a missing, repeated or inverted threshold is refused with an
 * error naming the file and JSON path.
 */
#include "rh_test.h"

#include "core/catalog.h"
#include "core/plandata.h"

#include <stdio.h>
#include <string.h>

static void shipped_thresholds_are_unverified_and_cited(void **state)
{
    (void)state;
    rh_catalog *cat = NULL;
    rh_err err;
    rh_err_init(&err);
    assert_int_equal(rh_catalog_load_dir("data", &cat, &err), RH_OK);
    const rh_dfa_threshold *aer = rh_dfa_threshold_find(cat, "aerobic_threshold");
    const rh_dfa_threshold *ana = rh_dfa_threshold_find(cat, "anaerobic_threshold");
    assert_non_null(aer);
    assert_non_null(ana);
    assert_null(rh_dfa_threshold_find(cat, "lactate_threshold"));
    assert_true(aer->alpha1 == 0.75 && ana->alpha1 == 0.5);
    assert_string_equal(aer->status, "unverified");
    assert_string_equal(ana->status, "unverified");
    assert_int_equal(aer->n_evidence, 1);
    assert_string_equal(aer->evidence[0], "ext:rogers2021a");
    assert_string_equal(ana->evidence[0], "ext:rogers2021b");
    rh_catalog_destroy(cat);
}

static const char manifest[] =
    "{\"schema\": \"rehabit.manifest/1\", \"version\": \"1\", \"notes\": []}";
static const char evidence[] =
    "{\"schema\": \"rehabit.evidence/1\", \"version\": \"1\", \"namespace\": \"tst\", "
    "\"note\": \"t.md\", \"grading\": \"g\", \"entries\": [{\"id\": \"tst:A1\", \"kind\": "
    "\"cohort\", \"citation\": \"c\", \"grade\": \"D\", \"status\": \"unverified\"}]}";

#define THRESHOLD(id, boundary, value)                                             \
    "{\"id\": \"" id "\", \"boundary\": \"" boundary "\", \"alpha1\": " value ", " \
    "\"note\": \"n\", \"status\": \"unverified\", \"evidence\": [\"tst:A1\"]}"
#define FORMULAS(...)                                                           \
    "{\"schema\": \"rehabit.formulas/1\", \"version\": \"1\", \"hr_max\": [], " \
    "\"intensity_classes\": [], \"dfa_alpha1_thresholds\": [" __VA_ARGS__ "]}"

static void expect_refused(const char *formulas, const char *field, const char *msg_part)
{
    rh_catalog_source src[] = {
        {"manifest.json", manifest, sizeof(manifest) - 1},
        {"evidence/t.json", evidence, sizeof(evidence) - 1},
        {"formulas.json", formulas, strlen(formulas)},
    };
    rh_catalog *cat = NULL;
    rh_err err;
    rh_err_init(&err);
    assert_int_not_equal(rh_catalog_load_sources(src, 3, "test", &cat, &err), RH_OK);
    assert_null(cat);
    assert_string_equal(err.source, "formulas.json");
    assert_string_equal(err.field, field);
    if (!strstr(err.msg, msg_part))
        fail_msg("message '%s' does not contain '%s'", err.msg, msg_part);
}

static void a_good_pair_loads(void **state)
{
    (void)state;
    static const char f[] = FORMULAS(THRESHOLD("a", "aerobic_threshold", "0.8") ", " THRESHOLD(
        "b", "anaerobic_threshold", "0.45"));
    rh_catalog_source src[] = {
        {"manifest.json", manifest, sizeof(manifest) - 1},
        {"evidence/t.json", evidence, sizeof(evidence) - 1},
        {"formulas.json", f, sizeof(f) - 1},
    };
    rh_catalog *cat = NULL;
    rh_err err;
    rh_err_init(&err);
    assert_int_equal(rh_catalog_load_sources(src, 3, "test", &cat, &err), RH_OK);
    assert_true(rh_dfa_threshold_find(cat, "anaerobic_threshold")->alpha1 == 0.45);
    rh_catalog_destroy(cat);
}

static void inverted_missing_or_repeated_thresholds_are_refused(void **state)
{
    (void)state;
    expect_refused(FORMULAS(THRESHOLD("a", "aerobic_threshold",
                                      "0.5") ", " THRESHOLD("b", "anaerobic_threshold", "0.75")),
                   "$.dfa_alpha1_thresholds", "must be above the anaerobic one");
    expect_refused(FORMULAS(THRESHOLD("a", "aerobic_threshold", "0.75")), "$.dfa_alpha1_thresholds",
                   "needs both");
    expect_refused(FORMULAS(THRESHOLD("a", "aerobic_threshold",
                                      "0.75") ", " THRESHOLD("b", "aerobic_threshold", "0.7")),
                   "$.dfa_alpha1_thresholds[1].boundary", "given twice");
    expect_refused(FORMULAS(THRESHOLD("a", "aerobic_threshold",
                                      "7.5") ", " THRESHOLD("b", "anaerobic_threshold", "0.5")),
                   "$.dfa_alpha1_thresholds[0].alpha1", "");
    expect_refused(FORMULAS(THRESHOLD("a", "vt1", "0.75")), "$.dfa_alpha1_thresholds[0].boundary",
                   "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_thresholds_are_unverified_and_cited),
        cmocka_unit_test(a_good_pair_loads),
        cmocka_unit_test(inverted_missing_or_repeated_thresholds_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

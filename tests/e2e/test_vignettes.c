/* SPDX-License-Identifier: MIT
 *
 * The six development vignettes (../shared/knowledge/dev-vignettes.md) as
 * end-to-end tests of `rehabit prescribe` and `rehabit screen` on the shipped
 * example profiles: clearance code, decisions, stage, HRmax (unrounded and
 * displayed), target heart-rate ranges to the bpm, FITT ranges.
 */
#include "rh_test.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static json_t *run_json(const char *cmd, const char *profile)
{
    const char *argv[] = {"rehabit", cmd, profile, NULL};
    rh_buf out, err;
    rh_buf_init(&out, 0);
    rh_buf_init(&err, 0);
    int rc = rh_test_run(argv, NULL, &out, &err);
    if (rc != 0)
        fprintf(stderr, "%s", rh_buf_cstr(&err));
    assert_int_equal(rc, 0);
    json_error_t je;
    json_t *j = json_loads(rh_buf_cstr(&out), 0, &je);
    if (!j)
        fail_msg("output is not JSON: %s", je.text);
    rh_buf_release(&out);
    rh_buf_release(&err);
    return j;
}

/* "a.b[2].c" style lookup */
static json_t *at(json_t *root, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", path);
    json_t *cur = root;
    for (char *tok = buf; cur && *tok;) {
        char *end = tok + strcspn(tok, ".[");
        char sep = *end;
        *end = '\0';
        if (*tok)
            cur = json_object_get(cur, tok);
        tok = sep ? end + 1 : end;
        if (sep == '[') {
            size_t idx = strtoul(tok, &end, 10);
            cur = json_array_get(cur, idx);
            tok = *end == ']' ? end + 1 : end;
            if (*tok == '.')
                tok++;
        }
    }
    return cur;
}

static void expect_str(json_t *root, const char *path, const char *want)
{
    json_t *v = at(root, path);
    if (!want) {
        if (!json_is_null(v))
            fail_msg("%s: expected null", path);
        return;
    }
    if (!json_is_string(v) || strcmp(json_string_value(v), want) != 0)
        fail_msg("%s: expected '%s', got '%s'", path, want,
                 json_is_string(v) ? json_string_value(v) : "(not a string)");
}

static void expect_num(json_t *root, const char *path, double want, double tol)
{
    json_t *v = at(root, path);
    if (!json_is_number(v) || fabs(json_number_value(v) - want) > tol)
        fail_msg("%s: expected %.6f, got %.6f", path, want,
                 json_is_number(v) ? json_number_value(v) : NAN);
}

static void expect_pair(json_t *root, const char *path, double lo, double hi, double tol)
{
    char p[256];
    snprintf(p, sizeof(p), "%s[0]", path);
    expect_num(root, p, lo, tol);
    snprintf(p, sizeof(p), "%s[1]", path);
    expect_num(root, p, hi, tol);
}

/* Index of the first component with this id, or -1. */
static int comp(json_t *root, const char *id)
{
    json_t *cs = json_object_get(root, "components");
    for (size_t i = 0; i < json_array_size(cs); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(cs, i), "id")), id) == 0)
            return (int)i;
    fail_msg("component '%s' not in the plan", id);
    return -1;
}

static bool has_code(json_t *root, const char *list_path, const char *code)
{
    json_t *arr = at(root, list_path);
    for (size_t i = 0; i < json_array_size(arr); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(arr, i), "code")), code) == 0)
            return true;
    return false;
}

static double alt_hrmax(json_t *root, const char *formula)
{
    json_t *arr = json_object_get(root, "hr_max_alternatives");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *a = json_array_get(arr, i);
        if (strcmp(json_string_value(json_object_get(a, "formula")), formula) == 0)
            return json_number_value(json_object_get(a, "hr_max_bpm"));
    }
    return NAN;
}

/* The result of `instrument` in the plan's scores. */
static json_t *score_of(json_t *root, const char *instrument)
{
    json_t *arr = json_object_get(root, "scores");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *s = json_array_get(arr, i);
        if (strcmp(json_string_value(json_object_get(s, "instrument")), instrument) == 0)
            return s;
    }
    fail_msg("no score for '%s'", instrument);
    return NULL;
}

/* A named score of an instrument (its value and, when want_band, its band code). */
static void expect_score(json_t *root, const char *instrument, const char *id, double value,
                         double tol, const char *band)
{
    json_t *s = score_of(root, instrument);
    json_t *arr = json_object_get(s, "scores");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *x = json_array_get(arr, i);
        if (strcmp(json_string_value(json_object_get(x, "id")), id) != 0)
            continue;
        expect_num(x, "value", value, tol);
        if (band)
            expect_str(x, "band.code", band);
        return;
    }
    fail_msg("%s has no score '%s'", instrument, id);
}

static void g1_mud_young_man(void **state)
{
    (void)state;
    json_t *j = run_json("prescribe", "examples/profiles/g1-mud-s1-outpatient.json");
    expect_str(j, "clearance.code", "A1");
    expect_str(j, "clearance.medical_clearance", "not_necessary");
    expect_str(j, "exercise.decision", "start");
    expect_str(j, "stage", "S1");
    expect_str(j, "rtms.decision", "eligible");
    assert_true(json_is_object(at(j, "rtms.protocol")));
    assert_true(json_array_size(at(j, "assumed_negative")) > 0); /* TMS items not stated */
    expect_num(j, "hr_max_bpm", 188.4, 1e-9);
    expect_num(j, "hr_max_display_bpm", 188, 0);
    expect_str(j, "hr_max_formula", "TANAKA");
    assert_true(fabs(alt_hrmax(j, "FOX") - 192) < 1e-9);
    char p[128];
    int a = comp(j, "comp.ma.s1.aerobic");
    snprintf(p, sizeof(p), "components[%d]", a);
    json_t *c = at(j, p);
    expect_str(c, "status", "active");
    expect_str(c, "intensity.basis", "hrr");
    expect_pair(c, "intensity.pct", 40, 59, 0);
    expect_pair(c, "intensity.hr_bpm", 126, 146, 0);
    expect_pair(c, "intensity.hr_bpm_exact", 125.76, 145.596, 1e-9);
    expect_pair(c, "intensity.rpe", 12, 13, 0);
    expect_pair(c, "sessions_per_week", 3, 5, 0);
    expect_pair(c, "minutes", 20, 30, 0);
    expect_pair(c, "minutes_target", 30, 60, 0);
    expect_pair(c, "weekly_volume.target_minutes", 150, 300, 0);
    expect_pair(c, "weekly_volume.target_met_min", 500, 1000, 0);
    assert_true(json_array_size(at(c, "progression")) >= 12);
    assert_true(json_array_size(at(c, "evidence")) > 0);
    assert_true(json_is_string(at(c, "neural_target.text")));
    snprintf(p, sizeof(p), "components[%d]", comp(j, "comp.ma.s1.resistance"));
    c = at(j, p);
    expect_str(c, "modality", "resistance");
    expect_pair(c, "sessions_per_week", 2, 3, 0);
    expect_pair(c, "dose.exercises", 8, 10, 0);
    expect_pair(c, "dose.sets", 1, 2, 0);
    expect_pair(c, "dose.reps", 10, 15, 0);
    expect_pair(c, "intensity.pct_1rm", 40, 50, 0);
    expect_pair(c, "intensity.target_pct_1rm", 60, 70, 0);
    expect_pair(c, "dose.rest_s", 120, 180, 0);
    snprintf(p, sizeof(p), "components[%d]", comp(j, "comp.general.flexibility"));
    c = at(j, p);
    expect_pair(c, "sessions_per_week", 2, 3, 0);
    expect_pair(c, "dose.hold_s", 10, 30, 0);
    expect_pair(c, "dose.repetitions", 2, 4, 0);
    assert_true(strncmp(json_string_value(at(j, "catalog_fingerprint")), "sha256:", 7) == 0);
    expect_score(j, "phq9", "total", 10, 0, "moderate");
    expect_score(j, "phq9", "phq2", 4, 0, "positive");
    assert_false(json_is_true(at(score_of(j, "phq9"), "flags[0].raised"))); /* item 9 = 0 */
    expect_score(j, "gad7", "total", 7, 0, "mild");
    expect_score(j, "gad7", "gad2", 2, 0, "negative");
    expect_score(j, "dast10", "total", 7, 0, "substantial");
    expect_score(j, "sds-dependence", "total", 8, 0, "positive");
    expect_score(j, "audit", "total", 1, 0, "zone_i");
    expect_score(j, "ipaq-short", "total", 570, 1e-9, "low");
    expect_score(j, "bmi", "total", 22.204, 5e-4, "normal");
    expect_score(j, "rockport", "vo2max", 42.703, 5e-4, NULL);
    char *assist = json_dumps(score_of(j, "assist"), JSON_COMPACT);
    assert_non_null(strstr(assist, "\"high\""));
    free(assist);
    json_decref(j);
}

static void g2_diabetes_woman(void **state)
{
    (void)state;
    json_t *j = run_json("prescribe", "examples/profiles/g2-t2dm-general.json");
    expect_str(j, "clearance.code", "A2");
    expect_str(j, "clearance.medical_clearance", "recommended");
    expect_str(j, "exercise.decision", "clearance_first");
    expect_str(j, "stage", NULL);
    expect_str(j, "rtms.decision", "not_applicable");
    expect_num(j, "hr_max_bpm", 157.6, 1e-9);
    expect_str(j, "hr_max_formula", "GULATI");
    assert_true(fabs(alt_hrmax(j, "TANAKA") - 169.5) < 1e-9);
    char p[64];
    snprintf(p, sizeof(p), "components[%d]", comp(j, "comp.general.aerobic"));
    json_t *c = at(j, p);
    expect_str(c, "status", "after_clearance");
    expect_pair(c, "intensity.hr_bpm", 110, 125, 0);
    expect_pair(c, "intensity.hr_bpm_exact", 109.84, 124.964, 1e-9);
    expect_pair(c, "intensity.rpe", 12, 13, 0);
    expect_pair(c, "minutes", 20, 30, 0);
    snprintf(p, sizeof(p), "components[%d]", comp(j, "comp.general.resistance"));
    expect_pair(at(j, p), "intensity.pct_1rm", 40, 50, 0);
    expect_pair(at(j, p), "dose.reps", 10, 15, 0);
    comp(j, "comp.general.neuromotor");
    expect_score(j, "psqi", "c1", 2, 0, NULL);
    expect_score(j, "psqi", "c2", 2, 0, NULL);
    expect_score(j, "psqi", "c3", 2, 0, NULL);
    expect_score(j, "psqi", "c4", 2, 0, NULL);
    expect_score(j, "psqi", "c5", 2, 0, NULL);
    expect_score(j, "psqi", "c6", 0, 0, NULL);
    expect_score(j, "psqi", "c7", 1, 0, NULL);
    expect_str(score_of(j, "psqi"), "band.code", "poor_sleeper");
    expect_num(score_of(j, "psqi"), "total", 11, 0);
    expect_score(j, "isi", "total", 19, 0, "moderate");
    expect_score(j, "phq9", "total", 8, 0, "mild");
    expect_score(j, "bmi", "total", 30.469, 5e-4, "obesity_i");
    json_decref(j);
}

static void g3_runner_with_chest_pain(void **state)
{
    (void)state;
    json_t *j = run_json("prescribe", "examples/profiles/g3-runner-chest-pain-refer.json");
    expect_str(j, "clearance.code", "B3");
    expect_str(j, "clearance.medical_clearance", "discontinue_and_seek");
    expect_str(j, "exercise.decision", "do_not_start_refer");
    expect_str(j, "stage", NULL);
    expect_str(j, "rtms.decision", "not_applicable");
    assert_true(json_is_true(at(j, "parq.answers.q2")));
    expect_str(j, "parq.route", "follow_up");
    expect_num(j, "hr_max_bpm", 176.5, 1e-9);
    json_t *cs = json_object_get(j, "components");
    for (size_t i = 0; i < json_array_size(cs); i++)
        expect_str(json_array_get(cs, i), "status", "reference_only");
    char p[64];
    snprintf(p, sizeof(p), "components[%d]", comp(j, "comp.general.aerobic"));
    expect_pair(at(j, p), "intensity.hr_bpm", 110, 131, 0);
    expect_pair(at(j, p), "intensity.hr_bpm_exact", 110.2, 131.195, 1e-9);
    json_decref(j);
}

static void p1_central_post_stroke_pain(void **state)
{
    (void)state;
    json_t *j = run_json("prescribe", "examples/profiles/p1-cpsp-chronic.json");
    expect_str(j, "stage", "chronic");
    expect_str(j, "clearance.code", "A2");
    expect_str(j, "exercise.decision", "clearance_first");
    expect_str(j, "rtms.decision", "physician_decision");
    assert_true(json_is_null(at(j, "rtms.protocol")));
    assert_true(json_is_object(at(j, "rtms.proposed_protocol")));
    expect_str(j, "rtms.same_day_order.order", "stimulation_first");
    expect_str(j, "pain.types[0]", "cpsp");
    expect_num(j, "hr_max_bpm", 163.2, 1e-9);
    expect_str(j, "hr_max_formula", "TANAKA");
    char p[64];
    snprintf(p, sizeof(p), "components[%d]", comp(j, "comp.stroke.aerobic"));
    json_t *c = at(j, p);
    expect_pair(c, "intensity.pct", 40, 70, 0);
    expect_pair(c, "intensity.hr_bpm", 108, 136, 0);
    expect_pair(c, "intensity.hr_bpm_exact", 108.48, 135.84, 1e-9);
    expect_pair(c, "intensity.start.hr_bpm", 108, 118, 0);
    expect_pair(c, "intensity.start.hr_bpm_exact", 108.48, 117.6, 1e-9);
    expect_pair(c, "intensity.alternatives[0].hr_bpm", 90, 131, 0);
    expect_pair(c, "intensity.alternatives[0].hr_bpm_exact", 89.76, 130.56, 1e-9);
    expect_pair(c, "intensity.rpe", 11, 14, 0);
    expect_pair(c, "sessions_per_week", 3, 5, 0);
    expect_pair(c, "minutes", 20, 60, 0);
    expect_pair(c, "bout_minutes", 10, 10, 0);
    snprintf(p, sizeof(p), "components[%d]", comp(j, "comp.stroke.resistance"));
    expect_pair(at(j, p), "intensity.pct_1rm", 50, 80, 0);
    expect_pair(at(j, p), "dose.sets", 1, 3, 0);
    expect_pair(at(j, p), "dose.reps", 10, 15, 0);
    expect_score(j, "dn4", "total", 7, 0, "positive");
    expect_score(j, "bpi-sf", "severity", 5.5, 1e-9, NULL);
    expect_score(j, "bpi-sf", "interference", 5.0, 1e-9, NULL);
    expect_score(j, "pain-nrs", "total", 6, 0, "moderate");
    expect_score(j, "bbs", "total", 52, 0, "not_increased");
    expect_score(j, "tug", "total", 11.8, 1e-9, "not_increased");
    expect_score(j, "6mwt", "predicted_m", 529.90, 5e-3, NULL);
    expect_score(j, "6mwt", "pct_predicted", 71.71, 5e-3, NULL);
    expect_score(j, "6mwt", "lln_m", 376.90, 5e-3, NULL);
    expect_score(j, "bmi", "total", 24.913, 5e-4, NULL);
    json_decref(j);
}

static void p2_hemiplegic_shoulder_pain(void **state)
{
    (void)state;
    json_t *j = run_json("prescribe", "examples/profiles/p2-hsp-late-subacute.json");
    expect_str(j, "stage", "late_subacute");
    expect_str(j, "clearance.code", "A2");
    expect_str(j, "exercise.decision", "clearance_first");
    expect_str(j, "rtms.decision", "not_applicable");
    expect_str(j, "pain.types[0]", "hsp");
    expect_str(j, "pain.hsp_mechanism", "nociceptive");
    expect_str(j, "hr_max_formula", "BRAWNER");
    expect_num(j, "hr_max_bpm", 123.4, 1e-9);
    expect_str(j, "intensity_anchor", "rpe");
    char p[64];
    snprintf(p, sizeof(p), "components[%d]", comp(j, "comp.stroke.aerobic_lower_limb"));
    json_t *c = at(j, p);
    expect_pair(c, "intensity.hr_bpm", 88, 106, 0);
    expect_pair(c, "intensity.hr_bpm_exact", 87.76, 105.58, 1e-9);
    expect_pair(c, "intensity.alternatives[0].hr_bpm", 68, 99, 0);
    expect_pair(c, "intensity.alternatives[0].hr_bpm_exact", 67.87, 98.72, 1e-9);
    expect_str(c, "intensity.primary", "rpe");
    static const char *const rules[] = {"hsp.no_overhead_pulleys",
                                        "hsp.no_passive_over_90",
                                        "hsp.support_arm",
                                        "hsp.no_pulling",
                                        "hsp.taping",
                                        "hsp.no_sling"};
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        if (!has_code(j, "safety.advice", rules[i]))
            fail_msg("shoulder rule '%s' missing", rules[i]);
    assert_false(has_code(j, "safety.advice", "hsp.sling"));
    expect_score(j, "bpi-sf", "severity", 6.0, 1e-9, NULL);
    expect_score(j, "bpi-sf", "interference", 37.0 / 7.0, 1e-9, NULL);
    expect_score(j, "pain-nrs", "total", 7, 0, "severe");
    expect_score(j, "dn4", "total", 1, 0, "negative");
    char *mas = json_dumps(score_of(j, "mas"), JSON_COMPACT);
    assert_non_null(strstr(mas, "\"1+\""));
    free(mas);
    json_decref(j);
}

static void p3_crps_early_subacute(void **state)
{
    (void)state;
    json_t *j = run_json("prescribe", "examples/profiles/p3-crps-early-subacute.json");
    expect_str(j, "stage", "early_subacute");
    expect_str(j, "clearance.code", "A2");
    expect_str(j, "exercise.decision", "clearance_first");
    expect_str(j, "rtms.decision", "not_applicable");
    expect_str(j, "pain.types[0]", "crps1");
    expect_str(j, "pain.crps1_criteria", "research");
    expect_str(j, "hr_max_formula", "GULATI");
    expect_num(j, "hr_max_bpm", 147.04, 1e-9);
    char p[64];
    snprintf(p, sizeof(p), "components[%d]", comp(j, "comp.stroke.aerobic"));
    json_t *c = at(j, p);
    expect_pair(c, "intensity.hr_bpm", 107, 127, 0);
    expect_pair(c, "intensity.hr_bpm_exact", 106.816, 126.928, 1e-9);
    expect_pair(c, "intensity.alternatives[0].hr_bpm", 81, 118, 0);
    expect_pair(c, "intensity.alternatives[0].hr_bpm_exact", 80.872, 117.632, 1e-9);
    snprintf(p, sizeof(p), "components[%d]", comp(j, "comp.psp.mirror_therapy"));
    c = at(j, p);
    expect_pair(c, "minutes", 30, 30, 0);
    expect_pair(c, "sessions_per_week", 5, 5, 0);
    expect_pair(c, "weeks", 4, 4, 0);
    assert_true(has_code(j, "safety.advice", "stroke.submaximal_only"));
    expect_score(j, "dn4", "total", 4, 0, "positive");
    expect_score(j, "pain-nrs", "total", 7, 0, "severe");
    json_decref(j);
}

static void screen_gives_decisions_without_components(void **state)
{
    (void)state;
    json_t *j = run_json("screen", "examples/profiles/g3-runner-chest-pain-refer.json");
    expect_str(j, "kind", "screening");
    expect_str(j, "clearance.code", "B3");
    expect_str(j, "exercise.decision", "do_not_start_refer");
    expect_str(j, "rtms.decision", "not_applicable");
    assert_null(json_object_get(j, "components"));
    assert_true(json_array_size(at(j, "safety.stop_criteria")) > 0);
    assert_true(json_array_size(at(j, "trace")) > 0);
    json_decref(j);
}

static void text_plans_show_bpm_targets_in_both_languages(void **state)
{
    (void)state;
    const char *en[] = {"rehabit",  "prescribe", "examples/profiles/g1-mud-s1-outpatient.json",
                        "--format", "text",      NULL};
    const char *zh[] = {"rehabit",  "prescribe", "examples/profiles/p2-hsp-late-subacute.json",
                        "--format", "text",      "--lang",
                        "zh",       NULL};
    rh_buf out;
    rh_buf_init(&out, 0);
    assert_int_equal(rh_test_run(en, NULL, &out, NULL), 0);
    assert_non_null(strstr(rh_buf_cstr(&out), "126-146 bpm (40-59 % of heart-rate reserve)"));
    assert_non_null(strstr(rh_buf_cstr(&out), "Stop at once"));
    assert_non_null(strstr(rh_buf_cstr(&out), "10 Hz rTMS"));
    rh_buf_reset(&out);
    assert_int_equal(rh_test_run(zh, NULL, &out, NULL), 0);
    assert_non_null(strstr(rh_buf_cstr(&out), "88-106 次/分"));
    assert_non_null(strstr(rh_buf_cstr(&out), "最大心率"));
    assert_non_null(strstr(rh_buf_cstr(&out), "禁用过顶滑轮"));
    assert_null(strstr(rh_buf_cstr(&out), "Stop at once"));
    rh_buf_release(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(g1_mud_young_man),
        cmocka_unit_test(g2_diabetes_woman),
        cmocka_unit_test(g3_runner_with_chest_pain),
        cmocka_unit_test(p1_central_post_stroke_pain),
        cmocka_unit_test(p2_hemiplegic_shoulder_pain),
        cmocka_unit_test(p3_crps_early_subacute),
        cmocka_unit_test(screen_gives_decisions_without_components),
        cmocka_unit_test(text_plans_show_bpm_targets_in_both_languages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

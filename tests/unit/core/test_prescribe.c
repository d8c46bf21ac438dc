/* SPDX-License-Identifier: MIT
 *
 * core/prescribe on the shipped knowledge base: every HRmax formula,
 * Karvonen and %HRmax targets, weekly volume (MET-min), measured HRmax,
 * missing resting heart rate, determinism, and allocation failures through
 * the whole pipeline.
 */
#include "rh_test.h"

#include "base/date.h"
#include "core/catalog.h"
#include "core/prescribe.h"
#include "core/profile.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static rh_catalog *cat;

static int setup(void **state)
{
    (void)state;
    return rh_catalog_load_embedded(&cat, NULL) == RH_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    rh_catalog_destroy(cat);
    return 0;
}

/* Builds a plan for `profile` with optional site overrides; returns its JSON. */
static json_t *plan_json(const char *profile, const char *site)
{
    rh_err err;
    rh_err_init(&err);
    rh_profile *p = NULL;
    rh_plan *plan = NULL;
    json_t *site_j = site ? json_loads(site, 0, NULL) : NULL;
    if (rh_profile_load(cat, profile, strlen(profile), "t", rh_date_from_civil(2026, 12, 2), &p,
                        &err) != RH_OK)
        fail_msg("profile: %s", err.msg);
    rh_plan_opts o = {.site = (const rh_json *)site_j, .site_source = "site", .version = "t"};
    if (rh_plan_build(cat, p, &o, &plan, &err) != RH_OK)
        fail_msg("plan: %s", err.msg);
    rh_buf b;
    rh_buf_init(&b, 0);
    assert_int_equal(rh_plan_write_json(plan, RH_PLAN_PRESCRIPTION, &b), RH_OK);
    json_t *j = json_loads(rh_buf_cstr(&b), 0, NULL);
    assert_non_null(j);
    rh_buf_release(&b);
    rh_plan_destroy(plan);
    rh_profile_destroy(p);
    json_decref(site_j);
    return j;
}

#define PROFILE(sex, age, extra)                                               \
    "{\"assessment_date\": \"2026-11-30\", \"demographics\": {\"sex\": \"" sex \
    "\", \"age_y\": " #age "}, \"history\": {\"regular_exercise\": false}" extra "}"

static double num(json_t *j, const char *key)
{
    return json_number_value(json_object_get(j, key));
}

static void every_hrmax_formula_has_its_coefficients(void **state)
{
    (void)state;
    static const struct {
        const char *code;
        double want; /* at age 50 */
    } f[] = {{"FOX", 170},         {"TANAKA", 173},   {"GELLISH", 172},
             {"GELLISH_L", 173.4}, {"INBAR", 171.55}, {"LONDEREE", 171}};
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        char site[128];
        snprintf(site, sizeof(site), "{\"policy.hrmax_default_formula\": \"%s\"}", f[i].code);
        json_t *j = plan_json(PROFILE("male", 50, ""), site);
        assert_string_equal(json_string_value(json_object_get(j, "hr_max_formula")), f[i].code);
        if (fabs(num(j, "hr_max_bpm") - f[i].want) > 1e-9)
            fail_msg("%s: %.6f != %.6f", f[i].code, num(j, "hr_max_bpm"), f[i].want);
        json_decref(j);
    }
    json_t *j = plan_json(PROFILE("female", 50, ""), NULL);
    assert_string_equal(json_string_value(json_object_get(j, "hr_max_formula")), "GULATI");
    assert_true(fabs(num(j, "hr_max_bpm") - 162) < 1e-9); /* 206 - 0.88 x 50 */
    json_decref(j);
    j = plan_json(PROFILE("female", 50, ""), "{\"policy.hrmax_gulati_for_women\": false}");
    assert_string_equal(json_string_value(json_object_get(j, "hr_max_formula")), "TANAKA");
    json_decref(j);
    j = plan_json(PROFILE("male", 50, ", \"medications\": [\"metoprolol\"]"), NULL);
    assert_string_equal(json_string_value(json_object_get(j, "hr_max_formula")), "BRAWNER");
    assert_true(fabs(num(j, "hr_max_bpm") - 129) < 1e-9); /* 164 - 0.7 x 50 */
    assert_string_equal(json_string_value(json_object_get(j, "intensity_anchor")), "rpe");
    json_decref(j);
}

static void measured_hrmax_wins(void **state)
{
    (void)state;
    json_t *j = plan_json(PROFILE("male", 50,
                                  ", \"fitness\": {\"measured_hr_max_bpm\": 181}, \"medications\": "
                                  "[\"bisoprolol\"]"),
                          NULL);
    assert_string_equal(json_string_value(json_object_get(j, "hr_max_formula")), "MEASURED");
    assert_true(fabs(num(j, "hr_max_bpm") - 181) < 1e-9);
    json_decref(j);
}

static json_t *first_component(json_t *j, const char *modality)
{
    json_t *cs = json_object_get(j, "components");
    for (size_t i = 0; i < json_array_size(cs); i++) {
        json_t *c = json_array_get(cs, i);
        if (strcmp(json_string_value(json_object_get(c, "modality")), modality) == 0)
            return c;
    }
    fail_msg("no %s component", modality);
    return NULL;
}

static void karvonen_and_hrmax_targets_are_exact(void **state)
{
    (void)state;
    /* Tanaka at 40: 180; rest 60: 40-59 % HRR = 108-130.8; 64-76 % HRmax = 115.2-136.8 */
    json_t *j = plan_json(PROFILE("male", 40, ", \"vitals\": {\"resting_hr_bpm\": 60}"), NULL);
    json_t *a = first_component(j, "aerobic");
    json_t *in = json_object_get(a, "intensity");
    json_t *ex = json_object_get(in, "hr_bpm_exact");
    assert_true(fabs(json_number_value(json_array_get(ex, 0)) - 108) < 1e-9);
    assert_true(fabs(json_number_value(json_array_get(ex, 1)) - 130.8) < 1e-9);
    json_t *disp = json_object_get(in, "hr_bpm");
    assert_int_equal(json_integer_value(json_array_get(disp, 0)), 108);
    assert_int_equal(json_integer_value(json_array_get(disp, 1)), 131);
    json_t *alt = json_array_get(json_object_get(in, "alternatives"), 0);
    json_t *aex = json_object_get(alt, "hr_bpm_exact");
    assert_true(fabs(json_number_value(json_array_get(aex, 0)) - 115.2) < 1e-9);
    assert_true(fabs(json_number_value(json_array_get(aex, 1)) - 136.8) < 1e-9);
    json_decref(j);
}

static void hrr_targets_need_a_resting_heart_rate(void **state)
{
    (void)state;
    json_t *j = plan_json(PROFILE("male", 40, ""), NULL);
    json_t *in = json_object_get(first_component(j, "aerobic"), "intensity");
    assert_true(json_is_null(json_object_get(in, "hr_bpm")));
    assert_non_null(
        strstr(json_string_value(json_object_get(in, "hr_note")), "resting heart rate"));
    /* the %HRmax alternative is still given */
    json_t *alt = json_array_get(json_object_get(in, "alternatives"), 0);
    assert_true(json_is_array(json_object_get(alt, "hr_bpm")));
    json_decref(j);
}

static void weekly_volume_is_sessions_times_minutes_times_met(void **state)
{
    (void)state;
    json_t *j = plan_json(PROFILE("male", 40, ", \"vitals\": {\"resting_hr_bpm\": 60}"), NULL);
    json_t *a = first_component(j, "aerobic");
    json_t *vol = json_object_get(a, "weekly_volume");
    json_t *sess = json_object_get(a, "sessions_per_week"), *mins = json_object_get(a, "minutes");
    json_t *met = json_object_get(vol, "met");
    double lo =
        json_number_value(json_array_get(sess, 0)) * json_number_value(json_array_get(mins, 0));
    double hi =
        json_number_value(json_array_get(sess, 1)) * json_number_value(json_array_get(mins, 1));
    json_t *m = json_object_get(vol, "minutes"), *mm = json_object_get(vol, "met_min");
    assert_true(fabs(json_number_value(json_array_get(m, 0)) - lo) < 1e-9);
    assert_true(fabs(json_number_value(json_array_get(m, 1)) - hi) < 1e-9);
    assert_true(fabs(json_number_value(json_array_get(mm, 0)) -
                     lo * json_number_value(json_array_get(met, 0))) < 1e-9);
    assert_true(fabs(json_number_value(json_array_get(mm, 1)) -
                     hi * json_number_value(json_array_get(met, 1))) < 1e-9);
    /* one progression row per week of the plan */
    assert_int_equal(json_array_size(json_object_get(a, "progression")), 12);
    json_decref(j);
}

static void vigorous_components_wait_under_a_moderate_cap(void **state)
{
    (void)state;
    /* methamphetamine S2, not cleared: high-intensity training is after clearance */
    json_t *j = plan_json(
        "{\"assessment_date\": \"2026-11-30\", \"setting\": \"residential\", \"demographics\": "
        "{\"sex\": \"male\", \"age_y\": 30}, \"diagnoses\": [\"methamphetamine_use_disorder\"], "
        "\"substance_use\": {\"last_use_date\": \"2026-08-01\"}, \"history\": "
        "{\"regular_exercise\": false}, \"vitals\": {\"resting_hr_bpm\": 70}}",
        NULL);
    assert_string_equal(json_string_value(json_object_get(j, "stage")), "S2");
    json_t *cs = json_object_get(j, "components");
    bool seen = false;
    for (size_t i = 0; i < json_array_size(cs); i++) {
        json_t *c = json_array_get(cs, i);
        const char *cls = json_string_value(json_object_get(c, "intensity_class"));
        const char *st = json_string_value(json_object_get(c, "status"));
        if (strcmp(cls, "vigorous") == 0) {
            assert_string_equal(st, "after_clearance");
            seen = true;
        } else {
            assert_string_equal(st, "active");
        }
    }
    assert_true(seen);
    json_decref(j);
}

typedef struct fault_ctx {
    const char *profile;
} fault_ctx;

static rh_status build_once(void *vctx)
{
    fault_ctx *ctx = vctx;
    rh_profile *p = NULL;
    rh_plan *plan = NULL;
    rh_buf b;
    rh_buf_init(&b, 0);
    rh_status rc = rh_profile_load(cat, ctx->profile, strlen(ctx->profile), "t",
                                   rh_date_from_civil(2026, 12, 2), &p, NULL);
    if (rc == RH_OK)
        rc = rh_plan_build(cat, p, NULL, &plan, NULL);
    if (rc == RH_OK)
        rc = rh_plan_write_json(plan, RH_PLAN_PRESCRIPTION, &b);
    rh_buf_release(&b);
    rh_plan_destroy(plan);
    rh_profile_destroy(p);
    return rc;
}

static void pipeline_survives_allocation_failures(void **state)
{
    (void)state;
    /* a profile that exercises scoring, TMS items and most rule phases */
    fault_ctx ctx = {
        "{\"assessment_date\": \"2026-11-30\", \"setting\": \"outpatient\", \"demographics\": "
        "{\"sex\": \"male\", \"age_y\": 28, \"height_cm\": 175, \"weight_kg\": 68}, "
        "\"diagnoses\": [\"methamphetamine_use_disorder\"], \"substance_use\": "
        "{\"last_use_date\": \"2026-11-09\"}, \"history\": {\"regular_exercise\": false}, "
        "\"medications\": [\"bupropion\", {\"name\": \"x\", \"classes\": [\"beta_blocker\"]}], "
        "\"vitals\": {\"resting_hr_bpm\": 84, \"sbp_mmhg\": 128, \"dbp_mmhg\": 82}, "
        "\"tms_screen\": {\"items\": {\"epilepsy_history\": true}}, "
        "\"assessments\": {\"phq9\": {\"items\": [2, 2, 1, 2, 1, 1, 1, 0, 1]}, \"bmi\": {}}}"};
    assert_true(rh_test_fault_loop(build_once, &ctx) > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_hrmax_formula_has_its_coefficients),
        cmocka_unit_test(measured_hrmax_wins),
        cmocka_unit_test(karvonen_and_hrmax_targets_are_exact),
        cmocka_unit_test(hrr_targets_need_a_resting_heart_rate),
        cmocka_unit_test(weekly_volume_is_sessions_times_minutes_times_met),
        cmocka_unit_test(vigorous_components_wait_under_a_moderate_cap),
        cmocka_unit_test(pipeline_survives_allocation_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/* SPDX-License-Identifier: MIT */
#include "rh_test.h"

#include "signal/load.h"

#include <math.h>

/* exercise-standards.md 3.10: 40 min, HRex 140, HRrest 60, HRmax 188.4 ->
 * x = 0.623053; men 52.759; women 60.669. */
static void banister_worked_example(void **state)
{
    (void)state;
    double t;
    assert_int_equal(rh_load_banister_trimp(40, 140, 60, 188.4, RH_SEX_MALE, &t, NULL), RH_OK);
    assert_true(fabs(t - 52.759) < 0.0005);
    assert_int_equal(rh_load_banister_trimp(40, 140, 60, 188.4, RH_SEX_FEMALE, &t, NULL), RH_OK);
    assert_true(fabs(t - 60.669) < 0.0005);
}

static void banister_rejects_bad_inputs(void **state)
{
    (void)state;
    double t = 0;
    rh_err err;
    rh_err_init(&err);
    assert_int_equal(rh_load_banister_trimp(40, 140, 190, 188.4, RH_SEX_MALE, &t, &err),
                     RH_E_INVALID);
    assert_int_equal(rh_load_banister_trimp(40, 140, 60, 188.4, (enum rh_sex)0, &t, NULL),
                     RH_E_INVALID);
    assert_int_equal(rh_load_banister_trimp(-1, 140, 60, 188.4, RH_SEX_MALE, &t, NULL),
                     RH_E_INVALID);
}

/* A constant series sums to the session formula; sample by sample clamps x. */
static void banister_series_matches_constant_session(void **state)
{
    (void)state;
    double hr[2400];
    for (int i = 0; i < 2400; i++)
        hr[i] = 140;
    rh_hr_series s = {.hr_bpm = hr, .n = 2400, .dt_s = 1};
    double t;
    assert_int_equal(rh_load_banister_trimp_series(&s, 60, 188.4, RH_SEX_MALE, &t, NULL), RH_OK);
    assert_true(fabs(t - 52.759) < 0.0005);
    for (int i = 0; i < 2400; i++)
        hr[i] = i < 1200 ? 40 : 250; /* below rest adds 0; above max counts as max */
    assert_int_equal(rh_load_banister_trimp_series(&s, 60, 188.4, RH_SEX_MALE, &t, NULL), RH_OK);
    assert_true(fabs(t - 20 * 0.64 * exp(1.92)) < 1e-9);
}

/* 3.10: Edwards 10/15/10/5/0 min -> 90. */
static void edwards_worked_example(void **state)
{
    (void)state;
    const double m[5] = {10, 15, 10, 5, 0};
    double t;
    assert_int_equal(rh_load_edwards_trimp(m, &t, NULL), RH_OK);
    assert_true(t == 90);
}

static void edwards_series_uses_hrmax_zones(void **state)
{
    (void)state;
    /* HRmax 200: zones start at 100, 120, 140, 160, 180 bpm. 10 min at 110,
     * 15 at 130, 10 at 150, 5 at 170, 3 at 90 (below zone 1). */
    double hr[43 * 60];
    size_t k = 0;
    const double level[] = {110, 130, 150, 170, 90};
    const int mins[] = {10, 15, 10, 5, 3};
    for (int z = 0; z < 5; z++)
        for (int i = 0; i < mins[z] * 60; i++)
            hr[k++] = level[z];
    rh_hr_series s = {.hr_bpm = hr, .n = k, .dt_s = 1};
    double t, m[5];
    assert_int_equal(rh_load_edwards_trimp_series(&s, 200, &t, m, NULL), RH_OK);
    assert_true(fabs(t - 90) < 1e-9);
    assert_true(fabs(m[1] - 15) < 1e-9);
}

/* 3.11: load = RPE x minutes; 3.12 last week monotony 1.0552, strain 2026.07. */
static void srpe_and_week_worked_example(void **state)
{
    (void)state;
    double l;
    assert_int_equal(rh_load_srpe(6, 50, &l, NULL), RH_OK);
    assert_true(l == 300);
    assert_int_equal(rh_load_srpe(11, 50, &l, NULL), RH_E_RANGE);
    const double week[7] = {480, 0, 500, 0, 540, 0, 400};
    rh_week_load w;
    assert_int_equal(rh_load_week(week, &w, NULL), RH_OK);
    assert_true(w.total == 1920);
    assert_true(fabs(w.monotony - 1.0552) < 0.00005);
    assert_true(fabs(w.strain - 2026.07) < 0.005);
    const double flat[7] = {100, 100, 100, 100, 100, 100, 100};
    assert_int_equal(rh_load_week(flat, &w, NULL), RH_OK);
    assert_true(isnan(w.monotony) && isnan(w.strain));
}

/* 3.12 worked example: acute 274.2857; coupled chronic 203.5714 -> 1.3474;
 * uncoupled 180.0000 -> 1.5238; EWMA acute 263.3543, chronic 233.7205 ->
 * 1.1268. */
static void acwr_worked_example(void **state)
{
    (void)state;
    const double d[28] = {300, 0, 360, 0, 420, 0, 240, 300, 0, 300, 0, 360, 0, 0,
                          360, 0, 420, 0, 420, 0, 300, 480, 0, 500, 0, 540, 0, 400};
    rh_acwr a;
    assert_int_equal(rh_load_acwr(d, 28, &a, NULL), RH_OK);
    assert_true(fabs(a.acute - 274.2857) < 0.00005);
    assert_true(fabs(a.chronic_coupled - 203.5714) < 0.00005);
    assert_true(fabs(a.ratio_coupled - 1.3474) < 0.00005);
    assert_true(fabs(a.chronic_uncoupled - 180.0) < 1e-9);
    assert_true(fabs(a.ratio_uncoupled - 1.5238) < 0.00005);
    assert_true(fabs(a.ewma_acute - 263.3543) < 0.00005);
    assert_true(fabs(a.ewma_chronic - 233.7205) < 0.00005);
    assert_true(fabs(a.ratio_ewma - 1.1268) < 0.00005);
    assert_int_equal(rh_load_acwr(d, 27, &a, NULL), RH_E_INVALID);
}

static void zone_time_counts_gaps_as_missing(void **state)
{
    (void)state;
    /* 1 Hz: 3 s below, 4 s in (bounds inclusive), 2 s above, 2 missing. */
    const double hr[] = {90, 99.9, 0, 100, 120, 130, 130, 131, 150, NAN, 95};
    rh_hr_series s = {.hr_bpm = hr, .n = 11, .dt_s = 1};
    rh_zone_time z;
    assert_int_equal(rh_load_zone_time(&s, 100, 130, &z, NULL), RH_OK);
    assert_true(z.below_s == 3 && z.in_s == 4 && z.above_s == 2 && z.missing_s == 2);
    assert_int_equal(rh_load_zone_time(&s, 130, 100, &z, NULL), RH_E_INVALID);
}

static void timestamped_series_splits_long_steps(void **state)
{
    (void)state;
    /* Steps 1, 2, 30 (a gap beyond 5 s: the sample covers 1 s, 29 s missing), 1. */
    const double t[] = {0, 1, 3, 33, 34};
    const double hr[] = {120, 120, 120, 80, 80};
    const uint8_t valid[] = {1, 1, 1, 1, 0};
    rh_hr_series s = {.hr_bpm = hr, .t_s = t, .valid = valid, .n = 5};
    rh_zone_time z;
    assert_int_equal(rh_load_zone_time(&s, 100, 130, &z, NULL), RH_OK);
    assert_true(z.in_s == 4 && z.below_s == 1);
    assert_true(z.missing_s == 29 + 1);
    rh_hr_summary sum;
    assert_int_equal(rh_load_hr_summary(&s, &sum, NULL), RH_OK);
    assert_true(sum.valid_s == 5 && fabs(sum.mean_bpm - 112) < 1e-12 && sum.max_bpm == 120);
    const double back[] = {0, 2, 1};
    rh_hr_series b = {.hr_bpm = hr, .t_s = back, .n = 3};
    assert_int_equal(rh_load_zone_time(&b, 100, 130, &z, NULL), RH_E_INVALID);
}

static void zone_tables_from_percentages(void **state)
{
    (void)state;
    double e[4], zone_s[5], miss;
    /* %HRR with rest 60, max 180: 96, 108, 132, 168 bpm. */
    assert_int_equal(rh_load_edges_hrr(rh_load_acsm_hrr_edges_pct, 4, 60, 180, e, NULL), RH_OK);
    assert_true(e[0] == 96 && e[1] == 108 && e[2] == 132 && e[3] == 168);
    const double hr[] = {95, 96, 107.9, 108, 131, 132, 170, NAN};
    rh_hr_series s = {.hr_bpm = hr, .n = 8, .dt_s = 2};
    assert_int_equal(rh_load_zones(&s, e, 4, zone_s, &miss, NULL), RH_OK);
    assert_true(zone_s[0] == 2 && zone_s[1] == 4 && zone_s[2] == 4 && zone_s[3] == 2 &&
                zone_s[4] == 2 && miss == 2);
    assert_int_equal(rh_load_edges_hrmax(rh_load_acsm_hrmax_edges_pct, 4, 200, e, NULL), RH_OK);
    assert_true(e[0] == 114 && e[3] == 192);
    const double bad[] = {50, 40};
    assert_int_equal(rh_load_edges_hrmax(bad, 2, 200, e, NULL), RH_E_INVALID);
    assert_int_equal(rh_load_edges_hrr(rh_load_acsm_hrr_edges_pct, 4, 180, 60, e, NULL),
                     RH_E_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(banister_worked_example),
        cmocka_unit_test(banister_rejects_bad_inputs),
        cmocka_unit_test(banister_series_matches_constant_session),
        cmocka_unit_test(edwards_worked_example),
        cmocka_unit_test(edwards_series_uses_hrmax_zones),
        cmocka_unit_test(srpe_and_week_worked_example),
        cmocka_unit_test(acwr_worked_example),
        cmocka_unit_test(zone_time_counts_gaps_as_missing),
        cmocka_unit_test(timestamped_series_splits_long_steps),
        cmocka_unit_test(zone_tables_from_percentages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

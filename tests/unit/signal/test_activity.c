/* SPDX-License-Identifier: MIT */
#include "rh_test.h"

#include "signal/activity.h"

#include <math.h>
#include <string.h>

static void add(rh_activity *a, int64_t t_s, double hr)
{
    assert_int_equal(rh_activity_add_point(a, t_s * 1000, RH_TIME_UTC, hr, NULL, NULL), RH_OK);
}

static void series_merges_duplicates_drops_zero_and_keeps_gaps(void **state)
{
    (void)state;
    rh_activity a;
    rh_activity_init(&a, RH_ACTIVITY_FIT);
    add(&a, 100, 100);
    add(&a, 101, 110);
    add(&a, 101, 120); /* repeated second: mean 115 */
    add(&a, 99, 90);   /* backwards in the file */
    add(&a, 102, 0);   /* no reading */
    add(&a, 102, NAN);
    add(&a, 160, 130); /* after a 59 s gap */
    assert_int_equal(rh_activity_finish(&a, NULL), RH_OK);
    assert_int_equal(a.nhr, 4);
    assert_int_equal(a.hr_t_s[0], 99);
    assert_true(a.hr_bpm[2] == 115.0);
    assert_int_equal(a.hr_t_s[3], 160);
    assert_true(a.duration_s == 61.0);
    assert_int_equal(a.start_ms, 99000);

    rh_activity_metrics m;
    assert_int_equal(rh_activity_compute_metrics(&a, 100, 120, &m, NULL), RH_OK);
    /* Each value stands for the step to the next (1 s here); 115 at 101 s is
     * followed by a 59 s step, longer than the 10 s hold: 1 s, then a gap. */
    assert_true(m.below_s == 1.0);
    assert_true(m.in_zone_s == 2.0);
    assert_true(m.above_s == 1.0);
    assert_true(m.covered_s == 4.0);
    assert_true(m.missing_s == 58.0);
    assert_true(m.in_zone_pct == 50.0);
    assert_true(m.max_hr_bpm == 130.0);
    assert_true(m.avg_hr_bpm == (90.0 + 100.0 + 115.0 + 130.0) / 4.0);
    assert_int_equal(rh_activity_compute_metrics(&a, 130, 120, &m, NULL), RH_E_INVALID);
    /* TRIMP through signal/load: Edwards needs HRmax, Banister also rest and sex. */
    rh_activity_person who = {.hr_rest_bpm = NAN, .hr_max_bpm = 200, .sex = 0};
    assert_int_equal(rh_activity_compute_metrics_for(&a, NAN, NAN, &who, &m, NULL), RH_OK);
    /* 4 s: 90 (45 %: none), 100 and 115 (zone 1), 130 (zone 2) */
    assert_true(fabs(m.edwards_trimp - (2.0 / 60.0 * 1 + 1.0 / 60.0 * 2)) < 1e-12);
    assert_true(isnan(m.banister_trimp));
    who.hr_rest_bpm = 60;
    who.sex = 1;
    assert_int_equal(rh_activity_compute_metrics_for(&a, NAN, NAN, &who, &m, NULL), RH_OK);
    assert_true(m.banister_trimp > 0);
    rh_activity_release(&a);
}

static void no_heart_rate_gives_null_metrics_not_zero(void **state)
{
    (void)state;
    rh_activity a;
    rh_activity_init(&a, RH_ACTIVITY_FIT);
    add(&a, 1, NAN);
    assert_int_equal(rh_activity_finish(&a, NULL), RH_OK);
    rh_activity_metrics m;
    assert_int_equal(rh_activity_compute_metrics(&a, NAN, NAN, &m, NULL), RH_OK);
    assert_true(isnan(m.avg_hr_bpm) && isnan(m.max_hr_bpm) && isnan(m.in_zone_pct));
    rh_buf b;
    rh_buf_init(&b, 0);
    rh_jw w;
    rh_jw_init(&w, &b, 0);
    rh_activity_write_json(&a, &m, &w);
    assert_int_equal(rh_jw_finish(&w), RH_OK);
    assert_non_null(strstr(rh_buf_cstr(&b), "\"avg_hr_bpm\":null"));
    rh_buf_release(&b);
    rh_activity_release(&a);
}

static void rr_intervals_give_corrected_hrv(void **state)
{
    (void)state;
    rh_activity a;
    rh_activity_init(&a, RH_ACTIVITY_FIT);
    /* 600 beats of sinus-like variation with one missed beat (two intervals
     * merged), which correction must split back */
    double rr[600], sum2 = 0;
    for (int i = 0; i < 600; i++)
        rr[i] = 800 + 30 * sin(i * 0.3) + 8 * sin(i * 1.7);
    for (int i = 1; i < 600; i++)
        sum2 += (rr[i] - rr[i - 1]) * (rr[i] - rr[i - 1]);
    double clean_rmssd = sqrt(sum2 / 599);
    for (int i = 0; i < 600; i++) {
        if (i == 301)
            continue;
        double v = i == 300 ? rr[300] + rr[301] : rr[i];
        assert_int_equal(rh_activity_add_rr(&a, v, NULL), RH_OK);
    }
    assert_int_equal(rh_activity_finish(&a, NULL), RH_OK);
    rh_activity_metrics m;
    assert_int_equal(rh_activity_compute_metrics(&a, NAN, NAN, &m, NULL), RH_OK);
    assert_true(m.have_hrv);
    assert_true(m.rr_artefacts >= 1 && m.rr_artefacts <= 3);
    assert_true(m.rr_artefact_pct < 1.0);
    assert_true(fabs(m.hrv.mean_nn_ms - 800.0) < 2.0);
    assert_true(fabs(m.hrv.rmssd_ms - clean_rmssd) < 0.05 * clean_rmssd);
    assert_true(m.uncorrected_rmssd_ms > 2 * clean_rmssd); /* the missed beat dominated it */
    rh_buf b;
    rh_buf_init(&b, 0);
    rh_jw w;
    rh_jw_init(&w, &b, 0);
    rh_activity_write_json(&a, &m, &w);
    assert_int_equal(rh_jw_finish(&w), RH_OK);
    assert_non_null(strstr(rh_buf_cstr(&b), "\"hrv\":{\"n_rr\":"));
    assert_non_null(strstr(rh_buf_cstr(&b), "\"quality\":\"acceptable"));
    rh_buf_release(&b);
    rh_activity_release(&a);
}

static void times_format_with_milliseconds_only_when_needed(void **state)
{
    (void)state;
    char t[40];
    rh_activity_format_time(1577836800000, t, sizeof(t));
    assert_string_equal(t, "2020-01-01T00:00:00Z");
    rh_activity_format_time(1577836800692, t, sizeof(t));
    assert_string_equal(t, "2020-01-01T00:00:00.692Z");
    rh_activity_format_time(-1, t, sizeof(t));
    assert_string_equal(t, "1969-12-31T23:59:59.999Z");
}

static void beat(rh_activity *a, int64_t t_ms, double bpm)
{
    rh_activity_beat b = {.t_ms = t_ms, .time_base = RH_TIME_UTC, .bpm = bpm};
    assert_int_equal(rh_activity_add_beat(a, &b, NULL), RH_OK);
}

/* Beats win every second they fall in (mean of the beats there); samples fill
 * the other seconds; the result is the same whether the samples are in time
 * order (merged) or not (sorted). */
static void beats_win_their_seconds_in_and_out_of_order(void **state)
{
    (void)state;
    for (int backwards = 0; backwards < 2; backwards++) {
        rh_activity a;
        rh_activity_init(&a, RH_ACTIVITY_FIT);
        if (backwards)
            add(&a, 105, 150); /* first in the file, last in time */
        add(&a, 100, 100);
        add(&a, 101, 101);
        add(&a, 101, 104);
        add(&a, 102, 120);
        add(&a, 104, 140);
        if (!backwards)
            add(&a, 105, 150);
        beat(&a, 101100, 90);
        beat(&a, 101900, 91);
        beat(&a, 103000, 0); /* invalid: no beat there */
        beat(&a, 103500, 95);
        beat(&a, 106000, 97);
        assert_int_equal(rh_activity_finish(&a, NULL), RH_OK);
        static const int64_t want_t[] = {100, 101, 102, 103, 104, 105, 106};
        static const double want_hr[] = {100, 90.5, 120, 95, 140, 150, 97};
        assert_int_equal(a.nhr, 7);
        for (size_t i = 0; i < 7; i++) {
            assert_int_equal(a.hr_t_s[i], want_t[i]);
            assert_true(a.hr_bpm[i] == want_hr[i]);
        }
        rh_activity_release(&a);
    }
}

/* A column that appears mid-stream reads absent before its first value and
 * keeps its values across growth. */
static void columns_appear_late_and_survive_growth(void **state)
{
    (void)state;
    rh_activity a;
    rh_activity_init(&a, RH_ACTIVITY_FIT);
    double cols[RH_COL_COUNT];
    for (int c = 0; c < RH_COL_COUNT; c++)
        cols[c] = NAN;
    for (int i = 0; i < 1000; i++) {
        if (i >= 10) /* the column starts at sample 10 */
            cols[RH_COL_POWER_W] = i;
        assert_int_equal(
            rh_activity_add_point_cols(&a, i * 1000, RH_TIME_UTC, 100, cols, NULL, NULL), RH_OK);
    }
    assert_int_equal(rh_activity_set_col(&a, 5, RH_COL_LAT_DEG, 45.5, NULL), RH_OK);
    for (size_t i = 0; i < 1000; i++) {
        double p = rh_activity_col_get(&a, i, RH_COL_POWER_W);
        assert_true(i < 10 ? isnan(p) : p == (double)i);
        double lat = rh_activity_col_get(&a, i, RH_COL_LAT_DEG);
        assert_true(i == 5 ? lat == 45.5 : isnan(lat));
        assert_true(isnan(rh_activity_col_get(&a, i, RH_COL_SPEED_M_S)));
    }
    assert_null(a.cols[RH_COL_SPEED_M_S]);
    rh_activity_release(&a);
}

/* Samples and beats in a shuffled time order (runs with backward steps,
 * repeated seconds): each second is the mean of its beats if it has any, else
 * of its samples, summed in file order, exactly as computed here by brute
 * force. */
static void series_of_unordered_input_matches_brute_force(void **state)
{
    (void)state;
    enum { NP = 3000, NB = 700 };
    static int64_t pt[NP], bt[NB];
    static double pv[NP], bv[NB];
    uint32_t x = 12345;
    int64_t t = 1000000;
    for (int i = 0; i < NP; i++) {
        x = x * 1103515245u + 12345u;
        t += (x >> 16) % 100 < 7 ? -(int64_t)((x >> 8) % 8000) : (int64_t)((x >> 8) % 1500);
        assert_true(t >= 0); /* so that / 1000 is the floor */
        pt[i] = t;
        pv[i] = (x >> 20) % 9 == 0 ? 0 : 60.0 + (double)((x >> 4) % 1000) / 7.0;
    }
    for (int i = 0; i < NB; i++) {
        x = x * 1103515245u + 12345u;
        bt[i] = 1000000 + (int64_t)(x % 900000u);
        bv[i] = 50.0 + (double)((x >> 3) % 997) / 3.0;
    }
    for (int with_beats = 0; with_beats < 2; with_beats++) {
        rh_activity a;
        rh_activity_init(&a, RH_ACTIVITY_FIT);
        for (int i = 0; i < NP; i++)
            assert_int_equal(rh_activity_add_point(&a, pt[i], RH_TIME_UTC, pv[i], NULL, NULL),
                             RH_OK);
        for (int i = 0; with_beats && i < NB; i++) {
            rh_activity_beat b = {.t_ms = bt[i], .time_base = RH_TIME_UTC, .bpm = bv[i]};
            assert_int_equal(rh_activity_add_beat(&a, &b, NULL), RH_OK);
        }
        assert_int_equal(rh_activity_finish(&a, NULL), RH_OK);
        int64_t prev = INT64_MIN;
        size_t k = 0;
        for (;;) { /* the next second with a value, in increasing order */
            int64_t sec = INT64_MAX;
            for (int i = 0; i < NP; i++)
                if (pv[i] > 0 && pt[i] / 1000 > prev && pt[i] / 1000 < sec)
                    sec = pt[i] / 1000;
            for (int i = 0; with_beats && i < NB; i++)
                if (bt[i] / 1000 > prev && bt[i] / 1000 < sec)
                    sec = bt[i] / 1000;
            if (sec == INT64_MAX)
                break;
            double sum = 0.0;
            size_t cnt = 0;
            for (int i = 0; with_beats && i < NB; i++)
                if (bt[i] / 1000 == sec) {
                    sum += bv[i];
                    cnt++;
                }
            bool beats = cnt > 0;
            for (int i = 0; !beats && i < NP; i++) /* no beat there: the samples */
                if (pv[i] > 0 && pt[i] / 1000 == sec) {
                    sum += pv[i];
                    cnt++;
                }
            assert_true(k < a.nhr);
            assert_int_equal(a.hr_t_s[k], sec);
            assert_true(a.hr_bpm[k] == sum / (double)cnt);
            k++;
            prev = sec;
        }
        assert_int_equal(k, a.nhr);
        rh_activity_release(&a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(series_merges_duplicates_drops_zero_and_keeps_gaps),
        cmocka_unit_test(no_heart_rate_gives_null_metrics_not_zero),
        cmocka_unit_test(rr_intervals_give_corrected_hrv),
        cmocka_unit_test(times_format_with_milliseconds_only_when_needed),
        cmocka_unit_test(beats_win_their_seconds_in_and_out_of_order),
        cmocka_unit_test(columns_appear_late_and_survive_growth),
        cmocka_unit_test(series_of_unordered_input_matches_brute_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
#include "rh_test.h"

#include "base/alloc.h"
#include "signal/hrv.h"
#include "signal/rr.h"

#include <math.h>
#include <stdlib.h>

#define PI 3.14159265358979323846

static void series(rh_rr_series *s, const double *rr, const char *lab, size_t n, char first)
{
    rh_rr_init(s);
    double t = 0;
    for (size_t i = 0; i < n; i++) {
        t += rr[i] / 1000;
        assert_int_equal(rh_rr_append(s, t, rr[i], lab ? lab[i] : 'N', NULL), RH_OK);
    }
    s->first_label = first;
    s->labelled = lab != NULL;
}

static void time_domain_of_a_known_series(void **state)
{
    (void)state;
    /* 800, 860, 800, 860, ...: mean 830, diffs +-60 */
    double rr[100];
    for (int i = 0; i < 100; i++)
        rr[i] = i % 2 ? 860 : 800;
    rh_rr_series s;
    series(&s, rr, NULL, 100, 'N');
    rh_hrv_result r;
    assert_int_equal(rh_hrv_compute(&s, 0, s.n, NULL, &r, NULL), RH_OK);
    assert_int_equal(r.n_nn, 100);
    assert_int_equal(r.n_diff, 99);
    assert_true(r.mean_nn_ms == 830);
    assert_true(fabs(r.sdnn_ms - sqrt(900.0 * 100 / 99)) < 1e-9);
    assert_true(fabs(r.rmssd_ms - 60) < 1e-9);
    assert_true(r.pnn50_pct == 100 && r.nn50 == 99);
    assert_true(fabs(r.hr_bpm - 60000.0 / 830) < 1e-9);
    /* Poincare: diffs +-60 alternate -> SD1 = sd(diff)/sqrt2; sums are constant 1660 */
    /* 50 differences of +60 and 49 of -60 */
    double dm = 60.0 / 99, dv = (99 * 3600.0 - 99 * dm * dm) / 98;
    assert_true(fabs(r.sd1_ms - sqrt(dv / 2)) < 1e-9);
    assert_true(r.sd2_ms < 1e-6);
    rh_rr_release(&s);
}

static void only_nn_intervals_count(void **state)
{
    (void)state;
    /* labels of ending beats; the first interval's start is unknown */
    const double rr[7] = {800, 810, 500, 1100, 820, 830, 840};
    const char lab[7] = {'N', 'N', 'V', 'N', 'N', 'N', 'N'};
    rh_rr_series s;
    series(&s, rr, lab, 7, 0);
    rh_hrv_result r;
    assert_int_equal(rh_hrv_compute(&s, 0, s.n, NULL, &r, NULL), RH_OK);
    /* NN: 810 (N after N), 820, 830, 840 - not 800 (unknown start), 500 (V),
     * 1100 (starts at V) */
    assert_int_equal(r.n_nn, 4);
    assert_true(fabs(r.mean_nn_ms - 825) < 1e-12);
    /* differences only between adjacent NN pairs: 820-830, 830-840 */
    assert_int_equal(r.n_diff, 2);
    assert_true(fabs(r.rmssd_ms - 10) < 1e-12);
    assert_true(fabs(r.nn_rr - 4.0 / 7) < 1e-12);
    rh_rr_release(&s);
    /* no N at all: every metric is missing, not zero */
    const char none[3] = {'L', 'L', 'L'};
    series(&s, rr, none, 3, 0);
    assert_int_equal(rh_hrv_compute(&s, 0, s.n, NULL, &r, NULL), RH_OK);
    assert_int_equal(r.n_nn, 0);
    assert_true(isnan(r.mean_nn_ms) && isnan(r.sdnn_ms) && isnan(r.rmssd_ms) &&
                isnan(r.pnn50_pct) && isnan(r.lomb.lf_ms2) && isnan(r.sd1_ms) &&
                isnan(r.dfa_alpha1));
    rh_rr_release(&s);
}

static void sdann_uses_five_minute_segments(void **state)
{
    (void)state;
    /* 1000 ms beats: 300 per segment; segment means 1000 and 1100 ms */
    double *rr = malloc(600 * sizeof(double));
    for (int i = 0; i < 600; i++)
        rr[i] = i < 299 ? 1000 : 1100;
    rh_rr_series s;
    series(&s, rr, NULL, 574, 'N'); /* 299 x 1 s + 275 x 1.1 s = 601.5 s */
    rh_hrv_result r;
    assert_int_equal(rh_hrv_compute(&s, 0, s.n, NULL, &r, NULL), RH_OK);
    /* segments counted from the first interval's end (t = 1 s): [1, 301) holds
     * the 299 intervals of 1000 ms and one of 1100 ms, [301, 601) the next 272;
     * the third holds a single interval, too few for an SD, and is left out
     * as get_hrv leaves it out */
    assert_int_equal(r.n_segments, 2);
    assert_true(r.sdann_ms > 0 && r.sdnn_index_ms > 0);
    rh_rr_release(&s);
    free(rr);
}

static void lomb_finds_a_respiratory_peak(void **state)
{
    (void)state;
    /* RR modulated at 0.25 Hz (HF) with amplitude 30 ms: HF power 450 ms^2 */
    rh_rr_series s;
    rh_rr_init(&s);
    double t = 0;
    for (int i = 0; i < 600; i++) {
        double rr = 900 + 30 * sin(2 * PI * 0.25 * t);
        t += rr / 1000;
        rh_rr_append(&s, t, rr, 'N', NULL);
    }
    s.first_label = 'N';
    rh_hrv_opts o = {.welch = true};
    rh_hrv_result r;
    assert_int_equal(rh_hrv_compute(&s, 0, s.n, &o, &r, NULL), RH_OK);
    assert_true(r.lomb.hf_ms2 > 400 && r.lomb.hf_ms2 < 480);
    assert_true(r.lomb.lf_ms2 < 20);
    assert_true(r.lomb.hf_nu > 95);
    assert_true(r.have_welch && r.welch.hf_ms2 > 400 && r.welch.hf_ms2 < 480);
    rh_rr_release(&s);
}

static void dfa_separates_noise_from_random_walk(void **state)
{
    (void)state;
    unsigned seed = 9;
    size_t n = 4000;
    double *w = malloc(n * sizeof(double)), *b = malloc(n * sizeof(double));
    double acc = 0;
    for (size_t i = 0; i < n; i++) {
        double g = 0;
        for (int k = 0; k < 12; k++) {
            seed = seed * 1103515245u + 12345u;
            g += ((seed >> 8) & 0xffffff) / 16777216.0;
        }
        w[i] = g - 6;
        acc += w[i];
        b[i] = acc;
    }
    double a;
    assert_int_equal(rh_hrv_dfa(w, n, 4, 16, &a, NULL), RH_OK);
    assert_true(a > 0.4 && a < 0.6); /* white noise: 0.5 */
    assert_int_equal(rh_hrv_dfa(b, n, 16, 64, &a, NULL), RH_OK);
    assert_true(a > 1.35 && a < 1.65); /* Brownian: 1.5 */
    assert_int_equal(rh_hrv_dfa(w, 7, 4, 16, &a, NULL), RH_OK);
    assert_true(isnan(a));
    /* sample entropy: a regular series is far more predictable than noise */
    double *reg = malloc(n * sizeof(double));
    for (size_t i = 0; i < n; i++)
        reg[i] = sin((double)i * 0.3);
    double se_reg = rh_hrv_sampen(reg, 1000, 2, 0.2 * 0.707);
    double se_noise = rh_hrv_sampen(w, 1000, 2, 0.2);
    assert_true(se_reg < 0.3 && se_noise > 1.5);
    assert_true(isnan(rh_hrv_sampen(w, 3, 2, 0.2)));
    free(w);
    free(b);
    free(reg);
}

static void windows_tile_the_recording(void **state)
{
    (void)state;
    double rr[1000];
    for (int i = 0; i < 1000; i++)
        rr[i] = 750 + (i % 7) * 10;
    rh_rr_series s;
    series(&s, rr, NULL, 1000, 'N');
    rh_hrv_window *w;
    size_t nw;
    /* about 780 s: two whole 300 s windows */
    assert_int_equal(rh_hrv_windows(&s, 300, 0, NULL, &w, &nw, NULL), RH_OK);
    assert_int_equal(nw, 2);
    assert_true(w[1].start_s - w[0].start_s == 300);
    assert_true(w[0].r.n_rr > 350 && w[0].r.n_rr < 420);
    rh_free(w);
    assert_int_equal(rh_hrv_windows(&s, 120, 5, NULL, &w, &nw, NULL), RH_OK);
    assert_true(nw > 120);
    assert_true(!isnan(w[0].r.dfa_alpha1));
    rh_free(w);
    assert_int_equal(rh_hrv_windows(&s, 0, 5, NULL, &w, &nw, NULL), RH_E_INVALID);
    assert_int_equal(rh_hrv_windows(&s, 5000, 0, NULL, &w, &nw, NULL), RH_OK);
    assert_int_equal(nw, 0);
    rh_rr_release(&s);
}

static void toolkit_times_round_to_six_digits(void **state)
{
    (void)state;
    /* a 24-h-long series: times beyond 10^4 s keep one decimal */
    rh_rr_series s;
    rh_rr_init(&s);
    double t = 12345.678;
    for (int i = 0; i < 50; i++) {
        t += 0.8;
        rh_rr_append(&s, t, 800, 'N', NULL);
    }
    s.first_label = 'N';
    rh_hrv_opts o = {.toolkit_times = true};
    rh_hrv_result a, b;
    assert_int_equal(rh_hrv_compute(&s, 0, s.n, &o, &a, NULL), RH_OK);
    assert_int_equal(rh_hrv_compute(&s, 0, s.n, NULL, &b, NULL), RH_OK);
    /* relative times stay below 10^3 s here: both agree */
    assert_true(a.mean_nn_ms == b.mean_nn_ms);
    rh_rr_release(&s);
}

static rh_status fault_hrv(void *ctx)
{
    const rh_rr_series *s = ctx;
    rh_hrv_opts o = {.welch = true};
    rh_hrv_result r;
    rh_status rc = rh_hrv_compute(s, 0, s->n, &o, &r, NULL);
    if (rc != RH_OK)
        return rc;
    rh_hrv_window *w;
    size_t n;
    rc = rh_hrv_windows(s, 60, 30, &o, &w, &n, NULL);
    if (rc == RH_OK)
        rh_free(w);
    return rc;
}

static void survives_allocation_failures(void **state)
{
    (void)state;
    double rr[300];
    for (int i = 0; i < 300; i++)
        rr[i] = 800 + 40 * sin(i * 0.4);
    rh_rr_series s;
    series(&s, rr, NULL, 300, 'N');
    assert_true(rh_test_fault_loop(fault_hrv, &s) > 0);
    rh_rr_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(time_domain_of_a_known_series),
        cmocka_unit_test(only_nn_intervals_count),
        cmocka_unit_test(sdann_uses_five_minute_segments),
        cmocka_unit_test(lomb_finds_a_respiratory_peak),
        cmocka_unit_test(dfa_separates_noise_from_random_walk),
        cmocka_unit_test(windows_tile_the_recording),
        cmocka_unit_test(toolkit_times_round_to_six_digits),
        cmocka_unit_test(survives_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
#include "rh_test.h"

#include "base/alloc.h"
#include "signal/spectrum.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

static double urand(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return ((*s >> 8) & 0xffffff) / 16777216.0;
}

/* Bin k of the plain DFT of the n complex values x. */
static void dft_bin(const double *x, size_t n, size_t k, double *re, double *im)
{
    *re = *im = 0;
    for (size_t j = 0; j < n; j++) {
        double a = -2 * PI * (double)(k * j % n) / (double)n;
        *re += x[2 * j] * cos(a) - x[2 * j + 1] * sin(a);
        *im += x[2 * j] * sin(a) + x[2 * j + 1] * cos(a);
    }
}

static void fft_matches_a_plain_dft(void **state)
{
    (void)state;
    unsigned seed = 5;
    for (size_t n = 1; n <= 2048; n *= 2) {
        double *z = malloc(2 * n * sizeof(double)), *x = malloc(2 * n * sizeof(double));
        for (size_t i = 0; i < 2 * n; i++)
            x[i] = z[i] = urand(&seed) - 0.5;
        assert_int_equal(rh_fft(z, n, NULL), RH_OK);
        for (size_t k = 0; k < n; k += n / 8 + 1) {
            double re, im;
            dft_bin(x, n, k, &re, &im);
            assert_true(fabs(re - z[2 * k]) < 1e-9 && fabs(im - z[2 * k + 1]) < 1e-9);
        }
        free(z);
        free(x);
    }
    double z[6] = {0};
    assert_int_equal(rh_fft(z, 3, NULL), RH_E_INVALID);
}

/* Long transforms reorder their input tile by tile (bit_reverse): a unit
 * impulse at p must give exactly e^{-2 pi i k p / n} in every bin k, and
 * random input must match the plain DFT at bins spread over the range. */
static void long_fft_matches_impulses_and_the_dft(void **state)
{
    (void)state;
    unsigned seed = 11;
    for (size_t n = (size_t)1 << 10; n <= (size_t)1 << 15; n <<= 5) {
        double *z = malloc(2 * n * sizeof(double)), *x = malloc(2 * n * sizeof(double));
        const size_t pos[] = {1, 3, n / 2 + 5, n - 1, 777 % n};
        for (size_t q = 0; q < sizeof(pos) / sizeof(pos[0]); q++) {
            memset(z, 0, 2 * n * sizeof(double));
            z[2 * pos[q]] = 1;
            assert_int_equal(rh_fft(z, n, NULL), RH_OK);
            for (size_t k = 0; k < n; k++) {
                double a = -2 * PI * (double)(k * pos[q] % n) / (double)n;
                if (fabs(z[2 * k] - cos(a)) > 1e-9 || fabs(z[2 * k + 1] - sin(a)) > 1e-9)
                    fail_msg("n %zu impulse at %zu: bin %zu is %g%+gi", n, pos[q], k, z[2 * k],
                             z[2 * k + 1]);
            }
        }
        for (size_t i = 0; i < 2 * n; i++)
            x[i] = z[i] = urand(&seed) - 0.5;
        assert_int_equal(rh_fft(z, n, NULL), RH_OK);
        for (size_t k = 0; k < n; k += n / 61 + 1) {
            double re, im;
            dft_bin(x, n, k, &re, &im);
            assert_true(fabs(re - z[2 * k]) < 1e-8 && fabs(im - z[2 * k + 1]) < 1e-8);
        }
        free(z);
        free(x);
    }
}

/* Direct Lomb power at bin j (the textbook sums). */
static double lomb_direct(const double *t, const double *y, size_t n, double f)
{
    double mean = 0;
    for (size_t i = 0; i < n; i++)
        mean += y[i];
    mean /= (double)n;
    double w = 2 * PI * f, C = 0, S = 0, C2 = 0, S2 = 0;
    for (size_t i = 0; i < n; i++) {
        double a = w * (t[i] - t[0]);
        C += (y[i] - mean) * cos(a);
        S += (y[i] - mean) * sin(a);
        C2 += cos(2 * a);
        S2 += sin(2 * a);
    }
    double hypo = hypot(C2, S2), hc = 0.5 * C2 / hypo, hs = 0.5 * S2 / hypo;
    double cwt = sqrt(0.5 + hc), swt = copysign(sqrt(fmax(0, 0.5 - hc)), hs);
    double den = 0.5 * (double)n + hc * C2 + hs * S2;
    double ct = cwt * C + swt * S, st = cwt * S - swt * C;
    return (ct * ct / den + st * st / ((double)n - den)) / (4.0 * (double)n);
}

static void lomb_equals_direct_summation(void **state)
{
    (void)state;
    unsigned seed = 11;
    size_t n = 600;
    double *t = malloc(n * sizeof(double)), *y = malloc(n * sizeof(double));
    double tt = 0;
    for (size_t i = 0; i < n; i++) {
        tt += 0.6 + 0.5 * urand(&seed);
        t[i] = tt;
        y[i] = 800 + 40 * sin(2 * PI * 0.1 * tt) + 30 * (urand(&seed) - 0.5);
    }
    rh_lomb l;
    assert_int_equal(rh_lomb_compute(t, y, n, 0.5, &l, NULL), RH_OK);
    assert_true(fabs(l.df_hz - 1 / (4 * (t[n - 1] - t[0]))) < 1e-15);
    for (size_t j = 1; j <= l.nbins; j += 7) {
        double want = lomb_direct(t, y, n, (double)j * l.df_hz);
        assert_true(fabs(l.power[j - 1] - want) <= 1e-8 * want + 1e-12);
    }
    /* the 0.1 Hz sine dominates: LF holds most of its variance 40^2/2 */
    double lf = rh_lomb_band(&l, 0.04, 0.15);
    assert_true(lf > 700 && lf < 900);
    rh_lomb_release(&l);
    free(t);
    free(y);
}

static void lomb_bands_use_printed_frequencies(void **state)
{
    (void)state;
    /* span 25 s: df = 0.01 Hz exactly in decimal; bin 4 = 0.04 Hz falls in
     * both VLF (..0.04] and LF [0.04.. as in the toolkit's pwr */
    double t[6] = {0, 5, 10, 15, 20, 25}, y[6] = {1, 3, 2, 5, 4, 1};
    rh_lomb l;
    assert_int_equal(rh_lomb_compute(t, y, 6, 0.4, &l, NULL), RH_OK);
    assert_true(fabs(l.df_hz - 0.01) < 1e-15);
    double vlf = rh_lomb_band(&l, 0, 0.04), lf = rh_lomb_band(&l, 0.04, 0.15);
    double b4 = l.power[3];
    double v3 = l.power[0] + l.power[1] + l.power[2];
    assert_true(fabs(vlf - (v3 + b4)) < 1e-12);
    assert_true(lf >= b4);
    rh_lomb_release(&l);
    double t2[2] = {0, 1};
    assert_int_equal(rh_lomb_compute(t2, y, 2, 0.4, &l, NULL), RH_E_INVALID);
    double back[3] = {0, 2, 1};
    assert_int_equal(rh_lomb_compute(back, y, 3, 0.4, &l, NULL), RH_E_INVALID);
}

static void welch_recovers_sine_power(void **state)
{
    (void)state;
    size_t n = 3000;
    double *t = malloc(n * sizeof(double)), *y = malloc(n * sizeof(double));
    double tt = 0;
    for (size_t i = 0; i < n; i++) {
        tt += 0.8 + 0.1 * sin((double)i * 0.7);
        t[i] = tt;
        y[i] = 1000 + 50 * sin(2 * PI * 0.1 * tt) + 20 * sin(2 * PI * 0.25 * tt);
    }
    rh_welch w;
    assert_int_equal(rh_welch_compute(t, y, n, NULL, &w, NULL), RH_OK);
    assert_int_equal(w.seg_len, 1024);
    assert_true(w.segments >= 15);
    assert_true(fabs(rh_welch_band(&w, 0.04, 0.15) - 1250) < 15);
    assert_true(fabs(rh_welch_band(&w, 0.15, 0.4) - 200) < 5);
    rh_welch_release(&w);
    /* shorter than a segment: one segment of the whole series */
    assert_int_equal(rh_welch_compute(t, y, 100, NULL, &w, NULL), RH_OK);
    assert_int_equal(w.segments, 1);
    rh_welch_release(&w);
    free(t);
    free(y);
}

static void spline_is_exact_on_lines_and_knots(void **state)
{
    (void)state;
    double x[5] = {0, 1, 2.5, 3, 5}, y[5], out[11];
    for (int i = 0; i < 5; i++)
        y[i] = 3 * x[i] - 2;
    assert_int_equal(rh_spline_resample(x, y, 5, 0, 2, 11, out, NULL), RH_OK);
    for (int k = 0; k < 11; k++)
        assert_true(fabs(out[k] - (3 * (k / 2.0) - 2)) < 1e-12);
    double yk[5] = {1, 4, -2, 0, 7}, at[1];
    assert_int_equal(rh_spline_resample(x, yk, 5, 2.5, 1, 1, at, NULL), RH_OK);
    assert_true(fabs(at[0] + 2) < 1e-12);
    double bad[3] = {0, 1, 1};
    assert_int_equal(rh_spline_resample(bad, yk, 3, 0, 1, 1, at, NULL), RH_E_INVALID);
}

static rh_status fault_lomb_welch(void *ctx)
{
    (void)ctx;
    double t[50], y[50];
    for (int i = 0; i < 50; i++) {
        t[i] = i * 0.8;
        y[i] = 800 + 10 * sin(i);
    }
    rh_lomb l;
    rh_status rc = rh_lomb_compute(t, y, 50, 0.4, &l, NULL);
    if (rc != RH_OK)
        return rc;
    rh_lomb_release(&l);
    rh_welch w;
    rc = rh_welch_compute(t, y, 50, NULL, &w, NULL);
    if (rc == RH_OK)
        rh_welch_release(&w);
    return rc;
}

static void survives_allocation_failures(void **state)
{
    (void)state;
    assert_true(rh_test_fault_loop(fault_lomb_welch, NULL) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fft_matches_a_plain_dft),
        cmocka_unit_test(long_fft_matches_impulses_and_the_dft),
        cmocka_unit_test(lomb_equals_direct_summation),
        cmocka_unit_test(lomb_bands_use_printed_frequencies),
        cmocka_unit_test(welch_recovers_sine_power),
        cmocka_unit_test(spline_is_exact_on_lines_and_knots),
        cmocka_unit_test(survives_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT
 *
 * signal/spectrum: power spectra of unevenly sampled series for HRV.
 *
 * Lomb-Scargle periodogram as WFDB's `lomb` defines it (Press & Rybicki,
 * Astrophys J 338:277-280, 1989; Numerical Recipes `fasper`): frequencies
 * j * df, df = 1 / (4 (t_max - t_min)) (oversampling 4), j = 1 .. 2 n (up to
 * twice the mean Nyquist frequency), power per bin (C^2/den + S^2/(n-den)) / (4 n)
 * so that the bins sum to about the variance. The trigonometric sums are
 * computed with a type-1 non-uniform FFT (Gaussian gridding, Greengard & Lee,
 * SIAM Review 46:443-454, 2004) instead of fasper's 4-point Lagrange
 * extirpolation: same quantity, evaluated more accurately (relative error
 * below 1e-9 against direct summation) and only up to the frequency asked for.
 *
 * Welch periodogram of the series resampled at 4 Hz by a natural cubic
 * spline: Hann-windowed segments (default 256 s) with 50 % overlap, each
 * detrended by a least-squares line, one-sided density in unit^2/Hz.
 */
#ifndef RH_SIGNAL_SPECTRUM_H
#define RH_SIGNAL_SPECTRUM_H

#include "base/err.h"

#include <stddef.h>

/* Inputs longer than this are refused (E_LIMIT). */
#define RH_SPECTRUM_MAX_POINTS ((size_t)4 * 1000 * 1000)
/* Welch: resampled series longer than this are refused (46 days at 4 Hz). */
#define RH_WELCH_MAX_SAMPLES   ((size_t)16 * 1000 * 1000)

typedef struct rh_lomb {
    double df_hz;  /* bin spacing */
    size_t nbins;  /* bins 1..nbins at j * df_hz */
    double *power; /* owned; power[j - 1] for bin j, unit^2 */
    double var;    /* sample variance (n - 1) of the input */
    size_t n;      /* points */
} rh_lomb;

/* Lomb periodogram of (t_s[i], y[i]), i < n (t increasing), bins up to
 * min(fmax_hz, 2 n df). `out` needs no initialisation. Fails with: E_INVALID
 * (fewer than 3 points, times not increasing, zero variance), E_LIMIT,
 * E_NOMEM. */
rh_status rh_lomb_compute(const double *t_s, const double *y, size_t n, double fmax_hz,
                          rh_lomb *out, rh_err *err);
void rh_lomb_release(rh_lomb *l);
/* Sum of the bins whose frequency f, printed with 6 significant digits as
 * WFDB's lomb writes it, satisfies lo <= f <= hi (both ends included, as the
 * HRV toolkit's pwr does). */
double rh_lomb_band(const rh_lomb *l, double lo_hz, double hi_hz);

typedef struct rh_welch_opts {
    double fs_hz;     /* resampling rate, 0 = 4 Hz */
    double segment_s; /* 0 = 256 s (shorter series: one segment of the whole length) */
    double overlap;   /* fraction, 0 = 0.5 */
} rh_welch_opts;

typedef struct rh_welch {
    double df_hz;    /* bin spacing: fs / segment length */
    size_t nbins;    /* bins 0..nbins-1 at k * df_hz (one-sided) */
    double *psd;     /* owned; unit^2 / Hz */
    size_t segments; /* averaged */
    size_t seg_len;  /* samples per segment */
    double fs_hz;
} rh_welch;

/* Welch PSD of (t_s[i], y[i]). Fails with: E_INVALID (fewer than 4 points,
 * times not increasing, less than 2 resampled samples), E_LIMIT, E_NOMEM. */
rh_status rh_welch_compute(const double *t_s, const double *y, size_t n, const rh_welch_opts *opts,
                           rh_welch *out, rh_err *err);
void rh_welch_release(rh_welch *w);
/* Integral of the PSD over lo <= f < hi (rectangle rule). */
double rh_welch_band(const rh_welch *w, double lo_hz, double hi_hz);

/* In-place complex FFT (forward, e^{-i}), n a power of two, interleaved
 * re/im. Fails with: E_INVALID (n not a power of two), E_NOMEM. */
rh_status rh_fft(double *z, size_t n, rh_err *err);

/* Natural cubic spline through (x[i], y[i]), evaluated at x0 + k / fs for
 * k < m into out[k]. Fails with: E_INVALID, E_NOMEM. */
rh_status rh_spline_resample(const double *x, const double *y, size_t n, double x0, double fs,
                             size_t m, double *out, rh_err *err);

#endif

/* SPDX-License-Identifier: MIT
 *
 * signal/hrv: heart-rate variability of an RR series, for a whole recording
 * and in sliding windows.
 *
 * Definitions (Task Force of the ESC and NASPE, Circulation 93:1043-1065,
 * 1996) computed the way the PhysioNet HRV Toolkit's get_hrv computes them,
 * so results can be checked against it:
 *  - only NN intervals count (both beats 'N', see signal/rr);
 *  - mean NN, SDNN (n - 1); SDANN and SDNN index over 5-minute segments
 *    counted from the first interval (by the time of each interval's ending
 *    beat), using segments with at least 2 NN intervals;
 *  - successive differences only between adjacent NN intervals (three 'N'
 *    beats in a row): RMSSD, SDSD, NN50 (|diff| > 50 ms); pNN50 divides by
 *    the number of differences (get_hrv); pnn50_tf_pct by the number of NN
 *    intervals (the Task Force's wording);
 *  - Lomb-Scargle spectrum of the NN intervals against their times (see
 *    signal/spectrum), band powers summed over bins with lo <= f <= hi:
 *    ULF 0-0.0033, VLF 0.0033-0.04, LF 0.04-0.15, HF 0.15-0.4 Hz, total
 *    0-0.4 Hz (short-term bands: VLF 0-0.04, no ULF); LF/HF; normalised units
 *    LFnu = 100 LF / (LF + HF), HFnu likewise (= the Task Force's
 *    LF / (total - VLF) with total = ULF + VLF + LF + HF);
 *  - Welch spectrum (optional) of the NN series resampled at 4 Hz, bands
 *    half-open lo <= f < hi.
 * Non-linear measures (not in the project's knowledge notes; definitions
 * from the literature, tagged unverified in the output):
 *  - Poincare SD1, SD2 (Brennan, Palaniswami & Kamen, IEEE TBME
 *    48:1342-1347, 2001): SD of (x[i+1] - x[i]) / sqrt 2 and of
 *    (x[i+1] + x[i]) / sqrt 2 over adjacent NN pairs (n - 1);
 *  - sample entropy (Richman & Moorman, Am J Physiol 278:H2039-H2049, 2000),
 *    m = 2, r = 0.2 SD of the NN series, Chebyshev distance, self-matches
 *    excluded, N - m templates for both lengths;
 *  - detrended fluctuation analysis (Peng et al., Chaos 5:82-87, 1995) of the
 *    NN series: integrated, non-overlapping boxes of n beats from the start,
 *    linear detrending per box, alpha1 = slope of log F(n) on log n for
 *    n = 4..16, alpha2 for n = 16..64 (the Kubios ranges).
 * A metric without data (no NN interval, too few points) is NaN; the JSON
 * writer prints it as null.
 */
#ifndef RH_SIGNAL_HRV_H
#define RH_SIGNAL_HRV_H

#include "base/err.h"
#include "signal/rr.h"
#include "signal/spectrum.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct rh_hrv_opts {
    double segment_s; /* SDANN / SDNN index segments (0 = 300 s) */
    double pnn_ms;    /* pNNx threshold (0 = 50 ms) */
    bool short_term;  /* short-term bands (VLF 0-0.04, no ULF), as get_hrv -s */
    bool welch;       /* also compute the Welch spectrum */
    rh_welch_opts welch_opts;
    bool toolkit_times;  /* round NN times (relative to the first interval) to 6
                            significant digits, as get_hrv's awk prints them */
    bool skip_nonlinear; /* leave SD1/SD2, SampEn and DFA out (NaN) */
    size_t sampen_max_n; /* sample entropy only up to this many NN (0: the default) */
} rh_hrv_opts;

/* Sample entropy is O(n^2): above this many NN it is skipped by default. */
#define RH_HRV_SAMPEN_MAX_N 20000

typedef struct rh_hrv_freq {
    double total_ms2, ulf_ms2, vlf_ms2, lf_ms2, hf_ms2; /* ulf NaN for short-term bands */
    double lf_hf, lf_nu, hf_nu;
    double df_hz;    /* bin spacing */
    size_t points;   /* NN intervals used */
    size_t segments; /* Welch only */
} rh_hrv_freq;

typedef struct rh_hrv_result {
    /* counts */
    size_t n_rr, n_nn, n_diff, n_segments;
    double nn_rr;      /* n_nn / n_rr */
    double duration_s; /* from the first to the last interval's end */
    /* time domain */
    double mean_nn_ms, sdnn_ms, sdann_ms, sdnn_index_ms, rmssd_ms, sdsd_ms;
    double pnn50_pct, pnn50_tf_pct, hr_bpm;
    size_t nn50;
    /* frequency domain */
    rh_hrv_freq lomb;
    rh_hrv_freq welch; /* all NaN unless opts.welch */
    bool have_welch;
    /* non-linear (unverified) */
    double sd1_ms, sd2_ms, sampen, dfa_alpha1, dfa_alpha2;
    bool sampen_skipped; /* more NN than opts.sampen_max_n */
} rh_hrv_result;

/* Fills the defaults of zero fields (what was used, for reports). */
void rh_hrv_opts_resolve(rh_hrv_opts *o);

/* HRV of intervals [from, to) of a series (to = s->n for the whole). Never
 * fails for lack of data: missing metrics are NaN. Fails with: E_INVALID
 * (from > to), E_NOMEM, E_LIMIT. */
rh_status rh_hrv_compute(const rh_rr_series *s, size_t from, size_t to, const rh_hrv_opts *opts,
                         rh_hrv_result *out, rh_err *err);

typedef struct rh_hrv_window {
    double start_s, end_s; /* window on the series' time axis, [start, end) */
    rh_hrv_result r;
} rh_hrv_window;

/* Sliding windows of window_s every step_s (0 = window_s), from the first
 * interval's ending time; an interval belongs to the window of its ending
 * beat. Returns an rh_malloc'd array (free with rh_free). Fails with:
 * E_INVALID (window_s <= 0, step_s < 0), E_LIMIT (more than 1e6 windows),
 * E_NOMEM. */
rh_status rh_hrv_windows(const rh_rr_series *s, double window_s, double step_s,
                         const rh_hrv_opts *opts, rh_hrv_window **out, size_t *n, rh_err *err);

/* Sample entropy of x[0..n) with template length m and tolerance r; NaN when
 * undefined (no match of length m + 1, or n <= m + 1). */
double rh_hrv_sampen(const double *x, size_t n, int m, double r);
/* DFA scaling exponent of x[0..n) over box sizes lo..hi beats (NaN when
 * fewer than 2 box sizes have at least one box). Fails with: E_NOMEM. */
rh_status rh_hrv_dfa(const double *x, size_t n, int lo, int hi, double *alpha, rh_err *err);

#endif

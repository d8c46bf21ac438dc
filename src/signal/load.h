/* SPDX-License-Identifier: MIT
 *
 * signal/load: exercise dose from heart rate and perceived exertion: time in a
 * prescribed HR range, zone tables (%HRmax, %HRR), Banister and Edwards TRIMP,
 * session-RPE load, weekly monotony/strain and the acute:chronic workload
 * ratio (rolling coupled/uncoupled and EWMA).
 *
 * Formulas and worked examples: ../shared/knowledge/exercise-standards.md
 * sections 2.1, 3.10-3.12 (citations there: Banister 1991, Edwards 1993,
 * Foster et al. 2001, Hulin/Gabbett, Williams et al. 2017, Garber et al. 2011).
 * Conventions fixed here (the note asks the software to state them):
 *  - SD is the sample SD (n - 1) for monotony;
 *  - EWMA starts at the first day's load, lambda = 2 / (N + 1) with N = 7 and 28;
 *  - zones are half-open on the continuous value, [lo, hi), the top zone
 *    includes everything above its lower edge;
 *  - the prescribed target range of rh_load_zone_time is closed, [lo, hi];
 *  - Banister's HR ratio x is clamped to [0, 1] when applied sample by sample
 *    (a beat below rest adds nothing, above HRmax counts as HRmax).
 * Every function is pure and allocation-free; thread-safe.
 */
#ifndef RH_SIGNAL_LOAD_H
#define RH_SIGNAL_LOAD_H

#include "base/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A heart-rate series, borrowed from the caller. Either uniform (t_s NULL:
 * sample i covers dt_s seconds, e.g. a 1 Hz series with dt_s = 1) or
 * timestamped (t_s strictly increasing: sample i covers the step to the next
 * sample when that step is at most max_gap_s, otherwise, like the last sample,
 * dt_s seconds; the rest of a longer step is a gap). A sample is missing when
 * its HR is not finite, is <= 0, or valid[i] == 0. */
typedef struct rh_hr_series {
    const double *hr_bpm; /* n values, bpm */
    const double *t_s;    /* n times, s, or NULL for a uniform series */
    const uint8_t *valid; /* optional mask, NULL = judge by the value only */
    size_t n;             /* samples */
    double dt_s;          /* nominal sample period, s (0 = 1 s) */
    double max_gap_s;     /* timestamped: longest step that is not a gap (0 = 5 s) */
} rh_hr_series;

/* Time spent below, inside and above a prescribed closed range [lo, hi] bpm. */
typedef struct rh_zone_time {
    double below_s, in_s, above_s; /* valid time in each part, s */
    double missing_s;              /* missing samples and gaps, s */
} rh_zone_time;

/* Summary of a series. */
typedef struct rh_hr_summary {
    double valid_s, missing_s; /* covered time, s */
    double mean_bpm;           /* time-weighted mean of valid samples; NaN if none */
    double max_bpm, min_bpm;   /* over valid samples; NaN if none */
} rh_hr_summary;

enum rh_sex { RH_SEX_MALE = 1, RH_SEX_FEMALE = 2 };

/* Banister constants (exercise-standards.md 3.10): men 0.64 e^(1.92 x),
 * women 0.86 e^(1.67 x). */
#define RH_BANISTER_MALE_A   0.64
#define RH_BANISTER_MALE_B   1.92
#define RH_BANISTER_FEMALE_A 0.86
#define RH_BANISTER_FEMALE_B 1.67

/* ACSM intensity bands (Garber et al. 2011; exercise-standards.md 2.1) as
 * lower zone edges: very light < 30 <= light < 40 <= moderate < 60 <= vigorous
 * < 90 <= near-maximal (%HRR), and 57/64/77/96 for %HRmax. */
extern const double rh_load_acsm_hrr_edges_pct[4];
extern const double rh_load_acsm_hrmax_edges_pct[4];
/* Edwards (1993) zone edges, %HRmax: 50, 60, 70, 80, 90 (weights 1..5). */
extern const double rh_load_edwards_edges_pct[5];

/* Checks a series (lengths, increasing times, positive periods).
 * Fails with: E_INVALID. */
rh_status rh_hr_series_check(const rh_hr_series *hr, rh_err *err);

/* Covered time, mean, min and max. Fails with: E_INVALID. */
rh_status rh_load_hr_summary(const rh_hr_series *hr, rh_hr_summary *out, rh_err *err);

/* Time below / in / above the closed target range [lo_bpm, hi_bpm].
 * Fails with: E_INVALID (bad series, lo > hi, non-finite bounds). */
rh_status rh_load_zone_time(const rh_hr_series *hr, double lo_bpm, double hi_bpm, rh_zone_time *out,
                            rh_err *err);

/* Time in zones delimited by `n_edges` increasing edges (bpm): zone 0 is below
 * edges[0], zone k is [edges[k-1], edges[k]), zone n_edges is >= the last edge.
 * Writes n_edges + 1 values to zone_s and the missing time to *missing_s
 * (may be NULL). Fails with: E_INVALID (bad series, edges not increasing). */
rh_status rh_load_zones(const rh_hr_series *hr, const double *edges_bpm, size_t n_edges,
                        double *zone_s, double *missing_s, rh_err *err);

/* Zone edges in bpm from percentages: of HRmax (pct/100 * hrmax), or of the
 * heart-rate reserve (Karvonen: rest + pct/100 * (max - rest)).
 * Fails with: E_INVALID (non-finite inputs, hrmax <= 0 or <= hrrest). */
rh_status rh_load_edges_hrmax(const double *pct, size_t n, double hrmax_bpm, double *edges_bpm,
                              rh_err *err);
rh_status rh_load_edges_hrr(const double *pct, size_t n, double hrrest_bpm, double hrmax_bpm,
                            double *edges_bpm, rh_err *err);

/* Banister TRIMP from session values: duration_min * x * a * e^(b x) with
 * x = (hr_avg - rest) / (max - rest) (not clamped: this is the formula as
 * published). Fails with: E_INVALID (max <= rest, negative duration,
 * unknown sex, non-finite input). */
rh_status rh_load_banister_trimp(double duration_min, double hr_avg_bpm, double hr_rest_bpm,
                                 double hr_max_bpm, enum rh_sex sex, double *trimp, rh_err *err);

/* Banister TRIMP summed sample by sample over a series (x clamped to [0, 1],
 * missing samples add nothing). Fails with: as above, plus a bad series. */
rh_status rh_load_banister_trimp_series(const rh_hr_series *hr, double hr_rest_bpm,
                                        double hr_max_bpm, enum rh_sex sex, double *trimp,
                                        rh_err *err);

/* Edwards summated-zone TRIMP from minutes in the five zones 50-60, 60-70,
 * 70-80, 80-90, 90-100 % HRmax (weights 1..5). Fails with: E_INVALID (negative
 * or non-finite minutes). */
rh_status rh_load_edwards_trimp(const double minutes[5], double *trimp, rh_err *err);

/* Edwards TRIMP of a series: minutes in the zones above (time >= 100 % HRmax
 * counts in zone 5, below 50 % in none), optionally returned in minutes[5].
 * Fails with: E_INVALID. */
rh_status rh_load_edwards_trimp_series(const rh_hr_series *hr, double hr_max_bpm, double *trimp,
                                       double minutes[5], rh_err *err);

/* Session-RPE load (Foster 2001): CR10 RPE (0..10) * duration (min), AU.
 * Fails with: E_RANGE (rpe outside 0..10, negative duration). */
rh_status rh_load_srpe(double rpe_cr10, double duration_min, double *load_au, rh_err *err);

/* One week of daily loads (rest days 0). */
typedef struct rh_week_load {
    double total;    /* sum of the 7 days */
    double mean;     /* total / 7 */
    double sd;       /* sample SD (n - 1) */
    double monotony; /* mean / sd; NaN when sd is 0 (undefined) */
    double strain;   /* total * monotony; NaN when monotony is */
} rh_week_load;

/* Fails with: E_INVALID (negative or non-finite load). */
rh_status rh_load_week(const double daily[7], rh_week_load *out, rh_err *err);

/* Acute:chronic workload ratio on the last day of a daily series. */
typedef struct rh_acwr {
    double acute;             /* mean of the last 7 days */
    double chronic_coupled;   /* mean of the last 28 days */
    double chronic_uncoupled; /* mean of days 8..28 back (21 days) */
    double ratio_coupled;     /* acute / chronic_coupled (NaN if chronic 0) */
    double ratio_uncoupled;   /* acute / chronic_uncoupled */
    double ewma_acute;        /* EWMA, lambda 2/8, started at day 1's load */
    double ewma_chronic;      /* EWMA, lambda 2/29 */
    double ratio_ewma;        /* ewma_acute / ewma_chronic */
} rh_acwr;

/* `daily` holds n_days >= 28 loads, oldest first (rest days 0). Rolling values
 * use the last 28 days; the EWMA runs over the whole series.
 * Fails with: E_INVALID (fewer than 28 days, negative or non-finite load). */
rh_status rh_load_acwr(const double *daily, size_t n_days, rh_acwr *out, rh_err *err);

#endif

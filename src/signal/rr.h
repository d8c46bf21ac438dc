/* SPDX-License-Identifier: MIT
 *
 * signal/rr: RR-interval series, the common currency between beat sources
 * (detected R peaks, WFDB annotations, RR text files, wearables) and HRV.
 *
 * A series is a list of intervals. Interval i ends at the beat at time t_s[i]
 * (seconds from the start of the recording) and lasts rr_ms[i]; label[i] is the
 * label of that ending beat ('N' normal, 'V', 'A', ... as WFDB mnemonics).
 * The beat that starts interval 0 has label `first_label` (0 when unknown, as
 * in the PhysioNet HRV toolkit's rrlist output). An interval is N-to-N ("NN")
 * only when both of its beats are labelled 'N' (rh_rr_is_nn). Sources without
 * beat labels (plain RR text, detected beats) label every beat 'N' and set
 * `labelled` false, so every interval counts as NN.
 *
 * Beyond the list itself the module builds series from beats and from labelled
 * annotations (exactly as the toolkit's rrlist selects them), and detects and
 * corrects artefacts and ectopic beats (Lipponen & Tarvainen 2019), see below.
 */
#ifndef RH_SIGNAL_RR_H
#define RH_SIGNAL_RR_H

#include "base/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Hard cap on the number of intervals one series may hold (about 90 days of
 * continuous beats at 80 /min); inputs larger than this fail with E_LIMIT. */
#define RH_RR_MAX_INTERVALS ((size_t)10 * 1000 * 1000)

typedef struct rh_rr_series {
    double *t_s;      /* owned; time of the beat ending interval i, s */
    double *rr_ms;    /* owned; interval i, ms */
    char *label;      /* owned; label of the beat ending interval i */
    size_t n;         /* intervals held */
    size_t cap;       /* intervals allocated */
    char first_label; /* label of the beat starting interval 0; 0 = unknown */
    bool labelled;    /* labels come from the source (false: all taken as 'N') */
} rh_rr_series;

/* Initialises an empty series (no allocation). */
void rh_rr_init(rh_rr_series *s);
/* Frees the arrays; the series is empty and reusable afterwards. */
void rh_rr_release(rh_rr_series *s);
/* Makes room for `n` intervals in total. Fails with: E_NOMEM, E_LIMIT (n above
 * RH_RR_MAX_INTERVALS). */
rh_status rh_rr_reserve(rh_rr_series *s, size_t n, rh_err *err);
/* Appends one interval (grows geometrically). Fails with: E_NOMEM, E_LIMIT. */
rh_status rh_rr_append(rh_rr_series *s, double t_s, double rr_ms, char label, rh_err *err);
/* Whether interval i is N-to-N: its ending beat and the beat before are 'N'.
 * Interval 0 uses `first_label`. */
bool rh_rr_is_nn(const rh_rr_series *s, size_t i);
/* Number of NN intervals. */
size_t rh_rr_count_nn(const rh_rr_series *s);
/* Whether intervals i-1 and i are adjacent: interval i starts at the beat
 * that ends interval i-1 (t_s[i] - t_s[i-1] matches rr_ms[i] within 2 ms or
 * 2 %), so their difference is a successive difference. */
bool rh_rr_adjacent(const rh_rr_series *s, size_t i);

/* Series from detected beats (sample indices, increasing): one interval per
 * beat after the first, t_s = sample / fs, rr exact in ms, unlabelled (every
 * interval NN). `out` is replaced. Fails with: E_INVALID (fs <= 0, beats not
 * increasing), E_NOMEM, E_LIMIT. */
rh_status rh_rr_from_beats(const int64_t *samples, size_t n, double fs_hz, rh_rr_series *out,
                           rh_err *err);

/* Series from labelled beats exactly as the PhysioNet HRV toolkit's rrlist
 * lists them (rrlist ann rec -s): one interval per beat after the first, its
 * time and length each rounded to the millisecond as printf("%.3f") rounds
 * the value in seconds, the label of the ending beat (labels[i] for beat i),
 * the starting label of the first interval unknown, so the first interval is
 * never NN. Fails with: as rh_rr_from_beats. */
rh_status rh_rr_from_labelled_beats(const int64_t *samples, const char *labels, size_t n,
                                    double fs_hz, rh_rr_series *out, rh_err *err);

/* ---- artefact and ectopic-beat detection and correction ----
 *
 * Lipponen & Tarvainen, J Med Eng Technol 43:173-181, 2019 (the Kubios
 * automatic correction), with the constants of exercise-standards.md 4.4:
 * dRR = successive differences of the intervals, normalised by
 * Th1 = 5.2 x the quartile deviation (Q3 - Q1) / 2 of |dRR| over 91 beats
 * centred on each beat; mRR = interval minus the median of 11 intervals
 * (negative values doubled), normalised by Th2 = 5.2 x the quartile deviation
 * of |mRR| over 91 beats. A beat is suspect when |dRR| > 1; it is ectopic when
 * its neighbours' dRR (S12) satisfy S12 < -0.13 dRR - 0.17 (dRR > 1) or
 * S12 > -0.13 dRR + 0.17 (dRR < -1); otherwise long or short when
 * (dRR > 1 and S22 < -1), (dRR < -1 and S22 > 1) or |mRR| > 3, and then a
 * missed beat when |RR/2 - medRR| < Th2 (and long), an extra beat when
 * |RR + RRnext - medRR| < Th2 (and short). Quartiles interpolate linearly
 * between order statistics.
 * Correction: an extra beat is removed (two intervals merge), a missed beat is
 * inserted in the middle of its interval, an ectopic or misplaced beat is
 * moved to the middle of its neighbours; detection and correction repeat
 * until the number of artefacts stops falling (at most 10 rounds). */

enum rh_rr_artefact {
    RH_RR_NORMAL = 0,
    RH_RR_ECTOPIC,
    RH_RR_MISSED,
    RH_RR_EXTRA,
    RH_RR_LONGSHORT,
};

typedef struct rh_rr_fix {
    double t_s;    /* time of the beat the fix moves or removes (before the fix),
                      or where a missed beat is inserted */
    size_t index;  /* the flagged interval's index in the series of that round */
    uint8_t kind;  /* enum rh_rr_artefact */
    uint8_t round; /* correction round, from 1 (round 1 indexes the input) */
} rh_rr_fix;

typedef struct rh_rr_correction {
    size_t ectopic, missed, extra, longshort; /* fixes by kind, all rounds */
    size_t beats;                             /* beats of the input (intervals + 1) */
    size_t distinct;      /* beats corrected (a beat fixed in two rounds counts once) */
    double corrected_pct; /* 100 x distinct / beats */
    int rounds;
    rh_rr_fix *fixes; /* owned (rh_free); in time order per round */
    size_t n_fixes;
} rh_rr_correction;

/* Name of an artefact kind: "ectopic", "missed", "extra", "long_short". */
const char *rh_rr_artefact_name(int kind);

/* One detection pass: kind[i] for each interval i (n intervals). Series with
 * fewer than 4 intervals are all normal. Fails with: E_NOMEM. */
rh_status rh_rr_detect_artefacts(const rh_rr_series *s, uint8_t *kind, rh_err *err);

/* Corrected copy of `in` (labels are dropped: every corrected beat counts as
 * normal) and a report. Fails with: E_NOMEM, E_LIMIT. */
rh_status rh_rr_correct(const rh_rr_series *in, rh_rr_series *out, rh_rr_correction *report,
                        rh_err *err);
void rh_rr_correction_release(rh_rr_correction *c);

#endif

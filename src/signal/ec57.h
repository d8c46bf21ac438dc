/* SPDX-License-Identifier: MIT
 *
 * signal/ec57: beat-by-beat comparison of a test beat list with reference
 * beats as ANSI/AAMI EC57 (and EC38) define it, the way PhysioNet's `bxb`
 * implements it (Moody; the matching rules below were re-derived from the
 * standard's description and bxb's documented behaviour):
 *  - a test beat matches a reference beat when they are at most the match
 *    window apart (150 ms, rounded to samples as WFDB's strtim does) and no
 *    other beat of the other list is closer;
 *  - scoring starts after the learning period (5 min) and runs to the end
 *    of the record (or the last beat when the length is unknown);
 *  - reference beats inside ventricular flutter/fibrillation episodes are
 *    not scored, and unmatched test beats inside them are not false
 *    positives;
 *  - every reference QRS counts (N, S, V, F and Q classes, paced beats as Q).
 * Results: TP, FN, FP, QRS sensitivity Se = TP / (TP + FN) and positive
 * predictivity +P = TP / (TP + FP), per record and summed (gross).
 */
#ifndef RH_SIGNAL_EC57_H
#define RH_SIGNAL_EC57_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

/* AAMI beat classes of reference beats. */
enum rh_ec57_class { RH_EC57_N, RH_EC57_S, RH_EC57_V, RH_EC57_F, RH_EC57_Q, RH_EC57_NCLASS };

typedef struct rh_ec57_ref {
    int64_t sample; /* reference beat time, samples */
    uint8_t aami;   /* enum rh_ec57_class */
} rh_ec57_ref;

/* An excluded episode [from, to], samples, inclusive. */
typedef struct rh_ec57_span {
    int64_t from, to;
} rh_ec57_span;

typedef struct rh_ec57_opts {
    double fs_hz;       /* sampling frequency of both lists (required) */
    double window_s;    /* match window, 0 = 0.15 s */
    double start_s;     /* learning period, 0 = 300 s; < 0 = start at 0 */
    int64_t end_sample; /* last sample scored, 0 = the later of the lists' ends */
} rh_ec57_opts;

typedef struct rh_ec57_result {
    int64_t tp, fn, fp;                  /* QRS detection counts */
    int64_t tp_by_class[RH_EC57_NCLASS]; /* matched reference beats per class */
    int64_t fn_by_class[RH_EC57_NCLASS]; /* missed reference beats per class */
    int64_t test_in_excluded;            /* unmatched test beats in VF, not counted */
    double se_pct, ppv_pct;              /* 100 TP/(TP+FN), 100 TP/(TP+FP); NaN if 0/0 */
    int64_t window_samples, start_sample, end_sample; /* parameters used */
} rh_ec57_result;

/* Compares sorted beat lists. ref/test hold times in samples in
 * non-decreasing order; spans are excluded episodes (any order).
 * Fails with: E_INVALID (unsorted lists, fs <= 0, bad class). */
rh_status rh_ec57_compare(const rh_ec57_ref *ref, size_t nref, const int64_t *test, size_t ntest,
                          const rh_ec57_span *spans, size_t nspans, const rh_ec57_opts *opts,
                          rh_ec57_result *out, rh_err *err);

/* Adds a record's counts into a gross total (parameters are not summed) and
 * recomputes the total's percentages. Start from a zeroed result. */
void rh_ec57_accumulate(rh_ec57_result *gross, const rh_ec57_result *rec);

/* Letter of a class: 'N', 'S', 'V', 'F', 'Q'. */
char rh_ec57_class_letter(int c);

#endif

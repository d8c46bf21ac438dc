/* SPDX-License-Identifier: MIT
 *
 * formats/ecgrec: R-peak detection on a whole WFDB record, streaming the
 * signal file through the detector (signal/qrs) in fixed-size chunks, so a
 * 24-hour record needs no more memory than a 30-minute one.
 */
#ifndef RH_FORMATS_ECGREC_H
#define RH_FORMATS_ECGREC_H

#include "base/err.h"
#include "formats/wfdb.h"

#include <stddef.h>
#include <stdint.h>

typedef struct rh_ecgrec_opts {
    int signal; /* primary lead: signal number, or -1 (default) = the "MLII"
                   signal if there is one, else signal 0 */
    int nleads; /* 1 = primary lead only; 2 = primary plus the next other
                   signal (0 = 2 when the record has two or more signals) */
} rh_ecgrec_opts;

typedef struct rh_ecgrec_result {
    int64_t *peaks; /* owned (rh_free); R-peak sample indices, increasing */
    size_t n;
    double fs_hz;
    int64_t nsamples; /* frames read */
    int signal;       /* primary lead used */
    int signal2;      /* second lead, -1 if none */
    int nleads;
    int64_t invalid[2]; /* invalid-sample markers seen in the leads used */
} rh_ecgrec_result;

void rh_ecgrec_result_release(rh_ecgrec_result *r);

/* Reads record `record` (path without ".hea") and detects its R peaks.
 * `out` needs no initialisation; release it. opts may be NULL.
 * Fails with: E_IO, E_PARSE, E_UNSUPPORTED, E_CORRUPT (checksum, short file),
 * E_RANGE (signal number outside the record, sampling frequency outside
 * 125-1000 Hz), E_INVALID (no signals), E_NOMEM, E_LIMIT. */
rh_status rh_ecgrec_detect(const char *record, const rh_ecgrec_opts *opts, rh_ecgrec_result *out,
                           rh_err *err);

/* The same on an already parsed header and a directory. */
rh_status rh_ecgrec_detect_header(const rh_wfdb_header *h, const char *dir,
                                  const rh_ecgrec_opts *opts, rh_ecgrec_result *out, rh_err *err);

#endif

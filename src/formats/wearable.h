/* SPDX-License-Identifier: MIT
 *
 * formats/wearable: one entry point that reads any supported wearable file
 * into an rh_activity, choosing the reader from the bytes (never from the
 * file name): a FIT header, an XML document (TCX/GPX by its root element),
 * a CSV heart-rate header; any other text is read as RR-interval text
 * (formats/rrtext: one interval per line, Kubios-style headers), which
 * becomes beat samples (elapsed time, instantaneous HR 60000 / RR) and
 * rr_ms. Binary input that is none of these goes to the FIT decoder, which
 * refuses it as NOT_FIT.
 */
#ifndef RH_FORMATS_WEARABLE_H
#define RH_FORMATS_WEARABLE_H

#include "base/err.h"
#include "formats/fit.h"
#include "signal/activity.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum rh_wearable_kind {
    RH_WEARABLE_UNKNOWN = 0, /* text in no known shape */
    RH_WEARABLE_FIT,         /* FIT header, or binary (refused by the FIT decoder) */
    RH_WEARABLE_XML,         /* TCX or GPX */
    RH_WEARABLE_CSV,         /* CSV heart-rate series */
    RH_WEARABLE_RR,          /* RR-interval text (formats/rrtext) */
} rh_wearable_kind;

typedef struct rh_wearable_opts {
    bool salvage; /* FIT: keep the valid prefix of a damaged file */
    bool hash;    /* FIT: compute the SHA-256 (the text readers always do) */
} rh_wearable_opts;

/* Decides the reader from the first bytes of a file. */
rh_wearable_kind rh_wearable_detect(const void *head, size_t len);

/* Reads `path` ("-" = standard input, read whole up to 256 MiB) into `act`
 * (initialised by the caller; released on failure). For FIT input `fit_rep`
 * (may be NULL) receives the decoder's report; *kind (may be NULL) the
 * reader used. Fails with: whatever the chosen reader fails with; E_INVALID
 * for text in no known shape. */
rh_status rh_wearable_read(const char *path, const rh_wearable_opts *opts, rh_activity *act,
                           rh_fit_report *fit_rep, rh_wearable_kind *kind, rh_err *err);

/* Checks `path` without building an activity when the format allows it (FIT:
 * the decoder runs with no sink, in bounded memory). *partial tells whether
 * a salvage kept only a prefix, and `problem` (cap bytes) why.
 * Fails with: as rh_wearable_read. */
rh_status rh_wearable_check(const char *path, const rh_wearable_opts *opts, rh_fit_report *fit_rep,
                            rh_wearable_kind *kind, bool *partial, char *problem, size_t cap,
                            rh_err *err);

#endif

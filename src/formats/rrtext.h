/* SPDX-License-Identifier: MIT
 *
 * formats/rrtext: RR-interval text files (Kubios, Polar, Elite HRV, PhysioNet
 * rrlist exports) read into an rh_rr_series.
 *
 * Accepted shapes, one interval per line, columns separated by spaces, tabs,
 * commas or semicolons (all data lines must have the same shape):
 *   RR                 one column (times are the running sum of the intervals)
 *   TIME RR            time of the beat ending the interval, then the interval
 *   RR LABEL           PhysioNet `rrlist` without -s
 *   TIME RR LABEL      PhysioNet `rrlist -s` (as get_hrv reads it)
 * RR is in seconds or milliseconds: a unit named in a header line ("ms",
 * "msec", "milliseconds", "(s)", "sec", "seconds") or forced by the caller wins,
 * otherwise the median interval decides (<= 5 -> s, >= 100 -> ms, in between
 * is refused as ambiguous). TIME is seconds, milliseconds (told apart by its
 * steps against the intervals) or a clock "[[hh:]mm:]ss[.fff]". LABEL is a
 * beat mnemonic ('N', 'V', ...; up to 8 characters; only the first is kept):
 * labelled files select N-to-N intervals as the HRV toolkit does and the first
 * interval's starting beat is unknown. Unlabelled files treat every beat as
 * normal.
 * Lines before the first data line that are not numbers are header lines
 * (Kubios and device exports); blank lines and lines starting with '#', '%' or
 * "//" are comments anywhere. Any other non-numeric line after the data has
 * started is an error naming file:line.
 */
#ifndef RH_FORMATS_RRTEXT_H
#define RH_FORMATS_RRTEXT_H

#include "base/err.h"
#include "signal/rr.h"

#include <stdbool.h>
#include <stddef.h>

/* Input larger than this is refused (E_LIMIT) by rh_rrtext_read. */
#define RH_RRTEXT_MAX_BYTES ((size_t)512 * 1024 * 1024)
/* Largest accepted interval (a pause longer than a minute is not a beat). */
#define RH_RRTEXT_MAX_RR_MS 60000.0

enum rh_rr_unit {
    RH_RR_UNIT_AUTO = 0, /* opts: detect; info: never reported */
    RH_RR_UNIT_S,
    RH_RR_UNIT_MS,
};

enum rh_rr_unit_source {
    RH_RR_UNIT_FROM_VALUES = 0, /* median interval */
    RH_RR_UNIT_FROM_HEADER,     /* a header line named it */
    RH_RR_UNIT_FORCED,          /* the caller said so */
};

typedef struct rh_rrtext_opts {
    enum rh_rr_unit unit; /* RH_RR_UNIT_AUTO (0) = detect */
} rh_rrtext_opts;

/* What the reader found, for reports ("RR in ms, detected from the values"). */
typedef struct rh_rrtext_info {
    enum rh_rr_unit unit;          /* unit of the RR column as read */
    enum rh_rr_unit_source source; /* how the unit was decided */
    enum rh_rr_unit time_unit;     /* unit of the TIME column (S for clock times) */
    bool has_time;                 /* a TIME column was present */
    bool has_labels;               /* a LABEL column was present */
    bool clock_time;               /* TIME was written as [[hh:]mm:]ss */
    size_t data_lines;             /* intervals read */
    size_t header_lines;           /* non-numeric lines before the data */
    size_t comment_lines;          /* comment and blank lines */
} rh_rrtext_info;

/* Name of a unit for reports: "s", "ms" ("auto" for RH_RR_UNIT_AUTO). */
const char *rh_rr_unit_name(enum rh_rr_unit u);
/* Name of a unit source: "values", "header", "forced". */
const char *rh_rr_unit_source_name(enum rh_rr_unit_source s);

/* Parses `len` bytes of text (need not be NUL-terminated) into `out` (an
 * initialised, empty series; replaced on success, left empty on failure).
 * `source` names the input in errors (file name); opts and info may be NULL.
 * Fails with: E_PARSE (malformed line; err has source:line:column), E_RANGE
 * (interval <= 0, above RH_RRTEXT_MAX_RR_MS, or time not increasing),
 * E_INVALID (no intervals, ambiguous or contradictory unit, time column that
 * matches neither s nor ms), E_LIMIT, E_NOMEM. */
rh_status rh_rrtext_parse(const char *text, size_t len, const char *source,
                          const rh_rrtext_opts *opts, rh_rr_series *out, rh_rrtext_info *info,
                          rh_err *err);

/* Reads the file at `path` ("-" = standard input) and parses it as above.
 * Fails with: E_IO, E_LIMIT (larger than RH_RRTEXT_MAX_BYTES), and the
 * failures of rh_rrtext_parse. */
rh_status rh_rrtext_read(const char *path, const rh_rrtext_opts *opts, rh_rr_series *out,
                         rh_rrtext_info *info, rh_err *err);

#endif

/* SPDX-License-Identifier: MIT
 *
 * base/jw: a streaming JSON writer into an rh_buf (netdata buffer_json style).
 *
 * Output is deterministic: keys come out in the order written, doubles in the
 * shortest form that reads back to the same value, non-finite doubles as null.
 * Errors are sticky: after the first failure every call is a no-op and
 * rh_jw_finish() returns the failure, so writers need not check each call.
 * Strings are escaped; invalid UTF-8 bytes are written as U+FFFD.
 */
#ifndef RH_BASE_JW_H
#define RH_BASE_JW_H

#include "base/buf.h"
#include "base/err.h"

#include <stdbool.h>
#include <stdint.h>

#define RH_JW_MAX_DEPTH 64

enum rh_jw_flags {
    RH_JW_PRETTY = 1 << 0, /* two-space indentation, one member per line */
};

typedef struct rh_jw {
    rh_buf *out; /* borrowed */
    unsigned flags;
    int depth;
    bool first[RH_JW_MAX_DEPTH];   /* next element is the first of its container */
    bool inline_[RH_JW_MAX_DEPTH]; /* container printed on one line */
    bool after_key;
    rh_status status;
} rh_jw;

void rh_jw_init(rh_jw *w, rh_buf *out, unsigned flags);

void rh_jw_obj_begin(rh_jw *w);
void rh_jw_obj_end(rh_jw *w);
void rh_jw_arr_begin(rh_jw *w);
/* An array whose elements stay on one line even in pretty mode (number series). */
void rh_jw_arr_begin_inline(rh_jw *w);
void rh_jw_arr_end(rh_jw *w);

void rh_jw_key(rh_jw *w, const char *key);
void rh_jw_str(rh_jw *w, const char *s); /* NULL writes null */
void rh_jw_strn(rh_jw *w, const char *s, size_t n);
void rh_jw_int(rh_jw *w, int64_t v);
void rh_jw_uint(rh_jw *w, uint64_t v);
void rh_jw_double(rh_jw *w, double v);
/* Fixed number of decimals (display values, e.g. BPI 5.50); non-finite -> null. */
void rh_jw_fixed(rh_jw *w, double v, int decimals);
void rh_jw_bool(rh_jw *w, bool v);
void rh_jw_null(rh_jw *w);
/* Inserts already-serialised JSON verbatim (caller guarantees validity). */
void rh_jw_raw(rh_jw *w, const char *json);

/* Key + value shorthands. */
void rh_jw_kstr(rh_jw *w, const char *key, const char *s);
void rh_jw_kint(rh_jw *w, const char *key, int64_t v);
void rh_jw_kdouble(rh_jw *w, const char *key, double v);
void rh_jw_kfixed(rh_jw *w, const char *key, double v, int decimals);
void rh_jw_kbool(rh_jw *w, const char *key, bool v);
void rh_jw_knull(rh_jw *w, const char *key);
/* `key` and an inline array of the n strings `s` (ids, codes). */
void rh_jw_kstrs(rh_jw *w, const char *key, const char *const *s, size_t n);

/* Ends the document (adds a newline in pretty mode). Fails with: E_NOMEM,
 * E_LIMIT, E_INTERNAL (unbalanced containers). */
rh_status rh_jw_finish(rh_jw *w);

/* Shortest decimal text that reads back as `v` (no exponent for ordinary
 * magnitudes); writes "null" for non-finite values. `out` needs 32 bytes. */
void rh_fmt_double(double v, char *out, size_t cap);

#endif

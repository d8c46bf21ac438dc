/* SPDX-License-Identifier: MIT
 *
 * base/err: status codes and the error object every fallible function fills.
 *
 * Functions return an rh_status and take an optional rh_err * for detail. The
 * first error recorded wins, so the root cause survives the unwinding. Filling
 * an error never allocates: messages live in fixed buffers.
 */
#ifndef RH_BASE_ERR_H
#define RH_BASE_ERR_H

#include <stddef.h>
#include <stdint.h>

/* Closed set of outcomes; names, exit codes and default texts come from one table. */
#define RH_STATUS_MAP(X)                           \
    X(OK, "ok")                                    \
    X(E_NOMEM, "out of memory")                    \
    X(E_IO, "input/output error")                  \
    X(E_PARSE, "malformed input")                  \
    X(E_RANGE, "value outside the accepted range") \
    X(E_INVALID, "invalid input")                  \
    X(E_NOTFOUND, "not found")                     \
    X(E_CORRUPT, "damaged data")                   \
    X(E_UNSUPPORTED, "unsupported")                \
    X(E_USAGE, "wrong usage")                      \
    X(E_LIMIT, "size limit exceeded")              \
    X(E_INTERNAL, "internal error")

typedef enum rh_status {
#define RH_STATUS_ENUM(name, text) RH_##name,
    RH_STATUS_MAP(RH_STATUS_ENUM)
#undef RH_STATUS_ENUM
} rh_status;

typedef struct rh_err {
    rh_status code;    /* RH_OK while no error has been recorded */
    int sys_errno;     /* errno at the failure, 0 if none */
    char msg[256];     /* lower-case, no full stop, subject in quotes */
    char source[192];  /* input being read: file name, instrument item, JSON path */
    char field[128];   /* field or item inside the source, "" if none */
    long line, column; /* position in that input, 0 if unknown */
    int64_t offset;    /* byte offset in that input, -1 if unknown */
    const char *file;  /* position in our code, for logs only */
    int code_line;
} rh_err;

/* Resets `err` to "no error". A NULL err is accepted everywhere and ignored. */
void rh_err_init(rh_err *err);

/* Records an error unless one is already recorded; returns `code` either way so
 * a caller can write `return RH_FAIL(err, RH_E_RANGE, "...")`. */
rh_status rh_err_set(rh_err *err, rh_status code, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#define RH_FAIL(err, code, ...) rh_err_set((err), (code), __FILE__, __LINE__, __VA_ARGS__)

/* Like rh_err_set, and appends ": <strerror(errnum)>" to the message. */
rh_status rh_err_set_errno(rh_err *err, rh_status code, int errnum, const char *file, int line,
                           const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#define RH_FAIL_ERRNO(err, code, errnum, ...) \
    rh_err_set_errno((err), (code), (errnum), __FILE__, __LINE__, __VA_ARGS__)

/* Attaches the input position to an already recorded error (source is copied;
 * NULL or "" leaves the existing source). Only fills fields still empty, so the
 * innermost (most precise) position wins. */
void rh_err_at(rh_err *err, const char *source, long line, long column);
void rh_err_at_offset(rh_err *err, const char *source, int64_t offset);
void rh_err_at_field(rh_err *err, const char *field);

/* Prefixes the message with context ("reading 'x': ..."), keeping the code. */
void rh_err_prefix(rh_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "E_RANGE" etc. */
const char *rh_status_name(rh_status code);
const char *rh_status_text(rh_status code);

/* Formats the error for people: "source:line:col: field: msg" or
 * "source: byte N: msg". Writes at most `cap` bytes, always NUL-terminated. */
void rh_err_format(const rh_err *err, char *out, size_t cap);

#endif

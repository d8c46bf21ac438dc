/* SPDX-License-Identifier: MIT */
#include "base/err.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const status_names[] = {
#define RH_STATUS_NAME(name, text) #name,
    RH_STATUS_MAP(RH_STATUS_NAME)
#undef RH_STATUS_NAME
};

static const char *const status_texts[] = {
#define RH_STATUS_TEXT(name, text) text,
    RH_STATUS_MAP(RH_STATUS_TEXT)
#undef RH_STATUS_TEXT
};

void rh_err_init(rh_err *err)
{
    if (!err)
        return;
    memset(err, 0, sizeof(*err));
    err->code = RH_OK;
    err->offset = -1;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static rh_status vset(rh_err *err, rh_status code, int errnum, const char *file, int line,
                      const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

static rh_status vset(rh_err *err, rh_status code, int errnum, const char *file, int line,
                      const char *fmt, va_list ap)
{
    if (!err || err->code != RH_OK)
        return code;
    err->code = code;
    err->file = file;
    err->code_line = line;
    err->sys_errno = errnum;
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    if (errnum) {
        size_t used = strlen(err->msg);
        snprintf(err->msg + used, sizeof(err->msg) - used, ": %s", strerror(errnum));
    }
    return code;
}

rh_status rh_err_set(rh_err *err, rh_status code, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rh_status rc = vset(err, code, 0, file, line, fmt, ap);
    va_end(ap);
    return rc;
}

rh_status rh_err_set_errno(rh_err *err, rh_status code, int errnum, const char *file, int line,
                           const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rh_status rc = vset(err, code, errnum, file, line, fmt, ap);
    va_end(ap);
    return rc;
}

void rh_err_at(rh_err *err, const char *source, long line, long column)
{
    if (!err)
        return;
    if (source && *source && !err->source[0])
        copy_str(err->source, sizeof(err->source), source);
    if (line > 0 && err->line == 0) {
        err->line = line;
        err->column = column;
    }
}

void rh_err_at_offset(rh_err *err, const char *source, int64_t offset)
{
    if (!err)
        return;
    if (source && *source && !err->source[0])
        copy_str(err->source, sizeof(err->source), source);
    if (offset >= 0 && err->offset < 0)
        err->offset = offset;
}

void rh_err_at_field(rh_err *err, const char *field)
{
    if (!err || !field || !*field || err->field[0])
        return;
    copy_str(err->field, sizeof(err->field), field);
}

void rh_err_prefix(rh_err *err, const char *fmt, ...)
{
    if (!err || err->code == RH_OK)
        return;
    char pre[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pre, sizeof(pre), fmt, ap);
    va_end(ap);
    char joined[sizeof(pre) + sizeof(err->msg) + 2];
    snprintf(joined, sizeof(joined), "%s: %s", pre, err->msg);
    copy_str(err->msg, sizeof(err->msg), joined); /* truncation is acceptable */
}

const char *rh_status_name(rh_status code)
{
    if ((size_t)code >= sizeof(status_names) / sizeof(status_names[0]))
        return "E_UNKNOWN";
    return status_names[code];
}

const char *rh_status_text(rh_status code)
{
    if ((size_t)code >= sizeof(status_texts) / sizeof(status_texts[0]))
        return "unknown error";
    return status_texts[code];
}

void rh_err_format(const rh_err *err, char *out, size_t cap)
{
    if (!out || cap == 0)
        return;
    out[0] = '\0';
    if (!err)
        return;
    size_t used = 0;
#define APPEND(...)                                                 \
    do {                                                            \
        if (used < cap) {                                           \
            int n_ = snprintf(out + used, cap - used, __VA_ARGS__); \
            if (n_ > 0)                                             \
                used += (size_t)n_;                                 \
        }                                                           \
    } while (0)
    if (err->source[0]) {
        APPEND("%s", err->source);
        if (err->line > 0) {
            APPEND(":%ld", err->line);
            if (err->column > 0)
                APPEND(":%ld", err->column);
        }
        if (err->offset >= 0)
            APPEND(": byte %" PRId64, err->offset);
        APPEND(": ");
    } else if (err->offset >= 0) {
        APPEND("byte %" PRId64 ": ", err->offset);
    }
    if (err->field[0])
        APPEND("%s: ", err->field);
    APPEND("%s", err->msg[0] ? err->msg : rh_status_text(err->code));
#undef APPEND
}

/* SPDX-License-Identifier: MIT
 *
 * base/buf: the one growable string/byte builder (git strbuf, curl dynbuf).
 *
 * Invariants: after any successful call `data` is NUL-terminated (when
 * non-NULL), `len` excludes the NUL, and `len <= max`. Every buffer has a cap
 * (`max`, bytes): growing past it fails with RH_E_LIMIT, so hostile input cannot
 * exhaust memory. A failed append leaves the contents as they were.
 */
#ifndef RH_BASE_BUF_H
#define RH_BASE_BUF_H

#include "base/err.h"

#include <stdarg.h>
#include <stddef.h>

typedef struct rh_buf {
    char *data; /* owned; NULL until the first append */
    size_t len; /* bytes used, excluding the terminating NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* hard limit on len */
} rh_buf;

#define RH_BUF_DEFAULT_MAX ((size_t)1 << 30) /* 1 GiB */

/* Initialises an empty buffer; max 0 means RH_BUF_DEFAULT_MAX. */
void rh_buf_init(rh_buf *b, size_t max);
/* Frees the contents; the buffer is empty and reusable afterwards. */
void rh_buf_release(rh_buf *b);
/* Empties without freeing. */
void rh_buf_reset(rh_buf *b);
/* Makes room for `extra` more bytes. Fails with: E_NOMEM, E_LIMIT. */
rh_status rh_buf_reserve(rh_buf *b, size_t extra);

/* Appenders. Fail with: E_NOMEM, E_LIMIT. */
rh_status rh_buf_append(rh_buf *b, const void *data, size_t len);
rh_status rh_buf_puts(rh_buf *b, const char *s);
rh_status rh_buf_putc(rh_buf *b, char c);
rh_status rh_buf_printf(rh_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
rh_status rh_buf_vprintf(rh_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Returns the contents as a C string ("" when empty); borrowed until the next
 * change. */
const char *rh_buf_cstr(const rh_buf *b);
/* Hands the contents to the caller (free with rh_free) and empties the buffer.
 * Returns an allocated "" when empty, or NULL when that allocation fails. */
char *rh_buf_detach(rh_buf *b, size_t *len);

#endif

/* SPDX-License-Identifier: MIT */
#include "base/buf.h"

#include "base/alloc.h"

#include <stdio.h>
#include <string.h>

void rh_buf_init(rh_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : RH_BUF_DEFAULT_MAX;
}

void rh_buf_release(rh_buf *b)
{
    rh_free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void rh_buf_reset(rh_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

rh_status rh_buf_reserve(rh_buf *b, size_t extra)
{
    if (extra > b->max - b->len)
        return RH_E_LIMIT;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return RH_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
    char *p = rh_realloc(b->data, cap);
    if (!p)
        return RH_E_NOMEM;
    if (!b->data)
        p[0] = '\0';
    b->data = p;
    b->cap = cap;
    return RH_OK;
}

rh_status rh_buf_append(rh_buf *b, const void *data, size_t len)
{
    rh_status rc = rh_buf_reserve(b, len);
    if (rc != RH_OK)
        return rc;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return RH_OK;
}

rh_status rh_buf_puts(rh_buf *b, const char *s)
{
    return rh_buf_append(b, s, strlen(s));
}

rh_status rh_buf_putc(rh_buf *b, char c)
{
    return rh_buf_append(b, &c, 1);
}

rh_status rh_buf_vprintf(rh_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    char small[256];
    int n = vsnprintf(small, sizeof(small), fmt, cp);
    va_end(cp);
    if (n < 0)
        return RH_E_INTERNAL;
    if ((size_t)n < sizeof(small))
        return rh_buf_append(b, small, (size_t)n);
    rh_status rc = rh_buf_reserve(b, (size_t)n);
    if (rc != RH_OK)
        return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return RH_OK;
}

rh_status rh_buf_printf(rh_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rh_status rc = rh_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

const char *rh_buf_cstr(const rh_buf *b)
{
    return b->data ? b->data : "";
}

char *rh_buf_detach(rh_buf *b, size_t *len)
{
    char *p = b->data;
    size_t n = b->len;
    if (!p)
        p = rh_strdup("");
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    if (len)
        *len = p ? n : 0;
    return p;
}

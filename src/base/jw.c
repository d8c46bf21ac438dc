/* SPDX-License-Identifier: MIT */
#include "base/jw.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rh_jw_init(rh_jw *w, rh_buf *out, unsigned flags)
{
    memset(w, 0, sizeof(*w));
    w->out = out;
    w->flags = flags;
    w->first[0] = true;
    w->status = RH_OK;
}

static void put(rh_jw *w, const char *s, size_t n)
{
    if (w->status != RH_OK)
        return;
    w->status = rh_buf_append(w->out, s, n);
}

static void puts_(rh_jw *w, const char *s)
{
    put(w, s, strlen(s));
}

static void newline_indent(rh_jw *w)
{
    if (!(w->flags & RH_JW_PRETTY))
        return;
    put(w, "\n", 1);
    for (int i = 0; i < w->depth; i++)
        put(w, "  ", 2);
}

/* Emits the separator that precedes a new element of the current container. */
static void before_value(rh_jw *w)
{
    if (w->status != RH_OK)
        return;
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0) {
        if (!w->first[0])
            w->status = RH_E_INTERNAL; /* two top-level values */
        w->first[0] = false;
        return;
    }
    bool first = w->first[w->depth];
    w->first[w->depth] = false;
    if (!first)
        put(w, ",", 1);
    if (w->inline_[w->depth]) {
        if (!first && (w->flags & RH_JW_PRETTY))
            put(w, " ", 1); /* "[1, 2, 3]" */
        return;
    }
    newline_indent(w);
}

static void open(rh_jw *w, char c, bool inl)
{
    before_value(w);
    if (w->status != RH_OK)
        return;
    if (w->depth + 1 >= RH_JW_MAX_DEPTH) {
        w->status = RH_E_LIMIT;
        return;
    }
    put(w, &c, 1);
    w->depth++;
    w->first[w->depth] = true;
    w->inline_[w->depth] = inl || (w->depth > 1 && w->inline_[w->depth - 1]);
}

static void close_(rh_jw *w, char c)
{
    if (w->status != RH_OK)
        return;
    if (w->depth == 0 || w->after_key) {
        w->status = RH_E_INTERNAL;
        return;
    }
    bool empty = w->first[w->depth];
    bool inl = w->inline_[w->depth];
    w->depth--;
    if (!empty && !inl)
        newline_indent(w);
    put(w, &c, 1);
}

void rh_jw_obj_begin(rh_jw *w)
{
    open(w, '{', false);
}

void rh_jw_obj_end(rh_jw *w)
{
    close_(w, '}');
}

void rh_jw_arr_begin(rh_jw *w)
{
    open(w, '[', false);
}

void rh_jw_arr_begin_inline(rh_jw *w)
{
    open(w, '[', true);
}

void rh_jw_arr_end(rh_jw *w)
{
    close_(w, ']');
}

/* Length of a valid UTF-8 sequence starting at s (n bytes left), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return len;
}

static void write_string(rh_jw *w, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    put(w, "\"", 1);
    size_t run = 0; /* start of the pending run of bytes that need no escaping */
    size_t i = 0;
    while (i < n && w->status == RH_OK) {
        unsigned char c = p[i];
        const char *esc = NULL;
        char tmp[8];
        size_t adv = 1;
        if (c == '"')
            esc = "\\\"";
        else if (c == '\\')
            esc = "\\\\";
        else if (c == '\n')
            esc = "\\n";
        else if (c == '\r')
            esc = "\\r";
        else if (c == '\t')
            esc = "\\t";
        else if (c < 0x20) {
            snprintf(tmp, sizeof(tmp), "\\u%04x", c);
            esc = tmp;
        } else if (c >= 0x80) {
            adv = utf8_seq(p + i, n - i);
            if (adv == 0) {
                esc = "\\ufffd";
                adv = 1;
            }
        }
        if (esc) {
            put(w, s + run, i - run);
            puts_(w, esc);
            i += adv;
            run = i;
        } else {
            i += adv;
        }
    }
    put(w, s + run, n - run);
    put(w, "\"", 1);
}

void rh_jw_key(rh_jw *w, const char *key)
{
    if (w->status != RH_OK)
        return;
    if (w->depth == 0 || w->after_key) {
        w->status = RH_E_INTERNAL;
        return;
    }
    before_value(w);
    write_string(w, key, strlen(key));
    put(w, (w->flags & RH_JW_PRETTY) ? ": " : ":", (w->flags & RH_JW_PRETTY) ? 2 : 1);
    w->after_key = true;
}

static void scalar(rh_jw *w, const char *text)
{
    before_value(w);
    puts_(w, text);
}

void rh_jw_str(rh_jw *w, const char *s)
{
    if (!s) {
        rh_jw_null(w);
        return;
    }
    rh_jw_strn(w, s, strlen(s));
}

void rh_jw_strn(rh_jw *w, const char *s, size_t n)
{
    before_value(w);
    if (w->status == RH_OK)
        write_string(w, s, n);
}

void rh_jw_int(rh_jw *w, int64_t v)
{
    char tmp[32];
    snprintf(tmp, sizeof(tmp), "%" PRId64, v);
    scalar(w, tmp);
}

void rh_jw_uint(rh_jw *w, uint64_t v)
{
    char tmp[32];
    snprintf(tmp, sizeof(tmp), "%" PRIu64, v);
    scalar(w, tmp);
}

void rh_fmt_double(double v, char *out, size_t cap)
{
    if (!isfinite(v)) {
        snprintf(out, cap, "null");
        return;
    }
    if (v == 0.0) {
        snprintf(out, cap, "0");
        return;
    }
    /* Shortest of 15..17 significant digits that round-trips. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, cap, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

void rh_jw_double(rh_jw *w, double v)
{
    char tmp[40];
    rh_fmt_double(v, tmp, sizeof(tmp));
    scalar(w, tmp);
}

void rh_jw_fixed(rh_jw *w, double v, int decimals)
{
    if (!isfinite(v)) {
        rh_jw_null(w);
        return;
    }
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "%.*f", decimals, v);
    if (strcmp(tmp, "-0") == 0 || (tmp[0] == '-' && strtod(tmp, NULL) == 0.0))
        memmove(tmp, tmp + 1, strlen(tmp)); /* no "-0.00" */
    scalar(w, tmp);
}

void rh_jw_bool(rh_jw *w, bool v)
{
    scalar(w, v ? "true" : "false");
}

void rh_jw_null(rh_jw *w)
{
    scalar(w, "null");
}

void rh_jw_raw(rh_jw *w, const char *json)
{
    scalar(w, json);
}

void rh_jw_kstr(rh_jw *w, const char *key, const char *s)
{
    rh_jw_key(w, key);
    rh_jw_str(w, s);
}

void rh_jw_kstrs(rh_jw *w, const char *key, const char *const *s, size_t n)
{
    rh_jw_key(w, key);
    rh_jw_arr_begin_inline(w);
    for (size_t i = 0; i < n; i++)
        rh_jw_str(w, s[i]);
    rh_jw_arr_end(w);
}

void rh_jw_kint(rh_jw *w, const char *key, int64_t v)
{
    rh_jw_key(w, key);
    rh_jw_int(w, v);
}

void rh_jw_kdouble(rh_jw *w, const char *key, double v)
{
    rh_jw_key(w, key);
    rh_jw_double(w, v);
}

void rh_jw_kfixed(rh_jw *w, const char *key, double v, int decimals)
{
    rh_jw_key(w, key);
    rh_jw_fixed(w, v, decimals);
}

void rh_jw_kbool(rh_jw *w, const char *key, bool v)
{
    rh_jw_key(w, key);
    rh_jw_bool(w, v);
}

void rh_jw_knull(rh_jw *w, const char *key)
{
    rh_jw_key(w, key);
    rh_jw_null(w);
}

rh_status rh_jw_finish(rh_jw *w)
{
    if (w->status == RH_OK && (w->depth != 0 || w->after_key))
        w->status = RH_E_INTERNAL;
    if (w->status == RH_OK && (w->flags & RH_JW_PRETTY))
        put(w, "\n", 1);
    return w->status;
}

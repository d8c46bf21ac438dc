/* SPDX-License-Identifier: MIT */
#include "formats/wfdb.h"

#include "base/alloc.h"
#include "base/fileio.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

/* ------------------------------------------------------------------ header */

typedef struct htok {
    const char *p;
    size_t len;
    long col; /* 1-based */
} htok;

static size_t split_ws(const char *p, const char *e, const char *line, htok *t, size_t max)
{
    size_t n = 0;
    while (p < e && n < max) {
        while (p < e && isspace((unsigned char)*p))
            p++;
        if (p >= e)
            break;
        const char *s = p;
        while (p < e && !isspace((unsigned char)*p))
            p++;
        t[n].p = s;
        t[n].len = (size_t)(p - s);
        t[n].col = (long)(s - line) + 1;
        n++;
    }
    return n;
}

static bool tok_eq_copy(const htok *t, char *out, size_t cap)
{
    if (t->len >= cap)
        return false;
    memcpy(out, t->p, t->len);
    out[t->len] = '\0';
    return true;
}

/* Strict integer in [lo, hi] from the whole of [p, p+len). */
static bool parse_i64(const char *p, size_t len, int64_t lo, int64_t hi, int64_t *out)
{
    char buf[32];
    if (len == 0 || len >= sizeof(buf))
        return false;
    memcpy(buf, p, len);
    buf[len] = '\0';
    for (size_t i = 0; i < len; i++)
        if (!(isdigit((unsigned char)buf[i]) || (i == 0 && (buf[i] == '-' || buf[i] == '+'))))
            return false;
    errno = 0;
    char *end;
    long long v = strtoll(buf, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static bool parse_f64(const char *p, size_t len, double *out)
{
    char buf[48];
    if (len == 0 || len >= sizeof(buf))
        return false;
    memcpy(buf, p, len);
    buf[len] = '\0';
    for (size_t i = 0; i < len; i++)
        if (!(isdigit((unsigned char)buf[i]) || strchr("+-.eE", buf[i])))
            return false;
    errno = 0;
    char *end;
    double v = strtod(buf, &end);
    if (errno || *end || !isfinite(v))
        return false;
    *out = v;
    return true;
}

static bool format_supported(int f)
{
    return f == 212 || f == 16 || f == 61 || f == 80 || f == 160 || f == 24 || f == 32;
}

static rh_status fail_at(rh_err *err, rh_status code, const char *source, long line, long col,
                         const char *msg, const htok *t)
{
    RH_FAIL(err, code, "%s '%.*s'", msg,
            (int)(t && t->len < 60 ? t->len
                  : t              ? 60
                                   : 0),
            t ? t->p : "");
    rh_err_at(err, source, line, col);
    return code;
}

static rh_status parse_record_line(rh_wfdb_header *h, const htok *t, size_t n, const char *src,
                                   long ln, rh_err *err)
{
    if (n < 2)
        return fail_at(err, RH_E_PARSE, src, ln, n ? t[0].col : 1,
                       "the record line needs a name and a signal count, got", n ? &t[0] : NULL);
    if (memchr(t[0].p, '/', t[0].len))
        return fail_at(err, RH_E_UNSUPPORTED, src, ln, t[0].col, "multi-segment record", &t[0]);
    if (!tok_eq_copy(&t[0], h->record, sizeof(h->record)))
        return fail_at(err, RH_E_PARSE, src, ln, t[0].col, "record name too long", &t[0]);
    int64_t v;
    if (!parse_i64(t[1].p, t[1].len, 0, RH_WFDB_MAX_SIGNALS, &v))
        return fail_at(err, RH_E_PARSE, src, ln, t[1].col, "bad signal count (0-64)", &t[1]);
    h->nsig = (int)v;
    h->fs_hz = 250;
    h->counter_hz = 0;
    if (n >= 3) {
        /* fs[/counter[(base)]] */
        const char *p = t[2].p, *e = t[2].p + t[2].len;
        const char *slash = memchr(p, '/', t[2].len);
        double fs;
        if (!parse_f64(p, (size_t)((slash ? slash : e) - p), &fs) || !(fs > 0) || fs > 1e7)
            return fail_at(err, RH_E_PARSE, src, ln, t[2].col, "bad sampling frequency", &t[2]);
        h->fs_hz = fs;
        if (slash) {
            const char *q = slash + 1;
            const char *paren = memchr(q, '(', (size_t)(e - q));
            double cf;
            if (!parse_f64(q, (size_t)((paren ? paren : e) - q), &cf) || !(cf > 0))
                return fail_at(err, RH_E_PARSE, src, ln, t[2].col, "bad counter frequency", &t[2]);
            h->counter_hz = cf;
        }
    }
    if (h->counter_hz == 0)
        h->counter_hz = h->fs_hz;
    if (n >= 4) {
        if (!parse_i64(t[3].p, t[3].len, 0, INT64_MAX / 64, &v))
            return fail_at(err, RH_E_PARSE, src, ln, t[3].col, "bad number of samples", &t[3]);
        h->nsamples = v;
    }
    if (n >= 5 && !tok_eq_copy(&t[4], h->base_time, sizeof(h->base_time)))
        return fail_at(err, RH_E_PARSE, src, ln, t[4].col, "bad base time", &t[4]);
    if (n >= 6 && !tok_eq_copy(&t[5], h->base_date, sizeof(h->base_date)))
        return fail_at(err, RH_E_PARSE, src, ln, t[5].col, "bad base date", &t[5]);
    if (n > 6)
        return fail_at(err, RH_E_PARSE, src, ln, t[6].col, "unexpected field on the record line",
                       &t[6]);
    return RH_OK;
}

static rh_status parse_signal_line(rh_wfdb_signal *s, const char *line, const char *le,
                                   const char *src, long ln, rh_err *err)
{
    htok t[9];
    size_t n = split_ws(line, le, line, t, 9);
    if (n < 2)
        return fail_at(err, RH_E_PARSE, src, ln, n ? t[0].col : 1,
                       "a signal line needs a file name and a format, got", n ? &t[0] : NULL);
    if (!tok_eq_copy(&t[0], s->file, sizeof(s->file)))
        return fail_at(err, RH_E_PARSE, src, ln, t[0].col, "signal file name too long", &t[0]);
    if (strchr(s->file, '/') || strcmp(s->file, "-") == 0)
        return fail_at(err, RH_E_UNSUPPORTED, src, ln, t[0].col,
                       "signal file outside the record directory", &t[0]);
    /* format[xsamp][:skew][+offset] */
    const char *p = t[1].p, *e = t[1].p + t[1].len;
    const char *q = p;
    while (q < e && isdigit((unsigned char)*q))
        q++;
    int64_t v;
    if (!parse_i64(p, (size_t)(q - p), 0, 100000, &v))
        return fail_at(err, RH_E_PARSE, src, ln, t[1].col, "bad signal format", &t[1]);
    s->format = (int)v;
    while (q < e) {
        char c = *q++;
        const char *r = q;
        while (r < e && isdigit((unsigned char)*r))
            r++;
        int64_t x;
        if (!parse_i64(q, (size_t)(r - q), 0, INT64_MAX / 2, &x))
            return fail_at(err, RH_E_PARSE, src, ln, t[1].col, "bad format modifier", &t[1]);
        if (c == 'x' && x != 1)
            return fail_at(err, RH_E_UNSUPPORTED, src, ln, t[1].col,
                           "more than one sample per frame", &t[1]);
        else if (c == ':' && x != 0)
            return fail_at(err, RH_E_UNSUPPORTED, src, ln, t[1].col, "signal skew", &t[1]);
        else if (c == '+')
            s->byte_offset = x;
        else if (c != 'x' && c != ':')
            return fail_at(err, RH_E_PARSE, src, ln, t[1].col, "bad format modifier", &t[1]);
        q = r;
    }
    if (!format_supported(s->format))
        return fail_at(err, RH_E_UNSUPPORTED, src, ln, t[1].col, "signal format", &t[1]);
    /* gain[(baseline)][/units] */
    bool has_baseline = false;
    snprintf(s->units, sizeof(s->units), "mV");
    s->gain = 0;
    if (n >= 3) {
        p = t[2].p;
        e = t[2].p + t[2].len;
        const char *paren = memchr(p, '(', t[2].len);
        const char *slash = memchr(p, '/', t[2].len);
        const char *gend = paren ? paren : slash ? slash : e;
        if (!parse_f64(p, (size_t)(gend - p), &s->gain) || s->gain < 0)
            return fail_at(err, RH_E_PARSE, src, ln, t[2].col, "bad gain", &t[2]);
        if (paren) {
            const char *close = memchr(paren, ')', (size_t)(e - paren));
            if (!close || (slash && slash < close) ||
                !parse_i64(paren + 1, (size_t)(close - paren - 1), INT32_MIN, INT32_MAX, &v))
                return fail_at(err, RH_E_PARSE, src, ln, t[2].col, "bad baseline", &t[2]);
            s->baseline = (int)v;
            has_baseline = true;
        }
        if (slash) {
            size_t ul = (size_t)(e - slash - 1);
            if (ul == 0 || ul >= sizeof(s->units))
                return fail_at(err, RH_E_PARSE, src, ln, t[2].col, "bad units", &t[2]);
            memcpy(s->units, slash + 1, ul);
            s->units[ul] = '\0';
        }
    }
    s->uncalibrated = !(s->gain > 0);
    if (s->uncalibrated)
        s->gain = 200; /* WFDB's default gain */
    if (n >= 4) {
        if (!parse_i64(t[3].p, t[3].len, 0, 32, &v))
            return fail_at(err, RH_E_PARSE, src, ln, t[3].col, "bad ADC resolution", &t[3]);
        s->adc_res = (int)v;
    }
    if (n >= 5) {
        if (!parse_i64(t[4].p, t[4].len, INT32_MIN, INT32_MAX, &v))
            return fail_at(err, RH_E_PARSE, src, ln, t[4].col, "bad ADC zero", &t[4]);
        s->adc_zero = (int)v;
    }
    if (!has_baseline)
        s->baseline = s->adc_zero;
    if (n >= 6) {
        if (!parse_i64(t[5].p, t[5].len, INT32_MIN, INT32_MAX, &v))
            return fail_at(err, RH_E_PARSE, src, ln, t[5].col, "bad initial value", &t[5]);
        s->init_value = (int)v;
        s->has_init = true;
    }
    if (n >= 7) {
        if (!parse_i64(t[6].p, t[6].len, -32768, 65535, &v))
            return fail_at(err, RH_E_PARSE, src, ln, t[6].col, "bad checksum", &t[6]);
        s->checksum = (int)(int16_t)(uint16_t)(v & 0xffff);
        s->has_checksum = true;
    }
    if (n >= 8) {
        if (!parse_i64(t[7].p, t[7].len, 0, INT32_MAX, &v))
            return fail_at(err, RH_E_PARSE, src, ln, t[7].col, "bad block size", &t[7]);
        s->block_size = (int)v;
    }
    if (n >= 9) {
        const char *d = t[8].p;
        size_t dl = (size_t)(le - d);
        while (dl > 0 && isspace((unsigned char)d[dl - 1]))
            dl--;
        if (dl >= sizeof(s->description))
            dl = sizeof(s->description) - 1;
        memcpy(s->description, d, dl);
        s->description[dl] = '\0';
    }
    return RH_OK;
}

rh_status rh_wfdb_header_parse(const char *text, size_t len, const char *source,
                               rh_wfdb_header *out, rh_err *err)
{
    memset(out, 0, sizeof(*out));
    rh_buf_init(&out->info, 1 << 20);
    if (!source)
        source = "<header>";
    rh_status rc = RH_OK;
    const char *p = text, *end = text + len;
    long ln = 0;
    int stage = 0; /* 0 = record line next, then signals */
    int sig = 0;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        const char *next = e ? e + 1 : end;
        if (!e)
            e = end;
        ln++;
        if (memchr(p, '\0', (size_t)(e - p))) {
            rc = RH_FAIL(err, RH_E_PARSE, "binary data (a NUL byte) in a header");
            rh_err_at(err, source, ln, 1);
            goto out;
        }
        const char *le = e;
        while (le > p && (le[-1] == '\r' || isspace((unsigned char)le[-1])))
            le--;
        const char *q = p;
        while (q < le && isspace((unsigned char)*q))
            q++;
        if (q == le) {
            p = next;
            continue;
        }
        if (*q == '#') {
            q++;
            if (out->info.len)
                rc = rh_buf_putc(&out->info, '\n');
            if (rc == RH_OK)
                rc = rh_buf_append(&out->info, q, (size_t)(le - q));
            if (rc != RH_OK) {
                RH_FAIL(err, rc, "header comments are too long");
                rh_err_at(err, source, ln, 1);
                goto out;
            }
            p = next;
            continue;
        }
        if (stage == 0) {
            htok t[8];
            size_t n = split_ws(p, le, p, t, 8);
            rc = parse_record_line(out, t, n, source, ln, err);
            if (rc != RH_OK)
                goto out;
            stage = 1;
        } else if (sig < out->nsig) {
            rc = parse_signal_line(&out->sig[sig], p, le, source, ln, err);
            if (rc != RH_OK)
                goto out;
            sig++;
        } else {
            rc = RH_FAIL(err, RH_E_PARSE, "unexpected line after the %d signal line%s", out->nsig,
                         out->nsig == 1 ? "" : "s");
            rh_err_at(err, source, ln, (long)(q - p) + 1);
            goto out;
        }
        p = next;
    }
    if (stage == 0) {
        rc = RH_FAIL(err, RH_E_PARSE, "no record line");
        rh_err_at(err, source, ln ? ln : 1, 1);
        goto out;
    }
    if (sig < out->nsig) {
        rc = RH_FAIL(err, RH_E_PARSE, "the record line announces %d signals, %d found", out->nsig,
                     sig);
        rh_err_at(err, source, ln, 1);
        goto out;
    }
    /* Signals sharing a file must share its format and offset. */
    for (int i = 1; i < out->nsig; i++) {
        const rh_wfdb_signal *a = &out->sig[i - 1], *b = &out->sig[i];
        if (strcmp(a->file, b->file) == 0 &&
            (a->format != b->format || a->byte_offset != b->byte_offset)) {
            rc = RH_FAIL(err, RH_E_PARSE,
                         "signals %d and %d share file '%s' but not its format and offset", i - 1,
                         i, a->file);
            rh_err_at(err, source, 0, 0);
            goto out;
        }
        for (int j = 0; j < i - 1; j++)
            if (strcmp(out->sig[j].file, b->file) == 0 && strcmp(a->file, b->file) != 0) {
                rc = RH_FAIL(err, RH_E_UNSUPPORTED,
                             "the signals stored in file '%s' are not listed together", b->file);
                rh_err_at(err, source, 0, 0);
                goto out;
            }
    }
out:
    if (rc != RH_OK)
        rh_wfdb_header_release(out);
    return rc;
}

rh_status rh_wfdb_header_read(const char *record, rh_wfdb_header *out, rh_err *err)
{
    char path[512];
    int n = snprintf(path, sizeof(path), "%s.hea", record);
    memset(out, 0, sizeof(*out));
    if (n < 0 || (size_t)n >= sizeof(path))
        return RH_FAIL(err, RH_E_INVALID, "record path '%.100s' is too long", record);
    rh_buf b;
    rh_buf_init(&b, RH_WFDB_MAX_HEADER_BYTES);
    rh_status rc = rh_file_read(path, RH_WFDB_MAX_HEADER_BYTES, &b, err);
    if (rc == RH_OK)
        rc = rh_wfdb_header_parse(b.data ? b.data : "", b.len, path, out, err);
    rh_buf_release(&b);
    if (rc == RH_OK)
        snprintf(out->path, sizeof(out->path), "%s", path);
    return rc;
}

void rh_wfdb_header_release(rh_wfdb_header *h)
{
    rh_buf_release(&h->info);
}

double rh_wfdb_physical(const rh_wfdb_signal *s, int32_t adu)
{
    return ((double)adu - s->baseline) / s->gain;
}

static int32_t invalid_of(int format)
{
    switch (format) {
    case 212:
        return -2048;
    case 80:
        return -128;
    case 24:
        return -8388608;
    case 32:
        return INT32_MIN;
    default:
        return -32768;
    }
}

bool rh_wfdb_is_invalid(const rh_wfdb_signal *s, int32_t adu)
{
    return adu == invalid_of(s->format);
}

void rh_wfdb_record_dir(const char *record, char *out, size_t cap)
{
    const char *slash = strrchr(record, '/');
    if (!slash)
        snprintf(out, cap, ".");
    else if (slash == record)
        snprintf(out, cap, "/");
    else
        snprintf(out, cap, "%.*s", (int)(slash - record), record);
}

/* ------------------------------------------------------------------ signals */

#define GROUP_BUF 98304 /* multiple of 2, 3, 4, 6 */

typedef struct group {
    FILE *fp;
    const uint8_t *mem;
    size_t mem_len;
    char path[768];
    int fmt, first, k;
    size_t unit_bytes, unit_frames;
    uint8_t *buf;
    size_t len, pos;
    int64_t buf_off; /* file offset of buf[0] */
    bool eof;
    int32_t pend[RH_WFDB_MAX_SIGNALS]; /* second frame of a 212 odd-k unit */
    bool has_pend;
} group;

struct rh_wfdb_reader {
    const rh_wfdb_header *h;
    int nsig, ngroups;
    group g[RH_WFDB_MAX_SIGNALS];
    int64_t frames;
    int64_t sum[RH_WFDB_MAX_SIGNALS];
    int64_t invalid[RH_WFDB_MAX_SIGNALS];
    bool done;
};

static size_t bytes_per_sample(int fmt)
{
    switch (fmt) {
    case 80:
        return 1;
    case 24:
        return 3;
    case 32:
        return 4;
    default:
        return 2;
    }
}

static void destroy_groups(rh_wfdb_reader *r)
{
    for (int i = 0; i < r->ngroups; i++) {
        if (r->g[i].fp)
            fclose(r->g[i].fp);
        if (!r->g[i].mem)
            rh_free(r->g[i].buf);
    }
}

void rh_wfdb_reader_destroy(rh_wfdb_reader *r)
{
    if (!r)
        return;
    destroy_groups(r);
    rh_free(r);
}

static rh_status make_groups(rh_wfdb_reader *r, const rh_wfdb_header *h, rh_err *err)
{
    if (h->nsig <= 0)
        return RH_FAIL(err, RH_E_INVALID, "record '%s' has no signals", h->record);
    r->h = h;
    r->nsig = h->nsig;
    for (int s = 0; s < h->nsig; s++) {
        if (s == 0 || strcmp(h->sig[s].file, h->sig[s - 1].file) != 0) {
            group *g = &r->g[r->ngroups++];
            g->fmt = h->sig[s].format;
            g->first = s;
            g->k = 0;
            if (!format_supported(g->fmt))
                return RH_FAIL(err, RH_E_UNSUPPORTED, "signal format %d", g->fmt);
        }
        r->g[r->ngroups - 1].k++;
    }
    for (int i = 0; i < r->ngroups; i++) {
        group *g = &r->g[i];
        if (g->fmt == 212) {
            g->unit_frames = g->k % 2 ? 2 : 1;
            g->unit_bytes = (size_t)g->k * 3 * g->unit_frames / 2;
        } else {
            g->unit_frames = 1;
            g->unit_bytes = (size_t)g->k * bytes_per_sample(g->fmt);
        }
    }
    return RH_OK;
}

rh_status rh_wfdb_reader_open(const rh_wfdb_header *h, const char *dir, rh_wfdb_reader **out,
                              rh_err *err)
{
    *out = NULL;
    rh_wfdb_reader *r = rh_calloc(1, sizeof(*r));
    if (!r)
        return RH_FAIL(err, RH_E_NOMEM, "cannot open a signal reader");
    rh_status rc = make_groups(r, h, err);
    for (int i = 0; rc == RH_OK && i < r->ngroups; i++) {
        group *g = &r->g[i];
        const rh_wfdb_signal *s = &h->sig[g->first];
        int n = snprintf(g->path, sizeof(g->path), "%s%s%s", dir && *dir ? dir : "",
                         dir && *dir ? "/" : "", s->file);
        if (n < 0 || (size_t)n >= sizeof(g->path)) {
            rc = RH_FAIL(err, RH_E_INVALID, "signal file path is too long");
            break;
        }
        g->buf = rh_malloc(GROUP_BUF + 8); /* slack for 64-bit loads */
        if (!g->buf) {
            rc = RH_FAIL(err, RH_E_NOMEM, "cannot buffer '%s'", g->path);
            break;
        }
        g->fp = fopen(g->path, "rb");
        if (!g->fp) {
            rc = RH_FAIL_ERRNO(err, RH_E_IO, errno, "cannot open signal file '%s'", g->path);
            rh_err_at(err, g->path, 0, 0);
            break;
        }
        if (s->byte_offset > 0 && fseek(g->fp, (long)s->byte_offset, SEEK_SET) != 0) {
            rc = RH_FAIL_ERRNO(err, RH_E_IO, errno, "cannot seek in '%s'", g->path);
            rh_err_at_offset(err, g->path, s->byte_offset);
            break;
        }
        g->buf_off = s->byte_offset;
    }
    if (rc != RH_OK) {
        rh_wfdb_reader_destroy(r);
        return rc;
    }
    *out = r;
    return RH_OK;
}

rh_status rh_wfdb_reader_open_mem(const rh_wfdb_header *h, const uint8_t *data, size_t len,
                                  rh_wfdb_reader **out, rh_err *err)
{
    *out = NULL;
    rh_wfdb_reader *r = rh_calloc(1, sizeof(*r));
    if (!r)
        return RH_FAIL(err, RH_E_NOMEM, "cannot open a signal reader");
    rh_status rc = make_groups(r, h, err);
    if (rc == RH_OK && r->ngroups != 1)
        rc = RH_FAIL(err, RH_E_INVALID, "in-memory signals must all be in one file");
    if (rc != RH_OK) {
        rh_wfdb_reader_destroy(r);
        return rc;
    }
    group *g = &r->g[0];
    size_t off = h->sig[0].byte_offset < 0 || (uint64_t)h->sig[0].byte_offset > len
                     ? len
                     : (size_t)h->sig[0].byte_offset;
    g->mem = data;
    g->mem_len = len;
    g->buf = (uint8_t *)(uintptr_t)(data + off); /* read-only use */
    g->len = len - off;
    g->buf_off = (int64_t)off;
    g->eof = true;
    snprintf(g->path, sizeof(g->path), "%s", h->sig[0].file);
    *out = r;
    return RH_OK;
}

/* Makes at least one unit available unless the file is exhausted. */
static rh_status refill(group *g, rh_err *err)
{
    if (g->eof)
        return RH_OK;
    size_t rest = g->len - g->pos;
    if (rest)
        memmove(g->buf, g->buf + g->pos, rest);
    g->buf_off += (int64_t)g->pos;
    g->pos = 0;
    g->len = rest;
    while (g->len < GROUP_BUF) {
        size_t n = fread(g->buf + g->len, 1, GROUP_BUF - g->len, g->fp);
        g->len += n;
        if (n == 0) {
            if (ferror(g->fp)) {
                RH_FAIL_ERRNO(err, RH_E_IO, errno, "cannot read '%s'", g->path);
                rh_err_at_offset(err, g->path, g->buf_off + (int64_t)g->len);
                return RH_E_IO;
            }
            g->eof = true;
            break;
        }
        if (g->len >= g->unit_bytes * 256)
            break;
    }
    return RH_OK;
}

static inline int32_t sx12(unsigned v)
{
    return (int32_t)(v ^ 0x800u) - 0x800;
}

/* Adds the decoded samples of a group to the checksums and invalid counts. */
static void tally(const group *g, const int32_t *out, int nsig, size_t frames, int64_t *sum,
                  int64_t *inval)
{
    int32_t bad = invalid_of(g->fmt);
    for (int j = 0; j < g->k; j++) {
        int64_t s = 0, v = 0;
        const int32_t *p = out + g->first + j;
        for (size_t f = 0; f < frames; f++, p += nsig) {
            s += *p;
            v += *p == bad;
        }
        sum[j] += s;
        inval[j] += v;
    }
}

/* Decodes `units` whole units from g->buf + g->pos into frames (stride nsig),
 * adding them to the group's checksums (sum, inval: one per signal). */
static void decode_units(group *g, int32_t *out, int nsig, size_t units, int64_t *sum,
                         int64_t *inval)
{
    const uint8_t *b = g->buf + g->pos;
    int32_t *o = out + g->first;
    int k = g->k;
    size_t f, j;
    switch (g->fmt) {
    case 212:
        if (k == 2 && !g->mem) {
            /* The hot path (MIT-BIH and most PhysioNet ECGs): one 64-bit load
             * per two pairs (the file buffer has 8 bytes of slack), checksums
             * inline, invalid markers (the minimum, -2048) counted only when
             * the block's minimum shows there are some. */
            while (units > 0) {
                size_t nb = units < 65536 ? units : 65536;
                int32_t s0 = 0, s1 = 0, mn = 0;
                int32_t *ob = o;
                for (f = 0; f + 2 <= nb; f += 2, b += 6, o += 2 * nsig) {
                    uint64_t w;
                    memcpy(&w, b, 8);
                    /* sign extension by arithmetic right shifts of the
                     * field moved to the top (gcc and clang shift signed
                     * values arithmetically) */
                    int64_t sw = (int64_t)w;
                    int32_t x0 = (int32_t)((int64_t)((uint64_t)sw << 52) >> 52);
                    int32_t x1 = (int32_t)(((int64_t)((uint64_t)sw << 48) >> 60) * 256 +
                                           (int64_t)((w >> 16) & 0xffu));
                    int32_t x2 = (int32_t)((int64_t)((uint64_t)sw << 28) >> 52);
                    int32_t x3 = (int32_t)(((int64_t)((uint64_t)sw << 24) >> 60) * 256 +
                                           (int64_t)((w >> 40) & 0xffu));
                    o[0] = x0;
                    o[1] = x1;
                    o[nsig] = x2;
                    o[nsig + 1] = x3;
                    s0 += x0 + x2;
                    s1 += x1 + x3;
                    int32_t m01 = x0 < x1 ? x0 : x1, m23 = x2 < x3 ? x2 : x3;
                    m01 = m01 < m23 ? m01 : m23;
                    mn = m01 < mn ? m01 : mn;
                }
                if (f < nb) {
                    uint32_t w;
                    memcpy(&w, b, 4);
                    int32_t x0 = sx12(w & 0xfffu);
                    int32_t x1 = sx12(((w >> 4) & 0xf00u) | ((w >> 16) & 0xffu));
                    o[0] = x0;
                    o[1] = x1;
                    s0 += x0;
                    s1 += x1;
                    mn = x0 < mn ? x0 : mn;
                    mn = x1 < mn ? x1 : mn;
                    b += 3;
                    o += nsig;
                }
                sum[0] += s0;
                sum[1] += s1;
                if (mn == -2048)
                    for (size_t i = 0; i < nb; i++, ob += nsig) {
                        inval[0] += ob[0] == -2048;
                        inval[1] += ob[1] == -2048;
                    }
                units -= nb;
                g->pos += nb * g->unit_bytes;
            }
            return;
        } else {
            /* Samples run across the frames of a unit in pairs. */
            size_t per_unit = (size_t)k * g->unit_frames;
            for (f = 0; f < units; f++) {
                for (j = 0; j < per_unit; j += 2, b += 3) {
                    int32_t s0 = sx12(b[0] | ((unsigned)(b[1] & 0x0f) << 8));
                    int32_t s1 = sx12(b[2] | ((unsigned)(b[1] & 0xf0) << 4));
                    o[(j / k) * nsig + j % k] = s0;
                    o[((j + 1) / k) * nsig + (j + 1) % k] = s1;
                }
                o += (size_t)nsig * g->unit_frames;
            }
        }
        break;
    case 16:
        for (f = 0; f < units; f++, o += nsig)
            for (j = 0; j < (size_t)k; j++, b += 2)
                o[j] = (int16_t)(uint16_t)(b[0] | (b[1] << 8));
        break;
    case 61:
        for (f = 0; f < units; f++, o += nsig)
            for (j = 0; j < (size_t)k; j++, b += 2)
                o[j] = (int16_t)(uint16_t)((b[0] << 8) | b[1]);
        break;
    case 160:
        for (f = 0; f < units; f++, o += nsig)
            for (j = 0; j < (size_t)k; j++, b += 2)
                o[j] = (int32_t)(b[0] | (b[1] << 8)) - 32768;
        break;
    case 80:
        for (f = 0; f < units; f++, o += nsig)
            for (j = 0; j < (size_t)k; j++, b++)
                o[j] = (int32_t)b[0] - 128;
        break;
    case 24:
        for (f = 0; f < units; f++, o += nsig)
            for (j = 0; j < (size_t)k; j++, b += 3) {
                uint32_t v = b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16);
                o[j] = (int32_t)(v ^ 0x800000u) - 0x800000;
            }
        break;
    case 32:
        for (f = 0; f < units; f++, o += nsig)
            for (j = 0; j < (size_t)k; j++, b += 4)
                o[j] = (int32_t)((uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) |
                                 ((uint32_t)b[3] << 24));
        break;
    }
    tally(g, out, nsig, units * g->unit_frames, sum, inval);
    g->pos += units * g->unit_bytes;
}

/* Format 212 with an odd number of signals in the file and an odd number of
 * frames ends with a frame whose last sample is stored alone in 2 bytes. */
static size_t decode_tail_212(group *g, int32_t *out, int nsig, int64_t *sum, int64_t *inval)
{
    size_t k = (size_t)g->k;
    size_t need = 3 * (k - 1) / 2 + 2;
    if (g->fmt != 212 || k % 2 == 0 || !g->eof || g->len - g->pos < need)
        return 0;
    const uint8_t *b = g->buf + g->pos;
    int32_t *o = out + g->first;
    for (size_t j = 0; j + 1 < k; j += 2, b += 3) {
        o[j] = sx12(b[0] | ((unsigned)(b[1] & 0x0f) << 8));
        o[j + 1] = sx12(b[2] | ((unsigned)(b[1] & 0xf0) << 4));
    }
    o[k - 1] = sx12(b[0] | ((unsigned)(b[1] & 0x0f) << 8));
    tally(g, out, nsig, 1, sum, inval);
    g->pos += need;
    return 1;
}

/* Decodes up to `want` frames of group g; returns how many it could. */
static rh_status decode_group(group *g, int32_t *out, int nsig, size_t want, size_t *got,
                              int64_t *sum, int64_t *inval, rh_err *err)
{
    size_t done = 0;
    if (want > 0 && g->has_pend) {
        memcpy(out + g->first, g->pend, (size_t)g->k * sizeof(int32_t));
        g->has_pend = false;
        done = 1;
    }
    while (done < want) {
        size_t avail = (g->len - g->pos) / g->unit_bytes;
        if (avail == 0) {
            rh_status rc = refill(g, err);
            if (rc != RH_OK)
                return rc;
            avail = (g->len - g->pos) / g->unit_bytes;
            if (avail == 0) {
                done += decode_tail_212(g, out + done * (size_t)nsig, nsig, sum, inval);
                break;
            }
        }
        size_t need = (want - done + g->unit_frames - 1) / g->unit_frames;
        size_t units = need < avail ? need : avail;
        size_t frames = units * g->unit_frames;
        if (done + frames > want) {
            /* A 212 two-frame unit overshoots: decode the last unit apart. */
            if (units > 1)
                decode_units(g, out + done * (size_t)nsig, nsig, units - 1, sum, inval);
            done += (units - 1) * g->unit_frames;
            int32_t tmp[2 * RH_WFDB_MAX_SIGNALS];
            group shadow = *g;
            shadow.first = 0;
            decode_units(&shadow, tmp, g->k, 1, sum, inval);
            g->pos = shadow.pos;
            memcpy(out + done * (size_t)nsig + g->first, tmp, (size_t)g->k * sizeof(int32_t));
            memcpy(g->pend, tmp + g->k, (size_t)g->k * sizeof(int32_t));
            g->has_pend = true;
            done += 1;
            break;
        }
        decode_units(g, out + done * (size_t)nsig, nsig, units, sum, inval);
        done += frames;
    }
    *got = done;
    return RH_OK;
}

static int64_t group_end_offset(const group *g)
{
    return g->buf_off + (int64_t)g->len;
}

static rh_status finish(rh_wfdb_reader *r, rh_err *err)
{
    r->done = true;
    const rh_wfdb_header *h = r->h;
    bool complete = h->nsamples == 0 || r->frames == h->nsamples;
    for (int s = 0; complete && s < r->nsig; s++) {
        const rh_wfdb_signal *sg = &h->sig[s];
        if (!sg->has_checksum)
            continue;
        int got = (int)(int16_t)(uint16_t)(r->sum[s] & 0xffff);
        if (got != sg->checksum) {
            const group *g = NULL;
            for (int i = 0; i < r->ngroups; i++)
                if (s >= r->g[i].first && s < r->g[i].first + r->g[i].k)
                    g = &r->g[i];
            RH_FAIL(err, RH_E_CORRUPT,
                    "signal %d ('%s') sums to %d but the header's checksum is %d", s,
                    sg->description, got, sg->checksum);
            rh_err_at_offset(err, g ? g->path : sg->file, g ? group_end_offset(g) : -1);
            return RH_E_CORRUPT;
        }
    }
    return RH_OK;
}

rh_status rh_wfdb_reader_read(rh_wfdb_reader *r, int32_t *frames, size_t cap, size_t *got,
                              rh_err *err)
{
    *got = 0;
    if (r->done)
        return RH_OK;
    const rh_wfdb_header *h = r->h;
    size_t want = cap;
    if (h->nsamples > 0 && (int64_t)want > h->nsamples - r->frames)
        want = (size_t)(h->nsamples - r->frames);
    if (want == 0)
        return finish(r, err);
    size_t n = 0;
    for (int i = 0; i < r->ngroups; i++) {
        size_t gn;
        rh_status rc = decode_group(&r->g[i], frames, r->nsig, want, &gn, r->sum + r->g[i].first,
                                    r->invalid + r->g[i].first, err);
        if (rc != RH_OK)
            return rc;
        if (i == 0)
            n = gn;
        if (gn != n || (h->nsamples > 0 && gn < want) ||
            (gn < want && r->g[i].len - r->g[i].pos > 0)) {
            group *g = &r->g[i];
            RH_FAIL(err, RH_E_CORRUPT,
                    "signal file '%s' ends after %" PRId64
                    " whole frames, the header promises %" PRId64,
                    g->path, r->frames + (int64_t)gn,
                    h->nsamples > 0 ? h->nsamples : r->frames + (int64_t)n);
            rh_err_at_offset(err, g->path, group_end_offset(g));
            return RH_E_CORRUPT;
        }
    }
    if (n == 0)
        return finish(r, err);
    if (r->frames == 0) {
        for (int s = 0; s < r->nsig; s++) {
            const rh_wfdb_signal *sg = &h->sig[s];
            if (sg->has_init && frames[s] != sg->init_value) {
                const group *g = NULL;
                for (int i = 0; i < r->ngroups; i++)
                    if (s >= r->g[i].first && s < r->g[i].first + r->g[i].k)
                        g = &r->g[i];
                RH_FAIL(err, RH_E_CORRUPT,
                        "signal %d starts at %" PRId32 " but the header's initial value is %d", s,
                        frames[s], sg->init_value);
                rh_err_at_offset(err, g ? g->path : sg->file, sg->byte_offset);
                return RH_E_CORRUPT;
            }
        }
    }
    r->frames += (int64_t)n;
    *got = n;
    return RH_OK;
}

int64_t rh_wfdb_reader_frames(const rh_wfdb_reader *r)
{
    return r->frames;
}

int64_t rh_wfdb_reader_invalid(const rh_wfdb_reader *r, int sig)
{
    return sig >= 0 && sig < r->nsig ? r->invalid[sig] : 0;
}

/* -------------------------------------------------------------- annotations */

static const char *const mnemonics[RH_ANN_ACMAX + 1] = {
    " ", "N", "L",    "R",    "a",    "V",    "F",    "J",    "A",    "S",    "E",    "j", "/",
    "Q", "~", "[15]", "|",    "[17]", "s",    "T",    "*",    "D",    "\"",   "=",    "p", "B",
    "^", "t", "+",    "u",    "?",    "!",    "[",    "]",    "e",    "n",    "@",    "x", "f",
    "(", ")", "r",    "[42]", "[43]", "[44]", "[45]", "[46]", "[47]", "[48]", "[49]",
};

const char *rh_wfdb_ann_mnemonic(int type)
{
    return type >= 0 && type <= RH_ANN_ACMAX ? mnemonics[type] : "?";
}

int rh_wfdb_ann_code(const char *mnemonic)
{
    for (int c = 1; c <= RH_ANN_ACMAX; c++)
        if (strcmp(mnemonic, mnemonics[c]) == 0)
            return c;
    return -1;
}

bool rh_wfdb_ann_is_qrs(int type)
{
    return (type >= 1 && type <= 13) || type == 25 || type == 30 || type == 34 || type == 35 ||
           type == 38 || type == 41;
}

void rh_wfdb_annset_init(rh_wfdb_annset *s)
{
    memset(s, 0, sizeof(*s));
    rh_buf_init(&s->aux, RH_WFDB_MAX_ANN_BYTES);
}

void rh_wfdb_annset_release(rh_wfdb_annset *s)
{
    rh_free(s->a);
    rh_buf_release(&s->aux);
    rh_wfdb_annset_init(s);
}

static rh_status grow_anns(rh_wfdb_annset *s, rh_err *err)
{
    if (s->n < s->cap)
        return RH_OK;
    size_t want = s->cap < 1024 ? 1024 : s->cap * 2;
    if (want > RH_WFDB_MAX_ANN_BYTES / 2)
        return RH_FAIL(err, RH_E_LIMIT, "more than %zu annotations", RH_WFDB_MAX_ANN_BYTES / 2);
    rh_wfdb_ann *a = rh_reallocarray(s->a, want, sizeof(*a));
    if (!a)
        return RH_FAIL(err, RH_E_NOMEM, "cannot hold %zu annotations", want);
    s->a = a;
    s->cap = want;
    return RH_OK;
}

static rh_status set_aux(rh_wfdb_annset *s, rh_wfdb_ann *a, const char *aux, size_t len,
                         rh_err *err)
{
    if (s->aux.len > UINT32_MAX - 300)
        return RH_FAIL(err, RH_E_LIMIT, "annotation aux text too large");
    uint32_t off = (uint32_t)s->aux.len;
    rh_status rc = rh_buf_append(&s->aux, aux, len);
    if (rc == RH_OK)
        rc = rh_buf_putc(&s->aux, '\0');
    if (rc != RH_OK)
        return RH_FAIL(err, rc, "cannot hold annotation aux text");
    a->aux_off = off;
    a->aux_len = (uint16_t)len;
    return RH_OK;
}

rh_status rh_wfdb_annset_add(rh_wfdb_annset *s, int64_t sample, int type, int subtype, int chan,
                             int num, const char *aux, rh_err *err)
{
    if (type < 0 || type > RH_ANN_ACMAX)
        return RH_FAIL(err, RH_E_RANGE, "annotation code %d is outside 0-49", type);
    size_t alen = aux ? strlen(aux) : 0;
    if (alen > 255)
        return RH_FAIL(err, RH_E_RANGE, "annotation aux text longer than 255 bytes");
    rh_status rc = grow_anns(s, err);
    if (rc != RH_OK)
        return rc;
    rh_wfdb_ann *a = &s->a[s->n];
    memset(a, 0, sizeof(*a));
    a->sample = sample;
    a->type = (uint8_t)type;
    a->subtype = (int8_t)subtype;
    a->chan = (uint8_t)chan;
    a->num = (int8_t)num;
    if (alen) {
        rc = set_aux(s, a, aux, alen, err);
        if (rc != RH_OK)
            return rc;
    }
    s->n++;
    return RH_OK;
}

const char *rh_wfdb_ann_aux(const rh_wfdb_annset *s, size_t i)
{
    if (i >= s->n || s->a[i].aux_len == 0)
        return "";
    return s->aux.data + s->a[i].aux_off;
}

static inline unsigned g16(const uint8_t *p)
{
    return (unsigned)p[0] | ((unsigned)p[1] << 8);
}

rh_status rh_wfdb_ann_parse(const uint8_t *data, size_t len, const char *source,
                            rh_wfdb_annset *out, rh_err *err)
{
    rh_wfdb_annset s;
    rh_wfdb_annset_init(&s);
    rh_status rc = RH_OK;
    if (!source)
        source = "<annotations>";
    size_t pos = 0;
    int64_t tt = 0;
    uint8_t chan = 0;
    int8_t num = 0;
    bool ended = false;
    if (len > RH_WFDB_MAX_ANN_BYTES) {
        rc = RH_FAIL(err, RH_E_LIMIT, "annotation file larger than %zu bytes",
                     RH_WFDB_MAX_ANN_BYTES);
        rh_err_at_offset(err, source, 0);
        goto out;
    }
    /* AHA-format files start with a NUL byte and an AHA code; not supported. */
    if (len >= 2 && data[0] == 0 && data[1] != 0 && strchr("NVFEPQUOXR", data[1])) {
        rc = RH_FAIL(err, RH_E_UNSUPPORTED, "AHA-format annotation files");
        rh_err_at_offset(err, source, 0);
        goto out;
    }
    while (pos + 2 <= len) {
        size_t at = pos;
        unsigned w = g16(data + pos);
        pos += 2;
        unsigned a = w >> 10, i = w & 0x3ff;
        if (w == 0) {
            ended = true;
            break;
        }
        if (a == 59) { /* SKIP: a 32-bit interval, high word first */
            if (pos + 4 > len) {
                rc = RH_FAIL(err, RH_E_CORRUPT, "truncated SKIP interval");
                rh_err_at_offset(err, source, (int64_t)at);
                goto out;
            }
            uint32_t v = (g16(data + pos) << 16) | g16(data + pos + 2);
            pos += 4;
            tt += (int32_t)v;
            if (tt < 0) {
                rc = RH_FAIL(err, RH_E_CORRUPT, "annotation time before the record start");
                rh_err_at_offset(err, source, (int64_t)at);
                goto out;
            }
            continue;
        }
        if (a >= 60) {
            if (s.n == 0) {
                rc = RH_FAIL(err, RH_E_CORRUPT, "modifier word %u before the first annotation", a);
                rh_err_at_offset(err, source, (int64_t)at);
                goto out;
            }
            rh_wfdb_ann *cur = &s.a[s.n - 1];
            if (a == 60) {
                cur->num = num = (int8_t)(i & 0xff);
            } else if (a == 61) {
                cur->subtype = (int8_t)(i & 0xff);
            } else if (a == 62) {
                cur->chan = chan = (uint8_t)(i & 0xff);
            } else {
                size_t alen = w & 0xff;
                size_t padded = (alen + 1) & ~(size_t)1;
                if (pos + padded > len) {
                    rc = RH_FAIL(err, RH_E_CORRUPT, "aux text runs past the end of the file");
                    rh_err_at_offset(err, source, (int64_t)at);
                    goto out;
                }
                /* Kept byte for byte (writers often count a trailing NUL);
                 * rh_wfdb_ann_aux shows the text up to the first NUL. */
                rc = set_aux(&s, cur, (const char *)data + pos, alen, err);
                if (rc != RH_OK)
                    goto out;
                pos += padded;
            }
            continue;
        }
        if (a > RH_ANN_ACMAX) {
            rc = RH_FAIL(err, RH_E_CORRUPT, "annotation code %u is not defined", a);
            rh_err_at_offset(err, source, (int64_t)at);
            goto out;
        }
        tt += i;
        rc = grow_anns(&s, err);
        if (rc != RH_OK) {
            rh_err_at_offset(err, source, (int64_t)at);
            goto out;
        }
        rh_wfdb_ann *n = &s.a[s.n++];
        memset(n, 0, sizeof(*n));
        n->sample = tt;
        n->type = (uint8_t)a;
        n->chan = chan;
        n->num = num;
    }
    if (!ended) {
        rc = RH_FAIL(err, RH_E_CORRUPT, "annotation file ends without its end-of-file word");
        rh_err_at_offset(err, source, (int64_t)len);
        goto out;
    }
out:
    if (rc != RH_OK) {
        rh_wfdb_annset_release(&s);
        return rc;
    }
    rh_wfdb_annset_release(out);
    *out = s;
    return RH_OK;
}

rh_status rh_wfdb_ann_read(const char *path, rh_wfdb_annset *out, rh_err *err)
{
    rh_buf b;
    rh_buf_init(&b, RH_WFDB_MAX_ANN_BYTES);
    rh_status rc = rh_file_read(path, RH_WFDB_MAX_ANN_BYTES, &b, err);
    if (rc == RH_OK)
        rc = rh_wfdb_ann_parse((const uint8_t *)(b.data ? b.data : ""), b.len, path, out, err);
    rh_buf_release(&b);
    return rc;
}

static rh_status p16(rh_buf *out, unsigned w)
{
    char b[2] = {(char)(w & 0xff), (char)((w >> 8) & 0xff)};
    return rh_buf_append(out, b, 2);
}

static rh_status p32(rh_buf *out, int64_t v)
{
    uint32_t u = (uint32_t)(int32_t)v;
    rh_status rc = p16(out, u >> 16);
    return rc == RH_OK ? p16(out, u & 0xffff) : rc;
}

rh_status rh_wfdb_ann_encode(const rh_wfdb_annset *s, rh_buf *out, rh_err *err)
{
    size_t start = out->len;
    int64_t prev = 0;
    uint8_t chan = 0;
    int8_t num = 0;
    rh_status rc = RH_OK;
    for (size_t k = 0; k < s->n && rc == RH_OK; k++) {
        const rh_wfdb_ann *a = &s->a[k];
        int64_t delta = a->sample - prev;
        if (a->sample < 0 || delta < 0) {
            rc = RH_FAIL(err, RH_E_INVALID, "annotation %zu (sample %" PRId64 ") is out of order",
                         k, a->sample);
            break;
        }
        /* gaps beyond one 32-bit SKIP take several */
        while (rc == RH_OK && delta > INT32_MAX) {
            rc = p16(out, 59u << 10);
            if (rc == RH_OK)
                rc = p32(out, INT32_MAX);
            delta -= INT32_MAX;
        }
        if (rc != RH_OK)
            break;
        if (a->type == 0) {
            /* A code-0 word with interval 0 would read as the end of file. */
            if (delta == 0) {
                rc = RH_FAIL(err, RH_E_INVALID,
                             "a code-0 annotation at the time of the previous one cannot be "
                             "written");
                break;
            }
            rc = p16(out, 59u << 10);
            if (rc == RH_OK)
                rc = p32(out, delta - 1);
            delta = 1;
        } else if (delta > 0x3ff) {
            rc = p16(out, 59u << 10);
            if (rc == RH_OK)
                rc = p32(out, delta);
            delta = 0;
        }
        if (rc == RH_OK)
            rc = p16(out, ((unsigned)a->type << 10) | (unsigned)delta);
        if (rc == RH_OK && a->subtype != 0)
            rc = p16(out, (61u << 10) | ((unsigned)(int)a->subtype & 0x3ffu));
        if (rc == RH_OK && a->chan != chan)
            rc = p16(out, (62u << 10) | a->chan);
        if (rc == RH_OK && a->num != num)
            rc = p16(out, (60u << 10) | ((unsigned)(int)a->num & 0x3ffu));
        if (rc == RH_OK && a->aux_len) {
            rc = p16(out, (63u << 10) | a->aux_len);
            if (rc == RH_OK)
                rc = rh_buf_append(out, s->aux.data + a->aux_off, a->aux_len);
            if (rc == RH_OK && (a->aux_len & 1))
                rc = rh_buf_putc(out, '\0');
        }
        chan = a->chan;
        num = a->num;
        prev = a->sample;
    }
    if (rc == RH_OK)
        rc = p16(out, 0);
    if (rc != RH_OK) {
        if (rc == RH_E_NOMEM || rc == RH_E_LIMIT)
            RH_FAIL(err, rc, "cannot encode %zu annotations", s->n);
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
    }
    return rc;
}

rh_status rh_wfdb_ann_write(const char *path, const rh_wfdb_annset *s, rh_err *err)
{
    rh_buf b;
    rh_buf_init(&b, 0);
    rh_status rc = rh_wfdb_ann_encode(s, &b, err);
    if (rc == RH_OK)
        rc = rh_file_write_atomic(path, b.data ? b.data : "", b.len, err);
    rh_buf_release(&b);
    return rc;
}

static int aami_class(int type)
{
    switch (type) {
    case 1:
    case 2:
    case 3:
    case 25:
        return RH_EC57_N;
    case 4:
    case 7:
    case 8:
    case 9:
    case 11:
    case 34:
    case 35:
        return RH_EC57_S;
    case 5:
    case 10:
    case 41:
        return RH_EC57_V;
    case 6:
        return RH_EC57_F;
    default:
        return RH_EC57_Q;
    }
}

static bool is_vf_rhythm(const char *aux)
{
    return strcmp(aux, "(VF") == 0 || strcmp(aux, "(VFL") == 0 || strcmp(aux, "(VFIB") == 0;
}

rh_status rh_wfdb_ec57_reference(const rh_wfdb_annset *s, rh_ec57_ref **ref, size_t *nref,
                                 rh_ec57_span **spans, size_t *nspans, rh_err *err)
{
    *ref = NULL;
    *spans = NULL;
    *nref = *nspans = 0;
    size_t nq = 0, nmark = 0, nrhy = 0;
    for (size_t i = 0; i < s->n; i++) {
        nq += rh_wfdb_ann_is_qrs(s->a[i].type);
        nmark += s->a[i].type == RH_ANN_VFON;
        nrhy += s->a[i].type == RH_ANN_RHYTHM;
    }
    size_t span_cap = nmark ? nmark : nrhy;
    rh_ec57_ref *r = nq ? rh_malloc(nq * sizeof(*r)) : NULL;
    rh_ec57_span *sp = span_cap ? rh_malloc(span_cap * sizeof(*sp)) : NULL;
    if ((nq && !r) || (span_cap && !sp)) {
        rh_free(r);
        rh_free(sp);
        return RH_FAIL(err, RH_E_NOMEM, "cannot hold %zu reference beats", nq);
    }
    size_t k = 0, m = 0;
    int64_t open_at = -1;
    for (size_t i = 0; i < s->n; i++) {
        const rh_wfdb_ann *a = &s->a[i];
        if (rh_wfdb_ann_is_qrs(a->type)) {
            r[k].sample = a->sample;
            r[k].aami = (uint8_t)aami_class(a->type);
            k++;
        }
        if (nmark) {
            if (a->type == RH_ANN_VFON && open_at < 0)
                open_at = a->sample;
            else if (a->type == RH_ANN_VFOFF && open_at >= 0) {
                sp[m].from = open_at;
                sp[m].to = a->sample;
                m++;
                open_at = -1;
            }
        } else if (a->type == RH_ANN_RHYTHM) {
            bool vf = is_vf_rhythm(rh_wfdb_ann_aux(s, i));
            if (open_at >= 0) {
                sp[m].from = open_at;
                sp[m].to = a->sample - 1;
                m++;
                open_at = -1;
            }
            if (vf)
                open_at = a->sample;
        }
    }
    if (open_at >= 0 && m < span_cap) {
        sp[m].from = open_at;
        sp[m].to = INT64_MAX;
        m++;
    }
    *ref = r;
    *nref = k;
    *spans = sp;
    *nspans = m;
    return RH_OK;
}

rh_status rh_wfdb_ann_qrs_times(const rh_wfdb_annset *s, int64_t **t, size_t *n, rh_err *err)
{
    *t = NULL;
    *n = 0;
    size_t nq = 0;
    for (size_t i = 0; i < s->n; i++)
        nq += rh_wfdb_ann_is_qrs(s->a[i].type);
    if (nq == 0)
        return RH_OK;
    int64_t *v = rh_malloc(nq * sizeof(*v));
    if (!v)
        return RH_FAIL(err, RH_E_NOMEM, "cannot hold %zu beats", nq);
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++)
        if (rh_wfdb_ann_is_qrs(s->a[i].type))
            v[k++] = s->a[i].sample;
    *t = v;
    *n = k;
    return RH_OK;
}

rh_status rh_wfdb_ann_qrs_labels(const rh_wfdb_annset *s, int64_t **t, char **labels, size_t *n,
                                 rh_err *err)
{
    *labels = NULL;
    rh_status rc = rh_wfdb_ann_qrs_times(s, t, n, err);
    if (rc != RH_OK || *n == 0)
        return rc;
    char *l = rh_malloc(*n);
    if (!l) {
        rh_free(*t);
        *t = NULL;
        *n = 0;
        return RH_FAIL(err, RH_E_NOMEM, "cannot hold beat labels");
    }
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++)
        if (rh_wfdb_ann_is_qrs(s->a[i].type))
            l[k++] = rh_wfdb_ann_mnemonic(s->a[i].type)[0];
    *labels = l;
    return RH_OK;
}

/* SPDX-License-Identifier: MIT */
#include "formats/rrtext.h"

#include "base/alloc.h"
#include "base/buf.h"
#include "base/fileio.h"
#include "base/num.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

#define MAX_TOKENS    4
#define MAX_TOKEN_LEN 63
#define MAX_LABEL_LEN 8

enum tok_kind { TOK_NUM, TOK_CLOCK, TOK_WORD };

typedef struct token {
    const char *p;
    size_t len;
    enum tok_kind kind;
    double value; /* TOK_NUM, TOK_CLOCK (seconds) */
} token;

/* Column layout of the data lines. */
enum shape { SHAPE_NONE, SHAPE_RR, SHAPE_T_RR, SHAPE_RR_L, SHAPE_T_RR_L };

const char *rh_rr_unit_name(enum rh_rr_unit u)
{
    switch (u) {
    case RH_RR_UNIT_S:
        return "s";
    case RH_RR_UNIT_MS:
        return "ms";
    default:
        return "auto";
    }
}

const char *rh_rr_unit_source_name(enum rh_rr_unit_source s)
{
    switch (s) {
    case RH_RR_UNIT_FROM_HEADER:
        return "header";
    case RH_RR_UNIT_FORCED:
        return "forced";
    default:
        return "values";
    }
}

static bool is_sep(char c)
{
    return c == ' ' || c == '\t' || c == ',' || c == ';';
}

/* Copies a token into a NUL-terminated buffer; false if it is too long. */
static bool tok_cstr(const char *p, size_t len, char out[MAX_TOKEN_LEN + 1])
{
    if (len > MAX_TOKEN_LEN)
        return false;
    memcpy(out, p, len);
    out[len] = '\0';
    return true;
}

/* A plain decimal number: [+-]digits[.digits][(e|E)[+-]digits]; no hex, no
 * inf/nan, at least one digit. */
static bool looks_decimal(const char *s)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    int digits = 0;
    while (isdigit((unsigned char)*p)) {
        p++;
        digits++;
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) {
            p++;
            digits++;
        }
    }
    if (digits == 0)
        return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
    }
    return *p == '\0';
}

static bool parse_decimal(const char *s, double *out)
{
    if (!looks_decimal(s))
        return false;
    errno = 0;
    char *end = NULL;
    double v = strtod(s, &end);
    if (*end != '\0' || errno == ERANGE || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* Multiplies a decimal string by 1000 exactly by moving its decimal point, so
 * "0.869" s becomes exactly 869 ms (0.869 * 1000 in binary might not). */
static bool decimal_times_1000(const char *s, double *out)
{
    if (strpbrk(s, "eE")) {
        double v;
        if (!parse_decimal(s, &v))
            return false;
        *out = v * 1000.0;
        return isfinite(*out);
    }
    char tmp[MAX_TOKEN_LEN + 8];
    size_t o = 0;
    const char *p = s;
    if (*p == '+' || *p == '-')
        tmp[o++] = *p++;
    while (isdigit((unsigned char)*p))
        tmp[o++] = *p++;
    int moved = 0;
    if (*p == '.') {
        p++;
        while (moved < 3 && isdigit((unsigned char)*p)) {
            tmp[o++] = *p++;
            moved++;
        }
    }
    for (; moved < 3; moved++)
        tmp[o++] = '0';
    if (*p) {
        tmp[o++] = '.';
        while (*p)
            tmp[o++] = *p++;
    }
    tmp[o] = '\0';
    return parse_decimal(tmp, out);
}

/* "[[hh:]mm:]ss[.fff]" with at least one colon; seconds out. */
static bool parse_clock(const char *s, double *out)
{
    double parts[3];
    int np = 0;
    const char *p = s;
    for (;;) {
        char field[MAX_TOKEN_LEN + 1];
        const char *c = strchr(p, ':');
        size_t flen = c ? (size_t)(c - p) : strlen(p);
        if (np == 3 || flen == 0 || !tok_cstr(p, flen, field))
            return false;
        if (c && strchr(field, '.'))
            return false; /* only the seconds may have decimals */
        if (field[0] == '+' || field[0] == '-')
            return false;
        if (!parse_decimal(field, &parts[np]))
            return false;
        np++;
        if (!c)
            break;
        p = c + 1;
    }
    if (np < 2)
        return false;
    double v = 0;
    for (int i = 0; i < np; i++)
        v = v * 60.0 + parts[i];
    *out = v;
    return true;
}

static void classify(token *t)
{
    char s[MAX_TOKEN_LEN + 1];
    t->kind = TOK_WORD;
    if (!tok_cstr(t->p, t->len, s))
        return;
    if (strchr(s, ':')) {
        if (parse_clock(s, &t->value))
            t->kind = TOK_CLOCK;
        return;
    }
    if (parse_decimal(s, &t->value))
        t->kind = TOK_NUM;
}

/* Splits [p, e) into at most MAX_TOKENS tokens; returns the count (MAX_TOKENS
 * + 1 when there are more). */
static int tokenize(const char *p, const char *e, token *toks)
{
    int n = 0;
    while (p < e) {
        while (p < e && is_sep(*p))
            p++;
        if (p >= e)
            break;
        const char *s = p;
        while (p < e && !is_sep(*p))
            p++;
        if (n == MAX_TOKENS)
            return MAX_TOKENS + 1;
        toks[n].p = s;
        toks[n].len = (size_t)(p - s);
        classify(&toks[n]);
        n++;
    }
    return n;
}

static enum shape shape_of(const token *t, int n)
{
    bool t0 = n >= 1 && (t[0].kind == TOK_NUM || t[0].kind == TOK_CLOCK);
    if (n == 1 && t[0].kind == TOK_NUM)
        return SHAPE_RR;
    if (n == 2 && t0 && t[1].kind == TOK_NUM)
        return SHAPE_T_RR;
    if (n == 2 && t[0].kind == TOK_NUM && t[1].kind == TOK_WORD && t[1].len <= MAX_LABEL_LEN)
        return SHAPE_RR_L;
    if (n == 3 && t0 && t[1].kind == TOK_NUM && t[2].kind == TOK_WORD && t[2].len <= MAX_LABEL_LEN)
        return SHAPE_T_RR_L;
    return SHAPE_NONE;
}

static int shape_columns(enum shape s)
{
    switch (s) {
    case SHAPE_RR:
        return 1;
    case SHAPE_T_RR:
    case SHAPE_RR_L:
        return 2;
    case SHAPE_T_RR_L:
        return 3;
    default:
        return 0;
    }
}

/* Unit words in a header line. Returns bit 1 for seconds, bit 2 for ms; *rr_unit
 * gets the unit named closest after an "rr"/"ibi"/"nn"/"interval" word. */
static unsigned header_units(const char *p, const char *e, enum rh_rr_unit *rr_unit)
{
    const char *line = p;
    unsigned found = 0;
    bool after_rr = false;
    while (p < e) {
        while (p < e && !isalnum((unsigned char)*p))
            p++;
        const char *s = p;
        while (p < e && isalnum((unsigned char)*p))
            p++;
        size_t len = (size_t)(p - s);
        if (len == 0 || len > 20)
            continue;
        char w[24];
        for (size_t i = 0; i < len; i++)
            w[i] = (char)tolower((unsigned char)s[i]);
        w[len] = '\0';
        bool bracketed =
            s > line && p < e && (s[-1] == '(' || s[-1] == '[') && (*p == ')' || *p == ']');
        enum rh_rr_unit u = RH_RR_UNIT_AUTO;
        if (!strcmp(w, "ms") || !strcmp(w, "msec") || !strcmp(w, "msecs") ||
            !strcmp(w, "millisecond") || !strcmp(w, "milliseconds"))
            u = RH_RR_UNIT_MS;
        else if (!strcmp(w, "sec") || !strcmp(w, "secs") || !strcmp(w, "second") ||
                 !strcmp(w, "seconds") || (!strcmp(w, "s") && bracketed))
            u = RH_RR_UNIT_S;
        if (u != RH_RR_UNIT_AUTO) {
            found |= u == RH_RR_UNIT_S ? 1u : 2u;
            if (after_rr && *rr_unit == RH_RR_UNIT_AUTO)
                *rr_unit = u;
            after_rr = false;
            continue;
        }
        if (!strcmp(w, "rr") || !strcmp(w, "ibi") || !strcmp(w, "nn") || !strcmp(w, "interval") ||
            !strcmp(w, "intervals") || !strcmp(w, "rri")) {
            after_rr = true;
            *rr_unit = RH_RR_UNIT_AUTO; /* the last RR word wins */
        }
    }
    return found;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of v[0..n) (copied; v untouched). */
static rh_status median_of(const double *v, size_t n, double *out, rh_err *err)
{
    double *tmp = rh_malloc(n * sizeof(double));
    if (!tmp)
        return RH_FAIL(err, RH_E_NOMEM, "cannot sort %zu values", n);
    memcpy(tmp, v, n * sizeof(double));
    qsort(tmp, n, sizeof(double), cmp_double);
    *out = n % 2 ? tmp[n / 2] : 0.5 * (tmp[n / 2 - 1] + tmp[n / 2]);
    rh_free(tmp);
    return RH_OK;
}

rh_status rh_rrtext_parse(const char *text, size_t len, const char *source,
                          const rh_rrtext_opts *opts, rh_rr_series *out, rh_rrtext_info *info,
                          rh_err *err)
{
    rh_rrtext_info inf;
    memset(&inf, 0, sizeof(inf));
    rh_rr_series s;
    rh_rr_init(&s);
    rh_status rc = RH_OK;
    enum shape shape = SHAPE_NONE;
    bool clock = false;
    enum rh_rr_unit hint_rr = RH_RR_UNIT_AUTO;
    unsigned hint_any = 0;
    struct raw {
        double k;  /* the RR value times 1000, scaled exactly from its text */
        long line; /* where it was read */
    } *rr_k = NULL;
    size_t rr_k_cap = 0;
    long lineno = 0, first_line = 0;
    const char *p = text, *end = text + len;
    if (!source)
        source = "<input>";

    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        const char *next = e ? e + 1 : end;
        if (!e)
            e = end;
        lineno++;
        if (memchr(p, '\0', (size_t)(e - p))) {
            rc = RH_FAIL(err, RH_E_PARSE, "binary data (a NUL byte) in a text file");
            rh_err_at(err, source, lineno, (long)((const char *)memchr(p, '\0', e - p) - p) + 1);
            goto out;
        }
        const char *q = p;
        while (q < e && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        const char *le = e;
        while (le > q && (le[-1] == '\r' || le[-1] == ' ' || le[-1] == '\t'))
            le--;
        if (q == le || *q == '#' || *q == '%' || (le - q >= 2 && q[0] == '/' && q[1] == '/')) {
            inf.comment_lines++;
            p = next;
            continue;
        }
        /* A UTF-8 byte-order mark on the first line is not part of the data. */
        if (lineno == 1 && le - q >= 3 && (unsigned char)q[0] == 0xEF &&
            (unsigned char)q[1] == 0xBB && (unsigned char)q[2] == 0xBF)
            q += 3;
        token toks[MAX_TOKENS];
        int nt = tokenize(q, le, toks);
        bool data =
            nt >= 1 && nt <= MAX_TOKENS && (toks[0].kind == TOK_NUM || toks[0].kind == TOK_CLOCK);
        if (!data) {
            if (shape == SHAPE_NONE) {
                inf.header_lines++;
                hint_any |= header_units(q, le, &hint_rr);
                p = next;
                continue;
            }
            rc = RH_FAIL(err, RH_E_PARSE, "'%.*s' is not a number",
                         (int)(toks[0].len > 40 ? 40 : toks[0].len), toks[0].p);
            rh_err_at(err, source, lineno, (long)(toks[0].p - p) + 1);
            goto out;
        }
        enum shape sh = nt > MAX_TOKENS ? SHAPE_NONE : shape_of(toks, nt);
        if (sh == SHAPE_NONE) {
            /* Point at the first token that does not fit. */
            int bad = 0;
            if (nt > 3)
                bad = 3;
            else
                for (int i = 1; i < nt; i++)
                    if (toks[i].kind != TOK_NUM) {
                        bad = i;
                        break;
                    }
            rc = RH_FAIL(err, RH_E_PARSE,
                         "expected RR, TIME RR, RR LABEL or TIME RR LABEL columns, found %d "
                         "column%s",
                         nt > MAX_TOKENS ? MAX_TOKENS + 1 : nt, nt == 1 ? "" : "s");
            rh_err_at(err, source, lineno, (long)(toks[bad].p - p) + 1);
            goto out;
        }
        if (shape == SHAPE_NONE) {
            shape = sh;
            first_line = lineno;
            clock = (sh == SHAPE_T_RR || sh == SHAPE_T_RR_L) && toks[0].kind == TOK_CLOCK;
        } else if (sh != shape) {
            rc = RH_FAIL(err, RH_E_PARSE, "%d column%s here but %d on the first data line %ld",
                         shape_columns(sh), shape_columns(sh) == 1 ? "" : "s", shape_columns(shape),
                         first_line);
            rh_err_at(err, source, lineno, 1);
            goto out;
        }
        bool has_t = sh == SHAPE_T_RR || sh == SHAPE_T_RR_L;
        if (has_t && (toks[0].kind == TOK_CLOCK) != clock) {
            rc = RH_FAIL(err, RH_E_PARSE, "time written %s here but %s on line %ld",
                         clock ? "as a number" : "as a clock", clock ? "as a clock" : "as a number",
                         first_line);
            rh_err_at(err, source, lineno, 1);
            goto out;
        }
        const token *rt = &toks[has_t ? 1 : 0];
        if (!(rt->value > 0)) {
            rc =
                RH_FAIL(err, RH_E_RANGE, "rr interval '%.*s' is not positive", (int)rt->len, rt->p);
            rh_err_at(err, source, lineno, (long)(rt->p - p) + 1);
            goto out;
        }
        double t = has_t ? toks[0].value : RH_NAN;
        if (has_t && s.n > 0 && !(t > s.t_s[s.n - 1])) {
            rc = RH_FAIL(err, RH_E_RANGE, "time '%.*s' is not after the previous line's",
                         (int)toks[0].len, toks[0].p);
            rh_err_at(err, source, lineno, (long)(toks[0].p - p) + 1);
            goto out;
        }
        if (has_t && t < 0) {
            rc = RH_FAIL(err, RH_E_RANGE, "time '%.*s' is negative", (int)toks[0].len, toks[0].p);
            rh_err_at(err, source, lineno, (long)(toks[0].p - p) + 1);
            goto out;
        }
        char label = 'N';
        if (sh == SHAPE_RR_L || sh == SHAPE_T_RR_L)
            label = toks[nt - 1].p[0];
        /* Raw values for now: rr_ms holds the RR as written; rr_k the same times
         * 1000, in case the unit turns out to be seconds. */
        if (s.n == rr_k_cap) {
            size_t want = rr_k_cap < 1024 ? 1024 : rr_k_cap + rr_k_cap / 2;
            struct raw *k = rh_reallocarray(rr_k, want, sizeof(*k));
            if (!k) {
                rc = RH_FAIL(err, RH_E_NOMEM, "cannot hold %zu rr intervals", want);
                goto out;
            }
            rr_k = k;
            rr_k_cap = want;
        }
        char num[MAX_TOKEN_LEN + 1];
        if (!tok_cstr(rt->p, rt->len, num) || !decimal_times_1000(num, &rr_k[s.n].k)) {
            rc = RH_FAIL(err, RH_E_PARSE, "'%.*s' is not a number", (int)rt->len, rt->p);
            rh_err_at(err, source, lineno, (long)(rt->p - p) + 1);
            goto out;
        }
        rr_k[s.n].line = lineno;
        rc = rh_rr_append(&s, t, rt->value, label, err);
        if (rc != RH_OK) {
            rh_err_at(err, source, lineno, 1);
            goto out;
        }
        p = next;
    }
    if (s.n == 0) {
        rc = RH_FAIL(err, RH_E_INVALID, "no rr intervals found");
        rh_err_at(err, source, 0, 0);
        goto out;
    }

    /* Decide the RR unit. */
    {
        double med;
        rc = median_of(s.rr_ms, s.n, &med, err);
        if (rc != RH_OK)
            goto out;
        enum rh_rr_unit by_values = med <= 5.0     ? RH_RR_UNIT_S
                                    : med >= 100.0 ? RH_RR_UNIT_MS
                                                   : RH_RR_UNIT_AUTO;
        enum rh_rr_unit hint = hint_rr;
        bool has_t = shape == SHAPE_T_RR || shape == SHAPE_T_RR_L;
        if (hint == RH_RR_UNIT_AUTO && !has_t && (hint_any == 1 || hint_any == 2))
            hint = hint_any == 1 ? RH_RR_UNIT_S : RH_RR_UNIT_MS;
        if (opts && opts->unit != RH_RR_UNIT_AUTO) {
            inf.unit = opts->unit;
            inf.source = RH_RR_UNIT_FORCED;
        } else if (hint != RH_RR_UNIT_AUTO) {
            if (by_values != RH_RR_UNIT_AUTO && by_values != hint) {
                rc = RH_FAIL(err, RH_E_INVALID,
                             "the header names the rr unit '%s' but the median interval %g looks "
                             "like '%s'; give the unit explicitly",
                             rh_rr_unit_name(hint), med, rh_rr_unit_name(by_values));
                rh_err_at(err, source, 0, 0);
                goto out;
            }
            inf.unit = hint;
            inf.source = RH_RR_UNIT_FROM_HEADER;
        } else if (by_values != RH_RR_UNIT_AUTO) {
            inf.unit = by_values;
            inf.source = RH_RR_UNIT_FROM_VALUES;
        } else {
            rc = RH_FAIL(err, RH_E_INVALID,
                         "cannot tell whether the rr intervals are in s or ms (median %g); give "
                         "the unit explicitly",
                         med);
            rh_err_at(err, source, 0, 0);
            goto out;
        }
    }
    /* Convert RR to ms (seconds were scaled exactly from their text), check the
     * range. */
    for (size_t i = 0; i < s.n; i++) {
        double v = inf.unit == RH_RR_UNIT_S ? rr_k[i].k : s.rr_ms[i];
        if (v > RH_RRTEXT_MAX_RR_MS) {
            rc = RH_FAIL(err, RH_E_RANGE, "rr interval %g ms is longer than %g ms", v,
                         RH_RRTEXT_MAX_RR_MS);
            rh_err_at(err, source, rr_k[i].line, 0);
            goto out;
        }
        s.rr_ms[i] = v;
    }

    /* Time column. */
    inf.has_time = shape == SHAPE_T_RR || shape == SHAPE_T_RR_L;
    inf.has_labels = shape == SHAPE_RR_L || shape == SHAPE_T_RR_L;
    inf.clock_time = clock;
    if (!inf.has_time) {
        double sum_ms = 0;
        for (size_t i = 0; i < s.n; i++) {
            sum_ms += s.rr_ms[i];
            s.t_s[i] = sum_ms / 1000.0;
        }
        inf.time_unit = RH_RR_UNIT_S;
    } else if (clock || s.n < 2) {
        inf.time_unit = RH_RR_UNIT_S;
    } else {
        double *dt = rh_malloc((s.n - 1) * sizeof(double));
        if (!dt) {
            rc = RH_FAIL(err, RH_E_NOMEM, "cannot hold %zu time steps", s.n);
            goto out;
        }
        for (size_t i = 1; i < s.n; i++)
            dt[i - 1] = s.t_s[i] - s.t_s[i - 1];
        double med_dt, med_rr;
        rc = median_of(dt, s.n - 1, &med_dt, err);
        rh_free(dt);
        if (rc == RH_OK)
            rc = median_of(s.rr_ms, s.n, &med_rr, err);
        if (rc != RH_OK)
            goto out;
        double ratio_s = med_dt * 1000.0 / med_rr; /* time in s: ~1 */
        if (ratio_s >= 0.4 && ratio_s <= 2.5) {
            inf.time_unit = RH_RR_UNIT_S;
        } else if (ratio_s / 1000.0 >= 0.4 && ratio_s / 1000.0 <= 2.5) {
            inf.time_unit = RH_RR_UNIT_MS;
            for (size_t i = 0; i < s.n; i++)
                s.t_s[i] /= 1000.0;
        } else {
            rc = RH_FAIL(err, RH_E_INVALID,
                         "the time column steps by %g per line, which matches the rr intervals "
                         "(median %g ms) neither in s nor in ms",
                         med_dt, med_rr);
            rh_err_at(err, source, 0, 0);
            goto out;
        }
    }
    s.labelled = inf.has_labels;
    s.first_label = inf.has_labels ? 0 : 'N';
    inf.data_lines = s.n;

out:
    rh_free(rr_k);
    if (rc != RH_OK) {
        rh_rr_release(&s);
        return rc;
    }
    rh_rr_release(out);
    *out = s;
    if (info)
        *info = inf;
    return RH_OK;
}

rh_status rh_rrtext_read(const char *path, const rh_rrtext_opts *opts, rh_rr_series *out,
                         rh_rrtext_info *info, rh_err *err)
{
    rh_buf b;
    rh_buf_init(&b, RH_RRTEXT_MAX_BYTES);
    rh_status rc = rh_file_read(path, RH_RRTEXT_MAX_BYTES, &b, err);
    if (rc == RH_OK)
        rc = rh_rrtext_parse(b.data ? b.data : "", b.len, path, opts, out, info, err);
    rh_buf_release(&b);
    return rc;
}

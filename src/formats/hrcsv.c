/* SPDX-License-Identifier: MIT */
#include "formats/hrcsv.h"

#include "base/alloc.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/fileio.h"
#include "base/hash.h"
#include "base/num.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/banned.h"

#define MAX_COLS 64

typedef enum col_role { C_NONE, C_TIME, C_ELAPSED, C_HR, C_TIMEBASE } col_role;

/* Lower-cases, drops spaces/underscores/hyphens and a bracketed unit. */
static void norm(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        char c = s[i];
        if (c == '(' || c == '[')
            break;
        if (c == ' ' || c == '_' || c == '-' || c == '"' || c == '\t' || c == '\r')
            continue;
        out[k++] = (char)tolower((unsigned char)c);
    }
    out[k] = '\0';
}

static col_role role_of(const char *name)
{
    static const char *const time_names[] = {"timestamp", "time", "datetime", "date"};
    static const char *const elapsed_names[] = {"elapsed", "elapseds", "seconds", "times", "ts"};
    static const char *const hr_names[] = {"heartrate", "hr", "bpm", "hrbpm", "heartratebpm"};
    for (size_t i = 0; i < sizeof(time_names) / sizeof(*time_names); i++)
        if (strcmp(name, time_names[i]) == 0)
            return C_TIME;
    for (size_t i = 0; i < sizeof(elapsed_names) / sizeof(*elapsed_names); i++)
        if (strcmp(name, elapsed_names[i]) == 0)
            return C_ELAPSED;
    for (size_t i = 0; i < sizeof(hr_names) / sizeof(*hr_names); i++)
        if (strcmp(name, hr_names[i]) == 0)
            return C_HR;
    if (strcmp(name, "timebase") == 0)
        return C_TIMEBASE;
    return C_NONE;
}

/* Splits `line` in place at `delim` (double quotes honoured). Returns the
 * number of fields, or -1 when there are more than MAX_COLS. */
static int split(char *line, char delim, char **field, size_t *flen)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n >= MAX_COLS)
            return -1;
        if (*p == '"') {
            char *start = ++p, *w = p;
            while (*p && !(*p == '"' && p[1] != '"')) {
                if (*p == '"')
                    p++;
                *w++ = *p++;
            }
            if (*p == '"')
                p++;
            field[n] = start;
            flen[n] = (size_t)(w - start);
            n++;
            while (*p && *p != delim)
                p++;
        } else {
            field[n] = p;
            while (*p && *p != delim)
                p++;
            flen[n] = (size_t)(p - field[n]);
            n++;
        }
        if (*p != delim)
            break;
        p++;
    }
    return n;
}

static char pick_delim(const char *line)
{
    for (const char *p = line; *p; p++)
        if (*p == ',' || *p == ';' || *p == '\t')
            return *p;
    return ',';
}

bool rh_hrcsv_sniff(const void *data, size_t len)
{
    char line[RH_HRCSV_MAX_LINE];
    const char *d = data;
    size_t n = 0;
    size_t i = (len >= 3 && (unsigned char)d[0] == 0xEF && (unsigned char)d[1] == 0xBB &&
                (unsigned char)d[2] == 0xBF)
                   ? 3
                   : 0;
    while (i < len && d[i] != '\n' && n + 1 < sizeof(line)) {
        if (d[i] == '\0')
            return false;
        line[n++] = d[i++];
    }
    line[n] = '\0';
    char delim = pick_delim(line);
    char *field[MAX_COLS];
    size_t flen[MAX_COLS];
    int nf = split(line, delim, field, flen);
    bool hr = false;
    for (int k = 0; k < nf; k++) {
        char nm[64];
        norm(field[k], flen[k], nm, sizeof(nm));
        if (role_of(nm) == C_HR)
            hr = true;
    }
    return hr;
}

/* "[h:]mm:ss[.f]" or plain seconds. */
static bool parse_elapsed(const char *s, double *out)
{
    if (rh_parse_double(s, out, NULL) == RH_OK)
        return *out >= 0;
    double parts[3];
    int np = 0;
    const char *p = s;
    while (np < 3) {
        char tmp[32];
        size_t k = 0;
        while (*p && *p != ':' && k + 1 < sizeof(tmp))
            tmp[k++] = *p++;
        tmp[k] = '\0';
        if (k == 0 || rh_parse_double(tmp, &parts[np], NULL) != RH_OK || parts[np] < 0)
            return false;
        np++;
        if (*p != ':')
            break;
        p++;
    }
    if (*p != '\0' || np < 2)
        return false;
    *out = np == 3 ? parts[0] * 3600 + parts[1] * 60 + parts[2] : parts[0] * 60 + parts[1];
    return true;
}

typedef struct csvctx {
    rh_activity *a;
    const char *name;
    long line;
    char delim;
    int ncols;
    col_role role[MAX_COLS];
    int hr_col, time_col, tb_col;
    bool offset_set;
} csvctx;

static rh_status header(csvctx *c, char *line, rh_err *err)
{
    c->delim = pick_delim(line);
    char *field[MAX_COLS];
    size_t flen[MAX_COLS];
    int nf = split(line, c->delim, field, flen);
    if (nf < 0)
        return RH_FAIL(err, RH_E_LIMIT, "more than %d columns", MAX_COLS);
    c->ncols = nf;
    c->hr_col = c->time_col = c->tb_col = -1;
    for (int k = 0; k < nf; k++) {
        char nm[64];
        norm(field[k], flen[k], nm, sizeof(nm));
        c->role[k] = role_of(nm);
        if (c->role[k] == C_HR && c->hr_col < 0)
            c->hr_col = k;
        else if ((c->role[k] == C_TIME || c->role[k] == C_ELAPSED) && c->time_col < 0)
            c->time_col = k;
        else if (c->role[k] == C_TIMEBASE && c->tb_col < 0)
            c->tb_col = k;
    }
    if (c->hr_col < 0)
        return RH_FAIL(err, RH_E_INVALID,
                       "no heart-rate column in the header (heart_rate, hr, bpm, ...)");
    return RH_OK;
}

static rh_status row(csvctx *c, char *line, rh_err *err)
{
    char *field[MAX_COLS];
    size_t flen[MAX_COLS];
    int nf = split(line, c->delim, field, flen);
    if (nf < 0)
        return RH_FAIL(err, RH_E_LIMIT, "more than %d columns", MAX_COLS);
    if (nf == 1 && flen[0] == 0)
        return RH_OK; /* blank line */
    char cell[256];
#define CELL(k)                                                                      \
    ((k) < nf ? (snprintf(cell, sizeof(cell), "%.*s", (int)flen[k], field[k]), cell) \
              : (cell[0] = '\0', cell))
    long col_of[MAX_COLS];
    long pos = 1;
    for (int k = 0; k < nf; k++) {
        col_of[k] = pos;
        pos += (long)flen[k] + 1;
    }
    double hr = RH_NAN;
    const char *s = CELL(c->hr_col);
    while (*s == ' ')
        s++;
    if (*s) {
        if (rh_parse_double(s, &hr, NULL) != RH_OK || hr < 0) {
            rh_status st = RH_FAIL(err, RH_E_PARSE, "heart rate '%.40s' is not a number >= 0", s);
            rh_err_at(err, c->name, c->line, c->hr_col < nf ? col_of[c->hr_col] : 0);
            return st;
        }
    }
    rh_time_base tb = RH_TIME_NONE;
    int64_t t_ms = 0;
    if (c->time_col >= 0) {
        s = CELL(c->time_col);
        while (*s == ' ')
            s++;
        if (*s) {
            double v;
            int off = 0;
            bool zone = false;
            if (c->role[c->time_col] == C_TIME &&
                rh_time_parse_iso8601(s, &v, &off, &zone, NULL) == RH_OK) {
                tb = RH_TIME_UTC;
                if (off != 0 && !c->offset_set) {
                    c->offset_set = true;
                    c->a->has_local_offset = true;
                    c->a->local_offset_s = off * 60;
                }
            } else if (parse_elapsed(s, &v)) {
                tb = RH_TIME_ELAPSED;
            } else {
                rh_status st = RH_FAIL(err, RH_E_PARSE,
                                       "time '%.40s' is neither an ISO 8601 date-time nor "
                                       "elapsed seconds",
                                       s);
                rh_err_at(err, c->name, c->line, col_of[c->time_col]);
                return st;
            }
            /* Beyond about 3,000 years either way the milliseconds no longer
             * fit an int64 exactly: such a time is damage, not data. */
            if (!(fabs(v) <= 1e11)) {
                rh_status st = RH_FAIL(err, RH_E_RANGE, "time '%.40s' is out of range", s);
                rh_err_at(err, c->name, c->line, col_of[c->time_col]);
                return st;
            }
            t_ms = (int64_t)llround(v * 1000.0);
            if (c->tb_col >= 0 && tb == RH_TIME_UTC) {
                const char *b = CELL(c->tb_col);
                if (strcmp(b, "system") == 0)
                    tb = RH_TIME_SYSTEM;
            }
        }
    }
#undef CELL
    return rh_activity_add_point(c->a, t_ms, tb, hr, NULL, err);
}

rh_status rh_hrcsv_read_mem(const void *data, size_t len, const char *name, rh_activity *act,
                            rh_err *err)
{
    csvctx c = {0};
    c.a = act;
    c.name = name ? name : "<input>";
    act->format = RH_ACTIVITY_CSV;
    rh_status st = RH_OK;
    const char *d = data ? data : "";
    size_t i = 0;
    if (len >= 3 && (unsigned char)d[0] == 0xEF && (unsigned char)d[1] == 0xBB &&
        (unsigned char)d[2] == 0xBF)
        i = 3;
    char line[RH_HRCSV_MAX_LINE + 1];
    bool have_header = false;
    while (i < len) {
        size_t n = 0;
        c.line++;
        while (i < len && d[i] != '\n') {
            if (n >= RH_HRCSV_MAX_LINE) {
                st = RH_FAIL(err, RH_E_LIMIT, "line longer than %d bytes", RH_HRCSV_MAX_LINE);
                rh_err_at(err, c.name, c.line, 0);
                goto out;
            }
            if (d[i] == '\0') {
                st = RH_FAIL(err, RH_E_PARSE, "NUL byte in a CSV file");
                rh_err_at(err, c.name, c.line, (long)n + 1);
                goto out;
            }
            line[n++] = d[i++];
        }
        i++; /* the newline */
        if (n > 0 && line[n - 1] == '\r')
            n--;
        line[n] = '\0';
        if (!have_header) {
            st = header(&c, line, err);
            if (st != RH_OK) {
                rh_err_at(err, c.name, c.line, 1);
                goto out;
            }
            have_header = true;
        } else {
            st = row(&c, line, err);
            if (st != RH_OK)
                goto out;
        }
    }
    if (!have_header) {
        st = RH_FAIL(err, RH_E_INVALID, "empty CSV file");
        rh_err_at(err, c.name, 0, 0);
        goto out;
    }
    snprintf(act->source, sizeof(act->source), "%s", c.name);
    rh_sha256_hex(d, len, act->sha256);
    act->size_bytes = len;
    st = rh_activity_finish(act, err);
out:
    if (st != RH_OK)
        rh_activity_release(act);
    return st;
}

/* CSV files are read whole, with a cap: they are exports of at most days of
 * 1 Hz data (a week at 1 Hz is about 20 MB). */
#define CSV_MAX_BYTES ((size_t)256 << 20)

rh_status rh_hrcsv_read_file(const char *path, rh_activity *act, rh_err *err)
{
    rh_buf b;
    rh_buf_init(&b, CSV_MAX_BYTES);
    rh_status st = rh_file_read(path, CSV_MAX_BYTES, &b, err);
    if (st == RH_OK)
        st = rh_hrcsv_read_mem(b.data, b.len, path, act, err);
    else
        rh_activity_release(act);
    rh_buf_release(&b);
    return st;
}

/* SPDX-License-Identifier: MIT */
#include "formats/xmltrack.h"

#include "base/alloc.h"
#include "base/date.h"
#include "base/hash.h"
#include "base/num.h"

#include <errno.h>
#include <expat.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/banned.h"

#define MAX_DEPTH 64
#define TEXT_CAP  128
#define CHUNK     (64u * 1024u)

/* Element kinds the readers care about; everything else is E_OTHER. */
typedef enum el {
    E_OTHER = 0,
    /* TCX */
    E_TCD,
    E_ACTIVITY,
    E_LAP,
    E_TOTALTIME,
    E_DISTANCE,
    E_AVGHR,
    E_MAXHR,
    E_VALUE,
    E_TRACKPOINT,
    E_TIME,
    E_POSITION,
    E_LAT,
    E_LON,
    E_ALTITUDE,
    E_HRBPM,
    E_CADENCE,
    E_CREATOR,
    E_NAME,
    E_EXTENSIONS,
    E_SPEED,
    E_WATTS,
    /* GPX */
    E_GPX,
    E_TRKPT,
    E_ELE,
    E_HR,
    E_CAD,
} el;

typedef enum kind { K_UNKNOWN, K_TCX, K_GPX } kind;

typedef struct xctx {
    XML_Parser p;
    rh_activity *a;
    rh_err *err;
    rh_status st;
    const char *name;
    kind kind;
    int depth; /* current element depth (may exceed MAX_DEPTH) */
    el stack[MAX_DEPTH];
    bool collecting;
    bool text_overflow;
    char text[TEXT_CAP];
    size_t text_len;
    bool local_offset_set;
    /* current trackpoint */
    bool in_point;
    double pt_t_s;
    bool pt_has_time;
    double pt_hr, pt_col[RH_COL_COUNT];
    bool pt_hr_seen;
    /* current lap / activity */
    bool in_lap;
    rh_activity_summary lap;
    bool in_activity;
    rh_activity_summary session;
    bool session_has_lap;
    bool creator_done;
} xctx;

static el classify(kind k, const char *local)
{
#define IS(s) (strcmp(local, s) == 0)
    if (k == K_TCX) {
        if (IS("TrainingCenterDatabase"))
            return E_TCD;
        if (IS("Activity"))
            return E_ACTIVITY;
        if (IS("Lap"))
            return E_LAP;
        if (IS("TotalTimeSeconds"))
            return E_TOTALTIME;
        if (IS("DistanceMeters"))
            return E_DISTANCE;
        if (IS("AverageHeartRateBpm"))
            return E_AVGHR;
        if (IS("MaximumHeartRateBpm"))
            return E_MAXHR;
        if (IS("Value"))
            return E_VALUE;
        if (IS("Trackpoint"))
            return E_TRACKPOINT;
        if (IS("Time"))
            return E_TIME;
        if (IS("Position"))
            return E_POSITION;
        if (IS("LatitudeDegrees"))
            return E_LAT;
        if (IS("LongitudeDegrees"))
            return E_LON;
        if (IS("AltitudeMeters"))
            return E_ALTITUDE;
        if (IS("HeartRateBpm"))
            return E_HRBPM;
        if (IS("Cadence"))
            return E_CADENCE;
        if (IS("Creator"))
            return E_CREATOR;
        if (IS("Name"))
            return E_NAME;
        if (IS("Extensions"))
            return E_EXTENSIONS;
        if (IS("Speed"))
            return E_SPEED;
        if (IS("Watts"))
            return E_WATTS;
    } else {
        if (IS("gpx"))
            return E_GPX;
        if (IS("trkpt"))
            return E_TRKPT;
        if (IS("ele"))
            return E_ELE;
        if (IS("time"))
            return E_TIME;
        if (IS("extensions"))
            return E_EXTENSIONS;
        if (IS("hr") || IS("heartrate"))
            return E_HR;
        if (IS("cad"))
            return E_CAD;
    }
    return E_OTHER;
#undef IS
}

/* Expat reports "uri local" (separator ' ') or just "local". */
static const char *local_name(const char *n)
{
    const char *sp = strrchr(n, ' ');
    return sp ? sp + 1 : n;
}

static el parent(const xctx *x, int up)
{
    int i = x->depth - 1 - up; /* depth counts the current element */
    return i >= 0 && i < MAX_DEPTH ? x->stack[i] : E_OTHER;
}

static void stop(xctx *x, rh_status st)
{
    if (x->st == RH_OK)
        x->st = st;
    XML_StopParser(x->p, XML_FALSE);
}

static void at_here(xctx *x)
{
    rh_err_at(x->err, x->name, (long)XML_GetCurrentLineNumber(x->p),
              (long)XML_GetCurrentColumnNumber(x->p) + 1);
}

static void warn_value(xctx *x, const char *what, const char *text)
{
    rh_activity_warn(x->a, "%s '%.40s' at line %lu is not a number", what, text,
                     (unsigned long)XML_GetCurrentLineNumber(x->p));
}

static bool parse_num(xctx *x, const char *what, const char *text, double *out)
{
    if (rh_parse_double(text, out, NULL) == RH_OK)
        return true;
    warn_value(x, what, text);
    return false;
}

static bool parse_time(xctx *x, const char *text, double *unix_s)
{
    int off = 0;
    bool zone = false;
    if (rh_time_parse_iso8601(text, unix_s, &off, &zone, NULL) != RH_OK) {
        rh_activity_warn(x->a, "time '%.40s' at line %lu is not an ISO 8601 date-time", text,
                         (unsigned long)XML_GetCurrentLineNumber(x->p));
        return false;
    }
    if (off != 0 && !x->local_offset_set) {
        x->local_offset_set = true;
        x->a->has_local_offset = true;
        x->a->local_offset_s = off * 60;
    }
    return true;
}

static int64_t to_ms(double unix_s)
{
    return (int64_t)llround(unix_s * 1000.0);
}

static const char *attr(const char **atts, const char *name)
{
    for (int i = 0; atts[i]; i += 2)
        if (strcmp(local_name(atts[i]), name) == 0)
            return atts[i + 1];
    return NULL;
}

static void point_begin(xctx *x)
{
    x->in_point = true;
    x->pt_has_time = false;
    x->pt_hr = RH_NAN;
    x->pt_hr_seen = false;
    for (int c = 0; c < RH_COL_COUNT; c++)
        x->pt_col[c] = RH_NAN;
}

static void point_end(xctx *x)
{
    size_t i;
    x->in_point = false;
    rh_status st =
        rh_activity_add_point(x->a, x->pt_has_time ? to_ms(x->pt_t_s) : 0,
                              x->pt_has_time ? RH_TIME_UTC : RH_TIME_NONE, x->pt_hr, &i, x->err);
    for (int c = 0; st == RH_OK && c < RH_COL_COUNT; c++)
        st = rh_activity_set_col(x->a, i, (rh_activity_col)c, x->pt_col[c], x->err);
    if (st != RH_OK)
        stop(x, st);
}

static void XMLCALL on_start(void *ud, const char *name, const char **atts)
{
    xctx *x = ud;
    if (x->st != RH_OK)
        return;
    const char *local = local_name(name);
    if (x->depth == 0) {
        if (strcmp(local, "TrainingCenterDatabase") == 0) {
            x->kind = K_TCX;
            x->a->format = RH_ACTIVITY_TCX;
        } else if (strcmp(local, "gpx") == 0) {
            x->kind = K_GPX;
            x->a->format = RH_ACTIVITY_GPX;
            const char *creator = attr(atts, "creator");
            if (creator) {
                rh_activity_device d;
                rh_activity_device_clear(&d);
                snprintf(d.name, sizeof(d.name), "%s", creator);
                rh_status st = rh_activity_add_device(x->a, &d, x->err);
                if (st != RH_OK) {
                    stop(x, st);
                    return;
                }
            }
        } else {
            RH_FAIL(x->err, RH_E_INVALID,
                    "root element is '%.60s', not a TCX TrainingCenterDatabase or a GPX gpx",
                    local);
            at_here(x);
            stop(x, RH_E_INVALID);
            return;
        }
    }
    el e = classify(x->kind, local);
    if (x->depth < MAX_DEPTH)
        x->stack[x->depth] = e;
    x->depth++;
    x->collecting = false;
    el p1 = parent(x, 1);
    if (x->kind == K_TCX) {
        switch (e) {
        case E_ACTIVITY: {
            x->in_activity = true;
            x->session_has_lap = false;
            rh_activity_summary_clear(&x->session);
            const char *sport = attr(atts, "Sport");
            if (sport) {
                snprintf(x->session.sport_name, sizeof(x->session.sport_name), "%s", sport);
                if (strcmp(sport, "Running") == 0)
                    x->session.sport = 1;
                else if (strcmp(sport, "Biking") == 0)
                    x->session.sport = 2;
            }
            break;
        }
        case E_LAP:
            if (p1 == E_ACTIVITY) {
                x->in_lap = true;
                rh_activity_summary_clear(&x->lap);
                x->lap.sport = x->session.sport;
                snprintf(x->lap.sport_name, sizeof(x->lap.sport_name), "%s", x->session.sport_name);
                const char *st = attr(atts, "StartTime");
                double t;
                if (st && parse_time(x, st, &t)) {
                    x->lap.has_start = true;
                    x->lap.start_time_base = RH_TIME_UTC;
                    x->lap.start_ms = to_ms(t);
                }
            }
            break;
        case E_TRACKPOINT:
            point_begin(x);
            break;
        default:
            break;
        }
        /* Leaves whose text is read. */
        switch (e) {
        case E_TOTALTIME:
        case E_DISTANCE:
        case E_VALUE:
        case E_TIME:
        case E_LAT:
        case E_LON:
        case E_ALTITUDE:
        case E_CADENCE:
        case E_NAME:
        case E_SPEED:
        case E_WATTS:
            x->collecting = true;
            break;
        default:
            break;
        }
    } else if (x->kind == K_GPX) {
        if (e == E_TRKPT) {
            point_begin(x);
            const char *lat = attr(atts, "lat"), *lon = attr(atts, "lon");
            double v;
            if (lat && parse_num(x, "lat", lat, &v))
                x->pt_col[RH_COL_LAT_DEG] = v;
            if (lon && parse_num(x, "lon", lon, &v))
                x->pt_col[RH_COL_LON_DEG] = v;
        }
        if (x->in_point && (e == E_ELE || e == E_TIME || e == E_HR || e == E_CAD))
            x->collecting = true;
    }
    x->text_len = 0;
    x->text_overflow = false;
}

static void XMLCALL on_text(void *ud, const char *s, int len)
{
    xctx *x = ud;
    if (!x->collecting || len <= 0)
        return;
    size_t n = (size_t)len;
    if (x->text_len + n >= TEXT_CAP) {
        x->text_overflow = true;
        return;
    }
    memcpy(x->text + x->text_len, s, n);
    x->text_len += n;
}

/* The collected text without surrounding white space. */
static const char *text(xctx *x)
{
    x->text[x->text_len] = '\0';
    char *s = x->text;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static void tcx_end(xctx *x, el e)
{
    el p1 = parent(x, 1), p2 = parent(x, 2);
    const char *t = x->collecting ? text(x) : "";
    double v;
    switch (e) {
    case E_TIME:
        if (x->in_point && p1 == E_TRACKPOINT && parse_time(x, t, &v)) {
            x->pt_t_s = v;
            x->pt_has_time = true;
        }
        break;
    case E_LAT:
        if (x->in_point && p1 == E_POSITION && parse_num(x, "LatitudeDegrees", t, &v))
            x->pt_col[RH_COL_LAT_DEG] = v;
        break;
    case E_LON:
        if (x->in_point && p1 == E_POSITION && parse_num(x, "LongitudeDegrees", t, &v))
            x->pt_col[RH_COL_LON_DEG] = v;
        break;
    case E_ALTITUDE:
        if (x->in_point && p1 == E_TRACKPOINT && parse_num(x, "AltitudeMeters", t, &v))
            x->pt_col[RH_COL_ALTITUDE_M] = v;
        break;
    case E_DISTANCE:
        if (x->in_point && p1 == E_TRACKPOINT) {
            if (parse_num(x, "DistanceMeters", t, &v))
                x->pt_col[RH_COL_DISTANCE_M] = v;
        } else if (x->in_lap && p1 == E_LAP && parse_num(x, "DistanceMeters", t, &v)) {
            x->lap.distance_m = v;
        }
        break;
    case E_CADENCE:
        if (x->in_point && p1 == E_TRACKPOINT && parse_num(x, "Cadence", t, &v))
            x->pt_col[RH_COL_CADENCE_RPM] = v;
        break;
    case E_SPEED:
        if (x->in_point && parse_num(x, "Speed", t, &v))
            x->pt_col[RH_COL_SPEED_M_S] = v;
        break;
    case E_WATTS:
        if (x->in_point && parse_num(x, "Watts", t, &v))
            x->pt_col[RH_COL_POWER_W] = v;
        break;
    case E_VALUE:
        if (x->in_point && p1 == E_HRBPM && p2 == E_TRACKPOINT) {
            if (parse_num(x, "HeartRateBpm", t, &v))
                x->pt_hr = v;
        } else if (x->in_lap && p2 == E_LAP && (p1 == E_AVGHR || p1 == E_MAXHR)) {
            if (parse_num(x, p1 == E_AVGHR ? "AverageHeartRateBpm" : "MaximumHeartRateBpm", t,
                          &v)) {
                if (p1 == E_AVGHR)
                    x->lap.avg_hr_bpm = v;
                else
                    x->lap.max_hr_bpm = v;
            }
        }
        break;
    case E_TOTALTIME:
        if (x->in_lap && p1 == E_LAP && parse_num(x, "TotalTimeSeconds", t, &v))
            x->lap.total_elapsed_s = x->lap.total_timer_s = v;
        break;
    case E_NAME:
        if (p1 == E_CREATOR && p2 == E_ACTIVITY && !x->creator_done) {
            x->creator_done = true;
            rh_activity_device d;
            rh_activity_device_clear(&d);
            snprintf(d.name, sizeof(d.name), "%s", t);
            rh_status st = rh_activity_add_device(x->a, &d, x->err);
            if (st != RH_OK)
                stop(x, st);
        }
        break;
    case E_TRACKPOINT:
        if (x->in_point)
            point_end(x);
        break;
    case E_LAP:
        if (x->in_lap && p1 == E_ACTIVITY) {
            x->in_lap = false;
            rh_activity_summary *s = &x->session;
            if (!x->session_has_lap) {
                s->has_start = x->lap.has_start;
                s->start_time_base = x->lap.start_time_base;
                s->start_ms = x->lap.start_ms;
                s->total_elapsed_s = s->total_timer_s = s->distance_m = 0.0;
            }
            x->session_has_lap = true;
            s->total_elapsed_s += x->lap.total_elapsed_s;
            s->total_timer_s = s->total_elapsed_s;
            s->distance_m += x->lap.distance_m;
            if (!isnan(x->lap.max_hr_bpm) && !(s->max_hr_bpm >= x->lap.max_hr_bpm))
                s->max_hr_bpm = x->lap.max_hr_bpm;
            rh_status st = rh_activity_add_lap(x->a, &x->lap, x->err);
            if (st != RH_OK)
                stop(x, st);
        }
        break;
    case E_ACTIVITY:
        if (x->in_activity) {
            x->in_activity = false;
            rh_status st = rh_activity_add_session(x->a, &x->session, x->err);
            if (st != RH_OK)
                stop(x, st);
        }
        break;
    default:
        break;
    }
}

static void gpx_end(xctx *x, el e)
{
    if (!x->in_point)
        return;
    el p1 = parent(x, 1);
    const char *t = x->collecting ? text(x) : "";
    double v;
    switch (e) {
    case E_TIME:
        if (p1 == E_TRKPT && parse_time(x, t, &v)) {
            x->pt_t_s = v;
            x->pt_has_time = true;
        }
        break;
    case E_ELE:
        if (p1 == E_TRKPT && parse_num(x, "ele", t, &v))
            x->pt_col[RH_COL_ALTITUDE_M] = v;
        break;
    case E_HR:
        if (!x->pt_hr_seen) {
            /* Only inside the point's extensions. */
            bool inside = false;
            for (int up = 1; up < x->depth; up++) {
                el a = parent(x, up);
                if (a == E_EXTENSIONS)
                    inside = true;
                if (a == E_TRKPT)
                    break;
            }
            if (inside) {
                x->pt_hr_seen = true;
                if (parse_num(x, "hr", t, &v))
                    x->pt_hr = v;
            }
        }
        break;
    case E_CAD:
        if (parse_num(x, "cad", t, &v))
            x->pt_col[RH_COL_CADENCE_RPM] = v;
        break;
    case E_TRKPT:
        point_end(x);
        break;
    default:
        break;
    }
}

static void XMLCALL on_end(void *ud, const char *name)
{
    (void)name;
    xctx *x = ud;
    if (x->st != RH_OK || x->depth == 0)
        return; /* stopped: expat may still close the current element */
    el e = x->depth - 1 < MAX_DEPTH ? x->stack[x->depth - 1] : E_OTHER;
    if (x->collecting && x->text_overflow) {
        rh_activity_warn(x->a, "a value longer than %d bytes at line %lu was ignored", TEXT_CAP - 1,
                         (unsigned long)XML_GetCurrentLineNumber(x->p));
        x->collecting = false;
    }
    if (x->kind == K_TCX)
        tcx_end(x, e);
    else if (x->kind == K_GPX)
        gpx_end(x, e);
    x->collecting = false;
    x->depth--;
}

static void XMLCALL on_entity_decl(void *ud, const XML_Char *entityName, int is_parameter_entity,
                                   const XML_Char *value, int value_length, const XML_Char *base,
                                   const XML_Char *systemId, const XML_Char *publicId,
                                   const XML_Char *notationName)
{
    (void)is_parameter_entity;
    (void)value;
    (void)value_length;
    (void)base;
    (void)systemId;
    (void)publicId;
    (void)notationName;
    xctx *x = ud;
    RH_FAIL(x->err, RH_E_INVALID, "entity declaration '%.60s' refused (no entities in TCX/GPX)",
            entityName);
    at_here(x);
    stop(x, RH_E_INVALID);
}

static void XMLCALL on_skipped_entity(void *ud, const XML_Char *entityName, int is_parameter_entity)
{
    (void)is_parameter_entity;
    xctx *x = ud;
    RH_FAIL(x->err, RH_E_INVALID,
            "reference to entity '%.60s', which would need an external DTD (never loaded)",
            entityName);
    at_here(x);
    stop(x, RH_E_INVALID);
}

bool rh_xmltrack_sniff(const void *data, size_t len)
{
    const unsigned char *p = data;
    size_t i = 0;
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        i = 3;
    while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    return i < len && p[i] == '<';
}

static void *x_malloc(size_t n)
{
    return rh_malloc(n);
}
static void *x_realloc(void *p, size_t n)
{
    return rh_realloc(p, n);
}
static void x_free(void *p)
{
    rh_free(p);
}

typedef struct feeder {
    const unsigned char *mem;
    size_t len, off;
    int fd;
} feeder;

static rh_status run(feeder *f, const char *name, rh_activity *act, rh_err *err)
{
    static const XML_Memory_Handling_Suite mm = {x_malloc, x_realloc, x_free};
    rh_status st = RH_OK;
    rh_sha256 sha;
    rh_sha256_init(&sha);
    uint64_t total = 0;
    xctx *x = rh_calloc(1, sizeof(*x));
    XML_Parser p = x ? XML_ParserCreate_MM(NULL, &mm, " ") : NULL;
    if (!p) {
        st = RH_FAIL(err, RH_E_NOMEM, "out of memory reading '%s'", name);
        goto out;
    }
    x->p = p;
    x->a = act;
    x->err = err;
    x->name = name;
    XML_SetUserData(p, x);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    XML_SetEntityDeclHandler(p, on_entity_decl);
    XML_SetSkippedEntityHandler(p, on_skipped_entity);
    XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
    for (;;) {
        void *buf = XML_GetBuffer(p, CHUNK);
        if (!buf) {
            st = RH_FAIL(err, RH_E_NOMEM, "out of memory reading '%s'", name);
            goto out;
        }
        size_t n;
        if (f->mem) {
            n = f->len - f->off < CHUNK ? f->len - f->off : CHUNK;
            memcpy(buf, f->mem + f->off, n);
            f->off += n;
        } else {
            ssize_t r;
            do
                r = read(f->fd, buf, CHUNK);
            while (r < 0 && errno == EINTR);
            if (r < 0) {
                st = RH_FAIL_ERRNO(err, RH_E_IO, errno, "cannot read '%s'", name);
                goto out;
            }
            n = (size_t)r;
        }
        rh_sha256_update(&sha, buf, n);
        total += n;
        if (XML_ParseBuffer(p, (int)n, n == 0) != XML_STATUS_OK) {
            if (x->st != RH_OK) {
                st = x->st;
            } else if (XML_GetErrorCode(p) == XML_ERROR_NO_MEMORY) {
                st = RH_FAIL(err, RH_E_NOMEM, "out of memory reading '%s'", name);
            } else {
                st = RH_FAIL(err, RH_E_PARSE, "malformed XML: %s",
                             XML_ErrorString(XML_GetErrorCode(p)));
                at_here(x);
            }
            goto out;
        }
        if (n == 0)
            break;
    }
    if (x->kind == K_UNKNOWN) {
        st = RH_FAIL(err, RH_E_INVALID, "no root element");
        rh_err_at(err, name, 0, 0);
        goto out;
    }
    snprintf(act->source, sizeof(act->source), "%s", name);
    rh_sha256_final_hex(&sha, act->sha256);
    act->size_bytes = total;
    st = rh_activity_finish(act, err);
out:
    if (p)
        XML_ParserFree(p);
    rh_free(x);
    if (st != RH_OK) {
        if (err && err->source[0] == '\0')
            rh_err_at(err, name, 0, 0);
        rh_activity_release(act);
    }
    return st;
}

rh_status rh_xmltrack_read_mem(const void *data, size_t len, const char *name, rh_activity *act,
                               rh_err *err)
{
    feeder f = {data ? (const unsigned char *)data : (const unsigned char *)"", data ? len : 0, 0,
                -1};
    return run(&f, name ? name : "<input>", act, err);
}

rh_status rh_xmltrack_read_file(const char *path, rh_activity *act, rh_err *err)
{
    int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rh_status st = RH_FAIL_ERRNO(err, RH_E_IO, errno, "cannot open '%s'", path);
        rh_activity_release(act);
        return st;
    }
    feeder f = {NULL, 0, 0, fd};
    rh_status st = run(&f, path, act, err);
    if (fd != STDIN_FILENO)
        close(fd);
    return st;
}

/* SPDX-License-Identifier: MIT */
#include "signal/activity.h"

#include "base/alloc.h"
#include "base/date.h"
#include "base/num.h"
#include "signal/load.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

void rh_activity_summary_clear(rh_activity_summary *s)
{
    memset(s, 0, sizeof(*s));
    s->sport = -1;
    s->sub_sport = -1;
    s->total_elapsed_s = RH_NAN;
    s->total_timer_s = RH_NAN;
    s->distance_m = RH_NAN;
    s->avg_hr_bpm = RH_NAN;
    s->max_hr_bpm = RH_NAN;
}

void rh_activity_device_clear(rh_activity_device *d)
{
    memset(d, 0, sizeof(*d));
    d->manufacturer = -1;
    d->product = -1;
    d->device_index = -1;
    d->device_type = -1;
    d->serial = -1;
    d->software_version = RH_NAN;
}

void rh_activity_init(rh_activity *a, rh_activity_format format)
{
    memset(a, 0, sizeof(*a));
    a->format = format;
    a->file_type = -1;
    a->sport = -1;
    a->sub_sport = -1;
    a->duration_s = RH_NAN;
}

void rh_activity_release(rh_activity *a)
{
    if (!a)
        return;
    rh_activity_format f = a->format;
    rh_free(a->points);
    for (int c = 0; c < RH_COL_COUNT; c++)
        rh_free(a->cols[c]);
    rh_free(a->rr_ms);
    rh_free(a->laps);
    rh_free(a->sessions);
    rh_free(a->devices);
    rh_free(a->events);
    rh_free(a->beats);
    rh_free(a->devfields);
    rh_free(a->counts);
    rh_free(a->hr_t_s);
    rh_free(a->hr_bpm);
    rh_activity_init(a, f);
}

/* Grows *arr (elements of `size` bytes) so that one more fits. */
static rh_status grow(void **arr, size_t *cap, size_t n, size_t size, size_t max, const char *what,
                      rh_err *err)
{
    if (n < *cap)
        return RH_OK;
    if (n >= max)
        return RH_FAIL(err, RH_E_LIMIT, "more than %zu %s", max, what);
    size_t ncap = *cap ? *cap * 2 : 64;
    if (ncap > max)
        ncap = max;
    void *p = rh_reallocarray(*arr, ncap, size);
    if (!p)
        return RH_FAIL(err, RH_E_NOMEM, "out of memory storing %s", what);
    *arr = p;
    *cap = ncap;
    return RH_OK;
}

/* Grows the samples and every allocated column together. */
static rh_status grow_points(rh_activity *a, rh_err *err)
{
    size_t old = a->cap_points;
    rh_status st = grow((void **)&a->points, &a->cap_points, a->npoints, sizeof(*a->points),
                        RH_ACTIVITY_MAX_POINTS, "samples", err);
    if (st != RH_OK)
        return st;
    for (int c = 0; c < RH_COL_COUNT; c++) {
        if (!a->cols[c])
            continue;
        double *p = rh_reallocarray(a->cols[c], a->cap_points, sizeof(double));
        if (!p) {
            a->cap_points = old; /* columns keep the old size; retry later */
            return RH_FAIL(err, RH_E_NOMEM, "out of memory storing samples");
        }
        a->cols[c] = p;
    }
    return RH_OK;
}

void rh_activity_reserve(rh_activity *a, size_t n)
{
    if (n > RH_ACTIVITY_MAX_POINTS)
        n = RH_ACTIVITY_MAX_POINTS;
    if (n <= a->cap_points || a->npoints > 0)
        return;
    for (int c = 0; c < RH_COL_COUNT; c++)
        if (a->cols[c])
            return;
    rh_activity_point *p = rh_reallocarray(a->points, n, sizeof(*p));
    if (p) {
        a->points = p;
        a->cap_points = n;
    }
}

/* The first value of columns not allocated yet (bit c of `fresh`). */
static __attribute__((noinline)) rh_status
add_fresh_cols(rh_activity *a, size_t i, const double *cols, unsigned fresh, rh_err *err)
{
    for (int c = 0; c < RH_COL_COUNT; c++) {
        if (!(fresh >> c & 1u))
            continue;
        rh_status st = rh_activity_set_col(a, i, (rh_activity_col)c, cols[c], err);
        if (st != RH_OK) {
            a->npoints--; /* nothing half-added */
            return st;
        }
    }
    return RH_OK;
}

rh_status rh_activity_add_point_cols(rh_activity *a, int64_t t_ms, rh_time_base tb, double hr_bpm,
                                     const double *cols, size_t *index, rh_err *err)
{
    if (a->npoints >= a->cap_points) {
        rh_status st = grow_points(a, err);
        if (st != RH_OK)
            return st;
    }
    size_t i = a->npoints;
    rh_activity_point *p = &a->points[i];
    p->t_ms = tb == RH_TIME_NONE ? 0 : t_ms;
    p->hr_bpm = hr_bpm;
    p->time_base = (uint8_t)tb;
    p->segment = (uint8_t)(a->segments > 255 ? 255 : a->segments);
    a->npoints++;
    /* Every allocated column gets its value (NaN = absent); a value for a
     * column not allocated yet allocates it (once per column). */
    unsigned fresh = 0;
#define RH_PUT_COL(c)                \
    do {                             \
        if (a->cols[c])              \
            a->cols[c][i] = cols[c]; \
        else if (!isnan(cols[c]))    \
            fresh |= 1u << (c);      \
    } while (0)
    RH_PUT_COL(RH_COL_DISTANCE_M);
    RH_PUT_COL(RH_COL_SPEED_M_S);
    RH_PUT_COL(RH_COL_ALTITUDE_M);
    RH_PUT_COL(RH_COL_CADENCE_RPM);
    RH_PUT_COL(RH_COL_POWER_W);
    RH_PUT_COL(RH_COL_LAT_DEG);
    RH_PUT_COL(RH_COL_LON_DEG);
#undef RH_PUT_COL
    _Static_assert(RH_COL_COUNT == 7, "one RH_PUT_COL per column");
    if (fresh) {
        rh_status st = add_fresh_cols(a, i, cols, fresh, err);
        if (st != RH_OK)
            return st;
    }
    if (index)
        *index = i;
    return RH_OK;
}

rh_status rh_activity_add_point(rh_activity *a, int64_t t_ms, rh_time_base tb, double hr_bpm,
                                size_t *index, rh_err *err)
{
    static const double none[RH_COL_COUNT] = {RH_NAN, RH_NAN, RH_NAN, RH_NAN,
                                              RH_NAN, RH_NAN, RH_NAN};
    return rh_activity_add_point_cols(a, t_ms, tb, hr_bpm, none, index, err);
}

rh_status rh_activity_set_col(rh_activity *a, size_t index, rh_activity_col col, double value,
                              rh_err *err)
{
    if (isnan(value) || index >= a->npoints || (int)col < 0 || col >= RH_COL_COUNT)
        return RH_OK;
    if (!a->cols[col]) {
        double *p = rh_reallocarray(NULL, a->cap_points, sizeof(double));
        if (!p)
            return RH_FAIL(err, RH_E_NOMEM, "out of memory storing samples");
        for (size_t i = 0; i < a->npoints; i++) /* a column holds [0, npoints) */
            p[i] = RH_NAN;
        a->cols[col] = p;
    }
    a->cols[col][index] = value;
    return RH_OK;
}

double rh_activity_col_get(const rh_activity *a, size_t index, rh_activity_col col)
{
    if ((int)col < 0 || col >= RH_COL_COUNT || !a->cols[col] || index >= a->npoints)
        return RH_NAN;
    return a->cols[col][index];
}

rh_status rh_activity_add_rr(rh_activity *a, double rr_ms, rh_err *err)
{
    rh_status st = grow((void **)&a->rr_ms, &a->cap_rr, a->nrr, sizeof(double), RH_ACTIVITY_MAX_RR,
                        "RR intervals", err);
    if (st == RH_OK)
        a->rr_ms[a->nrr++] = rr_ms;
    return st;
}

#define DEFINE_ADD(fn, type, arr, n, cap, max, what)                                        \
    rh_status fn(rh_activity *a, const type *v, rh_err *err)                                \
    {                                                                                       \
        rh_status st = grow((void **)&a->arr, &a->cap, a->n, sizeof(type), max, what, err); \
        if (st == RH_OK)                                                                    \
            a->arr[a->n++] = *v;                                                            \
        return st;                                                                          \
    }

DEFINE_ADD(rh_activity_add_lap, rh_activity_summary, laps, nlaps, cap_laps, RH_ACTIVITY_MAX_ITEMS,
           "laps")
DEFINE_ADD(rh_activity_add_session, rh_activity_summary, sessions, nsessions, cap_sessions,
           RH_ACTIVITY_MAX_ITEMS, "sessions")
DEFINE_ADD(rh_activity_add_device, rh_activity_device, devices, ndevices, cap_devices,
           RH_ACTIVITY_MAX_DEVICES, "devices")
DEFINE_ADD(rh_activity_add_event, rh_activity_event, events, nevents, cap_events,
           RH_ACTIVITY_MAX_ITEMS, "events")
DEFINE_ADD(rh_activity_add_beat, rh_activity_beat, beats, nbeats, cap_beats, RH_ACTIVITY_MAX_POINTS,
           "heart beats")
DEFINE_ADD(rh_activity_add_devfield, rh_activity_devfield, devfields, ndevfields, cap_devfields,
           RH_ACTIVITY_MAX_DEVFIELD, "developer field descriptions")

rh_status rh_activity_set_counts(rh_activity *a, const rh_activity_count *counts, size_t n,
                                 rh_err *err)
{
    rh_activity_count *c = NULL;
    if (n > 0) {
        c = rh_reallocarray(NULL, n, sizeof(*c));
        if (!c)
            return RH_FAIL(err, RH_E_NOMEM, "out of memory storing message counts");
        memcpy(c, counts, n * sizeof(*c));
    }
    rh_free(a->counts);
    a->counts = c;
    a->ncounts = n;
    return RH_OK;
}

void rh_activity_warn(rh_activity *a, const char *fmt, ...)
{
    if (a->warnings++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(a->first_warning, sizeof(a->first_warning), fmt, ap);
        va_end(ap);
    }
}

typedef struct hr_item {
    int64_t t_s;
    double hr;
    int from_beat;
} hr_item;

static int cmp_item(const void *pa, const void *pb)
{
    const hr_item *a = pa, *b = pb;
    if (a->t_s != b->t_s)
        return a->t_s < b->t_s ? -1 : 1;
    return b->from_beat - a->from_beat; /* beats first */
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* End of the run in order starting at it[i] (at most n). */
static size_t run_end(const hr_item *it, size_t i, size_t n)
{
    for (i++; i < n && cmp_item(&it[i - 1], &it[i]) <= 0; i++)
        ;
    return i;
}

/* Stable sort of it[0, n) by cmp_item: a natural merge sort, so the few
 * backward steps of a real file cost a few passes, not n log n. Equal items
 * keep their file order. Fails with: E_NOMEM. */
static rh_status sort_items(hr_item *it, size_t n, rh_err *err)
{
    hr_item *tmp = rh_reallocarray(NULL, n, sizeof(*tmp));
    if (!tmp)
        return RH_FAIL(err, RH_E_NOMEM, "out of memory building the heart-rate series");
    hr_item *src = it, *dst = tmp;
    for (;;) {
        size_t runs = 0;
        for (size_t lo = 0; lo < n; runs++) {
            size_t mid = run_end(src, lo, n), hi = mid < n ? run_end(src, mid, n) : n;
            size_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi)
                dst[o++] = cmp_item(&src[b], &src[a]) < 0 ? src[b++] : src[a++];
            while (a < mid)
                dst[o++] = src[a++];
            while (b < hi)
                dst[o++] = src[b++];
            lo = hi;
        }
        hr_item *t = src;
        src = dst;
        dst = t;
        if (runs <= 1)
            break;
    }
    if (src != it)
        memcpy(it, src, n * sizeof(*it));
    rh_free(tmp);
    return RH_OK;
}

static bool run_in_order(const hr_item *it, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (it[i].t_s < it[i - 1].t_s)
            return false;
    return true;
}

/* The 1 Hz series from two runs each in time order: samples it[0, np) and
 * beats it[np, n). A second with at least one beat takes the mean of its
 * beats, else the mean of its samples, each summed in file order (the same
 * values, in the same order, as the grouping after a stable sort). */
static rh_status merge_series(rh_activity *a, const hr_item *it, size_t np, size_t n, rh_err *err)
{
    size_t m = 0;
    for (size_t i = 0, j = np; i < np || j < n; m++) {
        int64_t s = (j >= n || (i < np && it[i].t_s < it[j].t_s)) ? it[i].t_s : it[j].t_s;
        while (i < np && it[i].t_s == s)
            i++;
        while (j < n && it[j].t_s == s)
            j++;
    }
    int64_t *ts = rh_reallocarray(NULL, m, sizeof(*ts));
    double *hr = rh_reallocarray(NULL, m, sizeof(*hr));
    if (!ts || !hr) {
        rh_free(ts);
        rh_free(hr);
        return RH_FAIL(err, RH_E_NOMEM, "out of memory building the heart-rate series");
    }
    size_t out = 0;
    for (size_t i = 0, j = np; i < np || j < n; out++) {
        int64_t s = (j >= n || (i < np && it[i].t_s < it[j].t_s)) ? it[i].t_s : it[j].t_s;
        double bsum = 0.0, psum = 0.0;
        size_t bcnt = 0, pcnt = 0;
        for (; j < n && it[j].t_s == s; j++, bcnt++)
            bsum += it[j].hr;
        for (; i < np && it[i].t_s == s; i++, pcnt++)
            psum += it[i].hr;
        ts[out] = s;
        hr[out] = bcnt ? bsum / (double)bcnt : psum / (double)pcnt;
    }
    a->hr_t_s = ts;
    a->hr_bpm = hr;
    a->nhr = out;
    return RH_OK;
}

/* Builds the 1 Hz series: see the rule in the header. */
static rh_status build_series(rh_activity *a, rh_err *err)
{
    rh_free(a->hr_t_s);
    rh_free(a->hr_bpm);
    a->hr_t_s = NULL;
    a->hr_bpm = NULL;
    a->nhr = 0;
    a->hr_time_base = RH_TIME_NONE;

    /* Fast path: no beats and samples already in time order (most files):
     * one pass straight into the output. */
    if (a->nbeats == 0 && a->npoints > 0) {
        int64_t *ts = rh_reallocarray(NULL, a->npoints, sizeof(*ts));
        double *hr = rh_reallocarray(NULL, a->npoints, sizeof(*hr));
        if (!ts || !hr) {
            rh_free(ts);
            rh_free(hr);
            return RH_FAIL(err, RH_E_NOMEM, "out of memory building the heart-rate series");
        }
        size_t m = 0, cnt = 0;
        double sum = 0.0;
        uint8_t tb0 = RH_TIME_NONE;
        bool ordered = true;
        for (size_t i = 0; i < a->npoints && ordered; i++) {
            const rh_activity_point *p = &a->points[i];
            if (p->time_base == RH_TIME_NONE || !(p->hr_bpm > 0) ||
                (tb0 != RH_TIME_NONE && p->time_base != tb0))
                continue; /* one time base per series: the first one seen */
            int64_t sec = floor_div(p->t_ms, 1000);
            if (m > 0 && sec == ts[m - 1]) {
                sum += p->hr_bpm;
                cnt++;
                hr[m - 1] = sum / (double)cnt;
            } else if (m == 0 || sec > ts[m - 1]) {
                if (m == 0)
                    tb0 = p->time_base;
                ts[m] = sec;
                hr[m] = sum = p->hr_bpm;
                cnt = 1;
                m++;
            } else {
                ordered = false;
            }
        }
        if (ordered) {
            if (m == 0) {
                rh_free(ts);
                rh_free(hr);
                return RH_OK;
            }
            a->hr_t_s = ts;
            a->hr_bpm = hr;
            a->nhr = m;
            a->hr_time_base = tb0;
            return RH_OK;
        }
        rh_free(ts);
        rh_free(hr);
    }
    size_t n = 0;
    for (size_t i = 0; i < a->npoints; i++)
        if (a->points[i].time_base != RH_TIME_NONE && a->points[i].hr_bpm > 0)
            n++;
    for (size_t i = 0; i < a->nbeats; i++)
        if (a->beats[i].time_base != RH_TIME_NONE && a->beats[i].bpm > 0)
            n++;
    if (n == 0)
        return RH_OK;
    hr_item *items = rh_reallocarray(NULL, n, sizeof(*items));
    if (!items)
        return RH_FAIL(err, RH_E_NOMEM, "out of memory building the heart-rate series");
    size_t k = 0;
    uint8_t tb = RH_TIME_NONE;
    for (size_t i = 0; i < a->npoints; i++) {
        const rh_activity_point *p = &a->points[i];
        if (p->time_base != RH_TIME_NONE && p->hr_bpm > 0 &&
            (tb == RH_TIME_NONE || p->time_base == tb)) {
            items[k++] = (hr_item){floor_div(p->t_ms, 1000), p->hr_bpm, 0};
            tb = p->time_base;
        }
    }
    size_t np = k;
    for (size_t i = 0; i < a->nbeats; i++) {
        const rh_activity_beat *b = &a->beats[i];
        if (b->time_base != RH_TIME_NONE && b->bpm > 0 &&
            (tb == RH_TIME_NONE || b->time_base == tb)) {
            items[k++] = (hr_item){floor_div(b->t_ms, 1000), b->bpm, 1};
            tb = b->time_base;
        }
    }
    n = k;
    if (n == 0) {
        rh_free(items);
        return RH_OK;
    }
    /* items[0, np) are the samples, items[np, n) the beats. When each run is
     * in time order (most files: the beats only restart the clock), a merge
     * gives every second its values in file order without sorting. */
    if (run_in_order(items, np) && run_in_order(items + np, n - np)) {
        rh_status st = merge_series(a, items, np, n, err);
        if (st == RH_OK)
            a->hr_time_base = tb;
        rh_free(items);
        return st;
    }
    /* Otherwise sort (only when needed). */
    for (size_t i = 1; i < n; i++) {
        if (cmp_item(&items[i - 1], &items[i]) > 0) {
            rh_status st = sort_items(items, n, err);
            if (st != RH_OK) {
                rh_free(items);
                return st;
            }
            break;
        }
    }

    /* Count distinct seconds to size the output exactly. */
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || items[i].t_s != items[i - 1].t_s)
            m++;
    int64_t *ts = rh_reallocarray(NULL, m, sizeof(*ts));
    double *hr = rh_reallocarray(NULL, m, sizeof(*hr));
    if (!ts || !hr) {
        rh_free(ts);
        rh_free(hr);
        rh_free(items);
        return RH_FAIL(err, RH_E_NOMEM, "out of memory building the heart-rate series");
    }
    size_t out = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        /* Beats sort before samples within a second: the strap's stored beats
         * win over record values (which can be stale while the live link was
         * down); samples fill the other seconds. */
        bool samples = items[i].from_beat == 0;
        double sum = 0.0;
        size_t cnt = 0;
        while (j < n && items[j].t_s == items[i].t_s) {
            if ((items[j].from_beat == 0) == samples) {
                sum += items[j].hr;
                cnt++;
            }
            j++;
        }
        ts[out] = items[i].t_s;
        hr[out] = sum / (double)cnt;
        out++;
        i = j;
    }
    rh_free(items);
    a->hr_t_s = ts;
    a->hr_bpm = hr;
    a->nhr = out;
    a->hr_time_base = tb;
    return RH_OK;
}

rh_status rh_activity_finish(rh_activity *a, rh_err *err)
{
    /* Start and duration from the timed samples (the file order may go
     * backwards, so take min and max). */
    bool any = false;
    int64_t lo = 0, hi = 0;
    uint8_t tb = RH_TIME_NONE;
    for (size_t i = 0; i < a->npoints; i++) {
        const rh_activity_point *p = &a->points[i];
        if (p->time_base == RH_TIME_NONE)
            continue;
        if (!any) {
            lo = hi = p->t_ms;
            tb = p->time_base;
            any = true;
        } else if (p->time_base == tb) {
            if (p->t_ms < lo)
                lo = p->t_ms;
            if (p->t_ms > hi)
                hi = p->t_ms;
        }
    }
    a->duration_s = any ? ((double)hi - (double)lo) / 1000.0 : RH_NAN;
    a->has_start = false;
    if (a->nsessions > 0 && a->sessions[0].has_start) {
        a->has_start = true;
        a->start_ms = a->sessions[0].start_ms;
        a->start_time_base = a->sessions[0].start_time_base;
    } else if (any) {
        a->has_start = true;
        a->start_ms = lo;
        a->start_time_base = tb;
    }
    if (a->nsessions > 0 && a->sport < 0 && a->sport_name[0] == '\0') {
        a->sport = a->sessions[0].sport;
        a->sub_sport = a->sessions[0].sub_sport;
        snprintf(a->sport_name, sizeof(a->sport_name), "%s", a->sessions[0].sport_name);
        /* A multisport file: say so rather than naming the first leg. */
        for (size_t i = 1; i < a->nsessions; i++) {
            if (a->sessions[i].sport != a->sessions[0].sport ||
                strcmp(a->sessions[i].sport_name, a->sessions[0].sport_name) != 0) {
                a->sport = 18;
                a->sub_sport = -1;
                snprintf(a->sport_name, sizeof(a->sport_name), "multisport");
                break;
            }
        }
    }
    return build_series(a, err);
}

rh_status rh_activity_compute_metrics(const rh_activity *a, double zone_lo_bpm, double zone_hi_bpm,
                                      rh_activity_metrics *out, rh_err *err)
{
    return rh_activity_compute_metrics_for(a, zone_lo_bpm, zone_hi_bpm, NULL, out, err);
}

/* HRV of the recorded RR intervals after artefact correction (wearable RR
 * streams carry missed and extra beats that would dominate SDNN/RMSSD); the
 * uncorrected RMSSD/SDNN are kept beside it. */
static rh_status rr_hrv(const rh_activity *a, rh_activity_metrics *out, rh_err *err)
{
    rh_rr_series s, fixed;
    rh_rr_init(&s);
    rh_rr_init(&fixed);
    rh_rr_correction rep;
    memset(&rep, 0, sizeof(rep));
    rh_status st = rh_rr_reserve(&s, a->nrr, err);
    double t = 0;
    for (size_t i = 0; st == RH_OK && i < a->nrr; i++) {
        t += a->rr_ms[i] / 1000.0;
        st = rh_rr_append(&s, t, a->rr_ms[i], 'N', err);
    }
    rh_hrv_opts o = {0};
    rh_hrv_result raw;
    if (st == RH_OK)
        st = rh_hrv_compute(&s, 0, s.n, &(rh_hrv_opts){.skip_nonlinear = true}, &raw, err);
    if (st == RH_OK)
        st = rh_rr_correct(&s, &fixed, &rep, err);
    if (st == RH_OK)
        st = rh_hrv_compute(&fixed, 0, fixed.n, &o, &out->hrv, err);
    if (st == RH_OK) {
        out->have_hrv = true;
        out->rr_artefacts = rep.distinct;
        out->rr_artefact_pct = rep.corrected_pct;
        out->uncorrected_sdnn_ms = raw.sdnn_ms;
        out->uncorrected_rmssd_ms = raw.rmssd_ms;
    }
    rh_rr_correction_release(&rep);
    rh_rr_release(&fixed);
    rh_rr_release(&s);
    return st;
}

rh_status rh_activity_compute_metrics_for(const rh_activity *a, double zone_lo_bpm,
                                          double zone_hi_bpm, const rh_activity_person *person,
                                          rh_activity_metrics *out, rh_err *err)
{
    memset(out, 0, sizeof(*out));
    bool zone = !isnan(zone_lo_bpm) && !isnan(zone_hi_bpm);
    if (zone && zone_lo_bpm > zone_hi_bpm)
        return RH_FAIL(err, RH_E_INVALID, "zone %g-%g bpm: the lower bound is above the upper",
                       zone_lo_bpm, zone_hi_bpm);
    out->hold_s = RH_ACTIVITY_HOLD_S;
    out->zone_lo_bpm = zone ? zone_lo_bpm : RH_NAN;
    out->zone_hi_bpm = zone ? zone_hi_bpm : RH_NAN;
    out->rr_count = a->nrr;
    out->hr_seconds = a->nhr;
    out->avg_hr_bpm = out->max_hr_bpm = out->min_hr_bpm = RH_NAN;
    out->below_s = out->in_zone_s = out->above_s = zone ? 0.0 : RH_NAN;
    out->in_zone_pct = RH_NAN;
    out->banister_trimp = out->edwards_trimp = RH_NAN;
    for (int i = 0; i < 5; i++)
        out->edwards_min[i] = RH_NAN;
    out->rr_artefact_pct = out->uncorrected_sdnn_ms = out->uncorrected_rmssd_ms = RH_NAN;
    if (a->nrr >= 2) {
        rh_status hst = rr_hrv(a, out, err);
        if (hst != RH_OK)
            return hst;
    }
    if (a->nhr == 0)
        return RH_OK;
    double *t = rh_reallocarray(NULL, a->nhr, sizeof(*t));
    if (!t)
        return RH_FAIL(err, RH_E_NOMEM, "out of memory computing metrics");
    for (size_t i = 0; i < a->nhr; i++)
        t[i] = (double)(a->hr_t_s[i] - a->hr_t_s[0]);
    rh_hr_series hs = {.hr_bpm = a->hr_bpm,
                       .t_s = t,
                       .valid = NULL,
                       .n = a->nhr,
                       .dt_s = 1.0,
                       .max_gap_s = RH_ACTIVITY_HOLD_S};
    rh_hr_summary sum;
    rh_status st = rh_load_hr_summary(&hs, &sum, err);
    if (st == RH_OK) {
        out->avg_hr_bpm = sum.mean_bpm;
        out->max_hr_bpm = sum.max_bpm;
        out->min_hr_bpm = sum.min_bpm;
        out->covered_s = sum.valid_s;
        out->missing_s = sum.missing_s;
    }
    if (st == RH_OK && zone) {
        rh_zone_time zt;
        st = rh_load_zone_time(&hs, zone_lo_bpm, zone_hi_bpm, &zt, err);
        if (st == RH_OK) {
            out->below_s = zt.below_s;
            out->in_zone_s = zt.in_s;
            out->above_s = zt.above_s;
            double covered = zt.below_s + zt.in_s + zt.above_s;
            out->in_zone_pct = covered > 0 ? zt.in_s / covered * 100.0 : RH_NAN;
        }
    }
    if (st == RH_OK && person && isfinite(person->hr_max_bpm) && person->hr_max_bpm > 0) {
        double trimp, minutes[5];
        if (rh_load_edwards_trimp_series(&hs, person->hr_max_bpm, &trimp, minutes, NULL) == RH_OK) {
            out->edwards_trimp = trimp;
            for (int i = 0; i < 5; i++)
                out->edwards_min[i] = minutes[i];
        }
        if (isfinite(person->hr_rest_bpm) &&
            (person->sex == RH_SEX_MALE || person->sex == RH_SEX_FEMALE) &&
            rh_load_banister_trimp_series(&hs, person->hr_rest_bpm, person->hr_max_bpm,
                                          (enum rh_sex)person->sex, &trimp, NULL) == RH_OK)
            out->banister_trimp = trimp;
    }
    rh_free(t);
    return st;
}

const char *rh_activity_format_name(rh_activity_format f)
{
    switch (f) {
    case RH_ACTIVITY_FIT:
        return "fit";
    case RH_ACTIVITY_TCX:
        return "tcx";
    case RH_ACTIVITY_GPX:
        return "gpx";
    case RH_ACTIVITY_CSV:
        return "csv";
    case RH_ACTIVITY_RR:
        return "rr";
    case RH_ACTIVITY_BLE:
        return "ble";
    }
    return "unknown";
}

const char *rh_time_base_name(rh_time_base tb)
{
    switch (tb) {
    case RH_TIME_UTC:
        return "utc";
    case RH_TIME_SYSTEM:
        return "system";
    case RH_TIME_ELAPSED:
        return "elapsed";
    case RH_TIME_NONE:
        break;
    }
    return "";
}

/* FIT profile names (snake_case as in the profile). Only numbers checked
 * against the FIT profile are listed; others print as numbers. */
const char *rh_fit_sport_name(int sport)
{
    static const char *const names[] = {
        "generic",
        "running",
        "cycling",
        "transition",
        "fitness_equipment",
        "swimming",
        "basketball",
        "soccer",
        "tennis",
        "american_football",
        "training",
        "walking",
        "cross_country_skiing",
        "alpine_skiing",
        "snowboarding",
        "rowing",
        "mountaineering",
        "hiking",
        "multisport",
        "paddling",
    };
    if (sport >= 0 && (size_t)sport < sizeof(names) / sizeof(names[0]))
        return names[sport];
    return NULL;
}

const char *rh_fit_sub_sport_name(int sub_sport)
{
    static const struct {
        int num;
        const char *name;
    } t[] = {
        {0, "generic"},
        {1, "treadmill"},
        {2, "street"},
        {3, "trail"},
        {4, "track"},
        {5, "spin"},
        {6, "indoor_cycling"},
        {7, "road"},
        {8, "mountain"},
        {9, "downhill"},
        {10, "recumbent"},
        {11, "cyclocross"},
        {12, "hand_cycling"},
        {13, "track_cycling"},
        {14, "indoor_rowing"},
        {15, "elliptical"},
        {16, "stair_climbing"},
        {17, "lap_swimming"},
        {18, "open_water"},
        {19, "flexibility_training"},
        {20, "strength_training"},
        {48, "commuting"},
        {58, "virtual_activity"},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (t[i].num == sub_sport)
            return t[i].name;
    return NULL;
}

const char *rh_fit_manufacturer_name(int m)
{
    static const struct {
        int num;
        const char *name;
    } t[] = {
        {1, "garmin"},        {15, "dynastream"}, {23, "suunto"},  {32, "wahoo_fitness"},
        {38, "osynce"},       {70, "sigmasport"}, {76, "moxy"},    {95, "stryd"},
        {255, "development"}, {260, "zwift"},     {265, "strava"}, {267, "bryton"},
        {294, "coros"},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (t[i].num == m)
            return t[i].name;
    return NULL;
}

void rh_activity_format_time(int64_t t_ms, char *out, size_t cap)
{
    int64_t s = floor_div(t_ms, 1000);
    int64_t ms = t_ms - s * 1000;
    char base[21];
    rh_time_format_utc(s, base);
    if (ms == 0) {
        snprintf(out, cap, "%s", base);
    } else {
        base[19] = '\0'; /* drop the Z */
        snprintf(out, cap, "%s.%03dZ", base, (int)ms);
    }
}

const char *rh_fit_message_name(uint32_t global)
{
    /* Names as the FIT profile spells them, for the numbers seen in real files. */
    static const struct {
        uint32_t num;
        const char *name;
    } t[] = {
        {0, "file_id"},
        {2, "device_settings"},
        {3, "user_profile"},
        {4, "hrm_profile"},
        {6, "bike_profile"},
        {7, "zones_target"},
        {8, "hr_zone"},
        {9, "power_zone"},
        {12, "sport"},
        {13, "training_settings"},
        {18, "session"},
        {19, "lap"},
        {20, "record"},
        {21, "event"},
        {23, "device_info"},
        {26, "workout"},
        {27, "workout_step"},
        {34, "activity"},
        {49, "file_creator"},
        {72, "training_file"},
        {78, "hrv"},
        {101, "length"},
        {104, "battery"},
        {127, "connectivity"},
        {128, "weather_conditions"},
        {132, "hr"},
        {142, "segment_lap"},
        {160, "gps_metadata"},
        {162, "timestamp_correlation"},
        {206, "field_description"},
        {207, "developer_data_id"},
        {216, "time_in_zone"},
        {285, "jump"},
        {312, "split"},
        {313, "split_summary"},
        {317, "climb_pro"},
        {375, "device_aux_battery_info"},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (t[i].num == global)
            return t[i].name;
    return NULL;
}

static rh_status put_num(rh_buf *b, double v)
{
    if (isnan(v))
        return RH_OK;
    char tmp[40];
    rh_fmt_double(v, tmp, sizeof(tmp));
    return rh_buf_puts(b, tmp);
}

static void put_time(rh_buf *b, int64_t t_ms, uint8_t tb)
{
    char tmp[40];
    if (tb == RH_TIME_ELAPSED) {
        rh_fmt_double((double)t_ms / 1000.0, tmp, sizeof(tmp));
    } else {
        rh_activity_format_time(t_ms, tmp, sizeof(tmp));
    }
    rh_buf_puts(b, tmp);
}

rh_status rh_activity_write_csv(const rh_activity *a, rh_buf *out, rh_err *err)
{
    static const rh_activity_col order[] = {RH_COL_DISTANCE_M,  RH_COL_SPEED_M_S, RH_COL_ALTITUDE_M,
                                            RH_COL_CADENCE_RPM, RH_COL_POWER_W,   RH_COL_LAT_DEG,
                                            RH_COL_LON_DEG};
    rh_status st = rh_buf_puts(out, "timestamp,heart_rate,time_base,distance_m,speed_m_s,"
                                    "altitude_m,cadence_rpm,power_w,latitude_deg,"
                                    "longitude_deg\n");
    size_t before = out->len;
    for (size_t i = 0; st == RH_OK && i < a->npoints; i++) {
        const rh_activity_point *p = &a->points[i];
        if (p->time_base != RH_TIME_NONE)
            put_time(out, p->t_ms, p->time_base);
        rh_buf_putc(out, ',');
        put_num(out, p->hr_bpm);
        rh_buf_putc(out, ',');
        rh_buf_puts(out, rh_time_base_name((rh_time_base)p->time_base));
        for (size_t c = 0; c < sizeof(order) / sizeof(order[0]); c++) {
            rh_buf_putc(out, ',');
            put_num(out, a->cols[order[c]] ? a->cols[order[c]][i] : RH_NAN);
        }
        st = rh_buf_putc(out, '\n');
    }
    (void)before;
    if (st != RH_OK)
        return RH_FAIL(err, st, "cannot build the CSV output (%s)", rh_status_text(st));
    return RH_OK;
}

static void jw_time(rh_jw *w, const char *key, bool has, int64_t t_ms, uint8_t tb)
{
    rh_jw_key(w, key);
    if (!has || tb == RH_TIME_NONE) {
        rh_jw_null(w);
        return;
    }
    if (tb == RH_TIME_ELAPSED) {
        rh_jw_double(w, (double)t_ms / 1000.0);
        return;
    }
    char tmp[40];
    rh_activity_format_time(t_ms, tmp, sizeof(tmp));
    rh_jw_str(w, tmp);
}

static void jw_int_or_null(rh_jw *w, const char *key, int64_t v)
{
    rh_jw_key(w, key);
    if (v < 0)
        rh_jw_null(w);
    else
        rh_jw_int(w, v);
}

static void jw_summary(rh_jw *w, const rh_activity_summary *s)
{
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "sport", s->sport_name[0] ? s->sport_name : NULL);
    jw_int_or_null(w, "sport_num", s->sport);
    const char *sub = rh_fit_sub_sport_name(s->sub_sport);
    rh_jw_kstr(w, "sub_sport", sub);
    jw_int_or_null(w, "sub_sport_num", s->sub_sport);
    jw_time(w, "start_time", s->has_start, s->start_ms, s->start_time_base);
    rh_jw_kstr(w, "start_time_base",
               s->has_start ? rh_time_base_name((rh_time_base)s->start_time_base) : NULL);
    rh_jw_kdouble(w, "total_elapsed_s", s->total_elapsed_s);
    rh_jw_kdouble(w, "total_timer_s", s->total_timer_s);
    rh_jw_kdouble(w, "distance_m", s->distance_m);
    rh_jw_kdouble(w, "avg_hr_bpm", s->avg_hr_bpm);
    rh_jw_kdouble(w, "max_hr_bpm", s->max_hr_bpm);
    rh_jw_obj_end(w);
}

void rh_activity_write_json(const rh_activity *a, const rh_activity_metrics *m, rh_jw *w)
{
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "schema", "rehabit-activity/1");
    rh_jw_key(w, "source");
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "path", a->source);
    rh_jw_kstr(w, "format", rh_activity_format_name(a->format));
    rh_jw_kint(w, "size_bytes", (int64_t)a->size_bytes);
    rh_jw_kstr(w, "sha256", a->sha256[0] ? a->sha256 : NULL);
    if (a->format == RH_ACTIVITY_FIT)
        rh_jw_kint(w, "segments", a->segments);
    rh_jw_obj_end(w);
    rh_jw_kbool(w, "partial", a->partial);
    rh_jw_kstr(w, "problem", a->partial ? a->problem : NULL);
    rh_jw_key(w, "warnings");
    rh_jw_obj_begin(w);
    rh_jw_kint(w, "count", (int64_t)a->warnings);
    rh_jw_kstr(w, "first", a->warnings ? a->first_warning : NULL);
    rh_jw_obj_end(w);

    rh_jw_kstr(w, "sport", a->sport_name[0] ? a->sport_name : NULL);
    jw_int_or_null(w, "sport_num", a->sport);
    jw_int_or_null(w, "sub_sport_num", a->sub_sport);
    jw_time(w, "start_time", a->has_start, a->start_ms, a->start_time_base);
    rh_jw_kstr(w, "start_time_base",
               a->has_start ? rh_time_base_name((rh_time_base)a->start_time_base) : NULL);
    rh_jw_key(w, "local_offset_s");
    if (a->has_local_offset)
        rh_jw_int(w, a->local_offset_s);
    else
        rh_jw_null(w);
    rh_jw_kdouble(w, "duration_s", a->duration_s);
    jw_int_or_null(w, "file_type", a->file_type);
    jw_time(w, "time_created", a->has_time_created, a->time_created_ms, a->time_created_base);

    rh_jw_key(w, "devices");
    rh_jw_arr_begin(w);
    for (size_t i = 0; i < a->ndevices; i++) {
        const rh_activity_device *d = &a->devices[i];
        rh_jw_obj_begin(w);
        jw_int_or_null(w, "device_index", d->device_index);
        jw_int_or_null(w, "device_type", d->device_type);
        rh_jw_kstr(w, "manufacturer", rh_fit_manufacturer_name(d->manufacturer));
        jw_int_or_null(w, "manufacturer_num", d->manufacturer);
        jw_int_or_null(w, "product", d->product);
        jw_int_or_null(w, "serial_number", d->serial);
        rh_jw_kdouble(w, "software_version", d->software_version);
        rh_jw_kstr(w, "name", d->name[0] ? d->name : NULL);
        rh_jw_obj_end(w);
    }
    rh_jw_arr_end(w);

    rh_jw_key(w, "sessions");
    rh_jw_arr_begin(w);
    for (size_t i = 0; i < a->nsessions; i++)
        jw_summary(w, &a->sessions[i]);
    rh_jw_arr_end(w);
    rh_jw_key(w, "laps");
    rh_jw_arr_begin(w);
    for (size_t i = 0; i < a->nlaps; i++)
        jw_summary(w, &a->laps[i]);
    rh_jw_arr_end(w);

    rh_jw_key(w, "events");
    rh_jw_arr_begin(w);
    for (size_t i = 0; i < a->nevents; i++) {
        const rh_activity_event *e = &a->events[i];
        rh_jw_obj_begin(w);
        jw_time(w, "time", e->time_base != RH_TIME_NONE, e->t_ms, e->time_base);
        jw_int_or_null(w, "event", e->event);
        jw_int_or_null(w, "event_type", e->event_type);
        jw_int_or_null(w, "data", e->data);
        rh_jw_obj_end(w);
    }
    rh_jw_arr_end(w);

    if (a->format == RH_ACTIVITY_FIT) {
        rh_jw_key(w, "message_counts");
        rh_jw_arr_begin(w);
        for (size_t i = 0; i < a->ncounts; i++) {
            rh_jw_obj_begin(w);
            rh_jw_kint(w, "global", a->counts[i].global);
            rh_jw_kstr(w, "name", rh_fit_message_name(a->counts[i].global));
            rh_jw_kint(w, "count", (int64_t)a->counts[i].count);
            rh_jw_obj_end(w);
        }
        rh_jw_arr_end(w);
        rh_jw_key(w, "developer_fields");
        rh_jw_arr_begin(w);
        for (size_t i = 0; i < a->ndevfields; i++) {
            const rh_activity_devfield *f = &a->devfields[i];
            rh_jw_obj_begin(w);
            jw_int_or_null(w, "developer_data_index", f->developer_data_index);
            jw_int_or_null(w, "field_number", f->field_number);
            jw_int_or_null(w, "base_type", f->base_type);
            rh_jw_kstr(w, "name", f->name[0] ? f->name : NULL);
            rh_jw_kstr(w, "units", f->units[0] ? f->units : NULL);
            jw_int_or_null(w, "native_mesg", f->native_mesg);
            jw_int_or_null(w, "native_field", f->native_field);
            rh_jw_obj_end(w);
        }
        rh_jw_arr_end(w);
        rh_jw_kint(w, "hr_beats", (int64_t)a->nbeats);
    }

    /* Samples in file order, one array per column. */
    rh_jw_key(w, "samples");
    rh_jw_obj_begin(w);
    rh_jw_kint(w, "count", (int64_t)a->npoints);
    rh_jw_key(w, "timestamp");
    rh_jw_arr_begin_inline(w);
    for (size_t i = 0; i < a->npoints; i++) {
        const rh_activity_point *p = &a->points[i];
        if (p->time_base == RH_TIME_NONE) {
            rh_jw_null(w);
        } else if (p->time_base == RH_TIME_ELAPSED) {
            rh_jw_double(w, (double)p->t_ms / 1000.0);
        } else {
            char tmp[40];
            rh_activity_format_time(p->t_ms, tmp, sizeof(tmp));
            rh_jw_str(w, tmp);
        }
    }
    rh_jw_arr_end(w);
    rh_jw_key(w, "time_base");
    rh_jw_arr_begin_inline(w);
    for (size_t i = 0; i < a->npoints; i++) {
        const char *tb = rh_time_base_name((rh_time_base)a->points[i].time_base);
        rh_jw_str(w, tb[0] ? tb : NULL);
    }
    rh_jw_arr_end(w);
    rh_jw_key(w, "heart_rate");
    rh_jw_arr_begin_inline(w);
    for (size_t i = 0; i < a->npoints; i++)
        rh_jw_double(w, a->points[i].hr_bpm);
    rh_jw_arr_end(w);
    static const char *const colname[RH_COL_COUNT] = {"distance_m",   "speed_m_s", "altitude_m",
                                                      "cadence_rpm",  "power_w",   "latitude_deg",
                                                      "longitude_deg"};
    for (int c = 0; c < RH_COL_COUNT; c++) {
        if (!a->cols[c])
            continue;
        rh_jw_key(w, colname[c]);
        rh_jw_arr_begin_inline(w);
        for (size_t i = 0; i < a->npoints; i++)
            rh_jw_double(w, a->cols[c][i]);
        rh_jw_arr_end(w);
    }
    rh_jw_obj_end(w);

    rh_jw_key(w, "hr_series");
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "rule",
               "1 Hz: values > 0 in the same second averaged; seconds with hr-message beats "
               "take the beats' mean; gaps kept, nothing interpolated");
    rh_jw_kstr(w, "time_base", a->nhr ? rh_time_base_name((rh_time_base)a->hr_time_base) : NULL);
    rh_jw_key(w, "t_s");
    rh_jw_arr_begin_inline(w);
    for (size_t i = 0; i < a->nhr; i++)
        rh_jw_int(w, a->hr_t_s[i]);
    rh_jw_arr_end(w);
    rh_jw_key(w, "hr_bpm");
    rh_jw_arr_begin_inline(w);
    for (size_t i = 0; i < a->nhr; i++)
        rh_jw_double(w, a->hr_bpm[i]);
    rh_jw_arr_end(w);
    rh_jw_obj_end(w);

    rh_jw_key(w, "rr_ms");
    rh_jw_arr_begin_inline(w);
    for (size_t i = 0; i < a->nrr; i++)
        rh_jw_double(w, a->rr_ms[i]);
    rh_jw_arr_end(w);

    if (m) {
        rh_jw_key(w, "metrics");
        rh_jw_obj_begin(w);
        rh_jw_kint(w, "hr_seconds", (int64_t)m->hr_seconds);
        rh_jw_kdouble(w, "avg_hr_bpm", m->avg_hr_bpm);
        rh_jw_kdouble(w, "max_hr_bpm", m->max_hr_bpm);
        rh_jw_kdouble(w, "min_hr_bpm", m->min_hr_bpm);
        rh_jw_kdouble(w, "covered_s", m->covered_s);
        rh_jw_kdouble(w, "missing_s", m->missing_s);
        rh_jw_kdouble(w, "hold_s", m->hold_s);
        rh_jw_kint(w, "rr_count", (int64_t)m->rr_count);
        rh_jw_kdouble(w, "banister_trimp", m->banister_trimp);
        rh_jw_kdouble(w, "edwards_trimp", m->edwards_trimp);
        rh_jw_key(w, "hrv");
        if (m->have_hrv) {
            const rh_hrv_result *h = &m->hrv;
            rh_jw_obj_begin(w);
            rh_jw_kint(w, "n_rr", (int64_t)h->n_rr);
            rh_jw_kint(w, "corrected_beats", (int64_t)m->rr_artefacts);
            rh_jw_kdouble(w, "corrected_pct", m->rr_artefact_pct);
            rh_jw_kstr(w, "quality",
                       m->rr_artefact_pct > 5.0
                           ? "poor: more than 5 % of beats corrected, values unreliable"
                           : "acceptable: 5 % of beats corrected or fewer");
            rh_jw_kdouble(w, "uncorrected_sdnn_ms", m->uncorrected_sdnn_ms);
            rh_jw_kdouble(w, "uncorrected_rmssd_ms", m->uncorrected_rmssd_ms);
            rh_jw_kdouble(w, "mean_nn_ms", h->mean_nn_ms);
            rh_jw_kdouble(w, "sdnn_ms", h->sdnn_ms);
            rh_jw_kdouble(w, "rmssd_ms", h->rmssd_ms);
            rh_jw_kdouble(w, "pnn50_pct", h->pnn50_pct);
            rh_jw_kdouble(w, "hr_bpm", h->hr_bpm);
            rh_jw_kdouble(w, "lf_ms2", h->lomb.lf_ms2);
            rh_jw_kdouble(w, "hf_ms2", h->lomb.hf_ms2);
            rh_jw_kdouble(w, "lf_hf", h->lomb.lf_hf);
            rh_jw_kdouble(w, "sd1_ms", h->sd1_ms);
            rh_jw_kdouble(w, "sd2_ms", h->sd2_ms);
            rh_jw_kdouble(w, "dfa_alpha1", h->dfa_alpha1);
            rh_jw_kstr(w, "method",
                       "RR intervals corrected for artefacts and ectopic beats (Lipponen & "
                       "Tarvainen 2019; corrected_pct of beats changed); Lomb-Scargle "
                       "spectrum; SD1/SD2 and DFA alpha1 unverified; exercise data are not "
                       "stationary, so spectral values describe the session, not resting tone");
            rh_jw_obj_end(w);
        } else {
            rh_jw_null(w);
        }
        rh_jw_obj_end(w);
    }
    rh_jw_obj_end(w);
}

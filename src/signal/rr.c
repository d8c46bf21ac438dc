/* SPDX-License-Identifier: MIT */
#include "signal/rr.h"

#include "base/alloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

void rh_rr_init(rh_rr_series *s)
{
    memset(s, 0, sizeof(*s));
}

void rh_rr_release(rh_rr_series *s)
{
    rh_free(s->t_s);
    rh_free(s->rr_ms);
    rh_free(s->label);
    rh_rr_init(s);
}

rh_status rh_rr_reserve(rh_rr_series *s, size_t n, rh_err *err)
{
    if (n <= s->cap)
        return RH_OK;
    if (n > RH_RR_MAX_INTERVALS)
        return RH_FAIL(err, RH_E_LIMIT, "more than %zu rr intervals", RH_RR_MAX_INTERVALS);
    double *t = rh_reallocarray(s->t_s, n, sizeof(double));
    if (!t)
        return RH_FAIL(err, RH_E_NOMEM, "cannot hold %zu rr intervals", n);
    s->t_s = t;
    double *rr = rh_reallocarray(s->rr_ms, n, sizeof(double));
    if (!rr)
        return RH_FAIL(err, RH_E_NOMEM, "cannot hold %zu rr intervals", n);
    s->rr_ms = rr;
    char *lab = rh_realloc(s->label, n);
    if (!lab)
        return RH_FAIL(err, RH_E_NOMEM, "cannot hold %zu rr intervals", n);
    s->label = lab;
    s->cap = n;
    return RH_OK;
}

rh_status rh_rr_append(rh_rr_series *s, double t_s, double rr_ms, char label, rh_err *err)
{
    if (s->n == s->cap) {
        size_t want = s->cap < 1024 ? 1024 : s->cap + s->cap / 2;
        if (want > RH_RR_MAX_INTERVALS)
            want = RH_RR_MAX_INTERVALS;
        if (want <= s->n)
            return RH_FAIL(err, RH_E_LIMIT, "more than %zu rr intervals", RH_RR_MAX_INTERVALS);
        rh_status rc = rh_rr_reserve(s, want, err);
        if (rc != RH_OK)
            return rc;
    }
    s->t_s[s->n] = t_s;
    s->rr_ms[s->n] = rr_ms;
    s->label[s->n] = label;
    s->n++;
    return RH_OK;
}

bool rh_rr_is_nn(const rh_rr_series *s, size_t i)
{
    if (i >= s->n || s->label[i] != 'N')
        return false;
    char before = i == 0 ? s->first_label : s->label[i - 1];
    return before == 'N';
}

size_t rh_rr_count_nn(const rh_rr_series *s)
{
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++)
        k += rh_rr_is_nn(s, i);
    return k;
}

bool rh_rr_adjacent(const rh_rr_series *s, size_t i)
{
    if (i == 0 || i >= s->n)
        return false;
    double gap_ms = (s->t_s[i] - s->t_s[i - 1]) * 1000.0;
    double tol = 0.02 * s->rr_ms[i];
    tol = tol > 2.0 ? tol : 2.0;
    return fabs(gap_ms - s->rr_ms[i]) <= tol;
}

static rh_status check_beats(const int64_t *samples, size_t n, double fs_hz, rh_err *err)
{
    if (!(fs_hz > 0) || !isfinite(fs_hz))
        return RH_FAIL(err, RH_E_INVALID, "sampling frequency %g Hz is not valid", fs_hz);
    for (size_t i = 1; i < n; i++)
        if (samples[i] <= samples[i - 1])
            return RH_FAIL(err, RH_E_INVALID, "beat %zu (sample %lld) is not after the one before",
                           i, (long long)samples[i]);
    if (n > RH_RR_MAX_INTERVALS)
        return RH_FAIL(err, RH_E_LIMIT, "more than %zu beats", RH_RR_MAX_INTERVALS);
    return RH_OK;
}

rh_status rh_rr_from_beats(const int64_t *samples, size_t n, double fs_hz, rh_rr_series *out,
                           rh_err *err)
{
    rh_rr_series s;
    rh_rr_init(&s);
    rh_status rc = check_beats(samples, n, fs_hz, err);
    if (rc == RH_OK && n > 1)
        rc = rh_rr_reserve(&s, n - 1, err);
    for (size_t i = 1; rc == RH_OK && i < n; i++)
        rc = rh_rr_append(&s, (double)samples[i] / fs_hz,
                          (double)(samples[i] - samples[i - 1]) * 1000.0 / fs_hz, 'N', err);
    if (rc != RH_OK) {
        rh_rr_release(&s);
        return rc;
    }
    s.first_label = 'N';
    s.labelled = false;
    rh_rr_release(out);
    *out = s;
    return RH_OK;
}

/* samples / fs seconds rounded to whole milliseconds as printf("%.3f")
 * rounds the double samples / fs: exact integer arithmetic for an integer
 * rate unless the value is a decimal tie, where the binary value decides (as
 * printf does), so printf itself is asked. */
static int64_t ms_as_rrlist(int64_t samples, double fs_hz)
{
    double fi = floor(fs_hz);
    if (fi == fs_hz && fs_hz < 1e9 && llabs(samples) < ((int64_t)1 << 40)) {
        int64_t den = (int64_t)fi, num = samples * 1000;
        int64_t q = num / den, r = num % den;
        if (r < 0) {
            r += den;
            q -= 1;
        }
        if (2 * r < den)
            return q;
        if (2 * r > den)
            return q + 1;
    }
    char buf[64];
    snprintf(buf, sizeof(buf), "%.3f", (double)samples / fs_hz);
    return llround(strtod(buf, NULL) * 1000.0);
}

rh_status rh_rr_from_labelled_beats(const int64_t *samples, const char *labels, size_t n,
                                    double fs_hz, rh_rr_series *out, rh_err *err)
{
    rh_rr_series s;
    rh_rr_init(&s);
    rh_status rc = check_beats(samples, n, fs_hz, err);
    if (rc == RH_OK && n > 1)
        rc = rh_rr_reserve(&s, n - 1, err);
    for (size_t i = 1; rc == RH_OK && i < n; i++) {
        int64_t t_ms = ms_as_rrlist(samples[i], fs_hz);
        int64_t rr_ms = ms_as_rrlist(samples[i] - samples[i - 1], fs_hz);
        rc = rh_rr_append(&s, (double)t_ms / 1000.0, (double)rr_ms, labels[i], err);
    }
    if (rc != RH_OK) {
        rh_rr_release(&s);
        return rc;
    }
    s.first_label = 0;
    s.labelled = true;
    rh_rr_release(out);
    *out = s;
    return RH_OK;
}

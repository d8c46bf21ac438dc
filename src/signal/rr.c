/* SPDX-License-Identifier: MIT */
#include "signal/rr.h"

#include "base/alloc.h"

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

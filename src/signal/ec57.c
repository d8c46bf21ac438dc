/* SPDX-License-Identifier: MIT */
#include "signal/ec57.h"

#include "base/num.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "base/banned.h"

#define HUGE_TIME INT64_MAX

char rh_ec57_class_letter(int c)
{
    static const char letters[] = "NSVFQ";
    return c >= 0 && c < RH_EC57_NCLASS ? letters[c] : '?';
}

static int64_t i64abs(int64_t v)
{
    return v < 0 ? -v : v;
}

/* Rounds seconds to samples as WFDB's strtim does: (long)(x * f + 0.5). */
static int64_t to_samples(double s, double fs)
{
    return (int64_t)(s * fs + 0.5);
}

typedef struct cursor {
    /* reference stream */
    const rh_ec57_ref *ref;
    size_t nref, ri; /* ri: index of the next reference beat to read */
    int64_t T, Tn;   /* current and next reference times */
    int A, An;       /* current and next reference classes (-1 = none) */
    /* test stream */
    const int64_t *test;
    size_t ntest, ti;
    int64_t t, tn; /* current and next test times */
    bool a_valid, an_valid;
    const rh_ec57_span *spans;
    size_t nspans;
} cursor;

static bool in_span(const cursor *c, int64_t t)
{
    for (size_t i = 0; i < c->nspans; i++)
        if (c->spans[i].from <= t && t <= c->spans[i].to)
            return true;
    return false;
}

/* Advances the reference stream, skipping beats inside excluded spans. */
static void getref(cursor *c)
{
    c->T = c->Tn;
    c->A = c->An;
    while (c->ri < c->nref) {
        const rh_ec57_ref *r = &c->ref[c->ri++];
        if (in_span(c, r->sample))
            continue;
        c->Tn = r->sample;
        c->An = r->aami;
        return;
    }
    c->Tn = HUGE_TIME;
    c->An = -1;
}

static void gettest(cursor *c)
{
    c->t = c->tn;
    c->a_valid = c->an_valid;
    if (c->ti < c->ntest) {
        c->tn = c->test[c->ti++];
        c->an_valid = true;
    } else {
        c->tn = HUGE_TIME;
        c->an_valid = false;
    }
}

static void count_match(rh_ec57_result *r, int cls)
{
    r->tp++;
    r->tp_by_class[cls]++;
}

static void count_missed(rh_ec57_result *r, int cls)
{
    r->fn++;
    r->fn_by_class[cls]++;
}

static void count_extra(rh_ec57_result *r, const cursor *c, int64_t t)
{
    if (in_span(c, t))
        r->test_in_excluded++; /* bxb pairs it with '*', which is not counted */
    else
        r->fp++;
}

static double pct(int64_t a, int64_t b)
{
    return b > 0 ? 100.0 * (double)a / (double)b : RH_NAN;
}

static void finish_pct(rh_ec57_result *r)
{
    r->se_pct = pct(r->tp, r->tp + r->fn);
    r->ppv_pct = pct(r->tp, r->tp + r->fp);
}

rh_status rh_ec57_compare(const rh_ec57_ref *ref, size_t nref, const int64_t *test, size_t ntest,
                          const rh_ec57_span *spans, size_t nspans, const rh_ec57_opts *opts,
                          rh_ec57_result *out, rh_err *err)
{
    if (!opts || !(opts->fs_hz > 0) || !isfinite(opts->fs_hz))
        return RH_FAIL(err, RH_E_INVALID, "beat comparison needs a sampling frequency");
    for (size_t i = 0; i < nref; i++) {
        if (ref[i].aami >= RH_EC57_NCLASS)
            return RH_FAIL(err, RH_E_INVALID, "reference beat %zu has no AAMI class", i);
        if (i > 0 && ref[i].sample < ref[i - 1].sample)
            return RH_FAIL(err, RH_E_INVALID, "reference beats are not in time order at %zu", i);
    }
    for (size_t i = 1; i < ntest; i++)
        if (test[i] < test[i - 1])
            return RH_FAIL(err, RH_E_INVALID, "test beats are not in time order at %zu", i);

    memset(out, 0, sizeof(*out));
    double fs = opts->fs_hz;
    int64_t match_dt = to_samples(opts->window_s > 0 ? opts->window_s : 0.15, fs);
    int64_t start = opts->start_s < 0 ? 0 : to_samples(opts->start_s > 0 ? opts->start_s : 300, fs);
    int64_t end = opts->end_sample;
    if (end <= 0) {
        end = 0;
        if (nref)
            end = ref[nref - 1].sample;
        if (ntest && test[ntest - 1] > end)
            end = test[ntest - 1];
    }
    out->window_samples = match_dt;
    out->start_sample = start;
    out->end_sample = end;

    cursor c = {
        .ref = ref, .nref = nref, .test = test, .ntest = ntest, .spans = spans, .nspans = nspans};
    c.Tn = 0;
    c.An = -1;
    c.tn = 0;
    getref(&c); /* primes Tn */
    do
        getref(&c);
    while (c.T < start);
    /* t becomes the last test beat of the learning period (none: not valid),
     * tn the first one after it. */
    do
        gettest(&c);
    while (c.tn < start);

    /* The last test beat of the learning period may match the first scored
     * reference beat. */
    if (c.a_valid && c.T != HUGE_TIME && c.T - c.t < i64abs(c.T - c.tn) && c.T - c.t <= match_dt) {
        count_match(out, c.A);
        getref(&c);
        gettest(&c);
    } else {
        gettest(&c);
        /* A first test beat just after the start that is a worse match than the
         * next one is dropped uncounted. */
        if (c.t != HUGE_TIME && c.t - start <= match_dt && c.T != HUGE_TIME &&
            i64abs(c.T - c.tn) < i64abs(c.T - c.t))
            gettest(&c);
    }

    while ((c.T <= end || c.t <= end) && !(c.T == HUGE_TIME && c.t == HUGE_TIME)) {
        if (c.t < c.T) {
            if (c.T - c.t <= match_dt && c.T - c.t < i64abs(c.T - c.tn)) {
                count_match(out, c.A);
                getref(&c);
                gettest(&c);
            } else {
                if (c.t <= end)
                    count_extra(out, &c, c.t);
                gettest(&c);
            }
        } else {
            if (c.t - c.T <= match_dt && c.t - c.T < i64abs(c.t - c.Tn)) {
                count_match(out, c.A);
                gettest(&c);
                getref(&c);
            } else {
                if (c.T <= end)
                    count_missed(out, c.A);
                getref(&c);
            }
        }
    }
    finish_pct(out);
    return RH_OK;
}

void rh_ec57_accumulate(rh_ec57_result *gross, const rh_ec57_result *rec)
{
    gross->tp += rec->tp;
    gross->fn += rec->fn;
    gross->fp += rec->fp;
    gross->test_in_excluded += rec->test_in_excluded;
    for (int k = 0; k < RH_EC57_NCLASS; k++) {
        gross->tp_by_class[k] += rec->tp_by_class[k];
        gross->fn_by_class[k] += rec->fn_by_class[k];
    }
    finish_pct(gross);
}

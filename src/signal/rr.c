/* SPDX-License-Identifier: MIT */
#include "signal/rr.h"

#include "base/alloc.h"
#include "base/num.h"

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

/* ------------------------------------------------- Lipponen & Tarvainen */

#define LT_ALPHA      5.2
#define LT_C1         0.13
#define LT_C2         0.17
#define LT_QD_WINDOW  91
#define LT_MED_WINDOW 11
#define LT_MAX_ROUNDS 10
/* Floor of the quartile deviation (ms): a series steadier than the ~1 ms
 * timing resolution of wearables (BLE reports RR in 1/1024 s), or RR derived
 * from integer bpm, has a zero QD in places, which would make every jump,
 * even a missed beat, invisible to the normalised tests. */
#define LT_MIN_QD_MS  1.0

const char *rh_rr_artefact_name(int kind)
{
    switch (kind) {
    case RH_RR_ECTOPIC:
        return "ectopic";
    case RH_RR_MISSED:
        return "missed";
    case RH_RR_EXTRA:
        return "extra";
    case RH_RR_LONGSHORT:
        return "long_short";
    default:
        return "normal";
    }
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile q of sorted v[0..n) with linear interpolation (type 7). */
static double quantile_sorted(const double *v, size_t n, double q)
{
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)floor(pos);
    size_t hi = lo + 1 < n ? lo + 1 : lo;
    return v[lo] + (v[hi] - v[lo]) * (pos - (double)lo);
}

/* alpha x quartile deviation of v over a centred window of w values
 * (shrunk at the ends), for every index. */
static void window_qd(const double *v, size_t n, size_t w, double *out, double *tmp)
{
    for (size_t i = 0; i < n; i++) {
        size_t a = i >= w / 2 ? i - w / 2 : 0, b = i + w / 2 + 1 < n ? i + w / 2 + 1 : n;
        size_t m = b - a;
        memcpy(tmp, v + a, m * sizeof(double));
        qsort(tmp, m, sizeof(double), cmp_d);
        double qd = (quantile_sorted(tmp, m, 0.75) - quantile_sorted(tmp, m, 0.25)) / 2;
        out[i] = LT_ALPHA * (qd > LT_MIN_QD_MS ? qd : LT_MIN_QD_MS);
    }
}

static double at_reflect(const double *v, long n, long i)
{
    if (i < 0)
        i = -i;
    if (i >= n)
        i = 2 * (n - 1) - i;
    if (i < 0)
        i = 0;
    return v[i];
}

rh_status rh_rr_detect_artefacts(const rh_rr_series *s, uint8_t *kind, rh_err *err)
{
    size_t n = s->n;
    memset(kind, 0, n);
    if (n < 4)
        return RH_OK;
    const double *rr = s->rr_ms;
    double *buf = rh_malloc((6 * n + LT_QD_WINDOW) * sizeof(double));
    if (!buf)
        return RH_FAIL(err, RH_E_NOMEM, "cannot hold %zu intervals for artefact detection", n);
    double *drr = buf, *th1 = buf + n, *med = buf + 2 * n, *mrr = buf + 3 * n, *th2 = buf + 4 * n;
    double *absv = buf + 5 * n, *tmp = buf + 6 * n;
    for (size_t i = 1; i < n; i++)
        drr[i] = rr[i] - rr[i - 1];
    drr[0] = drr[1];
    for (size_t i = 0; i < n; i++)
        absv[i] = fabs(drr[i]);
    window_qd(absv, n, LT_QD_WINDOW, th1, tmp);
    for (size_t i = 0; i < n; i++) {
        size_t a = i >= LT_MED_WINDOW / 2 ? i - LT_MED_WINDOW / 2 : 0;
        size_t b = i + LT_MED_WINDOW / 2 + 1 < n ? i + LT_MED_WINDOW / 2 + 1 : n;
        memcpy(tmp, rr + a, (b - a) * sizeof(double));
        qsort(tmp, b - a, sizeof(double), cmp_d);
        med[i] = quantile_sorted(tmp, b - a, 0.5);
        mrr[i] = rr[i] - med[i];
        if (mrr[i] < 0)
            mrr[i] *= 2;
        absv[i] = fabs(mrr[i]);
    }
    window_qd(absv, n, LT_QD_WINDOW, th2, tmp);
    /* normalised values */
    for (size_t i = 0; i < n; i++) {
        drr[i] = th1[i] > 0 ? drr[i] / th1[i] : 0;
        mrr[i] = th2[i] > 0 ? mrr[i] / th2[i] : 0;
    }
    long ln = (long)n;
    for (size_t i = 0; i + 2 < n; i++) {
        double d = drr[i];
        if (fabs(d) <= 1)
            continue;
        double prev = at_reflect(drr, ln, (long)i - 1), next = at_reflect(drr, ln, (long)i + 1);
        double s12 = d > 0 ? (prev > next ? prev : next) : (prev < next ? prev : next);
        if ((d > 1 && s12 < -LT_C1 * d - LT_C2) || (d < -1 && s12 > -LT_C1 * d + LT_C2)) {
            kind[i] = RH_RR_ECTOPIC;
            continue;
        }
        /* the next beat is judged too when its dRR is the smaller */
        size_t cand[2] = {i, i + 1};
        int nc = fabs(drr[i + 1]) < fabs(drr[i + 2]) ? 2 : 1;
        for (int c = 0; c < nc; c++) {
            size_t j = cand[c];
            double dj = drr[j];
            double n1 = at_reflect(drr, ln, (long)j + 1), n2 = at_reflect(drr, ln, (long)j + 2);
            double s22 = dj > 0 ? (n1 < n2 ? n1 : n2) : (n1 > n2 ? n1 : n2);
            bool lng = dj > 1 && s22 < -1, shrt = dj < -1 && s22 > 1, off = fabs(mrr[j]) > 3;
            if (!lng && !shrt && !off)
                continue;
            bool missed = fabs(rr[j] / 2 - med[j]) < th2[j];
            bool extra = j + 1 < n && fabs(rr[j] + rr[j + 1] - med[j]) < th2[j];
            if (shrt && extra) {
                kind[j] = RH_RR_EXTRA;
                /* the next interval is the other half of the split one */
                if (j + 1 < n)
                    kind[j + 1] = RH_RR_NORMAL;
                i = j + 1;
                break;
            }
            if (lng && missed) {
                kind[j] = RH_RR_MISSED;
                i = j;
                break;
            }
            if (kind[j] == RH_RR_NORMAL)
                kind[j] = RH_RR_LONGSHORT;
        }
    }
    rh_free(buf);
    return RH_OK;
}

void rh_rr_correction_release(rh_rr_correction *c)
{
    rh_free(c->fixes);
    memset(c, 0, sizeof(*c));
}

/* Beat times of a series: beat 0 starts interval 0, beat i + 1 ends interval
 * i. */
static rh_status beats_of(const rh_rr_series *s, double **out, rh_err *err)
{
    double *b = rh_malloc((s->n + 1) * sizeof(double));
    if (!b)
        return RH_FAIL(err, RH_E_NOMEM, "cannot hold %zu beats", s->n + 1);
    b[0] = s->t_s[0] - s->rr_ms[0] / 1000.0;
    for (size_t i = 0; i < s->n; i++)
        b[i + 1] = s->t_s[i];
    *out = b;
    return RH_OK;
}

/* The beat a long or short interval i moves: a short interval ends too early
 * (beat i + 1), a long one started too early (beat i). */
static size_t fix_beat_longshort(const rh_rr_series *s, size_t i)
{
    return i > 0 && s->rr_ms[i] > s->rr_ms[i - 1] ? i : i + 1;
}

rh_status rh_rr_correct(const rh_rr_series *in, rh_rr_series *out, rh_rr_correction *report,
                        rh_err *err)
{
    memset(report, 0, sizeof(*report));
    report->beats = in->n + 1;
    rh_status rc = RH_OK;
    rh_rr_series cur;
    rh_rr_init(&cur);
    uint8_t *kind = NULL;
    double *beats = NULL;
    size_t fix_cap = 0, prev_count = SIZE_MAX;
    /* working copy, unlabelled */
    rc = rh_rr_reserve(&cur, in->n ? in->n : 1, err);
    for (size_t i = 0; rc == RH_OK && i < in->n; i++)
        rc = rh_rr_append(&cur, in->t_s[i], in->rr_ms[i], 'N', err);
    cur.first_label = 'N';
    for (int round = 0; rc == RH_OK && round < LT_MAX_ROUNDS && cur.n >= 4; round++) {
        rh_free(kind);
        kind = rh_malloc(cur.n);
        if (!kind) {
            rc = RH_FAIL(err, RH_E_NOMEM, "cannot hold artefact marks");
            break;
        }
        rc = rh_rr_detect_artefacts(&cur, kind, err);
        if (rc != RH_OK)
            break;
        size_t count = 0;
        for (size_t i = 0; i < cur.n; i++)
            count += kind[i] != RH_RR_NORMAL;
        if (count == 0 || count >= prev_count)
            break;
        prev_count = count;
        report->rounds = round + 1;
        rh_free(beats);
        beats = NULL;
        rc = beats_of(&cur, &beats, err);
        if (rc != RH_OK)
            break;
        /* record the fixes, each at the time of the beat it changes, before
         * this round (an inserted beat: the midpoint where it goes) */
        if (report->n_fixes + count > fix_cap) {
            size_t want = (report->n_fixes + count) * 2;
            rh_rr_fix *f = rh_reallocarray(report->fixes, want, sizeof(*f));
            if (!f) {
                rc = RH_FAIL(err, RH_E_NOMEM, "cannot hold the correction report");
                break;
            }
            report->fixes = f;
            fix_cap = want;
        }
        for (size_t i = 0; i < cur.n; i++) {
            if (kind[i] == RH_RR_NORMAL)
                continue;
            double t = beats[i + 1];
            if (kind[i] == RH_RR_ECTOPIC)
                t = beats[i];
            else if (kind[i] == RH_RR_LONGSHORT)
                t = beats[fix_beat_longshort(&cur, i)];
            else if (kind[i] == RH_RR_MISSED)
                t = 0.5 * (beats[i] + beats[i + 1]);
            report->fixes[report->n_fixes++] =
                (rh_rr_fix){.t_s = t, .index = i, .kind = kind[i], .round = (uint8_t)(round + 1)};
            report->ectopic += kind[i] == RH_RR_ECTOPIC;
            report->missed += kind[i] == RH_RR_MISSED;
            report->extra += kind[i] == RH_RR_EXTRA;
            report->longshort += kind[i] == RH_RR_LONGSHORT;
        }
        /* apply on beat times: interval i ends at beat i + 1 */
        size_t nb = cur.n + 1;
        rh_rr_series next;
        rh_rr_init(&next);
        rc = rh_rr_reserve(&next, nb + count, err);
        /* Moves first, from the original neighbours. Interval i runs from
         * beats[i] to beats[i+1]. An ectopic mark sits on the interval after
         * the misplaced beat (the S12 pattern), so beats[i] moves; a short
         * interval ends too early (beats[i+1] moves), a long one started too
         * early (beats[i] moves: the interval before it is then short and
         * names the same beat). */
        double *orig = rh_malloc(nb * sizeof(double));
        if (!orig) {
            rc = RH_FAIL(err, RH_E_NOMEM, "cannot hold %zu beats", nb);
            rh_rr_release(&next);
            break;
        }
        memcpy(orig, beats, nb * sizeof(double));
        for (size_t i = 0; rc == RH_OK && i < cur.n; i++) {
            size_t b = 0;
            if (kind[i] == RH_RR_ECTOPIC)
                b = i;
            else if (kind[i] == RH_RR_LONGSHORT)
                b = fix_beat_longshort(&cur, i);
            else
                continue;
            if (b >= 1 && b + 1 < nb)
                beats[b] = 0.5 * (orig[b - 1] + orig[b + 1]);
        }
        rh_free(orig);
        double last = beats[0];
        for (size_t b = 1; rc == RH_OK && b < nb; b++) {
            size_t i = b - 1; /* interval ending at beat b */
            if (kind[i] == RH_RR_EXTRA && b + 1 < nb)
                continue; /* beat b removed: the next interval absorbs it */
            if (kind[i] == RH_RR_MISSED) {
                double mid = 0.5 * (last + beats[b]);
                rc = rh_rr_append(&next, mid, (mid - last) * 1000.0, 'N', err);
                last = mid;
                if (rc != RH_OK)
                    break;
            }
            rc = rh_rr_append(&next, beats[b], (beats[b] - last) * 1000.0, 'N', err);
            last = beats[b];
        }
        if (rc != RH_OK) {
            rh_rr_release(&next);
            break;
        }
        next.first_label = 'N';
        rh_rr_release(&cur);
        cur = next;
    }
    rh_free(kind);
    rh_free(beats);
    if (rc != RH_OK) {
        rh_rr_release(&cur);
        rh_rr_correction_release(report);
        return rc;
    }
    /* a beat fixed again in a later round counts once: fixes closer than
     * 0.3 s (any two beats are further apart) to the last counted one are
     * the same beat (sorted times: O(n log n) however many fixes) */
    size_t distinct = 0;
    if (report->n_fixes) {
        double *ft = rh_malloc(report->n_fixes * sizeof(double));
        if (!ft) {
            rh_rr_release(&cur);
            rh_rr_correction_release(report);
            return RH_FAIL(err, RH_E_NOMEM, "cannot hold %zu fix times", report->n_fixes);
        }
        for (size_t i = 0; i < report->n_fixes; i++)
            ft[i] = report->fixes[i].t_s;
        qsort(ft, report->n_fixes, sizeof(double), cmp_d);
        double last = -RH_INF;
        for (size_t i = 0; i < report->n_fixes; i++) {
            if (ft[i] - last >= 0.3) {
                distinct++;
                last = ft[i];
            }
        }
        rh_free(ft);
    }
    report->distinct = distinct;
    report->corrected_pct = report->beats ? 100.0 * (double)distinct / (double)report->beats : 0;
    rh_rr_release(out);
    *out = cur;
    return RH_OK;
}

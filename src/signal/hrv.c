/* SPDX-License-Identifier: MIT */
#include "signal/hrv.h"

#include "base/alloc.h"
#include "base/num.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

void rh_hrv_opts_resolve(rh_hrv_opts *o)
{
    if (!(o->segment_s > 0))
        o->segment_s = 300;
    if (!(o->pnn_ms > 0))
        o->pnn_ms = 50;
    if (o->sampen_max_n == 0)
        o->sampen_max_n = RH_HRV_SAMPEN_MAX_N;
    if (!(o->welch_opts.fs_hz > 0))
        o->welch_opts.fs_hz = 4;
    if (!(o->welch_opts.segment_s > 0))
        o->welch_opts.segment_s = 256;
    if (!(o->welch_opts.overlap > 0))
        o->welch_opts.overlap = 0.5;
}

static void freq_nan(rh_hrv_freq *f)
{
    f->total_ms2 = f->ulf_ms2 = f->vlf_ms2 = f->lf_ms2 = f->hf_ms2 = RH_NAN;
    f->lf_hf = f->lf_nu = f->hf_nu = f->df_hz = RH_NAN;
    f->points = f->segments = 0;
}

static void result_nan(rh_hrv_result *r)
{
    memset(r, 0, sizeof(*r));
    r->nn_rr = r->duration_s = RH_NAN;
    r->mean_nn_ms = r->sdnn_ms = r->sdann_ms = r->sdnn_index_ms = r->rmssd_ms = RH_NAN;
    r->sdsd_ms = r->pnn50_pct = r->pnn50_tf_pct = r->hr_bpm = RH_NAN;
    freq_nan(&r->lomb);
    freq_nan(&r->welch);
    r->sd1_ms = r->sd2_ms = r->sampen = r->dfa_alpha1 = r->dfa_alpha2 = RH_NAN;
}

/* v printed with "%.6g" and read back, as get_hrv's awk prints a computed
 * time (OFMT). Arithmetic for the common case; printf itself near a decimal
 * tie, where only the exact binary value decides. */
static double round6_printf(double v)
{
    char buf[40];
    snprintf(buf, sizeof(buf), "%.6g", v);
    return strtod(buf, NULL);
}

static double round6(double v)
{
    static const double p10[] = {1,   1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    double a = fabs(v);
    if (!(a >= 1e-4) || a >= 1e15)
        return round6_printf(v);
    int e = 0; /* a in [10^e, 10^(e+1)) */
    if (a >= 1) {
        while (e < 15 && a >= p10[e + 1])
            e++;
    } else {
        while (a < 1 / p10[-e])
            e--;
    }
    int shift = 5 - e; /* digits after the point */
    double x = shift >= 0 ? a * p10[shift] : a / p10[-shift];
    double fl = floor(x);
    if (fabs(x - fl - 0.5) < 1e-6 || x >= 999999.5)
        return round6_printf(v);
    double r = x - fl < 0.5 ? fl : fl + 1;
    double out = shift >= 0 ? r / p10[shift] : r * p10[-shift];
    return v < 0 ? -out : out;
}

/* Power between two frequencies of a spectrum (Lomb or Welch). */
typedef double (*band_fn)(const void *spectrum, double lo_hz, double hi_hz);

static double lomb_band(const void *l, double lo_hz, double hi_hz)
{
    return rh_lomb_band(l, lo_hz, hi_hz);
}

static double welch_band(const void *w, double lo_hz, double hi_hz)
{
    return rh_welch_band(w, lo_hz, hi_hz);
}

/* The Task Force bands (long-term: ULF to 0.0033 Hz; short-term: VLF from 0,
 * no ULF), their ratio and normalised units. */
static void fill_bands(rh_hrv_freq *f, bool short_term, band_fn band, const void *spectrum)
{
    double lf = band(spectrum, 0.04, 0.15), hf = band(spectrum, 0.15, 0.4);
    f->total_ms2 = band(spectrum, 0, 0.4);
    f->ulf_ms2 = short_term ? RH_NAN : band(spectrum, 0, 0.0033);
    f->vlf_ms2 = band(spectrum, short_term ? 0 : 0.0033, 0.04);
    f->lf_ms2 = lf;
    f->hf_ms2 = hf;
    f->lf_hf = hf > 0 ? lf / hf : RH_NAN;
    f->lf_nu = lf + hf > 0 ? 100 * lf / (lf + hf) : RH_NAN;
    f->hf_nu = lf + hf > 0 ? 100 * hf / (lf + hf) : RH_NAN;
}

double rh_hrv_sampen(const double *x, size_t n, int m, double r)
{
    if (m < 1 || n <= (size_t)m + 1 || !(r >= 0))
        return RH_NAN;
    size_t nt = n - (size_t)m; /* templates of length m (and m+1) */
    double A = 0, B = 0;
    for (size_t i = 0; i + 1 < nt; i++) {
        for (size_t j = i + 1; j < nt; j++) {
            int k = 0;
            while (k < m && fabs(x[i + (size_t)k] - x[j + (size_t)k]) <= r)
                k++;
            if (k < m)
                continue;
            B++;
            if (j + (size_t)m < n && fabs(x[i + (size_t)m] - x[j + (size_t)m]) <= r)
                A++;
        }
    }
    if (A == 0 || B == 0)
        return RH_NAN;
    return -log(A / B);
}

/* The running sums of one box: sz (of the running sum z), szz (of z^2) and
 * sw (of the running sums of z). */
typedef struct dfa_sums {
    double z, sz, szz, sw;
} dfa_sums;

static inline void dfa_step(dfa_sums *s, double v)
{
    s->z += v;
    s->sz += s->z;
    s->szz += s->z * s->z;
    s->sw += s->sz;
}

/* What a line fit over boxes of n points needs of k = 1..n: sum k and the
 * centred sum of k^2 (once per box size). */
typedef struct dfa_scale {
    double n, sk, skk_c;
} dfa_scale;

static dfa_scale dfa_scale_of(int bs)
{
    double nbs = (double)bs;
    double sk = nbs * (nbs + 1) / 2, skk = nbs * (nbs + 1) * (2 * nbs + 1) / 6;
    return (dfa_scale){nbs, sk, skk - sk * sk / nbs};
}

/* Residual sum of squares of a line fitted to the integrated series in one
 * box, from the box's running sums. */
static inline double dfa_box_residual(const dfa_scale *c, const dfa_sums *s)
{
    /* sum k z_k = (bs + 1) sum z - sum of the running sums of z */
    double skz = (c->n + 1) * s->sz - s->sw;
    double syy = s->szz - s->sz * s->sz / c->n, sky = skz - c->sk * s->sz / c->n;
    double res = syy - sky * sky / c->skk_c;
    return res > 0 ? res : 0;
}

/* Sum of the line-fit residuals over the nb boxes of bs points of `dev`.
 * The residual of a line fit to the integrated series over a box does not
 * change when a constant is added, so each box integrates from zero: values
 * stay small and the sums exact enough. The running sums are a chain of
 * dependent additions per box, so four boxes advance side by side (each
 * box's sums, and the order they are added in, stay as for one box at a
 * time: the result is the same to the bit). */
static double dfa_boxes_residual(const double *dev, size_t nb, int bs)
{
    const dfa_scale c = dfa_scale_of(bs);
    double ss = 0;
    size_t b = 0, ubs = (size_t)bs;
    for (; b + 4 <= nb; b += 4) {
        const double *p0 = dev + b * ubs, *p1 = p0 + ubs, *p2 = p1 + ubs, *p3 = p2 + ubs;
        dfa_sums s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
        for (size_t k = 0; k < ubs; k++) {
            dfa_step(&s0, p0[k]);
            dfa_step(&s1, p1[k]);
            dfa_step(&s2, p2[k]);
            dfa_step(&s3, p3[k]);
        }
        ss += dfa_box_residual(&c, &s0);
        ss += dfa_box_residual(&c, &s1);
        ss += dfa_box_residual(&c, &s2);
        ss += dfa_box_residual(&c, &s3);
    }
    for (; b < nb; b++) {
        const double *p = dev + b * ubs;
        dfa_sums s = {0};
        for (size_t k = 0; k < ubs; k++)
            dfa_step(&s, p[k]);
        ss += dfa_box_residual(&c, &s);
    }
    return ss;
}

rh_status rh_hrv_dfa(const double *x, size_t n, int lo, int hi, double *alpha, rh_err *err)
{
    *alpha = RH_NAN;
    if (lo < 3 || hi < lo || n < (size_t)lo * 2)
        return RH_OK;
    double mean = 0;
    for (size_t i = 0; i < n; i++)
        mean += x[i];
    mean /= (double)n;
    double *dev = rh_malloc(n * sizeof(double));
    if (!dev)
        return RH_FAIL(err, RH_E_NOMEM, "cannot hold %zu DFA points", n);
    for (size_t i = 0; i < n; i++)
        dev[i] = x[i] - mean;
    /* least squares of log F on log n */
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int scales = 0;
    for (int bs = lo; bs <= hi; bs++) {
        size_t nb = n / (size_t)bs;
        if (nb < 1)
            break;
        double nbs = (double)bs;
        double ss = dfa_boxes_residual(dev, nb, bs);
        double F = sqrt(ss / ((double)nb * nbs));
        if (F > 0) {
            double lx = log10(nbs), ly = log10(F);
            sx += lx;
            sy += ly;
            sxx += lx * lx;
            sxy += lx * ly;
            scales++;
        }
    }
    rh_free(dev);
    double d = scales * sxx - sx * sx;
    if (scales >= 2 && d > 0)
        *alpha = (scales * sxy - sx * sy) / d;
    return RH_OK;
}

rh_status rh_hrv_compute(const rh_rr_series *s, size_t from, size_t to, const rh_hrv_opts *opts,
                         rh_hrv_result *out, rh_err *err)
{
    rh_hrv_opts o = opts ? *opts : (rh_hrv_opts){0};
    rh_hrv_opts_resolve(&o);
    result_nan(out);
    if (from > to || to > s->n)
        return RH_FAIL(err, RH_E_INVALID, "interval range %zu-%zu is outside the series", from, to);
    size_t n_rr = to - from;
    out->n_rr = n_rr;
    if (n_rr == 0)
        return RH_OK;
    double t0 = s->t_s[from];
    out->duration_s = s->t_s[to - 1] - t0;

    rh_status rc = RH_OK;
    double *nn = rh_malloc(n_rr * sizeof(double));
    double *nt = rh_malloc(n_rr * sizeof(double));
    if (!nn || !nt) {
        rc = RH_FAIL(err, RH_E_NOMEM, "cannot hold %zu intervals", n_rr);
        goto out;
    }

    /* one pass: NN list, successive differences, segments, Poincare sums */
    size_t k = 0, ndiff = 0, nn50 = 0;
    double sum = 0, sumsq = 0, dsum = 0, dsq = 0;
    double psum_d = 0, psq_d = 0, psum_s = 0, psq_s = 0; /* of x[i+1]-x[i] and x[i+1]+x[i] */
    double seg_sum = 0, seg_sq = 0, mean_sum = 0, mean_sq = 0, sd_sum = 0;
    size_t seg_n = 0, nseg = 0;
    long seg_id = -1;
    double prev = 0;
    int prev_nn = 0;
    for (size_t i = from; i < to; i++) {
        int is_nn = rh_rr_is_nn(s, i);
        double trel = s->t_s[i] - t0;
        if (o.toolkit_times)
            trel = round6(trel);
        long sid = (long)floor(trel / o.segment_s);
        if (sid != seg_id) {
            if (seg_n > 1) {
                double m = seg_sum / (double)seg_n;
                double v = (seg_sq - seg_sum * seg_sum / (double)seg_n) / (double)(seg_n - 1);
                mean_sum += m;
                mean_sq += m * m;
                sd_sum += sqrt(v > 0 ? v : 0);
                nseg++;
            }
            seg_id = sid;
            seg_sum = seg_sq = 0;
            seg_n = 0;
        }
        if (!is_nn) {
            prev_nn = 0;
            continue;
        }
        double v = s->rr_ms[i];
        nn[k] = v;
        nt[k] = trel;
        k++;
        sum += v;
        sumsq += v * v;
        seg_sum += v;
        seg_sq += v * v;
        seg_n++;
        if (prev_nn && i > from && rh_rr_adjacent(s, i)) {
            double d = v - prev;
            ndiff++;
            dsum += d;
            dsq += d * d;
            if (fabs(d) - o.pnn_ms > 1e-10)
                nn50++;
            double ps = v + prev;
            psum_d += d;
            psq_d += d * d;
            psum_s += ps;
            psq_s += ps * ps;
        }
        prev = v;
        prev_nn = 1;
    }
    if (seg_n > 1) {
        double m = seg_sum / (double)seg_n;
        double v = (seg_sq - seg_sum * seg_sum / (double)seg_n) / (double)(seg_n - 1);
        mean_sum += m;
        mean_sq += m * m;
        sd_sum += sqrt(v > 0 ? v : 0);
        nseg++;
    }
    size_t n_nn = k;
    out->n_nn = n_nn;
    out->n_diff = ndiff;
    out->nn50 = nn50;
    out->n_segments = nseg;
    out->nn_rr = (double)n_nn / (double)n_rr;
    if (n_nn >= 1) {
        out->mean_nn_ms = sum / (double)n_nn;
        out->hr_bpm = 60000.0 / out->mean_nn_ms;
        out->pnn50_tf_pct = 100.0 * (double)nn50 / (double)n_nn;
    }
    if (n_nn >= 2) {
        double v = (sumsq - sum * sum / (double)n_nn) / (double)(n_nn - 1);
        out->sdnn_ms = sqrt(v > 0 ? v : 0);
    }
    if (nseg >= 2) {
        double v = (mean_sq - mean_sum * mean_sum / (double)nseg) / (double)(nseg - 1);
        out->sdann_ms = sqrt(v > 0 ? v : 0);
    }
    if (nseg >= 1)
        out->sdnn_index_ms = sd_sum / (double)nseg;
    if (ndiff >= 1) {
        out->rmssd_ms = sqrt(dsq / (double)ndiff);
        out->pnn50_pct = 100.0 * (double)nn50 / (double)ndiff;
    }
    if (ndiff >= 2) {
        double v = (dsq - dsum * dsum / (double)ndiff) / (double)(ndiff - 1);
        out->sdsd_ms = sqrt(v > 0 ? v : 0);
        if (!o.skip_nonlinear) {
            double vd = (psq_d - psum_d * psum_d / (double)ndiff) / (double)(ndiff - 1);
            double vs = (psq_s - psum_s * psum_s / (double)ndiff) / (double)(ndiff - 1);
            out->sd1_ms = sqrt((vd > 0 ? vd : 0) / 2);
            out->sd2_ms = sqrt((vs > 0 ? vs : 0) / 2);
        }
    }

    /* Lomb */
    if (n_nn >= 3 && nt[n_nn - 1] > nt[0]) {
        rh_lomb l;
        rc = rh_lomb_compute(nt, nn, n_nn, 0.4, &l, err);
        if (rc != RH_OK)
            goto out;
        fill_bands(&out->lomb, o.short_term, lomb_band, &l);
        out->lomb.df_hz = l.df_hz;
        out->lomb.points = n_nn;
        rh_lomb_release(&l);
    }
    /* Welch */
    if (o.welch && n_nn >= 4 && nt[n_nn - 1] > nt[0]) {
        /* times must increase strictly for the spline */
        int ok = 1;
        for (size_t i = 1; i < n_nn && ok; i++)
            ok = nt[i] > nt[i - 1];
        if (ok) {
            rh_welch w;
            rc = rh_welch_compute(nt, nn, n_nn, &o.welch_opts, &w, err);
            if (rc != RH_OK)
                goto out;
            fill_bands(&out->welch, o.short_term, welch_band, &w);
            out->welch.df_hz = w.df_hz;
            out->welch.points = n_nn;
            out->welch.segments = w.segments;
            out->have_welch = true;
            rh_welch_release(&w);
        }
    }
    /* non-linear */
    if (!o.skip_nonlinear && n_nn >= 2) {
        if (n_nn <= o.sampen_max_n)
            out->sampen = rh_hrv_sampen(nn, n_nn, 2, 0.2 * out->sdnn_ms);
        else
            out->sampen_skipped = true;
        rc = rh_hrv_dfa(nn, n_nn, 4, 16, &out->dfa_alpha1, err);
        if (rc == RH_OK)
            rc = rh_hrv_dfa(nn, n_nn, 16, 64, &out->dfa_alpha2, err);
    }
out:
    rh_free(nn);
    rh_free(nt);
    return rc;
}

/* First interval index with t_s >= t. */
static size_t lower_bound(const rh_rr_series *s, double t)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->t_s[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

rh_status rh_hrv_windows(const rh_rr_series *s, double window_s, double step_s,
                         const rh_hrv_opts *opts, rh_hrv_window **out, size_t *n, rh_err *err)
{
    *out = NULL;
    *n = 0;
    if (!(window_s > 0) || !(step_s >= 0) || !isfinite(window_s) || !isfinite(step_s))
        return RH_FAIL(err, RH_E_INVALID, "window %g s and step %g s are not valid", window_s,
                       step_s);
    if (step_s == 0)
        step_s = window_s;
    if (s->n == 0)
        return RH_OK;
    double t0 = s->t_s[0], span = s->t_s[s->n - 1] - t0;
    if (span < window_s)
        return RH_OK;
    double count = floor((span - window_s) / step_s) + 1;
    if (count > 1e6)
        return RH_FAIL(err, RH_E_LIMIT, "more than a million windows");
    size_t nw = (size_t)count;
    rh_hrv_window *w = rh_calloc(nw, sizeof(*w));
    if (!w)
        return RH_FAIL(err, RH_E_NOMEM, "cannot hold %zu windows", nw);
    for (size_t k = 0; k < nw; k++) {
        double a = t0 + (double)k * step_s, b = a + window_s;
        w[k].start_s = a;
        w[k].end_s = b;
        rh_status rc = rh_hrv_compute(s, lower_bound(s, a), lower_bound(s, b), opts, &w[k].r, err);
        if (rc != RH_OK) {
            rh_free(w);
            return rc;
        }
    }
    *out = w;
    *n = nw;
    return RH_OK;
}

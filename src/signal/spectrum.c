/* SPDX-License-Identifier: MIT */
#include "signal/spectrum.h"

#include "base/alloc.h"
#include "base/num.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

#define PI_D   3.14159265358979323846264338327950288
#define TWO_PI (2.0 * PI_D)

/* ------------------------------------------------------------------ FFT */

typedef struct fft_plan {
    size_t n;
    double *tw; /* n/2 complex twiddles e^{-2 pi i k / n} */
} fft_plan;

static bool is_pow2(size_t n)
{
    return n >= 1 && (n & (n - 1)) == 0;
}

static size_t next_pow2(size_t n)
{
    size_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

static rh_status plan_init(fft_plan *p, size_t n, rh_err *err)
{
    p->n = n;
    p->tw = NULL;
    if (!is_pow2(n))
        return RH_FAIL(err, RH_E_INVALID, "FFT length %zu is not a power of two", n);
    size_t h = n / 2 ? n / 2 : 1;
    p->tw = rh_malloc(2 * h * sizeof(double));
    if (!p->tw)
        return RH_FAIL(err, RH_E_NOMEM, "cannot hold FFT twiddles for %zu points", n);
    /* exact sin/cos every 64th entry, complex rotation in between */
    double sr = cos(TWO_PI / (double)n), si = -sin(TWO_PI / (double)n);
    for (size_t k0 = 0; k0 < h; k0 += 64) {
        double a = -TWO_PI * (double)k0 / (double)n;
        double wr = cos(a), wi = sin(a);
        for (size_t k = k0; k < k0 + 64 && k < h; k++) {
            p->tw[2 * k] = wr;
            p->tw[2 * k + 1] = wi;
            double t = wr * sr - wi * si;
            wi = wr * si + wi * sr;
            wr = t;
        }
    }
    return RH_OK;
}

static void plan_release(fft_plan *p)
{
    rh_free(p->tw);
    p->tw = NULL;
}

static size_t reverse_bits(size_t x, int bits)
{
    size_t r = 0;
    for (int b = 0; b < bits; b++, x >>= 1)
        r = (r << 1) | (x & 1);
    return r;
}

/* The swap loop for short arrays, which fit in the cache. */
static void bit_reverse_small(double *z, size_t n)
{
    for (size_t i = 1, j = 0; i < n; i++) {
        size_t bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j ^= bit;
        if (i < j) {
            double tr = z[2 * i], ti = z[2 * i + 1];
            z[2 * i] = z[2 * j];
            z[2 * i + 1] = z[2 * j + 1];
            z[2 * j] = tr;
            z[2 * j + 1] = ti;
        }
    }
}

#define BR_BITS 5 /* tiles of 32 x 32 complex values (16 KiB) */
#define BR_SIDE ((size_t)1 << BR_BITS)

typedef double br_tile[BR_SIDE][2 * BR_SIDE];

/* Reads tile `mid` (rows hi at distance `row`) so that t[lo] is, in order,
 * the row the permutation writes at rev(lo). */
static void br_load(const double *z, size_t row, size_t mid, const size_t *rev_side, br_tile t)
{
    for (size_t hi = 0; hi < BR_SIDE; hi++) {
        const double *src = z + 2 * (hi * row + mid * BR_SIDE);
        size_t col = 2 * rev_side[hi];
        for (size_t lo = 0; lo < BR_SIDE; lo++) {
            t[lo][col] = src[2 * lo];
            t[lo][col + 1] = src[2 * lo + 1];
        }
    }
}

static void br_store(double *z, size_t row, size_t mid, const size_t *rev_side, br_tile t)
{
    for (size_t lo = 0; lo < BR_SIDE; lo++)
        memcpy(z + 2 * (rev_side[lo] * row + mid * BR_SIDE), t[lo], sizeof(t[lo]));
}

/* Bit-reversal permutation of n complex values in place. Once the array
 * outgrows the cache, swapping value by value costs a cache miss per value
 * (most of a long FFT's time). Instead an index is split as [hi | mid | lo]
 * (BR_BITS-bit hi and lo) and its reverse is [rev lo | rev mid | rev hi]:
 * the 32 x 32 values of `mid` and those of rev(mid) trade places, each read
 * and written as 32 contiguous rows. */
static void bit_reverse(double *z, size_t n)
{
    int bits = 0;
    while (((size_t)1 << bits) < n)
        bits++;
    if (bits < 2 * BR_BITS) {
        bit_reverse_small(z, n);
        return;
    }
    size_t rev_side[BR_SIDE];
    for (size_t k = 0; k < BR_SIDE; k++)
        rev_side[k] = reverse_bits(k, BR_BITS);
    int mid_bits = bits - 2 * BR_BITS;
    size_t row = n / BR_SIDE;
    br_tile a, b;
    for (size_t mid = 0; mid < ((size_t)1 << mid_bits); mid++) {
        size_t rmid = reverse_bits(mid, mid_bits);
        if (rmid < mid)
            continue; /* done with its partner */
        br_load(z, row, mid, rev_side, a);
        if (rmid != mid) {
            br_load(z, row, rmid, rev_side, b);
            br_store(z, row, mid, rev_side, b);
        }
        br_store(z, row, rmid, rev_side, a);
    }
}

/* Iterative radix-2 decimation in time, two stages fused per pass (stages of
 * half-sizes h and 2h: four points at distance h per inner step), so each
 * pass reads and writes the array once for two stages. */
static void fft_run(const fft_plan *p, double *z)
{
    size_t n = p->n;
    if (n < 2)
        return;
    bit_reverse(z, n);
    size_t h = 1;
    /* first fused pass (h = 1): all twiddles are 1 and -i */
    if (n >= 4) {
        for (size_t i = 0; i < n; i += 4) {
            double *a = z + 2 * i;
            double ar = a[0] + a[2], ai = a[1] + a[3], br = a[0] - a[2], bi = a[1] - a[3];
            double cr = a[4] + a[6], ci = a[5] + a[7], dr = a[4] - a[6], di = a[5] - a[7];
            a[0] = ar + cr;
            a[1] = ai + ci;
            a[4] = ar - cr;
            a[5] = ai - ci;
            /* (b) +- (d)(-i) */
            a[2] = br + di;
            a[3] = bi - dr;
            a[6] = br - di;
            a[7] = bi + dr;
        }
        h = 4;
    }
    for (; 4 * h <= n; h *= 4) {
        size_t stride = n / (4 * h); /* twiddle index step of W_{4h} */
        for (size_t i = 0; i < n; i += 4 * h) {
            double *a = z + 2 * i, *b = a + 2 * h, *c = b + 2 * h, *d = c + 2 * h;
            for (size_t k = 0; k < h; k++) {
                const double *w4 = p->tw + 2 * k * stride, *w2 = p->tw + 4 * k * stride;
                double w2r = w2[0], w2i = w2[1], w4r = w4[0], w4i = w4[1];
                double br = b[2 * k] * w2r - b[2 * k + 1] * w2i;
                double bi = b[2 * k] * w2i + b[2 * k + 1] * w2r;
                double dr = d[2 * k] * w2r - d[2 * k + 1] * w2i;
                double di = d[2 * k] * w2i + d[2 * k + 1] * w2r;
                double a1r = a[2 * k] + br, a1i = a[2 * k + 1] + bi;
                double b2r = a[2 * k] - br, b2i = a[2 * k + 1] - bi;
                double c1r = c[2 * k] + dr, c1i = c[2 * k + 1] + di;
                double d2r = c[2 * k] - dr, d2i = c[2 * k + 1] - di;
                double cr = c1r * w4r - c1i * w4i, ci = c1r * w4i + c1i * w4r;
                /* d2 * W4 * (-i) */
                double tr = d2r * w4r - d2i * w4i, ti = d2r * w4i + d2i * w4r;
                double er = ti, ei = -tr;
                a[2 * k] = a1r + cr;
                a[2 * k + 1] = a1i + ci;
                c[2 * k] = a1r - cr;
                c[2 * k + 1] = a1i - ci;
                b[2 * k] = b2r + er;
                b[2 * k + 1] = b2i + ei;
                d[2 * k] = b2r - er;
                d[2 * k + 1] = b2i - ei;
            }
        }
    }
    /* a last single stage when log2 n is odd */
    if (2 * h == n) {
        double *a = z, *b = z + 2 * h;
        for (size_t k = 0; k < h; k++) {
            const double *w = p->tw + 2 * k;
            double xr = b[2 * k] * w[0] - b[2 * k + 1] * w[1];
            double xi = b[2 * k] * w[1] + b[2 * k + 1] * w[0];
            b[2 * k] = a[2 * k] - xr;
            b[2 * k + 1] = a[2 * k + 1] - xi;
            a[2 * k] += xr;
            a[2 * k + 1] += xi;
        }
    }
}

rh_status rh_fft(double *z, size_t n, rh_err *err)
{
    fft_plan p;
    rh_status rc = plan_init(&p, n, err);
    if (rc == RH_OK)
        fft_run(&p, z);
    plan_release(&p);
    return rc;
}

/* ----------------------------------------------------------------- Lomb */

#define NUFFT_SPREAD       10 /* Gaussian half-width in grid points (error < 1e-9 at R >= 2) */
#define NUFFT_SPREAD_TIGHT 14 /* the same error at oversampling 1.5 <= R < 2 */

/* Adds weight v spread by the Gaussian exp(-(x - m h)^2 / (4 tau)) onto the
 * periodic grid g (mr complex values, real or imaginary part `part`). */
static void spread(double *g, size_t mr, int sp, double h, double tau, const double *e3, double x,
                   double v, int part)
{
    double pos = x / h;
    long m0 = (long)floor(pos);
    double d = x - (double)m0 * h;
    double e1 = exp(-d * d / (4 * tau)) * v;
    double e2 = exp(d * h / (2 * tau));
    long imr = (long)mr;
    if (m0 >= sp && m0 + sp < imr) {
        /* e1 e2^l and e1 e2^-l from four interleaved products each: one
         * running product would be a chain of sp dependent multiplies,
         * which is what limits this loop */
        double up[NUFFT_SPREAD_TIGHT + 4], dn[NUFFT_SPREAD_TIGHT + 4];
        double e2i = 1 / e2;
        up[0] = e1;
        up[1] = e1 * e2;
        up[2] = up[1] * e2;
        up[3] = up[2] * e2;
        dn[0] = e1;
        dn[1] = e1 * e2i;
        dn[2] = dn[1] * e2i;
        dn[3] = dn[2] * e2i;
        double e4 = (e2 * e2) * (e2 * e2), e4i = (e2i * e2i) * (e2i * e2i);
        for (int l = 4; l <= sp; l++) {
            up[l] = up[l - 4] * e4;
            dn[l] = dn[l - 4] * e4i;
        }
        double *gp = g + 2 * m0 + part;
        for (int l = 0; l <= sp; l++)
            gp[2 * l] += up[l] * e3[l];
        for (int l = 1; l < sp; l++)
            gp[-2 * l] += dn[l] * e3[l];
        return;
    }
    /* near the ends of the grid: wrap around */
    double w = e1;
    for (int l = 0; l <= sp; l++) {
        long idx = (m0 + l) % imr;
        g[2 * idx + part] += w * e3[l];
        w *= e2;
    }
    w = e1 / e2;
    for (int l = 1; l < sp; l++) {
        long idx = (m0 - l) % imr;
        if (idx < 0)
            idx += imr;
        g[2 * idx + part] += w * e3[l];
        w /= e2;
    }
}

void rh_lomb_release(rh_lomb *l)
{
    rh_free(l->power);
    memset(l, 0, sizeof(*l));
}

rh_status rh_lomb_compute(const double *t_s, const double *y, size_t n, double fmax_hz,
                          rh_lomb *out, rh_err *err)
{
    memset(out, 0, sizeof(*out));
    if (n < 3)
        return RH_FAIL(err, RH_E_INVALID, "a Lomb periodogram needs at least 3 points, got %zu", n);
    if (n > RH_SPECTRUM_MAX_POINTS)
        return RH_FAIL(err, RH_E_LIMIT, "more than %zu points", RH_SPECTRUM_MAX_POINTS);
    if (!(fmax_hz > 0) || !isfinite(fmax_hz))
        return RH_FAIL(err, RH_E_INVALID, "maximum frequency %g Hz is not valid", fmax_hz);
    double mean = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(t_s[i]) || !isfinite(y[i]) || (i > 0 && !(t_s[i] >= t_s[i - 1])))
            return RH_FAIL(err, RH_E_INVALID, "point %zu is not finite or not in time order", i);
        mean += y[i];
    }
    mean /= (double)n;
    double var = 0, ep = 0;
    for (size_t i = 0; i < n; i++) {
        double d = y[i] - mean;
        ep += d;
        var += d * d;
    }
    var = (var - ep * ep / (double)n) / (double)(n - 1);
    double span = t_s[n - 1] - t_s[0];
    if (!(span > 0))
        return RH_FAIL(err, RH_E_INVALID, "the points span no time");
    double df = 1.0 / (4.0 * span);
    size_t nout = 4 * n, maxbins = nout / 2;
    double jmax = floor(fmax_hz / df) + 2; /* one bin past fmax for the %g edge rule */
    size_t J = jmax < (double)maxbins ? (size_t)jmax : maxbins;

    /* NUFFT sizes: modes -K..K with K = J need M >= 2K + 1; grid mr >= 2M */
    size_t M = 2 * J + 2, mr = next_pow2(2 * M);
    int sp = NUFFT_SPREAD;
    if (mr < 64) {
        mr = 64;
    } else if ((double)(mr / 2) >= 1.5 * (double)M) {
        /* a grid of half the size with a wider Gaussian: same accuracy,
         * about half the FFT work when 2M is just past a power of two */
        mr /= 2;
        sp = NUFFT_SPREAD_TIGHT;
    }
    double R = (double)mr / (double)M;
    double tau = PI_D * sp / ((double)M * (double)M * R * (R - 0.5));
    double h = TWO_PI / (double)mr;
    double e3[NUFFT_SPREAD_TIGHT + 1];
    for (int l = 0; l <= sp; l++)
        e3[l] = exp(-((double)l * h) * ((double)l * h) / (4 * tau));

    rh_status rc = RH_OK;
    fft_plan plan = {0};
    double *g = rh_calloc(2 * mr, sizeof(double));
    double *pw = rh_malloc((J ? J : 1) * sizeof(double));
    if (!g || !pw) {
        rc = RH_FAIL(err, RH_E_NOMEM, "cannot hold a %zu-point Lomb grid", mr);
        goto out;
    }
    rc = plan_init(&plan, mr, err);
    if (rc != RH_OK)
        goto out;
    /* x = 2 pi df (t - t0) in [0, pi/2]: sums with y at x, ones at 2x, packed
     * as the real and imaginary parts of one grid */
    double xs = TWO_PI * df;
    for (size_t i = 0; i < n; i++) {
        double x = xs * (t_s[i] - t_s[0]);
        spread(g, mr, sp, h, tau, e3, x, y[i] - mean, 0);
        spread(g, mr, sp, h, tau, e3, 2 * x, 1.0, 1);
    }
    fft_run(&plan, g);
    double c0 = sqrt(PI_D / tau) / (double)mr, e2t = exp(2 * tau), s = 0, q = 0;
    for (size_t k = 1; k <= J; k++) {
        double zr = g[2 * k], zi = g[2 * k + 1];
        double nr = g[2 * (mr - k)], ni = g[2 * (mr - k) + 1];
        /* c0 e^{k^2 tau} by recurrence, re-anchored every 256 bins */
        if (k % 256 == 1) {
            s = c0 * exp((double)k * (double)k * tau);
            q = exp((2.0 * (double)k + 1.0) * tau);
        } else {
            s *= q;
            q *= e2t;
        }
        /* A = (Z(k) + conj Z(-k)) / 2, B = (Z(k) - conj Z(-k)) / 2i */
        double ar = 0.5 * (zr + nr) * s, ai = 0.5 * (zi - ni) * s;
        double br = 0.5 * (zi + ni) * s, bi = -0.5 * (zr - nr) * s;
        double C = ar, S = -ai, C2 = br, S2 = -bi;
        double hypo = sqrt(C2 * C2 + S2 * S2);
        double hc2 = hypo > 0 ? 0.5 * C2 / hypo : 0.5, hs2 = hypo > 0 ? 0.5 * S2 / hypo : 0;
        double cwt = sqrt(0.5 + hc2), swt = sqrt(fmax(0.0, 0.5 - hc2));
        if (hs2 < 0)
            swt = -swt;
        double den = 0.5 * (double)n + hc2 * C2 + hs2 * S2;
        double ct = cwt * C + swt * S, st = cwt * S - swt * C;
        double p = 0;
        if (den > 0)
            p += ct * ct / den;
        if ((double)n - den > 0)
            p += st * st / ((double)n - den);
        pw[k - 1] = p / (double)nout;
    }
    out->df_hz = df;
    out->nbins = J;
    out->power = pw;
    pw = NULL;
    out->var = var;
    out->n = n;
out:
    plan_release(&plan);
    rh_free(g);
    rh_free(pw);
    return rc;
}

/* f as WFDB's lomb prints it: "%g", 6 significant digits. */
static double printed(double f)
{
    char buf[40];
    snprintf(buf, sizeof(buf), "%g", f);
    return strtod(buf, NULL);
}

static bool in_band(double f, double lo, double hi)
{
    /* only values within rounding distance of an edge need the printed form */
    if (fabs(f - lo) <= 1e-5 * fabs(lo) || fabs(f - hi) <= 1e-5 * fabs(hi))
        f = printed(f);
    return f >= lo && f <= hi;
}

double rh_lomb_band(const rh_lomb *l, double lo_hz, double hi_hz)
{
    double s = 0;
    if (!l->power)
        return RH_NAN;
    size_t j0 = lo_hz > 0 ? (size_t)floor(lo_hz / l->df_hz) : 1;
    j0 = j0 > 1 ? j0 - 1 : 1;
    for (size_t j = j0; j <= l->nbins; j++) {
        double f = (double)j * l->df_hz;
        if (f > hi_hz * (1 + 1e-5))
            break;
        if (in_band(f, lo_hz, hi_hz))
            s += l->power[j - 1];
    }
    return s;
}

/* --------------------------------------------------------------- spline */

rh_status rh_spline_resample(const double *x, const double *y, size_t n, double x0, double fs,
                             size_t m, double *out, rh_err *err)
{
    if (n < 2)
        return RH_FAIL(err, RH_E_INVALID, "a spline needs at least 2 knots");
    for (size_t i = 1; i < n; i++)
        if (!(x[i] > x[i - 1]))
            return RH_FAIL(err, RH_E_INVALID, "spline knots must increase (knot %zu)", i);
    double *c = rh_malloc(2 * n * sizeof(double)); /* second derivatives, then scratch */
    if (!c)
        return RH_FAIL(err, RH_E_NOMEM, "cannot hold %zu spline knots", n);
    double *u = c + n;
    /* natural spline: c[0] = c[n-1] = 0; tridiagonal solve (Thomas) */
    c[0] = u[0] = 0;
    for (size_t i = 1; i + 1 < n; i++) {
        double sig = (x[i] - x[i - 1]) / (x[i + 1] - x[i - 1]);
        double p = sig * c[i - 1] + 2.0;
        c[i] = (sig - 1.0) / p;
        double dy = (y[i + 1] - y[i]) / (x[i + 1] - x[i]) - (y[i] - y[i - 1]) / (x[i] - x[i - 1]);
        u[i] = (6.0 * dy / (x[i + 1] - x[i - 1]) - sig * u[i - 1]) / p;
    }
    c[n - 1] = 0;
    for (size_t i = n - 1; i-- > 0;)
        c[i] = c[i] * c[i + 1] + u[i];
    size_t seg = 0;
    for (size_t k = 0; k < m; k++) {
        double xv = x0 + (double)k / fs;
        while (seg + 2 < n && xv > x[seg + 1])
            seg++;
        double hseg = x[seg + 1] - x[seg];
        double a = (x[seg + 1] - xv) / hseg, b = (xv - x[seg]) / hseg;
        out[k] = a * y[seg] + b * y[seg + 1] +
                 ((a * a * a - a) * c[seg] + (b * b * b - b) * c[seg + 1]) * hseg * hseg / 6.0;
    }
    rh_free(c);
    return RH_OK;
}

/* ---------------------------------------------------------------- Welch */

void rh_welch_release(rh_welch *w)
{
    rh_free(w->psd);
    memset(w, 0, sizeof(*w));
}

/* Removes the least-squares line from v[0..L) and applies the window. */
static void detrend_window(const double *v, size_t L, const double *win, double *out)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t i = 0; i < L; i++) {
        double xi = (double)i;
        sx += xi;
        sy += v[i];
        sxx += xi * xi;
        sxy += xi * v[i];
    }
    double dn = (double)L, den = dn * sxx - sx * sx;
    double slope = den != 0 ? (dn * sxy - sx * sy) / den : 0, icpt = (sy - slope * sx) / dn;
    for (size_t i = 0; i < L; i++)
        out[i] = (v[i] - icpt - slope * (double)i) * win[i];
}

rh_status rh_welch_compute(const double *t_s, const double *y, size_t n, const rh_welch_opts *opts,
                           rh_welch *out, rh_err *err)
{
    memset(out, 0, sizeof(*out));
    double fs = opts && opts->fs_hz > 0 ? opts->fs_hz : 4.0;
    double seg_s = opts && opts->segment_s > 0 ? opts->segment_s : 256.0;
    double ov = opts && opts->overlap > 0 ? opts->overlap : 0.5;
    if (n < 4)
        return RH_FAIL(err, RH_E_INVALID, "a Welch spectrum needs at least 4 points, got %zu", n);
    if (n > RH_SPECTRUM_MAX_POINTS)
        return RH_FAIL(err, RH_E_LIMIT, "more than %zu points", RH_SPECTRUM_MAX_POINTS);
    if (!(ov < 1) || !isfinite(fs) || !isfinite(seg_s))
        return RH_FAIL(err, RH_E_INVALID, "Welch options are not valid");
    double span = t_s[n - 1] - t_s[0];
    if (!(span > 0))
        return RH_FAIL(err, RH_E_INVALID, "the points span no usable time");
    if (span * fs > (double)RH_WELCH_MAX_SAMPLES)
        return RH_FAIL(err, RH_E_LIMIT, "more than %zu resampled samples (%.0f s at %g Hz)",
                       RH_WELCH_MAX_SAMPLES, span, fs);
    size_t m = (size_t)floor(span * fs) + 1;
    if (m < 2)
        return RH_FAIL(err, RH_E_INVALID, "fewer than 2 resampled samples");
    size_t L = (size_t)lround(seg_s * fs);
    if (L > m)
        L = m;
    if (L < 2)
        L = 2;
    size_t step = (size_t)lround((double)L * (1 - ov));
    if (step < 1)
        step = 1;
    size_t nfft = next_pow2(L);
    size_t nseg = (m - L) / step + 1;
    rh_status rc = RH_OK;
    fft_plan plan = {0};
    double *r = rh_malloc(m * sizeof(double));
    double *win = rh_malloc(L * sizeof(double));
    double *z = rh_malloc(2 * nfft * sizeof(double));
    double *seg = rh_malloc(2 * L * sizeof(double));
    size_t nb = nfft / 2 + 1;
    double *acc = rh_calloc(nb, sizeof(double));
    if (!r || !win || !z || !seg || !acc) {
        rc = RH_FAIL(err, RH_E_NOMEM, "cannot hold a %zu-sample resampled series", m);
        goto out;
    }
    rc = rh_spline_resample(t_s, y, n, t_s[0], fs, m, r, err);
    if (rc == RH_OK)
        rc = plan_init(&plan, nfft, err);
    if (rc != RH_OK)
        goto out;
    double wss = 0;
    for (size_t i = 0; i < L; i++) {
        win[i] = 0.5 - 0.5 * cos(TWO_PI * (double)i / (double)L); /* periodic Hann */
        wss += win[i] * win[i];
    }
    /* two real segments per complex FFT */
    for (size_t s = 0; s < nseg; s += 2) {
        bool two = s + 1 < nseg;
        detrend_window(r + s * step, L, win, seg);
        if (two)
            detrend_window(r + (s + 1) * step, L, win, seg + L);
        memset(z, 0, 2 * nfft * sizeof(double));
        for (size_t i = 0; i < L; i++) {
            z[2 * i] = seg[i];
            z[2 * i + 1] = two ? seg[L + i] : 0;
        }
        fft_run(&plan, z);
        for (size_t k = 0; k < nb; k++) {
            size_t nk = (nfft - k) % nfft;
            double zr = z[2 * k], zi = z[2 * k + 1], wr = z[2 * nk], wi = z[2 * nk + 1];
            double ar = 0.5 * (zr + wr), ai = 0.5 * (zi - wi);
            double br = 0.5 * (zi + wi), bi = -0.5 * (zr - wr);
            acc[k] += ar * ar + ai * ai;
            if (two)
                acc[k] += br * br + bi * bi;
        }
    }
    for (size_t k = 0; k < nb; k++) {
        double p = acc[k] / ((double)nseg * fs * wss);
        if (k > 0 && k < nfft / 2)
            p *= 2;
        acc[k] = p;
    }
    out->psd = acc;
    acc = NULL;
    out->nbins = nb;
    out->df_hz = fs / (double)nfft;
    out->segments = nseg;
    out->seg_len = L;
    out->fs_hz = fs;
out:
    plan_release(&plan);
    rh_free(r);
    rh_free(win);
    rh_free(z);
    rh_free(seg);
    rh_free(acc);
    return rc;
}

double rh_welch_band(const rh_welch *w, double lo_hz, double hi_hz)
{
    if (!w->psd)
        return RH_NAN;
    double s = 0;
    for (size_t k = 0; k < w->nbins; k++) {
        double f = (double)k * w->df_hz;
        if (f >= lo_hz && f < hi_hz)
            s += w->psd[k];
    }
    return s * w->df_hz;
}

/* SPDX-License-Identifier: MIT
 *
 * signal/qrs: streaming R-peak detector for one or two ECG leads.
 *
 * Method (designed for this project from the literature; no code copied):
 *
 * 1. Per lead, a QRS-emphasising feature, after Pan & Tompkins (IEEE TBME
 *    32:230-236, 1985): low-pass by two cascaded 25 ms moving sums, high-pass by
 *    subtracting a centred 160 ms moving mean (cut-off about 5 Hz), derivative
 *    over 16 ms, squared and summed over 150 ms. We keep the square root of
 *    that sum (the RMS slope), which scales linearly with amplitude so levels
 *    and thresholds behave the same for small and large complexes. The first
 *    moving sum runs at the input rate; the rest runs at an internal rate of
 *    fs / k (k = floor(fs / 70), so 70-125 Hz), enough for a band that ends
 *    near 25 Hz. All time constants are in seconds, so the detector behaves the
 *    same from 125 to 1000 Hz.
 * 2. Each lead's feature is divided by its QRS level (median of the last 8
 *    beats, as in Hamilton & Tompkins, IEEE TBME 33:1157-1165, 1986), clipped
 *    at 2 (one artefact cannot dominate), and the leads are averaged with
 *    weights proportional to the inverse of each lead's noise (its normalised
 *    feature at recent noise peaks, median of 8), with a factor 4 preference
 *    for the first lead. A lead whose normalised feature stays below 0.15 for
 *    a whole second (lead off, amplifier saturated) gets weight 0 until it
 *    comes back. With one lead this reduces to the normalised single-lead
 *    feature.
 * 3. Candidates are the local maxima of the fused feature. A candidate with a
 *    larger one within 250 ms on either side is not a QRS (the P wave before
 *    and the T wave after a complex); deciding this needs 250 ms of look-ahead.
 * 4. Decision (Pan-Tompkins logic on the fused feature): running signal and
 *    noise levels SPK, NPK (1/8 updates, 1/4 for a search-back beat);
 *    threshold NPK + 0.3 (SPK - NPK); 200 ms refractory period; a candidate
 *    within 360 ms of the previous beat whose maximum slope is under half of
 *    that beat's is a T wave; when no beat has come for 1.66 mean RR
 *    intervals, the largest earlier candidate above half the threshold (and
 *    more than 360 ms after the last beat) is taken (search-back). After
 *    3 s (or 3 mean RR) without any beat, the lead levels are halved every
 *    second so a sudden drop in amplitude is followed.
 * 5. R-peak time: the steepest slope of the dominant lead locates the
 *    complex; the R peak is the largest deflection of the input-rate 25 ms
 *    low-passed signal from a straight baseline within 60 ms of it.
 *
 * Memory is fixed at creation (rings of a few seconds); the per-sample path
 * does not allocate. Beats are reported once decided: at most
 * rh_qrs_latency() samples after the R peak (the first beats also wait for the
 * 2 s learning period that sets the initial levels).
 */
#include "signal/qrs.h"

#include "base/alloc.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "base/banned.h"

#define RING  4096 /* input-rate ring: > 4 s at 1000 Hz; power of two */
#define RMASK (RING - 1)
#define DRING 1024 /* internal-rate ring: > 8 s at 125 Hz */
#define DMASK (DRING - 1)
#define MAXC  64 /* candidates kept between two beats */
#define NLEV  8  /* beats and noise peaks in the running medians */
#define NHIST 4

/* Design constants (see the header comment). */
#define INTERNAL_HZ     70.0
#define LP_S            0.025
#define HP_S            0.160
#define DERIV_S         0.016
#define WIN_S           0.150
#define REFRACTORY_S    0.200
#define TWAVE_S         0.360
#define PEAK_WAIT_S     0.150
#define DOMINANCE_S     0.250
#define LEARN_S         2.0
#define LOCATE_S        0.060
#define BASELINE_S      0.200
#define CLIP            2.0
#define ETA             0.3
#define FIRST_LEAD_BIAS 4.0
#define NOISE_MIN       0.05
#define NORM_FLOOR      0.1
#define SILENT          0.15
#define TSLOPE          0.5
#define SEARCHBACK_RR   1.66
#define SEARCHBACK_TH   0.5
#define MIN_QRS_MV      0.05 /* no QRS level is assumed below half this complex's */

typedef struct lead {
    /* input rate */
    uint32_t cs[RING]; /* running sum of the input (wraps; differences are exact) */
    uint32_t csum;
    /* internal rate */
    int32_t s1[DRING]; /* s1 at each tick's last sample */
    int32_t s2[DRING]; /* moving sum of decimated s1 */
    double hp[DRING];  /* high-passed s2 (scaled by L2d) */
    double e2[DRING];  /* squared derivative */
    float g[DRING];    /* RMS slope over W: the lead's feature */
    int64_t sum2, sum3;
    double e;
    double inv_norm; /* 1 / QRS level */
    double norm, snorm;
    double lev[NLEV], slv[NLEV];
    int nlev;
    double nlv[NLEV];
    int nnl;
    double learn_max, learn_slope;
    double abs_g, abs_slope; /* floors: feature of a MIN_QRS_MV complex */
    double blk[4], blk_cur;
    bool silent;
} lead;

typedef struct cand {
    int64_t t;                    /* tick of the feature peak */
    double peak;                  /* fused feature */
    double slope;                 /* fused normalised maximum slope */
    int64_t at;                   /* tick of the steepest slope of `lead` (locates the R peak) */
    double lsl[RH_QRS_MAX_LEADS]; /* each lead's steepest slope over W before t */
    uint8_t lead;
    bool big; /* some lead in use is above the absolute QRS floor */
} cand;

/* Ring offsets of the internal-rate filters, fixed at creation. */
typedef struct tick_offsets {
    int L1, L1d, L2d, mid2, Dd, W;
} tick_offsets;

struct rh_qrs {
    double fs, fsd;
    tick_offsets off;
    int nleads, k, kcount, blk_count;
    int stride, col[RH_QRS_MAX_LEADS];
    int L1, L1d, L2d, Dd, W, W4, refr, twave, wait, tau, locate, base, blk_len;
    int64_t dly_full; /* input samples from a hp tick's sample to its centre */
    int64_t n;        /* input samples seen */
    int64_t j;        /* ticks done */
    lead ld[RH_QRS_MAX_LEADS];
    double w[RH_QRS_MAX_LEADS], we[RH_QRS_MAX_LEADS];
    double prev_f, cur_max;
    int64_t cur_t;
    bool rising;
    cand c[MAXC];
    int nc;
    cand pend[MAXC];
    int npend;
    cand hist[NHIST];
    int nhist;
    double spk, npk;
    bool learned;
    int64_t learn_end; /* ticks */
    int64_t last_qrs;  /* tick */
    double last_slope;
    double rrs[NLEV];
    int nrr;
    double rr_avg;        /* ticks */
    int64_t next_recover; /* tick of the next level halving without beats */
    int64_t sb_tick;      /* earliest horizon for a search-back */
};

static int iround(double v)
{
    return (int)lround(v);
}

static int at_least(int v, int lo)
{
    return v < lo ? lo : v;
}

rh_status rh_qrs_create(const rh_qrs_opts *opts, rh_qrs **out, rh_err *err)
{
    *out = NULL;
    if (!opts || !(opts->fs_hz >= RH_QRS_MIN_FS_HZ) || !(opts->fs_hz <= RH_QRS_MAX_FS_HZ))
        return RH_FAIL(err, RH_E_RANGE, "sampling frequency must be 125-1000 Hz, not %g",
                       opts ? opts->fs_hz : 0.0);
    int nl = opts->nleads ? opts->nleads : 1;
    if (nl < 1 || nl > RH_QRS_MAX_LEADS)
        return RH_FAIL(err, RH_E_RANGE, "the detector takes 1 or 2 leads, not %d", nl);
    if (!(opts->adu_per_mv >= 0) || !isfinite(opts->adu_per_mv))
        return RH_FAIL(err, RH_E_RANGE, "gain %g adu/mV is not valid", opts->adu_per_mv);
    int stride = opts->frame_stride ? opts->frame_stride : nl, col[RH_QRS_MAX_LEADS];
    for (int l = 0; l < nl; l++) {
        col[l] = opts->columns[l] ? opts->columns[l] - 1 : l;
        if (col[l] < 0 || col[l] >= stride)
            return RH_FAIL(err, RH_E_RANGE, "lead %d is in column %d, outside a %d-value frame",
                           l + 1, col[l] + 1, stride);
    }
    rh_qrs *q = rh_calloc(1, sizeof(*q));
    if (!q)
        return RH_FAIL(err, RH_E_NOMEM, "cannot create a QRS detector");
    double fs = opts->fs_hz;
    q->fs = fs;
    q->nleads = nl;
    q->stride = stride;
    for (int l = 0; l < nl; l++)
        q->col[l] = col[l];
    q->k = at_least((int)floor(fs / INTERNAL_HZ), 1);
    q->kcount = q->k;
    double fsd = fs / q->k;
    q->fsd = fsd;
    q->L1 = at_least(iround(LP_S * fs), 1);
    q->L1d = at_least(iround(LP_S * fsd), 1);
    q->L2d = at_least(iround(HP_S * fsd), 3) | 1;
    q->Dd = at_least(iround(DERIV_S * fsd), 1);
    q->W = at_least(iround(WIN_S * fsd), 2);
    q->W4 = q->W / 4;
    q->refr = iround(REFRACTORY_S * fsd);
    q->twave = iround(TWAVE_S * fsd);
    q->wait = iround(PEAK_WAIT_S * fsd);
    q->tau = iround(DOMINANCE_S * fsd);
    q->locate = iround(LOCATE_S * fs);
    q->base = iround(BASELINE_S * fs);
    q->blk_len = at_least(iround(0.25 * fsd), 1);
    q->blk_count = q->blk_len;
    /* hp tick j is computed from input sample j*k + k-1; its content is centred
     * (L1d-1)/2 + (L2d-1)/2 ticks and (L1-1)/2 input samples earlier. */
    q->dly_full = (int64_t)q->k * ((q->L1d - 1) / 2 + (q->L2d - 1) / 2) + (q->L1 - 1) / 2;
    q->off = (tick_offsets){.L1 = q->L1,
                            .L1d = q->L1d,
                            .L2d = q->L2d,
                            .mid2 = (q->L2d - 1) / 2,
                            .Dd = q->Dd,
                            .W = q->W};
    /* Feature of a triangular complex of MIN_QRS_MV rising over 40 ms: the
     * chain scales amplitude by L1 * L1d * L2d; the derivative over Dd ticks of
     * slope A / 0.04 s, summed in squares over the 80 ms it lasts. Half of it
     * is the absolute floor of the levels, so that a flat lead's quantisation
     * noise is never normalised up to QRS size. */
    double gain = opts->adu_per_mv > 0 ? opts->adu_per_mv : 200.0;
    double a = MIN_QRS_MV * gain, scale = (double)q->L1 * q->L1d * q->L2d;
    double d = scale * a / 0.04 * q->Dd / fsd;
    for (int l = 0; l < nl; l++) {
        q->ld[l].abs_slope = 0.5 * d;
        q->ld[l].abs_g = 0.5 * d * sqrt(0.08 * fsd);
    }
    q->last_qrs = -1;
    q->sb_tick = INT64_MAX;
    q->cur_t = -1;
    q->learn_end = (int64_t)(LEARN_S * fsd);
    for (int l = 0; l < nl; l++) {
        q->w[l] = q->we[l] = 1.0 / nl;
        q->ld[l].norm = q->ld[l].snorm = q->ld[l].inv_norm = 1;
    }
    *out = q;
    return RH_OK;
}

void rh_qrs_destroy(rh_qrs *q)
{
    rh_free(q);
}

int64_t rh_qrs_latency(const rh_qrs *q)
{
    /* learning, then the look-ahead of a decision, plus the feature delay */
    return (int64_t)q->k * (q->learn_end + q->tau + q->wait + q->W) + q->dly_full;
}

#define CSWAP(a, b)                             \
    do {                                        \
        double lo_ = t[a] < t[b] ? t[a] : t[b]; \
        t[b] = t[a] < t[b] ? t[b] : t[a];       \
        t[a] = lo_;                             \
    } while (0)

/* Median of the first min(n, 8) values (a full buffer is sorted by a
 * 19-comparator network). */
static double median8(const double *v, int n)
{
    double t[NLEV];
    int m = n < NLEV ? n : NLEV;
    memcpy(t, v, (size_t)m * sizeof(double));
    if (m == NLEV) {
        CSWAP(0, 1);
        CSWAP(2, 3);
        CSWAP(4, 5);
        CSWAP(6, 7);
        CSWAP(0, 2);
        CSWAP(1, 3);
        CSWAP(4, 6);
        CSWAP(5, 7);
        CSWAP(1, 2);
        CSWAP(5, 6);
        CSWAP(0, 4);
        CSWAP(3, 7);
        CSWAP(1, 5);
        CSWAP(2, 6);
        CSWAP(1, 4);
        CSWAP(3, 6);
        CSWAP(2, 4);
        CSWAP(3, 5);
        CSWAP(3, 4);
        return 0.5 * (t[3] + t[4]);
    }
    for (int i = 1; i < m; i++)
        for (int j = i; j > 0 && t[j] < t[j - 1]; j--) {
            double x = t[j];
            t[j] = t[j - 1];
            t[j - 1] = x;
        }
    return m % 2 ? t[m / 2] : 0.5 * (t[m / 2 - 1] + t[m / 2]);
}

static int64_t clamp_tick(const rh_qrs *q, int64_t t)
{
    if (t < 0)
        return 0;
    return t > q->j - 1 ? q->j - 1 : t;
}

static double lead_max_g(const rh_qrs *q, const lead *l, int64_t a, int64_t b)
{
    double mx = 0;
    a = clamp_tick(q, a);
    b = clamp_tick(q, b);
    for (int64_t t = a; t <= b; t++)
        if ((double)l->g[t & DMASK] > mx)
            mx = (double)l->g[t & DMASK];
    return mx;
}

static double lead_max_slope(const rh_qrs *q, const lead *l, int64_t a, int64_t b, int64_t *at)
{
    double mx = 0;
    a = clamp_tick(q, a);
    b = clamp_tick(q, b);
    *at = b;
    for (int64_t t = a; t <= b; t++) {
        double v = l->e2[t & DMASK];
        if (v > mx) {
            mx = v;
            *at = t;
        }
    }
    return sqrt(mx);
}

/* The 25 ms moving sum of the input at sample i. */
static inline double s1_at(const rh_qrs *q, const lead *l, int64_t i)
{
    return (double)(int32_t)(l->cs[i & RMASK] - l->cs[(i - q->L1) & RMASK]);
}

/* R peak near the steepest slope (tick `slope_at`) of a lead, input samples. */
static int64_t locate(const rh_qrs *q, const lead *l, int64_t slope_at)
{
    /* centre of the slope in the input timeline, then of s1 (delay (L1-1)/2) */
    int64_t c = slope_at * q->k + (q->k - 1) - q->dly_full - (int64_t)q->k * q->Dd / 2;
    int64_t d1 = (q->L1 - 1) / 2, first = q->n - RING + q->L1 + 1;
    first = first > 0 ? first : 0;
    int64_t lo = c - q->locate + d1, hi = c + q->locate + d1;
    int64_t blo = c - q->base + d1, bhi = c + q->base + d1;
    lo = lo > first ? lo : first;
    blo = blo > first ? blo : first;
    hi = hi < q->n - 1 ? hi : q->n - 1;
    bhi = bhi < q->n - 1 ? bhi : q->n - 1;
    if (lo > hi)
        return c < 0 ? 0 : c;
    /* baseline: the mean over +-200 ms, so a wide complex keeps its peak;
     * taken from s1 at the internal ticks in that span (tick t ends at input
     * sample t k + k - 1), which is plenty for a mean over 400 ms */
    double base = 0;
    int64_t k = q->k, ta = blo - (k - 1) <= 0 ? 0 : (blo - (k - 1) + k - 1) / k,
            tb = bhi - (k - 1) < 0 ? -1 : (bhi - (k - 1)) / k;
    if (tb >= ta) {
        for (int64_t t = ta; t <= tb; t++)
            base += (double)l->s1[t & DMASK];
        base /= (double)(tb - ta + 1);
    } else {
        for (int64_t i = blo; i <= bhi; i++)
            base += s1_at(q, l, i);
        base /= (double)(bhi - blo + 1);
    }
    double best = -1;
    int64_t bt = lo;
    for (int64_t i = lo; i <= hi; i++) {
        double v = fabs(s1_at(q, l, i) - base);
        if (v > best) {
            best = v;
            bt = i;
        }
    }
    int64_t r = bt - d1;
    return r < 0 ? 0 : r;
}

static void describe(rh_qrs *q, cand *c)
{
    double best = -1, sl = 0;
    for (int li = 0; li < q->nleads; li++) {
        const lead *l = &q->ld[li];
        int64_t at;
        c->lsl[li] = lead_max_slope(q, l, c->t - q->W, c->t, &at);
        double s = c->lsl[li] / l->snorm;
        sl += q->we[li] * (s < CLIP ? s : CLIP);
        double gr = (double)l->g[c->t & DMASK], gn = gr * l->inv_norm;
        if (q->we[li] > 0 && gr >= 2 * l->abs_g)
            c->big = true;
        if (q->we[li] * gn > best) {
            best = q->we[li] * gn;
            c->lead = (uint8_t)li;
            c->at = at;
        }
    }
    c->slope = sl;
}

static void set_norms(lead *l, double g, double s)
{
    double fg = NORM_FLOOR * l->learn_max, fsl = NORM_FLOOR * l->learn_slope;
    fg = fg > l->abs_g ? fg : l->abs_g;
    fsl = fsl > l->abs_slope ? fsl : l->abs_slope;
    l->norm = g > fg ? g : fg;
    l->snorm = s > fsl ? s : fsl;
    if (!(l->norm > 0))
        l->norm = 1;
    if (!(l->snorm > 0))
        l->snorm = 1;
    l->inv_norm = 1.0 / l->norm;
}

static void effective_weights(rh_qrs *q)
{
    double tot = 0;
    for (int li = 0; li < q->nleads; li++)
        tot += q->ld[li].silent ? 0 : q->w[li];
    for (int li = 0; li < q->nleads; li++)
        q->we[li] = tot > 0 ? (q->ld[li].silent ? 0 : q->w[li] / tot) : q->w[li];
}

/* A noise peak updates each lead's noise level and the lead weights. */
static void noise_candidate(rh_qrs *q, const cand *c)
{
    if (q->nleads < 2)
        return;
    int r = iround(0.05 * q->fsd);
    double inv[RH_QRS_MAX_LEADS], tot = 0;
    for (int li = 0; li < q->nleads; li++) {
        lead *l = &q->ld[li];
        l->nlv[l->nnl % NLEV] = lead_max_g(q, l, c->t - r, c->t + r) * l->inv_norm;
        l->nnl++;
        double nz = median8(l->nlv, l->nnl);
        inv[li] = 1.0 / (nz > NOISE_MIN ? nz : NOISE_MIN);
        if (li == 0)
            inv[li] *= FIRST_LEAD_BIAS;
        tot += inv[li];
    }
    for (int li = 0; li < q->nleads; li++)
        q->w[li] = inv[li] / tot;
    effective_weights(q);
}

static void update_leads(rh_qrs *q, const cand *c)
{
    int r = iround(0.05 * q->fsd);
    for (int li = 0; li < q->nleads; li++) {
        lead *l = &q->ld[li];
        l->lev[l->nlev % NLEV] = lead_max_g(q, l, c->t - r, c->t + r);
        l->slv[l->nlev % NLEV] = c->lsl[li]; /* found by describe() */
        l->nlev++;
        set_norms(l, median8(l->lev, l->nlev), median8(l->slv, l->nlev));
    }
}

static void accept(rh_qrs *q, const cand *c, bool searchback, rh_qrs_beat_fn fn, void *ctx)
{
    q->spk = searchback ? 0.25 * c->peak + 0.75 * q->spk : 0.125 * c->peak + 0.875 * q->spk;
    if (q->last_qrs >= 0) {
        q->rrs[q->nrr % NLEV] = (double)(c->t - q->last_qrs);
        q->nrr++;
        /* the median: one long gap (missed beats) must not delay the next
         * search-back */
        q->rr_avg = median8(q->rrs, q->nrr);
    }
    update_leads(q, c);
    q->last_qrs = c->t;
    q->last_slope = c->slope;
    double quiet = 3.0 * q->rr_avg > 3.0 * q->fsd ? 3.0 * q->rr_avg : 3.0 * q->fsd;
    q->next_recover = c->t + (int64_t)quiet;
    q->sb_tick = q->rr_avg > 0 ? c->t + (int64_t)ceil(SEARCHBACK_RR * q->rr_avg) : INT64_MAX;
    /* rejected candidates after this beat stay searchable */
    int keep = 0;
    for (int i = 0; i < q->nc; i++)
        if (q->c[i].t > c->t)
            q->c[keep++] = q->c[i];
    q->nc = keep;
    /* the R peak is located only for beats (the input ring keeps several
     * seconds, longer than a search-back reaches) */
    rh_qrs_beat b = {.sample = locate(q, &q->ld[c->lead], c->at),
                     .strength = (float)(c->peak / (q->spk > 0 ? q->spk : 1)),
                     .lead = c->lead};
    fn(ctx, &b);
}

static double threshold(const rh_qrs *q)
{
    return q->npk + ETA * (q->spk - q->npk);
}

static void classify(rh_qrs *q, cand *c, rh_qrs_beat_fn fn, void *ctx)
{

    bool qrs =
        c->big && c->peak > threshold(q) && (q->last_qrs < 0 || c->t - q->last_qrs > q->refr);
    if (qrs && q->last_qrs >= 0 && c->t - q->last_qrs < q->twave &&
        c->slope < TSLOPE * q->last_slope)
        qrs = false; /* a T wave */
    if (qrs) {
        accept(q, c, false, fn, ctx);
        return;
    }
    q->npk = 0.125 * c->peak + 0.875 * q->npk;
    noise_candidate(q, c);
    if (q->nc < MAXC)
        q->c[q->nc++] = *c;
}

static void searchback(rh_qrs *q, int64_t horizon, rh_qrs_beat_fn fn, void *ctx)
{
    if (q->last_qrs < 0 || q->rr_avg <= 0 || q->nc == 0)
        return;
    if ((double)(horizon - q->last_qrs) < SEARCHBACK_RR * q->rr_avg)
        return;
    double th2 = SEARCHBACK_TH * threshold(q);
    int best = -1;
    for (int i = 0; i < q->nc; i++) {
        const cand *c = &q->c[i];
        if (c->t - q->last_qrs <= q->twave || c->t > horizon)
            continue;
        if (c->big && c->peak > th2 && (best < 0 || c->peak > q->c[best].peak))
            best = i;
    }
    if (best >= 0) {
        cand c = q->c[best];
        accept(q, &c, true, fn, ctx);
    }
}

/* After a long stretch without beats, halve the lead levels every second. */
static void recover(rh_qrs *q)
{
    q->next_recover += (int64_t)q->fsd;
    for (int li = 0; li < q->nleads; li++) {
        lead *l = &q->ld[li];
        for (int k = 0; k < NLEV; k++) {
            l->lev[k] *= 0.5;
            l->slv[k] *= 0.5;
        }
        l->norm *= 0.5;
        l->snorm *= 0.5;
        l->inv_norm = 1.0 / l->norm;
    }
}

static void on_candidate(rh_qrs *q, int64_t t, double peak)
{
    if (q->npend == MAXC) { /* cannot happen at one candidate per W/4 */
        memmove(q->pend, q->pend + 1, (MAXC - 1) * sizeof(cand));
        q->npend--;
    }
    q->pend[q->npend++] = (cand){.t = t, .peak = peak};
}

static bool dominated(const rh_qrs *q, const cand *c)
{
    for (int i = 1; i < q->npend; i++)
        if (q->pend[i].t - c->t <= q->tau && q->pend[i].peak > c->peak)
            return true;
    for (int i = 0; i < q->nhist; i++)
        if (c->t - q->hist[i].t <= q->tau && q->hist[i].peak > c->peak)
            return true;
    return false;
}

static void decide(rh_qrs *q, rh_qrs_beat_fn fn, void *ctx)
{
    cand c = q->pend[0];
    bool dom = dominated(q, &c);
    memmove(q->pend, q->pend + 1, (size_t)(q->npend - 1) * sizeof(cand));
    q->npend--;
    if (q->nhist == NHIST)
        memmove(q->hist, q->hist + 1, (NHIST - 1) * sizeof(cand));
    else
        q->nhist++;
    q->hist[q->nhist - 1] = c;
    if (dom)
        return;
    if (c.peak <= SEARCHBACK_TH * threshold(q)) {
        /* too small to be a beat even in a search-back: noise only */
        q->npk = 0.125 * c.peak + 0.875 * q->npk;
        noise_candidate(q, &c);
        return;
    }
    describe(q, &c);
    classify(q, &c, fn, ctx);
}

/* A lead's one-second activity test, once per 0.25 s block. */
static void block_end(lead *l)
{
    memmove(l->blk, l->blk + 1, 3 * sizeof(double));
    l->blk[3] = l->blk_cur;
    l->blk_cur = 0;
    l->silent =
        l->blk[0] < SILENT && l->blk[1] < SILENT && l->blk[2] < SILENT && l->blk[3] < SILENT;
}

/* Fused feature and candidate peaks at tick t. */
static void feature_step(rh_qrs *q, int64_t t)
{
    double f;
    lead *l0 = &q->ld[0];
    double g0 = (double)l0->g[t & DMASK] * l0->inv_norm;
    g0 = g0 < CLIP ? g0 : CLIP;
    if (q->nleads == 1) {
        f = g0;
    } else {
        lead *l1 = &q->ld[1];
        double g1 = (double)l1->g[t & DMASK] * l1->inv_norm;
        g1 = g1 < CLIP ? g1 : CLIP;
        f = q->we[0] * g0 + q->we[1] * g1;
        l0->blk_cur = g0 > l0->blk_cur ? g0 : l0->blk_cur;
        l1->blk_cur = g1 > l1->blk_cur ? g1 : l1->blk_cur;
        if (--q->blk_count == 0) {
            q->blk_count = q->blk_len;
            block_end(l0);
            block_end(l1);
            effective_weights(q);
        }
    }
    if (f > q->prev_f && (!q->rising || f > q->cur_max)) {
        q->rising = true;
        q->cur_max = f;
        q->cur_t = t;
    } else if (q->rising &&
               (t - q->cur_t >= q->wait || (2 * f < q->cur_max && t - q->cur_t > q->W4))) {
        on_candidate(q, q->cur_t, q->cur_max);
        q->rising = false;
    }
    q->prev_f = f;
}

static void finish_learning(rh_qrs *q)
{
    q->learned = true;
    for (int li = 0; li < q->nleads; li++) {
        lead *l = &q->ld[li];
        set_norms(l, 0.7 * l->learn_max, 0.7 * l->learn_slope);
    }
    for (int64_t t = 0; t < q->j; t++)
        feature_step(q, t);
    double mx = 0, sum = 0;
    for (int i = 0; i < q->npend; i++) {
        mx = q->pend[i].peak > mx ? q->pend[i].peak : mx;
        sum += q->pend[i].peak;
    }
    q->spk = mx > 0 ? 0.7 * mx : 1;
    q->npk = q->npend ? 0.25 * sum / q->npend : 0;
}

/* Starts the filters as if the signal had always been x0, so a DC offset does
 * not ring through them. */
static void lead_prime(const rh_qrs *q, lead *l, int32_t x0)
{
    /* wider arithmetic: the rings wrap like the running sums would */
    int32_t s2 = (int32_t)(uint32_t)((uint64_t)(int64_t)x0 * (uint64_t)(q->L1 * q->L1d));
    /* virtual past: cs[m] = (m + 1) * x0 for m < 0 */
    for (int m = 1; m <= RING; m++)
        l->cs[(RING - m) & RMASK] = (uint32_t)(1 - m) * (uint32_t)x0;
    l->csum = 0;
    int32_t s1 = (int32_t)(uint32_t)((uint64_t)(int64_t)x0 * (uint64_t)q->L1);
    for (int i = 0; i < DRING; i++) {
        l->s1[i] = s1;
        l->s2[i] = s2;
        l->hp[i] = 0;
        l->e2[i] = 0;
    }
    l->sum2 = s2;
    l->sum3 = (int64_t)s2 * q->L2d;
}

/* Internal-rate filters of one lead for nt ticks from t0; the last input
 * sample of tick t0 + i is n0 + i * k. State is kept in locals for the loop. */
static void lead_ticks(lead *l, const tick_offsets *o, int k, int64_t n0, int64_t t0, int nt)
{
    int64_t sum2 = l->sum2, sum3 = l->sum3;
    double e = l->e;
    const uint32_t *cs = l->cs;
    int32_t *s1r = l->s1, *s2r = l->s2;
    double *hpr = l->hp, *e2r = l->e2;
    float *gr = l->g;
    /* offsets as plain unsigned ring distances, in registers */
    const uint32_t L1 = (uint32_t)o->L1, L1d = (uint32_t)o->L1d, L2d = (uint32_t)o->L2d,
                   mid2 = (uint32_t)o->mid2, Dd = (uint32_t)o->Dd, W = (uint32_t)o->W;
    const int64_t scale = o->L2d;
    uint32_t n = (uint32_t)n0, t = (uint32_t)t0;
    for (int i = 0; i < nt; i++, n += (uint32_t)k, t++) {
        /* s1 leaving the second moving sum is the one of tick t - L1d */
        int32_t s1 = (int32_t)(cs[n & RMASK] - cs[(n - L1) & RMASK]);
        sum2 += (int64_t)s1 - s1r[(t - L1d) & DMASK];
        s1r[t & DMASK] = s1;
        int32_t s2 = (int32_t)sum2;
        s2r[t & DMASK] = s2;
        sum3 += (int64_t)s2 - s2r[(t - L2d) & DMASK];
        double hp = (double)(scale * s2r[(t - mid2) & DMASK] - sum3);
        hpr[t & DMASK] = hp;
        double d = hp - hpr[(t - Dd) & DMASK];
        double e2 = d * d;
        e2r[t & DMASK] = e2;
        e += e2 - e2r[(t - W) & DMASK];
        e = e > 0 ? e : 0;
        gr[t & DMASK] = (float)sqrt(e);
    }
    l->sum2 = sum2;
    l->sum3 = sum3;
    l->e = e;
}

/* Everything after the filters for tick t (filters already run): learning,
 * the fused feature, decisions. q->n is the input count at that tick. */
static void tick_post(rh_qrs *q, int64_t t, rh_qrs_beat_fn fn, void *ctx)
{
    q->j = t + 1;
    if (!q->learned) {
        for (int li = 0; li < q->nleads; li++) {
            lead *l = &q->ld[li];
            double g = (double)l->g[t & DMASK], sl = sqrt(l->e2[t & DMASK]);
            l->learn_max = g > l->learn_max ? g : l->learn_max;
            l->learn_slope = sl > l->learn_slope ? sl : l->learn_slope;
        }
        if (q->j >= q->learn_end)
            finish_learning(q);
        return;
    }
    feature_step(q, t);
    int64_t horizon = q->j - q->tau - q->wait;
    while (q->npend > 0 && q->pend[0].t <= horizon)
        decide(q, fn, ctx);
    if (q->nc > 0 && horizon >= q->sb_tick)
        searchback(q, horizon, fn, ctx);
    if (q->last_qrs >= 0 && horizon >= q->next_recover)
        recover(q);
}

#define BATCH 512 /* input frames per batch (rings keep > 4 s) */

void rh_qrs_push(rh_qrs *q, const int32_t *frames, size_t nframes, rh_qrs_beat_fn fn, void *ctx)
{
    if (nframes == 0)
        return;
    int nl = q->nleads, st = q->stride, k = q->k;
    if (q->n == 0)
        for (int li = 0; li < nl; li++)
            lead_prime(q, &q->ld[li], frames[q->col[li]]);
    lead *l0 = &q->ld[0], *l1 = &q->ld[nl > 1 ? 1 : 0];
    const int32_t *p0 = frames + q->col[0], *p1 = frames + q->col[nl > 1 ? 1 : 0];
    while (nframes > 0) {
        size_t nb = nframes < BATCH ? nframes : BATCH;
        int64_t n = q->n;
        /* input rate: only the running sums */
        uint32_t c0 = l0->csum, c1 = l1->csum;
        for (size_t done = 0; done < nb;) {
            /* a stretch that does not wrap around the ring */
            size_t pos = (size_t)((n + (int64_t)done) & RMASK);
            size_t len = nb - done < RING - pos ? nb - done : RING - pos;
            uint32_t *r0 = l0->cs + pos, *r1 = l1->cs + pos;
            if (nl == 1) {
                for (size_t i = 0; i < len; i++, p0 += st) {
                    c0 += (uint32_t)*p0;
                    r0[i] = c0;
                }
            } else {
                for (size_t i = 0; i < len; i++, p0 += st, p1 += st) {
                    c0 += (uint32_t)*p0;
                    c1 += (uint32_t)*p1;
                    r0[i] = c0;
                    r1[i] = c1;
                }
            }
            done += len;
        }
        if (nl > 1)
            l1->csum = c1;
        l0->csum = c0;
        /* internal ticks inside the batch: the first ends at sample n + kcount - 1 */
        int nt = 0;
        int64_t first = n + q->kcount - 1;
        if ((size_t)q->kcount <= nb) {
            nt = 1 + (int)((nb - (size_t)q->kcount) / (size_t)k);
            q->kcount = k - (int)((nb - (size_t)q->kcount) % (size_t)k);
        } else {
            q->kcount -= (int)nb;
        }
        int64_t t0 = q->j;
        for (int li = 0; li < nl; li++)
            lead_ticks(&q->ld[li], &q->off, k, first, t0, nt);
        for (int i = 0; i < nt; i++) {
            q->n = first + (int64_t)i * k + 1;
            tick_post(q, t0 + i, fn, ctx);
        }
        q->n = n + (int64_t)nb;
        nframes -= nb;
    }
}

void rh_qrs_flush(rh_qrs *q, rh_qrs_beat_fn fn, void *ctx)
{
    if (q->j == 0)
        return;
    if (!q->learned)
        finish_learning(q);
    while (q->npend > 0)
        decide(q, fn, ctx);
}

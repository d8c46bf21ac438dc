/* SPDX-License-Identifier: MIT */
#include "signal/load.h"

#include "base/num.h"

#include <math.h>
#include <string.h>

#include "base/banned.h"

const double rh_load_acsm_hrr_edges_pct[4] = {30, 40, 60, 90};
const double rh_load_acsm_hrmax_edges_pct[4] = {57, 64, 77, 96};
const double rh_load_edwards_edges_pct[5] = {50, 60, 70, 80, 90};

static double period_of(const rh_hr_series *hr)
{
    return hr->dt_s > 0 ? hr->dt_s : 1.0;
}

static double max_gap_of(const rh_hr_series *hr)
{
    return hr->max_gap_s > 0 ? hr->max_gap_s : 5.0;
}

rh_status rh_hr_series_check(const rh_hr_series *hr, rh_err *err)
{
    if (!hr || (hr->n > 0 && !hr->hr_bpm))
        return RH_FAIL(err, RH_E_INVALID, "heart-rate series without values");
    if (!(hr->dt_s >= 0) || !isfinite(hr->dt_s) || !(hr->max_gap_s >= 0) ||
        !isfinite(hr->max_gap_s))
        return RH_FAIL(err, RH_E_INVALID, "heart-rate series period or gap limit is not valid");
    if (hr->t_s) {
        for (size_t i = 0; i < hr->n; i++) {
            if (!isfinite(hr->t_s[i]))
                return RH_FAIL(err, RH_E_INVALID, "heart-rate sample %zu has no valid time", i);
            if (i > 0 && !(hr->t_s[i] > hr->t_s[i - 1]))
                return RH_FAIL(err, RH_E_INVALID,
                               "heart-rate sample %zu is not later than the one before", i);
        }
    }
    return RH_OK;
}

/* Duration covered by sample i and the gap time after it. */
static void sample_span(const rh_hr_series *hr, size_t i, double *dur_s, double *gap_s)
{
    double dt = period_of(hr);
    *gap_s = 0;
    if (!hr->t_s) {
        *dur_s = dt;
        return;
    }
    if (i + 1 < hr->n) {
        double step = hr->t_s[i + 1] - hr->t_s[i];
        if (step <= max_gap_of(hr)) {
            *dur_s = step;
            return;
        }
        *dur_s = dt < step ? dt : step;
        *gap_s = step - *dur_s;
        return;
    }
    *dur_s = dt;
}

static bool sample_valid(const rh_hr_series *hr, size_t i)
{
    double v = hr->hr_bpm[i];
    return isfinite(v) && v > 0 && (!hr->valid || hr->valid[i]);
}

rh_status rh_load_hr_summary(const rh_hr_series *hr, rh_hr_summary *out, rh_err *err)
{
    rh_status rc = rh_hr_series_check(hr, err);
    if (rc != RH_OK)
        return rc;
    double valid = 0, missing = 0, sum = 0, mx = -RH_INF, mn = RH_INF;
    for (size_t i = 0; i < hr->n; i++) {
        double d, g;
        sample_span(hr, i, &d, &g);
        missing += g;
        if (!sample_valid(hr, i)) {
            missing += d;
            continue;
        }
        double v = hr->hr_bpm[i];
        valid += d;
        sum += v * d;
        mx = v > mx ? v : mx;
        mn = v < mn ? v : mn;
    }
    out->valid_s = valid;
    out->missing_s = missing;
    out->mean_bpm = valid > 0 ? sum / valid : RH_NAN;
    out->max_bpm = valid > 0 ? mx : RH_NAN;
    out->min_bpm = valid > 0 ? mn : RH_NAN;
    return RH_OK;
}

rh_status rh_load_zone_time(const rh_hr_series *hr, double lo_bpm, double hi_bpm, rh_zone_time *out,
                            rh_err *err)
{
    rh_status rc = rh_hr_series_check(hr, err);
    if (rc != RH_OK)
        return rc;
    if (!isfinite(lo_bpm) || !isfinite(hi_bpm) || lo_bpm > hi_bpm)
        return RH_FAIL(err, RH_E_INVALID, "target range %g-%g bpm is not valid", lo_bpm, hi_bpm);
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < hr->n; i++) {
        double d, g;
        sample_span(hr, i, &d, &g);
        out->missing_s += g;
        if (!sample_valid(hr, i)) {
            out->missing_s += d;
            continue;
        }
        double v = hr->hr_bpm[i];
        if (v < lo_bpm)
            out->below_s += d;
        else if (v > hi_bpm)
            out->above_s += d;
        else
            out->in_s += d;
    }
    return RH_OK;
}

static rh_status check_edges(const double *edges, size_t n, rh_err *err)
{
    for (size_t k = 0; k < n; k++) {
        if (!isfinite(edges[k]) || (k > 0 && !(edges[k] > edges[k - 1])))
            return RH_FAIL(err, RH_E_INVALID, "zone edges must be finite and increasing");
    }
    return RH_OK;
}

/* Index of the zone of v: the number of edges <= v. */
static size_t zone_of(const double *edges, size_t n, double v)
{
    size_t k = 0;
    while (k < n && v >= edges[k])
        k++;
    return k;
}

rh_status rh_load_zones(const rh_hr_series *hr, const double *edges_bpm, size_t n_edges,
                        double *zone_s, double *missing_s, rh_err *err)
{
    rh_status rc = rh_hr_series_check(hr, err);
    if (rc == RH_OK)
        rc = check_edges(edges_bpm, n_edges, err);
    if (rc != RH_OK)
        return rc;
    double missing = 0;
    for (size_t k = 0; k <= n_edges; k++)
        zone_s[k] = 0;
    for (size_t i = 0; i < hr->n; i++) {
        double d, g;
        sample_span(hr, i, &d, &g);
        missing += g;
        if (!sample_valid(hr, i)) {
            missing += d;
            continue;
        }
        zone_s[zone_of(edges_bpm, n_edges, hr->hr_bpm[i])] += d;
    }
    if (missing_s)
        *missing_s = missing;
    return RH_OK;
}

rh_status rh_load_edges_hrmax(const double *pct, size_t n, double hrmax_bpm, double *edges_bpm,
                              rh_err *err)
{
    if (!isfinite(hrmax_bpm) || hrmax_bpm <= 0)
        return RH_FAIL(err, RH_E_INVALID, "HRmax %g bpm is not valid", hrmax_bpm);
    for (size_t k = 0; k < n; k++)
        edges_bpm[k] = pct[k] * hrmax_bpm / 100.0;
    return check_edges(edges_bpm, n, err);
}

rh_status rh_load_edges_hrr(const double *pct, size_t n, double hrrest_bpm, double hrmax_bpm,
                            double *edges_bpm, rh_err *err)
{
    if (!isfinite(hrmax_bpm) || !isfinite(hrrest_bpm) || hrrest_bpm <= 0 || hrmax_bpm <= hrrest_bpm)
        return RH_FAIL(err, RH_E_INVALID, "HRrest %g and HRmax %g bpm do not form a reserve",
                       hrrest_bpm, hrmax_bpm);
    for (size_t k = 0; k < n; k++)
        edges_bpm[k] = hrrest_bpm + pct[k] * (hrmax_bpm - hrrest_bpm) / 100.0;
    return check_edges(edges_bpm, n, err);
}

static rh_status banister_constants(enum rh_sex sex, double *a, double *b, rh_err *err)
{
    switch (sex) {
    case RH_SEX_MALE:
        *a = RH_BANISTER_MALE_A;
        *b = RH_BANISTER_MALE_B;
        return RH_OK;
    case RH_SEX_FEMALE:
        *a = RH_BANISTER_FEMALE_A;
        *b = RH_BANISTER_FEMALE_B;
        return RH_OK;
    }
    return RH_FAIL(err, RH_E_INVALID, "Banister TRIMP needs the sex (male or female)");
}

static rh_status check_reserve(double rest, double max, rh_err *err)
{
    if (!isfinite(rest) || !isfinite(max) || rest <= 0 || max <= rest)
        return RH_FAIL(err, RH_E_INVALID, "HRrest %g and HRmax %g bpm do not form a reserve", rest,
                       max);
    return RH_OK;
}

rh_status rh_load_banister_trimp(double duration_min, double hr_avg_bpm, double hr_rest_bpm,
                                 double hr_max_bpm, enum rh_sex sex, double *trimp, rh_err *err)
{
    double a = 0, b = 0;
    rh_status rc = banister_constants(sex, &a, &b, err);
    if (rc == RH_OK)
        rc = check_reserve(hr_rest_bpm, hr_max_bpm, err);
    if (rc != RH_OK)
        return rc;
    if (!isfinite(duration_min) || duration_min < 0 || !isfinite(hr_avg_bpm))
        return RH_FAIL(err, RH_E_INVALID, "duration %g min or HR %g bpm is not valid", duration_min,
                       hr_avg_bpm);
    double x = (hr_avg_bpm - hr_rest_bpm) / (hr_max_bpm - hr_rest_bpm);
    *trimp = duration_min * x * a * exp(b * x);
    return RH_OK;
}

rh_status rh_load_banister_trimp_series(const rh_hr_series *hr, double hr_rest_bpm,
                                        double hr_max_bpm, enum rh_sex sex, double *trimp,
                                        rh_err *err)
{
    double a = 0, b = 0;
    rh_status rc = banister_constants(sex, &a, &b, err);
    if (rc == RH_OK)
        rc = check_reserve(hr_rest_bpm, hr_max_bpm, err);
    if (rc == RH_OK)
        rc = rh_hr_series_check(hr, err);
    if (rc != RH_OK)
        return rc;
    double sum = 0;
    for (size_t i = 0; i < hr->n; i++) {
        double d, g;
        sample_span(hr, i, &d, &g);
        if (!sample_valid(hr, i))
            continue;
        double x = (hr->hr_bpm[i] - hr_rest_bpm) / (hr_max_bpm - hr_rest_bpm);
        x = x < 0 ? 0 : x > 1 ? 1 : x;
        sum += d / 60.0 * x * a * exp(b * x);
    }
    *trimp = sum;
    return RH_OK;
}

rh_status rh_load_edwards_trimp(const double minutes[5], double *trimp, rh_err *err)
{
    double sum = 0;
    for (int k = 0; k < 5; k++) {
        if (!isfinite(minutes[k]) || minutes[k] < 0)
            return RH_FAIL(err, RH_E_INVALID, "minutes in Edwards zone %d are not valid", k + 1);
        sum += (k + 1) * minutes[k];
    }
    *trimp = sum;
    return RH_OK;
}

rh_status rh_load_edwards_trimp_series(const rh_hr_series *hr, double hr_max_bpm, double *trimp,
                                       double minutes[5], rh_err *err)
{
    double edges[5], zone_s[6];
    rh_status rc = rh_load_edges_hrmax(rh_load_edwards_edges_pct, 5, hr_max_bpm, edges, err);
    if (rc == RH_OK)
        rc = rh_load_zones(hr, edges, 5, zone_s, NULL, err);
    if (rc != RH_OK)
        return rc;
    double m[5];
    for (int k = 0; k < 5; k++)
        m[k] = zone_s[k + 1] / 60.0;
    if (minutes)
        memcpy(minutes, m, sizeof(m));
    return rh_load_edwards_trimp(m, trimp, err);
}

rh_status rh_load_srpe(double rpe_cr10, double duration_min, double *load_au, rh_err *err)
{
    if (!isfinite(rpe_cr10) || rpe_cr10 < 0 || rpe_cr10 > 10)
        return RH_FAIL(err, RH_E_RANGE, "session RPE %g is outside the CR10 scale 0-10", rpe_cr10);
    if (!isfinite(duration_min) || duration_min < 0)
        return RH_FAIL(err, RH_E_RANGE, "session duration %g min is not valid", duration_min);
    *load_au = rpe_cr10 * duration_min;
    return RH_OK;
}

static rh_status check_loads(const double *daily, size_t n, rh_err *err)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(daily[i]) || daily[i] < 0)
            return RH_FAIL(err, RH_E_INVALID, "daily load %zu (%g) is not valid", i + 1, daily[i]);
    return RH_OK;
}

rh_status rh_load_week(const double daily[7], rh_week_load *out, rh_err *err)
{
    rh_status rc = check_loads(daily, 7, err);
    if (rc != RH_OK)
        return rc;
    double sum = 0;
    for (int i = 0; i < 7; i++)
        sum += daily[i];
    double mean = sum / 7.0, ss = 0;
    for (int i = 0; i < 7; i++)
        ss += (daily[i] - mean) * (daily[i] - mean);
    out->total = sum;
    out->mean = mean;
    out->sd = sqrt(ss / 6.0);
    out->monotony = out->sd > 0 ? mean / out->sd : RH_NAN;
    out->strain = sum * out->monotony;
    return RH_OK;
}

static double mean_of(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return s / (double)n;
}

static double ratio(double a, double b)
{
    return b > 0 ? a / b : RH_NAN;
}

rh_status rh_load_acwr(const double *daily, size_t n_days, rh_acwr *out, rh_err *err)
{
    if (n_days < 28)
        return RH_FAIL(err, RH_E_INVALID, "ACWR needs at least 28 daily loads, got %zu", n_days);
    rh_status rc = check_loads(daily, n_days, err);
    if (rc != RH_OK)
        return rc;
    const double *last28 = daily + n_days - 28;
    out->acute = mean_of(last28 + 21, 7);
    out->chronic_coupled = mean_of(last28, 28);
    out->chronic_uncoupled = mean_of(last28, 21);
    out->ratio_coupled = ratio(out->acute, out->chronic_coupled);
    out->ratio_uncoupled = ratio(out->acute, out->chronic_uncoupled);
    const double la = 2.0 / (7.0 + 1.0), lc = 2.0 / (28.0 + 1.0);
    double ea = daily[0], ec = daily[0];
    for (size_t i = 1; i < n_days; i++) {
        ea = la * daily[i] + (1 - la) * ea;
        ec = lc * daily[i] + (1 - lc) * ec;
    }
    out->ewma_acute = ea;
    out->ewma_chronic = ec;
    out->ratio_ewma = ratio(ea, ec);
    return RH_OK;
}

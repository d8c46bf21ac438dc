/* SPDX-License-Identifier: MIT
 *
 * bench/bench_hrv: HRV of a long RR series (nsr2db: 24 h, about 100 000
 * beats), from a WFDB annotation file or an RR text file.
 *
 *   bench_hrv RECORD ANNOTATOR [ROUNDS]     e.g. ../shared/data/nsr2db/nsr001 ecg
 *   bench_hrv FILE.txt - [ROUNDS]           RR text
 * Prints best-of-ROUNDS wall times of: the full analysis of the whole series
 * (time domain, Lomb, Welch, SD1/SD2, DFA alpha1/alpha2; sample entropy is
 * left out above 20 000 NN as rehabit hrv does), its parts, and sample
 * entropy per 5-minute window (timed separately, as the issue asks).
 */
#include "base/alloc.h"
#include "base/num.h"
#include "formats/rrtext.h"
#include "formats/wfdb.h"
#include "signal/hrv.h"
#include "signal/rr.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int load(const char *path, const char *ann, rh_rr_series *s)
{
    rh_err err;
    rh_err_init(&err);
    rh_rr_init(s);
    if (strcmp(ann, "-") == 0) {
        if (rh_rrtext_read(path, NULL, s, NULL, &err) != RH_OK) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        return 0;
    }
    rh_wfdb_header h;
    if (rh_wfdb_header_read(path, &h, &err) != RH_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    char ap[4096];
    snprintf(ap, sizeof(ap), "%s.%s", path, ann);
    rh_wfdb_annset a;
    rh_wfdb_annset_init(&a);
    int64_t *t = NULL;
    char *lab = NULL;
    size_t n = 0;
    int rc = rh_wfdb_ann_read(ap, &a, &err) != RH_OK ||
             rh_wfdb_ann_qrs_labels(&a, &t, &lab, &n, &err) != RH_OK ||
             rh_rr_from_labelled_beats(t, lab, n, h.fs_hz, s, &err) != RH_OK;
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    rh_free(t);
    rh_free(lab);
    rh_wfdb_annset_release(&a);
    rh_wfdb_header_release(&h);
    return rc;
}

/* The full analysis of the whole series, once (callgrind counts exactly this:
 * valgrind --tool=callgrind --toggle-collect=bench_hrv_full bench_hrv REC ANN 1). */
rh_status bench_hrv_full(const rh_rr_series *s, rh_hrv_result *r);
__attribute__((noinline)) rh_status bench_hrv_full(const rh_rr_series *s, rh_hrv_result *r)
{
    rh_hrv_opts o = {.welch = true, .toolkit_times = true};
    return rh_hrv_compute(s, 0, s->n, &o, r, NULL);
}

typedef struct part {
    const char *name;
    bool welch, nonlinear, times;
} part;

/* Sample entropy (m 2, r 0.2 SD) of the NN intervals of every 5-minute
 * window; returns the number of windows with a value. */
size_t bench_sampen_windows(const rh_rr_series *s, double *sum);
__attribute__((noinline)) size_t bench_sampen_windows(const rh_rr_series *s, double *sum)
{
    double *x = rh_malloc((s->n ? s->n : 1) * sizeof(double));
    size_t done = 0;
    *sum = 0;
    if (!x || s->n == 0) {
        rh_free(x);
        return 0;
    }
    double t0 = s->t_s[0];
    size_t i = 0;
    while (i < s->n) {
        double end = t0 + 300.0 * (floor((s->t_s[i] - t0) / 300.0) + 1);
        size_t m = 0;
        double mean = 0, m2 = 0;
        for (; i < s->n && s->t_s[i] < end; i++) {
            if (!rh_rr_is_nn(s, i))
                continue;
            double v = s->rr_ms[i];
            x[m++] = v;
            double d = v - mean;
            mean += d / (double)m;
            m2 += d * (v - mean);
        }
        if (m > 3) {
            double se = rh_hrv_sampen(x, m, 2, 0.2 * sqrt(m2 / (double)(m - 1)));
            if (!isnan(se)) {
                *sum += se;
                done++;
            }
        }
    }
    rh_free(x);
    return done;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_hrv RECORD ANNOTATOR [ROUNDS] | bench_hrv FILE - [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 10;
    if (rounds < 1)
        rounds = 1;
    rh_rr_series s;
    double tl0 = now_s();
    if (load(argv[1], argv[2], &s))
        return 1;
    double tload = now_s() - tl0;
    printf("%s: %zu intervals, %.1f h; loading %.1f ms\n", argv[1], s.n,
           s.n ? (s.t_s[s.n - 1] - s.t_s[0]) / 3600 : 0.0, tload * 1e3);
    static const part parts[] = {
        {"full: time + Lomb + Welch + SD1/SD2 + DFA", true, true, true},
        {"time domain + Lomb", false, false, true},
        {"time domain + Lomb + Welch", true, false, true},
        {"full, exact times (--exact-times)", true, true, false},
    };
    {
        rh_hrv_result r;
        if (bench_hrv_full(&s, &r) != RH_OK)
            return 1;
    }
    for (size_t p = 0; p < sizeof(parts) / sizeof(parts[0]); p++) {
        double best = 1e30;
        rh_hrv_result r;
        for (int k = 0; k < rounds; k++) {
            rh_hrv_opts o = {.welch = parts[p].welch,
                             .skip_nonlinear = !parts[p].nonlinear,
                             .toolkit_times = parts[p].times};
            double t0 = now_s();
            if (rh_hrv_compute(&s, 0, s.n, &o, &r, NULL) != RH_OK) {
                fprintf(stderr, "hrv failed\n");
                return 1;
            }
            double dt = now_s() - t0;
            if (dt < best)
                best = dt;
        }
        printf("%-44s %8.2f ms  (NN %zu, LF %.1f HF %.1f ms2, alpha1 %.3f)\n", parts[p].name,
               best * 1e3, r.n_nn, r.lomb.lf_ms2, r.lomb.hf_ms2, r.dfa_alpha1);
    }
    double best = 1e30, sum = 0;
    size_t nw = 0;
    for (int k = 0; k < rounds; k++) {
        double t0 = now_s();
        nw = bench_sampen_windows(&s, &sum);
        double dt = now_s() - t0;
        if (dt < best)
            best = dt;
    }
    printf("%-44s %8.2f ms  (%zu windows, %.3f ms each, mean SampEn %.3f)\n",
           "sample entropy per 5-min window", best * 1e3, nw, nw ? best * 1e3 / (double)nw : 0,
           nw ? sum / (double)nw : RH_NAN);
    best = 1e30;
    for (int k = 0; k < rounds; k++) {
        rh_hrv_window *w = NULL;
        size_t n = 0;
        rh_hrv_opts o = {.short_term = true, .toolkit_times = true};
        double t0 = now_s();
        if (rh_hrv_windows(&s, 300, 0, &o, &w, &n, NULL) != RH_OK)
            return 1;
        double dt = now_s() - t0;
        rh_free(w);
        if (dt < best)
            best = dt;
        nw = n;
    }
    printf("%-44s %8.2f ms  (%zu windows, everything incl. SampEn)\n",
           "all metrics in 5-min windows", best * 1e3, nw);
    rh_rr_release(&s);
    return 0;
}

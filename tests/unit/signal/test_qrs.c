/* SPDX-License-Identifier: MIT
 *
 * Unit tests of the QRS detector on synthetic ECGs generated here (sums of
 * Gaussian waves per beat, as in McSharry et al.'s ECGSYN idea), with known
 * beat times, at 125-1000 Hz, with noise, baseline wander, mains, pauses,
 * ectopic beats, an amplitude drop and a lead that goes flat.
 */
#include "rh_test.h"

#include "base/alloc.h"
#include "signal/qrs.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define GAIN 200.0 /* adu per mV */
#define PI   3.14159265358979323846
#define MAXB 4096

typedef struct wave {
    double amp_mv, at_s, sd_s;
} wave;

typedef struct synth {
    double fs;
    double dur_s;
    double beats[MAXB]; /* R times, s */
    int kind[MAXB];     /* 0 normal, 1 ventricular ectopic */
    int nb;
    double noise_mv, wander_mv, mains_mv;
    double scale_from_s, scale;    /* amplitude multiplier after a time */
    double flat_from_s, flat_to_s; /* lead flat (lead off) in this span */
    unsigned seed;
} synth;

static double lcg_uniform(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return ((*s >> 8) & 0xffffff) / 16777216.0;
}

static double gauss(unsigned *s)
{
    double u1 = lcg_uniform(s) + 1e-12, u2 = lcg_uniform(s);
    return sqrt(-2 * log(u1)) * cos(2 * PI * u2);
}

static double beat_mv(int kind, double dt, int lead)
{
    static const wave normal[] = {
        {0.15, -0.16, 0.025},  {-0.10, -0.025, 0.010}, {1.00, 0.0, 0.012},
        {-0.25, 0.025, 0.010}, {0.30, 0.25, 0.050},
    };
    static const wave pvc[] = {{1.4, 0.0, 0.035}, {-0.5, 0.06, 0.03}, {-0.4, 0.30, 0.06}};
    const wave *w = kind ? pvc : normal;
    int nw = kind ? 3 : 5;
    double v = 0;
    for (int i = 0; i < nw; i++) {
        double z = (dt - w[i].at_s) / w[i].sd_s;
        if (fabs(z) < 8)
            v += w[i].amp_mv * exp(-0.5 * z * z);
    }
    return lead ? -0.6 * v : v; /* the second lead sees a smaller, inverted complex */
}

/* Samples of nleads leads, interleaved, in adu (baseline 1024). */
static int32_t *render(const synth *s, int nleads, size_t *n_out)
{
    size_t n = (size_t)(s->dur_s * s->fs);
    int32_t *x = malloc(n * (size_t)nleads * sizeof(int32_t));
    unsigned seed = s->seed ? s->seed : 1;
    int b0 = 0;
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / s->fs;
        while (b0 < s->nb && s->beats[b0] < t - 1.0)
            b0++;
        for (int l = 0; l < nleads; l++) {
            double v = 0;
            for (int b = b0; b < s->nb && s->beats[b] < t + 1.0; b++)
                v += beat_mv(s->kind[b], t - s->beats[b], l);
            if (s->scale_from_s > 0 && t >= s->scale_from_s)
                v *= s->scale;
            v += s->wander_mv * sin(2 * PI * 0.3 * t + l);
            v += s->mains_mv * sin(2 * PI * 50 * t);
            v += s->noise_mv * gauss(&seed);
            if (l == 0 && t >= s->flat_from_s && t < s->flat_to_s)
                v = 0;
            x[i * (size_t)nleads + (size_t)l] = (int32_t)lround(1024 + v * GAIN);
        }
    }
    *n_out = n;
    return x;
}

/* Regular rhythm with respiratory modulation; every `pvc_every`-th beat
 * (0 = none) is a premature ventricular beat. */
static void rhythm(synth *s, double rr, int pvc_every)
{
    double t = 0.4;
    s->nb = 0;
    int k = 0;
    while (t < s->dur_s - 0.5 && s->nb < MAXB) {
        k++;
        bool pvc = pvc_every && k % pvc_every == 0;
        s->beats[s->nb] = pvc ? t - 0.35 * rr : t;
        s->kind[s->nb] = pvc;
        s->nb++;
        t += rr * (1 + 0.05 * sin(2 * PI * 0.25 * t));
    }
}

typedef struct found {
    int64_t t[MAXB];
    int n;
    int64_t pushed;    /* input samples pushed when the callback ran */
    int64_t max_delay; /* largest pushed - R time */
} found;

static void on_beat(void *ctx, const rh_qrs_beat *b)
{
    found *f = ctx;
    if (f->n < MAXB)
        f->t[f->n++] = b->sample;
    int64_t d = f->pushed - b->sample;
    if (d > f->max_delay)
        f->max_delay = d;
}

static void run(const synth *s, int nleads, size_t chunk, found *f, rh_qrs **keep)
{
    size_t n;
    int32_t *x = render(s, nleads, &n);
    rh_qrs_opts o = {.fs_hz = s->fs, .nleads = nleads, .adu_per_mv = GAIN};
    rh_qrs *q;
    assert_int_equal(rh_qrs_create(&o, &q, NULL), RH_OK);
    memset(f, 0, sizeof(*f));
    for (size_t i = 0; i < n; i += chunk) {
        size_t m = n - i < chunk ? n - i : chunk;
        f->pushed = (int64_t)(i + m);
        rh_qrs_push(q, x + i * (size_t)nleads, m, on_beat, f);
    }
    rh_qrs_flush(q, on_beat, f);
    free(x);
    if (keep)
        *keep = q;
    else
        rh_qrs_destroy(q);
}

/* Every true beat found within tol_s, and nothing else. */
static void expect_exact(const synth *s, const found *f, double tol_s)
{
    int j = 0, missed = 0, extra = 0;
    for (int b = 0; b < s->nb; b++) {
        int64_t want = (int64_t)lround(s->beats[b] * s->fs);
        while (j < f->n && f->t[j] < want - (int64_t)(tol_s * s->fs)) {
            print_message("extra beat at %.3f s\n", (double)f->t[j] / s->fs);
            extra++;
            j++;
        }
        if (j < f->n && llabs(f->t[j] - want) <= (int64_t)(tol_s * s->fs)) {
            j++;
        } else {
            print_message("missed beat at %.3f s\n", s->beats[b]);
            missed++;
        }
    }
    for (; j < f->n; j++, extra++)
        print_message("extra beat at %.3f s\n", (double)f->t[j] / s->fs);
    if (missed || extra)
        print_message("fs %g: %d beats, %d found, %d missed, %d extra\n", s->fs, s->nb, f->n,
                      missed, extra);
    assert_int_equal(missed, 0);
    assert_int_equal(extra, 0);
}

static synth *new_synth(double fs, double dur)
{
    synth *s = calloc(1, sizeof(*s));
    s->fs = fs;
    s->dur_s = dur;
    s->flat_from_s = s->flat_to_s = -1;
    return s;
}

static void finds_every_beat_at_every_rate(void **state)
{
    (void)state;
    const double rates[] = {125, 250, 360, 500, 1000};
    for (size_t r = 0; r < sizeof(rates) / sizeof(rates[0]); r++) {
        synth *s = new_synth(rates[r], 60);
        s->noise_mv = 0.01;
        rhythm(s, 0.8, 0);
        found f;
        run(s, 1, 4096, &f, NULL);
        expect_exact(s, &f, 0.012); /* R located within 12 ms */
        free(s);
    }
}

static void survives_noise_wander_and_mains(void **state)
{
    (void)state;
    synth *s = new_synth(360, 90);
    s->noise_mv = 0.05;
    s->wander_mv = 0.5;
    s->mains_mv = 0.1;
    s->seed = 7;
    rhythm(s, 0.75, 0);
    found f;
    run(s, 1, 1000, &f, NULL);
    expect_exact(s, &f, 0.02);
    free(s);
}

static void finds_premature_ventricular_beats(void **state)
{
    (void)state;
    synth *s = new_synth(250, 90);
    s->noise_mv = 0.02;
    rhythm(s, 0.85, 5);
    found f;
    run(s, 1, 777, &f, NULL);
    expect_exact(s, &f, 0.03);
    free(s);
}

static void stays_quiet_in_a_pause(void **state)
{
    (void)state;
    synth *s = new_synth(500, 60);
    s->noise_mv = 0.02;
    rhythm(s, 0.8, 0);
    /* drop the beats between 20 and 23.5 s: a 3.5 s sinus pause */
    int k = 0;
    for (int b = 0; b < s->nb; b++)
        if (s->beats[b] < 20 || s->beats[b] > 23.5) {
            s->beats[k] = s->beats[b];
            s->kind[k++] = s->kind[b];
        }
    s->nb = k;
    found f;
    run(s, 1, 333, &f, NULL);
    expect_exact(s, &f, 0.012);
    free(s);
}

static void follows_a_sudden_amplitude_drop(void **state)
{
    (void)state;
    synth *s = new_synth(360, 90);
    s->noise_mv = 0.005;
    s->scale_from_s = 40;
    s->scale = 0.15; /* electrode moved: complexes shrink to 15 % */
    rhythm(s, 0.8, 0);
    found f;
    run(s, 1, 4096, &f, NULL);
    /* allow the beats of the first 5 s after the drop to be missed */
    synth *t = new_synth(360, 90);
    memcpy(t, s, sizeof(*s));
    int k = 0;
    for (int b = 0; b < s->nb; b++)
        if (s->beats[b] < 40 || s->beats[b] > 45)
            t->beats[k++] = s->beats[b];
    t->nb = k;
    found g = f;
    g.n = 0;
    for (int i = 0; i < f.n; i++)
        if (f.t[i] < 40 * 360 || f.t[i] > 45 * 360)
            g.t[g.n++] = f.t[i];
    expect_exact(t, &g, 0.012);
    free(s);
    free(t);
}

static void second_lead_covers_a_flat_first_lead(void **state)
{
    (void)state;
    synth *s = new_synth(360, 60);
    s->noise_mv = 0.01;
    s->flat_from_s = 25;
    s->flat_to_s = 35;
    rhythm(s, 0.8, 0);
    found f;
    run(s, 2, 4096, &f, NULL);
    /* The steps where the lead drops out and comes back are artefacts a
     * detector may take for (or confuse with) a beat: judge everything but
     * the half second after each step. */
    int k = 0;
    for (int b = 0; b < s->nb; b++)
        if (!(s->beats[b] >= 25 && s->beats[b] < 25.5) &&
            !(s->beats[b] >= 35 && s->beats[b] < 35.5))
            s->beats[k++] = s->beats[b];
    s->nb = k;
    found *g = calloc(1, sizeof(found));
    for (int i = 0; i < f.n; i++) {
        double t = (double)f.t[i] / s->fs;
        if (!(t >= 25 && t < 25.5) && !(t >= 35 && t < 35.5))
            g->t[g->n++] = f.t[i];
    }
    expect_exact(s, g, 0.03);
    free(g);
    free(s);
}

static void results_do_not_depend_on_chunking(void **state)
{
    (void)state;
    synth *s = new_synth(250, 40);
    s->noise_mv = 0.05;
    s->wander_mv = 0.3;
    s->seed = 3;
    rhythm(s, 0.7, 4);
    found *a = malloc(sizeof(found)), *b = malloc(sizeof(found)), *c = malloc(sizeof(found));
    run(s, 2, 1, a, NULL);
    run(s, 2, 513, b, NULL);
    run(s, 2, 100000, c, NULL);
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->n, c->n);
    assert_memory_equal(a->t, b->t, (size_t)a->n * sizeof(int64_t));
    assert_memory_equal(a->t, c->t, (size_t)a->n * sizeof(int64_t));
    free(a);
    free(b);
    free(c);
    free(s);
}

static void reports_within_the_stated_latency(void **state)
{
    (void)state;
    synth *s = new_synth(360, 60);
    s->noise_mv = 0.01;
    rhythm(s, 0.8, 0);
    found f;
    rh_qrs *q;
    run(s, 1, 1, &f, &q);
    assert_true(f.n > 60);
    assert_true(f.max_delay <= rh_qrs_latency(q));
    rh_qrs_destroy(q);
    free(s);
}

static void pushing_samples_never_allocates(void **state)
{
    (void)state;
    synth *s = new_synth(1000, 20);
    rhythm(s, 0.8, 0);
    size_t n;
    int32_t *x = render(s, 2, &n);
    rh_qrs_opts o = {.fs_hz = 1000, .nleads = 2};
    rh_qrs *q;
    assert_int_equal(rh_qrs_create(&o, &q, NULL), RH_OK);
    found f;
    memset(&f, 0, sizeof(f));
    rh_alloc_fail_after(0); /* any allocation from here on would fail */
    rh_qrs_push(q, x, n, on_beat, &f);
    rh_qrs_flush(q, on_beat, &f);
    long count = rh_alloc_count();
    int failed = rh_alloc_failed();
    rh_alloc_fail_reset();
    assert_int_equal(count, 0);
    assert_false(failed);
    assert_true(f.n >= 20);
    rh_qrs_destroy(q);
    free(x);
    free(s);
}

static void reads_leads_from_chosen_columns(void **state)
{
    (void)state;
    synth *s = new_synth(360, 30);
    s->noise_mv = 0.01;
    rhythm(s, 0.8, 0);
    size_t n;
    int32_t *x = render(s, 1, &n);
    /* three values per frame, the ECG in the third */
    int32_t *wide = calloc(n * 3, sizeof(int32_t));
    for (size_t i = 0; i < n; i++)
        wide[i * 3 + 2] = x[i];
    rh_qrs_opts o = {.fs_hz = 360, .nleads = 1, .frame_stride = 3, .columns = {3}};
    rh_qrs *q;
    assert_int_equal(rh_qrs_create(&o, &q, NULL), RH_OK);
    found f;
    memset(&f, 0, sizeof(f));
    rh_qrs_push(q, wide, n, on_beat, &f);
    rh_qrs_flush(q, on_beat, &f);
    expect_exact(s, &f, 0.012);
    rh_qrs_destroy(q);
    free(wide);
    free(x);
    free(s);
}

static void rejects_bad_options(void **state)
{
    (void)state;
    rh_qrs *q;
    rh_err err;
    rh_err_init(&err);
    rh_qrs_opts o = {.fs_hz = 100};
    assert_int_equal(rh_qrs_create(&o, &q, &err), RH_E_RANGE);
    o = (rh_qrs_opts){.fs_hz = 360, .nleads = 3};
    assert_int_equal(rh_qrs_create(&o, &q, NULL), RH_E_RANGE);
    o = (rh_qrs_opts){.fs_hz = 360, .nleads = 2, .frame_stride = 2, .columns = {1, 3}};
    assert_int_equal(rh_qrs_create(&o, &q, NULL), RH_E_RANGE);
    o = (rh_qrs_opts){.fs_hz = 2000};
    assert_int_equal(rh_qrs_create(&o, &q, NULL), RH_E_RANGE);
    rh_alloc_fail_after(0);
    o = (rh_qrs_opts){.fs_hz = 360};
    assert_int_equal(rh_qrs_create(&o, &q, NULL), RH_E_NOMEM);
    rh_alloc_fail_reset();
    rh_qrs_destroy(NULL);
}

static void empty_and_tiny_inputs_are_fine(void **state)
{
    (void)state;
    rh_qrs_opts o = {.fs_hz = 250};
    rh_qrs *q;
    assert_int_equal(rh_qrs_create(&o, &q, NULL), RH_OK);
    found f;
    memset(&f, 0, sizeof(f));
    rh_qrs_flush(q, on_beat, &f);
    const int32_t few[5] = {1, 2, 3, 4, 5};
    rh_qrs_push(q, few, 0, on_beat, &f);
    rh_qrs_push(q, few, 5, on_beat, &f);
    rh_qrs_flush(q, on_beat, &f);
    assert_int_equal(f.n, 0);
    rh_qrs_destroy(q);
    /* a flat line with quantisation noise is not a heart */
    synth *s = new_synth(360, 30);
    s->noise_mv = 0.004;
    s->nb = 0;
    run(s, 1, 4096, &f, NULL);
    assert_int_equal(f.n, 0);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_every_beat_at_every_rate),
        cmocka_unit_test(survives_noise_wander_and_mains),
        cmocka_unit_test(finds_premature_ventricular_beats),
        cmocka_unit_test(stays_quiet_in_a_pause),
        cmocka_unit_test(follows_a_sudden_amplitude_drop),
        cmocka_unit_test(second_lead_covers_a_flat_first_lead),
        cmocka_unit_test(results_do_not_depend_on_chunking),
        cmocka_unit_test(reports_within_the_stated_latency),
        cmocka_unit_test(pushing_samples_never_allocates),
        cmocka_unit_test(reads_leads_from_chosen_columns),
        cmocka_unit_test(rejects_bad_options),
        cmocka_unit_test(empty_and_tiny_inputs_are_fine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

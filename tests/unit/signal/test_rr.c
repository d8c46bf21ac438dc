/* SPDX-License-Identifier: MIT */
#include "rh_test.h"

#include "signal/rr.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static void beats_become_exact_intervals(void **state)
{
    (void)state;
    const int64_t b[4] = {100, 460, 830, 1190};
    rh_rr_series s;
    rh_rr_init(&s);
    assert_int_equal(rh_rr_from_beats(b, 4, 360, &s, NULL), RH_OK);
    assert_int_equal(s.n, 3);
    assert_true(s.rr_ms[0] == 1000 && fabs(s.rr_ms[1] - 370000.0 / 360) < 1e-9);
    assert_true(s.t_s[2] == 1190.0 / 360);
    assert_false(s.labelled);
    assert_true(rh_rr_is_nn(&s, 0) && rh_rr_adjacent(&s, 1));
    const int64_t back[2] = {5, 5};
    assert_int_equal(rh_rr_from_beats(back, 2, 360, &s, NULL), RH_E_INVALID);
    assert_int_equal(s.n, 3); /* untouched on failure */
    assert_int_equal(rh_rr_from_beats(b, 4, 0, &s, NULL), RH_E_INVALID);
    rh_rr_release(&s);
}

/* Every value as printf("%.3f") would print it, compared with what the
 * constructor stores, at rates with and without exact decimal ties. */
static void labelled_beats_round_like_rrlist(void **state)
{
    (void)state;
    const double rates[] = {128, 360, 250, 80, 1000, 256.5};
    for (size_t r = 0; r < sizeof(rates) / sizeof(rates[0]); r++) {
        double fs = rates[r];
        int64_t b[400];
        char lab[400];
        int64_t t = 3;
        for (int i = 0; i < 400; i++) {
            t += 50 + (i * 37) % 97;
            b[i] = t;
            lab[i] = i % 9 ? 'N' : 'V';
        }
        rh_rr_series s;
        rh_rr_init(&s);
        assert_int_equal(rh_rr_from_labelled_beats(b, lab, 400, fs, &s, NULL), RH_OK);
        assert_int_equal(s.n, 399);
        assert_true(s.labelled && s.first_label == 0);
        for (size_t i = 0; i < s.n; i++) {
            char want[64];
            snprintf(want, sizeof(want), "%.3f", (double)(b[i + 1] - b[i]) / fs);
            assert_true(fabs(s.rr_ms[i] - strtod(want, NULL) * 1000) < 1e-6);
            snprintf(want, sizeof(want), "%.3f", (double)b[i + 1] / fs);
            assert_true(fabs(s.t_s[i] - strtod(want, NULL)) < 1e-9);
            assert_int_equal(s.label[i], lab[i + 1]);
        }
        assert_false(rh_rr_is_nn(&s, 0));
        rh_rr_release(&s);
    }
}

static void adjacency_needs_touching_intervals(void **state)
{
    (void)state;
    rh_rr_series s;
    rh_rr_init(&s);
    rh_rr_append(&s, 1.0, 800, 'N', NULL);
    rh_rr_append(&s, 1.8, 800, 'N', NULL);
    rh_rr_append(&s, 5.0, 800, 'N', NULL); /* a gap of 2.4 s before it */
    s.first_label = 'N';
    assert_true(rh_rr_adjacent(&s, 1));
    assert_false(rh_rr_adjacent(&s, 2));
    assert_false(rh_rr_adjacent(&s, 0));
    assert_int_equal(rh_rr_count_nn(&s), 3);
    rh_rr_release(&s);
}

static void build(rh_rr_series *s, const double *rr, size_t n)
{
    rh_rr_init(s);
    double t = 0;
    for (size_t i = 0; i < n; i++) {
        t += rr[i] / 1000;
        rh_rr_append(s, t, rr[i], 'N', NULL);
    }
    s->first_label = 'N';
}

static void corrects_ectopic_missed_and_extra_beats(void **state)
{
    (void)state;
    double rr[300];
    for (int i = 0; i < 300; i++)
        rr[i] = 800 + 25 * sin(i * 0.35); /* respiratory variation */
    rr[50] = 520;                         /* premature beat ... */
    rr[51] = 1080;                        /* ... and its compensatory pause */
    rr[150] = 1600;                       /* a missed beat: a double interval */
    rr[220] = 300;                        /* an extra detection splits an interval */
    rr[221] = 500;
    rh_rr_series s, c;
    build(&s, rr, 300);
    uint8_t kind[300];
    assert_int_equal(rh_rr_detect_artefacts(&s, kind, NULL), RH_OK);
    assert_int_equal(kind[51], RH_RR_ECTOPIC); /* marked after the premature beat */
    assert_int_equal(kind[50], RH_RR_LONGSHORT);
    assert_int_equal(kind[150], RH_RR_MISSED);
    assert_int_equal(kind[220], RH_RR_EXTRA);
    int flagged = 0;
    for (int i = 0; i < 300; i++)
        flagged += kind[i] != RH_RR_NORMAL;
    assert_true(flagged <= 5);
    rh_rr_init(&c);
    rh_rr_correction rep;
    assert_int_equal(rh_rr_correct(&s, &c, &rep, NULL), RH_OK);
    assert_true(rep.missed == 1 && rep.extra == 1 && rep.ectopic >= 1);
    assert_int_equal(rep.beats, 301);
    assert_true(rep.corrected_pct > 0.9 && rep.corrected_pct < 2.1);
    /* one beat inserted, one removed: same count; no interval far off 800 */
    assert_int_equal(c.n, 300);
    for (size_t i = 0; i < c.n; i++)
        assert_true(c.rr_ms[i] > 700 && c.rr_ms[i] < 900);
    /* total time is kept */
    assert_true(fabs(c.t_s[c.n - 1] - s.t_s[s.n - 1]) < 1e-9);
    assert_string_equal(rh_rr_artefact_name(RH_RR_LONGSHORT), "long_short");
    rh_rr_correction_release(&rep);
    rh_rr_release(&c);
    rh_rr_release(&s);
}

static void clean_series_needs_no_correction(void **state)
{
    (void)state;
    double rr[200];
    for (int i = 0; i < 200; i++)
        rr[i] = 900 + 40 * sin(i * 0.3) + 10 * sin(i * 1.7);
    rh_rr_series s, c;
    build(&s, rr, 200);
    rh_rr_init(&c);
    rh_rr_correction rep;
    assert_int_equal(rh_rr_correct(&s, &c, &rep, NULL), RH_OK);
    assert_int_equal(rep.n_fixes, 0);
    assert_true(rep.corrected_pct == 0);
    assert_int_equal(c.n, 200);
    rh_rr_correction_release(&rep);
    rh_rr_release(&c);
    rh_rr_release(&s);
}

/* RR derived from whole bpm is constant for long stretches: the quartile
 * deviation is zero there, and a missed beat must still be found. */
static void steady_series_still_finds_a_missed_beat(void **state)
{
    (void)state;
    double rr[200];
    for (int i = 0; i < 200; i++)
        rr[i] = i < 100 ? 500.0 : 60000.0 / 121;
    rr[150] = 2 * rr[150];
    rh_rr_series s, c;
    build(&s, rr, 200);
    rh_rr_init(&c);
    rh_rr_correction rep;
    assert_int_equal(rh_rr_correct(&s, &c, &rep, NULL), RH_OK);
    assert_int_equal(rep.missed, 1);
    assert_int_equal(rep.distinct, 1);
    assert_int_equal(c.n, 201);
    for (size_t i = 0; i < c.n; i++)
        assert_true(c.rr_ms[i] > 490 && c.rr_ms[i] < 510);
    rh_rr_correction_release(&rep);
    rh_rr_release(&c);
    rh_rr_release(&s);
}

static rh_status fault_correct(void *ctx)
{
    const rh_rr_series *s = ctx;
    rh_rr_series c;
    rh_rr_init(&c);
    rh_rr_correction rep;
    rh_status rc = rh_rr_correct(s, &c, &rep, NULL);
    if (rc == RH_OK) {
        rh_rr_correction_release(&rep);
        rh_rr_release(&c);
    }
    return rc;
}

static void correction_survives_allocation_failures(void **state)
{
    (void)state;
    double rr[120];
    for (int i = 0; i < 120; i++)
        rr[i] = 800 + 20 * sin(i * 0.4);
    rr[60] = 1600;
    rh_rr_series s;
    build(&s, rr, 120);
    assert_true(rh_test_fault_loop(fault_correct, &s) > 0);
    rh_rr_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(beats_become_exact_intervals),
        cmocka_unit_test(labelled_beats_round_like_rrlist),
        cmocka_unit_test(adjacency_needs_touching_intervals),
        cmocka_unit_test(corrects_ectopic_missed_and_extra_beats),
        cmocka_unit_test(clean_series_needs_no_correction),
        cmocka_unit_test(steady_series_still_finds_a_missed_beat),
        cmocka_unit_test(correction_survives_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

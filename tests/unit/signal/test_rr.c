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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(beats_become_exact_intervals),
        cmocka_unit_test(labelled_beats_round_like_rrlist),
        cmocka_unit_test(adjacency_needs_touching_intervals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

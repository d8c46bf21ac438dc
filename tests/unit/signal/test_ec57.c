/* SPDX-License-Identifier: MIT */
#include "rh_test.h"

#include "signal/ec57.h"

#include <math.h>
#include <string.h>

/* fs 100 Hz: the 150 ms window is 15 samples. */
static rh_ec57_result compare(const int64_t *ref, size_t nref, const int64_t *test, size_t ntest,
                              const rh_ec57_span *spans, size_t nspans, double start_s)
{
    rh_ec57_ref r[64];
    for (size_t i = 0; i < nref; i++)
        r[i] =
            (rh_ec57_ref){.sample = ref[i], .aami = (uint8_t)(i % 5 == 4 ? RH_EC57_V : RH_EC57_N)};
    rh_ec57_opts o = {.fs_hz = 100, .start_s = start_s};
    rh_ec57_result res;
    assert_int_equal(rh_ec57_compare(r, nref, test, ntest, spans, nspans, &o, &res, NULL), RH_OK);
    return res;
}

static void identical_lists_score_perfectly(void **state)
{
    (void)state;
    const int64_t b[] = {100, 200, 300, 400, 500, 600};
    rh_ec57_result r = compare(b, 6, b, 6, NULL, 0, -1);
    assert_int_equal(r.tp, 6);
    assert_int_equal(r.fn + r.fp, 0);
    assert_true(r.se_pct == 100 && r.ppv_pct == 100);
    assert_int_equal(r.window_samples, 15);
}

static void window_is_150_ms_inclusive(void **state)
{
    (void)state;
    const int64_t ref[] = {100, 200, 300};
    const int64_t test[] = {115, 184, 300}; /* +15 matches, -16 does not */
    rh_ec57_result r = compare(ref, 3, test, 3, NULL, 0, -1);
    assert_int_equal(r.tp, 2);
    assert_int_equal(r.fn, 1);
    assert_int_equal(r.fp, 1);
    assert_true(fabs(r.se_pct - 200.0 / 3) < 1e-12);
}

static void a_better_next_candidate_wins(void **state)
{
    (void)state;
    /* test beats at 95 and 101 both near reference 100: the closer one is the
     * match, the other a false positive */
    const int64_t ref[] = {100, 300};
    const int64_t test[] = {95, 101, 300};
    rh_ec57_result r = compare(ref, 2, test, 3, NULL, 0, -1);
    assert_int_equal(r.tp, 2);
    assert_int_equal(r.fp, 1);
    assert_int_equal(r.fn, 0);
}

static void counts_missed_beats_by_class(void **state)
{
    (void)state;
    const int64_t ref[] = {100, 200, 300, 400, 500, 600, 700};
    const int64_t test[] = {100, 300, 400, 600, 700, 800};
    rh_ec57_result r = compare(ref, 7, test, 6, NULL, 0, -1);
    assert_int_equal(r.tp, 5);
    assert_int_equal(r.fn, 2);
    assert_int_equal(r.fn_by_class[RH_EC57_N], 1);
    assert_int_equal(r.fn_by_class[RH_EC57_V], 1); /* 500 is the fifth: class V */
    assert_int_equal(r.fp, 1);
}

static void learning_period_is_not_scored(void **state)
{
    (void)state;
    /* with the default 5 min start (30000 samples) only later beats count */
    const int64_t ref[] = {1000, 2000, 29990, 31000, 32000};
    const int64_t test[] = {1500, 30005, 31000, 32000, 33000};
    rh_ec57_result r = compare(ref, 5, test, 5, NULL, 0, 0);
    assert_int_equal(r.start_sample, 30000);
    /* 29990 < start is not scored; the test beat at 30005 that would match it
     * is not the best match of the first scored reference (31000): it is a
     * test beat right after the start with a better next one, so it is
     * dropped uncounted */
    assert_int_equal(r.tp, 2);
    assert_int_equal(r.fn, 0);
    assert_int_equal(r.fp, 1);
}

static void vf_episodes_are_excluded(void **state)
{
    (void)state;
    const int64_t ref[] = {100, 200, 250, 300, 400};
    const int64_t test[] = {100, 180, 220, 260, 400};
    rh_ec57_span vf = {170, 330};
    rh_ec57_result r = compare(ref, 5, test, 5, &vf, 1, -1);
    assert_int_equal(r.tp, 2);
    assert_int_equal(r.fn, 0);
    assert_int_equal(r.fp, 0);
    assert_int_equal(r.test_in_excluded, 3);
}

static void gross_totals_add_up(void **state)
{
    (void)state;
    rh_ec57_result g;
    memset(&g, 0, sizeof(g));
    const int64_t a[] = {100, 200, 300};
    const int64_t b[] = {100, 300, 350};
    rh_ec57_result r1 = compare(a, 3, b, 3, NULL, 0, -1);
    rh_ec57_result r2 = compare(a, 3, a, 3, NULL, 0, -1);
    rh_ec57_accumulate(&g, &r1);
    rh_ec57_accumulate(&g, &r2);
    assert_int_equal(g.tp, r1.tp + r2.tp);
    assert_int_equal(g.fn, 1);
    assert_int_equal(g.fp, 1);
    assert_true(fabs(g.se_pct - 500.0 / 6) < 1e-9);
    assert_int_equal(rh_ec57_class_letter(RH_EC57_F), 'F');
}

static void rejects_unsorted_or_unclassed_input(void **state)
{
    (void)state;
    rh_ec57_ref r[2] = {{200, 0}, {100, 0}};
    int64_t t[2] = {1, 2};
    rh_ec57_opts o = {.fs_hz = 100};
    rh_ec57_result res;
    assert_int_equal(rh_ec57_compare(r, 2, t, 2, NULL, 0, &o, &res, NULL), RH_E_INVALID);
    r[0] = (rh_ec57_ref){50, 9};
    assert_int_equal(rh_ec57_compare(r, 2, t, 2, NULL, 0, &o, &res, NULL), RH_E_INVALID);
    o.fs_hz = 0;
    assert_int_equal(rh_ec57_compare(r, 0, t, 0, NULL, 0, &o, &res, NULL), RH_E_INVALID);
    o.fs_hz = 100;
    int64_t back[2] = {5, 4};
    assert_int_equal(rh_ec57_compare(NULL, 0, back, 2, NULL, 0, &o, &res, NULL), RH_E_INVALID);
    /* nothing to compare: percentages undefined, not 0 */
    assert_int_equal(rh_ec57_compare(NULL, 0, NULL, 0, NULL, 0, &o, &res, NULL), RH_OK);
    assert_true(isnan(res.se_pct) && isnan(res.ppv_pct));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(identical_lists_score_perfectly),
        cmocka_unit_test(window_is_150_ms_inclusive),
        cmocka_unit_test(a_better_next_candidate_wins),
        cmocka_unit_test(counts_missed_beats_by_class),
        cmocka_unit_test(learning_period_is_not_scored),
        cmocka_unit_test(vf_episodes_are_excluded),
        cmocka_unit_test(gross_totals_add_up),
        cmocka_unit_test(rejects_unsorted_or_unclassed_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
#include "rh_test.h"

#include "formats/rrtext.h"

#include <math.h>
#include <string.h>

static rh_status parse(const char *text, rh_rr_series *s, rh_rrtext_info *info, rh_err *err)
{
    rh_err_init(err);
    return rh_rrtext_parse(text, strlen(text), "t.txt", NULL, s, info, err);
}

static void one_column_seconds_accumulates_time(void **state)
{
    (void)state;
    rh_rr_series s;
    rh_rr_init(&s);
    rh_rrtext_info info;
    rh_err err;
    assert_int_equal(parse("0.800\n0.869\n1.2\n", &s, &info, &err), RH_OK);
    assert_int_equal(s.n, 3);
    assert_true(s.rr_ms[0] == 800 && s.rr_ms[1] == 869 && s.rr_ms[2] == 1200);
    assert_true(fabs(s.t_s[2] - 2.869) < 1e-12);
    assert_int_equal(info.unit, RH_RR_UNIT_S);
    assert_int_equal(info.source, RH_RR_UNIT_FROM_VALUES);
    assert_false(s.labelled);
    assert_true(rh_rr_is_nn(&s, 0)); /* unlabelled: every interval is NN */
    rh_rr_release(&s);
}

static void milliseconds_with_kubios_header_and_comments(void **state)
{
    (void)state;
    const char *text = "\xEF\xBB\xBFRR interval data\r\n"
                       "RR (ms)\r\n"
                       "# exported by a device\r\n"
                       "812\r\n"
                       "\r\n"
                       "  790 \r\n"
                       "% comment\r\n"
                       "805.5\r\n";
    rh_rr_series s;
    rh_rr_init(&s);
    rh_rrtext_info info;
    rh_err err;
    assert_int_equal(parse(text, &s, &info, &err), RH_OK);
    assert_int_equal(s.n, 3);
    assert_true(s.rr_ms[2] == 805.5);
    assert_int_equal(info.unit, RH_RR_UNIT_MS);
    assert_int_equal(info.source, RH_RR_UNIT_FROM_HEADER);
    assert_int_equal(info.header_lines, 2);
    assert_int_equal(info.comment_lines, 3);
    rh_rr_release(&s);
}

static void rrlist_three_columns_keep_labels(void **state)
{
    (void)state;
    const char *text = "1.100 0.869 N\n1.975 0.875 V\n2.867 0.892 N\n3.800 0.933 N\n";
    rh_rr_series s;
    rh_rr_init(&s);
    rh_rrtext_info info;
    rh_err err;
    assert_int_equal(parse(text, &s, &info, &err), RH_OK);
    assert_true(info.has_time && info.has_labels);
    assert_int_equal(info.time_unit, RH_RR_UNIT_S);
    assert_true(s.labelled);
    assert_int_equal(s.first_label, 0);
    assert_false(rh_rr_is_nn(&s, 0)); /* starting beat unknown */
    assert_false(rh_rr_is_nn(&s, 1)); /* ends at V */
    assert_false(rh_rr_is_nn(&s, 2)); /* starts at V */
    assert_true(rh_rr_is_nn(&s, 3));
    assert_int_equal(rh_rr_count_nn(&s), 1);
    assert_true(s.t_s[1] == 1.975 && s.rr_ms[1] == 875);
    rh_rr_release(&s);
}

static void time_column_in_ms_and_clock(void **state)
{
    (void)state;
    rh_rr_series s;
    rh_rr_init(&s);
    rh_rrtext_info info;
    rh_err err;
    assert_int_equal(parse("1000,800\n1810,810\n2600,790\n", &s, &info, &err), RH_OK);
    assert_int_equal(info.time_unit, RH_RR_UNIT_MS);
    assert_true(s.t_s[1] == 1.81);
    assert_int_equal(parse("00:01.0;0.8\n00:01.81;0.81\n1:02.6;0.79\n", &s, &info, &err), RH_OK);
    assert_true(info.clock_time);
    assert_true(fabs(s.t_s[2] - 62.6) < 1e-12);
    rh_rr_release(&s);
}

static void errors_name_file_and_line(void **state)
{
    (void)state;
    rh_rr_series s;
    rh_rr_init(&s);
    rh_err err;
    char msg[512];
    assert_int_equal(parse("800\n810\nabc\n", &s, NULL, &err), RH_E_PARSE);
    rh_err_format(&err, msg, sizeof(msg));
    assert_non_null(strstr(msg, "t.txt:3"));
    assert_int_equal(s.n, 0);
    assert_int_equal(parse("800\n-5\n", &s, NULL, &err), RH_E_RANGE);
    assert_int_equal(err.line, 2);
    assert_int_equal(parse("800\n810 2\n", &s, NULL, &err), RH_E_PARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(parse("1 2 3 4\n", &s, NULL, &err), RH_E_PARSE);
    assert_int_equal(parse("2.0 0.8\n1.0 0.8\n", &s, NULL, &err), RH_E_RANGE);
    assert_int_equal(err.line, 2);
    assert_int_equal(parse("800\n90000\n", &s, NULL, &err), RH_E_RANGE);
    assert_int_equal(err.line, 2);
    assert_int_equal(parse("# nothing\n\n", &s, NULL, &err), RH_E_INVALID);
    assert_int_equal(parse("30\n31\n", &s, NULL, &err), RH_E_INVALID); /* ambiguous */
    assert_int_equal(parse("RR (ms)\n0.8\n0.9\n", &s, NULL, &err), RH_E_INVALID);
    assert_int_equal(parse("1 0.8\n2 0.8\n3 0.8\n", &s, NULL, &err), RH_OK);
    assert_int_equal(parse("1 0.8\n200 0.8\n400 0.8\n", &s, NULL, &err), RH_E_INVALID);
    assert_int_equal(parse("800\n8\0"
                           "10\n",
                           &s, NULL, &err),
                     RH_OK); /* strlen stops */
    rh_err_init(&err);
    assert_int_equal(rh_rrtext_parse("800\n8\0"
                                     "10\n",
                                     8, "t.txt", NULL, &s, NULL, &err),
                     RH_E_PARSE);
    rh_rr_release(&s);
}

static void forced_unit_wins(void **state)
{
    (void)state;
    rh_rr_series s;
    rh_rr_init(&s);
    rh_rrtext_info info;
    rh_rrtext_opts o = {.unit = RH_RR_UNIT_MS};
    assert_int_equal(rh_rrtext_parse("30\n31\n", 6, "x", &o, &s, &info, NULL), RH_OK);
    assert_int_equal(info.source, RH_RR_UNIT_FORCED);
    assert_true(s.rr_ms[0] == 30);
    rh_rr_release(&s);
}

static void header_with_two_units_uses_the_rr_one(void **state)
{
    (void)state;
    rh_rr_series s;
    rh_rr_init(&s);
    rh_rrtext_info info;
    rh_err err;
    assert_int_equal(parse("Time (s)\tRR (ms)\n0.8\t800\n1.61\t810\n", &s, &info, &err), RH_OK);
    assert_int_equal(info.source, RH_RR_UNIT_FROM_HEADER);
    assert_int_equal(info.unit, RH_RR_UNIT_MS);
    assert_int_equal(info.time_unit, RH_RR_UNIT_S);
    rh_rr_release(&s);
}

typedef struct fault_ctx {
    const char *text;
} fault_ctx;

static rh_status fault_parse(void *ctx)
{
    fault_ctx *c = ctx;
    rh_rr_series s;
    rh_rr_init(&s);
    rh_status rc = rh_rrtext_parse(c->text, strlen(c->text), "f", NULL, &s, NULL, NULL);
    rh_rr_release(&s);
    return rc;
}

static void survives_every_allocation_failure(void **state)
{
    (void)state;
    fault_ctx c = {"Time RR\n0.8 0.8 N\n1.6 0.8 N\n2.41 0.81 V\n3.2 0.79 N\n"};
    long n = rh_test_fault_loop(fault_parse, &c);
    assert_true(n > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_column_seconds_accumulates_time),
        cmocka_unit_test(milliseconds_with_kubios_header_and_comments),
        cmocka_unit_test(rrlist_three_columns_keep_labels),
        cmocka_unit_test(time_column_in_ms_and_clock),
        cmocka_unit_test(errors_name_file_and_line),
        cmocka_unit_test(forced_unit_wins),
        cmocka_unit_test(header_with_two_units_uses_the_rr_one),
        cmocka_unit_test(survives_every_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

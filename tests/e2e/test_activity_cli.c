/* SPDX-License-Identifier: MIT
 *
 * End-to-end: `rehabit activity show|check|zones` and `rehabit hrm decode`
 * on small files written here (CSV contract, JSON members, exit codes).
 */
#include "rh_test.h"

#include "base/alloc.h"

#include "../unit/formats/fit_encoder.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *write_temp(const void *data, size_t n, const char *suffix)
{
    /* The reader decides from the bytes, so the name needs no suffix. */
    (void)suffix;
    char *path = malloc(64);
    snprintf(path, 64, "/tmp/rh_e2e_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    close(fd);
    return path;
}

/* Records: UTC with HR, HR 0, no HR, system time, no timestamp; one session;
 * two hrv messages. */
static char *sample_fit(void)
{
    fenc e = {0};
    fe_begin(&e, 14);
    fe_field rec[] = {{253, 4, FT_UINT32}, {3, 1, FT_UINT8}};
    fe_def(&e, 0, false, 20, rec, 2);
    unsigned ts[] = {900000000, 900000001, 900000002, 1000};
    unsigned hr[] = {120, 0, 0xFF, 90};
    for (int i = 0; i < 4; i++) {
        fe_data(&e, 0);
        fe_val(&e, ts[i], 4, false);
        fe_u8(&e, hr[i]);
    }
    fe_field nots[] = {{3, 1, FT_UINT8}};
    fe_def(&e, 1, false, 20, nots, 1);
    fe_data(&e, 1);
    fe_u8(&e, 95);
    fe_field ses[] = {{2, 4, FT_UINT32}, {5, 1, FT_ENUM}, {7, 4, FT_UINT32}, {16, 1, FT_UINT8}};
    fe_def(&e, 2, false, 18, ses, 4);
    fe_data(&e, 2);
    fe_val(&e, 900000000, 4, false);
    fe_u8(&e, 1);
    fe_val(&e, 45379, 4, false);
    fe_u8(&e, 120);
    fe_field hrv[] = {{0, 4, FT_UINT16}};
    fe_def(&e, 3, false, 78, hrv, 1);
    fe_data(&e, 3);
    fe_val(&e, 800, 2, false);
    fe_val(&e, 0xFFFF, 2, false);
    fe_data(&e, 3);
    fe_val(&e, 810, 2, false);
    fe_val(&e, 790, 2, false);
    fe_end(&e);
    char *p = write_temp(e.buf, e.n, ".fit");
    free(e.buf);
    return p;
}

static void csv_is_one_row_per_record_with_the_contract_columns(void **state)
{
    (void)state;
    char *fit = sample_fit();
    const char *argv[] = {"rehabit", "activity", "show", fit, "--csv", NULL};
    rh_buf out;
    rh_buf_init(&out, 0);
    assert_int_equal(rh_test_run(argv, NULL, &out, NULL), 0);
    assert_string_equal(rh_buf_cstr(&out),
                        "timestamp,heart_rate,time_base,distance_m,speed_m_s,altitude_m,"
                        "cadence_rpm,power_w,latitude_deg,longitude_deg\n"
                        "2018-07-08T16:00:00Z,120,utc,,,,,,,\n"
                        "2018-07-08T16:00:01Z,0,utc,,,,,,,\n"
                        "2018-07-08T16:00:02Z,,utc,,,,,,,\n"
                        "1989-12-31T00:16:40Z,90,system,,,,,,,\n"
                        ",95,,,,,,,,\n");
    rh_buf_release(&out);
    unlink(fit);
    free(fit);
}

static void json_has_rr_ms_sessions_and_counts(void **state)
{
    (void)state;
    char *fit = sample_fit();
    const char *argv[] = {"rehabit", "activity", "show", "--json", fit, NULL};
    rh_buf out;
    rh_buf_init(&out, 0);
    assert_int_equal(rh_test_run(argv, NULL, &out, NULL), 0);
    const char *s = rh_buf_cstr(&out);
    assert_non_null(strstr(s, "\"rr_ms\": [800, 810, 790]"));
    assert_non_null(strstr(s, "\"sessions\": ["));
    assert_non_null(strstr(s, "\"total_elapsed_s\": 45.379"));
    assert_non_null(strstr(s, "\"sport\": \"running\""));
    assert_non_null(strstr(s, "\"partial\": false"));
    assert_non_null(strstr(s, "\"sha256\": \""));
    assert_non_null(strstr(s, "\"name\": \"record\""));
    rh_buf_release(&out);
    unlink(fit);
    free(fit);
}

/* 400 RR intervals of sinus-like variation, one of them a missed beat (two
 * intervals merged), as FIT hrv messages. */
static char *rr_fit(void)
{
    fenc e = {0};
    fe_begin(&e, 14);
    fe_field hrv[] = {{0, 2, FT_UINT16}};
    fe_def(&e, 0, false, 78, hrv, 1);
    for (int i = 0; i < 400; i++) {
        if (i == 201)
            continue;
        double v = 700 + 25 * sin(i * 0.3) + 6 * sin(i * 1.7);
        if (i == 200)
            v += 700 + 25 * sin(201 * 0.3) + 6 * sin(201 * 1.7);
        fe_data(&e, 0);
        fe_val(&e, (unsigned)lround(v), 2, false);
    }
    fe_end(&e);
    char *p = write_temp(e.buf, e.n, ".fit");
    free(e.buf);
    return p;
}

static void rr_intervals_get_corrected_hrv_in_summary_and_json(void **state)
{
    (void)state;
    char *fit = rr_fit();
    const char *sum[] = {"rehabit", "activity", "show", fit, NULL};
    rh_buf out;
    rh_buf_init(&out, 0);
    assert_int_equal(rh_test_run(sum, NULL, &out, NULL), 0);
    assert_non_null(strstr(rh_buf_cstr(&out), "RR intervals: 399\n"));
    assert_non_null(
        strstr(rh_buf_cstr(&out), "HRV (after correcting 1 beat, 0.2 %): mean NN 700."));
    rh_buf_reset(&out);
    const char *js[] = {"rehabit", "activity", "show", "--json", fit, NULL};
    assert_int_equal(rh_test_run(js, NULL, &out, NULL), 0);
    const char *s = rh_buf_cstr(&out);
    assert_non_null(strstr(s, "\"hrv\": {"));
    assert_non_null(strstr(s, "\"n_rr\": 400"));
    assert_non_null(strstr(s, "\"corrected_beats\": 1"));
    rh_buf_release(&out);
    unlink(fit);
    free(fit);
}

static void check_lines_and_exit_codes(void **state)
{
    (void)state;
    char *fit = sample_fit();
    size_t len;
    char *bytes = rh_test_slurp(fit, &len);
    char *cut = write_temp(bytes, len - 5, ".fit");
    char *txt = write_temp("hello\n", 6, ".txt");
    const char *argv[] = {"rehabit", "activity", "check", fit, cut, txt, NULL};
    rh_buf out;
    rh_buf_init(&out, 0);
    assert_int_equal(rh_test_run(argv, NULL, &out, NULL), 1);
    const char *s = rh_buf_cstr(&out);
    char line[512];
    snprintf(line, sizeof(line), "%s: ok\n", fit);
    assert_non_null(strstr(s, line));
    snprintf(line, sizeof(line), "%s: refused: TRUNCATED at byte %zu", cut, len - 5);
    assert_non_null(strstr(s, line));
    snprintf(line, sizeof(line), "%s: refused: E_INVALID", txt);
    assert_non_null(strstr(s, line));
    const char *salv[] = {"rehabit", "activity", "check", "--salvage", cut, NULL};
    rh_buf_reset(&out);
    assert_int_equal(rh_test_run(salv, NULL, &out, NULL), 1);
    assert_non_null(strstr(rh_buf_cstr(&out), ": partial: TRUNCATED"));
    const char *one[] = {"rehabit", "activity", "check", fit, NULL};
    assert_int_equal(rh_test_run(one, NULL, NULL, NULL), 0);
    const char *show[] = {"rehabit", "activity", "show", cut, NULL};
    rh_buf err;
    rh_buf_init(&err, 0);
    rh_buf_reset(&out);
    assert_int_equal(rh_test_run(show, NULL, &out, &err), 1);
    assert_int_equal(out.len, 0); /* nothing printed on error */
    assert_non_null(strstr(rh_buf_cstr(&err), "TRUNCATED"));
    const char *usage[] = {"rehabit", "activity", "show", NULL};
    assert_int_equal(rh_test_run(usage, NULL, NULL, NULL), 2);
    rh_buf_release(&out);
    rh_buf_release(&err);
    unlink(fit);
    unlink(cut);
    unlink(txt);
    free(fit);
    free(cut);
    free(txt);
    rh_free(bytes);
}

static void zones_from_a_plan_or_a_range(void **state)
{
    (void)state;
    char *fit = sample_fit();
    const char *plan = "{\"hr_max_bpm\": 170, \"hr_rest_bpm\": null, \"patient\": {\"sex\": "
                       "\"male\", \"age_y\": 60}, \"components\": [{\"modality\": \"aerobic\", "
                       "\"status\": \"active\", \"intensity\": {\"hr_bpm\": [100, 125], "
                       "\"basis\": \"hrmax\", \"pct\": [60, 75], \"rpe\": [11, 13]}}]}";
    char *pp = write_temp(plan, strlen(plan), ".json");
    const char *argv[] = {"rehabit",        "activity", "zones",  fit,
                          "--prescription", pp,         "--json", NULL};
    rh_buf out;
    rh_buf_init(&out, 0);
    assert_int_equal(rh_test_run(argv, NULL, &out, NULL), 0);
    assert_non_null(strstr(rh_buf_cstr(&out), "\"hr_bpm\": [100, 125]"));
    assert_non_null(strstr(rh_buf_cstr(&out), "\"in_zone_s\": 1"));
    const char *waiting = "{\"components\": [{\"modality\": \"aerobic\", \"status\": "
                          "\"after_clearance\", \"intensity\": {\"hr_bpm\": [100, 125]}}]}";
    char *pw = write_temp(waiting, strlen(waiting), ".json");
    const char *refuse[] = {"rehabit", "activity", "zones", fit, "--prescription", pw, NULL};
    rh_buf err;
    rh_buf_init(&err, 0);
    assert_int_equal(rh_test_run(refuse, NULL, NULL, &err), 1);
    assert_non_null(strstr(rh_buf_cstr(&err), "no active aerobic component"));
    const char *range[] = {"rehabit", "activity", "zones", fit, "--zone", "80-100", NULL};
    rh_buf_reset(&out);
    assert_int_equal(rh_test_run(range, NULL, &out, NULL), 0);
    assert_non_null(strstr(rh_buf_cstr(&out), "zone 80-100 bpm"));
    const char *bad[] = {"rehabit", "activity", "zones", fit, "--zone", "100-80", NULL};
    assert_int_equal(rh_test_run(bad, NULL, NULL, NULL), 2);
    rh_buf_release(&out);
    rh_buf_release(&err);
    unlink(fit);
    unlink(pp);
    unlink(pw);
    free(fit);
    free(pp);
    free(pw);
}

static void rr_text_becomes_beats_and_rr_ms(void **state)
{
    (void)state;
    const char *text = "RR (ms)\n800\n810\n790\n";
    char *p = write_temp(text, strlen(text), ".txt");
    const char *argv[] = {"rehabit", "activity", "show", "--json", p, NULL};
    rh_buf out;
    rh_buf_init(&out, 0);
    assert_int_equal(rh_test_run(argv, NULL, &out, NULL), 0);
    assert_non_null(strstr(rh_buf_cstr(&out), "\"format\": \"rr\""));
    assert_non_null(strstr(rh_buf_cstr(&out), "\"rr_ms\": [800, 810, 790]"));
    assert_non_null(strstr(rh_buf_cstr(&out), "\"heart_rate\": [75, "));
    rh_buf_release(&out);
    unlink(p);
    free(p);
}

static void hrm_decode_prints_rr_in_both_units(void **state)
{
    (void)state;
    const char *argv[] = {"rehabit", "hrm", "decode", "16 4B 3A 03 1F 03", NULL};
    rh_buf out;
    rh_buf_init(&out, 0);
    assert_int_equal(rh_test_run(argv, NULL, &out, NULL), 0);
    assert_non_null(strstr(rh_buf_cstr(&out), "\"hr_bpm\": 75"));
    assert_non_null(strstr(rh_buf_cstr(&out), "\"rr_ms\": [806.640625, 780.2734375]"));
    assert_non_null(strstr(rh_buf_cstr(&out), "\"sensor_contact\": \"detected\""));
    const char *bad[] = {"rehabit", "hrm", "decode", "10 50 00", NULL};
    assert_int_equal(rh_test_run(bad, NULL, NULL, NULL), 1);
    rh_buf_release(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_is_one_row_per_record_with_the_contract_columns),
        cmocka_unit_test(json_has_rr_ms_sessions_and_counts),
        cmocka_unit_test(rr_intervals_get_corrected_hrv_in_summary_and_json),
        cmocka_unit_test(check_lines_and_exit_codes),
        cmocka_unit_test(zones_from_a_plan_or_a_range),
        cmocka_unit_test(rr_text_becomes_beats_and_rr_ms),
        cmocka_unit_test(hrm_decode_prints_rr_in_both_units),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT
 *
 * Bad input to `rehabit screen/prescribe`: every case exits 1, prints
 * nothing on stdout, and names the offending field in the error.
 */
#include "rh_test.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A valid base profile; each case replaces one part of it. */
#define BASE_HEAD "{\"assessment_date\": \"2026-11-30\", "
#define DEMO      "\"demographics\": {\"sex\": \"male\", \"age_y\": 40}"

typedef struct bad_case {
    const char *name;
    const char *json;
    const char *must_mention; /* substring of stderr */
} bad_case;

static const bad_case cases[] = {
    {"malformed json", "{\"assessment_date\": \"2026-11-30\",", "malformed JSON"},
    {"not an object", "[1, 2]", "JSON object"},
    {"unknown top-level field", BASE_HEAD DEMO ", \"colour\": 1}", "$.colour"},
    {"unknown nested field",
     BASE_HEAD "\"demographics\": {\"sex\": \"male\", \"age_y\": 40, \"shoe\": 9}}",
     "$.demographics.shoe"},
    {"age 300", BASE_HEAD "\"demographics\": {\"sex\": \"male\", \"age_y\": 300}}",
     "$.demographics.age_y"},
    {"heart rate 0", BASE_HEAD DEMO ", \"vitals\": {\"resting_hr_bpm\": 0}}",
     "$.vitals.resting_hr_bpm"},
    {"negative minutes",
     BASE_HEAD DEMO ", \"history\": {\"exercise_habit\": {\"minutes_per_session\": -30}}}",
     "$.history.exercise_habit.minutes_per_session"},
    {"date in the future", "{\"assessment_date\": \"2999-01-01\", " DEMO "}", "$.assessment_date"},
    {"date after the assessment",
     BASE_HEAD DEMO ", \"diagnoses\": [\"methamphetamine_use_disorder\"], \"substance_use\": "
                    "{\"last_use_date\": \"2026-12-25\"}}",
     "$.substance_use.last_use_date"},
    {"not a date",
     BASE_HEAD DEMO ", \"clearance\": {\"date\": \"yesterday\", \"scope\": \"light\"}}",
     "$.clearance.date"},
    {"diastolic above systolic",
     BASE_HEAD DEMO ", \"vitals\": {\"sbp_mmhg\": 90, \"dbp_mmhg\": 120}}", "$.vitals.dbp_mmhg"},
    {"contradictory exercise history",
     BASE_HEAD DEMO
     ", \"history\": {\"regular_exercise\": true, \"exercise_habit\": {\"minutes_per_session\": "
     "10, \"days_per_week\": 1, \"months\": 1, \"intensity\": \"light\"}}}",
     "contradicts"},
    {"unknown diagnosis", BASE_HEAD DEMO ", \"diagnoses\": [\"flu\"]}", "$.diagnoses[0]"},
    {"unknown symptom", BASE_HEAD DEMO ", \"symptoms\": {\"hiccups\": true}}",
     "$.symptoms.hiccups"},
    {"stroke details without the diagnosis",
     BASE_HEAD DEMO ", \"stroke\": {\"onset_date\": \"2026-01-01\"}}", "stroke"},
    {"wrong type", BASE_HEAD "\"demographics\": {\"sex\": \"male\", \"age_y\": \"forty\"}}",
     "$.demographics.age_y"},
    {"missing sex", BASE_HEAD "\"demographics\": {\"age_y\": 40}}", "$.demographics.sex"},
    {"duplicate key", BASE_HEAD DEMO ", \"locale\": \"en\", \"locale\": \"zh\"}", "duplicate"},
    {"unknown TMS item", BASE_HEAD DEMO ", \"tms_screen\": {\"items\": {\"tattoo\": true}}}",
     "$.tms_screen.items.tattoo"},
    {"age contradicts birth date",
     BASE_HEAD
     "\"demographics\": {\"sex\": \"female\", \"age_y\": 30, \"birth_date\": \"1960-01-01\"}}",
     "$.demographics.age_y"},
};

static void each_bad_profile_is_refused_cleanly(void **state)
{
    (void)state;
    static const char *const cmds[] = {"screen", "prescribe"};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (size_t c = 0; c < 2; c++) {
            const char *argv[] = {"rehabit", cmds[c], "-", NULL};
            rh_buf out, err;
            rh_buf_init(&out, 0);
            rh_buf_init(&err, 0);
            int rc = rh_test_run(argv, cases[i].json, &out, &err);
            if (rc != 1 || out.len != 0 || !strstr(rh_buf_cstr(&err), cases[i].must_mention))
                fail_msg("case '%s' (%s): exit %d, stdout %zu bytes, stderr: %s", cases[i].name,
                         cmds[c], rc, out.len, rh_buf_cstr(&err));
            rh_buf_release(&out);
            rh_buf_release(&err);
        }
    }
}

static void base_profile_is_accepted(void **state)
{
    (void)state;
    const char *argv[] = {"rehabit", "prescribe", "-", NULL};
    rh_buf out;
    rh_buf_init(&out, 0);
    assert_int_equal(rh_test_run(argv, BASE_HEAD DEMO "}", &out, NULL), 0);
    assert_non_null(strstr(rh_buf_cstr(&out), "\"catalog_fingerprint\""));
    rh_buf_release(&out);
}

static void usage_errors_exit_2(void **state)
{
    (void)state;
    const char *a1[] = {"rehabit", "prescribe", NULL};
    const char *a2[] = {"rehabit", "prescribe", "x.json", "--format", "pdf", NULL};
    const char *a3[] = {"rehabit", "nonsense", NULL};
    assert_int_equal(rh_test_run(a1, NULL, NULL, NULL), 2);
    assert_int_equal(rh_test_run(a2, NULL, NULL, NULL), 2);
    assert_int_equal(rh_test_run(a3, NULL, NULL, NULL), 2);
}

static void missing_file_exits_1(void **state)
{
    (void)state;
    const char *argv[] = {"rehabit", "screen", "no/such/profile.json", NULL};
    rh_buf err;
    rh_buf_init(&err, 0);
    assert_int_equal(rh_test_run(argv, NULL, NULL, &err), 1);
    assert_non_null(strstr(rh_buf_cstr(&err), "no/such/profile.json"));
    rh_buf_release(&err);
}

static void output_is_byte_identical_across_runs(void **state)
{
    (void)state;
    const char *argv[] = {"rehabit", "prescribe", "examples/profiles/p1-cpsp-chronic.json", NULL};
    rh_buf a, b;
    rh_buf_init(&a, 0);
    rh_buf_init(&b, 0);
    assert_int_equal(rh_test_run(argv, NULL, &a, NULL), 0);
    assert_int_equal(rh_test_run(argv, NULL, &b, NULL), 0);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    rh_buf_release(&a);
    rh_buf_release(&b);
}

static void site_policy_changes_the_decision(void **state)
{
    (void)state;
    /* light_until_cleared turns A2 clearance_first into start_light_until_cleared */
    char site[] = "/tmp/rh_site_XXXXXX";
    int fd = mkstemp(site);
    assert_true(fd >= 0);
    const char *text = "{\"policy.light_until_cleared\": true}";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    const char *argv[] = {"rehabit", "screen", "examples/profiles/g2-t2dm-general.json",
                          "--site",  site,     NULL};
    rh_buf out;
    rh_buf_init(&out, 0);
    assert_int_equal(rh_test_run(argv, NULL, &out, NULL), 0);
    assert_non_null(strstr(rh_buf_cstr(&out), "\"decision\": \"start_light_until_cleared\""));
    rh_buf_release(&out);
    /* an unknown policy is an error naming it */
    fd = open(site, O_WRONLY | O_TRUNC);
    text = "{\"policy.nope\": 1}";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    rh_buf err;
    rh_buf_init(&err, 0);
    assert_int_equal(rh_test_run(argv, NULL, NULL, &err), 1);
    assert_non_null(strstr(rh_buf_cstr(&err), "policy.nope"));
    rh_buf_release(&err);
    unlink(site);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_bad_profile_is_refused_cleanly),
        cmocka_unit_test(base_profile_is_accepted),
        cmocka_unit_test(usage_errors_exit_2),
        cmocka_unit_test(missing_file_exits_1),
        cmocka_unit_test(output_is_byte_identical_across_runs),
        cmocka_unit_test(site_policy_changes_the_decision),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT
 *
 * End-to-end tests of `rehabit score`: the shipped examples, options,
 * stdin, the JSON contract, exit codes, and that nothing reaches stdout when
 * the input is bad.
 */
#include "rh_test.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

typedef struct run_out {
    int rc;
    rh_buf out, err;
} run_out;

static run_out run(const char *const *argv, const char *stdin_text)
{
    run_out r;
    rh_buf_init(&r.out, 0);
    rh_buf_init(&r.err, 0);
    r.rc = rh_test_run(argv, stdin_text, &r.out, &r.err);
    return r;
}

static void done(run_out *r)
{
    rh_buf_release(&r->out);
    rh_buf_release(&r->err);
}

static json_t *parse(const run_out *r)
{
    json_error_t je;
    json_t *j = json_loadb(rh_buf_cstr(&r->out), r->out.len, 0, &je);
    if (!j)
        fail_msg("stdout is not JSON (%s): %.300s", je.text, rh_buf_cstr(&r->out));
    return j;
}

static json_t *score_of(json_t *root)
{
    json_t *s = json_object_get(root, "score");
    assert_non_null(s);
    return s;
}

static void scores_the_phq9_example(void **state)
{
    (void)state;
    const char *argv[] = {"rehabit", "score", "phq9", "examples/answers/phq9.json", NULL};
    run_out r = run(argv, NULL);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.err.len, 0);
    json_t *root = parse(&r);
    assert_string_equal(json_string_value(json_object_get(root, "schema")),
                        "rehabit.score-result/1");
    assert_non_null(
        strstr(json_string_value(json_object_get(root, "catalog_fingerprint")), "sha256:"));
    json_t *s = score_of(root);
    assert_int_equal(json_integer_value(json_object_get(s, "total")), 10);
    assert_string_equal(json_string_value(json_object_get(json_object_get(s, "band"), "code")),
                        "moderate");
    assert_string_equal(json_string_value(json_object_get(s, "result")), "scored");
    json_decref(root);
    done(&r);
}

static void every_example_scores(void **state)
{
    (void)state;
    const char *list[] = {"rehabit", "score", "--list", "--compact", NULL};
    run_out l = run(list, NULL);
    assert_int_equal(l.rc, 0);
    json_t *root = parse(&l);
    json_t *ins = json_object_get(root, "instruments");
    assert_int_equal(json_array_size(ins), 32);
    size_t i;
    json_t *e;
    json_array_foreach(ins, i, e)
    {
        const char *id = json_string_value(json_object_get(e, "id"));
        char path[128];
        snprintf(path, sizeof(path), "examples/answers/%s.json", id);
        const char *argv[] = {"rehabit", "score", id, path, "--compact", NULL};
        run_out r = run(argv, NULL);
        if (r.rc != 0)
            fail_msg("%s: exit %d: %s", path, r.rc, rh_buf_cstr(&r.err));
        json_t *out = parse(&r);
        if (!json_is_true(json_object_get(score_of(out), "scorable")))
            fail_msg("%s is not scorable", path);
        json_decref(out);
        done(&r);
    }
    json_decref(root);
    done(&l);
}

static void reads_stdin_and_is_deterministic(void **state)
{
    (void)state;
    const char *argv[] = {"rehabit", "score", "gad7", "-", NULL};
    run_out a = run(argv, "{\"items\": [1,1,2,1,0,1,1]}");
    run_out b = run(argv, "{\"items\": [1,1,2,1,0,1,1]}");
    assert_int_equal(a.rc, 0);
    assert_int_equal(a.out.len, b.out.len);
    assert_memory_equal(a.out.data, b.out.data, a.out.len);
    json_t *root = parse(&a);
    assert_int_equal(json_integer_value(json_object_get(score_of(root), "total")), 7);
    json_decref(root);
    done(&a);
    done(&b);
    const char *compact[] = {"rehabit", "score", "--compact", "gad7", "-", NULL};
    run_out c = run(compact, "{\"items\": [1,1,2,1,0,1,1]}");
    assert_int_equal(c.rc, 0);
    assert_null(memchr(c.out.data, '\n', c.out.len - 1)); /* one line */
    done(&c);
}

static void locale_and_patient_options_choose_the_cutoffs(void **state)
{
    (void)state;
    /* PSQI global 7: good sleeper by the Chinese cut-off (>7), poor by the original (>5). */
    const char *answers = "{\"bed_time\": \"22:00\", \"latency_min\": 10, \"wake_time\": "
                          "\"06:00\", \"sleep_hours\": 7.5, \"q5a\": 0, \"q5b\": 0, \"q5c\": 0, "
                          "\"q5d\": 0, \"q5e\": 0, \"q5f\": 0, \"q5g\": 0, \"q5h\": 0, \"q5i\": 0, "
                          "\"q5j\": 0, \"q6\": 3, \"q7\": 3, \"q8\": 1, \"q9\": 0}";
    const char *zh[] = {"rehabit", "score", "--locale", "zh", "psqi", "-", NULL};
    run_out r = run(zh, answers);
    assert_int_equal(r.rc, 0);
    json_t *root = parse(&r);
    json_t *band = json_object_get(score_of(root), "band");
    assert_string_equal(json_string_value(json_object_get(band, "set")), "liu1996_chinese");
    assert_string_equal(json_string_value(json_object_get(band, "code")), "good_sleeper");
    assert_string_equal(json_string_value(json_object_get(band, "label_zh")), "睡眠质量好（≤7分）");
    json_decref(root);
    done(&r);
    const char *en[] = {"rehabit", "score", "psqi", "-", NULL};
    r = run(en, answers);
    root = parse(&r);
    band = json_object_get(score_of(root), "band");
    assert_string_equal(json_string_value(json_object_get(band, "code")), "poor_sleeper");
    json_decref(root);
    done(&r);
    /* 6MWT with the patient on the command line (vignette P1). */
    const char *six[] = {"rehabit",  "score", "6mwt",     "--sex", "male", "--age", "64",
                         "--height", "170",   "--weight", "72",    "-",    NULL};
    r = run(six, "{\"distance_m\": 380}");
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(rh_buf_cstr(&r.out), "\"display\": \"71.71\""));
    assert_non_null(strstr(rh_buf_cstr(&r.out), "\"display\": \"529.90\""));
    done(&r);
}

static void bad_answers_exit_1_with_nothing_on_stdout(void **state)
{
    (void)state;
    static const struct {
        const char *instrument, *stdin_text, *needle;
    } c[] = {
        {"phq9", "{\"items\": [0,0,0,4,0,0,0,0,0]}",
         "<stdin>: $.items[3]: phq9 item 4: 4 is outside the accepted range 0-3"},
        {"phq9", "{\"items\": [0,0,0", "malformed JSON"},
        {"phq9", "{\"items\": [0,0,0,0,0,0,0,0,0], \"extra\": 1}", "unknown member 'extra'"},
        {"psqi", "{\"bed_time\": \"23:00\", \"wake_time\": \"06:00\", \"sleep_hours\": 9}",
         "$.sleep_hours: psqi item 'sleep_hours': the hours of actual sleep exceed the time in "
         "bed"},
        {"assist", "{\"substances\": {\"tobacco\": {\"q1\": true, \"q5\": \"never\"}}}",
         "$.substances.tobacco.q5: assist: q5 is not asked for tobacco products"},
        {"nope", "{}", "unknown instrument 'nope'"},
        {"6mwt", "{\"distance_m\": 300, \"patient\": {\"age_y\": 300}}",
         "outside the accepted range"},
    };
    for (size_t i = 0; i < sizeof(c) / sizeof(*c); i++) {
        const char *argv[] = {"rehabit", "score", c[i].instrument, "-", NULL};
        run_out r = run(argv, c[i].stdin_text);
        if (r.rc != 1 || r.out.len != 0 || !strstr(rh_buf_cstr(&r.err), c[i].needle))
            fail_msg("%s %s: exit %d, stdout %zu bytes, stderr '%s' (wanted '%s')", c[i].instrument,
                     c[i].stdin_text, r.rc, r.out.len, rh_buf_cstr(&r.err), c[i].needle);
        done(&r);
    }
    const char *missing[] = {"rehabit", "score", "phq9", "/nonexistent/answers.json", NULL};
    run_out r = run(missing, NULL);
    assert_int_equal(r.rc, 1);
    assert_int_equal(r.out.len, 0);
    done(&r);
    const char *age[] = {"rehabit", "score", "--age", "300", "phq9", "examples/answers/phq9.json",
                         NULL};
    r = run(age, NULL);
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(rh_buf_cstr(&r.err), "patient age 300 years is outside"));
    done(&r);
    const char *contra[] = {
        "rehabit", "score", "--sex", "female", "audit-c", "examples/answers/audit-c.json", NULL};
    r = run(contra, NULL);
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(rh_buf_cstr(&r.err), "contradicts"));
    done(&r);
    const char *data[] = {"rehabit", "score", "--data", "/nonexistent", "phq9", "-", NULL};
    r = run(data, "{}");
    assert_int_equal(r.rc, 1);
    assert_int_equal(r.out.len, 0);
    done(&r);
}

static void usage_errors_exit_2(void **state)
{
    (void)state;
    const char *const *cases[] = {
        (const char *const[]){"rehabit", "score", NULL},
        (const char *const[]){"rehabit", "score", "phq9", NULL},
        (const char *const[]){"rehabit", "score", "phq9", "a", "b", NULL},
        (const char *const[]){"rehabit", "score", "--locale", "fr", "phq9", "-", NULL},
        (const char *const[]){"rehabit", "score", "--sex", "x", "phq9", "-", NULL},
        (const char *const[]){"rehabit", "score", "--age", "old", "phq9", "-", NULL},
        (const char *const[]){"rehabit", "score", "--bogus", "phq9", "-", NULL},
        (const char *const[]){"rehabit", "score", "--list", "phq9", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        run_out r = run(cases[i], "{}");
        if (r.rc != 2 || r.out.len != 0)
            fail_msg("case %zu: exit %d, stdout %zu bytes", i, r.rc, r.out.len);
        done(&r);
    }
    const char *help[] = {"rehabit", "score", "--help", NULL};
    run_out r = run(help, NULL);
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(rh_buf_cstr(&r.out), "examples:"));
    assert_non_null(strstr(rh_buf_cstr(&r.out), "rehabit score phq9 examples/answers/phq9.json"));
    done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scores_the_phq9_example),
        cmocka_unit_test(every_example_scores),
        cmocka_unit_test(reads_stdin_and_is_deterministic),
        cmocka_unit_test(locale_and_patient_options_choose_the_cutoffs),
        cmocka_unit_test(bad_answers_exit_1_with_nothing_on_stdout),
        cmocka_unit_test(usage_errors_exit_2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

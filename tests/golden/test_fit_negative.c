/* SPDX-License-Identifier: MIT
 *
 * Golden tests: every generated edge case in ../shared/data/fit/negative
 * through `rehabit activity check`: exit 0 or 1 as negatives.csv says, the
 * error class named in the line; with --salvage, the records kept are the
 * SDK's records before its error.
 */
#include "rh_test.h"

#include "base/alloc.h"
#include "formats/fit.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void negatives_exit_and_name_their_class(void **state)
{
    (void)state;
    size_t len;
    char *csv = rh_test_slurp(rh_test_shared_path("data/fit/negative/negatives.csv"), &len);
    assert_non_null(csv);
    char *save = NULL;
    char *line = strtok_r(csv, "\n", &save); /* header */
    size_t n = 0, passed = 0;
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        char *f[4];
        char *p = line;
        for (int i = 0; i < 4; i++) {
            f[i] = p;
            char *c = strchr(p, ',');
            if (c) {
                *c = '\0';
                p = c + 1;
            }
        }
        const char *file = f[0], *expect = f[2], *cls = f[3];
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", rh_test_shared_path("data/fit/negative/files"), file);
        n++;
        rh_buf out, err;
        rh_buf_init(&out, 0);
        rh_buf_init(&err, 0);
        const char *argv[] = {"rehabit", "activity", "check", path, NULL};
        int rc = rh_test_run(argv, NULL, &out, &err);
        bool accept = strcmp(expect, "accept") == 0;
        bool ok = rc == (accept ? 0 : 1);
        if (accept)
            ok = ok && strstr(rh_buf_cstr(&out), ": ok\n") != NULL;
        else
            ok = ok && strstr(rh_buf_cstr(&out), ": refused: ") != NULL &&
                 strstr(rh_buf_cstr(&out), cls) != NULL;
        /* The records the decoder keeps match the SDK's (all of them when
         * accepted; the prefix before the error with --salvage). */
        char rel[512];
        snprintf(rel, sizeof(rel), "data/fit/negative/ref/%s.json", file);
        json_error_t je;
        json_t *ref = json_load_file(rh_test_shared_path(rel), 0, &je);
        assert_non_null(ref);
        const json_t *series = json_object_get(ref, "hr_series");
        rh_fit_opts opts = {.salvage = true};
        rh_activity a;
        rh_activity_init(&a, RH_ACTIVITY_FIT);
        rh_err e;
        rh_err_init(&e);
        rh_status st = rh_fit_read_activity_file(path, &opts, &a, NULL, &e);
        if (st == RH_OK) {
            ok = ok && a.npoints == json_array_size(series) && a.partial == !accept;
            for (size_t i = 0; ok && i < a.npoints; i++) {
                const json_t *row = json_array_get(series, i);
                ok = a.points[i].t_ms / 1000 - RH_FIT_EPOCH_UNIX_S ==
                         json_integer_value(json_array_get(row, 0)) &&
                     a.points[i].hr_bpm == json_number_value(json_array_get(row, 1));
            }
        } else {
            /* Not even salvageable: only NOT_FIT files, which have no records. */
            ok = ok && strcmp(cls, "NOT_FIT") == 0 && json_array_size(series) == 0;
        }
        rh_activity_release(&a);
        json_decref(ref);
        fprintf(stderr, "  %s %s (expect %s %s) exit %d: %s", ok ? "ok  " : "FAIL", file, expect,
                cls, rc, rh_buf_cstr(&out));
        if (ok)
            passed++;
        rh_buf_release(&out);
        rh_buf_release(&err);
    }
    rh_free(csv);
    fprintf(stderr, "FIT negatives: %zu of %zu as negatives.csv says\n", passed, n);
    assert_int_equal(n, 12);
    assert_int_equal(passed, n);
}

static void the_whole_corpus_checks_in_one_process(void **state)
{
    (void)state;
    /* `activity check` over the 66 files: 64 ok, the 2 damaged ones refused. */
    const char *dir = rh_test_shared_path("data/fit/files");
    static const char *const names[] = {"garmin-fenix-5-walk.fit", "nick.fit",
                                        "strava-android-app-201.10-b1218918.fit",
                                        "compressed-speed-distance.fit"};
    char paths[4][4096];
    const char *argv[8] = {"rehabit", "activity", "check"};
    for (int i = 0; i < 4; i++) {
        snprintf(paths[i], sizeof(paths[i]), "%s/%s", dir, names[i]);
        argv[3 + i] = paths[i];
    }
    argv[7] = NULL;
    rh_buf out;
    rh_buf_init(&out, 0);
    int rc = rh_test_run(argv, NULL, &out, NULL);
    assert_int_equal(rc, 1);
    const char *s = rh_buf_cstr(&out);
    assert_non_null(strstr(s, "garmin-fenix-5-walk.fit: ok\n"));
    assert_non_null(strstr(s, "compressed-speed-distance.fit: ok\n"));
    assert_non_null(strstr(s, "nick.fit: refused: FILE_CRC_MISMATCH at byte 403454"));
    assert_non_null(
        strstr(s, "strava-android-app-201.10-b1218918.fit: refused: TRUNCATED at byte 78233"));
    assert_non_null(strstr(s, "up to byte 7471"));
    rh_buf_release(&out);
}

int main(void)
{
    rh_test_require_shared("the FIT negative set (data/fit/negative)");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(negatives_exit_and_name_their_class),
        cmocka_unit_test(the_whole_corpus_checks_in_one_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT
 *
 * Golden tests: every TCX/GPX file of ../shared/data/tcx_gpx against its
 * reference summary: the (UTC time, heart rate) series in document order with
 * HR as written, trackpoint counts, TCX laps (start, total time, avg/max HR),
 * activities' sports and creators, GPX creator. bad.tcx is valid and read.
 */
#include "rh_test.h"

#include "formats/xmltrack.h"
#include "signal/activity.h"

#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool num_eq(const json_t *j, double v)
{
    if (!j || json_is_null(j))
        return isnan(v);
    return json_is_number(j) && json_number_value(j) == v;
}

static bool check_file(const char *dir, const char *file)
{
    char path[4600], rel[512], t[40];
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    snprintf(rel, sizeof(rel), "data/tcx_gpx/ref/%s.json", file);
    json_error_t je;
    json_t *ref = json_load_file(rh_test_shared_path(rel), 0, &je);
    assert_non_null(ref);
    rh_activity a;
    rh_activity_init(&a, RH_ACTIVITY_TCX);
    rh_err err;
    rh_err_init(&err);
    bool ok = rh_xmltrack_read_file(path, &a, &err) == RH_OK;
    if (!ok)
        fprintf(stderr, "  FAIL %s: %s\n", file, err.msg);
    const json_t *series = json_object_get(ref, "hr_series");
    if (ok && a.npoints != json_array_size(series)) {
        fprintf(stderr, "  FAIL %s: %zu points, reference %zu\n", file, a.npoints,
                json_array_size(series));
        ok = false;
    }
    for (size_t i = 0; ok && i < a.npoints; i++) {
        const json_t *row = json_array_get(series, i);
        const char *rt = json_string_value(json_array_get(row, 0));
        rh_activity_format_time(a.points[i].t_ms, t, sizeof(t));
        if (!rt || a.points[i].time_base != RH_TIME_UTC || strcmp(rt, t) != 0 ||
            !num_eq(json_array_get(row, 1), a.points[i].hr_bpm)) {
            fprintf(stderr, "  FAIL %s: point %zu: %s %g vs %s\n", file, i, t, a.points[i].hr_bpm,
                    rt ? rt : "null");
            ok = false;
        }
    }
    const char *kind = json_string_value(json_object_get(ref, "kind"));
    if (ok && strcmp(kind, "tcx") == 0) {
        const json_t *acts = json_object_get(ref, "activities");
        ok = a.format == RH_ACTIVITY_TCX && a.nsessions == json_array_size(acts);
        size_t lap = 0;
        for (size_t k = 0; ok && k < json_array_size(acts); k++) {
            const json_t *ra = json_array_get(acts, k);
            ok = strcmp(json_string_value(json_object_get(ra, "sport")),
                        a.sessions[k].sport_name) == 0;
            const json_t *laps = json_object_get(ra, "laps");
            for (size_t l = 0; ok && l < json_array_size(laps); l++, lap++) {
                const json_t *rl = json_array_get(laps, l);
                ok = lap < a.nlaps;
                if (!ok)
                    break;
                const rh_activity_summary *s = &a.laps[lap];
                rh_activity_format_time(s->start_ms, t, sizeof(t));
                ok = s->has_start &&
                     strcmp(json_string_value(json_object_get(rl, "start_time_utc")), t) == 0 &&
                     num_eq(json_object_get(rl, "total_time_s"), s->total_elapsed_s) &&
                     num_eq(json_object_get(rl, "avg_hr"), s->avg_hr_bpm) &&
                     num_eq(json_object_get(rl, "max_hr"), s->max_hr_bpm);
                if (!ok)
                    fprintf(stderr, "  FAIL %s: lap %zu\n", file, lap);
            }
        }
        ok = ok && lap == a.nlaps;
        const char *creator =
            json_string_value(json_object_get(json_array_get(acts, 0), "creator_name"));
        if (ok && creator)
            ok = a.ndevices > 0 && strcmp(a.devices[0].name, creator) == 0;
        if (!ok)
            fprintf(stderr, "  FAIL %s: activities, laps or creator differ\n", file);
    } else if (ok) {
        const char *creator = json_string_value(json_object_get(ref, "creator"));
        ok = a.format == RH_ACTIVITY_GPX &&
             (!creator || (a.ndevices > 0 && strcmp(a.devices[0].name, creator) == 0));
        if (!ok)
            fprintf(stderr, "  FAIL %s: creator\n", file);
    }
    if (ok && strcmp(json_string_value(json_object_get(ref, "sha256")), a.sha256) != 0) {
        fprintf(stderr, "  FAIL %s: sha256\n", file);
        ok = false;
    }
    const json_t *offs = json_object_get(ref, "non_utc_offsets_seen");
    if (ok && (json_array_size(offs) > 0) != a.has_local_offset) {
        fprintf(stderr, "  FAIL %s: local offset\n", file);
        ok = false;
    }
    if (ok)
        fprintf(stderr, "  ok   %s: %zu points, %zu laps, %zu warnings%s%s\n", file, a.npoints,
                a.nlaps, a.warnings, a.warnings ? ": " : "", a.warnings ? a.first_warning : "");
    rh_activity_release(&a);
    json_decref(ref);
    return ok;
}

static void tcx_and_gpx_files_match_their_references(void **state)
{
    (void)state;
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s", rh_test_shared_path("data/tcx_gpx/files"));
    DIR *d = opendir(dir);
    assert_non_null(d);
    char *names[64];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 64)
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof(*names), cmp_str);
    size_t passed = 0;
    for (size_t i = 0; i < n; i++) {
        if (check_file(dir, names[i]))
            passed++;
        free(names[i]);
    }
    fprintf(stderr, "TCX/GPX golden: %zu of %zu files match their reference\n", passed, n);
    assert_int_equal(n, 14);
    assert_int_equal(passed, n);
}

int main(void)
{
    rh_test_require_shared("the TCX/GPX corpus (data/tcx_gpx)");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tcx_and_gpx_files_match_their_references),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

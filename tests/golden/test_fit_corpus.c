/* SPDX-License-Identifier: MIT
 *
 * Golden tests: every FIT file of ../shared/data/fit/files against its
 * reference JSON (Garmin's SDK, or fit-file-parser for the two files the SDK
 * cannot read): the record (timestamp, heart_rate) series, hrv RR arrays,
 * session summaries, file_id, message counts per global number, segments.
 * Files the reference marks as failing integrity are refused in strict mode
 * with the class and offsets their structure implies, and with --salvage match
 * the SDK's decode up to its error. The expectation comes from the reference
 * data, the decision from the decoder; no file name is special-cased.
 */
#include "rh_test.h"

#include "base/alloc.h"
#include "formats/fit.h"
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

/* Sorted file names of a directory (malloc'd; caller frees). */
static char **list_dir(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    char **names = NULL;
    *n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        names = realloc(names, (*n + 1) * sizeof(*names));
        names[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, *n, sizeof(*names), cmp_str);
    return names;
}

static void free_list(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static json_t *load_ref(const char *rel)
{
    json_error_t je;
    json_t *j = json_load_file(rh_test_shared_path(rel), 0, &je);
    if (!j)
        fail_msg("cannot read %s: %s", rel, je.text);
    return j;
}

static int problems;

#define CHECK(cond, ...)                          \
    do {                                          \
        if (!(cond)) {                            \
            problems++;                           \
            fprintf(stderr, "  FAIL %s: ", file); \
            fprintf(stderr, __VA_ARGS__);         \
            fprintf(stderr, "\n");                \
            return false;                         \
        }                                         \
    } while (0)

static bool json_num_eq(const json_t *j, double v)
{
    if (json_is_null(j) || !j)
        return isnan(v);
    if (!json_is_number(j))
        return false;
    return json_number_value(j) == v;
}

static bool check_series(const char *file, const rh_activity *a, const json_t *series)
{
    CHECK(json_array_size(series) == a->npoints, "record count %zu, reference %zu", a->npoints,
          json_array_size(series));
    for (size_t i = 0; i < a->npoints; i++) {
        const json_t *row = json_array_get(series, i);
        const json_t *jt = json_array_get(row, 0), *jh = json_array_get(row, 1);
        const rh_activity_point *p = &a->points[i];
        if (json_is_null(jt)) {
            CHECK(p->time_base == RH_TIME_NONE, "record %zu has a timestamp, reference none", i);
        } else {
            int64_t raw = p->t_ms / 1000 - RH_FIT_EPOCH_UNIX_S;
            CHECK(p->time_base != RH_TIME_NONE && p->t_ms % 1000 == 0 &&
                      raw == (int64_t)json_integer_value(jt),
                  "record %zu timestamp %lld, reference %lld", i, (long long)raw,
                  (long long)json_integer_value(jt));
            CHECK((p->time_base == RH_TIME_SYSTEM) == (raw < RH_FIT_SYSTEM_TIME_MAX),
                  "record %zu time base", i);
        }
        CHECK(json_num_eq(jh, p->hr_bpm), "record %zu heart rate %g, reference %g", i, p->hr_bpm,
              json_is_number(jh) ? json_number_value(jh) : NAN);
    }
    return true;
}

static bool check_counts(const char *file, const rh_activity *a, const json_t *ref)
{
    const json_t *mc = json_object_get(ref, "message_counts");
    const json_t *by = json_object_get(ref, "message_counts_by_global_num");
    size_t nref = mc ? json_object_size(mc) : json_object_size(by);
    CHECK(nref == a->ncounts, "%zu message kinds, reference %zu", a->ncounts, nref);
    for (size_t i = 0; i < a->ncounts; i++) {
        uint64_t want = UINT64_MAX;
        if (mc) {
            const char *k;
            json_t *v;
            json_object_foreach((json_t *)mc, k, v)
            {
                if ((uint32_t)json_integer_value(json_object_get(v, "global_num")) ==
                    a->counts[i].global)
                    want = (uint64_t)json_integer_value(json_object_get(v, "count"));
            }
        } else {
            char key[16];
            snprintf(key, sizeof(key), "%u", a->counts[i].global);
            json_t *v = json_object_get(by, key);
            if (v)
                want = (uint64_t)json_integer_value(v);
        }
        CHECK(want == a->counts[i].count, "global %u: %llu messages, reference %llu",
              a->counts[i].global, (unsigned long long)a->counts[i].count,
              (unsigned long long)want);
    }
    return true;
}

static bool check_hrv(const char *file, const rh_activity *a, const rh_fit_report *rep,
                      const json_t *ref)
{
    const json_t *hrv = json_object_get(ref, "hrv");
    if (!hrv || json_is_null(hrv)) {
        CHECK(a->nrr == 0, "%zu RR intervals, reference none", a->nrr);
        return true;
    }
    const json_t *rr = json_object_get(hrv, "rr_ms");
    CHECK(json_array_size(rr) == a->nrr, "%zu RR intervals, reference %zu", a->nrr,
          json_array_size(rr));
    for (size_t i = 0; i < a->nrr; i++)
        CHECK(json_num_eq(json_array_get(rr, i), a->rr_ms[i]), "RR %zu is %g", i, a->rr_ms[i]);
    const json_t *inv = json_object_get(hrv, "invalid_slots");
    if (inv)
        CHECK((uint64_t)json_integer_value(inv) == rep->hrv_invalid_slots,
              "%llu invalid hrv slots, reference %lld", (unsigned long long)rep->hrv_invalid_slots,
              (long long)json_integer_value(inv));
    return true;
}

static bool check_sessions(const char *file, const rh_activity *a, const json_t *ref)
{
    const json_t *ss = json_object_get(ref, "sessions");
    CHECK(json_array_size(ss) == a->nsessions, "%zu sessions, reference %zu", a->nsessions,
          json_array_size(ss));
    for (size_t i = 0; i < a->nsessions; i++) {
        const json_t *r = json_array_get(ss, i);
        const rh_activity_summary *s = &a->sessions[i];
        const json_t *st = json_object_get(r, "start_time");
        if (json_is_null(st))
            CHECK(!s->has_start, "session %zu start", i);
        else
            CHECK(s->has_start &&
                      s->start_ms / 1000 - RH_FIT_EPOCH_UNIX_S == (int64_t)json_integer_value(st),
                  "session %zu start", i);
        const json_t *sp = json_object_get(r, "sport_num");
        if (sp) { /* the fallback references give names only */
            CHECK(json_num_eq(sp, s->sport < 0 ? NAN : s->sport), "session %zu sport %d", i,
                  s->sport);
            CHECK(json_num_eq(json_object_get(r, "sub_sport_num"),
                              s->sub_sport < 0 ? NAN : s->sub_sport),
                  "session %zu sub_sport %d", i, s->sub_sport);
        } else {
            const char *name = json_string_value(json_object_get(r, "sport"));
            /* fit-file-parser names are the profile names in snake_case. */
            CHECK(name && strcmp(name, s->sport_name) == 0, "session %zu sport '%s' vs '%s'", i,
                  s->sport_name, name ? name : "null");
        }
        CHECK(json_num_eq(json_object_get(r, "total_elapsed_time_s"), s->total_elapsed_s),
              "session %zu elapsed %.17g", i, s->total_elapsed_s);
        CHECK(json_num_eq(json_object_get(r, "total_timer_time_s"), s->total_timer_s),
              "session %zu timer %.17g", i, s->total_timer_s);
        CHECK(json_num_eq(json_object_get(r, "total_distance_m"), s->distance_m),
              "session %zu distance %.17g", i, s->distance_m);
        CHECK(json_num_eq(json_object_get(r, "avg_heart_rate"), s->avg_hr_bpm),
              "session %zu avg HR %g", i, s->avg_hr_bpm);
        CHECK(json_num_eq(json_object_get(r, "max_heart_rate"), s->max_hr_bpm),
              "session %zu max HR %g", i, s->max_hr_bpm);
    }
    return true;
}

static bool check_file_id(const char *file, const rh_activity *a, const json_t *ref)
{
    const json_t *ids = json_object_get(ref, "file_id");
    if (json_array_size(ids) == 0)
        return true;
    const json_t *f = json_array_get(ids, 0);
    CHECK(a->ndevices > 0, "no creator device");
    const rh_activity_device *d = &a->devices[0];
    const json_t *man = json_object_get(f, "manufacturer_num");
    if (man)
        CHECK(json_num_eq(man, d->manufacturer < 0 ? NAN : d->manufacturer), "manufacturer %d",
              d->manufacturer);
    CHECK(json_num_eq(json_object_get(f, "product"), d->product < 0 ? NAN : d->product),
          "product %d", d->product);
    CHECK(json_num_eq(json_object_get(f, "serial_number"), d->serial < 0 ? NAN : (double)d->serial),
          "serial %lld", (long long)d->serial);
    const json_t *tc = json_object_get(f, "time_created");
    if (json_is_null(tc))
        CHECK(!a->has_time_created, "time_created present");
    else
        CHECK(a->has_time_created && a->time_created_ms / 1000 - RH_FIT_EPOCH_UNIX_S ==
                                         (int64_t)json_integer_value(tc),
              "time_created");
    const json_t *tn = json_object_get(f, "type_num");
    if (tn)
        CHECK(json_num_eq(tn, a->file_type < 0 ? NAN : a->file_type), "file type %d", a->file_type);
    return true;
}

/* How close the 1 Hz series (our merge rule) is to the SDK's interpolating
 * merge of `hr` messages: reported, not asserted (different rules). */
static void report_merge(const char *file, const rh_activity *a, const json_t *merged)
{
    size_t n = json_array_size(merged), same = 0, within3 = 0, have = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *row = json_array_get(merged, i);
        const json_t *jh = json_array_get(row, 1);
        if (!json_is_number(jh))
            continue;
        int64_t t = (int64_t)json_integer_value(json_array_get(row, 0)) + RH_FIT_EPOCH_UNIX_S;
        while (k < a->nhr && a->hr_t_s[k] < t)
            k++;
        if (k < a->nhr && a->hr_t_s[k] == t) {
            have++;
            double diff = fabs(a->hr_bpm[k] - json_number_value(jh));
            if (diff < 0.5)
                same++;
            if (diff <= 3.0)
                within3++;
        }
    }
    fprintf(stderr,
            "  %s: hr merge vs SDK: %zu record seconds with a value in both, %zu within 0.5 bpm, "
            "%zu within 3 bpm (of %zu SDK values)\n",
            file, have, same, within3, n);
}

/* The class and offsets the reference's structure walk implies. */
static rh_fit_class expected_class(const json_t *ref, int64_t *offset, int64_t *stream_at)
{
    const json_t *files = json_object_get(json_object_get(ref, "structure"), "files");
    const char *error =
        json_string_value(json_object_get(json_object_get(ref, "structure"), "error"));
    const json_t *last = json_array_get(files, json_array_size(files) - 1);
    int64_t seg = json_integer_value(json_object_get(last, "offset"));
    int64_t hs = json_integer_value(json_object_get(last, "header_size"));
    int64_t ds = json_integer_value(json_object_get(last, "data_size"));
    *stream_at = -1;
    if (error) {
        const char *at = strstr(error, " at ");
        if (at)
            *stream_at = strtoll(at + 4, NULL, 10);
    }
    if (json_is_true(json_object_get(last, "truncated"))) {
        *offset = json_integer_value(json_object_get(ref, "size_bytes"));
        return RH_FIT_TRUNCATED;
    }
    if (json_is_false(json_object_get(last, "header_crc_ok"))) {
        *offset = seg + 12;
        return RH_FIT_HEADER_CRC_MISMATCH;
    }
    if (json_is_false(json_object_get(last, "file_crc_ok"))) {
        *offset = seg + hs + ds;
        return RH_FIT_FILE_CRC_MISMATCH;
    }
    *offset = *stream_at;
    return RH_FIT_UNDEFINED_LOCAL_MESSAGE;
}

static void fit_files_match_their_references(void **state)
{
    (void)state;
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s", rh_test_shared_path("data/fit/files"));
    size_t n;
    char **names = list_dir(dir, &n);
    size_t passed = 0, refused_ok = 0;
    rh_fit_report *rep = malloc(sizeof(*rep));
    for (size_t i = 0; i < n; i++) {
        const char *file = names[i];
        char rel[512], path[4600];
        snprintf(rel, sizeof(rel), "data/fit/ref/%s.json", file);
        json_t *ref = load_ref(rel);
        snprintf(path, sizeof(path), "%s/%s", dir, file);
        int before = problems;
        bool damaged = json_is_false(json_object_get(ref, "integrity_ok"));
        rh_fit_opts opts = {.salvage = false, .hash = true};
        rh_activity a;
        rh_activity_init(&a, RH_ACTIVITY_FIT);
        rh_err err;
        rh_err_init(&err);
        rh_status st = rh_fit_read_activity_file(path, &opts, &a, rep, &err);
        if (damaged) {
            /* Strict: refused with the class and offsets the structure implies. */
            int64_t want_off, stream_at;
            rh_fit_class want = expected_class(ref, &want_off, &stream_at);
            if (st != RH_E_CORRUPT || rep->cls != want || rep->offset != want_off ||
                rep->readable_end != stream_at || err.offset != want_off) {
                problems++;
                fprintf(stderr,
                        "  FAIL %s: strict: status %s class %s offset %lld readable %lld; "
                        "expected %s at %lld, readable to %lld\n",
                        file, rh_status_name(st), rh_fit_class_name(rep->cls),
                        (long long)rep->offset, (long long)rep->readable_end,
                        rh_fit_class_name(want), (long long)want_off, (long long)stream_at);
            } else {
                refused_ok++;
                fprintf(stderr, "  refused as expected: %s: %s\n", file, err.msg);
            }
            opts.salvage = true;
            rh_activity_init(&a, RH_ACTIVITY_FIT);
            rh_err_init(&err);
            st = rh_fit_read_activity_file(path, &opts, &a, rep, &err);
            if (st != RH_OK || !a.partial) {
                problems++;
                fprintf(stderr, "  FAIL %s: --salvage did not give a partial activity\n", file);
            }
        } else if (st != RH_OK) {
            problems++;
            fprintf(stderr, "  FAIL %s: %s\n", file, err.msg);
        }
        if (st == RH_OK) {
            bool ok = check_series(file, &a, json_object_get(ref, "hr_series")) &&
                      check_hrv(file, &a, rep, ref) && check_counts(file, &a, ref) &&
                      check_sessions(file, &a, ref) && check_file_id(file, &a, ref);
            const json_t *sha = json_object_get(ref, "sha256");
            if (ok && !damaged && strcmp(json_string_value(sha), a.sha256) != 0) {
                problems++;
                fprintf(stderr, "  FAIL %s: sha256 %s\n", file, a.sha256);
            }
            const json_t *segs = json_object_get(json_object_get(ref, "structure"), "files");
            if (ok && a.segments != json_array_size(segs)) {
                problems++;
                fprintf(stderr, "  FAIL %s: %u segments, reference %zu\n", file, a.segments,
                        json_array_size(segs));
            }
            const json_t *hrc = json_object_get(ref, "hr_message_count");
            if (ok && hrc && (uint64_t)json_integer_value(hrc) != rep->hr_messages) {
                problems++;
                fprintf(stderr, "  FAIL %s: %llu hr messages\n", file,
                        (unsigned long long)rep->hr_messages);
            }
            const json_t *merged = json_object_get(ref, "hr_series_merged");
            if (merged)
                report_merge(file, &a, merged);
        }
        if (problems == before)
            passed++;
        rh_activity_release(&a);
        json_decref(ref);
    }
    free(rep);
    fprintf(stderr,
            "FIT golden: %zu of %zu files match their reference (%zu refused in strict "
            "mode as their structure requires)\n",
            passed, n, refused_ok);
    free_list(names, n);
    assert_int_equal(problems, 0);
    assert_int_equal(passed, n);
}

/* extra/compressed-speed-distance-records.csv: python-fitparse's independent
 * dump of the compressed-timestamp file (speed and distance come from the
 * 12-bit compressed_speed_distance components). */
static void compressed_timestamps_match_the_independent_dump(void **state)
{
    (void)state;
    const char *file = "compressed-speed-distance.fit";
    rh_activity a;
    rh_activity_init(&a, RH_ACTIVITY_FIT);
    rh_err err;
    rh_err_init(&err);
    char path[4096];
    snprintf(path, sizeof(path), "%s",
             rh_test_shared_path("data/fit/files/compressed-speed-distance.fit"));
    assert_int_equal(rh_fit_read_activity_file(path, NULL, &a, NULL, &err), RH_OK);
    size_t len;
    char *csv = rh_test_slurp(
        rh_test_shared_path("data/fit/extra/compressed-speed-distance-records.csv"), &len);
    assert_non_null(csv);
    char *save = NULL;
    char *line = strtok_r(csv, "\n", &save);
    fprintf(stderr, "  header: %s\n", line);
    size_t row = 0, checked = 0, rows = 0;
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        /* timestamp,heart_rate,speed,distance,cadence (see the header) */
        char *f[8] = {0};
        int nf = 0;
        char *p = line;
        while (nf < 8) {
            f[nf++] = p;
            char *c = strchr(p, ',');
            if (!c)
                break;
            *c = '\0';
            p = c + 1;
        }
        /* The dump leaves out records without heart rate: find the record
         * with this timestamp at or after the previous one. */
        int64_t t = strtoll(f[0], NULL, 10);
        while (row < a.npoints && a.points[row].t_ms / 1000 - RH_FIT_EPOCH_UNIX_S != t)
            row++;
        assert_true(row < a.npoints);
        assert_true(a.points[row].hr_bpm == strtod(f[1], NULL));
        rows++;
        if (nf >= 4 && f[2][0] && f[3][0] && strcmp(f[3], "null") != 0) {
            double sp = strtod(f[2], NULL), di = strtod(f[3], NULL);
            double my_sp = rh_activity_col_get(&a, row, RH_COL_SPEED_M_S);
            double my_di = rh_activity_col_get(&a, row, RH_COL_DISTANCE_M);
            if (fabs(sp - my_sp) > 1e-9 || fabs(di - my_di) > 1e-9) {
                fprintf(stderr, "  %s row %zu: speed %g/%g distance %g/%g\n", file, row, my_sp, sp,
                        my_di, di);
                fail();
            }
            checked++;
        }
        row++;
    }
    fprintf(stderr,
            "  %s: %zu rows (timestamp, HR) found in order, %zu speed/distance pairs identical\n",
            file, rows, checked);
    assert_true(rows >= 750);
    rh_free(csv);
    rh_activity_release(&a);
}

int main(void)
{
    rh_test_require_shared("the FIT corpus (data/fit)");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fit_files_match_their_references),
        cmocka_unit_test(compressed_timestamps_match_the_independent_dump),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

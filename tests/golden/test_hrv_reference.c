/* SPDX-License-Identifier: MIT
 *
 * Golden test: HRV against the PhysioNet HRV Toolkit (get_hrv -M -L, no
 * filtering; mitdb/hrv_reference and nsr2db/hrv_reference), computed both
 * from the toolkit's own rrlist input (hrv_reference/rr/NNN.rr) and from the
 * annotation file itself (the N-to-N selection reproduced in signal/rr).
 *
 * The bar: mean NN, SDNN, RMSSD within 0.01 ms; Lomb LF, HF and LF/HF
 * within 2 %. Measured agreement is much closer (the CSV's 6 significant
 * digits), so this test also holds SDANN, SDNN index and pNN50 to the printed
 * precision and every Lomb band to 0.1 % to catch regressions. Records 109,
 * 118, 124 and 207 have no N-labelled beat: every metric must be "no data"
 * (NaN, printed null), never 0. The last test runs `rehabit hrv RECORD --ann
 * atr --json` itself and checks the printed numbers and nulls.
 */
#include "rh_test.h"

#include "base/alloc.h"
#include "formats/rrtext.h"
#include "formats/wfdb.h"
#include "signal/hrv.h"
#include "signal/rr.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXCOL 16
#define MAXREC 32

typedef struct csv {
    int ncol;
    char col[MAXCOL][24];
    int nrec;
    char rec[MAXREC][16];
    double v[MAXREC][MAXCOL];
} csv;

static void read_csv(const char *rel, csv *c)
{
    size_t len;
    char *text = rh_test_slurp(rh_test_shared_path(rel), &len);
    if (!text)
        fail_msg("cannot read %s", rel);
    memset(c, 0, sizeof(*c));
    char *save = NULL;
    char *line = strtok_r(text, "\n", &save);
    assert_non_null(line);
    for (char *s2 = NULL, *f = strtok_r(line, ",", &s2); f; f = strtok_r(NULL, ",", &s2)) {
        assert_true(c->ncol < MAXCOL);
        snprintf(c->col[c->ncol++], sizeof(c->col[0]), "%s", f);
    }
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        assert_true(c->nrec < MAXREC);
        char *s2 = NULL;
        char *f = strtok_r(line, ",", &s2);
        snprintf(c->rec[c->nrec], sizeof(c->rec[0]), "%s", f);
        for (int k = 1; k < c->ncol; k++) {
            f = strtok_r(NULL, ",", &s2);
            assert_non_null(f);
            c->v[c->nrec][k] = strtod(f, NULL); /* "nan" parses as NaN */
        }
        c->nrec++;
    }
    rh_free(text);
}

static void series_from_rr(const char *db, const char *rec, rh_rr_series *s)
{
    char rel[256];
    snprintf(rel, sizeof(rel), "data/%s/hrv_reference/rr/%s.rr", db, rec);
    rh_err err;
    rh_err_init(&err);
    rh_rr_init(s);
    if (rh_rrtext_read(rh_test_shared_path(rel), NULL, s, NULL, &err) != RH_OK)
        fail_msg("%s: %s", rel, err.msg);
}

static void series_from_ann(const char *db, const char *rec, const char *ann, rh_rr_series *s)
{
    char rel[256], path[1024];
    snprintf(rel, sizeof(rel), "data/%s/%s", db, rec);
    snprintf(path, sizeof(path), "%s", rh_test_shared_path(rel));
    rh_err err;
    rh_err_init(&err);
    rh_wfdb_header h;
    if (rh_wfdb_header_read(path, &h, &err) != RH_OK)
        fail_msg("%s: %s", path, err.msg);
    char ap[1100];
    snprintf(ap, sizeof(ap), "%s.%s", path, ann);
    rh_wfdb_annset a;
    rh_wfdb_annset_init(&a);
    assert_int_equal(rh_wfdb_ann_read(ap, &a, &err), RH_OK);
    int64_t *t;
    char *lab;
    size_t n;
    assert_int_equal(rh_wfdb_ann_qrs_labels(&a, &t, &lab, &n, &err), RH_OK);
    rh_rr_init(s);
    assert_int_equal(rh_rr_from_labelled_beats(t, lab, n, h.fs_hz, s, &err), RH_OK);
    rh_free(t);
    rh_free(lab);
    rh_wfdb_annset_release(&a);
    rh_wfdb_header_release(&h);
}

/* The value of a CSV column for our result. */
static double ours(const rh_hrv_result *r, const char *col)
{
    static const struct {
        const char *name;
        size_t off;
    } map[] = {
        {"NN_RR", offsetof(rh_hrv_result, nn_rr)},
        {"AVNN_ms", offsetof(rh_hrv_result, mean_nn_ms)},
        {"SDNN_ms", offsetof(rh_hrv_result, sdnn_ms)},
        {"SDANN_ms", offsetof(rh_hrv_result, sdann_ms)},
        {"SDNNIDX_ms", offsetof(rh_hrv_result, sdnn_index_ms)},
        {"rMSSD_ms", offsetof(rh_hrv_result, rmssd_ms)},
        {"pNN50_pct", offsetof(rh_hrv_result, pnn50_pct)},
        {"TOTPWR_ms2", offsetof(rh_hrv_result, lomb.total_ms2)},
        {"ULF_ms2", offsetof(rh_hrv_result, lomb.ulf_ms2)},
        {"VLF_ms2", offsetof(rh_hrv_result, lomb.vlf_ms2)},
        {"LF_ms2", offsetof(rh_hrv_result, lomb.lf_ms2)},
        {"HF_ms2", offsetof(rh_hrv_result, lomb.hf_ms2)},
        {"LF_HF", offsetof(rh_hrv_result, lomb.lf_hf)},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i].name, col) == 0)
            return *(const double *)(const void *)((const char *)r + map[i].off);
    fail_msg("unknown column %s", col);
    return NAN;
}

/* Allowed difference for a column: absolute for ms and %, relative for
 * powers and ratios. Returns true when `got` agrees with `want`. */
static bool agrees(const char *col, double got, double want, double *dev, bool *relative)
{
    *relative = false;
    *dev = got - want;
    if (strcmp(col, "NN_RR") == 0)
        return fabs(*dev) <= 1e-6;
    if (strcmp(col, "AVNN_ms") == 0 || strcmp(col, "SDNN_ms") == 0 || strcmp(col, "rMSSD_ms") == 0)
        return fabs(*dev) <= 0.01; /* the bar */
    if (strcmp(col, "SDANN_ms") == 0 || strcmp(col, "SDNNIDX_ms") == 0)
        return fabs(*dev) <= 0.01;
    if (strcmp(col, "pNN50_pct") == 0)
        return fabs(*dev) <= 0.0005 + 5e-6 * fabs(want);
    *relative = true;
    *dev = 100.0 * (got - want) / want;
    return fabs(*dev) <= 0.1; /* the bar is 2 % for LF, HF, LF/HF */
}

/* Compares every record of a reference CSV; returns the worst deviations. */
static void compare_db(const char *db, const char *csvname, const char *ann, bool from_rr,
                       bool short_term)
{
    char rel[256];
    snprintf(rel, sizeof(rel), "data/%s/hrv_reference/%s", db, csvname);
    csv c;
    read_csv(rel, &c);
    double worst[MAXCOL] = {0};
    int failures = 0;
    for (int i = 0; i < c.nrec; i++) {
        rh_rr_series s;
        if (from_rr)
            series_from_rr(db, c.rec[i], &s);
        else
            series_from_ann(db, c.rec[i], ann, &s);
        rh_hrv_opts o = {.toolkit_times = true, .short_term = short_term, .skip_nonlinear = true};
        rh_hrv_result r;
        rh_err err;
        rh_err_init(&err);
        assert_int_equal(rh_hrv_compute(&s, 0, s.n, &o, &r, &err), RH_OK);
        bool nodata = isnan(c.v[i][2]); /* AVNN nan: no NN interval at all */
        for (int k = 1; k < c.ncol; k++) {
            double want = c.v[i][k], got = ours(&r, c.col[k]);
            if (nodata) {
                /* nan, and the CSV's 0 for SDANN/SDNNIDX, mean no data; NN_RR
                 * is the true ratio 0 */
                bool ok = strcmp(c.col[k], "NN_RR") == 0 ? got == 0 : isnan(got);
                if (!ok) {
                    print_message("%s %s: %s should be no data, got %g\n", db, c.rec[i], c.col[k],
                                  got);
                    failures++;
                }
                continue;
            }
            double dev;
            bool rel_dev;
            if (!agrees(c.col[k], got, want, &dev, &rel_dev)) {
                print_message("%s %s (%s): %s = %.6g, get_hrv %.6g (%+.4g%s)\n", db, c.rec[i],
                              from_rr ? "rr" : ann, c.col[k], got, want, dev, rel_dev ? " %" : "");
                failures++;
            }
            if (fabs(dev) > worst[k])
                worst[k] = fabs(dev);
        }
        rh_rr_release(&s);
    }
    print_message("%s %s from %s: %d records, largest deviations:\n", db, csvname,
                  from_rr ? "rr/NNN.rr" : "annotations", c.nrec);
    for (int k = 1; k < c.ncol; k++) {
        double d, w;
        bool rel_dev;
        (void)agrees(c.col[k], 1, 1, &d, &rel_dev);
        w = worst[k];
        print_message("  %-11s %.3g%s\n", c.col[k], w, rel_dev ? " %" : "");
    }
    assert_int_equal(failures, 0);
}

static void mitdb_long_from_rr(void **state)
{
    (void)state;
    compare_db("mitdb", "get_hrv_long_unfiltered.csv", "atr", true, false);
}

static void mitdb_long_from_annotations(void **state)
{
    (void)state;
    compare_db("mitdb", "get_hrv_long_unfiltered.csv", "atr", false, false);
}

static void mitdb_short_from_annotations(void **state)
{
    (void)state;
    compare_db("mitdb", "get_hrv_short_unfiltered.csv", "atr", false, true);
}

static void nsr2db_long_from_rr(void **state)
{
    (void)state;
    compare_db("nsr2db", "get_hrv_long_unfiltered.csv", "ecg", true, false);
}

static void nsr2db_long_from_annotations(void **state)
{
    (void)state;
    compare_db("nsr2db", "get_hrv_long_unfiltered.csv", "ecg", false, false);
}

static void nsr2db_short_from_annotations(void **state)
{
    (void)state;
    compare_db("nsr2db", "get_hrv_short_unfiltered.csv", "ecg", false, true);
}

static json_t *run_json(const char *record)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s", rh_test_shared_path(record));
    const char *argv[] = {"rehabit", "hrv", path, "--ann", "atr", "--json", NULL};
    rh_buf out, err;
    rh_buf_init(&out, 0);
    rh_buf_init(&err, 0);
    int rc = rh_test_run(argv, NULL, &out, &err);
    if (rc != 0)
        fail_msg("rehabit hrv %s: exit %d: %s", record, rc, rh_buf_cstr(&err));
    json_error_t je;
    json_t *j = json_loads(rh_buf_cstr(&out), 0, &je);
    if (!j)
        fail_msg("not JSON: %s", je.text);
    rh_buf_release(&out);
    rh_buf_release(&err);
    return j;
}

static void cli_matches_get_hrv(void **state)
{
    (void)state;
    json_t *j = run_json("data/mitdb/101");
    /* get_hrv -M -L 101 atr: AVNN 968.189 SDNN 69.396 rMSSD 43.3801 pNN50
     * 19.2745 LF 497.808 HF 1120.51 LF/HF 0.444269 */
    assert_float_equal(json_real_value(json_object_get(j, "mean_nn_ms")), 968.189, 0.01);
    assert_float_equal(json_real_value(json_object_get(j, "sdnn_ms")), 69.396, 0.01);
    assert_float_equal(json_real_value(json_object_get(j, "rmssd_ms")), 43.3801, 0.01);
    assert_float_equal(json_real_value(json_object_get(j, "sdann_ms")), 45.4225, 0.01);
    assert_float_equal(json_real_value(json_object_get(j, "sdnn_index_ms")), 49.2906, 0.01);
    assert_float_equal(json_real_value(json_object_get(j, "pnn50_pct")), 19.2745, 0.001);
    assert_float_equal(json_real_value(json_object_get(j, "lf_ms2")), 497.808, 497.808 * 0.001);
    assert_float_equal(json_real_value(json_object_get(j, "hf_ms2")), 1120.51, 1120.51 * 0.001);
    assert_float_equal(json_real_value(json_object_get(j, "lf_hf")), 0.444269, 0.444269 * 0.001);
    assert_string_equal(json_string_value(json_object_get(j, "method")), "lomb");
    assert_null(json_object_get(j, "windows"));
    assert_null(json_object_get(j, "welch"));
    assert_null(json_object_get(j, "corrected"));
    json_decref(j);

    /* no N beat: every metric is null, never 0 */
    j = run_json("data/mitdb/109");
    static const char *const keys[] = {
        "mean_nn_ms", "sdnn_ms", "sdann_ms", "sdnn_index_ms", "rmssd_ms", "pnn50_pct", "ulf_ms2",
        "vlf_ms2",    "lf_ms2",  "hf_ms2",   "lf_hf",         "sd1_ms",   "sd2_ms",    "dfa_alpha1",
        "hr_bpm",     "lf_nu",   "sampen",   "dfa_alpha2",    "total_ms2"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        json_t *v = json_object_get(j, keys[i]);
        if (!v || !json_is_null(v))
            fail_msg("109: %s should be null", keys[i]);
    }
    assert_int_equal(json_integer_value(json_object_get(j, "n_nn")), 0);
    json_decref(j);
}

int main(void)
{
    rh_test_require_shared("data/mitdb/hrv_reference");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mitdb_long_from_rr),
        cmocka_unit_test(mitdb_long_from_annotations),
        cmocka_unit_test(mitdb_short_from_annotations),
        cmocka_unit_test(nsr2db_long_from_rr),
        cmocka_unit_test(nsr2db_long_from_annotations),
        cmocka_unit_test(nsr2db_short_from_annotations),
        cmocka_unit_test(cli_matches_get_hrv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

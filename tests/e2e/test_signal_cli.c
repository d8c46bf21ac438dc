/* SPDX-License-Identifier: MIT
 *
 * End-to-end: `rehabit ecg peaks|eval` and `rehabit hrv` on a synthetic
 * two-lead WFDB record written here (format 16, 250 Hz, 400 s, a premature
 * ventricular beat every 25 beats) with its reference annotations, and on RR
 * text files: the JSON contract of docs/cli-signal.md, nulls, the annotation
 * file written by --out, error messages and exit codes.
 */
#include "rh_test.h"

#include "base/alloc.h"
#include "formats/wfdb.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FS    250.0
#define DUR_S 400.0
#define GAIN  200.0 /* adu/mV */
#define PI    3.14159265358979323846

static char dir[64];
static char rec[128];   /* dir/e2e */
static int64_t *truth;  /* R-peak samples */
static char *truth_lab; /* 'N' or 'V' */
static size_t ntruth;

static double gauss_at(double dt, double w)
{
    return exp(-0.5 * dt * dt / (w * w));
}

/* Writes dir/e2e.hea, e2e.dat (format 16, two leads) and e2e.atr. */
static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/rh_e2e_sig_XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(rec, sizeof(rec), "%s/e2e", dir);
    size_t n = (size_t)(FS * DUR_S);
    truth = calloc(1000, sizeof(*truth));
    truth_lab = calloc(1000, 1);
    double t = 0.6;
    for (int k = 0; t < DUR_S - 0.5; k++) {
        bool pvc = k % 25 == 24;
        double rr = 0.8 + 0.04 * sin(2 * PI * 0.25 * t) + 0.02 * sin(2 * PI * 0.1 * t);
        truth[ntruth] = (int64_t)lround(t * FS);
        truth_lab[ntruth++] = pvc ? 'V' : 'N';
        t += pvc ? 1.25 * rr : (k % 25 == 23 ? 0.6 * rr : rr);
    }
    int16_t *v = calloc(2 * n, sizeof(int16_t));
    unsigned seed = 7;
    for (size_t b = 0; b < ntruth; b++) {
        bool pvc = truth_lab[b] == 'V';
        double tb = (double)truth[b] / FS;
        size_t lo = truth[b] > 100 ? (size_t)truth[b] - 100 : 0;
        for (size_t i = lo; i < n && i < (size_t)truth[b] + 150; i++) {
            double dt = (double)i / FS - tb;
            double qrs = pvc ? 1.4 * gauss_at(dt, 0.03) - 0.3 * gauss_at(dt - 0.06, 0.03)
                             : gauss_at(dt, 0.012) - 0.15 * gauss_at(dt + 0.03, 0.01) -
                                   0.2 * gauss_at(dt - 0.03, 0.012);
            double tw = (pvc ? -0.4 : 0.3) * gauss_at(dt - 0.28, 0.05);
            double lead[2] = {qrs + tw, 0.6 * qrs + 0.5 * tw};
            for (int s = 0; s < 2; s++)
                v[2 * i + s] = (int16_t)(v[2 * i + s] + lround(lead[s] * GAIN));
        }
    }
    int64_t sum[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        for (int s = 0; s < 2; s++) {
            seed = seed * 1103515245u + 12345u;
            double wander = 0.1 * sin(2 * PI * 0.3 * (double)i / FS);
            v[2 * i + s] =
                (int16_t)(v[2 * i + s] +
                          lround((wander + 0.01 * ((int)((seed >> 16) % 100) - 50) / 50.0) * GAIN));
            sum[s] += v[2 * i + s];
        }
    }
    char path[200];
    snprintf(path, sizeof(path), "%s.dat", rec);
    FILE *fp = fopen(path, "wb");
    for (size_t i = 0; i < 2 * n; i++) {
        uint16_t u = (uint16_t)v[i];
        fputc(u & 0xff, fp);
        fputc(u >> 8, fp);
    }
    fclose(fp);
    snprintf(path, sizeof(path), "%s.hea", rec);
    fp = fopen(path, "w");
    fprintf(fp, "e2e 2 250 %zu\n", n);
    fprintf(fp, "e2e.dat 16 200 16 0 %d %d 0 MLII\n", v[0], (int16_t)(uint16_t)sum[0]);
    fprintf(fp, "e2e.dat 16 200 16 0 %d %d 0 V1\n", v[1], (int16_t)(uint16_t)sum[1]);
    fclose(fp);
    free(v);
    rh_wfdb_annset a;
    rh_wfdb_annset_init(&a);
    for (size_t b = 0; b < ntruth; b++)
        assert_int_equal(rh_wfdb_annset_add(&a, truth[b],
                                            truth_lab[b] == 'V' ? RH_ANN_PVC : RH_ANN_NORMAL, 0, 0,
                                            0, NULL, NULL),
                         RH_OK);
    snprintf(path, sizeof(path), "%s.atr", rec);
    assert_int_equal(rh_wfdb_ann_write(path, &a, NULL), RH_OK);
    rh_wfdb_annset_release(&a);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return -1;
    free(truth);
    free(truth_lab);
    return 0;
}

/* Runs rehabit; returns the exit code, stdout parsed as JSON in *j when
 * wanted (and asserted to be JSON), stdout/stderr text in the buffers. */
static int run(const char *const *argv, rh_buf *out, rh_buf *err, json_t **j)
{
    rh_buf_reset(out);
    rh_buf_reset(err);
    int rc = rh_test_run(argv, NULL, out, err);
    if (j) {
        json_error_t je;
        *j = json_loads(rh_buf_cstr(out), 0, &je);
        if (!*j)
            fail_msg("not JSON (%s): %s / %s", je.text, rh_buf_cstr(out), rh_buf_cstr(err));
    }
    return rc;
}

static double num(const json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (!v)
        fail_msg("member %s missing", k);
    return json_is_null(v) ? NAN : json_number_value(v);
}

static void peaks_json_finds_every_beat(void **state)
{
    (void)state;
    rh_buf out, err;
    rh_buf_init(&out, 0);
    rh_buf_init(&err, 0);
    json_t *j;
    const char *argv[] = {"rehabit", "ecg", "peaks", rec, "--json", NULL};
    assert_int_equal(run(argv, &out, &err, &j), 0);
    assert_string_equal(json_string_value(json_object_get(j, "record")), rec);
    assert_float_equal(num(j, "fs_hz"), 250, 0);
    assert_int_equal((int)num(j, "signal"), 0);
    assert_int_equal(json_array_size(json_object_get(j, "signals")), 2);
    assert_string_equal(json_string_value(json_array_get(json_object_get(j, "leads"), 0)), "MLII");
    json_t *p = json_object_get(j, "peaks");
    assert_int_equal(json_array_size(p), ntruth);
    assert_int_equal((size_t)num(j, "beats"), ntruth);
    for (size_t i = 0; i < ntruth; i++) {
        int64_t got = json_integer_value(json_array_get(p, i));
        /* R peak, not QRS onset: within 20 ms of the synthetic R (PVCs: their
         * wide peak) */
        if (llabs(got - truth[i]) > 5)
            fail_msg("beat %zu: peak %lld, truth %lld", i, (long long)got, (long long)truth[i]);
    }
    json_decref(j);

    /* one lead, chosen by number */
    const char *one[] = {"rehabit", "ecg",     "peaks", rec,      "--signal",
                         "1",       "--leads", "1",     "--json", NULL};
    assert_int_equal(run(one, &out, &err, &j), 0);
    assert_int_equal((int)num(j, "signal"), 1);
    assert_int_equal(json_array_size(json_object_get(j, "signals")), 1);
    assert_int_equal(json_array_size(json_object_get(j, "peaks")), ntruth);
    json_decref(j);

    /* the text summary */
    const char *text[] = {"rehabit", "ecg", "peaks", rec, NULL};
    assert_int_equal(run(text, &out, &err, NULL), 0);
    char line[64];
    snprintf(line, sizeof(line), "beats: %zu", ntruth);
    assert_non_null(strstr(rh_buf_cstr(&out), line));
    rh_buf_release(&out);
    rh_buf_release(&err);
}

static void peaks_out_file_scores_perfectly_in_eval(void **state)
{
    (void)state;
    rh_buf out, err;
    rh_buf_init(&out, 0);
    rh_buf_init(&err, 0);
    char ann[200];
    snprintf(ann, sizeof(ann), "%s/e2e.qrs", dir);
    const char *peaks[] = {"rehabit", "ecg", "peaks", rec, "--out", ann, NULL};
    assert_int_equal(run(peaks, &out, &err, NULL), 0);
    assert_non_null(strstr(rh_buf_cstr(&out), "annotations written to"));
    rh_wfdb_annset a;
    rh_wfdb_annset_init(&a);
    assert_int_equal(rh_wfdb_ann_read(ann, &a, NULL), RH_OK);
    assert_int_equal(a.n, ntruth);
    rh_wfdb_annset_release(&a);

    /* by file name, and by annotator name (RECORD.qrs) */
    for (int by = 0; by < 2; by++) {
        json_t *j;
        const char *ev[] = {"rehabit", "ecg",    "eval",           rec,      "--ref",
                            "atr",     "--test", by ? "qrs" : ann, "--json", NULL};
        assert_int_equal(run(ev, &out, &err, &j), 0);
        assert_string_equal(json_string_value(json_object_get(j, "reference")), "atr");
        json_t *rules = json_object_get(j, "rules");
        assert_float_equal(num(rules, "match_window_s"), 0.15, 0);
        assert_float_equal(num(rules, "start_s"), 300, 0);
        json_t *r0 = json_array_get(json_object_get(j, "records"), 0);
        assert_string_equal(json_string_value(json_object_get(r0, "record")), "e2e");
        json_t *g = json_object_get(j, "gross");
        assert_true(num(g, "tp") > 100); /* beats after 5:00 */
        assert_int_equal((int)num(g, "fn"), 0);
        assert_int_equal((int)num(g, "fp"), 0);
        assert_float_equal(num(g, "se_pct"), 100, 0);
        assert_float_equal(num(g, "ppv_pct"), 100, 0);
        assert_non_null(json_object_get(json_object_get(g, "fn_by_class"), "V"));
        json_decref(j);
    }

    /* --detect and the table */
    const char *det[] = {"rehabit", "ecg", "eval", rec, rec, "--ref", "atr", "--detect", NULL};
    assert_int_equal(run(det, &out, &err, NULL), 0);
    const char *s = rh_buf_cstr(&out);
    assert_non_null(strstr(s, "Se %"));
    assert_non_null(strstr(s, "gross"));
    assert_non_null(strstr(s, "100.000   100.000"));

    /* a reference that misses a beat counts it as FP of the test */
    rh_wfdb_annset_init(&a);
    for (size_t b = 0; b < ntruth; b++)
        if (b != ntruth - 10)
            assert_int_equal(rh_wfdb_annset_add(&a, truth[b], RH_ANN_NORMAL, 0, 0, 0, NULL, NULL),
                             RH_OK);
    char ref[200];
    snprintf(ref, sizeof(ref), "%s.ref", rec);
    assert_int_equal(rh_wfdb_ann_write(ref, &a, NULL), RH_OK);
    rh_wfdb_annset_release(&a);
    json_t *j;
    const char *miss[] = {"rehabit", "ecg",    "eval", rec,      "--ref",
                          "ref",     "--test", ann,    "--json", NULL};
    assert_int_equal(run(miss, &out, &err, &j), 0);
    assert_int_equal((int)num(json_object_get(j, "gross"), "fp"), 1);
    assert_int_equal((int)num(json_object_get(j, "gross"), "fn"), 0);
    json_decref(j);
    rh_buf_release(&out);
    rh_buf_release(&err);
}

static const char *const required[] = {
    "mean_nn_ms", "sdnn_ms", "sdann_ms", "sdnn_index_ms", "rmssd_ms", "pnn50_pct", "ulf_ms2",
    "vlf_ms2",    "lf_ms2",  "hf_ms2",   "lf_hf",         "sd1_ms",   "sd2_ms",    "dfa_alpha1"};

static void hrv_annotations_default_contract(void **state)
{
    (void)state;
    rh_buf out, err;
    rh_buf_init(&out, 0);
    rh_buf_init(&err, 0);
    json_t *j;
    const char *argv[] = {"rehabit", "hrv", rec, "--ann", "atr", "--json", NULL};
    assert_int_equal(run(argv, &out, &err, &j), 0);
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
        assert_non_null(json_object_get(j, required[i]));
    assert_string_equal(json_string_value(json_object_get(j, "method")), "lomb");
    assert_non_null(json_object_get(j, "parameters"));
    assert_null(json_object_get(j, "windows"));
    assert_null(json_object_get(j, "welch"));
    assert_null(json_object_get(j, "corrected"));
    json_t *in = json_object_get(j, "input");
    assert_string_equal(json_string_value(json_object_get(in, "kind")), "annotations");
    assert_int_equal((size_t)num(in, "beats"), ntruth);
    /* N-to-N: the intervals into and out of every V beat are not NN */
    size_t nv = 0;
    for (size_t b = 0; b < ntruth; b++)
        nv += truth_lab[b] == 'V';
    assert_int_equal((size_t)num(j, "n_rr"), ntruth - 1);
    /* the record's first interval never counts as NN (rrlist) */
    assert_int_equal((size_t)num(j, "n_nn"), ntruth - 2 - 2 * nv);
    /* RR 0.8 s with a small modulation */
    assert_true(fabs(num(j, "mean_nn_ms") - 800) < 5);
    assert_true(num(j, "sdnn_ms") > 10 && num(j, "sdnn_ms") < 50);
    assert_true(num(j, "hf_ms2") > num(j, "lf_ms2")); /* the 0.25 Hz wave is larger */
    json_decref(j);
    rh_buf_release(&out);
    rh_buf_release(&err);
}

static void hrv_options_add_their_own_keys(void **state)
{
    (void)state;
    rh_buf out, err;
    rh_buf_init(&out, 0);
    rh_buf_init(&err, 0);
    json_t *j;
    const char *argv[] = {"rehabit", "hrv",    rec,  "--ann",    "atr",   "--json",    "--window",
                          "120",     "--step", "60", "--method", "welch", "--correct", NULL};
    assert_int_equal(run(argv, &out, &err, &j), 0);
    /* the top level is unchanged: still Lomb, still uncorrected */
    assert_string_equal(json_string_value(json_object_get(j, "method")), "lomb");
    json_t *w = json_object_get(j, "windows");
    assert_true(json_is_array(w));
    assert_true(json_array_size(w) >= 4);
    json_t *w0 = json_array_get(w, 0);
    assert_float_equal(num(w0, "end_s") - num(w0, "start_s"), 120, 1e-9);
    assert_non_null(json_object_get(w0, "dfa_alpha1"));
    assert_non_null(json_object_get(w0, "dfa_alpha1_zone"));
    assert_true(json_is_object(json_object_get(j, "welch")));
    assert_true(num(json_object_get(j, "welch"), "hf_ms2") > 0);
    json_t *c = json_object_get(j, "corrected");
    assert_true(json_is_object(c));
    assert_true(num(c, "corrected_beats") > 0); /* the premature beats */
    assert_true(json_array_size(json_object_get(c, "fixes")) > 0);
    json_t *ch = json_object_get(c, "hrv");
    assert_true(num(ch, "n_nn") > num(j, "n_nn"));
    assert_true(fabs(num(ch, "rmssd_ms") - num(j, "rmssd_ms")) < 0.2 * num(j, "rmssd_ms"));
    json_t *p = json_object_get(j, "parameters");
    assert_float_equal(num(p, "window_s"), 120, 0);
    assert_float_equal(num(p, "step_s"), 60, 0);
    assert_non_null(json_object_get(p, "welch"));
    assert_true(json_is_array(json_object_get(p, "unverified")));
    json_decref(j);

    /* detected beats: every interval counts, premature beats included, until
     * corrected */
    const char *det[] = {"rehabit", "hrv", rec, "--detect", "--correct", "--json", NULL};
    assert_int_equal(run(det, &out, &err, &j), 0);
    json_t *in = json_object_get(j, "input");
    assert_string_equal(json_string_value(json_object_get(in, "kind")), "detected_beats");
    assert_int_equal((size_t)num(j, "n_nn"), ntruth - 1);
    c = json_object_get(j, "corrected");
    assert_true(num(json_object_get(c, "hrv"), "rmssd_ms") < 0.5 * num(j, "rmssd_ms"));
    /* 20 premature beats, each named once however many rounds and kinds
     * flag it; Lipponen & Tarvainen also move some beats right after the
     * compensatory pause when the sinus arrhythmia is this strong */
    assert_true(num(c, "ectopic") >= 20);
    assert_true(num(c, "corrected_beats") >= 20 && num(c, "corrected_beats") <= 40);
    json_decref(j);
    rh_buf_release(&out);
    rh_buf_release(&err);
}

static char *write_text(const char *name, const char *text)
{
    char *path = malloc(200);
    snprintf(path, 200, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    fputs(text, fp);
    fclose(fp);
    return path;
}

static void hrv_rr_text_units_and_nulls(void **state)
{
    (void)state;
    rh_buf out, err;
    rh_buf_init(&out, 0);
    rh_buf_init(&err, 0);
    json_t *j;
    char *ms = write_text("ms.txt", "# RR in ms\n800\n810\n790\n805\n795\n800\n");
    const char *a1[] = {"rehabit", "hrv", ms, "--json", NULL};
    assert_int_equal(run(a1, &out, &err, &j), 0);
    json_t *in = json_object_get(j, "input");
    assert_string_equal(json_string_value(json_object_get(in, "kind")), "rr_text");
    assert_string_equal(json_string_value(json_object_get(in, "rr_unit")), "ms");
    assert_float_equal(num(j, "mean_nn_ms"), 800, 1e-9);
    /* 5 successive differences: 10 20 15 10 5 -> RMSSD sqrt(850/5) */
    assert_float_equal(num(j, "rmssd_ms"), sqrt(850.0 / 5), 1e-9);
    assert_float_equal(num(j, "pnn50_pct"), 0, 0);
    /* too short for SDANN's 5-min segments? one segment: SDANN needs two */
    assert_true(isnan(num(j, "sdann_ms")));
    json_decref(j);

    char *s2 = write_text("s2.txt", "time,rr\n0.8,0.8\n1.61,0.81\n2.4,0.79\n");
    const char *a2[] = {"rehabit", "hrv", s2, "--json", NULL};
    assert_int_equal(run(a2, &out, &err, &j), 0);
    in = json_object_get(j, "input");
    assert_string_equal(json_string_value(json_object_get(in, "rr_unit")), "s");
    assert_true(json_is_true(json_object_get(in, "time_column")));
    assert_float_equal(num(j, "mean_nn_ms"), 800, 1e-9);
    json_decref(j);

    /* no NN interval at all: every metric null, never 0 */
    char *none = write_text("none.txt", "0.8 V\n0.8 V\n0.8 V\n");
    const char *a3[] = {"rehabit", "hrv", none, "--json", NULL};
    assert_int_equal(run(a3, &out, &err, &j), 0);
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
        if (!json_is_null(json_object_get(j, required[i])))
            fail_msg("%s should be null", required[i]);
    json_decref(j);

    /* text output */
    const char *a4[] = {"rehabit", "hrv", ms, NULL};
    assert_int_equal(run(a4, &out, &err, NULL), 0);
    assert_non_null(strstr(rh_buf_cstr(&out), "RMSSD"));
    free(ms);
    free(s2);
    free(none);
    rh_buf_release(&out);
    rh_buf_release(&err);
}

static const char *zone_of(double a1, double aer, double ana)
{
    return a1 > aer   ? "below_aerobic_threshold"
           : a1 > ana ? "between_thresholds"
                      : "above_anaerobic_threshold";
}

/* Checks every window's zone against the thresholds the output states;
 * returns how many windows were above the anaerobic threshold. */
static size_t check_zones(json_t *j, double want_aer)
{
    json_t *dfa = json_object_get(json_object_get(j, "parameters"), "dfa");
    json_t *aer = json_object_get(dfa, "alpha1_aerobic_threshold");
    json_t *ana = json_object_get(dfa, "alpha1_anaerobic_threshold");
    assert_float_equal(num(aer, "alpha1"), want_aer, 0);
    assert_string_equal(json_string_value(json_object_get(aer, "status")), "unverified");
    assert_non_null(json_string_value(
        json_object_get(json_object_get(j, "parameters"), "catalog_fingerprint")));
    size_t above = 0, i;
    json_t *w;
    json_array_foreach(json_object_get(j, "windows"), i, w)
    {
        double a1 = num(w, "dfa_alpha1");
        const char *z = json_string_value(json_object_get(w, "dfa_alpha1_zone"));
        assert_non_null(z);
        assert_string_equal(z, zone_of(a1, num(aer, "alpha1"), num(ana, "alpha1")));
        above += strcmp(z, "above_anaerobic_threshold") == 0;
    }
    return above;
}

/* The thresholds are knowledge-base data: a reviewed copy given with --data
 * changes the zones, and the text output lists the windows. */
static void dfa_zones_come_from_the_knowledge_base(void **state)
{
    (void)state;
    rh_buf out, err;
    rh_buf_init(&out, 0);
    rh_buf_init(&err, 0);
    json_t *j;
    const char *argv[] = {"rehabit", "hrv", rec, "--ann", "atr", "--window", "120", "--json", NULL};
    assert_int_equal(run(argv, &out, &err, &j), 0);
    size_t n = json_array_size(json_object_get(j, "windows"));
    assert_true(n >= 2);
    check_zones(j, 0.75);
    json_decref(j);

    char kb[200], cmd[600];
    snprintf(kb, sizeof(kb), "%s/kb", dir);
    snprintf(cmd, sizeof(cmd),
             "cp -r data '%s' && sed -i 's/\"alpha1\": 0.75/\"alpha1\": 5/; "
             "s/\"alpha1\": 0.5/\"alpha1\": 4.9/' '%s/formulas.json'",
             kb, kb);
    assert_int_equal(system(cmd), 0);
    const char *edited[] = {"rehabit", "hrv",    rec,      "--ann", "atr", "--window",
                            "120",     "--json", "--data", kb,      NULL};
    /* 5 is outside the accepted range: refused with the file and path */
    assert_int_not_equal(run(edited, &out, &err, NULL), 0);
    assert_non_null(strstr(rh_buf_cstr(&err), "formulas.json"));
    assert_non_null(strstr(rh_buf_cstr(&err), "$.dfa_alpha1_thresholds[0].alpha1"));
    snprintf(cmd, sizeof(cmd),
             "sed -i 's/\"alpha1\": 5,/\"alpha1\": 1.95,/; s/\"alpha1\": 4.9,/\"alpha1\": 1.9,/' "
             "'%s/formulas.json'",
             kb);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(run(edited, &out, &err, &j), 0);
    assert_int_equal(check_zones(j, 1.95), n); /* every window is now "above" */
    json_decref(j);

    const char *text[] = {"rehabit", "hrv", rec, "--ann", "atr", "--window", "120", NULL};
    assert_int_equal(run(text, &out, &err, NULL), 0);
    assert_non_null(strstr(rh_buf_cstr(&out), "DFA a1 zone (unverified estimate)"));
    assert_non_null(strstr(rh_buf_cstr(&out), "(dfa_a1.aerobic, unverified)"));
    assert_non_null(strstr(rh_buf_cstr(&out), "not at rest"));
    rh_buf_release(&out);
    rh_buf_release(&err);
}

static void errors_name_the_place_and_print_nothing(void **state)
{
    (void)state;
    rh_buf out, err;
    rh_buf_init(&out, 0);
    rh_buf_init(&err, 0);
    /* RR text with a bad value: file:line */
    char *bad = write_text("bad.txt", "800\n810\nabc\n");
    const char *a1[] = {"rehabit", "hrv", bad, "--json", NULL};
    assert_int_equal(run(a1, &out, &err, NULL), 1);
    assert_int_equal(out.len, 0);
    char where[256];
    snprintf(where, sizeof(where), "%s:3", bad);
    assert_non_null(strstr(rh_buf_cstr(&err), where));
    free(bad);

    /* a damaged signal file: the checksum names the file */
    char path[200], copy[200];
    snprintf(path, sizeof(path), "%s.dat", rec);
    snprintf(copy, sizeof(copy), "%s/bad.dat", dir);
    size_t len;
    char *dat = rh_test_slurp(path, &len);
    dat[1000] ^= 0x10;
    FILE *fp = fopen(copy, "wb");
    fwrite(dat, 1, len, fp);
    fclose(fp);
    rh_free(dat);
    snprintf(path, sizeof(path), "%s.hea", rec);
    char *hea = rh_test_slurp(path, &len);
    char *nh = malloc(len + 16);
    /* same header, renamed record and signal file */
    char *p1 = strstr(hea, "e2e.dat"), *p2 = strstr(p1 + 1, "e2e.dat");
    snprintf(nh, len + 16, "bad%.*sbad.dat%.*sbad.dat%s", (int)(p1 - hea - 3), hea + 3,
             (int)(p2 - p1 - 7), p1 + 7, p2 + 7);
    rh_free(hea);
    char *hp = write_text("bad.hea", nh);
    free(nh);
    free(hp);
    char badrec[200];
    snprintf(badrec, sizeof(badrec), "%s/bad", dir);
    const char *a2[] = {"rehabit", "ecg", "peaks", badrec, "--json", NULL};
    assert_int_equal(run(a2, &out, &err, NULL), 1);
    assert_int_equal(out.len, 0);
    assert_non_null(strstr(rh_buf_cstr(&err), "bad.dat"));
    assert_non_null(strstr(rh_buf_cstr(&err), "checksum"));

    /* missing record, usage errors */
    const char *a3[] = {"rehabit", "ecg", "peaks", "/nonexistent/rec", NULL};
    assert_int_equal(run(a3, &out, &err, NULL), 1);
    assert_non_null(strstr(rh_buf_cstr(&err), "/nonexistent/rec.hea"));
    const char *u1[] = {"rehabit", "ecg", "eval", rec, "--ref", "atr", NULL};
    assert_int_equal(run(u1, &out, &err, NULL), 2);
    const char *u2[] = {"rehabit", "hrv", rec, NULL}; /* a record needs --ann or --detect */
    assert_int_equal(run(u2, &out, &err, NULL), 2);
    assert_non_null(strstr(rh_buf_cstr(&err), "--ann"));
    const char *u3[] = {"rehabit", "hrv", rec, "--ann", "atr", "--method", "fft", NULL};
    assert_int_equal(run(u3, &out, &err, NULL), 2);
    const char *u4[] = {"rehabit", "ecg", "peaks", rec, "--leads", "3", NULL};
    assert_int_equal(run(u4, &out, &err, NULL), 2);
    const char *u5[] = {"rehabit", "ecg", "frobnicate", NULL};
    assert_int_equal(run(u5, &out, &err, NULL), 2);
    assert_int_equal(out.len, 0);
    const char *h1[] = {"rehabit", "hrv", "--help", NULL};
    assert_int_equal(run(h1, &out, &err, NULL), 0);
    assert_non_null(strstr(rh_buf_cstr(&out), "--window"));
    rh_buf_release(&out);
    rh_buf_release(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(peaks_json_finds_every_beat),
        cmocka_unit_test(peaks_out_file_scores_perfectly_in_eval),
        cmocka_unit_test(hrv_annotations_default_contract),
        cmocka_unit_test(hrv_options_add_their_own_keys),
        cmocka_unit_test(hrv_rr_text_units_and_nulls),
        cmocka_unit_test(dfa_zones_come_from_the_knowledge_base),
        cmocka_unit_test(errors_name_the_place_and_print_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

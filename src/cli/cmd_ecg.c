/* SPDX-License-Identifier: MIT
 *
 * cli/cmd_ecg: `rehabit ecg peaks` (R-peak detection on a WFDB record) and
 * `rehabit ecg eval` (beat-by-beat comparison as ANSI/AAMI EC57 defines it).
 * The JSON field names are a public contract: docs/cli-signal.md.
 */
#include "cli/cli.h"
#include "cli/commands.h"

#include "base/alloc.h"
#include "base/jw.h"
#include "formats/ecgrec.h"
#include "formats/wfdb.h"
#include "signal/ec57.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/banned.h"

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: rehabit ecg peaks RECORD [--signal N] [--leads 1|2] [--json] [--out FILE]\n"
            "       rehabit ecg eval RECORD... --ref ANNOTATOR (--test ANNOTATOR|FILE | --detect)\n"
            "                        [--leads 1|2] [--json]\n\n"
            "RECORD is a WFDB record path without extension (the header RECORD.hea).\n\n"
            "  peaks   detect R peaks. The primary lead is --signal N (0-based) or, by\n"
            "          default, the signal named MLII (else signal 0); with two or more\n"
            "          signals the next other signal is used as a second lead unless\n"
            "          --leads 1. Prints a summary, or with --json the R-peak sample\n"
            "          indices; --out FILE writes them as a WFDB annotation file\n"
            "          (type N) as well.\n"
            "  eval    compare test beats with reference beats beat by beat (EC57 / bxb\n"
            "          rules: 150 ms match window, scoring from 5 min, ventricular\n"
            "          flutter/fibrillation episodes excluded) and print TP, FN, FP,\n"
            "          sensitivity and positive predictivity per record and gross.\n"
            "          --test is an annotator of the record (RECORD.ANNOTATOR) or, when a\n"
            "          file of that name exists, that file; --detect runs the detector.\n\n"
            "examples:\n"
            "  rehabit ecg peaks data/mitdb/101 --json\n"
            "  rehabit ecg peaks data/mitdb/101 --out 101.qrs\n"
            "  rehabit ecg eval data/mitdb/101 --ref atr --test 101.qrs\n"
            "  rehabit ecg eval data/mitdb/1?? --ref atr --detect --json\n");
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int cmd_peaks(int argc, char **argv)
{
    static const struct option opts[] = {
        {"signal", required_argument, NULL, 's'}, {"leads", required_argument, NULL, 'l'},
        {"json", no_argument, NULL, 'j'},         {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    int c, signal = -1, leads = 0;
    bool json = false;
    const char *out_path = NULL;
    while ((c = getopt_long(argc, argv, "hs:l:jo:", opts, NULL)) != -1) {
        switch (c) {
        case 's': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 0 || v > 63)
                return rh_cli_usage_error("ecg peaks", "--signal needs a signal number, not '%s'",
                                          optarg);
            signal = (int)v;
            break;
        }
        case 'l':
            if (strcmp(optarg, "1") && strcmp(optarg, "2"))
                return rh_cli_usage_error("ecg peaks", "--leads is 1 or 2, not '%s'", optarg);
            leads = optarg[0] - '0';
            break;
        case 'j':
            json = true;
            break;
        case 'o':
            out_path = optarg;
            break;
        case 'h':
            usage(stdout);
            return RH_EXIT_OK;
        default:
            return rh_cli_usage_error("ecg peaks", "unknown option");
        }
    }
    if (optind != argc - 1)
        return rh_cli_usage_error("ecg peaks", "give exactly one RECORD");
    const char *record = argv[optind];
    rh_err err;
    rh_err_init(&err);
    rh_wfdb_header h;
    rh_status st = rh_wfdb_header_read(record, &h, &err);
    if (st != RH_OK)
        return rh_cli_fail(&err);
    char dir[512];
    rh_wfdb_record_dir(record, dir, sizeof(dir));
    rh_ecgrec_opts o = {.signal = signal, .nleads = leads};
    rh_ecgrec_result r;
    st = rh_ecgrec_detect_header(&h, dir, &o, &r, &err);
    if (st != RH_OK) {
        rh_wfdb_header_release(&h);
        return rh_cli_fail(&err);
    }
    int rc = RH_EXIT_OK;
    if (out_path) {
        rh_wfdb_annset a;
        rh_wfdb_annset_init(&a);
        for (size_t i = 0; i < r.n && st == RH_OK; i++)
            st = rh_wfdb_annset_add(&a, r.peaks[i], RH_ANN_NORMAL, 0, 0, 0, NULL, &err);
        if (st == RH_OK)
            st = rh_wfdb_ann_write(out_path, &a, &err);
        rh_wfdb_annset_release(&a);
        if (st != RH_OK)
            rc = rh_cli_fail(&err);
    }
    if (rc == RH_EXIT_OK) {
        rh_buf b;
        rh_buf_init(&b, 0);
        double dur = r.fs_hz > 0 ? (double)r.nsamples / r.fs_hz : 0;
        if (json) {
            rh_jw w;
            rh_jw_init(&w, &b, RH_JW_PRETTY);
            rh_jw_obj_begin(&w);
            rh_jw_kstr(&w, "record", record);
            rh_jw_kdouble(&w, "fs_hz", r.fs_hz);
            rh_jw_kint(&w, "signal", r.signal);
            rh_jw_key(&w, "signals");
            rh_jw_arr_begin_inline(&w);
            rh_jw_int(&w, r.signal);
            if (r.signal2 >= 0)
                rh_jw_int(&w, r.signal2);
            rh_jw_arr_end(&w);
            rh_jw_key(&w, "leads");
            rh_jw_arr_begin_inline(&w);
            rh_jw_str(&w, h.sig[r.signal].description);
            if (r.signal2 >= 0)
                rh_jw_str(&w, h.sig[r.signal2].description);
            rh_jw_arr_end(&w);
            rh_jw_kint(&w, "nsamples", r.nsamples);
            rh_jw_kdouble(&w, "duration_s", dur);
            rh_jw_kint(&w, "invalid_samples", r.invalid[0] + r.invalid[1]);
            rh_jw_kint(&w, "beats", (int64_t)r.n);
            rh_jw_key(&w, "peaks");
            rh_jw_arr_begin_inline(&w);
            for (size_t i = 0; i < r.n; i++)
                rh_jw_int(&w, r.peaks[i]);
            rh_jw_arr_end(&w);
            if (out_path)
                rh_jw_kstr(&w, "annotation_file", out_path);
            rh_jw_obj_end(&w);
            st = rh_jw_finish(&w);
        } else {
            rh_buf_printf(&b, "record: %s (%g Hz, %" PRId64 " samples, %.1f s)\n", record, r.fs_hz,
                          r.nsamples, dur);
            rh_buf_printf(&b, "leads: %d (%s)", r.signal, h.sig[r.signal].description);
            if (r.signal2 >= 0)
                rh_buf_printf(&b, ", %d (%s)", r.signal2, h.sig[r.signal2].description);
            rh_buf_printf(&b, "\nbeats: %zu", r.n);
            if (r.n > 1 && r.fs_hz > 0) {
                double span = (double)(r.peaks[r.n - 1] - r.peaks[0]) / r.fs_hz;
                rh_buf_printf(&b, " (mean %.0f /min)",
                              span > 0 ? 60.0 * (double)(r.n - 1) / span : 0);
            }
            rh_buf_printf(&b, "\n");
            if (r.invalid[0] + r.invalid[1])
                rh_buf_printf(&b, "invalid samples: %" PRId64 "\n", r.invalid[0] + r.invalid[1]);
            if (out_path)
                rh_buf_printf(&b, "annotations written to %s\n", out_path);
        }
        if (st != RH_OK) {
            rh_err_init(&err);
            RH_FAIL(&err, st, "cannot build the output");
            rc = rh_cli_fail(&err);
        } else {
            rc = rh_cli_emit(&b);
        }
        rh_buf_release(&b);
    }
    rh_ecgrec_result_release(&r);
    rh_wfdb_header_release(&h);
    return rc;
}

typedef struct eval_row {
    char record[128];
    rh_ec57_result r;
    size_t nspans;
} eval_row;

/* Scores one record; fills row. */
static rh_status eval_record(const char *record, const char *ref_ann, const char *test, bool detect,
                             int leads, eval_row *row, rh_err *err)
{
    rh_wfdb_header h;
    rh_status st = rh_wfdb_header_read(record, &h, err);
    if (st != RH_OK)
        return st;
    snprintf(row->record, sizeof(row->record), "%s", base_name(record));
    char path[1024];
    rh_wfdb_annset ref, tst;
    rh_wfdb_annset_init(&ref);
    rh_wfdb_annset_init(&tst);
    rh_ec57_ref *rb = NULL;
    rh_ec57_span *sp = NULL;
    int64_t *tb = NULL;
    size_t nref = 0, nsp = 0, ntest = 0;
    rh_ecgrec_result det = {0};
    snprintf(path, sizeof(path), "%s.%s", record, ref_ann);
    st = rh_wfdb_ann_read(path, &ref, err);
    if (st == RH_OK)
        st = rh_wfdb_ec57_reference(&ref, &rb, &nref, &sp, &nsp, err);
    if (st == RH_OK && detect) {
        char dir[512];
        rh_wfdb_record_dir(record, dir, sizeof(dir));
        rh_ecgrec_opts o = {.signal = -1, .nleads = leads};
        st = rh_ecgrec_detect_header(&h, dir, &o, &det, err);
        tb = det.peaks;
        ntest = det.n;
    } else if (st == RH_OK) {
        if (file_exists(test))
            snprintf(path, sizeof(path), "%s", test);
        else
            snprintf(path, sizeof(path), "%s.%s", record, test);
        st = rh_wfdb_ann_read(path, &tst, err);
        if (st == RH_OK)
            st = rh_wfdb_ann_qrs_times(&tst, &tb, &ntest, err);
    }
    if (st == RH_OK) {
        rh_ec57_opts eo = {.fs_hz = h.fs_hz, .end_sample = h.nsamples};
        st = rh_ec57_compare(rb, nref, tb, ntest, sp, nsp, &eo, &row->r, err);
        if (st != RH_OK)
            rh_err_at(err, path, 0, 0);
        row->nspans = nsp;
    }
    if (detect)
        rh_ecgrec_result_release(&det);
    else
        rh_free(tb);
    rh_free(rb);
    rh_free(sp);
    rh_wfdb_annset_release(&ref);
    rh_wfdb_annset_release(&tst);
    rh_wfdb_header_release(&h);
    return st;
}

static void json_counts(rh_jw *w, const rh_ec57_result *r)
{
    rh_jw_kint(w, "tp", r->tp);
    rh_jw_kint(w, "fn", r->fn);
    rh_jw_kint(w, "fp", r->fp);
    rh_jw_kdouble(w, "se_pct", r->se_pct);
    rh_jw_kdouble(w, "ppv_pct", r->ppv_pct);
    rh_jw_key(w, "fn_by_class");
    rh_jw_obj_begin(w);
    for (int k = 0; k < RH_EC57_NCLASS; k++) {
        char key[2] = {rh_ec57_class_letter(k), 0};
        rh_jw_kint(w, key, r->fn_by_class[k]);
    }
    rh_jw_obj_end(w);
    rh_jw_kint(w, "test_beats_in_excluded_episodes", r->test_in_excluded);
}

static int cmd_eval(int argc, char **argv)
{
    static const struct option opts[] = {{"ref", required_argument, NULL, 'r'},
                                         {"test", required_argument, NULL, 't'},
                                         {"detect", no_argument, NULL, 'd'},
                                         {"leads", required_argument, NULL, 'l'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c, leads = 0;
    bool json = false, detect = false;
    const char *ref = NULL, *test = NULL;
    while ((c = getopt_long(argc, argv, "hr:t:dl:j", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            ref = optarg;
            break;
        case 't':
            test = optarg;
            break;
        case 'd':
            detect = true;
            break;
        case 'l':
            if (strcmp(optarg, "1") && strcmp(optarg, "2"))
                return rh_cli_usage_error("ecg eval", "--leads is 1 or 2, not '%s'", optarg);
            leads = optarg[0] - '0';
            break;
        case 'j':
            json = true;
            break;
        case 'h':
            usage(stdout);
            return RH_EXIT_OK;
        default:
            return rh_cli_usage_error("ecg eval", "unknown option");
        }
    }
    if (!ref)
        return rh_cli_usage_error("ecg eval", "--ref ANNOTATOR is required");
    if (!test == !detect)
        return rh_cli_usage_error("ecg eval", "give either --test ANNOTATOR|FILE or --detect");
    if (optind >= argc)
        return rh_cli_usage_error("ecg eval", "give at least one RECORD");
    size_t nrec = (size_t)(argc - optind);
    if (test && nrec > 1 && file_exists(test))
        return rh_cli_usage_error("ecg eval", "--test FILE compares one record only");
    eval_row *rows = rh_calloc(nrec, sizeof(*rows));
    rh_err err;
    rh_err_init(&err);
    if (!rows) {
        RH_FAIL(&err, RH_E_NOMEM, "cannot hold %zu records", nrec);
        return rh_cli_fail(&err);
    }
    rh_ec57_result gross;
    memset(&gross, 0, sizeof(gross));
    for (size_t i = 0; i < nrec; i++) {
        rh_status st = eval_record(argv[optind + (int)i], ref, test, detect, leads, &rows[i], &err);
        if (st != RH_OK) {
            rh_free(rows);
            return rh_cli_fail(&err);
        }
        rh_ec57_accumulate(&gross, &rows[i].r);
    }
    rh_buf b;
    rh_buf_init(&b, 0);
    rh_status st = RH_OK;
    if (json) {
        rh_jw w;
        rh_jw_init(&w, &b, RH_JW_PRETTY);
        rh_jw_obj_begin(&w);
        rh_jw_kstr(&w, "reference", ref);
        rh_jw_kstr(&w, "test", detect ? "rehabit detector" : test);
        rh_jw_key(&w, "rules");
        rh_jw_obj_begin(&w);
        rh_jw_kstr(&w, "standard", "ANSI/AAMI EC57 beat-by-beat (bxb rules)");
        rh_jw_kdouble(&w, "match_window_s", 0.15);
        rh_jw_kdouble(&w, "start_s", 300);
        rh_jw_kstr(&w, "excluded", "ventricular flutter/fibrillation episodes ([ to ])");
        rh_jw_obj_end(&w);
        rh_jw_key(&w, "records");
        rh_jw_arr_begin(&w);
        for (size_t i = 0; i < nrec; i++) {
            rh_jw_obj_begin(&w);
            rh_jw_kstr(&w, "record", rows[i].record);
            json_counts(&w, &rows[i].r);
            rh_jw_kint(&w, "excluded_episodes", (int64_t)rows[i].nspans);
            rh_jw_obj_end(&w);
        }
        rh_jw_arr_end(&w);
        rh_jw_key(&w, "gross");
        rh_jw_obj_begin(&w);
        json_counts(&w, &gross);
        rh_jw_obj_end(&w);
        rh_jw_obj_end(&w);
        st = rh_jw_finish(&w);
    } else {
        rh_buf_printf(&b,
                      "EC57 beat-by-beat comparison (150 ms window, from 5:00, VF/VFL "
                      "excluded)\nreference: %s   test: %s\n\n",
                      ref, detect ? "rehabit detector" : test);
        rh_buf_printf(&b, "%-10s %7s %6s %6s %9s %9s\n", "record", "TP", "FN", "FP", "Se %",
                      "+P %");
        for (size_t i = 0; i < nrec; i++) {
            const rh_ec57_result *r = &rows[i].r;
            rh_buf_printf(&b, "%-10s %7" PRId64 " %6" PRId64 " %6" PRId64 " %9.3f %9.3f\n",
                          rows[i].record, r->tp, r->fn, r->fp, r->se_pct, r->ppv_pct);
        }
        if (nrec > 1)
            rh_buf_printf(&b, "%-10s %7" PRId64 " %6" PRId64 " %6" PRId64 " %9.3f %9.3f\n", "gross",
                          gross.tp, gross.fn, gross.fp, gross.se_pct, gross.ppv_pct);
    }
    rh_free(rows);
    int rc;
    if (st != RH_OK) {
        RH_FAIL(&err, st, "cannot build the output");
        rc = rh_cli_fail(&err);
    } else {
        rc = rh_cli_emit(&b);
    }
    rh_buf_release(&b);
    return rc;
}

int rh_cmd_ecg(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? RH_EXIT_USAGE : RH_EXIT_OK;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "peaks") == 0)
        return cmd_peaks(argc - 1, argv + 1);
    if (strcmp(sub, "eval") == 0)
        return cmd_eval(argc - 1, argv + 1);
    return rh_cli_usage_error("ecg", "unknown subcommand '%s' (peaks, eval)", sub);
}

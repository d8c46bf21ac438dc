/* SPDX-License-Identifier: MIT
 *
 * cli/cmd_hrv: `rehabit hrv` - heart-rate variability of an RR text file, of
 * a WFDB record's beat annotations (N-to-N as the PhysioNet HRV toolkit
 * selects them) or of the beats detected in a WFDB record. The JSON field
 * names are a public contract: docs/cli-signal.md.
 */
#include "cli/cli.h"
#include "cli/commands.h"

#include "base/alloc.h"
#include "base/jw.h"
#include "base/num.h"
#include "core/catalog.h"
#include "core/plandata.h"
#include "formats/ecgrec.h"
#include "formats/rrtext.h"
#include "formats/wfdb.h"
#include "signal/hrv.h"
#include "signal/rr.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/banned.h"

/* The DFA alpha1 exercise thresholds are knowledge (data/formulas.json,
 * dfa_alpha1_thresholds, with their evidence and status); the knowledge base
 * is loaded only when windows are asked for, the one place they are used. */
typedef struct a1_limits {
    const rh_dfa_threshold *aerobic, *anaerobic;
    const char *fingerprint;
} a1_limits;

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: rehabit hrv FILE [options]                  RR text (one or two columns,\n"
            "                                                   s or ms; rrlist -s output)\n"
            "       rehabit hrv RECORD --ann ANNOTATOR [options] WFDB beat annotations\n"
            "       rehabit hrv RECORD --detect [--signal N] [--leads 1|2] [options]\n\n"
            "Heart-rate variability of the whole recording: time domain (Task Force 1996,\n"
            "as the PhysioNet HRV toolkit's get_hrv computes it), Lomb-Scargle band powers,\n"
            "Poincare SD1/SD2, sample entropy and DFA alpha1/alpha2 (the last three\n"
            "unverified). Only N-to-N intervals count: with annotations an interval is NN\n"
            "when both its beats are 'N' (the record's first interval never is); RR text\n"
            "without labels and detected beats count every interval.\n\n"
            "options:\n"
            "  --json             JSON output (field names: docs/cli-signal.md)\n"
            "  --window S         also HRV in sliding windows of S seconds (e.g. 300; short\n"
            "                     windows such as 120 for DFA alpha1 during exercise)\n"
            "  --step S           window step in seconds (default: the window length)\n"
            "  --method M         lomb (default) or welch: welch adds a Welch spectrum of\n"
            "                     the 4 Hz cubic-spline resampled series under \"welch\"\n"
            "  --correct          also correct artefacts and ectopic beats (Lipponen &\n"
            "                     Tarvainen 2019) and report HRV of the corrected series\n"
            "                     under \"corrected\"; the top level stays uncorrected\n"
            "  --short            short-term bands (VLF 0-0.04 Hz, no ULF), as get_hrv -s\n"
            "  --exact-times      do not round times to 6 significant digits as get_hrv\n"
            "  --unit s|ms        unit of the RR text (default: detected)\n"
            "  --ann ANNOTATOR    read RECORD.ANNOTATOR (e.g. atr)\n"
            "  --detect           detect the beats in RECORD's signals\n"
            "  --signal N, --leads 1|2   lead choice for --detect (see rehabit ecg)\n"
            "  --data DIR         knowledge base for the DFA alpha1 thresholds of the\n"
            "                     windows (default: the built-in copy)\n\n"
            "examples:\n"
            "  rehabit hrv rest.txt\n"
            "  rehabit hrv data/mitdb/101 --ann atr --json\n"
            "  rehabit hrv data/nsr2db/nsr001 --ann ecg --window 300 --json\n"
            "  rehabit hrv run.txt --window 120 --step 5 --json   # DFA alpha1 during exercise\n"
            "  rehabit hrv data/mitdb/101 --detect --correct --method welch\n");
}

typedef struct input {
    const char *path;
    const char *kind; /* "rr_text", "annotations", "detected_beats" */
    const char *annotator;
    double fs_hz;
    rh_rrtext_info text;
    int signal, signal2;
    size_t beats;
} input;

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static rh_status load_annotations(const char *record, const char *ann, rh_rr_series *s, input *in,
                                  rh_err *err)
{
    rh_wfdb_header h;
    rh_status st = rh_wfdb_header_read(record, &h, err);
    if (st != RH_OK)
        return st;
    in->fs_hz = h.fs_hz;
    rh_wfdb_header_release(&h);
    char path[1024];
    int n = snprintf(path, sizeof(path), "%s.%s", record, ann);
    if (n < 0 || (size_t)n >= sizeof(path))
        return RH_FAIL(err, RH_E_INVALID, "record path is too long");
    rh_wfdb_annset a;
    rh_wfdb_annset_init(&a);
    int64_t *t = NULL;
    char *lab = NULL;
    size_t nb = 0;
    st = rh_wfdb_ann_read(path, &a, err);
    if (st == RH_OK)
        st = rh_wfdb_ann_qrs_labels(&a, &t, &lab, &nb, err);
    if (st == RH_OK)
        st = rh_rr_from_labelled_beats(t, lab, nb, in->fs_hz, s, err);
    if (st != RH_OK)
        rh_err_at(err, path, 0, 0);
    in->beats = nb;
    rh_free(t);
    rh_free(lab);
    rh_wfdb_annset_release(&a);
    return st;
}

static rh_status load_detected(const char *record, int signal, int leads, rh_rr_series *s,
                               input *in, rh_err *err)
{
    rh_ecgrec_opts o = {.signal = signal, .nleads = leads};
    rh_ecgrec_result r;
    rh_status st = rh_ecgrec_detect(record, &o, &r, err);
    if (st != RH_OK)
        return st;
    in->fs_hz = r.fs_hz;
    in->signal = r.signal;
    in->signal2 = r.signal2;
    in->beats = r.n;
    st = rh_rr_from_beats(r.peaks, r.n, r.fs_hz, s, err);
    rh_ecgrec_result_release(&r);
    return st;
}

static const char *a1_zone(const a1_limits *lim, double a1)
{
    if (isnan(a1))
        return NULL;
    if (a1 > lim->aerobic->alpha1)
        return "below_aerobic_threshold";
    if (a1 > lim->anaerobic->alpha1)
        return "between_thresholds";
    return "above_anaerobic_threshold";
}

static void put_freq(rh_jw *w, const rh_hrv_freq *f)
{
    rh_jw_kdouble(w, "total_ms2", f->total_ms2);
    rh_jw_kdouble(w, "ulf_ms2", f->ulf_ms2); /* null with short-term bands */
    rh_jw_kdouble(w, "vlf_ms2", f->vlf_ms2);
    rh_jw_kdouble(w, "lf_ms2", f->lf_ms2);
    rh_jw_kdouble(w, "hf_ms2", f->hf_ms2);
    rh_jw_kdouble(w, "lf_hf", f->lf_hf);
    rh_jw_kdouble(w, "lf_nu", f->lf_nu);
    rh_jw_kdouble(w, "hf_nu", f->hf_nu);
}

/* The metric members shared by the top level, windows and the corrected
 * series. */
static void put_metrics(rh_jw *w, const rh_hrv_result *r, const a1_limits *zone)
{
    rh_jw_kint(w, "n_rr", (int64_t)r->n_rr);
    rh_jw_kint(w, "n_nn", (int64_t)r->n_nn);
    rh_jw_kdouble(w, "nn_rr", r->nn_rr);
    rh_jw_kint(w, "n_diff", (int64_t)r->n_diff);
    rh_jw_kdouble(w, "duration_s", r->duration_s);
    rh_jw_kdouble(w, "mean_nn_ms", r->mean_nn_ms);
    rh_jw_kdouble(w, "hr_bpm", r->hr_bpm);
    rh_jw_kdouble(w, "sdnn_ms", r->sdnn_ms);
    rh_jw_kdouble(w, "sdann_ms", r->sdann_ms);
    rh_jw_kdouble(w, "sdnn_index_ms", r->sdnn_index_ms);
    rh_jw_kint(w, "n_segments", (int64_t)r->n_segments);
    rh_jw_kdouble(w, "rmssd_ms", r->rmssd_ms);
    rh_jw_kdouble(w, "sdsd_ms", r->sdsd_ms);
    rh_jw_kint(w, "nn50", (int64_t)r->nn50);
    rh_jw_kdouble(w, "pnn50_pct", r->pnn50_pct);
    rh_jw_kdouble(w, "pnn50_tf_pct", r->pnn50_tf_pct);
    rh_jw_kstr(w, "method", "lomb");
    put_freq(w, &r->lomb);
    rh_jw_kdouble(w, "sd1_ms", r->sd1_ms);
    rh_jw_kdouble(w, "sd2_ms", r->sd2_ms);
    rh_jw_kdouble(w, "sampen", r->sampen);
    if (r->sampen_skipped)
        rh_jw_kstr(w, "sampen_note", "not computed above 20000 NN intervals: see the windows");
    rh_jw_kdouble(w, "dfa_alpha1", r->dfa_alpha1);
    rh_jw_kdouble(w, "dfa_alpha2", r->dfa_alpha2);
    if (zone)
        rh_jw_kstr(w, "dfa_alpha1_zone", a1_zone(zone, r->dfa_alpha1));
    if (r->have_welch) {
        rh_jw_key(w, "welch");
        rh_jw_obj_begin(w);
        put_freq(w, &r->welch);
        rh_jw_kint(w, "segments", (int64_t)r->welch.segments);
        rh_jw_obj_end(w);
    }
}

static void put_band(rh_jw *w, const char *k, double lo, double hi)
{
    rh_jw_key(w, k);
    rh_jw_arr_begin_inline(w);
    rh_jw_double(w, lo);
    rh_jw_double(w, hi);
    rh_jw_arr_end(w);
}

static void put_threshold(rh_jw *w, const char *key, const rh_dfa_threshold *t)
{
    rh_jw_key(w, key);
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "id", t->id);
    rh_jw_kdouble(w, "alpha1", t->alpha1);
    rh_jw_kstr(w, "status", t->status);
    rh_jw_kstr(w, "note", t->note);
    rh_jw_kstrs(w, "evidence", t->evidence, t->n_evidence);
    rh_jw_obj_end(w);
}

static void put_parameters(rh_jw *w, const rh_hrv_opts *o, const rh_hrv_result *r, double window_s,
                           double step_s, const a1_limits *lim)
{
    rh_jw_key(w, "parameters");
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "nn",
               "an interval counts when both its beats are 'N' (unlabelled input: "
               "every interval)");
    rh_jw_kstr(w, "times",
               o->toolkit_times ? "relative to the first interval, 6 significant "
                                  "digits (as get_hrv)"
                                : "exact");
    rh_jw_kdouble(w, "segment_s", o->segment_s);
    rh_jw_kdouble(w, "pnn_threshold_ms", o->pnn_ms);
    rh_jw_kstr(w, "pnn50_pct", "NN50 / successive NN differences (get_hrv)");
    rh_jw_kstr(w, "pnn50_tf_pct", "NN50 / NN intervals (Task Force wording)");
    rh_jw_kstr(w, "sd", "n - 1");
    rh_jw_key(w, "lomb");
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "method", "Lomb-Scargle as WFDB lomb (Press-Rybicki, NUFFT sums)");
    rh_jw_kint(w, "oversampling", 4);
    rh_jw_kstr(w, "highest_bin", "twice the mean Nyquist frequency");
    rh_jw_kstr(w, "normalisation", "bins sum to the variance");
    rh_jw_kdouble(w, "df_hz", r->lomb.df_hz);
    rh_jw_kstr(w, "band_edges", "lo <= f <= hi (get_hrv pwr)");
    rh_jw_obj_end(w);
    rh_jw_key(w, "bands_hz");
    rh_jw_obj_begin(w);
    if (!o->short_term)
        put_band(w, "ulf", 0, 0.0033);
    put_band(w, "vlf", o->short_term ? 0 : 0.0033, 0.04);
    put_band(w, "lf", 0.04, 0.15);
    put_band(w, "hf", 0.15, 0.4);
    put_band(w, "total", 0, 0.4);
    rh_jw_obj_end(w);
    rh_jw_kstr(w, "lf_nu", "100 LF / (LF + HF)");
    if (o->welch) {
        rh_jw_key(w, "welch");
        rh_jw_obj_begin(w);
        rh_jw_kdouble(w, "resample_hz", o->welch_opts.fs_hz);
        rh_jw_kstr(w, "interpolation", "natural cubic spline through the NN intervals");
        rh_jw_kdouble(w, "segment_s", o->welch_opts.segment_s);
        rh_jw_kdouble(w, "overlap", o->welch_opts.overlap);
        rh_jw_kstr(w, "window", "Hann (periodic)");
        rh_jw_kstr(w, "detrend", "least-squares line per segment");
        rh_jw_kstr(w, "band_edges", "lo <= f < hi");
        rh_jw_kdouble(w, "df_hz", r->welch.df_hz);
        rh_jw_obj_end(w);
    }
    rh_jw_kstr(w, "poincare",
               "SD of (x[i+1]-x[i])/sqrt2 and (x[i+1]+x[i])/sqrt2 over adjacent "
               "NN pairs (Brennan et al. 2001)");
    rh_jw_key(w, "sampen");
    rh_jw_obj_begin(w);
    rh_jw_kint(w, "m", 2);
    rh_jw_kstr(w, "r", "0.2 x SDNN");
    rh_jw_kint(w, "max_nn", (int64_t)o->sampen_max_n);
    rh_jw_kstr(w, "source", "Richman & Moorman 2000");
    rh_jw_obj_end(w);
    rh_jw_key(w, "dfa");
    rh_jw_obj_begin(w);
    put_band(w, "alpha1_beats", 4, 16);
    put_band(w, "alpha2_beats", 16, 64);
    rh_jw_kstr(w, "boxes", "non-overlapping from the start, linear detrend (Peng et al. 1995)");
    if (lim) {
        put_threshold(w, "alpha1_aerobic_threshold", lim->aerobic);
        put_threshold(w, "alpha1_anaerobic_threshold", lim->anaerobic);
        rh_jw_kstr(w, "zones",
                   "alpha1 > aerobic: below_aerobic_threshold; > anaerobic: between_thresholds; "
                   "otherwise above_anaerobic_threshold. Only for windows recorded during "
                   "exercise: at rest the zone means nothing");
    }
    rh_jw_obj_end(w);
    if (window_s > 0) {
        rh_jw_kdouble(w, "window_s", window_s);
        rh_jw_kdouble(w, "step_s", step_s > 0 ? step_s : window_s);
        rh_jw_kstr(w, "window_bands", "short-term (VLF 0-0.04 Hz)");
    }
    rh_jw_key(w, "unverified");
    rh_jw_arr_begin_inline(w);
    rh_jw_str(w, "sd1_ms");
    rh_jw_str(w, "sd2_ms");
    rh_jw_str(w, "sampen");
    rh_jw_str(w, "dfa_alpha1");
    rh_jw_str(w, "dfa_alpha2");
    rh_jw_str(w, "dfa_alpha1_zone");
    rh_jw_arr_end(w);
    if (lim)
        rh_jw_kstr(w, "catalog_fingerprint", lim->fingerprint);
    rh_jw_obj_end(w);
}

/* Loads the thresholds the windows are classified by. */
static rh_status load_limits(const char *data_dir, rh_catalog **cat, a1_limits *lim, rh_err *err)
{
    rh_status st = rh_catalog_load_default(data_dir, cat, err);
    if (st != RH_OK)
        return st;
    lim->aerobic = rh_dfa_threshold_find(*cat, "aerobic_threshold");
    lim->anaerobic = rh_dfa_threshold_find(*cat, "anaerobic_threshold");
    lim->fingerprint = rh_catalog_fingerprint(*cat);
    if (!lim->aerobic || !lim->anaerobic)
        return RH_FAIL(err, RH_E_INVALID,
                       "the knowledge base has no dfa_alpha1_thresholds (data/formulas.json)");
    return RH_OK;
}

/* One line per window for people; the JSON has every metric. */
static void text_windows(rh_buf *b, const rh_hrv_window *win, size_t nwin, const a1_limits *lim)
{
    rh_buf_printf(b, "%10s %10s %6s %8s %8s %8s %8s  %s\n", "start_s", "end_s", "HR", "SDNN",
                  "RMSSD", "LF/HF", "DFA a1", "DFA a1 zone (unverified estimate)");
    for (size_t i = 0; i < nwin; i++) {
        const rh_hrv_result *r = &win[i].r;
        char v[5][32];
        const double x[6] = {r->hr_bpm,     r->sdnn_ms,    r->rmssd_ms,
                             r->lomb.lf_hf, r->dfa_alpha1, RH_NAN};
        for (int k = 0; k < 5; k++) {
            if (isnan(x[k]))
                snprintf(v[k], sizeof(v[k]), "-");
            else
                snprintf(v[k], sizeof(v[k]), k == 3 || k == 4 ? "%.2f" : "%.1f", x[k]);
        }
        const char *z = a1_zone(lim, r->dfa_alpha1);
        rh_buf_printf(b, "%10.1f %10.1f %6s %8s %8s %8s %8s  %s\n", win[i].start_s, win[i].end_s,
                      v[0], v[1], v[2], v[3], v[4], z ? z : "-");
    }
    rh_buf_printf(b,
                  "DFA a1 zones: above %g below the aerobic threshold (%s, %s), at or below %g "
                  "above the anaerobic threshold (%s, %s); they mean something only for windows "
                  "recorded during exercise, not at rest\n",
                  lim->aerobic->alpha1, lim->aerobic->id, lim->aerobic->status,
                  lim->anaerobic->alpha1, lim->anaerobic->id, lim->anaerobic->status);
}

static void put_input(rh_jw *w, const input *in, const rh_rr_series *s)
{
    rh_jw_key(w, "input");
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "kind", in->kind);
    rh_jw_kstr(w, "source", in->path);
    if (in->annotator)
        rh_jw_kstr(w, "annotator", in->annotator);
    if (in->fs_hz > 0)
        rh_jw_kdouble(w, "fs_hz", in->fs_hz);
    if (strcmp(in->kind, "rr_text") == 0) {
        rh_jw_kstr(w, "rr_unit", rh_rr_unit_name(in->text.unit));
        rh_jw_kstr(w, "rr_unit_from", rh_rr_unit_source_name(in->text.source));
        rh_jw_kbool(w, "time_column", in->text.has_time);
        rh_jw_kint(w, "header_lines", (int64_t)in->text.header_lines);
    } else {
        rh_jw_kint(w, "beats", (int64_t)in->beats);
    }
    if (strcmp(in->kind, "detected_beats") == 0) {
        rh_jw_kint(w, "signal", in->signal);
        if (in->signal2 >= 0)
            rh_jw_kint(w, "signal2", in->signal2);
    }
    rh_jw_kbool(w, "labelled", s->labelled);
    rh_jw_obj_end(w);
}

static void text_metrics(rh_buf *b, const rh_hrv_result *r, bool short_term)
{
    char v[40];
#define P(label, val, unit)                                                                      \
    do {                                                                                         \
        rh_fmt_double(round((val)*1e4) / 1e4, v, sizeof(v));                                     \
        rh_buf_printf(b, "  %-14s %s%s\n", label, isnan(val) ? "-" : v, isnan(val) ? "" : unit); \
    } while (0)
    rh_buf_printf(b, "  intervals      %zu (%zu NN, %zu successive NN differences)\n", r->n_rr,
                  r->n_nn, r->n_diff);
    P("mean NN", r->mean_nn_ms, " ms");
    P("HR", r->hr_bpm, " /min");
    P("SDNN", r->sdnn_ms, " ms");
    P("SDANN", r->sdann_ms, " ms");
    P("SDNN index", r->sdnn_index_ms, " ms");
    P("RMSSD", r->rmssd_ms, " ms");
    P("pNN50", r->pnn50_pct, " %");
    if (!short_term)
        P("ULF", r->lomb.ulf_ms2, " ms2");
    P("VLF", r->lomb.vlf_ms2, " ms2");
    P("LF", r->lomb.lf_ms2, " ms2");
    P("HF", r->lomb.hf_ms2, " ms2");
    P("LF/HF", r->lomb.lf_hf, "");
    P("SD1", r->sd1_ms, " ms (unverified)");
    P("SD2", r->sd2_ms, " ms (unverified)");
    if (r->sampen_skipped)
        rh_buf_printf(b, "  %-14s - (not computed over more than %d NN: O(n^2); use --window)\n",
                      "SampEn", RH_HRV_SAMPEN_MAX_N);
    else
        P("SampEn", r->sampen, " (unverified)");
    P("DFA alpha1", r->dfa_alpha1, " (unverified)");
    P("DFA alpha2", r->dfa_alpha2, " (unverified)");
    if (r->have_welch) {
        P("Welch LF", r->welch.lf_ms2, " ms2");
        P("Welch HF", r->welch.hf_ms2, " ms2");
    }
#undef P
}

int rh_cmd_hrv(int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                         {"window", required_argument, NULL, 'w'},
                                         {"step", required_argument, NULL, 's'},
                                         {"method", required_argument, NULL, 'm'},
                                         {"correct", no_argument, NULL, 'c'},
                                         {"short", no_argument, NULL, 'S'},
                                         {"exact-times", no_argument, NULL, 'x'},
                                         {"unit", required_argument, NULL, 'u'},
                                         {"ann", required_argument, NULL, 'a'},
                                         {"detect", no_argument, NULL, 'd'},
                                         {"signal", required_argument, NULL, 'g'},
                                         {"leads", required_argument, NULL, 'l'},
                                         {"data", required_argument, NULL, 'D'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    bool json = false, correct = false, detect = false;
    double window_s = 0, step_s = 0;
    const char *ann = NULL, *data_dir = NULL;
    int signal = -1, leads = 0;
    rh_hrv_opts o = {.toolkit_times = true};
    rh_rrtext_opts to = {0};
    int c;
    while ((c = getopt_long(argc, argv, "hjw:s:m:cSxu:a:dg:l:D:", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'j':
            json = true;
            break;
        case 'w':
            window_s = strtod(optarg, &end);
            if (*end || !(window_s > 0) || window_s > 86400 * 30)
                return rh_cli_usage_error("hrv", "--window needs seconds, not '%s'", optarg);
            break;
        case 's':
            step_s = strtod(optarg, &end);
            if (*end || !(step_s > 0) || step_s > 86400 * 30)
                return rh_cli_usage_error("hrv", "--step needs seconds, not '%s'", optarg);
            break;
        case 'm':
            if (strcmp(optarg, "welch") == 0)
                o.welch = true;
            else if (strcmp(optarg, "lomb") != 0)
                return rh_cli_usage_error("hrv", "--method is lomb or welch, not '%s'", optarg);
            break;
        case 'c':
            correct = true;
            break;
        case 'S':
            o.short_term = true;
            break;
        case 'x':
            o.toolkit_times = false;
            break;
        case 'u':
            if (strcmp(optarg, "s") == 0)
                to.unit = RH_RR_UNIT_S;
            else if (strcmp(optarg, "ms") == 0)
                to.unit = RH_RR_UNIT_MS;
            else
                return rh_cli_usage_error("hrv", "--unit is s or ms, not '%s'", optarg);
            break;
        case 'a':
            ann = optarg;
            break;
        case 'd':
            detect = true;
            break;
        case 'g':
            signal = (int)strtol(optarg, &end, 10);
            if (*end || signal < 0 || signal > 63)
                return rh_cli_usage_error("hrv", "--signal needs a signal number, not '%s'",
                                          optarg);
            break;
        case 'l':
            if (strcmp(optarg, "1") && strcmp(optarg, "2"))
                return rh_cli_usage_error("hrv", "--leads is 1 or 2, not '%s'", optarg);
            leads = optarg[0] - '0';
            break;
        case 'D':
            data_dir = optarg;
            break;
        case 'h':
            usage(stdout);
            return RH_EXIT_OK;
        default:
            return rh_cli_usage_error("hrv", "unknown option");
        }
    }
    if (optind != argc - 1)
        return rh_cli_usage_error("hrv", "give exactly one FILE or RECORD");
    if (ann && detect)
        return rh_cli_usage_error("hrv", "--ann and --detect exclude each other");
    if (step_s > 0 && window_s == 0)
        return rh_cli_usage_error("hrv", "--step needs --window");
    rh_hrv_opts_resolve(&o);
    input in = {.path = argv[optind], .signal = -1, .signal2 = -1};
    rh_err err;
    rh_err_init(&err);
    rh_rr_series s;
    rh_rr_init(&s);
    rh_status st;
    if (ann) {
        in.kind = "annotations";
        in.annotator = ann;
        st = load_annotations(in.path, ann, &s, &in, &err);
    } else if (detect) {
        in.kind = "detected_beats";
        st = load_detected(in.path, signal, leads, &s, &in, &err);
    } else {
        in.kind = "rr_text";
        char hea[1024];
        snprintf(hea, sizeof(hea), "%s.hea", in.path);
        if (!file_exists(in.path) && file_exists(hea))
            return rh_cli_usage_error("hrv",
                                      "'%s' is a WFDB record: add --ann ANNOTATOR or "
                                      "--detect",
                                      in.path);
        st = rh_rrtext_read(in.path, &to, &s, &in.text, &err);
    }
    rh_catalog *cat = NULL;
    a1_limits lim = {0};
    if (st == RH_OK && window_s > 0)
        st = load_limits(data_dir, &cat, &lim, &err);
    if (st != RH_OK) {
        rh_catalog_destroy(cat);
        rh_rr_release(&s);
        return rh_cli_fail(&err);
    }

    rh_hrv_result top;
    rh_hrv_window *win = NULL;
    size_t nwin = 0;
    rh_rr_series cs;
    rh_rr_init(&cs);
    rh_rr_correction rep;
    memset(&rep, 0, sizeof(rep));
    rh_hrv_result cres;
    rh_hrv_opts wo = o;
    wo.short_term = true;
    st = rh_hrv_compute(&s, 0, s.n, &o, &top, &err);
    if (st == RH_OK && window_s > 0)
        st = rh_hrv_windows(&s, window_s, step_s, &wo, &win, &nwin, &err);
    if (st == RH_OK && correct) {
        st = rh_rr_correct(&s, &cs, &rep, &err);
        if (st == RH_OK)
            st = rh_hrv_compute(&cs, 0, cs.n, &o, &cres, &err);
    }
    rh_buf b;
    rh_buf_init(&b, 0);
    if (st == RH_OK && json) {
        rh_jw w;
        rh_jw_init(&w, &b, RH_JW_PRETTY);
        rh_jw_obj_begin(&w);
        put_input(&w, &in, &s);
        put_metrics(&w, &top, NULL);
        put_parameters(&w, &o, &top, window_s, step_s, cat ? &lim : NULL);
        if (window_s > 0) {
            rh_jw_key(&w, "windows");
            rh_jw_arr_begin(&w);
            for (size_t i = 0; i < nwin; i++) {
                rh_jw_obj_begin(&w);
                rh_jw_kdouble(&w, "start_s", win[i].start_s);
                rh_jw_kdouble(&w, "end_s", win[i].end_s);
                put_metrics(&w, &win[i].r, &lim);
                rh_jw_obj_end(&w);
            }
            rh_jw_arr_end(&w);
        }
        if (correct) {
            rh_jw_key(&w, "corrected");
            rh_jw_obj_begin(&w);
            rh_jw_kstr(&w, "method",
                       "Lipponen & Tarvainen 2019 (alpha 5.2, c1 0.13, c2 0.17, "
                       "91-beat quartile windows, 11-beat median)");
            rh_jw_kint(&w, "beats", (int64_t)rep.beats);
            rh_jw_kint(&w, "corrected_beats", (int64_t)rep.distinct);
            rh_jw_kdouble(&w, "corrected_pct", rep.corrected_pct);
            rh_jw_kint(&w, "ectopic", (int64_t)rep.ectopic);
            rh_jw_kint(&w, "missed", (int64_t)rep.missed);
            rh_jw_kint(&w, "extra", (int64_t)rep.extra);
            rh_jw_kint(&w, "long_short", (int64_t)rep.longshort);
            rh_jw_kint(&w, "rounds", rep.rounds);
            rh_jw_kstr(&w, "labels", "dropped: every corrected interval counts as NN");
            rh_jw_key(&w, "fixes");
            rh_jw_arr_begin(&w);
            for (size_t i = 0; i < rep.n_fixes; i++) {
                rh_jw_obj_begin(&w);
                rh_jw_kdouble(&w, "t_s", rep.fixes[i].t_s);
                rh_jw_kstr(&w, "kind", rh_rr_artefact_name(rep.fixes[i].kind));
                rh_jw_kint(&w, "round", rep.fixes[i].round);
                rh_jw_kint(&w, "interval", (int64_t)rep.fixes[i].index);
                rh_jw_obj_end(&w);
            }
            rh_jw_arr_end(&w);
            rh_jw_key(&w, "hrv");
            rh_jw_obj_begin(&w);
            put_metrics(&w, &cres, NULL);
            rh_jw_obj_end(&w);
            rh_jw_obj_end(&w);
        }
        rh_jw_obj_end(&w);
        st = rh_jw_finish(&w);
        if (st != RH_OK)
            RH_FAIL(&err, st, "cannot build the output");
    } else if (st == RH_OK) {
        rh_buf_printf(&b, "%s (%s", in.path, in.kind);
        if (in.annotator)
            rh_buf_printf(&b, " '%s'", in.annotator);
        if (strcmp(in.kind, "rr_text") == 0)
            rh_buf_printf(&b, ", RR in %s from the %s", rh_rr_unit_name(in.text.unit),
                          rh_rr_unit_source_name(in.text.source));
        rh_buf_printf(&b, ")\nwhole recording (Lomb spectrum%s):\n",
                      o.toolkit_times ? ", get_hrv times" : "");
        text_metrics(&b, &top, o.short_term);
        if (window_s > 0) {
            rh_buf_printf(&b, "%zu windows of %g s, step %g s (short-term bands):\n", nwin,
                          window_s, step_s > 0 ? step_s : window_s);
            text_windows(&b, win, nwin, &lim);
        }
        if (correct) {
            rh_buf_printf(&b,
                          "corrected (Lipponen & Tarvainen): %zu of %zu beats (%.2f %%): %zu "
                          "ectopic, %zu missed, %zu extra, %zu long/short\n",
                          rep.distinct, rep.beats, rep.corrected_pct, rep.ectopic, rep.missed,
                          rep.extra, rep.longshort);
            text_metrics(&b, &cres, o.short_term);
        }
    }
    int rc = st == RH_OK ? rh_cli_emit(&b) : rh_cli_fail(&err);
    rh_buf_release(&b);
    rh_free(win);
    rh_rr_correction_release(&rep);
    rh_rr_release(&cs);
    rh_rr_release(&s);
    rh_catalog_destroy(cat);
    return rc;
}

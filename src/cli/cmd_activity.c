/* SPDX-License-Identifier: MIT
 *
 * cli/cmd_activity: `rehabit activity show|check|zones` over wearable files
 * (FIT, TCX, GPX, CSV). Output formats are a public contract:
 * docs/cli-activity.md.
 */
#include "cli/cli.h"
#include "cli/commands.h"

#include "base/jw.h"
#include "base/num.h"
#include "core/planzones.h"
#include "formats/wearable.h"
#include "signal/activity.h"

#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

static void usage(FILE *fp)
{
    fprintf(fp, "usage: rehabit activity show FILE [--json|--csv|--summary] [--salvage]\n"
                "       rehabit activity check [--salvage] FILE...\n"
                "       rehabit activity zones FILE (--prescription PLAN.json | --zone LO-HI) "
                "[--json] [--salvage]\n\n"
                "Reads FIT, TCX, GPX and CSV heart-rate files (the format is decided from the\n"
                "bytes, not the name) into one activity model.\n\n"
                "  show     --summary (default) a few lines for people; --json the whole model\n"
                "           (samples, 1 Hz HR series, rr_ms, sessions, laps, devices, counts);\n"
                "           --csv one row per record/trackpoint in file order:\n"
                "           timestamp,heart_rate,time_base,distance_m,speed_m_s,altitude_m,\n"
                "           cadence_rpm,power_w,latitude_deg,longitude_deg\n"
                "  check    one line per file: 'FILE: ok', 'FILE: partial: REASON' (with\n"
                "           --salvage) or 'FILE: refused: CLASS ...'; exit 0 only when all ok\n"
                "  zones    time below, in and above the heart-rate zone(s) of the active\n"
                "           aerobic components of a plan, or of --zone LO-HI (bpm)\n\n"
                "  --salvage  keep the valid prefix of a damaged FIT file (marked partial)\n\n"
                "Damaged FIT files are refused with a class: NOT_FIT, TRUNCATED,\n"
                "HEADER_CRC_MISMATCH, FILE_CRC_MISMATCH, UNDEFINED_LOCAL_MESSAGE,\n"
                "MESSAGE_OVERRUN, BAD_DEFINITION, plus the byte offset and what was readable.\n\n"
                "examples:\n"
                "  rehabit activity show ride.fit\n"
                "  rehabit activity show ride.fit --csv > ride.csv\n"
                "  rehabit activity show --json --salvage upload.fit\n"
                "  rehabit activity check *.fit *.tcx\n"
                "  rehabit activity zones ride.fit --prescription plan.json\n"
                "  rehabit activity zones run.gpx --zone 110-130 --json\n");
}

static int read_activity(const char *path, bool salvage, bool hash, rh_activity *act, rh_err *err)
{
    rh_wearable_opts o = {.salvage = salvage, .hash = hash};
    rh_activity_init(act, RH_ACTIVITY_FIT);
    rh_status st = rh_wearable_read(path, &o, act, NULL, NULL, err);
    return st == RH_OK ? 0 : rh_cli_exit_code(st);
}

static void fmt_time(char *out, size_t cap, bool has, int64_t t_ms, uint8_t tb)
{
    if (!has || tb == RH_TIME_NONE) {
        snprintf(out, cap, "unknown");
    } else if (tb == RH_TIME_ELAPSED) {
        snprintf(out, cap, "%.3f s from the start", (double)t_ms / 1000.0);
    } else {
        rh_activity_format_time(t_ms, out, cap);
        if (tb == RH_TIME_SYSTEM) {
            size_t n = strlen(out);
            snprintf(out + n, cap - n, " (device system time, not a calendar time)");
        }
    }
}

static void put_opt(rh_buf *b, const char *label, double v, const char *unit)
{
    if (isnan(v)) {
        rh_buf_printf(b, "%s: -", label);
    } else {
        char t[40];
        rh_fmt_double(v, t, sizeof(t));
        rh_buf_printf(b, "%s: %s%s", label, t, unit);
    }
}

static void summary(const rh_activity *a, const rh_activity_metrics *m, rh_buf *b)
{
    char t[96];
    rh_buf_printf(b, "file: %s (%s, %" PRIu64 " bytes", a->source,
                  rh_activity_format_name(a->format), a->size_bytes);
    if (a->format == RH_ACTIVITY_FIT)
        rh_buf_printf(b, ", %u segment%s", a->segments, a->segments == 1 ? "" : "s");
    rh_buf_printf(b, ")\n");
    if (a->sha256[0])
        rh_buf_printf(b, "sha256: %s\n", a->sha256);
    if (a->partial)
        rh_buf_printf(b, "status: PARTIAL: %s\n", a->problem);
    else
        rh_buf_printf(b, "status: ok\n");
    if (a->warnings)
        rh_buf_printf(b, "warnings: %zu values could not be read (first: %s)\n", a->warnings,
                      a->first_warning);
    rh_buf_printf(b, "sport: %s", a->sport_name[0] ? a->sport_name : "unknown");
    const char *sub = rh_fit_sub_sport_name(a->sub_sport);
    if (sub && a->sub_sport > 0)
        rh_buf_printf(b, " (%s)", sub);
    rh_buf_printf(b, "\n");
    fmt_time(t, sizeof(t), a->has_start, a->start_ms, a->start_time_base);
    rh_buf_printf(b, "start: %s", t);
    if (a->has_local_offset)
        rh_buf_printf(b, " (local time UTC%+d:%02d)", a->local_offset_s / 3600,
                      abs(a->local_offset_s % 3600) / 60);
    rh_buf_printf(b, "\n");
    put_opt(b, "duration", a->duration_s, " s");
    rh_buf_printf(b, " (first to last timed sample)\n");
    size_t with_hr = 0;
    for (size_t i = 0; i < a->npoints; i++)
        if (a->points[i].hr_bpm > 0) /* 0 is the strap's "no contact" */
            with_hr++;
    rh_buf_printf(b, "samples: %zu (%zu with a heart rate above 0)\n", a->npoints, with_hr);
    if (m->hr_seconds > 0) {
        rh_buf_printf(b, "heart rate: average %.1f bpm, max %g bpm over %g s with a value\n",
                      m->avg_hr_bpm, m->max_hr_bpm, m->covered_s);
    } else {
        rh_buf_printf(b, "heart rate: no values\n");
    }
    if (a->nbeats)
        rh_buf_printf(b, "hr messages: %zu beats from a chest strap merged into the 1 Hz series\n",
                      a->nbeats);
    rh_buf_printf(b, "RR intervals: %zu\n", a->nrr);
    if (m->have_hrv)
        rh_buf_printf(
            b,
            "HRV (after correcting %zu beat%s, %.1f %%%s): mean NN %.1f ms, SDNN %.1f ms, "
            "RMSSD %.1f ms (uncorrected %.1f ms)\n",
            m->rr_artefacts, m->rr_artefacts == 1 ? "" : "s", m->rr_artefact_pct,
            m->rr_artefact_pct > 5.0 ? ", too many: values unreliable" : "", m->hrv.mean_nn_ms,
            m->hrv.sdnn_ms, m->hrv.rmssd_ms, m->uncorrected_rmssd_ms);
    rh_buf_printf(b, "sessions: %zu, laps: %zu, devices: %zu\n", a->nsessions, a->nlaps,
                  a->ndevices);
    for (size_t i = 0; i < a->nsessions; i++) {
        const rh_activity_summary *s = &a->sessions[i];
        fmt_time(t, sizeof(t), s->has_start, s->start_ms, s->start_time_base);
        rh_buf_printf(b, "  session %zu: %s, start %s, ", i + 1,
                      s->sport_name[0] ? s->sport_name : "unknown sport", t);
        put_opt(b, "elapsed", s->total_elapsed_s, " s");
        rh_buf_puts(b, ", ");
        put_opt(b, "avg HR", s->avg_hr_bpm, " bpm");
        rh_buf_puts(b, ", ");
        put_opt(b, "max HR", s->max_hr_bpm, " bpm");
        rh_buf_puts(b, "\n");
    }
}

static int cmd_show(int argc, char **argv)
{
    enum { OUT_SUMMARY, OUT_JSON, OUT_CSV } mode = OUT_SUMMARY;
    bool salvage = false;
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},    {"csv", no_argument, NULL, 'c'},
        {"summary", no_argument, NULL, 's'}, {"salvage", no_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},    {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            mode = OUT_JSON;
            break;
        case 'c':
            mode = OUT_CSV;
            break;
        case 's':
            mode = OUT_SUMMARY;
            break;
        case 'S':
            salvage = true;
            break;
        case 'h':
            usage(stdout);
            return RH_EXIT_OK;
        default:
            return rh_cli_usage_error("activity show", "unknown option");
        }
    }
    if (optind + 1 != argc)
        return rh_cli_usage_error("activity show", "expected exactly one FILE");
    rh_err err;
    rh_err_init(&err);
    rh_activity act;
    int rc = read_activity(argv[optind], salvage, mode != OUT_CSV, &act, &err);
    if (rc != 0)
        return rh_cli_fail(&err);
    rh_buf out;
    rh_buf_init(&out, 0);
    rh_activity_metrics m;
    rh_status st = rh_activity_compute_metrics(&act, RH_NAN, RH_NAN, &m, &err);
    if (st == RH_OK) {
        if (mode == OUT_CSV) {
            st = rh_activity_write_csv(&act, &out, &err);
        } else if (mode == OUT_JSON) {
            rh_jw w;
            rh_jw_init(&w, &out, RH_JW_PRETTY);
            rh_activity_write_json(&act, &m, &w);
            st = rh_jw_finish(&w);
            if (st != RH_OK)
                RH_FAIL(&err, st, "cannot build the JSON output");
        } else {
            summary(&act, &m, &out);
        }
    }
    if (act.partial)
        fprintf(stderr, "rehabit: warning: %s: partial activity: %s\n", act.source, act.problem);
    rh_activity_release(&act);
    if (st != RH_OK) {
        rh_buf_release(&out);
        return rh_cli_fail(&err);
    }
    rc = rh_cli_emit(&out);
    rh_buf_release(&out);
    return rc;
}

/* The class word of a refusal: the FIT class, or the status for text. */
static int cmd_check(int argc, char **argv)
{
    bool salvage = false;
    static const struct option opts[] = {
        {"salvage", no_argument, NULL, 'S'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'S':
            salvage = true;
            break;
        case 'h':
            usage(stdout);
            return RH_EXIT_OK;
        default:
            return rh_cli_usage_error("activity check", "unknown option");
        }
    }
    if (optind >= argc)
        return rh_cli_usage_error("activity check", "expected at least one FILE");
    rh_buf out;
    rh_buf_init(&out, 0);
    int rc = RH_EXIT_OK;
    rh_fit_report *rep = malloc(sizeof(*rep));
    if (!rep) {
        fprintf(stderr, "rehabit: out of memory\n");
        return RH_EXIT_INTERNAL;
    }
    for (int i = optind; i < argc; i++) {
        const char *path = argv[i];
        rh_err err;
        rh_err_init(&err);
        rh_wearable_opts o = {.salvage = salvage, .hash = false};
        rh_wearable_kind kind = RH_WEARABLE_UNKNOWN;
        memset(rep, 0, sizeof(*rep));
        bool partial = false;
        char problem[1024];
        rh_status st =
            rh_wearable_check(path, &o, rep, &kind, &partial, problem, sizeof(problem), &err);
        if (st == RH_OK && !partial) {
            rh_buf_printf(&out, "%s: ok\n", path);
        } else if (st == RH_OK) {
            rh_buf_printf(&out, "%s: partial: %s\n", path, problem);
            if (rc == RH_EXIT_OK)
                rc = RH_EXIT_INPUT;
        } else {
            char text[1024];
            /* FIT refusals name their class first; other failures their status. */
            if (kind == RH_WEARABLE_FIT && rep->cls != RH_FIT_OK) {
                rh_buf_printf(&out, "%s: refused: %s at byte %" PRId64 ": %s", path,
                              rh_fit_class_name(rep->cls), rep->offset, rep->detail);
                if (rep->segments > 0)
                    rh_buf_printf(&out,
                                  "; readable: %" PRIu64 " messages (%" PRIu64
                                  " records) up to byte %" PRId64,
                                  rep->data_messages, rep->records, rep->readable_end);
                rh_buf_putc(&out, '\n');
            } else {
                rh_err_format(&err, text, sizeof(text));
                rh_buf_printf(&out, "%s: refused: %s: %s\n", path, rh_status_name(err.code), text);
            }
            int e = rh_cli_exit_code(st);
            if (e > rc)
                rc = e;
        }
    }
    free(rep);
    int erc = rh_cli_emit(&out);
    rh_buf_release(&out);
    return erc != RH_EXIT_OK ? erc : rc;
}

static bool parse_zone(const char *s, double *lo, double *hi)
{
    char *end;
    *lo = strtod(s, &end);
    if (end == s || *end != '-')
        return false;
    const char *p = end + 1;
    *hi = strtod(p, &end);
    return end != p && *end == '\0' && isfinite(*lo) && isfinite(*hi) && *lo > 0 && *lo <= *hi;
}

static int cmd_zones(int argc, char **argv)
{
    const char *plan_path = NULL, *zone = NULL;
    bool json = false, salvage = false;
    static const struct option opts[] = {{"prescription", required_argument, NULL, 'p'},
                                         {"zone", required_argument, NULL, 'z'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"salvage", no_argument, NULL, 'S'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "hp:z:", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            plan_path = optarg;
            break;
        case 'z':
            zone = optarg;
            break;
        case 'j':
            json = true;
            break;
        case 'S':
            salvage = true;
            break;
        case 'h':
            usage(stdout);
            return RH_EXIT_OK;
        default:
            return rh_cli_usage_error("activity zones", "unknown option");
        }
    }
    if (optind + 1 != argc)
        return rh_cli_usage_error("activity zones", "expected exactly one FILE");
    if (!plan_path == !zone)
        return rh_cli_usage_error("activity zones",
                                  "give either --prescription PLAN.json or --zone LO-HI");
    rh_err err;
    rh_err_init(&err);
    rh_planzones plan;
    memset(&plan, 0, sizeof(plan));
    if (zone) {
        plan.hr_max_bpm = plan.hr_rest_bpm = plan.age_y = RH_NAN;
        plan.nzones = 1;
        plan.zones[0].component = 0;
        plan.zones[0].pct_lo = plan.zones[0].pct_hi = RH_NAN;
        plan.zones[0].rpe_lo = plan.zones[0].rpe_hi = RH_NAN;
        if (!parse_zone(zone, &plan.zones[0].lo_bpm, &plan.zones[0].hi_bpm))
            return rh_cli_usage_error("activity zones",
                                      "--zone wants LO-HI in bpm with 0 < LO <= HI, e.g. 110-130");
    } else if (rh_planzones_load(plan_path, &plan, &err) != RH_OK) {
        return rh_cli_fail(&err);
    }
    rh_activity act;
    int rc = read_activity(argv[optind], salvage, true, &act, &err);
    if (rc != 0)
        return rh_cli_fail(&err);
    rh_buf out;
    rh_buf_init(&out, 0);
    rh_jw w;
    rh_jw_init(&w, &out, RH_JW_PRETTY);
    rh_status st = RH_OK;
    if (json) {
        rh_jw_obj_begin(&w);
        rh_jw_kstr(&w, "file", act.source);
        rh_jw_kstr(&w, "sha256", act.sha256[0] ? act.sha256 : NULL);
        rh_jw_kbool(&w, "partial", act.partial);
        rh_jw_kstr(&w, "plan", plan_path);
        rh_jw_kdouble(&w, "hold_s", RH_ACTIVITY_HOLD_S);
        rh_jw_key(&w, "zones");
        rh_jw_arr_begin(&w);
    } else {
        rh_buf_printf(&out, "file: %s%s\n", act.source, act.partial ? " (PARTIAL)" : "");
        rh_buf_printf(&out, "heart-rate values (1 Hz series): %zu, each standing for up to %g s\n",
                      act.nhr, RH_ACTIVITY_HOLD_S);
    }
    for (size_t z = 0; st == RH_OK && z < plan.nzones; z++) {
        const rh_planzone *pz = &plan.zones[z];
        rh_activity_metrics m;
        rh_activity_person who = {.hr_rest_bpm = plan.hr_rest_bpm,
                                  .hr_max_bpm = plan.hr_max_bpm,
                                  .sex = strcmp(plan.sex, "male") == 0     ? 1
                                         : strcmp(plan.sex, "female") == 0 ? 2
                                                                           : 0};
        st = rh_activity_compute_metrics_for(&act, pz->lo_bpm, pz->hi_bpm, &who, &m, &err);
        if (st != RH_OK)
            break;
        if (json) {
            rh_jw_obj_begin(&w);
            if (plan_path)
                rh_jw_kint(&w, "component", (int64_t)pz->component);
            else
                rh_jw_knull(&w, "component");
            rh_jw_key(&w, "hr_bpm");
            rh_jw_arr_begin_inline(&w);
            rh_jw_double(&w, pz->lo_bpm);
            rh_jw_double(&w, pz->hi_bpm);
            rh_jw_arr_end(&w);
            rh_jw_kdouble(&w, "covered_s", m.covered_s);
            rh_jw_kdouble(&w, "below_s", m.below_s);
            rh_jw_kdouble(&w, "in_zone_s", m.in_zone_s);
            rh_jw_kdouble(&w, "above_s", m.above_s);
            rh_jw_kdouble(&w, "in_zone_pct", m.in_zone_pct);
            rh_jw_kdouble(&w, "avg_hr_bpm", m.avg_hr_bpm);
            rh_jw_kdouble(&w, "max_hr_bpm", m.max_hr_bpm);
            rh_jw_kdouble(&w, "missing_s", m.missing_s);
            rh_jw_kdouble(&w, "banister_trimp", m.banister_trimp);
            rh_jw_kdouble(&w, "edwards_trimp", m.edwards_trimp);
            rh_jw_obj_end(&w);
        } else {
            rh_buf_printf(&out, "zone %g-%g bpm", pz->lo_bpm, pz->hi_bpm);
            if (plan_path)
                rh_buf_printf(&out, " (plan component %zu)", pz->component);
            if (m.covered_s > 0)
                rh_buf_printf(&out,
                              ": in zone %.0f s (%.1f %%), below %.0f s, above %.0f s of %.0f s\n",
                              m.in_zone_s, m.in_zone_pct, m.below_s, m.above_s, m.covered_s);
            else
                rh_buf_printf(&out, ": no heart-rate data\n");
            if (!isnan(m.edwards_trimp) || !isnan(m.banister_trimp))
                rh_buf_printf(&out, "  TRIMP: Banister %.1f, Edwards %.1f (signal/load)\n",
                              m.banister_trimp, m.edwards_trimp);
        }
    }
    if (json) {
        rh_jw_arr_end(&w);
        rh_jw_obj_end(&w);
        if (st == RH_OK)
            st = rh_jw_finish(&w);
    }
    rh_activity_release(&act);
    if (st != RH_OK) {
        rh_buf_release(&out);
        return rh_cli_fail(&err);
    }
    rc = rh_cli_emit(&out);
    rh_buf_release(&out);
    return rc;
}

int rh_cmd_activity(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? RH_EXIT_USAGE : RH_EXIT_OK;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "show") == 0)
        return cmd_show(argc - 1, argv + 1);
    if (strcmp(sub, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(sub, "zones") == 0)
        return cmd_zones(argc - 1, argv + 1);
    return rh_cli_usage_error("activity", "unknown subcommand '%s' (show, check, zones)", sub);
}

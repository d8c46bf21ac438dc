/* SPDX-License-Identifier: MIT
 *
 * cli/cmd_kb: browse and validate the knowledge base.
 *   rehabit kb check [--data DIR]     validate every file; print a summary
 *   rehabit kb list [KIND|GROUP]      list ids (kinds: evidence, rule, component, policy, ...;
 *                                     or a vocabulary group: dx, symptom, tms, med, ...)
 *   rehabit kb show ID                print the entry (with resolved evidence)
 */
#include "cli/cli.h"
#include "cli/commands.h"

#include "base/jw.h"
#include "core/catalog.h"
#include "core/evidence.h"
#include "core/kbview.h"
#include "core/vocab.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: rehabit kb check [--data DIR] [--json]\n"
            "       rehabit kb list [KIND|GROUP] [--data DIR] [--json]\n"
            "       rehabit kb show ID [--data DIR]\n\n"
            "Validate and browse the knowledge base (data/). By default the copy compiled\n"
            "into the binary is used; --data DIR (or RH_DATA_DIR) reads a directory instead.\n\n"
            "KIND is an entry kind (evidence, rule, component, policy, formula, vocab,\n"
            "rtms_protocol, instrument ...) or a vocabulary group (dx, symptom, tms, med,\n"
            "med_class, setting, substance, parq, nt).\n\n"
            "examples:\n"
            "  rehabit kb check\n"
            "  rehabit kb list evidence\n"
            "  rehabit kb list tms\n"
            "  rehabit kb show sud:R7\n"
            "  rehabit kb show acsm.a2\n");
}

static int do_check(const rh_catalog *cat, int json)
{
    rh_buf out;
    rh_buf_init(&out, 0);
    if (json) {
        rh_jw w;
        rh_jw_init(&w, &out, RH_JW_PRETTY);
        rh_kbview_write_summary(cat, &w);
        if (rh_jw_finish(&w) != RH_OK) {
            rh_buf_release(&out);
            return RH_EXIT_INTERNAL;
        }
    } else {
        rh_buf_printf(&out, "knowledge base %s (%s): ok\n", rh_catalog_version(cat),
                      rh_catalog_origin(cat));
        rh_buf_printf(&out, "fingerprint %s\n", rh_catalog_fingerprint(cat));
        rh_buf_printf(&out, "%zu files, %zu entries\n", rh_catalog_file_count(cat),
                      rh_catalog_entry_count(cat));
        for (size_t i = 0; i < rh_catalog_file_count(cat); i++) {
            const rh_catalog_file *f = rh_catalog_file_at(cat, i);
            rh_buf_printf(&out, "  %-40s %-26s %4zu entries\n", f->path, f->schema, f->entries);
        }
        rh_kbview_append_status_counts(cat, &out);
    }
    int rc = rh_cli_emit(&out);
    rh_buf_release(&out);
    return rc;
}

static int do_list(const rh_catalog *cat, const char *kind, int json)
{
    rh_buf out;
    rh_buf_init(&out, 0);
    rh_jw w;
    rh_jw_init(&w, &out, RH_JW_PRETTY);
    size_t n = 0;
    const rh_vocab_group *g = kind ? rh_vocab_group_find(cat, kind) : NULL;
    if (json)
        rh_jw_arr_begin(&w);
    if (g) {
        for (size_t i = 0; i < g->n; i++, n++) {
            if (json) {
                rh_jw_obj_begin(&w);
                rh_jw_kstr(&w, "code", g->items[i].code);
                rh_jw_kstr(&w, "label", g->items[i].label_en);
                rh_jw_kstr(&w, "label_zh", g->items[i].label_zh);
                rh_jw_obj_end(&w);
            } else {
                rh_buf_printf(&out, "%-38s %s\n", g->items[i].code, g->items[i].label_en);
            }
        }
    } else {
        for (size_t i = 0; i < rh_catalog_entry_count(cat); i++) {
            const rh_catalog_entry *e = rh_catalog_entry_at(cat, i);
            if (kind && strcmp(e->kind, kind) != 0)
                continue;
            n++;
            if (json) {
                rh_jw_obj_begin(&w);
                rh_jw_kstr(&w, "id", e->id);
                rh_jw_kstr(&w, "kind", e->kind);
                rh_jw_kstr(&w, "file", e->file);
                rh_jw_obj_end(&w);
            } else {
                rh_buf_printf(&out, "%-48s %-16s %s\n", e->id, e->kind, e->file);
            }
        }
    }
    if (json) {
        rh_jw_arr_end(&w);
        rh_jw_finish(&w);
    }
    if (n == 0 && kind) {
        rh_buf_release(&out);
        fprintf(stderr, "rehabit: kb list: nothing of kind '%s' (try 'rehabit kb list')\n", kind);
        return RH_EXIT_INPUT;
    }
    int rc = rh_cli_emit(&out);
    rh_buf_release(&out);
    return rc;
}

static int do_show(const rh_catalog *cat, const char *id)
{
    rh_buf out;
    rh_buf_init(&out, 0);
    rh_jw w;
    rh_jw_init(&w, &out, RH_JW_PRETTY);
    if (!rh_kbview_write_entry(cat, id, &w)) {
        rh_buf_release(&out);
        fprintf(stderr, "rehabit: kb show: no entry with id '%s' (try 'rehabit kb list')\n", id);
        return RH_EXIT_INPUT;
    }
    int rc = rh_jw_finish(&w) == RH_OK ? rh_cli_emit(&out) : RH_EXIT_INTERNAL;
    rh_buf_release(&out);
    return rc;
}

int rh_cmd_kb(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *dir = NULL;
    int json = 0, c;
    while ((c = getopt_long(argc, argv, "d:jh", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            dir = optarg;
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            usage(stdout);
            return RH_EXIT_OK;
        default:
            return rh_cli_usage_error("kb", "invalid option");
        }
    }
    if (optind >= argc)
        return rh_cli_usage_error("kb", "missing action: check, list or show");
    const char *action = argv[optind++];
    const char *arg = optind < argc ? argv[optind++] : NULL;
    if (optind < argc)
        return rh_cli_usage_error("kb", "unexpected argument '%s'", argv[optind]);
    if (strcmp(action, "show") == 0 && !arg)
        return rh_cli_usage_error("kb", "'show' needs an ID");
    if (strcmp(action, "check") != 0 && strcmp(action, "list") != 0 && strcmp(action, "show") != 0)
        return rh_cli_usage_error("kb", "unknown action '%s'", action);

    rh_err err;
    rh_err_init(&err);
    rh_catalog *cat = NULL;
    if (rh_catalog_load_default(dir, &cat, &err) != RH_OK)
        return rh_cli_fail(&err);
    int rc;
    if (strcmp(action, "check") == 0)
        rc = do_check(cat, json);
    else if (strcmp(action, "list") == 0)
        rc = do_list(cat, arg, json);
    else
        rc = do_show(cat, arg);
    rh_catalog_destroy(cat);
    return rc;
}

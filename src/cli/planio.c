/* SPDX-License-Identifier: MIT */
#include "cli/planio.h"

#include "base/date.h"
#include "base/fileio.h"
#include "cli/cli.h"
#include "core/catalog.h"
#include "core/plantext.h"
#include "core/profile.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#define MAX_PROFILE_BYTES ((size_t)4 << 20)

#ifndef RH_VERSION
#define RH_VERSION "0.0.0"
#endif

static void usage(const char *name, rh_plan_view view, FILE *fp)
{
    fprintf(fp,
            "usage: rehabit %s FILE|- [--format json|text] [--lang en|zh] [--site FILE]\n"
            "                          [--data DIR]\n\n",
            name);
    if (view == RH_PLAN_SCREEN)
        fprintf(fp,
                "Screen a patient profile: ACSM pre-participation case (A1-B3), PAR-Q+ routing,\n"
                "pre-session holds, exercise decision, TMS eligibility, with every rule that\n"
                "fired and the evidence behind it.\n\n");
    else
        fprintf(fp,
                "Build an evidence-traced FITT-VP exercise prescription from a patient profile:\n"
                "scores, screening decisions, stage, HRmax and target heart rates, components\n"
                "with progression, neural target, rationale and evidence, and an rTMS block\n"
                "where eligible.\n\n");
    fprintf(
        fp,
        "options:\n"
        "  --format json|text  JSON (default) or a plan to print and hand out\n"
        "  --lang en|zh        language of the text plan (default: the profile's locale)\n"
        "  --site FILE         site policy overrides (JSON object; see 'rehabit kb list policy')\n"
        "  --data DIR          knowledge base directory instead of the built-in copy\n\n"
        "The profile format is described in docs/profile.md (JSON Schema:\n"
        "docs/profile.schema.json). Exit codes: 0 ok, 1 invalid input, 2 usage, 3 internal.\n\n"
        "examples:\n"
        "  rehabit %s examples/profiles/g1-mud-s1-outpatient.json\n"
        "  rehabit %s examples/profiles/p2-hsp-late-subacute.json --format text --lang zh\n"
        "  cat profile.json | rehabit %s - --site site.json\n",
        name, name, name);
}

static int read_site(const char *path, rh_buf *buf, rh_json **out, rh_err *err)
{
    rh_status rc = rh_file_read(path, MAX_PROFILE_BYTES, buf, err);
    if (rc == RH_OK)
        rc = rh_json_parse(rh_buf_cstr(buf), buf->len, path, out, err);
    return rc;
}

int rh_planio_main(const char *name, rh_plan_view view, int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'}, {"lang", required_argument, NULL, 'l'},
        {"site", required_argument, NULL, 's'},   {"data", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    const char *format = "json", *lang = NULL, *site_path = NULL, *data = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "f:l:s:d:h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            format = optarg;
            break;
        case 'l':
            lang = optarg;
            break;
        case 's':
            site_path = optarg;
            break;
        case 'd':
            data = optarg;
            break;
        case 'h':
            usage(name, view, stdout);
            return RH_EXIT_OK;
        default:
            return rh_cli_usage_error(name, "invalid option");
        }
    }
    if (strcmp(format, "json") != 0 && strcmp(format, "text") != 0)
        return rh_cli_usage_error(name, "--format must be json or text, not '%s'", format);
    if (lang && strcmp(lang, "en") != 0 && strcmp(lang, "zh") != 0)
        return rh_cli_usage_error(name, "--lang must be en or zh, not '%s'", lang);
    if (optind != argc - 1)
        return rh_cli_usage_error(name, optind >= argc ? "missing the profile FILE (or - for "
                                                         "standard input)"
                                                       : "expected exactly one profile FILE");
    const char *path = argv[optind];
    const char *source = strcmp(path, "-") == 0 ? "<stdin>" : path;

    rh_err err;
    rh_err_init(&err);
    rh_buf text, site_text, out;
    rh_buf_init(&text, MAX_PROFILE_BYTES);
    rh_buf_init(&site_text, MAX_PROFILE_BYTES);
    rh_buf_init(&out, 0);
    rh_catalog *cat = NULL;
    rh_profile *profile = NULL;
    rh_json *site = NULL;
    rh_plan *plan = NULL;
    int exit_code = RH_EXIT_OK;
    rh_status rc = rh_file_read(path, MAX_PROFILE_BYTES, &text, &err);
    if (rc == RH_OK)
        rc = rh_catalog_load_default(data, &cat, &err);
    if (rc == RH_OK)
        rc = rh_profile_load(cat, rh_buf_cstr(&text), text.len, source, rh_date_today_utc(),
                             &profile, &err);
    if (rc == RH_OK && site_path)
        rc = read_site(site_path, &site_text, &site, &err);
    if (rc == RH_OK) {
        rh_plan_opts po = {.site = site, .site_source = site_path, .version = RH_VERSION};
        rc = rh_plan_build(cat, profile, &po, &plan, &err);
    }
    if (rc == RH_OK) {
        if (strcmp(format, "json") == 0)
            rc = rh_plan_write_json(plan, view, &out);
        else
            rc = rh_plan_write_text(plan, view, lang ? lang : rh_profile_locale(profile), &out);
        if (rc != RH_OK)
            RH_FAIL(&err, rc, "cannot format the output");
    }
    if (rc == RH_OK)
        exit_code = rh_cli_emit(&out);
    else
        exit_code = rh_cli_fail(&err);
    rh_plan_destroy(plan);
    rh_json_free(site);
    rh_profile_destroy(profile);
    rh_catalog_destroy(cat);
    rh_buf_release(&text);
    rh_buf_release(&site_text);
    rh_buf_release(&out);
    return exit_code;
}

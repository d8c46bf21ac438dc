/* SPDX-License-Identifier: MIT
 *
 * cli/cmd_score: `rehabit score INSTRUMENT FILE|-` scores one instrument from
 * a JSON answers file and prints the result as JSON; `--list` lists the
 * instruments. The answers format is in docs/instruments.md.
 */
#include "cli/cli.h"
#include "cli/commands.h"

#include "base/buf.h"
#include "base/fileio.h"
#include "base/jw.h"
#include "base/num.h"
#include "core/catalog.h"
#include "core/instrument.h"
#include "core/jsonx.h"
#include "core/score.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_ANSWERS_BYTES ((size_t)1 << 20)

static void usage(FILE *fp)
{
    fprintf(
        fp,
        "usage: rehabit score [options] INSTRUMENT FILE|-\n"
        "       rehabit score --list [--data DIR]\n"
        "\n"
        "Scores one validated instrument from its item answers (a JSON object; '-' reads\n"
        "standard input) and prints the result as JSON: total, band, subscales and\n"
        "components, flags, missing items, the cut-offs applied, MCID, LOINC, licence,\n"
        "evidence and the unverified facts the result rests on. The answers format of\n"
        "every instrument is in docs/instruments.md; examples are in examples/answers/.\n"
        "\n"
        "options:\n"
        "  --locale en|zh      prefer the band sets of this locale (zh: Chinese cut-offs,\n"
        "                      e.g. PSQI > 7, AWGS grip, China BMI); default en\n"
        "  --sex male|female   the patient's sex (6MWT, grip, chair stand, AUDIT-C, Rockport)\n"
        "  --age YEARS         the patient's age\n"
        "  --height CM         the patient's height\n"
        "  --weight KG         the patient's weight\n"
        "                      (or put {\"sex\", \"age_y\", \"height_cm\", \"weight_kg\"} in a\n"
        "                      \"patient\" member of the answers; both must agree)\n"
        "  --compact           one-line JSON instead of indented\n"
        "  --data DIR          read the knowledge base from DIR instead of the built-in copy\n"
        "  --list              list the instruments (JSON)\n"
        "  -h, --help          this help\n"
        "\n"
        "examples:\n"
        "  rehabit score phq9 examples/answers/phq9.json\n"
        "  echo '{\"items\": [2,2,1,2,1,1,1,0,0]}' | rehabit score phq9 -\n"
        "  rehabit score psqi --locale zh examples/answers/psqi.json\n"
        "  rehabit score 6mwt --sex male --age 64 --height 170 --weight 72 "
        "examples/answers/6mwt.json\n"
        "  rehabit score --list\n"
        "\n"
        "exit codes: 0 scored or not scorable (see \"result\"), 1 invalid answers or\n"
        "unknown instrument, 2 usage error, 3 internal error.\n");
}

typedef struct score_args {
    const char *locale, *sex, *data;
    double age, height, weight;
    bool compact, list;
    const char *instrument, *file;
} score_args;

static int parse_number(const char *opt, const char *text, double *out)
{
    rh_err err;
    rh_err_init(&err);
    if (rh_parse_double(text, out, &err) != RH_OK)
        return rh_cli_usage_error("score", "%s: '%s' is not a number", opt, text);
    return 0;
}

static int parse_args(int argc, char **argv, score_args *a)
{
    enum { O_LOCALE = 256, O_SEX, O_AGE, O_HEIGHT, O_WEIGHT, O_COMPACT, O_DATA, O_LIST };
    static const struct option longopts[] = {{"locale", required_argument, NULL, O_LOCALE},
                                             {"sex", required_argument, NULL, O_SEX},
                                             {"age", required_argument, NULL, O_AGE},
                                             {"height", required_argument, NULL, O_HEIGHT},
                                             {"weight", required_argument, NULL, O_WEIGHT},
                                             {"compact", no_argument, NULL, O_COMPACT},
                                             {"data", required_argument, NULL, O_DATA},
                                             {"list", no_argument, NULL, O_LIST},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    int c, rc;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case O_LOCALE:
            if (strcmp(optarg, "en") != 0 && strcmp(optarg, "zh") != 0)
                return rh_cli_usage_error("score", "--locale must be en or zh, not '%s'", optarg);
            a->locale = optarg;
            break;
        case O_SEX:
            if (strcmp(optarg, "male") != 0 && strcmp(optarg, "female") != 0)
                return rh_cli_usage_error("score", "--sex must be male or female, not '%s'",
                                          optarg);
            a->sex = optarg;
            break;
        case O_AGE:
            if ((rc = parse_number("--age", optarg, &a->age)) != 0)
                return rc;
            break;
        case O_HEIGHT:
            if ((rc = parse_number("--height", optarg, &a->height)) != 0)
                return rc;
            break;
        case O_WEIGHT:
            if ((rc = parse_number("--weight", optarg, &a->weight)) != 0)
                return rc;
            break;
        case O_COMPACT:
            a->compact = true;
            break;
        case O_DATA:
            a->data = optarg;
            break;
        case O_LIST:
            a->list = true;
            break;
        case 'h':
            usage(stdout);
            return -1;
        default:
            return rh_cli_usage_error("score", "unknown option");
        }
    }
    int rest = argc - optind;
    if (a->list) {
        if (rest != 0)
            return rh_cli_usage_error("score", "--list takes no arguments");
        return 0;
    }
    if (rest != 2)
        return rh_cli_usage_error("score", "expected INSTRUMENT and FILE (or -), got %d argument%s",
                                  rest, rest == 1 ? "" : "s");
    a->instrument = argv[optind];
    a->file = argv[optind + 1];
    return 0;
}

static void write_list(const rh_catalog *cat, rh_jw *w)
{
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "catalog_fingerprint", rh_catalog_fingerprint(cat));
    rh_jw_kstr(w, "catalog_version", rh_catalog_version(cat));
    rh_jw_key(w, "instruments");
    rh_jw_arr_begin(w);
    for (size_t i = 0; i < rh_instrument_count(cat); i++) {
        const rh_instrument *ins = rh_instrument_at(cat, i);
        rh_jw_obj_begin(w);
        rh_jw_kstr(w, "id", ins->id);
        rh_jw_kstr(w, "abbrev", ins->abbrev);
        rh_jw_kstr(w, "name", ins->name);
        rh_jw_kstr(w, "name_zh", ins->name_zh);
        rh_jw_kstr(w, "domain", ins->domain);
        rh_jw_kstr(w, "answers",
                   ins->method == RH_METHOD_ASSIST       ? "assist"
                   : ins->method == RH_METHOD_MUSCLE_MAP ? "muscle_map"
                   : ins->form == RH_FORM_ARRAY          ? "array"
                                                         : "object");
        rh_jw_kint(w, "items", (int64_t)ins->nitems);
        rh_jw_kstr(w, "licence", ins->licence.code);
        rh_jw_kstr(w, "status", ins->status);
        rh_jw_kstr(w, "file", ins->file);
        rh_jw_obj_end(w);
    }
    rh_jw_arr_end(w);
    rh_jw_obj_end(w);
}

int rh_cmd_score(int argc, char **argv)
{
    score_args a = {.locale = "en", .age = RH_NAN, .height = RH_NAN, .weight = RH_NAN};
    int prc = parse_args(argc, argv, &a);
    if (prc != 0)
        return prc < 0 ? RH_EXIT_OK : prc;
    rh_err err;
    rh_err_init(&err);
    rh_catalog *cat = NULL;
    rh_buf in, out;
    rh_buf_init(&in, MAX_ANSWERS_BYTES);
    rh_buf_init(&out, 0);
    rh_json *answers = NULL;
    rh_score_result *res = NULL;
    int exit_code = RH_EXIT_OK;
    rh_status rc = rh_catalog_load_default(a.data, &cat, &err);
    rh_jw w;
    rh_jw_init(&w, &out, a.compact ? 0 : RH_JW_PRETTY);
    if (rc == RH_OK && a.list) {
        write_list(cat, &w);
        rc = rh_jw_finish(&w);
        if (rc != RH_OK)
            RH_FAIL(&err, rc, "cannot build the output");
        goto out;
    }
    if (rc == RH_OK && !rh_instrument_find(cat, a.instrument)) {
        rc = RH_FAIL(&err, RH_E_NOTFOUND,
                     "unknown instrument '%.60s' (run 'rehabit score --list' to see them)",
                     a.instrument);
        goto out;
    }
    const char *source = strcmp(a.file, "-") == 0 ? "<stdin>" : a.file;
    if (rc == RH_OK)
        rc = rh_file_read(a.file, MAX_ANSWERS_BYTES, &in, &err);
    if (rc == RH_OK)
        rc = rh_json_parse(rh_buf_cstr(&in), in.len, source, &answers, &err);
    if (rc == RH_OK) {
        rh_jx jx;
        rh_jx_init(&jx, source, &err);
        rh_score_opts opts;
        rh_score_opts_init(&opts);
        opts.locale = a.locale;
        opts.sex = a.sex;
        opts.age_y = a.age;
        opts.height_cm = a.height;
        opts.weight_kg = a.weight;
        rc = rh_score_run(cat, a.instrument, answers, &jx, &opts, &res);
    }
    if (rc == RH_OK) {
        rh_jw_obj_begin(&w);
        rh_jw_kstr(&w, "schema", "rehabit.score-result/1");
        rh_jw_kstr(&w, "catalog_fingerprint", rh_catalog_fingerprint(cat));
        rh_jw_kstr(&w, "catalog_version", rh_catalog_version(cat));
        rh_jw_key(&w, "score");
        rh_score_result_write_json(res, cat, &w);
        rh_jw_obj_end(&w);
        rc = rh_jw_finish(&w);
        if (rc != RH_OK)
            RH_FAIL(&err, rc, "cannot build the output");
    }
out:
    if (rc == RH_OK)
        exit_code = rh_cli_emit(&out);
    else
        exit_code = rh_cli_fail(&err);
    rh_score_result_destroy(res);
    rh_json_free(answers);
    rh_catalog_destroy(cat);
    rh_buf_release(&in);
    rh_buf_release(&out);
    return exit_code;
}

/* SPDX-License-Identifier: MIT
 *
 * fuzz_answers: arbitrary bytes as the answers of every instrument, under two
 * option sets (English with nothing known about the patient; Chinese with a
 * male patient of 64 y, 170 cm, 72 kg). Each scoring either fails with an
 * error or yields a result whose JSON, facts and accessors are then
 * exercised. Must never crash, leak, read out of bounds or trip UBSan.
 */
#include "base/buf.h"
#include "base/jw.h"
#include "core/catalog.h"
#include "core/facts.h"
#include "core/instrument.h"
#include "core/jsonx.h"
#include "core/score.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise(const rh_catalog *cat, const rh_score_result *r)
{
    rh_buf out;
    rh_buf_init(&out, 0);
    rh_jw w;
    rh_jw_init(&w, &out, 0);
    rh_score_result_write_json(r, cat, &w);
    if (rh_jw_finish(&w) != RH_OK)
        abort(); /* the writer must always produce a complete document */
    rh_buf_release(&out);
    rh_facts *f = NULL;
    if (rh_facts_create(&f) == RH_OK)
        (void)rh_score_result_export_facts(r, f);
    rh_facts_destroy(f);
    double t = rh_score_result_total(r);
    if (!rh_score_result_scorable(r) && !isnan(t))
        abort(); /* a total only when scorable */
    (void)rh_score_result_band_label(r, "zh");
    for (size_t i = 0; i < rh_score_result_flag_count(r); i++)
        if (!rh_score_result_flag_at(r, i)->id)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static rh_catalog *cat;
    if (!cat && rh_catalog_load_embedded(&cat, NULL) != RH_OK)
        abort();
    rh_json *answers = NULL;
    if (rh_json_parse((const char *)data, size, "fuzz", &answers, NULL) != RH_OK)
        return 0;
    rh_score_opts opts[2];
    rh_score_opts_init(&opts[0]);
    rh_score_opts_init(&opts[1]);
    opts[1].locale = "zh";
    opts[1].sex = "male";
    opts[1].age_y = 64;
    opts[1].height_cm = 170;
    opts[1].weight_kg = 72;
    for (size_t i = 0; i < rh_instrument_count(cat); i++) {
        const rh_instrument *ins = rh_instrument_at(cat, i);
        for (int o = 0; o < 2; o++) {
            rh_err err;
            rh_err_init(&err);
            rh_jx jx;
            rh_jx_init(&jx, "fuzz", &err);
            rh_score_result *r = NULL;
            rh_status rc = rh_score_run(cat, ins->id, answers, &jx, &opts[o], &r);
            if (rc == RH_OK)
                exercise(cat, r);
            else if (r || err.code == RH_OK || jx.path_len != 1)
                abort(); /* an error must be reported, nothing returned, the path restored */
            rh_score_result_destroy(r);
        }
    }
    rh_json_free(answers);
    return 0;
}

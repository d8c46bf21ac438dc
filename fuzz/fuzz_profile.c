/* SPDX-License-Identifier: MIT
 *
 * fuzz_profile: arbitrary bytes as a patient profile, through the whole
 * screen + prescribe pipeline (profile validation, scoring of any
 * assessments, rules, HR targets, JSON and text output). Must never crash,
 * leak or read out of bounds; any input is either refused with an error or
 * produces a plan.
 */
#include "base/buf.h"
#include "base/date.h"
#include "core/catalog.h"
#include "core/plantext.h"
#include "core/prescribe.h"
#include "core/profile.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static rh_catalog *cat;
    if (!cat && rh_catalog_load_embedded(&cat, NULL) != RH_OK)
        abort();
    rh_profile *p = NULL;
    rh_plan *plan = NULL;
    if (rh_profile_load(cat, (const char *)data, size, "fuzz", rh_date_from_civil(2026, 12, 1), &p,
                        NULL) == RH_OK &&
        rh_plan_build(cat, p, NULL, &plan, NULL) == RH_OK) {
        rh_buf out;
        rh_buf_init(&out, 0);
        rh_plan_write_json(plan, RH_PLAN_PRESCRIPTION, &out);
        rh_plan_write_text(plan, RH_PLAN_PRESCRIPTION, "zh", &out);
        rh_buf_release(&out);
    }
    rh_plan_destroy(plan);
    rh_profile_destroy(p);
    return 0;
}

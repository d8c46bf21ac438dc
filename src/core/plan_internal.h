/* SPDX-License-Identifier: MIT
 *
 * core/plan_internal: the plan object shared by core/prescribe (building,
 * JSON) and core/plantext (the printed plan). Never included outside src/core.
 */
#ifndef RH_CORE_PLAN_INTERNAL_H
#define RH_CORE_PLAN_INTERNAL_H

#include "base/buf.h"
#include "core/facts.h"
#include "core/plandata.h"
#include "core/prescribe.h"
#include "core/rules.h"
#include "core/score.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct rh_plan_comp {
    const rh_component_tpl *tpl;
    const rh_rule *selected_by;
    const char *status; /* active, after_clearance, reference_only */
    const char *status_key;
} rh_plan_comp;

struct rh_plan {
    const rh_catalog *cat;
    const rh_profile *profile;
    const char *version;
    rh_facts *facts;
    rh_engine *engine;
    rh_score_result **scores;
    size_t nscores;
    double hr_max;
    bool have_hr_max;
    double hr_rest;
    bool have_rest;
    const char *hr_formula;          /* code */
    const rh_hrmax_formula *formula; /* NULL when measured */
    rh_plan_comp *comps;
    size_t ncomps;
    rh_buf scratch;
};

/* Target heart rates for a %HRR (Karvonen) or %HRmax range, unrounded;
 * false when inputs are missing (no resting HR for %HRR). */
bool rh_plan_target_hr(const rh_plan *p, rh_basis b, rh_range pct, double out[2]);

#endif

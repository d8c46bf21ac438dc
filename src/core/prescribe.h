/* SPDX-License-Identifier: MIT
 *
 * core/prescribe: from a validated profile to a screening decision and an
 * evidence-traced FITT-VP plan.
 *
 * rh_plan_build runs the whole pipeline: site policies and profile facts,
 * instrument scores, every rule phase (stage, pain type, ACSM clearance,
 * pre-session holds, exercise and rTMS decisions, HRmax policy, deficits,
 * components, safety), then computes HRmax (unrounded), heart-rate targets,
 * weekly volume and the week-by-week progression of each component. Output is
 * deterministic: the same profile, site settings and catalog give
 * byte-identical JSON (docs/prescription.md describes every field).
 */
#ifndef RH_CORE_PRESCRIBE_H
#define RH_CORE_PRESCRIBE_H

#include "base/buf.h"
#include "core/catalog.h"
#include "core/profile.h"

#include <stdbool.h>

typedef struct rh_plan rh_plan;

typedef struct rh_plan_opts {
    const rh_json *site;     /* site policy overrides (object), NULL for defaults */
    const char *site_source; /* file name of the overrides, for errors */
    const char *version;     /* program version stamped into the output */
} rh_plan_opts;

/* Builds the plan. `cat` and `profile` are borrowed and must outlive the
 * plan. Fails with: E_INVALID, E_RANGE (bad site settings or answers; the
 * error names the field), E_NOMEM, E_INTERNAL. */
rh_status rh_plan_build(const rh_catalog *cat, const rh_profile *profile, const rh_plan_opts *opts,
                        rh_plan **out, rh_err *err);
void rh_plan_destroy(rh_plan *p);

typedef enum rh_plan_view {
    RH_PLAN_SCREEN,       /* clearance, decisions, safety, scores, trace */
    RH_PLAN_PRESCRIPTION, /* everything, including components and the rTMS block */
} rh_plan_view;

/* Appends the JSON document to `out`. Fails with: E_NOMEM, E_LIMIT. */
rh_status rh_plan_write_json(rh_plan *p, rh_plan_view view, rh_buf *out);

/* Decisions, for tests and callers. */
const char *rh_plan_decision(const rh_plan *p, const char *domain);
const char *rh_plan_fact_str(const rh_plan *p, const char *name);
double rh_plan_hr_max(const rh_plan *p);

#endif

/* SPDX-License-Identifier: MIT
 *
 * core/policy: site-configurable settings (data/policy.json, schema
 * rehabit.policy/1): thresholds and choices the evidence leaves open, such as
 * the ACSM B2 clearance window, the resting blood-pressure hold limits, the
 * minimum sleep before TMS, or whether clearance-pending patients may do light
 * activity. Each setting has a default, a type, a range, an explanation, a
 * verification status and evidence. A site overrides them with a JSON object
 * (`--site FILE`); the values used are exposed to the rules as facts
 * "policy.<name>" and echoed in every output.
 */
#ifndef RH_CORE_POLICY_H
#define RH_CORE_POLICY_H

#include "base/jw.h"
#include "core/catalog.h"
#include "core/facts.h"

/* Loads every policy default into `facts`, then applies `overrides` (an object
 * of policy id -> value, may be NULL; `source` names it for errors).
 * Fails with: E_INVALID (unknown policy, wrong type), E_RANGE, E_NOMEM. */
rh_status rh_policy_apply(const rh_catalog *cat, const rh_json *overrides, const char *source,
                          rh_facts *facts, rh_err *err);

/* Writes {"policy.x": value, ...} for every policy as currently in `facts`. */
void rh_policy_write(const rh_catalog *cat, const rh_facts *facts, rh_jw *w);

rh_status rh_policy_kind_load(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj);
rh_status rh_policy_kind_link(void *obj, const rh_catalog *cat, rh_jx *jx);
void rh_policy_kind_destroy(void *obj);

#endif

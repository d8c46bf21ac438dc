/* SPDX-License-Identifier: MIT
 *
 * core/rules: the decision engine. Clinical decisions are rules in data
 * (data/rules/ files of schema rehabit.rules/1): a predicate over named
 * facts ("when") and effects ("then"). Rules run in phases (the phase order and
 * the decision domains come from data/decisions.json); within a phase in file
 * order. Every fired rule is recorded with the facts it read, their values and
 * where they came from, so each output decision can be explained by rule and
 * evidence ids.
 *
 * Predicates: {"all": [..]}, {"any": [..]}, {"not": p}, {"always": true},
 * {"fact": F, OP: V} with OP one of is (boolean; an absent fact is false),
 * eq, ne, in (list), lt, lte, gt, gte (numbers; an absent or non-numeric fact
 * never matches), known (true/false). V is a literal or {"fact": G} (e.g. a
 * site policy value "policy.hold_sbp_mmhg").
 *
 * Effects: {"set": F, "value": V}, {"decide": DOMAIN, "value": V},
 * {"flag": CODE, "severity": info|warning|critical}, {"advice": CODE},
 * {"component": TEMPLATE_ID}. Decisions combine per domain: "max" keeps the
 * most severe value in the domain's order, "first" keeps the first decided.
 */
#ifndef RH_CORE_RULES_H
#define RH_CORE_RULES_H

#include "base/jw.h"
#include "core/catalog.h"
#include "core/facts.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct rh_rule rh_rule;
typedef struct rh_engine rh_engine;

/* A fired rule, as kept in the engine's trace. */
typedef struct rh_fired {
    const rh_rule *rule;
    size_t first_input, n_inputs; /* slice of the engine's input snapshots */
} rh_fired;

typedef struct rh_rule_info {
    const char *id;
    const char *phase;
    const char *status;  /* verification status of the rule */
    const char *text_en; /* explanation, may hold {fact} placeholders */
    const char *text_zh; /* NULL when absent (falls back to English) */
    const char *const *evidence;
    size_t n_evidence;
} rh_rule_info;

void rh_rule_get_info(const rh_rule *r, rh_rule_info *out);
/* The rule with this id, or NULL. */
const rh_rule *rh_rule_find(const rh_catalog *cat, const char *id);
/* The rule that last set fact `name` (its source is "rule:<id>"), or NULL. */
const rh_rule *rh_engine_rule_for_fact(const rh_engine *e, const char *name);

/* Creates an engine over `facts` (borrowed; rules add facts to it).
 * Fails with: E_NOMEM. */
rh_status rh_engine_create(const rh_catalog *cat, rh_facts *facts, rh_engine **out);
void rh_engine_destroy(rh_engine *e);

/* Runs every phase in the catalog's order. Fails with: E_NOMEM, E_INVALID
 * (a rule produced an impossible value; names the rule). */
rh_status rh_engine_run(rh_engine *e, rh_err *err);
/* Runs one phase only (tests). */
rh_status rh_engine_run_phase(rh_engine *e, const char *phase, rh_err *err);

/* The decided value of a domain, or the domain's default, or NULL. */
const char *rh_engine_decision(const rh_engine *e, const char *domain);
/* Rules that decided a domain (in firing order), for "reasons". */
size_t rh_engine_reason_count(const rh_engine *e, const char *domain);
const rh_rule *rh_engine_reason_at(const rh_engine *e, const char *domain, size_t i);

/* Flags, advice codes and components, in firing order (duplicates removed). */
typedef struct rh_effect_item {
    const char *code;     /* flag/advice code or component template id */
    const char *severity; /* flags only */
    const rh_rule *rule;  /* the rule that produced it */
} rh_effect_item;
size_t rh_engine_flag_count(const rh_engine *e);
const rh_effect_item *rh_engine_flag_at(const rh_engine *e, size_t i);
size_t rh_engine_advice_count(const rh_engine *e);
const rh_effect_item *rh_engine_advice_at(const rh_engine *e, size_t i);
size_t rh_engine_component_count(const rh_engine *e);
const rh_effect_item *rh_engine_component_at(const rh_engine *e, size_t i);

size_t rh_engine_fired_count(const rh_engine *e);
const rh_fired *rh_engine_fired_at(const rh_engine *e, size_t i);

/* Expands {fact} placeholders of a rule text with the engine's facts into out. */
rh_status rh_engine_render_text(const rh_engine *e, const char *text, rh_buf *out);
/* The rule's text in `lang` ("en"/"zh"), expanded. Borrowed until the next call. */
const char *rh_engine_rule_text(rh_engine *e, const rh_rule *r, const char *lang);

/* Writes the trace: every fired rule with its inputs (name, value, source,
 * assumed), effects, evidence ids and status. */
void rh_engine_write_trace(const rh_engine *e, rh_jw *w);
/* Writes {"id","text","status","evidence":[...]} for one rule. */
void rh_engine_write_rule_ref(rh_engine *e, const rh_rule *r, rh_jw *w);

/* Decision domains and phases (from data/decisions.json). */
bool rh_decision_domain_has_value(const rh_catalog *cat, const char *domain, const char *value);

/* Catalog kind loaders (core/catalog_kinds.c). */
rh_status rh_rules_kind_load(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj);
rh_status rh_rules_kind_link(void *obj, const rh_catalog *cat, rh_jx *jx);
void rh_rules_kind_destroy(void *obj);
rh_status rh_decisions_kind_load(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj);
rh_status rh_decisions_kind_link(void *obj, const rh_catalog *cat, rh_jx *jx);
void rh_decisions_kind_destroy(void *obj);

#endif

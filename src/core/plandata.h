/* SPDX-License-Identifier: MIT
 *
 * core/plandata: the typed knowledge the prescription is built from:
 * component templates (data/components, rehabit.components/1), reference
 * formulas (data/formulas.json: HRmax equations and ACSM intensity classes,
 * rehabit.formulas/1) and rTMS protocols with the same-day order rules
 * (data/rtms.json, rehabit.rtms/1). All validated on load; lookups return
 * borrowed pointers into the catalog.
 */
#ifndef RH_CORE_PLANDATA_H
#define RH_CORE_PLANDATA_H

#include "core/catalog.h"

#include <stdbool.h>
#include <stddef.h>

/* An inclusive numeric range; `set` is false when the source gives none. */
typedef struct rh_range {
    bool set;
    double lo, hi;
} rh_range;

typedef struct rh_text {
    const char *en;
    const char *zh; /* NULL: falls back to English */
} rh_text;

const char *rh_text_get(const rh_text *t, const char *lang);

typedef enum rh_basis {
    RH_BASIS_NONE = 0,
    RH_BASIS_HRR,   /* % heart-rate reserve (Karvonen) */
    RH_BASIS_HRMAX, /* % HRmax */
    RH_BASIS_RPE,   /* Borg 6-20 only */
    RH_BASIS_1RM,   /* % one-repetition maximum */
} rh_basis;

const char *rh_basis_name(rh_basis b);

typedef struct rh_phase {
    rh_range weeks, minutes, pct, sessions, sets, reps, pct_1rm;
    rh_text note;
} rh_phase;

typedef struct rh_component_tpl {
    const char *id;
    const char
        *modality; /* aerobic, resistance, mind_body, flexibility, neuromotor, task_oriented */
    rh_text name, type;
    const char *intensity_class; /* light, moderate, vigorous */
    rh_range sessions_per_week;
    rh_basis basis;
    rh_range pct, start_pct, rpe, pct_1rm, target_pct_1rm;
    rh_basis alt_basis[2];
    rh_range alt_pct[2];
    size_t n_alt;
    rh_range warm_up, main, cool_down, main_target, bouts_min;
    rh_range weeks, met, weekly_minutes, weekly_met_min;
    rh_range exercises, sets, reps, rest_s, hold_s, repetitions;
    rh_phase *phases;
    size_t n_phases;
    const char *neural_target; /* "nt.<code>" */
    rh_text rationale;
    const char *const *evidence;
    size_t n_evidence;
    const char *status;
} rh_component_tpl;

const rh_component_tpl *rh_component_find(const rh_catalog *cat, const char *id);

typedef struct rh_hrmax_formula {
    const char *code; /* TANAKA ... */
    double intercept, age_coef;
    const char *note;
    const char *status;
    const char *const *evidence;
    size_t n_evidence;
} rh_hrmax_formula;

const rh_hrmax_formula *rh_hrmax_formula_find(const rh_catalog *cat, const char *code);
size_t rh_hrmax_formula_count(const rh_catalog *cat);
const rh_hrmax_formula *rh_hrmax_formula_at(const rh_catalog *cat, size_t i);
/* intercept + age_coef * age */
double rh_hrmax_eval(const rh_hrmax_formula *f, double age_y);

/* DFA alpha1 value at an exercise threshold ("aerobic_threshold",
 * "anaerobic_threshold"): an estimate whose status says how well it rests
 * on its evidence. Owned by the catalog; NULL if absent. */
typedef struct rh_dfa_threshold {
    const char *id;
    const char *boundary;
    double alpha1;
    const char *note;
    const char *status;
    const char *const *evidence;
    size_t n_evidence;
} rh_dfa_threshold;

const rh_dfa_threshold *rh_dfa_threshold_find(const rh_catalog *cat, const char *boundary);

/* Rank of an intensity class name (light < moderate < vigorous ...), -1 if unknown. */
int rh_intensity_rank(const rh_catalog *cat, const char *klass);

typedef struct rh_rtms_protocol {
    const char *id;
    const char *indication;
    rh_text target, pattern, schedule, rationale;
    double frequency_hz;       /* NAN when not a single frequency */
    double pulses_per_session; /* NAN when not reported */
    int sessions;
    const char *neural_target;
    const char *const *evidence;
    size_t n_evidence;
    const char *status;
} rh_rtms_protocol;

typedef struct rh_rtms_order {
    const char *id;
    const char *code; /* exercise_first, stimulation_first */
    rh_text text;
    const char *const *evidence;
    size_t n_evidence;
    const char *status;
} rh_rtms_order;

const rh_rtms_protocol *rh_rtms_protocol_find(const rh_catalog *cat, const char *id);
const rh_rtms_order *rh_rtms_order_find(const rh_catalog *cat, const char *code);

/* Catalog references a decision domain's values or a policy's choices may
 * declare (key `refers_to`), checked once every file is loaded:
 *   "rtms_protocol"   an rTMS protocol id (data/rtms.json protocols)
 *   "rtms_order"      an rTMS same-day order code (data/rtms.json order)
 *   "hr_max_formula"  an HRmax formula code (data/formulas.json hr_max), or
 *                     "MEASURED" (a measured maximum, no formula)
 *   "intensity_class" an intensity class name (data/formulas.json)
 * NULL-terminated; rh_plandata_ref_exists tells whether `value` resolves. */
extern const char *const rh_plandata_ref_kinds[];
bool rh_plandata_ref_exists(const rh_catalog *cat, const char *ref_kind, const char *value);

rh_status rh_components_kind_load(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj);
rh_status rh_components_kind_link(void *obj, const rh_catalog *cat, rh_jx *jx);
void rh_components_kind_destroy(void *obj);
rh_status rh_formulas_kind_load(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj);
void rh_formulas_kind_destroy(void *obj);
rh_status rh_rtms_kind_load(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj);
rh_status rh_rtms_kind_link(void *obj, const rh_catalog *cat, rh_jx *jx);
void rh_rtms_kind_destroy(void *obj);

#endif

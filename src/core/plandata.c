/* SPDX-License-Identifier: MIT */
#include "core/plandata.h"

#include "base/alloc.h"
#include "base/num.h"
#include "core/catalog_kinds.h"
#include "core/vocab.h"

#include <math.h>
#include <string.h>

const char *rh_text_get(const rh_text *t, const char *lang)
{
    if (lang && strcmp(lang, "zh") == 0 && t->zh)
        return t->zh;
    return t->en;
}

const char *rh_basis_name(rh_basis b)
{
    static const char *const names[] = {"none", "hrr", "hrmax", "rpe", "1rm"};
    return names[b];
}

/* ---- shared readers ---- */

static rh_status read_range(rh_jx *jx, const rh_json *obj, const char *key, bool required,
                            double lo, double hi, rh_range *out)
{
    rh_json *v = rh_jx_get(obj, key);
    out->set = false;
    if (!v || rh_json_is_null(v)) {
        if (required && !v)
            return rh_jx_fail(jx, key, RH_E_INVALID, "required field '%s' is missing", key);
        return RH_OK;
    }
    if (!rh_json_is_array(v) || rh_json_array_size(v) != 2 ||
        !rh_json_is_number(rh_json_array_get(v, 0)) || !rh_json_is_number(rh_json_array_get(v, 1)))
        return rh_jx_fail(jx, key, RH_E_INVALID, "expected [min, max] or null");
    double a = rh_json_number(rh_json_array_get(v, 0)), b = rh_json_number(rh_json_array_get(v, 1));
    if (a > b)
        return rh_jx_fail(jx, key, RH_E_RANGE, "[%g, %g]: min is above max", a, b);
    if (a < lo || b > hi)
        return rh_jx_fail(jx, key, RH_E_RANGE, "[%g, %g] is outside the accepted range [%g, %g]", a,
                          b, lo, hi);
    out->set = true;
    out->lo = a;
    out->hi = b;
    return RH_OK;
}

static rh_status read_text(rh_jx *jx, const rh_json *obj, const char *key, bool required,
                           rh_text *out)
{
    static const char *const keys[] = {"en", "zh", NULL};
    rh_json *t = NULL;
    out->en = out->zh = NULL;
    rh_status rc = rh_jx_object(jx, obj, key, required, &t);
    if (rc != RH_OK || !t)
        return rc;
    size_t mark = rh_jx_push_key(jx, key);
    rc = rh_jx_check_keys(jx, t, keys);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, t, "en", true, &out->en);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, t, "zh", false, &out->zh);
    rh_jx_pop(jx, mark);
    return rc;
}

static rh_status read_evidence(rh_jx *jx, const rh_json *obj, const char *const **out, size_t *n)
{
    rh_json *arr = NULL;
    rh_status rc = rh_jx_array(jx, obj, "evidence", true, &arr);
    if (rc != RH_OK)
        return rc;
    *n = rh_json_array_size(arr);
    const char **ids = rh_calloc(*n ? *n : 1, sizeof(char *));
    if (!ids)
        return RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    for (size_t i = 0; i < *n; i++)
        ids[i] = rh_json_string(rh_json_array_get(arr, i)); /* checked by the catalog */
    *out = ids;
    return RH_OK;
}

static void free_evidence(const char *const *ev)
{
    rh_free_const(ev);
}

/* ---- components ---- */

typedef struct component_file {
    rh_component_tpl *items;
    size_t n;
} component_file;

static const char *const modalities[] = {"aerobic",    "resistance",    "mind_body", "flexibility",
                                         "neuromotor", "task_oriented", NULL};
static const char *const bases[] = {"none", "hrr", "hrmax", "rpe", "1rm", NULL};

static rh_status read_intensity(rh_jx *jx, const rh_json *c, rh_component_tpl *t)
{
    static const char *const keys[] = {
        "basis", "pct", "start_pct", "rpe", "pct_1rm", "target_pct_1rm", "alternatives", NULL};
    rh_json *in = NULL;
    rh_status rc = rh_jx_object(jx, c, "intensity", true, &in);
    if (rc != RH_OK)
        return rc;
    size_t mark = rh_jx_push_key(jx, "intensity");
    int b = 0;
    rc = rh_jx_check_keys(jx, in, keys);
    if (rc == RH_OK)
        rc = rh_jx_enum(jx, in, "basis", true, bases, &b, NULL);
    t->basis = (rh_basis)b;
    if (rc == RH_OK)
        rc = read_range(jx, in, "pct", false, 0, 100, &t->pct);
    if (rc == RH_OK && (t->basis == RH_BASIS_HRR || t->basis == RH_BASIS_HRMAX) && !t->pct.set)
        rc = rh_jx_fail(jx, "pct", RH_E_INVALID, "a heart-rate basis needs 'pct'");
    if (rc == RH_OK)
        rc = read_range(jx, in, "start_pct", false, 0, 100, &t->start_pct);
    if (rc == RH_OK)
        rc = read_range(jx, in, "rpe", false, 6, 20, &t->rpe);
    if (rc == RH_OK)
        rc = read_range(jx, in, "pct_1rm", false, 0, 100, &t->pct_1rm);
    if (rc == RH_OK && t->basis == RH_BASIS_1RM && !t->pct_1rm.set)
        rc = rh_jx_fail(jx, "pct_1rm", RH_E_INVALID, "basis 1rm needs 'pct_1rm'");
    if (rc == RH_OK)
        rc = read_range(jx, in, "target_pct_1rm", false, 0, 100, &t->target_pct_1rm);
    rh_json *alts = NULL;
    if (rc == RH_OK)
        rc = rh_jx_array(jx, in, "alternatives", false, &alts);
    if (rc == RH_OK && rh_json_array_size(alts) > 2)
        rc = rh_jx_fail(jx, "alternatives", RH_E_LIMIT, "at most 2 alternatives");
    for (size_t i = 0; rc == RH_OK && i < rh_json_array_size(alts); i++) {
        static const char *const akeys[] = {"basis", "pct", NULL};
        static const char *const hrb[] = {"hrr", "hrmax", NULL};
        size_t m1 = rh_jx_push_key(jx, "alternatives");
        size_t m2 = rh_jx_push_index(jx, i);
        const rh_json *a = rh_json_array_get(alts, i);
        int ab = 0;
        rc = rh_jx_check_keys(jx, a, akeys);
        if (rc == RH_OK)
            rc = rh_jx_enum(jx, a, "basis", true, hrb, &ab, NULL);
        if (rc == RH_OK)
            rc = read_range(jx, a, "pct", true, 0, 100, &t->alt_pct[i]);
        t->alt_basis[i] = ab == 0 ? RH_BASIS_HRR : RH_BASIS_HRMAX;
        t->n_alt = i + 1;
        rh_jx_pop(jx, m2);
        rh_jx_pop(jx, m1);
    }
    rh_jx_pop(jx, mark);
    return rc;
}

static rh_status read_minutes(rh_jx *jx, const rh_json *c, rh_component_tpl *t)
{
    static const char *const keys[] = {"warm_up",     "main",      "cool_down",
                                       "main_target", "bouts_min", NULL};
    rh_json *m = NULL;
    rh_status rc = rh_jx_object(jx, c, "minutes", true, &m);
    if (rc != RH_OK)
        return rc;
    size_t mark = rh_jx_push_key(jx, "minutes");
    rc = rh_jx_check_keys(jx, m, keys);
    if (rc == RH_OK)
        rc = read_range(jx, m, "warm_up", false, 0, 60, &t->warm_up);
    if (rc == RH_OK)
        rc = read_range(jx, m, "main", false, 1, 360, &t->main);
    if (rc == RH_OK)
        rc = read_range(jx, m, "cool_down", false, 0, 60, &t->cool_down);
    if (rc == RH_OK)
        rc = read_range(jx, m, "main_target", false, 1, 360, &t->main_target);
    if (rc == RH_OK)
        rc = read_range(jx, m, "bouts_min", false, 1, 60, &t->bouts_min);
    rh_jx_pop(jx, mark);
    return rc;
}

static rh_status read_dose(rh_jx *jx, const rh_json *c, rh_component_tpl *t)
{
    static const char *const keys[] = {"exercises", "sets",        "reps", "rest_s",
                                       "hold_s",    "repetitions", NULL};
    rh_json *d = NULL;
    rh_status rc = rh_jx_object(jx, c, "dose", false, &d);
    if (rc != RH_OK || !d)
        return rc;
    size_t mark = rh_jx_push_key(jx, "dose");
    rc = rh_jx_check_keys(jx, d, keys);
    if (rc == RH_OK)
        rc = read_range(jx, d, "exercises", false, 1, 20, &t->exercises);
    if (rc == RH_OK)
        rc = read_range(jx, d, "sets", false, 1, 10, &t->sets);
    if (rc == RH_OK)
        rc = read_range(jx, d, "reps", false, 1, 50, &t->reps);
    if (rc == RH_OK)
        rc = read_range(jx, d, "rest_s", false, 0, 600, &t->rest_s);
    if (rc == RH_OK)
        rc = read_range(jx, d, "hold_s", false, 1, 300, &t->hold_s);
    if (rc == RH_OK)
        rc = read_range(jx, d, "repetitions", false, 1, 20, &t->repetitions);
    rh_jx_pop(jx, mark);
    return rc;
}

static rh_status read_phases(rh_jx *jx, const rh_json *c, rh_component_tpl *t)
{
    static const char *const keys[] = {"weeks", "minutes", "pct",  "sessions", "sets",
                                       "reps",  "pct_1rm", "note", NULL};
    rh_json *arr = NULL;
    rh_status rc = rh_jx_array(jx, c, "progression", false, &arr);
    if (rc != RH_OK || !arr)
        return rc;
    size_t n = rh_json_array_size(arr);
    t->phases = rh_calloc(n ? n : 1, sizeof(rh_phase));
    if (!t->phases)
        return RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    double next_week = 1;
    for (size_t i = 0; rc == RH_OK && i < n; i++) {
        size_t m1 = rh_jx_push_key(jx, "progression");
        size_t m2 = rh_jx_push_index(jx, i);
        const rh_json *p = rh_json_array_get(arr, i);
        rh_phase *ph = &t->phases[i];
        t->n_phases = i + 1;
        rc = rh_jx_check_keys(jx, p, keys);
        if (rc == RH_OK)
            rc = read_range(jx, p, "weeks", true, 1, 104, &ph->weeks);
        if (rc == RH_OK && ph->weeks.lo != next_week)
            rc = rh_jx_fail(jx, "weeks", RH_E_INVALID,
                            "phases must cover consecutive weeks (expected to start at week %g)",
                            next_week);
        next_week = ph->weeks.hi + 1;
        if (rc == RH_OK)
            rc = read_range(jx, p, "minutes", false, 1, 360, &ph->minutes);
        if (rc == RH_OK)
            rc = read_range(jx, p, "pct", false, 0, 100, &ph->pct);
        if (rc == RH_OK)
            rc = read_range(jx, p, "sessions", false, 1, 14, &ph->sessions);
        if (rc == RH_OK)
            rc = read_range(jx, p, "sets", false, 1, 10, &ph->sets);
        if (rc == RH_OK)
            rc = read_range(jx, p, "reps", false, 1, 50, &ph->reps);
        if (rc == RH_OK)
            rc = read_range(jx, p, "pct_1rm", false, 0, 100, &ph->pct_1rm);
        if (rc == RH_OK)
            rc = read_text(jx, p, "note", true, &ph->note);
        rh_jx_pop(jx, m2);
        rh_jx_pop(jx, m1);
    }
    return rc;
}

static rh_status load_component(rh_jx *jx, const rh_json *c, rh_component_tpl *t,
                                rh_catalog_reg *reg)
{
    static const char *const keys[] = {"id",          "modality",        "name",
                                       "type",        "intensity_class", "sessions_per_week",
                                       "intensity",   "minutes",         "weeks",
                                       "met",         "weekly_target",   "dose",
                                       "progression", "neural_target",   "rationale",
                                       "evidence",    "status",          "comment",
                                       NULL};
    static const char *const classes[] = {"light", "moderate", "vigorous", NULL};
    int m = 0, k = 0;
    rh_status rc = rh_jx_check_keys(jx, c, keys);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, c, "id", true, &t->id);
    if (rc == RH_OK)
        rc = rh_jx_enum(jx, c, "modality", true, modalities, &m, NULL);
    t->modality = modalities[m];
    if (rc == RH_OK)
        rc = read_text(jx, c, "name", true, &t->name);
    if (rc == RH_OK)
        rc = read_text(jx, c, "type", true, &t->type);
    if (rc == RH_OK)
        rc = rh_jx_enum(jx, c, "intensity_class", true, classes, &k, NULL);
    t->intensity_class = classes[k];
    if (rc == RH_OK)
        rc = read_range(jx, c, "sessions_per_week", true, 1, 14, &t->sessions_per_week);
    if (rc == RH_OK)
        rc = read_intensity(jx, c, t);
    if (rc == RH_OK)
        rc = read_minutes(jx, c, t);
    if (rc == RH_OK)
        rc = read_range(jx, c, "weeks", true, 1, 104, &t->weeks);
    if (rc == RH_OK)
        rc = read_range(jx, c, "met", true, 1, 20, &t->met);
    rh_json *wt = NULL;
    if (rc == RH_OK)
        rc = rh_jx_object(jx, c, "weekly_target", false, &wt);
    if (rc == RH_OK && wt) {
        static const char *const wkeys[] = {"minutes", "met_min", NULL};
        size_t mark = rh_jx_push_key(jx, "weekly_target");
        rc = rh_jx_check_keys(jx, wt, wkeys);
        if (rc == RH_OK)
            rc = read_range(jx, wt, "minutes", false, 1, 3000, &t->weekly_minutes);
        if (rc == RH_OK)
            rc = read_range(jx, wt, "met_min", false, 1, 20000, &t->weekly_met_min);
        rh_jx_pop(jx, mark);
    }
    if (rc == RH_OK)
        rc = read_dose(jx, c, t);
    if (rc == RH_OK)
        rc = read_phases(jx, c, t);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, c, "neural_target", true, &t->neural_target);
    if (rc == RH_OK)
        rc = read_text(jx, c, "rationale", true, &t->rationale);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, c, "status", true, &t->status);
    if (rc == RH_OK)
        rc = read_evidence(jx, c, &t->evidence, &t->n_evidence);
    if (rc == RH_OK)
        rc = rh_catalog_reg_entry(reg, jx, t->id, "component", c);
    return rc;
}

void rh_components_kind_destroy(void *obj)
{
    component_file *f = obj;
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++) {
        rh_free(f->items[i].phases);
        free_evidence(f->items[i].evidence);
    }
    rh_free(f->items);
    rh_free(f);
}

rh_status rh_components_kind_load(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj)
{
    static const char *const keys[] = {RH_CATALOG_ENVELOPE_KEYS, "components", NULL};
    rh_json *arr = NULL;
    component_file *f = rh_calloc(1, sizeof(*f));
    if (!f)
        return RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    rh_status rc = rh_jx_check_keys(jx, root, keys);
    if (rc == RH_OK)
        rc = rh_jx_array(jx, root, "components", true, &arr);
    size_t n = rh_json_array_size(arr);
    if (rc == RH_OK) {
        f->items = rh_calloc(n ? n : 1, sizeof(rh_component_tpl));
        if (!f->items)
            rc = RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; rc == RH_OK && i < n; i++) {
        size_t m1 = rh_jx_push_key(jx, "components");
        size_t m2 = rh_jx_push_index(jx, i);
        f->n++;
        rc = load_component(jx, rh_json_array_get(arr, i), &f->items[i], reg);
        rh_jx_pop(jx, m2);
        rh_jx_pop(jx, m1);
    }
    if (rc != RH_OK) {
        rh_components_kind_destroy(f);
        return rc;
    }
    *obj = f;
    return RH_OK;
}

/* A neural target is `nt.<code>` of the `nt` vocabulary; the prescription
 * prints its label, so a bad one must not get past loading. */
static rh_status check_neural_target(const rh_catalog *cat, rh_jx *jx, const char *array, size_t i,
                                     const char *t)
{
    const rh_vocab_group *nt = rh_vocab_group_find(cat, "nt");
    if (strncmp(t, "nt.", 3) == 0 && rh_vocab_lookup(nt, t + 3))
        return RH_OK;
    return rh_jx_fail_at(jx, array, i, "neural_target", RH_E_NOTFOUND,
                         "'%s' is not a neural target (vocabulary nt)", t);
}

rh_status rh_components_kind_link(void *obj, const rh_catalog *cat, rh_jx *jx)
{
    const component_file *f = obj;
    for (size_t i = 0; i < f->n; i++) {
        rh_status rc = check_neural_target(cat, jx, "components", i, f->items[i].neural_target);
        if (rc != RH_OK)
            return rc;
        if (rh_intensity_rank(cat, f->items[i].intensity_class) < 0)
            return rh_jx_fail_at(jx, "components", i, "intensity_class", RH_E_NOTFOUND,
                                 "'%s' is not an intensity class of the formulas file",
                                 f->items[i].intensity_class);
    }
    return RH_OK;
}

const rh_component_tpl *rh_component_find(const rh_catalog *cat, const char *id)
{
    size_t n;
    void *const *files = rh_catalog_objects(cat, "rehabit.components/1", &n);
    for (size_t k = 0; k < n; k++) {
        const component_file *f = files[k];
        for (size_t i = 0; i < f->n; i++)
            if (strcmp(f->items[i].id, id) == 0)
                return &f->items[i];
    }
    return NULL;
}

/* ---- formulas ---- */

typedef struct intensity_class {
    const char *klass;
} intensity_class;

typedef struct formulas_file {
    rh_hrmax_formula *hr;
    size_t nhr;
    intensity_class *classes;
    size_t nclasses;
    rh_dfa_threshold *dfa;
    size_t ndfa;
} formulas_file;

void rh_formulas_kind_destroy(void *obj)
{
    formulas_file *f = obj;
    if (!f)
        return;
    for (size_t i = 0; i < f->nhr; i++)
        free_evidence(f->hr[i].evidence);
    for (size_t i = 0; i < f->ndfa; i++)
        free_evidence(f->dfa[i].evidence);
    rh_free(f->hr);
    rh_free(f->classes);
    rh_free(f->dfa);
    rh_free(f);
}

static const char *const dfa_boundaries[] = {"aerobic_threshold", "anaerobic_threshold", NULL};

/* The two DFA alpha1 boundaries, each once; alpha1 falls with intensity, so
 * the aerobic value must be above the anaerobic one. */
static rh_status load_dfa_thresholds(rh_jx *jx, const rh_json *root, rh_catalog_reg *reg,
                                     formulas_file *f)
{
    static const char *const keys[] = {"id",     "boundary", "alpha1", "note",
                                       "status", "evidence", NULL};
    rh_json *arr = NULL;
    rh_status rc = rh_jx_array(jx, root, "dfa_alpha1_thresholds", true, &arr);
    if (rc == RH_OK) {
        f->dfa = rh_calloc(rh_json_array_size(arr) + 1, sizeof(*f->dfa));
        if (!f->dfa)
            rc = RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; rc == RH_OK && i < rh_json_array_size(arr); i++) {
        size_t m1 = rh_jx_push_key(jx, "dfa_alpha1_thresholds");
        size_t m2 = rh_jx_push_index(jx, i);
        const rh_json *t = rh_json_array_get(arr, i);
        rh_dfa_threshold *x = &f->dfa[i];
        int b = 0;
        f->ndfa++;
        rc = rh_jx_check_keys(jx, t, keys);
        if (rc == RH_OK)
            rc = rh_jx_str(jx, t, "id", true, &x->id);
        if (rc == RH_OK)
            rc = rh_jx_enum(jx, t, "boundary", true, dfa_boundaries, &b, NULL);
        if (rc == RH_OK)
            x->boundary = dfa_boundaries[b];
        for (size_t j = 0; rc == RH_OK && j < i; j++)
            if (strcmp(f->dfa[j].boundary, x->boundary) == 0)
                rc = rh_jx_fail(jx, "boundary", RH_E_INVALID, "'%s' is given twice", x->boundary);
        if (rc == RH_OK)
            rc = rh_jx_num(jx, t, "alpha1", true, 0.1, 2.0, &x->alpha1, NULL);
        if (rc == RH_OK)
            rc = rh_jx_str(jx, t, "note", true, &x->note);
        if (rc == RH_OK)
            rc = rh_jx_str(jx, t, "status", true, &x->status);
        if (rc == RH_OK)
            rc = read_evidence(jx, t, &x->evidence, &x->n_evidence);
        if (rc == RH_OK)
            rc = rh_catalog_reg_entry(reg, jx, x->id, "dfa_threshold", t);
        rh_jx_pop(jx, m2);
        rh_jx_pop(jx, m1);
    }
    if (rc != RH_OK)
        return rc;
    const rh_dfa_threshold *aer = NULL, *ana = NULL;
    for (size_t i = 0; i < f->ndfa; i++) {
        if (strcmp(f->dfa[i].boundary, "aerobic_threshold") == 0)
            aer = &f->dfa[i];
        else
            ana = &f->dfa[i];
    }
    if (!aer || !ana)
        return rh_jx_fail(jx, "dfa_alpha1_thresholds", RH_E_INVALID,
                          "needs both an aerobic_threshold and an anaerobic_threshold entry");
    if (!(aer->alpha1 > ana->alpha1))
        return rh_jx_fail(jx, "dfa_alpha1_thresholds", RH_E_INVALID,
                          "the aerobic alpha1 (%g) must be above the anaerobic one (%g): alpha1 "
                          "falls as intensity rises",
                          aer->alpha1, ana->alpha1);
    return RH_OK;
}

rh_status rh_formulas_kind_load(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj)
{
    static const char *const keys[] = {RH_CATALOG_ENVELOPE_KEYS, "hr_max", "intensity_classes",
                                       "dfa_alpha1_thresholds", NULL};
    static const char *const hkeys[] = {"id",   "code",   "intercept", "age_coef",
                                        "note", "status", "evidence",  NULL};
    static const char *const ckeys[] = {"id",  "class",  "hrr_pct",  "hrmax_pct", "rpe",
                                        "met", "status", "evidence", NULL};
    rh_json *hr = NULL, *cls = NULL;
    formulas_file *f = rh_calloc(1, sizeof(*f));
    if (!f)
        return RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    rh_status rc = rh_jx_check_keys(jx, root, keys);
    if (rc == RH_OK)
        rc = rh_jx_array(jx, root, "hr_max", true, &hr);
    if (rc == RH_OK)
        rc = rh_jx_array(jx, root, "intensity_classes", true, &cls);
    if (rc == RH_OK) {
        f->hr = rh_calloc(rh_json_array_size(hr) + 1, sizeof(*f->hr));
        f->classes = rh_calloc(rh_json_array_size(cls) + 1, sizeof(*f->classes));
        if (!f->hr || !f->classes)
            rc = RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; rc == RH_OK && i < rh_json_array_size(hr); i++) {
        size_t m1 = rh_jx_push_key(jx, "hr_max");
        size_t m2 = rh_jx_push_index(jx, i);
        const rh_json *h = rh_json_array_get(hr, i);
        rh_hrmax_formula *x = &f->hr[i];
        const char *id = NULL;
        f->nhr++;
        rc = rh_jx_check_keys(jx, h, hkeys);
        if (rc == RH_OK)
            rc = rh_jx_str(jx, h, "id", true, &id);
        if (rc == RH_OK)
            rc = rh_jx_str(jx, h, "code", true, &x->code);
        if (rc == RH_OK)
            rc = rh_jx_num(jx, h, "intercept", true, 100, 260, &x->intercept, NULL);
        if (rc == RH_OK)
            rc = rh_jx_num(jx, h, "age_coef", true, -2, 0, &x->age_coef, NULL);
        if (rc == RH_OK)
            rc = rh_jx_str(jx, h, "note", true, &x->note);
        if (rc == RH_OK)
            rc = rh_jx_str(jx, h, "status", true, &x->status);
        if (rc == RH_OK)
            rc = read_evidence(jx, h, &x->evidence, &x->n_evidence);
        if (rc == RH_OK)
            rc = rh_catalog_reg_entry(reg, jx, id, "formula", h);
        rh_jx_pop(jx, m2);
        rh_jx_pop(jx, m1);
    }
    for (size_t i = 0; rc == RH_OK && i < rh_json_array_size(cls); i++) {
        size_t m1 = rh_jx_push_key(jx, "intensity_classes");
        size_t m2 = rh_jx_push_index(jx, i);
        const rh_json *c = rh_json_array_get(cls, i);
        const char *id = NULL;
        rh_range r;
        f->nclasses++;
        rc = rh_jx_check_keys(jx, c, ckeys);
        if (rc == RH_OK)
            rc = rh_jx_str(jx, c, "id", true, &id);
        if (rc == RH_OK)
            rc = rh_jx_str(jx, c, "class", true, &f->classes[i].klass);
        if (rc == RH_OK)
            rc = read_range(jx, c, "hrr_pct", true, 0, 100, &r);
        if (rc == RH_OK)
            rc = read_range(jx, c, "hrmax_pct", true, 0, 100, &r);
        if (rc == RH_OK)
            rc = read_range(jx, c, "rpe", true, 6, 20, &r);
        if (rc == RH_OK)
            rc = read_range(jx, c, "met", true, 0, 30, &r);
        if (rc == RH_OK)
            rc = rh_catalog_reg_entry(reg, jx, id, "intensity_class", c);
        rh_jx_pop(jx, m2);
        rh_jx_pop(jx, m1);
    }
    if (rc == RH_OK)
        rc = load_dfa_thresholds(jx, root, reg, f);
    if (rc != RH_OK) {
        rh_formulas_kind_destroy(f);
        return rc;
    }
    *obj = f;
    return RH_OK;
}

static const formulas_file *formulas(const rh_catalog *cat)
{
    size_t n;
    void *const *files = rh_catalog_objects(cat, "rehabit.formulas/1", &n);
    return n ? files[0] : NULL;
}

const rh_hrmax_formula *rh_hrmax_formula_find(const rh_catalog *cat, const char *code)
{
    const formulas_file *f = formulas(cat);
    for (size_t i = 0; f && i < f->nhr; i++)
        if (strcmp(f->hr[i].code, code) == 0)
            return &f->hr[i];
    return NULL;
}

size_t rh_hrmax_formula_count(const rh_catalog *cat)
{
    const formulas_file *f = formulas(cat);
    return f ? f->nhr : 0;
}

const rh_hrmax_formula *rh_hrmax_formula_at(const rh_catalog *cat, size_t i)
{
    const formulas_file *f = formulas(cat);
    return f && i < f->nhr ? &f->hr[i] : NULL;
}

double rh_hrmax_eval(const rh_hrmax_formula *f, double age_y)
{
    return f->intercept + f->age_coef * age_y;
}

const rh_dfa_threshold *rh_dfa_threshold_find(const rh_catalog *cat, const char *boundary)
{
    const formulas_file *f = formulas(cat);
    for (size_t i = 0; f && i < f->ndfa; i++)
        if (strcmp(f->dfa[i].boundary, boundary) == 0)
            return &f->dfa[i];
    return NULL;
}

int rh_intensity_rank(const rh_catalog *cat, const char *klass)
{
    const formulas_file *f = formulas(cat);
    for (size_t i = 0; f && i < f->nclasses; i++)
        if (strcmp(f->classes[i].klass, klass) == 0)
            return (int)i;
    return -1;
}

/* ---- rTMS ---- */

typedef struct rtms_file {
    rh_rtms_protocol *protocols;
    size_t np;
    rh_rtms_order *orders;
    size_t no;
} rtms_file;

void rh_rtms_kind_destroy(void *obj)
{
    rtms_file *f = obj;
    if (!f)
        return;
    for (size_t i = 0; i < f->np; i++)
        free_evidence(f->protocols[i].evidence);
    for (size_t i = 0; i < f->no; i++)
        free_evidence(f->orders[i].evidence);
    rh_free(f->protocols);
    rh_free(f->orders);
    rh_free(f);
}

static rh_status load_protocol(rh_jx *jx, const rh_json *p, rh_rtms_protocol *x,
                               rh_catalog_reg *reg)
{
    static const char *const keys[] = {"id",        "indication",   "target",
                                       "pattern",   "frequency_hz", "pulses_per_session",
                                       "sessions",  "schedule",     "neural_target",
                                       "rationale", "evidence",     "status",
                                       NULL};
    int64_t sessions = 0;
    bool have = false;
    x->frequency_hz = RH_NAN;
    x->pulses_per_session = RH_NAN;
    rh_status rc = rh_jx_check_keys(jx, p, keys);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, p, "id", true, &x->id);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, p, "indication", true, &x->indication);
    if (rc == RH_OK)
        rc = read_text(jx, p, "target", true, &x->target);
    if (rc == RH_OK)
        rc = read_text(jx, p, "pattern", true, &x->pattern);
    if (rc == RH_OK)
        rc = rh_jx_num(jx, p, "frequency_hz", false, 0.1, 100, &x->frequency_hz, &have);
    if (rc == RH_OK)
        rc = rh_jx_num(jx, p, "pulses_per_session", false, 1, 10000, &x->pulses_per_session, &have);
    if (rc == RH_OK)
        rc = rh_jx_int(jx, p, "sessions", true, 1, 100, &sessions, NULL);
    x->sessions = (int)sessions;
    if (rc == RH_OK)
        rc = read_text(jx, p, "schedule", true, &x->schedule);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, p, "neural_target", true, &x->neural_target);
    if (rc == RH_OK)
        rc = read_text(jx, p, "rationale", true, &x->rationale);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, p, "status", true, &x->status);
    if (rc == RH_OK)
        rc = read_evidence(jx, p, &x->evidence, &x->n_evidence);
    if (rc == RH_OK)
        rc = rh_catalog_reg_entry(reg, jx, x->id, "rtms_protocol", p);
    return rc;
}

rh_status rh_rtms_kind_load(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj)
{
    static const char *const keys[] = {RH_CATALOG_ENVELOPE_KEYS, "protocols", "order", NULL};
    static const char *const okeys[] = {"id", "code", "text", "evidence", "status", NULL};
    rh_json *ps = NULL, *os = NULL;
    rtms_file *f = rh_calloc(1, sizeof(*f));
    if (!f)
        return RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    rh_status rc = rh_jx_check_keys(jx, root, keys);
    if (rc == RH_OK)
        rc = rh_jx_array(jx, root, "protocols", true, &ps);
    if (rc == RH_OK)
        rc = rh_jx_array(jx, root, "order", true, &os);
    if (rc == RH_OK) {
        f->protocols = rh_calloc(rh_json_array_size(ps) + 1, sizeof(*f->protocols));
        f->orders = rh_calloc(rh_json_array_size(os) + 1, sizeof(*f->orders));
        if (!f->protocols || !f->orders)
            rc = RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; rc == RH_OK && i < rh_json_array_size(ps); i++) {
        size_t m1 = rh_jx_push_key(jx, "protocols");
        size_t m2 = rh_jx_push_index(jx, i);
        f->np++;
        rc = load_protocol(jx, rh_json_array_get(ps, i), &f->protocols[i], reg);
        rh_jx_pop(jx, m2);
        rh_jx_pop(jx, m1);
    }
    for (size_t i = 0; rc == RH_OK && i < rh_json_array_size(os); i++) {
        size_t m1 = rh_jx_push_key(jx, "order");
        size_t m2 = rh_jx_push_index(jx, i);
        const rh_json *o = rh_json_array_get(os, i);
        rh_rtms_order *x = &f->orders[i];
        f->no++;
        rc = rh_jx_check_keys(jx, o, okeys);
        if (rc == RH_OK)
            rc = rh_jx_str(jx, o, "id", true, &x->id);
        if (rc == RH_OK)
            rc = rh_jx_str(jx, o, "code", true, &x->code);
        if (rc == RH_OK)
            rc = read_text(jx, o, "text", true, &x->text);
        if (rc == RH_OK)
            rc = rh_jx_str(jx, o, "status", true, &x->status);
        if (rc == RH_OK)
            rc = read_evidence(jx, o, &x->evidence, &x->n_evidence);
        if (rc == RH_OK)
            rc = rh_catalog_reg_entry(reg, jx, x->id, "rtms_order", o);
        rh_jx_pop(jx, m2);
        rh_jx_pop(jx, m1);
    }
    if (rc != RH_OK) {
        rh_rtms_kind_destroy(f);
        return rc;
    }
    *obj = f;
    return RH_OK;
}

rh_status rh_rtms_kind_link(void *obj, const rh_catalog *cat, rh_jx *jx)
{
    const rtms_file *f = obj;
    for (size_t i = 0; i < f->np; i++) {
        rh_status rc = check_neural_target(cat, jx, "protocols", i, f->protocols[i].neural_target);
        if (rc != RH_OK)
            return rc;
    }
    return RH_OK;
}

const rh_rtms_protocol *rh_rtms_protocol_find(const rh_catalog *cat, const char *id)
{
    size_t n;
    void *const *files = rh_catalog_objects(cat, "rehabit.rtms/1", &n);
    for (size_t k = 0; k < n; k++) {
        const rtms_file *f = files[k];
        for (size_t i = 0; i < f->np; i++)
            if (strcmp(f->protocols[i].id, id) == 0)
                return &f->protocols[i];
    }
    return NULL;
}

const rh_rtms_order *rh_rtms_order_find(const rh_catalog *cat, const char *code)
{
    size_t n;
    void *const *files = rh_catalog_objects(cat, "rehabit.rtms/1", &n);
    for (size_t k = 0; k < n; k++) {
        const rtms_file *f = files[k];
        for (size_t i = 0; i < f->no; i++)
            if (strcmp(f->orders[i].code, code) == 0)
                return &f->orders[i];
    }
    return NULL;
}

const char *const rh_plandata_ref_kinds[] = {"rtms_protocol", "rtms_order", "hr_max_formula",
                                             "intensity_class", NULL};

bool rh_plandata_ref_exists(const rh_catalog *cat, const char *ref_kind, const char *value)
{
    if (strcmp(ref_kind, "rtms_protocol") == 0)
        return rh_rtms_protocol_find(cat, value) != NULL;
    if (strcmp(ref_kind, "rtms_order") == 0)
        return rh_rtms_order_find(cat, value) != NULL;
    if (strcmp(ref_kind, "hr_max_formula") == 0)
        return strcmp(value, "MEASURED") == 0 || rh_hrmax_formula_find(cat, value) != NULL;
    if (strcmp(ref_kind, "intensity_class") == 0)
        return rh_intensity_rank(cat, value) >= 0;
    return false;
}

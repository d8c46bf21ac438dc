/* SPDX-License-Identifier: MIT */
#include "core/policy.h"

#include "base/alloc.h"
#include "core/catalog_kinds.h"
#include "core/plandata.h"

#include <stdio.h>
#include <string.h>

typedef enum ptype { PT_NUMBER, PT_BOOL, PT_STRING, PT_TEXT } ptype;

typedef struct policy {
    const char *id; /* "policy.b2_clearance_window_months" */
    ptype type;
    double num, lo, hi;
    bool b;
    const char *str;
    const char **choices;
    size_t nchoices;
    const char *refers_to; /* rh_plandata_ref_kinds entry the choices name, or NULL */
} policy;

typedef struct policy_file {
    policy *items;
    size_t n;
} policy_file;

void rh_policy_kind_destroy(void *obj)
{
    policy_file *f = obj;
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++)
        rh_free(f->items[i].choices);
    rh_free(f->items);
    rh_free(f);
}

static rh_status load_policy(rh_jx *jx, const rh_json *j, policy *p, rh_catalog_reg *reg)
{
    static const char *const keys[] = {"id",     "type",     "default",   "min",
                                       "max",    "choices",  "unit",      "text",
                                       "status", "evidence", "refers_to", NULL};
    static const char *const types[] = {"number", "boolean", "string", "text", NULL};
    int t = 0;
    rh_status rc = rh_jx_check_keys(jx, j, keys);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, j, "id", true, &p->id);
    if (rc == RH_OK && strncmp(p->id, "policy.", 7) != 0)
        rc = rh_jx_fail(jx, "id", RH_E_INVALID, "policy ids start with 'policy.'");
    if (rc == RH_OK)
        rc = rh_jx_enum(jx, j, "type", true, types, &t, NULL);
    if (rc != RH_OK)
        return rc;
    p->type = (ptype)t;
    const char *text = NULL, *status = NULL;
    if ((rc = rh_jx_str(jx, j, "text", true, &text)) != RH_OK ||
        (rc = rh_jx_str(jx, j, "status", true, &status)) != RH_OK)
        return rc;
    if (p->type == PT_NUMBER) {
        if ((rc = rh_jx_num(jx, j, "min", true, -1e9, 1e9, &p->lo, NULL)) != RH_OK ||
            (rc = rh_jx_num(jx, j, "max", true, p->lo, 1e9, &p->hi, NULL)) != RH_OK ||
            (rc = rh_jx_num(jx, j, "default", true, p->lo, p->hi, &p->num, NULL)) != RH_OK)
            return rc;
    } else if (p->type == PT_BOOL) {
        if ((rc = rh_jx_bool(jx, j, "default", true, &p->b, NULL)) != RH_OK)
            return rc;
    } else if (p->type == PT_TEXT) {
        if ((rc = rh_jx_str(jx, j, "default", true, &p->str)) != RH_OK)
            return rc;
    } else {
        rh_json *ch = NULL;
        if ((rc = rh_jx_array(jx, j, "choices", true, &ch)) != RH_OK ||
            (rc = rh_jx_str(jx, j, "default", true, &p->str)) != RH_OK)
            return rc;
        p->nchoices = rh_json_array_size(ch);
        p->choices = rh_calloc(p->nchoices ? p->nchoices : 1, sizeof(char *));
        if (!p->choices)
            return RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
        bool found = false;
        for (size_t i = 0; i < p->nchoices; i++) {
            p->choices[i] = rh_json_string(rh_json_array_get(ch, i));
            if (!p->choices[i])
                return rh_jx_fail(jx, "choices", RH_E_INVALID, "choices must be strings");
            found |= strcmp(p->choices[i], p->str) == 0;
        }
        if (!found)
            return rh_jx_fail(jx, "default", RH_E_INVALID, "'%s' is not one of the choices",
                              p->str);
        int r = 0;
        bool has = false;
        if ((rc = rh_jx_enum(jx, j, "refers_to", false, rh_plandata_ref_kinds, &r, &has)) != RH_OK)
            return rc;
        p->refers_to = has ? rh_plandata_ref_kinds[r] : NULL;
    }
    return rh_catalog_reg_entry(reg, jx, p->id, "policy", j);
}

rh_status rh_policy_kind_load(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj)
{
    static const char *const keys[] = {RH_CATALOG_ENVELOPE_KEYS, "policies", NULL};
    rh_json *arr = NULL;
    policy_file *f = rh_calloc(1, sizeof(*f));
    if (!f)
        return RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    rh_status rc = rh_jx_check_keys(jx, root, keys);
    if (rc == RH_OK)
        rc = rh_jx_array(jx, root, "policies", true, &arr);
    size_t n = rh_json_array_size(arr);
    if (rc == RH_OK) {
        f->items = rh_calloc(n ? n : 1, sizeof(policy));
        if (!f->items)
            rc = RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; rc == RH_OK && i < n; i++) {
        size_t m1 = rh_jx_push_key(jx, "policies");
        size_t m2 = rh_jx_push_index(jx, i);
        f->n++;
        rc = load_policy(jx, rh_json_array_get(arr, i), &f->items[i], reg);
        rh_jx_pop(jx, m2);
        rh_jx_pop(jx, m1);
    }
    if (rc != RH_OK) {
        rh_policy_kind_destroy(f);
        return rc;
    }
    *obj = f;
    return RH_OK;
}

rh_status rh_policy_kind_link(void *obj, const rh_catalog *cat, rh_jx *jx)
{
    const policy_file *f = obj;
    for (size_t i = 0; i < f->n; i++) {
        const policy *p = &f->items[i];
        for (size_t k = 0; p->refers_to && k < p->nchoices; k++) {
            if (rh_plandata_ref_exists(cat, p->refers_to, p->choices[k]))
                continue;
            return rh_jx_fail_at(jx, "policies", i, "choices", RH_E_NOTFOUND,
                                 "'%s' is not a known %s", p->choices[k], p->refers_to);
        }
    }
    return RH_OK;
}

static const policy *find(const rh_catalog *cat, const char *id)
{
    size_t n;
    void *const *files = rh_catalog_objects(cat, "rehabit.policy/1", &n);
    for (size_t k = 0; k < n; k++) {
        const policy_file *f = files[k];
        for (size_t i = 0; i < f->n; i++)
            if (strcmp(f->items[i].id, id) == 0)
                return &f->items[i];
    }
    return NULL;
}

static rh_status set_override(const policy *p, const rh_json *v, rh_jx *jx, const char *key,
                              const char *source, rh_facts *facts)
{
    switch (p->type) {
    case PT_NUMBER: {
        double d = rh_json_number(v);
        if (!rh_json_is_number(v))
            return rh_jx_fail(jx, key, RH_E_INVALID, "expected a number");
        if (!(d >= p->lo && d <= p->hi))
            return rh_jx_fail(jx, key, RH_E_RANGE, "%g is outside the allowed range [%g, %g]", d,
                              p->lo, p->hi);
        return rh_facts_set_num(facts, p->id, d, source);
    }
    case PT_BOOL:
        if (!rh_json_is_bool(v))
            return rh_jx_fail(jx, key, RH_E_INVALID, "expected true or false");
        return rh_facts_set_bool(facts, p->id, rh_json_true(v), source);
    case PT_TEXT:
        if (!rh_json_is_string(v) || strlen(rh_json_string(v)) > 200)
            return rh_jx_fail(jx, key, RH_E_INVALID, "expected a text of at most 200 characters");
        return rh_facts_set_str(facts, p->id, rh_json_string(v), source);
    default: {
        const char *s = rh_json_string(v);
        for (size_t i = 0; s && i < p->nchoices; i++)
            if (strcmp(s, p->choices[i]) == 0)
                return rh_facts_set_str(facts, p->id, s, source);
        return rh_jx_fail(jx, key, RH_E_INVALID, "not one of the allowed choices");
    }
    }
}

rh_status rh_policy_apply(const rh_catalog *cat, const rh_json *overrides, const char *source,
                          rh_facts *facts, rh_err *err)
{
    size_t n;
    void *const *files = rh_catalog_objects(cat, "rehabit.policy/1", &n);
    for (size_t k = 0; k < n; k++) {
        const policy_file *f = files[k];
        for (size_t i = 0; i < f->n; i++) {
            const policy *p = &f->items[i];
            rh_status rc = p->type == PT_NUMBER ? rh_facts_set_num(facts, p->id, p->num, "policy")
                           : p->type == PT_BOOL ? rh_facts_set_bool(facts, p->id, p->b, "policy")
                                                : rh_facts_set_str(facts, p->id, p->str, "policy");
            if (rc != RH_OK)
                return RH_FAIL(err, rc, "out of memory applying site policies");
        }
    }
    if (!overrides)
        return RH_OK;
    rh_jx jx;
    rh_jx_init(&jx, source, err);
    if (!rh_json_is_object(overrides))
        return rh_jx_fail(&jx, NULL, RH_E_INVALID, "site settings must be a JSON object");
    rh_json_iter it;
    const char *key;
    rh_json *v;
    rh_json_iter_init(&it, overrides);
    while (rh_json_iter_next(&it, &key, &v)) {
        const policy *p = find(cat, key);
        if (!p)
            return rh_jx_fail(&jx, key, RH_E_INVALID,
                              "'%s' is not a site policy (see 'rehabit kb list policy')", key);
        char src[256];
        snprintf(src, sizeof(src), "site:%s", source);
        rh_status rc = set_override(p, v, &jx, key, src, facts);
        if (rc != RH_OK)
            return rc == RH_E_NOMEM ? RH_FAIL(err, rc, "out of memory") : rc;
    }
    return RH_OK;
}

void rh_policy_write(const rh_catalog *cat, const rh_facts *facts, rh_jw *w)
{
    rh_jw_obj_begin(w);
    size_t n;
    void *const *files = rh_catalog_objects(cat, "rehabit.policy/1", &n);
    for (size_t k = 0; k < n; k++) {
        const policy_file *f = files[k];
        for (size_t i = 0; i < f->n; i++) {
            rh_jw_key(w, f->items[i].id);
            rh_fact_write_value(rh_facts_get(facts, f->items[i].id), w);
        }
    }
    rh_jw_obj_end(w);
}

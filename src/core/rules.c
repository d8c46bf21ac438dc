/* SPDX-License-Identifier: MIT */
#include "core/rules.h"

#include "base/alloc.h"
#include "base/buf.h"
#include "core/catalog_kinds.h"
#include "core/plandata.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- model -- */

typedef enum opd_kind {
    OPD_NONE,
    OPD_BOOL,
    OPD_NUM,
    OPD_STR,
    OPD_NULL,
    OPD_FACT,
    OPD_LIST
} opd_kind;

typedef struct operand {
    opd_kind kind;
    bool b;
    double num;
    const char *str; /* OPD_STR value or OPD_FACT name */
    const char **list;
    size_t nlist;
} operand;

typedef enum pred_kind {
    P_ALL,
    P_ANY,
    P_NOT,
    P_ALWAYS,
    P_IS,
    P_EQ,
    P_NE,
    P_IN,
    P_LT,
    P_LTE,
    P_GT,
    P_GTE,
    P_KNOWN,
} pred_kind;

static const char *const compare_ops[] = {"is",  "eq", "ne",  "in",    "lt",
                                          "lte", "gt", "gte", "known", NULL};
static const pred_kind compare_kinds[] = {P_IS,  P_EQ, P_NE,  P_IN,   P_LT,
                                          P_LTE, P_GT, P_GTE, P_KNOWN};

typedef struct pred {
    pred_kind kind;
    const char *fact;
    operand v;
    struct pred *kids;
    size_t nkids;
} pred;

typedef enum effect_kind { EF_SET, EF_DECIDE, EF_FLAG, EF_ADVICE, EF_COMPONENT } effect_kind;

typedef struct effect {
    effect_kind kind;
    const char *target; /* fact name, domain, flag/advice code, component id */
    operand value;
    const char *severity;
} effect;

struct rh_rule {
    const char *id;
    const char *phase;
    const char *status;
    const char *text_en;
    const char *text_zh;
    const char **evidence;
    size_t nevidence;
    pred when;
    effect *then;
    size_t nthen;
    const char **inputs; /* distinct fact names read by `when` */
    size_t ninputs;
};

typedef struct ruleset {
    const char *phase;
    rh_rule *rules;
    size_t n;
} ruleset;

typedef struct domain {
    const char *id;
    bool combine_max;
    const char **values;
    size_t nvalues;
    const char *default_value;
    const char *refers_to; /* rh_plandata_ref_kinds entry, or NULL */
} domain;

typedef struct decisions {
    const char **phases;
    size_t nphases;
    domain *domains;
    size_t ndomains;
} decisions;

/* ------------------------------------------------------------- loading -- */

static const char *const severities[] = {"info", "warning", "critical", NULL};

static void pred_release(pred *p)
{
    for (size_t i = 0; i < p->nkids; i++)
        pred_release(&p->kids[i]);
    rh_free(p->kids);
    rh_free(p->v.list);
    memset(p, 0, sizeof(*p));
}

static rh_status load_operand(rh_jx *jx, const rh_json *v, const char *key, operand *out,
                              bool allow_list)
{
    size_t mark = rh_jx_push_key(jx, key);
    rh_status rc = RH_OK;
    if (rh_json_is_bool(v)) {
        out->kind = OPD_BOOL;
        out->b = rh_json_true(v);
    } else if (rh_json_is_number(v)) {
        out->kind = OPD_NUM;
        out->num = rh_json_number(v);
    } else if (rh_json_is_string(v)) {
        out->kind = OPD_STR;
        out->str = rh_json_string(v);
    } else if (rh_json_is_null(v)) {
        out->kind = OPD_NULL;
    } else if (rh_json_is_object(v)) {
        static const char *const keys[] = {"fact", NULL};
        rc = rh_jx_check_keys(jx, v, keys);
        if (rc == RH_OK)
            rc = rh_jx_str(jx, v, "fact", true, &out->str);
        out->kind = OPD_FACT;
    } else if (rh_json_is_array(v) && allow_list) {
        size_t n = rh_json_array_size(v);
        out->kind = OPD_LIST;
        out->list = rh_calloc(n ? n : 1, sizeof(char *));
        if (!out->list) {
            rc = RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
        } else {
            for (size_t i = 0; i < n && rc == RH_OK; i++) {
                const char *s = rh_json_string(rh_json_array_get(v, i));
                if (!s)
                    rc = rh_jx_fail(jx, NULL, RH_E_INVALID, "item %zu of the list is not a string",
                                    i);
                else
                    out->list[out->nlist++] = s;
            }
        }
    } else {
        rc = rh_jx_fail(jx, NULL, RH_E_INVALID, "unsupported operand");
    }
    rh_jx_pop(jx, mark);
    return rc;
}

static rh_status load_pred(rh_jx *jx, const rh_json *j, pred *p, int depth);

static rh_status load_pred_list(rh_jx *jx, const rh_json *arr, const char *key, pred *p, int depth)
{
    size_t mark = rh_jx_push_key(jx, key);
    rh_status rc = RH_OK;
    if (!rh_json_is_array(arr) || rh_json_array_size(arr) == 0) {
        rc = rh_jx_fail(jx, NULL, RH_E_INVALID, "expected a non-empty array of conditions");
        goto out;
    }
    p->nkids = rh_json_array_size(arr);
    p->kids = rh_calloc(p->nkids, sizeof(pred));
    if (!p->kids) {
        p->nkids = 0;
        rc = RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < p->nkids && rc == RH_OK; i++) {
        size_t m2 = rh_jx_push_index(jx, i);
        rc = load_pred(jx, rh_json_array_get(arr, i), &p->kids[i], depth + 1);
        rh_jx_pop(jx, m2);
    }
out:
    rh_jx_pop(jx, mark);
    return rc;
}

static rh_status load_pred(rh_jx *jx, const rh_json *j, pred *p, int depth)
{
    if (depth > 32)
        return rh_jx_fail(jx, NULL, RH_E_LIMIT, "conditions nested too deeply");
    if (!rh_json_is_object(j))
        return rh_jx_fail(jx, NULL, RH_E_INVALID, "a condition must be an object");
    rh_json *v;
    if ((v = rh_jx_get(j, "all")) || (v = rh_jx_get(j, "any"))) {
        static const char *const k1[] = {"all", NULL}, *const k2[] = {"any", NULL};
        bool all = rh_jx_get(j, "all") != NULL;
        rh_status rc = rh_jx_check_keys(jx, j, all ? k1 : k2);
        if (rc != RH_OK)
            return rc;
        p->kind = all ? P_ALL : P_ANY;
        return load_pred_list(jx, v, all ? "all" : "any", p, depth);
    }
    if ((v = rh_jx_get(j, "not"))) {
        static const char *const keys[] = {"not", NULL};
        rh_status rc = rh_jx_check_keys(jx, j, keys);
        if (rc != RH_OK)
            return rc;
        p->kind = P_NOT;
        p->kids = rh_calloc(1, sizeof(pred));
        if (!p->kids)
            return RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
        p->nkids = 1;
        size_t mark = rh_jx_push_key(jx, "not");
        rc = load_pred(jx, v, &p->kids[0], depth + 1);
        rh_jx_pop(jx, mark);
        return rc;
    }
    if ((v = rh_jx_get(j, "always"))) {
        static const char *const keys[] = {"always", NULL};
        rh_status rc = rh_jx_check_keys(jx, j, keys);
        if (rc == RH_OK && !rh_json_true(v))
            rc = rh_jx_fail(jx, "always", RH_E_INVALID, "'always' must be true");
        p->kind = P_ALWAYS;
        return rc;
    }
    rh_status rc = rh_jx_str(jx, j, "fact", true, &p->fact);
    if (rc != RH_OK)
        return rc;
    int found = -1;
    const char *opkey = NULL;
    rh_json_iter it;
    const char *key;
    rh_json *val;
    rh_json_iter_init(&it, j);
    while (rh_json_iter_next(&it, &key, &val)) {
        if (strcmp(key, "fact") == 0)
            continue;
        int idx = -1;
        for (int i = 0; compare_ops[i]; i++)
            if (strcmp(compare_ops[i], key) == 0)
                idx = i;
        if (idx < 0)
            return rh_jx_fail(jx, key, RH_E_INVALID, "unknown comparison '%s'", key);
        if (found >= 0)
            return rh_jx_fail(jx, key, RH_E_INVALID, "one comparison per condition");
        found = idx;
        opkey = key;
    }
    if (found < 0)
        return rh_jx_fail(jx, NULL, RH_E_INVALID, "condition on '%s' has no comparison", p->fact);
    p->kind = compare_kinds[found];
    rc = load_operand(jx, rh_jx_get(j, opkey), opkey, &p->v, p->kind == P_IN);
    if (rc != RH_OK)
        return rc;
    bool ok = true;
    switch (p->kind) {
    case P_IS:
    case P_KNOWN:
        ok = p->v.kind == OPD_BOOL;
        break;
    case P_IN:
        ok = p->v.kind == OPD_LIST;
        break;
    case P_LT:
    case P_LTE:
    case P_GT:
    case P_GTE:
        ok = p->v.kind == OPD_NUM || p->v.kind == OPD_FACT;
        break;
    default:
        ok = p->v.kind != OPD_LIST;
        break;
    }
    if (!ok)
        return rh_jx_fail(jx, opkey, RH_E_INVALID, "wrong operand type for '%s'", opkey);
    return RH_OK;
}

static rh_status load_effect(rh_jx *jx, const rh_json *j, effect *e)
{
    static const char *const keys[] = {"set",       "decide", "flag",     "advice",
                                       "component", "value",  "severity", NULL};
    rh_status rc = rh_jx_check_keys(jx, j, keys);
    if (rc != RH_OK)
        return rc;
    static const char *const verbs[] = {"set", "decide", "flag", "advice", "component"};
    int nverbs = 0;
    for (int i = 0; i < 5; i++) {
        if (rh_jx_get(j, verbs[i])) {
            nverbs++;
            e->kind = (effect_kind)i;
            rc = rh_jx_str(jx, j, verbs[i], true, &e->target);
            if (rc != RH_OK)
                return rc;
        }
    }
    if (nverbs != 1)
        return rh_jx_fail(jx, NULL, RH_E_INVALID,
                          "an effect needs exactly one of set, decide, flag, advice, component");
    rh_json *v = rh_jx_get(j, "value");
    if (e->kind == EF_SET || e->kind == EF_DECIDE) {
        if (!v)
            return rh_jx_fail(jx, "value", RH_E_INVALID, "'%s' needs a value", verbs[e->kind]);
        rc = load_operand(jx, v, "value", &e->value, false);
        if (rc == RH_OK && e->kind == EF_DECIDE && e->value.kind != OPD_STR)
            rc = rh_jx_fail(jx, "value", RH_E_INVALID, "a decision value must be a string");
        if (rc != RH_OK)
            return rc;
    } else if (v) {
        return rh_jx_fail(jx, "value", RH_E_INVALID, "'%s' takes no value", verbs[e->kind]);
    }
    if (e->kind == EF_FLAG) {
        int s = 0;
        rc = rh_jx_enum(jx, j, "severity", true, severities, &s, NULL);
        e->severity = severities[s];
    } else if (rh_jx_get(j, "severity")) {
        rc = rh_jx_fail(jx, "severity", RH_E_INVALID, "only flags have a severity");
    }
    return rc;
}

static rh_status add_input(rh_rule *r, const char *name)
{
    for (size_t i = 0; i < r->ninputs; i++)
        if (strcmp(r->inputs[i], name) == 0)
            return RH_OK;
    const char **p = rh_reallocarray(r->inputs, r->ninputs + 1, sizeof(*p));
    if (!p)
        return RH_E_NOMEM;
    r->inputs = p;
    r->inputs[r->ninputs++] = name;
    return RH_OK;
}

static rh_status collect_inputs(rh_rule *r, const pred *p)
{
    rh_status rc = RH_OK;
    if (p->fact)
        rc = add_input(r, p->fact);
    if (rc == RH_OK && p->v.kind == OPD_FACT)
        rc = add_input(r, p->v.str);
    for (size_t i = 0; rc == RH_OK && i < p->nkids; i++)
        rc = collect_inputs(r, &p->kids[i]);
    return rc;
}

static void rule_release(rh_rule *r)
{
    pred_release(&r->when);
    rh_free(r->then);
    rh_free(r->evidence);
    rh_free(r->inputs);
}

static rh_status load_rule(rh_jx *jx, const rh_json *j, const char *phase, rh_rule *r,
                           rh_catalog_reg *reg)
{
    static const char *const keys[] = {"id",     "when",     "then",    "text",
                                       "status", "evidence", "comment", NULL};
    rh_json *when = NULL, *then = NULL, *text = NULL, *ev = NULL;
    rh_status rc = rh_jx_check_keys(jx, j, keys);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, j, "id", true, &r->id);
    if (rc == RH_OK)
        rc = rh_jx_object(jx, j, "when", true, &when);
    if (rc == RH_OK)
        rc = rh_jx_array(jx, j, "then", true, &then);
    if (rc == RH_OK)
        rc = rh_jx_object(jx, j, "text", true, &text);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, j, "status", true, &r->status);
    if (rc == RH_OK)
        rc = rh_jx_array(jx, j, "evidence", true, &ev);
    if (rc != RH_OK)
        return rc;
    r->phase = phase;
    size_t mark = rh_jx_push_key(jx, "text");
    static const char *const tkeys[] = {"en", "zh", NULL};
    rc = rh_jx_check_keys(jx, text, tkeys);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, text, "en", true, &r->text_en);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, text, "zh", false, &r->text_zh);
    rh_jx_pop(jx, mark);
    if (rc != RH_OK)
        return rc;
    r->nevidence = rh_json_array_size(ev);
    r->evidence = rh_calloc(r->nevidence ? r->nevidence : 1, sizeof(char *));
    if (!r->evidence)
        return RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    for (size_t i = 0; i < r->nevidence; i++)
        r->evidence[i] = rh_json_string(rh_json_array_get(ev, i)); /* checked by the catalog */
    mark = rh_jx_push_key(jx, "when");
    rc = load_pred(jx, when, &r->when, 0);
    rh_jx_pop(jx, mark);
    if (rc != RH_OK)
        return rc;
    if (collect_inputs(r, &r->when) != RH_OK)
        return RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    r->nthen = rh_json_array_size(then);
    if (r->nthen == 0)
        return rh_jx_fail(jx, "then", RH_E_INVALID, "a rule needs at least one effect");
    r->then = rh_calloc(r->nthen, sizeof(effect));
    if (!r->then)
        return RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    mark = rh_jx_push_key(jx, "then");
    for (size_t i = 0; i < r->nthen && rc == RH_OK; i++) {
        size_t m2 = rh_jx_push_index(jx, i);
        rc = load_effect(jx, rh_json_array_get(then, i), &r->then[i]);
        rh_jx_pop(jx, m2);
    }
    rh_jx_pop(jx, mark);
    if (rc != RH_OK)
        return rc;
    return rh_catalog_reg_entry(reg, jx, r->id, "rule", j);
}

void rh_rules_kind_destroy(void *obj)
{
    ruleset *rs = obj;
    if (!rs)
        return;
    for (size_t i = 0; i < rs->n; i++)
        rule_release(&rs->rules[i]);
    rh_free(rs->rules);
    rh_free(rs);
}

rh_status rh_rules_kind_load(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj)
{
    static const char *const keys[] = {RH_CATALOG_ENVELOPE_KEYS, "phase", "rules", NULL};
    rh_json *rules = NULL;
    ruleset *rs = rh_calloc(1, sizeof(*rs));
    if (!rs)
        return RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    rh_status rc = rh_jx_check_keys(jx, root, keys);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, root, "phase", true, &rs->phase);
    if (rc == RH_OK)
        rc = rh_jx_array(jx, root, "rules", true, &rules);
    if (rc == RH_OK) {
        size_t n = rh_json_array_size(rules);
        rs->rules = rh_calloc(n ? n : 1, sizeof(rh_rule));
        if (!rs->rules)
            rc = RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
        size_t m1 = rh_jx_push_key(jx, "rules");
        for (size_t i = 0; i < n && rc == RH_OK; i++) {
            size_t m2 = rh_jx_push_index(jx, i);
            rs->n++;
            rc = load_rule(jx, rh_json_array_get(rules, i), rs->phase, &rs->rules[i], reg);
            rh_jx_pop(jx, m2);
        }
        rh_jx_pop(jx, m1);
    }
    if (rc != RH_OK) {
        rh_rules_kind_destroy(rs);
        return rc;
    }
    *obj = rs;
    return RH_OK;
}

static const decisions *find_decisions(const rh_catalog *cat)
{
    size_t n;
    void *const *objs = rh_catalog_objects(cat, "rehabit.decisions/1", &n);
    return n ? objs[0] : NULL;
}

static const domain *find_domain(const decisions *d, const char *id)
{
    for (size_t i = 0; d && i < d->ndomains; i++)
        if (strcmp(d->domains[i].id, id) == 0)
            return &d->domains[i];
    return NULL;
}

static int value_rank(const domain *d, const char *v)
{
    for (size_t i = 0; i < d->nvalues; i++)
        if (strcmp(d->values[i], v) == 0)
            return (int)i;
    return -1;
}

bool rh_decision_domain_has_value(const rh_catalog *cat, const char *domain_id, const char *value)
{
    const domain *d = find_domain(find_decisions(cat), domain_id);
    return d && value_rank(d, value) >= 0;
}

rh_status rh_rules_kind_link(void *obj, const rh_catalog *cat, rh_jx *jx)
{
    ruleset *rs = obj;
    const decisions *dec = find_decisions(cat);
    if (!dec)
        return rh_jx_fail(jx, NULL, RH_E_NOTFOUND, "the catalog has no decisions file");
    bool phase_ok = false;
    for (size_t i = 0; i < dec->nphases; i++)
        phase_ok |= strcmp(dec->phases[i], rs->phase) == 0;
    if (!phase_ok)
        return rh_jx_fail(jx, "phase", RH_E_INVALID, "unknown phase '%s'", rs->phase);
    for (size_t i = 0; i < rs->n; i++) {
        const rh_rule *r = &rs->rules[i];
        for (size_t k = 0; k < r->nthen; k++) {
            const effect *e = &r->then[k];
            size_t m1 = rh_jx_push_key(jx, "rules");
            size_t m2 = rh_jx_push_index(jx, i);
            size_t m3 = rh_jx_push_key(jx, "then");
            size_t m4 = rh_jx_push_index(jx, k);
            rh_status rc = RH_OK;
            if (e->kind == EF_DECIDE) {
                const domain *d = find_domain(dec, e->target);
                if (!d)
                    rc = rh_jx_fail(jx, "decide", RH_E_NOTFOUND, "unknown decision domain '%s'",
                                    e->target);
                else if (value_rank(d, e->value.str) < 0)
                    rc = rh_jx_fail(jx, "value", RH_E_INVALID, "'%s' is not a value of '%s'",
                                    e->value.str, e->target);
            } else if (e->kind == EF_COMPONENT) {
                const rh_catalog_entry *ent = rh_catalog_find(cat, e->target);
                if (!ent || strcmp(ent->kind, "component") != 0)
                    rc = rh_jx_fail(jx, "component", RH_E_NOTFOUND,
                                    "component template '%s' is not in the catalog", e->target);
            }
            rh_jx_pop(jx, m4);
            rh_jx_pop(jx, m3);
            rh_jx_pop(jx, m2);
            rh_jx_pop(jx, m1);
            if (rc != RH_OK)
                return rc;
        }
    }
    return RH_OK;
}

void rh_decisions_kind_destroy(void *obj)
{
    decisions *d = obj;
    if (!d)
        return;
    for (size_t i = 0; i < d->ndomains; i++)
        rh_free(d->domains[i].values);
    rh_free(d->domains);
    rh_free(d->phases);
    rh_free(d);
}

rh_status rh_decisions_kind_link(void *obj, const rh_catalog *cat, rh_jx *jx)
{
    const decisions *d = obj;
    for (size_t i = 0; i < d->ndomains; i++) {
        const domain *dm = &d->domains[i];
        for (size_t k = 0; dm->refers_to && k < dm->nvalues; k++) {
            if (rh_plandata_ref_exists(cat, dm->refers_to, dm->values[k]))
                continue;
            return rh_jx_fail_at(jx, "domains", i, "values", RH_E_NOTFOUND,
                                 "'%s' is not a known %s", dm->values[k], dm->refers_to);
        }
    }
    return RH_OK;
}

static rh_status load_string_list(rh_jx *jx, const rh_json *arr, const char *key, const char ***out,
                                  size_t *n)
{
    size_t mark = rh_jx_push_key(jx, key);
    rh_status rc = RH_OK;
    *n = rh_json_array_size(arr);
    *out = rh_calloc(*n ? *n : 1, sizeof(char *));
    if (!*out) {
        rc = RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    } else {
        for (size_t i = 0; i < *n && rc == RH_OK; i++) {
            (*out)[i] = rh_json_string(rh_json_array_get(arr, i));
            if (!(*out)[i])
                rc = rh_jx_fail(jx, NULL, RH_E_INVALID, "item %zu is not a string", i);
        }
    }
    rh_jx_pop(jx, mark);
    return rc;
}

rh_status rh_decisions_kind_load(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj)
{
    (void)reg;
    static const char *const keys[] = {RH_CATALOG_ENVELOPE_KEYS, "phases", "domains", NULL};
    static const char *const dkeys[] = {"id",        "combine", "values", "default",
                                        "refers_to", "comment", NULL};
    static const char *const combines[] = {"max", "first", NULL};
    rh_json *phases = NULL, *domains = NULL;
    decisions *d = rh_calloc(1, sizeof(*d));
    if (!d)
        return RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    rh_status rc = rh_jx_check_keys(jx, root, keys);
    if (rc == RH_OK)
        rc = rh_jx_array(jx, root, "phases", true, &phases);
    if (rc == RH_OK)
        rc = rh_jx_array(jx, root, "domains", true, &domains);
    if (rc == RH_OK)
        rc = load_string_list(jx, phases, "phases", &d->phases, &d->nphases);
    if (rc == RH_OK) {
        d->ndomains = rh_json_array_size(domains);
        d->domains = rh_calloc(d->ndomains ? d->ndomains : 1, sizeof(domain));
        if (!d->domains) {
            d->ndomains = 0;
            rc = RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
        }
    }
    for (size_t i = 0; rc == RH_OK && i < d->ndomains; i++) {
        size_t m1 = rh_jx_push_key(jx, "domains");
        size_t m2 = rh_jx_push_index(jx, i);
        const rh_json *dj = rh_json_array_get(domains, i);
        domain *dm = &d->domains[i];
        rh_json *values = NULL;
        int comb = 0;
        rc = rh_jx_check_keys(jx, dj, dkeys);
        if (rc == RH_OK)
            rc = rh_jx_str(jx, dj, "id", true, &dm->id);
        if (rc == RH_OK)
            rc = rh_jx_enum(jx, dj, "combine", true, combines, &comb, NULL);
        if (rc == RH_OK)
            rc = rh_jx_array(jx, dj, "values", true, &values);
        if (rc == RH_OK)
            rc = load_string_list(jx, values, "values", &dm->values, &dm->nvalues);
        if (rc == RH_OK)
            rc = rh_jx_str(jx, dj, "default", false, &dm->default_value);
        if (rc == RH_OK && dm->default_value && value_rank(dm, dm->default_value) < 0)
            rc = rh_jx_fail(jx, "default", RH_E_INVALID, "'%s' is not one of the values",
                            dm->default_value);
        if (rc == RH_OK) {
            int r = 0;
            bool has = false;
            rc = rh_jx_enum(jx, dj, "refers_to", false, rh_plandata_ref_kinds, &r, &has);
            dm->refers_to = has ? rh_plandata_ref_kinds[r] : NULL;
        }
        dm->combine_max = comb == 0;
        rh_jx_pop(jx, m2);
        rh_jx_pop(jx, m1);
    }
    if (rc != RH_OK) {
        rh_decisions_kind_destroy(d);
        return rc;
    }
    *obj = d;
    return RH_OK;
}

void rh_rule_get_info(const rh_rule *r, rh_rule_info *out)
{
    out->id = r->id;
    out->phase = r->phase;
    out->status = r->status;
    out->text_en = r->text_en;
    out->text_zh = r->text_zh;
    out->evidence = r->evidence;
    out->n_evidence = r->nevidence;
}

/* -------------------------------------------------------------- engine -- */

typedef struct snapshot {
    const char *name; /* borrowed from the rule */
    rh_fact_type type;
    bool b;
    double num;
    char *str;
    char *source;
    bool assumed;
    bool present;
} snapshot;

typedef struct dom_state {
    const domain *d;
    const char *value;
    int rank;
    const rh_rule **reasons;
    size_t nreasons;
} dom_state;

typedef struct item_list {
    rh_effect_item *items;
    size_t n;
} item_list;

struct rh_engine {
    const rh_catalog *cat;
    rh_facts *facts;
    const decisions *dec;
    dom_state *doms;
    item_list flags, advice, components;
    rh_fired *fired;
    size_t nfired;
    snapshot *snaps;
    size_t nsnaps;
    rh_buf text;
};

rh_status rh_engine_create(const rh_catalog *cat, rh_facts *facts, rh_engine **out)
{
    rh_engine *e = rh_calloc(1, sizeof(*e));
    if (!e)
        return RH_E_NOMEM;
    e->cat = cat;
    e->facts = facts;
    e->dec = find_decisions(cat);
    rh_buf_init(&e->text, 1 << 16);
    size_t nd = e->dec ? e->dec->ndomains : 0;
    e->doms = rh_calloc(nd ? nd : 1, sizeof(dom_state));
    if (!e->doms) {
        rh_free(e);
        return RH_E_NOMEM;
    }
    for (size_t i = 0; i < nd; i++) {
        e->doms[i].d = &e->dec->domains[i];
        e->doms[i].rank = -1;
        if (e->doms[i].d->default_value) {
            char name[160];
            snprintf(name, sizeof(name), "decision.%s", e->doms[i].d->id);
            if (rh_facts_set_str(facts, name, e->doms[i].d->default_value, "default") != RH_OK) {
                rh_engine_destroy(e);
                return RH_E_NOMEM;
            }
        }
    }
    *out = e;
    return RH_OK;
}

void rh_engine_destroy(rh_engine *e)
{
    if (!e)
        return;
    size_t nd = e->dec ? e->dec->ndomains : 0;
    for (size_t i = 0; i < nd; i++)
        rh_free(e->doms[i].reasons);
    rh_free(e->doms);
    rh_free(e->flags.items);
    rh_free(e->advice.items);
    rh_free(e->components.items);
    for (size_t i = 0; i < e->nsnaps; i++) {
        rh_free(e->snaps[i].str);
        rh_free(e->snaps[i].source);
    }
    rh_free(e->snaps);
    rh_free(e->fired);
    rh_buf_release(&e->text);
    rh_free(e);
}

static bool operand_value(const rh_engine *e, const operand *o, rh_fact *tmp)
{
    memset(tmp, 0, sizeof(*tmp));
    switch (o->kind) {
    case OPD_BOOL:
        tmp->type = RH_FACT_BOOL;
        tmp->b = o->b;
        return true;
    case OPD_NUM:
        tmp->type = RH_FACT_NUM;
        tmp->num = o->num;
        return true;
    case OPD_STR:
        tmp->type = RH_FACT_STR;
        tmp->str = o->str;
        return true;
    case OPD_NULL:
        tmp->type = RH_FACT_NULL;
        return true;
    case OPD_FACT: {
        const rh_fact *f = rh_facts_get(e->facts, o->str);
        if (!f)
            return false;
        *tmp = *f;
        return true;
    }
    default:
        return false;
    }
}

static bool fact_equals(const rh_fact *a, const rh_fact *b)
{
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case RH_FACT_BOOL:
        return a->b == b->b;
    case RH_FACT_NUM:
        return a->num == b->num;
    case RH_FACT_STR:
        return strcmp(a->str, b->str) == 0;
    default:
        return true;
    }
}

static bool eval(const rh_engine *e, const pred *p)
{
    const rh_fact *f;
    rh_fact v;
    switch (p->kind) {
    case P_ALL:
        for (size_t i = 0; i < p->nkids; i++)
            if (!eval(e, &p->kids[i]))
                return false;
        return true;
    case P_ANY:
        for (size_t i = 0; i < p->nkids; i++)
            if (eval(e, &p->kids[i]))
                return true;
        return false;
    case P_NOT:
        return !eval(e, &p->kids[0]);
    case P_ALWAYS:
        return true;
    case P_IS:
        f = rh_facts_get(e->facts, p->fact);
        return (f && f->type == RH_FACT_BOOL ? f->b : false) == p->v.b;
    case P_KNOWN:
        f = rh_facts_get(e->facts, p->fact);
        return (f != NULL && f->type != RH_FACT_NULL && !f->assumed) == p->v.b;
    case P_EQ:
    case P_NE: {
        /* An absent fact (on either side) compares as null, so `ne` is
         * always the negation of `eq`. */
        static const rh_fact null_fact = {.type = RH_FACT_NULL};
        f = rh_facts_get(e->facts, p->fact);
        if (!operand_value(e, &p->v, &v))
            v = null_fact;
        return fact_equals(f ? f : &null_fact, &v) == (p->kind == P_EQ);
    }
    case P_IN:
        f = rh_facts_get(e->facts, p->fact);
        if (!f || f->type != RH_FACT_STR)
            return false;
        for (size_t i = 0; i < p->v.nlist; i++)
            if (strcmp(p->v.list[i], f->str) == 0)
                return true;
        return false;
    case P_LT:
    case P_LTE:
    case P_GT:
    case P_GTE: {
        f = rh_facts_get(e->facts, p->fact);
        if (!f || f->type != RH_FACT_NUM || !operand_value(e, &p->v, &v) || v.type != RH_FACT_NUM)
            return false;
        double a = f->num, b = v.num;
        return p->kind == P_LT    ? a < b
               : p->kind == P_LTE ? a <= b
               : p->kind == P_GT  ? a > b
                                  : a >= b;
    }
    }
    return false;
}

static dom_state *state_for(rh_engine *e, const char *domain_id)
{
    size_t nd = e->dec ? e->dec->ndomains : 0;
    for (size_t i = 0; i < nd; i++)
        if (strcmp(e->doms[i].d->id, domain_id) == 0)
            return &e->doms[i];
    return NULL;
}

static const dom_state *cstate_for(const rh_engine *e, const char *domain_id)
{
    size_t nd = e->dec ? e->dec->ndomains : 0;
    for (size_t i = 0; i < nd; i++)
        if (strcmp(e->doms[i].d->id, domain_id) == 0)
            return &e->doms[i];
    return NULL;
}

static rh_status push_item(item_list *l, const char *code, const char *severity, const rh_rule *r)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].code, code) == 0)
            return RH_OK;
    rh_effect_item *p = rh_reallocarray(l->items, l->n + 1, sizeof(*p));
    if (!p)
        return RH_E_NOMEM;
    l->items = p;
    l->items[l->n++] = (rh_effect_item){code, severity, r};
    return RH_OK;
}

static rh_status decide(rh_engine *e, const rh_rule *r, const effect *ef)
{
    dom_state *s = state_for(e, ef->target);
    if (!s)
        return RH_E_INTERNAL;
    int rank = value_rank(s->d, ef->value.str);
    const rh_rule **p = rh_reallocarray(s->reasons, s->nreasons + 1, sizeof(*p));
    if (!p)
        return RH_E_NOMEM;
    s->reasons = p;
    s->reasons[s->nreasons++] = r;
    if (s->rank < 0 || (s->d->combine_max && rank > s->rank)) {
        s->rank = rank;
        s->value = s->d->values[rank];
    }
    /* Later rules read decisions as facts ("decision.rtms"). */
    char name[160], source[160];
    snprintf(name, sizeof(name), "decision.%s", s->d->id);
    snprintf(source, sizeof(source), "rule:%s", r->id);
    return rh_facts_set_str(e->facts, name, s->value, source);
}

static rh_status snapshot_inputs(rh_engine *e, const rh_rule *r, rh_fired *fired)
{
    snapshot *p = rh_reallocarray(e->snaps, e->nsnaps + r->ninputs + 1, sizeof(*p));
    if (!p)
        return RH_E_NOMEM;
    e->snaps = p;
    fired->first_input = e->nsnaps;
    fired->n_inputs = 0;
    for (size_t i = 0; i < r->ninputs; i++) {
        const rh_fact *f = rh_facts_get(e->facts, r->inputs[i]);
        snapshot s = {.name = r->inputs[i], .present = f != NULL};
        if (f) {
            s.type = f->type;
            s.b = f->b;
            s.num = f->num;
            s.assumed = f->assumed;
            s.str = f->str ? rh_strdup(f->str) : NULL;
            s.source = rh_strdup(f->source ? f->source : "");
            if ((f->str && !s.str) || !s.source) {
                rh_free(s.str);
                rh_free(s.source);
                return RH_E_NOMEM;
            }
        }
        e->snaps[e->nsnaps++] = s;
        fired->n_inputs++;
    }
    return RH_OK;
}

static rh_status apply(rh_engine *e, const rh_rule *r, rh_err *err)
{
    rh_fired fired = {.rule = r};
    rh_status rc = snapshot_inputs(e, r, &fired);
    if (rc != RH_OK)
        return RH_FAIL(err, rc, "out of memory evaluating rule '%s'", r->id);
    rh_fired *pf = rh_reallocarray(e->fired, e->nfired + 1, sizeof(*pf));
    if (!pf)
        return RH_FAIL(err, RH_E_NOMEM, "out of memory evaluating rule '%s'", r->id);
    e->fired = pf;
    e->fired[e->nfired++] = fired;
    char source[160];
    snprintf(source, sizeof(source), "rule:%s", r->id);
    for (size_t i = 0; i < r->nthen && rc == RH_OK; i++) {
        const effect *ef = &r->then[i];
        rh_fact v;
        switch (ef->kind) {
        case EF_SET:
            if (!operand_value(e, &ef->value, &v)) {
                rc = rh_facts_set_null(e->facts, ef->target, source);
                break;
            }
            if (v.type == RH_FACT_BOOL)
                rc = rh_facts_set_bool(e->facts, ef->target, v.b, source);
            else if (v.type == RH_FACT_NUM)
                rc = rh_facts_set_num(e->facts, ef->target, v.num, source);
            else if (v.type == RH_FACT_STR)
                rc = rh_facts_set_str(e->facts, ef->target, v.str, source);
            else
                rc = rh_facts_set_null(e->facts, ef->target, source);
            break;
        case EF_DECIDE:
            rc = decide(e, r, ef);
            break;
        case EF_FLAG:
            rc = push_item(&e->flags, ef->target, ef->severity, r);
            break;
        case EF_ADVICE:
            rc = push_item(&e->advice, ef->target, NULL, r);
            break;
        case EF_COMPONENT:
            rc = push_item(&e->components, ef->target, NULL, r);
            break;
        }
    }
    if (rc != RH_OK)
        return RH_FAIL(err, rc, "cannot apply rule '%s'", r->id);
    return RH_OK;
}

rh_status rh_engine_run_phase(rh_engine *e, const char *phase, rh_err *err)
{
    size_t n;
    void *const *sets = rh_catalog_objects(e->cat, "rehabit.rules/1", &n);
    for (size_t s = 0; s < n; s++) {
        const ruleset *rs = sets[s];
        if (strcmp(rs->phase, phase) != 0)
            continue;
        for (size_t i = 0; i < rs->n; i++) {
            if (!eval(e, &rs->rules[i].when))
                continue;
            rh_status rc = apply(e, &rs->rules[i], err);
            if (rc != RH_OK)
                return rc;
        }
    }
    return RH_OK;
}

rh_status rh_engine_run(rh_engine *e, rh_err *err)
{
    if (!e->dec)
        return RH_FAIL(err, RH_E_INVALID, "the knowledge base has no decisions file");
    for (size_t i = 0; i < e->dec->nphases; i++) {
        rh_status rc = rh_engine_run_phase(e, e->dec->phases[i], err);
        if (rc != RH_OK)
            return rc;
    }
    return RH_OK;
}

const char *rh_engine_decision(const rh_engine *e, const char *domain_id)
{
    const dom_state *s = cstate_for(e, domain_id);
    if (!s)
        return NULL;
    return s->value ? s->value : s->d->default_value;
}

size_t rh_engine_reason_count(const rh_engine *e, const char *domain_id)
{
    const dom_state *s = cstate_for(e, domain_id);
    return s ? s->nreasons : 0;
}

const rh_rule *rh_engine_reason_at(const rh_engine *e, const char *domain_id, size_t i)
{
    const dom_state *s = cstate_for(e, domain_id);
    return s && i < s->nreasons ? s->reasons[i] : NULL;
}

size_t rh_engine_flag_count(const rh_engine *e)
{
    return e->flags.n;
}

const rh_effect_item *rh_engine_flag_at(const rh_engine *e, size_t i)
{
    return i < e->flags.n ? &e->flags.items[i] : NULL;
}

size_t rh_engine_advice_count(const rh_engine *e)
{
    return e->advice.n;
}

const rh_effect_item *rh_engine_advice_at(const rh_engine *e, size_t i)
{
    return i < e->advice.n ? &e->advice.items[i] : NULL;
}

size_t rh_engine_component_count(const rh_engine *e)
{
    return e->components.n;
}

const rh_effect_item *rh_engine_component_at(const rh_engine *e, size_t i)
{
    return i < e->components.n ? &e->components.items[i] : NULL;
}

size_t rh_engine_fired_count(const rh_engine *e)
{
    return e->nfired;
}

const rh_fired *rh_engine_fired_at(const rh_engine *e, size_t i)
{
    return i < e->nfired ? &e->fired[i] : NULL;
}

static void append_fact_text(rh_buf *out, const rh_fact *f)
{
    char num[40];
    switch (f->type) {
    case RH_FACT_BOOL:
        rh_buf_puts(out, f->b ? "yes" : "no");
        break;
    case RH_FACT_NUM:
        rh_fmt_double(f->num, num, sizeof(num));
        rh_buf_puts(out, num);
        break;
    case RH_FACT_STR:
        rh_buf_puts(out, f->str);
        break;
    default:
        rh_buf_puts(out, "unknown");
        break;
    }
}

rh_status rh_engine_render_text(const rh_engine *e, const char *text, rh_buf *out)
{
    const char *p = text;
    while (*p) {
        const char *open = strchr(p, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!open || !close) {
            rh_buf_puts(out, p);
            break;
        }
        rh_buf_append(out, p, (size_t)(open - p));
        char name[128];
        size_t n = (size_t)(close - open - 1);
        if (n >= sizeof(name))
            n = sizeof(name) - 1;
        memcpy(name, open + 1, n);
        name[n] = '\0';
        const rh_fact *f = rh_facts_get(e->facts, name);
        if (f)
            append_fact_text(out, f);
        else
            rh_buf_append(out, open, (size_t)(close - open + 1));
        p = close + 1;
    }
    return RH_OK;
}

const char *rh_engine_rule_text(rh_engine *e, const rh_rule *r, const char *lang)
{
    const char *t = (lang && strcmp(lang, "zh") == 0 && r->text_zh) ? r->text_zh : r->text_en;
    rh_buf_reset(&e->text);
    rh_engine_render_text(e, t, &e->text);
    return rh_buf_cstr(&e->text);
}

static void write_snapshot(const snapshot *s, rh_jw *w)
{
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "fact", s->name);
    rh_jw_key(w, "value");
    if (!s->present) {
        rh_jw_null(w);
    } else {
        switch (s->type) {
        case RH_FACT_BOOL:
            rh_jw_bool(w, s->b);
            break;
        case RH_FACT_NUM:
            rh_jw_double(w, s->num);
            break;
        case RH_FACT_STR:
            rh_jw_str(w, s->str);
            break;
        default:
            rh_jw_null(w);
            break;
        }
    }
    rh_jw_kstr(w, "source", s->present ? s->source : "absent");
    if (s->assumed)
        rh_jw_kbool(w, "assumed", true);
    rh_jw_obj_end(w);
}

static const char *effect_verb(effect_kind k)
{
    static const char *const v[] = {"set", "decide", "flag", "advice", "component"};
    return v[k];
}

void rh_engine_write_trace(const rh_engine *e, rh_jw *w)
{
    rh_jw_arr_begin(w);
    for (size_t i = 0; i < e->nfired; i++) {
        const rh_fired *f = &e->fired[i];
        const rh_rule *r = f->rule;
        rh_jw_obj_begin(w);
        rh_jw_kstr(w, "rule", r->id);
        rh_jw_kstr(w, "phase", r->phase);
        rh_jw_kstr(w, "status", r->status);
        rh_jw_key(w, "inputs");
        rh_jw_arr_begin(w);
        for (size_t k = 0; k < f->n_inputs; k++)
            write_snapshot(&e->snaps[f->first_input + k], w);
        rh_jw_arr_end(w);
        rh_jw_key(w, "effects");
        rh_jw_arr_begin(w);
        for (size_t k = 0; k < r->nthen; k++) {
            const effect *ef = &r->then[k];
            rh_jw_obj_begin(w);
            rh_jw_kstr(w, effect_verb(ef->kind), ef->target);
            if (ef->kind == EF_SET || ef->kind == EF_DECIDE) {
                rh_jw_key(w, "value");
                switch (ef->value.kind) {
                case OPD_BOOL:
                    rh_jw_bool(w, ef->value.b);
                    break;
                case OPD_NUM:
                    rh_jw_double(w, ef->value.num);
                    break;
                case OPD_STR:
                    rh_jw_str(w, ef->value.str);
                    break;
                case OPD_FACT:
                    rh_jw_obj_begin(w);
                    rh_jw_kstr(w, "fact", ef->value.str);
                    rh_jw_obj_end(w);
                    break;
                default:
                    rh_jw_null(w);
                    break;
                }
            }
            if (ef->severity)
                rh_jw_kstr(w, "severity", ef->severity);
            rh_jw_obj_end(w);
        }
        rh_jw_arr_end(w);
        rh_jw_kstrs(w, "evidence", r->evidence, r->nevidence);
        rh_jw_obj_end(w);
    }
    rh_jw_arr_end(w);
}

void rh_engine_write_rule_ref(rh_engine *e, const rh_rule *r, rh_jw *w)
{
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "rule", r->id);
    rh_jw_kstr(w, "text", rh_engine_rule_text(e, r, "en"));
    rh_jw_kstr(w, "status", r->status);
    rh_jw_kstrs(w, "evidence", r->evidence, r->nevidence);
    rh_jw_obj_end(w);
}

const rh_rule *rh_rule_find(const rh_catalog *cat, const char *id)
{
    size_t n;
    void *const *sets = rh_catalog_objects(cat, "rehabit.rules/1", &n);
    for (size_t s = 0; s < n; s++) {
        const ruleset *rs = sets[s];
        for (size_t i = 0; i < rs->n; i++)
            if (strcmp(rs->rules[i].id, id) == 0)
                return &rs->rules[i];
    }
    return NULL;
}

const rh_rule *rh_engine_rule_for_fact(const rh_engine *e, const char *name)
{
    const rh_fact *f = rh_facts_get(e->facts, name);
    if (!f || !f->source || strncmp(f->source, "rule:", 5) != 0)
        return NULL;
    return rh_rule_find(e->cat, f->source + 5);
}

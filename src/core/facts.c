/* SPDX-License-Identifier: MIT */
#include "core/facts.h"

#include "base/alloc.h"
#include "base/num.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

struct rh_facts {
    rh_fact *items;
    size_t n, cap;
    uint32_t *slots; /* open-addressing index: item position + 1, 0 = empty */
    size_t nslots;   /* power of two, at least twice the item capacity */
};

static uint32_t hash_name(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Rebuilds the index for `nslots` slots. Fails with: E_NOMEM. */
static rh_status reindex(rh_facts *f, size_t nslots)
{
    uint32_t *slots = rh_calloc(nslots, sizeof(*slots));
    if (!slots)
        return RH_E_NOMEM;
    for (size_t i = 0; i < f->n; i++) {
        size_t j = hash_name(f->items[i].name) & (nslots - 1);
        while (slots[j])
            j = (j + 1) & (nslots - 1);
        slots[j] = (uint32_t)(i + 1);
    }
    rh_free(f->slots);
    f->slots = slots;
    f->nslots = nslots;
    return RH_OK;
}

rh_status rh_facts_create(rh_facts **out)
{
    rh_facts *f = rh_calloc(1, sizeof(*f));
    if (!f)
        return RH_E_NOMEM;
    *out = f;
    return RH_OK;
}

static void clear_fact(rh_fact *x)
{
    rh_free_const(x->name);
    rh_free_const(x->str);
    rh_free_const(x->source);
    memset(x, 0, sizeof(*x));
}

void rh_facts_destroy(rh_facts *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++)
        clear_fact(&f->items[i]);
    rh_free(f->items);
    rh_free(f->slots);
    rh_free(f);
}

static rh_fact *find(const rh_facts *f, const char *name)
{
    if (!f->nslots)
        return NULL;
    size_t j = hash_name(name) & (f->nslots - 1);
    while (f->slots[j]) {
        rh_fact *x = &f->items[f->slots[j] - 1];
        if (strcmp(x->name, name) == 0)
            return x;
        j = (j + 1) & (f->nslots - 1);
    }
    return NULL;
}

/* Builds the new fact completely before touching the table, so a failed
 * allocation leaves the table as it was. */
static rh_status put(rh_facts *f, const rh_fact *proto)
{
    rh_fact x = *proto;
    x.name = rh_strdup(proto->name);
    x.source = rh_strdup(proto->source ? proto->source : "");
    x.str = proto->str ? rh_strdup(proto->str) : NULL;
    if (!x.name || !x.source || (proto->str && !x.str)) {
        clear_fact(&x);
        return RH_E_NOMEM;
    }
    rh_fact *old = find(f, proto->name);
    if (old) {
        clear_fact(old);
        *old = x;
        return RH_OK;
    }
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 64;
        rh_fact *p = rh_reallocarray(f->items, cap, sizeof(*p));
        if (!p) {
            clear_fact(&x);
            return RH_E_NOMEM;
        }
        f->items = p;
        f->cap = cap;
    }
    if ((f->n + 1) * 2 > f->nslots && reindex(f, f->nslots ? f->nslots * 2 : 128) != RH_OK) {
        clear_fact(&x);
        return RH_E_NOMEM;
    }
    size_t j = hash_name(x.name) & (f->nslots - 1);
    while (f->slots[j])
        j = (j + 1) & (f->nslots - 1);
    f->items[f->n] = x;
    f->slots[j] = (uint32_t)(++f->n);
    return RH_OK;
}

rh_status rh_facts_set_bool(rh_facts *f, const char *name, bool v, const char *source)
{
    rh_fact x = {.name = name, .type = RH_FACT_BOOL, .b = v, .source = source};
    return put(f, &x);
}

rh_status rh_facts_set_num(rh_facts *f, const char *name, double v, const char *source)
{
    rh_fact x = {.name = name, .type = RH_FACT_NUM, .num = v, .source = source};
    return put(f, &x);
}

rh_status rh_facts_set_str(rh_facts *f, const char *name, const char *v, const char *source)
{
    rh_fact x = {.name = name, .type = RH_FACT_STR, .str = v, .source = source};
    return put(f, &x);
}

rh_status rh_facts_set_null(rh_facts *f, const char *name, const char *source)
{
    rh_fact x = {.name = name, .type = RH_FACT_NULL, .source = source};
    return put(f, &x);
}

rh_status rh_facts_assume_false(rh_facts *f, const char *name)
{
    rh_fact x = {
        .name = name, .type = RH_FACT_BOOL, .b = false, .source = "assumed", .assumed = true};
    return put(f, &x);
}

const rh_fact *rh_facts_get(const rh_facts *f, const char *name)
{
    return find(f, name);
}

bool rh_facts_bool(const rh_facts *f, const char *name)
{
    const rh_fact *x = find(f, name);
    return x && x->type == RH_FACT_BOOL && x->b;
}

double rh_facts_num(const rh_facts *f, const char *name)
{
    const rh_fact *x = find(f, name);
    return x && x->type == RH_FACT_NUM ? x->num : RH_NAN;
}

const char *rh_facts_str(const rh_facts *f, const char *name)
{
    const rh_fact *x = find(f, name);
    return x && x->type == RH_FACT_STR ? x->str : NULL;
}

size_t rh_facts_count(const rh_facts *f)
{
    return f->n;
}

const rh_fact *rh_facts_at(const rh_facts *f, size_t i)
{
    return i < f->n ? &f->items[i] : NULL;
}

void rh_fact_write_value(const rh_fact *fact, rh_jw *w)
{
    switch (fact ? fact->type : RH_FACT_NULL) {
    case RH_FACT_BOOL:
        rh_jw_bool(w, fact->b);
        break;
    case RH_FACT_NUM:
        rh_jw_double(w, fact->num);
        break;
    case RH_FACT_STR:
        rh_jw_str(w, fact->str);
        break;
    default:
        rh_jw_null(w);
        break;
    }
}

/* SPDX-License-Identifier: MIT */
#include "core/instrument.h"

#include "base/alloc.h"
#include "base/num.h"
#include "core/catalog_kinds.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_ITEMS      256
#define MAX_SCORES     128
#define MAX_LIST       256
#define MAX_EXPR_NODES 8192
#define MAX_EXPR_DEPTH 24
#define MAX_VARS       (MAX_ITEMS + RH_PVAR_COUNT + MAX_SCORES)

/* ---- compiled expressions ---- */

typedef enum xop {
    X_NUM,
    X_VAR,
    X_ADD,
    X_SUB,
    X_MUL,
    X_DIV,
    X_POW,
    X_MIN,
    X_MAX,
    X_GE,
    X_GT,
    X_LE,
    X_LT,
    X_EQ,
    X_NE,
    X_AND,
    X_OR,
    X_NOT,
    X_IF,
    X_CLOCK_HOURS,
    X_ROUND,
} xop;

static const struct {
    const char *name;
    xop op;
    unsigned min_args, max_args;
} xops[] = {
    {"add", X_ADD, 1, 64},    {"sub", X_SUB, 2, 2},  {"mul", X_MUL, 2, 64},
    {"div", X_DIV, 2, 2},     {"pow", X_POW, 2, 2},  {"min", X_MIN, 1, 64},
    {"max", X_MAX, 1, 64},    {"ge", X_GE, 2, 2},    {"gt", X_GT, 2, 2},
    {"le", X_LE, 2, 2},       {"lt", X_LT, 2, 2},    {"eq", X_EQ, 2, 2},
    {"ne", X_NE, 2, 2},       {"and", X_AND, 1, 64}, {"or", X_OR, 1, 64},
    {"not", X_NOT, 1, 1},     {"if", X_IF, 3, 3},    {"clock_hours", X_CLOCK_HOURS, 2, 2},
    {"round", X_ROUND, 2, 2},
};

typedef struct xnode {
    xop op;
    unsigned nargs;
    size_t first; /* into args */
    double num;
    int var;
} xnode;

typedef struct xprog {
    xnode *nodes;
    size_t nnodes, cap;
    int *args;
    size_t nargs, acap;
} xprog;

/* Everything an instrument owns, freed together. */
typedef struct instr_box {
    rh_instrument ins;
    xprog prog;
    void **blocks;
    size_t nblocks, cap;
} instr_box;

typedef struct loader {
    rh_jx *jx;
    instr_box *box;
    rh_instrument *ins;
    const char **names;
    double *lo, *hi;
    bool *integer;
    size_t nvars;
    const rh_json *option_sets;
    const rh_json *item_defaults;
    rh_instr_item *items; /* writable views of ins->items */
} loader;

static void *box_alloc(instr_box *b, size_t n, size_t size)
{
    if (b->nblocks == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        void **p = rh_reallocarray(b->blocks, cap, sizeof(*p));
        if (!p)
            return NULL;
        b->blocks = p;
        b->cap = cap;
    }
    void *mem = rh_calloc(n ? n : 1, size);
    if (mem)
        b->blocks[b->nblocks++] = mem;
    return mem;
}

static rh_status nomem(loader *L)
{
    return RH_FAIL(L->jx->err, RH_E_NOMEM, "out of memory loading an instrument");
}

#define ALLOC(L, n, type) ((type *)box_alloc((L)->box, (n), sizeof(type)))

/* ---- small readers ---- */

static rh_status check_keys(loader *L, const rh_json *obj, const char *const *keys)
{
    return rh_jx_check_keys(L->jx, obj, keys);
}

static rh_status req_str(loader *L, const rh_json *obj, const char *key, const char **out)
{
    rh_status rc = rh_jx_str(L->jx, obj, key, true, out);
    if (rc == RH_OK && !**out)
        return rh_jx_fail(L->jx, key, RH_E_INVALID, "'%s' must not be empty", key);
    return rc;
}

static rh_status opt_str(loader *L, const rh_json *obj, const char *key, const char **out)
{
    *out = NULL;
    return rh_jx_str(L->jx, obj, key, false, out);
}

/* An array of non-empty strings (at most MAX_LIST). */
static rh_status str_list(loader *L, const rh_json *obj, const char *key, bool required,
                          const char *const **out, size_t *n)
{
    rh_json *arr = NULL;
    *out = NULL;
    *n = 0;
    rh_status rc = rh_jx_array(L->jx, obj, key, required, &arr);
    if (rc != RH_OK || !arr)
        return rc;
    size_t len = rh_json_array_size(arr);
    if (len > MAX_LIST)
        return rh_jx_fail(L->jx, key, RH_E_LIMIT, "more than %d entries", MAX_LIST);
    const char **list = ALLOC(L, len, const char *);
    if (!list)
        return nomem(L);
    for (size_t i = 0; i < len; i++) {
        const char *s = rh_json_string(rh_json_array_get(arr, i));
        if (!s || !*s) {
            size_t m = rh_jx_push_key(L->jx, key);
            rc = rh_jx_fail(L->jx, NULL, RH_E_INVALID, "entry %zu is not a non-empty string", i);
            rh_jx_pop(L->jx, m);
            return rc;
        }
        list[i] = s;
    }
    *out = list;
    *n = len;
    return RH_OK;
}

static const char *const statuses[] = {"verified", "secondary", "unverified", "derived", NULL};

/* The catalog validates the value of every "status" key; here we only make it
 * required where a fact must carry one. */
static rh_status req_status(loader *L, const rh_json *obj, const char **out)
{
    int idx = 0;
    rh_status rc = rh_jx_enum(L->jx, obj, "status", true, statuses, &idx, NULL);
    if (rc == RH_OK)
        *out = statuses[idx];
    return rc;
}

static rh_status opt_status(loader *L, const rh_json *obj, const char **out)
{
    int idx = 0;
    bool present = false;
    *out = NULL;
    rh_status rc = rh_jx_enum(L->jx, obj, "status", false, statuses, &idx, &present);
    if (rc == RH_OK && present)
        *out = statuses[idx];
    return rc;
}

static rh_status opt_evidence(loader *L, const rh_json *obj, const rh_json **out)
{
    rh_json *arr = NULL;
    rh_status rc = rh_jx_array(L->jx, obj, "evidence", false, &arr);
    *out = arr;
    return rc;
}

/* ---- variables ---- */

static int var_find(const loader *L, const char *name)
{
    for (size_t i = 0; i < L->nvars; i++)
        if (strcmp(L->names[i], name) == 0)
            return (int)i;
    return -1;
}

static rh_status var_add(loader *L, const char *name, double lo, double hi, bool integer, int *out)
{
    if (var_find(L, name) >= 0)
        return rh_jx_fail(L->jx, NULL, RH_E_INVALID, "'%s' is defined twice", name);
    if (L->nvars >= MAX_VARS)
        return rh_jx_fail(L->jx, NULL, RH_E_LIMIT, "too many items and scores");
    L->names[L->nvars] = name;
    L->lo[L->nvars] = lo;
    L->hi[L->nvars] = hi;
    L->integer[L->nvars] = integer;
    *out = (int)L->nvars++;
    return RH_OK;
}

/* ---- expression compiler ---- */

static int x_new(loader *L, xop op)
{
    xprog *p = &L->box->prog;
    if (p->nnodes >= MAX_EXPR_NODES)
        return -2;
    if (p->nnodes == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        xnode *n = rh_reallocarray(p->nodes, cap, sizeof(*n));
        if (!n)
            return -1;
        p->nodes = n;
        p->cap = cap;
    }
    p->nodes[p->nnodes] = (xnode){.op = op, .var = -1};
    return (int)p->nnodes++;
}

static rh_status x_fail_nodes(loader *L, int code)
{
    if (code == -1)
        return nomem(L);
    return rh_jx_fail(L->jx, NULL, RH_E_LIMIT, "expressions too large (more than %d nodes)",
                      MAX_EXPR_NODES);
}

static rh_status compile(loader *L, const rh_json *j, int depth, int *out)
{
    rh_jx *jx = L->jx;
    if (depth > MAX_EXPR_DEPTH)
        return rh_jx_fail(jx, NULL, RH_E_LIMIT, "expression nested deeper than %d", MAX_EXPR_DEPTH);
    if (rh_json_is_number(j) || rh_json_is_bool(j) || rh_json_is_null(j)) {
        /* null is the explicit "unknown" constant (e.g. no prediction). */
        int n = x_new(L, X_NUM);
        if (n < 0)
            return x_fail_nodes(L, n);
        L->box->prog.nodes[n].num = rh_json_is_null(j)   ? RH_NAN
                                    : rh_json_is_bool(j) ? (rh_json_true(j) ? 1.0 : 0.0)
                                                         : rh_json_number(j);
        *out = n;
        return RH_OK;
    }
    if (rh_json_is_string(j)) {
        const char *name = rh_json_string(j);
        int v = var_find(L, name);
        if (v < 0)
            return rh_jx_fail(jx, NULL, RH_E_NOTFOUND,
                              "unknown name '%s' (items are 'item.<id>'; a score must be defined "
                              "before it is used)",
                              name);
        int n = x_new(L, X_VAR);
        if (n < 0)
            return x_fail_nodes(L, n);
        L->box->prog.nodes[n].var = v;
        *out = n;
        return RH_OK;
    }
    if (!rh_json_is_object(j))
        return rh_jx_fail(jx, NULL, RH_E_INVALID,
                          "an expression is a number, a name or {\"op\": [operands]}");
    rh_json_iter it;
    const char *key = NULL;
    rh_json *args = NULL;
    rh_json_iter_init(&it, j);
    size_t members = 0;
    while (rh_json_iter_next(&it, &key, &args))
        members++;
    rh_json_iter_init(&it, j);
    if (members != 1 || !rh_json_iter_next(&it, &key, &args))
        return rh_jx_fail(jx, NULL, RH_E_INVALID, "an operation has exactly one key");
    size_t k = 0;
    while (k < sizeof(xops) / sizeof(xops[0]) && strcmp(xops[k].name, key) != 0)
        k++;
    if (k == sizeof(xops) / sizeof(xops[0]))
        return rh_jx_fail(jx, key, RH_E_INVALID, "unknown operation '%s'", key);
    if (!rh_json_is_array(args))
        return rh_jx_fail(jx, key, RH_E_INVALID, "the operands of '%s' must be an array", key);
    size_t nargs = rh_json_array_size(args);
    if (nargs < xops[k].min_args || nargs > xops[k].max_args)
        return rh_jx_fail(jx, key, RH_E_INVALID, "'%s' takes %u to %u operands, found %zu", key,
                          xops[k].min_args, xops[k].max_args, nargs);
    int kids[64];
    size_t mark = rh_jx_push_key(jx, key);
    for (size_t i = 0; i < nargs; i++) {
        size_t m2 = rh_jx_push_index(jx, i);
        rh_status rc = compile(L, rh_json_array_get(args, i), depth + 1, &kids[i]);
        rh_jx_pop(jx, m2);
        if (rc != RH_OK) {
            rh_jx_pop(jx, mark);
            return rc;
        }
    }
    rh_jx_pop(jx, mark);
    xprog *p = &L->box->prog;
    if (p->nargs + nargs > p->acap) {
        size_t cap = p->acap ? p->acap : 64;
        while (cap < p->nargs + nargs)
            cap *= 2;
        int *a = rh_reallocarray(p->args, cap, sizeof(*a));
        if (!a)
            return nomem(L);
        p->args = a;
        p->acap = cap;
    }
    if (xops[k].op == X_ROUND) {
        const xnode *d = &p->nodes[kids[1]];
        if (d->op != X_NUM || !(d->num >= 0 && d->num <= 12) || d->num != floor(d->num))
            return rh_jx_fail(jx, key, RH_E_INVALID,
                              "the second operand of 'round' is a constant 0-12 (decimals)");
    }
    int n = x_new(L, xops[k].op);
    if (n < 0)
        return x_fail_nodes(L, n);
    p->nodes[n].nargs = (unsigned)nargs;
    p->nodes[n].first = p->nargs;
    for (size_t i = 0; i < nargs; i++)
        p->args[p->nargs++] = kids[i];
    *out = n;
    return RH_OK;
}

static rh_status compile_member(loader *L, const rh_json *obj, const char *key, bool required,
                                int *out)
{
    *out = -1;
    const rh_json *j = rh_jx_get(obj, key);
    if (!j || rh_json_is_null(j)) {
        if (required)
            return rh_jx_fail(L->jx, key, RH_E_INVALID, "required field '%s' is missing", key);
        return RH_OK;
    }
    size_t m = rh_jx_push_key(L->jx, key);
    rh_status rc = compile(L, j, 0, out);
    rh_jx_pop(L->jx, m);
    return rc;
}

static double clock_hours(double from_min, double to_min)
{
    double d = to_min - from_min;
    if (d < 0)
        d += 1440.0;
    return d / 60.0;
}

static double eval_node(const xprog *p, int idx, const double *vars)
{
    const xnode *n = &p->nodes[idx];
    const int *a = p->args + n->first;
    switch (n->op) {
    case X_NUM:
        return n->num;
    case X_VAR:
        return vars[n->var];
    case X_ADD: {
        double s = 0;
        for (unsigned i = 0; i < n->nargs; i++)
            s += eval_node(p, a[i], vars);
        return s;
    }
    case X_SUB:
        return eval_node(p, a[0], vars) - eval_node(p, a[1], vars);
    case X_MUL: {
        double s = 1;
        for (unsigned i = 0; i < n->nargs; i++)
            s *= eval_node(p, a[i], vars);
        return s;
    }
    case X_DIV: {
        double num = eval_node(p, a[0], vars), den = eval_node(p, a[1], vars);
        if (isnan(num) || isnan(den) || den == 0.0)
            return RH_NAN;
        return num / den;
    }
    case X_POW: {
        double x = eval_node(p, a[0], vars), y = eval_node(p, a[1], vars);
        if (isnan(x) || isnan(y))
            return RH_NAN; /* pow(NAN, 0) is 1 in C; unknown stays unknown */
        double r = pow(x, y);
        return isfinite(r) ? r : RH_NAN;
    }
    case X_MIN:
    case X_MAX: {
        double best = eval_node(p, a[0], vars);
        for (unsigned i = 1; i < n->nargs; i++) {
            double v = eval_node(p, a[i], vars);
            if (isnan(v) || isnan(best))
                best = RH_NAN;
            else if (n->op == X_MIN ? v < best : v > best)
                best = v;
        }
        return best;
    }
    case X_GE:
    case X_GT:
    case X_LE:
    case X_LT:
    case X_EQ:
    case X_NE: {
        double x = eval_node(p, a[0], vars), y = eval_node(p, a[1], vars);
        if (isnan(x) || isnan(y))
            return RH_NAN;
        bool r = n->op == X_GE   ? x >= y
                 : n->op == X_GT ? x > y
                 : n->op == X_LE ? x <= y
                 : n->op == X_LT ? x < y
                 : n->op == X_EQ ? x == y
                                 : x != y;
        return r ? 1.0 : 0.0;
    }
    case X_AND:
    case X_OR: {
        bool unknown = false;
        for (unsigned i = 0; i < n->nargs; i++) {
            double v = eval_node(p, a[i], vars);
            if (isnan(v))
                unknown = true;
            else if (n->op == X_AND && v == 0.0)
                return 0.0;
            else if (n->op == X_OR && v != 0.0)
                return 1.0;
        }
        return unknown ? RH_NAN : (n->op == X_AND ? 1.0 : 0.0);
    }
    case X_NOT: {
        double v = eval_node(p, a[0], vars);
        return isnan(v) ? RH_NAN : (v == 0.0 ? 1.0 : 0.0);
    }
    case X_IF: {
        double c = eval_node(p, a[0], vars);
        if (isnan(c))
            return RH_NAN;
        return eval_node(p, c != 0.0 ? a[1] : a[2], vars);
    }
    case X_CLOCK_HOURS: {
        double f = eval_node(p, a[0], vars), t = eval_node(p, a[1], vars);
        if (isnan(f) || isnan(t))
            return RH_NAN;
        return clock_hours(f, t);
    }
    case X_ROUND: {
        /* Halves away from zero at `digits` decimals: removes binary noise
         * (84.99999999999999 for 85) before a value meets a cut-off. */
        double x = eval_node(p, a[0], vars);
        double scale = pow(10.0, p->nodes[a[1]].num);
        return isnan(x) ? RH_NAN : round(x * scale) / scale;
    }
    }
    return RH_NAN;
}

double rh_instrument_eval(const rh_instrument *ins, int expr, const double *vars)
{
    if (expr < 0)
        return RH_NAN;
    const instr_box *b = ins->internal;
    double v = eval_node(&b->prog, expr, vars);
    return isfinite(v) ? v : RH_NAN;
}

static bool reads(const xprog *p, int idx, int var)
{
    const xnode *n = &p->nodes[idx];
    if (n->op == X_VAR)
        return n->var == var;
    for (unsigned i = 0; i < n->nargs; i++)
        if (reads(p, p->args[n->first + i], var))
            return true;
    return false;
}

bool rh_instrument_expr_reads(const rh_instrument *ins, int expr, int var)
{
    if (expr < 0)
        return false;
    const instr_box *b = ins->internal;
    return reads(&b->prog, expr, var);
}

/* ---- intervals ---- */

bool rh_instr_interval_has(const rh_instr_interval *iv, double v)
{
    if (isnan(v))
        return false;
    if (iv->has_lo && (iv->lo_incl ? v < iv->lo : v <= iv->lo))
        return false;
    if (iv->has_hi && (iv->hi_incl ? v > iv->hi : v >= iv->hi))
        return false;
    return true;
}

/* Reads min/gt (lower) and max/lt (upper) from `obj`. */
static rh_status read_interval(loader *L, const rh_json *obj, rh_instr_interval *iv)
{
    bool has_min = false, has_gt = false, has_max = false, has_lt = false;
    double vmin = 0, vgt = 0, vmax = 0, vlt = 0;
    rh_status rc = rh_jx_num(L->jx, obj, "min", false, -1e12, 1e12, &vmin, &has_min);
    if (rc == RH_OK)
        rc = rh_jx_num(L->jx, obj, "gt", false, -1e12, 1e12, &vgt, &has_gt);
    if (rc == RH_OK)
        rc = rh_jx_num(L->jx, obj, "max", false, -1e12, 1e12, &vmax, &has_max);
    if (rc == RH_OK)
        rc = rh_jx_num(L->jx, obj, "lt", false, -1e12, 1e12, &vlt, &has_lt);
    if (rc != RH_OK)
        return rc;
    if (has_min && has_gt)
        return rh_jx_fail(L->jx, NULL, RH_E_INVALID, "give either 'min' or 'gt', not both");
    if (has_max && has_lt)
        return rh_jx_fail(L->jx, NULL, RH_E_INVALID, "give either 'max' or 'lt', not both");
    *iv = (rh_instr_interval){.has_lo = has_min || has_gt,
                              .lo_incl = has_min,
                              .lo = has_min ? vmin : vgt,
                              .has_hi = has_max || has_lt,
                              .hi_incl = has_max,
                              .hi = has_max ? vmax : vlt};
    if (iv->has_lo && iv->has_hi &&
        (iv->lo > iv->hi || (iv->lo == iv->hi && !(iv->lo_incl && iv->hi_incl))))
        return rh_jx_fail(L->jx, NULL, RH_E_RANGE, "the interval is empty");
    return RH_OK;
}

/* Smallest integer in the interval's lower side / largest in its upper side. */
static double first_int(const rh_instr_interval *iv)
{
    return iv->lo_incl ? ceil(iv->lo) : floor(iv->lo) + 1.0;
}

static double last_int(const rh_instr_interval *iv)
{
    return iv->hi_incl ? floor(iv->hi) : ceil(iv->hi) - 1.0;
}

static void fmt_bound(char *out, size_t cap, const rh_instr_interval *iv, bool upper)
{
    if (upper)
        snprintf(out, cap, "%s %g", iv->hi_incl ? "max" : "lt", iv->hi);
    else
        snprintf(out, cap, "%s %g", iv->lo_incl ? "min" : "gt", iv->lo);
}

/* Checks that the rows cover [lo, hi] (the variable's domain) without gaps or
 * overlaps, in ascending order. `what` names the rows in messages. */
static rh_status check_cover(loader *L, const char *key, const rh_instr_interval *const *ivs,
                             size_t n, int var, const char *what)
{
    rh_jx *jx = L->jx;
    double dlo = L->lo[var], dhi = L->hi[var];
    bool integer = L->integer[var];
    const char *vname = L->names[var];
    char a[48], b[48];
    if (n == 0)
        return rh_jx_fail(jx, key, RH_E_INVALID, "no %s", what);
    size_t mark = rh_jx_push_key(jx, key);
    rh_status rc = RH_OK;
    const rh_instr_interval *first = ivs[0], *last = ivs[n - 1];
    if (first->has_lo) {
        bool ok =
            isfinite(dlo) && (integer ? first_int(first) <= ceil(dlo)
                                      : (first->lo < dlo || (first->lo == dlo && first->lo_incl)));
        if (!ok) {
            size_t m = rh_jx_push_index(jx, 0);
            fmt_bound(a, sizeof(a), first, false);
            rc = rh_jx_fail(jx, NULL, RH_E_INVALID,
                            "%s leave a gap: the lowest starts at '%s' but '%s' can be as low "
                            "as %g",
                            what, a, vname, dlo);
            rh_jx_pop(jx, m);
        }
    }
    if (rc == RH_OK && last->has_hi) {
        bool ok =
            isfinite(dhi) && (integer ? last_int(last) >= floor(dhi)
                                      : (last->hi > dhi || (last->hi == dhi && last->hi_incl)));
        if (!ok) {
            size_t m = rh_jx_push_index(jx, n - 1);
            fmt_bound(a, sizeof(a), last, true);
            rc = rh_jx_fail(jx, NULL, RH_E_INVALID,
                            "%s leave a gap: the highest ends at '%s' but '%s' can be as high "
                            "as %g",
                            what, a, vname, dhi);
            rh_jx_pop(jx, m);
        }
    }
    for (size_t i = 1; rc == RH_OK && i < n; i++) {
        const rh_instr_interval *p = ivs[i - 1], *q = ivs[i];
        int verdict; /* 0 ok, 1 gap, 2 overlap */
        if (!p->has_hi || !q->has_lo) {
            verdict = 2;
        } else if (integer) {
            double lp = last_int(p), fq = first_int(q);
            verdict = fq == lp + 1.0 ? 0 : (fq > lp + 1.0 ? 1 : 2);
        } else if (p->hi == q->lo) {
            verdict = p->hi_incl != q->lo_incl ? 0 : (p->hi_incl ? 2 : 1);
        } else {
            verdict = q->lo > p->hi ? 1 : 2;
        }
        if (verdict != 0) {
            size_t m = rh_jx_push_index(jx, i);
            if (p->has_hi)
                fmt_bound(a, sizeof(a), p, true);
            else
                snprintf(a, sizeof(a), "no upper bound");
            if (q->has_lo)
                fmt_bound(b, sizeof(b), q, false);
            else
                snprintf(b, sizeof(b), "no lower bound");
            rc = rh_jx_fail(jx, NULL, RH_E_INVALID,
                            "%s %s: the previous one ends at '%s', this one starts at '%s' "
                            "(they must be in ascending order and meet exactly)",
                            what, verdict == 1 ? "leave a gap" : "overlap", a, b);
            rh_jx_pop(jx, m);
        }
    }
    rh_jx_pop(jx, mark);
    return rc;
}

/* ---- options ---- */

static rh_status read_options(loader *L, const rh_json *obj, const char *key,
                              const rh_instr_option **out, size_t *n)
{
    rh_jx *jx = L->jx;
    const rh_json *arr = rh_jx_get(obj, key);
    *out = NULL;
    *n = 0;
    if (rh_json_is_string(arr)) {
        const char *ref = rh_json_string(arr);
        arr = L->option_sets ? rh_jx_get(L->option_sets, ref) : NULL;
        if (!arr)
            return rh_jx_fail(jx, key, RH_E_NOTFOUND, "no option set '%s' in 'option_sets'", ref);
    }
    if (!rh_json_is_array(arr) || rh_json_array_size(arr) == 0)
        return rh_jx_fail(jx, key, RH_E_INVALID,
                          "expected a non-empty array of options or the name of an option set");
    size_t len = rh_json_array_size(arr);
    if (len > 32)
        return rh_jx_fail(jx, key, RH_E_LIMIT, "more than 32 options");
    rh_instr_option *opts = ALLOC(L, len, rh_instr_option);
    if (!opts)
        return nomem(L);
    static const char *const keys[] = {"code", "value", "label", "label_zh", "note", NULL};
    size_t mark = rh_jx_push_key(jx, key);
    rh_status rc = RH_OK;
    for (size_t i = 0; rc == RH_OK && i < len; i++) {
        const rh_json *o = rh_json_array_get(arr, i);
        size_t m = rh_jx_push_index(jx, i);
        rc = check_keys(L, o, keys);
        if (rc == RH_OK)
            rc = opt_str(L, o, "code", &opts[i].code);
        if (rc == RH_OK)
            rc = rh_jx_num(jx, o, "value", true, -1e6, 1e6, &opts[i].value, NULL);
        if (rc == RH_OK)
            rc = opt_str(L, o, "label", &opts[i].label);
        if (rc == RH_OK)
            rc = opt_str(L, o, "label_zh", &opts[i].label_zh);
        for (size_t j = 0; rc == RH_OK && j < i; j++) {
            if (opts[i].code && opts[j].code && strcmp(opts[i].code, opts[j].code) == 0)
                rc = rh_jx_fail(jx, "code", RH_E_INVALID, "option code '%s' is used twice",
                                opts[i].code);
            if (rc == RH_OK && !opts[i].code && opts[i].value == opts[j].value)
                rc = rh_jx_fail(jx, "value", RH_E_INVALID,
                                "two options have the value %g (give them codes)", opts[i].value);
        }
        rh_jx_pop(jx, m);
    }
    rh_jx_pop(jx, mark);
    if (rc == RH_OK) {
        *out = opts;
        *n = len;
    }
    return rc;
}

/* ---- items ---- */

static const char *const item_types[] = {"int",  "number",  "bool", "choice",
                                         "time", "section", NULL};

/* A member of the item, else of item_defaults. */
static const rh_json *item_member(const loader *L, const rh_json *item, const char *key)
{
    const rh_json *v = rh_jx_get(item, key);
    if (!v && L->item_defaults)
        v = rh_jx_get(L->item_defaults, key);
    return v;
}

static const rh_json *item_src(const loader *L, const rh_json *item, const char *key)
{
    if (rh_jx_get(item, key) || !L->item_defaults)
        return item;
    return L->item_defaults;
}

static bool id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > 48)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

static const char *const item_keys[] = {"id",       "label",       "label_zh", "type",    "min",
                                        "max",      "items",       "options",  "reverse", "weight",
                                        "required", "required_if", "patient",  "export",  "unit",
                                        "status",   "evidence",    "note",     NULL};

static const char *const patient_names[RH_PVAR_COUNT] = {"age_y", "male", "height_cm", "weight_kg"};

static rh_status load_item(loader *L, const rh_json *item, rh_instr_item *it, char *name_buf,
                           size_t name_cap)
{
    rh_jx *jx = L->jx;
    rh_status rc = check_keys(L, item, item_keys);
    int t = 0;
    if (rc == RH_OK)
        rc = req_str(L, item, "id", &it->id);
    if (rc == RH_OK && !id_ok(it->id))
        rc = rh_jx_fail(jx, "id", RH_E_INVALID,
                        "item id '%s' must be 1-48 characters of a-z, 0-9, '_' or '-'", it->id);
    if (rc == RH_OK)
        rc = opt_str(L, item, "label", &it->label);
    if (rc == RH_OK)
        rc = opt_str(L, item, "label_zh", &it->label_zh);
    if (rc == RH_OK)
        rc = rh_jx_enum(jx, item_src(L, item, "type"), "type", true, item_types, &t, NULL);
    if (rc != RH_OK)
        return rc;
    it->type = (rh_item_type)t;
    it->weight = 1.0;
    it->required = true;
    it->required_if = -1;
    it->patient_var = -1;
    double lo = 0, hi = 0;
    bool integer = true;
    const rh_json *src;
    switch (it->type) {
    case RH_ITEM_INT:
    case RH_ITEM_NUMBER:
    case RH_ITEM_SECTION:
        src = item_src(L, item, "min");
        if (it->type != RH_ITEM_SECTION)
            rc = rh_jx_num(jx, src, "min", true, -1e9, 1e9, &it->min, NULL);
        src = item_src(L, item, "max");
        if (rc == RH_OK)
            rc = rh_jx_num(jx, src, "max", true, -1e9, 1e9, &it->max, NULL);
        if (rc == RH_OK && it->type != RH_ITEM_NUMBER &&
            (it->min != floor(it->min) || it->max != floor(it->max)))
            rc = rh_jx_fail(jx, "max", RH_E_INVALID, "an integer item needs whole bounds");
        if (rc == RH_OK && it->min >= it->max)
            rc = rh_jx_fail(jx, "max", RH_E_RANGE, "'max' must be above 'min'");
        if (rc == RH_OK && it->type == RH_ITEM_SECTION) {
            int64_t n = 0;
            rc = rh_jx_int(jx, item_src(L, item, "items"), "items", true, 1, 64, &n, NULL);
            it->section_items = (size_t)n;
        }
        lo = it->min;
        hi = it->type == RH_ITEM_SECTION ? it->max * (double)it->section_items : it->max;
        integer = it->type != RH_ITEM_NUMBER;
        break;
    case RH_ITEM_BOOL:
        rc =
            rh_jx_num(jx, item_src(L, item, "weight"), "weight", false, 0, 1000, &it->weight, NULL);
        lo = 0;
        hi = it->weight;
        integer = it->weight == floor(it->weight);
        break;
    case RH_ITEM_CHOICE:
        rc = read_options(L, item_src(L, item, "options"), "options", &it->options, &it->noptions);
        if (rc == RH_OK) {
            lo = hi = it->options[0].value;
            for (size_t i = 0; i < it->noptions; i++) {
                lo = fmin(lo, it->options[i].value);
                hi = fmax(hi, it->options[i].value);
                integer = integer && it->options[i].value == floor(it->options[i].value);
            }
        }
        break;
    case RH_ITEM_TIME:
        lo = 0;
        hi = 1439;
        break;
    }
    if (rc == RH_OK)
        rc = rh_jx_bool(jx, item_src(L, item, "reverse"), "reverse", false, &it->reverse, NULL);
    if (rc == RH_OK && it->reverse && it->type != RH_ITEM_INT && it->type != RH_ITEM_BOOL)
        rc =
            rh_jx_fail(jx, "reverse", RH_E_INVALID, "only int and bool items can be reverse-keyed");
    if (rc == RH_OK)
        rc = rh_jx_bool(jx, item_src(L, item, "required"), "required", false, &it->required, NULL);
    if (rc == RH_OK)
        rc = rh_jx_bool(jx, item_src(L, item, "export"), "export", false, &it->export_fact, NULL);
    if (rc == RH_OK)
        rc = opt_str(L, item_src(L, item, "unit"), "unit", &it->unit);
    if (rc == RH_OK)
        rc = opt_status(L, item, &it->status);
    const char *pname = NULL;
    if (rc == RH_OK)
        rc = opt_str(L, item, "patient", &pname);
    if (rc == RH_OK && pname) {
        for (int p = 0; p < RH_PVAR_COUNT; p++)
            if (strcmp(pname, patient_names[p]) == 0 && p != RH_PVAR_MALE)
                it->patient_var = L->ins->patient_var0 + p;
        if (it->patient_var < 0)
            rc = rh_jx_fail(jx, "patient", RH_E_INVALID,
                            "'%s' is not a patient value (age_y, height_cm, weight_kg)", pname);
        else if (it->type != RH_ITEM_NUMBER)
            rc = rh_jx_fail(jx, "patient", RH_E_INVALID,
                            "only number items can fall back to a patient value");
    }
    if (rc != RH_OK)
        return rc;
    snprintf(name_buf, name_cap, "item.%s", it->id);
    return var_add(L, name_buf, lo, hi, integer, &it->var);
}

/* ---- scores ---- */

static const char *const score_keys[] = {
    "id",     "kind",       "label",    "label_zh", "sum",         "mean",    "expr",
    "lookup", "multiplier", "missing",  "type",     "range",       "integer", "decimals",
    "unit",   "status",     "evidence", "export",   "relevant_if", "note",    NULL};
static const char *const score_kinds[] = {"total",   "subscale",     "component",
                                          "derived", "intermediate", NULL};
static const char *const missing_rules[] = {"none", "prorate", "mean_of_answered", NULL};

static rh_status load_operands(loader *L, const rh_json *s, const char *key, rh_instr_score *sc)
{
    rh_jx *jx = L->jx;
    const char *const *names = NULL;
    size_t n = 0;
    rh_status rc = str_list(L, s, key, true, &names, &n);
    if (rc != RH_OK)
        return rc;
    if (n == 0)
        return rh_jx_fail(jx, key, RH_E_INVALID, "no operands");
    int *ops = ALLOC(L, n, int);
    if (!ops)
        return nomem(L);
    for (size_t i = 0; i < n; i++) {
        ops[i] = var_find(L, names[i]);
        if (ops[i] < 0) {
            size_t m = rh_jx_push_key(jx, key);
            size_t m2 = rh_jx_push_index(jx, i);
            rc = rh_jx_fail(jx, NULL, RH_E_NOTFOUND,
                            "unknown name '%s' (items are 'item.<id>'; a score must be defined "
                            "before it is used)",
                            names[i]);
            rh_jx_pop(jx, m2);
            rh_jx_pop(jx, m);
            return rc;
        }
        for (size_t j = 0; j < i; j++)
            if (ops[j] == ops[i]) {
                size_t m = rh_jx_push_key(jx, key);
                rc = rh_jx_fail(jx, NULL, RH_E_INVALID, "'%s' is listed twice", names[i]);
                rh_jx_pop(jx, m);
                return rc;
            }
    }
    sc->operands = ops;
    sc->noperands = n;
    return RH_OK;
}

static rh_status load_missing(loader *L, const rh_json *s, rh_instr_score *sc)
{
    rh_jx *jx = L->jx;
    rh_json *m = NULL;
    rh_status rc = rh_jx_object(jx, s, "missing", false, &m);
    if (rc != RH_OK || !m)
        return rc;
    static const char *const keys[] = {"rule",   "min_answered", "round", "text",
                                       "status", "evidence",     NULL};
    size_t mark = rh_jx_push_key(jx, "missing");
    int rule = 0;
    int64_t min_ans = 0;
    rc = check_keys(L, m, keys);
    if (rc == RH_OK)
        rc = rh_jx_enum(jx, m, "rule", true, missing_rules, &rule, NULL);
    if (rc == RH_OK)
        rc = rh_jx_int(jx, m, "min_answered", rule != 0, 1, (int64_t)sc->noperands, &min_ans, NULL);
    if (rc == RH_OK)
        rc = rh_jx_bool(jx, m, "round", false, &sc->round_prorated, NULL);
    if (rc == RH_OK)
        rc = req_str(L, m, "text", &sc->missing_text);
    if (rc == RH_OK)
        rc = req_status(L, m, &sc->missing_status);
    if (rc == RH_OK)
        rc = opt_evidence(L, m, &sc->missing_evidence);
    if (rc == RH_OK && rule == RH_MISSING_PRORATE && sc->calc != RH_CALC_SUM)
        rc = rh_jx_fail(jx, "rule", RH_E_INVALID, "'prorate' applies to sums");
    if (rc == RH_OK && rule == RH_MISSING_MEAN && sc->calc != RH_CALC_MEAN)
        rc = rh_jx_fail(jx, "rule", RH_E_INVALID, "'mean_of_answered' applies to means");
    if (rc == RH_OK && sc->round_prorated && rule != RH_MISSING_PRORATE)
        rc = rh_jx_fail(jx, "round", RH_E_INVALID, "'round' applies to 'prorate'");
    rh_jx_pop(jx, mark);
    sc->missing = (rh_instr_missing)rule;
    sc->min_answered = (size_t)min_ans;
    return rc;
}

static rh_status load_lookup(loader *L, const rh_json *s, rh_instr_score *sc)
{
    rh_jx *jx = L->jx;
    rh_json *lk = NULL, *table = NULL;
    const char *of = NULL;
    rh_status rc = rh_jx_object(jx, s, "lookup", true, &lk);
    if (rc != RH_OK)
        return rc;
    static const char *const keys[] = {"of", "table", NULL};
    static const char *const row_keys[] = {"min", "gt", "max", "lt", "value", NULL};
    size_t mark = rh_jx_push_key(jx, "lookup");
    rc = check_keys(L, lk, keys);
    if (rc == RH_OK)
        rc = req_str(L, lk, "of", &of);
    if (rc == RH_OK && (sc->lookup_of = var_find(L, of)) < 0)
        rc = rh_jx_fail(jx, "of", RH_E_NOTFOUND, "unknown name '%s'", of);
    if (rc == RH_OK)
        rc = rh_jx_array(jx, lk, "table", true, &table);
    size_t n = rc == RH_OK ? rh_json_array_size(table) : 0;
    if (rc == RH_OK && (n == 0 || n > 64))
        rc = rh_jx_fail(jx, "table", RH_E_INVALID, "a lookup table has 1-64 rows");
    rh_instr_lookup_row *rows = rc == RH_OK ? ALLOC(L, n, rh_instr_lookup_row) : NULL;
    const rh_instr_interval **ivs = rc == RH_OK ? ALLOC(L, n, const rh_instr_interval *) : NULL;
    if (rc == RH_OK && (!rows || !ivs))
        rc = nomem(L);
    for (size_t i = 0; rc == RH_OK && i < n; i++) {
        const rh_json *row = rh_json_array_get(table, i);
        size_t m1 = rh_jx_push_key(jx, "table");
        size_t m2 = rh_jx_push_index(jx, i);
        rc = check_keys(L, row, row_keys);
        if (rc == RH_OK)
            rc = read_interval(L, row, &rows[i].iv);
        if (rc == RH_OK)
            rc = rh_jx_num(jx, row, "value", true, -1e9, 1e9, &rows[i].value, NULL);
        ivs[i] = &rows[i].iv;
        rh_jx_pop(jx, m2);
        rh_jx_pop(jx, m1);
    }
    if (rc == RH_OK)
        rc = check_cover(L, "table", ivs, n, sc->lookup_of, "lookup rows");
    rh_jx_pop(jx, mark);
    if (rc == RH_OK) {
        sc->rows = rows;
        sc->nrows = n;
    }
    return rc;
}

static rh_status load_score(loader *L, const rh_json *s, rh_instr_score *sc)
{
    rh_jx *jx = L->jx;
    rh_status rc = check_keys(L, s, score_keys);
    int kind = 0;
    if (rc == RH_OK)
        rc = req_str(L, s, "id", &sc->id);
    if (rc == RH_OK && (!id_ok(sc->id) || strncmp(sc->id, "item", 4) == 0 ||
                        strncmp(sc->id, "patient", 7) == 0 || strcmp(sc->id, "flag") == 0 ||
                        strcmp(sc->id, "scorable") == 0 || strcmp(sc->id, "band") == 0))
        rc = rh_jx_fail(jx, "id", RH_E_INVALID,
                        "score id '%s' must be 1-48 characters of a-z, 0-9, '_' or '-' and not "
                        "start with 'item' or 'patient' (nor be flag, band, scorable)",
                        sc->id);
    if (rc == RH_OK)
        rc = rh_jx_enum(jx, s, "kind", true, score_kinds, &kind, NULL);
    if (rc == RH_OK)
        rc = req_str(L, s, "label", &sc->label);
    if (rc == RH_OK)
        rc = opt_str(L, s, "label_zh", &sc->label_zh);
    if (rc == RH_OK)
        rc = req_status(L, s, &sc->status);
    if (rc == RH_OK)
        rc = opt_evidence(L, s, &sc->evidence);
    if (rc == RH_OK)
        rc = opt_str(L, s, "unit", &sc->unit);
    if (rc != RH_OK)
        return rc;
    sc->kind = score_kinds[kind];
    sc->multiplier = 1.0;
    sc->expr = sc->lookup_of = sc->relevant_if = -1;
    sc->export_fact = strcmp(sc->kind, "intermediate") != 0;
    rc = rh_jx_bool(jx, s, "export", false, &sc->export_fact, NULL);
    int64_t dec = 0;
    bool have_dec = false;
    if (rc == RH_OK)
        rc = rh_jx_int(jx, s, "decimals", false, 0, 6, &dec, &have_dec);
    if (rc != RH_OK)
        return rc;
    int calcs = (rh_jx_get(s, "sum") != NULL) + (rh_jx_get(s, "mean") != NULL) +
                (rh_jx_get(s, "expr") != NULL) + (rh_jx_get(s, "lookup") != NULL);
    if (calcs != 1)
        return rh_jx_fail(jx, NULL, RH_E_INVALID,
                          "a score has exactly one of 'sum', 'mean', 'expr', 'lookup'");
    static const char *const types[] = {"number", "bool", NULL};
    int type = 0;
    rc = rh_jx_enum(jx, s, "type", false, types, &type, NULL);
    sc->is_bool = type == 1;
    double lo = -RH_INF, hi = RH_INF;
    bool integer = false;
    if (rc == RH_OK && rh_jx_get(s, "sum")) {
        sc->calc = RH_CALC_SUM;
        rc = load_operands(L, s, "sum", sc);
        if (rc == RH_OK)
            rc = rh_jx_num(jx, s, "multiplier", false, 1e-6, 1e6, &sc->multiplier, NULL);
        if (rc == RH_OK)
            rc = load_missing(L, s, sc);
        if (rc == RH_OK) {
            lo = hi = 0;
            integer = sc->multiplier == floor(sc->multiplier);
            for (size_t i = 0; i < sc->noperands; i++) {
                lo += L->lo[sc->operands[i]];
                hi += L->hi[sc->operands[i]];
                integer = integer && L->integer[sc->operands[i]];
            }
            lo *= sc->multiplier;
            hi *= sc->multiplier;
            if (sc->missing == RH_MISSING_PRORATE && !sc->round_prorated)
                integer = false;
        }
    } else if (rc == RH_OK && rh_jx_get(s, "mean")) {
        sc->calc = RH_CALC_MEAN;
        rc = load_operands(L, s, "mean", sc);
        if (rc == RH_OK)
            rc = load_missing(L, s, sc);
        if (rc == RH_OK) {
            lo = L->lo[sc->operands[0]];
            hi = L->hi[sc->operands[0]];
            for (size_t i = 1; i < sc->noperands; i++) {
                lo = fmin(lo, L->lo[sc->operands[i]]);
                hi = fmax(hi, L->hi[sc->operands[i]]);
            }
            integer = sc->noperands == 1 && L->integer[sc->operands[0]];
        }
    } else if (rc == RH_OK && rh_jx_get(s, "expr")) {
        sc->calc = RH_CALC_EXPR;
        rc = compile_member(L, s, "expr", true, &sc->expr);
        rh_json *range = NULL;
        if (rc == RH_OK)
            rc = rh_jx_array(jx, s, "range", false, &range);
        if (rc == RH_OK && range) {
            if (rh_json_array_size(range) != 2 || !rh_json_is_number(rh_json_array_get(range, 0)) ||
                !rh_json_is_number(rh_json_array_get(range, 1)))
                rc = rh_jx_fail(jx, "range", RH_E_INVALID, "expected [low, high]");
            else {
                lo = rh_json_number(rh_json_array_get(range, 0));
                hi = rh_json_number(rh_json_array_get(range, 1));
                if (!(lo < hi))
                    rc = rh_jx_fail(jx, "range", RH_E_RANGE, "low must be below high");
            }
        }
        if (rc == RH_OK)
            rc = rh_jx_bool(jx, s, "integer", false, &integer, NULL);
        if (rc == RH_OK && sc->is_bool) {
            lo = 0;
            hi = 1;
            integer = true;
        }
    } else if (rc == RH_OK) {
        sc->calc = RH_CALC_LOOKUP;
        rc = load_lookup(L, s, sc);
        if (rc == RH_OK) {
            lo = hi = sc->rows[0].value;
            integer = true;
            for (size_t i = 0; i < sc->nrows; i++) {
                lo = fmin(lo, sc->rows[i].value);
                hi = fmax(hi, sc->rows[i].value);
                integer = integer && sc->rows[i].value == floor(sc->rows[i].value);
            }
        }
    }
    if (rc == RH_OK && sc->is_bool && sc->calc != RH_CALC_EXPR)
        rc = rh_jx_fail(jx, "type", RH_E_INVALID, "a bool score is an 'expr'");
    if (rc == RH_OK && (rh_jx_get(s, "range") || rh_jx_get(s, "integer")) &&
        sc->calc != RH_CALC_EXPR)
        rc = rh_jx_fail(jx, "range", RH_E_INVALID, "'range' and 'integer' apply to 'expr' only");
    if (rc == RH_OK)
        rc = compile_member(L, s, "relevant_if", false, &sc->relevant_if);
    if (rc != RH_OK)
        return rc;
    sc->lo = lo;
    sc->hi = hi;
    sc->integer = integer;
    sc->decimals = have_dec ? (int)dec : (integer ? 0 : 2);
    return var_add(L, sc->id, lo, hi, integer, &sc->var);
}

/* ---- band sets ---- */

static rh_status load_when(loader *L, const rh_json *bs, rh_instr_band_set *set)
{
    rh_jx *jx = L->jx;
    rh_json *w = NULL;
    rh_status rc = rh_jx_object(jx, bs, "when", false, &w);
    if (rc != RH_OK || !w)
        return rc;
    size_t n = 0;
    rh_json_iter it;
    const char *key;
    rh_json *val;
    rh_json_iter_init(&it, w);
    while (rh_json_iter_next(&it, &key, &val))
        n++;
    rh_instr_when *list = ALLOC(L, n, rh_instr_when);
    if (!list)
        return nomem(L);
    size_t mark = rh_jx_push_key(jx, "when");
    size_t i = 0;
    rh_json_iter_init(&it, w);
    while (rc == RH_OK && rh_json_iter_next(&it, &key, &val)) {
        list[i].key = key;
        rc = str_list(L, w, key, true, &list[i].values, &list[i].nvalues);
        const char *const *allowed = NULL;
        size_t nallowed = 0;
        bool known = false;
        static const char *const sexes[] = {"male", "female"};
        if (strcmp(key, "sex") == 0) {
            known = true;
            allowed = sexes;
            nallowed = 2;
        }
        for (size_t c = 0; !known && c < L->ins->ncontexts; c++)
            if (strcmp(L->ins->contexts[c].key, key) == 0) {
                known = true;
                allowed = L->ins->contexts[c].values;
                nallowed = L->ins->contexts[c].nvalues;
            }
        if (rc == RH_OK && !known)
            rc = rh_jx_fail(jx, key, RH_E_INVALID,
                            "'%s' is neither 'sex' nor a context field of the answers", key);
        for (size_t v = 0; rc == RH_OK && allowed && v < list[i].nvalues; v++) {
            bool ok = false;
            for (size_t a = 0; a < nallowed; a++)
                ok |= strcmp(allowed[a], list[i].values[v]) == 0;
            if (!ok)
                rc = rh_jx_fail(jx, key, RH_E_INVALID, "'%s' is not a possible value of '%s'",
                                list[i].values[v], key);
        }
        i++;
    }
    rh_jx_pop(jx, mark);
    set->when = list;
    set->nwhen = n;
    return rc;
}

static const char *const band_set_types[] = {"intervals", "rules", "norms", NULL};

static rh_status load_norms(loader *L, const rh_json *bs, rh_instr_band_set *set)
{
    rh_jx *jx = L->jx;
    rh_json *nm = NULL, *rows = NULL;
    rh_status rc = rh_jx_object(jx, bs, "norms", true, &nm);
    if (rc != RH_OK)
        return rc;
    static const char *const keys[] = {"age", "rows", NULL};
    static const char *const row_keys[] = {"age_min", "age_max", "male", "female", NULL};
    size_t mark = rh_jx_push_key(jx, "norms");
    const char *age = NULL;
    rc = check_keys(L, nm, keys);
    if (rc == RH_OK)
        rc = req_str(L, nm, "age", &age);
    if (rc == RH_OK && (set->norm_age_var = var_find(L, age)) < 0)
        rc = rh_jx_fail(jx, "age", RH_E_NOTFOUND, "unknown name '%s'", age);
    if (rc == RH_OK)
        rc = rh_jx_array(jx, nm, "rows", true, &rows);
    size_t n = rc == RH_OK ? rh_json_array_size(rows) : 0;
    if (rc == RH_OK && (n == 0 || n > 64))
        rc = rh_jx_fail(jx, "rows", RH_E_INVALID, "a norm table has 1-64 rows");
    rh_instr_norm_row *out = rc == RH_OK ? ALLOC(L, n, rh_instr_norm_row) : NULL;
    if (rc == RH_OK && !out)
        rc = nomem(L);
    for (size_t i = 0; rc == RH_OK && i < n; i++) {
        const rh_json *r = rh_json_array_get(rows, i);
        size_t m1 = rh_jx_push_key(jx, "rows");
        size_t m2 = rh_jx_push_index(jx, i);
        rc = check_keys(L, r, row_keys);
        if (rc == RH_OK)
            rc = rh_jx_num(jx, r, "age_min", true, 0, 130, &out[i].age_min, NULL);
        if (rc == RH_OK)
            rc = rh_jx_num(jx, r, "age_max", true, 0, 130, &out[i].age_max, NULL);
        if (rc == RH_OK && (out[i].age_max < out[i].age_min ||
                            (i > 0 && out[i].age_min != out[i - 1].age_max + 1)))
            rc = rh_jx_fail(jx, "age_min", RH_E_INVALID,
                            "age groups must be ascending and contiguous");
        for (int s = 0; rc == RH_OK && s < 2; s++) {
            const char *k = s == 0 ? "male" : "female";
            const rh_json *pair = rh_jx_get(r, k);
            if (rh_json_array_size(pair) != 2 || !rh_json_is_number(rh_json_array_get(pair, 0)) ||
                !rh_json_is_number(rh_json_array_get(pair, 1)) ||
                rh_json_number(rh_json_array_get(pair, 0)) >
                    rh_json_number(rh_json_array_get(pair, 1)))
                rc = rh_jx_fail(jx, k, RH_E_INVALID, "expected [low, high] of the normal range");
            else if (s == 0) {
                out[i].male_lo = rh_json_number(rh_json_array_get(pair, 0));
                out[i].male_hi = rh_json_number(rh_json_array_get(pair, 1));
            } else {
                out[i].female_lo = rh_json_number(rh_json_array_get(pair, 0));
                out[i].female_hi = rh_json_number(rh_json_array_get(pair, 1));
            }
        }
        rh_jx_pop(jx, m2);
        rh_jx_pop(jx, m1);
    }
    rh_jx_pop(jx, mark);
    set->norms = out;
    set->nnorms = n;
    return rc;
}

static rh_status load_band_set(loader *L, const rh_json *bs, rh_instr_band_set *set)
{
    rh_jx *jx = L->jx;
    static const char *const keys[] = {"id",     "label",    "label_zh",    "type",  "on",
                                       "when",   "locales",  "alternative", "bands", "norms",
                                       "status", "evidence", "note",        NULL};
    static const char *const band_keys[] = {"code", "label", "label_zh", "status", "min", "gt",
                                            "max",  "lt",    "when",     "note",   NULL};
    rh_status rc = check_keys(L, bs, keys);
    int type = 0;
    const char *on = NULL;
    rh_json *bands = NULL;
    if (rc == RH_OK)
        rc = req_str(L, bs, "id", &set->id);
    if (rc == RH_OK && !id_ok(set->id))
        rc = rh_jx_fail(jx, "id", RH_E_INVALID, "band set id '%s' must be a-z, 0-9, '_', '-'",
                        set->id);
    if (rc == RH_OK)
        rc = req_str(L, bs, "label", &set->label);
    if (rc == RH_OK)
        rc = req_str(L, bs, "label_zh", &set->label_zh);
    if (rc == RH_OK)
        rc = rh_jx_enum(jx, bs, "type", false, band_set_types, &type, NULL);
    if (rc == RH_OK)
        rc = req_str(L, bs, "on", &on);
    if (rc == RH_OK)
        rc = req_status(L, bs, &set->status);
    if (rc == RH_OK)
        rc = opt_evidence(L, bs, &set->evidence);
    if (rc == RH_OK)
        rc = load_when(L, bs, set);
    if (rc == RH_OK)
        rc = str_list(L, bs, "locales", false, &set->locales, &set->nlocales);
    if (rc == RH_OK)
        rc = rh_jx_bool(jx, bs, "alternative", false, &set->alternative, NULL);
    if (rc != RH_OK)
        return rc;
    set->type = (rh_band_set_type)type;
    set->on = -1;
    set->norm_age_var = -1;
    if (strcmp(on, "substance") == 0 && L->ins->method == RH_METHOD_ASSIST) {
        set->per_substance = true;
        if (set->type != RH_BANDS_INTERVALS)
            return rh_jx_fail(jx, "type", RH_E_INVALID, "per-substance bands are intervals");
    } else if ((set->on = var_find(L, on)) < 0) {
        return rh_jx_fail(jx, "on", RH_E_NOTFOUND, "unknown score or item '%s'", on);
    }
    if (set->type == RH_BANDS_NORMS) {
        rc = load_norms(L, bs, set);
        if (rc != RH_OK)
            return rc;
    } else if (rh_jx_get(bs, "norms")) {
        return rh_jx_fail(jx, "norms", RH_E_INVALID, "'norms' needs \"type\": \"norms\"");
    }
    rc = rh_jx_array(jx, bs, "bands", true, &bands);
    if (rc != RH_OK)
        return rc;
    size_t n = rh_json_array_size(bands);
    if (n == 0 || n > 32)
        return rh_jx_fail(jx, "bands", RH_E_INVALID, "a band set has 1-32 bands");
    rh_instr_band *out = ALLOC(L, n, rh_instr_band);
    const rh_instr_interval **ivs = ALLOC(L, n, const rh_instr_interval *);
    if (!out || !ivs)
        return nomem(L);
    for (size_t i = 0; rc == RH_OK && i < n; i++) {
        const rh_json *b = rh_json_array_get(bands, i);
        size_t m1 = rh_jx_push_key(jx, "bands");
        size_t m2 = rh_jx_push_index(jx, i);
        out[i].when = -1;
        rc = check_keys(L, b, band_keys);
        if (rc == RH_OK)
            rc = req_str(L, b, "code", &out[i].code);
        if (rc == RH_OK)
            rc = req_str(L, b, "label", &out[i].label);
        if (rc == RH_OK)
            rc = req_str(L, b, "label_zh", &out[i].label_zh);
        if (rc == RH_OK)
            rc = opt_status(L, b, &out[i].status);
        for (size_t j = 0; rc == RH_OK && j < i; j++)
            if (strcmp(out[j].code, out[i].code) == 0)
                rc = rh_jx_fail(jx, "code", RH_E_INVALID, "band code '%s' is used twice",
                                out[i].code);
        bool has_iv =
            rh_jx_get(b, "min") || rh_jx_get(b, "max") || rh_jx_get(b, "gt") || rh_jx_get(b, "lt");
        if (rc == RH_OK && set->type == RH_BANDS_INTERVALS) {
            if (rh_jx_get(b, "when"))
                rc = rh_jx_fail(jx, "when", RH_E_INVALID, "interval bands have no 'when'");
            else
                rc = read_interval(L, b, &out[i].iv);
        } else if (rc == RH_OK && set->type == RH_BANDS_RULES) {
            if (has_iv)
                rc = rh_jx_fail(jx, NULL, RH_E_INVALID, "rule bands have no interval");
            else
                rc = compile_member(L, b, "when", i + 1 < n, &out[i].when);
            if (rc == RH_OK && i + 1 == n && out[i].when >= 0)
                rc = rh_jx_fail(jx, "when", RH_E_INVALID,
                                "the last rule band is the catch-all and has no 'when'");
        } else if (rc == RH_OK) {
            static const char *const norm_codes[] = {"below", "within", "above"};
            if (has_iv || rh_jx_get(b, "when"))
                rc = rh_jx_fail(jx, NULL, RH_E_INVALID, "norm bands have no interval or 'when'");
            else if (n != 3 || strcmp(out[i].code, norm_codes[i]) != 0)
                rc = rh_jx_fail(jx, "code", RH_E_INVALID,
                                "norm bands are exactly 'below', 'within', 'above' in order");
        }
        ivs[i] = &out[i].iv;
        rh_jx_pop(jx, m2);
        rh_jx_pop(jx, m1);
    }
    if (rc == RH_OK && set->type == RH_BANDS_INTERVALS && !set->per_substance)
        rc = check_cover(L, "bands", ivs, n, set->on, "bands");
    set->bands = out;
    set->nbands = n;
    return rc;
}

/* ---- flags, checks, exclusions, changes, codes, rules, licence ---- */

static const char *const severities[] = {"urgent", "warning", "info", NULL};

static rh_status load_flag(loader *L, const rh_json *f, rh_instr_flag *fl)
{
    static const char *const keys[] = {"id",       "label",  "label_zh",  "severity",
                                       "when",     "action", "action_zh", "status",
                                       "evidence", "note",   NULL};
    int sev = 0;
    rh_status rc = check_keys(L, f, keys);
    if (rc == RH_OK)
        rc = req_str(L, f, "id", &fl->id);
    if (rc == RH_OK && !id_ok(fl->id))
        rc = rh_jx_fail(L->jx, "id", RH_E_INVALID, "flag id '%s' must be a-z, 0-9, '_', '-'",
                        fl->id);
    if (rc == RH_OK)
        rc = req_str(L, f, "label", &fl->label);
    if (rc == RH_OK)
        rc = req_str(L, f, "label_zh", &fl->label_zh);
    if (rc == RH_OK)
        rc = rh_jx_enum(L->jx, f, "severity", true, severities, &sev, NULL);
    if (rc == RH_OK)
        rc = opt_str(L, f, "action", &fl->action);
    if (rc == RH_OK)
        rc = opt_str(L, f, "action_zh", &fl->action_zh);
    if (rc == RH_OK)
        rc = req_status(L, f, &fl->status);
    if (rc == RH_OK)
        rc = opt_evidence(L, f, &fl->evidence);
    if (rc == RH_OK)
        rc = compile_member(L, f, "when", true, &fl->when);
    fl->severity = severities[sev];
    return rc;
}

static rh_status load_check(loader *L, const rh_json *c, rh_instr_check *ck)
{
    static const char *const keys[] = {"when", "field", "message", "note", NULL};
    rh_status rc = check_keys(L, c, keys);
    if (rc == RH_OK)
        rc = req_str(L, c, "field", &ck->field);
    if (rc == RH_OK)
        rc = req_str(L, c, "message", &ck->message);
    if (rc == RH_OK)
        rc = compile_member(L, c, "when", true, &ck->when);
    if (rc == RH_OK) {
        bool found = false;
        for (size_t i = 0; i < L->ins->nitems; i++)
            found |= strcmp(L->ins->items[i].id, ck->field) == 0;
        if (!found)
            rc = rh_jx_fail(L->jx, "field", RH_E_NOTFOUND, "no item '%s'", ck->field);
    }
    return rc;
}

static rh_status load_exclusion(loader *L, const rh_json *e, rh_instr_exclusion *ex)
{
    static const char *const keys[] = {"id",     "when",     "reason", "reason_zh",
                                       "status", "evidence", "note",   NULL};
    rh_status rc = check_keys(L, e, keys);
    if (rc == RH_OK)
        rc = req_str(L, e, "id", &ex->id);
    if (rc == RH_OK)
        rc = req_str(L, e, "reason", &ex->reason);
    if (rc == RH_OK)
        rc = req_str(L, e, "reason_zh", &ex->reason_zh);
    if (rc == RH_OK)
        rc = req_status(L, e, &ex->status);
    if (rc == RH_OK)
        rc = opt_evidence(L, e, &ex->evidence);
    if (rc == RH_OK)
        rc = compile_member(L, e, "when", true, &ex->when);
    return rc;
}

static rh_status load_change(loader *L, const rh_json *c, rh_instr_change *ch)
{
    static const char *const keys[] = {"type",     "on",         "value", "value_max",
                                       "unit",     "population", "text",  "status",
                                       "evidence", "note",       NULL};
    static const char *const types[] = {"mcid", "mdc", "response", NULL};
    int t = 0;
    const char *on = NULL;
    bool have_max = false;
    rh_status rc = check_keys(L, c, keys);
    if (rc == RH_OK)
        rc = rh_jx_enum(L->jx, c, "type", true, types, &t, NULL);
    if (rc == RH_OK)
        rc = req_str(L, c, "on", &on);
    if (rc == RH_OK && (ch->on = var_find(L, on)) < 0)
        rc = rh_jx_fail(L->jx, "on", RH_E_NOTFOUND, "unknown score '%s'", on);
    if (rc == RH_OK)
        rc = rh_jx_num(L->jx, c, "value", true, 0, 1e6, &ch->value, NULL);
    ch->value_max = RH_NAN;
    if (rc == RH_OK)
        rc = rh_jx_num(L->jx, c, "value_max", false, 0, 1e6, &ch->value_max, &have_max);
    if (rc == RH_OK && have_max && ch->value_max <= ch->value)
        rc = rh_jx_fail(L->jx, "value_max", RH_E_RANGE, "'value_max' must exceed 'value'");
    if (rc == RH_OK)
        rc = req_str(L, c, "unit", &ch->unit);
    if (rc == RH_OK)
        rc = opt_str(L, c, "population", &ch->population);
    if (rc == RH_OK)
        rc = req_str(L, c, "text", &ch->text);
    if (rc == RH_OK)
        rc = req_status(L, c, &ch->status);
    if (rc == RH_OK)
        rc = opt_evidence(L, c, &ch->evidence);
    ch->type = types[t];
    return rc;
}

static bool loinc_ok(const char *code)
{
    /* LOINC: 1-7 digits, '-', one check digit. */
    const char *dash = strchr(code, '-');
    if (!dash || dash == code || dash - code > 7 || strlen(dash) != 2)
        return false;
    for (const char *p = code; p < dash; p++)
        if (*p < '0' || *p > '9')
            return false;
    return dash[1] >= '0' && dash[1] <= '9';
}

static rh_status load_code(loader *L, const rh_json *c, rh_instr_code *cd)
{
    static const char *const keys[] = {"system",   "code", "what", "status",
                                       "evidence", "note", NULL};
    static const char *const systems[] = {"LOINC", NULL};
    int sys = 0;
    rh_status rc = check_keys(L, c, keys);
    if (rc == RH_OK)
        rc = rh_jx_enum(L->jx, c, "system", true, systems, &sys, NULL);
    if (rc == RH_OK)
        rc = req_str(L, c, "code", &cd->code);
    if (rc == RH_OK && !loinc_ok(cd->code))
        rc = rh_jx_fail(L->jx, "code", RH_E_INVALID, "'%s' is not shaped like a LOINC code",
                        cd->code);
    if (rc == RH_OK)
        rc = req_str(L, c, "what", &cd->what);
    if (rc == RH_OK)
        rc = req_status(L, c, &cd->status);
    if (rc == RH_OK)
        rc = opt_evidence(L, c, &cd->evidence);
    cd->system = systems[sys];
    return rc;
}

static rh_status load_rule(loader *L, const rh_json *r, rh_instr_rule *ru)
{
    static const char *const keys[] = {"id", "text", "status", "evidence", NULL};
    rh_status rc = check_keys(L, r, keys);
    if (rc == RH_OK)
        rc = req_str(L, r, "id", &ru->id);
    if (rc == RH_OK)
        rc = req_str(L, r, "text", &ru->text);
    if (rc == RH_OK)
        rc = req_status(L, r, &ru->status);
    if (rc == RH_OK)
        rc = opt_evidence(L, r, &ru->evidence);
    return rc;
}

static rh_status load_licence(loader *L, const rh_json *root)
{
    static const char *const keys[] = {"code",   "text",     "item_wording_shipped",
                                       "status", "evidence", NULL};
    static const char *const codes[] = {"public_domain",       "free",        "free_non_commercial",
                                        "permission_required", "licence_fee", NULL};
    rh_json *lic = NULL;
    int code = 0;
    rh_instr_licence *li = &L->ins->licence;
    rh_status rc = rh_jx_object(L->jx, root, "licence", true, &lic);
    if (rc != RH_OK)
        return rc;
    size_t mark = rh_jx_push_key(L->jx, "licence");
    rc = check_keys(L, lic, keys);
    if (rc == RH_OK)
        rc = rh_jx_enum(L->jx, lic, "code", true, codes, &code, NULL);
    if (rc == RH_OK)
        rc = req_str(L, lic, "text", &li->text);
    if (rc == RH_OK)
        rc = rh_jx_bool(L->jx, lic, "item_wording_shipped", true, &li->item_wording_shipped, NULL);
    if (rc == RH_OK)
        rc = req_status(L, lic, &li->status);
    if (rc == RH_OK)
        rc = opt_evidence(L, lic, &li->evidence);
    rh_jx_pop(L->jx, mark);
    li->code = codes[code];
    return rc;
}

/* Loads the array `key` of `root` into `count` elements of `size` bytes with
 * `fn`, pushing the path for each element. */
typedef rh_status (*elem_fn)(loader *L, const rh_json *e, void *out);

static rh_status load_array(loader *L, const rh_json *root, const char *key, bool required,
                            size_t max, size_t size, elem_fn fn, void **out, size_t *count)
{
    rh_json *arr = NULL;
    *out = NULL;
    *count = 0;
    rh_status rc = rh_jx_array(L->jx, root, key, required, &arr);
    if (rc != RH_OK || !arr)
        return rc;
    size_t n = rh_json_array_size(arr);
    if (n > max)
        return rh_jx_fail(L->jx, key, RH_E_LIMIT, "more than %zu entries", max);
    char *mem = box_alloc(L->box, n, size);
    if (!mem)
        return nomem(L);
    size_t mark = rh_jx_push_key(L->jx, key);
    for (size_t i = 0; rc == RH_OK && i < n; i++) {
        size_t m = rh_jx_push_index(L->jx, i);
        rc = fn(L, rh_json_array_get(arr, i), mem + i * size);
        rh_jx_pop(L->jx, m);
    }
    rh_jx_pop(L->jx, mark);
    *out = mem;
    *count = n;
    return rc;
}

#define ELEM_FN(name, type)                                            \
    static rh_status name##_elem(loader *L, const rh_json *e, void *o) \
    {                                                                  \
        return name(L, e, (type *)o);                                  \
    }
ELEM_FN(load_flag, rh_instr_flag)
ELEM_FN(load_check, rh_instr_check)
ELEM_FN(load_exclusion, rh_instr_exclusion)
ELEM_FN(load_change, rh_instr_change)
ELEM_FN(load_code, rh_instr_code)
ELEM_FN(load_rule, rh_instr_rule)

/* ---- answers, contexts ---- */

static rh_status load_context(loader *L, const rh_json *c, void *o)
{
    rh_instr_context *cx = o;
    static const char *const keys[] = {"key", "values", "required", "note", NULL};
    rh_status rc = check_keys(L, c, keys);
    if (rc == RH_OK)
        rc = req_str(L, c, "key", &cx->key);
    if (rc == RH_OK && !id_ok(cx->key))
        rc = rh_jx_fail(L->jx, "key", RH_E_INVALID, "context key '%s' must be a-z, 0-9, '_'",
                        cx->key);
    if (rc == RH_OK)
        rc = str_list(L, c, "values", true, &cx->values, &cx->nvalues);
    if (rc == RH_OK)
        rc = rh_jx_bool(L->jx, c, "required", false, &cx->required, NULL);
    return rc;
}

static const char *const reserved_members[] = {"band_set",     "patient", "comment",
                                               "administered", "items",   NULL};

static rh_status load_answers(loader *L, const rh_json *root)
{
    rh_jx *jx = L->jx;
    rh_json *a = NULL;
    static const char *const keys[] = {"form", "min_answered", "context", "note", NULL};
    static const char *const forms[] = {"array", "object", NULL};
    int form = 0;
    int64_t min_ans = 0;
    rh_status rc = rh_jx_object(jx, root, "answers", true, &a);
    if (rc != RH_OK)
        return rc;
    size_t mark = rh_jx_push_key(jx, "answers");
    rc = check_keys(L, a, keys);
    if (rc == RH_OK)
        rc = rh_jx_enum(jx, a, "form", true, forms, &form, NULL);
    if (rc == RH_OK)
        rc = rh_jx_int(jx, a, "min_answered", false, 0, MAX_ITEMS, &min_ans, NULL);
    void *ctx = NULL;
    if (rc == RH_OK)
        rc = load_array(L, a, "context", false, 8, sizeof(rh_instr_context), load_context, &ctx,
                        &L->ins->ncontexts);
    L->ins->contexts = ctx;
    for (size_t i = 0; rc == RH_OK && i < L->ins->ncontexts; i++)
        for (const char *const *r = reserved_members; *r; r++)
            if (strcmp(*r, L->ins->contexts[i].key) == 0)
                rc = rh_jx_fail(jx, "context", RH_E_INVALID, "'%s' is a reserved member name", *r);
    rh_jx_pop(jx, mark);
    L->ins->form = (rh_answers_form)form;
    L->ins->min_answered = (size_t)min_ans;
    return rc;
}

/* ---- ASSIST, MAS ---- */

static rh_status load_question(loader *L, const rh_json *q, void *o)
{
    rh_instr_question *qu = o;
    static const char *const keys[] = {"id", "label", "label_zh", "options", "note", NULL};
    rh_status rc = check_keys(L, q, keys);
    if (rc == RH_OK)
        rc = req_str(L, q, "id", &qu->id);
    if (rc == RH_OK)
        rc = req_str(L, q, "label", &qu->label);
    if (rc == RH_OK)
        rc = req_str(L, q, "label_zh", &qu->label_zh);
    if (rc == RH_OK && strcmp(qu->id, "q1") != 0)
        rc = read_options(L, q, "options", &qu->options, &qu->noptions);
    else if (rc == RH_OK && rh_jx_get(q, "options"))
        rc = rh_jx_fail(L->jx, "options", RH_E_INVALID, "q1 (lifetime use) is yes/no");
    return rc;
}

static rh_status load_substance(loader *L, const rh_json *s, void *o)
{
    rh_instr_substance *su = o;
    static const char *const keys[] = {"id", "label", "label_zh", "skip", "band_set", "note", NULL};
    const char *bs = NULL;
    rh_status rc = check_keys(L, s, keys);
    if (rc == RH_OK)
        rc = req_str(L, s, "id", &su->id);
    if (rc == RH_OK && !id_ok(su->id))
        rc = rh_jx_fail(L->jx, "id", RH_E_INVALID, "substance id '%s' must be a-z, 0-9, '_'",
                        su->id);
    if (rc == RH_OK)
        rc = req_str(L, s, "label", &su->label);
    if (rc == RH_OK)
        rc = req_str(L, s, "label_zh", &su->label_zh);
    if (rc == RH_OK)
        rc = str_list(L, s, "skip", false, &su->skip, &su->nskip);
    for (size_t i = 0; rc == RH_OK && i < su->nskip; i++) {
        bool ok = false;
        for (size_t q = 0; q < L->ins->nquestions; q++)
            ok |= strcmp(L->ins->questions[q].id, su->skip[i]) == 0;
        if (!ok || strcmp(su->skip[i], "q1") == 0 || strcmp(su->skip[i], "q2") == 0)
            rc = rh_jx_fail(L->jx, "skip", RH_E_INVALID,
                            "'%s' is not a question that can be skipped (q3-q7)", su->skip[i]);
    }
    if (rc == RH_OK)
        rc = req_str(L, s, "band_set", &bs);
    su->band_set = -1;
    for (size_t i = 0; rc == RH_OK && i < L->ins->nband_sets; i++)
        if (strcmp(L->ins->band_sets[i].id, bs) == 0)
            su->band_set = (int)i;
    if (rc == RH_OK && (su->band_set < 0 || !L->ins->band_sets[su->band_set].per_substance))
        rc = rh_jx_fail(L->jx, "band_set", RH_E_NOTFOUND,
                        "no band set '%s' with \"on\": \"substance\"", bs);
    return rc;
}

static rh_status load_assist(loader *L, const rh_json *root)
{
    rh_jx *jx = L->jx;
    rh_json *as = NULL;
    rh_status rc = rh_jx_object(jx, root, "assist", true, &as);
    if (rc != RH_OK)
        return rc;
    static const char *const keys[] = {"questions", "substances", NULL};
    static const char *const qids[] = {"q1", "q2", "q3", "q4", "q5", "q6", "q7"};
    size_t mark = rh_jx_push_key(jx, "assist");
    void *qs = NULL, *ss = NULL;
    rc = check_keys(L, as, keys);
    if (rc == RH_OK)
        rc = load_array(L, as, "questions", true, 7, sizeof(rh_instr_question), load_question, &qs,
                        &L->ins->nquestions);
    L->ins->questions = qs;
    if (rc == RH_OK && L->ins->nquestions != 7)
        rc = rh_jx_fail(jx, "questions", RH_E_INVALID, "ASSIST has questions q1-q7");
    for (size_t i = 0; rc == RH_OK && i < 7; i++)
        if (strcmp(L->ins->questions[i].id, qids[i]) != 0)
            rc = rh_jx_fail(jx, "questions", RH_E_INVALID, "question %zu must be '%s'", i + 1,
                            qids[i]);
    if (rc == RH_OK)
        rc = load_array(L, as, "substances", true, 16, sizeof(rh_instr_substance), load_substance,
                        &ss, &L->ins->nsubstances);
    L->ins->substances = ss;
    for (size_t i = 0; rc == RH_OK && i < L->ins->nsubstances; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(L->ins->substances[i].id, L->ins->substances[j].id) == 0)
                rc = rh_jx_fail(jx, "substances", RH_E_INVALID, "substance '%s' is listed twice",
                                L->ins->substances[i].id);
    rh_jx_pop(jx, mark);
    return rc;
}

static rh_status load_muscle_map(loader *L, const rh_json *root)
{
    rh_jx *jx = L->jx;
    rh_json *mm = NULL;
    int64_t max_entries = 0;
    rh_status rc = rh_jx_object(jx, root, "muscle_map", true, &mm);
    if (rc != RH_OK)
        return rc;
    static const char *const keys[] = {"member", "max_entries", "options", NULL};
    size_t mark = rh_jx_push_key(jx, "muscle_map");
    rc = check_keys(L, mm, keys);
    if (rc == RH_OK)
        rc = req_str(L, mm, "member", &L->ins->map_member);
    if (rc == RH_OK)
        rc = rh_jx_int(jx, mm, "max_entries", true, 1, 256, &max_entries, NULL);
    if (rc == RH_OK)
        rc = read_options(L, mm, "options", &L->ins->map_options, &L->ins->nmap_options);
    for (size_t i = 0; rc == RH_OK && i < L->ins->nmap_options; i++)
        if (!L->ins->map_options[i].code || L->ins->map_options[i].value != (double)i)
            rc = rh_jx_fail(jx, "options", RH_E_INVALID,
                            "muscle grades need codes and ranks 0, 1, 2 ... in order");
    rh_jx_pop(jx, mark);
    L->ins->map_max_entries = (size_t)max_entries;
    return rc;
}

/* ---- the instrument ---- */

static const char *const top_keys[] = {RH_CATALOG_ENVELOPE_KEYS,
                                       "id",
                                       "name",
                                       "name_zh",
                                       "abbrev",
                                       "domain",
                                       "description",
                                       "period",
                                       "status",
                                       "evidence",
                                       "method",
                                       "answers",
                                       "option_sets",
                                       "item_defaults",
                                       "items",
                                       "scores",
                                       "primary",
                                       "scorable_requires",
                                       "band_sets",
                                       "flags",
                                       "checks",
                                       "exclusions",
                                       "change",
                                       "codes",
                                       "rules",
                                       "licence",
                                       "assist",
                                       "muscle_map",
                                       "notes",
                                       NULL};
static const char *const domains[] = {
    "mood",  "anxiety", "sleep",    "physical_activity", "substance_use", "craving",  "pain",
    "motor", "balance", "function", "fitness",           "anthropometry", "strength", NULL};
static const char *const methods[] = {"standard", "assist", "muscle_map", NULL};

/* The file must be instruments/<id>.json so that ids and files cannot drift. */
static bool path_matches(const char *source, const char *id)
{
    const char *base = strrchr(source, '/');
    base = base ? base + 1 : source;
    size_t n = strlen(id);
    return strncmp(base, id, n) == 0 && strcmp(base + n, ".json") == 0;
}

static rh_status load_items(loader *L, const rh_json *root)
{
    rh_jx *jx = L->jx;
    rh_json *arr = NULL;
    rh_status rc = rh_jx_array(jx, root, "items", L->ins->method != RH_METHOD_MUSCLE_MAP, &arr);
    if (rc != RH_OK || !arr)
        return rc;
    size_t n = rh_json_array_size(arr);
    if (n > MAX_ITEMS)
        return rh_jx_fail(jx, "items", RH_E_LIMIT, "more than %d items", MAX_ITEMS);
    rh_instr_item *items = ALLOC(L, n, rh_instr_item);
    char *names = ALLOC(L, n * 56, char);
    if (!items || !names)
        return nomem(L);
    L->ins->items = items;
    L->items = items;
    size_t mark = rh_jx_push_key(jx, "items");
    for (size_t i = 0; rc == RH_OK && i < n; i++) {
        size_t m = rh_jx_push_index(jx, i);
        rc = load_item(L, rh_json_array_get(arr, i), &items[i], names + i * 56, 56);
        if (rc == RH_OK && L->ins->form == RH_FORM_ARRAY) {
            char want[24];
            snprintf(want, sizeof(want), "%zu", i + 1);
            if (strcmp(items[i].id, want) != 0)
                rc = rh_jx_fail(jx, "id", RH_E_INVALID,
                                "items answered as an array are numbered: expected id '%s'", want);
            if (rc == RH_OK && items[i].patient_var >= 0)
                rc = rh_jx_fail(jx, "patient", RH_E_INVALID,
                                "array items cannot fall back to patient values");
        }
        for (size_t r = 0; rc == RH_OK && L->ins->form == RH_FORM_OBJECT && reserved_members[r];
             r++)
            if (strcmp(items[i].id, reserved_members[r]) == 0)
                rc = rh_jx_fail(jx, "id", RH_E_INVALID, "'%s' is a reserved member name",
                                items[i].id);
        for (size_t c = 0; rc == RH_OK && c < L->ins->ncontexts; c++)
            if (strcmp(items[i].id, L->ins->contexts[c].key) == 0)
                rc =
                    rh_jx_fail(jx, "id", RH_E_INVALID, "'%s' is also a context field", items[i].id);
        rh_jx_pop(jx, m);
        L->ins->nitems = i + 1;
    }
    rh_jx_pop(jx, mark);
    return rc;
}

static rh_status load_required_if(loader *L, const rh_json *root)
{
    const rh_json *arr = rh_jx_get(root, "items");
    rh_status rc = RH_OK;
    size_t mark = rh_jx_push_key(L->jx, "items");
    for (size_t i = 0; rc == RH_OK && i < L->ins->nitems; i++) {
        const rh_json *item = rh_json_array_get(arr, i);
        size_t m = rh_jx_push_index(L->jx, i);
        rh_instr_item *it = &L->items[i];
        if (item_member(L, item, "required_if")) {
            rc = compile_member(L, item_src(L, item, "required_if"), "required_if", true,
                                &it->required_if);
            if (rc == RH_OK && !it->required)
                rc = rh_jx_fail(L->jx, "required_if", RH_E_INVALID,
                                "'required_if' needs 'required' left true");
        }
        rh_jx_pop(L->jx, m);
    }
    rh_jx_pop(L->jx, mark);
    return rc;
}

static rh_status load_scores(loader *L, const rh_json *root)
{
    rh_jx *jx = L->jx;
    rh_json *arr = NULL;
    rh_status rc = rh_jx_array(jx, root, "scores", L->ins->method == RH_METHOD_STANDARD, &arr);
    if (rc != RH_OK || !arr)
        return rc;
    size_t n = rh_json_array_size(arr);
    if (n > MAX_SCORES)
        return rh_jx_fail(jx, "scores", RH_E_LIMIT, "more than %d scores", MAX_SCORES);
    rh_instr_score *scores = ALLOC(L, n, rh_instr_score);
    if (!scores)
        return nomem(L);
    L->ins->scores = scores;
    size_t mark = rh_jx_push_key(jx, "scores");
    for (size_t i = 0; rc == RH_OK && i < n; i++) {
        size_t m = rh_jx_push_index(jx, i);
        rc = load_score(L, rh_json_array_get(arr, i), &scores[i]);
        rh_jx_pop(jx, m);
        L->ins->nscores = i + 1;
    }
    rh_jx_pop(jx, mark);
    return rc;
}

static rh_status load_primary(loader *L, const rh_json *root)
{
    rh_jx *jx = L->jx;
    const char *primary = NULL;
    rh_status rc = opt_str(L, root, "primary", &primary);
    L->ins->primary = -1;
    if (rc == RH_OK && primary) {
        for (size_t i = 0; i < L->ins->nscores; i++)
            if (strcmp(L->ins->scores[i].id, primary) == 0)
                L->ins->primary = (int)i;
        if (L->ins->primary < 0)
            rc = rh_jx_fail(jx, "primary", RH_E_NOTFOUND, "no score '%s'", primary);
        else if (L->ins->scores[L->ins->primary].is_bool)
            rc = rh_jx_fail(jx, "primary", RH_E_INVALID, "the primary score is a number");
    }
    const char *const *req = NULL;
    size_t nreq = 0;
    if (rc == RH_OK)
        rc = str_list(L, root, "scorable_requires", false, &req, &nreq);
    if (rc != RH_OK)
        return rc;
    if (!rh_jx_get(root, "scorable_requires")) {
        if (L->ins->primary < 0 && L->ins->method == RH_METHOD_STANDARD && L->ins->nscores > 0)
            return rh_jx_fail(jx, NULL, RH_E_INVALID,
                              "an instrument without 'primary' needs 'scorable_requires'");
        nreq = L->ins->primary >= 0 ? 1 : 0;
    }
    int *idx = ALLOC(L, nreq, int);
    if (!idx)
        return nomem(L);
    if (!rh_jx_get(root, "scorable_requires") && nreq == 1)
        idx[0] = L->ins->primary;
    for (size_t i = 0; req && i < nreq; i++) {
        idx[i] = -1;
        for (size_t s = 0; s < L->ins->nscores; s++)
            if (strcmp(L->ins->scores[s].id, req[i]) == 0)
                idx[i] = (int)s;
        if (idx[i] < 0)
            return rh_jx_fail(jx, "scorable_requires", RH_E_NOTFOUND, "no score '%s'", req[i]);
    }
    L->ins->scorable_requires = idx;
    L->ins->nscorable_requires = nreq;
    return RH_OK;
}

static rh_status load_band_sets(loader *L, const rh_json *root)
{
    rh_jx *jx = L->jx;
    rh_json *arr = NULL;
    rh_status rc = rh_jx_array(jx, root, "band_sets", false, &arr);
    if (rc != RH_OK || !arr)
        return rc;
    size_t n = rh_json_array_size(arr);
    if (n > 64)
        return rh_jx_fail(jx, "band_sets", RH_E_LIMIT, "more than 64 band sets");
    rh_instr_band_set *sets = ALLOC(L, n, rh_instr_band_set);
    if (!sets)
        return nomem(L);
    L->ins->band_sets = sets;
    size_t mark = rh_jx_push_key(jx, "band_sets");
    for (size_t i = 0; rc == RH_OK && i < n; i++) {
        size_t m = rh_jx_push_index(jx, i);
        rc = load_band_set(L, rh_json_array_get(arr, i), &sets[i]);
        for (size_t j = 0; rc == RH_OK && j < i; j++)
            if (strcmp(sets[j].id, sets[i].id) == 0)
                rc = rh_jx_fail(jx, "id", RH_E_INVALID, "band set '%s' is defined twice",
                                sets[i].id);
        rh_jx_pop(jx, m);
        L->ins->nband_sets = i + 1;
    }
    rh_jx_pop(jx, mark);
    return rc;
}

static rh_status load_body(loader *L, const rh_json *root)
{
    rh_jx *jx = L->jx;
    rh_instrument *ins = L->ins;
    int method = 0, domain = 0;
    rh_status rc = check_keys(L, root, top_keys);
    if (rc == RH_OK)
        rc = req_str(L, root, "id", &ins->id);
    if (rc == RH_OK && !id_ok(ins->id))
        rc = rh_jx_fail(jx, "id", RH_E_INVALID,
                        "instrument id '%s' must be 1-48 characters of a-z, 0-9, '_' or '-'",
                        ins->id);
    if (rc == RH_OK && !path_matches(jx->source, ins->id))
        rc = rh_jx_fail(jx, "id", RH_E_INVALID,
                        "the file of instrument '%s' must be named '%s.json'", ins->id, ins->id);
    if (rc == RH_OK)
        rc = req_str(L, root, "name", &ins->name);
    if (rc == RH_OK)
        rc = req_str(L, root, "name_zh", &ins->name_zh);
    if (rc == RH_OK)
        rc = req_str(L, root, "abbrev", &ins->abbrev);
    if (rc == RH_OK)
        rc = rh_jx_enum(jx, root, "domain", true, domains, &domain, NULL);
    if (rc == RH_OK)
        rc = opt_str(L, root, "description", &ins->description);
    if (rc == RH_OK)
        rc = opt_str(L, root, "period", &ins->period);
    if (rc == RH_OK)
        rc = req_status(L, root, &ins->status);
    rh_json *ev = NULL;
    if (rc == RH_OK)
        rc = rh_jx_array(jx, root, "evidence", true, &ev);
    ins->evidence = ev;
    if (rc == RH_OK)
        rc = rh_jx_enum(jx, root, "method", false, methods, &method, NULL);
    if (rc != RH_OK)
        return rc;
    ins->domain = domains[domain];
    ins->method = (rh_instr_method)method;
    ins->file = jx->source;
    rh_json *tmp = NULL;
    rc = rh_jx_object(jx, root, "option_sets", false, &tmp);
    L->option_sets = tmp;
    if (rc == RH_OK)
        rc = rh_jx_object(jx, root, "item_defaults", false, &tmp);
    L->item_defaults = tmp;
    if (rc == RH_OK)
        rc = load_answers(L, root);
    if (rc == RH_OK && ins->method == RH_METHOD_MUSCLE_MAP && ins->form != RH_FORM_OBJECT)
        rc = rh_jx_fail(jx, "answers", RH_E_INVALID, "muscle maps are answered as an object");
    if (rc == RH_OK && ins->method == RH_METHOD_ASSIST && ins->form != RH_FORM_OBJECT)
        rc = rh_jx_fail(jx, "answers", RH_E_INVALID, "ASSIST is answered as an object");
    if (rc == RH_OK)
        rc = load_items(L, root);
    if (rc != RH_OK)
        return rc;
    ins->patient_var0 = (int)L->nvars;
    static const char *const pnames[RH_PVAR_COUNT] = {"patient.age_y", "patient.male",
                                                      "patient.height_cm", "patient.weight_kg"};
    static const double plo[RH_PVAR_COUNT] = {0, 0, 30, 1};
    static const double phi[RH_PVAR_COUNT] = {130, 1, 272, 650};
    for (int p = 0; p < RH_PVAR_COUNT && rc == RH_OK; p++) {
        int v;
        rc = var_add(L, pnames[p], plo[p], phi[p], p == RH_PVAR_MALE, &v);
    }
    /* Patient fallbacks were resolved against patient_var0 before it was set. */
    for (size_t i = 0; i < ins->nitems; i++) {
        rh_instr_item *it = &L->items[i];
        if (it->patient_var >= 0)
            it->patient_var += ins->patient_var0;
    }
    if (rc == RH_OK)
        rc = load_required_if(L, root);
    if (rc == RH_OK)
        rc = load_scores(L, root);
    if (rc == RH_OK)
        rc = load_primary(L, root);
    if (rc == RH_OK)
        rc = load_band_sets(L, root);
    void *p = NULL;
    if (rc == RH_OK)
        rc = load_array(L, root, "flags", false, 64, sizeof(rh_instr_flag), load_flag_elem, &p,
                        &ins->nflags);
    ins->flags = p;
    for (size_t i = 0; rc == RH_OK && i < ins->nflags; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(ins->flags[i].id, ins->flags[j].id) == 0)
                rc = rh_jx_fail(jx, "flags", RH_E_INVALID, "flag '%s' is defined twice",
                                ins->flags[i].id);
    if (rc == RH_OK)
        rc = load_array(L, root, "checks", false, 64, sizeof(rh_instr_check), load_check_elem, &p,
                        &ins->nchecks);
    ins->checks = p;
    if (rc == RH_OK)
        rc = load_array(L, root, "exclusions", false, 16, sizeof(rh_instr_exclusion),
                        load_exclusion_elem, &p, &ins->nexclusions);
    ins->exclusions = p;
    if (rc == RH_OK)
        rc = load_array(L, root, "change", false, 32, sizeof(rh_instr_change), load_change_elem, &p,
                        &ins->nchanges);
    ins->changes = p;
    if (rc == RH_OK)
        rc = load_array(L, root, "codes", false, 16, sizeof(rh_instr_code), load_code_elem, &p,
                        &ins->ncodes);
    ins->codes = p;
    if (rc == RH_OK)
        rc = load_array(L, root, "rules", false, 32, sizeof(rh_instr_rule), load_rule_elem, &p,
                        &ins->nrules);
    ins->rules = p;
    if (rc == RH_OK)
        rc = load_licence(L, root);
    if (rc == RH_OK && ins->method == RH_METHOD_ASSIST)
        rc = load_assist(L, root);
    else if (rc == RH_OK && rh_jx_get(root, "assist"))
        rc = rh_jx_fail(jx, "assist", RH_E_INVALID, "'assist' needs \"method\": \"assist\"");
    if (rc == RH_OK && ins->method == RH_METHOD_MUSCLE_MAP)
        rc = load_muscle_map(L, root);
    else if (rc == RH_OK && rh_jx_get(root, "muscle_map"))
        rc = rh_jx_fail(jx, "muscle_map", RH_E_INVALID,
                        "'muscle_map' needs \"method\": \"muscle_map\"");
    for (size_t i = 0; rc == RH_OK && i < ins->nband_sets; i++)
        if (ins->band_sets[i].per_substance && ins->method != RH_METHOD_ASSIST)
            rc = rh_jx_fail(jx, "band_sets", RH_E_INVALID, "\"on\": \"substance\" is for ASSIST");
    if (rc == RH_OK && ins->method == RH_METHOD_STANDARD && ins->nitems == 0)
        rc = rh_jx_fail(jx, "items", RH_E_INVALID, "an instrument needs items");
    return rc;
}

static void box_destroy(instr_box *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->nblocks; i++)
        rh_free(b->blocks[i]);
    rh_free(b->blocks);
    rh_free(b->prog.nodes);
    rh_free(b->prog.args);
    rh_free(b);
}

rh_status rh_instrument_kind_load(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj)
{
    *obj = NULL;
    instr_box *box = rh_calloc(1, sizeof(*box));
    if (!box)
        return RH_FAIL(jx->err, RH_E_NOMEM, "out of memory loading an instrument");
    loader L = {.jx = jx, .box = box, .ins = &box->ins};
    rh_status rc = RH_OK;
    L.names = ALLOC(&L, MAX_VARS, const char *);
    L.lo = ALLOC(&L, MAX_VARS, double);
    L.hi = ALLOC(&L, MAX_VARS, double);
    L.integer = ALLOC(&L, MAX_VARS, bool);
    if (!L.names || !L.lo || !L.hi || !L.integer)
        rc = nomem(&L);
    if (rc == RH_OK)
        rc = load_body(&L, root);
    if (rc == RH_OK)
        rc = rh_catalog_reg_entry(reg, jx, box->ins.id, "instrument", root);
    if (rc != RH_OK) {
        box_destroy(box);
        return rc;
    }
    box->ins.var_names = L.names;
    box->ins.nvars = L.nvars;
    box->ins.internal = box;
    *obj = box;
    return RH_OK;
}

void rh_instrument_kind_destroy(void *obj)
{
    box_destroy(obj);
}

/* ---- queries ---- */

const rh_instrument *rh_instrument_find(const rh_catalog *cat, const char *id)
{
    const rh_catalog_entry *ent = rh_catalog_find(cat, id);
    if (!ent || strcmp(ent->kind, "instrument") != 0)
        return NULL;
    size_t n = 0;
    void *const *objs = rh_catalog_objects(cat, RH_INSTRUMENT_SCHEMA, &n);
    for (size_t i = 0; i < n; i++) {
        const instr_box *b = objs[i];
        if (strcmp(b->ins.id, id) == 0)
            return &b->ins;
    }
    return NULL;
}

size_t rh_instrument_count(const rh_catalog *cat)
{
    size_t n = 0;
    rh_catalog_objects(cat, RH_INSTRUMENT_SCHEMA, &n);
    return n;
}

const rh_instrument *rh_instrument_at(const rh_catalog *cat, size_t i)
{
    size_t n = 0;
    void *const *objs = rh_catalog_objects(cat, RH_INSTRUMENT_SCHEMA, &n);
    if (i >= n)
        return NULL;
    const instr_box *b = objs[i];
    return &b->ins;
}

int rh_instrument_var(const rh_instrument *ins, const char *name)
{
    for (size_t i = 0; i < ins->nvars; i++)
        if (strcmp(ins->var_names[i], name) == 0)
            return (int)i;
    return -1;
}

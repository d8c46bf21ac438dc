/* SPDX-License-Identifier: MIT */
#include "core/score.h"

#include "base/alloc.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/num.h"
#include "core/evidence.h"
#include "core/instrument.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_CONTEXTS 8
#define MAX_COMMENT  2000
#define MAX_MAP_KEY  48

enum item_state {
    ST_MISSING = 0, /* absent or null */
    ST_ANSWERED,
    ST_PATIENT, /* taken from the patient's values */
};

typedef struct strlist {
    char **v;
    size_t n, cap;
} strlist;

/* ASSIST substance or MAS muscle group. */
typedef struct entry {
    const char *key; /* substance id (catalog) or muscle group (owned copy) */
    char *owned_key;
    const char *label, *label_zh;
    bool scorable;
    double value;       /* ASSIST: SSIS; MAS: rank */
    const char *code;   /* MAS grade code */
    int band_set, band; /* ASSIST */
    int ever;           /* ASSIST q1: 1 yes, 0 no, -1 unknown */
    bool q1_inferred;
    double q[8]; /* ASSIST answers by question number (NAN absent) */
    int qopt[8];
} entry;

struct rh_score_result {
    const rh_instrument *ins;
    char locale[4];
    const char *sex;
    double patient[RH_PVAR_COUNT];
    char *context[MAX_CONTEXTS];
    int override_set; /* band set named by "band_set", -1 */
    char administered[11];
    double *vals;
    unsigned char *item_state;
    int *item_opt;
    double *item_raw;
    size_t *answered;        /* per score: operands answered */
    bool *partial;           /* per score: value uses the missing-item rule */
    bool *relevant;          /* per score: its status matters for this result */
    int *band;               /* per band set: band index, -1 none */
    bool *applicable;        /* per band set */
    bool *selected;          /* per band set */
    int *norm_row;           /* per band set (norms), -1 */
    signed char *flag_state; /* per flag: -1 unknown, 0, 1 */
    rh_score_flag *raised;
    size_t nraised;
    bool scorable;
    int exclusion; /* index of the exclusion that fired, -1 */
    strlist missing_items, missing_inputs, reasons, notes;
    entry *entries;
    size_t nentries;
    int max_rank; /* MAS, -1 */
    char total_display[48];
};

/* ---- helpers ---- */

static rh_status sl_add(strlist *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static rh_status sl_add(strlist *l, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], tmp) == 0)
            return RH_OK;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **p = rh_reallocarray(l->v, cap, sizeof(*p));
        if (!p)
            return RH_E_NOMEM;
        l->v = p;
        l->cap = cap;
    }
    l->v[l->n] = rh_strdup(tmp);
    if (!l->v[l->n])
        return RH_E_NOMEM;
    l->n++;
    return RH_OK;
}

static void sl_free(strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        rh_free(l->v[i]);
    rh_free(l->v);
}

void rh_score_opts_init(rh_score_opts *opts)
{
    opts->locale = "en";
    opts->sex = NULL;
    opts->age_y = opts->height_cm = opts->weight_kg = RH_NAN;
}

void rh_score_format(double v, int decimals, char *out, size_t cap)
{
    if (cap == 0)
        return;
    out[0] = '\0';
    if (!isfinite(v) || decimals < 0 || decimals > 9)
        return;
    /* Round the shortest round-trip decimal text, so what is rounded is what a
     * person reads (2.675 gives 2.68), not its binary neighbour 2.67499... */
    char s[64];
    rh_fmt_double(v, s, sizeof(s));
    bool neg = s[0] == '-';
    const char *p = neg ? s + 1 : s;
    if (strchr(p, 'e') || strchr(p, 'E') || strlen(p) > 40) {
        snprintf(out, cap, "%.*f", decimals, v);
        return;
    }
    const char *dot = strchr(p, '.');
    size_t il = dot ? (size_t)(dot - p) : strlen(p);
    const char *frac = dot ? dot + 1 : "";
    char d[80];
    size_t nd = 0;
    for (size_t i = 0; i < il; i++)
        d[nd++] = p[i];
    size_t fl = strlen(frac);
    for (size_t i = 0; i < (size_t)decimals + 1; i++)
        d[nd++] = i < fl ? frac[i] : '0';
    size_t keep = il + (size_t)decimals;
    bool carry = d[keep] >= '5';
    for (size_t i = keep; carry && i > 0; i--) {
        if (d[i - 1] == '9') {
            d[i - 1] = '0';
        } else {
            d[i - 1]++;
            carry = false;
        }
    }
    char res[96];
    size_t r = 0;
    bool nonzero = carry;
    for (size_t i = 0; i < keep; i++)
        nonzero |= d[i] != '0';
    if (neg && nonzero)
        res[r++] = '-';
    if (carry)
        res[r++] = '1';
    for (size_t i = 0; i < il; i++)
        res[r++] = d[i];
    if (decimals > 0) {
        res[r++] = '.';
        for (size_t i = il; i < keep; i++)
            res[r++] = d[i];
    }
    res[r] = '\0';
    snprintf(out, cap, "%s", res);
}

static const char *item_name(const rh_instrument *ins, const rh_instr_item *it, char *buf,
                             size_t cap)
{
    if (ins->form == RH_FORM_ARRAY)
        snprintf(buf, cap, "%s item %s", ins->id, it->id);
    else
        snprintf(buf, cap, "%s item '%s'", ins->id, it->id);
    return buf;
}

static const char *json_kind(const rh_json *j)
{
    if (rh_json_is_object(j))
        return "an object";
    if (rh_json_is_array(j))
        return "an array";
    if (rh_json_is_string(j))
        return "a string";
    if (rh_json_is_number(j))
        return "a number";
    if (rh_json_is_bool(j))
        return "a boolean";
    return "null";
}

static void accepted_options(const rh_instr_option *o, size_t n, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < cap; i++) {
        char v[40];
        rh_score_format(o[i].value, o[i].value == floor(o[i].value) ? 0 : 2, v, sizeof(v));
        int k = o[i].code
                    ? snprintf(buf + used, cap - used, "%s%s (%s)", i ? ", " : "", v, o[i].code)
                    : snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", v);
        if (k > 0)
            used += (size_t)k;
    }
}

/* Options valued lo, lo+1, ..., hi in order. */
static bool contiguous(const rh_instr_option *o, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (o[i].value != o[0].value + (double)i || o[i].value != floor(o[i].value))
            return false;
    return true;
}

static void option_codes(const rh_instr_option *o, size_t n, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < cap; i++) {
        if (!o[i].code)
            continue;
        int k = snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", o[i].code);
        if (k > 0)
            used += (size_t)k;
    }
}

/* Finds the option for a JSON answer (its code, or its value). */
static int match_option(const rh_instr_option *o, size_t n, const rh_json *j)
{
    if (rh_json_is_string(j)) {
        const char *s = rh_json_string(j);
        for (size_t i = 0; i < n; i++)
            if (o[i].code && strcmp(o[i].code, s) == 0)
                return (int)i;
    } else if (rh_json_is_number(j)) {
        double v = rh_json_number(j);
        for (size_t i = 0; i < n; i++)
            if (o[i].value == v)
                return (int)i;
    }
    return -1;
}

static bool parse_clock(const char *s, double *minutes)
{
    if (strlen(s) != 5 || s[2] != ':')
        return false;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9'))
            return false;
    int h = (s[0] - '0') * 10 + (s[1] - '0');
    int m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 23 || m > 59)
        return false;
    *minutes = h * 60.0 + m;
    return true;
}

/* ---- reading answers ---- */

typedef struct ctx {
    rh_score_result *r;
    const rh_instrument *ins;
    rh_jx *jx;
} ctx;

static rh_status nomem(ctx *c)
{
    return RH_FAIL(c->jx->err, RH_E_NOMEM, "out of memory scoring '%s'", c->ins->id);
}

static rh_status read_item(ctx *c, const rh_instr_item *it, size_t index, const rh_json *j)
{
    rh_score_result *r = c->r;
    rh_jx *jx = c->jx;
    char nm[96];
    item_name(c->ins, it, nm, sizeof(nm));
    double raw = RH_NAN;
    int opt = -1;
    char lo[40], hi[40];
    rh_score_format(it->min, it->type == RH_ITEM_NUMBER ? 2 : 0, lo, sizeof(lo));
    rh_score_format(it->type == RH_ITEM_SECTION ? it->max * (double)it->section_items : it->max,
                    it->type == RH_ITEM_NUMBER ? 2 : 0, hi, sizeof(hi));
    if (it->type == RH_ITEM_NUMBER) {
        /* Trim "60.00" to "60" in messages. */
        rh_score_format(it->min, it->min == floor(it->min) ? 0 : 2, lo, sizeof(lo));
        rh_score_format(it->max, it->max == floor(it->max) ? 0 : 2, hi, sizeof(hi));
    }
    switch (it->type) {
    case RH_ITEM_INT:
    case RH_ITEM_NUMBER: {
        if (!rh_json_is_number(j))
            return rh_jx_fail(jx, NULL, RH_E_INVALID, "%s: expected a %s from %s to %s, found %s",
                              nm, it->type == RH_ITEM_INT ? "whole number" : "number", lo, hi,
                              json_kind(j));
        raw = rh_json_number(j);
        if (it->type == RH_ITEM_INT && raw != floor(raw))
            return rh_jx_fail(jx, NULL, RH_E_RANGE, "%s: %g is not a whole number", nm, raw);
        if (!(raw >= it->min && raw <= it->max)) {
            char v[48];
            rh_score_format(raw, raw == floor(raw) ? 0 : 6, v, sizeof(v));
            return rh_jx_fail(jx, NULL, RH_E_RANGE,
                              "%s: %s is outside the accepted range %s-%s%s%s", nm, v, lo, hi,
                              it->unit ? " " : "", it->unit ? it->unit : "");
        }
        break;
    }
    case RH_ITEM_BOOL:
        if (!rh_json_is_bool(j))
            return rh_jx_fail(jx, NULL, RH_E_INVALID, "%s: expected true or false, found %s", nm,
                              json_kind(j));
        raw = rh_json_true(j) ? 1.0 : 0.0;
        break;
    case RH_ITEM_CHOICE:
        opt = match_option(it->options, it->noptions, j);
        if (opt < 0 && rh_json_is_number(j) && contiguous(it->options, it->noptions)) {
            char codes[300];
            option_codes(it->options, it->noptions, codes, sizeof(codes));
            char v[48];
            double x = rh_json_number(j);
            rh_score_format(x, x == floor(x) ? 0 : 6, v, sizeof(v));
            return rh_jx_fail(jx, NULL, RH_E_RANGE,
                              "%s: %s is outside the accepted range %g-%g%s%s%s", nm, v,
                              it->options[0].value, it->options[it->noptions - 1].value,
                              codes[0] ? " (or the codes: " : "", codes, codes[0] ? ")" : "");
        }
        if (opt < 0) {
            char acc[400];
            accepted_options(it->options, it->noptions, acc, sizeof(acc));
            if (rh_json_is_string(j))
                return rh_jx_fail(jx, NULL, RH_E_RANGE,
                                  "%s: '%.40s' is not an accepted answer (%s)", nm,
                                  rh_json_string(j), acc);
            if (rh_json_is_number(j))
                return rh_jx_fail(jx, NULL, RH_E_RANGE, "%s: %g is not an accepted answer (%s)", nm,
                                  rh_json_number(j), acc);
            return rh_jx_fail(jx, NULL, RH_E_INVALID, "%s: expected one of %s, found %s", nm, acc,
                              json_kind(j));
        }
        raw = it->options[opt].value;
        break;
    case RH_ITEM_TIME:
        if (!rh_json_is_string(j) || !parse_clock(rh_json_string(j), &raw))
            return rh_jx_fail(jx, NULL, rh_json_is_string(j) ? RH_E_RANGE : RH_E_INVALID,
                              "%s: expected a clock time \"HH:MM\" (00:00-23:59), found %s", nm,
                              rh_json_is_string(j) ? "another text" : json_kind(j));
        break;
    case RH_ITEM_SECTION:
        if (rh_json_is_number(j)) {
            raw = rh_json_number(j);
            if (raw != floor(raw) || raw < 0 || raw > it->max * (double)it->section_items)
                return rh_jx_fail(jx, NULL, RH_E_RANGE,
                                  "%s: a total of %g is outside the accepted range 0-%s", nm, raw,
                                  hi);
        } else if (rh_json_is_array(j)) {
            size_t n = rh_json_array_size(j);
            if (n != it->section_items)
                return rh_jx_fail(jx, NULL, RH_E_INVALID,
                                  "%s: expected %zu item scores (or their total), found %zu", nm,
                                  it->section_items, n);
            double sum = 0;
            size_t unanswered = 0;
            for (size_t i = 0; i < n; i++) {
                const rh_json *e = rh_json_array_get(j, i);
                if (rh_json_is_null(e)) {
                    unanswered++;
                    continue;
                }
                size_t m = rh_jx_push_index(jx, i);
                rh_status rc = RH_OK;
                if (!rh_json_is_number(e) || rh_json_number(e) != floor(rh_json_number(e)))
                    rc = rh_jx_fail(jx, NULL, RH_E_INVALID,
                                    "%s, item %zu: expected a whole number from 0 to %g", nm, i + 1,
                                    it->max);
                else if (rh_json_number(e) < 0 || rh_json_number(e) > it->max)
                    rc = rh_jx_fail(jx, NULL, RH_E_RANGE,
                                    "%s, item %zu: %g is outside the accepted range 0-%g", nm,
                                    i + 1, rh_json_number(e), it->max);
                rh_jx_pop(jx, m);
                if (rc != RH_OK)
                    return rc;
                sum += rh_json_number(e);
            }
            if (unanswered) {
                if (sl_add(&r->notes, "%s: %zu of %zu item scores unanswered, section not scored",
                           it->id, unanswered, n) != RH_OK)
                    return nomem(c);
                return sl_add(&r->missing_items, "%s", it->id) == RH_OK ? RH_OK : nomem(c);
            }
            raw = sum;
        } else {
            return rh_jx_fail(jx, NULL, RH_E_INVALID,
                              "%s: expected the section total or an array of its %zu item scores, "
                              "found %s",
                              nm, it->section_items, json_kind(j));
        }
        break;
    }
    double v = raw;
    if (it->type == RH_ITEM_INT && it->reverse)
        v = it->min + it->max - raw;
    if (it->type == RH_ITEM_BOOL)
        v = ((raw != 0.0) != it->reverse) ? it->weight : 0.0;
    r->item_raw[index] = raw;
    r->item_opt[index] = opt;
    r->item_state[index] = ST_ANSWERED;
    r->vals[it->var] = v;
    return RH_OK;
}

static rh_status read_items_array(ctx *c, const rh_json *ans)
{
    const rh_instrument *ins = c->ins;
    rh_jx *jx = c->jx;
    rh_json *arr = NULL;
    rh_status rc = rh_jx_array(jx, ans, "items", true, &arr);
    if (rc != RH_OK)
        return rc;
    size_t n = rh_json_array_size(arr);
    if (n != ins->nitems)
        return rh_jx_fail(jx, "items", RH_E_INVALID,
                          "%s has %zu items: expected %zu answers (null for an unanswered item), "
                          "found %zu",
                          ins->id, ins->nitems, ins->nitems, n);
    size_t mark = rh_jx_push_key(jx, "items");
    for (size_t i = 0; rc == RH_OK && i < n; i++) {
        const rh_json *e = rh_json_array_get(arr, i);
        if (rh_json_is_null(e))
            continue;
        size_t m = rh_jx_push_index(jx, i);
        rc = read_item(c, &ins->items[i], i, e);
        rh_jx_pop(jx, m);
    }
    rh_jx_pop(jx, mark);
    return rc;
}

static rh_status read_items_object(ctx *c, const rh_json *ans)
{
    const rh_instrument *ins = c->ins;
    rh_jx *jx = c->jx;
    rh_status rc = RH_OK;
    for (size_t i = 0; rc == RH_OK && i < ins->nitems; i++) {
        const rh_json *e = rh_jx_get(ans, ins->items[i].id);
        if (!e || rh_json_is_null(e))
            continue;
        size_t m = rh_jx_push_key(jx, ins->items[i].id);
        rc = read_item(c, &ins->items[i], i, e);
        rh_jx_pop(jx, m);
    }
    return rc;
}

static const char *const patient_keys[] = {"sex", "age_y", "height_cm", "weight_kg", NULL};

static rh_status read_patient(ctx *c, const rh_json *ans)
{
    rh_jx *jx = c->jx;
    rh_score_result *r = c->r;
    rh_json *p = NULL;
    rh_status rc = rh_jx_object(jx, ans, "patient", false, &p);
    if (rc != RH_OK || !p)
        return rc;
    size_t mark = rh_jx_push_key(jx, "patient");
    rc = rh_jx_check_keys(jx, p, patient_keys);
    static const char *const sexes[] = {"male", "female", NULL};
    int sx = 0;
    bool have = false;
    if (rc == RH_OK)
        rc = rh_jx_enum(jx, p, "sex", false, sexes, &sx, &have);
    if (rc == RH_OK && have) {
        if (r->sex && strcmp(r->sex, sexes[sx]) != 0)
            rc = rh_jx_fail(jx, "sex", RH_E_INVALID,
                            "patient sex '%s' contradicts '%s' given for this patient", sexes[sx],
                            r->sex);
        r->sex = sexes[sx];
    }
    static const char *const nums[] = {"age_y", "height_cm", "weight_kg"};
    static const int vars[] = {RH_PVAR_AGE_Y, RH_PVAR_HEIGHT_CM, RH_PVAR_WEIGHT_KG};
    static const double lo[] = {0, 30, 1}, hi[] = {130, 272, 650};
    for (int i = 0; rc == RH_OK && i < 3; i++) {
        double v = RH_NAN;
        rc = rh_jx_num(jx, p, nums[i], false, lo[i], hi[i], &v, &have);
        if (rc != RH_OK || !have)
            continue;
        double *slot = &r->patient[vars[i]];
        if (!isnan(*slot) && *slot != v)
            rc = rh_jx_fail(jx, nums[i], RH_E_INVALID,
                            "patient %s %g contradicts %g given for this patient", nums[i], v,
                            *slot);
        *slot = v;
    }
    rh_jx_pop(jx, mark);
    return rc;
}

static rh_status read_common(ctx *c, const rh_json *ans)
{
    const rh_instrument *ins = c->ins;
    rh_jx *jx = c->jx;
    rh_score_result *r = c->r;
    rh_status rc = read_patient(c, ans);
    const char *s = NULL;
    if (rc == RH_OK)
        rc = rh_jx_str(jx, ans, "band_set", false, &s);
    if (rc == RH_OK && s) {
        for (size_t i = 0; i < ins->nband_sets; i++)
            if (strcmp(ins->band_sets[i].id, s) == 0)
                r->override_set = (int)i;
        if (r->override_set < 0) {
            char list[400];
            size_t used = 0;
            list[0] = '\0';
            for (size_t i = 0; i < ins->nband_sets && used < sizeof(list); i++) {
                int k = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
                                 ins->band_sets[i].id);
                if (k > 0)
                    used += (size_t)k;
            }
            return rh_jx_fail(jx, "band_set", RH_E_INVALID,
                              "%s has no band set '%.40s' (it has: %s)", ins->id, s,
                              ins->nband_sets ? list : "none");
        }
    }
    s = NULL;
    if (rc == RH_OK)
        rc = rh_jx_str(jx, ans, "administered", false, &s);
    if (rc == RH_OK && s) {
        rh_date d;
        rh_err tmp;
        rh_err_init(&tmp);
        if (rh_date_parse(s, &d, &tmp) != RH_OK)
            return rh_jx_fail(jx, "administered", RH_E_INVALID, "'%.40s' is not a date YYYY-MM-DD",
                              s);
        if (d > rh_date_today_utc())
            return rh_jx_fail(jx, "administered", RH_E_INVALID, "'%s' is in the future", s);
        rh_date_format(d, r->administered);
    }
    s = NULL;
    if (rc == RH_OK)
        rc = rh_jx_str(jx, ans, "comment", false, &s);
    if (rc == RH_OK && s && strlen(s) > MAX_COMMENT)
        return rh_jx_fail(jx, "comment", RH_E_LIMIT, "longer than %d bytes", MAX_COMMENT);
    for (size_t i = 0; rc == RH_OK && i < ins->ncontexts; i++) {
        const rh_instr_context *cx = &ins->contexts[i];
        s = NULL;
        rc = rh_jx_str(jx, ans, cx->key, cx->required, &s);
        if (rc != RH_OK || !s)
            continue;
        bool ok = false;
        for (size_t v = 0; v < cx->nvalues; v++)
            ok |= strcmp(cx->values[v], s) == 0;
        if (!ok) {
            char list[400];
            size_t used = 0;
            list[0] = '\0';
            for (size_t v = 0; v < cx->nvalues && used < sizeof(list); v++) {
                int k = snprintf(list + used, sizeof(list) - used, "%s%s", v ? ", " : "",
                                 cx->values[v]);
                if (k > 0)
                    used += (size_t)k;
            }
            return rh_jx_fail(jx, cx->key, RH_E_INVALID, "'%.40s' is not one of: %s", s, list);
        }
        r->context[i] = rh_strdup(s);
        if (!r->context[i])
            return nomem(c);
    }
    return rc;
}

static rh_status check_members(ctx *c, const rh_json *ans)
{
    const rh_instrument *ins = c->ins;
    size_t cap = ins->nitems + ins->ncontexts + 8;
    const char **keys = rh_calloc(cap, sizeof(*keys));
    if (!keys)
        return nomem(c);
    size_t n = 0;
    if (ins->form == RH_FORM_ARRAY)
        keys[n++] = "items";
    else
        for (size_t i = 0; i < ins->nitems; i++)
            keys[n++] = ins->items[i].id;
    if (ins->method == RH_METHOD_ASSIST)
        keys[n++] = "substances";
    if (ins->method == RH_METHOD_MUSCLE_MAP)
        keys[n++] = ins->map_member;
    for (size_t i = 0; i < ins->ncontexts; i++)
        keys[n++] = ins->contexts[i].key;
    keys[n++] = "patient";
    keys[n++] = "band_set";
    keys[n++] = "administered";
    keys[n++] = "comment";
    rh_status rc = RH_OK;
    rh_json_iter it;
    const char *key;
    rh_json *val;
    rh_json_iter_init(&it, ans);
    while (rc == RH_OK && rh_json_iter_next(&it, &key, &val)) {
        bool known = false;
        for (size_t i = 0; i < n && !known; i++)
            known = strcmp(keys[i], key) == 0;
        if (known)
            continue;
        char list[600];
        size_t used = 0;
        list[0] = '\0';
        for (size_t i = 0; i < n && used < sizeof(list); i++) {
            int k = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", keys[i]);
            if (k > 0)
                used += (size_t)k;
        }
        rc = rh_jx_fail(c->jx, key, RH_E_INVALID, "%s: unknown member '%.60s' (accepted: %s)",
                        ins->id, key, list);
    }
    rh_free(keys);
    return rc;
}

/* ---- ASSIST ---- */

static bool skipped(const rh_instr_substance *su, const char *qid)
{
    for (size_t i = 0; i < su->nskip; i++)
        if (strcmp(su->skip[i], qid) == 0)
            return true;
    return false;
}

static rh_status read_substance(ctx *c, const rh_instr_substance *su, const rh_json *obj, entry *e)
{
    const rh_instrument *ins = c->ins;
    rh_jx *jx = c->jx;
    rh_score_result *r = c->r;
    const char *keys[9];
    size_t nk = 0;
    for (size_t q = 0; q < ins->nquestions; q++)
        if (!skipped(su, ins->questions[q].id))
            keys[nk++] = ins->questions[q].id;
    keys[nk] = NULL;
    rh_status rc = RH_OK;
    /* A question the skip logic never asks for this substance (tobacco q5). */
    for (size_t q = 0; q < ins->nquestions; q++)
        if (skipped(su, ins->questions[q].id) && rh_jx_get(obj, ins->questions[q].id))
            return rh_jx_fail(jx, ins->questions[q].id, RH_E_INVALID,
                              "assist: %s is not asked for %s", ins->questions[q].id, su->label);
    rc = rh_jx_check_keys(jx, obj, keys);
    if (rc != RH_OK)
        return rc;
    e->key = su->id;
    e->label = su->label;
    e->label_zh = su->label_zh;
    e->band_set = su->band_set;
    e->band = -1;
    e->ever = -1;
    e->value = RH_NAN;
    for (int q = 0; q < 8; q++) {
        e->q[q] = RH_NAN;
        e->qopt[q] = -1;
    }
    const rh_json *q1 = rh_jx_get(obj, "q1");
    if (q1 && !rh_json_is_null(q1)) {
        if (!rh_json_is_bool(q1)) {
            size_t m = rh_jx_push_key(jx, "q1");
            rc = rh_jx_fail(jx, NULL, RH_E_INVALID,
                            "assist %s q1 (ever used): expected true or false, found %s", su->id,
                            json_kind(q1));
            rh_jx_pop(jx, m);
            return rc;
        }
        e->ever = rh_json_true(q1) ? 1 : 0;
    }
    bool any_later = false;
    for (size_t q = 1; q < ins->nquestions; q++) {
        const rh_instr_question *qu = &ins->questions[q];
        const rh_json *j = rh_jx_get(obj, qu->id);
        if (!j || rh_json_is_null(j))
            continue;
        size_t m = rh_jx_push_key(jx, qu->id);
        int opt = match_option(qu->options, qu->noptions, j);
        if (opt < 0) {
            char acc[400];
            accepted_options(qu->options, qu->noptions, acc, sizeof(acc));
            rc = rh_jx_fail(
                jx, NULL, rh_json_is_string(j) || rh_json_is_number(j) ? RH_E_RANGE : RH_E_INVALID,
                "assist %s %s: not an accepted answer (%s)", su->id, qu->id, acc);
            rh_jx_pop(jx, m);
            return rc;
        }
        rh_jx_pop(jx, m);
        e->q[q + 1] = qu->options[opt].value;
        e->qopt[q + 1] = opt;
        any_later = true;
    }
    /* Skip logic (WHO ASSIST v3.1): Q2-Q7 only for substances ever used;
     * Q3-Q5 only when used in the past 3 months (Q2 not "never"). */
    if (e->ever == 0) {
        for (size_t q = 1; q < ins->nquestions; q++)
            if (!isnan(e->q[q + 1])) {
                size_t m = rh_jx_push_key(jx, ins->questions[q].id);
                rc = rh_jx_fail(jx, NULL, RH_E_INVALID,
                                "assist %s: %s is asked only for substances ever used, but q1 "
                                "says %s was never used",
                                su->id, ins->questions[q].id, su->label);
                rh_jx_pop(jx, m);
                return rc;
            }
        e->value = 0;
        e->scorable = true;
        return RH_OK;
    }
    if (e->ever < 0) {
        if (!any_later) {
            e->scorable = false;
            return sl_add(&r->missing_items, "substances.%s.q1", su->id) == RH_OK ? RH_OK
                                                                                  : nomem(c);
        }
        e->ever = 1;
        e->q1_inferred = true;
    }
    bool missing = false;
    if (isnan(e->q[2])) {
        missing = true;
        if (sl_add(&r->missing_items, "substances.%s.q2", su->id) != RH_OK)
            return nomem(c);
    }
    bool recent = !isnan(e->q[2]) && e->q[2] > 0;
    for (int q = 3; q <= 7; q++) {
        const char *qid = ins->questions[q - 1].id;
        if (skipped(su, qid))
            continue;
        bool asked = q >= 6 || recent;
        if (!asked && !isnan(e->q[q]) && e->q[q] != 0 && !isnan(e->q[2])) {
            size_t m = rh_jx_push_key(jx, qid);
            rc = rh_jx_fail(jx, NULL, RH_E_INVALID,
                            "assist %s: %s is asked only when the substance was used in the "
                            "past 3 months, but q2 says never",
                            su->id, qid);
            rh_jx_pop(jx, m);
            return rc;
        }
        if (asked && isnan(e->q[q])) {
            missing = true;
            if (sl_add(&r->missing_items, "substances.%s.%s", su->id, qid) != RH_OK)
                return nomem(c);
        }
    }
    if (missing) {
        e->scorable = false;
        return RH_OK;
    }
    double sum = 0;
    for (int q = 2; q <= 7; q++)
        if (!isnan(e->q[q]))
            sum += e->q[q];
    e->value = sum;
    e->scorable = true;
    if (e->q1_inferred &&
        sl_add(&r->notes, "%s: q1 (ever used) not given; taken as yes from the later answers",
               su->id) != RH_OK)
        return nomem(c);
    return RH_OK;
}

static rh_status read_assist(ctx *c, const rh_json *ans)
{
    const rh_instrument *ins = c->ins;
    rh_jx *jx = c->jx;
    rh_score_result *r = c->r;
    rh_json *subs = NULL;
    rh_status rc = rh_jx_object(jx, ans, "substances", true, &subs);
    if (rc != RH_OK)
        return rc;
    size_t mark = rh_jx_push_key(jx, "substances");
    const char **keys = rh_calloc(ins->nsubstances + 1, sizeof(*keys));
    r->entries = rh_calloc(ins->nsubstances ? ins->nsubstances : 1, sizeof(*r->entries));
    if (!keys || !r->entries)
        rc = nomem(c);
    for (size_t i = 0; rc == RH_OK && i < ins->nsubstances; i++)
        keys[i] = ins->substances[i].id;
    if (rc == RH_OK)
        rc = rh_jx_check_keys(jx, subs, keys);
    rh_free(keys);
    for (size_t i = 0; rc == RH_OK && i < ins->nsubstances; i++) {
        const rh_instr_substance *su = &ins->substances[i];
        const rh_json *obj = rh_jx_get(subs, su->id);
        if (!obj || rh_json_is_null(obj))
            continue;
        size_t m = rh_jx_push_key(jx, su->id);
        if (!rh_json_is_object(obj))
            rc = rh_jx_fail(jx, NULL, RH_E_INVALID, "assist %s: expected an object of answers",
                            su->id);
        else
            rc = read_substance(c, su, obj, &r->entries[r->nentries]);
        rh_jx_pop(jx, m);
        if (rc == RH_OK)
            r->nentries++;
    }
    rh_jx_pop(jx, mark);
    return rc;
}

/* ---- MAS ---- */

static rh_status read_muscle_map(ctx *c, const rh_json *ans)
{
    const rh_instrument *ins = c->ins;
    rh_jx *jx = c->jx;
    rh_score_result *r = c->r;
    rh_json *map = NULL;
    rh_status rc = rh_jx_object(jx, ans, ins->map_member, true, &map);
    if (rc != RH_OK)
        return rc;
    size_t n = 0;
    rh_json_iter it;
    const char *key;
    rh_json *val;
    rh_json_iter_init(&it, map);
    while (rh_json_iter_next(&it, &key, &val))
        n++;
    if (n == 0 || n > ins->map_max_entries)
        return rh_jx_fail(jx, ins->map_member, RH_E_INVALID, "%s: expected 1-%zu muscle groups",
                          ins->id, ins->map_max_entries);
    r->entries = rh_calloc(n, sizeof(*r->entries));
    if (!r->entries)
        return nomem(c);
    size_t mark = rh_jx_push_key(jx, ins->map_member);
    rh_json_iter_init(&it, map);
    while (rc == RH_OK && rh_json_iter_next(&it, &key, &val)) {
        size_t m = rh_jx_push_key(jx, key);
        size_t kl = strlen(key);
        bool key_ok = kl > 0 && kl <= MAX_MAP_KEY;
        for (size_t i = 0; key_ok && i < kl; i++)
            key_ok = (key[i] >= 'a' && key[i] <= 'z') || (key[i] >= '0' && key[i] <= '9') ||
                     key[i] == '_';
        if (!key_ok) {
            rc = rh_jx_fail(jx, NULL, RH_E_INVALID,
                            "%s: muscle group names are 1-%d characters of a-z, 0-9 and '_'",
                            ins->id, MAX_MAP_KEY);
            rh_jx_pop(jx, m);
            break;
        }
        entry *e = &r->entries[r->nentries];
        e->owned_key = rh_strdup(key);
        if (!e->owned_key) {
            rh_jx_pop(jx, m);
            rc = nomem(c);
            break;
        }
        e->key = e->owned_key;
        e->band = e->band_set = -1;
        e->value = RH_NAN;
        r->nentries++;
        if (rh_json_is_null(val)) {
            rc = sl_add(&r->missing_items, "%s.%s", ins->map_member, key) == RH_OK ? RH_OK
                                                                                   : nomem(c);
            rh_jx_pop(jx, m);
            continue;
        }
        int opt = -1;
        if (rh_json_is_string(val)) {
            for (size_t o = 0; o < ins->nmap_options; o++)
                if (strcmp(ins->map_options[o].code, rh_json_string(val)) == 0)
                    opt = (int)o;
        } else if (rh_json_is_number(val) && rh_json_number(val) == floor(rh_json_number(val)) &&
                   fabs(rh_json_number(val)) < 100) {
            char code[8];
            snprintf(code, sizeof(code), "%d", (int)rh_json_number(val));
            for (size_t o = 0; o < ins->nmap_options; o++)
                if (strcmp(ins->map_options[o].code, code) == 0)
                    opt = (int)o;
        }
        if (opt < 0) {
            char acc[200];
            size_t used = 0;
            acc[0] = '\0';
            for (size_t o = 0; o < ins->nmap_options && used < sizeof(acc); o++) {
                int k = snprintf(acc + used, sizeof(acc) - used, "%s\"%s\"", o ? ", " : "",
                                 ins->map_options[o].code);
                if (k > 0)
                    used += (size_t)k;
            }
            rc = rh_jx_fail(jx, NULL,
                            rh_json_is_string(val) || rh_json_is_number(val) ? RH_E_RANGE
                                                                             : RH_E_INVALID,
                            "%s muscle group '%s': not a grade (accepted: %s)", ins->id, key, acc);
        } else {
            e->code = ins->map_options[opt].code;
            e->label = ins->map_options[opt].label;
            e->label_zh = ins->map_options[opt].label_zh;
            e->value = ins->map_options[opt].value;
            e->scorable = true;
        }
        rh_jx_pop(jx, m);
    }
    rh_jx_pop(jx, mark);
    return rc;
}

/* ---- computing ---- */

static void compute_scores(rh_score_result *r)
{
    const rh_instrument *ins = r->ins;
    for (size_t s = 0; s < ins->nscores; s++) {
        const rh_instr_score *sc = &ins->scores[s];
        double v = RH_NAN;
        switch (sc->calc) {
        case RH_CALC_SUM:
        case RH_CALC_MEAN: {
            double sum = 0;
            size_t k = 0;
            for (size_t i = 0; i < sc->noperands; i++) {
                double x = r->vals[sc->operands[i]];
                if (!isnan(x)) {
                    sum += x;
                    k++;
                }
            }
            r->answered[s] = k;
            size_t n = sc->noperands;
            if (k == n) {
                v = sc->calc == RH_CALC_SUM ? sum * sc->multiplier : sum / (double)n;
            } else if (k > 0 && k >= sc->min_answered && sc->missing != RH_MISSING_NONE) {
                r->partial[s] = true;
                if (sc->missing == RH_MISSING_PRORATE) {
                    double pro = sum / (double)k * (double)n;
                    if (sc->round_prorated)
                        pro = round(pro); /* halves away from zero */
                    v = pro * sc->multiplier;
                } else {
                    v = sum / (double)k;
                }
            }
            break;
        }
        case RH_CALC_EXPR:
            v = rh_instrument_eval(ins, sc->expr, r->vals);
            if (sc->is_bool && !isnan(v))
                v = v != 0.0 ? 1.0 : 0.0;
            break;
        case RH_CALC_LOOKUP: {
            double x = r->vals[sc->lookup_of];
            for (size_t i = 0; i < sc->nrows; i++)
                if (rh_instr_interval_has(&sc->rows[i].iv, x)) {
                    v = sc->rows[i].value;
                    break;
                }
            break;
        }
        }
        r->vals[sc->var] = v;
    }
}

static bool when_matches(const rh_score_result *r, const rh_instr_band_set *bs, bool *unknown)
{
    const rh_instrument *ins = r->ins;
    *unknown = false;
    for (size_t w = 0; w < bs->nwhen; w++) {
        const char *have = NULL;
        if (strcmp(bs->when[w].key, "sex") == 0)
            have = r->sex;
        for (size_t c = 0; !have && c < ins->ncontexts; c++)
            if (strcmp(ins->contexts[c].key, bs->when[w].key) == 0)
                have = r->context[c];
        if (!have) {
            *unknown = true;
            return false;
        }
        bool ok = false;
        for (size_t v = 0; v < bs->when[w].nvalues; v++)
            ok |= strcmp(bs->when[w].values[v], have) == 0;
        if (!ok)
            return false;
    }
    return true;
}

static bool has_locale(const rh_instr_band_set *bs, const char *locale)
{
    for (size_t i = 0; i < bs->nlocales; i++)
        if (strcmp(bs->locales[i], locale) == 0)
            return true;
    return false;
}

static int band_of(const rh_score_result *r, size_t set_index, double v)
{
    const rh_instrument *ins = r->ins;
    const rh_instr_band_set *bs = &ins->band_sets[set_index];
    switch (bs->type) {
    case RH_BANDS_INTERVALS:
        for (size_t b = 0; b < bs->nbands; b++)
            if (rh_instr_interval_has(&bs->bands[b].iv, v))
                return (int)b;
        return -1;
    case RH_BANDS_RULES:
        for (size_t b = 0; b < bs->nbands; b++) {
            if (bs->bands[b].when < 0)
                return (int)b;
            double t = rh_instrument_eval(ins, bs->bands[b].when, r->vals);
            if (isnan(t))
                return -1;
            if (t != 0.0)
                return (int)b;
        }
        return -1;
    case RH_BANDS_NORMS: {
        int row = r->norm_row[set_index];
        if (row < 0 || isnan(v) || !r->sex)
            return -1;
        const rh_instr_norm_row *nr = &bs->norms[row];
        bool male = strcmp(r->sex, "male") == 0;
        double lo = male ? nr->male_lo : nr->female_lo, hi = male ? nr->male_hi : nr->female_hi;
        return v < lo ? 0 : (v > hi ? 2 : 1);
    }
    }
    return -1;
}

static rh_status missing_input(rh_score_result *r, const char *key)
{
    if (strcmp(key, "sex") == 0)
        key = "patient.sex";
    return sl_add(&r->missing_inputs, "%s", key);
}

static rh_status apply_bands(rh_score_result *r)
{
    const rh_instrument *ins = r->ins;
    rh_status rc = RH_OK;
    for (size_t i = 0; i < ins->nband_sets; i++) {
        const rh_instr_band_set *bs = &ins->band_sets[i];
        r->band[i] = -1;
        r->norm_row[i] = -1;
        if (bs->per_substance)
            continue;
        bool unknown = false;
        r->applicable[i] = when_matches(r, bs, &unknown);
        if (unknown) {
            for (size_t w = 0; rc == RH_OK && w < bs->nwhen; w++) {
                bool known = strcmp(bs->when[w].key, "sex") == 0 ? r->sex != NULL : false;
                for (size_t c = 0; c < ins->ncontexts; c++)
                    if (strcmp(ins->contexts[c].key, bs->when[w].key) == 0)
                        known = r->context[c] != NULL;
                if (!known)
                    rc = missing_input(r, bs->when[w].key);
            }
        }
        if (r->applicable[i] && bs->type == RH_BANDS_NORMS) {
            double age = r->vals[bs->norm_age_var];
            if (!r->sex && rc == RH_OK)
                rc = missing_input(r, "sex");
            if (isnan(age) && rc == RH_OK)
                rc = sl_add(&r->missing_inputs, "%s", ins->var_names[bs->norm_age_var]);
            for (size_t n = 0; !isnan(age) && n < bs->nnorms; n++)
                if (floor(age) >= bs->norms[n].age_min && floor(age) <= bs->norms[n].age_max)
                    r->norm_row[i] = (int)n;
            if (!isnan(age) && r->norm_row[i] < 0 && rc == RH_OK)
                rc = sl_add(&r->notes, "%s: no norms for age %g (the table covers %g-%g)", bs->id,
                            floor(age), bs->norms[0].age_min, bs->norms[bs->nnorms - 1].age_max);
        }
        if (r->applicable[i])
            r->band[i] = band_of(r, i, r->vals[bs->on]);
    }
    if (rc != RH_OK)
        return rc;
    /* One selected set per scored variable. */
    for (size_t i = 0; i < ins->nband_sets; i++) {
        const rh_instr_band_set *bs = &ins->band_sets[i];
        if (bs->per_substance)
            continue;
        bool done = false;
        for (size_t j = 0; j < i; j++)
            done |= !ins->band_sets[j].per_substance && ins->band_sets[j].on == bs->on;
        if (done)
            continue;
        int pick = -1;
        if (r->override_set >= 0 && ins->band_sets[r->override_set].on == bs->on &&
            r->applicable[r->override_set])
            pick = r->override_set;
        for (int pass = 0; pick < 0 && pass < 3; pass++)
            for (size_t j = i; pick < 0 && j < ins->nband_sets; j++) {
                const rh_instr_band_set *cand = &ins->band_sets[j];
                if (cand->per_substance || cand->on != bs->on || !r->applicable[j])
                    continue;
                if ((pass == 0 && has_locale(cand, r->locale)) ||
                    (pass == 1 && !cand->alternative && cand->nlocales == 0) ||
                    (pass == 2 && !cand->alternative))
                    pick = (int)j;
            }
        if (pick >= 0)
            r->selected[pick] = true;
    }
    if (r->override_set >= 0 && !r->selected[r->override_set])
        return RH_E_INVALID; /* reported by the caller with a path */
    /* ASSIST substances. */
    for (size_t e = 0; e < r->nentries; e++) {
        entry *en = &r->entries[e];
        if (en->band_set >= 0 && en->scorable)
            en->band = band_of(r, (size_t)en->band_set, en->value);
    }
    return RH_OK;
}

static int selected_set_for(const rh_score_result *r, int var)
{
    for (size_t i = 0; i < r->ins->nband_sets; i++)
        if (r->selected[i] && r->ins->band_sets[i].on == var)
            return (int)i;
    return -1;
}

/* Patient values a score needs, transitively through the scores it reads. */
static void blocked_inputs(const rh_score_result *r, unsigned *mask)
{
    const rh_instrument *ins = r->ins;
    for (size_t s = 0; s < ins->nscores; s++) {
        const rh_instr_score *sc = &ins->scores[s];
        unsigned m = 0;
        for (int p = 0; p < RH_PVAR_COUNT; p++) {
            int pv = ins->patient_var0 + p;
            if (!isnan(r->vals[pv]))
                continue;
            bool uses = false;
            if (sc->calc == RH_CALC_EXPR)
                uses = rh_instrument_expr_reads(ins, sc->expr, pv);
            else if (sc->calc == RH_CALC_LOOKUP)
                uses = sc->lookup_of == pv;
            else
                for (size_t o = 0; o < sc->noperands; o++)
                    uses |= sc->operands[o] == pv;
            if (uses)
                m |= 1u << p;
        }
        for (size_t t = 0; t < s; t++) {
            int tv = ins->scores[t].var;
            bool uses = false;
            if (sc->calc == RH_CALC_EXPR)
                uses = rh_instrument_expr_reads(ins, sc->expr, tv);
            else if (sc->calc == RH_CALC_LOOKUP)
                uses = sc->lookup_of == tv;
            else
                for (size_t o = 0; o < sc->noperands; o++)
                    uses |= sc->operands[o] == tv;
            if (uses)
                m |= mask[t];
        }
        mask[s] = m;
    }
}

static rh_status finish(ctx *c)
{
    rh_score_result *r = c->r;
    const rh_instrument *ins = c->ins;
    rh_status rc = RH_OK;
    /* Missing required items (required_if decides for conditional ones). */
    size_t answered = 0;
    for (size_t i = 0; i < ins->nitems; i++) {
        const rh_instr_item *it = &ins->items[i];
        if (r->item_state[i] != ST_MISSING) {
            answered++;
            continue;
        }
        bool needed = it->required;
        if (needed && it->required_if >= 0) {
            double t = rh_instrument_eval(ins, it->required_if, r->vals);
            needed = !isnan(t) && t != 0.0;
        }
        bool listed = false;
        for (size_t k = 0; k < r->missing_items.n; k++)
            listed |= strcmp(r->missing_items.v[k], it->id) == 0;
        if (needed && !listed && (rc = sl_add(&r->missing_items, "%s", it->id)) != RH_OK)
            return nomem(c);
    }
    compute_scores(r);
    /* Contradictions the instrument declares. */
    for (size_t i = 0; i < ins->nchecks; i++) {
        double t = rh_instrument_eval(ins, ins->checks[i].when, r->vals);
        if (!isnan(t) && t == 0.0) {
            const char *field = ins->checks[i].field;
            if (ins->form == RH_FORM_ARRAY) {
                size_t m1 = rh_jx_push_key(c->jx, "items");
                size_t idx = 0;
                for (size_t k = 0; k < ins->nitems; k++)
                    if (strcmp(ins->items[k].id, field) == 0)
                        idx = k;
                size_t m2 = rh_jx_push_index(c->jx, idx);
                rc = rh_jx_fail(c->jx, NULL, RH_E_INVALID, "%s: %s", ins->id,
                                ins->checks[i].message);
                rh_jx_pop(c->jx, m2);
                rh_jx_pop(c->jx, m1);
            } else {
                rc = rh_jx_fail(c->jx, field, RH_E_INVALID, "%s item '%s': %s", ins->id, field,
                                ins->checks[i].message);
            }
            return rc;
        }
    }
    r->exclusion = -1;
    for (size_t i = 0; i < ins->nexclusions && r->exclusion < 0; i++) {
        double t = rh_instrument_eval(ins, ins->exclusions[i].when, r->vals);
        if (!isnan(t) && t != 0.0)
            r->exclusion = (int)i;
    }
    if (r->exclusion >= 0) {
        for (size_t s = 0; s < ins->nscores; s++)
            r->vals[ins->scores[s].var] = RH_NAN;
        if (sl_add(&r->reasons, "excluded: %s", ins->exclusions[r->exclusion].reason) != RH_OK)
            return nomem(c);
    }
    for (size_t s = 0; s < ins->nscores; s++) {
        const rh_instr_score *sc = &ins->scores[s];
        double t = sc->relevant_if >= 0 ? rh_instrument_eval(ins, sc->relevant_if, r->vals) : 1.0;
        r->relevant[s] = !isnan(r->vals[sc->var]) && !isnan(t) && t != 0.0;
    }
    /* Which patient values are missing for scores that could not be computed. */
    unsigned *mask = rh_calloc(ins->nscores ? ins->nscores : 1, sizeof(*mask));
    if (!mask)
        return nomem(c);
    blocked_inputs(r, mask);
    static const char *const pnames[RH_PVAR_COUNT] = {"patient.age_y", "patient.sex",
                                                      "patient.height_cm", "patient.weight_kg"};
    for (size_t s = 0; rc == RH_OK && r->exclusion < 0 && s < ins->nscores; s++)
        if (isnan(r->vals[ins->scores[s].var]))
            for (int p = 0; rc == RH_OK && p < RH_PVAR_COUNT; p++)
                if (mask[s] & (1u << p))
                    rc = sl_add(&r->missing_inputs, "%s", pnames[p]);
    rh_free(mask);
    if (rc != RH_OK)
        return nomem(c);
    rc = apply_bands(r);
    if (rc == RH_E_INVALID)
        return rh_jx_fail(c->jx, "band_set", RH_E_INVALID,
                          "%s: band set '%s' does not apply to these answers and this patient",
                          ins->id, ins->band_sets[r->override_set].id);
    if (rc != RH_OK)
        return nomem(c);
    /* Flags. */
    for (size_t f = 0; f < ins->nflags; f++) {
        double t = rh_instrument_eval(ins, ins->flags[f].when, r->vals);
        r->flag_state[f] = (signed char)(isnan(t) ? -1 : (t != 0.0 ? 1 : 0));
        if (r->flag_state[f] == 1) {
            const rh_instr_flag *fl = &ins->flags[f];
            r->raised[r->nraised++] = (rh_score_flag){fl->id,       fl->label,  fl->label_zh,
                                                      fl->severity, fl->action, fl->action_zh};
        }
    }
    /* Scorable? */
    bool ok = r->exclusion < 0;
    if (answered < ins->min_answered) {
        ok = false;
        if (sl_add(&r->reasons, "%zu of at least %zu items answered", answered,
                   ins->min_answered) != RH_OK)
            return nomem(c);
    }
    for (size_t i = 0; r->exclusion < 0 && i < ins->nscorable_requires; i++) {
        const rh_instr_score *sc = &ins->scores[ins->scorable_requires[i]];
        if (!isnan(r->vals[sc->var]))
            continue;
        ok = false;
        if (sl_add(&r->reasons, "'%s' cannot be computed from the answers given", sc->label) !=
            RH_OK)
            return nomem(c);
    }
    if (ins->method != RH_METHOD_STANDARD) {
        if (r->nentries == 0) {
            ok = false;
            if (sl_add(&r->reasons, "no %s answered",
                       ins->method == RH_METHOD_ASSIST ? "substance" : "muscle group") != RH_OK)
                return nomem(c);
        }
        for (size_t e = 0; e < r->nentries; e++) {
            if (r->entries[e].scorable)
                continue;
            ok = false;
            if (sl_add(&r->reasons, "'%s' cannot be scored from the answers given",
                       r->entries[e].key) != RH_OK)
                return nomem(c);
        }
        if (ins->method == RH_METHOD_MUSCLE_MAP)
            for (size_t e = 0; e < r->nentries; e++)
                if (r->entries[e].scorable && r->entries[e].value > r->max_rank)
                    r->max_rank = (int)r->entries[e].value;
    }
    r->scorable = ok;
    if (ins->primary >= 0 && ok) {
        const rh_instr_score *ps = &ins->scores[ins->primary];
        rh_score_format(r->vals[ps->var], ps->decimals, r->total_display, sizeof(r->total_display));
    }
    return RH_OK;
}

static rh_status check_opts(ctx *c, const rh_score_opts *opts)
{
    rh_score_result *r = c->r;
    rh_jx *jx = c->jx;
    const char *locale = opts && opts->locale ? opts->locale : "en";
    if (strcmp(locale, "en") != 0 && strcmp(locale, "zh") != 0)
        return rh_jx_fail(jx, NULL, RH_E_INVALID, "unsupported locale '%.16s' (en or zh)", locale);
    snprintf(r->locale, sizeof(r->locale), "%s", locale);
    if (opts && opts->sex) {
        if (strcmp(opts->sex, "male") == 0)
            r->sex = "male";
        else if (strcmp(opts->sex, "female") == 0)
            r->sex = "female";
        else
            return rh_jx_fail(jx, NULL, RH_E_INVALID, "sex '%.16s' is neither male nor female",
                              opts->sex);
    }
    const double given[] = {opts ? opts->age_y : RH_NAN, opts ? opts->height_cm : RH_NAN,
                            opts ? opts->weight_kg : RH_NAN};
    static const char *const names[] = {"age", "height", "weight"};
    static const char *const units[] = {"years", "cm", "kg"};
    static const double lo[] = {0, 30, 1}, hi[] = {130, 272, 650};
    static const int vars[] = {RH_PVAR_AGE_Y, RH_PVAR_HEIGHT_CM, RH_PVAR_WEIGHT_KG};
    for (int i = 0; i < 3; i++) {
        if (isnan(given[i]))
            continue;
        if (!(given[i] >= lo[i] && given[i] <= hi[i]))
            return rh_jx_fail(jx, NULL, RH_E_RANGE,
                              "patient %s %g %s is outside the accepted range %g-%g", names[i],
                              given[i], units[i], lo[i], hi[i]);
        r->patient[vars[i]] = given[i];
    }
    return RH_OK;
}

/* Items that fall back to patient values; answer and patient must agree. */
static rh_status patient_items(ctx *c)
{
    rh_score_result *r = c->r;
    const rh_instrument *ins = c->ins;
    for (size_t i = 0; i < ins->nitems; i++) {
        const rh_instr_item *it = &ins->items[i];
        if (it->patient_var < 0)
            continue;
        double pv = r->vals[it->patient_var];
        if (isnan(pv))
            continue;
        if (r->item_state[i] == ST_ANSWERED) {
            if (r->vals[it->var] != pv)
                return rh_jx_fail(c->jx, it->id, RH_E_INVALID,
                                  "%s item '%s': %g contradicts the patient's %s of %g", ins->id,
                                  it->id, r->vals[it->var],
                                  ins->var_names[it->patient_var] + strlen("patient."), pv);
            continue;
        }
        if (!(pv >= it->min && pv <= it->max))
            return rh_jx_fail(c->jx, NULL, RH_E_RANGE,
                              "%s: the patient's %s %g is outside the range %g-%g this "
                              "instrument accepts",
                              ins->id, ins->var_names[it->patient_var] + strlen("patient."), pv,
                              it->min, it->max);
        r->vals[it->var] = pv;
        r->item_raw[i] = pv;
        r->item_state[i] = ST_PATIENT;
    }
    return RH_OK;
}

static rh_score_result *result_new(const rh_instrument *ins)
{
    rh_score_result *r = rh_calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->ins = ins;
    r->override_set = -1;
    r->max_rank = -1;
    r->exclusion = -1;
    for (int p = 0; p < RH_PVAR_COUNT; p++)
        r->patient[p] = RH_NAN;
    size_t ni = ins->nitems ? ins->nitems : 1, ns = ins->nscores ? ins->nscores : 1;
    size_t nb = ins->nband_sets ? ins->nband_sets : 1, nf = ins->nflags ? ins->nflags : 1;
    r->vals = rh_calloc(ins->nvars ? ins->nvars : 1, sizeof(*r->vals));
    r->item_state = rh_calloc(ni, sizeof(*r->item_state));
    r->item_opt = rh_calloc(ni, sizeof(*r->item_opt));
    r->item_raw = rh_calloc(ni, sizeof(*r->item_raw));
    r->answered = rh_calloc(ns, sizeof(*r->answered));
    r->partial = rh_calloc(ns, sizeof(*r->partial));
    r->relevant = rh_calloc(ns, sizeof(*r->relevant));
    r->band = rh_calloc(nb, sizeof(*r->band));
    r->applicable = rh_calloc(nb, sizeof(*r->applicable));
    r->selected = rh_calloc(nb, sizeof(*r->selected));
    r->norm_row = rh_calloc(nb, sizeof(*r->norm_row));
    r->flag_state = rh_calloc(nf, sizeof(*r->flag_state));
    r->raised = rh_calloc(nf, sizeof(*r->raised));
    if (!r->vals || !r->item_state || !r->item_opt || !r->item_raw || !r->answered || !r->partial ||
        !r->relevant || !r->band || !r->applicable || !r->selected || !r->norm_row ||
        !r->flag_state || !r->raised) {
        rh_score_result_destroy(r);
        return NULL;
    }
    for (size_t i = 0; i < ins->nvars; i++)
        r->vals[i] = RH_NAN;
    for (size_t i = 0; i < ins->nitems; i++) {
        r->item_opt[i] = -1;
        r->item_raw[i] = RH_NAN;
    }
    return r;
}

rh_status rh_score_run(const rh_catalog *cat, const char *instrument_id, const rh_json *answers,
                       rh_jx *jx, const rh_score_opts *opts, rh_score_result **out)
{
    *out = NULL;
    const rh_instrument *ins = instrument_id ? rh_instrument_find(cat, instrument_id) : NULL;
    if (!ins)
        return rh_jx_fail(jx, NULL, RH_E_NOTFOUND,
                          "unknown instrument '%.48s' (see 'rehabit score --list')",
                          instrument_id ? instrument_id : "");
    if (!rh_json_is_object(answers))
        return rh_jx_fail(jx, NULL, RH_E_INVALID, "%s: the answers must be a JSON object", ins->id);
    rh_score_result *r = result_new(ins);
    if (!r)
        return RH_FAIL(jx->err, RH_E_NOMEM, "out of memory scoring '%s'", ins->id);
    ctx c = {.r = r, .ins = ins, .jx = jx};
    size_t mark = jx->path_len;
    rh_status rc = check_opts(&c, opts);
    if (rc == RH_OK)
        rc = check_members(&c, answers);
    if (rc == RH_OK)
        rc = read_common(&c, answers);
    if (rc == RH_OK) {
        for (int p = 0; p < RH_PVAR_COUNT; p++)
            r->vals[ins->patient_var0 + p] = r->patient[p];
        if (r->sex)
            r->vals[ins->patient_var0 + RH_PVAR_MALE] = strcmp(r->sex, "male") == 0 ? 1.0 : 0.0;
    }
    if (rc == RH_OK)
        rc = ins->form == RH_FORM_ARRAY ? read_items_array(&c, answers)
                                        : read_items_object(&c, answers);
    if (rc == RH_OK)
        rc = patient_items(&c);
    if (rc == RH_OK && ins->method == RH_METHOD_ASSIST)
        rc = read_assist(&c, answers);
    if (rc == RH_OK && ins->method == RH_METHOD_MUSCLE_MAP)
        rc = read_muscle_map(&c, answers);
    if (rc == RH_OK)
        rc = finish(&c);
    rh_jx_pop(jx, mark);
    if (rc != RH_OK) {
        rh_score_result_destroy(r);
        return rc;
    }
    *out = r;
    return RH_OK;
}

void rh_score_result_destroy(rh_score_result *r)
{
    if (!r)
        return;
    for (int i = 0; i < MAX_CONTEXTS; i++)
        rh_free(r->context[i]);
    rh_free(r->vals);
    rh_free(r->item_state);
    rh_free(r->item_opt);
    rh_free(r->item_raw);
    rh_free(r->answered);
    rh_free(r->partial);
    rh_free(r->relevant);
    rh_free(r->band);
    rh_free(r->applicable);
    rh_free(r->selected);
    rh_free(r->norm_row);
    rh_free(r->flag_state);
    rh_free(r->raised);
    sl_free(&r->missing_items);
    sl_free(&r->missing_inputs);
    sl_free(&r->reasons);
    sl_free(&r->notes);
    for (size_t i = 0; i < r->nentries; i++)
        rh_free(r->entries[i].owned_key);
    rh_free(r->entries);
    rh_free(r);
}

/* ---- accessors ---- */

const char *rh_score_result_id(const rh_score_result *r)
{
    return r->ins->id;
}

bool rh_score_result_scorable(const rh_score_result *r)
{
    return r->scorable;
}

double rh_score_result_total(const rh_score_result *r)
{
    if (!r->scorable || r->ins->primary < 0)
        return RH_NAN;
    return r->vals[r->ins->scores[r->ins->primary].var];
}

const char *rh_score_result_total_display(const rh_score_result *r)
{
    return r->total_display;
}

static const rh_instr_band *primary_band(const rh_score_result *r)
{
    if (!r->scorable || r->ins->primary < 0)
        return NULL;
    int set = selected_set_for(r, r->ins->scores[r->ins->primary].var);
    if (set < 0 || r->band[set] < 0)
        return NULL;
    return &r->ins->band_sets[set].bands[r->band[set]];
}

const char *rh_score_result_band_code(const rh_score_result *r)
{
    const rh_instr_band *b = primary_band(r);
    return b ? b->code : NULL;
}

const char *rh_score_result_band_label(const rh_score_result *r, const char *lang)
{
    const rh_instr_band *b = primary_band(r);
    if (!b)
        return NULL;
    return lang && strcmp(lang, "zh") == 0 ? b->label_zh : b->label;
}

static int score_index(const rh_score_result *r, const char *score_id)
{
    for (size_t s = 0; score_id && s < r->ins->nscores; s++)
        if (strcmp(r->ins->scores[s].id, score_id) == 0)
            return (int)s;
    return -1;
}

double rh_score_result_value(const rh_score_result *r, const char *score_id)
{
    int s = score_index(r, score_id);
    return s < 0 ? RH_NAN : r->vals[r->ins->scores[s].var];
}

static const rh_instr_band *value_band(const rh_score_result *r, const char *score_id)
{
    int s = score_index(r, score_id);
    if (s < 0)
        return NULL;
    int var = r->ins->scores[s].var;
    int set = selected_set_for(r, var);
    if (set < 0 || r->band[set] < 0 || isnan(r->vals[var]))
        return NULL;
    return &r->ins->band_sets[set].bands[r->band[set]];
}

const char *rh_score_result_value_band_code(const rh_score_result *r, const char *score_id)
{
    const rh_instr_band *b = value_band(r, score_id);
    return b ? b->code : NULL;
}

const char *rh_score_result_value_band_label(const rh_score_result *r, const char *score_id,
                                             const char *lang)
{
    const rh_instr_band *b = value_band(r, score_id);
    if (!b)
        return NULL;
    return lang && strcmp(lang, "zh") == 0 ? b->label_zh : b->label;
}

size_t rh_score_result_score_count(const rh_score_result *r)
{
    return r->ins->nscores;
}

bool rh_score_result_score_at(const rh_score_result *r, size_t i, rh_score_item *out)
{
    if (i >= r->ins->nscores)
        return false;
    const rh_instr_score *sc = &r->ins->scores[i];
    double v = r->vals[sc->var];
    memset(out, 0, sizeof(*out));
    out->id = sc->id;
    out->kind = sc->kind;
    out->label = sc->label;
    out->label_zh = sc->label_zh;
    out->unit = sc->unit;
    if (sc->is_bool)
        snprintf(out->display, sizeof(out->display), "%s", isnan(v) ? "" : v != 0.0 ? "yes" : "no");
    else if (!isnan(v))
        rh_score_format(v, sc->decimals, out->display, sizeof(out->display));
    int set = selected_set_for(r, sc->var);
    if (set >= 0 && !isnan(v) && r->band[set] >= 0) {
        const rh_instr_band *b = &r->ins->band_sets[set].bands[r->band[set]];
        out->band_label = b->label;
        out->band_label_zh = b->label_zh;
    }
    return true;
}

size_t rh_score_result_flag_count(const rh_score_result *r)
{
    return r->nraised;
}

const rh_score_flag *rh_score_result_flag_at(const rh_score_result *r, size_t i)
{
    return i < r->nraised ? &r->raised[i] : NULL;
}

/* ---- facts ---- */

rh_status rh_score_result_export_facts(const rh_score_result *r, rh_facts *f)
{
    const rh_instrument *ins = r->ins;
    char src[80], name[256];
    snprintf(src, sizeof(src), "score:%s", ins->id);
    rh_status rc;
#define FACT(call)                  \
    do {                            \
        if ((rc = (call)) != RH_OK) \
            return rc;              \
    } while (0)
    snprintf(name, sizeof(name), "score.%s.scorable", ins->id);
    FACT(rh_facts_set_bool(f, name, r->scorable, src));
    snprintf(name, sizeof(name), "score.%s.total", ins->id);
    double total = rh_score_result_total(r);
    FACT(isnan(total) ? rh_facts_set_null(f, name, src) : rh_facts_set_num(f, name, total, src));
    snprintf(name, sizeof(name), "score.%s.band", ins->id);
    const char *band = rh_score_result_band_code(r);
    FACT(band ? rh_facts_set_str(f, name, band, src) : rh_facts_set_null(f, name, src));
    for (size_t s = 0; s < ins->nscores; s++) {
        const rh_instr_score *sc = &ins->scores[s];
        if (!sc->export_fact || (int)s == ins->primary)
            continue;
        double v = r->vals[sc->var];
        snprintf(name, sizeof(name), "score.%s.%s", ins->id, sc->id);
        if (isnan(v))
            FACT(rh_facts_set_null(f, name, src));
        else if (sc->is_bool)
            FACT(rh_facts_set_bool(f, name, v != 0.0, src));
        else
            FACT(rh_facts_set_num(f, name, v, src));
        int set = selected_set_for(r, sc->var);
        if (set >= 0) {
            snprintf(name, sizeof(name), "score.%s.%s.band", ins->id, sc->id);
            const char *code = r->band[set] >= 0 && !isnan(v)
                                   ? ins->band_sets[set].bands[r->band[set]].code
                                   : NULL;
            FACT(code ? rh_facts_set_str(f, name, code, src) : rh_facts_set_null(f, name, src));
        }
    }
    for (size_t i = 0; i < ins->nitems; i++) {
        int set = selected_set_for(r, ins->items[i].var);
        if (set < 0)
            continue;
        snprintf(name, sizeof(name), "score.%s.item.%s.band", ins->id, ins->items[i].id);
        const char *code = r->band[set] >= 0 && !isnan(r->vals[ins->items[i].var])
                               ? ins->band_sets[set].bands[r->band[set]].code
                               : NULL;
        FACT(code ? rh_facts_set_str(f, name, code, src) : rh_facts_set_null(f, name, src));
    }
    for (size_t i = 0; i < ins->nflags; i++) {
        snprintf(name, sizeof(name), "score.%s.flag.%s", ins->id, ins->flags[i].id);
        if (r->flag_state[i] < 0)
            FACT(rh_facts_set_null(f, name, src));
        else
            FACT(rh_facts_set_bool(f, name, r->flag_state[i] == 1, src));
    }
    for (size_t i = 0; i < ins->nitems; i++) {
        if (!ins->items[i].export_fact)
            continue;
        snprintf(name, sizeof(name), "score.%s.item.%s", ins->id, ins->items[i].id);
        double v = r->vals[ins->items[i].var];
        FACT(isnan(v) ? rh_facts_set_null(f, name, src) : rh_facts_set_num(f, name, v, src));
    }
    for (size_t e = 0; e < r->nentries; e++) {
        const entry *en = &r->entries[e];
        snprintf(name, sizeof(name), "score.%s.%s", ins->id, en->key);
        if (ins->method == RH_METHOD_MUSCLE_MAP) {
            FACT(en->code ? rh_facts_set_str(f, name, en->code, src)
                          : rh_facts_set_null(f, name, src));
            continue;
        }
        FACT(en->scorable ? rh_facts_set_num(f, name, en->value, src)
                          : rh_facts_set_null(f, name, src));
        snprintf(name, sizeof(name), "score.%s.%s.band", ins->id, en->key);
        const char *code = en->scorable && en->band >= 0
                               ? ins->band_sets[en->band_set].bands[en->band].code
                               : NULL;
        FACT(code ? rh_facts_set_str(f, name, code, src) : rh_facts_set_null(f, name, src));
    }
    if (ins->method == RH_METHOD_MUSCLE_MAP) {
        snprintf(name, sizeof(name), "score.%s.max", ins->id);
        FACT(r->max_rank >= 0 ? rh_facts_set_str(f, name, ins->map_options[r->max_rank].code, src)
                              : rh_facts_set_null(f, name, src));
        snprintf(name, sizeof(name), "score.%s.max_rank", ins->id);
        FACT(r->max_rank >= 0 ? rh_facts_set_num(f, name, r->max_rank, src)
                              : rh_facts_set_null(f, name, src));
    }
#undef FACT
    return RH_OK;
}

/* ---- JSON ---- */

static void write_evidence_ids(rh_jw *w, const rh_json *ev)
{
    rh_jw_arr_begin_inline(w);
    for (size_t i = 0; i < rh_json_array_size(ev); i++)
        rh_jw_str(w, rh_json_string(rh_json_array_get(ev, i)));
    rh_jw_arr_end(w);
}

static void write_value(rh_jw *w, const char *key, double v)
{
    rh_jw_key(w, key);
    if (isnan(v))
        rh_jw_null(w);
    else
        rh_jw_double(w, v);
}

static void write_band(rh_jw *w, const rh_instr_band_set *bs, int band)
{
    if (band < 0) {
        rh_jw_null(w);
        return;
    }
    const rh_instr_band *b = &bs->bands[band];
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "set", bs->id);
    rh_jw_kstr(w, "code", b->code);
    rh_jw_kstr(w, "label", b->label);
    rh_jw_kstr(w, "label_zh", b->label_zh);
    rh_jw_obj_end(w);
}

typedef struct evlist {
    const char *ids[256];
    size_t n;
} evlist;

static void ev_add(evlist *l, const rh_json *ev)
{
    for (size_t i = 0; i < rh_json_array_size(ev); i++) {
        const char *id = rh_json_string(rh_json_array_get(ev, i));
        bool seen = false;
        for (size_t k = 0; k < l->n; k++)
            seen |= strcmp(l->ids[k], id) == 0;
        if (!seen && l->n < sizeof(l->ids) / sizeof(l->ids[0]))
            l->ids[l->n++] = id;
    }
}

static void unverified(rh_jw *w, const char *kind, const char *id, const char *text)
{
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "kind", kind);
    rh_jw_kstr(w, "id", id);
    rh_jw_kstr(w, "text", text);
    rh_jw_obj_end(w);
}

static bool is_unverified(const char *status)
{
    return status && strcmp(status, "unverified") == 0;
}

static void write_answer(rh_jw *w, const rh_score_result *r, size_t i)
{
    const rh_instr_item *it = &r->ins->items[i];
    rh_jw_key(w, "answer");
    if (r->item_state[i] == ST_MISSING) {
        rh_jw_null(w);
        return;
    }
    double raw = r->item_raw[i];
    switch (it->type) {
    case RH_ITEM_BOOL:
        rh_jw_bool(w, raw != 0.0);
        break;
    case RH_ITEM_CHOICE:
        if (r->item_opt[i] >= 0 && it->options[r->item_opt[i]].code)
            rh_jw_str(w, it->options[r->item_opt[i]].code);
        else
            rh_jw_double(w, raw);
        break;
    case RH_ITEM_TIME: {
        char t[8];
        int m = (int)raw;
        snprintf(t, sizeof(t), "%02d:%02d", (m / 60) % 24, m % 60);
        rh_jw_str(w, t);
        break;
    }
    default:
        rh_jw_double(w, raw);
    }
}

static void write_strlist(rh_jw *w, const char *key, const strlist *l)
{
    rh_jw_key(w, key);
    rh_jw_arr_begin(w);
    for (size_t i = 0; i < l->n; i++)
        rh_jw_str(w, l->v[i]);
    rh_jw_arr_end(w);
}

void rh_score_result_write_json(const rh_score_result *r, const rh_catalog *cat, rh_jw *w)
{
    const rh_instrument *ins = r->ins;
    evlist ev = {.n = 0};
    ev_add(&ev, ins->evidence);
    char disp[48];
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "instrument", ins->id);
    rh_jw_kstr(w, "name", ins->name);
    rh_jw_kstr(w, "name_zh", ins->name_zh);
    rh_jw_kstr(w, "abbrev", ins->abbrev);
    rh_jw_kstr(w, "result", r->scorable ? "scored" : "not_scorable");
    rh_jw_kbool(w, "scorable", r->scorable);
    if (r->administered[0])
        rh_jw_kstr(w, "administered", r->administered);
    /* The total and its band. */
    const rh_instr_score *ps = ins->primary >= 0 ? &ins->scores[ins->primary] : NULL;
    write_value(w, "total", rh_score_result_total(r));
    if (ps && r->scorable)
        rh_jw_kstr(w, "total_display", r->total_display);
    else
        rh_jw_knull(w, "total_display");
    rh_jw_kstr(w, "total_label", ps ? ps->label : NULL);
    rh_jw_kstr(w, "unit", ps ? ps->unit : NULL);
    rh_jw_key(w, "range");
    if (ps && isfinite(ps->lo) && isfinite(ps->hi)) {
        rh_jw_arr_begin_inline(w);
        rh_jw_double(w, ps->lo);
        rh_jw_double(w, ps->hi);
        rh_jw_arr_end(w);
    } else {
        rh_jw_null(w);
    }
    rh_jw_key(w, "band");
    int pset = ps && r->scorable ? selected_set_for(r, ps->var) : -1;
    if (pset >= 0)
        write_band(w, &ins->band_sets[pset], r->band[pset]);
    else
        rh_jw_null(w);
    /* Every score. */
    rh_jw_key(w, "scores");
    rh_jw_arr_begin(w);
    for (size_t s = 0; s < ins->nscores; s++) {
        const rh_instr_score *sc = &ins->scores[s];
        double v = r->vals[sc->var];
        rh_jw_obj_begin(w);
        rh_jw_kstr(w, "id", sc->id);
        rh_jw_kstr(w, "kind", sc->kind);
        rh_jw_kstr(w, "label", sc->label);
        rh_jw_kstr(w, "label_zh", sc->label_zh);
        if (sc->is_bool) {
            rh_jw_key(w, "value");
            if (isnan(v))
                rh_jw_null(w);
            else
                rh_jw_bool(w, v != 0.0);
        } else {
            write_value(w, "value", v);
            rh_score_format(v, sc->decimals, disp, sizeof(disp));
            if (isnan(v))
                rh_jw_knull(w, "display");
            else
                rh_jw_kstr(w, "display", disp);
        }
        rh_jw_kstr(w, "unit", sc->unit);
        rh_jw_key(w, "band");
        int set = selected_set_for(r, sc->var);
        if (set >= 0 && !isnan(v))
            write_band(w, &ins->band_sets[set], r->band[set]);
        else
            rh_jw_null(w);
        if (r->partial[s]) {
            rh_jw_key(w, "missing_rule");
            rh_jw_obj_begin(w);
            rh_jw_kint(w, "answered", (int64_t)r->answered[s]);
            rh_jw_kint(w, "of", (int64_t)sc->noperands);
            rh_jw_kstr(w, "rule", sc->missing_text);
            rh_jw_kstr(w, "status", sc->missing_status);
            rh_jw_obj_end(w);
            ev_add(&ev, sc->missing_evidence);
        }
        rh_jw_kstr(w, "status", sc->status);
        rh_jw_obj_end(w);
        ev_add(&ev, sc->evidence);
    }
    rh_jw_arr_end(w);
    /* Band sets: every one that applies, the selected ones marked. */
    rh_jw_key(w, "band_sets");
    rh_jw_arr_begin(w);
    for (size_t i = 0; i < ins->nband_sets; i++) {
        const rh_instr_band_set *bs = &ins->band_sets[i];
        if (bs->per_substance) {
            for (size_t e = 0; e < r->nentries; e++)
                if (r->entries[e].band_set == (int)i)
                    ev_add(&ev, bs->evidence);
            continue;
        }
        if (!r->applicable[i])
            continue;
        rh_jw_obj_begin(w);
        rh_jw_kstr(w, "id", bs->id);
        rh_jw_kstr(w, "on", ins->var_names[bs->on]);
        rh_jw_kstr(w, "label", bs->label);
        rh_jw_kstr(w, "label_zh", bs->label_zh);
        rh_jw_kbool(w, "selected", r->selected[i]);
        rh_jw_kbool(w, "alternative", bs->alternative);
        rh_jw_key(w, "band");
        write_band(w, bs, isnan(r->vals[bs->on]) ? -1 : r->band[i]);
        if (bs->type == RH_BANDS_NORMS) {
            rh_jw_key(w, "normal_range");
            int row = r->norm_row[i];
            if (row >= 0 && r->sex) {
                bool male = strcmp(r->sex, "male") == 0;
                rh_jw_arr_begin_inline(w);
                rh_jw_double(w, male ? bs->norms[row].male_lo : bs->norms[row].female_lo);
                rh_jw_double(w, male ? bs->norms[row].male_hi : bs->norms[row].female_hi);
                rh_jw_arr_end(w);
                rh_jw_key(w, "age_group");
                rh_jw_arr_begin_inline(w);
                rh_jw_double(w, bs->norms[row].age_min);
                rh_jw_double(w, bs->norms[row].age_max);
                rh_jw_arr_end(w);
            } else {
                rh_jw_null(w);
            }
        }
        rh_jw_kstr(w, "status", bs->status);
        rh_jw_key(w, "evidence");
        write_evidence_ids(w, bs->evidence);
        rh_jw_obj_end(w);
        ev_add(&ev, bs->evidence);
    }
    rh_jw_arr_end(w);
    /* Flags. */
    rh_jw_key(w, "flags");
    rh_jw_arr_begin(w);
    for (size_t i = 0; i < ins->nflags; i++) {
        const rh_instr_flag *fl = &ins->flags[i];
        rh_jw_obj_begin(w);
        rh_jw_kstr(w, "id", fl->id);
        rh_jw_kstr(w, "label", fl->label);
        rh_jw_kstr(w, "label_zh", fl->label_zh);
        rh_jw_kstr(w, "severity", fl->severity);
        rh_jw_key(w, "raised");
        if (r->flag_state[i] < 0)
            rh_jw_null(w);
        else
            rh_jw_bool(w, r->flag_state[i] == 1);
        rh_jw_kstr(w, "action", fl->action);
        rh_jw_kstr(w, "action_zh", fl->action_zh);
        rh_jw_kstr(w, "status", fl->status);
        rh_jw_obj_end(w);
        ev_add(&ev, fl->evidence);
    }
    rh_jw_arr_end(w);
    /* Items as answered and as scored. */
    rh_jw_key(w, "items");
    rh_jw_arr_begin(w);
    for (size_t i = 0; i < ins->nitems; i++) {
        const rh_instr_item *it = &ins->items[i];
        rh_jw_obj_begin(w);
        rh_jw_kstr(w, "id", it->id);
        rh_jw_kstr(w, "label", it->label);
        write_answer(w, r, i);
        write_value(w, "value", r->vals[it->var]);
        if (it->reverse)
            rh_jw_kbool(w, "reverse", true);
        rh_jw_kstr(w, "source",
                   r->item_state[i] == ST_ANSWERED  ? "answers"
                   : r->item_state[i] == ST_PATIENT ? "patient"
                                                    : NULL);
        rh_jw_obj_end(w);
    }
    rh_jw_arr_end(w);
    if (ins->method == RH_METHOD_ASSIST) {
        rh_jw_key(w, "substances");
        rh_jw_arr_begin(w);
        for (size_t e = 0; e < r->nentries; e++) {
            const entry *en = &r->entries[e];
            const rh_instr_band_set *bs = &ins->band_sets[en->band_set];
            rh_jw_obj_begin(w);
            rh_jw_kstr(w, "substance", en->key);
            rh_jw_kstr(w, "label", en->label);
            rh_jw_kstr(w, "label_zh", en->label_zh);
            rh_jw_key(w, "ever_used");
            if (en->ever < 0)
                rh_jw_null(w);
            else
                rh_jw_bool(w, en->ever == 1);
            if (en->q1_inferred)
                rh_jw_kbool(w, "ever_used_inferred", true);
            rh_jw_key(w, "answers");
            rh_jw_obj_begin(w);
            for (int q = 2; q <= 7; q++) {
                const rh_instr_question *qu = &ins->questions[q - 1];
                if (en->qopt[q] < 0)
                    continue;
                rh_jw_key(w, qu->id);
                rh_jw_obj_begin(w);
                rh_jw_kstr(w, "answer", qu->options[en->qopt[q]].code);
                rh_jw_kdouble(w, "value", en->q[q]);
                rh_jw_obj_end(w);
            }
            rh_jw_obj_end(w);
            write_value(w, "score", en->scorable ? en->value : RH_NAN);
            rh_jw_key(w, "band");
            write_band(w, bs, en->scorable ? en->band : -1);
            rh_jw_obj_end(w);
        }
        rh_jw_arr_end(w);
    }
    if (ins->method == RH_METHOD_MUSCLE_MAP) {
        rh_jw_key(w, "muscle_groups");
        rh_jw_arr_begin(w);
        for (size_t e = 0; e < r->nentries; e++) {
            const entry *en = &r->entries[e];
            rh_jw_obj_begin(w);
            rh_jw_kstr(w, "group", en->key);
            rh_jw_kstr(w, "code", en->code);
            write_value(w, "rank", en->value);
            rh_jw_kstr(w, "label", en->label);
            rh_jw_kstr(w, "label_zh", en->label_zh);
            rh_jw_obj_end(w);
        }
        rh_jw_arr_end(w);
        rh_jw_key(w, "highest");
        if (r->max_rank >= 0) {
            rh_jw_obj_begin(w);
            rh_jw_kstr(w, "code", ins->map_options[r->max_rank].code);
            rh_jw_kint(w, "rank", r->max_rank);
            rh_jw_obj_end(w);
        } else {
            rh_jw_null(w);
        }
    }
    write_strlist(w, "missing_items", &r->missing_items);
    write_strlist(w, "missing_inputs", &r->missing_inputs);
    write_strlist(w, "not_scorable_reasons", &r->reasons);
    write_strlist(w, "notes", &r->notes);
    rh_jw_key(w, "exclusion");
    if (r->exclusion >= 0) {
        const rh_instr_exclusion *ex = &ins->exclusions[r->exclusion];
        rh_jw_obj_begin(w);
        rh_jw_kstr(w, "id", ex->id);
        rh_jw_kstr(w, "reason", ex->reason);
        rh_jw_kstr(w, "reason_zh", ex->reason_zh);
        rh_jw_kstr(w, "status", ex->status);
        rh_jw_obj_end(w);
        ev_add(&ev, ex->evidence);
    } else {
        rh_jw_null(w);
    }
    /* What chose the cut-offs. */
    rh_jw_key(w, "cutoffs_applied");
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "locale", r->locale);
    rh_jw_kstr(w, "sex", r->sex);
    for (size_t c = 0; c < ins->ncontexts; c++)
        rh_jw_kstr(w, ins->contexts[c].key, r->context[c]);
    rh_jw_kstr(w, "requested_band_set",
               r->override_set >= 0 ? ins->band_sets[r->override_set].id : NULL);
    rh_jw_key(w, "band_sets");
    rh_jw_arr_begin_inline(w);
    for (size_t i = 0; i < ins->nband_sets; i++)
        if (r->selected[i])
            rh_jw_str(w, ins->band_sets[i].id);
    rh_jw_arr_end(w);
    rh_jw_obj_end(w);
    rh_jw_key(w, "patient");
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "sex", r->sex);
    write_value(w, "age_y", r->patient[RH_PVAR_AGE_Y]);
    write_value(w, "height_cm", r->patient[RH_PVAR_HEIGHT_CM]);
    write_value(w, "weight_kg", r->patient[RH_PVAR_WEIGHT_KG]);
    rh_jw_obj_end(w);
    /* Facts about the instrument. */
    rh_jw_key(w, "change_thresholds");
    rh_jw_arr_begin(w);
    for (size_t i = 0; i < ins->nchanges; i++) {
        const rh_instr_change *ch = &ins->changes[i];
        rh_jw_obj_begin(w);
        rh_jw_kstr(w, "type", ch->type);
        rh_jw_kstr(w, "on", ins->var_names[ch->on]);
        rh_jw_kdouble(w, "value", ch->value);
        write_value(w, "value_max", ch->value_max);
        rh_jw_kstr(w, "unit", ch->unit);
        rh_jw_kstr(w, "population", ch->population);
        rh_jw_kstr(w, "text", ch->text);
        rh_jw_kstr(w, "status", ch->status);
        rh_jw_key(w, "evidence");
        write_evidence_ids(w, ch->evidence);
        rh_jw_obj_end(w);
        ev_add(&ev, ch->evidence);
    }
    rh_jw_arr_end(w);
    rh_jw_key(w, "codes");
    rh_jw_arr_begin(w);
    for (size_t i = 0; i < ins->ncodes; i++) {
        const rh_instr_code *cd = &ins->codes[i];
        rh_jw_obj_begin(w);
        rh_jw_kstr(w, "system", cd->system);
        rh_jw_kstr(w, "code", cd->code);
        rh_jw_kstr(w, "what", cd->what);
        rh_jw_kstr(w, "status", cd->status);
        rh_jw_obj_end(w);
        ev_add(&ev, cd->evidence);
    }
    rh_jw_arr_end(w);
    rh_jw_key(w, "licence");
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "code", ins->licence.code);
    rh_jw_kstr(w, "text", ins->licence.text);
    rh_jw_kbool(w, "item_wording_shipped", ins->licence.item_wording_shipped);
    rh_jw_kstr(w, "status", ins->licence.status);
    rh_jw_obj_end(w);
    ev_add(&ev, ins->licence.evidence);
    rh_jw_key(w, "rules");
    rh_jw_arr_begin(w);
    for (size_t i = 0; i < ins->nrules; i++) {
        rh_jw_obj_begin(w);
        rh_jw_kstr(w, "id", ins->rules[i].id);
        rh_jw_kstr(w, "text", ins->rules[i].text);
        rh_jw_kstr(w, "status", ins->rules[i].status);
        rh_jw_obj_end(w);
        ev_add(&ev, ins->rules[i].evidence);
    }
    rh_jw_arr_end(w);
    rh_jw_kstr(w, "status", ins->status);
    rh_jw_key(w, "evidence");
    rh_evidence_write_refs(cat, ev.ids, ev.n, w);
    /* Unverified facts this result rests on. */
    rh_jw_key(w, "unverified");
    rh_jw_arr_begin(w);
    if (is_unverified(ins->status))
        unverified(w, "instrument", ins->id, ins->name);
    for (size_t i = 0; i < ins->nitems; i++)
        if (is_unverified(ins->items[i].status) && r->item_state[i] != ST_MISSING)
            unverified(w, "item", ins->items[i].id,
                       ins->items[i].label ? ins->items[i].label : ins->items[i].id);
    for (size_t i = 0; i < ins->nrules; i++)
        if (is_unverified(ins->rules[i].status))
            unverified(w, "rule", ins->rules[i].id, ins->rules[i].text);
    for (size_t s = 0; s < ins->nscores; s++) {
        const rh_instr_score *sc = &ins->scores[s];
        if (r->relevant[s] && is_unverified(sc->status))
            unverified(w, "score", sc->id, sc->label);
        if (r->partial[s] && is_unverified(sc->missing_status))
            unverified(w, "missing_rule", sc->id, sc->missing_text);
    }
    for (size_t i = 0; i < ins->nband_sets; i++) {
        const rh_instr_band_set *bs = &ins->band_sets[i];
        if (bs->per_substance) {
            bool used = false;
            for (size_t e = 0; e < r->nentries; e++)
                used |= r->entries[e].band_set == (int)i && r->entries[e].scorable;
            if (used && is_unverified(bs->status))
                unverified(w, "band_set", bs->id, bs->label);
            continue;
        }
        if (!r->applicable[i] || isnan(r->vals[bs->on]))
            continue;
        if (r->selected[i] && is_unverified(bs->status))
            unverified(w, "band_set", bs->id, bs->label);
        if (r->band[i] >= 0 && is_unverified(bs->bands[r->band[i]].status))
            unverified(w, "band", bs->bands[r->band[i]].code, bs->bands[r->band[i]].label);
    }
    for (size_t i = 0; i < ins->nflags; i++)
        if (r->flag_state[i] >= 0 && is_unverified(ins->flags[i].status))
            unverified(w, "flag", ins->flags[i].id, ins->flags[i].label);
    if (r->exclusion >= 0 && is_unverified(ins->exclusions[r->exclusion].status))
        unverified(w, "exclusion", ins->exclusions[r->exclusion].id,
                   ins->exclusions[r->exclusion].reason);
    for (size_t i = 0; i < ins->nchanges; i++)
        if (is_unverified(ins->changes[i].status))
            unverified(w, "change_threshold", ins->var_names[ins->changes[i].on],
                       ins->changes[i].text);
    for (size_t i = 0; i < ins->ncodes; i++)
        if (is_unverified(ins->codes[i].status))
            unverified(w, "code", ins->codes[i].code, ins->codes[i].what);
    if (is_unverified(ins->licence.status))
        unverified(w, "licence", ins->licence.code, ins->licence.text);
    rh_jw_arr_end(w);
    rh_jw_obj_end(w);
}

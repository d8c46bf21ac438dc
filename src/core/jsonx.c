/* SPDX-License-Identifier: MIT */
#include "core/jsonx.h"

#include "base/alloc.h"
#include "base/num.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* jansson's read API takes non-const pointers; reading never modifies. */
static json_t *mut(const json_t *j)
{
    union {
        const json_t *c;
        json_t *m;
    } u = {j};
    return u.m;
}

void rh_json_use_rh_alloc(void)
{
    /* Route jansson through base/alloc so fault injection reaches it too. Both
     * end in the C library's allocator, so objects made before the switch
     * may be freed after it. */
    static int done;
    if (!done) {
        json_set_alloc_funcs(rh_malloc, rh_free);
        done = 1;
    }
}

rh_status rh_json_parse(const char *text, size_t len, const char *source, rh_json **out,
                        rh_err *err)
{
    json_error_t je;
    rh_json_use_rh_alloc();
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root && json_error_code(&je) == json_error_out_of_memory)
        return RH_FAIL(err, RH_E_NOMEM, "out of memory reading '%s'", source);
    if (!root) {
        /* jansson reports the position; its source name is not ours. */
        rh_status rc = RH_FAIL(err, RH_E_PARSE, "malformed JSON: %s", je.text);
        rh_err_at(err, source, je.line > 0 ? je.line : 0, je.column > 0 ? je.column : 0);
        return rc;
    }
    *out = root;
    return RH_OK;
}

void rh_json_free(rh_json *j)
{
    json_decref(j);
}

void rh_jx_init(rh_jx *jx, const char *source, rh_err *err)
{
    jx->source = source;
    jx->path[0] = '$';
    jx->path[1] = '\0';
    jx->path_len = 1;
    jx->err = err;
}

size_t rh_jx_push_key(rh_jx *jx, const char *key)
{
    size_t mark = jx->path_len;
    int n = snprintf(jx->path + jx->path_len, sizeof(jx->path) - jx->path_len, ".%s", key);
    if (n > 0)
        jx->path_len += (size_t)n;
    if (jx->path_len >= sizeof(jx->path))
        jx->path_len = sizeof(jx->path) - 1;
    return mark;
}

size_t rh_jx_push_index(rh_jx *jx, size_t index)
{
    size_t mark = jx->path_len;
    int n = snprintf(jx->path + jx->path_len, sizeof(jx->path) - jx->path_len, "[%zu]", index);
    if (n > 0)
        jx->path_len += (size_t)n;
    if (jx->path_len >= sizeof(jx->path))
        jx->path_len = sizeof(jx->path) - 1;
    return mark;
}

void rh_jx_pop(rh_jx *jx, size_t mark)
{
    jx->path_len = mark;
    jx->path[mark] = '\0';
}

rh_status rh_jx_fail(rh_jx *jx, const char *key, rh_status code, const char *fmt, ...)
{
    if (!jx->err || jx->err->code != RH_OK)
        return code;
    size_t mark = key ? rh_jx_push_key(jx, key) : jx->path_len;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    RH_FAIL(jx->err, code, "%s", msg);
    rh_err_at(jx->err, jx->source, 0, 0);
    rh_err_at_field(jx->err, jx->path);
    rh_jx_pop(jx, mark);
    return code;
}

rh_status rh_jx_fail_at(rh_jx *jx, const char *array, size_t index, const char *key, rh_status code,
                        const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    size_t m1 = rh_jx_push_key(jx, array);
    size_t m2 = rh_jx_push_index(jx, index);
    rh_status rc = rh_jx_fail(jx, key, code, "%s", msg);
    rh_jx_pop(jx, m2);
    rh_jx_pop(jx, m1);
    return rc;
}

rh_status rh_jx_check_keys(rh_jx *jx, const rh_json *obj, const char *const *allowed)
{
    if (!json_is_object(obj))
        return rh_jx_fail(jx, NULL, RH_E_INVALID, "expected an object");
    const char *key;
    json_t *value;
    json_object_foreach(mut(obj), key, value)
    {
        (void)value;
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, key) == 0) {
                ok = true;
                break;
            }
        if (!ok)
            return rh_jx_fail(jx, key, RH_E_INVALID, "unknown field '%s'", key);
    }
    return RH_OK;
}

rh_json *rh_jx_get(const rh_json *obj, const char *key)
{
    if (!json_is_object(obj))
        return NULL;
    return json_object_get(obj, key);
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

/* Shared prologue: looks the member up; handles missing/null. Returns 1 when
 * a value is present, 0 when optional and absent, -1 on error. */
static int member(rh_jx *jx, const rh_json *obj, const char *key, bool required, json_t **v,
                  bool *present)
{
    *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    if (!*v || json_is_null(*v)) {
        if (present)
            *present = false;
        if (required) {
            rh_jx_fail(jx, key, RH_E_INVALID, "required field '%s' is missing", key);
            return -1;
        }
        return 0;
    }
    if (present)
        *present = true;
    return 1;
}

static rh_status fail_code(rh_jx *jx)
{
    return jx->err && jx->err->code != RH_OK ? jx->err->code : RH_E_INVALID;
}

rh_status rh_jx_str(rh_jx *jx, const rh_json *obj, const char *key, bool required, const char **out)
{
    json_t *v;
    int m = member(jx, obj, key, required, &v, NULL);
    if (m < 0)
        return fail_code(jx);
    if (m == 0)
        return RH_OK;
    if (!json_is_string(v))
        return rh_jx_fail(jx, key, RH_E_INVALID, "expected a string, found %s", type_name(v));
    *out = json_string_value(v);
    return RH_OK;
}

rh_status rh_jx_num(rh_jx *jx, const rh_json *obj, const char *key, bool required, double lo,
                    double hi, double *out, bool *present)
{
    json_t *v;
    int m = member(jx, obj, key, required, &v, present);
    if (m < 0)
        return fail_code(jx);
    if (m == 0)
        return RH_OK;
    if (!json_is_number(v))
        return rh_jx_fail(jx, key, RH_E_INVALID, "expected a number, found %s", type_name(v));
    double d = json_number_value(v);
    if (!isfinite(d) || d < lo || d > hi) {
        char a[40], b[40], c[40];
        snprintf(a, sizeof(a), "%g", d);
        snprintf(b, sizeof(b), "%g", lo);
        snprintf(c, sizeof(c), "%g", hi);
        return rh_jx_fail(jx, key, RH_E_RANGE, "%s is outside the accepted range [%s, %s]", a, b,
                          c);
    }
    *out = d;
    return RH_OK;
}

rh_status rh_jx_int(rh_jx *jx, const rh_json *obj, const char *key, bool required, int64_t lo,
                    int64_t hi, int64_t *out, bool *present)
{
    json_t *v;
    int m = member(jx, obj, key, required, &v, present);
    if (m < 0)
        return fail_code(jx);
    if (m == 0)
        return RH_OK;
    int64_t iv;
    if (json_is_integer(v)) {
        iv = (int64_t)json_integer_value(v);
    } else if (json_is_real(v)) {
        double d = json_real_value(v);
        if (d != floor(d) || fabs(d) > 9.0e15)
            return rh_jx_fail(jx, key, RH_E_RANGE, "expected a whole number, found %g", d);
        iv = (int64_t)d;
    } else {
        return rh_jx_fail(jx, key, RH_E_INVALID, "expected a whole number, found %s", type_name(v));
    }
    if (iv < lo || iv > hi)
        return rh_jx_fail(jx, key, RH_E_RANGE, "%lld is outside the accepted range [%lld, %lld]",
                          (long long)iv, (long long)lo, (long long)hi);
    *out = iv;
    return RH_OK;
}

rh_status rh_jx_bool(rh_jx *jx, const rh_json *obj, const char *key, bool required, bool *out,
                     bool *present)
{
    json_t *v;
    int m = member(jx, obj, key, required, &v, present);
    if (m < 0)
        return fail_code(jx);
    if (m == 0)
        return RH_OK;
    if (!json_is_boolean(v))
        return rh_jx_fail(jx, key, RH_E_INVALID, "expected true or false, found %s", type_name(v));
    *out = json_is_true(v);
    return RH_OK;
}

rh_status rh_jx_enum(rh_jx *jx, const rh_json *obj, const char *key, bool required,
                     const char *const *choices, int *index, bool *present)
{
    const char *s = NULL;
    bool have = false;
    json_t *v;
    int m = member(jx, obj, key, required, &v, &have);
    if (present)
        *present = have;
    if (m < 0)
        return fail_code(jx);
    if (m == 0)
        return RH_OK;
    if (!json_is_string(v))
        return rh_jx_fail(jx, key, RH_E_INVALID, "expected a string, found %s", type_name(v));
    s = json_string_value(v);
    for (int i = 0; choices[i]; i++)
        if (strcmp(choices[i], s) == 0) {
            *index = i;
            return RH_OK;
        }
    char list[256];
    size_t used = 0;
    list[0] = '\0';
    for (int i = 0; choices[i] && used < sizeof(list); i++) {
        int n = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", choices[i]);
        if (n > 0)
            used += (size_t)n;
    }
    return rh_jx_fail(jx, key, RH_E_INVALID, "'%s' is not one of: %s", s, list);
}

bool rh_json_is_object(const rh_json *j)
{
    return j && json_is_object(j);
}

bool rh_json_is_array(const rh_json *j)
{
    return j && json_is_array(j);
}

bool rh_json_is_string(const rh_json *j)
{
    return j && json_is_string(j);
}

bool rh_json_is_number(const rh_json *j)
{
    return j && json_is_number(j);
}

bool rh_json_is_bool(const rh_json *j)
{
    return j && json_is_boolean(j);
}

bool rh_json_is_null(const rh_json *j)
{
    return !j || json_is_null(j);
}

size_t rh_json_array_size(const rh_json *j)
{
    return json_is_array(j) ? json_array_size(j) : 0;
}

rh_json *rh_json_array_get(const rh_json *j, size_t i)
{
    return json_is_array(j) ? json_array_get(j, i) : NULL;
}

const char *rh_json_string(const rh_json *j)
{
    return json_is_string(j) ? json_string_value(j) : NULL;
}

double rh_json_number(const rh_json *j)
{
    return json_is_number(j) ? json_number_value(j) : RH_NAN;
}

bool rh_json_true(const rh_json *j)
{
    return j && json_is_true(j);
}

void rh_json_iter_init(rh_json_iter *it, const rh_json *obj)
{
    it->obj = obj;
    it->it = json_is_object(obj) ? json_object_iter(mut(obj)) : NULL;
}

bool rh_json_iter_next(rh_json_iter *it, const char **key, rh_json **value)
{
    if (!it->it)
        return false;
    *key = json_object_iter_key(it->it);
    *value = json_object_iter_value(it->it);
    it->it = json_object_iter_next(mut(it->obj), it->it);
    return true;
}

rh_status rh_jx_array(rh_jx *jx, const rh_json *obj, const char *key, bool required, rh_json **out)
{
    json_t *v;
    int m = member(jx, obj, key, required, &v, NULL);
    *out = NULL;
    if (m < 0)
        return fail_code(jx);
    if (m == 0)
        return RH_OK;
    if (!json_is_array(v))
        return rh_jx_fail(jx, key, RH_E_INVALID, "expected an array, found %s", type_name(v));
    *out = v;
    return RH_OK;
}

rh_status rh_jx_object(rh_jx *jx, const rh_json *obj, const char *key, bool required, rh_json **out)
{
    json_t *v;
    int m = member(jx, obj, key, required, &v, NULL);
    *out = NULL;
    if (m < 0)
        return fail_code(jx);
    if (m == 0)
        return RH_OK;
    if (!json_is_object(v))
        return rh_jx_fail(jx, key, RH_E_INVALID, "expected an object, found %s", type_name(v));
    *out = v;
    return RH_OK;
}

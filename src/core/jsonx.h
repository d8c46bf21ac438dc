/* SPDX-License-Identifier: MIT
 *
 * core/jsonx: strict reading of JSON documents (jansson underneath) with
 * errors that name the file and the JSON path ("$.components[2].weeks").
 *
 * Internal to src/core: the jansson type appears only as an opaque forward
 * declaration, so no other layer sees jansson. Every reader of a JSON document
 * (catalog files, patient profiles, questionnaire answers) uses these helpers,
 * so unknown keys, wrong types and out-of-range numbers are reported the same
 * way everywhere.
 */
#ifndef RH_CORE_JSONX_H
#define RH_CORE_JSONX_H

#include "base/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_t;
typedef struct json_t rh_json;

#define RH_JX_MAX_PATH 512

/* A reading context: the source name (file path or "<stdin>") and the current
 * JSON path, maintained by push/pop as the reader descends. */
typedef struct rh_jx {
    const char *source;
    char path[RH_JX_MAX_PATH];
    size_t path_len;
    rh_err *err;
} rh_jx;

/* Parses `len` bytes of JSON (duplicate keys rejected). On a syntax error the
 * error names the source, line and column. Caller frees with rh_json_free.
 * Fails with: E_PARSE, E_NOMEM. */
rh_status rh_json_parse(const char *text, size_t len, const char *source, rh_json **out,
                        rh_err *err);
void rh_json_free(rh_json *j);
/* Makes jansson allocate through base/alloc (called by rh_json_parse; call it
 * before any other use of jansson). Idempotent. */
void rh_json_use_rh_alloc(void);

void rh_jx_init(rh_jx *jx, const char *source, rh_err *err);
/* Path maintenance: ".key" and "[i]" segments. Restore with rh_jx_pop(jx, mark). */
size_t rh_jx_push_key(rh_jx *jx, const char *key);
size_t rh_jx_push_index(rh_jx *jx, size_t index);
void rh_jx_pop(rh_jx *jx, size_t mark);

/* Records an error at the current path (with ".key" appended when key is not
 * NULL). Always returns `code`. */
rh_status rh_jx_fail(rh_jx *jx, const char *key, rh_status code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same at `array[index]` under the current path (then ".key" when key is
 * not NULL), for checks made after an array was read, e.g. cross-file links. */
rh_status rh_jx_fail_at(rh_jx *jx, const char *array, size_t index, const char *key, rh_status code,
                        const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Fails with E_INVALID when `obj` is not an object or has a key outside the
 * NULL-terminated `allowed` list (names the offending key). */
rh_status rh_jx_check_keys(rh_jx *jx, const rh_json *obj, const char *const *allowed);

/* Typed getters on an object member. `required` members that are missing fail
 * with E_INVALID; optional missing members leave *out untouched and set
 * *present (when given) to false. null counts as missing for optional members.
 * Fails with: E_INVALID (missing, wrong type), E_RANGE (number outside
 * [lo, hi], integer not integral). */
rh_status rh_jx_str(rh_jx *jx, const rh_json *obj, const char *key, bool required,
                    const char **out);
rh_status rh_jx_num(rh_jx *jx, const rh_json *obj, const char *key, bool required, double lo,
                    double hi, double *out, bool *present);
rh_status rh_jx_int(rh_jx *jx, const rh_json *obj, const char *key, bool required, int64_t lo,
                    int64_t hi, int64_t *out, bool *present);
rh_status rh_jx_bool(rh_jx *jx, const rh_json *obj, const char *key, bool required, bool *out,
                     bool *present);
/* One of the NULL-terminated `choices`; *index receives its position. */
rh_status rh_jx_enum(rh_jx *jx, const rh_json *obj, const char *key, bool required,
                     const char *const *choices, int *index, bool *present);

/* Member access without type checks (NULL when absent). */
rh_json *rh_jx_get(const rh_json *obj, const char *key);
bool rh_json_is_object(const rh_json *j);
bool rh_json_is_array(const rh_json *j);
bool rh_json_is_string(const rh_json *j);
bool rh_json_is_number(const rh_json *j);
bool rh_json_is_bool(const rh_json *j);
bool rh_json_is_null(const rh_json *j);
size_t rh_json_array_size(const rh_json *j);
rh_json *rh_json_array_get(const rh_json *j, size_t i);
const char *rh_json_string(const rh_json *j);
double rh_json_number(const rh_json *j);
bool rh_json_true(const rh_json *j);
/* Iterates object members in document order; returns false at the end. */
typedef struct rh_json_iter {
    void *it;
    const rh_json *obj;
} rh_json_iter;
void rh_json_iter_init(rh_json_iter *it, const rh_json *obj);
bool rh_json_iter_next(rh_json_iter *it, const char **key, rh_json **value);

/* Requires `key` to be an array (E_INVALID otherwise); returns it in *out.
 * Optional absent arrays give *out = NULL. */
rh_status rh_jx_array(rh_jx *jx, const rh_json *obj, const char *key, bool required, rh_json **out);
/* Requires `key` to be an object. */
rh_status rh_jx_object(rh_jx *jx, const rh_json *obj, const char *key, bool required,
                       rh_json **out);

#endif

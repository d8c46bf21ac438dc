/* SPDX-License-Identifier: MIT */
#include "core/strings.h"

#include "base/alloc.h"
#include "core/catalog_kinds.h"

#include <string.h>

typedef struct strings_file {
    const char *lang;
    const rh_json *map;
} strings_file;

rh_status rh_strings_kind_load(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj)
{
    (void)reg;
    static const char *const keys[] = {RH_CATALOG_ENVELOPE_KEYS, "lang", "strings", NULL};
    strings_file *f = rh_calloc(1, sizeof(*f));
    if (!f)
        return RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    rh_json *map = NULL;
    rh_status rc = rh_jx_check_keys(jx, root, keys);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, root, "lang", true, &f->lang);
    if (rc == RH_OK)
        rc = rh_jx_object(jx, root, "strings", true, &map);
    if (rc == RH_OK) {
        rh_json_iter it;
        const char *k;
        rh_json *v;
        rh_json_iter_init(&it, map);
        while (rc == RH_OK && rh_json_iter_next(&it, &k, &v))
            if (!rh_json_is_string(v))
                rc = rh_jx_fail(jx, "strings", RH_E_INVALID, "'%s' is not a string", k);
    }
    if (rc != RH_OK) {
        rh_free(f);
        return rc;
    }
    f->map = map;
    *obj = f;
    return RH_OK;
}

/* Every language must define every key English defines. */
rh_status rh_strings_kind_link(void *obj, const rh_catalog *cat, rh_jx *jx)
{
    const strings_file *f = obj;
    size_t n;
    void *const *files = rh_catalog_objects(cat, "rehabit.strings/1", &n);
    for (size_t i = 0; i < n; i++) {
        const strings_file *en = files[i];
        if (strcmp(en->lang, "en") != 0 || en == f)
            continue;
        rh_json_iter it;
        const char *k;
        rh_json *v;
        rh_json_iter_init(&it, en->map);
        while (rh_json_iter_next(&it, &k, &v))
            if (!rh_jx_get(f->map, k))
                return rh_jx_fail(jx, "strings", RH_E_NOTFOUND, "'%s' has no '%s' translation", k,
                                  f->lang);
    }
    return RH_OK;
}

void rh_strings_kind_destroy(void *obj)
{
    rh_free(obj);
}

static const char *lookup(const rh_catalog *cat, const char *lang, const char *key)
{
    size_t n;
    void *const *files = rh_catalog_objects(cat, "rehabit.strings/1", &n);
    for (size_t i = 0; i < n; i++) {
        const strings_file *f = files[i];
        if (strcmp(f->lang, lang) == 0)
            return rh_json_string(rh_jx_get(f->map, key));
    }
    return NULL;
}

const char *rh_str(const rh_catalog *cat, const char *lang, const char *key)
{
    const char *s = lang ? lookup(cat, lang, key) : NULL;
    if (!s)
        s = lookup(cat, "en", key);
    return s ? s : key;
}

int rh_strings_has_lang(const rh_catalog *cat, const char *lang)
{
    size_t n;
    void *const *files = rh_catalog_objects(cat, "rehabit.strings/1", &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(((const strings_file *)files[i])->lang, lang) == 0)
            return 1;
    return 0;
}

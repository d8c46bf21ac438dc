/* SPDX-License-Identifier: MIT */
#include "core/vocab.h"

#include "base/alloc.h"
#include "core/catalog_kinds.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct vocab_file {
    rh_vocab_group *groups;
    size_t n;
    char **ids; /* "vocab.<group>.<code>" strings registered in the catalog */
    size_t nids;
} vocab_file;

void rh_vocab_kind_destroy(void *obj)
{
    vocab_file *v = obj;
    if (!v)
        return;
    for (size_t g = 0; g < v->n; g++) {
        for (size_t i = 0; i < v->groups[g].n; i++) {
            rh_free(v->groups[g].items[i].tags);
            rh_free(v->groups[g].items[i].synonyms);
        }
        rh_free(v->groups[g].items);
    }
    rh_free(v->groups);
    for (size_t i = 0; i < v->nids; i++)
        rh_free(v->ids[i]);
    rh_free(v->ids);
    rh_free(v);
}

static rh_status string_array(rh_jx *jx, const rh_json *obj, const char *key, const char ***out,
                              size_t *n)
{
    rh_json *arr = NULL;
    rh_status rc = rh_jx_array(jx, obj, key, false, &arr);
    if (rc != RH_OK || !arr)
        return rc;
    *n = rh_json_array_size(arr);
    *out = rh_calloc(*n ? *n : 1, sizeof(char *));
    if (!*out)
        return RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    for (size_t i = 0; i < *n; i++) {
        (*out)[i] = rh_json_string(rh_json_array_get(arr, i));
        if (!(*out)[i])
            return rh_jx_fail(jx, key, RH_E_INVALID, "item %zu is not a string", i);
    }
    return RH_OK;
}

static bool valid_code(const char *s)
{
    if (!*s)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return false;
    return true;
}

static rh_status load_item(rh_jx *jx, const rh_json *j, rh_vocab_item *it)
{
    static const char *const keys[] = {"code",   "label",    "tags",    "synonyms",
                                       "status", "evidence", "comment", NULL};
    rh_json *label = NULL;
    rh_status rc = rh_jx_check_keys(jx, j, keys);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, j, "code", true, &it->code);
    if (rc == RH_OK && !valid_code(it->code))
        rc = rh_jx_fail(jx, "code", RH_E_INVALID,
                        "code '%s' must use lower-case letters, digits, '_' or '-'", it->code);
    if (rc == RH_OK)
        rc = rh_jx_object(jx, j, "label", true, &label);
    if (rc == RH_OK) {
        size_t m = rh_jx_push_key(jx, "label");
        static const char *const lkeys[] = {"en", "zh", NULL};
        rc = rh_jx_check_keys(jx, label, lkeys);
        if (rc == RH_OK)
            rc = rh_jx_str(jx, label, "en", true, &it->label_en);
        if (rc == RH_OK)
            rc = rh_jx_str(jx, label, "zh", false, &it->label_zh);
        rh_jx_pop(jx, m);
    }
    if (rc == RH_OK)
        rc = string_array(jx, j, "tags", &it->tags, &it->ntags);
    if (rc == RH_OK)
        rc = string_array(jx, j, "synonyms", &it->synonyms, &it->nsynonyms);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, j, "status", false, &it->status);
    return rc;
}

rh_status rh_vocab_kind_load(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj)
{
    static const char *const keys[] = {RH_CATALOG_ENVELOPE_KEYS, "groups", NULL};
    static const char *const gkeys[] = {
        "group", "description", "assume_unstated", "tags_from", "items", "comment", NULL};
    rh_json *groups = NULL;
    vocab_file *v = rh_calloc(1, sizeof(*v));
    if (!v)
        return RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    rh_status rc = rh_jx_check_keys(jx, root, keys);
    if (rc == RH_OK)
        rc = rh_jx_array(jx, root, "groups", true, &groups);
    size_t ng = rh_json_array_size(groups), total = 0;
    if (rc == RH_OK) {
        v->groups = rh_calloc(ng ? ng : 1, sizeof(*v->groups));
        if (!v->groups)
            rc = RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    }
    for (size_t g = 0; rc == RH_OK && g < ng; g++) {
        size_t m1 = rh_jx_push_key(jx, "groups");
        size_t m2 = rh_jx_push_index(jx, g);
        const rh_json *gj = rh_json_array_get(groups, g);
        rh_vocab_group *grp = &v->groups[g];
        rh_json *items = NULL;
        v->n++;
        rc = rh_jx_check_keys(jx, gj, gkeys);
        if (rc == RH_OK)
            rc = rh_jx_str(jx, gj, "group", true, &grp->group);
        if (rc == RH_OK)
            rc = rh_jx_str(jx, gj, "description", false, &grp->description);
        if (rc == RH_OK)
            rc = rh_jx_bool(jx, gj, "assume_unstated", false, &grp->assume_unstated, NULL);
        if (rc == RH_OK)
            rc = rh_jx_str(jx, gj, "tags_from", false, &grp->tags_from);
        if (rc == RH_OK)
            rc = rh_jx_array(jx, gj, "items", true, &items);
        size_t ni = rh_json_array_size(items);
        if (rc == RH_OK) {
            grp->items = rh_calloc(ni ? ni : 1, sizeof(rh_vocab_item));
            if (!grp->items)
                rc = RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
        }
        for (size_t i = 0; rc == RH_OK && i < ni; i++) {
            size_t m3 = rh_jx_push_key(jx, "items");
            size_t m4 = rh_jx_push_index(jx, i);
            grp->n++;
            rc = load_item(jx, rh_json_array_get(items, i), &grp->items[i]);
            rh_jx_pop(jx, m4);
            rh_jx_pop(jx, m3);
        }
        total += grp->n;
        rh_jx_pop(jx, m2);
        rh_jx_pop(jx, m1);
    }
    if (rc == RH_OK) {
        v->ids = rh_calloc(total ? total : 1, sizeof(char *));
        if (!v->ids)
            rc = RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    }
    for (size_t g = 0; rc == RH_OK && g < v->n; g++) {
        const rh_json *items = rh_jx_get(rh_json_array_get(groups, g), "items");
        for (size_t i = 0; rc == RH_OK && i < v->groups[g].n; i++) {
            char id[256];
            snprintf(id, sizeof(id), "vocab.%s.%s", v->groups[g].group, v->groups[g].items[i].code);
            v->ids[v->nids] = rh_strdup(id);
            if (!v->ids[v->nids]) {
                rc = RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
                break;
            }
            rc = rh_catalog_reg_entry(reg, jx, v->ids[v->nids++], "vocab",
                                      rh_json_array_get(items, i));
        }
    }
    if (rc != RH_OK) {
        rh_vocab_kind_destroy(v);
        return rc;
    }
    *obj = v;
    return RH_OK;
}

/* Checks the tags of `grp` name codes of the group it declares in `tags_from`. */
static rh_status check_tags_from(const rh_catalog *cat, rh_jx *jx, size_t g,
                                 const rh_vocab_group *grp)
{
    const rh_vocab_group *from = rh_vocab_group_find(cat, grp->tags_from);
    if (!from)
        return rh_jx_fail_at(jx, "groups", g, "tags_from", RH_E_NOTFOUND,
                             "'%s' is not a vocabulary group", grp->tags_from);
    for (size_t i = 0; i < grp->n; i++) {
        const rh_vocab_item *it = &grp->items[i];
        for (size_t t = 0; t < it->ntags; t++)
            if (!rh_vocab_lookup(from, it->tags[t]))
                return rh_jx_fail_at(jx, "groups", g, "items", RH_E_NOTFOUND,
                                     "item '%s': tag '%s' is not a code of group '%s'", it->code,
                                     it->tags[t], grp->tags_from);
    }
    return RH_OK;
}

rh_status rh_vocab_kind_link(void *obj, const rh_catalog *cat, rh_jx *jx)
{
    const vocab_file *v = obj;
    for (size_t g = 0; g < v->n; g++) {
        const rh_vocab_group *grp = &v->groups[g];
        /* A lookup takes the first group of a name: a second would be dead data. */
        if (rh_vocab_group_find(cat, grp->group) != grp)
            return rh_jx_fail_at(jx, "groups", g, "group", RH_E_INVALID,
                                 "group '%s' is already defined (each group once)", grp->group);
        if (grp->tags_from) {
            rh_status rc = check_tags_from(cat, jx, g, grp);
            if (rc != RH_OK)
                return rc;
        }
    }
    return RH_OK;
}

const rh_vocab_group *rh_vocab_group_find(const rh_catalog *cat, const char *group)
{
    size_t n;
    void *const *files = rh_catalog_objects(cat, "rehabit.vocab/1", &n);
    for (size_t f = 0; f < n; f++) {
        const vocab_file *v = files[f];
        for (size_t g = 0; g < v->n; g++)
            if (strcmp(v->groups[g].group, group) == 0)
                return &v->groups[g];
    }
    return NULL;
}

const rh_vocab_item *rh_vocab_lookup(const rh_vocab_group *g, const char *name)
{
    if (!g)
        return NULL;
    for (size_t i = 0; i < g->n; i++) {
        if (strcasecmp(g->items[i].code, name) == 0)
            return &g->items[i];
        for (size_t s = 0; s < g->items[i].nsynonyms; s++)
            if (strcasecmp(g->items[i].synonyms[s], name) == 0)
                return &g->items[i];
    }
    return NULL;
}

bool rh_vocab_item_has_tag(const rh_vocab_item *it, const char *tag)
{
    for (size_t i = 0; i < it->ntags; i++)
        if (strcmp(it->tags[i], tag) == 0)
            return true;
    return false;
}

const char *rh_vocab_label(const rh_vocab_item *it, const char *lang)
{
    if (lang && strcmp(lang, "zh") == 0 && it->label_zh)
        return it->label_zh;
    return it->label_en;
}

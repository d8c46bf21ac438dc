/* SPDX-License-Identifier: MIT */
#include "core/evidence.h"

#include "base/alloc.h"
#include "core/catalog_kinds.h"

#include <string.h>

/* One evidence file: the works cited by one note. */
typedef struct evidence_set {
    const char *ns;
    const char *note;
    rh_evidence *items;
    size_t n;
} evidence_set;

static const char *const kinds[] = {
    "trial",     "meta_analysis", "systematic_review", "review",    "guideline", "standard",
    "consensus", "cohort",        "case_report",       "thesis",    "protocol",  "registry",
    "mechanism", "instrument",    "textbook",          "editorial", "web",       "other",
    NULL};

static rh_status load_entry(rh_jx *jx, const rh_json *e, const evidence_set *set, rh_evidence *out,
                            rh_catalog_reg *reg)
{
    static const char *const keys[] = {"id",      "kind",       "citation",    "doi",    "pmid",
                                       "year",    "grade",      "grade_basis", "status", "section",
                                       "finding", "population", "caveat",      NULL};
    rh_status rc = rh_jx_check_keys(jx, e, keys);
    int k = 0;
    int64_t year = 0;
    bool have_year = false;
    if (rc == RH_OK)
        rc = rh_jx_str(jx, e, "id", true, &out->id);
    if (rc == RH_OK)
        rc = rh_jx_enum(jx, e, "kind", true, kinds, &k, NULL);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, e, "citation", true, &out->citation);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, e, "doi", false, &out->doi);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, e, "pmid", false, &out->pmid);
    if (rc == RH_OK)
        rc = rh_jx_int(jx, e, "year", false, 1900, 2100, &year, &have_year);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, e, "grade", true, &out->grade);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, e, "grade_basis", false, &out->grade_basis);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, e, "status", true, &out->status);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, e, "section", false, &out->section);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, e, "finding", false, &out->finding);
    if (rc != RH_OK)
        return rc;
    out->kind = kinds[k];
    out->year = have_year ? (int)year : 0;
    out->note = set->note;
    size_t nsl = strlen(set->ns);
    if (strncmp(out->id, set->ns, nsl) != 0 || out->id[nsl] != ':' || !out->id[nsl + 1])
        return rh_jx_fail(jx, "id", RH_E_INVALID, "id '%s' must start with the namespace '%s:'",
                          out->id, set->ns);
    return rh_catalog_reg_entry(reg, jx, out->id, "evidence", e);
}

rh_status rh_evidence_kind_load(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj)
{
    static const char *const keys[] = {
        RH_CATALOG_ENVELOPE_KEYS, "namespace", "note", "grading", "entries", NULL};
    rh_json *entries = NULL;
    evidence_set *set = rh_calloc(1, sizeof(*set));
    if (!set)
        return RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    rh_status rc = rh_jx_check_keys(jx, root, keys);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, root, "namespace", true, &set->ns);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, root, "note", true, &set->note);
    if (rc == RH_OK)
        rc = rh_jx_array(jx, root, "entries", true, &entries);
    if (rc == RH_OK) {
        set->n = rh_json_array_size(entries);
        set->items = rh_calloc(set->n ? set->n : 1, sizeof(*set->items));
        if (!set->items)
            rc = RH_FAIL(jx->err, RH_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; rc == RH_OK && i < set->n; i++) {
        size_t m1 = rh_jx_push_key(jx, "entries");
        size_t m2 = rh_jx_push_index(jx, i);
        rc = load_entry(jx, rh_json_array_get(entries, i), set, &set->items[i], reg);
        rh_jx_pop(jx, m2);
        rh_jx_pop(jx, m1);
    }
    if (rc != RH_OK) {
        rh_evidence_kind_destroy(set);
        return rc;
    }
    *obj = set;
    return RH_OK;
}

void rh_evidence_kind_destroy(void *obj)
{
    evidence_set *set = obj;
    if (!set)
        return;
    rh_free(set->items);
    rh_free(set);
}

const rh_evidence *rh_evidence_find(const rh_catalog *cat, const char *id)
{
    const rh_catalog_entry *ent = rh_catalog_find(cat, id);
    if (!ent || strcmp(ent->kind, "evidence") != 0)
        return NULL;
    size_t n;
    void *const *sets = rh_catalog_objects(cat, "rehabit.evidence/1", &n);
    for (size_t s = 0; s < n; s++) {
        const evidence_set *set = sets[s];
        for (size_t i = 0; i < set->n; i++)
            if (set->items[i].id == id || strcmp(set->items[i].id, id) == 0)
                return &set->items[i];
    }
    return NULL;
}

void rh_evidence_write_refs(const rh_catalog *cat, const char *const *ids, size_t n, rh_jw *w)
{
    rh_jw_arr_begin(w);
    for (size_t i = 0; i < n; i++) {
        const rh_evidence *e = rh_evidence_find(cat, ids[i]);
        rh_jw_obj_begin(w);
        rh_jw_kstr(w, "id", ids[i]);
        if (e) {
            rh_jw_kstr(w, "grade", e->grade);
            rh_jw_kstr(w, "status", e->status);
            rh_jw_kstr(w, "citation", e->citation);
        }
        rh_jw_obj_end(w);
    }
    rh_jw_arr_end(w);
}

void rh_evidence_write_full(const rh_evidence *e, rh_jw *w)
{
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "id", e->id);
    rh_jw_kstr(w, "kind", e->kind);
    rh_jw_kstr(w, "citation", e->citation);
    rh_jw_kstr(w, "doi", e->doi);
    rh_jw_kstr(w, "pmid", e->pmid);
    if (e->year)
        rh_jw_kint(w, "year", e->year);
    else
        rh_jw_knull(w, "year");
    rh_jw_kstr(w, "grade", e->grade);
    rh_jw_kstr(w, "grade_basis", e->grade_basis);
    rh_jw_kstr(w, "status", e->status);
    rh_jw_kstr(w, "note", e->note);
    rh_jw_kstr(w, "section", e->section);
    rh_jw_kstr(w, "finding", e->finding);
    rh_jw_obj_end(w);
}

/* SPDX-License-Identifier: MIT */
#include "core/kbview.h"

#include "core/evidence.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const statuses[] = {"verified", "secondary", "unverified", "derived"};

static void count_statuses(const rh_catalog *cat, size_t counts[4])
{
    memset(counts, 0, 4 * sizeof(size_t));
    for (size_t i = 0; i < rh_catalog_entry_count(cat); i++) {
        const char *s =
            json_string_value(json_object_get(rh_catalog_entry_at(cat, i)->node, "status"));
        for (int k = 0; s && k < 4; k++)
            if (strcmp(s, statuses[k]) == 0)
                counts[k]++;
    }
}

void rh_kbview_write_summary(const rh_catalog *cat, rh_jw *w)
{
    size_t counts[4];
    count_statuses(cat, counts);
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "status", "ok");
    rh_jw_kstr(w, "version", rh_catalog_version(cat));
    rh_jw_kstr(w, "origin", rh_catalog_origin(cat));
    rh_jw_kstr(w, "catalog_fingerprint", rh_catalog_fingerprint(cat));
    rh_jw_kint(w, "entries", (int64_t)rh_catalog_entry_count(cat));
    rh_jw_key(w, "verification");
    rh_jw_obj_begin(w);
    for (int k = 0; k < 4; k++)
        rh_jw_kint(w, statuses[k], (int64_t)counts[k]);
    rh_jw_obj_end(w);
    rh_jw_key(w, "files");
    rh_jw_arr_begin(w);
    for (size_t i = 0; i < rh_catalog_file_count(cat); i++) {
        const rh_catalog_file *f = rh_catalog_file_at(cat, i);
        rh_jw_obj_begin(w);
        rh_jw_kstr(w, "path", f->path);
        rh_jw_kstr(w, "schema", f->schema);
        rh_jw_kstr(w, "version", f->version);
        rh_jw_kstr(w, "sha256", f->sha256);
        rh_jw_kint(w, "entries", (int64_t)f->entries);
        rh_jw_obj_end(w);
    }
    rh_jw_arr_end(w);
    rh_jw_obj_end(w);
}

void rh_kbview_append_status_counts(const rh_catalog *cat, rh_buf *out)
{
    size_t counts[4];
    count_statuses(cat, counts);
    rh_buf_printf(out,
                  "verification status of entries: verified %zu, secondary %zu, "
                  "unverified %zu, derived %zu\n",
                  counts[0], counts[1], counts[2], counts[3]);
}

bool rh_kbview_write_entry(const rh_catalog *cat, const char *id, rh_jw *w)
{
    const rh_catalog_entry *e = rh_catalog_find(cat, id);
    if (!e)
        return false;
    char *text = json_dumps(e->node, JSON_PRESERVE_ORDER | JSON_COMPACT);
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "id", e->id);
    rh_jw_kstr(w, "kind", e->kind);
    rh_jw_kstr(w, "file", e->file);
    rh_jw_key(w, "entry");
    rh_jw_raw(w, text ? text : "null");
    json_t *ev = json_object_get(e->node, "evidence");
    if (json_is_array(ev)) {
        rh_jw_key(w, "evidence_resolved");
        rh_jw_arr_begin(w);
        size_t i;
        json_t *x;
        json_array_foreach(ev, i, x)
        {
            const rh_evidence *ent = rh_evidence_find(cat, json_string_value(x));
            if (ent)
                rh_evidence_write_full(ent, w);
        }
        rh_jw_arr_end(w);
    }
    rh_jw_obj_end(w);
    free(text);
    return true;
}

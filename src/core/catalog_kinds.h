/* SPDX-License-Identifier: MIT
 *
 * core/catalog_kinds: the table of knowledge-base file kinds (one per schema)
 * and the registration interface their loaders use. Internal to src/core.
 *
 * Adding a kind: write `load` (validate the file, register its ids, build a
 * typed object), optionally `link` (check references to other files once all
 * are loaded) and `destroy`, then add a line to catalog_kinds.c.
 */
#ifndef RH_CORE_CATALOG_KINDS_H
#define RH_CORE_CATALOG_KINDS_H

#include "core/catalog.h"
#include "core/jsonx.h"

/* Registers an identified entry at the reader's current JSON path (ids are
 * unique across the whole catalog; duplicates are reported once every file is
 * loaded, naming both files and JSON paths). Fails with: E_INVALID (empty id),
 * E_NOMEM. */
rh_status rh_catalog_reg_entry(rh_catalog_reg *reg, rh_jx *jx, const char *id, const char *kind,
                               const rh_json *node);

typedef struct rh_catalog_kind {
    const char *schema; /* "rehabit.evidence/1" */
    /* Validates `root` (the whole file; envelope keys schema/version/title/
     * source already checked) and returns a typed object or NULL. */
    rh_status (*load)(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj);
    /* Optional: cross-file checks after every file is loaded. */
    rh_status (*link)(void *obj, const rh_catalog *cat, rh_jx *jx);
    void (*destroy)(void *obj);
    /* At most one file of this kind (lookups read only the first, so a
     * second would be dead data): a second one is refused. */
    bool single;
} rh_catalog_kind;

extern const rh_catalog_kind rh_catalog_kinds[];
extern const size_t rh_catalog_kinds_count;

/* Keys every file may carry besides its kind's own keys. */
#define RH_CATALOG_ENVELOPE_KEYS "schema", "version", "title", "source", "comment"

#endif

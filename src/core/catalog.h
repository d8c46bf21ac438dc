/* SPDX-License-Identifier: MIT
 *
 * core/catalog: the knowledge base (the JSON files under data/) loaded once into an
 * immutable catalog.
 *
 * Loading validates every file (known schema, no unknown keys, values in
 * range, every cross reference resolvable) and fails with an error naming the
 * file and the JSON path. The fingerprint is a SHA-256 over all files (sorted
 * by path) and is stamped into every output, so any recommendation can be
 * traced to the exact knowledge version. A loaded catalog is read-only and may
 * be shared between threads.
 */
#ifndef RH_CORE_CATALOG_H
#define RH_CORE_CATALOG_H

#include "base/err.h"
#include "core/jsonx.h"

#include <stddef.h>

typedef struct rh_catalog rh_catalog;
/* Registration handle passed to kind loaders (see core/catalog_kinds.h). */
typedef struct rh_catalog_reg rh_catalog_reg;

/* One input file: `path` relative to the data directory ("instruments/phq9.json"). */
typedef struct rh_catalog_source {
    const char *path;
    const char *data;
    size_t len;
} rh_catalog_source;

/* Loads from memory (copies what it keeps). `origin` is reported by
 * rh_catalog_origin ("embedded", a directory). Fails with: E_PARSE, E_INVALID,
 * E_RANGE, E_NOTFOUND (dangling reference), E_NOMEM. */
rh_status rh_catalog_load_sources(const rh_catalog_source *src, size_t n, const char *origin,
                                  rh_catalog **out, rh_err *err);
/* Loads every *.json under `dir` (recursively). Also fails with: E_IO. */
rh_status rh_catalog_load_dir(const char *dir, rh_catalog **out, rh_err *err);
/* Loads the copy compiled into the binary. */
rh_status rh_catalog_load_embedded(rh_catalog **out, rh_err *err);
/* `dir` when not NULL, else $RH_DATA_DIR when set, else the embedded copy. */
rh_status rh_catalog_load_default(const char *dir, rh_catalog **out, rh_err *err);
void rh_catalog_destroy(rh_catalog *cat);

/* "sha256:<64 hex digits>" */
const char *rh_catalog_fingerprint(const rh_catalog *cat);
/* The knowledge-base version from data/manifest.json. */
const char *rh_catalog_version(const rh_catalog *cat);
const char *rh_catalog_origin(const rh_catalog *cat);

/* Files, in path order. */
typedef struct rh_catalog_file {
    const char *path;
    const char *schema;
    const char *version;
    char sha256[65];
    size_t entries; /* ids registered by this file */
} rh_catalog_file;
size_t rh_catalog_file_count(const rh_catalog *cat);
const rh_catalog_file *rh_catalog_file_at(const rh_catalog *cat, size_t i);

/* Every identified thing in the catalog (evidence, instruments, rules,
 * formulas, components ...), found by its unique id. */
typedef struct rh_catalog_entry {
    const char *id;
    const char *kind; /* "evidence", "instrument", "rule", ... */
    const char *file;
    const char *path;    /* JSON path of the entry in its file, "$.entries[3]" */
    const rh_json *node; /* the entry's JSON object, owned by the catalog */
    size_t order;        /* registration order: files in path order, entries in document order */
} rh_catalog_entry;
const rh_catalog_entry *rh_catalog_find(const rh_catalog *cat, const char *id);
size_t rh_catalog_entry_count(const rh_catalog *cat);
const rh_catalog_entry *rh_catalog_entry_at(const rh_catalog *cat, size_t i);

/* Typed objects built by the kind loaders (one per file of that schema),
 * in path order. The caller casts to the kind's type. */
void *const *rh_catalog_objects(const rh_catalog *cat, const char *schema, size_t *n);

#endif

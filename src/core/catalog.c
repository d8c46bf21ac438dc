/* SPDX-License-Identifier: MIT */
#include "core/catalog.h"

#include "base/alloc.h"
#include "base/buf.h"
#include "base/fileio.h"
#include "base/hash.h"
#include "core/catalog_kinds.h"
#include "core/embedded.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DATA_FILE_BYTES ((size_t)16 << 20)
#define MAX_DATA_FILES      4096

typedef struct loaded_file {
    rh_catalog_file info; /* info.path / schema / version point into owned memory */
    char *path;
    json_t *root;
    const rh_catalog_kind *kind;
    void *obj;
} loaded_file;

struct rh_catalog_reg {
    rh_catalog *cat;
    size_t file_index;
};

struct rh_catalog {
    loaded_file *files;
    size_t nfiles;
    rh_catalog_entry *entries; /* sorted by id after loading */
    char **entry_paths;        /* owned copies of entries[].path, registration order */
    size_t nentries, cap_entries;
    char fingerprint[8 + RH_SHA256_HEX_LEN];
    const char *version;
    char *origin;
    /* per-schema object arrays, built after loading */
    struct {
        const char *schema;
        void **objs;
        size_t n;
    } * groups;
    size_t ngroups;
};

static const char *const verification_statuses[] = {"verified", "secondary", "unverified",
                                                    "derived", NULL};
static const char *const grades[] = {"A", "A-low", "B", "C", "D", NULL};

rh_status rh_catalog_reg_entry(rh_catalog_reg *reg, rh_jx *jx, const char *id, const char *kind,
                               const rh_json *node)
{
    rh_catalog *cat = reg->cat;
    if (!id || !*id)
        return rh_jx_fail(jx, "id", RH_E_INVALID, "empty id");
    if (cat->nentries == cat->cap_entries) {
        size_t cap = cat->cap_entries ? cat->cap_entries * 2 : 256;
        rh_catalog_entry *p = rh_reallocarray(cat->entries, cap, sizeof(*p));
        if (!p)
            return RH_FAIL(jx->err, RH_E_NOMEM, "out of memory registering '%s'", id);
        cat->entries = p;
        char **q = rh_reallocarray(cat->entry_paths, cap, sizeof(*q));
        if (!q)
            return RH_FAIL(jx->err, RH_E_NOMEM, "out of memory registering '%s'", id);
        cat->entry_paths = q;
        cat->cap_entries = cap;
    }
    /* The path is the reader's position when the kind loader registers the
     * entry: the entry object itself ("$.entries[3]"), or one of its members
     * when the loader registers from inside it; either way it locates the
     * definition for error messages. */
    char *path = rh_strdup(jx->path);
    if (!path)
        return RH_FAIL(jx->err, RH_E_NOMEM, "out of memory registering '%s'", id);
    cat->entry_paths[cat->nentries] = path;
    cat->entries[cat->nentries] = (rh_catalog_entry){.id = id,
                                                     .kind = kind,
                                                     .file = cat->files[reg->file_index].path,
                                                     .path = path,
                                                     .node = node,
                                                     .order = cat->nentries};
    cat->nentries++;
    cat->files[reg->file_index].info.entries++;
    return RH_OK;
}

/* By id; equal ids keep registration order so a duplicate is reported at its
 * second definition. */
static int entry_cmp(const void *a, const void *b)
{
    const rh_catalog_entry *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c != 0)
        return c;
    return (x->order > y->order) - (x->order < y->order);
}

static int source_cmp(const void *a, const void *b)
{
    return strcmp(((const rh_catalog_source *)a)->path, ((const rh_catalog_source *)b)->path);
}

static const rh_catalog_kind *kind_for(const char *schema)
{
    for (size_t i = 0; i < rh_catalog_kinds_count; i++)
        if (strcmp(rh_catalog_kinds[i].schema, schema) == 0)
            return &rh_catalog_kinds[i];
    return NULL;
}

/* Walks every value of a file and applies the catalog-wide rules for reserved
 * keys: "evidence" lists resolvable evidence ids, "status" is a verification
 * status, "grade" an evidence grade. */
static rh_status check_reserved(const rh_catalog *cat, json_t *v, rh_jx *jx)
{
    if (json_is_object(v)) {
        const char *key;
        json_t *child;
        json_object_foreach(v, key, child)
        {
            size_t mark = rh_jx_push_key(jx, key);
            rh_status rc = RH_OK;
            if (strcmp(key, "evidence") == 0) {
                if (!json_is_array(child)) {
                    rc = rh_jx_fail(jx, NULL, RH_E_INVALID, "expected an array of evidence ids");
                } else {
                    size_t i;
                    json_t *e;
                    json_array_foreach(child, i, e)
                    {
                        const char *id = json_string_value(e);
                        const rh_catalog_entry *ent = id ? rh_catalog_find(cat, id) : NULL;
                        if (!id)
                            rc = rh_jx_fail(jx, NULL, RH_E_INVALID,
                                            "evidence item %zu is not a string", i);
                        else if (!ent || strcmp(ent->kind, "evidence") != 0)
                            rc = rh_jx_fail(jx, NULL, RH_E_NOTFOUND,
                                            "evidence id '%s' is not in the catalog", id);
                        if (rc != RH_OK)
                            break;
                    }
                }
            } else if (strcmp(key, "status") == 0 || strcmp(key, "grade") == 0) {
                const char *const *set =
                    strcmp(key, "status") == 0 ? verification_statuses : grades;
                const char *s = json_string_value(child);
                int ok = 0;
                for (size_t i = 0; s && set[i]; i++)
                    ok |= strcmp(s, set[i]) == 0;
                if (!ok)
                    rc = rh_jx_fail(jx, NULL, RH_E_INVALID, "'%s' is not a valid %s",
                                    s ? s : "(non-string)",
                                    set == grades ? "evidence grade (A, A-low, B, C, D)"
                                                  : "verification status (verified, "
                                                    "secondary, unverified, derived)");
            }
            if (rc == RH_OK)
                rc = check_reserved(cat, child, jx);
            rh_jx_pop(jx, mark);
            if (rc != RH_OK)
                return rc;
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *child;
        json_array_foreach(v, i, child)
        {
            size_t mark = rh_jx_push_index(jx, i);
            rh_status rc = check_reserved(cat, child, jx);
            rh_jx_pop(jx, mark);
            if (rc != RH_OK)
                return rc;
        }
    }
    return RH_OK;
}

static rh_status group_objects(rh_catalog *cat, rh_err *err)
{
    cat->groups = rh_calloc(rh_catalog_kinds_count, sizeof(*cat->groups));
    if (!cat->groups)
        return RH_FAIL(err, RH_E_NOMEM, "out of memory indexing the catalog");
    cat->ngroups = rh_catalog_kinds_count;
    for (size_t k = 0; k < rh_catalog_kinds_count; k++) {
        cat->groups[k].schema = rh_catalog_kinds[k].schema;
        size_t n = 0;
        for (size_t i = 0; i < cat->nfiles; i++)
            n += cat->files[i].kind == &rh_catalog_kinds[k] && cat->files[i].obj;
        cat->groups[k].objs = rh_calloc(n ? n : 1, sizeof(void *));
        if (!cat->groups[k].objs)
            return RH_FAIL(err, RH_E_NOMEM, "out of memory indexing the catalog");
        for (size_t i = 0; i < cat->nfiles; i++)
            if (cat->files[i].kind == &rh_catalog_kinds[k] && cat->files[i].obj)
                cat->groups[k].objs[cat->groups[k].n++] = cat->files[i].obj;
    }
    return RH_OK;
}

static void compute_fingerprint(rh_catalog *cat, const rh_catalog_source *src, size_t n)
{
    rh_sha256 h;
    rh_sha256_init(&h);
    for (size_t i = 0; i < n; i++) {
        unsigned char len[8];
        uint64_t l = src[i].len;
        for (int b = 0; b < 8; b++)
            len[b] = (unsigned char)(l >> (8 * b));
        rh_sha256_update(&h, src[i].path, strlen(src[i].path) + 1);
        rh_sha256_update(&h, len, sizeof(len));
        rh_sha256_update(&h, src[i].data, src[i].len);
    }
    memcpy(cat->fingerprint, "sha256:", 7);
    rh_sha256_final_hex(&h, cat->fingerprint + 7);
}

static rh_status load_one(rh_catalog *cat, size_t index, const rh_catalog_source *s, rh_err *err)
{
    loaded_file *f = &cat->files[index];
    f->path = rh_strdup(s->path);
    if (!f->path)
        return RH_FAIL(err, RH_E_NOMEM, "out of memory loading '%s'", s->path);
    f->info.path = f->path;
    rh_sha256_hex(s->data, s->len, f->info.sha256);
    rh_status rc = rh_json_parse(s->data, s->len, s->path, (rh_json **)&f->root, err);
    if (rc != RH_OK)
        return rc;
    rh_jx jx;
    rh_jx_init(&jx, f->path, err);
    if (!json_is_object(f->root))
        return rh_jx_fail(&jx, NULL, RH_E_INVALID, "a knowledge-base file must be a JSON object");
    const char *schema = NULL, *version = NULL;
    if ((rc = rh_jx_str(&jx, f->root, "schema", true, &schema)) != RH_OK ||
        (rc = rh_jx_str(&jx, f->root, "version", true, &version)) != RH_OK)
        return rc;
    f->kind = kind_for(schema);
    if (!f->kind)
        return rh_jx_fail(&jx, "schema", RH_E_INVALID, "unknown schema '%s'", schema);
    f->info.schema = schema;
    f->info.version = version;
    rh_catalog_reg reg = {.cat = cat, .file_index = index};
    return f->kind->load(f->root, &jx, &reg, &f->obj);
}

/* Refuses a second file of a kind marked `single` (files are in path order). */
static rh_status check_single_kinds(const rh_catalog *cat, rh_err *err)
{
    for (size_t k = 0; k < rh_catalog_kinds_count; k++) {
        const rh_catalog_kind *kind = &rh_catalog_kinds[k];
        const char *first = NULL;
        for (size_t i = 0; kind->single && i < cat->nfiles; i++) {
            if (cat->files[i].kind != kind)
                continue;
            if (!first) {
                first = cat->files[i].path;
                continue;
            }
            /* "rehabit.decisions/1" -> "decisions" */
            const char *noun = strchr(kind->schema, '.') + 1;
            int len = (int)strcspn(noun, "/");
            rh_jx jx;
            rh_jx_init(&jx, cat->files[i].path, err);
            return rh_jx_fail(
                &jx, NULL, RH_E_INVALID,
                "a second %.*s file (the first is '%s'): the catalog takes exactly one", len, noun,
                first);
        }
    }
    return RH_OK;
}

static rh_status find_version(rh_catalog *cat, rh_err *err)
{
    for (size_t i = 0; i < cat->nfiles && !cat->version; i++)
        if (strcmp(cat->files[i].info.schema, "rehabit.manifest/1") == 0)
            cat->version = cat->files[i].info.version;
    if (!cat->version)
        return RH_FAIL(err, RH_E_INVALID, "the knowledge base has no manifest.json");
    return RH_OK;
}

rh_status rh_catalog_load_sources(const rh_catalog_source *src_in, size_t n, const char *origin,
                                  rh_catalog **out, rh_err *err)
{
    rh_status rc = RH_OK;
    rh_catalog_source *src = NULL;
    rh_catalog *cat = rh_calloc(1, sizeof(*cat));
    if (!cat)
        return RH_FAIL(err, RH_E_NOMEM, "out of memory loading the knowledge base");
    if (n == 0) {
        rc = RH_FAIL(err, RH_E_INVALID, "the knowledge base '%s' has no files", origin);
        goto out;
    }
    cat->origin = rh_strdup(origin);
    src = rh_calloc(n, sizeof(*src));
    cat->files = rh_calloc(n, sizeof(*cat->files));
    if (!cat->origin || !src || !cat->files) {
        rc = RH_FAIL(err, RH_E_NOMEM, "out of memory loading the knowledge base");
        goto out;
    }
    memcpy(src, src_in, n * sizeof(*src));
    qsort(src, n, sizeof(*src), source_cmp);
    cat->nfiles = n;
    for (size_t i = 0; i < n && rc == RH_OK; i++)
        rc = load_one(cat, i, &src[i], err);
    if (rc != RH_OK)
        goto out;
    if ((rc = check_single_kinds(cat, err)) != RH_OK || (rc = find_version(cat, err)) != RH_OK)
        goto out;
    qsort(cat->entries, cat->nentries, sizeof(*cat->entries), entry_cmp);
    for (size_t i = 1; i < cat->nentries; i++) {
        const rh_catalog_entry *first = &cat->entries[i - 1], *again = &cat->entries[i];
        if (strcmp(first->id, again->id) == 0) {
            rc = RH_FAIL(err, RH_E_INVALID, "id '%s' is defined twice (first in '%s' at %s)",
                         again->id, first->file, first->path);
            rh_err_at(err, again->file, 0, 0);
            rh_err_at_field(err, again->path);
            goto out;
        }
    }
    for (size_t i = 0; i < n && rc == RH_OK; i++) {
        rh_jx jx;
        rh_jx_init(&jx, cat->files[i].path, err);
        rc = check_reserved(cat, cat->files[i].root, &jx);
    }
    if (rc == RH_OK)
        rc = group_objects(cat, err);
    for (size_t i = 0; i < n && rc == RH_OK; i++) {
        loaded_file *f = &cat->files[i];
        if (f->kind->link && f->obj) {
            rh_jx jx;
            rh_jx_init(&jx, f->path, err);
            rc = f->kind->link(f->obj, cat, &jx);
        }
    }
    if (rc == RH_OK)
        compute_fingerprint(cat, src, n);
out:
    rh_free(src);
    if (rc != RH_OK) {
        rh_catalog_destroy(cat);
        return rc;
    }
    *out = cat;
    return RH_OK;
}

void rh_catalog_destroy(rh_catalog *cat)
{
    if (!cat)
        return;
    for (size_t i = 0; i < cat->ngroups; i++)
        rh_free(cat->groups[i].objs);
    rh_free(cat->groups);
    for (size_t i = 0; i < cat->nfiles; i++) {
        loaded_file *f = &cat->files[i];
        if (f->kind && f->kind->destroy && f->obj)
            f->kind->destroy(f->obj);
        json_decref(f->root);
        rh_free(f->path);
    }
    rh_free(cat->files);
    for (size_t i = 0; i < cat->nentries; i++)
        rh_free(cat->entry_paths[i]);
    rh_free(cat->entry_paths);
    rh_free(cat->entries);
    rh_free(cat->origin);
    rh_free(cat);
}

/* ---- loading from a directory ---- */

typedef struct dir_list {
    char **rel;
    size_t n, cap;
} dir_list;

static rh_status list_json(const char *root, const char *rel, dir_list *out, int depth, rh_err *err)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
    DIR *d = opendir(path);
    if (!d)
        return RH_FAIL_ERRNO(err, RH_E_IO, errno, "cannot read the knowledge-base directory '%s'",
                             path);
    rh_status rc = RH_OK;
    struct dirent *e;
    while (rc == RH_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char sub[4096];
        int len = snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        if (len < 0 || (size_t)len >= sizeof(sub))
            continue;
        char full[8192];
        snprintf(full, sizeof(full), "%s/%s", root, sub);
        struct stat st;
        if (stat(full, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (depth < 8)
                rc = list_json(root, sub, out, depth + 1, err);
            continue;
        }
        size_t nl = strlen(sub);
        if (nl < 5 || strcmp(sub + nl - 5, ".json") != 0)
            continue;
        if (out->n >= MAX_DATA_FILES) {
            rc = RH_FAIL(err, RH_E_LIMIT, "more than %d files under '%s'", MAX_DATA_FILES, root);
            break;
        }
        if (out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 64;
            char **p = rh_reallocarray(out->rel, cap, sizeof(*p));
            if (!p) {
                rc = RH_FAIL(err, RH_E_NOMEM, "out of memory listing '%s'", root);
                break;
            }
            out->rel = p;
            out->cap = cap;
        }
        out->rel[out->n] = rh_strdup(sub);
        if (!out->rel[out->n])
            rc = RH_FAIL(err, RH_E_NOMEM, "out of memory listing '%s'", root);
        else
            out->n++;
    }
    closedir(d);
    return rc;
}

rh_status rh_catalog_load_dir(const char *dir, rh_catalog **out, rh_err *err)
{
    dir_list list = {0};
    rh_buf *bufs = NULL;
    rh_catalog_source *src = NULL;
    rh_status rc = list_json(dir, "", &list, 0, err);
    if (rc != RH_OK)
        goto out;
    bufs = rh_calloc(list.n ? list.n : 1, sizeof(*bufs));
    src = rh_calloc(list.n ? list.n : 1, sizeof(*src));
    if (!bufs || !src) {
        rc = RH_FAIL(err, RH_E_NOMEM, "out of memory reading '%s'", dir);
        goto out;
    }
    for (size_t i = 0; i < list.n && rc == RH_OK; i++) {
        char full[8192];
        snprintf(full, sizeof(full), "%s/%s", dir, list.rel[i]);
        rh_buf_init(&bufs[i], MAX_DATA_FILE_BYTES);
        rc = rh_file_read(full, MAX_DATA_FILE_BYTES, &bufs[i], err);
        src[i] = (rh_catalog_source){list.rel[i], rh_buf_cstr(&bufs[i]), bufs[i].len};
    }
    if (rc == RH_OK)
        rc = rh_catalog_load_sources(src, list.n, dir, out, err);
out:
    for (size_t i = 0; bufs && i < list.n; i++)
        rh_buf_release(&bufs[i]);
    rh_free(bufs);
    rh_free(src);
    for (size_t i = 0; i < list.n; i++)
        rh_free(list.rel[i]);
    rh_free(list.rel);
    return rc;
}

rh_status rh_catalog_load_embedded(rh_catalog **out, rh_err *err)
{
    rh_catalog_source *src = rh_calloc(rh_embedded_count ? rh_embedded_count : 1, sizeof(*src));
    if (!src)
        return RH_FAIL(err, RH_E_NOMEM, "out of memory loading the knowledge base");
    for (unsigned i = 0; i < rh_embedded_count; i++)
        src[i] =
            (rh_catalog_source){rh_embedded_files[i].path, (const char *)rh_embedded_files[i].data,
                                rh_embedded_files[i].len};
    rh_status rc = rh_catalog_load_sources(src, rh_embedded_count, "embedded", out, err);
    rh_free(src);
    return rc;
}

rh_status rh_catalog_load_default(const char *dir, rh_catalog **out, rh_err *err)
{
    if (dir && *dir)
        return rh_catalog_load_dir(dir, out, err);
    const char *env = getenv("RH_DATA_DIR");
    if (env && *env)
        return rh_catalog_load_dir(env, out, err);
    return rh_catalog_load_embedded(out, err);
}

/* ---- queries ---- */

const char *rh_catalog_fingerprint(const rh_catalog *cat)
{
    return cat->fingerprint;
}

const char *rh_catalog_version(const rh_catalog *cat)
{
    return cat->version;
}

const char *rh_catalog_origin(const rh_catalog *cat)
{
    return cat->origin;
}

size_t rh_catalog_file_count(const rh_catalog *cat)
{
    return cat->nfiles;
}

const rh_catalog_file *rh_catalog_file_at(const rh_catalog *cat, size_t i)
{
    return i < cat->nfiles ? &cat->files[i].info : NULL;
}

const rh_catalog_entry *rh_catalog_find(const rh_catalog *cat, const char *id)
{
    size_t lo = 0, hi = cat->nentries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(cat->entries[mid].id, id);
        if (c == 0)
            return &cat->entries[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

size_t rh_catalog_entry_count(const rh_catalog *cat)
{
    return cat->nentries;
}

const rh_catalog_entry *rh_catalog_entry_at(const rh_catalog *cat, size_t i)
{
    return i < cat->nentries ? &cat->entries[i] : NULL;
}

void *const *rh_catalog_objects(const rh_catalog *cat, const char *schema, size_t *n)
{
    for (size_t i = 0; i < cat->ngroups; i++) {
        if (strcmp(cat->groups[i].schema, schema) == 0) {
            *n = cat->groups[i].n;
            return cat->groups[i].objs;
        }
    }
    *n = 0;
    return NULL;
}

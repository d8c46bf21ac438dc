/* SPDX-License-Identifier: MIT
 *
 * core/evidence: cited works of the knowledge base (the files under data/evidence/).
 *
 * IDs are namespaced by the note that cites them ("sud:R7" in
 * evidence-sud-rtms.md, "psp:R7" in evidence-stroke-pain.md, "std:..." for
 * exercise-standards.md), so identical note-local keys never collide. Each
 * work carries its evidence grade (A, A-low, B, C, D) and the verification
 * status of what the knowledge base takes from it.
 */
#ifndef RH_CORE_EVIDENCE_H
#define RH_CORE_EVIDENCE_H

#include "base/jw.h"
#include "core/catalog.h"

typedef struct rh_evidence {
    const char *id;       /* "sud:T2" */
    const char *kind;     /* trial, meta_analysis, guideline, ... */
    const char *citation; /* full bibliographic text as far as known */
    const char *doi;      /* NULL when unknown */
    const char *pmid;     /* NULL when unknown */
    int year;             /* 0 when unknown */
    const char *grade;    /* A, A-low, B, C, D */
    const char *grade_basis;
    const char *status; /* verified, secondary, unverified, derived */
    const char *note;   /* source note file */
    const char *section;
    const char *finding; /* what the note says the work shows */
} rh_evidence;

/* The evidence entry with this id, or NULL. Borrowed from the catalog. */
const rh_evidence *rh_evidence_find(const rh_catalog *cat, const char *id);

/* Writes {"id", "grade", "status", "citation"} for each id (unknown ids are
 * written as {"id": ...} alone; the catalog guarantees they resolve). */
void rh_evidence_write_refs(const rh_catalog *cat, const char *const *ids, size_t n, rh_jw *w);
void rh_evidence_write_full(const rh_evidence *e, rh_jw *w);

/* Catalog kind loader (used by core/catalog_kinds.c). */
rh_status rh_evidence_kind_load(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj);
void rh_evidence_kind_destroy(void *obj);

#endif

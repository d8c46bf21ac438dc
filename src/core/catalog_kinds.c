/* SPDX-License-Identifier: MIT
 *
 * core/catalog_kinds: every knowledge-base file kind on one screen.
 */
#include "core/catalog_kinds.h"

#include "core/evidence.h"
#include "core/instrument.h"

static rh_status manifest_load(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj)
{
    (void)reg;
    static const char *const keys[] = {RH_CATALOG_ENVELOPE_KEYS, "notes", NULL};
    *obj = NULL;
    return rh_jx_check_keys(jx, root, keys);
}

const rh_catalog_kind rh_catalog_kinds[] = {
    {"rehabit.manifest/1", manifest_load, NULL, NULL},
    {"rehabit.evidence/1", rh_evidence_kind_load, NULL, rh_evidence_kind_destroy},
    {"rehabit.instrument/1", rh_instrument_kind_load, NULL, rh_instrument_kind_destroy},
};

const size_t rh_catalog_kinds_count = sizeof(rh_catalog_kinds) / sizeof(rh_catalog_kinds[0]);

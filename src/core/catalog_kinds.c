/* SPDX-License-Identifier: MIT
 *
 * core/catalog_kinds: every knowledge-base file kind on one screen.
 */
#include "core/catalog_kinds.h"

#include "core/evidence.h"
#include "core/instrument.h"
#include "core/plandata.h"
#include "core/policy.h"
#include "core/rules.h"
#include "core/strings.h"
#include "core/vocab.h"

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
    {"rehabit.decisions/1", rh_decisions_kind_load, NULL, rh_decisions_kind_destroy},
    {"rehabit.components/1", rh_components_kind_load, rh_components_kind_link,
     rh_components_kind_destroy},
    {"rehabit.formulas/1", rh_formulas_kind_load, NULL, rh_formulas_kind_destroy},
    {"rehabit.rtms/1", rh_rtms_kind_load, NULL, rh_rtms_kind_destroy},
    {"rehabit.policy/1", rh_policy_kind_load, NULL, rh_policy_kind_destroy},
    {"rehabit.rules/1", rh_rules_kind_load, rh_rules_kind_link, rh_rules_kind_destroy},
    {"rehabit.strings/1", rh_strings_kind_load, rh_strings_kind_link, rh_strings_kind_destroy},
    {"rehabit.vocab/1", rh_vocab_kind_load, NULL, rh_vocab_kind_destroy},
    {"rehabit.instrument/1", rh_instrument_kind_load, NULL, rh_instrument_kind_destroy},
};

const size_t rh_catalog_kinds_count = sizeof(rh_catalog_kinds) / sizeof(rh_catalog_kinds[0]);

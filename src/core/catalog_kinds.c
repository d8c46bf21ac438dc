/* SPDX-License-Identifier: MIT
 *
 * core/catalog_kinds: every knowledge-base file kind on one screen.
 */
#include "core/catalog_kinds.h"

#include "base/date.h"
#include "core/evidence.h"
#include "core/instrument.h"
#include "core/plandata.h"
#include "core/policy.h"
#include "core/rules.h"
#include "core/strings.h"
#include "core/vocab.h"

#include <string.h>

/* `notes`: the knowledge notes the files encode, with the day they were last
 * checked against them (informational: read by reviewers, not by the engine). */
static rh_status manifest_note(rh_jx *jx, const rh_json *n)
{
    static const char *const keys[] = {"file", "namespace", "verified_on", NULL};
    const char *file = NULL, *ns = NULL, *day = NULL;
    rh_date d;
    rh_status rc = rh_jx_check_keys(jx, n, keys);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, n, "file", true, &file);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, n, "namespace", true, &ns);
    if (rc == RH_OK && (!*ns || strspn(ns, "abcdefghijklmnopqrstuvwxyz") != strlen(ns)))
        rc = rh_jx_fail(jx, "namespace", RH_E_INVALID,
                        "'%s' is not a namespace (lower-case letters)", ns);
    if (rc == RH_OK)
        rc = rh_jx_str(jx, n, "verified_on", true, &day);
    if (rc == RH_OK && rh_date_parse(day, &d, NULL) != RH_OK)
        rc = rh_jx_fail(jx, "verified_on", RH_E_INVALID, "'%s' is not a date (YYYY-MM-DD)", day);
    return rc;
}

static rh_status manifest_load(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj)
{
    (void)reg;
    static const char *const keys[] = {RH_CATALOG_ENVELOPE_KEYS, "notes", NULL};
    rh_json *notes = NULL;
    *obj = NULL;
    rh_status rc = rh_jx_check_keys(jx, root, keys);
    if (rc == RH_OK)
        rc = rh_jx_array(jx, root, "notes", false, &notes);
    for (size_t i = 0; rc == RH_OK && i < rh_json_array_size(notes); i++) {
        size_t m1 = rh_jx_push_key(jx, "notes");
        size_t m2 = rh_jx_push_index(jx, i);
        rc = manifest_note(jx, rh_json_array_get(notes, i));
        rh_jx_pop(jx, m2);
        rh_jx_pop(jx, m1);
    }
    return rc;
}

const rh_catalog_kind rh_catalog_kinds[] = {
    {"rehabit.manifest/1", manifest_load, NULL, NULL, true},
    {"rehabit.evidence/1", rh_evidence_kind_load, NULL, rh_evidence_kind_destroy, false},
    {"rehabit.decisions/1", rh_decisions_kind_load, rh_decisions_kind_link,
     rh_decisions_kind_destroy, true},
    {"rehabit.components/1", rh_components_kind_load, rh_components_kind_link,
     rh_components_kind_destroy, false},
    {"rehabit.formulas/1", rh_formulas_kind_load, NULL, rh_formulas_kind_destroy, true},
    {"rehabit.rtms/1", rh_rtms_kind_load, rh_rtms_kind_link, rh_rtms_kind_destroy, false},
    {"rehabit.policy/1", rh_policy_kind_load, rh_policy_kind_link, rh_policy_kind_destroy, false},
    {"rehabit.rules/1", rh_rules_kind_load, rh_rules_kind_link, rh_rules_kind_destroy, false},
    {"rehabit.strings/1", rh_strings_kind_load, rh_strings_kind_link, rh_strings_kind_destroy,
     false},
    {"rehabit.vocab/1", rh_vocab_kind_load, rh_vocab_kind_link, rh_vocab_kind_destroy, false},
    {"rehabit.instrument/1", rh_instrument_kind_load, NULL, rh_instrument_kind_destroy, false},
};

const size_t rh_catalog_kinds_count = sizeof(rh_catalog_kinds) / sizeof(rh_catalog_kinds[0]);

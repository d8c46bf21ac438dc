/* SPDX-License-Identifier: MIT
 *
 * core/vocab: the controlled vocabularies a patient profile may use
 * (diagnoses, symptoms, medications, settings, TMS screening items ...), each
 * entry with labels (en/zh), tags and evidence (data/vocab/ files of
 * schema rehabit.vocab/1).
 *
 * The profile loader turns a stated entry into facts: "<group>.<code>" and one
 * "<group>_tag.<tag>" per tag (e.g. "med.bisoprolol", "med_tag.beta_blocker").
 * Groups marked assume_unstated make every entry the profile does not mention
 * a false fact marked "assumed", so outputs can say what was taken as negative.
 */
#ifndef RH_CORE_VOCAB_H
#define RH_CORE_VOCAB_H

#include "core/catalog.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct rh_vocab_item {
    const char *code;
    const char *label_en;
    const char *label_zh;
    const char **tags;
    size_t ntags;
    const char **synonyms; /* alternative spellings accepted in profiles */
    size_t nsynonyms;
    const char *status;
} rh_vocab_item;

typedef struct rh_vocab_group {
    const char *group;
    const char *description;
    bool assume_unstated;
    const char *tags_from; /* group whose codes the items' tags are, or NULL */
    rh_vocab_item *items;
    size_t n;
} rh_vocab_group;

/* The group with this name, or NULL. */
const rh_vocab_group *rh_vocab_group_find(const rh_catalog *cat, const char *group);
/* The entry whose code or synonym matches `name` (case-insensitive), or NULL. */
const rh_vocab_item *rh_vocab_lookup(const rh_vocab_group *g, const char *name);
bool rh_vocab_item_has_tag(const rh_vocab_item *it, const char *tag);
/* Label in `lang`, falling back to English. */
const char *rh_vocab_label(const rh_vocab_item *it, const char *lang);

rh_status rh_vocab_kind_load(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj);
rh_status rh_vocab_kind_link(void *obj, const rh_catalog *cat, rh_jx *jx);
void rh_vocab_kind_destroy(void *obj);

#endif

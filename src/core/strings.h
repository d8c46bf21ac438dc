/* SPDX-License-Identifier: MIT
 *
 * core/strings: user-facing text for the printed plan, per language
 * (data/i18n/<lang>.json, schema rehabit.strings/1). Code asks for a key;
 * a missing translation falls back to English, and a missing key is a
 * catalog error caught by the lint test, never a blank in a patient's plan.
 */
#ifndef RH_CORE_STRINGS_H
#define RH_CORE_STRINGS_H

#include "core/catalog.h"

/* The text for `key` in `lang` ("en", "zh"), falling back to English; the
 * key itself when no language has it. Borrowed from the catalog. */
const char *rh_str(const rh_catalog *cat, const char *lang, const char *key);
/* 1 when `lang` has a strings file. */
int rh_strings_has_lang(const rh_catalog *cat, const char *lang);

rh_status rh_strings_kind_load(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj);
rh_status rh_strings_kind_link(void *obj, const rh_catalog *cat, rh_jx *jx);
void rh_strings_kind_destroy(void *obj);

#endif

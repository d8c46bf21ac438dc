/* SPDX-License-Identifier: MIT
 *
 * core/profile: the patient profile (docs/profile.md, docs/profile.schema.json)
 * read strictly and turned into facts for the rule engine.
 *
 * Every field is checked: unknown fields, wrong types, impossible values (age
 * 300, heart rate 0, negative minutes), dates after the assessment date, and
 * contradictions (diastolic >= systolic, "regular exerciser" against a stated
 * weekly habit) are errors naming the field's JSON path. Codes (diagnoses,
 * symptoms, settings, TMS items, medications) come from the catalog's
 * vocabularies. Questionnaire answers are kept for the scoring step.
 */
#ifndef RH_CORE_PROFILE_H
#define RH_CORE_PROFILE_H

#include "base/date.h"
#include "core/catalog.h"
#include "core/facts.h"
#include "core/jsonx.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct rh_profile rh_profile;

/* Parses and validates `len` bytes of profile JSON read from `source`.
 * `today` bounds the assessment date (a profile dated after today + 1 day is
 * refused); pass rh_date_today_utc(). Fails with: E_PARSE, E_INVALID, E_RANGE,
 * E_NOMEM. */
rh_status rh_profile_load(const rh_catalog *cat, const char *text, size_t len, const char *source,
                          rh_date today, rh_profile **out, rh_err *err);
void rh_profile_destroy(rh_profile *p);

/* The facts derived from the profile (owned by the profile). */
const rh_facts *rh_profile_facts(const rh_profile *p);
/* Copies the profile's facts into `dst`. Fails with: E_NOMEM. */
rh_status rh_profile_copy_facts(const rh_profile *p, rh_facts *dst);

const char *rh_profile_id(const rh_profile *p); /* NULL when absent */
const char *rh_profile_source(const rh_profile *p);
rh_date rh_profile_assessment_date(const rh_profile *p);
const char *rh_profile_locale(const rh_profile *p); /* "en" or "zh" */
/* The assessments object (instrument id -> answers), NULL when absent. */
const rh_json *rh_profile_assessments(const rh_profile *p);

/* Names of the screening items taken as negative because the profile did not
 * state them, and non-fatal warnings (e.g. medication not in the catalog). */
size_t rh_profile_assumed_count(const rh_profile *p);
const char *rh_profile_assumed_at(const rh_profile *p, size_t i);
size_t rh_profile_warning_count(const rh_profile *p);
const char *rh_profile_warning_at(const rh_profile *p, size_t i);
/* Medication names as written in the profile, in order. */
size_t rh_profile_medication_count(const rh_profile *p);
const char *rh_profile_medication_at(const rh_profile *p, size_t i);

#endif

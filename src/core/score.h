/* SPDX-License-Identifier: MIT
 *
 * core/score: scores one instrument from its answers, exactly as its
 * knowledge-base definition (core/instrument) says.
 *
 * The answers object is the same wherever it appears: the whole input of
 * `rehabit score`, or `assessments.<instrument id>` in a patient profile. Its
 * format per instrument is in docs/instruments.md. Reading is strict: an
 * unknown member, a wrong type or an answer outside the item's accepted values
 * is an error naming the instrument, the item and the JSON path; answers that
 * contradict each other (an ASSIST answer for a question its skip logic never
 * asks, more hours asleep than in bed) are errors too. A missing answer is
 * handled by the instrument's own missing-item rule; where it has none, the
 * result is "not scorable" and lists what is missing.
 *
 * A result borrows from the catalog (labels, band definitions): destroy it
 * before the catalog. Results are immutable once built and deterministic
 * (same answers, options and catalog give byte-identical JSON).
 */
#ifndef RH_CORE_SCORE_H
#define RH_CORE_SCORE_H

#include "base/jw.h"
#include "core/catalog.h"
#include "core/facts.h"
#include "core/jsonx.h"

#include <stdbool.h>
#include <stddef.h>

/* Patient values some instruments need (6MWT prediction, BMI, Rockport, grip
 * and chair-stand norms, AUDIT-C cut-off). Unknown numbers are NAN; a zeroed
 * struct is NOT "unknown" for the numbers, so start from rh_score_opts_init. */
typedef struct rh_score_opts {
    const char *locale; /* "en" (default when NULL) or "zh": picks preferred band sets */
    const char *sex;    /* "male", "female" or NULL */
    double age_y, height_cm, weight_kg; /* NAN when unknown */
} rh_score_opts;

/* Sets locale "en", sex NULL and every number NAN. */
void rh_score_opts_init(rh_score_opts *opts);

typedef struct rh_score_result rh_score_result;

/* Scores `answers` (the answers object of one instrument) with the catalog's
 * definition of `instrument_id`. `jx` names the source and the JSON path of
 * `answers` (e.g. "$.assessments.phq9"); errors extend that path
 * ("$.assessments.phq9.items[3]") and are recorded in jx->err. The answers may
 * carry a "patient" member {sex, age_y, height_cm, weight_kg}; its values
 * fill what `opts` leaves unknown and must agree with what `opts` states.
 * `opts` may be NULL (English, nothing known about the patient). On success
 * *out is a new result (caller destroys it), scored or not scorable.
 * Fails with: E_NOTFOUND (unknown instrument), E_INVALID (not an object,
 * unknown member, wrong type, contradictory answers, bad option),
 * E_RANGE (answer outside the accepted range), E_NOMEM. */
rh_status rh_score_run(const rh_catalog *cat, const char *instrument_id, const rh_json *answers,
                       rh_jx *jx, const rh_score_opts *opts, rh_score_result **out);

void rh_score_result_destroy(rh_score_result *r);

/* Writes the result as one JSON object (the public contract, documented in
 * docs/instruments.md): instrument, name, scorable, total, band, scores,
 * band_sets (every applicable set, the selected one marked), flags, items,
 * missing_items, missing_inputs, cutoffs_applied, change thresholds (MCID),
 * codes (LOINC), licence, evidence with grade and status, and the unverified
 * facts the result rests on. Errors are sticky in `w` (see base/jw.h). */
void rh_score_result_write_json(const rh_score_result *r, const rh_catalog *cat, rh_jw *w);

/* Adds the result's facts for the rule engine (source "score:<id>"):
 *   score.<id>.scorable           bool
 *   score.<id>.total              number, null when not scorable or no total
 *   score.<id>.band               band code of the selected total band set, or null
 *   score.<id>.<score>            every exported subscale, component or derived
 *                                 value (bool-typed scores as bools); null when
 *                                 not computable
 *   score.<id>.<score>.band       band code where that score has a band set
 *   score.<id>.flag.<flag>        bool (null when undetermined)
 *   score.<id>.item.<item>        items the instrument marks for export (PHQ-9 item 9)
 *   score.<id>.item.<item>.band   where an item has a band set (BPI worst pain)
 *   ASSIST: score.assist.<substance> and .band; MAS: score.mas.<group> (code),
 *   score.mas.max (highest code) and score.mas.max_rank.
 * Fails with: E_NOMEM. */
rh_status rh_score_result_export_facts(const rh_score_result *r, rh_facts *f);

/* Accessors for text output. Strings are borrowed from the result/catalog. */
const char *rh_score_result_id(const rh_score_result *r);
bool rh_score_result_scorable(const rh_score_result *r);
/* NAN when not scorable or the instrument has no single total. */
double rh_score_result_total(const rh_score_result *r);
/* Display text of the total with the instrument's decimals ("5.29"), "" when
 * there is none. */
const char *rh_score_result_total_display(const rh_score_result *r);
/* Code of the total's band in the selected band set, or NULL. */
const char *rh_score_result_band_code(const rh_score_result *r);
/* Label of that band in "en" or "zh" (English for anything else), or NULL. */
const char *rh_score_result_band_label(const rh_score_result *r, const char *lang);

/* Any score of the instrument by id ("depression", "c4", "pct_predicted"):
 * its value (NAN when not computable or unknown id; bool scores give 1/0) and
 * the band of its selected band set (NULL when none). */
double rh_score_result_value(const rh_score_result *r, const char *score_id);
const char *rh_score_result_value_band_code(const rh_score_result *r, const char *score_id);
const char *rh_score_result_value_band_label(const rh_score_result *r, const char *score_id,
                                             const char *lang);

/* Every score of the result (subscales, components, derived values), in
 * definition order, for printing. Strings are borrowed; `display` is "" when
 * the value is not computable; `band_label`/`band_label_zh` are NULL without
 * a band. */
typedef struct rh_score_item {
    const char *id, *kind, *label, *label_zh, *unit;
    char display[48];
    const char *band_label, *band_label_zh;
} rh_score_item;
size_t rh_score_result_score_count(const rh_score_result *r);
/* Fills *out for score i; false when i is out of range. */
bool rh_score_result_score_at(const rh_score_result *r, size_t i, rh_score_item *out);

/* Raised flags, in definition order. */
typedef struct rh_score_flag {
    const char *id;
    const char *label, *label_zh;
    const char *severity;           /* urgent, warning, info */
    const char *action, *action_zh; /* NULL when the flag has none */
} rh_score_flag;
size_t rh_score_result_flag_count(const rh_score_result *r);
const rh_score_flag *rh_score_result_flag_at(const rh_score_result *r, size_t i);

/* Formats `v` with `decimals` digits after the point, rounding halves away
 * from zero on the shortest decimal form of `v` (so 2.675 gives "2.68"); "" for
 * non-finite values. `out` needs 48 bytes. */
void rh_score_format(double v, int decimals, char *out, size_t cap);

#endif

/* SPDX-License-Identifier: MIT */
#include "core/profile.h"

#include "base/alloc.h"
#include "base/num.h"
#include "core/vocab.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_LIST 64

struct rh_profile {
    rh_json *root;
    char *source;
    const char *id;
    const char *locale;
    rh_date assessment_date;
    rh_facts *facts;
    const rh_json *assessments;
    char **assumed;
    size_t nassumed;
    char **warnings;
    size_t nwarnings;
    const char **meds;
    size_t nmeds;
};

/* Reading context for one profile. */
typedef struct ctx {
    const rh_catalog *cat;
    rh_profile *p;
    rh_jx jx;
    rh_date today;
} ctx;

static rh_status nomem(ctx *c)
{
    return RH_FAIL(c->jx.err, RH_E_NOMEM, "out of memory reading the profile");
}

static rh_status add_string(ctx *c, char ***list, size_t *n, const char *s)
{
    char **p = rh_reallocarray(*list, *n + 1, sizeof(char *));
    if (!p)
        return nomem(c);
    *list = p;
    p[*n] = rh_strdup(s);
    if (!p[*n])
        return nomem(c);
    (*n)++;
    return RH_OK;
}

static rh_status warn_unknown_medication(ctx *c, const char *name)
{
    char msg[320];
    snprintf(msg, sizeof(msg),
             "medication '%.120s' is not in the catalog and has no classes: its effects on "
             "heart rate and seizure threshold were not considered",
             name);
    return add_string(c, &c->p->warnings, &c->p->nwarnings, msg);
}

static rh_status set_bool(ctx *c, const char *name, bool v)
{
    return rh_facts_set_bool(c->p->facts, name, v, "profile") == RH_OK ? RH_OK : nomem(c);
}

static rh_status set_num(ctx *c, const char *name, double v)
{
    return rh_facts_set_num(c->p->facts, name, v, "profile") == RH_OK ? RH_OK : nomem(c);
}

static rh_status set_str(ctx *c, const char *name, const char *v)
{
    return rh_facts_set_str(c->p->facts, name, v, "profile") == RH_OK ? RH_OK : nomem(c);
}

/* Optional number member -> fact. */
static rh_status num_fact(ctx *c, const rh_json *obj, const char *key, double lo, double hi,
                          const char *fact, double *out)
{
    double v = RH_NAN;
    bool present = false;
    rh_status rc = rh_jx_num(&c->jx, obj, key, false, lo, hi, &v, &present);
    if (rc != RH_OK || !present)
        return rc;
    if (out)
        *out = v;
    return set_num(c, fact, v);
}

static rh_status bool_fact(ctx *c, const rh_json *obj, const char *key, const char *fact, bool *out)
{
    bool v = false, present = false;
    rh_status rc = rh_jx_bool(&c->jx, obj, key, false, &v, &present);
    if (rc != RH_OK || !present)
        return rc;
    if (out)
        *out = v;
    return set_bool(c, fact, v);
}

static rh_status enum_fact(ctx *c, const rh_json *obj, const char *key, const char *const *choices,
                           const char *fact, const char **out)
{
    int idx = 0;
    bool present = false;
    rh_status rc = rh_jx_enum(&c->jx, obj, key, false, choices, &idx, &present);
    if (rc != RH_OK || !present)
        return rc;
    if (out)
        *out = choices[idx];
    return set_str(c, fact, choices[idx]);
}

/* A date member not after the assessment date; days since it -> fact. */
static rh_status date_fact(ctx *c, const rh_json *obj, const char *key, const char *days_fact,
                           rh_date *out, bool *present)
{
    const char *s = NULL;
    rh_status rc = rh_jx_str(&c->jx, obj, key, false, &s);
    if (present)
        *present = s != NULL;
    if (rc != RH_OK || !s)
        return rc;
    rh_date d;
    rh_err tmp;
    rh_err_init(&tmp);
    if (rh_date_parse(s, &d, &tmp) != RH_OK)
        return rh_jx_fail(&c->jx, key, tmp.code, "%s", tmp.msg);
    if (d > c->p->assessment_date) {
        char ad[11];
        rh_date_format(c->p->assessment_date, ad);
        return rh_jx_fail(&c->jx, key, RH_E_RANGE, "%s is after the assessment date %s", s, ad);
    }
    if (out)
        *out = d;
    return days_fact ? set_num(c, days_fact, (double)(c->p->assessment_date - d)) : RH_OK;
}

/* Sets "<group>.<code>" and "<group>_tag.<tag>" facts for a vocabulary entry. */
static rh_status vocab_facts(ctx *c, const char *group, const rh_vocab_item *it, bool v)
{
    char name[192];
    snprintf(name, sizeof(name), "%s.%s", group, it->code);
    rh_status rc = set_bool(c, name, v);
    for (size_t t = 0; rc == RH_OK && v && t < it->ntags; t++) {
        snprintf(name, sizeof(name), "%s_tag.%s", group, it->tags[t]);
        rc = set_bool(c, name, true);
    }
    return rc;
}

static rh_status unknown_code(ctx *c, const char *key, const char *group, const char *code)
{
    return rh_jx_fail(&c->jx, key, RH_E_INVALID,
                      "'%s' is not a known %s code (see 'rehabit kb list %s')", code, group, group);
}

/* An object of vocabulary code -> boolean (symptoms, TMS items, PAR-Q). */
static rh_status code_map(ctx *c, const rh_json *obj, const char *key, const char *group)
{
    const rh_vocab_group *g = rh_vocab_group_find(c->cat, group);
    if (!g)
        return RH_FAIL(c->jx.err, RH_E_INTERNAL, "vocabulary '%s' missing", group);
    rh_json *map = NULL;
    rh_status rc = rh_jx_object(&c->jx, obj, key, false, &map);
    if (rc != RH_OK)
        return rc;
    size_t mark = rh_jx_push_key(&c->jx, key);
    rh_json_iter it;
    const char *code;
    rh_json *val;
    rh_json_iter_init(&it, map);
    while (rc == RH_OK && rh_json_iter_next(&it, &code, &val)) {
        const rh_vocab_item *item = rh_vocab_lookup(g, code);
        if (!item) {
            rc = unknown_code(c, code, group, code);
            break;
        }
        if (!rh_json_is_bool(val)) {
            rc = rh_jx_fail(&c->jx, code, RH_E_INVALID, "expected true or false");
            break;
        }
        rc = vocab_facts(c, group, item, rh_json_true(val));
    }
    rh_jx_pop(&c->jx, mark);
    if (rc != RH_OK || !g->assume_unstated)
        return rc;
    /* Unstated items are taken as negative, and the output says so. */
    for (size_t i = 0; rc == RH_OK && i < g->n; i++) {
        char name[192];
        snprintf(name, sizeof(name), "%s.%s", group, g->items[i].code);
        if (rh_facts_get(c->p->facts, name))
            continue;
        if (rh_facts_assume_false(c->p->facts, name) != RH_OK)
            return nomem(c);
        rc = add_string(c, &c->p->assumed, &c->p->nassumed, name);
    }
    return rc;
}

static rh_status code_list(ctx *c, const rh_json *obj, const char *key, const char *group)
{
    const rh_vocab_group *g = rh_vocab_group_find(c->cat, group);
    rh_json *arr = NULL;
    rh_status rc = rh_jx_array(&c->jx, obj, key, false, &arr);
    if (rc != RH_OK || !arr)
        return rc;
    if (!g)
        return RH_FAIL(c->jx.err, RH_E_INTERNAL, "vocabulary '%s' missing", group);
    size_t n = rh_json_array_size(arr);
    if (n > MAX_LIST)
        return rh_jx_fail(&c->jx, key, RH_E_LIMIT, "more than %d entries", MAX_LIST);
    size_t mark = rh_jx_push_key(&c->jx, key);
    for (size_t i = 0; rc == RH_OK && i < n; i++) {
        size_t m2 = rh_jx_push_index(&c->jx, i);
        const char *code = rh_json_string(rh_json_array_get(arr, i));
        const rh_vocab_item *item = code ? rh_vocab_lookup(g, code) : NULL;
        if (!code)
            rc = rh_jx_fail(&c->jx, NULL, RH_E_INVALID, "expected a code string");
        else if (!item)
            rc = rh_jx_fail(&c->jx, NULL, RH_E_INVALID,
                            "'%s' is not a known %s code (see 'rehabit kb list %s')", code, group,
                            group);
        else
            rc = vocab_facts(c, group, item, true);
        rh_jx_pop(&c->jx, m2);
    }
    rh_jx_pop(&c->jx, mark);
    return rc;
}

static rh_status read_demographics(ctx *c, const rh_json *root)
{
    static const char *const keys[] = {"sex",       "age_y",     "birth_date",
                                       "height_cm", "weight_kg", NULL};
    static const char *const sexes[] = {"male", "female", NULL};
    rh_json *d = NULL;
    rh_status rc = rh_jx_object(&c->jx, root, "demographics", true, &d);
    if (rc != RH_OK)
        return rc;
    size_t mark = rh_jx_push_key(&c->jx, "demographics");
    double age = RH_NAN;
    bool have_age = false;
    rh_date birth = 0;
    bool have_birth = false;
    rc = rh_jx_check_keys(&c->jx, d, keys);
    if (rc == RH_OK)
        rc = enum_fact(c, d, "sex", sexes, "sex", NULL);
    if (rc == RH_OK && !rh_facts_get(c->p->facts, "sex"))
        rc = rh_jx_fail(&c->jx, "sex", RH_E_INVALID, "required field 'sex' is missing");
    if (rc == RH_OK)
        rc = rh_jx_num(&c->jx, d, "age_y", false, 10, 110, &age, &have_age);
    if (rc == RH_OK)
        rc = date_fact(c, d, "birth_date", NULL, &birth, &have_birth);
    if (rc == RH_OK && have_birth) {
        int by, bm, bd, ay, am, ad;
        rh_date_to_civil(birth, &by, &bm, &bd);
        rh_date_to_civil(c->p->assessment_date, &ay, &am, &ad);
        int years = ay - by - ((am < bm || (am == bm && ad < bd)) ? 1 : 0);
        if (years < 10 || years > 110)
            rc = rh_jx_fail(&c->jx, "birth_date", RH_E_RANGE,
                            "gives an age of %d years, outside [10, 110]", years);
        else if (have_age && fabs(age - years) >= 1.0)
            rc = rh_jx_fail(&c->jx, "age_y", RH_E_INVALID,
                            "contradicts birth_date (age %d years at the assessment date)", years);
        else if (!have_age) {
            age = years;
            have_age = true;
        }
    }
    if (rc == RH_OK && !have_age)
        rc = rh_jx_fail(&c->jx, NULL, RH_E_INVALID, "either 'age_y' or 'birth_date' is required");
    if (rc == RH_OK)
        rc = set_num(c, "age_y", age);
    double h = RH_NAN, w = RH_NAN;
    if (rc == RH_OK)
        rc = num_fact(c, d, "height_cm", 100, 250, "height_cm", &h);
    if (rc == RH_OK)
        rc = num_fact(c, d, "weight_kg", 25, 350, "weight_kg", &w);
    rh_jx_pop(&c->jx, mark);
    return rc;
}

static rh_status read_substance(ctx *c, const rh_json *root)
{
    static const char *const keys[] = {"primary_substance",
                                       "last_use_date",
                                       "acute_withdrawal_symptoms",
                                       "alcohol_withdrawal",
                                       "benzodiazepine_withdrawal",
                                       "days_used_past_30",
                                       NULL};
    rh_json *s = NULL;
    rh_status rc = rh_jx_object(&c->jx, root, "substance_use", false, &s);
    if (rc != RH_OK || !s)
        return rc;
    size_t mark = rh_jx_push_key(&c->jx, "substance_use");
    rc = rh_jx_check_keys(&c->jx, s, keys);
    const char *sub = NULL;
    if (rc == RH_OK)
        rc = rh_jx_str(&c->jx, s, "primary_substance", false, &sub);
    if (rc == RH_OK && sub) {
        const rh_vocab_item *it = rh_vocab_lookup(rh_vocab_group_find(c->cat, "substance"), sub);
        if (!it)
            rc = unknown_code(c, "primary_substance", "substance", sub);
        else
            rc = vocab_facts(c, "substance", it, true);
        if (rc == RH_OK && it)
            rc = set_str(c, "substance.primary", it->code);
    }
    if (rc == RH_OK)
        rc = date_fact(c, s, "last_use_date", "days_since_last_use", NULL, NULL);
    if (rc == RH_OK)
        rc = bool_fact(c, s, "acute_withdrawal_symptoms", "withdrawal.acute_symptoms", NULL);
    if (rc == RH_OK)
        rc = bool_fact(c, s, "alcohol_withdrawal", "withdrawal.alcohol", NULL);
    if (rc == RH_OK)
        rc = bool_fact(c, s, "benzodiazepine_withdrawal", "withdrawal.benzodiazepine", NULL);
    if (rc == RH_OK)
        rc = num_fact(c, s, "days_used_past_30", 0, 30, "substance.days_used_past_30", NULL);
    rh_jx_pop(&c->jx, mark);
    return rc;
}

static rh_status read_stroke(ctx *c, const rh_json *root)
{
    static const char *const keys[] = {
        "onset_date",          "type",        "lesion_side", "lesion_site", "affected_side",
        "post_stroke_seizure", "craniectomy", NULL};
    static const char *const types[] = {"ischaemic", "haemorrhagic", NULL};
    static const char *const sides[] = {"left", "right", "bilateral", NULL};
    rh_json *s = NULL;
    rh_status rc = rh_jx_object(&c->jx, root, "stroke", false, &s);
    if (rc != RH_OK || !s)
        return rc;
    size_t mark = rh_jx_push_key(&c->jx, "stroke");
    rc = rh_jx_check_keys(&c->jx, s, keys);
    rh_date onset = 0;
    bool have_onset = false;
    if (rc == RH_OK)
        rc = date_fact(c, s, "onset_date", "days_since_stroke", &onset, &have_onset);
    if (rc == RH_OK && !have_onset)
        rc = rh_jx_fail(&c->jx, "onset_date", RH_E_INVALID,
                        "required field 'onset_date' is missing");
    if (rc == RH_OK)
        rc =
            set_num(c, "months_since_stroke", rh_date_months_between(onset, c->p->assessment_date));
    if (rc == RH_OK)
        rc = enum_fact(c, s, "type", types, "stroke.type", NULL);
    if (rc == RH_OK)
        rc = enum_fact(c, s, "lesion_side", sides, "stroke.lesion_side", NULL);
    const char *site = NULL;
    if (rc == RH_OK)
        rc = rh_jx_str(&c->jx, s, "lesion_site", false, &site);
    if (rc == RH_OK && site)
        rc = set_str(c, "stroke.lesion_site", site);
    if (rc == RH_OK)
        rc = enum_fact(c, s, "affected_side", sides, "stroke.affected_side", NULL);
    if (rc == RH_OK)
        rc = bool_fact(c, s, "post_stroke_seizure", "stroke.post_stroke_seizure", NULL);
    if (rc == RH_OK)
        rc = bool_fact(c, s, "craniectomy", "stroke.craniectomy", NULL);
    rh_jx_pop(&c->jx, mark);
    if (rc == RH_OK && !rh_facts_bool(c->p->facts, "dx.stroke"))
        rc = rh_jx_fail(&c->jx, "stroke", RH_E_INVALID,
                        "stroke details are given but 'stroke' is not in diagnoses");
    return rc;
}

/* An object of boolean criteria; sets "<prefix>.<key>" facts and the count of
 * true members as "<prefix>.count". */
static rh_status criteria(ctx *c, const rh_json *obj, const char *key, const char *prefix,
                          const char *const *allowed)
{
    rh_json *o = NULL;
    rh_status rc = rh_jx_object(&c->jx, obj, key, false, &o);
    if (rc != RH_OK || !o)
        return rc;
    size_t mark = rh_jx_push_key(&c->jx, key);
    rc = rh_jx_check_keys(&c->jx, o, allowed);
    int count = 0;
    for (size_t i = 0; rc == RH_OK && allowed[i]; i++) {
        char name[160];
        snprintf(name, sizeof(name), "%s.%s", prefix, allowed[i]);
        bool v = false, present = false;
        rc = rh_jx_bool(&c->jx, o, allowed[i], false, &v, &present);
        if (rc == RH_OK && present)
            rc = set_bool(c, name, v);
        count += v;
    }
    char name[160];
    snprintf(name, sizeof(name), "%s.count", prefix);
    if (rc == RH_OK)
        rc = set_num(c, name, count);
    rh_jx_pop(&c->jx, mark);
    return rc;
}

static rh_status read_pain(ctx *c, const rh_json *root)
{
    static const char *const keys[] = {
        "klit",      "budapest", "shoulder", "headache", "spasticity_related", "musculoskeletal",
        "locations", NULL};
    static const char *const klit[] = {"pain_in_lesion_territory", "onset_at_or_after_stroke",
                                       "lesion_confirmed", "other_causes_excluded", NULL};
    static const char *const cat4[] = {"sensory", "vasomotor", "sudomotor_oedema", "motor_trophic",
                                       NULL};
    static const char *const bkeys[] = {"disproportionate_pain", "symptoms", "signs",
                                        "no_better_explanation", NULL};
    static const char *const skeys[] = {"painful",
                                        "side",
                                        "pain_on_movement",
                                        "subluxation_fingerbreadths",
                                        "flaccid",
                                        "persisting_despite_standard_care",
                                        NULL};
    static const char *const hkeys[] = {"present", "new_or_severe", "persistent", NULL};
    static const char *const sides[] = {"left", "right", NULL};
    rh_json *p = NULL;
    rh_status rc = rh_jx_object(&c->jx, root, "pain", false, &p);
    if (rc != RH_OK || !p)
        return rc;
    size_t mark = rh_jx_push_key(&c->jx, "pain");
    rc = rh_jx_check_keys(&c->jx, p, keys);
    if (rc == RH_OK)
        rc = criteria(c, p, "klit", "pain.klit", klit);
    rh_json *b = NULL;
    if (rc == RH_OK)
        rc = rh_jx_object(&c->jx, p, "budapest", false, &b);
    if (rc == RH_OK && b) {
        size_t m2 = rh_jx_push_key(&c->jx, "budapest");
        rc = rh_jx_check_keys(&c->jx, b, bkeys);
        if (rc == RH_OK)
            rc = bool_fact(c, b, "disproportionate_pain", "pain.budapest.disproportionate", NULL);
        if (rc == RH_OK)
            rc = bool_fact(c, b, "no_better_explanation", "pain.budapest.no_better_explanation",
                           NULL);
        if (rc == RH_OK)
            rc = criteria(c, b, "symptoms", "pain.budapest.symptoms", cat4);
        if (rc == RH_OK)
            rc = criteria(c, b, "signs", "pain.budapest.signs", cat4);
        rh_jx_pop(&c->jx, m2);
    }
    rh_json *s = NULL;
    if (rc == RH_OK)
        rc = rh_jx_object(&c->jx, p, "shoulder", false, &s);
    if (rc == RH_OK && s) {
        size_t m2 = rh_jx_push_key(&c->jx, "shoulder");
        rc = rh_jx_check_keys(&c->jx, s, skeys);
        if (rc == RH_OK)
            rc = bool_fact(c, s, "painful", "pain.shoulder.painful", NULL);
        if (rc == RH_OK)
            rc = enum_fact(c, s, "side", sides, "pain.shoulder.side", NULL);
        if (rc == RH_OK)
            rc = bool_fact(c, s, "pain_on_movement", "pain.shoulder.pain_on_movement", NULL);
        if (rc == RH_OK)
            rc = num_fact(c, s, "subluxation_fingerbreadths", 0, 5,
                          "pain.shoulder.subluxation_fingerbreadths", NULL);
        if (rc == RH_OK)
            rc = bool_fact(c, s, "flaccid", "pain.shoulder.flaccid", NULL);
        if (rc == RH_OK)
            rc = bool_fact(c, s, "persisting_despite_standard_care",
                           "pain.shoulder.persisting_despite_standard_care", NULL);
        rh_jx_pop(&c->jx, m2);
    }
    rh_json *h = NULL;
    if (rc == RH_OK)
        rc = rh_jx_object(&c->jx, p, "headache", false, &h);
    if (rc == RH_OK && h) {
        size_t m2 = rh_jx_push_key(&c->jx, "headache");
        rc = rh_jx_check_keys(&c->jx, h, hkeys);
        if (rc == RH_OK)
            rc = bool_fact(c, h, "present", "pain.headache.present", NULL);
        if (rc == RH_OK)
            rc = bool_fact(c, h, "new_or_severe", "pain.headache.new_or_severe", NULL);
        if (rc == RH_OK)
            rc = bool_fact(c, h, "persistent", "pain.headache.persistent", NULL);
        rh_jx_pop(&c->jx, m2);
    }
    if (rc == RH_OK)
        rc = bool_fact(c, p, "spasticity_related", "pain.spasticity_related", NULL);
    if (rc == RH_OK)
        rc = bool_fact(c, p, "musculoskeletal", "pain.musculoskeletal", NULL);
    rh_json *loc = NULL;
    if (rc == RH_OK)
        rc = rh_jx_array(&c->jx, p, "locations", false, &loc);
    for (size_t i = 0; rc == RH_OK && i < rh_json_array_size(loc); i++)
        if (!rh_json_is_string(rh_json_array_get(loc, i))) {
            size_t m2 = rh_jx_push_key(&c->jx, "locations");
            rc = rh_jx_fail(&c->jx, NULL, RH_E_INVALID, "item %zu is not a string", i);
            rh_jx_pop(&c->jx, m2);
        }
    rh_jx_pop(&c->jx, mark);
    return rc;
}

static rh_status read_history(ctx *c, const rh_json *root)
{
    static const char *const keys[] = {"regular_exercise", "exercise_habit",
                                       "medically_supervised_only", NULL};
    static const char *const hkeys[] = {"minutes_per_session", "days_per_week", "months",
                                        "intensity", NULL};
    static const char *const intensities[] = {"light", "moderate", "vigorous", NULL};
    rh_json *h = NULL;
    rh_status rc = rh_jx_object(&c->jx, root, "history", false, &h);
    if (rc != RH_OK || !h)
        return rc;
    size_t mark = rh_jx_push_key(&c->jx, "history");
    rc = rh_jx_check_keys(&c->jx, h, keys);
    bool regular = false, stated = false;
    if (rc == RH_OK)
        rc = rh_jx_bool(&c->jx, h, "regular_exercise", false, &regular, &stated);
    if (rc == RH_OK && stated)
        rc = set_bool(c, "history.regular_exercise", regular);
    if (rc == RH_OK)
        rc =
            bool_fact(c, h, "medically_supervised_only", "history.medically_supervised_only", NULL);
    rh_json *hab = NULL;
    if (rc == RH_OK)
        rc = rh_jx_object(&c->jx, h, "exercise_habit", false, &hab);
    if (rc == RH_OK && hab) {
        size_t m2 = rh_jx_push_key(&c->jx, "exercise_habit");
        double mins = RH_NAN, days = RH_NAN, months = RH_NAN;
        const char *inten = NULL;
        rc = rh_jx_check_keys(&c->jx, hab, hkeys);
        if (rc == RH_OK)
            rc =
                num_fact(c, hab, "minutes_per_session", 0, 600, "habit.minutes_per_session", &mins);
        if (rc == RH_OK)
            rc = num_fact(c, hab, "days_per_week", 0, 7, "habit.days_per_week", &days);
        if (rc == RH_OK)
            rc = num_fact(c, hab, "months", 0, 1200, "habit.months", &months);
        if (rc == RH_OK)
            rc = enum_fact(c, hab, "intensity", intensities, "habit.intensity", &inten);
        /* The ACSM definition of regular exercise (>= 30 min of at least
         * moderate intensity on >= 3 d/wk for >= 3 months); a stated yes/no
         * that the habit contradicts is refused rather than guessed. */
        if (rc == RH_OK && stated && !isnan(mins) && !isnan(days) && !isnan(months) && inten) {
            bool meets = mins >= 30 && days >= 3 && months >= 3 && strcmp(inten, "light") != 0;
            if (meets != regular)
                rc = rh_jx_fail(&c->jx, NULL, RH_E_INVALID,
                                "contradicts history.regular_exercise = %s (ACSM: >= 30 min "
                                "moderate, >= 3 d/wk, >= 3 months)",
                                regular ? "true" : "false");
        }
        rh_jx_pop(&c->jx, m2);
    }
    rh_jx_pop(&c->jx, mark);
    return rc;
}

static rh_status read_medications(ctx *c, const rh_json *root)
{
    const rh_vocab_group *g = rh_vocab_group_find(c->cat, "med");
    const rh_vocab_group *classes = rh_vocab_group_find(c->cat, "med_class");
    rh_json *arr = NULL;
    rh_status rc = rh_jx_array(&c->jx, root, "medications", false, &arr);
    if (rc != RH_OK || !arr)
        return rc;
    size_t n = rh_json_array_size(arr);
    if (n > MAX_LIST)
        return rh_jx_fail(&c->jx, "medications", RH_E_LIMIT, "more than %d entries", MAX_LIST);
    c->p->meds = rh_calloc(n ? n : 1, sizeof(char *));
    if (!c->p->meds)
        return nomem(c);
    size_t mark = rh_jx_push_key(&c->jx, "medications");
    for (size_t i = 0; rc == RH_OK && i < n; i++) {
        size_t m2 = rh_jx_push_index(&c->jx, i);
        const rh_json *m = rh_json_array_get(arr, i);
        const char *name = rh_json_string(m);
        rh_json *cls = NULL;
        if (!name && rh_json_is_object(m)) {
            static const char *const keys[] = {"name", "classes", NULL};
            rc = rh_jx_check_keys(&c->jx, m, keys);
            if (rc == RH_OK)
                rc = rh_jx_str(&c->jx, m, "name", true, &name);
            if (rc == RH_OK)
                rc = rh_jx_array(&c->jx, m, "classes", false, &cls);
        } else if (!name) {
            rc = rh_jx_fail(&c->jx, NULL, RH_E_INVALID,
                            "expected a medication name or {\"name\", \"classes\"}");
        }
        if (rc == RH_OK) {
            c->p->meds[c->p->nmeds++] = name;
            const rh_vocab_item *it = rh_vocab_lookup(g, name);
            if (it)
                rc = vocab_facts(c, "med", it, true);
            for (size_t k = 0; rc == RH_OK && k < rh_json_array_size(cls); k++) {
                const char *cn = rh_json_string(rh_json_array_get(cls, k));
                const rh_vocab_item *ci = cn ? rh_vocab_lookup(classes, cn) : NULL;
                if (!ci) {
                    size_t m3 = rh_jx_push_key(&c->jx, "classes");
                    rc = rh_jx_fail(&c->jx, NULL, RH_E_INVALID,
                                    "'%s' is not a known medication class (see 'rehabit kb "
                                    "list med_class')",
                                    cn ? cn : "(non-string)");
                    rh_jx_pop(&c->jx, m3);
                    break;
                }
                char fname[160];
                snprintf(fname, sizeof(fname), "med_tag.%s", ci->code);
                rc = set_bool(c, fname, true);
            }
            if (rc == RH_OK && !it && rh_json_array_size(cls) == 0)
                rc = warn_unknown_medication(c, name);
        }
        rh_jx_pop(&c->jx, m2);
    }
    rh_jx_pop(&c->jx, mark);
    if (rc == RH_OK)
        rc = set_num(c, "med.count", (double)c->p->nmeds);
    return rc;
}

static rh_status read_vitals(ctx *c, const rh_json *root)
{
    static const char *const keys[] = {"resting_hr_bpm",     "sbp_mmhg", "dbp_mmhg",
                                       "sleep_last_night_h", "spo2_pct", NULL};
    rh_json *v = NULL;
    rh_status rc = rh_jx_object(&c->jx, root, "vitals", false, &v);
    if (rc != RH_OK || !v)
        return rc;
    size_t mark = rh_jx_push_key(&c->jx, "vitals");
    double sbp = RH_NAN, dbp = RH_NAN;
    rc = rh_jx_check_keys(&c->jx, v, keys);
    if (rc == RH_OK)
        rc = num_fact(c, v, "resting_hr_bpm", 25, 220, "vitals.resting_hr_bpm", NULL);
    if (rc == RH_OK)
        rc = num_fact(c, v, "sbp_mmhg", 60, 300, "vitals.sbp_mmhg", &sbp);
    if (rc == RH_OK)
        rc = num_fact(c, v, "dbp_mmhg", 30, 200, "vitals.dbp_mmhg", &dbp);
    if (rc == RH_OK && !isnan(sbp) && !isnan(dbp) && dbp >= sbp)
        rc = rh_jx_fail(&c->jx, "dbp_mmhg", RH_E_INVALID,
                        "diastolic %g mmHg is not below systolic %g mmHg", dbp, sbp);
    if (rc == RH_OK && isnan(sbp) != isnan(dbp))
        rc = rh_jx_fail(&c->jx, isnan(sbp) ? "sbp_mmhg" : "dbp_mmhg", RH_E_INVALID,
                        "blood pressure needs both systolic and diastolic values");
    if (rc == RH_OK)
        rc = num_fact(c, v, "sleep_last_night_h", 0, 24, "vitals.sleep_last_night_h", NULL);
    if (rc == RH_OK)
        rc = num_fact(c, v, "spo2_pct", 50, 100, "vitals.spo2_pct", NULL);
    rh_jx_pop(&c->jx, mark);
    return rc;
}

static rh_status read_clearance(ctx *c, const rh_json *root)
{
    static const char *const keys[] = {"date", "scope", "by", "symptom_change_since", NULL};
    static const char *const scopes[] = {"light", "moderate", "vigorous", NULL};
    rh_json *cl = NULL;
    rh_status rc = rh_jx_object(&c->jx, root, "clearance", false, &cl);
    if (rc != RH_OK || !cl)
        return rc;
    size_t mark = rh_jx_push_key(&c->jx, "clearance");
    rh_date d = 0;
    bool have = false;
    rc = rh_jx_check_keys(&c->jx, cl, keys);
    if (rc == RH_OK)
        rc = date_fact(c, cl, "date", "clearance.days_since", &d, &have);
    if (rc == RH_OK && !have)
        rc = rh_jx_fail(&c->jx, "date", RH_E_INVALID, "required field 'date' is missing");
    if (rc == RH_OK) {
        /* Calendar months including the fraction of the month in progress, so
         * "within 12 months" is exact to the day. */
        int m = rh_date_months_between(d, c->p->assessment_date);
        rh_date a = rh_date_add_months(d, m), b = rh_date_add_months(d, m + 1);
        double frac = (double)(c->p->assessment_date - a) / (double)(b - a);
        rc = set_num(c, "clearance.months_since", m + frac);
    }
    if (rc == RH_OK)
        rc = set_bool(c, "clearance.present", true);
    if (rc == RH_OK)
        rc = enum_fact(c, cl, "scope", scopes, "clearance.scope", NULL);
    if (rc == RH_OK && !rh_facts_get(c->p->facts, "clearance.scope"))
        rc = rh_jx_fail(&c->jx, "scope", RH_E_INVALID, "required field 'scope' is missing");
    const char *by = NULL;
    if (rc == RH_OK)
        rc = rh_jx_str(&c->jx, cl, "by", false, &by);
    if (rc == RH_OK)
        rc = bool_fact(c, cl, "symptom_change_since", "clearance.symptom_change_since", NULL);
    rh_jx_pop(&c->jx, mark);
    return rc;
}

static rh_status read_tms(ctx *c, const rh_json *root)
{
    static const char *const keys[] = {"items", "specialist_override", NULL};
    static const char *const okeys[] = {"items", "by", "date", NULL};
    rh_json *t = NULL;
    rh_status rc = rh_jx_object(&c->jx, root, "tms_screen", false, &t);
    if (rc != RH_OK)
        return rc;
    size_t mark = rh_jx_push_key(&c->jx, "tms_screen");
    if (t)
        rc = rh_jx_check_keys(&c->jx, t, keys);
    if (rc == RH_OK)
        rc = code_map(c, t, "items", "tms");
    rh_json *ov = NULL;
    if (rc == RH_OK && t)
        rc = rh_jx_object(&c->jx, t, "specialist_override", false, &ov);
    if (rc == RH_OK && ov) {
        size_t m2 = rh_jx_push_key(&c->jx, "specialist_override");
        const rh_vocab_group *g = rh_vocab_group_find(c->cat, "tms");
        rh_json *items = NULL;
        const char *by = NULL;
        rc = rh_jx_check_keys(&c->jx, ov, okeys);
        if (rc == RH_OK)
            rc = rh_jx_str(&c->jx, ov, "by", true, &by);
        if (rc == RH_OK)
            rc = date_fact(c, ov, "date", NULL, NULL, NULL);
        if (rc == RH_OK)
            rc = rh_jx_array(&c->jx, ov, "items", true, &items);
        for (size_t i = 0; rc == RH_OK && i < rh_json_array_size(items); i++) {
            const char *code = rh_json_string(rh_json_array_get(items, i));
            const rh_vocab_item *it = code ? rh_vocab_lookup(g, code) : NULL;
            if (!it) {
                size_t m3 = rh_jx_push_key(&c->jx, "items");
                rc = rh_jx_fail(&c->jx, NULL, RH_E_INVALID, "'%s' is not a TMS screening item",
                                code ? code : "(non-string)");
                rh_jx_pop(&c->jx, m3);
                break;
            }
            char name[160];
            snprintf(name, sizeof(name), "tms_override.%s", it->code);
            rc = set_bool(c, name, true);
        }
        if (rc == RH_OK)
            rc = set_str(c, "tms_override.by", by);
        rh_jx_pop(&c->jx, m2);
    }
    rh_jx_pop(&c->jx, mark);
    return rc;
}

static rh_status read_misc(ctx *c, const rh_json *root)
{
    static const char *const gkeys[] = {"desired_intensity", NULL};
    static const char *const fkeys[] = {"measured_hr_max_bpm", NULL};
    static const char *const intensities[] = {"light", "moderate", "vigorous", NULL};
    rh_json *g = NULL, *f = NULL;
    rh_status rc = rh_jx_object(&c->jx, root, "goals", false, &g);
    if (rc == RH_OK && g) {
        size_t mark = rh_jx_push_key(&c->jx, "goals");
        rc = rh_jx_check_keys(&c->jx, g, gkeys);
        if (rc == RH_OK)
            rc = enum_fact(c, g, "desired_intensity", intensities, "goals.desired_intensity", NULL);
        rh_jx_pop(&c->jx, mark);
    }
    if (rc == RH_OK && !rh_facts_get(c->p->facts, "goals.desired_intensity")) {
        if (rh_facts_set_str(c->p->facts, "goals.desired_intensity", "moderate", "assumed") !=
            RH_OK)
            return nomem(c);
        rc = add_string(c, &c->p->assumed, &c->p->nassumed, "goals.desired_intensity=moderate");
    }
    if (rc == RH_OK)
        rc = rh_jx_object(&c->jx, root, "fitness", false, &f);
    if (rc == RH_OK && f) {
        size_t mark = rh_jx_push_key(&c->jx, "fitness");
        rc = rh_jx_check_keys(&c->jx, f, fkeys);
        if (rc == RH_OK)
            rc =
                num_fact(c, f, "measured_hr_max_bpm", 80, 230, "fitness.measured_hr_max_bpm", NULL);
        rh_jx_pop(&c->jx, mark);
    }
    return rc;
}

static rh_status read_root(ctx *c)
{
    static const char *const keys[] = {
        "schema",      "id",           "assessment_date", "locale",
        "setting",     "demographics", "diagnoses",       "substance_use",
        "stroke",      "pain",         "history",         "symptoms",
        "medications", "vitals",       "clearance",       "goals",
        "tms_screen",  "parq",         "fitness",         "assessments",
        NULL};
    static const char *const locales[] = {"en", "zh", NULL};
    const rh_json *root = c->p->root;
    rh_status rc = rh_jx_check_keys(&c->jx, root, keys);
    const char *schema = NULL;
    if (rc == RH_OK)
        rc = rh_jx_str(&c->jx, root, "schema", false, &schema);
    if (rc == RH_OK && schema && strcmp(schema, "rehabit.profile/1") != 0)
        rc = rh_jx_fail(&c->jx, "schema", RH_E_INVALID,
                        "'%s' is not a supported profile schema (rehabit.profile/1)", schema);
    if (rc == RH_OK)
        rc = rh_jx_str(&c->jx, root, "id", false, &c->p->id);
    if (rc == RH_OK && c->p->id && strlen(c->p->id) > 64)
        rc = rh_jx_fail(&c->jx, "id", RH_E_RANGE, "longer than 64 characters");
    const char *ad = NULL;
    if (rc == RH_OK)
        rc = rh_jx_str(&c->jx, root, "assessment_date", true, &ad);
    if (rc == RH_OK) {
        rh_err tmp;
        rh_err_init(&tmp);
        if (rh_date_parse(ad, &c->p->assessment_date, &tmp) != RH_OK)
            rc = rh_jx_fail(&c->jx, "assessment_date", tmp.code, "%s", tmp.msg);
        else if (c->p->assessment_date > c->today + 1)
            rc = rh_jx_fail(&c->jx, "assessment_date", RH_E_RANGE, "%s is in the future", ad);
    }
    if (rc == RH_OK)
        rc = set_str(c, "assessment_date", ad);
    int loc = 0;
    bool have_loc = false;
    if (rc == RH_OK)
        rc = rh_jx_enum(&c->jx, root, "locale", false, locales, &loc, &have_loc);
    c->p->locale = locales[loc];
    if (rc == RH_OK)
        rc = set_str(c, "locale", c->p->locale);
    const char *setting = NULL;
    if (rc == RH_OK)
        rc = rh_jx_str(&c->jx, root, "setting", false, &setting);
    if (rc == RH_OK && setting) {
        const rh_vocab_item *it = rh_vocab_lookup(rh_vocab_group_find(c->cat, "setting"), setting);
        if (!it)
            rc = unknown_code(c, "setting", "setting", setting);
        else
            rc = vocab_facts(c, "setting", it, true);
        if (rc == RH_OK && it)
            rc = set_str(c, "setting", it->code);
    }
    if (rc == RH_OK)
        rc = read_demographics(c, root);
    if (rc == RH_OK)
        rc = code_list(c, root, "diagnoses", "dx");
    if (rc == RH_OK)
        rc = read_substance(c, root);
    if (rc == RH_OK)
        rc = read_stroke(c, root);
    if (rc == RH_OK)
        rc = read_pain(c, root);
    if (rc == RH_OK)
        rc = read_history(c, root);
    if (rc == RH_OK)
        rc = code_map(c, root, "symptoms", "symptom");
    if (rc == RH_OK)
        rc = read_medications(c, root);
    if (rc == RH_OK)
        rc = read_vitals(c, root);
    if (rc == RH_OK)
        rc = read_clearance(c, root);
    if (rc == RH_OK)
        rc = read_tms(c, root);
    if (rc == RH_OK)
        rc = code_map(c, root, "parq", "parq");
    if (rc == RH_OK)
        rc = read_misc(c, root);
    rh_json *as = NULL;
    if (rc == RH_OK)
        rc = rh_jx_object(&c->jx, root, "assessments", false, &as);
    c->p->assessments = as;
    return rc;
}

rh_status rh_profile_load(const rh_catalog *cat, const char *text, size_t len, const char *source,
                          rh_date today, rh_profile **out, rh_err *err)
{
    rh_profile *p = rh_calloc(1, sizeof(*p));
    if (!p)
        return RH_FAIL(err, RH_E_NOMEM, "out of memory reading the profile");
    rh_status rc = RH_OK;
    p->source = rh_strdup(source);
    if (!p->source || rh_facts_create(&p->facts) != RH_OK) {
        rc = RH_FAIL(err, RH_E_NOMEM, "out of memory reading the profile");
        goto out;
    }
    rc = rh_json_parse(text, len, source, &p->root, err);
    if (rc != RH_OK)
        goto out;
    ctx c = {.cat = cat, .p = p, .today = today};
    rh_jx_init(&c.jx, p->source, err);
    if (!rh_json_is_object(p->root)) {
        rc = rh_jx_fail(&c.jx, NULL, RH_E_INVALID, "a profile must be a JSON object");
        goto out;
    }
    rc = read_root(&c);
out:
    if (rc != RH_OK) {
        rh_profile_destroy(p);
        return rc;
    }
    *out = p;
    return RH_OK;
}

void rh_profile_destroy(rh_profile *p)
{
    if (!p)
        return;
    rh_facts_destroy(p->facts);
    rh_json_free(p->root);
    rh_free(p->source);
    for (size_t i = 0; i < p->nassumed; i++)
        rh_free(p->assumed[i]);
    rh_free(p->assumed);
    for (size_t i = 0; i < p->nwarnings; i++)
        rh_free(p->warnings[i]);
    rh_free(p->warnings);
    rh_free(p->meds);
    rh_free(p);
}

const rh_facts *rh_profile_facts(const rh_profile *p)
{
    return p->facts;
}

rh_status rh_profile_copy_facts(const rh_profile *p, rh_facts *dst)
{
    for (size_t i = 0; i < rh_facts_count(p->facts); i++) {
        const rh_fact *f = rh_facts_at(p->facts, i);
        rh_status rc = RH_OK;
        switch (f->type) {
        case RH_FACT_BOOL:
            rc = f->assumed ? rh_facts_assume_false(dst, f->name)
                            : rh_facts_set_bool(dst, f->name, f->b, f->source);
            break;
        case RH_FACT_NUM:
            rc = rh_facts_set_num(dst, f->name, f->num, f->source);
            break;
        case RH_FACT_STR:
            rc = rh_facts_set_str(dst, f->name, f->str, f->source);
            break;
        default:
            rc = rh_facts_set_null(dst, f->name, f->source);
            break;
        }
        if (rc != RH_OK)
            return rc;
    }
    return RH_OK;
}

const char *rh_profile_id(const rh_profile *p)
{
    return p->id;
}

const char *rh_profile_source(const rh_profile *p)
{
    return p->source;
}

rh_date rh_profile_assessment_date(const rh_profile *p)
{
    return p->assessment_date;
}

const char *rh_profile_locale(const rh_profile *p)
{
    return p->locale;
}

const rh_json *rh_profile_assessments(const rh_profile *p)
{
    return p->assessments;
}

size_t rh_profile_assumed_count(const rh_profile *p)
{
    return p->nassumed;
}

const char *rh_profile_assumed_at(const rh_profile *p, size_t i)
{
    return i < p->nassumed ? p->assumed[i] : NULL;
}

size_t rh_profile_warning_count(const rh_profile *p)
{
    return p->nwarnings;
}

const char *rh_profile_warning_at(const rh_profile *p, size_t i)
{
    return i < p->nwarnings ? p->warnings[i] : NULL;
}

size_t rh_profile_medication_count(const rh_profile *p)
{
    return p->nmeds;
}

const char *rh_profile_medication_at(const rh_profile *p, size_t i)
{
    return i < p->nmeds ? p->meds[i] : NULL;
}

/* SPDX-License-Identifier: MIT */
#include "core/prescribe.h"

#include "base/alloc.h"
#include "base/date.h"
#include "base/jw.h"
#include "base/num.h"
#include "core/evidence.h"
#include "core/plan_internal.h"
#include "core/plandata.h"
#include "core/policy.h"
#include "core/rules.h"
#include "core/score.h"
#include "core/strings.h"
#include "core/vocab.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_ASSESSMENTS 64

/* ------------------------------------------------------------ building -- */

static rh_status score_assessments(rh_plan *p, rh_err *err)
{
    const rh_json *as = rh_profile_assessments(p->profile);
    if (!as)
        return RH_OK;
    rh_score_opts opts;
    rh_score_opts_init(&opts);
    opts.locale = rh_profile_locale(p->profile);
    opts.sex = rh_facts_str(p->facts, "sex");
    opts.age_y = rh_facts_num(p->facts, "age_y");
    opts.height_cm = rh_facts_num(p->facts, "height_cm");
    opts.weight_kg = rh_facts_num(p->facts, "weight_kg");
    p->scores = rh_calloc(MAX_ASSESSMENTS, sizeof(*p->scores));
    if (!p->scores)
        return RH_FAIL(err, RH_E_NOMEM, "out of memory scoring the assessments");
    rh_jx jx;
    rh_jx_init(&jx, rh_profile_source(p->profile), err);
    size_t m1 = rh_jx_push_key(&jx, "assessments");
    rh_json_iter it;
    const char *id;
    rh_json *answers;
    rh_json_iter_init(&it, as);
    rh_status rc = RH_OK;
    while (rc == RH_OK && rh_json_iter_next(&it, &id, &answers)) {
        if (p->nscores == MAX_ASSESSMENTS) {
            rc = rh_jx_fail(&jx, NULL, RH_E_LIMIT, "more than %d assessments", MAX_ASSESSMENTS);
            break;
        }
        size_t m2 = rh_jx_push_key(&jx, id);
        rc = rh_score_run(p->cat, id, answers, &jx, &opts, &p->scores[p->nscores]);
        if (rc == RH_OK) {
            p->nscores++;
            if (rh_score_result_export_facts(p->scores[p->nscores - 1], p->facts) != RH_OK)
                rc = RH_FAIL(err, RH_E_NOMEM, "out of memory scoring the assessments");
        }
        rh_jx_pop(&jx, m2);
    }
    rh_jx_pop(&jx, m1);
    return rc;
}

static rh_status compute_hr_max(rh_plan *p, rh_err *err)
{
    p->hr_formula = rh_engine_decision(p->engine, "hr_max_formula");
    double rest = rh_facts_num(p->facts, "vitals.resting_hr_bpm");
    p->have_rest = !isnan(rest);
    p->hr_rest = rest;
    if (!p->hr_formula)
        return RH_FAIL(err, RH_E_INTERNAL, "no HRmax formula was decided (check data/rules)");
    if (strcmp(p->hr_formula, "MEASURED") == 0) {
        p->hr_max = rh_facts_num(p->facts, "fitness.measured_hr_max_bpm");
    } else {
        p->formula = rh_hrmax_formula_find(p->cat, p->hr_formula);
        if (!p->formula)
            return RH_FAIL(err, RH_E_INTERNAL, "HRmax formula '%s' is not in data/formulas.json",
                           p->hr_formula);
        p->hr_max = rh_hrmax_eval(p->formula, rh_facts_num(p->facts, "age_y"));
    }
    p->have_hr_max = !isnan(p->hr_max);
    if (p->have_rest && p->have_hr_max && rest >= p->hr_max)
        return RH_FAIL(err, RH_E_INVALID,
                       "resting heart rate %g bpm is not below HRmax %.1f bpm (%s); "
                       "check vitals.resting_hr_bpm or give fitness.measured_hr_max_bpm",
                       rest, p->hr_max, p->hr_formula);
    return RH_OK;
}

static int class_rank(const rh_plan *p, const char *klass)
{
    return rh_intensity_rank(p->cat, klass);
}

/* Whether a component may start now, waits for clearance, or is shown for
 * reference only, from the exercise decision and the intensity cap. */
static void component_status(const rh_plan *p, rh_plan_comp *c)
{
    const char *d = rh_engine_decision(p->engine, "exercise");
    const char *cap = rh_engine_decision(p->engine, "intensity_cap");
    if (!d || strcmp(d, "do_not_start_refer") == 0) {
        c->status = "reference_only";
        c->status_key = "status.reference_only";
    } else if (strcmp(d, "clearance_first") == 0) {
        c->status = "after_clearance";
        c->status_key = "status.after_clearance";
    } else if (strcmp(d, "start_light_until_cleared") == 0 &&
               class_rank(p, c->tpl->intensity_class) > class_rank(p, "light")) {
        c->status = "after_clearance";
        c->status_key = "status.after_clearance_light_only";
    } else if (cap && class_rank(p, c->tpl->intensity_class) > class_rank(p, cap)) {
        c->status = "after_clearance";
        c->status_key = "status.after_clearance_intensity";
    } else {
        c->status = "active";
        c->status_key = "status.active";
    }
}

static rh_status collect_components(rh_plan *p, rh_err *err)
{
    size_t n = rh_engine_component_count(p->engine);
    p->comps = rh_calloc(n ? n : 1, sizeof(rh_plan_comp));
    if (!p->comps)
        return RH_FAIL(err, RH_E_NOMEM, "out of memory building the plan");
    for (size_t i = 0; i < n; i++) {
        const rh_effect_item *it = rh_engine_component_at(p->engine, i);
        rh_plan_comp *c = &p->comps[p->ncomps];
        c->tpl = rh_component_find(p->cat, it->code);
        if (!c->tpl)
            return RH_FAIL(err, RH_E_INTERNAL, "component '%s' vanished from the catalog",
                           it->code);
        c->selected_by = it->rule;
        component_status(p, c);
        p->ncomps++;
    }
    return RH_OK;
}

rh_status rh_plan_build(const rh_catalog *cat, const rh_profile *profile, const rh_plan_opts *opts,
                        rh_plan **out, rh_err *err)
{
    rh_plan *p = rh_calloc(1, sizeof(*p));
    if (!p)
        return RH_FAIL(err, RH_E_NOMEM, "out of memory building the plan");
    p->cat = cat;
    p->profile = profile;
    p->version = opts && opts->version ? opts->version : "0";
    rh_buf_init(&p->scratch, 1 << 16);
    rh_status rc = rh_facts_create(&p->facts);
    if (rc != RH_OK) {
        rc = RH_FAIL(err, rc, "out of memory building the plan");
        goto out;
    }
    rc = rh_policy_apply(cat, opts ? opts->site : NULL,
                         opts && opts->site_source ? opts->site_source : "site", p->facts, err);
    if (rc == RH_OK && rh_profile_copy_facts(profile, p->facts) != RH_OK)
        rc = RH_FAIL(err, RH_E_NOMEM, "out of memory building the plan");
    if (rc == RH_OK)
        rc = score_assessments(p, err);
    if (rc == RH_OK && rh_engine_create(cat, p->facts, &p->engine) != RH_OK)
        rc = RH_FAIL(err, RH_E_NOMEM, "out of memory building the plan");
    if (rc == RH_OK)
        rc = rh_engine_run(p->engine, err);
    if (rc == RH_OK)
        rc = compute_hr_max(p, err);
    if (rc == RH_OK)
        rc = collect_components(p, err);
out:
    if (rc != RH_OK) {
        rh_plan_destroy(p);
        return rc;
    }
    *out = p;
    return RH_OK;
}

void rh_plan_destroy(rh_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nscores; i++)
        rh_score_result_destroy(p->scores[i]);
    rh_free(p->scores);
    rh_free(p->comps);
    rh_engine_destroy(p->engine);
    rh_facts_destroy(p->facts);
    rh_buf_release(&p->scratch);
    rh_free(p);
}

const char *rh_plan_decision(const rh_plan *p, const char *domain)
{
    return rh_engine_decision(p->engine, domain);
}

const char *rh_plan_fact_str(const rh_plan *p, const char *name)
{
    return rh_facts_str(p->facts, name);
}

double rh_plan_hr_max(const rh_plan *p)
{
    return p->have_hr_max ? p->hr_max : RH_NAN;
}

/* ------------------------------------------------------- heart rates -- */

bool rh_plan_target_hr(const rh_plan *p, rh_basis b, rh_range pct, double out[2])
{
    if (!pct.set || !p->have_hr_max)
        return false;
    if (b == RH_BASIS_HRR) {
        if (!p->have_rest)
            return false;
        out[0] = p->hr_rest + pct.lo / 100.0 * (p->hr_max - p->hr_rest);
        out[1] = p->hr_rest + pct.hi / 100.0 * (p->hr_max - p->hr_rest);
        return true;
    }
    if (b == RH_BASIS_HRMAX) {
        out[0] = pct.lo / 100.0 * p->hr_max;
        out[1] = pct.hi / 100.0 * p->hr_max;
        return true;
    }
    return false;
}

/* ---------------------------------------------------------- JSON output -- */

static void write_range(rh_jw *w, const char *key, rh_range r)
{
    rh_jw_key(w, key);
    if (!r.set) {
        rh_jw_null(w);
        return;
    }
    rh_jw_arr_begin_inline(w);
    rh_jw_double(w, r.lo);
    rh_jw_double(w, r.hi);
    rh_jw_arr_end(w);
}

static void write_pair(rh_jw *w, const char *key, const double v[2], bool ok, bool display)
{
    rh_jw_key(w, key);
    if (!ok) {
        rh_jw_null(w);
        return;
    }
    rh_jw_arr_begin_inline(w);
    for (int i = 0; i < 2; i++) {
        if (display)
            rh_jw_int(w, rh_round_display(v[i]));
        else
            rh_jw_double(w, v[i]);
    }
    rh_jw_arr_end(w);
}

static void write_hr_block(const rh_plan *p, rh_jw *w, rh_basis b, rh_range pct)
{
    double hr[2];
    bool ok = rh_plan_target_hr(p, b, pct, hr);
    rh_jw_kstr(w, "basis", rh_basis_name(b));
    write_range(w, "pct", pct);
    write_pair(w, "hr_bpm", hr, ok, true);
    write_pair(w, "hr_bpm_exact", hr, ok, false);
}

static void write_evidence_list(const rh_plan *p, rh_jw *w, const char *const *ids, size_t n)
{
    rh_jw_key(w, "evidence");
    rh_evidence_write_refs(p->cat, ids, n, w);
}

static void write_rule_refs(rh_plan *p, rh_jw *w, const char *key, const char *domain)
{
    rh_jw_key(w, key);
    rh_jw_arr_begin(w);
    for (size_t i = 0; i < rh_engine_reason_count(p->engine, domain); i++)
        rh_engine_write_rule_ref(p->engine, rh_engine_reason_at(p->engine, domain, i), w);
    rh_jw_arr_end(w);
}

static void write_fact_reason(rh_plan *p, rh_jw *w, const char *key, const char *fact)
{
    const rh_rule *r = rh_engine_rule_for_fact(p->engine, fact);
    rh_jw_key(w, key);
    if (r)
        rh_engine_write_rule_ref(p->engine, r, w);
    else
        rh_jw_null(w);
}

static void write_fact(const rh_plan *p, rh_jw *w, const char *key, const char *fact)
{
    rh_jw_key(w, key);
    rh_fact_write_value(rh_facts_get(p->facts, fact), w);
}

static const char *hr_formula_text(const rh_plan *p, char *buf, size_t cap)
{
    if (!p->formula) {
        snprintf(buf, cap, "measured");
        return buf;
    }
    char a[40], b[40];
    rh_fmt_double(p->formula->intercept, a, sizeof(a));
    rh_fmt_double(-p->formula->age_coef, b, sizeof(b));
    snprintf(buf, cap, "%s - %s x age", a, b);
    return buf;
}

static void write_patient(const rh_plan *p, rh_jw *w)
{
    char d[11];
    rh_date_format(rh_profile_assessment_date(p->profile), d);
    rh_jw_key(w, "patient");
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "id", rh_profile_id(p->profile));
    rh_jw_kstr(w, "assessment_date", d);
    write_fact(p, w, "sex", "sex");
    write_fact(p, w, "age_y", "age_y");
    write_fact(p, w, "height_cm", "height_cm");
    write_fact(p, w, "weight_kg", "weight_kg");
    write_fact(p, w, "setting", "setting");
    rh_jw_kstr(w, "locale", rh_profile_locale(p->profile));
    rh_jw_key(w, "medications");
    rh_jw_arr_begin_inline(w);
    for (size_t i = 0; i < rh_profile_medication_count(p->profile); i++)
        rh_jw_str(w, rh_profile_medication_at(p->profile, i));
    rh_jw_arr_end(w);
    rh_jw_obj_end(w);
}

static void write_clearance(rh_plan *p, rh_jw *w)
{
    rh_jw_key(w, "clearance");
    rh_jw_obj_begin(w);
    write_fact(p, w, "code", "clearance.code");
    write_fact(p, w, "medical_clearance", "clearance.medical");
    write_fact(p, w, "regular_exerciser", "acsm.regular_exerciser");
    write_fact(p, w, "known_disease", "acsm.known_disease");
    write_fact(p, w, "signs_symptoms", "acsm.signs_symptoms");
    write_fact(p, w, "desired_intensity", "goals.desired_intensity");
    rh_jw_kbool(w, "clearance_on_record_valid", rh_facts_bool(p->facts, "clearance.valid"));
    rh_jw_key(w, "reasons");
    rh_jw_arr_begin(w);
    static const char *const facts[] = {"acsm.regular_exerciser", "acsm.known_disease",
                                        "acsm.signs_symptoms", "clearance.code", "clearance.valid"};
    for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++) {
        const rh_rule *r = rh_engine_rule_for_fact(p->engine, facts[i]);
        if (r)
            rh_engine_write_rule_ref(p->engine, r, w);
    }
    rh_jw_arr_end(w);
    rh_jw_obj_end(w);
}

static void write_parq(rh_plan *p, rh_jw *w)
{
    rh_jw_key(w, "parq");
    rh_jw_obj_begin(w);
    rh_jw_key(w, "answers");
    rh_jw_obj_begin(w);
    for (int q = 1; q <= 7; q++) {
        char k[16], f[32];
        snprintf(k, sizeof(k), "q%d", q);
        snprintf(f, sizeof(f), "parq.q%d", q);
        write_fact(p, w, k, f);
    }
    rh_jw_obj_end(w);
    rh_jw_key(w, "answer_sources");
    rh_jw_obj_begin(w);
    for (int q = 1; q <= 7; q++) {
        char k[16], f[32];
        snprintf(k, sizeof(k), "q%d", q);
        snprintf(f, sizeof(f), "parq.q%d", q);
        const rh_fact *x = rh_facts_get(p->facts, f);
        rh_jw_kstr(w, k, x && x->source ? x->source : "absent");
    }
    rh_jw_obj_end(w);
    write_fact(p, w, "route", "parq.route");
    write_fact_reason(p, w, "reason", "parq.route");
    rh_jw_obj_end(w);
}

/* Writes "decision" and "reasons" of a domain into the object being written. */
static void write_decision_fields(rh_plan *p, rh_jw *w, const char *domain)
{
    rh_jw_kstr(w, "decision", rh_engine_decision(p->engine, domain));
    write_rule_refs(p, w, "reasons", domain);
}

static void write_exercise(rh_plan *p, rh_jw *w)
{
    rh_jw_key(w, "exercise");
    rh_jw_obj_begin(w);
    write_decision_fields(p, w, "exercise");
    rh_jw_kstr(w, "intensity_cap", rh_engine_decision(p->engine, "intensity_cap"));
    write_rule_refs(p, w, "intensity_cap_reasons", "intensity_cap");
    rh_jw_obj_end(w);
}

static void write_protocol(rh_plan *p, rh_jw *w, const rh_rtms_protocol *pr)
{
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "id", pr->id);
    rh_jw_kstr(w, "target", pr->target.en);
    rh_jw_kstr(w, "pattern", pr->pattern.en);
    rh_jw_kdouble(w, "frequency_hz", pr->frequency_hz);
    rh_jw_kdouble(w, "pulses_per_session", pr->pulses_per_session);
    rh_jw_kint(w, "sessions", pr->sessions);
    rh_jw_kstr(w, "schedule", pr->schedule.en);
    write_fact(p, w, "intensity", "policy.rtms_intensity");
    write_fact(p, w, "coil", "policy.rtms_coil");
    write_fact(p, w, "targeting", "policy.rtms_targeting");
    rh_jw_kstr(w, "site_settings_note",
               "intensity, coil and targeting are site settings: the trials did not report them");
    const rh_vocab_item *nt =
        rh_vocab_lookup(rh_vocab_group_find(p->cat, "nt"), pr->neural_target + 3);
    rh_jw_kstr(w, "neural_target", nt ? nt->label_en : pr->neural_target);
    rh_jw_kstr(w, "rationale", pr->rationale.en);
    rh_jw_kstr(w, "verification", pr->status);
    write_evidence_list(p, w, pr->evidence, pr->n_evidence);
    rh_jw_obj_end(w);
}

static void write_rtms(rh_plan *p, rh_jw *w, rh_plan_view view)
{
    rh_jw_key(w, "rtms");
    rh_jw_obj_begin(w);
    write_decision_fields(p, w, "rtms");
    write_fact(p, w, "indication", "rtms.indication");
    const char *decision = rh_engine_decision(p->engine, "rtms");
    const char *pid = rh_engine_decision(p->engine, "rtms_protocol");
    const rh_rtms_protocol *pr = pid ? rh_rtms_protocol_find(p->cat, pid) : NULL;
    bool eligible = decision && strcmp(decision, "eligible") == 0;
    rh_jw_key(w, "protocol");
    if (view == RH_PLAN_PRESCRIPTION && eligible && pr)
        write_protocol(p, w, pr);
    else
        rh_jw_null(w);
    if (view == RH_PLAN_PRESCRIPTION) {
        rh_jw_key(w, "proposed_protocol");
        if (!eligible && pr && decision && strcmp(decision, "physician_decision") == 0)
            write_protocol(p, w, pr);
        else
            rh_jw_null(w);
        const char *ord = rh_engine_decision(p->engine, "rtms_order");
        const rh_rtms_order *o = ord ? rh_rtms_order_find(p->cat, ord) : NULL;
        rh_jw_key(w, "same_day_order");
        if (o && pr) {
            rh_jw_obj_begin(w);
            rh_jw_kstr(w, "order", o->code);
            rh_jw_kstr(w, "text", o->text.en);
            rh_jw_kstr(w, "verification", o->status);
            rh_jw_kstr(w, "certainty",
                       "low: derived from indirect evidence, no trial compared orders");
            write_evidence_list(p, w, o->evidence, o->n_evidence);
            rh_jw_obj_end(w);
        } else {
            rh_jw_null(w);
        }
    }
    rh_jw_obj_end(w);
}

static void write_component(rh_plan *p, rh_jw *w, const rh_plan_comp *c)
{
    const rh_component_tpl *t = c->tpl;
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "id", t->id);
    rh_jw_kstr(w, "modality", t->modality);
    rh_jw_kstr(w, "name", t->name.en);
    rh_jw_kstr(w, "type", t->type.en);
    rh_jw_kstr(w, "status", c->status);
    rh_jw_kstr(w, "status_text", rh_str(p->cat, "en", c->status_key));
    rh_jw_kstr(w, "intensity_class", t->intensity_class);
    write_range(w, "sessions_per_week", t->sessions_per_week);

    rh_jw_key(w, "intensity");
    rh_jw_obj_begin(w);
    bool hr_basis = t->basis == RH_BASIS_HRR || t->basis == RH_BASIS_HRMAX;
    if (hr_basis) {
        write_hr_block(p, w, t->basis, t->pct);
        rh_jw_kstr(w, "hr_max_formula", p->hr_formula);
    } else {
        rh_jw_kstr(w, "basis", rh_basis_name(t->basis));
        rh_jw_knull(w, "pct");
        rh_jw_knull(w, "hr_bpm");
        rh_jw_knull(w, "hr_bpm_exact");
    }
    write_range(w, "rpe", t->rpe);
    write_range(w, "pct_1rm", t->pct_1rm);
    write_range(w, "target_pct_1rm", t->target_pct_1rm);
    bool rpe_primary = rh_facts_bool(p->facts, "intensity.rpe_primary") || !hr_basis;
    rh_jw_kstr(w, "primary", rpe_primary ? (t->basis == RH_BASIS_1RM ? "1rm" : "rpe") : "hr");
    if (hr_basis && rh_facts_bool(p->facts, "intensity.rpe_primary"))
        rh_jw_kstr(w, "hr_note", "heart-rate targets are estimates only: use RPE");
    if (hr_basis && t->basis == RH_BASIS_HRR && !p->have_rest)
        rh_jw_kstr(w, "hr_note", "resting heart rate not recorded: %HRR targets need it");
    rh_jw_key(w, "start");
    if (t->start_pct.set) {
        rh_jw_obj_begin(w);
        write_hr_block(p, w, t->basis, t->start_pct);
        rh_jw_obj_end(w);
    } else {
        rh_jw_null(w);
    }
    rh_jw_key(w, "alternatives");
    rh_jw_arr_begin(w);
    for (size_t i = 0; i < t->n_alt; i++) {
        rh_jw_obj_begin(w);
        write_hr_block(p, w, t->alt_basis[i], t->alt_pct[i]);
        rh_jw_obj_end(w);
    }
    rh_jw_arr_end(w);
    rh_jw_obj_end(w);

    write_range(w, "minutes", t->main);
    write_range(w, "warm_up_minutes", t->warm_up);
    write_range(w, "cool_down_minutes", t->cool_down);
    write_range(w, "minutes_target", t->main_target);
    write_range(w, "bout_minutes", t->bouts_min);
    write_range(w, "weeks", t->weeks);
    rh_jw_key(w, "dose");
    rh_jw_obj_begin(w);
    write_range(w, "exercises", t->exercises);
    write_range(w, "sets", t->sets);
    write_range(w, "reps", t->reps);
    write_range(w, "rest_s", t->rest_s);
    write_range(w, "hold_s", t->hold_s);
    write_range(w, "repetitions", t->repetitions);
    rh_jw_obj_end(w);

    /* Weekly volume from the prescription itself; the target from the source. */
    rh_jw_key(w, "weekly_volume");
    rh_jw_obj_begin(w);
    rh_range wm = {0}, mm = {0};
    if (t->main.set && t->sessions_per_week.set) {
        wm = (rh_range){true, t->main.lo * t->sessions_per_week.lo,
                        t->main.hi * t->sessions_per_week.hi};
        if (t->met.set)
            mm = (rh_range){true, wm.lo * t->met.lo, wm.hi * t->met.hi};
    }
    write_range(w, "minutes", wm);
    write_range(w, "met_min", mm);
    write_range(w, "met", t->met);
    write_range(w, "target_minutes", t->weekly_minutes);
    write_range(w, "target_met_min", t->weekly_met_min);
    rh_jw_obj_end(w);

    rh_jw_key(w, "progression");
    rh_jw_arr_begin(w);
    double horizon =
        t->weeks.set ? t->weeks.hi : rh_facts_num(p->facts, "policy.plan_horizon_weeks");
    if (t->n_phases)
        horizon = t->phases[t->n_phases - 1].weeks.hi;
    for (int wk = 1; wk <= (int)horizon; wk++) {
        const rh_phase *ph = NULL;
        for (size_t k = 0; k < t->n_phases; k++)
            if (wk >= t->phases[k].weeks.lo && wk <= t->phases[k].weeks.hi)
                ph = &t->phases[k];
        rh_jw_obj_begin(w);
        rh_jw_kint(w, "week", wk);
        write_range(w, "sessions_per_week",
                    ph && ph->sessions.set ? ph->sessions : t->sessions_per_week);
        write_range(w, "minutes", ph && ph->minutes.set ? ph->minutes : t->main);
        if (hr_basis) {
            rh_range pct = ph && ph->pct.set ? ph->pct : t->pct;
            write_range(w, "pct", pct);
            double hr[2];
            write_pair(w, "hr_bpm", hr, rh_plan_target_hr(p, t->basis, pct, hr), true);
        }
        if (t->basis == RH_BASIS_1RM) {
            write_range(w, "pct_1rm", ph && ph->pct_1rm.set ? ph->pct_1rm : t->pct_1rm);
            write_range(w, "sets", ph && ph->sets.set ? ph->sets : t->sets);
            write_range(w, "reps", ph && ph->reps.set ? ph->reps : t->reps);
        }
        rh_jw_kstr(w, "note", ph ? ph->note.en : rh_str(p->cat, "en", "progression.steady"));
        rh_jw_obj_end(w);
    }
    rh_jw_arr_end(w);

    const rh_vocab_item *nt =
        rh_vocab_lookup(rh_vocab_group_find(p->cat, "nt"), t->neural_target + 3);
    rh_jw_key(w, "neural_target");
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "id", t->neural_target);
    rh_jw_kstr(w, "text", nt ? nt->label_en : NULL);
    rh_jw_kstr(w, "verification", nt ? nt->status : NULL);
    rh_jw_obj_end(w);
    rh_jw_kstr(w, "rationale", t->rationale.en);
    rh_jw_kstr(w, "verification", t->status);
    write_evidence_list(p, w, t->evidence, t->n_evidence);
    rh_jw_key(w, "selected_by");
    rh_engine_write_rule_ref(p->engine, c->selected_by, w);
    rh_jw_obj_end(w);
}

/* A flag or advice item: its code, severity (flags only), text, and the rule
 * and evidence behind it. */
static void write_effect_item(rh_plan *p, rh_jw *w, const rh_effect_item *it)
{
    rh_rule_info info;
    rh_rule_get_info(it->rule, &info);
    rh_jw_obj_begin(w);
    rh_jw_kstr(w, "code", it->code);
    if (it->severity)
        rh_jw_kstr(w, "severity", it->severity);
    rh_jw_kstr(w, "text", rh_engine_rule_text(p->engine, it->rule, "en"));
    rh_jw_kstr(w, "rule", info.id);
    rh_jw_kstr(w, "verification", info.status);
    rh_jw_kstrs(w, "evidence", info.evidence, info.n_evidence);
    rh_jw_obj_end(w);
}

/* The flags (flags true) or the advice items whose code starts with `prefix`
 * (NULL: all). */
static void write_items(rh_plan *p, rh_jw *w, const char *key, const char *prefix, bool flags)
{
    rh_jw_key(w, key);
    rh_jw_arr_begin(w);
    size_t n = flags ? rh_engine_flag_count(p->engine) : rh_engine_advice_count(p->engine);
    for (size_t i = 0; i < n; i++) {
        const rh_effect_item *it =
            flags ? rh_engine_flag_at(p->engine, i) : rh_engine_advice_at(p->engine, i);
        if (!prefix || strncmp(it->code, prefix, strlen(prefix)) == 0)
            write_effect_item(p, w, it);
    }
    rh_jw_arr_end(w);
}

static void write_safety(rh_plan *p, rh_jw *w)
{
    rh_jw_key(w, "safety");
    rh_jw_obj_begin(w);
    write_items(p, w, "flags", NULL, true);
    write_items(p, w, "pre_session_checks", "check.", false);
    write_items(p, w, "stop_criteria", "stop.", false);
    /* everything else the rules advised */
    rh_jw_key(w, "advice");
    rh_jw_arr_begin(w);
    for (size_t i = 0; i < rh_engine_advice_count(p->engine); i++) {
        const rh_effect_item *it = rh_engine_advice_at(p->engine, i);
        if (strncmp(it->code, "check.", 6) != 0 && strncmp(it->code, "stop.", 5) != 0)
            write_effect_item(p, w, it);
    }
    rh_jw_arr_end(w);
    rh_jw_obj_end(w);
}

static void write_pain(rh_plan *p, rh_jw *w)
{
    static const char *const types[] = {"cpsp", "hsp", "crps1", "spasticity", "msk", "headache"};
    rh_jw_key(w, "pain");
    if (!rh_facts_str(p->facts, "pathway") || strcmp(rh_facts_str(p->facts, "pathway"), "stroke")) {
        rh_jw_null(w);
        return;
    }
    rh_jw_obj_begin(w);
    rh_jw_key(w, "types");
    rh_jw_arr_begin_inline(w);
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        char f[64];
        snprintf(f, sizeof(f), "pain.type.%s", types[i]);
        if (rh_facts_bool(p->facts, f))
            rh_jw_str(w, types[i]);
    }
    rh_jw_arr_end(w);
    write_fact(p, w, "crps1_criteria", "pain.crps1.criteria");
    write_fact(p, w, "hsp_mechanism", "pain.hsp.mechanism");
    write_fact(p, w, "neuropathic_features", "pain.neuropathic_features");
    rh_jw_key(w, "reasons");
    rh_jw_arr_begin(w);
    for (size_t i = 0; i < rh_engine_fired_count(p->engine); i++) {
        const rh_rule *r = rh_engine_fired_at(p->engine, i)->rule;
        rh_rule_info info;
        rh_rule_get_info(r, &info);
        if (strcmp(info.phase, "pain") == 0)
            rh_engine_write_rule_ref(p->engine, r, w);
    }
    rh_jw_arr_end(w);
    rh_jw_obj_end(w);
}

static void write_deficits(rh_plan *p, rh_jw *w)
{
    static const char *const domains[] = {"cognitive_control", "mood",   "craving", "sleep", "pain",
                                          "motor_balance",     "fitness"};
    rh_jw_key(w, "deficits");
    rh_jw_arr_begin(w);
    for (size_t d = 0; d < sizeof(domains) / sizeof(domains[0]); d++) {
        char fact[64], prefix[80];
        snprintf(fact, sizeof(fact), "deficit.%s", domains[d]);
        if (!rh_facts_bool(p->facts, fact))
            continue;
        snprintf(prefix, sizeof(prefix), "deficit.%s.", domains[d]);
        rh_jw_obj_begin(w);
        rh_jw_kstr(w, "domain", domains[d]);
        rh_jw_key(w, "reasons");
        rh_jw_arr_begin(w);
        for (size_t i = 0; i < rh_engine_fired_count(p->engine); i++) {
            const rh_rule *r = rh_engine_fired_at(p->engine, i)->rule;
            rh_rule_info info;
            rh_rule_get_info(r, &info);
            if (strncmp(info.id, prefix, strlen(prefix)) == 0)
                rh_engine_write_rule_ref(p->engine, r, w);
        }
        rh_jw_arr_end(w);
        rh_jw_obj_end(w);
    }
    rh_jw_arr_end(w);
}

static void write_hr_max(rh_plan *p, rh_jw *w)
{
    char buf[128];
    rh_jw_kdouble(w, "hr_max_bpm", p->have_hr_max ? p->hr_max : RH_NAN);
    rh_jw_key(w, "hr_max_display_bpm");
    if (p->have_hr_max)
        rh_jw_int(w, rh_round_display(p->hr_max));
    else
        rh_jw_null(w);
    rh_jw_kstr(w, "hr_max_formula", p->hr_formula);
    rh_jw_kstr(w, "hr_max_equation", hr_formula_text(p, buf, sizeof(buf)));
    write_rule_refs(p, w, "hr_max_formula_reasons", "hr_max_formula");
    rh_jw_key(w, "hr_rest_bpm");
    if (p->have_rest)
        rh_jw_double(w, p->hr_rest);
    else
        rh_jw_null(w);
    rh_jw_key(w, "hr_max_alternatives");
    rh_jw_arr_begin(w);
    double age = rh_facts_num(p->facts, "age_y");
    const char *sex = rh_facts_str(p->facts, "sex");
    for (size_t i = 0; i < rh_hrmax_formula_count(p->cat); i++) {
        const rh_hrmax_formula *f = rh_hrmax_formula_at(p->cat, i);
        if (f == p->formula)
            continue;
        /* Show the variants a clinician would compare: Fox and Tanaka for
         * everyone, Gulati for women, Brawner under beta-blockade. */
        bool show =
            strcmp(f->code, "FOX") == 0 || strcmp(f->code, "TANAKA") == 0 ||
            (strcmp(f->code, "GULATI") == 0 && sex && strcmp(sex, "female") == 0) ||
            (strcmp(f->code, "BRAWNER") == 0 && rh_facts_bool(p->facts, "med_tag.beta_blocker"));
        if (!show)
            continue;
        double v = rh_hrmax_eval(f, age);
        rh_jw_obj_begin(w);
        rh_jw_kstr(w, "formula", f->code);
        rh_jw_kdouble(w, "hr_max_bpm", v);
        rh_jw_kint(w, "hr_max_display_bpm", rh_round_display(v));
        rh_jw_obj_end(w);
    }
    rh_jw_arr_end(w);
    rh_jw_kstr(w, "intensity_anchor",
               rh_facts_bool(p->facts, "intensity.rpe_primary") ? "rpe" : "hr");
}

static void write_assumed(rh_plan *p, rh_jw *w)
{
    rh_jw_key(w, "assumed_negative");
    rh_jw_arr_begin(w);
    for (size_t i = 0; i < rh_facts_count(p->facts); i++) {
        const rh_fact *f = rh_facts_at(p->facts, i);
        if (f->assumed)
            rh_jw_str(w, f->name);
    }
    rh_jw_arr_end(w);
    rh_jw_kstr(w, "assumed_negative_note",
               "screening items the profile did not state were taken as negative");
    rh_jw_key(w, "warnings");
    rh_jw_arr_begin(w);
    for (size_t i = 0; i < rh_profile_warning_count(p->profile); i++)
        rh_jw_str(w, rh_profile_warning_at(p->profile, i));
    rh_jw_arr_end(w);
}

/* Every decision or element that rests on an unverified fact, so a reader
 * sees it without reading the trace. */
static void write_unverified(rh_plan *p, rh_jw *w, rh_plan_view view)
{
    rh_jw_key(w, "rests_on_unverified");
    rh_jw_arr_begin(w);
    for (size_t i = 0; i < rh_engine_fired_count(p->engine); i++) {
        const rh_rule *r = rh_engine_fired_at(p->engine, i)->rule;
        rh_rule_info info;
        rh_rule_get_info(r, &info);
        if (strcmp(info.status, "unverified") == 0)
            rh_engine_write_rule_ref(p->engine, r, w);
    }
    if (view == RH_PLAN_PRESCRIPTION) {
        for (size_t i = 0; i < p->ncomps; i++) {
            if (strcmp(p->comps[i].tpl->status, "unverified") != 0)
                continue;
            rh_jw_obj_begin(w);
            rh_jw_kstr(w, "component", p->comps[i].tpl->id);
            rh_jw_kstr(w, "verification", "unverified");
            rh_jw_obj_end(w);
        }
    }
    rh_jw_arr_end(w);
}

rh_status rh_plan_write_json(rh_plan *p, rh_plan_view view, rh_buf *out)
{
    rh_jw w;
    rh_jw_init(&w, out, RH_JW_PRETTY);
    rh_jw_obj_begin(&w);
    rh_jw_kstr(&w, "kind", view == RH_PLAN_SCREEN ? "screening" : "prescription");
    rh_jw_kstr(&w, "rehabit_version", p->version);
    rh_jw_kstr(&w, "catalog_version", rh_catalog_version(p->cat));
    rh_jw_kstr(&w, "catalog_fingerprint", rh_catalog_fingerprint(p->cat));
    write_patient(p, &w);
    write_fact(p, &w, "pathway", "pathway");
    write_fact(p, &w, "stage", "stage");
    write_fact_reason(p, &w, "stage_reason", "stage");
    write_clearance(p, &w);
    write_exercise(p, &w);
    write_rtms(p, &w, view);
    write_parq(p, &w);
    write_pain(p, &w);
    write_deficits(p, &w);
    rh_jw_key(&w, "scores");
    rh_jw_arr_begin(&w);
    for (size_t i = 0; i < p->nscores; i++)
        rh_score_result_write_json(p->scores[i], p->cat, &w);
    rh_jw_arr_end(&w);
    if (view == RH_PLAN_PRESCRIPTION) {
        write_hr_max(p, &w);
        rh_jw_key(&w, "components");
        rh_jw_arr_begin(&w);
        for (size_t i = 0; i < p->ncomps; i++)
            write_component(p, &w, &p->comps[i]);
        rh_jw_arr_end(&w);
    }
    write_safety(p, &w);
    write_assumed(p, &w);
    write_unverified(p, &w, view);
    rh_jw_key(&w, "policy");
    rh_policy_write(p->cat, p->facts, &w);
    rh_jw_key(&w, "trace");
    rh_engine_write_trace(p->engine, &w);
    rh_jw_obj_end(&w);
    return rh_jw_finish(&w);
}

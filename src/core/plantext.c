/* SPDX-License-Identifier: MIT */
#include "core/plantext.h"

#include "base/date.h"
#include "base/jw.h"
#include "base/num.h"
#include "core/evidence.h"
#include "core/plan_internal.h"
#include "core/strings.h"
#include "core/vocab.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct tw {
    rh_plan *p;
    const char *lang;
    rh_buf *out;
    rh_status st;
    int section; /* number of the last section heading printed */
} tw;

static const char *S(const tw *t, const char *key)
{
    return rh_str(t->p->cat, t->lang, key);
}

static void put(tw *t, const char *s)
{
    if (t->st == RH_OK)
        t->st = rh_buf_puts(t->out, s);
}

static void putf(tw *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(tw *t, const char *fmt, ...)
{
    if (t->st != RH_OK)
        return;
    va_list ap;
    va_start(ap, fmt);
    t->st = rh_buf_vprintf(t->out, fmt, ap);
    va_end(ap);
}

static void num(tw *t, double v)
{
    char b[40];
    rh_fmt_double(v, b, sizeof(b));
    put(t, b);
}

static void range(tw *t, rh_range r)
{
    num(t, r.lo);
    if (r.hi != r.lo) {
        put(t, "-");
        num(t, r.hi);
    }
}

static void rule_line(tw *t, const rh_rule *r, const char *indent)
{
    rh_rule_info info;
    rh_rule_get_info(r, &info);
    putf(t, "%s- %s", indent, rh_engine_rule_text(t->p->engine, r, t->lang));
    if (strcmp(info.status, "unverified") == 0)
        putf(t, " [%s]", S(t, "label.unverified"));
    put(t, "\n");
}

static void heading(tw *t, const char *key)
{
    putf(t, "\n%d. %s\n", ++t->section, S(t, key));
}

static void write_header(tw *t, rh_plan_view view)
{
    rh_plan *p = t->p;
    char d[11];
    rh_date_format(rh_profile_assessment_date(p->profile), d);
    const char *title = view == RH_PLAN_SCREEN ? "title.screening" : "title.prescription";
    putf(t, "rehabit - %s\n", S(t, title));
    const char *sex = rh_facts_str(p->facts, "sex");
    putf(t, "%s: %s, %s, ", S(t, "label.patient"),
         rh_profile_id(p->profile) ? rh_profile_id(p->profile) : "-",
         S(t, sex && strcmp(sex, "female") == 0 ? "label.female" : "label.male"));
    num(t, rh_facts_num(p->facts, "age_y"));
    putf(t, " %s; %s %s\n", S(t, "label.years"), S(t, "label.assessed"), d);
    putf(t, "%s %s (%.19s...), rehabit %s\n", S(t, "label.kb"), rh_catalog_version(p->cat),
         rh_catalog_fingerprint(p->cat), p->version);
}

static void write_decision(tw *t)
{
    rh_plan *p = t->p;
    heading(t, "section.decision");
    char key[96];
    const char *d = rh_engine_decision(p->engine, "exercise");
    snprintf(key, sizeof(key), "decision.exercise.%s", d ? d : "do_not_start_refer");
    putf(t, "%s: %s", S(t, "label.exercise"), S(t, key));
    const char *cap = rh_engine_decision(p->engine, "intensity_cap");
    if (d && strcmp(d, "start") == 0 && cap) {
        snprintf(key, sizeof(key), "intensity.%s", cap);
        putf(t, " (%s %s)", S(t, "label.intensity_cap"), S(t, key));
    }
    put(t, "\n");
    const char *code = rh_facts_str(p->facts, "clearance.code");
    const char *med = rh_facts_str(p->facts, "clearance.medical");
    if (code && med) {
        snprintf(key, sizeof(key), "clearance.%s", med);
        putf(t, "%s (ACSM %s): %s\n", S(t, "label.clearance"), code, S(t, key));
    }
    const char *stage = rh_facts_str(p->facts, "stage");
    if (stage) {
        snprintf(key, sizeof(key), "stage.%s", stage);
        putf(t, "%s: %s\n", S(t, "label.stage"), S(t, key));
    }
    putf(t, "%s:\n", S(t, "label.why"));
    for (size_t i = 0; i < rh_engine_reason_count(p->engine, "exercise"); i++)
        rule_line(t, rh_engine_reason_at(p->engine, "exercise", i), "  ");
    const rh_rule *sr = rh_engine_rule_for_fact(p->engine, "stage");
    if (sr)
        rule_line(t, sr, "  ");
    const char *rt = rh_engine_decision(p->engine, "rtms");
    snprintf(key, sizeof(key), "decision.rtms.%s", rt ? rt : "not_applicable");
    putf(t, "rTMS: %s\n", S(t, key));
    for (size_t i = 0; i < rh_engine_reason_count(p->engine, "rtms"); i++)
        rule_line(t, rh_engine_reason_at(p->engine, "rtms", i), "  ");
}

static void write_targets(tw *t)
{
    rh_plan *p = t->p;
    heading(t, "section.targets");
    if (!p->have_hr_max)
        return;
    putf(t, "%s (%s): %ld %s (", S(t, "label.hr_max"), p->hr_formula, rh_round_display(p->hr_max),
         S(t, "label.bpm"));
    num(t, p->hr_max);
    put(t, ")");
    if (p->have_rest) {
        putf(t, "; %s ", S(t, "label.hr_rest"));
        num(t, p->hr_rest);
        putf(t, " %s", S(t, "label.bpm"));
    }
    put(t, "\n");
    if (rh_facts_bool(p->facts, "intensity.rpe_primary"))
        putf(t, "%s\n", S(t, "label.estimate_rpe"));
}

static void hr_line(tw *t, rh_basis b, rh_range pct)
{
    double hr[2];
    if (!rh_plan_target_hr(t->p, b, pct, hr))
        return;
    putf(t, "%ld-%ld %s (", rh_round_display(hr[0]), rh_round_display(hr[1]), S(t, "label.bpm"));
    range(t, pct);
    putf(t, " %% %s)", S(t, b == RH_BASIS_HRR ? "label.hrr" : "label.hrmax_pct"));
}

static void write_component(tw *t, const rh_plan_comp *c)
{
    const rh_component_tpl *tpl = c->tpl;
    char key[64];
    snprintf(key, sizeof(key), "tag.%s", c->status);
    putf(t, "\n[%s] %s: %s\n", S(t, key), rh_text_get(&tpl->name, t->lang),
         rh_text_get(&tpl->type, t->lang));
    putf(t, "    %s\n", S(t, c->status_key));
    putf(t, "    %s: ", S(t, "label.how_often"));
    if (tpl->sessions_per_week.set) {
        range(t, tpl->sessions_per_week);
        putf(t, " %s\n", S(t, "label.days_per_week"));
    } else {
        putf(t, "%s\n", S(t, "label.when_needed"));
    }
    putf(t, "    %s: ", S(t, "label.how_hard"));
    bool any = false;
    if (tpl->basis == RH_BASIS_HRR || tpl->basis == RH_BASIS_HRMAX) {
        hr_line(t, tpl->basis, tpl->pct);
        for (size_t i = 0; i < tpl->n_alt; i++) {
            putf(t, " %s ", S(t, "label.or"));
            hr_line(t, tpl->alt_basis[i], tpl->alt_pct[i]);
        }
        any = true;
    }
    if (tpl->pct_1rm.set) {
        range(t, tpl->pct_1rm);
        putf(t, " %% %s", S(t, "label.1rm"));
        any = true;
    }
    if (tpl->rpe.set) {
        putf(t, "%s%s ", any ? "; " : "", S(t, "label.rpe"));
        range(t, tpl->rpe);
        any = true;
    }
    if (!any)
        put(t, "-");
    put(t, "\n");
    if (tpl->start_pct.set) {
        putf(t, "    %s ", S(t, "label.start_at"));
        hr_line(t, tpl->basis, tpl->start_pct);
        put(t, "\n");
    }
    if (tpl->main.set) {
        putf(t, "    %s: ", S(t, "label.how_long"));
        range(t, tpl->main);
        putf(t, " %s", S(t, "label.minutes"));
        if (tpl->warm_up.set) {
            putf(t, " + %s ", S(t, "label.warm_up"));
            range(t, tpl->warm_up);
            putf(t, " %s", S(t, "label.minutes"));
        }
        if (tpl->cool_down.set) {
            putf(t, " + %s ", S(t, "label.cool_down"));
            range(t, tpl->cool_down);
            putf(t, " %s", S(t, "label.minutes"));
        }
        if (tpl->main_target.set) {
            putf(t, "; %s ", S(t, "label.build_up"));
            range(t, tpl->main_target);
            putf(t, " %s", S(t, "label.minutes"));
        }
        if (tpl->weekly_minutes.set) {
            putf(t, " (%s ", S(t, "label.per_week_total"));
            range(t, tpl->weekly_minutes);
            putf(t, " %s)", S(t, "label.minutes"));
        }
        put(t, "\n");
    }
    if (tpl->sets.set || tpl->hold_s.set) {
        put(t, "    ");
        if (tpl->exercises.set) {
            range(t, tpl->exercises);
            putf(t, " %s, ", S(t, "label.exercises"));
        }
        if (tpl->sets.set) {
            range(t, tpl->sets);
            putf(t, " %s x ", S(t, "label.sets"));
            range(t, tpl->reps);
            putf(t, " %s", S(t, "label.reps"));
        }
        if (tpl->rest_s.set) {
            putf(t, ", %s ", S(t, "label.rest_between"));
            range(t, tpl->rest_s);
            put(t, S(t, "label.seconds"));
        }
        if (tpl->hold_s.set) {
            putf(t, "%s ", S(t, "label.hold"));
            range(t, tpl->hold_s);
            put(t, S(t, "label.seconds"));
        }
        put(t, "\n");
    }
    for (size_t i = 0; i < tpl->n_phases; i++) {
        const rh_phase *ph = &tpl->phases[i];
        putf(t, "    %s ", S(t, "label.week"));
        range(t, ph->weeks);
        putf(t, "%s: ", S(t, "label.week_suffix"));
        const char *sep = "";
        if (ph->minutes.set) {
            range(t, ph->minutes);
            putf(t, " %s", S(t, "label.minutes"));
            sep = ", ";
        }
        if (ph->sets.set && ph->reps.set) {
            put(t, sep);
            range(t, ph->sets);
            putf(t, " %s x ", S(t, "label.sets"));
            range(t, ph->reps);
            putf(t, " %s", S(t, "label.reps"));
            sep = ", ";
        }
        if (ph->pct_1rm.set) {
            put(t, sep);
            range(t, ph->pct_1rm);
            put(t, " % 1RM");
        }
        if (ph->pct.set && (tpl->basis == RH_BASIS_HRR || tpl->basis == RH_BASIS_HRMAX)) {
            double hr[2];
            if (rh_plan_target_hr(t->p, tpl->basis, ph->pct, hr))
                putf(t, ", %ld-%ld %s", rh_round_display(hr[0]), rh_round_display(hr[1]),
                     S(t, "label.bpm"));
        }
        putf(t, "; %s\n", rh_text_get(&ph->note, t->lang));
    }
    const rh_vocab_item *nt =
        rh_vocab_lookup(rh_vocab_group_find(t->p->cat, "nt"), tpl->neural_target + 3);
    if (nt)
        putf(t, "    %s: %s\n", S(t, "label.target_brain"), rh_vocab_label(nt, t->lang));
    putf(t, "    %s: %s\n", S(t, "label.why"), rh_text_get(&tpl->rationale, t->lang));
    putf(t, "    %s:", S(t, "label.evidence"));
    for (size_t i = 0; i < tpl->n_evidence; i++) {
        const rh_evidence *e = rh_evidence_find(t->p->cat, tpl->evidence[i]);
        putf(t, " %s (%s)", tpl->evidence[i], e ? e->grade : "?");
    }
    put(t, "\n");
}

static void write_rtms(tw *t)
{
    rh_plan *p = t->p;
    const char *rt = rh_engine_decision(p->engine, "rtms");
    const char *pid = rh_engine_decision(p->engine, "rtms_protocol");
    const rh_rtms_protocol *pr = pid ? rh_rtms_protocol_find(p->cat, pid) : NULL;
    if (!pr || !rt)
        return;
    bool eligible = strcmp(rt, "eligible") == 0;
    if (!eligible && strcmp(rt, "physician_decision") != 0)
        return;
    heading(t, "section.rtms");
    putf(t, "%s: %s\n", S(t, eligible ? "label.protocol" : "label.proposed"),
         rh_text_get(&pr->pattern, t->lang));
    putf(t, "    %s\n", rh_text_get(&pr->target, t->lang));
    putf(t, "    %s: %s\n", S(t, "label.schedule"), rh_text_get(&pr->schedule, t->lang));
    putf(t, "    %s: %s\n", S(t, "label.rtms_intensity"),
         rh_facts_str(p->facts, "policy.rtms_intensity"));
    putf(t, "    %s: %s\n", S(t, "label.rtms_coil"), rh_facts_str(p->facts, "policy.rtms_coil"));
    putf(t, "    %s: %s\n", S(t, "label.rtms_targeting"),
         rh_facts_str(p->facts, "policy.rtms_targeting"));
    putf(t, "    %s: %s\n", S(t, "label.why"), rh_text_get(&pr->rationale, t->lang));
    const char *ord = rh_engine_decision(p->engine, "rtms_order");
    const rh_rtms_order *o = ord ? rh_rtms_order_find(p->cat, ord) : NULL;
    if (o)
        putf(t, "    %s\n", rh_text_get(&o->text, t->lang));
}

static void write_advice(tw *t, const char *key, const char *prefix, bool others)
{
    rh_plan *p = t->p;
    bool printed = false;
    for (size_t i = 0; i < rh_engine_advice_count(p->engine); i++) {
        const rh_effect_item *it = rh_engine_advice_at(p->engine, i);
        bool is_check = strncmp(it->code, "check.", 6) == 0;
        bool is_stop = strncmp(it->code, "stop.", 5) == 0;
        bool match =
            others ? !is_check && !is_stop : strncmp(it->code, prefix, strlen(prefix)) == 0;
        if (!match)
            continue;
        if (!printed)
            heading(t, key);
        printed = true;
        rule_line(t, it->rule, "");
    }
}

static void write_scores(tw *t)
{
    rh_plan *p = t->p;
    if (!p->nscores)
        return;
    heading(t, "section.scores");
    bool zh = strcmp(t->lang, "zh") == 0;
    for (size_t i = 0; i < p->nscores; i++) {
        const rh_score_result *r = p->scores[i];
        const char *total = rh_score_result_total_display(r);
        putf(t, "- %s", rh_score_result_id(r));
        if (*total) {
            putf(t, ": %s", total);
            const char *band = rh_score_result_band_label(r, t->lang);
            if (band)
                putf(t, " (%s)", band);
        }
        put(t, "\n");
        /* Instruments without one total (BPI, Fugl-Meyer, MAS, 6MWT ...)
         * print their own scores. */
        size_t printed = 0;
        for (size_t k = 0; !*total && k < rh_score_result_score_count(r); k++) {
            rh_score_item it;
            if (!rh_score_result_score_at(r, k, &it) || !it.display[0] ||
                strcmp(it.kind ? it.kind : "", "intermediate") == 0)
                continue;
            printed++;
            const char *label = zh && it.label_zh ? it.label_zh : it.label;
            const char *band = zh && it.band_label_zh ? it.band_label_zh : it.band_label;
            putf(t, "    %s: %s%s%s%s%s\n", label, it.display, it.unit ? " " : "",
                 it.unit ? it.unit : "", band ? " - " : "", band ? band : "");
        }
        /* Ordinal per-item codes (modified Ashworth grades) are exported as
         * text facts "score.<id>.<item>"; print them as recorded. */
        if (!*total && !printed) {
            char prefix[96];
            snprintf(prefix, sizeof(prefix), "score.%s.", rh_score_result_id(r));
            for (size_t k = 0; k < rh_facts_count(p->facts); k++) {
                const rh_fact *f = rh_facts_at(p->facts, k);
                if (f->type == RH_FACT_STR && strncmp(f->name, prefix, strlen(prefix)) == 0)
                    putf(t, "    %s: %s\n", f->name + strlen(prefix), f->str);
            }
        }
        for (size_t k = 0; k < rh_score_result_flag_count(r); k++) {
            const rh_score_flag *f = rh_score_result_flag_at(r, k);
            const char *label = zh && f->label_zh ? f->label_zh : f->label;
            const char *action = zh && f->action_zh ? f->action_zh : f->action;
            putf(t, "  ! %s%s%s\n", label, action ? ": " : "", action ? action : "");
        }
    }
}

static void write_notes(tw *t)
{
    rh_plan *p = t->p;
    heading(t, "section.notes");
    for (size_t i = 0; i < rh_engine_flag_count(p->engine); i++) {
        const rh_effect_item *it = rh_engine_flag_at(p->engine, i);
        putf(t, "%s [%s]: %s\n", S(t, "label.warning"), it->severity,
             rh_engine_rule_text(p->engine, it->rule, t->lang));
    }
    for (size_t i = 0; i < rh_profile_warning_count(p->profile); i++)
        putf(t, "%s: %s\n", S(t, "label.warning"), rh_profile_warning_at(p->profile, i));
    putf(t, "%s:", S(t, "label.assumed"));
    bool any = false;
    for (size_t i = 0; i < rh_facts_count(p->facts); i++) {
        const rh_fact *f = rh_facts_at(p->facts, i);
        if (!f->assumed)
            continue;
        /* "symptom.syncope" -> the vocabulary label of that item */
        char group[64];
        const char *dot = strchr(f->name, '.');
        size_t gl = dot ? (size_t)(dot - f->name) : 0;
        const rh_vocab_item *it = NULL;
        if (dot && gl < sizeof(group)) {
            memcpy(group, f->name, gl);
            group[gl] = '\0';
            it = rh_vocab_lookup(rh_vocab_group_find(p->cat, group), dot + 1);
        }
        putf(t, "%s%s", any ? "; " : " ", it ? rh_vocab_label(it, t->lang) : f->name);
        any = true;
    }
    putf(t, "%s\n", any ? "" : S(t, "label.none"));
}

rh_status rh_plan_write_text(rh_plan *p, rh_plan_view view, const char *lang, rh_buf *out)
{
    tw t = {.p = p, .lang = lang && strcmp(lang, "zh") == 0 ? "zh" : "en", .out = out};
    write_header(&t, view);
    write_decision(&t);
    if (view == RH_PLAN_PRESCRIPTION) {
        write_targets(&t);
        heading(&t, "section.programme");
        for (size_t i = 0; i < p->ncomps; i++)
            write_component(&t, &p->comps[i]);
        write_rtms(&t);
    }
    write_advice(&t, "section.safety", "check.", false);
    write_advice(&t, "section.stop", "stop.", false);
    write_advice(&t, "section.advice", NULL, true);
    write_scores(&t);
    write_notes(&t);
    return t.st;
}

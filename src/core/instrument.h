/* SPDX-License-Identifier: MIT
 *
 * core/instrument: validated definitions of the questionnaires and clinical
 * tests rehabit scores (data/instruments/<id>.json, schema
 * "rehabit.instrument/1"; the format is described in docs/instruments.md).
 *
 * An instrument is declarative: items with their accepted answers (ranges,
 * option codes and weights, reverse keying), scores computed from items and
 * earlier scores (sums, means with their missing-item rule, lookup tables,
 * formulas written as small JSON expressions), band sets (severity bands and
 * screening cut-offs, each with English and Chinese labels), flags, checks
 * that reject contradictory answers, change thresholds (MCID/MDC), codes
 * (LOINC) and the licence. Every fact carries its verification status and
 * evidence ids. The loader rejects unknown keys, unresolvable names, empty or
 * overlapping intervals and band sets that leave gaps in a score's range, with
 * errors that name the file and the JSON path.
 *
 * The structs below are read-only views owned by the catalog; strings point
 * into the catalog's JSON and live as long as the catalog. core/score
 * evaluates them; other modules only look them up and list them.
 */
#ifndef RH_CORE_INSTRUMENT_H
#define RH_CORE_INSTRUMENT_H

#include "core/catalog.h"
#include "core/jsonx.h"

#include <stdbool.h>
#include <stddef.h>

#define RH_INSTRUMENT_SCHEMA "rehabit.instrument/1"

typedef enum rh_item_type {
    RH_ITEM_INT,     /* whole number in [min, max] */
    RH_ITEM_NUMBER,  /* real number in [min, max] (a measurement) */
    RH_ITEM_BOOL,    /* true/false, scored `weight` when true (after reverse) */
    RH_ITEM_CHOICE,  /* one of the options: its code (string) or its value */
    RH_ITEM_TIME,    /* clock time "HH:MM", value in minutes after midnight */
    RH_ITEM_SECTION, /* a block of n items 0..max: an array of them or its total */
} rh_item_type;

typedef struct rh_instr_option {
    const char *code; /* NULL when the option is answered by its value only */
    double value;
    const char *label, *label_zh;
} rh_instr_option;

typedef struct rh_instr_item {
    const char *id; /* "1".."n" for array answers, the member name otherwise */
    const char *label, *label_zh;
    rh_item_type type;
    double min, max; /* INT, NUMBER; SECTION: per-item max in `max` */
    size_t section_items;
    bool reverse; /* INT: min + max - x; BOOL: scored when false */
    double weight;
    const rh_instr_option *options;
    size_t noptions;
    bool required;
    int required_if; /* expression index, -1 when none */
    int patient_var; /* variable taken from the patient when absent, -1 */
    bool export_fact;
    const char *unit;
    const char *status; /* NULL: the instrument's status applies */
    int var;
} rh_instr_item;

typedef struct rh_instr_interval {
    bool has_lo, lo_incl, has_hi, hi_incl;
    double lo, hi;
} rh_instr_interval;

typedef enum rh_instr_calc {
    RH_CALC_SUM,
    RH_CALC_MEAN,
    RH_CALC_EXPR,
    RH_CALC_LOOKUP,
} rh_instr_calc;

typedef enum rh_instr_missing {
    RH_MISSING_NONE,    /* any missing operand: no value */
    RH_MISSING_PRORATE, /* >= min_answered: mean of answered x n (optionally rounded) */
    RH_MISSING_MEAN,    /* >= min_answered: mean of the answered operands */
} rh_instr_missing;

typedef struct rh_instr_lookup_row {
    rh_instr_interval iv;
    double value;
} rh_instr_lookup_row;

typedef struct rh_instr_score {
    const char *id, *kind, *label, *label_zh;
    rh_instr_calc calc;
    const int *operands; /* variables, for SUM and MEAN */
    size_t noperands;
    double multiplier;
    rh_instr_missing missing;
    size_t min_answered;
    bool round_prorated;
    const char *missing_status, *missing_text;
    const rh_json *missing_evidence;
    int expr;      /* EXPR */
    int lookup_of; /* LOOKUP: variable */
    const rh_instr_lookup_row *rows;
    size_t nrows;
    bool is_bool;
    bool export_fact;
    int decimals;
    const char *unit;
    const char *status;
    const rh_json *evidence;
    int relevant_if; /* expression; -1 = always relevant */
    double lo, hi;   /* value domain (+-inf when unknown) */
    bool integer;
    int var;
} rh_instr_score;

typedef enum rh_band_set_type {
    RH_BANDS_INTERVALS, /* bands are value intervals */
    RH_BANDS_RULES,     /* bands are tried in order, each with a condition */
    RH_BANDS_NORMS,     /* below / within / above an age- and sex-specific range */
} rh_band_set_type;

typedef struct rh_instr_band {
    const char *code, *label, *label_zh;
    const char *status; /* NULL: the band set's status applies */
    rh_instr_interval iv;
    int when; /* RULES: expression, -1 for the final catch-all */
} rh_instr_band;

typedef struct rh_instr_norm_row {
    double age_min, age_max; /* whole years, inclusive */
    double male_lo, male_hi, female_lo, female_hi;
} rh_instr_norm_row;

/* A `when` filter: the context key (sex, or a context field of the answers)
 * must hold one of `values`. */
typedef struct rh_instr_when {
    const char *key;
    const char *const *values;
    size_t nvalues;
} rh_instr_when;

typedef struct rh_instr_band_set {
    const char *id, *label, *label_zh;
    rh_band_set_type type;
    int on;             /* variable; -1 for ASSIST per-substance sets */
    bool per_substance; /* ASSIST: applied to a substance's score */
    const rh_instr_when *when;
    size_t nwhen;
    const char *const *locales;
    size_t nlocales;
    bool alternative; /* never chosen automatically */
    const rh_instr_band *bands;
    size_t nbands;
    const rh_instr_norm_row *norms;
    size_t nnorms;
    int norm_age_var;
    const char *status;
    const rh_json *evidence;
} rh_instr_band_set;

typedef struct rh_instr_flag {
    const char *id, *label, *label_zh, *severity, *action, *action_zh;
    int when;
    const char *status;
    const rh_json *evidence;
} rh_instr_flag;

typedef struct rh_instr_check {
    int when; /* must hold; a false result rejects the answers */
    const char *field, *message;
} rh_instr_check;

typedef struct rh_instr_exclusion {
    const char *id, *reason, *reason_zh;
    int when;
    const char *status;
    const rh_json *evidence;
} rh_instr_exclusion;

typedef struct rh_instr_change {
    const char *type;        /* mcid, mdc, response */
    int on;                  /* score variable */
    double value, value_max; /* value_max NAN when a single value */
    const char *unit, *population, *text, *status;
    const rh_json *evidence;
} rh_instr_change;

typedef struct rh_instr_code {
    const char *system, *code, *what, *status;
    const rh_json *evidence;
} rh_instr_code;

typedef struct rh_instr_rule {
    const char *id, *text, *status;
    const rh_json *evidence;
} rh_instr_rule;

typedef struct rh_instr_licence {
    const char *code, *text, *status;
    bool item_wording_shipped;
    const rh_json *evidence;
} rh_instr_licence;

typedef struct rh_instr_context {
    const char *key;
    const char *const *values;
    size_t nvalues;
    bool required;
} rh_instr_context;

typedef enum rh_instr_method {
    RH_METHOD_STANDARD,   /* items -> scores -> bands */
    RH_METHOD_ASSIST,     /* WHO ASSIST: per-substance questions with skip logic */
    RH_METHOD_MUSCLE_MAP, /* one ordinal grade per named muscle group (MAS) */
} rh_instr_method;

typedef enum rh_answers_form {
    RH_FORM_ARRAY,  /* {"items": [v1, v2, ...]} (null = unanswered) */
    RH_FORM_OBJECT, /* {"<item id>": v, ...} */
} rh_answers_form;

/* ASSIST: one substance and the questions asked about it. */
typedef struct rh_instr_substance {
    const char *id, *label, *label_zh;
    const char *const *skip; /* question ids never asked for it (tobacco: q5) */
    size_t nskip;
    int band_set;
} rh_instr_substance;

typedef struct rh_instr_question {
    const char *id; /* q1..q7 */
    const char *label, *label_zh;
    const rh_instr_option *options; /* q1 has none: it is a boolean */
    size_t noptions;
} rh_instr_question;

/* Variables an expression can name, besides items ("item.<id>") and scores. */
enum rh_instr_patient_var {
    RH_PVAR_AGE_Y,
    RH_PVAR_MALE, /* 1 male, 0 female */
    RH_PVAR_HEIGHT_CM,
    RH_PVAR_WEIGHT_KG,
    RH_PVAR_COUNT
};

typedef struct rh_instrument {
    const char *id, *name, *name_zh, *abbrev, *domain, *description, *period;
    const char *file;
    const char *status;
    const rh_json *evidence;
    rh_instr_method method;
    rh_answers_form form;
    size_t min_answered;
    const rh_instr_context *contexts;
    size_t ncontexts;
    const rh_instr_item *items;
    size_t nitems;
    const rh_instr_score *scores;
    size_t nscores;
    int primary;                  /* score index, -1 when the instrument has no single total */
    const int *scorable_requires; /* score indices */
    size_t nscorable_requires;
    const rh_instr_band_set *band_sets;
    size_t nband_sets;
    const rh_instr_flag *flags;
    size_t nflags;
    const rh_instr_check *checks;
    size_t nchecks;
    const rh_instr_exclusion *exclusions;
    size_t nexclusions;
    const rh_instr_change *changes;
    size_t nchanges;
    const rh_instr_code *codes;
    size_t ncodes;
    const rh_instr_rule *rules;
    size_t nrules;
    rh_instr_licence licence;
    /* ASSIST */
    const rh_instr_question *questions;
    size_t nquestions;
    const rh_instr_substance *substances;
    size_t nsubstances;
    /* MAS */
    const char *map_member;
    size_t map_max_entries;
    const rh_instr_option *map_options;
    size_t nmap_options;
    /* variables: items first, then patient inputs, then scores */
    const char *const *var_names;
    size_t nvars;
    int patient_var0;
    void *internal; /* compiled expressions (instrument.c) */
} rh_instrument;

/* The instrument with this id, or NULL. Borrowed from the catalog. */
const rh_instrument *rh_instrument_find(const rh_catalog *cat, const char *id);
/* All instruments, ordered by id. */
size_t rh_instrument_count(const rh_catalog *cat);
const rh_instrument *rh_instrument_at(const rh_catalog *cat, size_t i);

/* Index of a variable by name ("item.9", "total", "patient.age_y"), or -1. */
int rh_instrument_var(const rh_instrument *ins, const char *name);

/* Evaluates expression `expr` over `vars` (nvars values, NAN = unknown).
 * Arithmetic on an unknown value is unknown; comparisons give 1 or 0; `and`
 * is 0 when any operand is 0 even if others are unknown (`or` likewise 1).
 * Returns NAN when the result is unknown or undefined (division by zero). */
double rh_instrument_eval(const rh_instrument *ins, int expr, const double *vars);
/* Whether expression `expr` reads variable `var` (directly). */
bool rh_instrument_expr_reads(const rh_instrument *ins, int expr, int var);

/* Whether `v` lies in the interval. */
bool rh_instr_interval_has(const rh_instr_interval *iv, double v);

/* Catalog kind hooks (core/catalog_kinds.c). */
rh_status rh_instrument_kind_load(const rh_json *root, rh_jx *jx, rh_catalog_reg *reg, void **obj);
void rh_instrument_kind_destroy(void *obj);

#endif

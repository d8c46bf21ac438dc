/* SPDX-License-Identifier: MIT
 *
 * core/facts: the named values the rule engine reasons over.
 *
 * Facts come from the patient profile ("age_y", "sex", "med.beta_blocker"),
 * from instrument scores ("score.phq9.total", "score.phq9.item9") and from
 * earlier rules ("acsm.case", "stage"). Each fact remembers where it came from
 * and whether the profile stated it or it was assumed, so the trace can say
 * "taken as negative because not stated". Names are copied; the table owns
 * every string it holds. Insertion order is kept (deterministic output).
 */
#ifndef RH_CORE_FACTS_H
#define RH_CORE_FACTS_H

#include "base/err.h"
#include "base/jw.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum rh_fact_type {
    RH_FACT_NULL = 0, /* known to be unknown (e.g. stage of a condition without stages) */
    RH_FACT_BOOL,
    RH_FACT_NUM,
    RH_FACT_STR,
} rh_fact_type;

typedef struct rh_fact {
    const char *name;
    rh_fact_type type;
    bool b;
    double num;
    const char *str;
    const char *source; /* "profile", "score:phq9", "rule:acsm.a1", "assumed" ... */
    bool assumed;       /* not stated in the input; a default was used */
} rh_fact;

typedef struct rh_facts rh_facts;

/* Fails with: E_NOMEM. */
rh_status rh_facts_create(rh_facts **out);
void rh_facts_destroy(rh_facts *f);

/* Setters replace an existing fact of the same name. Fail with: E_NOMEM. */
rh_status rh_facts_set_bool(rh_facts *f, const char *name, bool v, const char *source);
rh_status rh_facts_set_num(rh_facts *f, const char *name, double v, const char *source);
rh_status rh_facts_set_str(rh_facts *f, const char *name, const char *v, const char *source);
rh_status rh_facts_set_null(rh_facts *f, const char *name, const char *source);
/* Records a boolean that the input did not state: false, marked assumed. */
rh_status rh_facts_assume_false(rh_facts *f, const char *name);

/* NULL when absent. The pointer is valid until the fact is replaced. */
const rh_fact *rh_facts_get(const rh_facts *f, const char *name);
bool rh_facts_bool(const rh_facts *f, const char *name); /* false when absent/not bool */
/* NAN when absent or not a number. */
double rh_facts_num(const rh_facts *f, const char *name);
const char *rh_facts_str(const rh_facts *f, const char *name); /* NULL when absent */

size_t rh_facts_count(const rh_facts *f);
const rh_fact *rh_facts_at(const rh_facts *f, size_t i);

/* Writes the fact's value as JSON (null, true, 12.5, "S1"). */
void rh_fact_write_value(const rh_fact *fact, rh_jw *w);

#endif

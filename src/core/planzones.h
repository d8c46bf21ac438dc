/* SPDX-License-Identifier: MIT
 *
 * core/planzones: the heart-rate zones of a prescription plan (the JSON that
 * `rehabit prescribe` writes), for `rehabit activity zones`.
 *
 * Contract relied on: a top-level object with "hr_max_bpm" (number),
 * "hr_rest_bpm" (number or null), "patient" {"sex", "age_y"} and
 * "components": [{"modality", "status" (active | after_clearance |
 * reference_only), "intensity": {"hr_bpm": [lo, hi] or null, "basis",
 * "pct": [lo, hi], "rpe": [lo, hi]}}]. Zones come only from components that
 * are active, aerobic and carry an hr_bpm range; a plan without one is
 * refused with the reason (e.g. every aerobic component awaits clearance).
 */
#ifndef RH_CORE_PLANZONES_H
#define RH_CORE_PLANZONES_H

#include "base/err.h"

#include <stdbool.h>
#include <stddef.h>

#define RH_PLANZONES_MAX 16

typedef struct rh_planzone {
    size_t component; /* index in "components" */
    double lo_bpm, hi_bpm;
    char basis[48];        /* intensity.basis as text ("" when absent) */
    double pct_lo, pct_hi; /* intensity.pct, NaN when absent */
    double rpe_lo, rpe_hi; /* intensity.rpe, NaN when absent */
} rh_planzone;

typedef struct rh_planzones {
    double hr_max_bpm;  /* NaN when absent */
    double hr_rest_bpm; /* NaN when null/absent */
    char sex[8];        /* "male", "female" or "" */
    double age_y;       /* NaN when absent */
    size_t nzones;
    rh_planzone zones[RH_PLANZONES_MAX];
} rh_planzones;

/* Reads the plan at `path` ("-" = stdin). Fails with: E_IO, E_PARSE (not
 * JSON, with line/column), E_INVALID (shape; or no active aerobic component
 * with an hr_bpm range: the message says what the plan has instead),
 * E_RANGE (a range with lo > hi or outside 20-250 bpm). */
rh_status rh_planzones_load(const char *path, rh_planzones *out, rh_err *err);
/* Same from a string. */
rh_status rh_planzones_parse(const char *json, size_t len, const char *name, rh_planzones *out,
                             rh_err *err);

#endif

/* SPDX-License-Identifier: MIT
 *
 * base/num: strict number parsing and the project's rounding rule.
 */
#ifndef RH_BASE_NUM_H
#define RH_BASE_NUM_H

#include "base/err.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

/* A double NaN: <math.h>'s NAN is a float, and promoting it trips
 * -Wdouble-promotion under clang. "No data" in every metric. */
#define RH_NAN ((double)NAN)
/* A double infinity, for the same reason. */
#define RH_INF ((double)INFINITY)

/* Parses the whole of `s` as a finite decimal number (no trailing text).
 * Fails with: E_PARSE. */
rh_status rh_parse_double(const char *s, double *out, rh_err *err);
/* Parses the whole of `s` as a base-10 integer. Fails with: E_PARSE, E_RANGE. */
rh_status rh_parse_int64(const char *s, int64_t *out, rh_err *err);

/* Display rounding used for every heart rate and score the program prints:
 * nearest integer, halves away from zero (exercise-standards.md section 0). */
long rh_round_display(double v);

/* True when |a - b| <= tol. */
bool rh_near(double a, double b, double tol);

#endif

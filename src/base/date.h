/* SPDX-License-Identifier: MIT
 *
 * base/date: civil dates and UTC timestamps without the C library's time zone
 * state (Howard Hinnant's days-from-civil algorithm, proleptic Gregorian).
 *
 * A date is a count of days since 1970-01-01 (negative before). A timestamp is
 * seconds since 1970-01-01T00:00:00Z.
 */
#ifndef RH_BASE_DATE_H
#define RH_BASE_DATE_H

#include "base/err.h"

#include <stdbool.h>
#include <stdint.h>

typedef int32_t rh_date; /* days since 1970-01-01 */

rh_date rh_date_from_civil(int year, int month, int day);
void rh_date_to_civil(rh_date d, int *year, int *month, int *day);
bool rh_date_valid_civil(int year, int month, int day);

/* Parses exactly "YYYY-MM-DD". Fails with: E_PARSE (shape), E_RANGE (no such day). */
rh_status rh_date_parse(const char *s, rh_date *out, rh_err *err);
/* Writes "YYYY-MM-DD" (needs 11 bytes). */
void rh_date_format(rh_date d, char out[11]);
/* Adds calendar months; the day is clamped to the last day of the target month. */
rh_date rh_date_add_months(rh_date d, int months);
/* Today's date in UTC from the system clock. */
rh_date rh_date_today_utc(void);
/* Whole calendar months from `from` to `to` (to >= from): the largest m with
 * add_months(from, m) <= to. */
int rh_date_months_between(rh_date from, rh_date to);

/* "YYYY-MM-DDTHH:MM:SSZ" (needs 21 bytes). */
void rh_time_format_utc(int64_t unix_s, char out[21]);
/* Parses ISO 8601 date-time "YYYY-MM-DDTHH:MM:SS[.fff][Z|+hh:mm|-hh:mm]".
 * Without a zone designator the time is taken as UTC and *has_zone is false.
 * Fails with: E_PARSE, E_RANGE. */
rh_status rh_time_parse_iso8601(const char *s, double *unix_s, int *offset_min, bool *has_zone,
                                rh_err *err);

#endif

/* SPDX-License-Identifier: MIT
 *
 * formats/hrcsv: heart-rate series in CSV (exports of watches and apps, and
 * rehabit's own `activity show --csv`).
 *
 * The first line is a header. The delimiter is the first of ',', ';' or tab
 * found in it. Columns are found by name (case-insensitive, spaces and
 * underscores ignored; a trailing unit in brackets such as "HR (bpm)" is
 * ignored):
 *   time: timestamp, time, datetime, date_time, date  (ISO 8601 date-time, or
 *         elapsed time as seconds or [h:]mm:ss)
 *         elapsed, elapsed_s, seconds, time_s, t_s      (seconds since start)
 *   heart rate (required): heart_rate, heartrate, hr, bpm, hr_bpm,
 *         heart_rate_bpm
 *   time_base (optional): utc | system | elapsed, as rehabit writes it.
 * Empty cells are absent values. Anything else that cannot be read is an
 * error with line and column: a CSV is small enough to fix, and a guessed
 * value would be a silent wrong one. Fields may be double-quoted.
 */
#ifndef RH_FORMATS_HRCSV_H
#define RH_FORMATS_HRCSV_H

#include "base/err.h"
#include "signal/activity.h"

#include <stdbool.h>
#include <stddef.h>

#define RH_HRCSV_MAX_LINE 4096

/* True when the first line of `data` is a header this reader understands. */
bool rh_hrcsv_sniff(const void *data, size_t len);

/* Reads a CSV heart-rate series into `act` (initialised by the caller;
 * released on failure), then calls rh_activity_finish.
 * Fails with: E_IO, E_PARSE (line:column), E_INVALID (no heart-rate column),
 * E_LIMIT (a line longer than RH_HRCSV_MAX_LINE), E_NOMEM. */
rh_status rh_hrcsv_read_mem(const void *data, size_t len, const char *name, rh_activity *act,
                            rh_err *err);
rh_status rh_hrcsv_read_file(const char *path, rh_activity *act, rh_err *err);

#endif

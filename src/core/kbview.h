/* SPDX-License-Identifier: MIT
 *
 * core/kbview: read-only views of the catalog for people: a summary with
 * counts by verification status, and single entries printed as JSON with
 * their evidence resolved (used by `rehabit kb`).
 */
#ifndef RH_CORE_KBVIEW_H
#define RH_CORE_KBVIEW_H

#include "base/buf.h"
#include "base/jw.h"
#include "core/catalog.h"

#include <stdbool.h>

void rh_kbview_write_summary(const rh_catalog *cat, rh_jw *w);
/* Appends "verification status of entries: verified N, ..." lines. */
void rh_kbview_append_status_counts(const rh_catalog *cat, rh_buf *out);
/* Writes the entry as stored plus its resolved evidence; false when absent. */
bool rh_kbview_write_entry(const rh_catalog *cat, const char *id, rh_jw *w);

#endif

/* SPDX-License-Identifier: MIT
 *
 * core/plantext: the plan printed for people: a therapist can hand it to a
 * patient. Clear sections, target heart rates in bpm, what to do before each
 * session and when to stop, in English or Chinese (strings from data/i18n and
 * the bilingual texts of rules and components).
 */
#ifndef RH_CORE_PLANTEXT_H
#define RH_CORE_PLANTEXT_H

#include "base/buf.h"
#include "core/prescribe.h"

/* Appends the printable plan in `lang` ("en" or "zh"). Fails with: E_NOMEM,
 * E_LIMIT. */
rh_status rh_plan_write_text(rh_plan *p, rh_plan_view view, const char *lang, rh_buf *out);

#endif

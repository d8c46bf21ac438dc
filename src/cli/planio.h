/* SPDX-License-Identifier: MIT
 *
 * cli/planio: what `rehabit screen` and `rehabit prescribe` share: option
 * parsing, reading the profile and site settings, building the plan and
 * printing it as JSON or text (nothing is printed unless everything worked).
 */
#ifndef RH_CLI_PLANIO_H
#define RH_CLI_PLANIO_H

#include "core/prescribe.h"

/* Runs the command `name` ("screen" or "prescribe") with its arguments;
 * returns the process exit code. */
int rh_planio_main(const char *name, rh_plan_view view, int argc, char **argv);

#endif

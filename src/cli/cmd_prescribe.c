/* SPDX-License-Identifier: MIT
 *
 * cli/cmd_prescribe: `rehabit prescribe FILE|-`: the evidence-traced plan.
 */
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/planio.h"

int rh_cmd_prescribe(int argc, char **argv)
{
    return rh_planio_main("prescribe", RH_PLAN_PRESCRIPTION, argc, argv);
}

/* SPDX-License-Identifier: MIT
 *
 * cli/cmd_screen: `rehabit screen FILE|-`: safety and eligibility decisions.
 */
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/planio.h"

int rh_cmd_screen(int argc, char **argv)
{
    return rh_planio_main("screen", RH_PLAN_SCREEN, argc, argv);
}

/* SPDX-License-Identifier: MIT */
#include "cli/cli.h"
#include "cli/commands.h"

#include <stdio.h>

#ifndef RH_VERSION
#define RH_VERSION "0.0.0"
#endif

int rh_cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("rehabit %s\n", RH_VERSION);
    return RH_EXIT_OK;
}

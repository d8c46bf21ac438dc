/* SPDX-License-Identifier: MIT
 *
 * cli/commands: the whole command surface on one screen (git git.c style).
 */
#include "cli/cli.h"

const rh_cmd rh_commands[] = {
    {"version", rh_cmd_version, "print the version and the knowledge-base fingerprint"},
};

const unsigned rh_commands_count = sizeof(rh_commands) / sizeof(rh_commands[0]);

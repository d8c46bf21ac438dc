/* SPDX-License-Identifier: MIT
 *
 * cli/cli: what every `rehabit` subcommand shares: the command table, exit
 * codes, error printing, whole-buffer output and catalog loading.
 *
 * Exit codes (documented in docs/cli.md):
 *   0  success
 *   1  invalid input: a file or value was malformed, out of range, unreadable,
 *      or a check failed (e.g. `activity check` found a damaged file)
 *   2  usage error: unknown command or option, missing argument
 *   3  internal error: out of memory, cannot write output
 */
#ifndef RH_CLI_CLI_H
#define RH_CLI_CLI_H

#include "base/buf.h"
#include "base/err.h"

#include <stdio.h>

enum rh_exit {
    RH_EXIT_OK = 0,
    RH_EXIT_INPUT = 1,
    RH_EXIT_USAGE = 2,
    RH_EXIT_INTERNAL = 3,
};

typedef int (*rh_cmd_fn)(int argc, char **argv);

typedef struct rh_cmd {
    const char *name;
    rh_cmd_fn fn;
    const char *summary;
} rh_cmd;

extern const rh_cmd rh_commands[];
extern const unsigned rh_commands_count;

/* Maps a status to the process exit code above. */
int rh_cli_exit_code(rh_status st);
/* Prints "rehabit: error: <formatted err>" to stderr; returns the exit code. */
int rh_cli_fail(const rh_err *err);
/* Prints "rehabit: <cmd>: <msg>" and a hint to stderr; returns RH_EXIT_USAGE. */
int rh_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes the whole buffer to stdout in one go; returns 0 or RH_EXIT_INTERNAL. */
int rh_cli_emit(const rh_buf *out);

/* Resets getopt for a subcommand's own option parsing. */
void rh_cli_reset_getopt(void);

#endif

/* SPDX-License-Identifier: MIT
 *
 * cli/main: entry point of the `rehabit` command; dispatches to subcommands.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static void print_help(FILE *fp)
{
    fprintf(fp, "usage: rehabit <command> [options] [args]\n\n"
                "Exercise-rehabilitation decision support: screening, instrument scoring,\n"
                "evidence-traced exercise prescriptions, wearable and heart-signal analysis.\n\n"
                "commands:\n");
    for (unsigned i = 0; i < rh_commands_count; i++)
        fprintf(fp, "  %-10s %s\n", rh_commands[i].name, rh_commands[i].summary);
    fprintf(fp, "\nRun 'rehabit <command> --help' for a command's options and examples.\n"
                "Exit codes: 0 ok, 1 invalid input, 2 usage error, 3 internal error.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return RH_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        print_help(stdout);
        return RH_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0)
        name = "version";
    for (unsigned i = 0; i < rh_commands_count; i++) {
        if (strcmp(rh_commands[i].name, name) == 0) {
            rh_cli_reset_getopt();
            return rh_commands[i].fn(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "rehabit: '%s' is not a rehabit command\n", name);
    print_help(stderr);
    return RH_EXIT_USAGE;
}

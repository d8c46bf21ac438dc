/* SPDX-License-Identifier: MIT
 *
 * cli/commands: one entry point per subcommand (cli/cmd_<name>.c), listed in
 * the dispatch table in cli/commands.c. Each returns a process exit code.
 */
#ifndef RH_CLI_COMMANDS_H
#define RH_CLI_COMMANDS_H

int rh_cmd_activity(int argc, char **argv);
int rh_cmd_ecg(int argc, char **argv);
int rh_cmd_hrm(int argc, char **argv);
int rh_cmd_hrv(int argc, char **argv);
int rh_cmd_kb(int argc, char **argv);
int rh_cmd_prescribe(int argc, char **argv);
int rh_cmd_score(int argc, char **argv);
int rh_cmd_screen(int argc, char **argv);
int rh_cmd_version(int argc, char **argv);

#endif

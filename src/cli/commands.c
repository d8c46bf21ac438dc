/* SPDX-License-Identifier: MIT
 *
 * cli/commands: the whole command surface on one screen (git git.c style).
 */
#include "cli/commands.h"
#include "cli/cli.h"

const rh_cmd rh_commands[] = {
    {"activity", rh_cmd_activity, "read wearable files (FIT, TCX, GPX, CSV): show, check, zones"},
    {"ecg", rh_cmd_ecg, "detect R peaks in a WFDB record; score beats against a reference (EC57)"},
    {"hrm", rh_cmd_hrm, "decode a Bluetooth Heart Rate Measurement (0x2A37) packet"},
    {"hrv", rh_cmd_hrv, "heart-rate variability of RR text, WFDB annotations or detected beats"},
    {"kb", rh_cmd_kb, "check, list and show the knowledge base (instruments, rules, evidence)"},
    {"prescribe", rh_cmd_prescribe, "build an evidence-traced FITT-VP exercise prescription"},
    {"screen", rh_cmd_screen, "screen a patient: ACSM clearance, PAR-Q+, holds, TMS eligibility"},
    {"score", rh_cmd_score, "score an instrument (questionnaire or test) from its answers"},
    {"version", rh_cmd_version, "print the version and the knowledge-base fingerprint"},
};

const unsigned rh_commands_count = sizeof(rh_commands) / sizeof(rh_commands[0]);

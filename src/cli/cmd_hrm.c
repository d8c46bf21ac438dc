/* SPDX-License-Identifier: MIT
 *
 * cli/cmd_hrm: `rehabit hrm decode HEX`: one Bluetooth Heart Rate
 * Measurement (0x2A37) notification, decoded (docs/cli-activity.md).
 */
#include "cli/cli.h"
#include "cli/commands.h"

#include "base/jw.h"
#include "formats/blehr.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/banned.h"

static void usage(FILE *fp)
{
    fprintf(fp, "usage: rehabit hrm decode [--json] HEX...\n\n"
                "Decodes a Bluetooth Heart Rate Measurement (characteristic 0x2A37) payload:\n"
                "flags, heart rate (uint8 or uint16), sensor contact, energy expended (kJ) and\n"
                "every RR interval (raw in 1/1024 s, and in ms). Several HEX arguments are\n"
                "joined into one payload. Output is JSON (--json is accepted for clarity).\n\n"
                "examples:\n"
                "  rehabit hrm decode 16 4B 3A 03 1F 03\n"
                "  rehabit hrm decode 19A0002C010002\n");
}

static const char *contact_name(rh_blehr_contact c)
{
    switch (c) {
    case RH_BLEHR_CONTACT_DETECTED:
        return "detected";
    case RH_BLEHR_CONTACT_NOT_DETECTED:
        return "not_detected";
    case RH_BLEHR_CONTACT_UNSUPPORTED:
        break;
    }
    return "not_supported";
}

int rh_cmd_hrm(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? RH_EXIT_USAGE : RH_EXIT_OK;
    }
    if (strcmp(argv[1], "decode") != 0)
        return rh_cli_usage_error("hrm", "unknown subcommand '%s' (decode)", argv[1]);
    argc--;
    argv++;
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            break;
        case 'h':
            usage(stdout);
            return RH_EXIT_OK;
        default:
            return rh_cli_usage_error("hrm decode", "unknown option");
        }
    }
    if (optind >= argc)
        return rh_cli_usage_error("hrm decode", "expected the payload as HEX");
    rh_buf hex;
    rh_buf_init(&hex, 8192);
    for (int i = optind; i < argc; i++) {
        if (rh_buf_puts(&hex, argv[i]) != RH_OK || rh_buf_putc(&hex, ' ') != RH_OK) {
            rh_buf_release(&hex);
            return rh_cli_usage_error("hrm decode", "payload too long");
        }
    }
    rh_err err;
    rh_err_init(&err);
    uint8_t payload[RH_BLEHR_MAX_PAYLOAD];
    size_t len = 0;
    rh_status st = rh_blehr_parse_hex(rh_buf_cstr(&hex), payload, sizeof(payload), &len, &err);
    rh_buf_release(&hex);
    rh_blehr m;
    if (st == RH_OK)
        st = rh_blehr_decode(payload, len, &m, &err);
    if (st != RH_OK) {
        rh_err_prefix(&err, "0x2A37 payload");
        return rh_cli_fail(&err);
    }
    rh_buf out;
    rh_buf_init(&out, 0);
    rh_jw w;
    rh_jw_init(&w, &out, RH_JW_PRETTY);
    rh_jw_obj_begin(&w);
    rh_jw_kint(&w, "length_bytes", (int64_t)len);
    rh_jw_kint(&w, "flags", m.flags);
    rh_jw_kstr(&w, "hr_format", m.hr_16bit ? "uint16" : "uint8");
    rh_jw_kint(&w, "hr_bpm", m.hr_bpm);
    rh_jw_kstr(&w, "sensor_contact", contact_name(m.contact));
    rh_jw_key(&w, "energy_expended_kj");
    if (m.has_energy)
        rh_jw_int(&w, m.energy_kj);
    else
        rh_jw_null(&w);
    rh_jw_kbool(&w, "rr_present", m.has_rr);
    rh_jw_key(&w, "rr_1024");
    rh_jw_arr_begin_inline(&w);
    for (size_t i = 0; i < m.nrr; i++)
        rh_jw_int(&w, m.rr_1024[i]);
    rh_jw_arr_end(&w);
    rh_jw_key(&w, "rr_ms");
    rh_jw_arr_begin_inline(&w);
    for (size_t i = 0; i < m.nrr; i++)
        rh_jw_double(&w, m.rr_ms[i]);
    rh_jw_arr_end(&w);
    rh_jw_obj_end(&w);
    st = rh_jw_finish(&w);
    if (st != RH_OK) {
        rh_buf_release(&out);
        RH_FAIL(&err, st, "cannot build the output");
        return rh_cli_fail(&err);
    }
    int rc = rh_cli_emit(&out);
    rh_buf_release(&out);
    return rc;
}

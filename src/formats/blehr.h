/* SPDX-License-Identifier: MIT
 *
 * formats/blehr: the Bluetooth LE Heart Rate Measurement characteristic
 * (0x2A37) payload, for the live ingest path: flags, 8- or 16-bit heart rate,
 * sensor contact, energy expended (kJ) and every RR interval (1/1024 s,
 * oldest first). All multi-byte fields are little-endian.
 *
 * A payload that does not match its flags (too short, an odd trailing byte
 * among the RR intervals, bytes left over when no RR is flagged) is refused:
 * no guessing on a live stream. Reserved flag bits 5-7 are ignored.
 */
#ifndef RH_FORMATS_BLEHR_H
#define RH_FORMATS_BLEHR_H

#include "base/err.h"
#include "signal/activity.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest payload accepted (an ATT value is at most 512 bytes). */
#define RH_BLEHR_MAX_PAYLOAD 512
#define RH_BLEHR_MAX_RR      ((RH_BLEHR_MAX_PAYLOAD - 2) / 2)

typedef enum rh_blehr_contact {
    RH_BLEHR_CONTACT_UNSUPPORTED = 0, /* flag bits 2-1 = 0 or 1 */
    RH_BLEHR_CONTACT_NOT_DETECTED,    /* 2: supported, no contact */
    RH_BLEHR_CONTACT_DETECTED,        /* 3: supported, contact */
} rh_blehr_contact;

typedef struct rh_blehr {
    uint8_t flags;
    bool hr_16bit;   /* flags bit 0 */
    unsigned hr_bpm; /* as sent */
    rh_blehr_contact contact;
    bool has_energy;                   /* flags bit 3 */
    unsigned energy_kj;                /* cumulative since the last reset */
    bool has_rr;                       /* flags bit 4 */
    size_t nrr;                        /* may be 0 even when has_rr */
    uint16_t rr_1024[RH_BLEHR_MAX_RR]; /* raw, 1/1024 s */
    double rr_ms[RH_BLEHR_MAX_RR];     /* raw * 1000 / 1024 */
} rh_blehr;

/* Decodes one notification payload. Fails with: E_PARSE (shorter than its
 * flags require, odd RR remainder, trailing bytes), E_LIMIT (longer than
 * RH_BLEHR_MAX_PAYLOAD). */
rh_status rh_blehr_decode(const uint8_t *payload, size_t len, rh_blehr *out, rh_err *err);

/* Parses hex text ("16 4B 3A 03", "16:4b:3a:03", "164B3A03", optional 0x)
 * into at most `cap` bytes. Fails with: E_PARSE (not hex, odd digit count),
 * E_LIMIT (more than cap bytes). */
rh_status rh_blehr_parse_hex(const char *text, uint8_t *out, size_t cap, size_t *len, rh_err *err);

/* Appends one decoded packet received at t_ms (UTC) to a live activity: a
 * sample with its heart rate and every RR interval in order.
 * Fails with: E_NOMEM, E_LIMIT. */
rh_status rh_blehr_add_to_activity(rh_activity *act, int64_t t_ms, const rh_blehr *m, rh_err *err);

#endif

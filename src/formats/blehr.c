/* SPDX-License-Identifier: MIT */
#include "formats/blehr.h"

#include <string.h>

#include "base/banned.h"

rh_status rh_blehr_decode(const uint8_t *p, size_t len, rh_blehr *out, rh_err *err)
{
    memset(out, 0, sizeof(*out));
    if (len > RH_BLEHR_MAX_PAYLOAD)
        return RH_FAIL(err, RH_E_LIMIT, "payload of %zu bytes is longer than %d", len,
                       RH_BLEHR_MAX_PAYLOAD);
    if (len < 2)
        return RH_FAIL(err, RH_E_PARSE, "payload of %zu byte%s: flags and heart rate need 2", len,
                       len == 1 ? "" : "s");
    uint8_t f = p[0];
    out->flags = f;
    out->hr_16bit = (f & 0x01) != 0;
    unsigned contact = (f >> 1) & 3u;
    out->contact = contact == 3   ? RH_BLEHR_CONTACT_DETECTED
                   : contact == 2 ? RH_BLEHR_CONTACT_NOT_DETECTED
                                  : RH_BLEHR_CONTACT_UNSUPPORTED;
    out->has_energy = (f & 0x08) != 0;
    out->has_rr = (f & 0x10) != 0;
    size_t need = 1 + (out->hr_16bit ? 2u : 1u) + (out->has_energy ? 2u : 0u);
    if (len < need)
        return RH_FAIL(err, RH_E_PARSE, "flags 0x%02X need %zu bytes, the payload has %zu", f, need,
                       len);
    size_t i = 1;
    if (out->hr_16bit) {
        out->hr_bpm = (unsigned)p[1] | (unsigned)p[2] << 8;
        i = 3;
    } else {
        out->hr_bpm = p[1];
        i = 2;
    }
    if (out->has_energy) {
        out->energy_kj = (unsigned)p[i] | (unsigned)p[i + 1] << 8;
        i += 2;
    }
    size_t rest = len - i;
    if (!out->has_rr) {
        if (rest != 0)
            return RH_FAIL(err, RH_E_PARSE,
                           "%zu byte%s after the fields flags 0x%02X announce (no RR flagged)",
                           rest, rest == 1 ? "" : "s", f);
        return RH_OK;
    }
    if (rest % 2 != 0)
        return RH_FAIL(err, RH_E_PARSE,
                       "RR intervals take %zu bytes, not a whole number of 2-byte values", rest);
    out->nrr = rest / 2;
    for (size_t k = 0; k < out->nrr; k++) {
        uint16_t raw = (uint16_t)((unsigned)p[i + 2 * k] | (unsigned)p[i + 2 * k + 1] << 8);
        out->rr_1024[k] = raw;
        out->rr_ms[k] = (double)raw * 1000.0 / 1024.0;
    }
    return RH_OK;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

rh_status rh_blehr_parse_hex(const char *text, uint8_t *out, size_t cap, size_t *len, rh_err *err)
{
    size_t n = 0;
    int hi = -1;
    *len = 0;
    for (const char *s = text; *s; s++) {
        if (*s == ' ' || *s == ':' || *s == '-' || *s == ',' || *s == '\t' || *s == '\n')
            continue;
        if (*s == '0' && (s[1] == 'x' || s[1] == 'X') && hi < 0) {
            s++;
            continue;
        }
        int v = hexval(*s);
        if (v < 0)
            return RH_FAIL(err, RH_E_PARSE, "'%c' at position %zu is not a hex digit", *s,
                           (size_t)(s - text) + 1);
        if (hi < 0) {
            hi = v;
            continue;
        }
        if (n >= cap)
            return RH_FAIL(err, RH_E_LIMIT, "more than %zu bytes of hex", cap);
        out[n++] = (uint8_t)(hi << 4 | v);
        hi = -1;
    }
    if (hi >= 0)
        return RH_FAIL(err, RH_E_PARSE, "odd number of hex digits");
    *len = n;
    return RH_OK;
}

rh_status rh_blehr_add_to_activity(rh_activity *act, int64_t t_ms, const rh_blehr *m, rh_err *err)
{
    rh_status st = rh_activity_add_point(act, t_ms, RH_TIME_UTC, (double)m->hr_bpm, NULL, err);
    for (size_t i = 0; st == RH_OK && i < m->nrr; i++)
        st = rh_activity_add_rr(act, m->rr_ms[i], err);
    return st;
}

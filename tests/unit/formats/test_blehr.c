/* SPDX-License-Identifier: MIT */
#include "rh_test.h"

#include "formats/blehr.h"

#include <string.h>

static rh_status dec(const char *hex, rh_blehr *m)
{
    uint8_t p[RH_BLEHR_MAX_PAYLOAD + 8];
    size_t n;
    rh_status st = rh_blehr_parse_hex(hex, p, sizeof(p), &n, NULL);
    return st != RH_OK ? st : rh_blehr_decode(p, n, m, NULL);
}

static void decodes_uint8_hr_with_contact_and_two_rr(void **state)
{
    (void)state;
    rh_blehr m;
    assert_int_equal(dec("16 4B 3A 03 1F 03", &m), RH_OK);
    assert_false(m.hr_16bit);
    assert_int_equal(m.hr_bpm, 75);
    assert_int_equal(m.contact, RH_BLEHR_CONTACT_DETECTED);
    assert_false(m.has_energy);
    assert_int_equal(m.nrr, 2);
    assert_int_equal(m.rr_1024[0], 826); /* oldest first */
    assert_true(m.rr_ms[0] == 806.640625);
    assert_true(m.rr_ms[1] == 780.2734375);
}

static void decodes_uint16_hr_and_energy_in_kj(void **state)
{
    (void)state;
    rh_blehr m;
    assert_int_equal(dec("19A0002C010002", &m), RH_OK);
    assert_true(m.hr_16bit);
    assert_int_equal(m.hr_bpm, 160);
    assert_int_equal(m.contact, RH_BLEHR_CONTACT_UNSUPPORTED);
    assert_true(m.has_energy);
    assert_int_equal(m.energy_kj, 300);
    assert_int_equal(m.nrr, 1);
    assert_true(m.rr_ms[0] == 500.0);
}

static void contact_states_and_reserved_bits(void **state)
{
    (void)state;
    rh_blehr m;
    assert_int_equal(dec("04 50", &m), RH_OK);
    assert_int_equal(m.contact, RH_BLEHR_CONTACT_NOT_DETECTED);
    assert_int_equal(dec("02 50", &m), RH_OK);
    assert_int_equal(m.contact, RH_BLEHR_CONTACT_UNSUPPORTED);
    assert_int_equal(dec("E0 50", &m), RH_OK); /* reserved bits ignored */
    assert_int_equal(m.hr_bpm, 80);
    /* RR flagged but none in this notification. */
    assert_int_equal(dec("10 50", &m), RH_OK);
    assert_true(m.has_rr);
    assert_int_equal(m.nrr, 0);
    /* Nine RR values fill a 20-byte ATT payload. */
    assert_int_equal(dec("10 50 0004 0004 0004 0004 0004 0004 0004 0004 0004", &m), RH_OK);
    assert_int_equal(m.nrr, 9);
    assert_true(m.rr_ms[8] == 1000.0);
}

static void malformed_payloads_are_refused(void **state)
{
    (void)state;
    rh_blehr m;
    assert_int_equal(dec("", &m), RH_E_PARSE);
    assert_int_equal(dec("00", &m), RH_E_PARSE);
    assert_int_equal(dec("01 50", &m), RH_E_PARSE);          /* uint16 HR needs 2 bytes */
    assert_int_equal(dec("08 50 01", &m), RH_E_PARSE);       /* energy needs 2 bytes */
    assert_int_equal(dec("10 50 00 04 00", &m), RH_E_PARSE); /* odd RR remainder */
    assert_int_equal(dec("00 50 00", &m), RH_E_PARSE);       /* trailing byte */
    uint8_t out[4];
    size_t n;
    assert_int_equal(rh_blehr_parse_hex("0x1G", out, 4, &n, NULL), RH_E_PARSE);
    assert_int_equal(rh_blehr_parse_hex("123", out, 4, &n, NULL), RH_E_PARSE);
    assert_int_equal(rh_blehr_parse_hex("0102030405", out, 4, &n, NULL), RH_E_LIMIT);
    assert_int_equal(rh_blehr_parse_hex("0x16:4b", out, 4, &n, NULL), RH_OK);
    assert_int_equal(n, 2);
    uint8_t big[RH_BLEHR_MAX_PAYLOAD + 1] = {0x10, 60};
    assert_int_equal(rh_blehr_decode(big, sizeof(big), &m, NULL), RH_E_LIMIT);
}

static void packets_feed_a_live_activity(void **state)
{
    (void)state;
    rh_blehr m;
    assert_int_equal(dec("16 4B 3A 03 1F 03", &m), RH_OK);
    rh_activity a;
    rh_activity_init(&a, RH_ACTIVITY_BLE);
    assert_int_equal(rh_blehr_add_to_activity(&a, 1700000000000, &m, NULL), RH_OK);
    assert_int_equal(rh_activity_finish(&a, NULL), RH_OK);
    assert_int_equal(a.npoints, 1);
    assert_int_equal(a.nrr, 2);
    assert_int_equal(a.nhr, 1);
    rh_activity_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decodes_uint8_hr_with_contact_and_two_rr),
        cmocka_unit_test(decodes_uint16_hr_and_energy_in_kj),
        cmocka_unit_test(contact_states_and_reserved_bits),
        cmocka_unit_test(malformed_payloads_are_refused),
        cmocka_unit_test(packets_feed_a_live_activity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

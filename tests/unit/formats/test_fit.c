/* SPDX-License-Identifier: MIT */
#include "rh_test.h"

#include "fit_encoder.h"

#include "base/alloc.h"
#include "formats/fit.h"
#include "signal/activity.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TS0 900000000u /* a UTC FIT time (2018) */

static rh_status decode(const fenc *e, bool salvage, rh_activity *a, rh_fit_report *rep)
{
    rh_fit_opts o = {.salvage = salvage};
    rh_activity_init(a, RH_ACTIVITY_FIT);
    rh_err err;
    rh_err_init(&err);
    return rh_fit_read_activity_mem(e->buf, e->n, "test.fit", &o, a, rep, &err);
}

static void crc_is_crc16_arc(void **state)
{
    (void)state;
    assert_int_equal(rh_fit_crc16(0, "123456789", 9), 0xBB3D);
    /* Running the CRC over a segment including its stored CRC gives 0. */
    fenc e = {0};
    fe_begin(&e, 14);
    fe_end(&e);
    assert_int_equal(rh_fit_crc16(0, e.buf, e.n), 0);
    free(e.buf);
    /* Against a bit-by-bit CRC-16/ARC, every length and alignment around the
     * 16-byte steps, and split anywhere. */
    uint8_t buf[300];
    uint32_t x = 1;
    for (size_t i = 0; i < sizeof(buf); i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }
    for (size_t off = 0; off < 4; off++) {
        for (size_t len = 0; len + off <= sizeof(buf); len++) {
            uint16_t want = 0x1D0F;
            for (size_t i = 0; i < len; i++) {
                want ^= buf[off + i];
                for (int k = 0; k < 8; k++)
                    want = (uint16_t)((want & 1) ? (want >> 1) ^ 0xA001 : want >> 1);
            }
            assert_int_equal(rh_fit_crc16(0x1D0F, buf + off, len), want);
            size_t cut = len * 7 / 11;
            assert_int_equal(
                rh_fit_crc16(rh_fit_crc16(0x1D0F, buf + off, cut), buf + off + cut, len - cut),
                want);
        }
    }
}

/* A record with heart_rate declared as base type `type` (size bytes). */
static void one_record_hr(fenc *e, bool big, uint8_t type, unsigned size, uint64_t raw)
{
    fe_field f[] = {{253, 4, FT_UINT32}, {3, (uint8_t)size, type}};
    fe_def(e, 0, big, 20, f, 2);
    fe_data(e, 0);
    fe_val(e, TS0, 4, big);
    fe_val(e, raw, size, big);
}

static void every_base_type_reads_values_and_invalids_in_both_byte_orders(void **state)
{
    (void)state;
    struct {
        uint8_t type;
        unsigned size;
        uint64_t invalid;
    } t[] = {
        {FT_ENUM, 1, 0xFF},         {FT_SINT8, 1, 0x7F},
        {FT_UINT8, 1, 0xFF},        {FT_SINT16, 2, 0x7FFF},
        {FT_UINT16, 2, 0xFFFF},     {FT_SINT32, 4, 0x7FFFFFFF},
        {FT_UINT32, 4, 0xFFFFFFFF}, {FT_UINT8Z, 1, 0},
        {FT_UINT16Z, 2, 0},         {FT_UINT32Z, 4, 0},
        {FT_BYTE, 1, 0xFF},         {FT_SINT64, 8, 0x7FFFFFFFFFFFFFFFull},
        {FT_UINT64, 8, UINT64_MAX}, {FT_UINT64Z, 8, 0},
        {0x06, 4, 0xFFFFFFFF}, /* uint32 without the endian bit (GoldenCheetah) */
    };
    for (int big = 0; big < 2; big++) {
        for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
            fenc e = {0};
            fe_begin(&e, 14);
            one_record_hr(&e, big, t[i].type, t[i].size, 123);
            one_record_hr(&e, big, t[i].type, t[i].size, t[i].invalid);
            fe_end(&e);
            rh_activity a;
            rh_fit_report rep;
            assert_int_equal(decode(&e, false, &a, &rep), RH_OK);
            assert_int_equal(a.npoints, 2);
            assert_true(a.points[0].hr_bpm == 123.0);
            assert_true(isnan(a.points[1].hr_bpm));
            assert_int_equal(a.points[0].t_ms, ((int64_t)TS0 + RH_FIT_EPOCH_UNIX_S) * 1000);
            rh_activity_release(&a);
            free(e.buf);
        }
        /* Floats: a value, the all-ones invalid pattern. */
        uint32_t f120;
        float f = 120.0f;
        memcpy(&f120, &f, 4);
        fenc e = {0};
        fe_begin(&e, 12);
        one_record_hr(&e, big, FT_FLOAT32, 4, f120);
        one_record_hr(&e, big, FT_FLOAT32, 4, 0xFFFFFFFF);
        double d = 121.0;
        uint64_t d121;
        memcpy(&d121, &d, 8);
        one_record_hr(&e, big, FT_FLOAT64, 8, d121);
        fe_end(&e);
        rh_activity a;
        rh_fit_report rep;
        assert_int_equal(decode(&e, false, &a, &rep), RH_OK);
        assert_true(a.points[0].hr_bpm == 120.0);
        assert_true(isnan(a.points[1].hr_bpm));
        assert_true(a.points[2].hr_bpm == 121.0);
        rh_activity_release(&a);
        free(e.buf);
    }
}

static void scale_offset_and_unknown_fields_skipped_by_size(void **state)
{
    (void)state;
    for (int big = 0; big < 2; big++) {
        fenc e = {0};
        fe_begin(&e, 14);
        fe_field f[] = {
            {200, 7, FT_STRING}, {253, 4, FT_UINT32}, {201, 16, FT_UINT64}, {2, 2, FT_UINT16},
            {5, 4, FT_UINT32},   {6, 2, FT_UINT16},   {0, 4, FT_SINT32},    {3, 1, FT_UINT8},
            {202, 3, FT_BYTE},   {7, 2, FT_UINT16},   {4, 1, FT_UINT8},
        };
        fe_def(&e, 5, big, 20, f, sizeof(f) / sizeof(f[0]));
        /* An unknown global message between records. */
        fe_field u[] = {{1, 9, FT_BYTE}};
        fe_def(&e, 6, big, 0xFF01, u, 1);
        fe_data(&e, 5);
        fe_put(&e, "abcdefg", 7);
        fe_val(&e, TS0, 4, big);
        fe_val(&e, 1, 8, big);
        fe_val(&e, 2, 8, big);
        fe_val(&e, 2496, 2, big);       /* altitude: 2496 / 5 - 500 = -0.8 m */
        fe_val(&e, 678500, 4, big);     /* distance: 6785.00 m */
        fe_val(&e, 1204, 2, big);       /* speed 1.204 m/s */
        fe_val(&e, 0x20000000, 4, big); /* latitude 45 degrees */
        fe_val(&e, 0, 1, big);          /* HR 0 is a value */
        fe_put(&e, "\xff\xff\xff", 3);
        fe_val(&e, 250, 2, big); /* power */
        fe_val(&e, 88, 1, big);  /* cadence */
        fe_data(&e, 6);
        fe_put(&e, "123456789", 9);
        fe_end(&e);
        rh_activity a;
        rh_fit_report rep;
        assert_int_equal(decode(&e, false, &a, &rep), RH_OK);
        assert_int_equal(a.npoints, 1);
        assert_true(a.points[0].hr_bpm == 0.0);
        assert_true(rh_activity_col_get(&a, 0, RH_COL_ALTITUDE_M) == -0.8);
        assert_true(rh_activity_col_get(&a, 0, RH_COL_DISTANCE_M) == 6785.0);
        assert_true(rh_activity_col_get(&a, 0, RH_COL_SPEED_M_S) == 1.204);
        assert_true(rh_activity_col_get(&a, 0, RH_COL_LAT_DEG) == 45.0);
        assert_true(rh_activity_col_get(&a, 0, RH_COL_POWER_W) == 250.0);
        assert_true(rh_activity_col_get(&a, 0, RH_COL_CADENCE_RPM) == 88.0);
        assert_int_equal(a.ncounts, 2);
        assert_int_equal(a.counts[1].global, 0xFF01);
        assert_int_equal(a.counts[1].count, 1);
        /* HR 0 is not a reading: the 1 Hz series stays empty. */
        assert_int_equal(a.nhr, 0);
        rh_activity_release(&a);
        free(e.buf);
    }
}

/* Every record field declared with its profile base type (the decoder's
 * typed path) or with another type (the general path) reads the same, in
 * both byte orders; invalid values read as absent either way. */
static void record_fields_read_alike_in_profile_and_other_base_types(void **state)
{
    (void)state;
    /* field, profile type and size, another type and size, a value, and the
     * invalid value of each type */
    static const struct {
        uint8_t num, t1, s1, t2, s2;
        uint64_t value, bad1, bad2;
    } f[] = {
        {253, FT_UINT32, 4, FT_UINT32Z, 4, TS0, 0xFFFFFFFF, 0},
        {0, FT_SINT32, 4, FT_SINT64, 8, 0x20000000, 0x7FFFFFFF, 0x7FFFFFFFFFFFFFFFull},
        {1, FT_SINT32, 4, FT_SINT32, 4, 0xF0000000, 0x7FFFFFFF, 0x7FFFFFFF},
        {2, FT_UINT16, 2, FT_UINT32, 4, 2496, 0xFFFF, 0xFFFFFFFF},
        {3, FT_UINT8, 1, FT_UINT16, 2, 150, 0xFF, 0xFFFF},
        {4, FT_UINT8, 1, FT_UINT16Z, 2, 88, 0xFF, 0},
        {5, FT_UINT32, 4, FT_UINT64, 8, 678500, 0xFFFFFFFF, UINT64_MAX},
        {6, FT_UINT16, 2, FT_UINT32, 4, 1204, 0xFFFF, 0xFFFFFFFF},
        {7, FT_UINT16, 2, FT_SINT16, 2, 250, 0xFFFF, 0x7FFF},
        {73, FT_UINT32, 4, FT_UINT64Z, 8, 1205, 0xFFFFFFFF, 0},
        {78, FT_UINT32, 4, FT_UINT32Z, 4, 2996, 0xFFFFFFFF, 0},
    };
    enum { NF = sizeof(f) / sizeof(f[0]) };
    for (int big = 0; big < 2; big++) {
        fenc e = {0};
        fe_begin(&e, 14);
        fe_field d1[NF], d2[NF];
        for (size_t i = 0; i < NF; i++) {
            d1[i] = (fe_field){f[i].num, f[i].s1, f[i].t1};
            d2[i] = (fe_field){f[i].num, f[i].s2, f[i].t2};
        }
        fe_def(&e, 0, big, 20, d1, NF);
        fe_def(&e, 1, big, 20, d2, NF);
        for (int bad = 0; bad < 2; bad++) {
            fe_data(&e, 0);
            for (size_t i = 0; i < NF; i++)
                fe_val(&e, bad ? f[i].bad1 : f[i].value, f[i].s1, big);
            fe_data(&e, 1);
            for (size_t i = 0; i < NF; i++) {
                uint64_t v = f[i].value;
                if (f[i].t2 == FT_SINT64 && (v & 0x80000000u)) /* sign-extend */
                    v |= 0xFFFFFFFF00000000ull;
                fe_val(&e, bad ? f[i].bad2 : v, f[i].s2, big);
            }
        }
        fe_end(&e);
        rh_activity a;
        rh_fit_report rep;
        assert_int_equal(decode(&e, false, &a, &rep), RH_OK);
        assert_int_equal(a.npoints, 4);
        assert_true(a.points[0].hr_bpm == 150.0);
        assert_int_equal(a.points[0].time_base, RH_TIME_UTC);
        assert_true(rh_activity_col_get(&a, 0, RH_COL_ALTITUDE_M) == 99.2); /* enhanced wins */
        assert_true(rh_activity_col_get(&a, 0, RH_COL_SPEED_M_S) == 1.205);
        assert_true(rh_activity_col_get(&a, 0, RH_COL_DISTANCE_M) == 6785.0);
        assert_true(rh_activity_col_get(&a, 0, RH_COL_LAT_DEG) == 45.0);
        assert_true(rh_activity_col_get(&a, 0, RH_COL_LON_DEG) == -22.5);
        assert_true(rh_activity_col_get(&a, 0, RH_COL_POWER_W) == 250.0);
        assert_true(rh_activity_col_get(&a, 0, RH_COL_CADENCE_RPM) == 88.0);
        for (size_t k = 0; k < 4; k += 2) {
            assert_int_equal(a.points[k].t_ms, a.points[k + 1].t_ms);
            assert_int_equal(a.points[k].time_base, a.points[k + 1].time_base);
            assert_memory_equal(&a.points[k].hr_bpm, &a.points[k + 1].hr_bpm, sizeof(double));
            for (int c = 0; c < RH_COL_COUNT; c++) {
                double x = rh_activity_col_get(&a, k, (rh_activity_col)c);
                double y = rh_activity_col_get(&a, k + 1, (rh_activity_col)c);
                assert_true(k == 0 ? x == y : isnan(x) && isnan(y));
            }
        }
        assert_int_equal(a.points[2].time_base, RH_TIME_NONE);
        assert_true(isnan(a.points[2].hr_bpm));
        assert_int_equal(rep.records_with_hr, 2);
        rh_activity_release(&a);
        free(e.buf);
    }
}

static void field_size_not_a_multiple_of_its_type_reads_as_absent(void **state)
{
    (void)state;
    fenc e = {0};
    fe_begin(&e, 14);
    /* event.data declared uint32 with size 1; heart_rate uint16 with size 3. */
    fe_field ev[] = {{253, 4, FT_UINT32}, {0, 1, FT_ENUM}, {3, 1, FT_UINT32}, {1, 1, FT_ENUM}};
    fe_def(&e, 0, false, 21, ev, 4);
    fe_data(&e, 0);
    fe_val(&e, TS0, 4, false);
    fe_u8(&e, 0);
    fe_u8(&e, 7);
    fe_u8(&e, 1);
    fe_field rec[] = {{253, 4, FT_UINT32}, {3, 3, FT_UINT16}, {4, 1, FT_UINT8}};
    fe_def(&e, 1, false, 20, rec, 3);
    fe_data(&e, 1);
    fe_val(&e, TS0 + 1, 4, false);
    fe_put(&e, "\x50\x00\x00", 3);
    fe_u8(&e, 90);
    fe_end(&e);
    rh_activity a;
    rh_fit_report rep;
    assert_int_equal(decode(&e, false, &a, &rep), RH_OK);
    assert_int_equal(a.nevents, 1);
    assert_int_equal(a.events[0].data, -1);
    assert_int_equal(a.events[0].event_type, 1);
    assert_int_equal(a.npoints, 1);
    assert_true(isnan(a.points[0].hr_bpm));
    assert_true(rh_activity_col_get(&a, 0, RH_COL_CADENCE_RPM) == 90.0);
    rh_activity_release(&a);
    free(e.buf);
}

static void compressed_timestamps_roll_over_and_follow_any_message(void **state)
{
    (void)state;
    fenc e = {0};
    fe_begin(&e, 14);
    /* An event sets the reference time; compressed records follow. */
    fe_field ev[] = {{253, 4, FT_UINT32}, {0, 1, FT_ENUM}};
    fe_def(&e, 0, true, 21, ev, 2);
    fe_data(&e, 0);
    fe_val(&e, 1000, 4, true); /* 1000 = 0x3E8, low 5 bits 8 */
    fe_u8(&e, 0);
    fe_field rec[] = {{3, 1, FT_UINT8}};
    fe_def(&e, 1, false, 20, rec, 1);
    fe_data_ct(&e, 1, 10); /* 992 + 10 = 1002 */
    fe_u8(&e, 100);
    fe_data_ct(&e, 1, 3); /* 3 < 10: rollover, 992 + 32 + 3 = 1027 */
    fe_u8(&e, 101);
    fe_data_ct(&e, 1, 3); /* same second again */
    fe_u8(&e, 102);
    fe_end(&e);
    rh_activity a;
    rh_fit_report rep;
    assert_int_equal(decode(&e, false, &a, &rep), RH_OK);
    assert_int_equal(rep.compressed_timestamps, 3);
    assert_int_equal(a.npoints, 3);
    int64_t base = RH_FIT_EPOCH_UNIX_S * 1000;
    assert_int_equal(a.points[0].t_ms - base, 1002000);
    assert_int_equal(a.points[1].t_ms - base, 1027000);
    assert_int_equal(a.points[2].t_ms - base, 1027000);
    /* 1000 is below 0x10000000: device system time, flagged as such. */
    assert_int_equal(a.points[0].time_base, RH_TIME_SYSTEM);
    /* Duplicates in one second merge into their mean. */
    assert_int_equal(a.nhr, 2);
    assert_true(a.hr_bpm[1] == 101.5);
    rh_activity_release(&a);
    free(e.buf);
}

static void compressed_header_without_reference_time_has_no_timestamp(void **state)
{
    (void)state;
    fenc e = {0};
    fe_begin(&e, 14);
    fe_field rec[] = {{3, 1, FT_UINT8}};
    fe_def(&e, 2, false, 20, rec, 1);
    fe_data_ct(&e, 2, 5);
    fe_u8(&e, 90);
    fe_end(&e);
    rh_activity a;
    rh_fit_report rep;
    assert_int_equal(decode(&e, false, &a, &rep), RH_OK);
    assert_int_equal(a.points[0].time_base, RH_TIME_NONE);
    rh_activity_release(&a);
    free(e.buf);
}

static void developer_fields_are_skipped_by_size_and_described(void **state)
{
    (void)state;
    fenc e = {0};
    fe_begin(&e, 14);
    fe_field did[] = {{3, 1, FT_UINT8}, {1, 16, FT_BYTE}};
    fe_def(&e, 0, false, 207, did, 2);
    fe_data(&e, 0);
    fe_u8(&e, 0);
    fe_put(&e, "0123456789abcdef", 16);
    fe_field fd[] = {
        {0, 1, FT_UINT8}, {1, 1, FT_UINT8}, {2, 1, FT_UINT8}, {3, 8, FT_STRING}, {8, 4, FT_STRING}};
    fe_def(&e, 1, false, 206, fd, 5);
    fe_data(&e, 1);
    fe_u8(&e, 0);
    fe_u8(&e, 7);
    fe_u8(&e, FT_UINT16);
    fe_put(&e, "Power\0\0\0", 8);
    fe_put(&e, "W\0\0\0", 4);
    fe_field rec[] = {{253, 4, FT_UINT32}, {3, 1, FT_UINT8}};
    fe_field dev[] = {{7, 2, 0}, {9, 5, 0}};
    fe_def_dev(&e, 2, true, 20, rec, 2, dev, 2);
    fe_data(&e, 2);
    fe_val(&e, TS0, 4, true);
    fe_u8(&e, 77);
    fe_put(&e, "\x01\x02\x03\x04\x05\x06\x07", 7);
    fe_data(&e, 2);
    fe_val(&e, TS0 + 1, 4, true);
    fe_u8(&e, 78);
    fe_put(&e, "\x01\x02\x03\x04\x05\x06\x07", 7);
    fe_end(&e);
    rh_activity a;
    rh_fit_report rep;
    assert_int_equal(decode(&e, false, &a, &rep), RH_OK);
    assert_int_equal(rep.developer_field_defs, 2);
    assert_int_equal(a.npoints, 2);
    assert_true(a.points[1].hr_bpm == 78.0);
    assert_int_equal(a.ndevfields, 1);
    assert_string_equal(a.devfields[0].name, "Power");
    assert_string_equal(a.devfields[0].units, "W");
    assert_int_equal(a.devfields[0].field_number, 7);
    assert_int_equal(a.devfields[0].native_mesg, -1);
    rh_activity_release(&a);
    free(e.buf);
}

/* A segment of `hr` messages: one anchored (timestamp + fractional + full
 * event_timestamp), then 8 beats packed as 12-bit values. */
static void hr_segment(fenc *e, uint32_t ts, uint32_t beat0, unsigned step_1024, unsigned bpm)
{
    fe_begin(e, 14);
    fe_field a[] = {{253, 4, FT_UINT32}, {0, 2, FT_UINT16}, {9, 4, FT_UINT32}, {6, 1, FT_UINT8}};
    fe_def(e, 0, false, 132, a, 4);
    fe_data(e, 0);
    fe_val(e, ts, 4, false);
    fe_val(e, 0, 2, false); /* fractional 0: the beat happened at ts */
    fe_val(e, beat0, 4, false);
    fe_u8(e, bpm);
    fe_field p[] = {{10, 12, FT_BYTE}, {6, 8, FT_UINT8}};
    fe_def(e, 1, false, 132, p, 2);
    fe_data(e, 1);
    uint8_t packed[12] = {0};
    for (unsigned i = 0; i < 8; i++) {
        unsigned v = (beat0 + (i + 1) * step_1024) & 0xFFF;
        size_t bit = i * 12, byte = bit / 8;
        if (bit % 8 == 0) {
            packed[byte] = (uint8_t)v;
            packed[byte + 1] |= (uint8_t)(v >> 8);
        } else {
            packed[byte] |= (uint8_t)((v & 0x0F) << 4);
            packed[byte + 1] = (uint8_t)(v >> 4);
        }
    }
    fe_put(e, packed, 12);
    for (unsigned i = 0; i < 8; i++)
        fe_u8(e, bpm);
    fe_end(e);
}

static void chained_segments_carry_hr_messages_onto_the_wall_clock(void **state)
{
    (void)state;
    fenc e = {0};
    fe_begin(&e, 14);
    fe_field rec[] = {{253, 4, FT_UINT32}, {3, 1, FT_UINT8}};
    fe_def(&e, 0, false, 20, rec, 2);
    for (unsigned i = 0; i < 10; i++) {
        fe_data(&e, 0);
        fe_val(&e, TS0 + i, 4, false);
        fe_u8(&e, i < 5 ? 0xFF : 150); /* no HR in the first 5 records */
    }
    fe_end(&e);
    /* Beats every 1024/1024 s from TS0 with 4000 on the beat clock (the
     * 12-bit values roll over at 4096). */
    hr_segment(&e, TS0, 4000, 1024, 120);
    rh_activity a;
    rh_fit_report rep;
    assert_int_equal(decode(&e, false, &a, &rep), RH_OK);
    assert_int_equal(a.segments, 2);
    assert_int_equal(rep.hr_messages, 2);
    assert_int_equal(a.nbeats, 9);
    int64_t t0 = (int64_t)TS0 + RH_FIT_EPOCH_UNIX_S;
    for (size_t i = 0; i < 9; i++)
        assert_int_equal(a.beats[i].t_ms, (t0 + (int64_t)i) * 1000);
    /* The record series keeps its own values (no filling from hr messages). */
    assert_true(isnan(a.points[0].hr_bpm));
    /* The 1 Hz series: beats win in their seconds (0..8), record 9 stays. */
    assert_int_equal(a.nhr, 10);
    assert_true(a.hr_bpm[0] == 120.0 && a.hr_bpm[8] == 120.0 && a.hr_bpm[9] == 150.0);
    assert_int_equal(a.hr_t_s[9] - a.hr_t_s[0], 9);
    rh_activity_release(&a);
    free(e.buf);
}

static void definitions_do_not_carry_into_the_next_segment(void **state)
{
    (void)state;
    fenc e = {0};
    fe_begin(&e, 14);
    fe_field rec[] = {{253, 4, FT_UINT32}};
    fe_def(&e, 3, false, 20, rec, 1);
    fe_data(&e, 3);
    fe_val(&e, TS0, 4, false);
    fe_end(&e);
    size_t second = e.n;
    fe_begin(&e, 12);
    fe_data(&e, 3);
    fe_val(&e, TS0, 4, false);
    fe_end(&e);
    rh_activity a;
    rh_fit_report rep;
    assert_int_equal(decode(&e, false, &a, &rep), RH_E_CORRUPT);
    assert_int_equal(rep.cls, RH_FIT_UNDEFINED_LOCAL_MESSAGE);
    assert_int_equal(rep.offset, (int64_t)second + 12);
    /* Salvage keeps the first segment. */
    assert_int_equal(decode(&e, true, &a, &rep), RH_OK);
    assert_true(a.partial);
    assert_int_equal(a.npoints, 1);
    rh_activity_release(&a);
    free(e.buf);
}

static fenc small_file(void)
{
    fenc e = {0};
    fe_begin(&e, 14);
    fe_field rec[] = {{253, 4, FT_UINT32}, {3, 1, FT_UINT8}};
    fe_def(&e, 0, false, 20, rec, 2);
    for (unsigned i = 0; i < 6; i++) {
        fe_data(&e, 0);
        fe_val(&e, TS0 + i, 4, false);
        fe_u8(&e, 100 + i);
    }
    fe_end(&e);
    return e;
}

static void bad_crcs_are_refused_in_the_check_order(void **state)
{
    (void)state;
    rh_activity a;
    rh_fit_report rep;
    fenc e = small_file();
    e.buf[12] ^= 0xFF; /* header CRC; the file CRC covers it and fails too */
    assert_int_equal(decode(&e, false, &a, &rep), RH_E_CORRUPT);
    assert_int_equal(rep.cls, RH_FIT_HEADER_CRC_MISMATCH);
    assert_int_equal(rep.offset, 12);
    e.buf[12] ^= 0xFF;
    e.buf[e.n - 1] ^= 0x01;
    assert_int_equal(decode(&e, false, &a, &rep), RH_E_CORRUPT);
    assert_int_equal(rep.cls, RH_FIT_FILE_CRC_MISMATCH);
    assert_int_equal(rep.offset, (int64_t)e.n - 2);
    assert_int_equal(decode(&e, true, &a, &rep), RH_OK);
    assert_true(a.partial);
    assert_int_equal(a.npoints, 6);
    rh_activity_release(&a);
    e.buf[e.n - 1] ^= 0x01;
    /* A header CRC of 0 means "not computed". */
    e.buf[12] = e.buf[13] = 0;
    uint16_t c = rh_fit_crc16(0, e.buf, e.n - 2);
    e.buf[e.n - 2] = (uint8_t)c;
    e.buf[e.n - 1] = (uint8_t)(c >> 8);
    assert_int_equal(decode(&e, false, &a, &rep), RH_OK);
    rh_activity_release(&a);
    /* Trailing bytes that are no FIT header. */
    fe_put(&e, "garbage after the file", 22);
    assert_int_equal(decode(&e, false, &a, &rep), RH_E_CORRUPT);
    assert_int_equal(rep.cls, RH_FIT_NOT_FIT);
    assert_int_equal(rep.offset, (int64_t)e.n - 22);
    free(e.buf);
}

static void every_truncation_is_refused_and_salvage_keeps_whole_messages(void **state)
{
    (void)state;
    fenc e = small_file();
    for (size_t len = 0; len < e.n; len++) {
        fenc cut = e;
        cut.n = len;
        rh_activity a;
        rh_fit_report rep;
        rh_status st = decode(&cut, false, &a, &rep);
        assert_int_equal(st, RH_E_CORRUPT);
        assert_true(rep.cls ==
                    (len < 14 ? (len < 12 ? RH_FIT_NOT_FIT : RH_FIT_TRUNCATED) : RH_FIT_TRUNCATED));
        st = decode(&cut, true, &a, &rep);
        if (len >= 14) {
            assert_int_equal(st, RH_OK);
            /* 14 header + 12 definition, then 6 records of 6 bytes. */
            size_t whole = len < 26 ? 0 : (len - 26) / 6;
            assert_int_equal(a.npoints, whole > 6 ? 6 : whole);
            rh_activity_release(&a);
        } else {
            assert_int_equal(st, RH_E_CORRUPT);
        }
    }
    free(e.buf);
}

static void impossible_messages_are_refused(void **state)
{
    (void)state;
    rh_activity a;
    rh_fit_report rep;
    /* Architecture 2 does not exist. */
    fenc e = {0};
    fe_begin(&e, 14);
    fe_field rec[] = {{253, 4, FT_UINT32}};
    fe_def(&e, 0, false, 20, rec, 1);
    e.buf[14 + 2] = 2;
    fe_end(&e);
    assert_int_equal(decode(&e, false, &a, &rep), RH_E_CORRUPT);
    assert_int_equal(rep.cls, RH_FIT_BAD_DEFINITION);
    free(e.buf);
    /* A data message crossing the end of the data section, CRCs valid. */
    fenc f = {0};
    fe_begin(&f, 14);
    fe_def(&f, 0, false, 20, rec, 1);
    fe_data(&f, 0);
    fe_val(&f, TS0, 2, false); /* 2 of the 4 bytes */
    fe_end(&f);
    assert_int_equal(decode(&f, false, &a, &rep), RH_E_CORRUPT);
    assert_int_equal(rep.cls, RH_FIT_MESSAGE_OVERRUN);
    assert_int_equal(rep.offset, 23);
    free(f.buf);
    /* An empty input is not FIT. */
    fenc g = {0};
    assert_int_equal(decode(&g, true, &a, &rep), RH_E_CORRUPT);
    assert_int_equal(rep.cls, RH_FIT_NOT_FIT);
}

/* A file bigger than the read window, so messages straddle refills. */
static fenc big_file(unsigned records)
{
    fenc e = {0};
    fe_begin(&e, 14);
    fe_field rec[] = {{253, 4, FT_UINT32}, {3, 1, FT_UINT8}, {5, 4, FT_UINT32}, {250, 37, FT_BYTE}};
    fe_def(&e, 0, true, 20, rec, 4);
    fe_field hrv[] = {{0, 10, FT_UINT16}};
    fe_def(&e, 1, false, 78, hrv, 1);
    uint8_t pad[37];
    memset(pad, 0xAB, sizeof(pad));
    for (unsigned i = 0; i < records; i++) {
        fe_data(&e, 0);
        fe_val(&e, TS0 + i, 4, true);
        fe_u8(&e, 60 + i % 100);
        fe_val(&e, i * 100u, 4, true);
        fe_put(&e, pad, sizeof(pad));
        if (i % 3 == 0) {
            fe_data(&e, 1);
            for (unsigned k = 0; k < 5; k++)
                fe_val(&e, k < 2 ? 700 + i % 300 : 0xFFFF, 2, false);
        }
    }
    fe_end(&e);
    return e;
}

static char *write_temp(const fenc *e)
{
    char *path = strdup("/tmp/rh_fit_test_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, e->buf, e->n), (ssize_t)e->n);
    close(fd);
    return path;
}

static void reading_a_file_through_the_window_equals_reading_memory(void **state)
{
    (void)state;
    fenc e = big_file(30000); /* about 1.5 MB */
    char *path = write_temp(&e);
    rh_activity a, b;
    rh_fit_report ra, rb;
    rh_err err;
    rh_err_init(&err);
    rh_fit_opts o = {.hash = true};
    rh_activity_init(&a, RH_ACTIVITY_FIT);
    rh_activity_init(&b, RH_ACTIVITY_FIT);
    assert_int_equal(rh_fit_read_activity_mem(e.buf, e.n, path, &o, &a, &ra, &err), RH_OK);
    assert_int_equal(rh_fit_read_activity_file(path, &o, &b, &rb, &err), RH_OK);
    assert_int_equal(a.npoints, 30000);
    assert_int_equal(b.npoints, a.npoints);
    assert_int_equal(b.nrr, a.nrr);
    assert_int_equal(a.nrr, 20000);
    assert_int_equal(rb.hrv_invalid_slots, 30000);
    assert_memory_equal(a.points, b.points, a.npoints * sizeof(*a.points));
    assert_memory_equal(a.rr_ms, b.rr_ms, a.nrr * sizeof(double));
    assert_string_equal(a.sha256, b.sha256);
    assert_int_equal(b.size_bytes, e.n);
    rh_activity_release(&a);
    rh_activity_release(&b);

    /* Through a pipe (size unknown): a cut file is still TRUNCATED. */
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        size_t left = e.n - 1000, off = 0;
        while (left > 0) {
            ssize_t w = write(p[1], e.buf + off, left);
            if (w <= 0)
                _exit(1);
            off += (size_t)w;
            left -= (size_t)w;
        }
        _exit(0);
    }
    close(p[1]);
    int saved = dup(0);
    dup2(p[0], 0);
    close(p[0]);
    rh_fit_report rp;
    rh_err_init(&err);
    assert_int_equal(rh_fit_decode_file("-", NULL, NULL, &rp, &err), RH_E_CORRUPT);
    dup2(saved, 0);
    close(saved);
    waitpid(pid, NULL, 0);
    assert_int_equal(rp.cls, RH_FIT_TRUNCATED);
    assert_int_equal(rp.offset, (int64_t)e.n - 1000);
    unlink(path);
    free(path);
    free(e.buf);
}

typedef struct fault_ctx {
    const fenc *e;
} fault_ctx;

static rh_status decode_once(void *ctx)
{
    fault_ctx *c = ctx;
    rh_activity a;
    rh_activity_init(&a, RH_ACTIVITY_FIT);
    rh_err err;
    rh_err_init(&err);
    rh_fit_opts o = {.hash = true};
    rh_status st = rh_fit_read_activity_mem(c->e->buf, c->e->n, "fault.fit", &o, &a, NULL, &err);
    rh_activity_release(&a);
    return st;
}

static void every_failed_allocation_during_a_decode_is_reported_and_leaks_nothing(void **state)
{
    (void)state;
    fenc e = big_file(400);
    hr_segment(&e, TS0, 100, 900, 130);
    fault_ctx c = {&e};
    long n = rh_test_fault_loop(decode_once, &c);
    assert_true(n > 5);
    free(e.buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crc_is_crc16_arc),
        cmocka_unit_test(every_base_type_reads_values_and_invalids_in_both_byte_orders),
        cmocka_unit_test(scale_offset_and_unknown_fields_skipped_by_size),
        cmocka_unit_test(record_fields_read_alike_in_profile_and_other_base_types),
        cmocka_unit_test(field_size_not_a_multiple_of_its_type_reads_as_absent),
        cmocka_unit_test(compressed_timestamps_roll_over_and_follow_any_message),
        cmocka_unit_test(compressed_header_without_reference_time_has_no_timestamp),
        cmocka_unit_test(developer_fields_are_skipped_by_size_and_described),
        cmocka_unit_test(chained_segments_carry_hr_messages_onto_the_wall_clock),
        cmocka_unit_test(definitions_do_not_carry_into_the_next_segment),
        cmocka_unit_test(bad_crcs_are_refused_in_the_check_order),
        cmocka_unit_test(every_truncation_is_refused_and_salvage_keeps_whole_messages),
        cmocka_unit_test(impossible_messages_are_refused),
        cmocka_unit_test(reading_a_file_through_the_window_equals_reading_memory),
        cmocka_unit_test(every_failed_allocation_during_a_decode_is_reported_and_leaks_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

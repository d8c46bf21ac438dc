/* SPDX-License-Identifier: MIT */
#include "rh_test.h"

#include "base/alloc.h"
#include "formats/wfdb.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static rh_status parse_hea(const char *text, rh_wfdb_header *h, rh_err *err)
{
    rh_err_init(err);
    return rh_wfdb_header_parse(text, strlen(text), "t.hea", h, err);
}

static void parses_a_mitdb_header(void **state)
{
    (void)state;
    rh_wfdb_header h;
    rh_err err;
    assert_int_equal(parse_hea("100 2 360 650000\n"
                               "100.dat 212 200 11 1024 995 -22131 0 MLII\n"
                               "100.dat 212 200(10)/uV 11 1024 1011 20052 0 V5 lead\n"
                               "# 69 M 1085 1629 x1\n# Aldomet, Inderal\n",
                               &h, &err),
                     RH_OK);
    assert_string_equal(h.record, "100");
    assert_int_equal(h.nsig, 2);
    assert_true(h.fs_hz == 360 && h.nsamples == 650000);
    assert_int_equal(h.sig[0].format, 212);
    assert_true(h.sig[0].gain == 200 && h.sig[0].baseline == 1024);
    assert_int_equal(h.sig[0].checksum, -22131);
    assert_true(h.sig[0].has_init && h.sig[0].init_value == 995);
    assert_string_equal(h.sig[0].units, "mV");
    assert_string_equal(h.sig[1].units, "uV");
    assert_int_equal(h.sig[1].baseline, 10);
    assert_string_equal(h.sig[1].description, "V5 lead");
    assert_string_equal(rh_buf_cstr(&h.info), " 69 M 1085 1629 x1\n Aldomet, Inderal");
    assert_true(rh_wfdb_physical(&h.sig[0], 1224) == 1.0);
    rh_wfdb_header_release(&h);

    assert_int_equal(parse_hea("nsr001 0 128 0\n# Age: 64 Sex: F\n", &h, &err), RH_OK);
    assert_int_equal(h.nsig, 0);
    assert_true(h.fs_hz == 128);
    rh_wfdb_header_release(&h);

    /* defaults: fs 250, gain 0 = uncalibrated 200, baseline = adc zero */
    assert_int_equal(parse_hea("r 1\nr.dat 16 0 16 5\n", &h, &err), RH_OK);
    assert_true(h.fs_hz == 250 && h.sig[0].uncalibrated && h.sig[0].gain == 200);
    assert_int_equal(h.sig[0].baseline, 5);
    assert_false(h.sig[0].has_checksum);
    rh_wfdb_header_release(&h);
}

static void header_errors_name_line_and_column(void **state)
{
    (void)state;
    rh_wfdb_header h;
    rh_err err;
    assert_int_equal(parse_hea("100 2 360\n100.dat 999 200\n100.dat 212\n", &h, &err),
                     RH_E_UNSUPPORTED);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 9);
    assert_int_equal(parse_hea("100 2 360\n100.dat 212 abc\n100.dat 212\n", &h, &err), RH_E_PARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(parse_hea("100 2 360\n100.dat 212\n", &h, &err), RH_E_PARSE);
    assert_int_equal(parse_hea("multi/3 2 360\n", &h, &err), RH_E_UNSUPPORTED);
    assert_int_equal(parse_hea("r 1 360\nr.dat 212x2\n", &h, &err), RH_E_UNSUPPORTED);
    assert_int_equal(parse_hea("r 1 -5\n", &h, &err), RH_E_PARSE);
    assert_int_equal(parse_hea("# only a comment\n", &h, &err), RH_E_PARSE);
    assert_int_equal(parse_hea("r 99 360\n", &h, &err), RH_E_PARSE);
    assert_int_equal(parse_hea("r 1 360\n../x.dat 16\n", &h, &err), RH_E_UNSUPPORTED);
    assert_int_equal(parse_hea("r 2 360\nr.dat 16\nr.dat 212\n", &h, &err), RH_E_PARSE);
    char msg[512];
    assert_int_equal(parse_hea("r 1 360\nr.dat 16\nextra line\n", &h, &err), RH_E_PARSE);
    rh_err_format(&err, msg, sizeof(msg));
    assert_non_null(strstr(msg, "t.hea:3"));
}

/* ---- signal encoders (written from the format descriptions) ---- */

static size_t enc212(const int32_t *v, size_t n, uint8_t *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i += 2) {
        uint32_t a = (uint32_t)v[i] & 0xfff;
        if (i + 1 < n) {
            uint32_t b = (uint32_t)v[i + 1] & 0xfff;
            out[o++] = (uint8_t)(a & 0xff);
            out[o++] = (uint8_t)(((a >> 8) & 0x0f) | ((b >> 4) & 0xf0));
            out[o++] = (uint8_t)(b & 0xff);
        } else {
            out[o++] = (uint8_t)(a & 0xff);
            out[o++] = (uint8_t)((a >> 8) & 0x0f);
        }
    }
    return o;
}

static size_t enc_fmt(int fmt, const int32_t *v, size_t n, uint8_t *out)
{
    size_t o = 0;
    if (fmt == 212)
        return enc212(v, n, out);
    for (size_t i = 0; i < n; i++) {
        uint32_t u = (uint32_t)v[i];
        switch (fmt) {
        case 16:
            out[o++] = (uint8_t)u;
            out[o++] = (uint8_t)(u >> 8);
            break;
        case 61:
            out[o++] = (uint8_t)(u >> 8);
            out[o++] = (uint8_t)u;
            break;
        case 160:
            u = (uint32_t)(v[i] + 32768);
            out[o++] = (uint8_t)u;
            out[o++] = (uint8_t)(u >> 8);
            break;
        case 80:
            out[o++] = (uint8_t)(v[i] + 128);
            break;
        case 24:
            out[o++] = (uint8_t)u;
            out[o++] = (uint8_t)(u >> 8);
            out[o++] = (uint8_t)(u >> 16);
            break;
        case 32:
            out[o++] = (uint8_t)u;
            out[o++] = (uint8_t)(u >> 8);
            out[o++] = (uint8_t)(u >> 16);
            out[o++] = (uint8_t)(u >> 24);
            break;
        }
    }
    return o;
}

static int32_t sample_value(int fmt, size_t f, int s)
{
    int32_t range = fmt == 212 ? 2047 : fmt == 80 ? 127 : 30000;
    int32_t v = (int32_t)((f * 37 + (size_t)s * 101) % (size_t)(2 * range)) - range + 1;
    if (f == 3 && s == 0) /* the invalid-sample marker of the format */
        v = fmt == 24    ? -8388608
            : fmt == 32  ? INT32_MIN
            : fmt == 212 ? -2048
            : fmt == 80  ? -128
                         : -32768;
    if (f == 5 && s == 0 && (fmt == 24 || fmt == 32))
        v = fmt == 24 ? 8388607 : INT32_MAX;
    return v;
}

/* Builds a header for k signals of `fmt` in one file, with correct initial
 * values and checksums, and the encoded data. */
static void build(int fmt, int k, size_t frames, rh_wfdb_header *h, uint8_t **data, size_t *len)
{
    int32_t *v = malloc(frames * (size_t)k * sizeof(int32_t));
    int64_t sums[8] = {0};
    for (size_t f = 0; f < frames; f++)
        for (int s = 0; s < k; s++) {
            v[f * (size_t)k + (size_t)s] = sample_value(fmt, f, s);
            sums[s] += sample_value(fmt, f, s);
        }
    char text[2048];
    int o = snprintf(text, sizeof(text), "t %d 500 %zu\n", k, frames);
    for (int s = 0; s < k; s++)
        o += snprintf(text + o, sizeof(text) - (size_t)o, "t.dat %d 100 12 0 %d %d 0 s%d\n", fmt,
                      (int)v[s], (int)(int16_t)(uint16_t)(sums[s] & 0xffff), s);
    rh_err err;
    assert_int_equal(parse_hea(text, h, &err), RH_OK);
    *data = malloc(frames * (size_t)k * 4 + 8);
    *len = enc_fmt(fmt, v, frames * (size_t)k, *data);
    free(v);
}

static rh_status read_all(rh_wfdb_reader *r, int k, size_t cap, int32_t *out, size_t *n,
                          rh_err *err)
{
    int32_t buf[64 * 8];
    *n = 0;
    for (;;) {
        size_t got;
        rh_status rc = rh_wfdb_reader_read(r, buf, cap, &got, err);
        if (rc != RH_OK)
            return rc;
        if (got == 0)
            return RH_OK;
        memcpy(out + *n * (size_t)k, buf, got * (size_t)k * sizeof(int32_t));
        *n += got;
    }
}

static void decodes_every_format_and_checks_sums(void **state)
{
    (void)state;
    const int fmts[] = {212, 16, 61, 80, 160, 24, 32};
    for (size_t fi = 0; fi < sizeof(fmts) / sizeof(fmts[0]); fi++) {
        for (int k = 1; k <= 3; k++) {
            for (size_t frames = 9; frames <= 10; frames++) {
                rh_wfdb_header h;
                uint8_t *data;
                size_t len;
                build(fmts[fi], k, frames, &h, &data, &len);
                const size_t caps[] = {1, 4, 64};
                for (size_t ci = 0; ci < 3; ci++) {
                    rh_wfdb_reader *r;
                    rh_err err;
                    rh_err_init(&err);
                    assert_int_equal(rh_wfdb_reader_open_mem(&h, data, len, &r, &err), RH_OK);
                    int32_t out[64 * 3];
                    size_t n;
                    rh_status rc = read_all(r, k, caps[ci], out, &n, &err);
                    if (rc != RH_OK)
                        print_message("format %d, %d signals, %zu frames, cap %zu: %s\n", fmts[fi],
                                      k, frames, caps[ci], err.msg);
                    assert_int_equal(rc, RH_OK);
                    assert_int_equal(n, frames);
                    for (size_t f = 0; f < frames; f++)
                        for (int s = 0; s < k; s++)
                            assert_int_equal(out[f * (size_t)k + (size_t)s],
                                             sample_value(fmts[fi], f, s));
                    if (rh_wfdb_reader_invalid(r, 0) != 1)
                        print_message("format %d, %d signals, %zu frames, cap %zu: %lld invalid\n",
                                      fmts[fi], k, frames, caps[ci],
                                      (long long)rh_wfdb_reader_invalid(r, 0));
                    assert_int_equal(rh_wfdb_reader_invalid(r, 0), 1);
                    assert_true(rh_wfdb_is_invalid(&h.sig[0], out[3 * (size_t)k]));
                    rh_wfdb_reader_destroy(r);
                }
                free(data);
                rh_wfdb_header_release(&h);
            }
        }
    }
}

static void damaged_signals_are_refused_with_an_offset(void **state)
{
    (void)state;
    rh_wfdb_header h;
    uint8_t *data;
    size_t len;
    build(212, 2, 10, &h, &data, &len);
    rh_wfdb_reader *r;
    rh_err err;
    int32_t out[64];
    size_t n;
    /* truncated by one byte */
    rh_err_init(&err);
    assert_int_equal(rh_wfdb_reader_open_mem(&h, data, len - 1, &r, &err), RH_OK);
    assert_int_equal(read_all(r, 2, 64, out, &n, &err), RH_E_CORRUPT);
    assert_true(err.offset >= 0);
    rh_wfdb_reader_destroy(r);
    /* a flipped sample breaks the checksum */
    data[7] ^= 0x01;
    rh_err_init(&err);
    assert_int_equal(rh_wfdb_reader_open_mem(&h, data, len, &r, &err), RH_OK);
    assert_int_equal(read_all(r, 2, 64, out, &n, &err), RH_E_CORRUPT);
    assert_non_null(strstr(err.msg, "checksum"));
    rh_wfdb_reader_destroy(r);
    data[7] ^= 0x01;
    /* a different first sample breaks the initial value */
    h.sig[1].init_value += 1;
    rh_err_init(&err);
    assert_int_equal(rh_wfdb_reader_open_mem(&h, data, len, &r, &err), RH_OK);
    assert_int_equal(read_all(r, 2, 64, out, &n, &err), RH_E_CORRUPT);
    assert_non_null(strstr(err.msg, "initial value"));
    rh_wfdb_reader_destroy(r);
    free(data);
    rh_wfdb_header_release(&h);
}

static void reads_signal_files_from_disk(void **state)
{
    (void)state;
    char dir[] = "/tmp/rh_wfdb_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    rh_wfdb_header h;
    uint8_t *data;
    size_t len;
    /* long enough to need several buffer refills */
    build(212, 2, 100000, &h, &data, &len);
    snprintf(path, sizeof(path), "%s/t.dat", dir);
    FILE *fp = fopen(path, "wb");
    fwrite(data, 1, len, fp);
    fclose(fp);
    rh_wfdb_reader *r;
    rh_err err;
    rh_err_init(&err);
    assert_int_equal(rh_wfdb_reader_open(&h, dir, &r, &err), RH_OK);
    size_t total = 0, got;
    int32_t buf[1000 * 2];
    while (rh_wfdb_reader_read(r, buf, 1000, &got, &err) == RH_OK && got) {
        for (size_t f = 0; f < got; f++)
            assert_int_equal(buf[f * 2 + 1], sample_value(212, total + f, 1));
        total += got;
    }
    assert_int_equal(err.code, RH_OK);
    assert_int_equal(total, 100000);
    assert_int_equal(rh_wfdb_reader_frames(r), 100000);
    rh_wfdb_reader_destroy(r);
    /* a missing file names itself */
    remove(path);
    rh_err_init(&err);
    assert_int_equal(rh_wfdb_reader_open(&h, dir, &r, &err), RH_E_IO);
    assert_non_null(strstr(err.source, "t.dat"));
    free(data);
    rh_wfdb_header_release(&h);
    /* the format-212 fast path (two leads from a file): invalid markers in
     * every position of its 64-bit loads and in an odd last frame, and values
     * that look like the marker in one half of a field only */
    for (size_t nf = 200001; nf >= 200000; nf--) {
        int32_t *v = calloc(2 * nf, sizeof(int32_t));
        static const size_t inv_at[][2] = {{0, 1}, {5, 0}, {6, 1}, {7, 1}, {70000, 0}};
        for (size_t i = 0; i < 2 * nf; i++)
            v[i] = (int32_t)(i % 4093) - 2046; /* never -2048 */
        v[2 * 9] = -2048 + 256;                /* 0x900: high nibble 8, low byte 0 */
        v[2 * 9 + 1] = 0;                      /* low byte 0 */
        v[2 * 10 + 1] = 0x800 - 4096 + 1;      /* 0x801 */
        for (size_t i = 0; i < sizeof(inv_at) / sizeof(inv_at[0]); i++)
            v[2 * inv_at[i][0] + inv_at[i][1]] = -2048;
        v[2 * (nf - 1)] = -2048;
        uint8_t *raw = malloc(3 * nf + 3);
        size_t rl = enc212(v, 2 * nf, raw);
        snprintf(path, sizeof(path), "%s/i.dat", dir);
        fp = fopen(path, "wb");
        fwrite(raw, 1, rl, fp);
        fclose(fp);
        char text[128];
        snprintf(text, sizeof(text), "i 2 360 %zu\ni.dat 212\ni.dat 212\n", nf);
        assert_int_equal(parse_hea(text, &h, NULL), RH_OK);
        assert_int_equal(rh_wfdb_reader_open(&h, dir, &r, &err), RH_OK);
        int32_t *all = malloc(2 * nf * sizeof(int32_t));
        size_t n = 0;
        while (rh_wfdb_reader_read(r, all + 2 * n, 8191, &got, &err) == RH_OK && got)
            n += got;
        assert_int_equal(n, nf);
        assert_memory_equal(all, v, 2 * nf * sizeof(int32_t));
        assert_int_equal(rh_wfdb_reader_invalid(r, 0), 3);
        assert_int_equal(rh_wfdb_reader_invalid(r, 1), 3);
        rh_wfdb_reader_destroy(r);
        rh_wfdb_header_release(&h);
        remove(path);
        free(all);
        free(raw);
        free(v);
    }
    rmdir(dir);
    char d[64];
    rh_wfdb_record_dir("a/b/101", d, sizeof(d));
    assert_string_equal(d, "a/b");
    rh_wfdb_record_dir("101", d, sizeof(d));
    assert_string_equal(d, ".");
}

static void annotations_round_trip(void **state)
{
    (void)state;
    rh_wfdb_annset s;
    rh_wfdb_annset_init(&s);
    assert_int_equal(rh_wfdb_annset_add(&s, 18, 28, 0, 0, 0, "(N", NULL), RH_OK);
    assert_int_equal(rh_wfdb_annset_add(&s, 77, 1, 0, 0, 0, NULL, NULL), RH_OK);
    assert_int_equal(rh_wfdb_annset_add(&s, 77, 5, 0, 1, 0, NULL, NULL), RH_OK);     /* chan */
    assert_int_equal(rh_wfdb_annset_add(&s, 5000, 14, -1, 1, 3, NULL, NULL), RH_OK); /* long gap */
    assert_int_equal(rh_wfdb_annset_add(&s, 100000, 0, 0, 0, 3, NULL, NULL), RH_OK); /* code 0 */
    assert_int_equal(rh_wfdb_annset_add(&s, 100001, 22, 2, 0, -2, "odd", NULL), RH_OK);
    assert_int_equal(rh_wfdb_annset_add(&s, 3000000000LL, 1, 0, 0, -2, NULL, NULL), RH_OK);
    rh_buf b;
    rh_buf_init(&b, 0);
    assert_int_equal(rh_wfdb_ann_encode(&s, &b, NULL), RH_OK);
    rh_wfdb_annset t;
    rh_wfdb_annset_init(&t);
    assert_int_equal(rh_wfdb_ann_parse((const uint8_t *)b.data, b.len, "x", &t, NULL), RH_OK);
    assert_int_equal(t.n, s.n);
    for (size_t i = 0; i < s.n; i++) {
        assert_int_equal(t.a[i].sample, s.a[i].sample);
        assert_int_equal(t.a[i].type, s.a[i].type);
        assert_int_equal(t.a[i].subtype, s.a[i].subtype);
        assert_int_equal(t.a[i].chan, s.a[i].chan);
        assert_int_equal(t.a[i].num, s.a[i].num);
        assert_string_equal(rh_wfdb_ann_aux(&t, i), rh_wfdb_ann_aux(&s, i));
    }
    /* encoding what was read gives the same bytes */
    rh_buf c;
    rh_buf_init(&c, 0);
    assert_int_equal(rh_wfdb_ann_encode(&t, &c, NULL), RH_OK);
    assert_int_equal(c.len, b.len);
    assert_memory_equal(c.data, b.data, b.len);
    rh_buf_release(&b);
    rh_buf_release(&c);
    rh_wfdb_annset_release(&t);
    /* out of order refuses */
    assert_int_equal(rh_wfdb_annset_add(&s, 10, 1, 0, 0, 0, NULL, NULL), RH_OK);
    rh_buf_init(&b, 0);
    assert_int_equal(rh_wfdb_ann_encode(&s, &b, NULL), RH_E_INVALID);
    assert_int_equal(b.len, 0);
    rh_buf_release(&b);
    assert_int_equal(rh_wfdb_annset_add(&s, 10, 50, 0, 0, 0, NULL, NULL), RH_E_RANGE);
    rh_wfdb_annset_release(&s);
    assert_string_equal(rh_wfdb_ann_mnemonic(1), "N");
    assert_string_equal(rh_wfdb_ann_mnemonic(28), "+");
    assert_int_equal(rh_wfdb_ann_code("V"), 5);
    assert_int_equal(rh_wfdb_ann_code("zz"), -1);
    assert_true(rh_wfdb_ann_is_qrs(12) && !rh_wfdb_ann_is_qrs(14) && !rh_wfdb_ann_is_qrs(37));
}

static void damaged_annotations_are_refused(void **state)
{
    (void)state;
    rh_wfdb_annset s;
    rh_wfdb_annset_init(&s);
    rh_err err;
    /* no end-of-file word */
    const uint8_t a[] = {0x05, 0x04};
    rh_err_init(&err);
    assert_int_equal(rh_wfdb_ann_parse(a, sizeof(a), "a.atr", &s, &err), RH_E_CORRUPT);
    assert_int_equal(err.offset, 2);
    /* undefined code 55 */
    const uint8_t b[] = {0x05, 0xdc, 0, 0};
    rh_err_init(&err);
    assert_int_equal(rh_wfdb_ann_parse(b, sizeof(b), "b.atr", &s, &err), RH_E_CORRUPT);
    assert_int_equal(err.offset, 0);
    /* aux text longer than the file */
    const uint8_t c[] = {0x05, 0x04, 0x09, 0xfc, 'a', 'b', 0, 0};
    rh_err_init(&err);
    assert_int_equal(rh_wfdb_ann_parse(c, sizeof(c), "c.atr", &s, &err), RH_E_CORRUPT);
    /* modifier before any annotation */
    const uint8_t d[] = {0x01, 0xf0, 0, 0};
    assert_int_equal(rh_wfdb_ann_parse(d, sizeof(d), "d.atr", &s, NULL), RH_E_CORRUPT);
    /* truncated SKIP */
    const uint8_t e[] = {0x00, 0xec, 0x01};
    assert_int_equal(rh_wfdb_ann_parse(e, sizeof(e), "e.atr", &s, NULL), RH_E_CORRUPT);
    /* AHA format */
    const uint8_t f[] = {0x00, 'N', 0, 0};
    assert_int_equal(rh_wfdb_ann_parse(f, sizeof(f), "f.atr", &s, NULL), RH_E_UNSUPPORTED);
    /* empty file: just the end word */
    const uint8_t g[] = {0, 0};
    assert_int_equal(rh_wfdb_ann_parse(g, sizeof(g), "g.atr", &s, NULL), RH_OK);
    assert_int_equal(s.n, 0);
    rh_wfdb_annset_release(&s);
}

static void ec57_reference_marks_vf_episodes(void **state)
{
    (void)state;
    rh_wfdb_annset s;
    rh_wfdb_annset_init(&s);
    rh_wfdb_annset_add(&s, 100, 1, 0, 0, 0, NULL, NULL);
    rh_wfdb_annset_add(&s, 200, 32, 0, 0, 0, NULL, NULL); /* [ */
    rh_wfdb_annset_add(&s, 250, 31, 0, 0, 0, NULL, NULL); /* ! flutter wave */
    rh_wfdb_annset_add(&s, 300, 33, 0, 0, 0, NULL, NULL); /* ] */
    rh_wfdb_annset_add(&s, 400, 5, 0, 0, 0, NULL, NULL);
    rh_wfdb_annset_add(&s, 500, 8, 0, 0, 0, NULL, NULL);
    rh_wfdb_annset_add(&s, 600, 12, 0, 0, 0, NULL, NULL);
    rh_wfdb_annset_add(&s, 700, 6, 0, 0, 0, NULL, NULL);
    rh_wfdb_annset_add(&s, 800, 32, 0, 0, 0, NULL, NULL); /* unterminated */
    rh_ec57_ref *ref;
    rh_ec57_span *sp;
    size_t nref, nsp;
    assert_int_equal(rh_wfdb_ec57_reference(&s, &ref, &nref, &sp, &nsp, NULL), RH_OK);
    assert_int_equal(nref, 5);
    assert_int_equal(ref[1].aami, RH_EC57_V);
    assert_int_equal(ref[2].aami, RH_EC57_S);
    assert_int_equal(ref[3].aami, RH_EC57_Q);
    assert_int_equal(ref[4].aami, RH_EC57_F);
    assert_int_equal(nsp, 2);
    assert_true(sp[0].from == 200 && sp[0].to == 300 && sp[1].to == INT64_MAX);
    rh_free(ref);
    rh_free(sp);
    rh_wfdb_annset_release(&s);
    /* without markers, "(VFL" rhythm episodes are used */
    rh_wfdb_annset_init(&s);
    rh_wfdb_annset_add(&s, 10, 28, 0, 0, 0, "(N", NULL);
    rh_wfdb_annset_add(&s, 100, 28, 0, 0, 0, "(VFL", NULL);
    rh_wfdb_annset_add(&s, 900, 28, 0, 0, 0, "(N", NULL);
    assert_int_equal(rh_wfdb_ec57_reference(&s, &ref, &nref, &sp, &nsp, NULL), RH_OK);
    assert_int_equal(nref, 0);
    assert_int_equal(nsp, 1);
    assert_true(sp[0].from == 100 && sp[0].to == 899);
    rh_free(ref);
    rh_free(sp);
    int64_t *times;
    size_t nt;
    assert_int_equal(rh_wfdb_ann_qrs_times(&s, &times, &nt, NULL), RH_OK);
    assert_int_equal(nt, 0);
    assert_null(times);
    rh_wfdb_annset_release(&s);
}

typedef struct fault_ctx {
    const uint8_t *ann;
    size_t ann_len;
} fault_ctx;

static rh_status fault_all(void *ctx)
{
    fault_ctx *c = ctx;
    rh_wfdb_header h;
    rh_status rc = rh_wfdb_header_parse(
        "r 2 360 10\nr.dat 212 200 11 0\nr.dat 212 200 11 0\n# note\n", 53, "r.hea", &h, NULL);
    if (rc != RH_OK)
        return rc;
    uint8_t data[30] = {0};
    rh_wfdb_reader *r = NULL;
    rc = rh_wfdb_reader_open_mem(&h, data, sizeof(data), &r, NULL);
    if (rc == RH_OK) {
        int32_t buf[20];
        size_t got;
        rc = rh_wfdb_reader_read(r, buf, 10, &got, NULL);
    }
    rh_wfdb_reader_destroy(r);
    rh_wfdb_header_release(&h);
    if (rc != RH_OK)
        return rc;
    rh_wfdb_annset s;
    rh_wfdb_annset_init(&s);
    rc = rh_wfdb_ann_parse(c->ann, c->ann_len, "a", &s, NULL);
    if (rc == RH_OK) {
        rh_buf b;
        rh_buf_init(&b, 0);
        rc = rh_wfdb_ann_encode(&s, &b, NULL);
        rh_buf_release(&b);
    }
    rh_wfdb_annset_release(&s);
    return rc;
}

static void survives_every_allocation_failure(void **state)
{
    (void)state;
    rh_wfdb_annset s;
    rh_wfdb_annset_init(&s);
    for (int i = 0; i < 1500; i++)
        rh_wfdb_annset_add(&s, i * 300, 1 + i % 5, 0, 0, 0, i % 100 ? NULL : "(AFIB", NULL);
    rh_buf b;
    rh_buf_init(&b, 0);
    assert_int_equal(rh_wfdb_ann_encode(&s, &b, NULL), RH_OK);
    fault_ctx c = {(const uint8_t *)b.data, b.len};
    assert_true(rh_test_fault_loop(fault_all, &c) > 0);
    rh_buf_release(&b);
    rh_wfdb_annset_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_a_mitdb_header),
        cmocka_unit_test(header_errors_name_line_and_column),
        cmocka_unit_test(decodes_every_format_and_checks_sums),
        cmocka_unit_test(damaged_signals_are_refused_with_an_offset),
        cmocka_unit_test(reads_signal_files_from_disk),
        cmocka_unit_test(annotations_round_trip),
        cmocka_unit_test(damaged_annotations_are_refused),
        cmocka_unit_test(ec57_reference_marks_vf_episodes),
        cmocka_unit_test(survives_every_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

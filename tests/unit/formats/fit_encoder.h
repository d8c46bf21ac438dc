/* SPDX-License-Identifier: MIT
 *
 * tests/unit/formats/fit_encoder: a tiny FIT writer for tests, written from
 * the protocol description: headers (12/14 bytes, CRC or 0), definitions in
 * either byte order with developer fields, data messages with normal or
 * compressed-timestamp headers, file CRC. Header-only (static functions).
 */
#ifndef RH_TESTS_FIT_ENCODER_H
#define RH_TESTS_FIT_ENCODER_H

#include "formats/fit.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct fenc {
    uint8_t *buf;
    size_t n, cap;
    size_t seg;   /* start of the open segment */
    unsigned hs;  /* its header size */
    bool big[16]; /* byte order of each local definition */
} fenc;

static inline void fe_put(fenc *e, const void *p, size_t n)
{
    if (e->n + n > e->cap) {
        e->cap = (e->n + n) * 2 + 64;
        e->buf = realloc(e->buf, e->cap);
    }
    memcpy(e->buf + e->n, p, n);
    e->n += n;
}

static inline void fe_u8(fenc *e, unsigned v)
{
    uint8_t b = (uint8_t)v;
    fe_put(e, &b, 1);
}

/* v in `size` bytes, big- or little-endian. */
static inline void fe_val(fenc *e, uint64_t v, unsigned size, bool big)
{
    for (unsigned i = 0; i < size; i++) {
        unsigned shift = big ? 8 * (size - 1 - i) : 8 * i;
        fe_u8(e, (unsigned)((v >> shift) & 0xFF));
    }
}

static inline void fe_begin(fenc *e, unsigned header_size)
{
    e->seg = e->n;
    e->hs = header_size;
    uint8_t h[14] = {0};
    h[0] = (uint8_t)header_size;
    h[1] = 0x20;
    h[2] = 0x08; /* profile 2056, informational */
    h[3] = 0x08;
    memcpy(h + 8, ".FIT", 4);
    fe_put(e, h, header_size);
}

/* Closes the segment: data size, header CRC (unless crc0), file CRC. */
static inline void fe_end_opts(fenc *e, bool header_crc_zero)
{
    uint32_t ds = (uint32_t)(e->n - e->seg - e->hs);
    uint8_t *h = e->buf + e->seg;
    h[4] = (uint8_t)ds;
    h[5] = (uint8_t)(ds >> 8);
    h[6] = (uint8_t)(ds >> 16);
    h[7] = (uint8_t)(ds >> 24);
    if (e->hs == 14) {
        uint16_t c = header_crc_zero ? 0 : rh_fit_crc16(0, h, 12);
        h[12] = (uint8_t)c;
        h[13] = (uint8_t)(c >> 8);
    }
    uint16_t fc = rh_fit_crc16(0, e->buf + e->seg, e->n - e->seg);
    fe_val(e, fc, 2, false);
}

static inline void fe_end(fenc *e)
{
    fe_end_opts(e, false);
}

typedef struct fe_field {
    uint8_t num, size, type; /* type: base-type byte as written */
} fe_field;

static inline void fe_def_dev(fenc *e, unsigned local, bool big, unsigned global, const fe_field *f,
                              size_t nf, const fe_field *dev, size_t nd)
{
    fe_u8(e, 0x40 | (nd ? 0x20 : 0) | local);
    fe_u8(e, 0);
    fe_u8(e, big ? 1 : 0);
    fe_val(e, global, 2, big);
    fe_u8(e, (unsigned)nf);
    for (size_t i = 0; i < nf; i++) {
        fe_u8(e, f[i].num);
        fe_u8(e, f[i].size);
        fe_u8(e, f[i].type);
    }
    if (nd) {
        fe_u8(e, (unsigned)nd);
        for (size_t i = 0; i < nd; i++) {
            fe_u8(e, dev[i].num);
            fe_u8(e, dev[i].size);
            fe_u8(e, dev[i].type); /* developer data index */
        }
    }
    e->big[local] = big;
}

static inline void fe_def(fenc *e, unsigned local, bool big, unsigned global, const fe_field *f,
                          size_t nf)
{
    fe_def_dev(e, local, big, global, f, nf, NULL, 0);
}

/* Starts a data message with a normal header. */
static inline void fe_data(fenc *e, unsigned local)
{
    fe_u8(e, local & 0x0F);
}

/* Starts a data message with a compressed-timestamp header. */
static inline void fe_data_ct(fenc *e, unsigned local, unsigned offset5)
{
    fe_u8(e, 0x80 | (local & 3) << 5 | (offset5 & 0x1F));
}

/* Base-type bytes as the protocol writes them. */
enum {
    FT_ENUM = 0x00,
    FT_SINT8 = 0x01,
    FT_UINT8 = 0x02,
    FT_SINT16 = 0x83,
    FT_UINT16 = 0x84,
    FT_SINT32 = 0x85,
    FT_UINT32 = 0x86,
    FT_STRING = 0x07,
    FT_FLOAT32 = 0x88,
    FT_FLOAT64 = 0x89,
    FT_UINT8Z = 0x0A,
    FT_UINT16Z = 0x8B,
    FT_UINT32Z = 0x8C,
    FT_BYTE = 0x0D,
    FT_SINT64 = 0x8E,
    FT_UINT64 = 0x8F,
    FT_UINT64Z = 0x90,
};

#endif

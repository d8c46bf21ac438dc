/* SPDX-License-Identifier: MIT */
#include "formats/fit.h"

#include "base/alloc.h"
#include "base/hash.h"
#include "base/num.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <threads.h>
#include <unistd.h>

#include "base/banned.h"

/* The largest message: a header byte, 255 fields of 255 bytes and 255
 * developer fields of 255 bytes. The read window holds two of them. */
#define MAX_MESSAGE (1u + 2u * 255u * 255u)
#define WINDOW      (256u * 1024u)

/* Loads of 2, 4 and 8 bytes in either byte order (memcpy: no alignment). */
#if defined(__BYTE_ORDER__) && \
    (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ || __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
#define HOST_BIG (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)

static inline uint16_t rd16(const uint8_t *p, bool big)
{
    uint16_t v;
    memcpy(&v, p, sizeof(v));
    return big != HOST_BIG ? __builtin_bswap16(v) : v;
}

static inline uint32_t rd32(const uint8_t *p, bool big)
{
    uint32_t v;
    memcpy(&v, p, sizeof(v));
    return big != HOST_BIG ? __builtin_bswap32(v) : v;
}

static inline uint64_t rd64(const uint8_t *p, bool big)
{
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return big != HOST_BIG ? __builtin_bswap64(v) : v;
}
#else
static inline uint16_t rd16(const uint8_t *p, bool big)
{
    return big ? (uint16_t)((unsigned)p[0] << 8 | p[1]) : (uint16_t)((unsigned)p[1] << 8 | p[0]);
}

static inline uint32_t rd32(const uint8_t *p, bool big)
{
    return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
               : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static inline uint64_t rd64(const uint8_t *p, bool big)
{
    uint64_t hi = rd32(p + (big ? 0 : 4), big), lo = rd32(p + (big ? 4 : 0), big);
    return hi << 32 | lo;
}
#endif

/* ------------------------------------------------------------------ CRC */

#define CRC_SLICES 16
static uint16_t crc_tab[CRC_SLICES][256];
static once_flag crc_once = ONCE_FLAG_INIT;

/* crc_tab[k][b]: the CRC-16/ARC register after byte b followed by k zero
 * bytes, from a zero register. */
static void crc_init(void)
{
    for (unsigned i = 0; i < 256; i++) {
        uint16_t c = (uint16_t)i;
        for (int k = 0; k < 8; k++)
            c = (uint16_t)((c & 1) ? (c >> 1) ^ 0xA001 : c >> 1);
        crc_tab[0][i] = c;
    }
    for (unsigned i = 0; i < 256; i++)
        for (int k = 1; k < CRC_SLICES; k++)
            crc_tab[k][i] =
                (uint16_t)((crc_tab[k - 1][i] >> 8) ^ crc_tab[0][crc_tab[k - 1][i] & 0xFF]);
}

/* Slicing by 16: CRC-16/ARC of sixteen bytes per step, sixteen independent
 * lookups in 8 KiB of tables (the same instructions per byte as slicing by 8,
 * but more of them run in parallel); the tail byte by byte. */
static uint16_t crc_run(uint16_t crc, const uint8_t *p, size_t n)
{
#define CRC_WORD(w, k)                                                  \
    (crc_tab[(k) + 3][(w)&0xFF] ^ crc_tab[(k) + 2][((w) >> 8) & 0xFF] ^ \
     crc_tab[(k) + 1][((w) >> 16) & 0xFF] ^ crc_tab[(k)][(w) >> 24])
    while (n >= 16) {
        uint32_t a = rd32(p, false) ^ crc, b = rd32(p + 4, false), c = rd32(p + 8, false),
                 e = rd32(p + 12, false);
        crc = (uint16_t)(CRC_WORD(a, 12) ^ CRC_WORD(b, 8) ^ CRC_WORD(c, 4) ^ CRC_WORD(e, 0));
        p += 16;
        n -= 16;
    }
#undef CRC_WORD
    while (n--)
        crc = (uint16_t)((crc >> 8) ^ crc_tab[0][(crc ^ *p++) & 0xFF]);
    return crc;
}

uint16_t rh_fit_crc16(uint16_t crc, const void *data, size_t len)
{
    call_once(&crc_once, crc_init);
    return crc_run(crc, data, len);
}

/* --------------------------------------------------------------- classes */

const char *rh_fit_class_name(rh_fit_class c)
{
    switch (c) {
#define RH_FIT_CLASS_NAME(name, text) \
    case RH_FIT_##name:               \
        return #name;
        RH_FIT_CLASS_MAP(RH_FIT_CLASS_NAME)
#undef RH_FIT_CLASS_NAME
    }
    return "UNKNOWN";
}

const char *rh_fit_class_text(rh_fit_class c)
{
    switch (c) {
#define RH_FIT_CLASS_TEXT(name, text) \
    case RH_FIT_##name:               \
        return text;
        RH_FIT_CLASS_MAP(RH_FIT_CLASS_TEXT)
#undef RH_FIT_CLASS_TEXT
    }
    return "unknown problem";
}

bool rh_fit_sniff(const void *data, size_t len)
{
    const uint8_t *p = data;
    return len >= 12 && (p[0] == 12 || p[0] == 14) && memcmp(p + 8, ".FIT", 4) == 0;
}

/* ---------------------------------------------------------- base types */

enum {
    BT_ENUM = 0,
    BT_SINT8,
    BT_UINT8,
    BT_SINT16,
    BT_UINT16,
    BT_SINT32,
    BT_UINT32,
    BT_STRING,
    BT_FLOAT32,
    BT_FLOAT64,
    BT_UINT8Z,
    BT_UINT16Z,
    BT_UINT32Z,
    BT_BYTE,
    BT_SINT64,
    BT_UINT64,
    BT_UINT64Z,
    BT_COUNT
};

static const uint8_t bt_size[BT_COUNT] = {1, 1, 1, 2, 2, 4, 4, 1, 4, 8, 1, 2, 4, 1, 8, 8, 8};

/* One element of base type `bt` at p as a number; false when it holds the
 * type's invalid value (compared on the raw bits, before any scaling). */
static inline __attribute__((always_inline)) bool elem(const uint8_t *p, unsigned bt, bool big,
                                                       double *out)
{
    switch (bt) {
    case BT_ENUM:
    case BT_UINT8:
    case BT_BYTE:
        if (p[0] == 0xFF)
            return false;
        *out = p[0];
        return true;
    case BT_UINT8Z:
        if (p[0] == 0)
            return false;
        *out = p[0];
        return true;
    case BT_SINT8:
        if (p[0] == 0x7F)
            return false;
        *out = (int8_t)p[0];
        return true;
    case BT_SINT16: {
        uint16_t u = rd16(p, big);
        if (u == 0x7FFF)
            return false;
        *out = (int16_t)u;
        return true;
    }
    case BT_UINT16: {
        uint16_t u = rd16(p, big);
        if (u == 0xFFFF)
            return false;
        *out = u;
        return true;
    }
    case BT_UINT16Z: {
        uint16_t u = rd16(p, big);
        if (u == 0)
            return false;
        *out = u;
        return true;
    }
    case BT_SINT32: {
        uint32_t u = rd32(p, big);
        if (u == 0x7FFFFFFF)
            return false;
        *out = (int32_t)u;
        return true;
    }
    case BT_UINT32: {
        uint32_t u = rd32(p, big);
        if (u == 0xFFFFFFFF)
            return false;
        *out = u;
        return true;
    }
    case BT_UINT32Z: {
        uint32_t u = rd32(p, big);
        if (u == 0)
            return false;
        *out = u;
        return true;
    }
    case BT_FLOAT32: {
        uint32_t u = rd32(p, big);
        float f;
        memcpy(&f, &u, sizeof(f));
        if (u == 0xFFFFFFFF || isnan(f) || isinf(f))
            return false;
        *out = (double)f;
        return true;
    }
    case BT_FLOAT64: {
        uint64_t u = rd64(p, big);
        double f;
        memcpy(&f, &u, sizeof(f));
        if (u == UINT64_MAX || isnan(f) || isinf(f))
            return false;
        *out = f;
        return true;
    }
    case BT_SINT64: {
        uint64_t u = rd64(p, big);
        if (u == 0x7FFFFFFFFFFFFFFFull)
            return false;
        *out = (double)(int64_t)u;
        return true;
    }
    case BT_UINT64: {
        uint64_t u = rd64(p, big);
        if (u == UINT64_MAX)
            return false;
        *out = (double)u;
        return true;
    }
    case BT_UINT64Z: {
        uint64_t u = rd64(p, big);
        if (u == 0)
            return false;
        *out = (double)u;
        return true;
    }
    default:
        return false;
    }
}

/* ---------------------------------------------------- field slots */

/* The fields the product reads, per global message: field number -> slot.
 * Slot 0 is the timestamp (253) of every message. Everything else is
 * skipped by size. */
#define NSLOT 12

enum {
    G_FILE_ID = 0,
    G_SESSION = 18,
    G_LAP = 19,
    G_RECORD = 20,
    G_EVENT = 21,
    G_DEVICE_INFO = 23,
    G_ACTIVITY = 34,
    G_HRV = 78,
    G_HR = 132,
    G_FIELD_DESCRIPTION = 206
};

static int slot_of(unsigned global, unsigned field)
{
    if (field == 253)
        return 0;
    switch (global) {
    case G_FILE_ID: /* type manufacturer product serial_number time_created . . . product_name */
        switch (field) {
        case 0:
            return 1;
        case 1:
            return 2;
        case 2:
            return 3;
        case 3:
            return 4;
        case 4:
            return 5;
        case 8:
            return 6;
        }
        break;
    case G_SESSION:
        switch (field) {
        case 2:
            return 1; /* start_time */
        case 5:
            return 2; /* sport */
        case 6:
            return 3; /* sub_sport */
        case 7:
            return 4; /* total_elapsed_time, s * 1000 */
        case 8:
            return 5; /* total_timer_time, s * 1000 */
        case 9:
            return 6; /* total_distance, m * 100 */
        case 16:
            return 7; /* avg_heart_rate */
        case 17:
            return 8; /* max_heart_rate */
        }
        break;
    case G_LAP:
        switch (field) {
        case 2:
            return 1;
        case 25:
            return 2; /* sport */
        case 39:
            return 3; /* sub_sport */
        case 7:
            return 4;
        case 8:
            return 5;
        case 9:
            return 6;
        case 15:
            return 7; /* avg_heart_rate */
        case 16:
            return 8; /* max_heart_rate */
        }
        break;
    case G_RECORD:
        switch (field) {
        case 0:
            return 1; /* position_lat, semicircles */
        case 1:
            return 2; /* position_long */
        case 2:
            return 3; /* altitude, m * 5 + 500 */
        case 3:
            return 4; /* heart_rate */
        case 4:
            return 5; /* cadence */
        case 5:
            return 6; /* distance, m * 100 */
        case 6:
            return 7; /* speed, m/s * 1000 */
        case 7:
            return 8; /* power */
        case 8:
            return 9; /* compressed_speed_distance */
        case 73:
            return 10; /* enhanced_speed */
        case 78:
            return 11; /* enhanced_altitude */
        }
        break;
    case G_EVENT:
        switch (field) {
        case 0:
            return 1; /* event */
        case 1:
            return 2; /* event_type */
        case 3:
            return 3; /* data */
        }
        break;
    case G_DEVICE_INFO:
        switch (field) {
        case 0:
            return 1; /* device_index */
        case 1:
            return 2; /* device_type */
        case 2:
            return 3; /* manufacturer */
        case 3:
            return 4; /* serial_number */
        case 4:
            return 5; /* product */
        case 5:
            return 6; /* software_version, * 100 */
        case 27:
            return 7; /* product_name */
        }
        break;
    case G_ACTIVITY:
        switch (field) {
        case 1:
            return 1; /* num_sessions */
        case 5:
            return 2; /* local_timestamp */
        }
        break;
    case G_HRV:
        if (field == 0)
            return 1; /* time, s * 1000 */
        break;
    case G_HR:
        switch (field) {
        case 0:
            return 1; /* fractional_timestamp, s * 32768 */
        case 1:
            return 2; /* time256, s * 256 */
        case 6:
            return 3; /* filtered_bpm[] */
        case 9:
            return 4; /* event_timestamp[], s * 1024 */
        case 10:
            return 5; /* event_timestamp_12[], packed 12-bit */
        }
        break;
    case G_FIELD_DESCRIPTION:
        switch (field) {
        case 0:
            return 1; /* developer_data_index */
        case 1:
            return 2; /* field_definition_number */
        case 2:
            return 3; /* fit_base_type_id */
        case 3:
            return 4; /* field_name */
        case 8:
            return 5; /* units */
        case 14:
            return 6; /* native_mesg_num */
        case 15:
            return 7; /* native_field_num */
        }
        break;
    }
    return -1;
}

typedef struct fit_slot {
    uint16_t off;
    uint8_t size; /* 0 = field not in the definition */
    uint8_t bt;   /* base type number (byte & 0x1F), BT_COUNT when unknown */
} fit_slot;

typedef struct fit_def {
    bool defined, big;
    bool typed; /* see typed_of() */
    uint16_t global;
    uint32_t size; /* bytes of a data message after its header byte */
    uint32_t count_idx;
    fit_slot slot[NSLOT];
} fit_def;

/* Scalar value of a slot: element 0, only when the field is a whole number of
 * elements of its base type (otherwise it is raw bytes and reads as absent). */
static inline __attribute__((always_inline)) bool sv(const uint8_t *m, const fit_def *d, int s,
                                                     double *out)
{
    const fit_slot *f = &d->slot[s];
    if (f->size == 0) /* absent, or not a whole number of elements (see read_definition) */
        return false;
    return elem(m + f->off, f->bt, d->big, out);
}

static inline int sv_int(const uint8_t *m, const fit_def *d, int s)
{
    double v;
    return sv(m, d, s, &v) && v >= 0 && v <= 2147483647.0 ? (int)v : -1;
}

static inline __attribute__((always_inline)) double sv_scaled(const uint8_t *m, const fit_def *d,
                                                              int s, double scale, double offset)
{
    double v;
    /* (raw - offset * scale) / scale: one rounding, so -0.8 m stays -0.8. */
    return sv(m, d, s, &v) ? (v - offset * scale) / scale : RH_NAN;
}

static inline __attribute__((always_inline)) rh_fit_time sv_time(const uint8_t *m, const fit_def *d,
                                                                 int s)
{
    double v;
    rh_fit_time t = {false, 0};
    if (sv(m, d, s, &v) && v >= 0 && v <= 4294967295.0) {
        t.present = true;
        t.raw = (uint32_t)v;
    }
    return t;
}

/* Profile base types of the record (20) slots; slot 9 is raw bytes. */
static const uint8_t record_bt[NSLOT] = {
    BT_UINT32, /* timestamp */
    BT_SINT32, /* position_lat */
    BT_SINT32, /* position_long */
    BT_UINT16, /* altitude */
    BT_UINT8,  /* heart_rate */
    BT_UINT8,  /* cadence */
    BT_UINT32, /* distance */
    BT_UINT16, /* speed */
    BT_UINT16, /* power */
    BT_COUNT,  /* compressed_speed_distance: not a scalar */
    BT_UINT32, /* enhanced_speed */
    BT_UINT32, /* enhanced_altitude */
};

/* True when every field the hot path reads has its profile base type (as
 * real files have): the timestamp of any message, and for records every
 * record field. Such a definition is read with the types fixed at compile
 * time (the same values as sv(), without a dispatch per field). */
static bool typed_of(const fit_def *f)
{
    if (f->slot[0].size && f->slot[0].bt != BT_UINT32)
        return false;
    if (f->global == G_RECORD)
        for (int s = 1; s < NSLOT; s++)
            if (f->slot[s].size && record_bt[s] != BT_COUNT && f->slot[s].bt != record_bt[s])
                return false;
    return true;
}

/* sv() of slot s, with the base type `bt` and byte order `big` fixed when
 * `typed` (constants after inlining; only for typed_of() definitions). */
static inline __attribute__((always_inline)) bool
svx(const uint8_t *m, const fit_def *d, int s, unsigned bt, bool typed, bool big, double *out)
{
    const fit_slot *f = &d->slot[s];
    if (f->size == 0)
        return false;
    return typed ? elem(m + f->off, bt, big, out) : elem(m + f->off, f->bt, d->big, out);
}

static inline __attribute__((always_inline)) double svx_scaled(const uint8_t *m, const fit_def *d,
                                                               int s, unsigned bt, bool typed,
                                                               bool big, double scale,
                                                               double offset)
{
    double v;
    return svx(m, d, s, bt, typed, big, &v) ? (v - offset * scale) / scale : RH_NAN;
}

/* A string field: bytes up to the first NUL or the field end. */
static void sv_string(const uint8_t *m, const fit_def *d, int s, char *out, size_t cap)
{
    const fit_slot *f = &d->slot[s];
    out[0] = '\0';
    if (f->size == 0 || f->bt != BT_STRING)
        return;
    size_t n = 0;
    while (n < f->size && m[f->off + n] != 0)
        n++;
    if (n >= cap)
        n = cap - 1;
    memcpy(out, m + f->off, n);
    out[n] = '\0';
}

/* ------------------------------------------------------------- input */

typedef struct src {
    const uint8_t *buf; /* window */
    size_t len, pos;    /* valid bytes, read position */
    int64_t base;       /* absolute offset of buf[0] */
    bool eof;           /* nothing beyond buf[len] */
    int fd;             /* -1 for memory input */
    uint8_t *own;       /* window storage for fd input */
    int64_t total;      /* input size when known, else -1 */
    bool hash;
    rh_sha256 sha;
    int64_t hashed; /* bytes hashed so far (fd input) */
    int read_errno;
} src;

typedef struct dec {
    src s;
    const char *name;
    const rh_fit_opts *opts;
    const rh_fit_sink *sink;
    rh_fit_report *rep;
    rh_err *err;
    fit_def defs[16];
    bool have_ts;
    uint32_t last_ts;
    bool hr_acc_set;
    uint64_t hr_acc;
    bool csd_set;
    uint64_t csd_dist; /* accumulated compressed distance, 1/16 m */
    uint16_t crc;
    int64_t crc_at, crc_end; /* next byte to CRC; end of the CRC range */
    /* Count table: open addressing from global number to counts[] index. */
    int32_t slot_of_global[2048];
    uint32_t nglobals;
    /* The current segment's first message-stream problem. */
    rh_fit_class stream_cls;
    int64_t stream_off;
    char stream_msg[160];
} dec;

static inline int64_t abs_pos(const dec *d)
{
    return d->s.base + (int64_t)d->s.pos;
}

/* Runs the file CRC over window bytes up to `upto` (absolute, clamped to the
 * CRC range and to what the window holds). */
static void crc_upto(dec *d, int64_t upto)
{
    if (upto > d->crc_end)
        upto = d->crc_end;
    int64_t win_end = d->s.base + (int64_t)d->s.len;
    if (upto > win_end)
        upto = win_end;
    if (upto <= d->crc_at)
        return;
    d->crc = crc_run(d->crc, d->s.buf + (d->crc_at - d->s.base), (size_t)(upto - d->crc_at));
    d->crc_at = upto;
}

/* Makes n bytes available at the read position; false when the input ends
 * first (then s.len - s.pos bytes are all there is). */
static bool need_slow(dec *d, size_t n);

static inline bool need(dec *d, size_t n)
{
    return d->s.len - d->s.pos >= n || need_slow(d, n);
}

static bool need_slow(dec *d, size_t n)
{
    src *s = &d->s;
    if (s->eof)
        return false;
    /* Slide the window: CRC what leaves it, keep the unread tail. */
    crc_upto(d, abs_pos(d));
    size_t keep = s->len - s->pos;
    memmove(s->own, s->own + s->pos, keep);
    s->base += (int64_t)s->pos;
    s->len = keep;
    s->pos = 0;
    while (s->len < WINDOW) {
        ssize_t r = read(s->fd, s->own + s->len, WINDOW - s->len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            s->read_errno = errno;
            s->eof = true;
            break;
        }
        if (r == 0) {
            s->eof = true;
            break;
        }
        if (s->hash)
            rh_sha256_update(&s->sha, s->own + s->len, (size_t)r);
        s->hashed += r;
        s->len += (size_t)r;
        if (s->len - s->pos >= n && s->len >= WINDOW / 2)
            break;
    }
    s->buf = s->own;
    return s->len - s->pos >= n;
}

static inline size_t avail(const dec *d)
{
    return d->s.len - d->s.pos;
}

/* ------------------------------------------------------------ counting */

static uint32_t count_index(dec *d, uint16_t global)
{
    uint32_t h = (uint32_t)global * 2654435761u >> 21; /* 11 bits */
    for (;;) {
        int32_t v = d->slot_of_global[h];
        if (v < 0)
            break;
        if (d->rep->counts[v].global == global)
            return (uint32_t)v;
        h = (h + 1) & 2047;
    }
    if (d->nglobals >= RH_FIT_MAX_GLOBALS)
        return UINT32_MAX;
    uint32_t idx = d->nglobals++;
    d->slot_of_global[h] = (int32_t)idx;
    d->rep->counts[idx].global = global;
    d->rep->counts[idx].count = 0;
    return idx;
}

/* ------------------------------------------------------------ messages */

#define SEMICIRCLE_DEG (180.0 / 2147483648.0)

/* The scalar record fields (see svx() for typed and big). */
static inline __attribute__((always_inline)) void
record_fields(const uint8_t *m, const fit_def *f, bool typed, bool big, rh_fit_record *r)
{
    double v;
    /* heart_rate is uint8 in the profile; a file that declares a wider type
     * can hold values no heart rate has: those read as invalid, not wrapped
     * (a typed read is a uint8: always in range). */
    r->heart_rate = svx(m, f, 4, BT_UINT8, typed, big, &v) && (typed || (v >= 0 && v <= 65535))
                        ? (int32_t)v
                        : -1;
    r->lat_deg = svx(m, f, 1, BT_SINT32, typed, big, &v) ? v * SEMICIRCLE_DEG : RH_NAN;
    r->lon_deg = svx(m, f, 2, BT_SINT32, typed, big, &v) ? v * SEMICIRCLE_DEG : RH_NAN;
    r->altitude_m = svx_scaled(m, f, 11, BT_UINT32, typed, big, 5.0, 500.0);
    if (isnan(r->altitude_m))
        r->altitude_m = svx_scaled(m, f, 3, BT_UINT16, typed, big, 5.0, 500.0);
    r->cadence_rpm = svx_scaled(m, f, 5, BT_UINT8, typed, big, 1.0, 0.0);
    r->distance_m = svx_scaled(m, f, 6, BT_UINT32, typed, big, 100.0, 0.0);
    r->speed_m_s = svx_scaled(m, f, 10, BT_UINT32, typed, big, 1000.0, 0.0);
    if (isnan(r->speed_m_s))
        r->speed_m_s = svx_scaled(m, f, 7, BT_UINT16, typed, big, 1000.0, 0.0);
    r->power_w = svx_scaled(m, f, 8, BT_UINT16, typed, big, 1.0, 0.0);
}

static rh_status h_record(dec *d, const fit_def *f, const uint8_t *m, rh_fit_time ts,
                          bool compressed)
{
    rh_fit_record r;
    r.timestamp = ts;
    r.compressed = compressed;
    if (!f->typed)
        record_fields(m, f, false, false, &r);
    else if (f->big)
        record_fields(m, f, true, true, &r);
    else
        record_fields(m, f, true, false, &r);
    const fit_slot *c = &f->slot[9];
    if (c->size >= 3) {
        /* compressed_speed_distance: 12-bit speed (m/s * 100) and 12-bit
         * distance (m * 16, accumulated across rollovers). */
        const uint8_t *p = m + c->off;
        if (!(p[0] == 0xFF && p[1] == 0xFF && p[2] == 0xFF)) {
            unsigned sp = (unsigned)p[0] | (unsigned)(p[1] & 0x0F) << 8;
            unsigned di = (unsigned)(p[1] >> 4) | (unsigned)p[2] << 4;
            if (!d->csd_set) {
                d->csd_dist = di;
                d->csd_set = true;
            } else {
                d->csd_dist += (di - (d->csd_dist & 0xFFF)) & 0xFFF;
            }
            if (isnan(r.speed_m_s))
                r.speed_m_s = sp / 100.0;
            if (isnan(r.distance_m))
                r.distance_m = (double)d->csd_dist / 16.0;
        }
    }
    d->rep->records++;
    if (r.heart_rate >= 0)
        d->rep->records_with_hr++;
    if (d->sink->record)
        return d->sink->record(d->sink->ctx, &r, d->err);
    return RH_OK;
}

static rh_status h_summary(dec *d, const fit_def *f, const uint8_t *m, rh_fit_time ts)
{
    rh_fit_summary s;
    s.timestamp = ts;
    s.start_time = sv_time(m, f, 1);
    s.sport = sv_int(m, f, 2);
    s.sub_sport = sv_int(m, f, 3);
    s.total_elapsed_s = sv_scaled(m, f, 4, 1000.0, 0.0);
    s.total_timer_s = sv_scaled(m, f, 5, 1000.0, 0.0);
    s.distance_m = sv_scaled(m, f, 6, 100.0, 0.0);
    s.avg_hr_bpm = sv_scaled(m, f, 7, 1.0, 0.0);
    s.max_hr_bpm = sv_scaled(m, f, 8, 1.0, 0.0);
    rh_status (*cb)(void *, const rh_fit_summary *, rh_err *) =
        f->global == G_SESSION ? d->sink->session : d->sink->lap;
    return cb ? cb(d->sink->ctx, &s, d->err) : RH_OK;
}

static rh_status h_file_id(dec *d, const fit_def *f, const uint8_t *m)
{
    rh_fit_file_id x;
    double v;
    x.type = sv_int(m, f, 1);
    x.manufacturer = sv_int(m, f, 2);
    x.product = sv_int(m, f, 3);
    x.serial = sv(m, f, 4, &v) && v >= 0 && v < 9.2e18 ? (int64_t)v : -1;
    x.time_created = sv_time(m, f, 5);
    sv_string(m, f, 6, x.product_name, sizeof(x.product_name));
    return d->sink->file_id ? d->sink->file_id(d->sink->ctx, &x, d->err) : RH_OK;
}

static rh_status h_device_info(dec *d, const fit_def *f, const uint8_t *m, rh_fit_time ts)
{
    rh_fit_device_info x;
    double v;
    x.timestamp = ts;
    x.device_index = sv_int(m, f, 1);
    x.device_type = sv_int(m, f, 2);
    x.manufacturer = sv_int(m, f, 3);
    x.serial = sv(m, f, 4, &v) && v >= 0 && v < 9.2e18 ? (int64_t)v : -1;
    x.product = sv_int(m, f, 5);
    x.software_version = sv_scaled(m, f, 6, 100.0, 0.0);
    sv_string(m, f, 7, x.product_name, sizeof(x.product_name));
    return d->sink->device_info ? d->sink->device_info(d->sink->ctx, &x, d->err) : RH_OK;
}

static rh_status h_event(dec *d, const fit_def *f, const uint8_t *m, rh_fit_time ts)
{
    rh_fit_event x;
    double v;
    x.timestamp = ts;
    x.event = sv_int(m, f, 1);
    x.event_type = sv_int(m, f, 2);
    x.data = sv(m, f, 3, &v) && v >= 0 && v < 9.2e18 ? (int64_t)v : -1;
    return d->sink->event ? d->sink->event(d->sink->ctx, &x, d->err) : RH_OK;
}

static rh_status h_activity(dec *d, const fit_def *f, const uint8_t *m, rh_fit_time ts)
{
    rh_fit_activity_msg x;
    x.timestamp = ts;
    x.num_sessions = sv_int(m, f, 1);
    x.local_timestamp = sv_time(m, f, 2);
    return d->sink->activity ? d->sink->activity(d->sink->ctx, &x, d->err) : RH_OK;
}

static rh_status h_hrv(dec *d, const fit_def *f, const uint8_t *m)
{
    const fit_slot *t = &f->slot[1];
    if (t->size == 0 || t->bt >= BT_COUNT || t->bt == BT_STRING)
        return RH_OK;
    unsigned bs = bt_size[t->bt];
    if (t->size % bs != 0)
        return RH_OK;
    double rr[255];
    size_t n = 0, invalid = 0, count = t->size / bs;
    for (size_t i = 0; i < count; i++) {
        double v;
        if (elem(m + t->off + i * bs, t->bt, f->big, &v))
            rr[n++] = v; /* scale 1000 to seconds: the raw value is milliseconds */
        else
            invalid++;
    }
    d->rep->hrv_values += n;
    d->rep->hrv_invalid_slots += invalid;
    return d->sink->hrv ? d->sink->hrv(d->sink->ctx, rr, n, invalid, d->err) : RH_OK;
}

static rh_status h_hr(dec *d, const fit_def *f, const uint8_t *m, rh_fit_time ts)
{
    rh_fit_hr x;
    double v;
    x.timestamp = ts;
    x.fractional_s = RH_NAN;
    x.nbeats = 0;
    if (sv(m, f, 2, &v))
        x.fractional_s = v / 256.0;
    else if (sv(m, f, 1, &v))
        x.fractional_s = v / 32768.0;
    d->rep->hr_messages++;
    /* Beat times: full event_timestamp values, then packed 12-bit ones
     * accumulated onto the last full value. */
    const fit_slot *et = &f->slot[4];
    if (et->size > 0 && et->bt < BT_COUNT && et->bt != BT_STRING &&
        et->size % bt_size[et->bt] == 0) {
        unsigned bs = bt_size[et->bt];
        for (size_t i = 0; i < et->size / bs && x.nbeats < 256; i++) {
            /* event_timestamp is a uint32 of 1/1024 s in the profile; a wider
             * declared type cannot hold a meaningful larger value */
            if (!elem(m + et->off + i * bs, et->bt, f->big, &v) || !(v >= 0 && v <= 4294967295.0))
                continue;
            d->hr_acc = (uint64_t)v;
            d->hr_acc_set = true;
            x.beat_1024[x.nbeats++] = d->hr_acc;
        }
    }
    const fit_slot *e12 = &f->slot[5];
    if (e12->size > 0) {
        const uint8_t *p = m + e12->off;
        size_t nv = (size_t)e12->size * 8 / 12;
        for (size_t i = 0; i < nv && x.nbeats < 256; i++) {
            size_t bit = i * 12, byte = bit / 8;
            unsigned v12 = (bit % 8 == 0)
                               ? ((unsigned)p[byte] | (unsigned)(p[byte + 1] & 0x0F) << 8)
                               : ((unsigned)(p[byte] >> 4) | (unsigned)p[byte + 1] << 4);
            if (!d->hr_acc_set) {
                d->hr_acc = v12;
                d->hr_acc_set = true;
            } else {
                d->hr_acc += (v12 - (d->hr_acc & 0xFFF)) & 0xFFF;
            }
            x.beat_1024[x.nbeats++] = d->hr_acc;
        }
    }
    const fit_slot *fb = &f->slot[3];
    size_t nbpm = 0;
    if (fb->size > 0 && fb->bt < BT_COUNT && fb->bt != BT_STRING && fb->size % bt_size[fb->bt] == 0)
        nbpm = fb->size / bt_size[fb->bt];
    for (size_t i = 0; i < x.nbeats; i++) {
        x.bpm[i] = -1;
        if (i < nbpm && elem(m + fb->off + i * bt_size[fb->bt], fb->bt, f->big, &v) && v >= 0 &&
            v <= 65535)
            x.bpm[i] = (int)v;
    }
    return d->sink->hr ? d->sink->hr(d->sink->ctx, &x, d->err) : RH_OK;
}

static rh_status h_field_description(dec *d, const fit_def *f, const uint8_t *m)
{
    rh_fit_field_description x;
    x.developer_data_index = sv_int(m, f, 1);
    x.field_number = sv_int(m, f, 2);
    x.base_type = sv_int(m, f, 3);
    sv_string(m, f, 4, x.name, sizeof(x.name));
    sv_string(m, f, 5, x.units, sizeof(x.units));
    x.native_mesg = sv_int(m, f, 6);
    x.native_field = sv_int(m, f, 7);
    return d->sink->field_description ? d->sink->field_description(d->sink->ctx, &x, d->err)
                                      : RH_OK;
}

/* Decodes one data message body `m` (f->size bytes). */
static rh_status on_data(dec *d, const fit_def *f, const uint8_t *m, bool compressed,
                         uint32_t compressed_ts)
{
    rh_fit_time ts = {false, 0};
    if (f->slot[0].size) {
        if (f->typed) { /* uint32: sv_time() is the raw value unless invalid */
            uint32_t u = rd32(m + f->slot[0].off, f->big);
            ts.present = u != 0xFFFFFFFFu;
            ts.raw = u;
        } else {
            ts = sv_time(m, f, 0);
        }
        if (ts.present) {
            d->last_ts = ts.raw;
            d->have_ts = true;
        }
    }
    if (compressed && !ts.present && d->have_ts) {
        ts.present = true;
        ts.raw = compressed_ts;
    }
    d->rep->data_messages++;
    if (f->count_idx != UINT32_MAX)
        d->rep->counts[f->count_idx].count++;
    else
        d->rep->other_globals++;
    switch (f->global) {
    case G_RECORD:
        return h_record(d, f, m, ts, compressed && ts.present);
    case G_SESSION:
    case G_LAP:
        return h_summary(d, f, m, ts);
    case G_FILE_ID:
        return h_file_id(d, f, m);
    case G_DEVICE_INFO:
        return h_device_info(d, f, m, ts);
    case G_EVENT:
        return h_event(d, f, m, ts);
    case G_ACTIVITY:
        return h_activity(d, f, m, ts);
    case G_HRV:
        return h_hrv(d, f, m);
    case G_HR:
        return h_hr(d, f, m, ts);
    case G_FIELD_DESCRIPTION:
        return h_field_description(d, f, m);
    default:
        return RH_OK;
    }
}

/* Records the current segment's first message-stream problem. */
static void stream_problem(dec *d, rh_fit_class cls, int64_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void stream_problem(dec *d, rh_fit_class cls, int64_t off, const char *fmt, ...)
{
    if (d->stream_cls != RH_FIT_OK)
        return;
    d->stream_cls = cls;
    d->stream_off = off;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->stream_msg, sizeof(d->stream_msg), fmt, ap);
    va_end(ap);
}

/* Reads a definition message at the read position (header byte h). Returns
 * false on a stream problem or the end of input (nothing consumed then). */
static bool read_definition(dec *d, uint8_t h, int64_t data_end, bool *eof)
{
    int64_t at = abs_pos(d);
    if (!need(d, 6)) {
        *eof = true;
        return false;
    }
    if (at + 6 > data_end) {
        stream_problem(d, RH_FIT_MESSAGE_OVERRUN, at,
                       "definition message at byte %" PRId64 " crosses the end of the data "
                       "section at byte %" PRId64,
                       at, data_end);
        return false;
    }
    const uint8_t *p = d->s.buf + d->s.pos;
    uint8_t arch = p[2];
    if (arch > 1) {
        stream_problem(d, RH_FIT_BAD_DEFINITION, at,
                       "definition message at byte %" PRId64 " declares architecture %u "
                       "(only 0 = little-endian and 1 = big-endian exist)",
                       at, arch);
        return false;
    }
    bool big = arch == 1;
    unsigned nf = p[5];
    bool dev = (h & 0x20) != 0;
    size_t len = 6 + 3 * (size_t)nf + (dev ? 1 : 0);
    if (!need(d, len)) {
        *eof = true;
        return false;
    }
    p = d->s.buf + d->s.pos;
    size_t nd = dev ? p[6 + 3 * nf] : 0;
    if (dev) {
        len += 3 * nd;
        if (!need(d, len)) {
            *eof = true;
            return false;
        }
        p = d->s.buf + d->s.pos;
    }
    if (at + (int64_t)len > data_end) {
        stream_problem(d, RH_FIT_MESSAGE_OVERRUN, at,
                       "definition message at byte %" PRId64 " (%zu bytes) crosses the end of "
                       "the data section at byte %" PRId64,
                       at, len, data_end);
        return false;
    }
    fit_def *f = &d->defs[h & 0x0F];
    memset(f, 0, sizeof(*f));
    f->defined = true;
    f->big = big;
    f->global = rd16(p + 3, big);
    uint32_t off = 0;
    for (unsigned i = 0; i < nf; i++) {
        const uint8_t *fd = p + 6 + 3 * i;
        int s = slot_of(f->global, fd[0]);
        unsigned bt = fd[2] & 0x1F;
        /* A field of an unknown base type, or whose size is not a whole
         * number of elements, is raw bytes: its slot stays absent. */
        if (s >= 0 && off <= 0xFFFF && bt < BT_COUNT && fd[1] >= bt_size[bt] &&
            fd[1] % bt_size[bt] == 0) {
            f->slot[s].off = (uint16_t)off;
            f->slot[s].size = fd[1];
            f->slot[s].bt = (uint8_t)bt;
        }
        off += fd[1];
    }
    for (size_t i = 0; i < nd; i++)
        off += p[6 + 3 * nf + 1 + 3 * i + 1];
    f->size = off;
    f->typed = typed_of(f);
    f->count_idx = count_index(d, f->global);
    d->rep->definitions++;
    d->rep->developer_field_defs += nd;
    d->s.pos += len;
    return true;
}

/* Finishes a segment's CRC range: consumes (and CRCs) every remaining data
 * byte up to data_end; false when the input ends first. */
static bool skip_to(dec *d, int64_t end)
{
    while (abs_pos(d) < end) {
        size_t want = (size_t)(end - abs_pos(d));
        if (want > WINDOW / 2)
            want = WINDOW / 2;
        if (!need(d, want)) {
            d->s.pos = d->s.len; /* everything there is */
            return false;
        }
        d->s.pos += want;
    }
    return true;
}

typedef struct seg_result {
    rh_fit_class cls;
    int64_t offset;
    char detail[512];
} seg_result;

static void seg_fail(seg_result *r, rh_fit_class cls, int64_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void seg_fail(seg_result *r, rh_fit_class cls, int64_t off, const char *fmt, ...)
{
    if (r->cls != RH_FIT_OK)
        return;
    r->cls = cls;
    r->offset = off;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
    va_end(ap);
}

/* Decodes one segment starting at the read position. Returns a sink error
 * status, or RH_OK with *res describing the segment's problem (if any). */
static rh_status decode_segment(dec *d, uint32_t index, seg_result *res, bool *clean_end)
{
    *clean_end = false;
    memset(res, 0, sizeof(*res));
    int64_t seg = abs_pos(d);
    need(d, 14);
    size_t have = avail(d);
    if (have == 0) {
        *clean_end = true;
        return RH_OK;
    }
    const uint8_t *p = d->s.buf + d->s.pos;
    if (have < 12) {
        seg_fail(res, RH_FIT_NOT_FIT, seg,
                 "%zu byte%s at byte %" PRId64 ", too short for a FIT header (12 or 14 bytes)",
                 have, have == 1 ? "" : "s", seg);
        return RH_OK;
    }
    if ((p[0] != 12 && p[0] != 14) || memcmp(p + 8, ".FIT", 4) != 0) {
        char sig[5];
        for (int i = 0; i < 4; i++)
            sig[i] = (p[8 + i] >= 0x20 && p[8 + i] < 0x7F) ? (char)p[8 + i] : '?';
        sig[4] = '\0';
        seg_fail(res, RH_FIT_NOT_FIT, seg,
                 "no FIT header at byte %" PRId64 " (header size byte %u, signature '%s')", seg,
                 p[0], sig);
        return RH_OK;
    }
    unsigned hs = p[0];
    if (have < hs) {
        seg_fail(res, RH_FIT_TRUNCATED, seg + (int64_t)have,
                 "the file ends at byte %" PRId64
                 ", inside the %u-byte header of the segment at byte %" PRId64,
                 seg + (int64_t)have, hs, seg);
        return RH_OK;
    }
    uint32_t data_size = rd32(p + 4, false);
    int64_t data_start = seg + hs, data_end = data_start + (int64_t)data_size;
    int64_t seg_end = data_end + 2;
    d->rep->segments++;
    if (d->sink->segment) {
        rh_status st = d->sink->segment(d->sink->ctx, index, seg, d->err);
        if (st != RH_OK)
            return st;
    }
    /* 1. size */
    bool truncated = d->s.total >= 0 && seg_end > d->s.total;
    /* 2. header CRC (0 = not computed) */
    bool hcrc_bad = false;
    uint16_t hcrc_stored = 0, hcrc_calc = 0;
    if (hs == 14) {
        hcrc_stored = rd16(p + 12, false);
        hcrc_calc = crc_run(0, p, 12);
        hcrc_bad = hcrc_stored != 0 && hcrc_stored != hcrc_calc;
    }
    d->crc = 0;
    d->crc_at = seg;
    d->crc_end = data_end;
    memset(d->defs, 0, sizeof(d->defs));
    d->have_ts = false;
    d->stream_cls = RH_FIT_OK;
    d->stream_off = -1;
    d->stream_msg[0] = '\0';
    d->s.pos += hs;
    d->rep->readable_end = abs_pos(d);

    /* 4. the message stream (decoded while the CRC is pending) */
    bool eof = false;
    while (abs_pos(d) < data_end) {
        int64_t at = abs_pos(d);
        if (!need(d, 1)) {
            eof = true;
            break;
        }
        uint8_t h = d->s.buf[d->s.pos];
        if ((h & 0xC0) == 0x40) {
            if (!read_definition(d, h, data_end, &eof))
                break;
            d->rep->readable_end = abs_pos(d);
            continue;
        }
        bool compressed = (h & 0x80) != 0;
        unsigned local = compressed ? (h >> 5) & 3u : h & 0x0Fu;
        const fit_def *f = &d->defs[local];
        if (!f->defined) {
            stream_problem(d, RH_FIT_UNDEFINED_LOCAL_MESSAGE, at,
                           "data message at byte %" PRId64 " uses local message type %u, which "
                           "was never defined",
                           at, local);
            break;
        }
        size_t len = 1 + (size_t)f->size;
        if (at + (int64_t)len > data_end) {
            stream_problem(d, RH_FIT_MESSAGE_OVERRUN, at,
                           "data message at byte %" PRId64 " (%zu bytes) crosses the end of the "
                           "data section at byte %" PRId64,
                           at, len, data_end);
            break;
        }
        if (!need(d, len)) {
            eof = true;
            break;
        }
        uint32_t cts = 0;
        if (compressed) {
            unsigned off5 = h & 0x1Fu;
            cts = (d->last_ts & ~0x1Fu) + off5;
            if (off5 < (d->last_ts & 0x1Fu))
                cts += 0x20;
            d->rep->compressed_timestamps++;
        }
        rh_status st = on_data(d, f, d->s.buf + d->s.pos + 1, compressed, cts);
        if (st != RH_OK)
            return st;
        if (compressed && d->have_ts)
            d->last_ts = cts;
        d->s.pos += len;
        d->rep->readable_end = abs_pos(d);
    }
    /* The rest of the data section only feeds the CRC. */
    if (!eof)
        eof = !skip_to(d, data_end);
    uint16_t fcrc_stored = 0;
    bool fcrc_bad = false;
    if (!eof) {
        crc_upto(d, data_end);
        if (need(d, 2)) {
            fcrc_stored = rd16(d->s.buf + d->s.pos, false);
            fcrc_bad = fcrc_stored != d->crc;
            d->s.pos += 2;
        } else {
            eof = true;
            d->s.pos = d->s.len;
        }
    }
    int64_t end_of_input = abs_pos(d);
    if (eof) {
        truncated = true;
        end_of_input = d->s.base + (int64_t)d->s.len;
    }

    if (d->rep->stream_cls == RH_FIT_OK && d->stream_cls != RH_FIT_OK) {
        d->rep->stream_cls = d->stream_cls;
        d->rep->stream_offset = d->stream_off;
    }
    if (truncated)
        seg_fail(res, RH_FIT_TRUNCATED, end_of_input,
                 "the segment at byte %" PRId64 " declares %" PRIu32 " data bytes and should end "
                 "at byte %" PRId64 ", but the file ends at byte %" PRId64,
                 seg, data_size, seg_end, end_of_input);
    if (hcrc_bad)
        seg_fail(res, RH_FIT_HEADER_CRC_MISMATCH, seg + 12,
                 "header CRC of the segment at byte %" PRId64 " is 0x%04X, the header bytes give "
                 "0x%04X",
                 seg, hcrc_stored, hcrc_calc);
    if (fcrc_bad)
        seg_fail(res, RH_FIT_FILE_CRC_MISMATCH, data_end,
                 "file CRC of the segment at byte %" PRId64 " is 0x%04X, its bytes give 0x%04X",
                 seg, fcrc_stored, d->crc);
    if (d->stream_cls != RH_FIT_OK) {
        if (res->cls != RH_FIT_OK) {
            /* Say where the messages stop too, under the class that wins. */
            size_t n = strlen(res->detail);
            snprintf(res->detail + n, sizeof(res->detail) - n, "; also %s: %s",
                     rh_fit_class_name(d->stream_cls), d->stream_msg);
        }
        seg_fail(res, d->stream_cls, d->stream_off, "%s", d->stream_msg);
    }
    return RH_OK;
}

static int cmp_count(const void *a, const void *b)
{
    const rh_activity_count *x = a, *y = b;
    return x->global < y->global ? -1 : x->global > y->global;
}

static rh_status run(dec *d)
{
    rh_fit_report *rep = d->rep;
    rh_status st = RH_OK;
    seg_result res;
    for (uint32_t index = 0;; index++) {
        bool clean_end;
        st = decode_segment(d, index, &res, &clean_end);
        if (st != RH_OK || clean_end || res.cls != RH_FIT_OK)
            break;
    }
    if (st == RH_OK && d->s.read_errno != 0)
        st = RH_FAIL_ERRNO(d->err, RH_E_IO, d->s.read_errno, "cannot read '%s'", d->name);
    /* An empty input is not a FIT file. */
    if (st == RH_OK && res.cls == RH_FIT_OK && rep->segments == 0)
        seg_fail(&res, RH_FIT_NOT_FIT, 0, "the input is empty");
    /* Globals only defined, never used, are not counted. */
    size_t n = 0;
    for (uint32_t i = 0; i < d->nglobals; i++)
        if (rep->counts[i].count > 0)
            rep->counts[n++] = rep->counts[i];
    qsort(rep->counts, n, sizeof(rep->counts[0]), cmp_count);
    rep->ncounts = n;
    if (st != RH_OK)
        return st;
    rep->cls = res.cls;
    rep->offset = res.cls == RH_FIT_OK ? -1 : res.offset;
    snprintf(rep->detail, sizeof(rep->detail), "%s", res.detail);
    if (res.cls == RH_FIT_OK)
        return RH_OK;
    /* Nothing readable at all (not FIT, or a header cut short) cannot be
     * salvaged; anything else can, when asked. */
    bool nothing = rep->segments == 0;
    if (d->opts->salvage && !nothing)
        return RH_OK;
    char tail[160] = "";
    if (!nothing)
        snprintf(tail, sizeof(tail),
                 "; readable: %" PRIu64 " messages (%" PRIu64 " records) up to byte %" PRId64 "%s",
                 rep->data_messages, rep->records, rep->readable_end,
                 d->opts->salvage ? "" : " (--salvage keeps them)");
    RH_FAIL(d->err, RH_E_CORRUPT, "%s: %s%s", rh_fit_class_name(res.cls), res.detail, tail);
    rh_err_at_offset(d->err, d->name, res.offset);
    return RH_E_CORRUPT;
}

static void dec_setup(dec *d, const char *name, const rh_fit_opts *opts, const rh_fit_sink *sink,
                      rh_fit_report *rep, rh_err *err)
{
    static const rh_fit_opts no_opts = {0};
    static const rh_fit_sink no_sink = {0};
    call_once(&crc_once, crc_init);
    memset(d, 0, sizeof(*d));
    memset(rep, 0, sizeof(*rep));
    rep->offset = -1;
    rep->stream_offset = -1;
    d->name = name ? name : "<input>";
    d->opts = opts ? opts : &no_opts;
    d->sink = sink ? sink : &no_sink;
    d->rep = rep;
    d->err = err;
    d->s.fd = -1;
    d->s.total = -1;
    for (size_t i = 0; i < 2048; i++)
        d->slot_of_global[i] = -1;
}

rh_status rh_fit_decode_mem(const void *data, size_t len, const char *name, const rh_fit_opts *opts,
                            const rh_fit_sink *sink, rh_fit_report *rep, rh_err *err)
{
    rh_fit_report local;
    dec *d = rh_malloc(sizeof(*d));
    if (!rep)
        rep = &local;
    if (!d) {
        memset(rep, 0, sizeof(*rep));
        return RH_FAIL(err, RH_E_NOMEM, "out of memory decoding '%s'", name ? name : "<input>");
    }
    dec_setup(d, name, opts, sink, rep, err);
    d->s.buf = data;
    d->s.len = len;
    d->s.eof = true;
    d->s.total = (int64_t)len;
    rep->bytes_read = len;
    if (d->opts->hash)
        rh_sha256_hex(data, len, rep->sha256);
    rh_status st = run(d);
    rh_free(d);
    return st;
}

rh_status rh_fit_decode_file(const char *path, const rh_fit_opts *opts, const rh_fit_sink *sink,
                             rh_fit_report *rep, rh_err *err)
{
    rh_fit_report local;
    if (!rep)
        rep = &local;
    dec *d = rh_malloc(sizeof(*d));
    uint8_t *win = rh_malloc(WINDOW);
    rh_status st = RH_OK;
    int fd = -1;
    if (!d || !win) {
        memset(rep, 0, sizeof(*rep));
        st = RH_FAIL(err, RH_E_NOMEM, "out of memory decoding '%s'", path);
        goto out;
    }
    dec_setup(d, path, opts, sink, rep, err);
    bool is_stdin = strcmp(path, "-") == 0;
    fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        st = RH_FAIL_ERRNO(err, RH_E_IO, errno, "cannot open '%s'", path);
        rh_err_at_offset(err, path, -1);
        goto out;
    }
    struct stat sb;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
        d->s.total = (int64_t)sb.st_size;
    if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        st = RH_FAIL(err, RH_E_IO, "'%s' is a directory", path);
        goto out;
    }
    d->s.fd = fd;
    d->s.own = win;
    d->s.buf = win;
    d->s.hash = d->opts->hash;
    if (d->s.hash)
        rh_sha256_init(&d->s.sha);
    st = run(d);
    if (st == RH_OK || st == RH_E_CORRUPT) {
        /* Hash the bytes after the last segment too: the hash is of the file. */
        if (d->s.hash) {
            while (!d->s.eof) {
                d->s.pos = d->s.len;
                need(d, 1);
            }
            rh_sha256_final_hex(&d->s.sha, rep->sha256);
        } else {
            rep->bytes_read = (uint64_t)d->s.hashed;
        }
        if (d->s.hash)
            rep->bytes_read = (uint64_t)d->s.hashed;
    }
out:
    if (fd >= 0 && fd != STDIN_FILENO)
        close(fd);
    rh_free(win);
    rh_free(d);
    return st;
}

/* ------------------------------------------------------ activity builder */

typedef struct act_ctx {
    rh_activity *a;
    bool have_file_id;
    /* Beat clock anchor from the last `hr` message with a timestamp: the
     * wall time (ms from the FIT epoch) of beat-clock value `anchor_1024`. */
    bool anchored;
    double anchor_wall_s;
    uint64_t anchor_1024;
    uint8_t anchor_tb;
} act_ctx;

static uint8_t time_base_of(uint32_t raw)
{
    return raw < RH_FIT_SYSTEM_TIME_MAX ? RH_TIME_SYSTEM : RH_TIME_UTC;
}

static int64_t fit_ms(uint32_t raw)
{
    return ((int64_t)raw + RH_FIT_EPOCH_UNIX_S) * 1000;
}

static rh_status a_segment(void *ctx, uint32_t index, int64_t offset, rh_err *err)
{
    (void)offset;
    (void)err;
    act_ctx *c = ctx;
    c->a->segments = index;
    return RH_OK;
}

static rh_status a_file_id(void *ctx, const rh_fit_file_id *m, rh_err *err)
{
    act_ctx *c = ctx;
    if (c->have_file_id)
        return RH_OK;
    c->have_file_id = true;
    rh_activity *a = c->a;
    a->file_type = m->type;
    if (m->time_created.present) {
        a->has_time_created = true;
        a->time_created_base = time_base_of(m->time_created.raw);
        a->time_created_ms = fit_ms(m->time_created.raw);
    }
    rh_activity_device dev;
    rh_activity_device_clear(&dev);
    dev.manufacturer = m->manufacturer;
    dev.product = m->product;
    dev.serial = m->serial;
    snprintf(dev.name, sizeof(dev.name), "%s", m->product_name);
    /* The creator goes first. */
    rh_status st = rh_activity_add_device(a, &dev, err);
    if (st == RH_OK && a->ndevices > 1) {
        rh_activity_device t = a->devices[a->ndevices - 1];
        memmove(a->devices + 1, a->devices, (a->ndevices - 1) * sizeof(t));
        a->devices[0] = t;
    }
    return st;
}

static rh_status a_device_info(void *ctx, const rh_fit_device_info *m, rh_err *err)
{
    act_ctx *c = ctx;
    if (c->a->ndevices >= RH_ACTIVITY_MAX_DEVICES)
        return RH_OK; /* more device_info than anyone needs: counted, not kept */
    rh_activity_device dev;
    rh_activity_device_clear(&dev);
    dev.manufacturer = m->manufacturer;
    dev.product = m->product;
    dev.serial = m->serial;
    dev.device_index = m->device_index;
    dev.device_type = m->device_type;
    dev.software_version = m->software_version;
    snprintf(dev.name, sizeof(dev.name), "%s", m->product_name);
    return rh_activity_add_device(c->a, &dev, err);
}

static rh_status a_record(void *ctx, const rh_fit_record *m, rh_err *err)
{
    act_ctx *c = ctx;
    rh_activity *a = c->a;
    size_t i;
    rh_time_base tb = m->timestamp.present ? time_base_of(m->timestamp.raw) : RH_TIME_NONE;
    double cols[RH_COL_COUNT];
    cols[RH_COL_DISTANCE_M] = m->distance_m;
    cols[RH_COL_SPEED_M_S] = m->speed_m_s;
    cols[RH_COL_ALTITUDE_M] = m->altitude_m;
    cols[RH_COL_CADENCE_RPM] = m->cadence_rpm;
    cols[RH_COL_POWER_W] = m->power_w;
    cols[RH_COL_LAT_DEG] = m->lat_deg;
    cols[RH_COL_LON_DEG] = m->lon_deg;
    return rh_activity_add_point_cols(a, m->timestamp.present ? fit_ms(m->timestamp.raw) : 0, tb,
                                      m->heart_rate >= 0 ? (double)m->heart_rate : RH_NAN, cols, &i,
                                      err);
}

static void to_summary(const rh_fit_summary *m, rh_activity_summary *s)
{
    rh_activity_summary_clear(s);
    if (m->start_time.present) {
        s->has_start = true;
        s->start_time_base = time_base_of(m->start_time.raw);
        s->start_ms = fit_ms(m->start_time.raw);
    }
    s->sport = m->sport;
    s->sub_sport = m->sub_sport;
    const char *name = rh_fit_sport_name(m->sport);
    if (name)
        snprintf(s->sport_name, sizeof(s->sport_name), "%s", name);
    else if (m->sport >= 0)
        snprintf(s->sport_name, sizeof(s->sport_name), "sport_%d", m->sport);
    s->total_elapsed_s = m->total_elapsed_s;
    s->total_timer_s = m->total_timer_s;
    s->distance_m = m->distance_m;
    s->avg_hr_bpm = m->avg_hr_bpm;
    s->max_hr_bpm = m->max_hr_bpm;
}

static rh_status a_session(void *ctx, const rh_fit_summary *m, rh_err *err)
{
    act_ctx *c = ctx;
    rh_activity_summary s;
    to_summary(m, &s);
    return rh_activity_add_session(c->a, &s, err);
}

static rh_status a_lap(void *ctx, const rh_fit_summary *m, rh_err *err)
{
    act_ctx *c = ctx;
    rh_activity_summary s;
    to_summary(m, &s);
    return rh_activity_add_lap(c->a, &s, err);
}

static rh_status a_event(void *ctx, const rh_fit_event *m, rh_err *err)
{
    act_ctx *c = ctx;
    rh_activity_event e = {0};
    e.time_base = m->timestamp.present ? time_base_of(m->timestamp.raw) : RH_TIME_NONE;
    e.t_ms = m->timestamp.present ? fit_ms(m->timestamp.raw) : 0;
    e.event = m->event;
    e.event_type = m->event_type;
    e.data = m->data;
    return rh_activity_add_event(c->a, &e, err);
}

static rh_status a_activity(void *ctx, const rh_fit_activity_msg *m, rh_err *err)
{
    (void)err;
    act_ctx *c = ctx;
    if (m->timestamp.present && m->local_timestamp.present &&
        m->timestamp.raw >= RH_FIT_SYSTEM_TIME_MAX) {
        int64_t off = (int64_t)m->local_timestamp.raw - (int64_t)m->timestamp.raw;
        if (off >= -14 * 3600 && off <= 14 * 3600) {
            c->a->has_local_offset = true;
            c->a->local_offset_s = (int32_t)off;
        }
    }
    return RH_OK;
}

/* `hr` messages: a message with a timestamp anchors the strap's beat clock
 * (its first beat happened at timestamp + fractional_timestamp); every beat
 * is placed on the wall clock through the latest anchor. */
static rh_status a_hr(void *ctx, const rh_fit_hr *m, rh_err *err)
{
    act_ctx *c = ctx;
    if (m->timestamp.present && m->nbeats > 0) {
        c->anchored = true;
        c->anchor_wall_s =
            (double)m->timestamp.raw + (isnan(m->fractional_s) ? 0.0 : m->fractional_s);
        c->anchor_1024 = m->beat_1024[0];
        c->anchor_tb = time_base_of(m->timestamp.raw);
    }
    if (!c->anchored)
        return RH_OK;
    for (size_t i = 0; i < m->nbeats; i++) {
        rh_activity_beat b;
        double wall_s =
            c->anchor_wall_s + ((double)m->beat_1024[i] - (double)c->anchor_1024) / 1024.0;
        b.t_ms = (int64_t)floor((wall_s + (double)RH_FIT_EPOCH_UNIX_S) * 1000.0);
        b.time_base = c->anchor_tb;
        b.bpm = m->bpm[i] >= 0 ? (double)m->bpm[i] : RH_NAN;
        rh_status st = rh_activity_add_beat(c->a, &b, err);
        if (st != RH_OK)
            return st;
    }
    return RH_OK;
}

static rh_status a_hrv(void *ctx, const double *rr_ms, size_t n, size_t invalid, rh_err *err)
{
    (void)invalid;
    act_ctx *c = ctx;
    for (size_t i = 0; i < n; i++) {
        rh_status st = rh_activity_add_rr(c->a, rr_ms[i], err);
        if (st != RH_OK)
            return st;
    }
    return RH_OK;
}

static rh_status a_field_description(void *ctx, const rh_fit_field_description *m, rh_err *err)
{
    act_ctx *c = ctx;
    if (c->a->ndevfields >= RH_ACTIVITY_MAX_DEVFIELD)
        return RH_OK;
    rh_activity_devfield f;
    f.developer_data_index = m->developer_data_index;
    f.field_number = m->field_number;
    f.base_type = m->base_type;
    f.native_mesg = m->native_mesg;
    f.native_field = m->native_field;
    snprintf(f.name, sizeof(f.name), "%s", m->name);
    snprintf(f.units, sizeof(f.units), "%s", m->units);
    return rh_activity_add_devfield(c->a, &f, err);
}

static rh_status read_activity(const void *data, size_t len, const char *path,
                               const rh_fit_opts *opts, rh_activity *act, rh_fit_report *rep,
                               rh_err *err)
{
    act_ctx c = {0};
    c.a = act;
    rh_fit_sink sink = {
        .ctx = &c,
        .segment = a_segment,
        .file_id = a_file_id,
        .device_info = a_device_info,
        .record = a_record,
        .session = a_session,
        .lap = a_lap,
        .event = a_event,
        .activity = a_activity,
        .hr = a_hr,
        .hrv = a_hrv,
        .field_description = a_field_description,
    };
    rh_fit_report *r = rep ? rep : rh_malloc(sizeof(*r));
    if (!r)
        return RH_FAIL(err, RH_E_NOMEM, "out of memory decoding '%s'", path);
    /* A capacity guess from the input size saves the copies of repeated
     * doubling; the samples still grow past it when needed. */
    size_t hint = len;
    struct stat sb;
    if (!data && stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
        hint = (size_t)sb.st_size;
    rh_activity_reserve(act, hint / 32);
    rh_status st = data ? rh_fit_decode_mem(data, len, path, opts, &sink, r, err)
                        : rh_fit_decode_file(path, opts, &sink, r, err);
    if (st == RH_OK) {
        act->format = RH_ACTIVITY_FIT;
        snprintf(act->source, sizeof(act->source), "%s", path);
        snprintf(act->sha256, sizeof(act->sha256), "%s", r->sha256);
        act->size_bytes = r->bytes_read;
        act->segments = r->segments;
        if (r->cls != RH_FIT_OK) {
            act->partial = true;
            snprintf(act->problem, sizeof(act->problem),
                     "%s at byte %" PRId64 ": %s; kept %" PRIu64 " messages up to byte %" PRId64,
                     rh_fit_class_name(r->cls), r->offset, r->detail, r->data_messages,
                     r->readable_end);
        }
        st = rh_activity_set_counts(act, r->counts, r->ncounts, err);
    }
    if (st == RH_OK)
        st = rh_activity_finish(act, err);
    if (st != RH_OK)
        rh_activity_release(act);
    if (!rep)
        rh_free(r);
    return st;
}

rh_status rh_fit_read_activity_mem(const void *data, size_t len, const char *name,
                                   const rh_fit_opts *opts, rh_activity *act, rh_fit_report *rep,
                                   rh_err *err)
{
    static const uint8_t empty[1] = {0};
    return read_activity(data ? data : empty, data ? len : 0, name ? name : "<input>", opts, act,
                         rep, err);
}

rh_status rh_fit_read_activity_file(const char *path, const rh_fit_opts *opts, rh_activity *act,
                                    rh_fit_report *rep, rh_err *err)
{
    return read_activity(NULL, 0, path, opts, act, rep, err);
}

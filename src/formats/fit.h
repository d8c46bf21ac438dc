/* SPDX-License-Identifier: MIT
 *
 * formats/fit: a streaming decoder for Garmin/ANT FIT files, written from the
 * protocol description (shared/knowledge/wearable-formats.md): 12/14-byte
 * headers with their CRC, the file CRC, definition and data messages for the
 * 16 local types in both byte orders, compressed-timestamp headers, developer
 * fields, invalid values per base type, profile scale/offset for the fields
 * the product uses, chained files (every segment is read) and field sizes that
 * are not a multiple of their base type (read as raw bytes, never past them).
 *
 * Memory is bounded whatever the file size: files are read through a fixed
 * 256 KiB window, definitions live in 16 fixed slots, and decoded messages are
 * handed one at a time to a sink (rh_fit_sink). rh_fit_read_activity() is the
 * sink that builds an rh_activity.
 *
 * Damaged files. Strict mode (the default) refuses a file with one error class
 * (rh_fit_class), decided per segment in this order: the declared segment does
 * not fit in the bytes present (TRUNCATED), the header CRC, the file CRC, then
 * the message stream (UNDEFINED_LOCAL_MESSAGE, MESSAGE_OVERRUN,
 * BAD_DEFINITION). The error names the file, the byte offset and how much was
 * readable. Salvage mode keeps every complete message before the first broken
 * one and reports the problem instead of failing. The decision comes from the
 * bytes alone, never from the file name.
 *
 * Not thread-safe per decode; separate decodes may run in parallel.
 */
#ifndef RH_FORMATS_FIT_H
#define RH_FORMATS_FIT_H

#include "base/err.h"
#include "signal/activity.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Seconds from 1970-01-01 to the FIT epoch 1989-12-31T00:00:00Z. */
#define RH_FIT_EPOCH_UNIX_S    631065600LL
/* FIT date_time values below this are device system time, not UTC. */
#define RH_FIT_SYSTEM_TIME_MAX 0x10000000u

/* Error classes: the public vocabulary of `rehabit activity check`. */
#define RH_FIT_CLASS_MAP(X)                                                      \
    X(OK, "no problem")                                                          \
    X(NOT_FIT, "not a FIT file (no valid FIT header)")                           \
    X(TRUNCATED, "the file ends before the end the header declares")             \
    X(HEADER_CRC_MISMATCH, "the header CRC does not match the header bytes")     \
    X(FILE_CRC_MISMATCH, "the file CRC does not match the segment bytes")        \
    X(UNDEFINED_LOCAL_MESSAGE, "a data message uses a local type never defined") \
    X(MESSAGE_OVERRUN, "a message crosses the end of the data section")          \
    X(BAD_DEFINITION, "a definition message is impossible")

typedef enum rh_fit_class {
#define RH_FIT_CLASS_ENUM(name, text) RH_FIT_##name,
    RH_FIT_CLASS_MAP(RH_FIT_CLASS_ENUM)
#undef RH_FIT_CLASS_ENUM
} rh_fit_class;

/* "TRUNCATED" etc. */
const char *rh_fit_class_name(rh_fit_class c);
const char *rh_fit_class_text(rh_fit_class c);

typedef struct rh_fit_opts {
    bool salvage; /* keep the valid prefix of a damaged file instead of failing */
    bool hash;    /* compute the SHA-256 of every byte read into rep->sha256 */
} rh_fit_opts;

/* ---- decoded messages handed to a sink (profile scale/offset applied) ---- */

/* A timestamp as stored: raw FIT seconds since the FIT epoch. */
typedef struct rh_fit_time {
    bool present;
    uint32_t raw;
} rh_fit_time;

typedef struct rh_fit_file_id {
    int type, manufacturer, product; /* -1 absent */
    int64_t serial;                  /* -1 absent */
    rh_fit_time time_created;
    char product_name[64];
} rh_fit_file_id;

typedef struct rh_fit_record {
    rh_fit_time timestamp; /* resolved for compressed headers */
    bool compressed;       /* timestamp came from a compressed header */
    int32_t heart_rate;    /* bpm as stored; -1 absent or invalid */
    double distance_m, speed_m_s, altitude_m, cadence_rpm, power_w, lat_deg, lon_deg; /* NaN */
} rh_fit_record;

typedef struct rh_fit_summary { /* session (18) or lap (19) */
    rh_fit_time timestamp, start_time;
    int sport, sub_sport;                                                      /* -1 absent */
    double total_elapsed_s, total_timer_s, distance_m, avg_hr_bpm, max_hr_bpm; /* NaN */
} rh_fit_summary;

typedef struct rh_fit_device_info {
    rh_fit_time timestamp;
    int device_index, device_type, manufacturer, product; /* -1 absent */
    int64_t serial;                                       /* -1 absent */
    double software_version;                              /* NaN */
    char product_name[64];
} rh_fit_device_info;

typedef struct rh_fit_event {
    rh_fit_time timestamp;
    int event, event_type; /* -1 absent */
    int64_t data;          /* -1 absent */
} rh_fit_event;

typedef struct rh_fit_activity_msg {
    rh_fit_time timestamp, local_timestamp;
    int num_sessions; /* -1 absent */
} rh_fit_activity_msg;

/* One `hr` (132) message. Beat times are on the strap's beat clock in 1/1024 s,
 * already accumulated across 12-bit rollovers (event_timestamp_12 unpacked). */
typedef struct rh_fit_hr {
    rh_fit_time timestamp;
    double fractional_s; /* fractional_timestamp or time256; NaN absent */
    size_t nbeats;
    uint64_t beat_1024[256];
    int bpm[256]; /* filtered_bpm, -1 invalid/absent */
} rh_fit_hr;

typedef struct rh_fit_field_description {
    int developer_data_index, field_number, base_type, native_mesg, native_field; /* -1 */
    char name[48], units[24];
} rh_fit_field_description;

/* Callbacks; any may be NULL. A callback returning an error stops the decode
 * with that error. */
typedef struct rh_fit_sink {
    void *ctx;
    rh_status (*segment)(void *ctx, uint32_t index, int64_t offset, rh_err *err);
    rh_status (*file_id)(void *ctx, const rh_fit_file_id *m, rh_err *err);
    rh_status (*device_info)(void *ctx, const rh_fit_device_info *m, rh_err *err);
    rh_status (*record)(void *ctx, const rh_fit_record *m, rh_err *err);
    rh_status (*session)(void *ctx, const rh_fit_summary *m, rh_err *err);
    rh_status (*lap)(void *ctx, const rh_fit_summary *m, rh_err *err);
    rh_status (*event)(void *ctx, const rh_fit_event *m, rh_err *err);
    rh_status (*activity)(void *ctx, const rh_fit_activity_msg *m, rh_err *err);
    rh_status (*hr)(void *ctx, const rh_fit_hr *m, rh_err *err);
    /* RR intervals of one `hrv` (78) message in ms (valid slots only). */
    rh_status (*hrv)(void *ctx, const double *rr_ms, size_t n, size_t invalid_slots, rh_err *err);
    rh_status (*field_description)(void *ctx, const rh_fit_field_description *m, rh_err *err);
} rh_fit_sink;

#define RH_FIT_MAX_GLOBALS 1024 /* distinct global numbers counted one by one */

/* What the decode found. Always filled, also on failure. */
typedef struct rh_fit_report {
    rh_fit_class cls; /* the file's problem by the check order; OK when none */
    int64_t offset;   /* byte offset of that problem, -1 when none */
    char detail[512]; /* what exactly, for people */
    /* The message stream's own first error (may be hidden by cls). */
    rh_fit_class stream_cls;
    int64_t stream_offset;
    int64_t readable_end; /* end offset of the last complete message kept */
    uint32_t segments;    /* segments seen (including a failing one) */
    uint64_t definitions, data_messages, compressed_timestamps, developer_field_defs;
    uint64_t records, records_with_hr, hrv_values, hrv_invalid_slots, hr_messages;
    size_t ncounts;         /* counts[] entries, sorted by global number */
    uint64_t other_globals; /* data messages beyond RH_FIT_MAX_GLOBALS kinds */
    rh_activity_count counts[RH_FIT_MAX_GLOBALS];
    uint64_t bytes_read; /* input bytes seen */
    char sha256[65];     /* when opts->hash: hex of every byte read, else "" */
} rh_fit_report;

/* True when `data` starts with a plausible FIT header (size byte 12 or 14 and
 * ".FIT" at byte 8). Needs at least 12 bytes. */
bool rh_fit_sniff(const void *data, size_t len);

/* CRC-16/ARC as FIT uses it (poly 0xA001 reflected, init `crc`, no final xor). */
uint16_t rh_fit_crc16(uint16_t crc, const void *data, size_t len);

/* Decodes `len` bytes at `data` (borrowed; `name` only labels errors).
 * Returns RH_OK when the file is sound, or damaged but salvaged (opts->salvage;
 * rep->cls then names the problem). Fails with: E_CORRUPT (strict refusal, or
 * nothing salvageable; err says class, file, offset and what was readable),
 * whatever a sink callback returned. */
rh_status rh_fit_decode_mem(const void *data, size_t len, const char *name, const rh_fit_opts *opts,
                            const rh_fit_sink *sink, rh_fit_report *rep, rh_err *err);
/* Same, reading `path` ("-" = stdin) through a fixed window.
 * Fails with: E_IO, E_NOMEM, E_CORRUPT, sink errors. */
rh_status rh_fit_decode_file(const char *path, const rh_fit_opts *opts, const rh_fit_sink *sink,
                             rh_fit_report *rep, rh_err *err);

/* Decodes into `act` (initialised by the caller; released on failure): the
 * samples, laps, sessions, devices, events, RR intervals, hr beats, message
 * counts, segments, source, size, SHA-256 (when opts->hash) and
 * partial/problem when salvaged; then calls rh_activity_finish. `rep` may be
 * NULL. Fails with: as rh_fit_decode_*. */
rh_status rh_fit_read_activity_mem(const void *data, size_t len, const char *name,
                                   const rh_fit_opts *opts, rh_activity *act, rh_fit_report *rep,
                                   rh_err *err);
rh_status rh_fit_read_activity_file(const char *path, const rh_fit_opts *opts, rh_activity *act,
                                    rh_fit_report *rep, rh_err *err);

#endif

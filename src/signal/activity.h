/* SPDX-License-Identifier: MIT
 *
 * signal/activity: the one activity model every wearable reader fills (FIT,
 * TCX, GPX, CSV HR series, RR text, live 0x2A37 packets) and the rest of the
 * system reads: the samples in file order, a merged 1 Hz heart-rate series,
 * RR intervals, laps, sessions, devices, events, the source file's hash and
 * whether the data is only a salvaged prefix.
 *
 * Times are milliseconds since 1970-01-01T00:00:00Z. A FIT "system time"
 * (device seconds since power-on, values below 0x10000000) is kept counted
 * from the FIT epoch and flagged RH_TIME_SYSTEM, never passed off as UTC.
 *
 * The 1 Hz series (built by rh_activity_finish):
 *   - every sample with a time and a heart rate > 0 contributes to the UTC
 *     second it falls in (floor); HR 0 means "no reading" and is left out of
 *     the series (it stays in the samples as stored);
 *   - several values in one second (repeated or backward timestamps,
 *     sub-second trackpoints) merge into their arithmetic mean;
 *   - beats from FIT `hr` messages (chest-strap data handed over after the
 *     activity, placed on the wall clock through the hr message that carries
 *     a timestamp) take precedence in every second that has at least one:
 *     the value is the mean of the filtered_bpm of the beats in that second
 *     (record values there can be stale while the live link was down);
 *   - seconds with no value are gaps: nothing is interpolated, ever.
 * The SDK's interpolating merge of `hr` messages onto records is therefore not
 * reproduced; golden tests report how close the two are.
 *
 * Not thread-safe; an activity is owned by one thread at a time.
 */
#ifndef RH_SIGNAL_ACTIVITY_H
#define RH_SIGNAL_ACTIVITY_H

#include "base/buf.h"
#include "base/err.h"
#include "base/jw.h"
#include "signal/hrv.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Hard caps on input-driven growth (samples are at most one per input
 * message, so the caps only bite on absurd inputs). */
#define RH_ACTIVITY_MAX_POINTS   ((size_t)1 << 27) /* 134 M samples */
#define RH_ACTIVITY_MAX_RR       ((size_t)1 << 27)
#define RH_ACTIVITY_MAX_ITEMS    ((size_t)1 << 20) /* laps, sessions, events, beats, devices */
#define RH_ACTIVITY_MAX_DEVICES  256
#define RH_ACTIVITY_MAX_DEVFIELD 256

typedef enum rh_activity_format {
    RH_ACTIVITY_FIT = 0,
    RH_ACTIVITY_TCX,
    RH_ACTIVITY_GPX,
    RH_ACTIVITY_CSV,
    RH_ACTIVITY_RR,
    RH_ACTIVITY_BLE,
} rh_activity_format;

typedef enum rh_time_base {
    RH_TIME_NONE = 0,    /* no timestamp */
    RH_TIME_UTC = 1,     /* wall-clock UTC */
    RH_TIME_SYSTEM = 2,  /* FIT device system time, counted from the FIT epoch */
    RH_TIME_ELAPSED = 3, /* time since the start of the recording (CSV without dates) */
} rh_time_base;

/* Optional per-sample columns, allocated on their first value. */
typedef enum rh_activity_col {
    RH_COL_DISTANCE_M = 0,
    RH_COL_SPEED_M_S,
    RH_COL_ALTITUDE_M,
    RH_COL_CADENCE_RPM,
    RH_COL_POWER_W,
    RH_COL_LAT_DEG,
    RH_COL_LON_DEG,
    RH_COL_COUNT
} rh_activity_col;

/* One record (FIT) or trackpoint (TCX/GPX) or row (CSV), in file order. */
typedef struct rh_activity_point {
    int64_t t_ms;      /* valid when time_base != RH_TIME_NONE */
    double hr_bpm;     /* as stored (0 kept); NaN when absent or invalid */
    uint8_t time_base; /* rh_time_base */
    uint8_t segment;   /* FIT chained segment (0-based, saturates at 255) */
} rh_activity_point;

/* A lap or a session. Absent values are NaN / -1 / has_start false. */
typedef struct rh_activity_summary {
    bool has_start;
    uint8_t start_time_base;
    int64_t start_ms;
    int sport;           /* FIT sport number, -1 unknown */
    int sub_sport;       /* FIT sub_sport number, -1 unknown */
    char sport_name[40]; /* FIT profile name, or the file's own text (TCX Sport) */
    double total_elapsed_s, total_timer_s, distance_m, avg_hr_bpm, max_hr_bpm;
} rh_activity_summary;

typedef struct rh_activity_device {
    int manufacturer;        /* FIT manufacturer number, -1 unknown */
    int product;             /* -1 unknown */
    int device_index;        /* FIT device_info device_index, -1 unknown (creator = 0) */
    int device_type;         /* -1 unknown */
    int64_t serial;          /* -1 unknown */
    double software_version; /* NaN unknown */
    char name[64];           /* product name, TCX Creator/Name, GPX creator, "" unknown */
} rh_activity_device;

typedef struct rh_activity_event {
    int64_t t_ms;
    uint8_t time_base;
    int event;      /* FIT event number */
    int event_type; /* FIT event_type number */
    int64_t data;   /* -1 when absent */
} rh_activity_event;

/* A heart beat reported by a FIT `hr` message, on the wall clock. */
typedef struct rh_activity_beat {
    int64_t t_ms;
    uint8_t time_base;
    double bpm; /* filtered_bpm; NaN when invalid */
} rh_activity_beat;

/* A developer field described by a FIT field_description message. */
typedef struct rh_activity_devfield {
    int developer_data_index, field_number, base_type;
    int native_mesg, native_field; /* -1 when absent */
    char name[48], units[24];
} rh_activity_devfield;

/* Count of FIT data messages with one global message number. */
typedef struct rh_activity_count {
    uint32_t global;
    uint64_t count;
} rh_activity_count;

typedef struct rh_activity {
    rh_activity_format format;
    char source[256]; /* path as given */
    char sha256[65];  /* hex of the whole source file, "" if unknown */
    uint64_t size_bytes;

    bool partial;      /* only a salvaged prefix of a damaged file */
    char problem[768]; /* why partial ("" otherwise) */
    size_t warnings;   /* values that could not be read (left absent) */
    char first_warning[200];

    int file_type; /* FIT file_id.type, -1 unknown */
    bool has_time_created;
    uint8_t time_created_base;
    int64_t time_created_ms;

    /* Filled by rh_activity_finish from the sessions and samples. */
    int sport, sub_sport; /* -1 unknown */
    char sport_name[40];
    bool has_start;
    uint8_t start_time_base;
    int64_t start_ms; /* first session start, else first timed sample */
    bool has_local_offset;
    int32_t local_offset_s; /* local time minus UTC, when the file says */
    double duration_s;      /* first to last timed sample; NaN when < 1 timed sample */

    rh_activity_point *points;
    size_t npoints, cap_points;
    double *cols[RH_COL_COUNT]; /* NULL until the column has a value; NaN = absent */

    double *rr_ms;
    size_t nrr, cap_rr;

    rh_activity_summary *laps, *sessions;
    size_t nlaps, cap_laps, nsessions, cap_sessions;
    rh_activity_device *devices; /* devices[0] is the creator when known */
    size_t ndevices, cap_devices;
    rh_activity_event *events;
    size_t nevents, cap_events;
    rh_activity_beat *beats;
    size_t nbeats, cap_beats;
    rh_activity_devfield *devfields;
    size_t ndevfields, cap_devfields;
    rh_activity_count *counts; /* FIT message counts, sorted by global number */
    size_t ncounts;
    uint32_t segments; /* FIT segments read */

    /* The merged 1 Hz heart-rate series (see the file comment). */
    int64_t *hr_t_s;
    double *hr_bpm;
    size_t nhr;
    uint8_t hr_time_base;
} rh_activity;

/* Summary metrics of one activity, computed with signal/load over the 1 Hz
 * series. Absent values are NaN (never 0). */
typedef struct rh_activity_metrics {
    size_t hr_seconds; /* seconds with a heart rate in the 1 Hz series */
    double avg_hr_bpm; /* time-weighted mean (rh_load_hr_summary) */
    double max_hr_bpm, min_hr_bpm;
    double covered_s;                   /* time the values stand for (see RH_ACTIVITY_HOLD_S) */
    double missing_s;                   /* gaps inside the series */
    double zone_lo_bpm, zone_hi_bpm;    /* the zone asked for (NaN when none) */
    double below_s, in_zone_s, above_s; /* time below / in [lo, hi] / above */
    double in_zone_pct;                 /* in_zone_s / (below + in + above) * 100 */
    double hold_s;                      /* RH_ACTIVITY_HOLD_S */
    double banister_trimp;              /* sample by sample; needs HRrest, HRmax, sex */
    double edwards_trimp;               /* needs HRmax */
    double edwards_min[5];              /* minutes in 50-60 ... 90-100 % HRmax */
    size_t rr_count;
    /* HRV (signal/hrv, Lomb spectrum) of the RR intervals corrected for
     * artefacts (Lipponen & Tarvainen 2019, signal/rr) when there are at
     * least 2; the number and share of corrected beats and the uncorrected
     * SDNN/RMSSD are reported beside it. */
    bool have_hrv;
    rh_hrv_result hrv;
    size_t rr_artefacts; /* beats the correction changed */
    double rr_artefact_pct;
    double uncorrected_sdnn_ms, uncorrected_rmssd_ms;
} rh_activity_metrics;

/* Who the session belongs to, for TRIMP (NaN / 0 = unknown: that TRIMP is
 * NaN). sex: 1 male, 2 female (enum rh_sex of signal/load). */
typedef struct rh_activity_person {
    double hr_rest_bpm, hr_max_bpm;
    int sex;
} rh_activity_person;

/* A value stands for the time up to the next one when that step is at most
 * this many seconds; after a longer step it stands for 1 s and the rest is a
 * gap (signal/load's timestamped-series rule, max_gap_s). */
#define RH_ACTIVITY_HOLD_S 10.0

/* Initialises an empty activity (caller-owned struct). */
void rh_activity_init(rh_activity *a, rh_activity_format format);
/* Frees everything the activity owns; it is empty and reusable afterwards. */
void rh_activity_release(rh_activity *a);

/* Appends a sample; *index receives its position (may be NULL).
 * Fails with: E_NOMEM, E_LIMIT. */
rh_status rh_activity_add_point(rh_activity *a, int64_t t_ms, rh_time_base tb, double hr_bpm,
                                size_t *index, rh_err *err);
/* Appends a sample with all optional columns at once (cols[RH_COL_COUNT],
 * NaN = absent). Fails with: E_NOMEM, E_LIMIT. */
rh_status rh_activity_add_point_cols(rh_activity *a, int64_t t_ms, rh_time_base tb, double hr_bpm,
                                     const double *cols, size_t *index, rh_err *err);
/* Makes room for `n` samples (a hint; failure to reserve is not an error). */
void rh_activity_reserve(rh_activity *a, size_t n);
/* Sets an optional column of sample `index` (NaN leaves it absent).
 * Fails with: E_NOMEM. */
rh_status rh_activity_set_col(rh_activity *a, size_t index, rh_activity_col col, double value,
                              rh_err *err);
/* Value of a column (NaN when absent). */
double rh_activity_col_get(const rh_activity *a, size_t index, rh_activity_col col);

/* Appenders; each copies its argument. Fail with: E_NOMEM, E_LIMIT. */
rh_status rh_activity_add_rr(rh_activity *a, double rr_ms, rh_err *err);
rh_status rh_activity_add_lap(rh_activity *a, const rh_activity_summary *lap, rh_err *err);
rh_status rh_activity_add_session(rh_activity *a, const rh_activity_summary *s, rh_err *err);
rh_status rh_activity_add_device(rh_activity *a, const rh_activity_device *d, rh_err *err);
rh_status rh_activity_add_event(rh_activity *a, const rh_activity_event *e, rh_err *err);
rh_status rh_activity_add_beat(rh_activity *a, const rh_activity_beat *b, rh_err *err);
rh_status rh_activity_add_devfield(rh_activity *a, const rh_activity_devfield *f, rh_err *err);
/* Replaces the message-count table with a copy of `counts` (n entries).
 * Fails with: E_NOMEM. */
rh_status rh_activity_set_counts(rh_activity *a, const rh_activity_count *counts, size_t n,
                                 rh_err *err);
/* Records a value that could not be read (the first message is kept). */
void rh_activity_warn(rh_activity *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Summary initialised to "all absent". */
void rh_activity_summary_clear(rh_activity_summary *s);
void rh_activity_device_clear(rh_activity_device *d);

/* Derives start, duration, sport and the merged 1 Hz series (see the file
 * comment). Call once after the reader is done; calling again rebuilds.
 * Fails with: E_NOMEM. */
rh_status rh_activity_finish(rh_activity *a, rh_err *err);

/* Metrics over the 1 Hz series (signal/load): average/max HR, the time below,
 * inside and above [zone_lo_bpm, zone_hi_bpm] (NaN for both skips the zone),
 * Banister and Edwards TRIMP when `person` (may be NULL) allows. Needs
 * rh_activity_finish first. Fails with: E_INVALID (lo > hi), E_NOMEM. */
rh_status rh_activity_compute_metrics(const rh_activity *a, double zone_lo_bpm, double zone_hi_bpm,
                                      rh_activity_metrics *out, rh_err *err);
rh_status rh_activity_compute_metrics_for(const rh_activity *a, double zone_lo_bpm,
                                          double zone_hi_bpm, const rh_activity_person *person,
                                          rh_activity_metrics *out, rh_err *err);

/* "fit", "tcx", ... */
const char *rh_activity_format_name(rh_activity_format f);
/* "utc", "system", "elapsed" or "" */
const char *rh_time_base_name(rh_time_base tb);
/* FIT profile names for the numbers the product shows (NULL when unknown). */
const char *rh_fit_sport_name(int sport);
const char *rh_fit_sub_sport_name(int sub_sport);
const char *rh_fit_manufacturer_name(int manufacturer);

/* FIT profile name of a global message number (NULL when not in the table). */
const char *rh_fit_message_name(uint32_t global);

/* CSV of the samples, one row per sample in file order (the public contract
 * of `rehabit activity show --csv`, docs/cli-activity.md):
 *   timestamp,heart_rate,time_base,distance_m,speed_m_s,altitude_m,
 *   cadence_rpm,power_w,latitude_deg,longitude_deg
 * Fails with: E_NOMEM, E_LIMIT (the buffer's cap). */
rh_status rh_activity_write_csv(const rh_activity *a, rh_buf *out, rh_err *err);

/* The whole model as one JSON object (docs/cli-activity.md). `m` (may be
 * NULL) adds a "metrics" member. Errors are sticky in `w`. */
void rh_activity_write_json(const rh_activity *a, const rh_activity_metrics *m, rh_jw *w);

/* Formats a time as "YYYY-MM-DDTHH:MM:SS[.mmm]Z" (milliseconds only when not
 * zero). `out` needs 32 bytes. */
void rh_activity_format_time(int64_t t_ms, char *out, size_t cap);

#endif

/* SPDX-License-Identifier: MIT
 *
 * signal/qrs: streaming R-peak detector for one or two ECG leads.
 *
 * Samples go in (any rate from 125 to 1000 Hz), beats come out through a
 * callback with a bounded delay (rh_qrs_latency), memory is fixed at creation
 * and nothing is allocated per sample. The method is described in qrs.c and
 * docs/cli-signal.md.
 */
#ifndef RH_SIGNAL_QRS_H
#define RH_SIGNAL_QRS_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

#define RH_QRS_MIN_FS_HZ 125.0
#define RH_QRS_MAX_FS_HZ 1000.0
#define RH_QRS_MAX_LEADS 2

typedef struct rh_qrs rh_qrs;

typedef struct rh_qrs_opts {
    double fs_hz;                  /* sampling frequency, 125..1000 (required) */
    int nleads;                    /* leads per frame, 1 or 2 (0 = 1) */
    double adu_per_mv;             /* gain of every lead (0 = 200 adu/mV) */
    int frame_stride;              /* values per pushed frame (0 = nleads) */
    int columns[RH_QRS_MAX_LEADS]; /* 1-based column of each lead in a frame (0 = lead order) */
} rh_qrs_opts;

typedef struct rh_qrs_beat {
    int64_t sample; /* R-peak time: index of the frame from the first pushed */
    float strength; /* detection feature relative to the running QRS level */
    uint8_t lead;   /* lead the R peak was located on */
} rh_qrs_beat;

/* Called once per detected beat, in time order. */
typedef void (*rh_qrs_beat_fn)(void *ctx, const rh_qrs_beat *beat);

/* Creates a detector. Fails with: E_RANGE (fs outside 125..1000 Hz, nleads
 * not 1 or 2, negative gain), E_NOMEM. */
rh_status rh_qrs_create(const rh_qrs_opts *opts, rh_qrs **out, rh_err *err);
void rh_qrs_destroy(rh_qrs *q);

/* Feeds `nframes` frames (adu, frame_stride values per frame, the leads in the
 * columns given at creation; the filters are exact for |adu| < 2^24, larger
 * values wrap harmlessly and give meaningless beats). Beats
 * found are reported through fn(ctx, beat) before it returns. No allocation. */
void rh_qrs_push(rh_qrs *q, const int32_t *frames, size_t nframes, rh_qrs_beat_fn fn, void *ctx);
/* Ends the stream: decides the beats still pending and reports them. */
void rh_qrs_flush(rh_qrs *q, rh_qrs_beat_fn fn, void *ctx);
/* Largest delay, in samples, between a sample being pushed and the report of
 * a beat at that sample. */
int64_t rh_qrs_latency(const rh_qrs *q);

#endif

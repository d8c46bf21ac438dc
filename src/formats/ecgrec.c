/* SPDX-License-Identifier: MIT */
#include "formats/ecgrec.h"

#include "base/alloc.h"
#include "signal/qrs.h"

#include <string.h>

#include "base/banned.h"

#define CHUNK 8192 /* frames decoded per read */

void rh_ecgrec_result_release(rh_ecgrec_result *r)
{
    rh_free(r->peaks);
    memset(r, 0, sizeof(*r));
}

typedef struct sink {
    rh_ecgrec_result *r;
    size_t cap;
    rh_status st;
} sink;

/* Beats arrive a few at a time; the array doubles (between reads, never in
 * the detector's per-sample path: the callback only appends). */
static void on_beat(void *ctx, const rh_qrs_beat *b)
{
    sink *s = ctx;
    if (s->st != RH_OK)
        return;
    if (s->r->n == s->cap) {
        size_t want = s->cap ? s->cap * 2 : 4096;
        int64_t *p = rh_reallocarray(s->r->peaks, want, sizeof(int64_t));
        if (!p) {
            s->st = RH_E_NOMEM;
            return;
        }
        s->r->peaks = p;
        s->cap = want;
    }
    s->r->peaks[s->r->n++] = b->sample;
}

static int primary_signal(const rh_wfdb_header *h)
{
    for (int s = 0; s < h->nsig; s++)
        if (strcmp(h->sig[s].description, "MLII") == 0)
            return s;
    return 0;
}

rh_status rh_ecgrec_detect_header(const rh_wfdb_header *h, const char *dir,
                                  const rh_ecgrec_opts *opts, rh_ecgrec_result *out, rh_err *err)
{
    memset(out, 0, sizeof(*out));
    if (h->nsig < 1)
        return RH_FAIL(err, RH_E_INVALID, "record '%s' has no signals to detect beats in",
                       h->record);
    int sig = opts && opts->signal >= 0 ? opts->signal : primary_signal(h);
    if (sig >= h->nsig)
        return RH_FAIL(err, RH_E_RANGE, "record '%s' has no signal %d (it has %d)", h->record, sig,
                       h->nsig);
    int nleads = opts && opts->nleads ? opts->nleads : (h->nsig >= 2 ? 2 : 1);
    if (nleads < 1 || nleads > 2)
        return RH_FAIL(err, RH_E_RANGE, "1 or 2 leads, not %d", nleads);
    if (h->nsig < 2)
        nleads = 1;
    int sig2 = -1;
    if (nleads == 2)
        sig2 = sig == 0 ? 1 : 0;
    rh_qrs_opts qo = {.fs_hz = h->fs_hz,
                      .nleads = nleads,
                      .adu_per_mv = h->sig[sig].uncalibrated ? 0 : h->sig[sig].gain,
                      .frame_stride = h->nsig,
                      .columns = {sig + 1, sig2 + 1}};
    rh_qrs *q = NULL;
    rh_wfdb_reader *r = NULL;
    int32_t *buf = NULL;
    sink s = {.r = out};
    rh_status rc = rh_qrs_create(&qo, &q, err);
    if (rc == RH_OK)
        rc = rh_wfdb_reader_open(h, dir, &r, err);
    if (rc == RH_OK &&
        !(buf = rh_reallocarray(NULL, (size_t)CHUNK * (size_t)h->nsig, sizeof(int32_t))))
        rc = RH_FAIL(err, RH_E_NOMEM, "cannot buffer signal frames");
    while (rc == RH_OK) {
        size_t got;
        rc = rh_wfdb_reader_read(r, buf, CHUNK, &got, err);
        if (rc != RH_OK || got == 0)
            break;
        rh_qrs_push(q, buf, got, on_beat, &s);
        if (s.st != RH_OK)
            rc = RH_FAIL(err, s.st, "cannot hold the detected beats");
    }
    if (rc == RH_OK) {
        rh_qrs_flush(q, on_beat, &s);
        if (s.st != RH_OK)
            rc = RH_FAIL(err, s.st, "cannot hold the detected beats");
    }
    if (rc == RH_OK) {
        out->fs_hz = h->fs_hz;
        out->nsamples = rh_wfdb_reader_frames(r);
        out->signal = sig;
        out->signal2 = sig2;
        out->nleads = nleads;
        out->invalid[0] = rh_wfdb_reader_invalid(r, sig);
        out->invalid[1] = sig2 >= 0 ? rh_wfdb_reader_invalid(r, sig2) : 0;
    }
    rh_free(buf);
    rh_wfdb_reader_destroy(r);
    rh_qrs_destroy(q);
    if (rc != RH_OK)
        rh_ecgrec_result_release(out);
    return rc;
}

rh_status rh_ecgrec_detect(const char *record, const rh_ecgrec_opts *opts, rh_ecgrec_result *out,
                           rh_err *err)
{
    memset(out, 0, sizeof(*out));
    rh_wfdb_header h;
    rh_status rc = rh_wfdb_header_read(record, &h, err);
    if (rc != RH_OK)
        return rc;
    char dir[512];
    rh_wfdb_record_dir(record, dir, sizeof(dir));
    rc = rh_ecgrec_detect_header(&h, dir, opts, out, err);
    rh_wfdb_header_release(&h);
    return rc;
}

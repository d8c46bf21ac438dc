/* SPDX-License-Identifier: MIT
 *
 * fuzz/fuzz_wfdb_signal: the WFDB signal decoder (every format) and the
 * streaming QRS detector on arbitrary bytes. Input: a header text, a NUL
 * byte, then the signal file's bytes; without a NUL, the first byte picks one
 * of a few fixed headers and the rest is the signal file. Frames are read in
 * chunks of varying size and pushed through the detector at the header's
 * rate; beats must come out in order and inside the record.
 */
#include "formats/wfdb.h"
#include "signal/qrs.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fixed[] = {
    "f 2 360 0\nf.dat 212 200 11 1024 0 0 0 MLII\nf.dat 212 200 11 1024 0 0 0 V5\n",
    "f 1 250\nf.dat 16 100 16 0\n",
    "f 3 500\nf.dat 212\nf.dat 212\nf.dat 212\n",
    "f 2 125\nf.dat 80\nf.dat 80\n",
    "f 2 1000\nf.dat 61\nf.dat 61\n",
    "f 1 200\nf.dat 160\n",
    "f 2 128\nf.dat 24\nf.dat 24\n",
    "f 1 300\nf.dat 32\n",
};

typedef struct seen {
    int64_t last, frames;
} seen;

static void on_beat(void *ctx, const rh_qrs_beat *b)
{
    seen *s = ctx;
    if (b->sample <= s->last || b->sample < 0 || b->sample >= s->frames)
        abort();
    s->last = b->sample;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *text;
    size_t tlen;
    const uint8_t *sig;
    size_t slen;
    const uint8_t *nul = memchr(data, 0, size);
    if (nul) {
        text = (const char *)data;
        tlen = (size_t)(nul - data);
        sig = nul + 1;
        slen = size - tlen - 1;
    } else {
        text = fixed[data[0] % (sizeof(fixed) / sizeof(fixed[0]))];
        tlen = strlen(text);
        sig = data + 1;
        slen = size - 1;
    }
    rh_err err;
    rh_err_init(&err);
    rh_wfdb_header h;
    if (rh_wfdb_header_parse(text, tlen, "fuzz.hea", &h, &err) != RH_OK)
        return 0;
    rh_wfdb_reader *r = NULL;
    rh_qrs *q = NULL;
    int32_t *frames = NULL;
    if (h.nsig < 1 || rh_wfdb_reader_open_mem(&h, sig, slen, &r, &err) != RH_OK)
        goto out;
    int nleads = h.nsig >= 2 ? 2 : 1;
    rh_qrs_opts qo = {
        .fs_hz = h.fs_hz, .nleads = nleads, .adu_per_mv = h.sig[0].gain, .frame_stride = h.nsig};
    if (h.fs_hz >= 125 && h.fs_hz <= 1000 && h.nsig <= 8)
        (void)rh_qrs_create(&qo, &q, NULL);
    size_t cap = 1 + (size > 1 ? data[size - 1] % 97 : 0);
    frames = malloc(cap * (size_t)h.nsig * sizeof(int32_t));
    if (!frames)
        goto out;
    seen s = {.last = -1, .frames = 0};
    for (;;) {
        size_t got = 0;
        rh_status st = rh_wfdb_reader_read(r, frames, cap, &got, &err);
        if (st != RH_OK) {
            if (err.code == RH_OK)
                abort();
            break;
        }
        if (got == 0)
            break;
        if (got > cap)
            abort();
        s.frames += (int64_t)got;
        if (q)
            rh_qrs_push(q, frames, got, on_beat, &s);
    }
    if (rh_wfdb_reader_frames(r) != s.frames)
        abort();
    if (q)
        rh_qrs_flush(q, on_beat, &s);
out:
    free(frames);
    rh_qrs_destroy(q);
    rh_wfdb_reader_destroy(r);
    rh_wfdb_header_release(&h);
    return 0;
}

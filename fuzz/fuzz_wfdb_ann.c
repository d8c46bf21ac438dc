/* SPDX-License-Identifier: MIT
 *
 * fuzz/fuzz_wfdb_ann: the MIT annotation reader on arbitrary bytes. What it
 * accepts must re-encode and parse back to the same annotations, and must go
 * through the EC57 reference selection, the N-to-N RR selection and (for
 * short files) the whole HRV computation without error.
 */
#include "base/alloc.h"
#include "formats/wfdb.h"
#include "signal/hrv.h"
#include "signal/rr.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rh_wfdb_annset a, b;
    rh_wfdb_annset_init(&a);
    rh_wfdb_annset_init(&b);
    rh_buf enc;
    rh_buf_init(&enc, 0);
    rh_rr_series s;
    rh_rr_init(&s);
    rh_ec57_ref *ref = NULL;
    rh_ec57_span *sp = NULL;
    int64_t *t = NULL;
    char *lab = NULL;
    rh_err err;
    rh_err_init(&err);
    if (rh_wfdb_ann_parse(data, size, "fuzz.atr", &a, &err) != RH_OK) {
        if (err.code == RH_OK)
            abort();
        goto out;
    }
    /* annotations read from a file may be out of order; the encoder refuses
     * those (E_INVALID), anything else must round-trip */
    rh_status st = rh_wfdb_ann_encode(&a, &enc, &err);
    if (st == RH_OK) {
        if (rh_wfdb_ann_parse((const uint8_t *)enc.data, enc.len, "re", &b, &err) != RH_OK)
            abort();
        if (b.n != a.n)
            abort();
        for (size_t i = 0; i < a.n; i++) {
            if (a.a[i].sample != b.a[i].sample || a.a[i].type != b.a[i].type ||
                a.a[i].subtype != b.a[i].subtype || a.a[i].chan != b.a[i].chan ||
                a.a[i].num != b.a[i].num ||
                strcmp(rh_wfdb_ann_aux(&a, i), rh_wfdb_ann_aux(&b, i)) != 0)
                abort();
        }
    } else if (st != RH_E_INVALID) {
        abort();
    }
    size_t nref, nsp, n;
    if (rh_wfdb_ec57_reference(&a, &ref, &nref, &sp, &nsp, &err) != RH_OK)
        abort();
    if (rh_wfdb_ann_qrs_labels(&a, &t, &lab, &n, &err) != RH_OK)
        abort();
    double fs = 1 + (double)(size % 1000);
    if (rh_rr_from_labelled_beats(t, lab, n, fs, &s, &err) == RH_OK && s.n <= 3000) {
        /* Welch resamples the whole span at 4 Hz: keep it to two days here */
        bool short_span = s.n == 0 || s.t_s[s.n - 1] - s.t_s[0] < 2 * 86400.0;
        rh_hrv_opts o = {.toolkit_times = (size & 1) != 0, .welch = (size & 2) != 0 && short_span};
        rh_hrv_result r;
        if (rh_hrv_compute(&s, 0, s.n, &o, &r, &err) != RH_OK && err.code != RH_E_LIMIT)
            abort();
    }
out:
    rh_free(t);
    rh_free(lab);
    rh_free(ref);
    rh_free(sp);
    rh_rr_release(&s);
    rh_buf_release(&enc);
    rh_wfdb_annset_release(&a);
    rh_wfdb_annset_release(&b);
    return 0;
}

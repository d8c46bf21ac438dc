/* SPDX-License-Identifier: MIT
 *
 * fuzz/fuzz_wfdb_header: the WFDB header (.hea) parser on arbitrary bytes.
 * A parsed header must satisfy the reader's invariants; a failure must say
 * why.
 */
#include "formats/wfdb.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rh_wfdb_header h;
    rh_err err;
    rh_err_init(&err);
    if (rh_wfdb_header_parse((const char *)data, size, "fuzz.hea", &h, &err) == RH_OK) {
        if (h.nsig < 0 || h.nsig > RH_WFDB_MAX_SIGNALS || !(h.fs_hz > 0) || !isfinite(h.fs_hz) ||
            h.nsamples < 0)
            abort();
        for (int s = 0; s < h.nsig; s++) {
            const rh_wfdb_signal *g = &h.sig[s];
            if (!(g->gain > 0) || !isfinite(g->gain) || g->byte_offset < 0 ||
                memchr(g->file, 0, sizeof(g->file)) == NULL ||
                memchr(g->description, 0, sizeof(g->description)) == NULL)
                abort();
            (void)rh_wfdb_physical(g, 1000);
        }
        rh_wfdb_header_release(&h);
    } else if (err.code == RH_OK) {
        abort();
    }
    return 0;
}

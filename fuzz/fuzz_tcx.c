/* SPDX-License-Identifier: MIT
 * fuzz/fuzz_tcx: the TCX/GPX reader (expat) on tcx-shaped seeds. */
#include "formats/xmltrack.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rh_activity a;
    rh_activity_init(&a, RH_ACTIVITY_TCX);
    rh_err err;
    rh_err_init(&err);
    if (rh_xmltrack_read_mem(data, size, "fuzz.tcx", &a, &err) == RH_OK) {
        rh_buf b;
        rh_buf_init(&b, 0);
        rh_activity_write_csv(&a, &b, NULL);
        rh_buf_release(&b);
    }
    rh_activity_release(&a);
    return 0;
}

/* SPDX-License-Identifier: MIT
 * fuzz/fuzz_hrcsv: the CSV heart-rate series reader. */
#include "formats/hrcsv.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)rh_hrcsv_sniff(data, size);
    rh_activity a;
    rh_activity_init(&a, RH_ACTIVITY_CSV);
    rh_err err;
    rh_err_init(&err);
    if (rh_hrcsv_read_mem(data, size, "fuzz.csv", &a, &err) == RH_OK) {
        rh_activity_metrics m;
        rh_activity_compute_metrics(&a, 90.0, 120.0, &m, NULL);
    }
    rh_activity_release(&a);
    return 0;
}

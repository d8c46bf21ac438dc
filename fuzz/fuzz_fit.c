/* SPDX-License-Identifier: MIT
 * fuzz/fuzz_fit: the FIT decoder into the activity model, strict and salvage. */
#include "formats/fit.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int salvage = 0; salvage < 2; salvage++) {
        rh_fit_opts o = {.salvage = salvage != 0};
        rh_activity a;
        rh_activity_init(&a, RH_ACTIVITY_FIT);
        rh_err err;
        rh_err_init(&err);
        if (rh_fit_read_activity_mem(data, size, "fuzz.fit", &o, &a, NULL, &err) == RH_OK) {
            rh_activity_metrics m;
            rh_activity_compute_metrics(&a, 100.0, 140.0, &m, NULL);
            rh_buf b;
            rh_buf_init(&b, 0);
            rh_activity_write_csv(&a, &b, NULL);
            rh_jw w;
            rh_jw_init(&w, &b, 0);
            rh_activity_write_json(&a, &m, &w);
            rh_jw_finish(&w);
            rh_buf_release(&b);
        }
        rh_activity_release(&a);
    }
    return 0;
}

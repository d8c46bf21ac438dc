/* SPDX-License-Identifier: MIT
 *
 * fuzz/fuzz_rrtext: the RR text reader on arbitrary bytes, auto and forced units.
 */
#include "formats/rrtext.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int unit = RH_RR_UNIT_AUTO; unit <= RH_RR_UNIT_MS; unit++) {
        rh_rr_series s;
        rh_rr_init(&s);
        rh_rrtext_opts o = {.unit = (enum rh_rr_unit)unit};
        rh_rrtext_info info;
        rh_err err;
        rh_err_init(&err);
        if (rh_rrtext_parse((const char *)data, size, "fuzz", &o, &s, &info, &err) == RH_OK) {
            for (size_t i = 0; i < s.n; i++)
                if (!(s.rr_ms[i] > 0) || !(s.rr_ms[i] <= RH_RRTEXT_MAX_RR_MS) ||
                    !isfinite(s.t_s[i]) || (i > 0 && !(s.t_s[i] >= s.t_s[i - 1])))
                    abort();
        } else if (err.code == RH_OK) {
            abort(); /* a failure must say why */
        }
        rh_rr_release(&s);
    }
    return 0;
}

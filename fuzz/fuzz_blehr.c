/* SPDX-License-Identifier: MIT
 * fuzz/fuzz_blehr: Bluetooth 0x2A37 payloads, raw and as hex text. */
#include "formats/blehr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rh_blehr m;
    if (rh_blehr_decode(data, size, &m, NULL) == RH_OK && m.nrr > RH_BLEHR_MAX_RR)
        abort();
    char text[1100];
    size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
    memcpy(text, data, n);
    text[n] = '\0';
    uint8_t buf[RH_BLEHR_MAX_PAYLOAD];
    size_t len;
    if (rh_blehr_parse_hex(text, buf, sizeof(buf), &len, NULL) == RH_OK)
        (void)rh_blehr_decode(buf, len, &m, NULL);
    return 0;
}

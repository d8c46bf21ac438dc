/* SPDX-License-Identifier: MIT */
#include "base/hash.h"

#include <sodium.h>
#include <string.h>

_Static_assert(sizeof(crypto_hash_sha256_state) <= sizeof(((rh_sha256 *)0)->state),
               "rh_sha256 state too small");

void rh_sha256_init(rh_sha256 *h)
{
    crypto_hash_sha256_init((crypto_hash_sha256_state *)(void *)h->state);
}

void rh_sha256_update(rh_sha256 *h, const void *data, size_t len)
{
    crypto_hash_sha256_update((crypto_hash_sha256_state *)(void *)h->state, data, len);
}

void rh_sha256_final_hex(rh_sha256 *h, char hex[RH_SHA256_HEX_LEN + 1])
{
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final((crypto_hash_sha256_state *)(void *)h->state, out);
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof(out); i++) {
        hex[2 * i] = digits[out[i] >> 4];
        hex[2 * i + 1] = digits[out[i] & 15];
    }
    hex[RH_SHA256_HEX_LEN] = '\0';
}

void rh_sha256_hex(const void *data, size_t len, char hex[RH_SHA256_HEX_LEN + 1])
{
    rh_sha256 h;
    rh_sha256_init(&h);
    rh_sha256_update(&h, data, len);
    rh_sha256_final_hex(&h, hex);
}

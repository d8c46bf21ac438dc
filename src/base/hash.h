/* SPDX-License-Identifier: MIT
 *
 * base/hash: SHA-256 (libsodium) for catalog fingerprints and source-file hashes.
 */
#ifndef RH_BASE_HASH_H
#define RH_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define RH_SHA256_HEX_LEN 64

typedef struct rh_sha256 {
    _Alignas(64) unsigned char state[256]; /* opaque libsodium state */
} rh_sha256;

void rh_sha256_init(rh_sha256 *h);
void rh_sha256_update(rh_sha256 *h, const void *data, size_t len);
/* Writes 64 lowercase hex digits and a NUL into `hex` (65 bytes). */
void rh_sha256_final_hex(rh_sha256 *h, char hex[RH_SHA256_HEX_LEN + 1]);
/* One-shot. */
void rh_sha256_hex(const void *data, size_t len, char hex[RH_SHA256_HEX_LEN + 1]);

#endif

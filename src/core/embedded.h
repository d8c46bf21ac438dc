/* SPDX-License-Identifier: MIT
 *
 * core/embedded: the knowledge-base files compiled into the binary by
 * tools/embed (generated at build time from data/).
 */
#ifndef RH_CORE_EMBEDDED_H
#define RH_CORE_EMBEDDED_H

#include <stddef.h>

typedef struct rh_embedded_file {
    const char *path;          /* relative to data/, e.g. "instruments/phq9.json" */
    const unsigned char *data; /* NUL-terminated */
    size_t len;
} rh_embedded_file;

extern const rh_embedded_file rh_embedded_files[];
extern const unsigned rh_embedded_count;

#endif

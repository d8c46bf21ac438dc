/* SPDX-License-Identifier: MIT
 *
 * base/fileio: reading whole inputs with a size cap ("-" is standard input).
 */
#ifndef RH_BASE_FILEIO_H
#define RH_BASE_FILEIO_H

#include "base/buf.h"
#include "base/err.h"

/* Reads `path` (or stdin for "-") into `out` (appended; caller releases).
 * Fails with: E_IO (cannot open/read; err->source = path), E_LIMIT (larger than
 * max_bytes), E_NOMEM. */
rh_status rh_file_read(const char *path, size_t max_bytes, rh_buf *out, rh_err *err);

/* Writes `len` bytes to `path` atomically (temporary file + rename).
 * Fails with: E_IO. */
rh_status rh_file_write_atomic(const char *path, const void *data, size_t len, rh_err *err);

#endif

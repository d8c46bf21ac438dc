/* SPDX-License-Identifier: MIT */
#include "base/fileio.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

rh_status rh_file_read(const char *path, size_t max_bytes, rh_buf *out, rh_err *err)
{
    int is_stdin = strcmp(path, "-") == 0;
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    rh_status rc = RH_OK;
    if (!fp) {
        rc = RH_FAIL_ERRNO(err, RH_E_IO, errno, "cannot open '%s'", path);
        rh_err_at(err, path, 0, 0);
        return rc;
    }
    size_t start = out->len;
    char chunk[65536];
    for (;;) {
        size_t n = fread(chunk, 1, sizeof(chunk), fp);
        if (n > 0) {
            if (out->len - start + n > max_bytes) {
                rc = RH_FAIL(err, RH_E_LIMIT, "'%s' is larger than the %zu-byte limit", path,
                             max_bytes);
                break;
            }
            rc = rh_buf_append(out, chunk, n);
            if (rc != RH_OK) {
                RH_FAIL(err, rc, "cannot hold '%s' in memory", path);
                break;
            }
        }
        if (n < sizeof(chunk)) {
            if (ferror(fp))
                rc = RH_FAIL_ERRNO(err, RH_E_IO, errno, "cannot read '%s'", path);
            break;
        }
    }
    if (!is_stdin)
        fclose(fp);
    if (rc != RH_OK) {
        rh_err_at(err, path, 0, 0);
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
    }
    return rc;
}

rh_status rh_file_write_atomic(const char *path, const void *data, size_t len, rh_err *err)
{
    char tmp[4096];
    int n = snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof(tmp))
        return RH_FAIL(err, RH_E_IO, "path '%s' is too long", path);
    FILE *fp = fopen(tmp, "wb");
    if (!fp)
        return RH_FAIL_ERRNO(err, RH_E_IO, errno, "cannot create '%s'", tmp);
    int ok = fwrite(data, 1, len, fp) == len;
    ok = (fflush(fp) == 0) && ok;
    ok = (fsync(fileno(fp)) == 0) && ok;
    int saved = errno;
    ok = (fclose(fp) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        saved = errno ? errno : saved;
        remove(tmp);
        return RH_FAIL_ERRNO(err, RH_E_IO, saved, "cannot write '%s'", path);
    }
    return RH_OK;
}

/* SPDX-License-Identifier: MIT */
#include "formats/wearable.h"

#include "base/buf.h"
#include "base/fileio.h"
#include "base/hash.h"
#include "formats/hrcsv.h"
#include "formats/rrtext.h"
#include "formats/xmltrack.h"
#include "signal/rr.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/banned.h"

#define STDIN_MAX ((size_t)256 << 20)

static bool looks_binary(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] == 0 || (p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' && p[i] != '\t'))
            return true;
    return false;
}

rh_wearable_kind rh_wearable_detect(const void *head, size_t len)
{
    if (rh_fit_sniff(head, len))
        return RH_WEARABLE_FIT;
    if (looks_binary(head, len) || len == 0)
        return RH_WEARABLE_FIT; /* the FIT decoder says why it is not FIT */
    if (rh_xmltrack_sniff(head, len))
        return RH_WEARABLE_XML;
    if (rh_hrcsv_sniff(head, len))
        return RH_WEARABLE_CSV;
    return RH_WEARABLE_RR;
}

/* RR text: each interval ends a beat at its time; the sample carries the
 * instantaneous heart rate 60000 / RR, on elapsed time. */
static rh_status read_rr(const char *path, const char *text, size_t len, rh_activity *act,
                         rh_err *err)
{
    rh_rr_series rr;
    rh_rr_init(&rr);
    rh_buf b;
    rh_buf_init(&b, RH_RRTEXT_MAX_BYTES);
    rh_status st = RH_OK;
    if (!text) {
        st = rh_file_read(path, RH_RRTEXT_MAX_BYTES, &b, err);
        text = rh_buf_cstr(&b);
        len = b.len;
    }
    if (st == RH_OK)
        st = rh_rrtext_parse(text, len, path, NULL, &rr, NULL, err);
    act->format = RH_ACTIVITY_RR;
    for (size_t i = 0; st == RH_OK && i < rr.n; i++) {
        st = rh_activity_add_point(act, (int64_t)llround(rr.t_s[i] * 1000.0), RH_TIME_ELAPSED,
                                   60000.0 / rr.rr_ms[i], NULL, err);
        if (st == RH_OK)
            st = rh_activity_add_rr(act, rr.rr_ms[i], err);
    }
    rh_rr_release(&rr);
    if (st == RH_OK) {
        snprintf(act->source, sizeof(act->source), "%s", path);
        rh_sha256_hex(text, len, act->sha256);
        act->size_bytes = len;
        st = rh_activity_finish(act, err);
    }
    rh_buf_release(&b);
    if (st != RH_OK)
        rh_activity_release(act);
    return st;
}

rh_status rh_wearable_read(const char *path, const rh_wearable_opts *opts, rh_activity *act,
                           rh_fit_report *fit_rep, rh_wearable_kind *kind, rh_err *err)
{
    static const rh_wearable_opts none = {0};
    if (!opts)
        opts = &none;
    rh_fit_opts fo = {.salvage = opts->salvage, .hash = opts->hash};
    rh_wearable_kind k;
    rh_status st;
    if (strcmp(path, "-") == 0) {
        rh_buf b;
        rh_buf_init(&b, STDIN_MAX);
        st = rh_file_read(path, STDIN_MAX, &b, err);
        if (st != RH_OK) {
            rh_buf_release(&b);
            rh_activity_release(act);
            return st;
        }
        const char *name = "<stdin>";
        k = rh_wearable_detect(b.data, b.len);
        if (k == RH_WEARABLE_FIT)
            st = rh_fit_read_activity_mem(b.data, b.len, name, &fo, act, fit_rep, err);
        else if (k == RH_WEARABLE_XML)
            st = rh_xmltrack_read_mem(b.data, b.len, name, act, err);
        else if (k == RH_WEARABLE_CSV)
            st = rh_hrcsv_read_mem(b.data, b.len, name, act, err);
        else
            st = read_rr(name, b.data ? b.data : "", b.len, act, err);
        rh_buf_release(&b);
    } else {
        unsigned char head[4096];
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            st = RH_FAIL_ERRNO(err, RH_E_IO, errno, "cannot open '%s'", path);
            rh_activity_release(act);
            return st;
        }
        ssize_t n;
        do
            n = read(fd, head, sizeof(head));
        while (n < 0 && errno == EINTR);
        int e = errno;
        close(fd);
        if (n < 0) {
            st = RH_FAIL_ERRNO(err, RH_E_IO, e, "cannot read '%s'", path);
            rh_activity_release(act);
            return st;
        }
        k = rh_wearable_detect(head, (size_t)n);
        if (k == RH_WEARABLE_FIT)
            st = rh_fit_read_activity_file(path, &fo, act, fit_rep, err);
        else if (k == RH_WEARABLE_XML)
            st = rh_xmltrack_read_file(path, act, err);
        else if (k == RH_WEARABLE_CSV)
            st = rh_hrcsv_read_file(path, act, err);
        else
            st = read_rr(path, NULL, 0, act, err);
    }
    if (kind)
        *kind = k;
    return st;
}

rh_status rh_wearable_check(const char *path, const rh_wearable_opts *opts, rh_fit_report *fit_rep,
                            rh_wearable_kind *kind, bool *partial, char *problem, size_t cap,
                            rh_err *err)
{
    *partial = false;
    if (cap)
        problem[0] = '\0';
    if (strcmp(path, "-") != 0) {
        unsigned char head[4096];
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            ssize_t n;
            do
                n = read(fd, head, sizeof(head));
            while (n < 0 && errno == EINTR);
            close(fd);
            if (n >= 0 && rh_wearable_detect(head, (size_t)n) == RH_WEARABLE_FIT) {
                rh_fit_opts fo = {.salvage = opts && opts->salvage};
                if (kind)
                    *kind = RH_WEARABLE_FIT;
                rh_status st = rh_fit_decode_file(path, &fo, NULL, fit_rep, err);
                if (st == RH_OK && fit_rep->cls != RH_FIT_OK) {
                    *partial = true;
                    snprintf(problem, cap,
                             "%s at byte %lld: %s; kept %llu messages up to byte %lld",
                             rh_fit_class_name(fit_rep->cls), (long long)fit_rep->offset,
                             fit_rep->detail, (unsigned long long)fit_rep->data_messages,
                             (long long)fit_rep->readable_end);
                }
                return st;
            }
        }
    }
    rh_activity act;
    rh_activity_init(&act, RH_ACTIVITY_FIT);
    rh_status st = rh_wearable_read(path, opts, &act, fit_rep, kind, err);
    if (st == RH_OK) {
        *partial = act.partial;
        snprintf(problem, cap, "%s", act.problem);
        rh_activity_release(&act);
    }
    return st;
}

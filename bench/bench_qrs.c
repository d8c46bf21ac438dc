/* SPDX-License-Identifier: MIT
 *
 * bench/bench_qrs: R-peak detection including file decoding (header, signal
 * file read from disk and decoded, streaming detector), per WFDB record.
 *
 *   bench_qrs DIR [ROUNDS] [LEADS] [RECORD...]
 *     every record of DIR with signals (or the RECORDs named), LEADS 2
 *     (default) or 1; prints the best-of-ROUNDS wall time per record and in
 *     total, and the same for decoding alone.
 * Instructions per record: run one round under callgrind and count only
 * bench_detect_record (bench/run.sh does, and divides by the records):
 *   valgrind --tool=callgrind --toggle-collect=bench_detect_record \
 *       bench_qrs ../shared/data/mitdb 1 2
 * (bench_decode_record likewise counts decoding alone).
 */
#include "base/alloc.h"
#include "formats/ecgrec.h"
#include "formats/wfdb.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Not static and not inlined, so callgrind can count exactly these. */
size_t bench_detect_record(const char *record, int leads);
size_t bench_decode_record(const char *record);

__attribute__((noinline)) size_t bench_detect_record(const char *record, int leads)
{
    rh_ecgrec_opts o = {.signal = -1, .nleads = leads};
    rh_ecgrec_result r;
    rh_err err;
    rh_err_init(&err);
    if (rh_ecgrec_detect(record, &o, &r, &err) != RH_OK) {
        fprintf(stderr, "%s: %s\n", record, err.msg);
        return 0;
    }
    size_t n = r.n;
    rh_ecgrec_result_release(&r);
    return n;
}

__attribute__((noinline)) size_t bench_decode_record(const char *record)
{
    rh_wfdb_header h;
    rh_err err;
    rh_err_init(&err);
    if (rh_wfdb_header_read(record, &h, &err) != RH_OK)
        return 0;
    char dir[512];
    rh_wfdb_record_dir(record, dir, sizeof(dir));
    rh_wfdb_reader *r = NULL;
    size_t frames = 0;
    int32_t *buf = rh_reallocarray(NULL, (size_t)8192 * (size_t)(h.nsig ? h.nsig : 1), 4);
    if (buf && rh_wfdb_reader_open(&h, dir, &r, &err) == RH_OK) {
        size_t got;
        while (rh_wfdb_reader_read(r, buf, 8192, &got, &err) == RH_OK && got > 0)
            frames += got;
    }
    rh_wfdb_reader_destroy(r);
    rh_free(buf);
    rh_wfdb_header_release(&h);
    return frames;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_qrs DIR [ROUNDS] [LEADS] [RECORD...]\n");
        return 2;
    }
    const char *dir = argv[1];
    int rounds = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 5;
    int leads = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 2;
    if (rounds < 1)
        rounds = 1;
    char **recs = NULL;
    size_t n = 0;
    if (argc > 4) {
        for (int i = 4; i < argc; i++) {
            recs = realloc(recs, (n + 1) * sizeof(*recs));
            recs[n++] = strdup(argv[i]);
        }
    } else {
        DIR *d = opendir(dir);
        if (!d) {
            perror(dir);
            return 1;
        }
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            size_t len = strlen(e->d_name);
            if (len < 5 || strcmp(e->d_name + len - 4, ".hea") != 0)
                continue;
            recs = realloc(recs, (n + 1) * sizeof(*recs));
            recs[n++] = strndup(e->d_name, len - 4);
        }
        closedir(d);
        qsort(recs, n, sizeof(*recs), cmp);
    }
    double total_det = 0, total_dec = 0;
    size_t beats = 0, frames = 0, used = 0;
    printf("%-8s %8s %10s %12s %12s\n", "record", "beats", "frames", "detect ms", "decode ms");
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, recs[i]);
        rh_wfdb_header h;
        if (rh_wfdb_header_read(path, &h, NULL) != RH_OK)
            continue;
        int nsig = h.nsig;
        rh_wfdb_header_release(&h);
        if (nsig < 1)
            continue;
        double best_det = 1e30, best_dec = 1e30;
        size_t b = 0, f = 0;
        for (int r = 0; r < rounds; r++) {
            double t0 = now_s();
            b = bench_detect_record(path, leads);
            double t1 = now_s();
            f = bench_decode_record(path);
            double t2 = now_s();
            if (t1 - t0 < best_det)
                best_det = t1 - t0;
            if (t2 - t1 < best_dec)
                best_dec = t2 - t1;
        }
        printf("%-8s %8zu %10zu %12.2f %12.2f\n", recs[i], b, f, best_det * 1e3, best_dec * 1e3);
        total_det += best_det;
        total_dec += best_dec;
        beats += b;
        frames += f;
        used++;
    }
    printf("%zu records, %d lead(s), %zu beats, %zu frames: detection incl. decoding %.3f s "
           "(%.1f ms/record), decoding alone %.3f s (best of %d)\n",
           used, leads, beats, frames, total_det, used ? total_det * 1e3 / (double)used : 0,
           total_dec, rounds);
    for (size_t i = 0; i < n; i++)
        free(recs[i]);
    free(recs);
    return 0;
}

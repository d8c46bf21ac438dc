/* SPDX-License-Identifier: MIT
 *
 * bench/bench_fit: full FIT decode into the activity model (samples, columns,
 * RR, laps, sessions, devices, events, counts, the merged 1 Hz series) over a
 * directory of FIT files, from memory so the figure is the decoder's.
 *
 *   bench_fit DIR [ROUNDS]      wall time, MB/s over ROUNDS passes
 * Instructions per byte: run one round under callgrind and count only
 * bench_decode_all (bench/run.sh does):
 *   valgrind --tool=callgrind --toggle-collect=bench_decode_all bench_fit DIR 1
 */
#include "base/alloc.h"
#include "formats/fit.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct blob {
    char *name;
    unsigned char *data;
    size_t len;
} blob;

static int cmp(const void *a, const void *b)
{
    return strcmp(((const blob *)a)->name, ((const blob *)b)->name);
}

/* Not static and not inlined, so callgrind can count exactly this. */
size_t bench_decode_all(const blob *files, size_t n, size_t *records);
__attribute__((noinline)) size_t bench_decode_all(const blob *files, size_t n, size_t *records)
{
    size_t ok = 0;
    for (size_t i = 0; i < n; i++) {
        rh_fit_opts o = {.salvage = true};
        rh_activity a;
        rh_activity_init(&a, RH_ACTIVITY_FIT);
        if (rh_fit_read_activity_mem(files[i].data, files[i].len, files[i].name, &o, &a, NULL,
                                     NULL) == RH_OK) {
            ok++;
            *records += a.npoints;
        }
        rh_activity_release(&a);
    }
    return ok;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_fit DIR [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 20;
    DIR *d = opendir(argv[1]);
    if (!d) {
        perror(argv[1]);
        return 1;
    }
    blob *files = NULL;
    size_t n = 0, total = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", argv[1], e->d_name);
        FILE *fp = fopen(path, "rb");
        if (!fp)
            continue;
        fseek(fp, 0, SEEK_END);
        long len = ftell(fp);
        fseek(fp, 0, SEEK_SET);
        unsigned char *buf = malloc(len > 0 ? (size_t)len : 1);
        size_t got = fread(buf, 1, (size_t)len, fp);
        fclose(fp);
        files = realloc(files, (n + 1) * sizeof(*files));
        files[n].name = strdup(e->d_name);
        files[n].data = buf;
        files[n].len = got;
        total += got;
        n++;
    }
    closedir(d);
    qsort(files, n, sizeof(*files), cmp);
    size_t records = 0, ok = 0;
    double best = 1e30;
    for (int r = 0; r < rounds; r++) {
        records = 0;
        double t0 = now_s();
        ok = bench_decode_all(files, n, &records);
        double dt = now_s() - t0;
        if (dt < best)
            best = dt;
    }
    printf("fit decode into the activity model: %zu files (%zu decoded), %zu bytes, %zu records\n",
           n, ok, total, records);
    printf("best of %d rounds: %.4f s = %.1f MB/s\n", rounds, best, (double)total / best / 1e6);
    for (size_t i = 0; i < n; i++) {
        free(files[i].name);
        free(files[i].data);
    }
    free(files);
    return 0;
}

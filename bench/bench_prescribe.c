/* SPDX-License-Identifier: MIT
 *
 * bench_prescribe: batch screening + prescription throughput. Loads the
 * catalog once, then runs every profile given (files or directories of
 * *.json) through profile validation, scoring, all rule phases, HR targets
 * and JSON output, `rounds` times. Prints profiles/second (wall clock),
 * the catalog load time and the peak resident memory.
 *
 * usage: bench_prescribe ROUNDS PROFILE_OR_DIR...
 * Under callgrind, `--toggle-collect=bench_one_round` counts one round only.
 */
#include "base/buf.h"
#include "base/date.h"
#include "base/fileio.h"
#include "core/catalog.h"
#include "core/prescribe.h"
#include "core/profile.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

typedef struct input {
    char *path;
    rh_buf text;
} input;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int add_file(input **in, size_t *n, const char *path)
{
    input *p = realloc(*in, (*n + 1) * sizeof(**in));
    if (!p)
        return -1;
    *in = p;
    input *x = &p[*n];
    x->path = strdup(path);
    rh_buf_init(&x->text, 0);
    if (!x->path || rh_file_read(path, (size_t)4 << 20, &x->text, NULL) != RH_OK)
        return -1;
    (*n)++;
    return 0;
}

static int add_path(input **in, size_t *n, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode))
        return add_file(in, n, path);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0)
            continue;
        char full[4096];
        snprintf(full, sizeof(full), "%s/%s", path, e->d_name);
        rc = add_file(in, n, full);
    }
    closedir(d);
    return rc;
}

/* One pass over every profile; returns the number that produced a plan. */
size_t bench_one_round(const rh_catalog *cat, input *in, size_t n, rh_buf *out);
size_t bench_one_round(const rh_catalog *cat, input *in, size_t n, rh_buf *out)
{
    size_t ok = 0;
    rh_date today = rh_date_from_civil(2026, 12, 2);
    for (size_t i = 0; i < n; i++) {
        rh_profile *p = NULL;
        rh_plan *plan = NULL;
        if (rh_profile_load(cat, rh_buf_cstr(&in[i].text), in[i].text.len, in[i].path, today, &p,
                            NULL) == RH_OK &&
            rh_plan_build(cat, p, NULL, &plan, NULL) == RH_OK) {
            rh_buf_reset(out);
            if (rh_plan_write_json(plan, RH_PLAN_PRESCRIPTION, out) == RH_OK)
                ok++;
        }
        rh_plan_destroy(plan);
        rh_profile_destroy(p);
    }
    return ok;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_prescribe ROUNDS PROFILE_OR_DIR...\n");
        return 2;
    }
    int rounds = atoi(argv[1]);
    input *in = NULL;
    size_t n = 0;
    for (int i = 2; i < argc; i++)
        if (add_path(&in, &n, argv[i]) != 0) {
            fprintf(stderr, "cannot read '%s'\n", argv[i]);
            return 1;
        }
    double t0 = now_s();
    rh_catalog *cat = NULL;
    rh_err err;
    rh_err_init(&err);
    if (rh_catalog_load_embedded(&cat, &err) != RH_OK) {
        fprintf(stderr, "catalog: %s\n", err.msg);
        return 1;
    }
    double t1 = now_s();
    rh_buf out;
    rh_buf_init(&out, 0);
    size_t ok = 0;
    double t2 = now_s();
    for (int r = 0; r < rounds; r++)
        ok += bench_one_round(cat, in, n, &out);
    double t3 = now_s();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    size_t total = (size_t)rounds * n;
    printf("catalog load: %.1f ms (%zu files)\n", (t1 - t0) * 1e3, rh_catalog_file_count(cat));
    printf("profiles: %zu (%zu produced a plan) in %.3f s = %.0f profiles/s, %.3f ms each\n", total,
           ok, t3 - t2, (double)total / (t3 - t2), (t3 - t2) * 1e3 / (double)total);
    printf("last JSON output: %zu bytes; peak resident memory: %ld KiB\n", out.len, ru.ru_maxrss);
    rh_buf_release(&out);
    rh_catalog_destroy(cat);
    for (size_t i = 0; i < n; i++) {
        free(in[i].path);
        rh_buf_release(&in[i].text);
    }
    free(in);
    return ok == total ? 0 : 1;
}

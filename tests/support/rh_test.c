/* SPDX-License-Identifier: MIT */
#include "rh_test.h"

#include "base/alloc.h"
#include "base/jw.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

json_t *rh_test_score_json(const rh_score_result *r, const rh_catalog *cat)
{
    rh_buf b;
    rh_buf_init(&b, 0);
    rh_jw w;
    rh_jw_init(&w, &b, 0);
    rh_score_result_write_json(r, cat, &w);
    assert_int_equal(rh_jw_finish(&w), RH_OK);
    json_error_t je;
    json_t *j = json_loadb(b.data, b.len, 0, &je);
    rh_buf_release(&b);
    assert_non_null(j);
    return j;
}

const char *rh_test_shared_dir(void)
{
    static char dir[4096];
    const char *env = getenv("RH_SHARED_DIR");
    const char *cand[] = {env, "../shared", RH_SOURCE_DIR "/../shared"};
    for (size_t i = 0; i < sizeof(cand) / sizeof(cand[0]); i++) {
        struct stat st;
        if (cand[i] && *cand[i] && stat(cand[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            snprintf(dir, sizeof(dir), "%s", cand[i]);
            return dir;
        }
    }
    return NULL;
}

void rh_test_require_shared(const char *what)
{
    if (rh_test_shared_dir())
        return;
    fprintf(stderr,
            "SKIPPED: ../shared is absent, so the golden tests on %s did not run.\n"
            "Put the shared reference data beside the repository to run them.\n",
            what);
    exit(77);
}

const char *rh_test_shared_path(const char *rel)
{
    static char path[4096];
    const char *dir = rh_test_shared_dir();
    snprintf(path, sizeof(path), "%s/%s", dir ? dir : "../shared", rel);
    return path;
}

char *rh_test_slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    rh_buf b;
    rh_buf_init(&b, 0);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        if (rh_buf_append(&b, chunk, n) != RH_OK)
            break;
    fclose(fp);
    return rh_buf_detach(&b, len);
}

/* A temporary file, already unlinked, holding `text` (or empty). */
static int temp_fd(const char *text)
{
    char tmpl[] = "/tmp/rh_test_XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0)
        return -1;
    unlink(tmpl);
    if (text) {
        size_t left = strlen(text);
        while (left > 0) {
            ssize_t w = write(fd, text, left);
            if (w <= 0)
                break;
            text += w;
            left -= (size_t)w;
        }
        lseek(fd, 0, SEEK_SET);
    }
    return fd;
}

static void slurp_fd(int fd, rh_buf *into)
{
    if (!into)
        return;
    lseek(fd, 0, SEEK_SET);
    char chunk[65536];
    ssize_t r;
    while ((r = read(fd, chunk, sizeof(chunk))) > 0)
        rh_buf_append(into, chunk, (size_t)r);
}

int rh_test_run(const char *const *argv, const char *stdin_text, rh_buf *out, rh_buf *err_out)
{
    /* Files rather than pipes: no deadlock whatever the output size. */
    int in_fd = temp_fd(stdin_text), out_fd = temp_fd(NULL), err_fd = temp_fd(NULL);
    int result = -1;
    if (in_fd < 0 || out_fd < 0 || err_fd < 0)
        goto out;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
    posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
    size_t argc = 0;
    while (argv[argc])
        argc++;
    char **args = calloc(argc + 1, sizeof(char *));
    args[0] = (char *)RH_BINARY;
    for (size_t i = 1; i < argc; i++)
        args[i] = (char *)argv[i];
    pid_t pid;
    int rc = posix_spawn(&pid, RH_BINARY, &fa, NULL, args, environ);
    posix_spawn_file_actions_destroy(&fa);
    free(args);
    if (rc != 0)
        goto out;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            goto out;
    slurp_fd(out_fd, out);
    slurp_fd(err_fd, err_out);
    if (WIFEXITED(status))
        result = WEXITSTATUS(status);
    else
        result = 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
out:
    if (in_fd >= 0)
        close(in_fd);
    if (out_fd >= 0)
        close(out_fd);
    if (err_fd >= 0)
        close(err_fd);
    return result;
}

long rh_test_fault_loop(rh_test_fault_fn fn, void *ctx)
{
    for (long n = 0; n < 1000000; n++) {
        rh_alloc_fail_after(n);
        rh_status rc = fn(ctx);
        int failed = rh_alloc_failed();
        long count = rh_alloc_count();
        rh_alloc_fail_reset();
        if (!failed) {
            assert_int_equal(rc, RH_OK);
            return count;
        }
        /* An injected failure must surface as an error, never as success with
         * a half-built result. */
        if (rc == RH_OK)
            fail_msg("allocation %ld failed but the call reported success", n);
    }
    fail_msg("fault loop did not converge");
    return -1;
}

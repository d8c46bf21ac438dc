/* SPDX-License-Identifier: MIT
 *
 * tests/support/rh_test: helpers shared by unit, golden and end-to-end tests.
 * Include after <cmocka.h>'s prerequisites; this header pulls them in.
 */
#ifndef RH_TEST_H
#define RH_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/err.h"
#include "core/score.h"

#include <jansson.h>

/* Directory holding the shared reference data ("../shared" from the
 * repository root, or $RH_SHARED_DIR), or NULL when it is absent. */
const char *rh_test_shared_dir(void);

/* For golden-test binaries: when ../shared is absent, print why and exit 77
 * (ctest reports the test as skipped, never as passed). */
void rh_test_require_shared(const char *what);

/* Builds "<shared>/<rel>" into a static buffer (valid until the next call). */
const char *rh_test_shared_path(const char *rel);

/* Runs the built `rehabit` binary with argv (argv[0] is ignored and replaced),
 * feeding stdin_text (NULL = empty stdin). Captures stdout and stderr into the
 * given buffers (either may be NULL). Returns the exit status, or -1. */
int rh_test_run(const char *const *argv, const char *stdin_text, rh_buf *out, rh_buf *err_out);

/* Reads a whole file; returns an rh_malloc'd NUL-terminated string or NULL. */
char *rh_test_slurp(const char *path, size_t *len);

/* A score result as its JSON contract writes it, parsed (caller decrefs;
 * fails the test when the JSON does not parse). */
json_t *rh_test_score_json(const rh_score_result *r, const rh_catalog *cat);

/* Fault-injection loop: calls fn(ctx) with allocation number 0, 1, 2, ...
 * failing, until a run completes without an injected failure. Each failing run
 * must return RH_E_NOMEM (or another error) and leak nothing (ASan checks).
 * Returns the number of allocations of the successful run. */
typedef rh_status (*rh_test_fault_fn)(void *ctx);
long rh_test_fault_loop(rh_test_fault_fn fn, void *ctx);

#endif

/* SPDX-License-Identifier: MIT
 *
 * base/alloc: the one allocator every layer goes through.
 *
 * Out of memory is returned to the caller (RH_E_NOMEM), never fatal. Tests can
 * make the Nth allocation fail (curl torture mode, SQLite test_malloc) to prove
 * that every failure path releases what it took. The counters are process-wide
 * and meant for single-threaded tests only.
 */
#ifndef RH_BASE_ALLOC_H
#define RH_BASE_ALLOC_H

#include <stddef.h>

/* Same contracts as the libc functions; rh_free(NULL) is a no-op. The array
 * variants return NULL when n * size overflows. */
void *rh_malloc(size_t size);
void *rh_calloc(size_t n, size_t size);
void *rh_realloc(void *ptr, size_t size);
void *rh_reallocarray(void *ptr, size_t n, size_t size);
void rh_free(void *ptr);
char *rh_strdup(const char *s);
char *rh_strndup(const char *s, size_t n);
/* Frees memory held through a const pointer (owned strings in const fields). */
void rh_free_const(const void *ptr);

/* Fault injection (tests only): the allocation numbered `n` (0 = the next one)
 * and every later one fail until rh_alloc_fail_reset(). */
void rh_alloc_fail_after(long n);
void rh_alloc_fail_reset(void);
/* Number of allocations attempted since the last reset or fail_after call. */
long rh_alloc_count(void);
/* Whether an injected failure has happened since the last fail_after call. */
int rh_alloc_failed(void);

#endif

/* SPDX-License-Identifier: MIT */
#include "base/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static long fail_at = -1; /* -1: never fail */
static long attempts;
static int injected;

static int should_fail(void)
{
    long n = attempts++;
    if (fail_at >= 0 && n >= fail_at) {
        injected = 1;
        return 1;
    }
    return 0;
}

void *rh_malloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *rh_calloc(size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    if (n == 0 || size == 0)
        return calloc(1, 1);
    return calloc(n, size);
}

void *rh_realloc(void *ptr, size_t size)
{
    if (should_fail())
        return NULL;
    return realloc(ptr, size ? size : 1);
}

void *rh_reallocarray(void *ptr, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return rh_realloc(ptr, n * size);
}

void rh_free(void *ptr)
{
    free(ptr);
}

void rh_free_const(const void *ptr)
{
    union {
        const void *c;
        void *m;
    } u = {ptr};
    free(u.m);
}

char *rh_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = rh_malloc(len + 1);
    if (!p)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *rh_strdup(const char *s)
{
    return rh_strndup(s, SIZE_MAX);
}

void rh_alloc_fail_after(long n)
{
    fail_at = n;
    attempts = 0;
    injected = 0;
}

void rh_alloc_fail_reset(void)
{
    fail_at = -1;
    attempts = 0;
    injected = 0;
}

long rh_alloc_count(void)
{
    return attempts;
}

int rh_alloc_failed(void)
{
    return injected;
}

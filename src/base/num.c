/* SPDX-License-Identifier: MIT */
#include "base/num.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

rh_status rh_parse_double(const char *s, double *out, rh_err *err)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(v) || errno == ERANGE)
        return RH_FAIL(err, RH_E_PARSE, "'%.40s' is not a number", s);
    *out = v;
    return RH_OK;
}

rh_status rh_parse_int64(const char *s, int64_t *out, rh_err *err)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end != '\0')
        return RH_FAIL(err, RH_E_PARSE, "'%.40s' is not an integer", s);
    if (errno == ERANGE)
        return RH_FAIL(err, RH_E_RANGE, "'%.40s' is out of range", s);
    *out = (int64_t)v;
    return RH_OK;
}

long rh_round_display(double v)
{
    return lround(v);
}

bool rh_near(double a, double b, double tol)
{
    return fabs(a - b) <= tol;
}

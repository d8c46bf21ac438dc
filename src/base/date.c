/* SPDX-License-Identifier: MIT */
#include "base/date.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

rh_date rh_date_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (rh_date)(era * 146097 + doe - 719468);
}

void rh_date_to_civil(rh_date z0, int *year, int *month, int *day)
{
    int z = (int)z0 + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int y = yoe + era * 400;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    const int d = doy - (153 * mp + 2) / 5 + 1;
    const int m = mp + (mp < 10 ? 3 : -9);
    *year = y + (m <= 2);
    *month = m;
    *day = d;
}

static int days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dim[m - 1];
}

bool rh_date_valid_civil(int year, int month, int day)
{
    return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
           day <= days_in_month(year, month);
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

static int num(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

rh_status rh_date_parse(const char *s, rh_date *out, rh_err *err)
{
    if (strlen(s) != 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
        !digits(s + 8, 2))
        return RH_FAIL(err, RH_E_PARSE, "'%s' is not a date of the form YYYY-MM-DD", s);
    int y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2);
    if (!rh_date_valid_civil(y, m, d))
        return RH_FAIL(err, RH_E_RANGE, "'%s' is not a calendar date", s);
    *out = rh_date_from_civil(y, m, d);
    return RH_OK;
}

void rh_date_format(rh_date d, char out[11])
{
    int y, m, dd;
    rh_date_to_civil(d, &y, &m, &dd);
    unsigned uy = y < 0 ? 0u : y > 9999 ? 9999u : (unsigned)y;
    snprintf(out, 11, "%04u-%02u-%02u", uy, (unsigned)m % 100u, (unsigned)dd % 100u);
}

rh_date rh_date_add_months(rh_date d, int months)
{
    int y, m, dd;
    rh_date_to_civil(d, &y, &m, &dd);
    int total = y * 12 + (m - 1) + months;
    int ny = total / 12, nm = total % 12 + 1;
    if (total < 0) {
        ny = (total - 11) / 12;
        nm = total - ny * 12 + 1;
    }
    int dim = days_in_month(ny, nm);
    return rh_date_from_civil(ny, nm, dd > dim ? dim : dd);
}

rh_date rh_date_today_utc(void)
{
    time_t now = time(NULL);
    return (rh_date)((int64_t)now / 86400 - ((int64_t)now % 86400 < 0));
}

int rh_date_months_between(rh_date from, rh_date to)
{
    int fy, fm, fd, ty, tm, td;
    rh_date_to_civil(from, &fy, &fm, &fd);
    rh_date_to_civil(to, &ty, &tm, &td);
    int m = (ty - fy) * 12 + (tm - fm);
    while (m > 0 && rh_date_add_months(from, m) > to)
        m--;
    while (rh_date_add_months(from, m + 1) <= to)
        m++;
    return m < 0 ? 0 : m;
}

void rh_time_format_utc(int64_t unix_s, char out[21])
{
    int64_t days = unix_s / 86400;
    int64_t rem = unix_s % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    int y, m, d;
    rh_date_to_civil((rh_date)days, &y, &m, &d);
    unsigned uy = y < 0 ? 0u : y > 9999 ? 9999u : (unsigned)y;
    snprintf(out, 21, "%04u-%02u-%02uT%02u:%02u:%02uZ", uy, (unsigned)m % 100u, (unsigned)d % 100u,
             (unsigned)(rem / 3600) % 100u, (unsigned)(rem / 60 % 60), (unsigned)(rem % 60));
}

rh_status rh_time_parse_iso8601(const char *s, double *unix_s, int *offset_min, bool *has_zone,
                                rh_err *err)
{
    size_t n = strlen(s);
    if (n < 19 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
        !digits(s + 8, 2) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s + 11, 2) ||
        s[13] != ':' || !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
        return RH_FAIL(err, RH_E_PARSE, "'%.40s' is not an ISO 8601 date-time", s);
    int y = num(s, 4), mo = num(s + 5, 2), d = num(s + 8, 2);
    int hh = num(s + 11, 2), mi = num(s + 14, 2), ss = num(s + 17, 2);
    if (!rh_date_valid_civil(y, mo, d) || hh > 23 || mi > 59 || ss > 60)
        return RH_FAIL(err, RH_E_RANGE, "'%.40s' is not a valid date-time", s);
    const char *p = s + 19;
    double frac = 0.0;
    if (*p == '.' || *p == ',') {
        p++;
        double scale = 0.1;
        if (!isdigit((unsigned char)*p))
            return RH_FAIL(err, RH_E_PARSE, "'%.40s': fraction of a second without digits", s);
        while (isdigit((unsigned char)*p)) {
            frac += (*p - '0') * scale;
            scale /= 10.0;
            p++;
        }
    }
    int off = 0;
    bool zone = false;
    if (*p == 'Z' || *p == 'z') {
        zone = true;
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1;
        p++;
        if (!digits(p, 2))
            return RH_FAIL(err, RH_E_PARSE, "'%.40s': bad UTC offset", s);
        int oh = num(p, 2);
        p += 2;
        if (*p == ':')
            p++;
        int om = 0;
        if (digits(p, 2)) {
            om = num(p, 2);
            p += 2;
        }
        if (oh > 14 || om > 59)
            return RH_FAIL(err, RH_E_RANGE, "'%.40s': UTC offset out of range", s);
        off = sign * (oh * 60 + om);
        zone = true;
    }
    if (*p != '\0')
        return RH_FAIL(err, RH_E_PARSE, "'%.40s': unexpected text after the time", s);
    int64_t days = rh_date_from_civil(y, mo, d);
    *unix_s = (double)(days * 86400 + hh * 3600 + mi * 60 + ss - (int64_t)off * 60) + frac;
    if (offset_min)
        *offset_min = off;
    if (has_zone)
        *has_zone = zone;
    return RH_OK;
}

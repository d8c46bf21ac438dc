/* SPDX-License-Identifier: MIT */
#include "cli/cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

int rh_cli_exit_code(rh_status st)
{
    switch (st) {
    case RH_OK:
        return RH_EXIT_OK;
    case RH_E_USAGE:
        return RH_EXIT_USAGE;
    case RH_E_NOMEM:
    case RH_E_INTERNAL:
        return RH_EXIT_INTERNAL;
    default:
        return RH_EXIT_INPUT;
    }
}

int rh_cli_fail(const rh_err *err)
{
    char text[1024];
    rh_err_format(err, text, sizeof(text));
    fprintf(stderr, "rehabit: error: %s\n", text);
    return rh_cli_exit_code(err->code == RH_OK ? RH_E_INTERNAL : err->code);
}

int rh_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "rehabit: %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'rehabit %s --help'.\n", cmd);
    va_end(ap);
    return RH_EXIT_USAGE;
}

int rh_cli_emit(const rh_buf *out)
{
    const char *p = rh_buf_cstr(out);
    size_t left = out->len;
    while (left > 0) {
        ssize_t n = write(STDOUT_FILENO, p, left);
        if (n < 0) {
            perror("rehabit: cannot write output");
            return RH_EXIT_INTERNAL;
        }
        p += n;
        left -= (size_t)n;
    }
    return RH_EXIT_OK;
}

void rh_cli_reset_getopt(void)
{
    optind = 0; /* glibc: 0 also resets internal state */
    opterr = 1;
}

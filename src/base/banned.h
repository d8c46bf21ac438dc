/* SPDX-License-Identifier: MIT
 *
 * base/banned: turns risky libc calls into compile errors (git banned.h).
 * Included last by .c files of the project; use rh_buf, snprintf, strtol.
 */
#ifndef RH_BASE_BANNED_H
#define RH_BASE_BANNED_H

#define RH_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) RH_BANNED(strcpy)
#undef strcat
#define strcat(x, y) RH_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) RH_BANNED(strncpy)
#undef sprintf
#define sprintf(...) RH_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) RH_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) RH_BANNED(strtok)
#undef gets
#define gets(x) RH_BANNED(gets)
#undef atoi
#define atoi(x) RH_BANNED(atoi)
#undef atof
#define atof(x) RH_BANNED(atof)

#endif

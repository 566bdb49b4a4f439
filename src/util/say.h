/* say.h — one-line messages on stderr ("xengatherer: ..."), made safe for a
 * terminal: a domain's name can hold any byte, and none of its control
 * bytes or escape sequences reaches the user's terminal. */
#ifndef XG_SAY_H
#define XG_SAY_H

#include <stdarg.h>

/* "xengatherer: " + the formatted text, each control byte (newlines too)
 * and invalid UTF-8 byte a '?', + '\n'. Never cut. */
void xg_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void xg_vsay(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif

/* recording_int.h — what the recording's writer (recording_write.c) and
 * reader (recording.c) share; not for other code. */
#ifndef XG_RECORDING_INT_H
#define XG_RECORDING_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#define MAGIC "xengatherer-recording"

/* One line into err (when there is room for it). */
__attribute__((format(printf, 3, 4)))
static inline void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (!err || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

#endif

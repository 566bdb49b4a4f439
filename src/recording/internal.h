/* internal.h — what the recording's writer (writer.c) and
 * reader (reader.c) share; not for other code. */
#ifndef XG_RECORDING_INT_H
#define XG_RECORDING_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "util/strbuf.h"

#define MAGIC "xengatherer-recording"

/* One line into err, whole, or ending in "..." where err is too small
 * for it (never cut silently). */
__attribute__((format(printf, 3, 4)))
static inline void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    xg_sb sb = XG_SB_INIT;
    va_list ap;

    if (!err || errlen == 0)
        return;
    va_start(ap, fmt);
    xg_sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    xg_sb_put(&sb, err, errlen);
    xg_sb_free(&sb);
}

#endif

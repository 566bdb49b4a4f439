/* say.c — one-line, terminal-safe messages on stderr (see say.h). */
#include "util/say.h"

#include <stdio.h>

#include "util/table.h"

void xg_vsay(const char *fmt, va_list ap)
{
    char buf[4096];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);

    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(buf))
        n = (int)sizeof(buf) - 1;
    fputs("xengatherer: ", stderr);
    xg_text_write_line(stderr, buf, (size_t)n);
    fputc('\n', stderr);
}

void xg_say(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    xg_vsay(fmt, ap);
    va_end(ap);
}

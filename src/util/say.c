/* say.c — one-line, terminal-safe messages on stderr (see say.h). */
#include "util/say.h"

#include <stdio.h>

#include "util/strbuf.h"
#include "util/table.h"

void xg_vsay(const char *fmt, va_list ap)
{
    xg_sb sb = XG_SB_INIT;

    fputs("xengatherer: ", stderr);
    if (xg_sb_vprintf(&sb, fmt, ap) < 0)
        fputs("(out of memory for a message) ", stderr);
    xg_text_write_line(stderr, xg_sb_str(&sb), sb.len);
    fputc('\n', stderr);
    xg_sb_free(&sb);
}

void xg_say(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    xg_vsay(fmt, ap);
    va_end(ap);
}

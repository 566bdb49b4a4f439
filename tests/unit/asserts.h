/* asserts.h — the text assertions the report tests share (include after
 * cmocka.h): a string must, or must not, hold another. */
#ifndef XG_TEST_ASSERTS_H
#define XG_TEST_ASSERTS_H

#include <string.h>

static inline void has(const char *buf, const char *want)
{
    if (!buf || !want || !strstr(buf, want))
        fail_msg("missing \"%s\" in:\n%s", want ? want : "(null)",
                 buf ? buf : "(null)");
}

static inline void lacks(const char *buf, const char *bad)
{
    if (buf && bad && strstr(buf, bad))
        fail_msg("unexpected \"%s\" in:\n%s", bad, buf);
}

#endif

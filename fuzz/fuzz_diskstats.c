/* fuzz_diskstats.c — /proc/diskstats, line by line, as the host disk
 * collector and --blkio-enable read it. */
#include "fuzz_common.h"

#include "platform/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fz_strdup(data, size);

    if (!text)
        return 0;
    for (const char *p = text; p && *p;) {
        xg_diskstat s;
        if (xg_diskstat_parse_line(p, &s) == 0 &&
            (!s.name[0] || strlen(s.name) >= sizeof(s.name) ||
             strpbrk(s.name, " \t\n")))
            abort(); /* a name is one non-empty word */
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    free(text);
    return 0;
}

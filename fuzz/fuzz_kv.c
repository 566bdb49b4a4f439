/* fuzz_kv.c — the number and key/value readers every /proc, /sys and cgroup
 * parser is built on: xg_parse_u64, xg_kv_u64, xg_kv_eq_u64. Input: KEY
 * '\0' TEXT (no NUL: the whole input is the text, the key is "total"). */
#include "fuzz_common.h"

#include "util/root.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = fz_strdup(data, size);
    const char *key = "total", *text;
    uint64_t v;

    if (!buf)
        return 0;
    text = buf;
    size_t klen = strlen(buf);
    if (klen < size) {
        key = buf;
        text = buf + klen + 1;
    }
    const char *end = xg_parse_u64(text, &v);
    if (end && (end <= text || end > text + strlen(text)))
        abort(); /* the end is inside the text, after a digit */
    (void)xg_kv_u64(text, key, &v);
    for (const char *p = text; p && *p;) {
        (void)xg_kv_eq_u64(p, key, &v);
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    free(buf);
    return 0;
}

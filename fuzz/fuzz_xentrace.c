/* fuzz_xentrace.c — the xentrace reader on arbitrary trace bytes. First
 * byte: even = the whole trace (window 0, 0); odd = the next 16 bytes are
 * the window (tsc_from, tsc_to, little-endian). The rest is the trace. */
#include "fuzz_common.h"

#include "util/xentrace.h"

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t from = 0, to = 0;
    xg_trace_sum s;
    char err[256];
    size_t skip = 1;

    if (size < 1)
        return 0;
    if ((data[0] & 1) && size >= 17) {
        from = le64(data + 1);
        to = le64(data + 9);
        skip = 17;
    }
    /* an exact-size copy, so a read past the end is caught */
    unsigned char *buf = malloc(size - skip ? size - skip : 1);
    if (!buf)
        return 0;
    memcpy(buf, data + skip, size - skip);
    if (xg_trace_sum_buf(buf, size - skip, from, to, &s, err,
                         sizeof(err)) == 0) {
        for (size_t i = 1; i < s.n; i++) /* sorted by domid, then vcpu */
            if (s.v[i - 1].domid > s.v[i].domid ||
                (s.v[i - 1].domid == s.v[i].domid &&
                 s.v[i - 1].vcpu >= s.v[i].vcpu))
                abort();
        xg_trace_sum_free(&s);
    } else if (!err[0]) {
        abort();
    }
    free(buf);
    return 0;
}

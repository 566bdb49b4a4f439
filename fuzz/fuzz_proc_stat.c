/* fuzz_proc_stat.c — the /proc/stat parser (host CPU). First byte picks
 * USER_HZ, the rest is the file. */
#include "fuzz_common.h"

#include "platform/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xg_cpu_counters c;
    int ncpus = -1;
    char *text;

    if (size < 1)
        return 0;
    if (!(text = fz_strdup(data + 1, size - 1)))
        return 0;
    /* (no check that busy <= total: fuzzed counters near 2^64 wrap the
     * unsigned sums, which real ones never do) */
    if (xg_host_cpu_parse(text, fz_clk_tck(data[0]), &c, &ncpus) == 0 &&
        (ncpus < 0 || !(c.have & XG_CPU_TOTAL)))
        abort();
    free(text);
    return 0;
}

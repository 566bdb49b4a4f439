/* fuzz_cgroup.c — every cgroup file parser on the same text: v2 cpu.stat,
 * v1 cpuacct.usage / cpuacct.stat / cpu.stat, cpu.pressure, v1
 * blkio.throttle.io_service_bytes / io_serviced and *_bps_device rules, v2
 * io.stat (line by line, as cgroup_files.c walks them). First byte picks
 * USER_HZ, the rest is the file. */
#include "fuzz_common.h"

#include "platform/cgroup/cgroup_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xg_cpu_counters c;
    char *text;

    if (size < 1)
        return 0;
    if (!(text = fz_strdup(data + 1, size - 1)))
        return 0;
    memset(&c, 0, sizeof(c));
    cg_parse_cpu_stat(text, &c);
    memset(&c, 0, sizeof(c));
    cg_parse_cpuacct_usage(text, &c);
    cg_parse_cpuacct_stat(text, fz_clk_tck(data[0]), &c);
    cg_parse_cpu_throttle(text, &c);
    cg_parse_cpu_pressure(text, &c);
    for (const char *p = text; p && *p; p = cg_next_line(p)) {
        unsigned a, b;
        uint64_t v, rb = 0, wb = 0, ri = 0, wi = 0;
        bool rd;
        if (cg_parse_blkio_line(p, &a, &b, &rd, &v) == 0 &&
            !cg_has_rule(text, a, b))
            abort(); /* a "MAJ:MIN Read N" line is also a rule line */
        if (cg_parse_devno(p, &a, &b))
            cg_parse_io_stat_line(p, &rb, &wb, &ri, &wi);
    }
    free(text);
    return 0;
}

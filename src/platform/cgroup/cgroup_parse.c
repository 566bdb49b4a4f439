/* cgroup_parse.c — the pure parsers of the cgroup files' text, moved out of
 * cgroup_files.c so the fuzz harnesses can reach them (see cgroup_parse.h). */
#include "platform/host.h"
#include "platform/cgroup/cgroup_parse.h"

#include <string.h>

#include "util/root.h"

const char *cg_next_line(const char *p)
{
    p = strchr(p, '\n');
    return p ? p + 1 : NULL;
}

const char *cg_parse_devno(const char *p, unsigned *major, unsigned *minor)
{
    uint64_t a, b;

    if (*p < '0' || *p > '9' || !(p = xg_parse_u64(p, &a)) || *p != ':' ||
        !(p = xg_parse_u64(p + 1, &b)) || a > 0xffffffffu || b > 0xffffffffu)
        return NULL;
    *major = (unsigned)a;
    *minor = (unsigned)b;
    return p;
}

bool cg_has_rule(const char *text, unsigned major, unsigned minor)
{
    unsigned a, b;

    for (const char *p = text; p && *p; p = cg_next_line(p))
        if (cg_parse_devno(p, &a, &b) && a == major && b == minor)
            return true;
    return false;
}

/* The "some" line's total= of a PSI file, in µs. */
static int psi_some_total(const char *text, uint64_t *out)
{
    for (const char *p = text; p && *p; p = cg_next_line(p))
        if (strncmp(p, "some ", 5) == 0)
            return xg_kv_eq_u64(p, "total", out);
    return -1;
}

void cg_parse_cpu_stat(const char *text, xg_cpu_counters *out)
{
    const struct { const char *key; unsigned bit; uint64_t *dst; } f[] = {
        {"usage_usec", XG_CPU_USAGE, &out->usage_ns},
        {"user_usec", XG_CPU_USER, &out->user_ns},
        {"system_usec", XG_CPU_SYSTEM, &out->system_ns},
        {"throttled_usec", XG_CPU_THROTTLED, &out->throttled_ns},
    };
    uint64_t v;

    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        if (xg_kv_u64(text, f[i].key, &v) == 0) {
            *f[i].dst = v * 1000;
            out->have |= f[i].bit;
        }
    }
}

void cg_parse_cpuacct_usage(const char *text, xg_cpu_counters *out)
{
    uint64_t v;

    if (xg_parse_u64(text, &v)) {
        out->usage_ns = v;
        out->have |= XG_CPU_USAGE;
    }
}

void cg_parse_cpuacct_stat(const char *text, long clk_tck,
                           xg_cpu_counters *out)
{
    uint64_t v;

    if (xg_kv_u64(text, "user", &v) == 0) {
        out->user_ns = xg_ticks_ns(v, clk_tck);
        out->have |= XG_CPU_USER;
    }
    if (xg_kv_u64(text, "system", &v) == 0) {
        out->system_ns = xg_ticks_ns(v, clk_tck);
        out->have |= XG_CPU_SYSTEM;
    }
}

void cg_parse_cpu_throttle(const char *text, xg_cpu_counters *out)
{
    uint64_t v;

    if (xg_kv_u64(text, "throttled_time", &v) == 0) {
        out->throttled_ns = v;
        out->have |= XG_CPU_THROTTLED;
    }
}

void cg_parse_cpu_pressure(const char *text, xg_cpu_counters *out)
{
    uint64_t v;

    if (psi_some_total(text, &v) == 0) {
        out->wait_ns = v * 1000;
        out->have |= XG_CPU_WAIT;
    }
}

int cg_parse_blkio_line(const char *line, unsigned *major, unsigned *minor,
                        bool *rd, uint64_t *v)
{
    const char *q = cg_parse_devno(line, major, minor);

    if (!q || *q != ' ')
        return -1;
    q++;
    if (strncmp(q, "Read ", 5) == 0)
        *rd = true, q += 5;
    else if (strncmp(q, "Write ", 6) == 0)
        *rd = false, q += 6;
    else
        return -1;
    return xg_parse_u64(q, v) ? 0 : -1;
}

void cg_parse_io_stat_line(const char *line, uint64_t *rd_bytes,
                           uint64_t *wr_bytes, uint64_t *rd_ios,
                           uint64_t *wr_ios)
{
    xg_kv_eq_u64(line, "rbytes", rd_bytes);
    xg_kv_eq_u64(line, "wbytes", wr_bytes);
    xg_kv_eq_u64(line, "rios", rd_ios);
    xg_kv_eq_u64(line, "wios", wr_ios);
}

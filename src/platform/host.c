/* host.c — the host row's counters on any Linux host: CPU time from
 * /proc/stat, block devices from /proc/diskstats and /sys. */
#include "platform/host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/root.h"

uint64_t xg_ticks_ns(uint64_t v, long clk_tck)
{
    const uint64_t g = 1000000000u;
    uint64_t hz = (uint64_t)clk_tck;

    if (g % hz == 0)
        return v * (g / hz);
    __extension__ unsigned __int128 w = (unsigned __int128)v * g + hz / 2;
    return (uint64_t)(w / hz);
}

static const char *next_line(const char *p)
{
    p = strchr(p, '\n');
    return p ? p + 1 : NULL;
}

int xg_host_cpu_parse(const char *text, long clk_tck, xg_cpu_counters *out,
                      int *ncpus)
{
    const char *p, *line = NULL;
    uint64_t f[8] = {0}; /* user nice system idle iowait irq softirq steal */
    int n = 0, cpus = 0;

    if (clk_tck <= 0)
        return -1;
    for (p = text; p && *p; p = next_line(p)) {
        if (strncmp(p, "cpu", 3) != 0)
            continue;
        if (p[3] == ' ' && !line)
            line = p + 3;
        else if (p[3] >= '0' && p[3] <= '9')
            cpus++;
    }
    if (!line)
        return -1;
    for (p = line; n < 8; n++) {
        const char *q = xg_parse_u64(p, &f[n]);
        if (!q)
            break;
        p = q;
    }
    if (n < 4) /* user nice system idle: every kernel has them */
        return -1;

    uint64_t user = f[0] + f[1], system = f[2] + f[5] + f[6];
    uint64_t total = 0;
    for (int i = 0; i < 8; i++)
        total += f[i];
    memset(out, 0, sizeof(*out));
    out->usage_ns = xg_ticks_ns(total - f[3] - f[4], clk_tck);
    out->user_ns = xg_ticks_ns(user, clk_tck);
    out->system_ns = xg_ticks_ns(system, clk_tck);
    out->total_ns = xg_ticks_ns(total, clk_tck);
    out->have = XG_CPU_USAGE | XG_CPU_USER | XG_CPU_SYSTEM | XG_CPU_TOTAL;
    if (n >= 5) {
        out->iowait_ns = xg_ticks_ns(f[4], clk_tck);
        out->have |= XG_CPU_IOWAIT;
    }
    if (n >= 8) {
        out->steal_ns = xg_ticks_ns(f[7], clk_tck);
        out->have |= XG_CPU_STEAL;
    }
    if (ncpus)
        *ncpus = cpus;
    return 0;
}

int xg_host_cpu_open(xg_host_cpu *h, char *err, size_t errlen)
{
    char path[4096];
    size_t cap = 64 * 1024;
    char *buf = NULL;
    ssize_t r = -1;
    xg_cpu_counters c;

    h->ncpus = 0;
    h->clk_tck = sysconf(_SC_CLK_TCK);
    if (h->clk_tck <= 0)
        h->clk_tck = 100;
    h->fd = xg_root_open("/proc/stat", O_RDONLY);
    if (h->fd < 0) {
        snprintf(err, errlen, "%s: %s", xg_root_path(path, sizeof(path),
                 "/proc/stat") ? path : "/proc/stat", strerror(errno));
        return -1;
    }
    /* Once, at open: the whole file, to count the cpuN lines (it grows with
     * the CPUs and the interrupts). Samples only need the first line. */
    for (;;) {
        char *nb = realloc(buf, cap);
        if (!nb) {
            snprintf(err, errlen, "/proc/stat: out of memory");
            goto fail;
        }
        buf = nb;
        r = xg_pread_text(h->fd, buf, cap);
        if (r < 0 || (size_t)r < cap - 1 || cap >= (64u << 20))
            break;
        cap *= 2;
    }
    if (r < 0 || xg_host_cpu_parse(buf, h->clk_tck, &c, &h->ncpus) < 0) {
        snprintf(err, errlen, "%s: %s", xg_root_path(path, sizeof(path),
                 "/proc/stat") ? path : "/proc/stat",
                 r < 0 ? strerror(errno) : "no aggregate \"cpu \" line");
        goto fail;
    }
    free(buf);
    return 0;
fail:
    free(buf);
    close(h->fd);
    h->fd = -1;
    return -1;
}

int xg_host_cpu_read(xg_host_cpu *h, xg_cpu_counters *out)
{
    /* The aggregate line comes first and is < 300 bytes; the kernel
     * formats the whole file anyway, we copy only the head. */
    char buf[4096];

    if (h->fd < 0 || xg_pread_text(h->fd, buf, sizeof(buf)) < 0)
        return -1;
    return xg_host_cpu_parse(buf, h->clk_tck, out, NULL);
}

void xg_host_cpu_close(xg_host_cpu *h)
{
    if (h->fd >= 0)
        close(h->fd);
    h->fd = -1;
}

static const char *skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

int xg_diskstat_parse_line(const char *line, xg_diskstat *out)
{
    uint64_t maj, min, v[11];
    const char *p = line, *name;
    size_t len;

    if (!(p = xg_parse_u64(p, &maj)) || !(p = xg_parse_u64(p, &min)) ||
        maj > 0xffffffffu || min > 0xffffffffu)
        return -1;
    if (*p != ' ' && *p != '\t')
        return -1;
    name = p = skip_blanks(p);
    while (*p && *p != ' ' && *p != '\t' && *p != '\n')
        p++;
    len = (size_t)(p - name);
    if (len == 0 || len >= sizeof(out->name))
        return -1;
    for (int i = 0; i < 11; i++)
        if (!(p = xg_parse_u64(p, &v[i])))
            return -1;
    /* the rest (discards, flushes...) must still be numbers */
    for (p = skip_blanks(p); *p && *p != '\n'; p = skip_blanks(p)) {
        uint64_t x;
        if (!(p = xg_parse_u64(p, &x)))
            return -1;
    }
    out->major = (unsigned)maj;
    out->minor = (unsigned)min;
    memcpy(out->name, name, len);
    out->name[len] = '\0';
    out->rd_ios = v[0];
    out->rd_merges = v[1];
    out->rd_sectors = v[2];
    out->rd_ticks = v[3];
    out->wr_ios = v[4];
    out->wr_merges = v[5];
    out->wr_sectors = v[6];
    out->wr_ticks = v[7];
    out->in_flight = v[8];
    out->io_ticks = v[9];
    out->rq_ticks = v[10];
    return 0;
}

bool xg_disk_is_partition(const char *name)
{
    char rel[512], path[4096];
    int n;

    if (!name || !*name || strchr(name, '/') || strcmp(name, "..") == 0)
        return false;
    n = snprintf(rel, sizeof(rel), "/sys/class/block/%s/partition", name);
    if (n < 0 || (size_t)n >= sizeof(rel) ||
        !xg_root_path(path, sizeof(path), rel))
        return false;
    return access(path, F_OK) == 0;
}

void xg_disk_name(unsigned major, unsigned minor, char *buf, size_t len)
{
    char rel[128], text[4096];
    const char *p;

    snprintf(rel, sizeof(rel), "/sys/dev/block/%u:%u/uevent", major, minor);
    if (xg_read_text(rel, text, sizeof(text)) > 0) {
        for (p = text; p; p = next_line(p)) {
            if (strncmp(p, "DEVNAME=", 8) != 0)
                continue;
            p += 8;
            size_t n = strcspn(p, "\n");
            if (n > 0 && n < len) {
                memcpy(buf, p, n);
                buf[n] = '\0';
                return;
            }
            break;
        }
    }
    snprintf(buf, len, "%u:%u", major, minor);
}

int xg_host_push(xg_pdomains *out, int *ncpus, char *err, size_t errlen)
{
    xg_host_cpu hc;
    xg_pdomain d = {.info = {.key = "host", .name = "host", .platform_id = 0,
                             .is_host = true, .first_tick = -1,
                             .last_tick = -1}};

    if (*ncpus < 0) {
        if (xg_host_cpu_open(&hc, err, errlen) < 0)
            return -1;
        *ncpus = hc.ncpus;
        xg_host_cpu_close(&hc);
    }
    d.info.vcpus = *ncpus;
    if (xg_pdomains_push(out, &d) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

const char *xg_cgroup_mode_parse(const char *mounts)
{
    bool v1 = false, v2 = false;

    for (const char *l = mounts; l && *l; l = next_line(l)) {
        const char *t = l;
        size_t n;
        for (int f = 0; f < 2 && t; f++) /* device, mount point */
            if ((t = strchr(t, ' ')))
                t++;
        if (!t)
            continue;
        n = strcspn(t, " \n");
        v1 |= n == 6 && strncmp(t, "cgroup", 6) == 0;
        v2 |= n == 7 && strncmp(t, "cgroup2", 7) == 0;
    }
    return v1 && v2 ? "hybrid v1+v2" : v1 ? "cgroup v1"
                                          : v2 ? "cgroup v2" : NULL;
}

const char *xg_cgroup_mode(void)
{
    char *buf = malloc(1 << 16);
    const char *mode = NULL;

    if (buf && xg_read_text("/proc/mounts", buf, 1 << 16) > 0)
        mode = xg_cgroup_mode_parse(buf);
    free(buf);
    return mode;
}

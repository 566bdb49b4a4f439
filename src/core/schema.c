/* schema.c — the table of every recorded series (see schema.h for why it
 * is one table and how code names a row) and its lookups. A row's
 * description is one line of docs/series.md's catalogue: keep it short,
 * without '|'; the longer story is the prose below that table. */
#include "core/schema.h"

#include <stdlib.h>
#include <string.h>

#define CPU_DEV (XG_DEV_WHOLE | XG_DEV_VCPU)
#define DISK_DEV (XG_DEV_DISK | XG_DEV_ALL)
#define CACHE_DEV (XG_DEV_WHOLE | XG_DEV_MODE)

/* clang-format off */
const xg_series_def xg_schema[XG_S_COUNT] = {
    [XG_S_CPU_USAGE] = {"cpu", "usage", "ns", XG_COUNTER, CPU_DEV, 0,
        "CPU time used; every domain incl. the host (host: busy = all but "
        "idle and iowait, summed over CPUs)"},
    [XG_S_CPU_USER] = {"cpu", "user", "ns", XG_COUNTER, CPU_DEV, 0,
        "CPU time in user mode, where the platform tells it apart"},
    [XG_S_CPU_SYSTEM] = {"cpu", "system", "ns", XG_COUNTER, CPU_DEV, 0,
        "CPU time in kernel mode, where the platform tells it apart"},
    [XG_S_CPU_WAIT] = {"cpu", "wait", "ns", XG_COUNTER, CPU_DEV, 0,
        "runnable but not running (cgroup2 cpu.pressure \"some\" — also for "
        "v1 domains on hybrid hosts when the cgroup exists in the unified "
        "tree; qemu schedstat; xen runstate)"},
    [XG_S_CPU_STEAL] = {"cpu", "steal", "ns", XG_COUNTER, XG_DEV_WHOLE,
        XG_SF_HOST, "/proc/stat steal"},
    [XG_S_CPU_THROTTLED] = {"cpu", "throttled", "ns", XG_COUNTER,
        XG_DEV_WHOLE, 0, "cgroup: time held back by a CPU quota"},
    [XG_S_CPU_TOTAL] = {"cpu", "total", "ns", XG_COUNTER, XG_DEV_WHOLE,
        XG_SF_HOST,
        "all CPU time including idle, summed over CPUs"},
    [XG_S_CPU_IOWAIT] = {"cpu", "iowait", "ns", XG_COUNTER, XG_DEV_WHOLE,
        XG_SF_HOST, "/proc/stat iowait"},

    [XG_S_DISK_RD_BYTES] = {"disk", "rd_bytes", "bytes", XG_COUNTER,
        DISK_DEV, 0, "bytes read, per domain and device; the host's \"all\" "
        "row sums its whole disks from /proc/diskstats"},
    [XG_S_DISK_WR_BYTES] = {"disk", "wr_bytes", "bytes", XG_COUNTER,
        DISK_DEV, 0, "bytes written, as rd_bytes"},
    [XG_S_DISK_RD_IOS] = {"disk", "rd_ios", "ios", XG_COUNTER, DISK_DEV, 0,
        "read operations, where the platform counts them"},
    [XG_S_DISK_WR_IOS] = {"disk", "wr_ios", "ios", XG_COUNTER, DISK_DEV, 0,
        "write operations, where the platform counts them"},
    [XG_S_DISK_RD_TIME] = {"disk", "rd_time", "ns", XG_COUNTER,
        XG_DEV_DISK, 0, "total time the reads took (QMP), for await"},
    [XG_S_DISK_WR_TIME] = {"disk", "wr_time", "ns", XG_COUNTER,
        XG_DEV_DISK, 0, "total time the writes took (QMP), for await"},

    [XG_S_HOSTDISK_RD_IOS] = {"hostdisk", "rd_ios", "ios", XG_COUNTER,
        XG_DEV_DISK, XG_SF_HOST, "from /proc/diskstats: reads completed"},
    [XG_S_HOSTDISK_WR_IOS] = {"hostdisk", "wr_ios", "ios", XG_COUNTER,
        XG_DEV_DISK, XG_SF_HOST, "writes completed"},
    [XG_S_HOSTDISK_RD_SECTORS] = {"hostdisk", "rd_sectors", "sectors",
        XG_COUNTER, XG_DEV_DISK, XG_SF_HOST,
        "512-byte sectors read"},
    [XG_S_HOSTDISK_WR_SECTORS] = {"hostdisk", "wr_sectors", "sectors",
        XG_COUNTER, XG_DEV_DISK, XG_SF_HOST,
        "512-byte sectors written"},
    [XG_S_HOSTDISK_RD_TICKS] = {"hostdisk", "rd_ticks", "ms", XG_COUNTER,
        XG_DEV_DISK, XG_SF_HOST, "time spent reading"},
    [XG_S_HOSTDISK_WR_TICKS] = {"hostdisk", "wr_ticks", "ms", XG_COUNTER,
        XG_DEV_DISK, XG_SF_HOST, "time spent writing"},
    [XG_S_HOSTDISK_IO_TICKS] = {"hostdisk", "io_ticks", "ms", XG_COUNTER,
        XG_DEV_DISK, XG_SF_HOST, "time the device was busy"},
    [XG_S_HOSTDISK_RQ_TICKS] = {"hostdisk", "rq_ticks", "ms", XG_COUNTER,
        XG_DEV_DISK, XG_SF_HOST,
        "time I/Os spent queued and in service, summed"},

    [XG_S_NET_RX_BYTES] = {"net", "rx_bytes", "bytes", XG_COUNTER,
        XG_DEV_IFACE, 0, "bytes the domain received, per interface (the "
        "domain's view; sources below)"},
    [XG_S_NET_TX_BYTES] = {"net", "tx_bytes", "bytes", XG_COUNTER,
        XG_DEV_IFACE, 0, "bytes the domain sent, per interface"},
    [XG_S_NET_RX_PACKETS] = {"net", "rx_packets", "packets", XG_COUNTER,
        XG_DEV_IFACE, 0, "packets received, as rx_bytes"},
    [XG_S_NET_TX_PACKETS] = {"net", "tx_packets", "packets", XG_COUNTER,
        XG_DEV_IFACE, 0, "packets sent, as tx_bytes"},
    [XG_S_NET_RX_DROPS] = {"net", "rx_drops", "packets", XG_COUNTER,
        XG_DEV_IFACE, 0, "received packets dropped, where the platform "
        "counts them (all four sources do)"},
    [XG_S_NET_TX_DROPS] = {"net", "tx_drops", "packets", XG_COUNTER,
        XG_DEV_IFACE, 0, "sent packets dropped, as rx_drops"},
    [XG_S_NET_RX_ERRORS] = {"net", "rx_errors", "packets", XG_COUNTER,
        XG_DEV_IFACE, 0, "receive errors, as rx_drops"},
    [XG_S_NET_TX_ERRORS] = {"net", "tx_errors", "packets", XG_COUNTER,
        XG_DEV_IFACE, 0, "send errors, as rx_drops"},

    [XG_S_CACHE_REFERENCES] = {"cache", "references", "events", XG_COUNTER,
        CACHE_DEV, 0, "LLC references from perf_event_open, summed over "
        "the domain's groups, scaled when multiplexed"},
    [XG_S_CACHE_MISSES] = {"cache", "misses", "events", XG_COUNTER,
        CACHE_DEV, 0, "LLC misses, as references"},
    [XG_S_CACHE_EVENT] = {"cache", "*", "events", XG_COUNTER, CACHE_DEV,
        XG_SF_DYNAMIC, "with --cache-events, instead of references and "
        "misses: each event by its name (cycles, instructions, "
        "cache-references, cache-misses, LLC-loads, page-faults...)"},
    [XG_S_CACHE_TASK_CLOCK] = {"cache", "task-clock", "ns", XG_COUNTER,
        CACHE_DEV, 0, "with --cache-events task-clock: time the domain's "
        "tasks ran (the host's: its CPUs' whole time, idle included)"},
    [XG_S_CACHE_CPU_CLOCK] = {"cache", "cpu-clock", "ns", XG_COUNTER,
        CACHE_DEV, 0, "with --cache-events cpu-clock: as task-clock"},
    [XG_S_CACHE_TIME_ENABLED] = {"cache", "time_enabled", "ns", XG_COUNTER,
        CACHE_DEV, 0, "the groups' enabled time, summed"},
    [XG_S_CACHE_TIME_RUNNING] = {"cache", "time_running", "ns", XG_COUNTER,
        CACHE_DEV, 0, "the groups' running time, summed (< time_enabled: "
        "multiplexed)"},

    [XG_S_CMT_LLC_OCCUPANCY] = {"cmt", "llc_occupancy", "bytes", XG_GAUGE,
        XG_DEV_WHOLE, 0, "xen: LLC bytes the domain holds at the tick, "
        "summed over sockets (Intel CMT)"},
    [XG_S_CMT_MBM_TOTAL] = {"cmt", "mbm_total", "bytes", XG_COUNTER,
        XG_DEV_WHOLE, 0, "xen: bytes moved between the LLC and memory, "
        "summed over sockets (Intel MBM), where the CPU has it"},
    [XG_S_CMT_MBM_LOCAL] = {"cmt", "mbm_local", "bytes", XG_COUNTER,
        XG_DEV_WHOLE, 0, "xen: as mbm_total, to and from the local node "
        "only"},
};
/* clang-format on */

const xg_series_def *xg_schema_find(const char *family, const char *metric)
{
    const xg_series_def *dyn = NULL;

    if (!family || !metric)
        return NULL;
    for (size_t i = 0; i < XG_S_COUNT; i++) {
        const xg_series_def *d = &xg_schema[i];
        if (strcmp(d->family, family) != 0)
            continue;
        if (d->flags & XG_SF_DYNAMIC)
            dyn = d;
        else if (strcmp(d->metric, metric) == 0)
            return d;
    }
    return dyn;
}

xg_sid xg_schema_id(const xg_series_def *def)
{
    return (xg_sid)(def - xg_schema);
}

/* "vcpu" and one or more digits */
static bool is_vcpu(const char *dev)
{
    if (strncmp(dev, "vcpu", 4) != 0 || !dev[4])
        return false;
    return strspn(dev + 4, "0123456789") == strlen(dev + 4);
}

static bool is_mode(const char *dev)
{
    return !strcmp(dev, "user") || !strcmp(dev, "kernel") ||
           !strcmp(dev, "hv");
}

bool xg_schema_device_ok(const xg_series_def *def, const char *device)
{
    unsigned d = def->devices;

    if (!device || !*device)
        return d & XG_DEV_WHOLE;
    if (d & (XG_DEV_DISK | XG_DEV_IFACE)) /* any name */
        return true;
    return ((d & XG_DEV_VCPU) && is_vcpu(device)) ||
           ((d & XG_DEV_MODE) && is_mode(device)) ||
           ((d & XG_DEV_ALL) && strcmp(device, "all") == 0);
}

int64_t xg_schema_series(xg_store *s, uint32_t dom, xg_sid id,
                         const char *device)
{
    const xg_series_def *d;

    if ((unsigned)id >= XG_S_COUNT)
        return -1;
    d = &xg_schema[id];
    if (d->flags & XG_SF_DYNAMIC)
        return -1;
    return xg_store_series(s, dom, d->family, device, d->metric, d->unit);
}

int64_t xg_schema_series_named(xg_store *s, uint32_t dom, xg_sid dyn,
                               const char *device, const char *metric)
{
    const xg_series_def *d;

    if ((unsigned)dyn >= XG_S_COUNT ||
        !(xg_schema[dyn].flags & XG_SF_DYNAMIC) || !metric || !*metric)
        return -1;
    d = xg_schema_find(xg_schema[dyn].family, metric);
    if (!d) /* not reached: the family has its dynamic row */
        return -1;
    return xg_store_series(s, dom, d->family, device, metric, d->unit);
}

/* The most series named in the "left out" line; the rest are counted. */
#define UNKNOWN_NAMED 16

static bool known(const xg_series *x)
{
    const xg_series_def *d = xg_schema_find(x->family, x->metric);

    return d && x->unit && strcmp(d->unit, x->unit) == 0;
}

/* Whether a and b have the same family, metric and unit. */
static bool same(const xg_series *a, const xg_series *b)
{
    return !strcmp(a->family, b->family) && !strcmp(a->metric, b->metric) &&
           !strcmp(a->unit ? a->unit : "", b->unit ? b->unit : "");
}

size_t xg_schema_unknown(const xg_store *s, xg_sb *out)
{
    size_t *first = NULL, n = 0;

    for (size_t i = 0; i < s->n_series; i++) {
        const xg_series *x = &s->series[i];
        size_t k = 0;
        if (!x->family || !x->metric || known(x))
            continue;
        while (k < n && !same(&s->series[first[k]], x))
            k++;
        if (k < n)
            continue;
        if (n % 16 == 0) {
            size_t *nv = realloc(first, (n + 16) * sizeof(*nv));
            if (!nv) {
                out->oom = true;
                break;
            }
            first = nv;
        }
        first[n++] = i;
    }
    for (size_t k = 0; k < n && k < UNKNOWN_NAMED; k++) {
        const xg_series *x = &s->series[first[k]];
        const xg_series_def *d = xg_schema_find(x->family, x->metric);
        xg_sb_printf(out, "%s%s.%s", k ? ", " : "left out: ", x->family,
                     x->metric);
        if (d)
            xg_sb_printf(out, " (unit %s)", x->unit ? x->unit : "none");
    }
    if (n > UNKNOWN_NAMED)
        xg_sb_printf(out, " and %zu more", n - UNKNOWN_NAMED);
    free(first);
    return n;
}

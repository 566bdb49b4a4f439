/* host.h — the host row's counters on any Linux host (also dom0 on Xen):
 * CPU from /proc/stat and block devices from /proc/diskstats, read through
 * the configurable root on held descriptors. */
#ifndef XG_HOST_H
#define XG_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "platform/platform.h"

typedef struct xg_host_cpu {
    int fd;          /* <root>/proc/stat, held open */
    long clk_tck;    /* USER_HZ */
    int ncpus;       /* cpuN lines */
} xg_host_cpu;

/* Clock ticks (USER_HZ) to ns without float drift: exact when clk_tck
 * divides 1e9 (100, 250, 1000...), else rounded in 128-bit. */
uint64_t xg_ticks_ns(uint64_t v, long clk_tck);

int xg_host_cpu_open(xg_host_cpu *h, char *err, size_t errlen);
/* Fills usage (busy = all but idle and iowait), user (user+nice), system
 * (system+irq+softirq), steal, iowait and total, all in ns. 0 or -1. */
int xg_host_cpu_read(xg_host_cpu *h, xg_cpu_counters *out);
/* Parses /proc/stat text (the aggregate "cpu " line); same fields. */
int xg_host_cpu_parse(const char *text, long clk_tck, xg_cpu_counters *out,
                      int *ncpus);
void xg_host_cpu_close(xg_host_cpu *h);

/* Appends the host row (key and name "host", id 0, vcpus = the CPU count,
 * counted once into *ncpus, which starts at -1: discover runs again on every
 * rescan). 0, or -1 + err. */
int xg_host_push(xg_pdomains *out, int *ncpus, char *err, size_t errlen);

/* One /proc/diskstats line, the fields iostat uses. */
typedef struct xg_diskstat {
    unsigned major, minor;
    char name[64];
    uint64_t rd_ios, rd_merges, rd_sectors, rd_ticks;
    uint64_t wr_ios, wr_merges, wr_sectors, wr_ticks;
    uint64_t in_flight, io_ticks, rq_ticks;
} xg_diskstat;

/* Parses one line. 0, or -1 if it is not a diskstats line. */
int xg_diskstat_parse_line(const char *line, xg_diskstat *out);
/* True when <root>/sys/class/block/NAME/partition exists. */
bool xg_disk_is_partition(const char *name);
/* Name of block device MAJ:MIN from <root>/sys/dev/block/MAJ:MIN/uevent
 * (DEVNAME=), else "MAJ:MIN". */
void xg_disk_name(unsigned major, unsigned minor, char *buf, size_t len);

/* Which cgroup hierarchies are mounted, from /proc/mounts text: "cgroup
 * v1", "cgroup v2", "hybrid v1+v2" (both kinds), NULL for neither. */
const char *xg_cgroup_mode_parse(const char *mounts);
/* The same of <root>/proc/mounts (its first 64 KiB); NULL when it cannot
 * be read. */
const char *xg_cgroup_mode(void);

#endif

/* cgroup_parse.h — private to the cgroup platform: the pure parsers of the
 * cgroup files' text (cpu.stat, cpuacct.*, cpu.pressure, v1 blkio.throttle.*,
 * v2 io.stat). No I/O, no allocation, no state: cgroup_files.c reads the
 * files, and the fuzz harnesses (fuzz/) call these directly. Every text is
 * NUL-terminated. */
#ifndef XG_CGROUP_PARSE_H
#define XG_CGROUP_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "platform/platform.h"

/* The char after the next '\n' at or after p, or NULL at the last line. */
const char *cg_next_line(const char *p);
/* "MAJ:MIN" at p: the char after it, or NULL. */
const char *cg_parse_devno(const char *p, unsigned *major, unsigned *minor);
/* Whether a "MAJ:MIN VALUE" rule file (blkio.throttle.*_bps_device) lists
 * the device. */
bool cg_has_rule(const char *text, unsigned major, unsigned minor);

/* v2 cpu.stat: usage_usec, user_usec, system_usec, throttled_usec into out
 * (ns), setting their have bits. */
void cg_parse_cpu_stat(const char *text, xg_cpu_counters *out);
/* v1 cpuacct.usage (one number, ns): usage. */
void cg_parse_cpuacct_usage(const char *text, xg_cpu_counters *out);
/* v1 cpuacct.stat "user N" / "system N" (USER_HZ ticks, clk_tck > 0). */
void cg_parse_cpuacct_stat(const char *text, long clk_tck,
                           xg_cpu_counters *out);
/* v1 cpu.stat: throttled_time (ns). */
void cg_parse_cpu_throttle(const char *text, xg_cpu_counters *out);
/* cpu.pressure: the "some" line's total= (µs) as wait. */
void cg_parse_cpu_pressure(const char *text, xg_cpu_counters *out);

/* One line of v1 blkio.throttle.io_service_bytes / io_serviced: 0 for
 * "MAJ:MIN Read N" (*rd true) or "MAJ:MIN Write N" (*rd false), -1 for any
 * other line (Sync, Async, Discard, Total, junk). */
int cg_parse_blkio_line(const char *line, unsigned *major, unsigned *minor,
                        bool *rd, uint64_t *v);
/* One line of v2 io.stat, after its "MAJ:MIN" (cg_parse_devno): the
 * rbytes=, wbytes=, rios=, wios= present are stored, the others left. */
void cg_parse_io_stat_line(const char *line, uint64_t *rd_bytes,
                           uint64_t *wr_bytes, uint64_t *rd_ios,
                           uint64_t *wr_ios);

#endif

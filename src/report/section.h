/* section.h — the report's per-family sections (each builds its part of
 * the model, model.h) and the helpers they share. */
#ifndef XG_SECTION_H
#define XG_SECTION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/options.h"
#include "core/schema.h"
#include "report/model.h"
#include "report/report.h"
#include "util/numfmt.h"
#include "core/store.h"

/* CSV: one long table, header
 *   scope,family,domain,device,metric,start_s,end_s,value,unit
 * scope "window" (the whole window, or the domain's own span) or "interval"
 * (tick k-1 .. k); start_s/end_s are seconds since tick 0. A figure that was
 * not measured has no row (in JSON it is null). The same metric names are
 * the keys of the JSON row objects.
 *
 * family cpu, device "" (each domain, host included):
 *   cpu_s s, cpu_pct %, user_pct %, sys_pct %, wait_pct %, steal_pct %,
 *   throttled_pct %            (100 % = one CPU)
 * family cpu, device "", host row only:
 *   busy_pct %                 Δusage / Δtotal * 100 (of all CPUs)
 *   unwatched_cpu_s s, unwatched_cpu_pct %   host usage not in any domain
 * family cpu, device "vcpuN":
 *   cpu_s s, cpu_pct %, wait_pct %
 * family disk, device "" (summed over the domain's devices):
 *   rd_mb_s MB/s, wr_mb_s MB/s, rd_iops IO/s, wr_iops IO/s, rd_mb MB, wr_mb MB
 * family disk, device = one device of a domain (the host excepted), when
 *   some device has a source other than cgroup blkio/io.stat (qemu: "qmp",
 *   "proc-io") or I/O times; in JSON under disk.device_window and
 *   disk.device_intervals, each row with its "source":
 *   the six above, and rd_await_ms ms, wr_await_ms ms   Δrd_time / Δrd_ios
 *   (0 without I/O; absent without time series)
 * family hostdisk, device = host device (iostat -x):
 *   rd_iops IO/s, wr_iops IO/s, rd_mb_s MB/s, wr_mb_s MB/s,
 *   rd_await_ms ms, wr_await_ms ms, aqu_sz req, util_pct %
 * family cache, device "" (the domain's sum) or, when recorded with
 *   --nosumcache, "user", "kernel", "hv" (one row per mode):
 *   references events, misses events, hits events (references - misses,
 *   0 when misses exceed references), miss_pct %   (the LLC pair), or
 *   <event> events per --cache-events event (task-clock and cpu-clock in
 *   s; the host's are every CPU's whole time, idle included, and each
 *   --nosumcache mode row has their total: the text says so in a line),
 *   then running_pct %   time_running / time_enabled * 100 (below 100
 *   when the kernel multiplexed the counters; counts are scaled up by it)
 *   A domain without counters has no cache rows (JSON: a window row of
 *   nulls); why is in meta "note.cache".
 * family cmt, device "" (xen, with Xen CMT/MBM; JSON key "cmt" with its
 *   "note"): llc_occupancy_kib KiB (mean over the scope; at tick k for an
 *   interval), llc_occupancy_max_kib KiB, mem_mb_s MB/s, mem_mb MB,
 *   mem_local_mb_s MB/s, mem_local_mb MB
 * family net, always the domain's view (rx = what the domain received;
 *   a Xen vif's or a tap's counters as dom0/the host sees them are swapped
 *   by the platform), device "" (each domain but the host, summed over its
 *   interfaces) or an interface (every domain; the host's are those of
 *   <root>/proc/net/dev but lo, less the never-used ones, counted in JSON
 *   net.idle_not_shown; the host has no "" row). In JSON the domains' rows
 *   are net.window / net.intervals, the interfaces' net.device_window /
 *   net.device_intervals, each with its "source" ("proc-net-dev",
 *   "netns", "tap", "vif"):
 *   rx_mb_s MB/s, tx_mb_s MB/s, rx_pkt_s packets/s, tx_pkt_s packets/s,
 *   rx_mb MB, tx_mb MB, rx_packets packets, tx_packets packets,
 *   rx_drops packets, tx_drops packets, rx_errors packets,
 *   tx_errors packets   (drops and errors where the platform counts them)
 *   A domain without interfaces has no net rows (JSON: a window row of
 *   nulls); why, when the platform knows, is in meta "note.net".
 * MB = 1048576 bytes. */

extern const xg_section xg_section_cpu;
extern const xg_section xg_section_disk;
extern const xg_section xg_section_net;
extern const xg_section xg_section_cache;
extern const xg_section xg_section_cmt;
extern const xg_section xg_section_sched;

/* header.c: the header's lines and tables (host, platform, times, command,
 * workloads, overhead...) into ms; 0 or -1. And the JSON keys meta,
 * partial, window, domains and workloads (0 or -1): the store's own data,
 * not figures, so the JSON renderer takes them as they are. */
int xg_header_build(xg_msection *ms, const xg_store *s);
int xg_header_json(const xg_store *s, json_t *root);

/* report.c helpers. */
/* Walks domains for display: non-host in store order, then the host(s).
 * Start with *pos = 0; false at the end. */
bool xg_dom_next(const xg_store *s, size_t *pos, uint32_t *dom);
/* Index of the first host domain, or -1. */
int64_t xg_dom_host(const xg_store *s);
/* Start and end (seconds since tick 0) of scope k for the domain: its span
 * for the window (the window when it has none), the interval otherwise. */
void xg_scope_times(const xg_store *s, uint32_t dom, uint32_t k,
                    double *start_s, double *end_s);
/* A JSON string (bytes that are not valid UTF-8 become '?'), or null for
 * NULL. */
json_t *xg_json_str(const char *v);
/* The workloads' output (output.c): header lines into ms, and one stream
 * of w as JSON (null when it wrote nothing). */
int xg_output_lines(xg_msection *ms, const xg_store *s);
json_t *xg_output_json(const xg_workload *w, int k);
/* Gives each row of t the indexes of its n series ids (on the row's
 * device; -1: absent), found once into t->owned, as the row's priv
 * (int64_t[n]). 0 or -1 (ENOMEM). */
int xg_index_rows(xg_mtable *t, const xg_sid *ids, size_t n);
/* A JSON number, or null when v is not finite. */
json_t *xg_json_num(double v);
/* Appends obj to arr (stealing it); -1 when either is NULL or on ENOMEM. */
int xg_json_push(json_t *arr, json_t *obj);

#endif

/* iostat.h — the arithmetic iostat -x does on /proc/diskstats deltas, and
 * the one rule for counters that go down (wrap or device reset). */
#ifndef XG_IOSTAT_H
#define XG_IOSTAT_H

#include <stdint.h>

/* new - old for a cumulative counter. A counter that goes down is a 32-bit
 * wrap when old fits in 32 bits and the wrapped step is the shorter one
 * (delta = new + 2^32 - old); otherwise it is a reset and counts from a zero
 * baseline (delta = new). Never negative. */
uint64_t xg_counter_delta(uint64_t old_v, uint64_t new_v);

/* Deltas of the diskstats fields over one interval. */
typedef struct xg_diskstat_delta {
    uint64_t rd_ios, rd_sectors, rd_ticks;
    uint64_t wr_ios, wr_sectors, wr_ticks;
    uint64_t io_ticks, rq_ticks; /* ms */
} xg_diskstat_delta;

typedef struct xg_iostat {
    double r_s, w_s;       /* completed reads/writes per second */
    double rmb_s, wmb_s;   /* sectors / 2048 per second */
    double r_await, w_await; /* ms per I/O; 0 when there was none */
    double aqu_sz;         /* Δrq_ticks / interval_ms */
    double util;           /* Δio_ticks / interval_ms * 100, at most 100 */
} xg_iostat;

/* interval_s > 0. */
void xg_iostat_compute(const xg_diskstat_delta *d, double interval_s,
                       xg_iostat *out);

#endif

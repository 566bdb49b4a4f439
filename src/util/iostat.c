/* iostat.c — counter deltas (wrap/reset) and the iostat -x arithmetic. */
#include "util/iostat.h"

uint64_t xg_counter_delta(uint64_t old_v, uint64_t new_v)
{
    const uint64_t span = (uint64_t)1 << 32;

    if (new_v >= old_v)
        return new_v - old_v;
    /* Went down: a 32-bit wrap if going forward round the 32-bit circle is
     * shorter than the step back; anything else is a reset. */
    if (old_v < span && new_v + span - old_v < old_v - new_v)
        return new_v + span - old_v;
    return new_v;
}

static double per_io(uint64_t ticks, uint64_t ios)
{
    return ios ? (double)ticks / (double)ios : 0.0;
}

void xg_iostat_compute(const xg_diskstat_delta *d, double interval_s,
                       xg_iostat *out)
{
    double ms = interval_s * 1000.0;

    out->r_s = (double)d->rd_ios / interval_s;
    out->w_s = (double)d->wr_ios / interval_s;
    out->rmb_s = (double)d->rd_sectors / 2048.0 / interval_s;
    out->wmb_s = (double)d->wr_sectors / 2048.0 / interval_s;
    out->r_await = per_io(d->rd_ticks, d->rd_ios);
    out->w_await = per_io(d->wr_ticks, d->wr_ios);
    out->aqu_sz = (double)d->rq_ticks / ms;
    out->util = (double)d->io_ticks / ms * 100.0;
    if (out->util > 100.0)
        out->util = 100.0;
}

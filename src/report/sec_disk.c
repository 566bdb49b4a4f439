/* sec_disk.c — DISK section: per-domain throughput, each domain's devices
 * (when a platform gives more than cgroup blkio/io.stat: QMP, /proc/PID/io),
 * host devices (iostat -x, JSON object "hostdisk"). Each row keeps the
 * indexes of its series, found once, so the fill functions look nothing up
 * by name. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/calc.h"
#include "report/section.h"
#include "util/iostat.h"

#define MB 1048576.0

/* The "disk" counters: a domain's rows sum the first four over its
 * devices; a device's rows take all six. */
enum { M_RB, M_WB, M_RI, M_WI, M_RT, M_WT, M_N };
#define M_SUMS 4
static const xg_sid disk_ids[M_N] = {
    XG_S_DISK_RD_BYTES, XG_S_DISK_WR_BYTES, XG_S_DISK_RD_IOS,
    XG_S_DISK_WR_IOS, XG_S_DISK_RD_TIME, XG_S_DISK_WR_TIME,
};

/* Columns of a domain's row; a device's row adds the two awaits. */
enum { D_RD_MBS, D_WR_MBS, D_RD_IOPS, D_WR_IOPS, D_RD_MB, D_WR_MB, D_N };
enum { E_RD_AWAIT = D_N, E_WR_AWAIT, E_N };

static const xg_col disk_cols[D_N] = {
    {"rd_mb_s", "MB/s", "rd MB/s", 2, XG_COL_PLOT},
    {"wr_mb_s", "MB/s", "wr MB/s", 2, XG_COL_PLOT},
    {"rd_iops", "IO/s", "rd IO/s", 2, 0},
    {"wr_iops", "IO/s", "wr IO/s", 2, 0},
    {"rd_mb", "MB", "MB read", 2, 0},
    {"wr_mb", "MB", "MB written", 2, 0},
};

static const xg_col ddev_cols[E_N] = {
    {"rd_mb_s", "MB/s", "rd MB/s", 2, XG_COL_PLOT},
    {"wr_mb_s", "MB/s", "wr MB/s", 2, XG_COL_PLOT},
    {"rd_iops", "IO/s", "rd IO/s", 2, 0},
    {"wr_iops", "IO/s", "wr IO/s", 2, 0},
    {"rd_mb", "MB", NULL, 2, 0},
    {"wr_mb", "MB", NULL, 2, 0},
    {"rd_await_ms", "ms", "r_await ms", 2, 0},
    {"wr_await_ms", "ms", "w_await ms", 2, 0},
};

/* The "hostdisk" counters (/proc/diskstats) and the iostat -x columns. */
enum { RI, RS, RT, WI, WS, WT, IO, RQ, NF };
static const xg_sid host_ids[NF] = {
    XG_S_HOSTDISK_RD_IOS, XG_S_HOSTDISK_RD_SECTORS, XG_S_HOSTDISK_RD_TICKS,
    XG_S_HOSTDISK_WR_IOS, XG_S_HOSTDISK_WR_SECTORS, XG_S_HOSTDISK_WR_TICKS,
    XG_S_HOSTDISK_IO_TICKS, XG_S_HOSTDISK_RQ_TICKS,
};
enum { H_RD_IOPS, H_WR_IOPS, H_RD_MBS, H_WR_MBS, H_RD_AWAIT, H_WR_AWAIT,
       H_AQU, H_UTIL, H_N };

static const xg_col host_cols[H_N] = {
    {"rd_iops", "IO/s", "r/s", 2, 0},
    {"wr_iops", "IO/s", "w/s", 2, 0},
    {"rd_mb_s", "MB/s", "rMB/s", 2, XG_COL_PLOT},
    {"wr_mb_s", "MB/s", "wMB/s", 2, XG_COL_PLOT},
    {"rd_await_ms", "ms", "r_await", 2, 0},
    {"wr_await_ms", "ms", "w_await", 2, 0},
    {"aqu_sz", "req", "aqu-sz", 2, 0},
    {"util_pct", "%", "%util", 2, XG_COL_PLOT},
};

/* A domain row's series: for each summed counter, the list of its
 * devices' series. */
typedef struct dsum {
    const uint32_t *ix[M_SUMS];
    uint32_t n[M_SUMS];
} dsum;

/* Throughput and totals from the deltas x and their seconds. */
static void rates(double *v, const double *x, const double *secs)
{
    double rb = x[M_RB] / MB, wb = x[M_WB] / MB;
    v[D_RD_MBS] = xg_calc_ratio(rb, secs[M_RB]);
    v[D_WR_MBS] = xg_calc_ratio(wb, secs[M_WB]);
    v[D_RD_IOPS] = xg_calc_ratio(x[M_RI], secs[M_RI]);
    v[D_WR_IOPS] = xg_calc_ratio(x[M_WI], secs[M_WI]);
    v[D_RD_MB] = rb;
    v[D_WR_MB] = wb;
}

/* A domain over scope k, summed over its "disk" devices. */
static void disk_fill(const xg_mtable *t, const xg_row *row, uint32_t k,
                      double *v, double *a, double *b)
{
    const dsum *d = row->priv;
    double x[M_SUMS], secs[M_SUMS];
    for (int m = 0; m < M_SUMS; m++)
        x[m] = xg_calc_sum_idx(t->s, row->dom, d->ix[m], d->n[m], k, &secs[m]);
    rates(v, x, secs);
    xg_scope_times(t->s, row->dom, k, a, b);
}

/* Mean ms per I/O from Δtime (ns) and ΔI/Os: 0 without I/O, NaN when
 * either is not measured. */
static double await_ms(double t, double n)
{
    if (!isfinite(t) || !isfinite(n))
        return NAN;
    return n > 0 ? t / 1e6 / n : 0;
}

/* One device of a domain over scope k: throughput, I/Os and (QMP) the mean
 * time per I/O, Δrd_time / Δrd_ios in ms (NaN without the time series). */
static void ddev_fill(const xg_mtable *t, const xg_row *row, uint32_t k,
                      double *v, double *a, double *b)
{
    const int64_t *ix = row->priv;
    double x[M_N], secs[M_N];
    for (int m = 0; m < M_N; m++)
        x[m] = xg_calc_delta_idx(t->s, ix[m], k, &secs[m]);
    rates(v, x, secs);
    v[E_RD_AWAIT] = await_ms(x[M_RT], x[M_RI]);
    v[E_WR_AWAIT] = await_ms(x[M_WT], x[M_WI]);
    xg_scope_times(t->s, row->dom, k, a, b);
}

/* iostat -x for one host device over scope k; NaN where an input is absent. */
static void host_fill(const xg_mtable *t, const xg_row *row, uint32_t k,
                      double *v, double *a, double *b)
{
    const int64_t *ix = row->priv;
    double d[NF], secs = 0;
    for (int i = 0; i < NF; i++) {
        double s;
        d[i] = xg_calc_delta_idx(t->s, ix[i], k, &s);
        if (isfinite(d[i]) && s > secs)
            secs = s;
    }
#define Z(i) (isfinite(d[i]) ? (uint64_t)d[i] : 0)
    xg_diskstat_delta dd = {Z(RI), Z(RS), Z(RT), Z(WI), Z(WS), Z(WT), Z(IO), Z(RQ)};
#undef Z
    xg_iostat io = {0};
    if (secs > 0)
        xg_iostat_compute(&dd, secs, &io);
#define V(ok, x) (secs > 0 && (ok) ? (x) : NAN)
#define F(i) isfinite(d[i])
    v[H_RD_IOPS] = V(F(RI), io.r_s);
    v[H_WR_IOPS] = V(F(WI), io.w_s);
    v[H_RD_MBS] = V(F(RS), io.rmb_s);
    v[H_WR_MBS] = V(F(WS), io.wmb_s);
    v[H_RD_AWAIT] = V(F(RI) && F(RT), io.r_await);
    v[H_WR_AWAIT] = V(F(WI) && F(WT), io.w_await);
    v[H_AQU] = V(F(RQ), io.aqu_sz);
    v[H_UTIL] = V(F(IO), io.util);
#undef V
#undef F
    xg_scope_times(t->s, row->dom, k, a, b);
}

/* Gives each domain row of t the lists of its "disk" series per summed
 * counter (every device's, "" included). 0 or -1. */
static int index_sums(xg_mtable *t)
{
    const xg_store *s = t->s;
    size_t nr = t->n_rows ? t->n_rows : 1;
    dsum *ds = malloc(nr * sizeof(*ds) + (s->n_series + 1) * sizeof(uint32_t));
    if (!ds)
        return -1;
    t->owned = ds;
    uint32_t *ix = (uint32_t *)(ds + nr);
    size_t used = 0;
    for (size_t r = 0; r < t->n_rows; r++) {
        for (int m = 0; m < M_SUMS; m++) {
            ds[r].ix[m] = ix + used;
            ds[r].n[m] = 0;
            for (size_t i = 0; i < s->n_series; i++) {
                const xg_series *x = &s->series[i];
                if (x->domain != t->rows[r].dom || !xg_calc_is(x, disk_ids[m]))
                    continue;
                ix[used++] = (uint32_t)i;
                ds[r].n[m]++;
            }
        }
        t->rows[r].priv = &ds[r];
    }
    return 0;
}

static bool is_disk(const xg_series *x)
{
    return xg_calc_of_family(x, XG_S_DISK_RD_BYTES) && x->device &&
           *x->device;
}

/* Whether the per-device table applies: some domain's device has a source
 * other than cgroup blkio/io.stat, or I/O times. Else (cgroup platform)
 * the per-domain table says it all. */
static bool show_ddevs(const xg_store *s)
{
    for (size_t i = 0; i < s->n_series; i++) {
        const xg_series *x = &s->series[i];
        if (x->domain >= s->n_domains || s->domains[x->domain].is_host ||
            !is_disk(x))
            continue;
        if ((x->source && strcmp(x->source, "blkio") != 0 &&
             strcmp(x->source, "io.stat") != 0) ||
            xg_calc_is(x, XG_S_DISK_RD_TIME) || xg_calc_is(x, XG_S_DISK_WR_TIME))
            return true;
    }
    return false;
}

/* The domain's devices in store order, each with the first source its
 * series name, as rows of t. 0 or -1. */
static int ddev_rows(xg_mtable *t, const xg_store *s, uint32_t dom)
{
    size_t first = t->n_rows;
    for (size_t i = 0; i < s->n_series; i++) {
        const xg_series *x = &s->series[i];
        size_t j = first;
        if (x->domain != dom || !is_disk(x))
            continue;
        while (j < t->n_rows && strcmp(t->rows[j].device, x->device) != 0)
            j++;
        if (j < t->n_rows) {
            if (!t->rows[j].source)
                t->rows[j].source = x->source;
        } else if (xg_mtable_row(t, dom, x->device, x->source, 0, NULL) < 0) {
            return -1;
        }
    }
    return 0;
}

/* Never used over the window: every counter zero at its first sample and
 * unchanged since (loop devices and the like). */
static bool dev_idle(const xg_store *s, uint32_t host, const char *dev)
{
    for (size_t i = 0; i < s->n_series; i++) {
        const xg_series *x = &s->series[i];
        if (x->domain != host || !xg_calc_of_family(x, XG_S_HOSTDISK_RD_IOS) ||
            !x->device || strcmp(x->device, dev))
            continue;
        xg_win w;
        xg_calc_series(s, (uint32_t)i, &w);
        if ((w.first != XG_NOVALUE && w.first != 0) || w.delta != 0)
            return false;
    }
    return true;
}

/* Whether an earlier series than i is of the same host device. */
static bool dev_seen(const xg_store *s, size_t i)
{
    const xg_series *x = &s->series[i];
    for (size_t j = 0; j < i; j++) {
        const xg_series *y = &s->series[j];
        if (y->domain == x->domain && y->device &&
            xg_calc_of_family(y, XG_S_HOSTDISK_RD_IOS) &&
            strcmp(y->device, x->device) == 0)
            return true;
    }
    return false;
}

/* The host devices to show as rows of t, in store order; counts the ones
 * hidden: never used, or partitions (without --partitions). 0 or -1. */
static int host_rows(xg_mtable *t, const xg_store *s, const xg_report_opts *o,
                     int *idle, int *parts)
{
    const char *plist = xg_store_meta_get(s, "hostdisk_partitions");
    *idle = *parts = 0;
    for (size_t i = 0; i < s->n_series; i++) {
        const xg_series *x = &s->series[i];
        if (x->domain >= s->n_domains || !s->domains[x->domain].is_host ||
            !xg_calc_of_family(x, XG_S_HOSTDISK_RD_IOS) || !x->device ||
            dev_seen(s, i))
            continue;
        if (!o->partitions && xg_calc_in_list(plist, " \t", x->device))
            (*parts)++;
        else if (dev_idle(s, x->domain, x->device))
            (*idle)++;
        else if (xg_mtable_row(t, x->domain, x->device, NULL, 0, NULL) < 0)
            return -1;
    }
    return xg_index_rows(t, host_ids, NF);
}

/* Per-domain table: every domain, the host(s) last. */
static int domain_table(xg_msection *ms, const xg_store *s)
{
    xg_mtable *t = xg_msection_table(ms, s, "disk", "", "DISK (MB = 1048576 bytes)",
                                     disk_cols, D_N, disk_fill);
    size_t pos = 0;
    uint32_t dom;
    int rc = t ? 0 : -1;
    if (!rc)
        t->flags = XG_TAB_SPAN | XG_TAB_KEEP_EMPTY;
    while (!rc && xg_dom_next(s, &pos, &dom))
        rc = xg_mtable_row(t, dom, "", NULL, 0, NULL);
    return rc ? rc : index_sums(t);
}

/* Each domain's devices (the host's excepted), when they say more than the
 * domain's row; JSON has disk.device_window/intervals either way. */
static int ddev_table(xg_msection *ms, const xg_store *s)
{
    xg_mtable *t = xg_msection_table(ms, s, "disk", "device_", "domain devices",
                                     ddev_cols, E_N, ddev_fill);
    size_t pos = 0;
    uint32_t dom;
    int rc = t ? 0 : -1;
    if (rc)
        return rc;
    t->device_label = "device";
    t->flags = XG_TAB_KEEP_EMPTY | XG_TAB_SOURCE | XG_TAB_SOURCE_COL;
    bool show = show_ddevs(s);
    while (!rc && show && xg_dom_next(s, &pos, &dom))
        if (!s->domains[dom].is_host)
            rc = ddev_rows(t, s, dom);
    return rc ? rc : xg_index_rows(t, disk_ids, M_N);
}

/* Host devices (JSON object "hostdisk"), then how many are not shown. */
static int host_table(xg_msection *ms, const xg_store *s, const xg_report_opts *o)
{
    xg_mtable *t = xg_msection_table(ms, s, "hostdisk", "", "host devices",
                                     host_cols, H_N, host_fill);
    int idle, parts;
    if (!t)
        return -1;
    t->json_key = "hostdisk";
    t->device_label = "device";
    /* one host: the device alone; a fleet's: whose (HOST/host) */
    t->flags = (s->multi_host ? 0 : XG_TAB_NO_DOMAIN) | XG_TAB_KEEP_EMPTY;
    if (host_rows(t, s, o, &idle, &parts) < 0)
        return -1;
    /* hidden devices alone still get the title */
    if (idle || parts)
        t->flags |= XG_TAB_TITLE_ALONE;
    int rc = 0;
    if (idle)
        rc = xg_msection_line(ms, "%d idle device%s not shown", idle,
                              idle == 1 ? "" : "s");
    if (!rc && parts)
        rc = xg_msection_line(ms, "%d partition%s not shown (--partitions shows them)",
                              parts, parts == 1 ? "" : "s");
    rc = rc ? rc : xg_msection_fact_int(ms, "hostdisk", "idle_not_shown", idle);
    return rc ? rc : xg_msection_fact_int(ms, "hostdisk", "partitions_not_shown", parts);
}

static int disk_build(xg_msection *ms, const xg_store *s, const xg_report_opts *o)
{
    if (domain_table(ms, s) < 0 || ddev_table(ms, s) < 0)
        return -1;
    return host_table(ms, s, o);
}

const xg_section xg_section_disk = {"disk", "disk", disk_build};

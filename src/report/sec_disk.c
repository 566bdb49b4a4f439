/* sec_disk.c — DISK section: per-domain throughput, each domain's devices
 * (when a platform gives more than cgroup blkio/io.stat: QMP, /proc/PID/io),
 * host devices (iostat -x). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/calc.h"
#include "report/section.h"
#include "util/iostat.h"
#include "util/table.h"

#define MB 1048576.0

enum { D_RD_MBS, D_WR_MBS, D_RD_IOPS, D_WR_IOPS, D_RD_MB, D_WR_MB, D_N };
enum { E_RD_MBS, E_WR_MBS, E_RD_IOPS, E_WR_IOPS, E_RD_MB, E_WR_MB,
       E_RD_AWAIT, E_WR_AWAIT, E_N };
enum { H_RD_IOPS, H_WR_IOPS, H_RD_MBS, H_WR_MBS, H_RD_AWAIT, H_WR_AWAIT,
       H_AQU, H_UTIL, H_N };

/* The domain's figures over scope k, summed over its "disk" devices. */
static void disk_vals(const xg_store *s, uint32_t dom, uint32_t k, xg_mval *v)
{
    double srb, swb, sri, swi;
    double rb = xg_calc_sum_at(s, dom, "disk", "rd_bytes", k, &srb) / MB;
    double wb = xg_calc_sum_at(s, dom, "disk", "wr_bytes", k, &swb) / MB;
    double ri = xg_calc_sum_at(s, dom, "disk", "rd_ios", k, &sri);
    double wi = xg_calc_sum_at(s, dom, "disk", "wr_ios", k, &swi);
    v[D_RD_MBS] = (xg_mval){"rd_mb_s", "MB/s", xg_calc_ratio(rb, srb)};
    v[D_WR_MBS] = (xg_mval){"wr_mb_s", "MB/s", xg_calc_ratio(wb, swb)};
    v[D_RD_IOPS] = (xg_mval){"rd_iops", "IO/s", xg_calc_ratio(ri, sri)};
    v[D_WR_IOPS] = (xg_mval){"wr_iops", "IO/s", xg_calc_ratio(wi, swi)};
    v[D_RD_MB] = (xg_mval){"rd_mb", "MB", rb};
    v[D_WR_MB] = (xg_mval){"wr_mb", "MB", wb};
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
 * time per I/O: Δrd_time / Δrd_ios in ms (0 without I/O, NaN without the
 * time series). */
static void ddev_vals(const xg_store *s, uint32_t dom, const char *dev,
                      uint32_t k, xg_mval *v)
{
    double srb, swb, sri, swi, srt, swt;
    double rb = xg_calc_delta_at(s, dom, "disk", dev, "rd_bytes", k, &srb) / MB;
    double wb = xg_calc_delta_at(s, dom, "disk", dev, "wr_bytes", k, &swb) / MB;
    double ri = xg_calc_delta_at(s, dom, "disk", dev, "rd_ios", k, &sri);
    double wi = xg_calc_delta_at(s, dom, "disk", dev, "wr_ios", k, &swi);
    double rt = xg_calc_delta_at(s, dom, "disk", dev, "rd_time", k, &srt);
    double wt = xg_calc_delta_at(s, dom, "disk", dev, "wr_time", k, &swt);
    v[E_RD_MBS] = (xg_mval){"rd_mb_s", "MB/s", xg_calc_ratio(rb, srb)};
    v[E_WR_MBS] = (xg_mval){"wr_mb_s", "MB/s", xg_calc_ratio(wb, swb)};
    v[E_RD_IOPS] = (xg_mval){"rd_iops", "IO/s", xg_calc_ratio(ri, sri)};
    v[E_WR_IOPS] = (xg_mval){"wr_iops", "IO/s", xg_calc_ratio(wi, swi)};
    v[E_RD_MB] = (xg_mval){"rd_mb", "MB", rb};
    v[E_WR_MB] = (xg_mval){"wr_mb", "MB", wb};
    v[E_RD_AWAIT] = (xg_mval){"rd_await_ms", "ms", await_ms(rt, ri)};
    v[E_WR_AWAIT] = (xg_mval){"wr_await_ms", "ms", await_ms(wt, wi)};
}

static bool is_disk(const xg_series *x)
{
    return x->family && strcmp(x->family, "disk") == 0 && x->device &&
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
            (x->metric && (strcmp(x->metric, "rd_time") == 0 ||
                           strcmp(x->metric, "wr_time") == 0)))
            return true;
    }
    return false;
}

typedef struct ddev { const char *dev, *source; } ddev;

/* The domain's devices in store order, with their source (malloc'd,
 * borrowed strings); NULL and *n = 0 when none. */
static ddev *ddevs_of(const xg_store *s, uint32_t dom, size_t *n)
{
    ddev *v = NULL;

    *n = 0;
    for (size_t i = 0; i < s->n_series; i++) {
        const xg_series *x = &s->series[i];
        size_t j = 0;
        if (x->domain != dom || !is_disk(x))
            continue;
        while (j < *n && strcmp(v[j].dev, x->device) != 0)
            j++;
        if (j < *n) {
            if (!v[j].source)
                v[j].source = x->source;
            continue;
        }
        if (!v && !(v = malloc(s->n_series * sizeof(*v))))
            return NULL;
        v[(*n)++] = (ddev){x->device, x->source};
    }
    return v;
}

/* iostat -x for one host device over scope k; NaN where an input is absent. */
static void dev_vals(const xg_store *s, uint32_t host, const char *dev,
                     uint32_t k, xg_mval *v)
{
    enum { RI, RS, RT, WI, WS, WT, IO, RQ, NF };
    static const char *const f[NF] = {"rd_ios", "rd_sectors", "rd_ticks",
        "wr_ios", "wr_sectors", "wr_ticks", "io_ticks", "rq_ticks"};
    double d[NF], secs = 0;
    for (int i = 0; i < NF; i++) {
        double t;
        d[i] = xg_calc_delta_at(s, host, "hostdisk", dev, f[i], k, &t);
        if (isfinite(d[i]) && t > secs)
            secs = t;
    }
#define Z(i) (isfinite(d[i]) ? (uint64_t)d[i] : 0)
    xg_diskstat_delta dd = {Z(RI), Z(RS), Z(RT), Z(WI), Z(WS), Z(WT), Z(IO), Z(RQ)};
#undef Z
    xg_iostat io = {0};
    if (secs > 0)
        xg_iostat_compute(&dd, secs, &io);
#define V(ok, x) (secs > 0 && (ok) ? (x) : NAN)
#define F(i) isfinite(d[i])
    v[H_RD_IOPS] = (xg_mval){"rd_iops", "IO/s", V(F(RI), io.r_s)};
    v[H_WR_IOPS] = (xg_mval){"wr_iops", "IO/s", V(F(WI), io.w_s)};
    v[H_RD_MBS] = (xg_mval){"rd_mb_s", "MB/s", V(F(RS), io.rmb_s)};
    v[H_WR_MBS] = (xg_mval){"wr_mb_s", "MB/s", V(F(WS), io.wmb_s)};
    v[H_RD_AWAIT] = (xg_mval){"rd_await_ms", "ms", V(F(RI) && F(RT), io.r_await)};
    v[H_WR_AWAIT] = (xg_mval){"wr_await_ms", "ms", V(F(WI) && F(WT), io.w_await)};
    v[H_AQU] = (xg_mval){"aqu_sz", "req", V(F(RQ), io.aqu_sz)};
    v[H_UTIL] = (xg_mval){"util_pct", "%", V(F(IO), io.util)};
#undef V
#undef F
}

/* Never used over the window: every counter zero at its first sample and
 * unchanged since (loop devices and the like). */
static bool dev_idle(const xg_store *s, uint32_t host, const char *dev)
{
    for (size_t i = 0; i < s->n_series; i++) {
        const xg_series *x = &s->series[i];
        if (x->domain != host || !x->family || strcmp(x->family, "hostdisk") ||
            !x->device || strcmp(x->device, dev))
            continue;
        xg_win w;
        xg_calc_series(s, (uint32_t)i, &w);
        if ((w.first != XG_NOVALUE && w.first != 0) || w.delta != 0)
            return false;
    }
    return true;
}

typedef struct hdev { uint32_t host; const char *dev; } hdev;
typedef struct hdevs { hdev *v; size_t n; int idle, parts; } hdevs;

/* The host devices to show, and how many were hidden and why. */
static void host_devs(const xg_store *s, const xg_report_opts *o, hdevs *out)
{
    const char *parts = xg_store_meta_get(s, "hostdisk_partitions");
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < s->n_series; i++) {
        const xg_series *x = &s->series[i];
        if (x->domain >= s->n_domains || !s->domains[x->domain].is_host ||
            !x->family || strcmp(x->family, "hostdisk") || !x->device)
            continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++) {
            const xg_series *y = &s->series[j];
            seen = y->domain == x->domain && y->family && y->device &&
                   strcmp(y->family, "hostdisk") == 0 &&
                   strcmp(y->device, x->device) == 0;
        }
        if (seen)
            continue;
        if (!o->partitions && xg_calc_in_list(parts, " \t", x->device)) {
            out->parts++;
        } else if (dev_idle(s, x->domain, x->device)) {
            out->idle++;
        } else {
            if (!out->v && !(out->v = malloc(s->n_series * sizeof(*out->v))))
                return;
            out->v[out->n++] = (hdev){x->domain, x->device};
        }
    }
}

static void domains_text(const xg_store *s, FILE *out)
{
    static const char *const hdr[] = {"domain", "rd MB/s", "wr MB/s",
        "rd IO/s", "wr IO/s", "MB read", "MB written", "span s"};
    xg_table *t = xg_table_new(8, hdr, "lrrrrrrr");
    if (!t)
        return;
    size_t pos = 0;
    uint32_t dom;
    while (xg_dom_next(s, &pos, &dom)) {
        xg_mval v[D_N];
        char c[D_N][32], span[64];
        disk_vals(s, dom, 0, v);
        for (int i = 0; i < D_N; i++)
            xg_fmt_num(c[i], 32, v[i].value, 2);
        const char *row[] = {s->domains[dom].name, c[0], c[1], c[2], c[3],
                             c[4], c[5], xg_calc_span_text(s, dom, span, sizeof(span))};
        xg_table_add(t, row);
    }
    xg_title(out, "DISK (MB = 1048576 bytes)");
    xg_table_print(t, out);
    xg_table_free(t);
}

static void ddevs_text(const xg_store *s, FILE *out)
{
    static const char *const hdr[] = {"domain", "device", "source",
        "rd MB/s", "wr MB/s", "rd IO/s", "wr IO/s", "r_await ms",
        "w_await ms"};
    xg_table *t;
    size_t pos = 0;
    uint32_t dom;

    if (!show_ddevs(s) || !(t = xg_table_new(9, hdr, "lllrrrrrr")))
        return;
    while (xg_dom_next(s, &pos, &dom)) {
        size_t n;
        ddev *dv;
        if (s->domains[dom].is_host || !(dv = ddevs_of(s, dom, &n)))
            continue;
        for (size_t i = 0; i < n; i++) {
            xg_mval v[E_N];
            char c[E_N][32];
            ddev_vals(s, dom, dv[i].dev, 0, v);
            for (int j = 0; j < E_N; j++)
                xg_fmt_num(c[j], 32, v[j].value, 2);
            const char *row[] = {s->domains[dom].name, dv[i].dev,
                                 dv[i].source ? dv[i].source : "-",
                                 c[E_RD_MBS], c[E_WR_MBS], c[E_RD_IOPS],
                                 c[E_WR_IOPS], c[E_RD_AWAIT], c[E_WR_AWAIT]};
            xg_table_add(t, row);
        }
        free(dv);
    }
    xg_title(out, "domain devices");
    xg_table_print(t, out);
    xg_table_free(t);
}

static void hostdisk_text(const xg_store *s, const xg_report_opts *o, FILE *out)
{
    static const char *const hdr[] = {"device", "r/s", "w/s", "rMB/s",
        "wMB/s", "r_await", "w_await", "aqu-sz", "%util"};
    hdevs hd;
    host_devs(s, o, &hd);
    if (hd.n + (size_t)hd.idle + (size_t)hd.parts == 0)
        return;
    xg_title(out, "host devices");
    xg_table *t = xg_table_new(9, hdr, "lrrrrrrrr");
    for (size_t i = 0; t && i < hd.n; i++) {
        xg_mval v[H_N];
        char c[H_N][32];
        dev_vals(s, hd.v[i].host, hd.v[i].dev, 0, v);
        for (int j = 0; j < H_N; j++)
            xg_fmt_num(c[j], 32, v[j].value, 2);
        const char *row[] = {hd.v[i].dev, c[0], c[1], c[2], c[3], c[4],
                             c[5], c[6], c[7]};
        xg_table_add(t, row);
    }
    if (t && hd.n)
        xg_table_print(t, out);
    xg_table_free(t);
    if (hd.idle)
        fprintf(out, "%d idle device%s not shown\n", hd.idle, hd.idle == 1 ? "" : "s");
    if (hd.parts)
        fprintf(out, "%d partition%s not shown (--partitions shows them)\n",
                hd.parts, hd.parts == 1 ? "" : "s");
    free(hd.v);
}

static void disk_text(const xg_store *s, const xg_report_opts *o, FILE *out)
{
    domains_text(s, out);
    ddevs_text(s, out);
    hostdisk_text(s, o, out);
}

static void disk_csv(const xg_store *s, const xg_report_opts *o, uint32_t k,
                     FILE *out)
{
    size_t pos = 0;
    uint32_t dom;
    bool devs = show_ddevs(s);
    while (xg_dom_next(s, &pos, &dom)) {
        xg_mval v[D_N], e[E_N];
        double a, b;
        size_t n = 0;
        disk_vals(s, dom, k, v);
        xg_scope_times(s, dom, k, &a, &b);
        xg_csv_rows(out, k, "disk", s->domains[dom].name, "", a, b, v, D_N);
        ddev *dv = devs && !s->domains[dom].is_host ? ddevs_of(s, dom, &n)
                                                    : NULL;
        for (size_t i = 0; i < n; i++) {
            ddev_vals(s, dom, dv[i].dev, k, e);
            xg_csv_rows(out, k, "disk", s->domains[dom].name, dv[i].dev, a,
                        b, e, E_N);
        }
        free(dv);
    }
    hdevs hd;
    host_devs(s, o, &hd);
    for (size_t i = 0; i < hd.n; i++) {
        xg_mval v[H_N];
        double a, b;
        dev_vals(s, hd.v[i].host, hd.v[i].dev, k, v);
        xg_scope_times(s, hd.v[i].host, k, &a, &b);
        xg_csv_rows(out, k, "hostdisk", s->domains[hd.v[i].host].name,
                    hd.v[i].dev, a, b, v, H_N);
    }
    free(hd.v);
}

/* The domain's device rows of scope k (with their "source") into drows. */
static int ddevs_json(const xg_store *s, uint32_t dom, uint32_t k, double a,
                      double b, json_t *drows)
{
    size_t n;
    ddev *dv = ddevs_of(s, dom, &n);
    int rc = 0;

    for (size_t i = 0; i < n && !rc; i++) {
        xg_mval e[E_N];
        ddev_vals(s, dom, dv[i].dev, k, e);
        if (k && !xg_mvals_any(e, E_N))
            continue;
        json_t *r = xg_json_row(s->domains[dom].name, dv[i].dev, a, b, e, E_N);
        if (r && json_object_set_new(r, "source", xg_json_str(dv[i].source)))
            r = (json_decref(r), NULL);
        rc = xg_json_push(drows, r);
    }
    free(dv);
    return rc;
}

static int disk_json_scope(const xg_store *s, const hdevs *hd, uint32_t k,
                           json_t *rows, json_t *drows, json_t *hrows)
{
    size_t pos = 0;
    uint32_t dom;
    int rc = 0;
    bool devs = show_ddevs(s);
    while (!rc && xg_dom_next(s, &pos, &dom)) {
        xg_mval v[D_N];
        double a, b;
        disk_vals(s, dom, k, v);
        xg_scope_times(s, dom, k, &a, &b);
        if (k == 0 || xg_mvals_any(v, D_N))
            rc = xg_json_push(rows, xg_json_row(s->domains[dom].name, NULL, a, b, v, D_N));
        if (!rc && devs && !s->domains[dom].is_host)
            rc = ddevs_json(s, dom, k, a, b, drows);
    }
    for (size_t i = 0; i < hd->n && !rc; i++) {
        xg_mval v[H_N];
        double a, b;
        dev_vals(s, hd->v[i].host, hd->v[i].dev, k, v);
        xg_scope_times(s, hd->v[i].host, k, &a, &b);
        if (k == 0 || xg_mvals_any(v, H_N))
            rc = xg_json_push(hrows, xg_json_row(s->domains[hd->v[i].host].name,
                                                 hd->v[i].dev, a, b, v, H_N));
    }
    return rc;
}

static int disk_json(const xg_store *s, const xg_report_opts *o, json_t *root)
{
    hdevs hd;
    host_devs(s, o, &hd);
    json_t *w = json_array(), *iv = json_array();
    json_t *dw = json_array(), *div = json_array();
    json_t *hw = json_array(), *hiv = json_array();
    json_t *disk = json_pack("{s:o,s:o,s:o,s:o}", "window", w, "intervals", iv,
                             "device_window", dw, "device_intervals", div);
    json_t *hdisk = json_pack("{s:o,s:o,s:i,s:i}", "window", hw, "intervals", hiv,
                              "idle_not_shown", hd.idle,
                              "partitions_not_shown", hd.parts);
    int rc = json_object_set_new(root, "disk", disk);
    rc = rc || json_object_set_new(root, "hostdisk", hdisk);
    rc = rc || disk_json_scope(s, &hd, 0, w, dw, hw);
    for (uint32_t k = 1; k < s->n_ticks && !rc; k++)
        rc = disk_json_scope(s, &hd, k, iv, div, hiv);
    free(hd.v);
    return rc ? -1 : 0;
}

const xg_section xg_section_disk = {
    "disk", XG_FAM_DISK, disk_text, disk_csv, disk_json,
};

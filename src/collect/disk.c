/* disk.c — the DISK family's collector: per-domain device bytes and I/Os from
 * the platform, and the host's block devices from /proc/diskstats (the
 * "disk" and "hostdisk" series of docs/series.md). */
#include "collect/collector.h"
#include "util/grow.h"
#include "core/schema.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/host.h"
#include "util/root.h"
#include "util/strbuf.h"

static const xg_sid dom_metric[] = {
    XG_S_DISK_RD_BYTES, XG_S_DISK_WR_BYTES, XG_S_DISK_RD_IOS,
    XG_S_DISK_WR_IOS,   XG_S_DISK_RD_TIME,  XG_S_DISK_WR_TIME};
#define NDOM 6 /* the host's "all" row has the first 4 */

static const xg_sid host_metric[] = {
    XG_S_HOSTDISK_RD_IOS,     XG_S_HOSTDISK_RD_SECTORS,
    XG_S_HOSTDISK_RD_TICKS,   XG_S_HOSTDISK_WR_IOS,
    XG_S_HOSTDISK_WR_SECTORS, XG_S_HOSTDISK_WR_TICKS,
    XG_S_HOSTDISK_IO_TICKS,   XG_S_HOSTDISK_RQ_TICKS};
#define NHOST 8

typedef struct dev_series {
    char *name;       /* whole (was cut at 63 bytes) */
    int64_t s[NHOST]; /* NDOM used for domain devices */
    int partition;
} dev_series;

typedef struct dom_devs {
    dev_series *v;
    size_t n, cap;
    uint32_t base;  /* 1 + the tick of the domain's first reading; 0 before */
} dom_devs;

typedef struct disk_state {
    dom_devs *doms; /* per domain */
    size_t n, cap;
    dom_devs host;  /* host devices (hostdisk) */
    int host_i;     /* index of the host domain, -1 if none */
    int stat_fd;    /* <root>/proc/diskstats */
    char *buf;      /* read buffer, allocated once */
    size_t buflen;
    xg_ctx *ctx;    /* for the per-device callback */
    size_t cur;     /* domain being sampled */
} disk_state;

/* The device's slot in l, creating it on first sight (once per device). */
static dev_series *dev_slot(disk_state *st, dom_devs *l, const char *name,
                            uint32_t dom, const xg_sid *metrics, size_t nm)
{
    size_t i;
    dev_series *d;

    for (i = 0; i < l->n; i++)
        if (strcmp(l->v[i].name, name) == 0)
            return &l->v[i];
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 4;
        void *nv = realloc(l->v, nc * sizeof(*l->v));
        if (!nv)
            return NULL;
        l->v = nv;
        l->cap = nc;
    }
    d = &l->v[l->n];
    memset(d, 0, sizeof(*d));
    for (i = 0; i < NHOST; i++)
        d->s[i] = -1;
    if (!(d->name = strdup(name)))
        return NULL;
    for (i = 0; i < nm; i++) {
        d->s[i] = xg_schema_series(&st->ctx->store, dom, metrics[i],
                                   d->name);
        if (d->s[i] < 0) {
            free(d->name);
            return NULL;
        }
    }
    l->n++;
    return d;
}

static void put(xg_ctx *ctx, int64_t s, uint64_t v)
{
    if (s >= 0)
        xg_store_put(&ctx->store, (uint32_t)s, v);
}

/* A device first seen after the first reading of l, when it had counted
 * nothing before its line appeared: its series start from zero at that
 * reading, so what it counted since is in the window's figures. */
static void zero_at_base(xg_ctx *ctx, const dom_devs *l, const dev_series *d,
                         size_t n)
{
    uint32_t now = ctx->store.n_ticks - 1;

    if (!l->base || l->base - 1 >= now)
        return;
    for (size_t k = 0; k < n; k++)
        if (d->s[k] >= 0)
            xg_store_put_first(&ctx->store, (uint32_t)d->s[k], l->base - 1,
                               0);
}

/* Notes the tick of l's first reading. */
static void mark_base(xg_ctx *ctx, dom_devs *l)
{
    if (!l->base && ctx->store.n_ticks)
        l->base = ctx->store.n_ticks;
}

static void on_device(void *arg, const xg_disk_counters *c)
{
    disk_state *st = arg;
    xg_ctx *ctx = st->ctx;
    size_t n = c->have_time ? 6 : c->have_ios ? 4 : 2, k;
    size_t before = st->doms[st->cur].n;
    dev_series *d = dev_slot(st, &st->doms[st->cur], c->device,
                             ctx->store_dom[st->cur], dom_metric, n);
    const uint64_t v[NDOM] = {c->rd_bytes, c->wr_bytes, c->rd_ios,
                              c->wr_ios, c->rd_time_ns, c->wr_time_ns};

    if (!d)
        return;
    if (st->doms[st->cur].n != before && c->source) /* new device */
        for (k = 0; k < n; k++)
            xg_store_series_source(&ctx->store, (uint32_t)d->s[k], c->source);
    if (st->doms[st->cur].n != before && c->from_zero)
        zero_at_base(ctx, &st->doms[st->cur], d, n);
    for (k = 0; k < n; k++)
        put(ctx, d->s[k], v[k]);
}

static int disk_add(xg_ctx *ctx, void *state, size_t i)
{
    disk_state *st = state;

    (void)ctx;
    return xg_grow_to((void **)&st->doms, &st->n, &st->cap, sizeof(*st->doms),
                      i);
}

static void devs_free(dom_devs *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].name);
    free(l->v);
}

static void disk_free(disk_state *st)
{
    size_t i;

    for (i = 0; i < st->n; i++)
        devs_free(&st->doms[i]);
    free(st->doms);
    devs_free(&st->host);
    free(st->buf);
    if (st->stat_fd >= 0)
        close(st->stat_fd);
    free(st);
}

static int disk_start(xg_ctx *ctx, void **state, char *err, size_t errlen)
{
    disk_state *st = calloc(1, sizeof(*st));
    size_t i;

    if (!st)
        return -1;
    st->ctx = ctx;
    st->host_i = -1;
    st->stat_fd = -1;
    for (i = 0; i < ctx->doms.n; i++) {
        if (ctx->doms.v[i].info.is_host)
            st->host_i = (int)i;
        if (disk_add(ctx, st, i) < 0)
            goto fail;
    }
    if (st->host_i >= 0) {
        st->stat_fd = xg_root_open("/proc/diskstats", O_RDONLY);
        if (st->stat_fd < 0) {
            snprintf(err, errlen, "%s/proc/diskstats: %s", xg_root_get(),
                     strerror(errno));
            goto fail;
        }
        st->buflen = 1 << 16;
        st->buf = malloc(st->buflen);
        if (!st->buf)
            goto fail;
    }
    *state = st;
    return 0;
fail:
    disk_free(st);
    return -1;
}

/* The host's devices, and the host row's disk totals (whole disks only, so
 * partitions are not counted twice). */
static void sample_host(xg_ctx *ctx, disk_state *st)
{
    uint32_t hd = ctx->store_dom[st->host_i];
    uint64_t tot[NDOM] = {0};
    const char *p = st->buf;
    dev_series *sum;
    size_t k;

    if (xg_pread_text(st->stat_fd, st->buf, st->buflen) < 0)
        return;
    while (*p) {
        xg_diskstat ds;
        const char *nl = strchr(p, '\n');
        if (xg_diskstat_parse_line(p, &ds) == 0) {
            size_t before = st->host.n;
            dev_series *d = dev_slot(st, &st->host, ds.name, hd,
                                     host_metric, NHOST);
            if (d && st->host.n != before) /* a disk plugged in: from 0 */
                zero_at_base(ctx, &st->host, d, NHOST);
            if (d && d->s[NHOST - 1] >= 0 && d->partition == 0)
                d->partition = xg_disk_is_partition(ds.name) ? 1 : -1;
            if (d) {
                const uint64_t v[NHOST] = {ds.rd_ios, ds.rd_sectors,
                                           ds.rd_ticks, ds.wr_ios,
                                           ds.wr_sectors, ds.wr_ticks,
                                           ds.io_ticks, ds.rq_ticks};
                for (k = 0; k < NHOST; k++)
                    put(ctx, d->s[k], v[k]);
                if (d->partition < 0) {
                    tot[0] += ds.rd_sectors * 512;
                    tot[1] += ds.wr_sectors * 512;
                    tot[2] += ds.rd_ios;
                    tot[3] += ds.wr_ios;
                }
            }
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    mark_base(ctx, &st->host);
    sum = dev_slot(st, &st->doms[st->host_i], "all", hd, dom_metric, 4);
    if (sum)
        for (k = 0; k < 4; k++)
            put(ctx, sum->s[k], tot[k]);
}

static void disk_sample(xg_ctx *ctx, void *state)
{
    disk_state *st = state;
    size_t i;

    for (i = 0; i < ctx->doms.n && i < st->n; i++) {
        if (ctx->gone[i])
            continue;
        if ((int)i == st->host_i) {
            sample_host(ctx, st);
            continue;
        }
        if (!ctx->ops->disk_read)
            continue;
        st->cur = i;
        if (ctx->ops->disk_read(ctx->plat, &ctx->doms.v[i], on_device, st) <
            0)
            ctx->gone[i] = 1;
        else
            mark_base(ctx, &st->doms[i]);
    }
}

/* A device series of a domain still there that stopped before the domain
 * did: its source stopped answering (a QMP socket gone or garbled...).
 * Notes when, so the report can say so; the run went on without it. */
static void note_ended(xg_ctx *ctx, disk_state *st)
{
    const xg_store *s = &ctx->store;
    size_t i, k;

    for (i = 0; i < st->n && i < ctx->doms.n; i++) {
        const xg_domain_info *d;
        if (ctx->store_dom[i] >= s->n_domains) /* never had a place */
            continue;
        d = &s->domains[ctx->store_dom[i]];
        for (k = 0; k < st->doms[i].n; k++) {
            int64_t x = st->doms[i].v[k].s[0], last;
            const xg_series *se;
            char note[160];
            if (x < 0)
                continue;
            se = &s->series[x];
            /* counts values already flushed under --max-memory */
            last = xg_store_series_last(s, (uint32_t)x);
            if (last < 0 || last >= d->last_tick)
                continue;
            snprintf(note, sizeof(note), "ended at %.1f s: %s stopped "
                     "answering; the domain was still there",
                     (double)(s->tick_mono_ns[last] - s->tick_mono_ns[0]) / 1e9,
                     se->source ? se->source : "its source");
            for (size_t m = 0; m < NDOM; m++)
                if (st->doms[i].v[k].s[m] >= 0)
                    xg_store_series_note(&ctx->store,
                                         (uint32_t)st->doms[i].v[k].s[m],
                                         note);
        }
    }
}

static void disk_stop(xg_ctx *ctx, void *state)
{
    disk_state *st = state;
    xg_sb list = XG_SB_INIT; /* every one (was: what fit in 4 KiB) */
    size_t i;

    for (i = 0; i < st->host.n; i++)
        if (st->host.v[i].partition > 0)
            xg_sb_printf(&list, "%s%s", list.len ? " " : "",
                         st->host.v[i].name);
    if (!list.oom)
        xg_store_meta_set(&ctx->store, "hostdisk_partitions",
                          xg_sb_str(&list));
    xg_sb_free(&list);
    note_ended(ctx, st);
    disk_free(st);
}

const xg_collector xg_collector_disk = {
    .name = "disk",
    .flag = XG_FAM_DISK,
    .start = disk_start,
    .add_domain = disk_add,
    .sample = disk_sample,
    .stop = disk_stop,
};

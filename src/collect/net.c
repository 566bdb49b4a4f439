/* net.c — the NET family's collector: each domain's network interfaces from
 * the platform's net_read (the domain's view), and the host row's from
 * <root>/proc/net/dev (every interface but lo), as the "net" series of
 * docs/series.md. The interfaces are looked up when a domain joins (start,
 * add_domain); a sample stores into the kept series without allocating. An
 * interface first seen mid-run (a container that had no process yet, a
 * hot-plugged NIC) gets its series then, once. When the platform marks it
 * from_zero (an interface made since: cgroup netns and the host row via
 * netdev.h, xen vifs; never qemu's taps, found once), its series also get
 * a 0 at the domain's first reading, so its traffic is in the window. */
#include "collect/collector.h"
#include "util/grow.h"
#include "core/schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/netdev.h"
#include "util/root.h"

static const xg_sid metric[] = {
    XG_S_NET_RX_BYTES, XG_S_NET_TX_BYTES,  XG_S_NET_RX_PACKETS,
    XG_S_NET_TX_PACKETS, XG_S_NET_RX_DROPS, XG_S_NET_TX_DROPS,
    XG_S_NET_RX_ERRORS, XG_S_NET_TX_ERRORS};
#define NM (sizeof(metric) / sizeof(metric[0]))

typedef struct net_dev {
    char name[32];
    int64_t s[NM]; /* series; -1 where the platform does not count it */
    bool stored;   /* has had a value */
} net_dev;

typedef struct net_devs {
    net_dev *v;
    size_t n, cap;
    uint32_t base;  /* 1 + the tick of the domain's first reading; 0 before */
} net_devs;

typedef struct net_state {
    net_devs *doms;        /* per domain of ctx->doms */
    size_t n, cap;
    int host_i;            /* the host row, -1 if none */
    xg_netdev_file host;   /* <root>/proc/net/dev */
    xg_ctx *ctx;           /* for the callback */
    size_t cur;            /* domain being read */
    bool put;              /* store the figures (false: only look up) */
} net_state;

/* The interface's slot in l, its series made the first time it shows. */
static net_dev *dev_slot(net_state *st, net_devs *l,
                         const xg_net_counters *c)
{
    xg_store *s = &st->ctx->store;
    uint32_t dom = st->ctx->store_dom[st->cur];
    net_dev *d;
    size_t k;

    for (k = 0; k < l->n; k++)
        if (strcmp(l->v[k].name, c->device) == 0)
            return &l->v[k];
    if (strlen(c->device) >= sizeof(d->name))
        return NULL;
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 4;
        net_dev *nv = realloc(l->v, nc * sizeof(*nv));
        if (!nv)
            return NULL;
        l->v = nv;
        l->cap = nc;
    }
    d = &l->v[l->n];
    d->stored = false;
    snprintf(d->name, sizeof(d->name), "%s", c->device);
    for (k = 0; k < NM; k++) {
        bool have = k < 4 || (k < 6 ? c->have_drops : c->have_errors);
        d->s[k] = have ? xg_schema_series(s, dom, metric[k], d->name) : -1;
        if (have && d->s[k] < 0)
            return NULL;
        if (d->s[k] >= 0 && c->source)
            xg_store_series_source(s, (uint32_t)d->s[k], c->source);
    }
    l->n++;
    return d;
}

/* An interface first stored after the first reading of l, that had
 * counted nothing then: a 0 at that reading, so what it counted since is
 * in the window. */
static void zero_at_base(xg_store *s, const net_devs *l, const net_dev *d)
{
    if (!l->base || l->base - 1 >= s->n_ticks - 1)
        return;
    for (size_t k = 0; k < NM; k++)
        if (d->s[k] >= 0)
            xg_store_put_first(s, (uint32_t)d->s[k], l->base - 1, 0);
}

static void on_net(void *arg, const xg_net_counters *c)
{
    net_state *st = arg;
    net_dev *d;
    const uint64_t v[NM] = {c->rx_bytes, c->tx_bytes, c->rx_packets,
                            c->tx_packets, c->rx_drops, c->tx_drops,
                            c->rx_errors, c->tx_errors};

    if (!c->device || !*c->device ||
        !(d = dev_slot(st, &st->doms[st->cur], c)) || !st->put)
        return;
    if (!d->stored && c->from_zero)
        zero_at_base(&st->ctx->store, &st->doms[st->cur], d);
    d->stored = true;
    for (size_t k = 0; k < NM; k++)
        if (d->s[k] >= 0)
            xg_store_put(&st->ctx->store, (uint32_t)d->s[k], v[k]);
}

/* Reads domain i's interfaces into on_net. 0; 1 when the host's read
 * failed (a gap); -1 when the domain is gone. */
static int read_dom(xg_ctx *ctx, net_state *st, size_t i, bool put)
{
    st->ctx = ctx;
    st->cur = i;
    st->put = put;
    if ((int)i == st->host_i) /* the host stays: a failed read is a gap */
        return xg_netdev_read(&st->host, "proc-net-dev", on_net, st) < 0;
    if (!ctx->ops->net_read)
        return 0;
    return ctx->ops->net_read(ctx->plat, &ctx->doms.v[i], on_net, st);
}

static int net_add(xg_ctx *ctx, void *state, size_t i)
{
    net_state *st = state;

    if (xg_grow_to((void **)&st->doms, &st->n, &st->cap, sizeof(*st->doms),
                   i) < 0)
        return -1;
    /* look the interfaces up now, not while sampling */
    if (!ctx->gone[i] && ctx->store_dom[i] < ctx->store.n_domains)
        read_dom(ctx, st, i, false);
    return 0;
}

static void net_free(net_state *st)
{
    for (size_t i = 0; i < st->n; i++)
        free(st->doms[i].v);
    free(st->doms);
    xg_netdev_close(&st->host);
    free(st);
}

static int net_start(xg_ctx *ctx, void **state, char *err, size_t errlen)
{
    net_state *st = calloc(1, sizeof(*st));
    size_t i;

    if (!st) {
        snprintf(err, errlen, "net: out of memory");
        return -1;
    }
    st->host_i = -1;
    st->host.fd = -1;
    for (i = 0; i < ctx->doms.n; i++)
        if (ctx->doms.v[i].info.is_host && st->host_i < 0)
            st->host_i = (int)i;
    if (st->host_i >= 0 && xg_netdev_open(&st->host, "/proc/net/dev") < 0) {
        snprintf(err, errlen, "%s/proc/net/dev: %s", xg_root_get(),
                 strerror(errno));
        net_free(st);
        return -1;
    }
    for (i = 0; i < ctx->doms.n; i++)
        if (net_add(ctx, st, i) < 0) {
            snprintf(err, errlen, "net: out of memory");
            net_free(st);
            return -1;
        }
    *state = st;
    return 0;
}

static void net_sample(xg_ctx *ctx, void *state)
{
    net_state *st = state;

    for (size_t i = 0; i < ctx->doms.n && i < st->n; i++) {
        int r;
        if (ctx->gone[i])
            continue;
        if ((r = read_dom(ctx, st, i, true)) < 0)
            ctx->gone[i] = 1;
        else if (r == 0 && !st->doms[i].base && ctx->store.n_ticks)
            st->doms[i].base = ctx->store.n_ticks; /* its first reading */
    }
}

static void net_stop(xg_ctx *ctx, void *state)
{
    (void)ctx;
    net_free(state);
}

const xg_collector xg_collector_net = {
    .name = "net",
    .flag = XG_FAM_NET,
    .start = net_start,
    .add_domain = net_add,
    .sample = net_sample,
    .stop = net_stop,
};

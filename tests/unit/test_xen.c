/* test_xen.c — the xen platform's logic on a canned backend (no hypervisor
 * and no libxen needed): Domain-0 as the host row, keys by uuid, one
 * snapshot per sample, CPU/vCPU/VBD figures, vifs in the guest's view, a
 * domid reused by a new domain, VBD names and the dom0 test of
 * /proc/xen/capabilities; the net and cpu collectors on it, a vif and a
 * vCPU that show mid-run counted from 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "collect/collector.h"
#include "platform/xen/xen_snap.h"

/* The fake hypervisor: up to 4 domains the test edits between samples. */
typedef struct fake_dom {
    unsigned domid;
    const char *name, *uuid;
    uint64_t cpu_ns, vcpu_ns[2];
    bool vcpu_off[2];  /* offline */
    unsigned n_vcpu, n_vbd, n_net;
    xg_xen_vbd vbd[2];
    xg_xen_net net[3]; /* as dom0's vifD.N counts them */
    bool dying;
    uint64_t mem_kib;  /* 0: the fake's memory fails */
    uint8_t aff[2][2]; /* each vCPU's hard affinity, g_ncpus CPUs */
} fake_dom;

static fake_dom g_dom[4];
static size_t g_n;
static int64_t g_now;
static int g_fail_open, g_fail_snap;

static void *f_open(char *err, size_t errlen)
{
    if (g_fail_open) {
        snprintf(err, errlen, "xen platform: cannot open");
        return NULL;
    }
    return &g_n;
}

static int f_snapshot(void *h, xg_xen_snap *s)
{
    (void)h;
    if (g_fail_snap)
        return -1;
    for (size_t i = 0; i < g_n; i++) {
        const fake_dom *f = &g_dom[i];
        xg_xen_dom *d = xg_xen_snap_dom(s);
        assert_non_null(d);
        d->domid = f->domid;
        snprintf(d->name, sizeof(d->name), "%s", f->name);
        snprintf(d->uuid, sizeof(d->uuid), "%s", f->uuid ? f->uuid : "");
        d->cpu_ns = f->cpu_ns;
        d->dying = f->dying;
        for (unsigned v = 0; v < f->n_vcpu; v++) {
            xg_xen_vcpu *c = xg_xen_snap_vcpu(s);
            assert_non_null(c);
            c->ns = f->vcpu_ns[v];
            c->online = !f->vcpu_off[v];
        }
        for (unsigned v = 0; v < f->n_vbd; v++) {
            xg_xen_vbd *b = xg_xen_snap_vbd(s);
            assert_non_null(b);
            *b = f->vbd[v];
        }
        for (unsigned v = 0; v < f->n_net; v++) {
            xg_xen_net *n = xg_xen_snap_net(s);
            assert_non_null(n);
            *n = f->net[v];
        }
    }
    return 0;
}

static void f_close(void *h)
{
    (void)h;
}

static int64_t f_now(void)
{
    return g_now;
}

static int g_domids_calls;

static int f_domids(void *h, unsigned *ids, size_t cap)
{
    (void)h;
    g_domids_calls++;
    for (size_t i = 0; i < g_n && i < cap; i++)
        ids[i] = g_dom[i].domid;
    return (int)g_n;
}

static int g_ncpus; /* the CPUs an affinity map covers */

static const fake_dom *by_domid(unsigned domid)
{
    for (size_t i = 0; i < g_n; i++)
        if (g_dom[i].domid == domid)
            return &g_dom[i];
    return NULL;
}

static int f_memory(void *h, unsigned domid, uint64_t *kib)
{
    const fake_dom *f = by_domid(domid);

    (void)h;
    if (!f || !f->mem_kib)
        return -1;
    *kib = f->mem_kib;
    return 0;
}

static int f_vcpu_affinity(void *h, unsigned domid, unsigned vcpu,
                           uint8_t *map, size_t len)
{
    const fake_dom *f = by_domid(domid);

    (void)h;
    assert_non_null(f);
    assert_true(vcpu < f->n_vcpu); /* only the vCPUs the snapshot has */
    assert_true(len >= sizeof(f->aff[vcpu]));
    memcpy(map, f->aff[vcpu], sizeof(f->aff[vcpu]));
    return g_ncpus;
}

static const xg_xen_backend fake = {
    .open = f_open, .snapshot = f_snapshot, .close = f_close, .now_ns = f_now,
    .domids = f_domids, .memory = f_memory,
    .vcpu_affinity = f_vcpu_affinity};
static const xg_xen_backend fake_no_domids = {
    .open = f_open, .snapshot = f_snapshot, .close = f_close, .now_ns = f_now};

#define UA "6d1f1c9e-0000-4000-8000-00000000000a"
#define UB "6d1f1c9e-0000-4000-8000-00000000000b"
#define UZ "00000000-0000-0000-0000-000000000000"

static int setup(void **state)
{
    (void)state;
    memset(g_dom, 0, sizeof(g_dom));
    g_dom[0] = (fake_dom){.domid = 0, .name = "Domain-0", .uuid = UZ,
                          .cpu_ns = 1000, .n_vcpu = 2,
                          .vcpu_ns = {600, 400}};
    g_dom[1] = (fake_dom){.domid = 40, .name = "b", .uuid = UB,
                          .cpu_ns = 50, .n_vcpu = 1, .vcpu_ns = {50},
                          .n_vbd = 2,
                          .vbd = {{51712, 10, 20, 80, 160, 0},
                                  {(1u << 28) | (30u << 8), 1, 2, 3, 4, 0}},
                          /* id, rx bytes pkts, tx bytes pkts, rx errs
                           * drop, tx errs drop: dom0's view */
                          .n_net = 3,
                          .net = {{0, 1000, 10, 50000, 40, 1, 2, 3, 4},
                                  {1, 7, 1, 0, 0, 0, 0, 0, 0},
                                  /* vif40.0-emu, read as id 0 too */
                                  {0, 0, 0, 90, 1, 0, 0, 0, 0}}};
    g_dom[2] = (fake_dom){.domid = 7, .name = "a", .uuid = UA,
                          .cpu_ns = 9000, .n_vcpu = 2,
                          .vcpu_ns = {4500, 4500}};
    g_n = 3;
    g_now = 1000000000;
    g_fail_open = g_fail_snap = 0;
    g_ncpus = 16;
    return 0;
}

static xg_platform *open_fake(void)
{
    xg_options o = {.interval_s = 1.0};
    char err[256] = "";
    xg_platform *p = xg_xen_open_with(&fake, &o, err, sizeof(err));

    assert_non_null(p);
    return p;
}

/* Every domain listed and prepared, as a session starts. */
static void list_prepared(xg_platform *p, xg_pdomains *l)
{
    char err[256];

    assert_int_equal(xg_xen_discover(p, l, err, sizeof(err)), 0);
    for (size_t i = 0; i < l->n; i++)
        assert_int_equal(xg_xen_prepare(p, &l->v[i], err, sizeof(err)), 0);
}

static void test_discover(void **state)
{
    xg_platform *p = open_fake();
    xg_pdomains l = {0};
    char err[256];

    (void)state;
    assert_int_equal(xg_xen_discover(p, &l, err, sizeof(err)), 0);
    assert_int_equal(l.n, 3);
    assert_true(l.v[0].info.is_host);
    assert_string_equal(l.v[0].info.name, "Domain-0");
    assert_string_equal(l.v[0].info.key, "xen:Domain-0:0");
    assert_int_equal(l.v[0].info.vcpus, 2);
    assert_string_equal(l.v[1].info.key, "xen:" UB);
    assert_string_equal(l.v[1].info.name, "b");
    assert_int_equal(l.v[1].info.platform_id, 40);
    assert_string_equal(l.v[1].info.uuid, UB);
    assert_false(l.v[1].info.is_host);
    assert_string_equal(l.v[2].info.name, "a");
    xg_pdomains_free(&l);

    g_dom[2].dying = true; /* a dying domain is not a running one */
    assert_int_equal(xg_xen_discover(p, &l, err, sizeof(err)), 0);
    assert_int_equal(l.n, 2);
    xg_pdomains_free(&l);
    xg_xen_close(p);
}

/* A 300-byte name (a xenstore value may be 4096) is listed whole, in the
 * name and in the key made of it when the uuid is nil; it was cut at 127
 * bytes. */
static void test_long_name(void **state)
{
    xg_platform *p = open_fake();
    xg_pdomains l = {0};
    char name[301], key[320];
    xg_cpu_counters c;

    (void)state;
    memset(name, 'x', 300);
    name[300] = '\0';
    g_dom[2].name = name;
    g_dom[2].uuid = UZ;
    list_prepared(p, &l);
    snprintf(key, sizeof(key), "xen:%s:7", name);
    assert_string_equal(l.v[2].info.name, name);
    assert_string_equal(l.v[2].info.key, key);
    /* matched by that name (a nil uuid) in the next tick's snapshot */
    g_now += 1000000000;
    g_dom[2].cpu_ns = 11000;
    assert_int_equal(xg_xen_cpu_read(p, &l.v[2], &c), 0);
    assert_int_equal(c.usage_ns, 11000);
    for (size_t i = 0; i < l.n; i++)
        xg_xen_release(p, &l.v[i]);
    xg_pdomains_free(&l);
    xg_xen_close(p);
}

static void on_cpu(void *arg, int vcpu, const xg_cpu_counters *c)
{
    uint64_t *v = arg;
    assert_true(vcpu >= 0 && vcpu < 4);
    assert_int_equal(c->have, XG_CPU_USAGE);
    v[vcpu] = c->usage_ns;
}

static void test_cpu_one_snapshot_per_sample(void **state)
{
    xg_platform *p = open_fake();
    xg_pdomains l = {0};
    xg_cpu_counters c;
    uint64_t v[4] = {0};

    (void)state;
    list_prepared(p, &l);
    assert_int_equal(xg_xen_snapshots(p), 1);
    /* a tick: every domain from the one snapshot discover took */
    assert_int_equal(xg_xen_cpu_read(p, &l.v[0], &c), 0);
    assert_int_equal(c.usage_ns, 1000);
    assert_int_equal(c.have, XG_CPU_USAGE);
    assert_int_equal(xg_xen_cpu_read(p, &l.v[2], &c), 0);
    assert_int_equal(c.usage_ns, 9000);
    assert_int_equal(xg_xen_vcpu_read(p, &l.v[0], on_cpu, v), 0);
    assert_int_equal(v[0], 600);
    assert_int_equal(v[1], 400);
    assert_int_equal(xg_xen_snapshots(p), 1);
    /* the next tick, a second later: one new snapshot for all */
    g_now += 1000000000;
    g_dom[2].cpu_ns = 11000;
    g_dom[0].cpu_ns = 1100;
    assert_int_equal(xg_xen_cpu_read(p, &l.v[2], &c), 0);
    assert_int_equal(c.usage_ns, 11000);
    g_now += 1000000; /* 1 ms later, same tick */
    assert_int_equal(xg_xen_cpu_read(p, &l.v[0], &c), 0);
    assert_int_equal(c.usage_ns, 1100);
    assert_int_equal(xg_xen_snapshots(p), 2);
    for (size_t i = 0; i < l.n; i++)
        xg_xen_release(p, &l.v[i]);
    xg_pdomains_free(&l);
    xg_xen_close(p);
}

typedef struct seen_disk {
    char dev[4][32];
    xg_disk_counters c[4];
    int n;
} seen_disk;

static void on_disk(void *arg, const xg_disk_counters *c)
{
    seen_disk *s = arg;
    assert_true(s->n < 4);
    snprintf(s->dev[s->n], sizeof(s->dev[0]), "%s", c->device);
    s->c[s->n++] = *c;
}

static void test_disk(void **state)
{
    xg_platform *p = open_fake();
    xg_pdomains l = {0};
    seen_disk s = {0};
    char err[256];

    (void)state;
    assert_int_equal(xg_xen_discover(p, &l, err, sizeof(err)), 0);
    assert_int_equal(xg_xen_prepare(p, &l.v[1], err, sizeof(err)), 0);
    assert_int_equal(xg_xen_disk_read(p, &l.v[1], on_disk, &s), 0);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.dev[0], "xvda");
    assert_int_equal(s.c[0].rd_bytes, 80 * 512);
    assert_int_equal(s.c[0].wr_bytes, 160 * 512);
    assert_int_equal(s.c[0].rd_ios, 10);
    assert_int_equal(s.c[0].wr_ios, 20);
    assert_true(s.c[0].have_ios);
    assert_false(s.c[0].have_time);
    assert_string_equal(s.c[0].source, "xenstat");
    assert_string_equal(s.dev[1], "xvdae");
    xg_xen_release(p, &l.v[1]);
    xg_pdomains_free(&l);
    xg_xen_close(p);
}

typedef struct seen_net {
    int n;
    char dev[4][32];
    xg_net_counters c[4];
} seen_net;

static void on_net(void *arg, const xg_net_counters *c)
{
    seen_net *s = arg;

    assert_true(s->n < 4);
    snprintf(s->dev[s->n], 32, "%s", c->device);
    s->c[s->n++] = *c;
}

/* libxenstat counts a vif as dom0's backend does (its rbytes: what the
 * guest sent); the platform gives the guest's view. */
static void test_net(void **state)
{
    xg_platform *p = open_fake();
    xg_pdomains l = {0};
    seen_net s = {0};

    (void)state;
    list_prepared(p, &l);
    assert_int_equal(xg_xen_net_read(p, &l.v[1], on_net, &s), 0);
    assert_string_equal(s.dev[0], "vif40.0");
    assert_string_equal(s.c[0].source, "vif");
    assert_int_equal(s.c[0].rx_bytes, 50000); /* dom0's tx */
    assert_int_equal(s.c[0].rx_packets, 40);
    assert_int_equal(s.c[0].tx_bytes, 1000);  /* dom0's rx */
    assert_int_equal(s.c[0].tx_packets, 10);
    assert_true(s.c[0].have_drops && s.c[0].have_errors);
    assert_int_equal(s.c[0].rx_errors, 3);
    assert_int_equal(s.c[0].rx_drops, 4);
    assert_int_equal(s.c[0].tx_errors, 1);
    assert_int_equal(s.c[0].tx_drops, 2);
    assert_string_equal(s.dev[1], "vif40.1");
    assert_int_equal(s.c[1].tx_bytes, 7);
    assert_int_equal(s.c[1].rx_bytes, 0);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.dev[2], "vif40.0-emu");
    assert_int_equal(s.c[2].rx_bytes, 90);
    /* a domain without vifs: none; from the same snapshot */
    memset(&s, 0, sizeof(s));
    assert_int_equal(xg_xen_net_read(p, &l.v[2], on_net, &s), 0);
    assert_int_equal(s.n, 0);
    assert_int_equal(xg_xen_snapshots(p), 1);
    /* gone: -1 */
    g_dom[1].dying = true;
    g_now += 2000000000;
    assert_int_equal(xg_xen_net_read(p, &l.v[1], on_net, &s), -1);
    for (size_t i = 0; i < l.n; i++)
        xg_xen_release(p, &l.v[i]);
    xg_pdomains_free(&l);
    xg_xen_close(p);
}

/* The clock at t ns after 1 s, domain b (one vCPU) busy all along since. */
static void busy_at(int64_t t)
{
    g_now = 1000000000 + t;
    g_dom[1].cpu_ns = g_dom[1].vcpu_ns[0] = (uint64_t)t;
}

/* Issue 11: discover's snapshot (or one a collector's start took) served
 * tick 0, read after it under a later timestamp, so the first interval
 * held more CPU time than it lasted (101.9 % of one vCPU in the lab). Tick
 * 0 and every tick read after their timestamp: no interval of a busy
 * one-vCPU domain is over 100 %. */
static void test_tick0_fresh(void **state)
{
    xg_platform *p = open_fake();
    xg_pdomains l = {0};
    xg_cpu_counters c;
    seen_net sn = {0};
    int64_t ts[4];
    uint64_t cpu[4];

    (void)state;
    busy_at(0);
    list_prepared(p, &l);                 /* discover at 0 */
    busy_at(300000000);
    xg_xen_net_read(p, &l.v[1], on_net, &sn); /* net's start: a lookup */
    for (int k = 0; k < 4; k++) {
        ts[k] = 450000000 + (int64_t)k * 1000000000; /* the timestamp */
        busy_at(ts[k]);
        xg_xen_tick(p);
        busy_at(ts[k] + 2000000);         /* read 2 ms after it */
        assert_int_equal(xg_xen_cpu_read(p, &l.v[1], &c), 0);
        cpu[k] = c.usage_ns;
        busy_at(ts[k] + 3000000);         /* one snapshot per sample */
        assert_int_equal(xg_xen_cpu_read(p, &l.v[1], &c), 0);
        assert_int_equal(c.usage_ns, cpu[k]);
    }
    for (int k = 1; k < 4; k++) {
        double pct = 100.0 * (double)(cpu[k] - cpu[k - 1]) /
                     (double)(ts[k] - ts[k - 1]);
        if (pct > 100.0)
            fail_msg("interval %d: %.1f %% of one vCPU", k, pct);
        assert_true(pct > 99.0);
    }
    for (size_t i = 0; i < l.n; i++)
        xg_xen_release(p, &l.v[i]);
    xg_pdomains_free(&l);
    xg_xen_close(p);
}

static void test_gone_and_reused(void **state)
{
    xg_platform *p = open_fake();
    xg_pdomains l = {0};
    xg_cpu_counters c;
    char err[256];

    (void)state;
    list_prepared(p, &l);
    /* b is destroyed; a new domain "b" gets domid 40 again */
    g_dom[1].uuid = "6d1f1c9e-0000-4000-8000-0000000000bb";
    g_dom[1].cpu_ns = 1;
    g_now += 2000000000;
    assert_int_equal(xg_xen_cpu_read(p, &l.v[1], &c), -1);
    assert_int_equal(xg_xen_cpu_read(p, &l.v[2], &c), 0);
    /* the rescan sees it as a new domain (another key) */
    xg_pdomains now = {0};
    assert_int_equal(xg_xen_discover(p, &now, err, sizeof(err)), 0);
    assert_string_equal(now.v[1].info.key,
                        "xen:6d1f1c9e-0000-4000-8000-0000000000bb");
    xg_pdomains_free(&now);
    /* a is destroyed */
    g_n = 2;
    g_now += 2000000000;
    assert_int_equal(xg_xen_cpu_read(p, &l.v[2], &c), -1);
    /* the hypervisor cannot be read: every domain reads as gone */
    g_fail_snap = 1;
    g_now += 2000000000;
    assert_int_equal(xg_xen_cpu_read(p, &l.v[0], &c), -1);
    assert_int_equal(xg_xen_discover(p, &now, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "xen"));
    for (size_t i = 0; i < l.n; i++)
        xg_xen_release(p, &l.v[i]);
    xg_pdomains_free(&l);
    xg_xen_close(p);
}

/* `xl reboot`: the same uuid comes back under a new domid. The old life
 * reads as gone, the listing has the same key with the new domid: what
 * restart.c takes for a new life (test_restart.c has its rules). */
static void test_reboot(void **state)
{
    xg_platform *p = open_fake();
    xg_pdomains l = {0}, now = {0};
    xg_cpu_counters c;
    char err[256];

    (void)state;
    list_prepared(p, &l);
    assert_int_equal(l.v[2].info.platform_id, 7);
    g_dom[2].domid = 8;
    g_dom[2].cpu_ns = 3;
    g_now += 1000000000;
    assert_int_equal(xg_xen_cpu_read(p, &l.v[2], &c), -1);
    assert_int_equal(xg_xen_discover(p, &now, err, sizeof(err)), 0);
    assert_int_equal(now.n, 3);
    assert_string_equal(now.v[2].info.key, l.v[2].info.key);
    assert_int_equal(now.v[2].info.platform_id, 8);
    assert_int_equal(xg_xen_prepare(p, &now.v[2], err, sizeof(err)), 0);
    assert_int_equal(xg_xen_cpu_read(p, &now.v[2], &c), 0);
    assert_int_equal(c.usage_ns, 3);
    xg_xen_release(p, &now.v[2]);
    xg_pdomains_free(&now);
    for (size_t i = 0; i < l.n; i++)
        xg_xen_release(p, &l.v[i]);
    xg_pdomains_free(&l);
    xg_xen_close(p);
}

/* ---- the net and cpu collectors on the fake (issue 11) ---- */

extern const xg_collector xg_collector_net;
extern const xg_collector xg_collector_cpu;

static const xg_platform_ops xen_ops = {
    .name = "xen",
    .prepare = xg_xen_prepare,
    .cpu_read = xg_xen_cpu_read,
    .vcpu_read = xg_xen_vcpu_read,
    .net_read = xg_xen_net_read,
    .release = xg_xen_release,
    .tick = xg_xen_tick,
};

/* Value of domain d's series (family, device, metric) at tick t. */
static uint64_t value_at(const xg_ctx *ctx, size_t d, const char *family,
                         const char *dev, const char *metric, uint32_t t)
{
    int64_t s = xg_store_find_series(&ctx->store, ctx->store_dom[d], family,
                                     dev, metric);

    if (s < 0)
        fail_msg("no series %s %s %s", family, dev, metric);
    return xg_store_get(&ctx->store, (uint32_t)s, t);
}

/* b's vif40.1 is plugged in at tick 3 (its line new after a whole read of
 * dom0's /proc/net/dev: from_zero) and its vCPU 1, offline and never run,
 * comes online then: both start at 0 at b's first reading (tick 0), so all
 * their bytes and time are in the window. vif40.0 and vCPU 0, there from
 * the start, are as read. */
static void test_collectors_late(void **state)
{
    xg_options o = {.interval_s = 1.0, .families = XG_FAM_CPU | XG_FAM_NET};
    xg_ctx ctx = {.opt = &o, .ops = &xen_ops};
    const xg_collector *col[2] = {&xg_collector_net, &xg_collector_cpu};
    void *st[2] = {NULL, NULL};
    uint32_t sd[3];
    int gone[3] = {0};
    char err[256] = "";

    (void)state;
    g_dom[1].n_vcpu = 2;
    g_dom[1].vcpu_off[1] = true;
    g_dom[1].n_net = 1;
    ctx.plat = open_fake();
    list_prepared(ctx.plat, &ctx.doms);
    assert_int_equal(ctx.doms.n, 3);
    assert_string_equal(ctx.doms.v[1].info.name, "b");
    xg_store_init(&ctx.store, 8);
    for (size_t i = 0; i < 3; i++)
        sd[i] = (uint32_t)xg_store_add_domain(&ctx.store,
                                              &ctx.doms.v[i].info);
    ctx.store_dom = sd;
    ctx.gone = gone;
    for (int k = 0; k < 2; k++)
        assert_int_equal(col[k]->start(&ctx, &st[k], err, sizeof(err)), 0);
    for (int t = 0; t < 6; t++) {
        g_now += 1000000000;
        g_dom[1].net[0].tx_bytes += 1000; /* the guest receives */
        g_dom[1].vcpu_ns[0] += 100;
        if (t == 3) {
            g_dom[1].n_net = 2;
            g_dom[1].net[1].tx_bytes = 9000;
            g_dom[1].net[1].from_zero = true;
            g_dom[1].vcpu_off[1] = false;
            g_dom[1].vcpu_ns[1] = 300;
        }
        assert_int_equal(xg_store_tick(&ctx.store, g_now, g_now), t);
        xg_xen_tick(ctx.plat);
        for (int k = 0; k < 2; k++)
            col[k]->sample(&ctx, st[k]);
    }
    for (int k = 0; k < 2; k++)
        col[k]->stop(&ctx, st[k]);
    /* plugged in at tick 3: 0 at tick 0 */
    assert_true(value_at(&ctx, 1, "net", "vif40.1", "rx_bytes", 0) == 0);
    assert_true(value_at(&ctx, 1, "net", "vif40.1", "rx_bytes", 2) == 0);
    assert_true(value_at(&ctx, 1, "net", "vif40.1", "rx_bytes", 3) == 9000);
    assert_true(value_at(&ctx, 1, "cpu", "vcpu1", "usage", 0) == 0);
    assert_true(value_at(&ctx, 1, "cpu", "vcpu1", "usage", 3) == 300);
    /* there from the start: as read */
    assert_true(value_at(&ctx, 1, "net", "vif40.0", "rx_bytes", 0) == 51000);
    assert_true(value_at(&ctx, 1, "cpu", "vcpu0", "usage", 0) == 150);
    xg_store_free(&ctx.store);
    for (size_t i = 0; i < ctx.doms.n; i++)
        xg_xen_release(ctx.plat, &ctx.doms.v[i]);
    xg_pdomains_free(&ctx.doms);
    xg_xen_close(ctx.plat);
}

static void test_open_fails(void **state)
{
    xg_options o = {.interval_s = 1.0};
    char err[256] = "";

    (void)state;
    g_fail_open = 1;
    assert_null(xg_xen_open_with(&fake, &o, err, sizeof(err)));
    assert_string_equal(err, "xen platform: cannot open");
}

static void test_vbd_names(void **state)
{
    static const struct { unsigned dev; const char *name; } t[] = {
        {51712, "xvda"}, {51713, "xvda1"}, {51728, "xvdb"},
        {(202u << 8) | (15u << 4) | 3, "xvdp3"},
        {(1u << 28) | (26u << 8), "xvdaa"}, {(1u << 28) | (27u << 8) | 2,
                                             "xvdab2"},
        {768, "hda"}, {769, "hda1"}, {832, "hdb"}, {5632, "hdc"},
        {2048, "sda"}, {2066, "sdb2"}, {12345, "vbd12345"},
        {(1u << 28) | (0xfffffu << 8), "vbd536870656"},
    };
    char buf[32];

    (void)state;
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        xg_xen_vbd_name(t[i].dev, buf, sizeof(buf));
        assert_string_equal(buf, t[i].name);
    }
}

/* changed(): one cheap domid list against the last snapshot. */
static void test_changed(void **state)
{
    xg_options o = {.interval_s = 1.0};
    xg_platform *p = open_fake(), *q;
    xg_pdomains l = {0};
    char err[256];

    (void)state;
    assert_true(xg_xen_changed(p)); /* no snapshot yet: look */
    assert_int_equal(xg_xen_discover(p, &l, err, sizeof(err)), 0);
    xg_pdomains_free(&l);
    g_domids_calls = 0;
    assert_false(xg_xen_changed(p));
    assert_int_equal(g_domids_calls, 1);
    g_dom[g_n++] = (fake_dom){.domid = 99, .name = "new", .uuid = UZ};
    assert_true(xg_xen_changed(p)); /* one came */
    assert_int_equal(xg_xen_discover(p, &l, err, sizeof(err)), 0);
    xg_pdomains_free(&l);
    assert_false(xg_xen_changed(p));
    g_dom[1].domid = 41; /* one went, another came: same count */
    assert_true(xg_xen_changed(p));
    g_n--;
    assert_true(xg_xen_changed(p)); /* one went */
    xg_xen_close(p);

    q = xg_xen_open_with(&fake_no_domids, &o, err, sizeof(err));
    assert_non_null(q);
    assert_int_equal(xg_xen_discover(q, &l, err, sizeof(err)), 0);
    xg_pdomains_free(&l);
    assert_true(xg_xen_changed(q)); /* nobody can tell: look */
    xg_xen_close(q);
}

/* A CPU time that goes backwards is a gap and a note, not a reset. */
static void test_cpu_backwards(void **state)
{
    xg_platform *p = open_fake();
    xg_pdomains l = {0};
    xg_cpu_counters c;
    char err[256];

    (void)state;
    assert_null(xg_xen_note(p, XG_FAM_CPU));
    assert_int_equal(xg_xen_discover(p, &l, err, sizeof(err)), 0);
    assert_int_equal(xg_xen_prepare(p, &l.v[0], err, sizeof(err)), 0);
    assert_int_equal(xg_xen_cpu_read(p, &l.v[0], &c), 0);
    assert_int_equal(c.have, XG_CPU_USAGE);
    assert_int_equal(c.usage_ns, 1000);
    g_dom[0].cpu_ns = 0; /* a bad reading */
    g_now += 2000000000;
    assert_int_equal(xg_xen_cpu_read(p, &l.v[0], &c), 0);
    assert_int_equal(c.have, 0);
    assert_string_equal(xg_xen_note(p, XG_FAM_CPU), "1 reading of a domain's "
                        "CPU time went backwards (libxenstat) and was left out");
    assert_null(xg_xen_note(p, XG_FAM_DISK));
    g_dom[0].cpu_ns = 1500;
    g_now += 2000000000;
    assert_int_equal(xg_xen_cpu_read(p, &l.v[0], &c), 0);
    assert_int_equal(c.have, XG_CPU_USAGE);
    assert_int_equal(c.usage_ns, 1500);
    xg_xen_release(p, &l.v[0]);
    xg_pdomains_free(&l);
    xg_xen_close(p);
}

static void test_caps(void **state)
{
    (void)state;
    assert_true(xg_xen_caps_is_dom0("control_d\n"));
    assert_true(xg_xen_caps_is_dom0("control_d"));
    assert_false(xg_xen_caps_is_dom0(""));
    assert_false(xg_xen_caps_is_dom0("\n"));
    assert_false(xg_xen_caps_is_dom0("not_control_d\n"));
}

/* domain_env: the memory and the union of the vCPUs' affinity the backend
 * gives, for the domain's own domid; none for the host row or a domain
 * gone. */
static void test_domain_env(void **state)
{
    xg_platform *p = open_fake();
    xg_pdomains l = {0};
    xg_domain_env e;

    (void)state;
    g_dom[1].mem_kib = 1048576 + 8192;   /* b, domid 40 */
    g_dom[1].aff[0][0] = 0xff;           /* all of 12 CPUs */
    g_dom[1].aff[0][1] = 0xff;
    g_dom[2].mem_kib = 524288;           /* a, domid 7 */
    g_dom[2].aff[0][0] = 0x06;           /* CPUs 1, 2 */
    g_dom[2].aff[1][0] = 0x08;           /* CPU 3 */
    g_dom[2].aff[1][1] = 0x80;           /* CPU 15 */
    list_prepared(p, &l);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[2].info.name, "a");
    memset(&e, 0, sizeof(e));
    assert_int_equal(xg_xen_domain_env(p, &l.v[2], &e), 0);
    assert_int_equal(e.memory_kib, 524288);
    assert_string_equal(e.pinning, "1-3,15");
    assert_string_equal(e.version, "");
    g_ncpus = 12;
    memset(&e, 0, sizeof(e));
    assert_int_equal(xg_xen_domain_env(p, &l.v[1], &e), 0);
    assert_int_equal(e.memory_kib, 1048576 + 8192);
    assert_string_equal(e.pinning, "0-11");
    memset(&e, 0, sizeof(e));
    assert_int_equal(xg_xen_domain_env(p, &l.v[0], &e), -1); /* dom0 */
    g_dom[2].dying = true;
    g_now += 2000000000; /* the next snapshot sees it */
    assert_int_equal(xg_xen_domain_env(p, &l.v[2], &e), -1);
    for (size_t i = 0; i < l.n; i++)
        xg_xen_release(p, &l.v[i]);
    xg_pdomains_free(&l);
    xg_xen_close(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_discover, setup),
        cmocka_unit_test_setup(test_long_name, setup),
        cmocka_unit_test_setup(test_cpu_one_snapshot_per_sample, setup),
        cmocka_unit_test_setup(test_disk, setup),
        cmocka_unit_test_setup(test_net, setup),
        cmocka_unit_test_setup(test_gone_and_reused, setup),
        cmocka_unit_test_setup(test_reboot, setup),
        cmocka_unit_test_setup(test_open_fails, setup),
        cmocka_unit_test_setup(test_vbd_names, setup),
        cmocka_unit_test_setup(test_caps, setup),
        cmocka_unit_test_setup(test_changed, setup),
        cmocka_unit_test_setup(test_cpu_backwards, setup),
        cmocka_unit_test_setup(test_tick0_fresh, setup),
        cmocka_unit_test_setup(test_collectors_late, setup),
        cmocka_unit_test_setup(test_domain_env, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

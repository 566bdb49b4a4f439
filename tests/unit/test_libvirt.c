/* test_libvirt.c — the libvirt platform's logic on a canned backend (no
 * daemon, no libvirt needed): records of typed parameters as
 * virConnectGetAllDomainStats gives them (field names from a real
 * `virsh domstats` of a lab domain) parsed into figures, keys by uuid, one
 * snapshot per sample, figures libvirt left out (NOWAIT) as gaps with the
 * samples named, a domain gone, the connection lost, the watched-only
 * call and the address. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/options.h"
#include "platform/libvirt/lv.h"
#include "util/cpulist.h"

#define U1 "6ee38636-b398-4426-92cd-6c4f976b9e4a"
#define U2 "25356d90-fb77-433f-aa7f-d9e6e189028d"

#define ULL(f, v) ((xg_lv_param){f, LV_P_ULLONG, (v), 0, NULL})
#define INT(f, v) ((xg_lv_param){f, LV_P_INT, (uint64_t)(v), 0, NULL})
#define STR(f, v) ((xg_lv_param){f, LV_P_STRING, 0, 0, v})

/* One domain as the fake daemon holds it: its record's parameters. */
typedef struct fake_dom {
    const char *name, *uuid;
    int id;
    xg_lv_param p[48];
    size_t n;
} fake_dom;

static fake_dom g_dom[3];
static size_t g_n;
static int64_t g_now;
static int g_fail_snap, g_snaps;
static size_t g_last_n_uuids; /* the watched-only call's count; 99 = all */
static const char *g_addr;
static int g_calls; /* disk figures handed out */

static void *f_open(const char *uri, int tmo, char *err, size_t errlen)
{
    (void)tmo;
    if (strcmp(uri, "bad:///") == 0) {
        snprintf(err, errlen, "cannot connect to libvirt at %s: no", uri);
        return NULL;
    }
    return &g_n;
}

static unsigned g_groups; /* what the last snapshot asked for */

static int f_snapshot(void *h, unsigned groups, const char *const *uuids,
                      size_t n, xg_lv_snap *s, char *err, size_t errlen)
{
    (void)h;
    g_snaps++;
    g_groups = groups;
    g_last_n_uuids = uuids ? n : 99;
    if (g_fail_snap) {
        snprintf(err, errlen, "End of file while reading data");
        return -1;
    }
    for (size_t i = 0; i < g_n; i++) {
        bool want = !uuids;
        for (size_t k = 0; uuids && k < n; k++)
            want |= strcmp(uuids[k], g_dom[i].uuid) == 0;
        if (want)
            assert_int_equal(xg_lv_snap_add(s, g_dom[i].name, g_dom[i].uuid,
                                            g_dom[i].id, g_dom[i].p,
                                            g_dom[i].n), 0);
    }
    return 0;
}

static void f_close(void *h) { (void)h; }
static int64_t f_now(void) { return g_now; }

static int f_address(void *h, const char *uuid, char *buf, size_t len,
                     char *why, size_t whylen)
{
    (void)h;
    (void)uuid;
    if (!g_addr) {
        snprintf(why, whylen, "no agent");
        return -1;
    }
    snprintf(buf, len, "%s", g_addr);
    return 0;
}

/* The fake's domain_env: g_kib, and g_nv vCPU maps of g_ncpus CPUs. */
static uint64_t g_kib;
static uint8_t g_maps[4][2];
static size_t g_nv, g_ncpus;
static char g_env_uuid[40];

static int f_env(void *h, const char *uuid, uint64_t *kib, xg_lv_map_cb cb,
                 void *arg)
{
    (void)h;
    snprintf(g_env_uuid, sizeof(g_env_uuid), "%s", uuid);
    if (!g_kib && !g_nv)
        return -1;
    *kib = g_kib;
    for (size_t i = 0; i < g_nv; i++)
        cb(arg, g_maps[i], g_ncpus);
    return 0;
}

static const xg_lv_backend fake = {
    .open = f_open, .snapshot = f_snapshot, .close = f_close,
    .now_ns = f_now, .address = f_address, .env = f_env,
};

static void add(fake_dom *d, xg_lv_param p)
{
    assert_true(d->n < sizeof(d->p) / sizeof(d->p[0]));
    d->p[d->n++] = p;
}

/* The record of a running lab domain (virsh domstats, libvirt 9.0). */
static void lab_dom(fake_dom *d, const char *name, const char *uuid, int id,
                    uint64_t cpu)
{
    memset(d, 0, sizeof(*d));
    d->name = name;
    d->uuid = uuid;
    d->id = id;
    add(d, INT("state.state", 1));
    add(d, INT("state.reason", 1));
    add(d, ULL("cpu.time", cpu));
    add(d, ULL("cpu.user", cpu / 4 * 3));
    add(d, ULL("cpu.system", cpu / 4));
    add(d, STR("dirtyrate.calc_mode", "page-sampling"));
    add(d, ULL("balloon.current", 131072));
    add(d, INT("vcpu.current", 1));
    add(d, INT("vcpu.maximum", 1));
    add(d, INT("vcpu.0.state", 1));
    add(d, ULL("vcpu.0.time", cpu - 1000));
    add(d, ULL("vcpu.0.wait", 0));
    add(d, ULL("vcpu.0.delay", 6515852048ULL));
    add(d, INT("net.count", 1));
    add(d, STR("net.0.name", "xg699866ea40"));
    add(d, ULL("net.0.rx.bytes", 90));
    add(d, ULL("net.0.rx.pkts", 1));
    add(d, ULL("net.0.rx.errs", 0));
    add(d, ULL("net.0.rx.drop", 2));
    add(d, ULL("net.0.tx.bytes", 300));
    add(d, ULL("net.0.tx.pkts", 3));
    add(d, ULL("net.0.tx.errs", 0));
    add(d, ULL("net.0.tx.drop", 0));
    add(d, INT("block.count", 1));
    add(d, STR("block.0.name", "vda"));
    add(d, STR("block.0.path", "/var/tmp/x/vm1.img"));
    add(d, INT("block.0.backingIndex", 1));
    add(d, ULL("block.0.rd.reqs", 3));
    add(d, ULL("block.0.rd.bytes", 12288));
    add(d, ULL("block.0.rd.times", 423180));
    add(d, ULL("block.0.wr.reqs", 32));
    add(d, ULL("block.0.wr.bytes", 33554432));
    add(d, ULL("block.0.wr.times", 52000000));
    add(d, ULL("block.0.capacity", 67108864));
}

/* Drops the parameter named f from d's record. */
static void drop(fake_dom *d, const char *f)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->p[i].field, f) == 0) {
            memmove(&d->p[i], &d->p[i + 1], (d->n - i - 1) * sizeof(d->p[0]));
            d->n--;
            return;
        }
    fail_msg("no %s", f);
}

static void set(fake_dom *d, const char *f, uint64_t v)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->p[i].field, f) == 0) {
            d->p[i].u = v;
            return;
        }
    fail_msg("no %s", f);
}

static xg_options g_o;

static int setup(void **state)
{
    (void)state;
    g_n = 2;
    lab_dom(&g_dom[0], "vm1", U1, 1, 8579164000ULL);
    lab_dom(&g_dom[1], "vm2", U2, 2, 1000000000ULL);
    g_now = 1000000000;
    g_fail_snap = g_snaps = g_calls = 0;
    g_addr = NULL;
    g_kib = 0;
    g_nv = g_ncpus = 0;
    memset(g_maps, 0, sizeof(g_maps));
    xg_options_defaults(&g_o);
    g_o.interval_s = 1.0;
    return 0;
}

/* The platform opened and its domains discovered and prepared. */
static xg_platform *open_all(xg_pdomains *l)
{
    char err[512] = "";
    xg_platform *p = xg_lv_open_with(&fake, &g_o, err, sizeof(err));

    assert_non_null(p);
    assert_int_equal(xg_lv_discover(p, l, err, sizeof(err)), 0);
    for (size_t i = 0; i < l->n; i++)
        assert_int_equal(xg_lv_prepare(p, &l->v[i], err, sizeof(err)), 0);
    return p;
}

static void close_all(xg_platform *p, xg_pdomains *l)
{
    for (size_t i = 0; i < l->n; i++)
        xg_lv_release(p, &l->v[i]);
    xg_lv_close(p);
    xg_pdomains_free(l);
}

static void test_discover(void **state)
{
    xg_pdomains l = {0};
    xg_platform *p;

    (void)state;
    lab_dom(&g_dom[2], "off", "11111111-2222-3333-4444-555555555555", -1, 0);
    set(&g_dom[2], "state.state", LV_STATE_SHUTOFF);
    g_n = 3;
    p = open_all(&l);
    assert_int_equal(l.n, 3); /* host, vm1, vm2; not the shut-off one */
    assert_true(l.v[0].info.is_host);
    assert_string_equal(l.v[1].info.key, "libvirt:" U1);
    assert_string_equal(l.v[1].info.name, "vm1");
    assert_string_equal(l.v[1].info.uuid, U1);
    assert_int_equal(l.v[1].info.platform_id, 1);
    assert_int_equal(l.v[1].info.vcpus, 1);
    assert_null(l.v[1].info.address); /* {addr} not in the template */
    assert_string_equal(l.v[2].info.name, "vm2");
    close_all(p, &l);
}

static void on_disk(void *arg, const xg_disk_counters *c)
{
    xg_disk_counters *out = arg;

    *out = *c;
    out->device = strdup(c->device); /* valid during the call only */
}

static void on_net(void *arg, const xg_net_counters *c)
{
    xg_net_counters *out = arg;

    *out = *c;
    out->device = strdup(c->device);
}

static void on_vcpu(void *arg, int vcpu, const xg_cpu_counters *c)
{
    xg_cpu_counters *out = arg;

    assert_int_equal(vcpu, 0);
    *out = *c;
}

static void test_figures(void **state)
{
    xg_pdomains l = {0};
    xg_platform *p;
    xg_cpu_counters c, v = {0};
    xg_disk_counters d = {0};
    xg_net_counters n = {0};

    (void)state;
    p = open_all(&l);
    assert_int_equal(xg_lv_cpu_read(p, &l.v[1], &c), 0);
    assert_int_equal(c.have, XG_CPU_USAGE | XG_CPU_USER | XG_CPU_SYSTEM);
    assert_int_equal(c.usage_ns, 8579164000ULL);
    assert_int_equal(c.user_ns, 8579164000ULL / 4 * 3);
    assert_int_equal(c.system_ns, 8579164000ULL / 4);
    assert_int_equal(xg_lv_vcpu_read(p, &l.v[1], on_vcpu, &v), 0);
    assert_int_equal(v.have, XG_CPU_USAGE | XG_CPU_WAIT);
    assert_int_equal(v.usage_ns, 8579164000ULL - 1000);
    assert_int_equal(v.wait_ns, 6515852048ULL); /* delay, not wait's 0 */
    assert_int_equal(xg_lv_disk_read(p, &l.v[1], on_disk, &d), 0);
    assert_string_equal(d.device, "vda");
    assert_string_equal(d.source, "libvirt");
    assert_int_equal(d.rd_bytes, 12288);
    assert_int_equal(d.wr_bytes, 33554432);
    assert_int_equal(d.rd_ios, 3);
    assert_int_equal(d.wr_ios, 32);
    assert_true(d.have_ios && d.have_time);
    assert_int_equal(d.rd_time_ns, 423180);
    assert_int_equal(d.wr_time_ns, 52000000);
    assert_int_equal(xg_lv_net_read(p, &l.v[1], on_net, &n), 0);
    assert_string_equal(n.device, "xg699866ea40");
    /* libvirt's tap figures are already the guest's view: not swapped */
    assert_int_equal(n.rx_bytes, 90);
    assert_int_equal(n.tx_bytes, 300);
    assert_int_equal(n.rx_packets, 1);
    assert_int_equal(n.tx_packets, 3);
    assert_true(n.have_drops);
    assert_int_equal(n.rx_drops, 2);
    assert_null(xg_lv_note(p, XG_FAM_CPU));
    assert_null(xg_lv_note(p, XG_FAM_DISK));
    assert_null(xg_lv_note(p, XG_FAM_NET));
    free((char *)d.device);
    free((char *)n.device);
    close_all(p, &l);
}

static void count_disk(void *arg, const xg_disk_counters *c)
{
    (void)arg;
    (void)c;
    g_calls++;
}

/* A sample: the clock moves one interval, every read of vm1. */
static void sample(xg_platform *p, xg_pdomains *l, xg_cpu_counters *c)
{
    g_now += 1000000000;
    assert_int_equal(xg_lv_cpu_read(p, &l->v[1], c), 0);
    assert_int_equal(xg_lv_disk_read(p, &l->v[1], count_disk, NULL), 0);
    assert_int_equal(xg_lv_cpu_read(p, &l->v[2], c), 0);
}

static void test_one_snapshot_per_sample(void **state)
{
    xg_pdomains l = {0};
    xg_platform *p;
    xg_cpu_counters c;
    int before;

    (void)state;
    p = open_all(&l);
    before = g_snaps;
    sample(p, &l, &c);
    sample(p, &l, &c);
    assert_int_equal(g_snaps - before, 2);
    /* an early last sample (--until-done) gets a snapshot of its own too,
     * however soon after the one before */
    g_now += 1000;
    assert_int_equal(xg_lv_cpu_read(p, &l.v[1], &c), 0);
    assert_int_equal(g_snaps - before, 3);
    assert_int_equal(g_last_n_uuids, 99); /* no vmfile: every domain */
    close_all(p, &l);
}

/* NOWAIT: a domain whose monitor is busy comes without its block figures
 * (and here without cpu.time): gaps, and the samples named. */
static void test_skipped(void **state)
{
    xg_pdomains l = {0};
    xg_platform *p;
    xg_cpu_counters c;
    const char *note;

    (void)state;
    p = open_all(&l);
    sample(p, &l, &c); /* #0 */
    assert_int_equal(g_calls, 1);
    drop(&g_dom[0], "block.0.rd.bytes");
    drop(&g_dom[0], "block.0.wr.bytes");
    drop(&g_dom[0], "cpu.time");
    g_calls = 0;
    g_now += 1000000000; /* #1, by hand */
    assert_int_equal(xg_lv_cpu_read(p, &l.v[1], &c), 0);
    assert_int_equal(c.have, 0); /* a gap, never 0 */
    assert_int_equal(xg_lv_disk_read(p, &l.v[1], count_disk, NULL), 0);
    assert_int_equal(g_calls, 0);
    sample(p, &l, &c); /* #2 */
    lab_dom(&g_dom[0], "vm1", U1, 1, 9579164000ULL);
    sample(p, &l, &c); /* #3 */
    assert_int_equal(g_calls, 1);
    note = xg_lv_note(p, XG_FAM_DISK);
    assert_non_null(note);
    assert_non_null(strstr(note, "vm1 in 2 samples (#1, #2)"));
    assert_null(strstr(note, "vm2"));
    close_all(p, &l);
}

static void test_missing_fields_said(void **state)
{
    xg_pdomains l = {0};
    xg_platform *p;
    xg_cpu_counters c;
    const char *note;

    (void)state;
    drop(&g_dom[1], "cpu.user");
    drop(&g_dom[1], "block.0.rd.times");
    g_dom[1].n = 0; /* nothing but what follows */
    add(&g_dom[1], INT("state.state", 1));
    add(&g_dom[1], ULL("cpu.time", 5));
    add(&g_dom[1], INT("block.count", 1));
    add(&g_dom[1], STR("block.0.name", "vdb"));
    add(&g_dom[1], ULL("block.0.rd.bytes", 1));
    add(&g_dom[1], ULL("block.0.wr.bytes", 2));
    add(&g_dom[1], INT("net.count", 0));
    p = open_all(&l);
    assert_int_equal(xg_lv_cpu_read(p, &l.v[2], &c), 0);
    assert_int_equal(c.have, XG_CPU_USAGE);
    g_calls = 0;
    assert_int_equal(xg_lv_disk_read(p, &l.v[2], count_disk, NULL), 0);
    assert_int_equal(g_calls, 1);
    assert_int_equal(xg_lv_net_read(p, &l.v[2], on_net, NULL), 0);
    note = xg_lv_note(p, XG_FAM_CPU);
    assert_non_null(note);
    assert_non_null(strstr(note, "user and system time: libvirt gives none "
                                 "for vm2"));
    note = xg_lv_note(p, XG_FAM_DISK);
    assert_non_null(note);
    assert_non_null(strstr(note, "await: libvirt gives no rd/wr times for "
                                 "vm2:vdb"));
    note = xg_lv_note(p, XG_FAM_NET);
    assert_non_null(note);
    assert_non_null(strstr(note, "no vNIC figures from libvirt for vm2"));
    close_all(p, &l);
}

/* Odd records: a string where a number is expected, an index past its
 * group's count or past any believable one, a field without a value. */
static void test_odd_records(void **state)
{
    xg_lv_snap s = {0};
    fake_dom d = {0};

    (void)state;
    add(&d, STR("cpu.time", "12"));
    add(&d, INT("block.count", 1));
    add(&d, STR("block.0.name", "vda"));
    add(&d, ULL("block.0.rd.bytes", 5));
    add(&d, ULL("block.0.wr.bytes", 6));
    add(&d, ULL("block.3.wr.bytes", 7));
    add(&d, ULL("vcpu.5000.time", 8));
    add(&d, ULL("vcpu.x.time", 9));
    add(&d, STR("net.0.name", NULL));
    add(&d, ULL("net.0.rx.bytes", 10));
    assert_int_equal(xg_lv_snap_add(&s, "odd", U1, 3, d.p, d.n), 0);
    assert_int_equal(s.n_dom, 1);
    assert_int_equal(s.dom[0].have & LV_HAVE_CPU, 0);
    assert_int_equal(s.dom[0].n_disk, 1);
    assert_string_equal(s.disk[0].name, "vda");
    assert_int_equal(s.disk[0].wr_bytes, 6);
    assert_true(s.disk[0].have_bytes);
    assert_false(s.disk[0].have_reqs);
    assert_int_equal(s.dom[0].n_vcpu, 0);
    assert_int_equal(s.dom[0].n_net, 1); /* no net.count: the index seen */
    assert_string_equal(s.net[0].name, "net0");
    assert_false(s.net[0].have); /* rx bytes alone are not figures */
    xg_lv_snap_free(&s);
}

static void test_gone_and_lost(void **state)
{
    xg_pdomains l = {0}, again = {0};
    xg_platform *p;
    xg_cpu_counters c;
    char err[700];

    (void)state;
    p = open_all(&l);
    g_n = 1; /* vm2 destroyed */
    g_now += 1000000000;
    assert_int_equal(xg_lv_cpu_read(p, &l.v[1], &c), 0);
    assert_int_equal(xg_lv_cpu_read(p, &l.v[2], &c), -1);
    assert_null(xg_lv_lost(p));
    g_fail_snap = 1; /* libvirtd stopped */
    g_now += 1000000000;
    assert_int_equal(xg_lv_cpu_read(p, &l.v[1], &c), 0);
    assert_int_equal(c.have, 0);
    assert_non_null(xg_lv_lost(p));
    assert_non_null(strstr(xg_lv_lost(p), "libvirt at qemu:///system "
                                          "stopped answering (End of file"));
    assert_int_equal(xg_lv_discover(p, &again, err, sizeof(err)), -1);
    xg_pdomains_free(&again);
    close_all(p, &l);
}

static void test_vmfile_lists(void **state)
{
    xg_pdomains l = {0};
    xg_platform *p;
    xg_cpu_counters c;

    (void)state;
    g_o.vmfile = "vms.txt";
    p = open_all(&l);
    xg_lv_release(p, &l.v[2]); /* only vm1 watched */
    g_now += 1000000000;
    assert_int_equal(xg_lv_cpu_read(p, &l.v[1], &c), 0);
    assert_int_equal(g_last_n_uuids, 1);
    assert_int_equal(c.usage_ns, 8579164000ULL);
    close_all(p, &l);
}

/* libvirtd is asked only for the groups of the families measured. */
static void test_groups(void **state)
{
    xg_pdomains l = {0};
    xg_platform *p;

    (void)state;
    p = open_all(&l);
    assert_int_equal(g_groups, LV_G_STATE | LV_G_CPU | LV_G_VCPU |
                               LV_G_BLOCK | LV_G_NET | LV_G_PERF);
    close_all(p, &l);
    g_o.families = XG_FAM_DISK;
    p = open_all(&l);
    assert_int_equal(g_groups, LV_G_STATE | LV_G_BLOCK | LV_G_VCPU);
    g_now += 1000000000;
    g_calls = 0;
    assert_int_equal(xg_lv_disk_read(p, &l.v[1], count_disk, NULL), 0);
    assert_int_equal(g_groups, LV_G_STATE | LV_G_BLOCK); /* a sample's */
    assert_int_equal(g_calls, 1);
    close_all(p, &l);
}

static void test_address_and_uri(void **state)
{
    xg_pdomains l = {0};
    xg_platform *p;
    char err[256];

    (void)state;
    g_o.exec_tpl = "ssh root@{addr}";
    g_addr = "192.0.2.7";
    p = open_all(&l);
    assert_string_equal(l.v[1].info.address, "192.0.2.7");
    close_all(p, &l);
    g_o.connect_uri = "bad:///";
    assert_null(xg_lv_open_with(&fake, &g_o, err, sizeof(err)));
    assert_string_equal(err, "cannot connect to libvirt at bad:///: no");
}

/* domain_env: the memory as the backend says, the union of the vCPUs'
 * maps as a CPU list; nothing for the host row or when libvirt says
 * nothing. */
static void test_domain_env(void **state)
{
    xg_pdomains l = {0};
    xg_platform *p;
    xg_domain_env e;

    (void)state;
    p = open_all(&l);
    g_kib = 131072;
    g_nv = 2;
    g_ncpus = 8;
    g_maps[0][0] = 0x05; /* CPUs 0, 2 */
    g_maps[1][0] = 0x30; /* CPUs 4, 5 */
    g_maps[1][1] = 0xff; /* beyond ncpus: not CPUs */
    memset(&e, 0, sizeof(e));
    assert_int_equal(xg_lv_domain_env(p, &l.v[2], &e), 0);
    assert_string_equal(g_env_uuid, U2);
    assert_int_equal(e.memory_kib, 131072);
    assert_string_equal(e.pinning, "0,2,4-5");
    assert_string_equal(e.version, "");
    /* every CPU of 12 allowed: the full list */
    g_ncpus = 12;
    g_maps[0][0] = 0xff;
    g_maps[0][1] = 0x0f;
    g_nv = 1;
    memset(&e, 0, sizeof(e));
    assert_int_equal(xg_lv_domain_env(p, &l.v[1], &e), 0);
    assert_string_equal(e.pinning, "0-11");
    memset(&e, 0, sizeof(e));
    assert_int_equal(xg_lv_domain_env(p, &l.v[0], &e), -1); /* host */
    g_kib = 0;
    g_nv = 0;
    assert_int_equal(xg_lv_domain_env(p, &l.v[1], &e), -1);
    close_all(p, &l);
}

static void test_cpulist(void **state)
{
    uint8_t m[3] = {0xee, 0x01, 0x80};
    char b[32];

    (void)state;
    assert_int_equal(xg_cpulist_format(m, 24, b, sizeof(b)), 0);
    assert_string_equal(b, "1-3,5-8,23");
    assert_int_equal(xg_cpulist_format(m, 23, b, sizeof(b)), 0);
    assert_string_equal(b, "1-3,5-8");
    assert_int_equal(xg_cpulist_format(m, 0, b, sizeof(b)), 0);
    assert_string_equal(b, "");
    assert_int_equal(xg_cpulist_format(m, 24, b, 10), -1); /* "1-3,5-8,2" */
    assert_string_equal(b, "");
    assert_int_equal(xg_cpulist_format(m, 24, b, 11), 0);
    assert_string_equal(b, "1-3,5-8,23");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_discover, setup),
        cmocka_unit_test_setup(test_figures, setup),
        cmocka_unit_test_setup(test_one_snapshot_per_sample, setup),
        cmocka_unit_test_setup(test_skipped, setup),
        cmocka_unit_test_setup(test_missing_fields_said, setup),
        cmocka_unit_test_setup(test_odd_records, setup),
        cmocka_unit_test_setup(test_gone_and_lost, setup),
        cmocka_unit_test_setup(test_vmfile_lists, setup),
        cmocka_unit_test_setup(test_address_and_uri, setup),
        cmocka_unit_test_setup(test_groups, setup),
        cmocka_unit_test_setup(test_domain_env, setup),
        cmocka_unit_test(test_cpulist),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

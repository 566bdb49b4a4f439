/* test_net.c — the NET readers' parsers on real text: /proc/net/dev of a
 * host and of a network namespace (kernel 6.18, read on the test VM), the
 * old kernels' "%6s:%8llu" lines, garbage; the held-descriptor reader
 * through a root, growing with the file; a tun descriptor's fdinfo; an
 * interface made mid-run counted from 0 (the reader's from_zero, then the
 * net collector on the cgroup platform over the netns fixture). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "collect/collector.h"
#include "platform/netdev.h"
#include "platform/qemu/qemu_proc.h"
#include "util/root.h"

/* The test VM's /proc/net/dev, as read. */
static const char host_dev[] =
    "Inter-|   Receive                                                |  "
    "Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|"
    "bytes    packets errs drop fifo colls carrier compressed\n"
    "    lo:    6722      61    0    0    0     0          0         0    "
    " 6722      61    0    0    0     0       0          0\n"
    "  ifb0:       0       0    0    0    0     0          0         0    "
    "    0       0    0    0    0     0       0          0\n"
    "  ifb1:       0       0    0    0    0     0          0         0    "
    "    0       0    0    0    0     0       0          0\n"
    "  eth0: 577993610   16133    0    0    0     0          0         0 "
    "  723446    9892    0    0    0     0       0          0\n";

/* /proc/PID/net/dev of a process in a network namespace with a veth end,
 * while ~1 MB/s left it (tests/fixtures/net/snap2). */
static const char ns_dev[] =
    "Inter-|   Receive                                                |  "
    "Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|"
    "bytes    packets errs drop fifo colls carrier compressed\n"
    "    lo:       0       0    0    0    0     0          0         0    "
    "    0       0    0    0    0     0       0          0\n"
    "xgfix1:   14120     214    0    0    0     0          0         0  "
    "1717986     269    0    0    0     0       0          0\n";

typedef struct seen {
    int n;
    char dev[8][32], src[8][16];
    xg_net_counters c[8];
} seen;

static void on_net(void *arg, const xg_net_counters *c)
{
    seen *s = arg;

    assert_true(s->n < 8);
    snprintf(s->dev[s->n], 32, "%s", c->device);
    snprintf(s->src[s->n], 16, "%s", c->source ? c->source : "");
    s->c[s->n++] = *c;
}

static void test_parse_real(void **state)
{
    xg_netdev d;
    seen s = {0};

    (void)state;
    assert_int_equal(xg_netdev_parse_line(
        "  eth0: 577993610   16133    0    0    0     0          0         0"
        "   723446    9892    0    0    0     0       0          0\n", &d), 0);
    assert_string_equal(d.name, "eth0");
    assert_true(d.rx_bytes == 577993610u && d.rx_packets == 16133 &&
                d.tx_bytes == 723446 && d.tx_packets == 9892 &&
                d.rx_errs == 0 && d.tx_drop == 0);
    /* every interface but lo, in file order, as the namespace counts it */
    assert_int_equal(xg_netdev_each(host_dev, "proc-net-dev", on_net, &s), 3);
    assert_string_equal(s.dev[0], "ifb0");
    assert_string_equal(s.dev[1], "ifb1");
    assert_string_equal(s.dev[2], "eth0");
    assert_string_equal(s.src[2], "proc-net-dev");
    assert_true(s.c[2].rx_bytes == 577993610u && s.c[2].tx_bytes == 723446);
    assert_true(s.c[2].have_drops && s.c[2].have_errors);
    memset(&s, 0, sizeof(s));
    assert_int_equal(xg_netdev_each(ns_dev, "netns", on_net, &s), 1);
    assert_string_equal(s.dev[0], "xgfix1");
    assert_true(s.c[0].rx_bytes == 14120 && s.c[0].rx_packets == 214 &&
                s.c[0].tx_bytes == 1717986 && s.c[0].tx_packets == 269);
}

static void test_parse_fields(void **state)
{
    xg_netdev d;

    (void)state;
    /* each of the 16 columns where it belongs: rx bytes packets errs drop
     * fifo frame compressed multicast, tx bytes packets errs drop fifo
     * colls carrier compressed */
    assert_int_equal(xg_netdev_parse_line(
        "veth1a2b3c4d5e6: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", &d), 0);
    assert_string_equal(d.name, "veth1a2b3c4d5e6"); /* 15, IFNAMSIZ - 1 */
    assert_true(d.rx_bytes == 1 && d.rx_packets == 2 && d.rx_errs == 3 &&
                d.rx_drop == 4 && d.tx_bytes == 9 && d.tx_packets == 10 &&
                d.tx_errs == 11 && d.tx_drop == 12);
    /* 2.6 kernels: "%6s:%8llu", a big first number touches the colon */
    assert_int_equal(xg_netdev_parse_line(
        "  eth0:1234567890 7654321    0    5    0     0          0         0"
        " 987654321 1234567    0    2    0     0       0          0", &d), 0);
    assert_true(d.rx_bytes == 1234567890u && d.rx_drop == 5 &&
                d.tx_bytes == 987654321u && d.tx_drop == 2);
    /* 64-bit counters */
    assert_int_equal(xg_netdev_parse_line(
        "vif7.0: 18446744073709551615 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n", &d),
        0);
    assert_string_equal(d.name, "vif7.0");
    assert_true(d.rx_bytes == UINT64_MAX);
    /* trailing blanks */
    assert_int_equal(xg_netdev_parse_line(
        "a: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16  \t\n", &d), 0);
}

static void test_parse_garbage(void **state)
{
    xg_netdev d;
    char longname[200];
    seen s = {0};

    (void)state;
    /* the two header lines */
    assert_int_equal(xg_netdev_parse_line(host_dev, &d), -1);
    assert_int_equal(xg_netdev_parse_line(strchr(host_dev, '\n') + 1, &d),
                     -1);
    assert_int_equal(xg_netdev_parse_line("", &d), -1);
    assert_int_equal(xg_netdev_parse_line("\n", &d), -1);
    assert_int_equal(xg_netdev_parse_line(": 1 2 3 4 5 6 7 8 9 10 11 12 "
                                          "13 14 15 16", &d), -1);
    assert_int_equal(xg_netdev_parse_line("eth0: 1 2 3 4 5 6 7 8 9 10 11 "
                                          "12 13 14 15", &d), -1); /* 15 */
    assert_int_equal(xg_netdev_parse_line("eth0: 1 2 3 4 5 6 7 8 9 10 11 "
                                          "12 13 14 15 16 17", &d), -1);
    assert_int_equal(xg_netdev_parse_line("eth0: 1 2 3 x 5 6 7 8 9 10 11 "
                                          "12 13 14 15 16", &d), -1);
    assert_int_equal(xg_netdev_parse_line("eth0: 18446744073709551616 2 3 "
                                          "4 5 6 7 8 9 10 11 12 13 14 15 16",
                                          &d), -1); /* 2^64 */
    assert_int_equal(xg_netdev_parse_line("eth 0: 1 2 3 4 5 6 7 8 9 10 11 "
                                          "12 13 14 15 16", &d), -1);
    assert_int_equal(xg_netdev_parse_line("a/b: 1 2 3 4 5 6 7 8 9 10 11 "
                                          "12 13 14 15 16", &d), -1);
    assert_int_equal(xg_netdev_parse_line("eth0 1 2 3 4 5 6 7 8 9 10 11 "
                                          "12 13 14 15 16", &d), -1);
    snprintf(longname, sizeof(longname), "%040d: 1 2 3 4 5 6 7 8 9 10 11 12 "
             "13 14 15 16", 0);
    assert_int_equal(xg_netdev_parse_line(longname, &d), -1);
    /* a file of garbage: nothing, and no crash on a last line without \n */
    assert_int_equal(xg_netdev_each("junk\nmore junk: 1 2", "x", on_net, &s),
                     0);
    assert_int_equal(xg_netdev_each("", "x", on_net, &s), 0);
    assert_int_equal(s.n, 0);
}

static char root[64];

static int teardown(void **state)
{
    char cmd[200];

    (void)state;
    xg_root_set(NULL);
    if (root[0]) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        assert_int_equal(system(cmd), 0);
    }
    root[0] = '\0';
    return 0;
}

/* Writes root/proc/net/dev: the headers and n interfaces "ethK" with rx
 * bytes K * 1000 + add (lo first). Rewritten in place (same inode). */
static void write_dev(int n, int add)
{
    char path[128];
    FILE *f;

    snprintf(path, sizeof(path), "%s/proc/net/dev", root);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("Inter-|   Receive                                                |"
          "  Transmit\n face |bytes    packets errs drop fifo frame "
          "compressed multicast|bytes    packets errs drop fifo colls "
          "carrier compressed\n", f);
    fputs("    lo:    6722      61    0    0    0     0          0         0"
          "     6722      61    0    0    0     0       0          0\n", f);
    for (int k = 0; k < n; k++)
        fprintf(f, "eth%d: %7d %7d    0    1    0     0          0         0"
                " %8d %7d    0    2    0     0       0          0\n", k,
                k * 1000 + add, k, k * 10, k);
    fclose(f);
}

static int count_cb_n;
static uint64_t count_cb_last;
static void count_cb(void *arg, const xg_net_counters *c)
{
    (void)arg;
    count_cb_n++;
    count_cb_last = c->rx_bytes;
    assert_true(c->rx_drops == 1 && c->tx_drops == 2);
}

static void test_reader(void **state)
{
    xg_netdev_file f;
    char path[128];
    size_t cap;

    (void)state;
    snprintf(root, sizeof(root), "/tmp/xg-test-net-XXXXXX");
    assert_non_null(mkdtemp(root));
    snprintf(path, sizeof(path), "%s/proc", root);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof(path), "%s/proc/net", root);
    assert_int_equal(mkdir(path, 0755), 0);
    write_dev(3, 0);
    xg_root_set(root);
    assert_int_equal(xg_netdev_open(&f, "/proc/net/dev"), 0);
    cap = f.cap;
    assert_true(cap >= 16 * 1024);
    assert_int_equal(xg_netdev_read(&f, "proc-net-dev", count_cb, NULL), 3);
    assert_int_equal(count_cb_n, 3);
    assert_true(count_cb_last == 2000);
    /* the file grows past the buffer (a host that made 600 veths): read
     * whole, the buffer doubled */
    write_dev(600, 7);
    count_cb_n = 0;
    assert_int_equal(xg_netdev_read(&f, "proc-net-dev", count_cb, NULL), 600);
    assert_int_equal(count_cb_n, 600);
    assert_true(count_cb_last == 599007);
    assert_true(f.cap > cap);
    xg_netdev_close(&f);
    assert_int_equal(f.fd, -1);
    assert_null(f.buf);
    /* opened big: room for twice the file, so samples do not allocate */
    assert_int_equal(xg_netdev_open(&f, "/proc/net/dev"), 0);
    assert_true(f.cap >= 2 * (600 * 100));
    xg_netdev_close(&f);
    /* absent: -1, errno says why */
    assert_int_equal(xg_netdev_open(&f, "/proc/4242/net/dev"), -1);
    assert_int_equal(f.fd, -1);
}

static int fz_n, fz_set;
static void fz_cb(void *arg, const xg_net_counters *c)
{
    (void)arg;
    fz_n++;
    fz_set += c->from_zero;
}

/* Lines are from_zero once the file was read whole by xg_netdev_read (not
 * by the open, which may come long before the first sample). */
static void test_reader_from_zero(void **state)
{
    xg_netdev_file f;
    char path[128];

    (void)state;
    snprintf(root, sizeof(root), "/tmp/xg-test-net-XXXXXX");
    assert_non_null(mkdtemp(root));
    snprintf(path, sizeof(path), "%s/proc", root);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof(path), "%s/proc/net", root);
    assert_int_equal(mkdir(path, 0755), 0);
    write_dev(2, 0);
    xg_root_set(root);
    assert_int_equal(xg_netdev_open(&f, "/proc/net/dev"), 0);
    assert_int_equal(xg_netdev_read(&f, "x", fz_cb, NULL), 2);
    assert_int_equal(fz_set, 0); /* the first read: not known to be new */
    write_dev(3, 0);
    assert_int_equal(xg_netdev_read(&f, "x", fz_cb, NULL), 3);
    assert_int_equal(fz_n, 5);
    assert_int_equal(fz_set, 3);
    xg_netdev_close(&f);
    /* reopened (as after a failed read): not known again */
    assert_int_equal(xg_netdev_open(&f, "/proc/net/dev"), 0);
    fz_n = fz_set = 0;
    assert_int_equal(xg_netdev_read(&f, "x", fz_cb, NULL), 3);
    assert_int_equal(fz_set, 0);
    xg_netdev_close(&f);
    /* xg_netdev_each alone knows no earlier read */
    assert_int_equal(xg_netdev_each("eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 "
                                    "15 16\n", "x", fz_cb, NULL), 1);
    assert_int_equal(fz_set, 0);
}

/* ---- the net collector on the cgroup platform (fixture net/snap1) ---- */

extern const xg_collector xg_collector_net;
extern const xg_platform_ops xg_platform_cgroup;

#define NS_PROCS "sys/fs/cgroup/machine.slice/xg-fix-ns/cgroup.procs"
#define NS_DEV "proc/28133/net/dev"

static void sh(const char *script)
{
    char cmd[1024];

    snprintf(cmd, sizeof(cmd), "cd '%s' && %s", root, script);
    assert_int_equal(system(cmd), 0);
}

/* rx_bytes of domain d's interface dev at tick t (XG_NOVALUE: none). */
static uint64_t rx_at(const xg_ctx *ctx, size_t d, const char *dev,
                      uint32_t t)
{
    int64_t s = xg_store_find_series(&ctx->store, ctx->store_dom[d], "net",
                                     dev, "rx_bytes");

    if (s < 0)
        fail_msg("no rx_bytes series for %s", dev);
    return xg_store_get(&ctx->store, (uint32_t)s, t);
}

static size_t dom_named(const xg_ctx *ctx, const char *name, bool host)
{
    for (size_t i = 0; i < ctx->doms.n; i++)
        if (host ? ctx->doms.v[i].info.is_host
                 : strcmp(ctx->doms.v[i].info.name, name) == 0)
            return i;
    fail_msg("no domain %s", name);
    return 0;
}

/* Issue 11: xg-fix-ns has no process at ticks 0-1; at tick 2 its process
 * shows, in a namespace whose xgfix1 counted before (kept as found); at
 * tick 4 a veth xgnew0 is made in that namespace and its host end xgvh9 in
 * the host's: both are counted from 0 at the domains' first reading
 * (tick 0), so all their bytes are in the window. eth0, there from the
 * start, is as read. */
static void test_collector_late_interface(void **state)
{
    xg_options o = {.platform = "cgroup", .families = XG_FAM_NET};
    xg_ctx ctx = {.opt = &o, .ops = &xg_platform_cgroup};
    uint32_t sd[8];
    int gone[8] = {0};
    char err[512] = "", cmd[600];
    void *st = NULL;
    size_t ns, host;

    (void)state;
    snprintf(root, sizeof(root), "/tmp/xg-test-net-XXXXXX");
    assert_non_null(mkdtemp(root));
    snprintf(cmd, sizeof(cmd), "cp -a '%s/net/snap1/.' .",
             getenv("XG_FIXTURES") ? getenv("XG_FIXTURES") : "tests/fixtures");
    sh(cmd);
    sh(": > " NS_PROCS);
    xg_root_set(root);
    o.root = root;
    ctx.plat = xg_platform_cgroup.open(&o, err, sizeof(err));
    if (!ctx.plat)
        fail_msg("open: %s", err);
    assert_int_equal(xg_platform_cgroup.discover(ctx.plat, &ctx.doms, err,
                                                 sizeof(err)), 0);
    assert_true(ctx.doms.n <= 8);
    xg_store_init(&ctx.store, 8);
    for (size_t i = 0; i < ctx.doms.n; i++) {
        assert_int_equal(xg_platform_cgroup.prepare(ctx.plat, &ctx.doms.v[i],
                                                    err, sizeof(err)), 0);
        sd[i] = (uint32_t)xg_store_add_domain(&ctx.store,
                                              &ctx.doms.v[i].info);
    }
    ctx.store_dom = sd;
    ctx.gone = gone;
    ns = dom_named(&ctx, "xg-fix-ns", false);
    host = dom_named(&ctx, NULL, true);
    assert_int_equal(xg_collector_net.start(&ctx, &st, err, sizeof(err)), 0);
    for (int t = 0; t < 6; t++) {
        if (t == 2)
            sh("echo 28133 > " NS_PROCS);
        if (t == 4) {
            sh("echo 'xgnew0: 3000 30 0 0 0 0 0 0 6000 60 0 0 0 0 0 0' >> "
               NS_DEV);
            sh("echo 'xgvh9: 6000 60 0 0 0 0 0 0 3000 30 0 0 0 0 0 0' >> "
               "proc/net/dev");
        }
        assert_int_equal(xg_store_tick(&ctx.store, (t + 1) * 1000000000LL,
                                       (t + 1) * 1000000000LL), t);
        xg_collector_net.sample(&ctx, st);
    }
    xg_collector_net.stop(&ctx, st);
    /* made mid-run: 0 at tick 0, then what they counted */
    assert_true(rx_at(&ctx, ns, "xgnew0", 0) == 0);
    assert_true(rx_at(&ctx, ns, "xgnew0", 3) == 0); /* no hole */
    assert_true(rx_at(&ctx, ns, "xgnew0", 4) == 3000);
    assert_true(rx_at(&ctx, host, "xgvh9", 0) == 0);
    assert_true(rx_at(&ctx, host, "xgvh9", 5) == 6000);
    /* the namespace's interface, found at tick 2: from its first reading */
    assert_true(rx_at(&ctx, ns, "xgfix1", 0) == XG_NOVALUE);
    assert_true(rx_at(&ctx, ns, "xgfix1", 1) == XG_NOVALUE);
    assert_true(rx_at(&ctx, ns, "xgfix1", 2) == 7244);
    /* there from the start: as read */
    assert_true(rx_at(&ctx, host, "eth0", 0) == 577995094);
    assert_true(rx_at(&ctx, host, "xgfix0", 0) == 807640);
    xg_store_free(&ctx.store);
    for (size_t i = 0; i < ctx.doms.n; i++)
        xg_platform_cgroup.release(ctx.plat, &ctx.doms.v[i]);
    xg_pdomains_free(&ctx.doms);
    xg_platform_cgroup.close(ctx.plat);
}

static void test_fdinfo_iff(void **state)
{
    char name[32];

    (void)state;
    /* a tap's /dev/net/tun descriptor on 6.18, as read */
    assert_int_equal(qp_parse_fdinfo_iff("pos:\t0\nflags:\t02100002\n"
                                         "mnt_id:\t23\nino:\t104\n"
                                         "iff:\txgtap0\n", name,
                                         sizeof(name)), 0);
    assert_string_equal(name, "xgtap0");
    /* a tun descriptor not attached to an interface yet has no iff */
    assert_int_equal(qp_parse_fdinfo_iff("pos:\t0\nflags:\t02100002\n"
                                         "mnt_id:\t23\nino:\t104\n", name,
                                         sizeof(name)), -1);
    assert_int_equal(qp_parse_fdinfo_iff("iff:\t\n", name, sizeof(name)),
                     -1);
    assert_int_equal(qp_parse_fdinfo_iff("iff:\t../x\n", name, sizeof(name)),
                     -1);
    assert_int_equal(qp_parse_fdinfo_iff("iff:\t..\n", name, sizeof(name)),
                     -1);
    assert_int_equal(qp_parse_fdinfo_iff("iff:\tabcdefgh\n", name, 8), -1);
    assert_int_equal(qp_parse_fdinfo_iff("", name, sizeof(name)), -1);
    assert_int_equal(qp_parse_fdinfo_iff("xiff:\ttap0\niff:\ttap1", name,
                                         sizeof(name)), 0);
    assert_string_equal(name, "tap1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_real),
        cmocka_unit_test(test_parse_fields),
        cmocka_unit_test(test_parse_garbage),
        cmocka_unit_test_teardown(test_reader, teardown),
        cmocka_unit_test(test_fdinfo_iff),
        cmocka_unit_test_teardown(test_reader_from_zero, teardown),
        cmocka_unit_test_teardown(test_collector_late_interface, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

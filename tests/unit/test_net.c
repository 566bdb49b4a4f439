/* test_net.c — the NET readers' parsers on real text: /proc/net/dev of a
 * host and of a network namespace (kernel 6.18, read on the test VM), the
 * old kernels' "%6s:%8llu" lines, garbage; the held-descriptor reader
 * through a root, growing with the file; a tun descriptor's fdinfo. */
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

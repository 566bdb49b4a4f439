/* test_host.c — the host row's readers: /proc/stat parsing (ns by hand),
 * diskstats lines of every kernel width, partitions and device names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "platform/host.h"
#include "util/root.h"

/* The fixture's real /proc/stat (v1/snap1), its long intr line cut short. */
static const char stat_text[] =
    "cpu  11313 0 6778 89917 460 0 169 0 0 0\n"
    "cpu0 4494 0 2929 46769 48 0 68 0 0 0\n"
    "cpu1 6818 0 3848 43148 411 0 101 0 0 0\n"
    "intr 186210 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 1 10 0\n"
    "ctxt 300861\n"
    "btime 1795649646\n"
    "processes 8618\n"
    "procs_running 3\n"
    "procs_blocked 0\n"
    "softirq 146565 0 21199 3 1275 35590 0 4 42906 0 45588\n";

static const char *fixtures(void)
{
    const char *f = getenv("XG_FIXTURES");
    return f && *f ? f : "tests/fixtures";
}

static void set_root(const char *sub)
{
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/%s", fixtures(), sub);
    xg_root_set(dir);
}

static void test_stat_parse(void **state)
{
    xg_cpu_counters c;
    int ncpus = -1;

    (void)state;
    assert_int_equal(xg_host_cpu_parse(stat_text, 100, &c, &ncpus), 0);
    assert_int_equal(ncpus, 2);
    assert_int_equal(c.have, XG_CPU_USAGE | XG_CPU_USER | XG_CPU_SYSTEM |
                                 XG_CPU_TOTAL | XG_CPU_IOWAIT | XG_CPU_STEAL);
    /* total = 11313+0+6778+89917+460+0+169+0 = 108637 ticks of 10 ms */
    assert_true(c.total_ns == 1086370000000ull);
    /* busy = 108637 - 89917 idle - 460 iowait = 18260 */
    assert_true(c.usage_ns == 182600000000ull);
    assert_true(c.user_ns == 113130000000ull);   /* 11313 + 0 nice */
    assert_true(c.system_ns == 69470000000ull);  /* 6778 + 0 irq + 169 softirq */
    assert_true(c.iowait_ns == 4600000000ull);
    assert_true(c.steal_ns == 0);
}

static void test_stat_guest_and_steal(void **state)
{
    xg_cpu_counters c;

    (void)state;
    /* guest (9th) and guest_nice (10th) are inside user and nice already */
    assert_int_equal(xg_host_cpu_parse("cpu  10 1 2 100 3 4 5 6 7 8\n", 100,
                                       &c, NULL), 0);
    assert_true(c.total_ns == 131ull * 10000000ull);
    assert_true(c.usage_ns == 28ull * 10000000ull);
    assert_true(c.user_ns == 11ull * 10000000ull);
    assert_true(c.system_ns == 11ull * 10000000ull);
    assert_true(c.steal_ns == 6ull * 10000000ull);
}

static void test_stat_odd_hz_and_old(void **state)
{
    xg_cpu_counters c;

    (void)state;
    /* 1e9/300 is not whole: rounded, no drift (1 tick = 3333333.3 ns) */
    assert_int_equal(xg_host_cpu_parse("cpu  1 0 2 0 0 0 0 0\n", 300, &c, NULL),
                     0);
    assert_true(c.user_ns == 3333333ull);
    assert_true(c.system_ns == 6666667ull);
    assert_int_equal(xg_host_cpu_parse("cpu  3000000000 0 0 0 0 0 0 0\n", 300,
                                       &c, NULL), 0);
    assert_true(c.user_ns == 10000000000000000ull);
    /* a 2.4 kernel line: 4 fields; no iowait or steal claimed */
    assert_int_equal(xg_host_cpu_parse("cpu  1 2 3 4\n", 100, &c, NULL), 0);
    assert_int_equal(c.have & (XG_CPU_IOWAIT | XG_CPU_STEAL), 0);
    assert_true(c.usage_ns == 60000000ull);
    /* no aggregate line, too few fields */
    assert_int_equal(xg_host_cpu_parse("cpu0 1 2 3 4\n", 100, &c, NULL), -1);
    assert_int_equal(xg_host_cpu_parse("cpu  1 2 3\n", 100, &c, NULL), -1);
    assert_int_equal(xg_host_cpu_parse("", 100, &c, NULL), -1);
}

static void test_stat_open_read(void **state)
{
    xg_host_cpu h;
    xg_cpu_counters c;
    char err[512];
    long hz = sysconf(_SC_CLK_TCK);

    (void)state;
    set_root("v1/snap1");
    assert_int_equal(xg_host_cpu_open(&h, err, sizeof(err)), 0);
    assert_int_equal(h.ncpus, 2);
    assert_int_equal(xg_host_cpu_read(&h, &c), 0);
    assert_int_equal(xg_host_cpu_read(&h, &c), 0); /* the fd is reusable */
    assert_true(c.usage_ns == 18260ull * (1000000000ull / (uint64_t)hz));
    xg_host_cpu_close(&h);
    assert_int_equal(h.fd, -1);

    set_root("nonexistent");
    assert_int_equal(xg_host_cpu_open(&h, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/proc/stat"));
    xg_root_set(NULL);
}

static void test_diskstats_widths(void **state)
{
    xg_diskstat s;

    (void)state;
    /* 14 fields (2.6.25 .. 4.18) */
    assert_int_equal(xg_diskstat_parse_line(
        "   8       0 sda 1 2 3 4 5 6 7 8 9 10 11\n", &s), 0);
    assert_int_equal(s.major, 8);
    assert_int_equal(s.minor, 0);
    assert_string_equal(s.name, "sda");
    assert_true(s.rd_ios == 1 && s.rd_merges == 2 && s.rd_sectors == 3 &&
                s.rd_ticks == 4 && s.wr_ios == 5 && s.wr_merges == 6 &&
                s.wr_sectors == 7 && s.wr_ticks == 8 && s.in_flight == 9 &&
                s.io_ticks == 10 && s.rq_ticks == 11);
    /* 18 fields (4.18+: discards) */
    assert_int_equal(xg_diskstat_parse_line(
        " 259       1 nvme0n1p1 10 0 800 5 20 1 1600 9 0 12 14 3 0 24 1", &s), 0);
    assert_string_equal(s.name, "nvme0n1p1");
    assert_int_equal(s.minor, 1);
    assert_true(s.wr_sectors == 1600 && s.rq_ticks == 14);
    /* 20 fields (5.5+: flushes) — the fixture's real vda line */
    assert_int_equal(xg_diskstat_parse_line(
        " 254       0 vda 30372 7721 2749786 8731 6150 6485 1893624 10207 0 "
        "6664 20702 5660 8 1567688 1200 745 563", &s), 0);
    assert_int_equal(s.major, 254);
    assert_string_equal(s.name, "vda");
    assert_true(s.rd_ios == 30372 && s.rd_sectors == 2749786 &&
                s.wr_ios == 6150 && s.wr_sectors == 1893624 &&
                s.io_ticks == 6664 && s.rq_ticks == 20702);
}

static void test_diskstats_garbage(void **state)
{
    xg_diskstat s;
    char longname[200];

    (void)state;
    assert_int_equal(xg_diskstat_parse_line("garbage", &s), -1);
    assert_int_equal(xg_diskstat_parse_line("", &s), -1);
    assert_int_equal(xg_diskstat_parse_line("8 0", &s), -1);
    assert_int_equal(xg_diskstat_parse_line("8 0 sda 1 2 3 4 5 6 7 8 9 10",
                                            &s), -1); /* 10 numbers */
    assert_int_equal(xg_diskstat_parse_line(
        "8 0 sda 1 2 x 4 5 6 7 8 9 10 11", &s), -1);
    assert_int_equal(xg_diskstat_parse_line(
        "8 0 sda 1 2 3 4 5 6 7 8 9 10 11 junk", &s), -1);
    assert_int_equal(xg_diskstat_parse_line(
        "8:0 sda 1 2 3 4 5 6 7 8 9 10 11", &s), -1);
    snprintf(longname, sizeof(longname), "8 0 %0100d 1 2 3 4 5 6 7 8 9 10 11",
             0);
    assert_int_equal(xg_diskstat_parse_line(longname, &s), -1);
}

static void test_partition_and_name(void **state)
{
    char name[64];

    (void)state;
    set_root("v1/snap1");
    assert_true(xg_disk_is_partition("vda1")); /* hand-added to the fixture */
    assert_false(xg_disk_is_partition("vda"));
    assert_false(xg_disk_is_partition("zram0"));
    assert_false(xg_disk_is_partition("../../proc"));
    assert_false(xg_disk_is_partition(""));
    xg_disk_name(254, 0, name, sizeof(name));
    assert_string_equal(name, "vda");
    xg_disk_name(254, 1, name, sizeof(name));
    assert_string_equal(name, "vda1");
    xg_disk_name(253, 0, name, sizeof(name));
    assert_string_equal(name, "zram0");
    xg_disk_name(9, 9, name, sizeof(name));
    assert_string_equal(name, "9:9");
    xg_root_set(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stat_parse),
        cmocka_unit_test(test_stat_guest_and_steal),
        cmocka_unit_test(test_stat_odd_hz_and_old),
        cmocka_unit_test(test_stat_open_read),
        cmocka_unit_test(test_diskstats_widths),
        cmocka_unit_test(test_diskstats_garbage),
        cmocka_unit_test(test_partition_and_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

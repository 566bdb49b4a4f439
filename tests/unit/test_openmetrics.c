/* test_openmetrics.c — the OpenMetrics names of the schema's rows
 * (src/core/openmetrics.c): every name valid and distinct, found again by
 * the reverse lookup, in base units with the right scale. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/openmetrics.h"

static char *name_of(xg_sid id)
{
    xg_sb sb = XG_SB_INIT;

    assert_int_equal(xg_om_name(&xg_schema[id], &sb), 0);
    return sb.s;
}

/* Valid, distinct, and each one's lookup gives its own row back. */
static void test_every_row(void **state)
{
    char *names[XG_S_COUNT];

    (void)state;
    for (size_t i = 0; i < XG_S_COUNT; i++) {
        names[i] = name_of((xg_sid)i);
        assert_true(xg_om_name_ok(names[i]));
        assert_int_equal(strncmp(names[i], XG_OM_PREFIX,
                                 strlen(XG_OM_PREFIX)), 0);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(names[i], names[j]);
        assert_ptr_equal(xg_om_lookup(names[i]), &xg_schema[i]);
        /* a counter ends in _total, a gauge does not */
        size_t n = strlen(names[i]);
        bool total = n > 6 && !strcmp(names[i] + n - 6, "_total");
        assert_int_equal(total, xg_schema[i].kind == XG_COUNTER);
    }
    for (size_t i = 0; i < XG_S_COUNT; i++)
        free(names[i]);
}

static void expect(xg_sid id, const char *name, const char *unit,
                   double scale)
{
    double k = 0;
    char *got = name_of(id);

    assert_string_equal(got, name);
    assert_string_equal(xg_om_unit(&xg_schema[id], &k), unit);
    assert_true(k == scale);
    free(got);
}

/* Base units: seconds from ns and ms, bytes from sectors, counts bare;
 * the unit is not said twice; '-' becomes '_'; the dynamic row is one
 * name for its family. */
static void test_units(void **state)
{
    (void)state;
    expect(XG_S_CPU_USAGE, "xengatherer_cpu_usage_seconds_total", "seconds",
           1e-9);
    expect(XG_S_HOSTDISK_IO_TICKS, "xengatherer_hostdisk_io_ticks_seconds_total",
           "seconds", 1e-3);
    expect(XG_S_HOSTDISK_RD_SECTORS, "xengatherer_hostdisk_rd_bytes_total",
           "bytes", 512);
    expect(XG_S_DISK_WR_BYTES, "xengatherer_disk_wr_bytes_total", "bytes", 1);
    expect(XG_S_DISK_RD_IOS, "xengatherer_disk_rd_ios_total", "", 1);
    expect(XG_S_NET_RX_PACKETS, "xengatherer_net_rx_packets_total", "", 1);
    expect(XG_S_CACHE_TASK_CLOCK,
           "xengatherer_cache_task_clock_seconds_total", "seconds", 1e-9);
    expect(XG_S_CACHE_EVENT, "xengatherer_cache_events_total", "", 1);
    expect(XG_S_CMT_LLC_OCCUPANCY, "xengatherer_cmt_llc_occupancy_bytes",
           "bytes", 1);
}

static void test_lookup_misses(void **state)
{
    (void)state;
    assert_null(xg_om_lookup("xengatherer_cpu_usage_total"));
    assert_null(xg_om_lookup("node_cpu_seconds_total"));
    assert_null(xg_om_lookup(""));
    assert_false(xg_om_name_ok("1abc"));
    assert_false(xg_om_name_ok("a-b"));
    assert_false(xg_om_name_ok(""));
    assert_true(xg_om_name_ok("a:b_1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_row),
        cmocka_unit_test(test_units),
        cmocka_unit_test(test_lookup_misses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

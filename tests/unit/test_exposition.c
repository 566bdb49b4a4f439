/* test_exposition.c — a store's tick as Prometheus text
 * (src/serve/exposition.c): exact lines, one HELP/TYPE per family with
 * its lines together, label escaping, counters and gauges, base units,
 * and a domain without a value at the tick left out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/schema.h"
#include "serve/exposition.h"
#include "serve/request.h"
#include "serve/server.h"
#include "asserts.h"

static const xg_expo_labels L = {"cgroup", "h1"};

static uint32_t dom(xg_store *s, const char *name, const char *uuid,
                    bool host)
{
    xg_domain_info d = {.key = (char *)name, .name = (char *)name,
                        .uuid = (char *)uuid, .platform_id = -1,
                        .is_host = host, .first_tick = -1, .last_tick = -1};
    int64_t i = xg_store_add_domain(s, &d);

    assert_true(i >= 0);
    return (uint32_t)i;
}

static void put(xg_store *s, uint32_t d, xg_sid id, const char *dev,
                uint64_t v)
{
    int64_t i = xg_schema_series(s, d, id, dev);

    assert_true(i >= 0);
    assert_int_equal(xg_store_put(s, (uint32_t)i, v), 0);
}

static void put_event(xg_store *s, uint32_t d, const char *ev, uint64_t v)
{
    int64_t i = xg_schema_series_named(s, d, XG_S_CACHE_EVENT, NULL, ev);

    assert_true(i >= 0);
    assert_int_equal(xg_store_put(s, (uint32_t)i, v), 0);
}

/* host, a domain named with a quote, backslash and newline (uuid
 * known), "db" (sampled at tick 0 only), "gone" (never sampled). */
static char *render_fmt(xg_expo_fmt fmt, size_t *nd)
{
    xg_store s;
    xg_sb out = XG_SB_INIT;
    uint32_t h, w, db;

    xg_store_init(&s, 4);
    h = dom(&s, "host", NULL, true);
    w = dom(&s, "we\"b\\1\nx", "0d6f-uuid", false);
    db = dom(&s, "db", NULL, false);
    dom(&s, "gone", NULL, false);
    assert_true(xg_store_tick(&s, 1, 1) == 0);
    put(&s, db, XG_S_CPU_USAGE, NULL, 5);
    assert_true(xg_store_tick(&s, 2, 2) == 1);
    put(&s, h, XG_S_CPU_USAGE, NULL, 12000000000ull);
    put(&s, h, XG_S_HOSTDISK_RD_SECTORS, "sda", 3);
    put(&s, w, XG_S_CPU_USAGE, NULL, 1500000000ull);
    put(&s, w, XG_S_CPU_USAGE, "vcpu1", 7);
    put(&s, w, XG_S_DISK_RD_BYTES, "vda", 4096);
    put(&s, w, XG_S_NET_RX_BYTES, "eth0", 99);
    put(&s, w, XG_S_CMT_LLC_OCCUPANCY, NULL, 65536);
    put_event(&s, w, "LLC-loads", 42);
    assert_int_equal(xg_expo_render(&s, 1, &L, fmt, nd, &out), 0);
    xg_store_free(&s);
    return out.s;
}

static char *render(size_t *nd)
{
    return render_fmt(XG_EXPO_PROM, nd);
}

#define W "domain=\"we\\\"b\\\\1\\nx\",uuid=\"0d6f-uuid\"," \
          "platform=\"cgroup\"," \
          "host=\"h1\""

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;

    for (const char *p = hay; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void test_lines(void **state)
{
    size_t nd = 0;
    char *t = render(&nd);

    (void)state;
    assert_int_equal(nd, 2); /* host and the web domain: db not at tick 1 */
    has(t, "\nxengatherer_cpu_usage_seconds_total{domain=\"host\","
           "platform=\"cgroup\",host=\"h1\"} 12\n");
    has(t, "\nxengatherer_cpu_usage_seconds_total{" W "} 1.5\n");
    has(t, "\nxengatherer_cpu_usage_seconds_total{" W ",vcpu=\"1\"} "
           "0.000000007\n");
    has(t, "\nxengatherer_disk_rd_bytes_total{" W ",device=\"vda\"} 4096\n");
    has(t, "\nxengatherer_net_rx_bytes_total{" W ",interface=\"eth0\"} 99\n");
    has(t, "\nxengatherer_cache_events_total{" W ",event=\"LLC-loads\"} 42\n");
    /* sectors are bytes: 3 x 512 */
    has(t, "\nxengatherer_hostdisk_rd_bytes_total{domain=\"host\","
           "platform=\"cgroup\",host=\"h1\",device=\"sda\"} 1536\n");
    has(t, "# TYPE xengatherer_cmt_llc_occupancy_bytes gauge\n"
           "xengatherer_cmt_llc_occupancy_bytes{" W "} 65536\n");
    has(t, "# TYPE xengatherer_cpu_usage_seconds_total counter\n");
    has(t, "# HELP xengatherer_cpu_usage_seconds_total CPU time used;");
    lacks(t, "domain=\"db\"");
    lacks(t, "domain=\"gone\"");
    free(t);
}

/* Every family's HELP and TYPE once, its lines right after them. */
static void test_families(void **state)
{
    char *t = render(NULL);
    const char *p = t;
    char fam[256] = "";

    (void)state;
    assert_int_equal(count(t, "# TYPE xengatherer_cpu_usage_seconds_total "),
                     1);
    assert_int_equal(count(t, "# HELP xengatherer_cpu_usage_seconds_total "),
                     1);
    assert_int_equal(count(t, "xengatherer_cpu_usage_seconds_total{"), 3);
    while (*p) { /* each sample's name is the last TYPE's */
        const char *nl = strchr(p, '\n');
        assert_non_null(nl);
        if (!strncmp(p, "# TYPE ", 7)) {
            size_t n = strcspn(p + 7, " ");
            assert_true(n < sizeof(fam));
            memcpy(fam, p + 7, n);
            fam[n] = '\0';
        } else if (p[0] != '#') {
            size_t n = strlen(fam);
            assert_true(n > 0);
            assert_int_equal(strncmp(p, fam, n), 0);
            assert_true(p[n] == '{');
        }
        p = nl + 1;
    }
    free(t);
}

static void want_value(uint64_t v, double scale, const char *want)
{
    xg_sb sb = XG_SB_INIT;

    assert_int_equal(xg_expo_value(v, scale, &sb), 0);
    assert_string_equal(xg_sb_str(&sb), want);
    xg_sb_free(&sb);
}

static void test_values(void **state)
{
    (void)state;
    want_value(0, 1e-9, "0");
    want_value(1, 1e-9, "0.000000001");
    want_value(1234567890123ull, 1e-9, "1234.567890123");
    want_value(2500, 1e-3, "2.5");
    want_value(18446744073709551614ull, 1, "18446744073709551614");
    want_value(3, 512, "1536");
}

static void test_escape(void **state)
{
    xg_sb sb = XG_SB_INIT;

    (void)state;
    assert_int_equal(xg_expo_escape("a\"b\\c\nd", &sb), 0);
    assert_string_equal(xg_sb_str(&sb), "a\\\"b\\\\c\\nd");
    xg_sb_free(&sb);
}

/* A scrape's body: the tool's own metrics always; the domains' series
 * only while the snapshot is younger than its bound, else counted as a
 * stale scrape (no value served as current after the sampler stalls). */
static void test_stale(void **state)
{
    xg_snapshot p = {.mu = PTHREAD_MUTEX_INITIALIZER, .host = "h\"1",
                     .stale_s = 7, .samples = 3, .domains = 2};
    xg_sb out = XG_SB_INIT;
    const int64_t s1 = 1000000000;

    (void)state;
    assert_int_equal(xg_sb_printf(&p.text, "xengatherer_cpu_usage_seconds_"
                                  "total{domain=\"a\"} 1\n"), 0);
    p.mono_ns = 100 * s1;
    assert_int_equal(
        xg_snapshot_body(&p, 106 * s1, 0.5, XG_EXPO_PROM, &out), 0);
    has(out.s, "xengatherer_cpu_usage_seconds_total{domain=\"a\"} 1\n");
    has(out.s, "xengatherer_samples_total{host=\"h\\\"1\"} 3\n");
    has(out.s, "xengatherer_sample_age_seconds{host=\"h\\\"1\"} 6\n");
    has(out.s, "xengatherer_domains{host=\"h\\\"1\"} 2\n");
    has(out.s, "xengatherer_self_cpu_seconds_total{host=\"h\\\"1\"} 0.5\n");
    has(out.s, "# TYPE xengatherer_scrape_duration_seconds summary\n");
    assert_int_equal(p.stale_scrapes, 0);
    xg_sb_clear(&out);
    assert_int_equal(
        xg_snapshot_body(&p, 108 * s1, 0.5, XG_EXPO_PROM, &out), 0);
    lacks(out.s, "xengatherer_cpu_usage_seconds_total");
    has(out.s, "xengatherer_domains{host=\"h\\\"1\"} 0\n");
    has(out.s, "xengatherer_scrapes_stale_total{host=\"h\\\"1\"} 1\n");
    assert_int_equal(p.stale_scrapes, 1);
    xg_sb_clear(&out);
    p.mono_ns = 0; /* before the first sample */
    assert_int_equal(xg_snapshot_body(&p, 1, 0.5, XG_EXPO_PROM, &out), 0);
    lacks(out.s, "xengatherer_cpu_usage_seconds_total");
    xg_sb_free(&out);
    xg_sb_free(&p.text);
}

/* OpenMetrics: a counter's family without _total in HELP/TYPE/UNIT, its
 * samples with it; quotes escaped in HELP; a gauge's name as is; the
 * body ends in # EOF. */
static void test_openmetrics(void **state)
{
    char *t = render_fmt(XG_EXPO_OM, NULL);
    xg_snapshot p = {.mu = PTHREAD_MUTEX_INITIALIZER, .host = "h",
                     .stale_s = 7, .mono_ns = 1};
    xg_sb out = XG_SB_INIT;

    (void)state;
    has(t, "# TYPE xengatherer_cpu_usage_seconds counter\n"
           "# UNIT xengatherer_cpu_usage_seconds seconds\n"
           "xengatherer_cpu_usage_seconds_total{domain=\"host\",");
    has(t, "# HELP xengatherer_disk_rd_bytes bytes read, per domain and "
           "device; the host's \\\"all\\\" row");
    has(t, "# TYPE xengatherer_cache_events counter\n"
           "xengatherer_cache_events_total{");
    has(t, "# TYPE xengatherer_cmt_llc_occupancy_bytes gauge\n"
           "# UNIT xengatherer_cmt_llc_occupancy_bytes bytes\n");
    lacks(t, "# TYPE xengatherer_cpu_usage_seconds_total");
    free(t);
    assert_int_equal(xg_sb_printf(&p.om_text, "x_total 1\n"), 0);
    assert_int_equal(xg_snapshot_body(&p, 2, 0, XG_EXPO_OM, &out), 0);
    has(out.s, "# TYPE xengatherer_samples counter\n");
    has(out.s, "# UNIT xengatherer_self_cpu_seconds seconds\n");
    const char *end = "\nx_total 1\n# EOF\n";
    assert_true(out.len > strlen(end));
    assert_string_equal(out.s + out.len - strlen(end), end);
    xg_sb_free(&out);
    xg_sb_free(&p.om_text);
}

/* HELP escapes: quotes in OpenMetrics only. */
static void test_help_quote(void **state)
{
    xg_sb a = XG_SB_INIT, b = XG_SB_INIT;

    (void)state;
    assert_int_equal(xg_expo_head("m", "gauge", "a \"q\" \\ n\nx", NULL,
                                  XG_EXPO_PROM, &a), 0);
    assert_string_equal(a.s, "# HELP m a \"q\" \\\\ n\\nx\n# TYPE m gauge\n");
    assert_int_equal(xg_expo_head("m", "gauge", "a \"q\"", NULL,
                                  XG_EXPO_OM, &b), 0);
    assert_string_equal(b.s, "# HELP m a \\\"q\\\"\n# TYPE m gauge\n");
    xg_sb_free(&a);
    xg_sb_free(&b);
}

static void test_accept(void **state)
{
    (void)state;
    /* Prometheus 2.42's own header */
    assert_true(xg_serve_wants_om("application/openmetrics-text;"
        "version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
        "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"));
    assert_false(xg_serve_wants_om(NULL));
    assert_false(xg_serve_wants_om("*/*"));
    assert_false(xg_serve_wants_om("text/plain;version=0.0.4"));
    assert_false(xg_serve_wants_om("text/plain,application/openmetrics-text"));
    assert_false(xg_serve_wants_om("application/openmetrics-text;q=0"));
    assert_false(xg_serve_wants_om("application/openmetrics-text;q=0.2,"
                                   "text/plain;q=0.5"));
    assert_true(xg_serve_wants_om("text/plain;q=0.5,"
                                  "application/openmetrics-text"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_families),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_stale),
        cmocka_unit_test(test_openmetrics),
        cmocka_unit_test(test_help_quote),
        cmocka_unit_test(test_accept),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

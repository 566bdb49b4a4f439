/* test_promapi.c — the Prometheus API answers the import reads
 * (src/import/promapi.c) and what fleet.c makes of them: series, domains
 * and hosts, stored integers, ticks, gaps, counter resets, NaN/Inf,
 * huge numbers, unknown names, error answers. Fixtures in
 * tests/fixtures/prometheus: captured_* from a real Prometheus 2.x
 * (Debian's) scraping test_import's stand-in exporters, the rest made by
 * hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/schema.h"
#include "import/fleet.h"
#include "import/promapi.h"

static char *slurp(const char *name, size_t *len)
{
    const char *dir = getenv("XG_FIXTURES");
    char path[4096];
    FILE *f;
    char *buf;
    long n;

    assert_non_null(dir);
    assert_true((size_t)snprintf(path, sizeof(path), "%s/prometheus/%s", dir,
                                 name) < sizeof(path));
    f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    rewind(f);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static int parse_file(const char *name, xg_pm_result *r, char *err,
                      size_t errlen)
{
    size_t len;
    char *text = slurp(name, &len);
    int rc = xg_pm_parse(text, len, r, err, errlen);

    free(text);
    return rc;
}

static int64_t dom(const xg_store *s, const char *key)
{
    int64_t d = xg_store_find_domain(s, key);

    if (d < 0)
        fail_msg("no domain %s", key);
    return d;
}

static uint64_t at(const xg_store *s, const char *key, const char *family,
                   const char *device, const char *metric, uint32_t t)
{
    int64_t x = xg_store_find_series(s, (uint32_t)dom(s, key), family,
                                     device, metric);

    if (x < 0)
        fail_msg("no series %s %s %s %s", key, family, device, metric);
    return xg_store_get(s, (uint32_t)x, t);
}

/* The parser alone: names, labels, points, NaN and Inf kept. */
static void test_parse(void **state)
{
    xg_pm_result r;
    char err[256];

    (void)state;
    assert_int_equal(parse_file("constructed_matrix.json", &r, err,
                                sizeof(err)), 0);
    assert_int_equal(r.n, 13);
    assert_string_equal(r.v[0].metric, "xengatherer_cpu_usage_seconds_total");
    assert_string_equal(xg_pm_label_get(&r.v[0], "host"), "hostA");
    assert_string_equal(xg_pm_label_get(&r.v[0], "uuid"), "u1");
    assert_null(xg_pm_label_get(&r.v[0], "__name__"));
    assert_int_equal(r.v[0].n_pts, 4);
    assert_true(r.v[0].pts[2].t == 1003 && r.v[0].pts[2].v == 2.5);
    assert_true(isnan(r.v[5].pts[0].v));
    assert_true(isinf(r.v[5].pts[1].v) && r.v[5].pts[1].v > 0);
    assert_true(r.v[5].pts[4].v == 1e30);
    assert_true(r.v[6].pts[0].v == 9007199254740992.0);
    xg_pm_result_free(&r);
}

/* The store fleet.c makes: one domain per (host, domain), values back in
 * stored units on the step grid, gaps, resets joined up, bad points out. */
static void test_store(void **state)
{
    xg_fleet_window w = {"http://p:9090", "{}", 1000, 1004, 1, false, 0};
    xg_fleet_stats st = {0};
    xg_pm_result r;
    xg_store s;
    char err[256];
    const char *A = "prometheus:hostA/web1#u1", *B = "prometheus:hostB/web1";

    (void)state;
    assert_int_equal(parse_file("constructed_matrix.json", &r, err,
                                sizeof(err)), 0);
    assert_int_equal(xg_fleet_store(&r, &w, &s, &st, err, sizeof(err)), 0);
    assert_int_equal(s.n_ticks, 5);
    assert_int_equal(s.tick_wall_ns[3], 1003000000000LL);
    assert_int_equal(s.tick_mono_ns[3], 3000000000LL);
    /* hostA/web1, hostA/host, hostB/host, hostB/web1, hostB/db1, vm9 */
    assert_int_equal(s.n_domains, 6);
    assert_true(s.multi_host);
    assert_string_equal(s.domains[dom(&s, A)].host, "hostA");
    assert_string_equal(s.domains[dom(&s, A)].uuid, "u1");
    assert_string_equal(xg_store_dom_label(&s, (uint32_t)dom(&s, A)),
                        "hostA/web1");
    assert_true(s.domains[dom(&s, "prometheus:hostA/host")].is_host);
    assert_true(s.domains[dom(&s, "prometheus:hostB/host")].is_host);
    assert_false(s.domains[dom(&s, B)].is_host);
    assert_string_equal(s.domains[dom(&s, "prometheus:10.0.0.9:9177/vm9")].host,
                        "10.0.0.9:9177");
    assert_int_equal(s.domains[dom(&s, A)].vcpus, 2);
    /* seconds back to ns; the missing point is a gap, not 0 */
    assert_true(at(&s, A, "cpu", "", "usage", 0) == 1000000000u);
    assert_true(at(&s, A, "cpu", "", "usage", 1) == 1500000000u);
    assert_true(at(&s, A, "cpu", "", "usage", 2) == XG_NOVALUE);
    assert_true(at(&s, A, "cpu", "", "usage", 4) == 3000000000u);
    assert_true(at(&s, A, "cpu", "vcpu1", "usage", 1) == 750000000u);
    /* the counter that fell back from 200 to 50: joined up */
    assert_true(at(&s, A, "disk", "vda", "wr_bytes", 1) == 200);
    assert_true(at(&s, A, "disk", "vda", "wr_bytes", 2) == 250);
    assert_true(at(&s, A, "disk", "vda", "wr_bytes", 3) == 350);
    assert_int_equal(st.resets, 1);
    /* NaN, +Inf, negative, 1e30 left out; the 2 s kept */
    assert_true(at(&s, B, "cpu", "", "usage", 0) == XG_NOVALUE);
    assert_true(at(&s, B, "cpu", "", "usage", 1) == XG_NOVALUE);
    assert_true(at(&s, B, "cpu", "", "usage", 2) == XG_NOVALUE);
    assert_true(at(&s, B, "cpu", "", "usage", 3) == 2000000000u);
    assert_true(at(&s, B, "cpu", "", "usage", 4) == XG_NOVALUE);
    /* 2^53 exact; 2^64 - 1 cannot be stored */
    const char *D = "prometheus:hostB/db1";
    assert_true(at(&s, D, "net", "eth0", "rx_bytes", 0) ==
                9007199254740992u);
    assert_true(at(&s, D, "net", "eth0", "rx_bytes", 1) == XG_NOVALUE);
    /* the event in the label; a gauge falling is not a reset */
    assert_true(at(&s, D, "cache", "", "LLC-loads", 0) == 5);
    assert_true(at(&s, D, "cmt", "", "llc_occupancy", 1) == 2048);
    /* off the grid (1000.5) left out */
    assert_true(at(&s, "prometheus:hostA/host", "cpu", "", "usage", 0) ==
                10000000000u);
    /* skipped: 1000.5, NaN, +Inf, -1, 1e30, 2^64-1 */
    assert_int_equal(st.skipped, 6);
    assert_int_equal(st.no_domain, 1);
    assert_string_equal(xg_sb_str(&st.unknown), "xengatherer_nosuch_total");
    assert_string_equal(xg_store_meta_get(&s, "platform"), "prometheus");
    assert_string_equal(xg_store_meta_get(&s, "source_url"), "http://p:9090");
    assert_string_equal(xg_store_meta_get(&s, "source_left_out"),
                        "xengatherer_nosuch_total");
    assert_string_equal(xg_store_meta_get(&s, "families"), "cpu,disk,net,"
                        "cache,cmt");
    xg_fleet_stats_free(&st);
    xg_store_free(&s);
    xg_pm_result_free(&r);
}

/* A real Prometheus's answer (two stand-in hosts, 5 ticks). */
static void test_captured(void **state)
{
    xg_fleet_stats st = {0};
    xg_pm_result r;
    xg_store s;
    char err[256];

    (void)state;
    assert_int_equal(parse_file("captured_two_hosts.json", &r, err,
                                sizeof(err)), 0);
    assert_true(r.n > 0);
    xg_fleet_window w = {"u", "q", r.v[0].pts[0].t, r.v[0].pts[0].t + 4, 1,
                         false, 0};
    assert_int_equal(xg_fleet_store(&r, &w, &s, &st, err, sizeof(err)), 0);
    assert_int_equal(s.n_domains, 5); /* web1 x2, db1, host x2 */
    assert_string_equal(xg_sb_str(&st.unknown), "xengatherer_bogus_total");
    assert_int_equal(st.skipped, 0);
    assert_int_equal(st.resets, 0);
    /* hostA/web1 was fed 0.5 CPU s/s: 4 s of it, within 2 % */
    int64_t d = xg_store_find_domain(&s, "prometheus:hostA/web1#u-a-web1");
    assert_true(d >= 0);
    int64_t x = xg_store_find_series(&s, (uint32_t)d, "cpu", "", "usage");
    assert_true(x >= 0);
    double got = (double)(xg_store_get(&s, (uint32_t)x, 4) -
                          xg_store_get(&s, (uint32_t)x, 0)) / 1e9;
    assert_true(fabs(got - 2.0) < 0.04);
    xg_fleet_stats_free(&st);
    xg_store_free(&s);
    xg_pm_result_free(&r);
}

static void expect_error(const char *file, const char *want)
{
    xg_pm_result r;
    char err[256] = "";

    assert_int_equal(parse_file(file, &r, err, sizeof(err)), -1);
    if (!strstr(err, want))
        fail_msg("%s: err '%s' lacks '%s'", file, err, want);
    assert_int_equal(r.n, 0);
    assert_null(r.v);
}

static void test_errors(void **state)
{
    xg_pm_result r;
    char err[256];

    (void)state;
    expect_error("captured_error.json",
                 "Prometheus said: bad_data: invalid parameter");
    expect_error("bad_string_value.json",
                 "result 0, point 1: value 'twelve' is not a number");
    expect_error("bad_not_matrix.json", "not a matrix or a vector");
    assert_int_equal(xg_pm_parse("<html>", 6, &r, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not JSON"));
    assert_int_equal(xg_pm_parse("{}", 2, &r, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "no \"status\""));
    /* "nan", "inf", hex: strtod takes them, Prometheus never writes them */
    static const char hex[] = "{\"status\":\"success\",\"data\":{\"resultType\":"
        "\"matrix\",\"result\":[{\"metric\":{},\"values\":[[1,\"0x10\"]]}]}}";
    assert_int_equal(xg_pm_parse(hex, sizeof(hex) - 1, &r, err, sizeof(err)),
                     -1);
}

/* An instant query's vector (the step guess), a nameless series kept. */
static void test_vector(void **state)
{
    xg_pm_result r;
    char err[256];

    (void)state;
    assert_int_equal(parse_file("vector.json", &r, err, sizeof(err)), 0);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.v[0].metric, "");
    assert_int_equal(r.v[0].n_pts, 1);
    assert_true(r.v[0].pts[0].v == 61 && r.v[0].pts[0].t == 1060);
    xg_pm_result_free(&r);
}

static void test_time(void **state)
{
    double t;

    (void)state;
    assert_int_equal(xg_fleet_parse_time("2026-12-03T17:00:00Z", &t), 0);
    assert_true(t == 1796317200.0);
    assert_int_equal(xg_fleet_parse_time("2026-12-03T18:00:00.25+01:00", &t),
                     0);
    assert_true(t == 1796317200.25);
    assert_int_equal(xg_fleet_parse_time("1796317200.5", &t), 0);
    assert_true(t == 1796317200.5);
    assert_int_equal(xg_fleet_parse_time("yesterday", &t), -1);
    assert_int_equal(xg_fleet_parse_time("2026-12-03T17:00:00", &t), -1);
    assert_int_equal(xg_fleet_parse_time("2026-12-03T17:00:00+1", &t), -1);
    assert_int_equal(xg_fleet_parse_time("", &t), -1);
    assert_int_equal(xg_fleet_parse_time("1.2.3", &t), -1);
}

static void test_query(void **state)
{
    char *q;

    (void)state;
    q = xg_fleet_query(NULL);
    assert_string_equal(q, "{__name__=~\"xengatherer_.+\"}");
    free(q);
    q = xg_fleet_query("domain=~\"web.*\"");
    assert_string_equal(q, "{__name__=~\"xengatherer_.+\",domain=~\"web.*\"}");
    free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_store),
        cmocka_unit_test(test_captured),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_vector),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_query),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

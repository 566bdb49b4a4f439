/* test_report.c — report figures from hand-built stores, checked by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "asserts.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/report.h"
#include "util/b64.h"
#include "core/store.h"

#define NV XG_NOVALUE
#define MIB (1024ull * 1024)
#define T0_MONO 1000000000000LL /* tick 0 at 1000 s monotonic */
#define T0_WALL 1795650601000000000LL /* 2026-11-25 23:50:01 UTC */

typedef struct spec {
    const char *dom, *fam, *dev, *metric, *unit;
    uint64_t v[3]; /* ticks 0, 1, 2 */
} spec;

static uint32_t add_dom(xg_store *s, const char *name, bool host, int vcpus)
{
    char key[64];
    snprintf(key, sizeof(key), "test:%s", name);
    xg_domain_info d = {.key = key, .name = (char *)name, .platform_id = -1,
                        .vcpus = vcpus, .is_host = host,
                        .first_tick = -1, .last_tick = -1};
    int64_t i = xg_store_add_domain(s, &d);
    assert_true(i >= 0);
    return (uint32_t)i;
}

/* Creates every series of sp, then n_ticks ticks step_ns apart, putting each
 * value that is not NV. */
static void fill(xg_store *s, const spec *sp, size_t n, uint32_t n_ticks,
                 int64_t step_ns)
{
    int64_t idx[64];
    assert_true(n <= 64);
    for (size_t i = 0; i < n; i++) {
        int64_t d = xg_store_find_domain(s, sp[i].dom);
        assert_true(d >= 0);
        idx[i] = xg_store_series(s, (uint32_t)d, sp[i].fam, sp[i].dev,
                                 sp[i].metric, sp[i].unit);
        assert_true(idx[i] >= 0);
    }
    for (uint32_t t = 0; t < n_ticks; t++) {
        assert_true(xg_store_tick(s, T0_MONO + t * step_ns,
                                  T0_WALL + t * step_ns) == t);
        for (size_t i = 0; i < n; i++)
            if (sp[i].v[t] != NV)
                assert_int_equal(xg_store_put(s, (uint32_t)idx[i], sp[i].v[t]), 0);
    }
}

/* host + a (2 vCPUs) + b (counter reset) + c (appears at tick 1);
 * 3 ticks 1 s apart, so the window is 2 s. */
static const spec main_spec[] = {
    /* a: 1.5 cpu s over 2 s = 75 % of one CPU; user 30 %, sys 15 % */
    {"test:a", "cpu", "", "usage", "ns", {0, 500000000, 1500000000}},
    {"test:a", "cpu", "", "user", "ns", {0, 200000000, 600000000}},
    {"test:a", "cpu", "", "system", "ns", {0, 100000000, 300000000}},
    {"test:a", "cpu", "vcpu1", "usage", "ns", {0, 250000000, 750000000}},
    {"test:a", "cpu", "vcpu0", "usage", "ns", {0, 300000000, 800000000}},
    /* a writes 64 MiB in 2 s = 32 MB/s, 300 writes = 150 IO/s */
    {"test:a", "disk", "vda", "wr_bytes", "bytes", {0, 32 * MIB, 64 * MIB}},
    {"test:a", "disk", "vda", "wr_ios", "ios", {0, 100, 300}},
    {"test:a", "disk", "vda", "rd_bytes", "bytes", {0, 0, 0}},
    {"test:a", "disk", "vda", "rd_ios", "ios", {0, 0, 0}},
    /* b: 5e9 -> 6e9 -> reset to 1e9: 1e9 + 1e9 = 2 cpu s = 100 % */
    {"test:b", "cpu", "", "usage", "ns", {5000000000, 6000000000, 1000000000}},
    {"test:b", "cpu", "", "throttled", "ns", {0, 100000000, 200000000}},
    /* b reads 20 MiB on vda + 2 MiB on vdb = 22 MiB in 2 s = 11 MB/s */
    {"test:b", "disk", "vda", "rd_bytes", "bytes", {0, 10 * MIB, 20 * MIB}},
    {"test:b", "disk", "vdb", "rd_bytes", "bytes", {0, 0, 2 * MIB}},
    /* c from tick 1: 0.25 cpu s over its 1 s span = 25 % */
    {"test:c", "cpu", "", "usage", "ns", {NV, 1000000000, 1250000000}},
    /* host: 4 cpu s busy of 8 total = 50 %; 4 - (1.5 + 2 + 0.25) = 0.25
     * cpu s in no domain = 12.5 % over 2 s; steal 0.04 s = 2 % */
    {"test:host", "cpu", "", "usage", "ns", {0, 2000000000, 4000000000}},
    {"test:host", "cpu", "", "total", "ns", {0, 4000000000, 8000000000}},
    {"test:host", "cpu", "", "steal", "ns", {0, 20000000, 40000000}},
    /* sda over 2 s: 200 reads = 100 r/s, 200 writes = 100 w/s,
     * 40960 sectors = 20 MiB = 10 MB/s read, 8192 = 4 MiB = 2 MB/s written,
     * r_await 300 ms / 200 = 1.5, w_await 600 / 200 = 3,
     * aqu-sz 1600 ms / 2000 ms = 0.8, util 1000 / 2000 = 50 % */
    {"test:host", "hostdisk", "sda", "rd_ios", "ios", {1000, 1100, 1200}},
    {"test:host", "hostdisk", "sda", "wr_ios", "ios", {500, 550, 700}},
    {"test:host", "hostdisk", "sda", "rd_sectors", "sectors", {0, 20480, 40960}},
    {"test:host", "hostdisk", "sda", "wr_sectors", "sectors", {0, 4096, 8192}},
    {"test:host", "hostdisk", "sda", "rd_ticks", "ms", {0, 100, 300}},
    {"test:host", "hostdisk", "sda", "wr_ticks", "ms", {0, 200, 600}},
    {"test:host", "hostdisk", "sda", "io_ticks", "ms", {0, 500, 1000}},
    {"test:host", "hostdisk", "sda", "rq_ticks", "ms", {0, 800, 1600}},
    /* sda1 is a partition: 20 reads in 2 s = 10 r/s */
    {"test:host", "hostdisk", "sda1", "rd_ios", "ios", {10, 20, 30}},
    /* loop0 never used: hidden; loop1 nonzero at start: shown */
    {"test:host", "hostdisk", "loop0", "rd_ios", "ios", {0, 0, 0}},
    {"test:host", "hostdisk", "loop0", "io_ticks", "ms", {0, 0, 0}},
    {"test:host", "hostdisk", "loop1", "rd_ios", "ios", {5, 5, 5}},
};

static void build_main(xg_store *s, const char *families, uint32_t n_ticks)
{
    xg_store_init(s, n_ticks);
    add_dom(s, "host", true, 4);
    add_dom(s, "a", false, 2);
    add_dom(s, "b", false, 0);
    add_dom(s, "c", false, 0);
    fill(s, main_spec, sizeof(main_spec) / sizeof(main_spec[0]), n_ticks,
         1000000000);
    char ns[32];
    static const char *const kv[][2] = {
        {"hostname", "h1"}, {"platform", "cgroup"}, {"kernel", "6.1.0-test"},
        {"tool_version", "0.1.0"}, {"interval_s", "1"}, {"ncpus", "4"},
        {"command", "[\"stress-ng\", \"--cpu\", \"2\", \"it's\"]"},
        {"partial", "1"},
        {"partial_reason", "interrupted by SIGINT after 2.0 s of 10 s"},
        {"overhead_cpu_ns", "1200000"}, {"overhead_ticks", "3"},
        {"sample_bytes", "4608"}, {"hostdisk_partitions", "sda1 sdb1"},
    };
    for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
        assert_int_equal(xg_store_meta_set(s, kv[i][0], kv[i][1]), 0);
    if (families)
        assert_int_equal(xg_store_meta_set(s, "families", families), 0);
    snprintf(ns, sizeof(ns), "%lld", T0_WALL);
    xg_store_meta_set(s, "window_start_wall_ns", ns);
    snprintf(ns, sizeof(ns), "%lld", T0_WALL + 2000000000LL);
    xg_store_meta_set(s, "window_end_wall_ns", ns);

    xg_workload w = {.domain = 1, .argv = "[\"true\"]", .start_ns = T0_MONO,
                     .end_ns = T0_MONO + 2000000000, .state = "exited"};
    assert_true(xg_store_add_workload(s, &w) >= 0);
    w = (xg_workload){.domain = 2, .argv = "[\"sleep\",\"9\"]",
                      .start_ns = T0_MONO, .end_ns = T0_MONO + 1500000000,
                      .signal = 9, .state = "killed"};
    assert_true(xg_store_add_workload(s, &w) >= 0);
    w = (xg_workload){.domain = 3, .argv = "[\"x\"]", .start_ns = T0_MONO,
                      .end_ns = -1, .state = "running"};
    assert_true(xg_store_add_workload(s, &w) >= 0);
}

/* Renders the report (caller frees); the write must succeed. */
static char *render(const xg_store *s, xg_format fmt, bool partitions)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    xg_report_opts o = {fmt, partitions};
    assert_non_null(f);
    assert_int_equal(xg_report_write(s, &o, f), 0);
    fclose(f);
    return buf;
}


/* After marker, the first line whose first word is want's first word must
 * equal want once runs of blanks are squeezed to one space. */
static void row_is(const char *buf, const char *marker, const char *want)
{
    const char *p = strstr(buf, marker);
    size_t w0 = strcspn(want, " ");
    char line[512];
    if (!p)
        fail_msg("no \"%s\" in:\n%s", marker, buf);
    for (p = strchr(p, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
        size_t n = 0;
        for (const char *q = p + 1; *q && *q != '\n' && n < sizeof(line) - 1; q++)
            if (*q != ' ' || (n && line[n - 1] != ' '))
                line[n++] = *q;
        line[n] = '\0';
        if (strncmp(line, want, w0) == 0 && (line[w0] == ' ' || !line[w0])) {
            assert_string_equal(line, want);
            return;
        }
    }
    fail_msg("no row \"%s\" after \"%s\" in:\n%s", want, marker, buf);
}

static void test_text_header(void **state)
{
    (void)state;
    xg_store s;
    build_main(&s, "cpu,disk", 3);
    char *t = render(&s, XG_FMT_TEXT, false);
    has(t, "host: h1\n");
    has(t, "platform: cgroup\n");
    has(t, "kernel: 6.1.0-test\n");
    has(t, "tool: xengatherer 0.1.0\n");
    has(t, "start: 2026-11-25T23:50:01+00:00\n");
    has(t, "end: 2026-11-25T23:50:03+00:00\n");
    has(t, "duration: 2.000 s\n");
    has(t, "interval: 1.000 s\n");
    has(t, "samples: 3\n");
    has(t, "command: stress-ng --cpu 2 'it'\\''s'\n");
    has(t, "PARTIAL: interrupted by SIGINT after 2.0 s of 10 s\n");
    /* 1.2 ms / 3 samples = 0.40 ms; 4608 B = 4.5 KiB */
    has(t, "overhead: 1.2 ms CPU for 3 samples (0.40 ms per sample), "
           "4.5 KiB of samples in memory\n");
    row_is(t, "\nworkloads", "a exited 0 2.000");
    row_is(t, "\nworkloads", "b killed SIGKILL 1.500");
    row_is(t, "\nworkloads", "c running - -");
    free(t);
    xg_store_free(&s);
}

static void test_text_cpu(void **state)
{
    (void)state;
    xg_store s;
    build_main(&s, "cpu,disk", 3);
    char *t = render(&s, XG_FMT_TEXT, false);
    row_is(t, "\nCPU", "domain vcpus cpu s cpu % user % sys % wait % steal % "
                       "thrott % span s");
    row_is(t, "\nCPU", "a 2 1.500 75.00 30.00 15.00 - - - full");
    row_is(t, "\nCPU", "b - 2.000 100.00 - - - - 10.00 full");
    row_is(t, "\nCPU", "c - 0.250 25.00 - - - - - 1.0-2.0");
    row_is(t, "\nCPU", "host 4 4.000 200.00 - - - 2.00 - full");
    /* the host row comes after every domain */
    assert_true(strstr(t, "\nhost  ") > strstr(t, "\nc  "));
    has(t, "host busy: 50.00 % of 4 CPUs\n");
    has(t, "not in any watched domain: 0.250 cpu s (12.50 %)\n");
    /* vCPUs in number order: 0.8 cpu s / 2 s = 40 %, 0.75 / 2 = 37.5 % */
    row_is(t, "\nper vCPU\n", "domain vcpu cpu s cpu % wait %");
    row_is(t, "\nper vCPU", "a 0 0.800 40.00 -"); /* the first row */
    const char *p = strstr(t, "\nper vCPU\n");
    for (int i = 0; i < 3 && p; i++)
        p = strchr(p + 1, '\n');
    assert_non_null(p);
    p = strchr(p + 1, '\n'); /* past the vcpu0 row */
    row_is(p, "\n", "a 1 0.750 37.50 -");
    free(t);
    xg_store_free(&s);
}

static void test_text_disk(void **state)
{
    (void)state;
    xg_store s;
    build_main(&s, "cpu,disk", 3);
    char *t = render(&s, XG_FMT_TEXT, false);
    row_is(t, "\nDISK", "a 0.00 32.00 0.00 150.00 0.00 64.00 full");
    row_is(t, "\nDISK", "b 11.00 - - - 22.00 - full");
    row_is(t, "\nDISK", "c - - - - - - 1.0-2.0");
    row_is(t, "\nhost devices", "device r/s w/s rMB/s wMB/s r_await w_await "
                                "aqu-sz %util");
    row_is(t, "\nhost devices", "sda 100.00 100.00 10.00 2.00 1.50 3.00 0.80 50.00");
    row_is(t, "\nhost devices", "loop1 0.00 - - - - - - -");
    lacks(t, "sda1");
    lacks(t, "loop0");
    has(t, "1 idle device not shown\n");
    has(t, "1 partition not shown");
    free(t);
    /* with --partitions the partition is a row; idle devices stay hidden */
    t = render(&s, XG_FMT_TEXT, true);
    row_is(t, "\nhost devices", "sda1 10.00 - - - - - - -");
    lacks(t, "partition not shown");
    has(t, "1 idle device not shown\n");
    free(t);
    xg_store_free(&s);
}

static void test_nodisk(void **state)
{
    (void)state;
    xg_store s;
    build_main(&s, "cpu", 3);
    char *t = render(&s, XG_FMT_TEXT, false);
    has(t, "\nCPU");
    lacks(t, "DISK");
    lacks(t, "host devices");
    free(t);
    t = render(&s, XG_FMT_CSV, false);
    lacks(t, ",disk,");
    lacks(t, ",hostdisk,");
    free(t);
    xg_store_free(&s);
}

static void test_csv(void **state)
{
    (void)state;
    xg_store s;
    build_main(&s, "cpu,disk", 3);
    char *t = render(&s, XG_FMT_CSV, false);
    const char *hdr = "scope,family,domain,device,metric,start_s,end_s,"
                      "value,unit\n";
    assert_int_equal(strncmp(t, hdr, strlen(hdr)), 0);
    has(t, "\nwindow,cpu,a,,cpu_pct,0,2,75,%\n");
    has(t, "\nwindow,cpu,a,,cpu_s,0,2,1.5,s\n");
    has(t, "\nwindow,cpu,c,,cpu_pct,1,2,25,%\n");
    has(t, "\nwindow,cpu,host,,busy_pct,0,2,50,%\n");
    has(t, "\nwindow,cpu,a,vcpu1,cpu_pct,0,2,37.5,%\n");
    has(t, "\nwindow,disk,a,,wr_mb_s,0,2,32,MB/s\n");
    has(t, "\nwindow,hostdisk,host,sda,util_pct,0,2,50,%\n");
    /* interval 1..2: a used 1e9 ns in 1 s = 100 %; b reset: 1e9 = 100 % */
    has(t, "\ninterval,cpu,a,,cpu_pct,1,2,100,%\n");
    has(t, "\ninterval,cpu,b,,cpu_s,1,2,1,s\n");
    /* interval 0..1: a wrote 32 MiB in 1 s */
    has(t, "\ninterval,disk,a,,wr_mb_s,0,1,32,MB/s\n");
    /* c has no sample at tick 0: no row for interval 0..1 */
    lacks(t, "\ninterval,cpu,c,,cpu_pct,0,1,");
    /* not measured: no row */
    lacks(t, ",a,,wait_pct,");
    lacks(t, "sda1");
    /* the window summary comes first, then the intervals */
    const char *last_window = t, *p;
    while ((p = strstr(last_window + 1, "\nwindow,")))
        last_window = p;
    assert_true(strstr(t, "\ninterval,") > last_window);
    free(t);
    xg_store_free(&s);
}

static void test_csv_quoting(void **state)
{
    (void)state;
    xg_store s;
    xg_store_init(&s, 0);
    add_dom(&s, "we,ird \"vm\"", false, 0);
    static const spec sp[] = {
        {"test:we,ird \"vm\"", "cpu", "", "usage", "ns", {0, 1000000000, 0}},
    };
    fill(&s, sp, 1, 2, 2000000000);
    char *t = render(&s, XG_FMT_CSV, false);
    has(t, "\nwindow,cpu,\"we,ird \"\"vm\"\"\",,cpu_pct,0,2,50,%\n");
    free(t);
    xg_store_free(&s);
}

static double num_at(json_t *root, const char *sec, const char *part,
                     const char *domain, const char *device, const char *key)
{
    json_t *rows = json_object_get(json_object_get(root, sec), part), *r;
    size_t i;
    assert_true(json_is_array(rows));
    json_array_foreach(rows, i, r) {
        const char *dev = json_string_value(json_object_get(r, "device"));
        if (strcmp(json_string_value(json_object_get(r, "domain")), domain) ||
            (device && (!dev || strcmp(dev, device))))
            continue;
        json_t *v = json_object_get(r, key);
        assert_non_null(v);
        return json_is_null(v) ? NAN : json_number_value(v);
    }
    fail_msg("no %s.%s row %s/%s", sec, part, domain, device ? device : "");
    return NAN;
}

static void test_json(void **state)
{
    (void)state;
    xg_store s;
    build_main(&s, "cpu,disk", 3);
    char *t = render(&s, XG_FMT_JSON, false);
    json_error_t err;
    json_t *root = json_loads(t, 0, &err);
    if (!root)
        fail_msg("bad JSON (%s) in:\n%s", err.text, t);
    assert_string_equal(json_string_value(json_object_get(root, "format")),
                        "xengatherer-report");
    assert_int_equal(json_integer_value(json_object_get(root, "version")), 1);
    assert_true(json_is_true(json_object_get(root, "partial")));
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(root, "meta"), "hostname")), "h1");
    assert_float_equal(json_number_value(json_object_get(
                           json_object_get(root, "window"), "end_s")), 2.0, 1e-9);
    assert_float_equal(num_at(root, "cpu", "window", "a", NULL, "cpu_pct"), 75.0, 1e-9);
    assert_float_equal(num_at(root, "cpu", "window", "b", NULL, "cpu_s"), 2.0, 1e-9);
    assert_true(isnan(num_at(root, "cpu", "window", "a", NULL, "wait_pct")));
    assert_float_equal(num_at(root, "cpu", "window", "host", NULL, "unwatched_cpu_s"),
                       0.25, 1e-9);
    assert_float_equal(num_at(root, "cpu", "vcpu_window", "a", "vcpu0", "cpu_pct"),
                       40.0, 1e-9);
    assert_float_equal(num_at(root, "disk", "window", "a", NULL, "wr_mb_s"), 32.0, 1e-9);
    assert_float_equal(num_at(root, "disk", "window", "b", NULL, "rd_mb"), 22.0, 1e-9);
    assert_float_equal(num_at(root, "hostdisk", "window", "host", "sda", "aqu_sz"),
                       0.8, 1e-9);
    assert_float_equal(num_at(root, "hostdisk", "window", "host", "sda", "rd_await_ms"),
                       1.5, 1e-9);
    /* intervals: a, b and host in 0..1; a, b, c and host in 1..2 */
    assert_int_equal(json_array_size(json_object_get(json_object_get(root, "cpu"),
                                                     "intervals")), 7);
    json_t *c = json_array_get(json_object_get(root, "domains"), 3);
    assert_string_equal(json_string_value(json_object_get(c, "name")), "c");
    assert_true(json_is_false(json_object_get(c, "full_span")));
    assert_float_equal(json_number_value(json_object_get(c, "span_start_s")), 1.0, 1e-9);
    json_t *w = json_array_get(json_object_get(root, "workloads"), 1);
    assert_int_equal(json_integer_value(json_object_get(w, "signal")), 9);
    assert_true(json_is_null(json_object_get(w, "exit_code")));
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(root, "hostdisk"), "idle_not_shown")), 1);
    json_decref(root);
    free(t);
    xg_store_free(&s);
}

/* Some line after marker equals want once runs of blanks are squeezed. */
static void line_is(const char *buf, const char *marker, const char *want)
{
    const char *p = strstr(buf, marker);
    char line[512];
    if (!p)
        fail_msg("no \"%s\" in:\n%s", marker, buf);
    for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        size_t n = 0;
        for (const char *q = p; *q && *q != '\n' && n < sizeof(line) - 1; q++)
            if (*q != ' ' || (n && line[n - 1] != ' '))
                line[n++] = *q;
        line[n] = '\0';
        if (strcmp(line, want) == 0)
            return;
    }
    fail_msg("no line \"%s\" in:\n%.1500s", want, strstr(buf, marker));
}

/* NET: a with two interfaces (eth1 without drop and error counts), b
 * with none, c whose counter went back (counted from zero), the host with
 * eth0 and a never-used dummy0; 3 ticks 1 s apart. */
static const spec net_spec[] = {
    {"test:a", "net", "eth0", "rx_bytes", "bytes", {0, 1 * MIB, 4 * MIB}},
    {"test:a", "net", "eth0", "tx_bytes", "bytes", {0, 0, 2 * MIB}},
    {"test:a", "net", "eth0", "rx_packets", "packets", {0, 1000, 3000}},
    {"test:a", "net", "eth0", "tx_packets", "packets", {0, 10, 20}},
    {"test:a", "net", "eth0", "rx_drops", "packets", {0, 1, 5}},
    {"test:a", "net", "eth0", "tx_drops", "packets", {0, 0, 0}},
    {"test:a", "net", "eth0", "rx_errors", "packets", {0, 0, 1}},
    {"test:a", "net", "eth0", "tx_errors", "packets", {0, 0, 2}},
    {"test:a", "net", "eth1", "rx_bytes", "bytes", {100, 100 + MIB, 100 + 2 * MIB}},
    {"test:a", "net", "eth1", "tx_bytes", "bytes", {0, 0, 0}},
    {"test:a", "net", "eth1", "rx_packets", "packets", {0, 500, 1000}},
    {"test:a", "net", "eth1", "tx_packets", "packets", {0, 0, 0}},
    /* c from tick 1: 5 MiB, then reset to 1 MiB: counted from zero */
    {"test:c", "net", "eth0", "rx_bytes", "bytes", {NV, 5 * MIB, 1 * MIB}},
    {"test:c", "net", "eth0", "tx_bytes", "bytes", {NV, 0, 0}},
    {"test:c", "net", "eth0", "rx_packets", "packets", {NV, 0, 0}},
    {"test:c", "net", "eth0", "tx_packets", "packets", {NV, 0, 0}},
    {"test:host", "net", "eth0", "rx_bytes", "bytes", {1000, 2000, 3000}},
    {"test:host", "net", "eth0", "tx_bytes", "bytes", {0, 0, 0}},
    {"test:host", "net", "eth0", "rx_packets", "packets", {1, 2, 3}},
    {"test:host", "net", "eth0", "tx_packets", "packets", {0, 0, 0}},
    {"test:host", "net", "dummy0", "rx_bytes", "bytes", {0, 0, 0}},
    {"test:host", "net", "dummy0", "tx_bytes", "bytes", {0, 0, 0}},
    {"test:host", "net", "dummy0", "rx_packets", "packets", {0, 0, 0}},
    {"test:host", "net", "dummy0", "tx_packets", "packets", {0, 0, 0}},
};

static void build_net(xg_store *s, const char *families)
{
    xg_store_init(s, 3);
    add_dom(s, "host", true, 4);
    add_dom(s, "a", false, 2);
    add_dom(s, "b", false, 0);
    add_dom(s, "c", false, 0);
    fill(s, net_spec, sizeof(net_spec) / sizeof(net_spec[0]), 3, 1000000000);
    assert_int_equal(xg_store_meta_set(s, "families", families), 0);
    assert_int_equal(xg_store_meta_set(s, "note.net", "b: shares the host's "
                                       "network namespace"), 0);
}

static void test_net_section(void **state)
{
    (void)state;
    xg_store s;
    build_net(&s, "cpu,net");
    char *t = render(&s, XG_FMT_TEXT, false);
    has(t, "\nNET (each domain's view: rx = what it received;");
    /* a eth0: 4 MiB in 2 s = 2 MB/s rx, 2 MiB = 1 MB/s tx, 3000 packets =
     * 1500/s, 20 = 10/s; drops 5 and 0; errors 1 + 2 */
    line_is(t, "NET (", "a eth0 2.00 1.00 1500.0 10.0 4.00 2.00 5 0 3");
    /* eth1: 2 MiB = 1 MB/s, 1000 packets = 500/s; drops, errors unknown */
    line_is(t, "NET (", "a eth1 1.00 0.00 500.0 0.0 2.00 0.00 - - -");
    /* the sum: 6 MiB, 4000 packets; drops and errors of eth0 alone */
    line_is(t, "NET (", "a (all) 3.00 1.00 2000.0 10.0 6.00 2.00 5 0 3");
    line_is(t, "NET (", "b - - - - - - - - - -");
    /* c from tick 1, a reset: 1 MiB over its 1 s */
    line_is(t, "NET (", "c eth0 1.00 0.00 0.0 0.0 1.00 0.00 - - -");
    line_is(t, "NET (", "host eth0 0.00 0.00 1.0 0.0 0.00 0.00 - - -");
    lacks(t, "dummy0");
    lacks(t, "host (all)");
    has(t, "\n1 idle host interface not shown\n");
    has(t, "\nnote: b: shares the host's network namespace\n");
    free(t);

    t = render(&s, XG_FMT_CSV, false);
    has(t, "\nwindow,net,a,eth0,rx_mb_s,0,2,2,MB/s\n");
    has(t, "\nwindow,net,a,eth0,tx_pkt_s,0,2,10,packets/s\n");
    has(t, "\nwindow,net,a,eth0,rx_drops,0,2,5,packets\n");
    has(t, "\nwindow,net,a,eth0,tx_errors,0,2,2,packets\n");
    has(t, "\nwindow,net,a,,rx_mb,0,2,6,MB\n");
    has(t, "\nwindow,net,a,,rx_packets,0,2,4000,packets\n");
    has(t, "\ninterval,net,a,eth0,rx_mb_s,1,2,3,MB/s\n");
    has(t, "\ninterval,net,a,eth0,rx_mb_s,0,1,1,MB/s\n");
    has(t, "\nwindow,net,c,eth0,rx_mb,1,2,1,MB\n");
    lacks(t, ",net,a,eth1,rx_drops,");
    lacks(t, ",net,b,");
    lacks(t, ",net,host,,");
    lacks(t, ",net,host,dummy0,");
    free(t);

    t = render(&s, XG_FMT_JSON, false);
    json_t *root = json_loads(t, 0, NULL);
    assert_non_null(root);
    assert_float_equal(num_at(root, "net", "window", "a", NULL, "tx_mb_s"),
                       1.0, 1e-9);
    assert_true(isnan(num_at(root, "net", "window", "b", NULL, "rx_mb")));
    assert_float_equal(num_at(root, "net", "device_window", "a", "eth1",
                              "rx_pkt_s"), 500.0, 1e-9);
    assert_float_equal(num_at(root, "net", "device_intervals", "a", "eth0",
                              "rx_packets"), 1000.0, 1e-9);
    assert_float_equal(num_at(root, "net", "device_window", "host", "eth0",
                              "rx_packets"), 2.0, 1e-9);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(root, "net"), "idle_not_shown")), 1);
    json_decref(root);
    free(t);
    xg_store_free(&s);
}

/* --nonet: families without net, no NET section in any format. */
static void test_nonet(void **state)
{
    (void)state;
    xg_store s;
    build_net(&s, "cpu");
    char *t = render(&s, XG_FMT_TEXT, false);
    lacks(t, "NET");
    lacks(t, "shares the host's");
    free(t);
    t = render(&s, XG_FMT_CSV, false);
    lacks(t, ",net,");
    free(t);
    t = render(&s, XG_FMT_JSON, false);
    lacks(t, "\"net\"");
    free(t);
    xg_store_free(&s);
}

/* Renders every format; JSON must parse. */
static void render_all(const xg_store *s, char **text)
{
    char *t = render(s, XG_FMT_CSV, false);
    free(t);
    t = render(s, XG_FMT_JSON, true);
    json_t *root = json_loads(t, 0, NULL);
    assert_non_null(root);
    json_decref(root);
    free(t);
    *text = render(s, XG_FMT_TEXT, true);
}

static void test_one_tick(void **state)
{
    (void)state;
    xg_store s;
    build_main(&s, NULL, 1);
    char *t;
    render_all(&s, &t);
    has(t, "only one sample: no interval to report\n");
    lacks(t, "%util");
    free(t);
    xg_store_free(&s);
}

static void test_empty_and_odd(void **state)
{
    (void)state;
    xg_store s;
    char *t;
    /* no ticks, no meta, no domains */
    xg_store_init(&s, 0);
    render_all(&s, &t);
    has(t, "host: -\n");
    has(t, "no interval to report");
    free(t);
    /* a domain without series (and a name that is not UTF-8), a series that
     * is all gaps, and two ticks at the same instant (0 s: no rate may be
     * printed) */
    add_dom(&s, "empty\xff", false, 0);
    add_dom(&s, "gaps", false, 0);
    assert_true(xg_store_series(&s, 1, "cpu", "", "usage", "ns") >= 0);
    add_dom(&s, "host", true, 0);
    static const spec sp[] = {
        {"test:host", "cpu", "", "usage", "ns", {5, 7, NV}},
        {"test:host", "hostdisk", "sdz", "io_ticks", "ms", {1, 2, NV}},
    };
    fill(&s, sp, 2, 2, 0);
    render_all(&s, &t);
    row_is(t, "\nCPU", "empty? - - - - - - - - -"); /* see test_text_escapes */
    row_is(t, "\nCPU", "gaps - - - - - - - - -");
    row_is(t, "\nCPU", "host - 0.000 - - - - - - full");
    lacks(t, "nan");
    lacks(t, "inf");
    free(t);
    xg_store_free(&s);
}

static void test_write_error_and_parse(void **state)
{
    (void)state;
    xg_format f;
    assert_int_equal(xg_format_parse("csv", &f), 0);
    assert_int_equal(f, XG_FMT_CSV);
    assert_int_equal(xg_format_parse("json", &f), 0);
    assert_int_equal(f, XG_FMT_JSON);
    assert_int_equal(xg_format_parse("text", &f), 0);
    assert_int_equal(f, XG_FMT_TEXT);
    assert_int_equal(xg_format_parse("xml", &f), -1);

    FILE *full = fopen("/dev/full", "w");
    if (!full)
        skip();
    xg_store s;
    build_main(&s, "cpu,disk", 3);
    xg_report_opts o = {XG_FMT_TEXT, false};
    assert_int_equal(xg_report_write(&s, &o, full), -1);
    fclose(full);
    xg_store_free(&s);
}

/* A disk whose source stopped answering: its note shows once under DISK;
 * "domain vanished" does not (the span says it). */
static void test_series_notes(void **state)
{
    xg_domain_info d = {.key = "qemu:vm", .name = "vm", .platform_id = 7,
                        .first_tick = -1, .last_tick = -1};
    xg_domain_info g = {.key = "qemu:gone", .name = "gone", .platform_id = 8,
                        .first_tick = -1, .last_tick = -1};
    xg_store s;
    int64_t rd, wr, gs;
    char *text;

    (void)state;
    xg_store_init(&s, 3);
    xg_store_meta_set(&s, "families", "disk");
    xg_store_add_domain(&s, &d);
    xg_store_add_domain(&s, &g);
    rd = xg_store_series(&s, 0, "disk", "vda", "rd_bytes", "bytes");
    wr = xg_store_series(&s, 0, "disk", "vda", "wr_bytes", "bytes");
    gs = xg_store_series(&s, 1, "disk", "vdb", "rd_bytes", "bytes");
    for (int t = 0; t < 3; t++) {
        xg_store_tick(&s, (int64_t)t * 1000000000, 0);
        if (t < 2) {
            xg_store_put(&s, (uint32_t)rd, 100u * (unsigned)t);
            xg_store_put(&s, (uint32_t)wr, 200u * (unsigned)t);
            xg_store_put(&s, (uint32_t)gs, 0);
        }
    }
    xg_store_series_note(&s, (uint32_t)rd, "ended at 1.0 s: qmp stopped");
    xg_store_series_note(&s, (uint32_t)wr, "ended at 1.0 s: qmp stopped");
    xg_store_series_note(&s, (uint32_t)gs, "domain vanished");
    text = render(&s, XG_FMT_TEXT, false);
    has(text, "\nnote: vm vda: ended at 1.0 s: qmp stopped\n");
    /* once for the device, not once per series */
    assert_null(strstr(strstr(text, "note: vm vda") + 1, "note: vm vda"));
    lacks(text, "domain vanished");
    free(text);
    xg_store_free(&s);
}

/* Names and metadata come from outside (a cgroup's name, a recording made
 * elsewhere): the text report, meant for a terminal, shows their control
 * bytes, C1 controls and invalid UTF-8 as '?' (aligned as such); CSV and
 * JSON keep the data (JSON escaped). */
static void test_text_escapes(void **state)
{
    static const char evil[] = "e\x1b]0;pwned\x07\x1b[2J\tx\xc2\x9b""1m\xff";
    xg_workload w = {.domain = 1, .argv = "[\"\\u001b[31m\"]",
                     .start_ns = T0_MONO, .end_ns = T0_MONO + 1000000000,
                     .state = "failed: \x1b[5mboom"};
    xg_store s;
    char *t;
    int64_t se;

    (void)state;
    xg_store_init(&s, 2);
    add_dom(&s, "host", true, 1);
    add_dom(&s, evil, false, 0);
    xg_store_meta_set(&s, "hostname", "h\x1b[31mred");
    xg_store_meta_set(&s, "partial", "1");
    xg_store_meta_set(&s, "partial_reason", "\x9b\x1b[Hwhy");
    se = xg_store_series(&s, 1, "cpu", "", "usage", "ns");
    assert_true(se >= 0);
    for (int k = 0; k < 2; k++) {
        assert_true(xg_store_tick(&s, T0_MONO + k * 1000000000LL, T0_WALL) ==
                    (uint32_t)k);
        assert_int_equal(xg_store_put(&s, (uint32_t)se, 500000000u * (unsigned)k), 0);
    }
    xg_store_series_note(&s, (uint32_t)se, "ended: \x1b[0m");
    assert_int_equal(xg_store_add_workload(&s, &w), 0);

    t = render(&s, XG_FMT_TEXT, false);
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        if ((*p < 0x20 && *p != '\n') || *p == 0x7f || *p == 0xff ||
            (p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0))
            fail_msg("byte 0x%02x at %td in the text report:\n%s", *p,
                     (const char *)p - t, t);
    has(t, "host: h?[31mred\n");
    has(t, "PARTIAL: ??[Hwhy\n");
    row_is(t, "\nworkloads", "e?]0;pwned??[2J?x?1m? failed: ?[5mboom - 1.000");
    row_is(t, "\nCPU", "e?]0;pwned??[2J?x?1m? - 0.500 50.00 - - - - - full");
    free(t);
    t = render(&s, XG_FMT_CSV, false);
    has(t, ",e\x1b]0;pwned\x07\x1b[2J\tx\xc2\x9b""1m\xff,");
    free(t);
    xg_store_free(&s);
}

/* Counted per CPU, the host's task-clock is every CPU's whole window
 * (2 CPUs x 2 s = 4 s, idle included): the figure stays, with a line
 * saying what it is. */
static void test_cache_host_clock(void **state)
{
    static const spec sp[] = {
        {"test:host", "cache", "", "task-clock", "ns", {0, 2000000000, 4000000000}},
        {"test:host", "cache", "", "page-faults", "events", {0, 100, 300}},
        {"test:host", "cache", "", "time_enabled", "ns", {0, 2000000000, 4000000000}},
        {"test:host", "cache", "", "time_running", "ns", {0, 2000000000, 4000000000}},
        {"test:a", "cache", "", "task-clock", "ns", {0, 500000000, 900000000}},
        {"test:a", "cache", "", "page-faults", "events", {0, 10, 20}},
        {"test:a", "cache", "", "time_enabled", "ns", {0, 2000000000, 4000000000}},
        {"test:a", "cache", "", "time_running", "ns", {0, 2000000000, 4000000000}},
    };
    xg_store s;
    char *t;

    (void)state;
    xg_store_init(&s, 3);
    add_dom(&s, "host", true, 2);
    add_dom(&s, "a", false, 0);
    fill(&s, sp, sizeof(sp) / sizeof(sp[0]), 3, 1000000000);
    xg_store_meta_set(&s, "families", "cache");
    xg_store_meta_set(&s, "cache_events", "task-clock,page-faults");
    t = render(&s, XG_FMT_TEXT, false);
    row_is(t, "\nCACHE", "a 0.900 20");
    row_is(t, "\nCACHE", "host 4.000 300");
    has(t, "\nnote: host task-clock: every CPU's whole time, idle included "
           "(2 CPUs x 2.000 s), not what it used (that is under CPU)\n");
    lacks(t, "by mode");
    free(t);
    xg_store_free(&s);

    /* page-faults alone: nothing to say */
    xg_store_init(&s, 3);
    add_dom(&s, "host", true, 2);
    fill(&s, sp + 1, 3, 3, 1000000000);
    t = render(&s, XG_FMT_TEXT, false);
    row_is(t, "\nCACHE", "host 300");
    lacks(t, "whole time");
    free(t);
    xg_store_free(&s);
}

/* --nosumcache: the kernel does not split task-clock by mode, so every
 * mode row has the same total; page-faults it does split. */
static void test_cache_modes_clock(void **state)
{
    static const spec sp[] = {
        {"test:a", "cache", "user", "page-faults", "events", {0, 10, 20}},
        {"test:a", "cache", "user", "time_enabled", "ns", {0, 1, 2}},
        {"test:a", "cache", "user", "time_running", "ns", {0, 1, 2}},
        {"test:a", "cache", "kernel", "page-faults", "events", {0, 1, 3}},
        {"test:a", "cache", "kernel", "time_enabled", "ns", {0, 1, 2}},
        {"test:a", "cache", "kernel", "time_running", "ns", {0, 1, 2}},
        {"test:a", "cache", "user", "task-clock", "ns", {0, 300000000, 600000000}},
        {"test:a", "cache", "kernel", "task-clock", "ns", {0, 300000000, 600000000}},
    };
    xg_store s;
    char *t;

    (void)state;
    xg_store_init(&s, 3);
    add_dom(&s, "a", false, 0);
    fill(&s, sp, sizeof(sp) / sizeof(sp[0]), 3, 1000000000);
    xg_store_meta_set(&s, "families", "cache");
    t = render(&s, XG_FMT_TEXT, false);
    row_is(t, "\nCACHE", "a user 20 0.600");
    for (char *p = t, *q = t;; p++) /* runs of blanks squeezed */
        if (*p != ' ' || q == t || q[-1] != ' ')
            if (!(*q++ = *p))
                break;
    has(t, "\na kernel 3 0.600\n");
    has(t, "\nnote: task-clock: the kernel cannot split them by mode; each "
           "mode row shows the time in all modes\n");
    lacks(t, "whole time");
    free(t);
    xg_store_free(&s);

    /* without a clock event, no such line */
    xg_store_init(&s, 3);
    add_dom(&s, "a", false, 0);
    fill(&s, sp, 6, 3, 1000000000);
    t = render(&s, XG_FMT_TEXT, false);
    row_is(t, "\nCACHE", "a user 20");
    lacks(t, "by mode");
    free(t);
    xg_store_free(&s);
}

/* user % and sys % come in clock ticks, cpu % in ns: x's user 100.00 %
 * against cpu 99.95 % gets a line naming it; y (user + sys = cpu) not. */
static void test_cpu_ticks_note(void **state)
{
    static const spec sp[] = {
        {"test:x", "cpu", "", "usage", "ns", {0, 1000000000, 1999000000}},
        {"test:x", "cpu", "", "user", "ns", {0, 1000000000, 2000000000}},
        {"test:x", "cpu", "", "system", "ns", {0, 0, 0}},
        {"test:y", "cpu", "", "usage", "ns", {0, 500000000, 1000000000}},
        {"test:y", "cpu", "", "user", "ns", {0, 200000000, 600000000}},
        {"test:y", "cpu", "", "system", "ns", {0, 300000000, 400000000}},
    };
    xg_store s;
    char *t;

    (void)state;
    xg_store_init(&s, 3);
    add_dom(&s, "x", false, 0);
    add_dom(&s, "y", false, 0);
    fill(&s, sp, sizeof(sp) / sizeof(sp[0]), 3, 1000000000);
    xg_store_meta_set(&s, "families", "cpu");
    t = render(&s, XG_FMT_TEXT, false);
    row_is(t, "\nCPU", "x - 1.999 99.95 100.00 0.00 - - - full");
    row_is(t, "\nCPU", "y - 1.000 50.00 30.00 20.00 - - - full");
    has(t, "\nnote: user % and sys % are sampled at clock ticks, cpu % is "
           "counted in ns: their sum is above cpu % for x\n");
    free(t);
    xg_store_free(&s);

    build_main(&s, "cpu", 3); /* a: 30 + 15 below 75 */
    t = render(&s, XG_FMT_TEXT, false);
    lacks(t, "clock ticks");
    free(t);
    xg_store_free(&s);
}

/* A raw xentrace buffer (records as in Xen's public trace.h). */
typedef struct tbuf {
    unsigned char b[512];
    size_t n;
} tbuf;

static void put32(tbuf *t, uint32_t v)
{
    assert_true(t->n + 4 <= sizeof(t->b));
    for (int i = 0; i < 4; i++)
        t->b[t->n++] = (unsigned char)(v >> (8 * i));
}

/* TRC_TRACE_CPU_CHANGE: the records that follow are CPU cpu's. */
static void cpu_change(tbuf *t, uint32_t cpu)
{
    put32(t, 0x0001f003u | 2u << 28);
    put32(t, cpu);
    put32(t, 0);
}

/* TRC_SCHED_RUNSTATE_CHANGE | old << 8 | new << 4 at tsc. */
static void runstate(tbuf *t, uint64_t tsc, unsigned dom, unsigned vcpu,
                     unsigned old, unsigned nw)
{
    put32(t, (0x00021001u | old << 8 | nw << 4) | 1u << 28 | 1u << 31);
    put32(t, (uint32_t)tsc);
    put32(t, (uint32_t)(tsc >> 32));
    put32(t, dom << 16 | vcpu);
}

/* Runstates 0 running, 1 runnable (waited), 2 blocked, 3 offline. Over
 * tsc 1000..2000 (span 1000): d40 ("a") v0 waits 100, runs 400, blocked
 * 500, one execution; v1 offline 200, then runs 800, one execution; d0
 * (the host) v0 blocked throughout, then runs at 2000 (one execution);
 * idle vCPU 1 runs 600 (pCPUs idle 600 / 1000 = 60 %); d7 is not in the
 * store. 10 records, CPUs 0 and 1. */
static void sched_trace(tbuf *t)
{
    memset(t, 0, sizeof(*t));
    cpu_change(t, 0);
    runstate(t, 1000, 40, 0, 2, 1);
    runstate(t, 1100, 40, 0, 1, 0);
    runstate(t, 1200, 40, 1, 3, 0);
    runstate(t, 1300, 7, 0, 1, 0);
    runstate(t, 1500, 40, 0, 0, 2);
    cpu_change(t, 1);
    runstate(t, 1000, 0x7fff, 1, 1, 0);
    runstate(t, 1600, 0x7fff, 1, 0, 2);
    runstate(t, 2000, 0, 0, 2, 0);
}

/* host (domid 0), a (40), b (41, not traced); 3 ticks 1 s apart; the
 * trace in meta "sched.xentrace" when with_trace. */
static void build_sched(xg_store *s, bool with_trace)
{
    static const spec sp[] = {
        {"test:host", "cpu", "", "usage", "ns", {0, 1000, 2000}},
        {"test:a", "cpu", "", "usage", "ns", {0, 1000, 2000}},
        {"test:b", "cpu", "", "usage", "ns", {0, 1000, 2000}},
    };
    static const char *const names[] = {"host", "a", "b"};
    static const int64_t domids[] = {0, 40, 41};
    xg_store_init(s, 3);
    for (size_t i = 0; i < 3; i++) {
        char key[64];
        snprintf(key, sizeof(key), "test:%s", names[i]);
        xg_domain_info d = {.key = key, .name = (char *)names[i],
                            .platform_id = domids[i], .vcpus = 0,
                            .is_host = i == 0, .first_tick = -1,
                            .last_tick = -1};
        assert_true(xg_store_add_domain(s, &d) >= 0);
    }
    fill(s, sp, sizeof(sp) / sizeof(sp[0]), 3, 1000000000);
    assert_int_equal(xg_store_meta_set(s, "families", "cpu,sched"), 0);
    assert_int_equal(xg_store_meta_set(s, "note.sched", "no trace here"), 0);
    if (with_trace) {
        tbuf t;
        sched_trace(&t);
        char *b64 = xg_b64_encode(t.b, t.n);
        assert_non_null(b64);
        assert_int_equal(xg_store_meta_set(s, "sched.xentrace", b64), 0);
        assert_int_equal(xg_store_meta_set(s, "note.sched", ""), 0);
        free(b64);
    }
}

/* buf with runs of blanks squeezed to one (caller frees). */
static char *squeezed(const char *buf)
{
    char *o = malloc(strlen(buf) + 1), *q = o;
    assert_non_null(o);
    for (const char *p = buf; *p; p++)
        if (*p != ' ' || (q > o && q[-1] != ' '))
            *q++ = *p;
    *q = '\0';
    return o;
}

static void test_sched_section(void **state)
{
    (void)state;
    xg_store s;
    build_sched(&s, true);
    char *t = render(&s, XG_FMT_TEXT, false), *q = squeezed(t);
    has(q, "\nSCHED (xentrace; per vCPU, 100 % = its traced time)\n"
           "domain vcpu running % waited % blocked % offline % executions\n");
    has(q, "\na all 60.00 5.00 25.00 10.00 2\n"
           "a 0 40.00 10.00 50.00 0.00 1\n"
           "a 1 80.00 0.00 0.00 20.00 1\n"
           "host all 0.00 0.00 100.00 0.00 1\n"
           "host 0 0.00 0.00 100.00 0.00 1\n"
           "trace: 10 records, 2 pCPUs, 0 lost-records marks; "
           "pCPUs idle 60.00 %\n");
    lacks(strstr(q, "\nSCHED"), "\nb "); /* b is not in the trace */
    free(q);
    free(t);

    t = render(&s, XG_FMT_CSV, false);
    has(t, "\nwindow,sched,a,,running_pct,0,2,60,%\n");
    has(t, "\nwindow,sched,a,,executions,0,2,2,count\n");
    has(t, "\nwindow,sched,a,vcpu1,offline_pct,0,2,20,%\n");
    has(t, "\nwindow,sched,host,vcpu0,blocked_pct,0,2,100,%\n");
    lacks(t, ",sched,b,");
    lacks(t, "interval,sched,");
    free(t);

    t = render(&s, XG_FMT_JSON, false);
    json_t *root = json_loads(t, 0, NULL), *sec, *w, *v;
    assert_non_null(root);
    sec = json_object_get(root, "sched");
    w = json_object_get(sec, "window");
    v = json_object_get(sec, "vcpu_window");
    assert_int_equal(json_array_size(w), 2);
    assert_int_equal(json_array_size(v), 3);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(w, 0), "domain")), "a");
    assert_null(json_object_get(json_array_get(w, 0), "device"));
    assert_true(fabs(json_number_value(json_object_get(
                    json_array_get(w, 0), "waited_pct")) - 5) < 1e-9);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(v, 1), "device")), "vcpu1");
    assert_null(json_object_get(sec, "intervals"));
    assert_null(json_object_get(sec, "vcpu_intervals"));
    /* counts are JSON integers, as before the model */
    assert_true(json_is_integer(json_object_get(sec, "trace_records")));
    assert_int_equal(json_integer_value(json_object_get(sec, "trace_records")), 10);
    assert_int_equal(json_integer_value(json_object_get(sec, "pcpus")), 2);
    json_decref(root);
    free(t);
    xg_store_free(&s);

    /* no trace: the bare title, then note.sched; empty JSON arrays */
    build_sched(&s, false);
    t = render(&s, XG_FMT_TEXT, false);
    has(t, "\n\nSCHED\nnote: no trace here\n");
    lacks(t, "trace:");
    free(t);
    t = render(&s, XG_FMT_CSV, false);
    lacks(t, ",sched,");
    free(t);
    t = render(&s, XG_FMT_JSON, false);
    root = json_loads(t, 0, NULL);
    assert_non_null(root);
    sec = json_object_get(root, "sched");
    assert_true(json_is_array(json_object_get(sec, "window")));
    assert_int_equal(json_array_size(json_object_get(sec, "window")), 0);
    assert_int_equal(json_array_size(json_object_get(sec, "vcpu_window")), 0);
    assert_null(json_object_get(sec, "trace_records"));
    json_decref(root);
    free(t);
    xg_store_free(&s);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_header),
        cmocka_unit_test(test_text_cpu),
        cmocka_unit_test(test_text_disk),
        cmocka_unit_test(test_nodisk),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_csv_quoting),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_net_section),
        cmocka_unit_test(test_nonet),
        cmocka_unit_test(test_one_tick),
        cmocka_unit_test(test_empty_and_odd),
        cmocka_unit_test(test_write_error_and_parse),
        cmocka_unit_test(test_series_notes),
        cmocka_unit_test(test_text_escapes),
        cmocka_unit_test(test_cache_host_clock),
        cmocka_unit_test(test_cache_modes_clock),
        cmocka_unit_test(test_cpu_ticks_note),
        cmocka_unit_test(test_sched_section),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

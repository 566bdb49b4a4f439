/* test_schema.c — the series schema (src/core/schema.c): every row whole
 * and unique, the lookups, series made through it carry its unit,
 * docs/series.md's table is the schema's, and a recording's series the
 * schema does not know are loaded and named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/schema.h"
#include "core/store.h"
#include "recording/recording.h"
#include "asserts.h"

static bool plain(const char *t)
{
    return t && *t && !strchr(t, '|') && !strchr(t, '\n');
}

/* Every row filled (the designated initializers leave a forgotten one
 * zero), its text fit for a table cell, and known units only. */
static void test_rows_whole(void **state)
{
    static const char *const units[] = {"ns", "ms", "bytes", "ios",
                                        "sectors", "packets", "events"};
    (void)state;
    for (size_t i = 0; i < XG_S_COUNT; i++) {
        const xg_series_def *d = &xg_schema[i];
        bool unit_ok = false;
        if (!plain(d->family) || !plain(d->metric) || !plain(d->unit) ||
            !plain(d->description) || !d->devices)
            fail_msg("schema row %zu is incomplete", i);
        for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++)
            unit_ok = unit_ok || strcmp(d->unit, units[u]) == 0;
        if (!unit_ok)
            fail_msg("%s.%s: unit %s", d->family, d->metric, d->unit);
        assert_int_equal(strcmp(d->metric, "*") == 0,
                         (d->flags & XG_SF_DYNAMIC) != 0);
        assert_int_equal(xg_schema_id(d), i);
    }
}

/* No (family, metric) twice, at most one dynamic row per family. */
static void test_rows_unique(void **state)
{
    (void)state;
    for (size_t i = 0; i < XG_S_COUNT; i++)
        for (size_t j = i + 1; j < XG_S_COUNT; j++)
            if (!strcmp(xg_schema[i].family, xg_schema[j].family) &&
                !strcmp(xg_schema[i].metric, xg_schema[j].metric))
                fail_msg("%s.%s twice", xg_schema[i].family,
                         xg_schema[i].metric);
}

static void test_find(void **state)
{
    (void)state;
    for (size_t i = 0; i < XG_S_COUNT; i++)
        assert_ptr_equal(xg_schema_find(xg_schema[i].family,
                                        xg_schema[i].metric), &xg_schema[i]);
    assert_ptr_equal(xg_schema_find("cpu", "usage"),
                     &xg_schema[XG_S_CPU_USAGE]);
    assert_null(xg_schema_find("cpu", "usgae"));
    assert_null(xg_schema_find("cpus", "usage"));
    assert_null(xg_schema_find(NULL, "usage"));
    /* a --cache-events event: the dynamic row, but for the clocks */
    assert_ptr_equal(xg_schema_find("cache", "cycles"),
                     &xg_schema[XG_S_CACHE_EVENT]);
    assert_ptr_equal(xg_schema_find("cache", "task-clock"),
                     &xg_schema[XG_S_CACHE_TASK_CLOCK]);
    assert_string_equal(xg_schema_find("cache", "cpu-clock")->unit, "ns");
    assert_string_equal(xg_schema_find("cache", "LLC-loads")->unit, "events");
    assert_int_equal(xg_schema[XG_S_CMT_LLC_OCCUPANCY].kind, XG_GAUGE);
    assert_int_equal(xg_schema[XG_S_CMT_MBM_TOTAL].kind, XG_COUNTER);
}

static void test_device_ok(void **state)
{
    (void)state;
    assert_true(xg_schema_device_ok(&xg_schema[XG_S_CPU_USAGE], ""));
    assert_true(xg_schema_device_ok(&xg_schema[XG_S_CPU_USAGE], "vcpu12"));
    assert_false(xg_schema_device_ok(&xg_schema[XG_S_CPU_USAGE], "vcpu"));
    assert_false(xg_schema_device_ok(&xg_schema[XG_S_CPU_USAGE], "vcpu1x"));
    assert_false(xg_schema_device_ok(&xg_schema[XG_S_CPU_STEAL], "vcpu0"));
    assert_true(xg_schema_device_ok(&xg_schema[XG_S_DISK_RD_BYTES], "all"));
    assert_true(xg_schema_device_ok(&xg_schema[XG_S_DISK_RD_BYTES], "vda"));
    assert_false(xg_schema_device_ok(&xg_schema[XG_S_DISK_RD_BYTES], ""));
    assert_true(xg_schema_device_ok(&xg_schema[XG_S_CACHE_MISSES], "kernel"));
    assert_false(xg_schema_device_ok(&xg_schema[XG_S_CACHE_MISSES], "guest"));
    assert_true(xg_schema_device_ok(&xg_schema[XG_S_CMT_MBM_LOCAL], NULL));
}

/* Series made through the schema carry its strings and unit. */
static void test_series(void **state)
{
    xg_store s;
    xg_domain_info d = {.key = "k", .name = "a", .platform_id = -1,
                        .first_tick = -1, .last_tick = -1};
    int64_t x;

    (void)state;
    xg_store_init(&s, 0);
    assert_int_equal(xg_store_add_domain(&s, &d), 0);
    x = xg_schema_series(&s, 0, XG_S_HOSTDISK_RD_SECTORS, "sda");
    assert_true(x >= 0);
    assert_string_equal(s.series[x].family, "hostdisk");
    assert_string_equal(s.series[x].metric, "rd_sectors");
    assert_string_equal(s.series[x].unit, "sectors");
    assert_string_equal(s.series[x].device, "sda");
    assert_int_equal(xg_schema_series(&s, 0, XG_S_HOSTDISK_RD_SECTORS, "sda"),
                     x);
    assert_int_equal(xg_schema_series(&s, 0, XG_S_CACHE_EVENT, ""), -1);
    x = xg_schema_series_named(&s, 0, XG_S_CACHE_EVENT, "user", "cycles");
    assert_true(x >= 0);
    assert_string_equal(s.series[x].metric, "cycles");
    assert_string_equal(s.series[x].unit, "events");
    x = xg_schema_series_named(&s, 0, XG_S_CACHE_EVENT, "", "task-clock");
    assert_true(x >= 0);
    assert_string_equal(s.series[x].unit, "ns");
    assert_int_equal(xg_schema_series_named(&s, 0, XG_S_CPU_USAGE, "", "x"),
                     -1);
    assert_int_equal(xg_schema_series_named(&s, 0, XG_S_CACHE_EVENT, "", ""),
                     -1);
    assert_int_equal(s.n_series, 3);
    xg_store_free(&s);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    xg_sb sb = XG_SB_INIT;
    char buf[4096];
    size_t n;

    if (!f)
        fail_msg("%s: cannot open", path);
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        xg_sb_add(&sb, buf, n);
    fclose(f);
    assert_false(sb.oom);
    return sb.s;
}

/* docs/series.md's table is the schema's, row for row. */
static void test_docs_current(void **state)
{
    const char *dir = getenv("XG_DOCS");
    char path[4096], err[256];
    xg_sb out = XG_SB_INIT, table = XG_SB_INIT;
    char *doc;

    (void)state;
    assert_true(snprintf(path, sizeof(path), "%s/series.md",
                         dir ? dir : "docs") < (int)sizeof(path));
    doc = slurp(path);
    assert_int_equal(xg_schema_doc_splice(doc, &out, err, sizeof(err)), 0);
    if (strcmp(doc, xg_sb_str(&out)) != 0)
        fail_msg("%s: the series table is not the schema's: run "
                 "`ninja -C build series-doc`", path);
    /* every row is in it, with its unit */
    xg_schema_markdown(&table);
    for (size_t i = 0; i < XG_S_COUNT; i++) {
        char row[256];
        const xg_series_def *d = &xg_schema[i];
        assert_true(snprintf(row, sizeof(row), "\n| %s | %s | %s | ",
                             d->family, (d->flags & XG_SF_DYNAMIC) ? "*event*"
                                                                   : d->metric,
                             d->unit) < (int)sizeof(row));
        has(doc, row);
    }
    xg_sb_free(&table);
    xg_sb_free(&out);
    free(doc);
}

/* The splice notices a stale table and a missing marker. */
static void test_docs_splice(void **state)
{
    const char *stale = "intro\n" XG_SCHEMA_DOC_BEGIN "\n| cpu | usage | ms |"
                        "\n" XG_SCHEMA_DOC_END "\nafter\n";
    xg_sb out = XG_SB_INIT;
    char err[256];

    (void)state;
    assert_int_equal(xg_schema_doc_splice(stale, &out, err, sizeof(err)), 0);
    has(xg_sb_str(&out), "intro\n" XG_SCHEMA_DOC_BEGIN "\n| family |");
    has(xg_sb_str(&out), "\n| cpu | usage | ns | counter |");
    has(xg_sb_str(&out), " |\n" XG_SCHEMA_DOC_END "\nafter\n");
    lacks(xg_sb_str(&out), "| ms |\n");
    xg_sb_clear(&out);
    assert_int_equal(xg_schema_doc_splice("no markers\n", &out, err,
                                          sizeof(err)), -1);
    has(err, "no line");
    xg_sb_free(&out);
}

static int64_t add(xg_store *s, const char *fam, const char *dev,
                   const char *metric, const char *unit)
{
    int64_t x = xg_store_series(s, 0, fam, dev, metric, unit);

    assert_true(x >= 0);
    assert_int_equal(xg_store_put(s, (uint32_t)x, 7), 0);
    return x;
}

/* A recording with series this build does not know (a newer writer, or
 * a unit changed): they are loaded, and named once each. */
static void test_unknown_loaded(void **state)
{
    char dir[] = "/tmp/xg_test_schema_XXXXXX", db[64], err[256];
    xg_domain_info d = {.key = "k", .name = "a", .platform_id = -1,
                        .first_tick = -1, .last_tick = -1};
    xg_store s, back;
    xg_sb out = XG_SB_INIT;

    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_true(snprintf(db, sizeof(db), "%s/rec.db", dir) < (int)sizeof(db));
    xg_store_init(&s, 0);
    assert_int_equal(xg_store_add_domain(&s, &d), 0);
    assert_true(xg_store_tick(&s, 1, 1) >= 0);
    xg_schema_series(&s, 0, XG_S_CPU_USAGE, "");
    add(&s, "gpu", "card0", "busy", "ns");
    add(&s, "gpu", "card1", "busy", "ns");
    add(&s, "cpu", "", "usage_pct", "percent");
    add(&s, "cpu", "vcpu0", "usage", "ms");
    add(&s, "cache", "", "cycles", "events");
    assert_int_equal(xg_recording_write(&s, db, false, err, sizeof(err)), 0);
    assert_int_equal(xg_recording_read(db, &back, err, sizeof(err)), 0);
    assert_int_equal(back.n_series, s.n_series);
    assert_true(xg_store_find_series(&back, 0, "gpu", "card1", "busy") >= 0);
    assert_int_equal(xg_store_get(&back, (uint32_t)xg_store_find_series(
                                  &back, 0, "gpu", "card0", "busy"), 0), 7);
    assert_int_equal(xg_schema_unknown(&back, &out), 3);
    assert_string_equal(xg_sb_str(&out), "left out: gpu.busy, cpu.usage_pct, "
                                         "cpu.usage (unit ms)");
    xg_sb_free(&out);
    xg_store_free(&back);
    xg_store_free(&s);
    assert_int_equal(unlink(db), 0);
    assert_int_equal(rmdir(dir), 0);
}

/* Nothing unknown: nothing said. Many: the first 16, and a count. */
static void test_unknown_lines(void **state)
{
    xg_domain_info d = {.key = "k", .name = "a", .platform_id = -1,
                        .first_tick = -1, .last_tick = -1};
    xg_store s;
    xg_sb out = XG_SB_INIT;
    char m[16];

    (void)state;
    xg_store_init(&s, 0);
    assert_int_equal(xg_store_add_domain(&s, &d), 0);
    assert_true(xg_store_tick(&s, 1, 1) >= 0);
    add(&s, "net", "eth0", "rx_bytes", "bytes");
    add(&s, "cmt", "", "llc_occupancy", "bytes");
    assert_int_equal(xg_schema_unknown(&s, &out), 0);
    assert_int_equal(out.len, 0);
    for (int i = 0; i < 20; i++) {
        assert_true(snprintf(m, sizeof(m), "m%d", i) < (int)sizeof(m));
        add(&s, "new", "", m, "ns");
    }
    assert_int_equal(xg_schema_unknown(&s, &out), 20);
    has(xg_sb_str(&out), "left out: new.m0, new.m1,");
    has(xg_sb_str(&out), ", new.m15 and 4 more");
    lacks(xg_sb_str(&out), "new.m16");
    xg_sb_free(&out);
    xg_store_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_whole),
        cmocka_unit_test(test_rows_unique),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_device_ok),
        cmocka_unit_test(test_series),
        cmocka_unit_test(test_docs_current),
        cmocka_unit_test(test_docs_splice),
        cmocka_unit_test(test_unknown_loaded),
        cmocka_unit_test(test_unknown_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

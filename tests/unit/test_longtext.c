/* test_longtext.c — text longer than the fixed buffers it used to pass
 * through is kept whole or refused with a clear error, never cut
 * silently: a damaged recording's message quoting a 2000-byte
 * format_version (the reader cut its details at 511 bytes), the same message into a small err
 * (ends in "..."), the writer's message into a small err (was cut
 * silently, now ends in "..." too), and the report's CACHE title and column names made of a
 * recording's long event names (cut at 319 and 63 bytes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asserts.h"
#include "recording/recording.h"
#include "report/report.h"
#include "core/store.h"

static char dir[] = "/tmp/xg-longtext-XXXXXX";

static char *longname(char c, size_t n)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

static void small_store(xg_store *s, const char *metric)
{
    xg_domain_info d = {.key = "k:a", .name = "a", .platform_id = -1,
                        .first_tick = -1, .last_tick = -1};
    int64_t x;

    xg_store_init(s, 2);
    assert_int_equal(xg_store_add_domain(s, &d), 0);
    d.key = "k:b";
    d.name = "b";
    assert_int_equal(xg_store_add_domain(s, &d), 1);
    x = xg_store_series(s, 0, "cache", "", metric, "events");
    assert_true(x >= 0);
    for (uint32_t t = 0; t < 2; t++) {
        assert_int_equal(xg_store_tick(s, 1000000000LL * (t + 1),
                                       1795650601000000000LL + t), t);
        assert_int_equal(xg_store_put(s, (uint32_t)x, 10 * t), 0);
    }
}

static void test_recording_message(void **state)
{
    char path[128], sql[2200], big[8192], small[64], want[4096];
    char *key = longname('k', 2000);
    xg_store s;
    sqlite3 *db;

    (void)state;
    snprintf(path, sizeof(path), "%s/r.db", dir);
    small_store(&s, "x");
    assert_int_equal(xg_recording_write(&s, path, false, big, sizeof(big)), 0);
    xg_store_free(&s);
    snprintf(sql, sizeof(sql), "UPDATE meta SET value = '%s' WHERE key = "
             "'format_version'", key);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    /* whole: the message ends with the value and its quote */
    assert_int_equal(xg_recording_read(path, &s, big, sizeof(big)), -1);
    snprintf(want, sizeof(want), "%s: damaged recording: bad "
             "format_version '%s'", path, key);
    assert_string_equal(big, want);
    /* too long for err: cut where it shows */
    assert_int_equal(xg_recording_read(path, &s, small, sizeof(small)), -1);
    assert_int_equal(strlen(small), sizeof(small) - 1);
    assert_memory_equal(small, want, sizeof(small) - 4);
    assert_string_equal(small + sizeof(small) - 4, "...");
    unlink(path);
    free(key);
}

/* The writer's one line, too long for err, ends in "..." where it is cut
 * (it used to end anywhere, with nothing to show it was cut). */
static void test_writer_message(void **state)
{
    char path[128], big[4096], small[48], want[4096];
    xg_store s;

    (void)state;
    snprintf(path, sizeof(path), "%s/w.db", dir);
    small_store(&s, "x");
    assert_int_equal(xg_recording_write(&s, path, false, big, sizeof(big)), 0);
    /* there already: refused without --force */
    assert_int_equal(xg_recording_write(&s, path, false, big, sizeof(big)), -1);
    snprintf(want, sizeof(want), "%s: File exists (use --force to "
             "overwrite)", path);
    assert_string_equal(big, want);
    assert_int_equal(xg_recording_write(&s, path, false, small, sizeof(small)),
                     -1);
    assert_int_equal(strlen(small), sizeof(small) - 1);
    assert_memory_equal(small, want, sizeof(small) - 4);
    assert_string_equal(small + sizeof(small) - 4, "...");
    xg_store_free(&s);
    unlink(path);
}

/* The CACHE section's title names the recording's events and its columns
 * their names: long ones are printed whole. */
static void test_cache_names(void **state)
{
    char *ev = longname('e', 700), *list = longname('l', 1000);
    char *buf = NULL, *hdr;
    size_t len = 0;
    FILE *f;
    xg_store s;
    xg_report_opts o = {XG_FMT_TEXT, false};

    (void)state;
    small_store(&s, ev);
    xg_store_meta_set(&s, "families", "cache");
    xg_store_meta_set(&s, "cache_events", list);
    assert_non_null(f = open_memstream(&buf, &len));
    assert_int_equal(xg_report_write(&s, &o, f), 0);
    fclose(f);
    assert_true(asprintf(&hdr, "\nCACHE (%s)\n", list) > 0);
    has(buf, hdr);
    free(hdr);
    assert_true(asprintf(&hdr, "domain  %s", ev) > 0);
    has(buf, hdr);
    free(hdr);
    free(buf);
    free(list);
    free(ev);
    xg_store_free(&s);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recording_message),
        cmocka_unit_test(test_writer_message),
        cmocka_unit_test(test_cache_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

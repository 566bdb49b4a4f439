/* test_regressions.c — one test per crash the fuzzers (fuzz/) found, with
 * the input that crashed, so each stays fixed. docs/reliability.md lists
 * them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "recording/recording.h"
#include "core/store.h"
#include "util/xentrace.h"

/* Writes the recording made by sql to path (replacing it). */
static void make_db(const char *path, const char *sql)
{
    sqlite3 *db;

    unlink(path);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* Replaces the one occurrence of pat in the file with rep (same length). */
static void patch_file(const char *path, const unsigned char *pat,
                       const unsigned char *rep, size_t n)
{
    static unsigned char buf[1 << 16];
    FILE *f = fopen(path, "r+b");
    size_t len, at = SIZE_MAX;

    assert_non_null(f);
    len = fread(buf, 1, sizeof(buf), f);
    assert_true(len > 0 && len < sizeof(buf));
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(buf + i, pat, n) == 0) {
            assert_int_equal(at, SIZE_MAX); /* only one */
            at = i;
        }
    }
    assert_int_not_equal(at, SIZE_MAX);
    assert_int_equal(fseek(f, (long)at, SEEK_SET), 0);
    assert_int_equal(fwrite(rep, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* fuzz_recording, crash-3cd6caa9 (fuzz/corpus/recording/): heap buffer
 * overflow in read_samples. A damaged file whose samples b-tree gives rows
 * out of (series_id, tick) order — SQLite trusts the b-tree for ORDER BY —
 * made the reader come back to a series whose values it had already trimmed
 * to size, and write past them. The fuzzer's input was a mutated 17 KiB
 * recording; this is the same fault in a 6 KiB one: the record of sample
 * (series 0, tick 1) is patched to say series 1, so the rows come as
 * (0,0) (1,1) (0,2) (1,0) (1,1) (1,2). */
static void test_recording_samples_out_of_order(void **state)
{
    static const char sql[] =
        "PRAGMA page_size=512;"
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "CREATE TABLE domains(id INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL,"
        " name TEXT NOT NULL, address TEXT, uuid TEXT, platform_id INTEGER,"
        " vcpus INTEGER, is_host INTEGER NOT NULL, first_tick INTEGER,"
        " last_tick INTEGER);"
        "CREATE TABLE ticks(seq INTEGER PRIMARY KEY, mono_ns INTEGER NOT NULL,"
        " wall_ns INTEGER NOT NULL);"
        "CREATE TABLE series(id INTEGER PRIMARY KEY, domain_id INTEGER NOT NULL,"
        " family TEXT NOT NULL, device TEXT NOT NULL, metric TEXT NOT NULL,"
        " unit TEXT NOT NULL, note TEXT, source TEXT);"
        "CREATE TABLE samples(series_id INTEGER NOT NULL, tick INTEGER NOT NULL,"
        " value INTEGER NOT NULL, PRIMARY KEY(series_id, tick)) WITHOUT ROWID;"
        "CREATE TABLE workloads(id INTEGER PRIMARY KEY, domain_id INTEGER NOT NULL,"
        " argv TEXT NOT NULL, start_ns INTEGER, end_ns INTEGER, exit_code INTEGER,"
        " signal INTEGER, state TEXT NOT NULL);"
        "INSERT INTO meta VALUES('format_version','1'),"
        " ('magic','xengatherer-recording');"
        "INSERT INTO ticks VALUES(0,1,1),(1,2,2),(2,3,3);"
        "INSERT INTO domains VALUES(0,'host','host',NULL,NULL,NULL,NULL,1,0,2);"
        "INSERT INTO series VALUES(0,0,'cpu','','usage','ns',NULL,NULL),"
        " (1,0,'cpu','','total','ns',NULL,NULL);"
        /* 81985529216939 = 0x4a90be587fab: a 6-byte value easy to find */
        "INSERT INTO samples VALUES(0,0,10),(0,1,81985529216939),(0,2,12),"
        " (1,0,20),(1,1,21),(1,2,22);";
    /* the record (0, 1, 0x4a90be587fab): header size 4, serial types 8
     * (the integer 0), 9 (the integer 1), 5 (6-byte integer), the value */
    static const unsigned char rec[] = {4, 8, 9, 5, 0x4a, 0x90, 0xbe, 0x58,
                                        0x7f, 0xab};
    unsigned char bad[sizeof(rec)];
    char path[] = "/tmp/xg_test_regressions_XXXXXX";
    char err[512] = "";
    xg_store s;
    int fd;

    (void)state;
    fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    make_db(path, sql);
    /* undamaged, it reads */
    assert_int_equal(xg_recording_read(path, &s, err, sizeof(err)), 0);
    xg_store_free(&s);
    memcpy(bad, rec, sizeof(rec));
    bad[1] = 9; /* series 0 -> series 1 */
    patch_file(path, rec, bad, sizeof(rec));
    assert_int_equal(xg_recording_read(path, &s, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "damaged recording"));
    assert_non_null(strstr(err, "out of order"));
    unlink(path);
}

/* fuzz_xentrace, crash-74775814 (fuzz/corpus/xentrace/): a trace with CPU
 * records but no runstate change gave qsort(NULL, 0, ...), undefined
 * behaviour (qsort's pointer is declared nonnull; UBSan stops there). The
 * smallest such trace: one TRC_TRACE_CPU_CHANGE record (event 0x0001f003,
 * two data words: CPU 0). It is a trace, with no vCPU in it. */
static void test_xentrace_no_runstate_records(void **state)
{
    static const unsigned char trace[] = {
        0x03, 0xf0, 0x01, 0x20, /* 0x0001f003 | 2 data words << 28 */
        0, 0, 0, 0, 0, 0, 0, 0,
    };
    xg_trace_sum s;
    char err[128];

    (void)state;
    assert_int_equal(xg_trace_sum_buf(trace, sizeof(trace), 0, 0, &s, err,
                                      sizeof(err)), 0);
    assert_int_equal(s.n, 0);
    xg_trace_sum_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recording_samples_out_of_order),
        cmocka_unit_test(test_xentrace_no_runstate_records),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_recording.c — unit tests for src/recording/reader.c: store round trip, file creation rules, and the reader's refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "recording/recording.h"
#include "core/store.h"

#define VM_NAME "a \"quoted\" 'name' — ünïcødé ✓"
#define BIG1 UINT64_C(18446744073709551000) /* stored as -616 */
#define BIG2 (UINT64_C(1) << 63)

static char tmpdir[] = "/tmp/xg_test_recording_XXXXXX";

/* tmpdir/name, in one of a few rotating buffers */
static const char *tpath(const char *name)
{
    static char bufs[4][PATH_MAX];
    static int next;
    char *b = bufs[next++ % 4];

    snprintf(b, PATH_MAX, "%s/%s", tmpdir, name);
    return b;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
    (void)sb;
    (void)flag;
    (void)f;
    return remove(p);
}

static int group_setup(void **state)
{
    (void)state;
    umask(022);
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* Reads the whole file into a malloc'd buffer. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void sql_edit(const char *path, const char *sql)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    sqlite3 *db = NULL;

    assert_int_equal(sqlite3_open_v2(path, &db, flags, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static int64_t sql_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t v;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    return v;
}

static uint32_t add_series(xg_store *s, uint32_t dom, const char *family,
                           const char *device, const char *metric,
                           const char *unit)
{
    int64_t i = xg_store_series(s, dom, family, device, metric, unit);

    assert_true(i >= 0);
    return (uint32_t)i;
}

/* The hand-built store: a host and a VM, 5 ticks, gaps, a note, big values,
 * an empty series and three workloads. */
static void build_store(xg_store *s)
{
    xg_domain_info host = { .key = "host", .name = "host", .platform_id = -1,
                            .is_host = true, .first_tick = -1,
                            .last_tick = -1 };
    xg_domain_info vm = { .key = "cgroup:machine.slice/a", .name = VM_NAME,
                          .address = "10.0.0.5",
                          .uuid = "0f9a4c2e-1b8d-4e5f-9a7b-3c2d1e0f9a8b",
                          .platform_id = 4000000000, .vcpus = 4,
                          .first_tick = -1, .last_tick = -1 };
    xg_workload w1 = { .domain = 1, .argv = "[\"stress\",\"--cpu\",\"1\"]",
                       .start_ns = 1500, .end_ns = 4500, .exit_code = 3,
                       .state = "exited" };
    xg_workload w2 = { .domain = 1, .argv = "[\"sleep\",\"1e9\"]",
                       .start_ns = 1600, .end_ns = -1, .state = "running" };
    xg_workload w3 = { .domain = 0, .argv = "[]", .start_ns = 1700,
                       .end_ns = 3000, .signal = 9, .state = "killed" };
    uint32_t h_usage, h_total, v_usage, v_disk, v_vcpu0;
    uint64_t big[] = { BIG1, BIG2, UINT64_MAX - 1, 0 };
    uint32_t t;

    xg_store_init(s, 5);
    assert_int_equal(xg_store_meta_set(s, "tool_version", "0.1.0"), 0);
    assert_int_equal(xg_store_meta_set(s, "format_version", "7"), 0);
    assert_int_equal(xg_store_meta_set(s, "cmdline", "run -- sh -c 'echo \"hi\"'"), 0);
    assert_int_equal(xg_store_meta_set(s, "hostname", "h\xc3\xb6st"), 0);
    assert_int_equal(xg_store_meta_set(s, "partial_reason", ""), 0);

    assert_int_equal(xg_store_add_domain(s, &host), 0);
    assert_int_equal(xg_store_add_domain(s, &vm), 1);

    h_usage = add_series(s, 0, "cpu", NULL, "usage", "ns");
    h_total = add_series(s, 0, "cpu", "", "total", "ns");
    v_usage = add_series(s, 1, "cpu", "", "usage", "ns");
    v_disk = add_series(s, 1, "disk", "xvda", "rd_bytes", "bytes");
    v_vcpu0 = add_series(s, 1, "cpu", "vcpu0", "usage", "ns");
    add_series(s, 1, "disk", "xvdb", "wr_bytes", "bytes"); /* never sampled */
    assert_int_equal(xg_store_series_note(s, v_vcpu0, "vcpu0 went offline"), 0);

    for (t = 0; t < 5; t++) {
        assert_int_equal(xg_store_tick(s, 1000 * (int64_t)(t + 1),
                                       1700000000000000000 + t), t);
        assert_int_equal(xg_store_put(s, h_usage, 10 * t), 0);
        assert_int_equal(xg_store_put(s, h_total, 100 * t + 7), 0);
        if (t != 2)   /* a gap */
            assert_int_equal(xg_store_put(s, v_usage, 5 * t), 0);
        if (t >= 1)
            assert_int_equal(xg_store_put(s, v_disk, big[t - 1]), 0);
        if (t <= 2)
            assert_int_equal(xg_store_put(s, v_vcpu0, t), 0);
    }
    assert_int_equal(xg_store_add_workload(s, &w1), 0);
    assert_int_equal(xg_store_add_workload(s, &w2), 1);
    assert_int_equal(xg_store_add_workload(s, &w3), 2);
}

/* A larger store, to give the file interior b-tree pages. */
static void build_big_store(xg_store *s, uint32_t nseries, uint32_t nticks)
{
    xg_domain_info d = { .key = "host", .name = "host", .platform_id = -1,
                         .is_host = true, .first_tick = -1, .last_tick = -1 };
    uint32_t i, t;
    char metric[32];

    xg_store_init(s, nticks);
    assert_int_equal(xg_store_meta_set(s, "hostname", "big"), 0);
    assert_int_equal(xg_store_add_domain(s, &d), 0);
    for (i = 0; i < nseries; i++) {
        snprintf(metric, sizeof(metric), "m%u", i);
        add_series(s, 0, "cpu", "", metric, "ns");
    }
    for (t = 0; t < nticks; t++) {
        assert_true(xg_store_tick(s, 1000000000LL * (t + 1), t) >= 0);
        for (i = 0; i < nseries; i++)
            if ((t + i) % 17 != 0)
                assert_int_equal(xg_store_put(s, i, (uint64_t)t * 1000003 + i), 0);
    }
}

static void assert_str_or_null(const char *a, const char *b)
{
    if (!a || !b)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

/* b is a recording of a read back: every field must match. */
static void assert_same_store(const xg_store *a, const xg_store *b)
{
    size_t i;
    uint32_t t, k;

    /* meta: same keys in the same order, format_version replaced, no magic */
    assert_int_equal(b->n_meta, a->n_meta + (xg_store_meta_get(a, "format_version") ? 0 : 1));
    for (i = 0; i < a->n_meta; i++) {
        assert_string_equal(b->meta[i].key, a->meta[i].key);
        if (strcmp(a->meta[i].key, "format_version") != 0)
            assert_string_equal(b->meta[i].value, a->meta[i].value);
    }
    assert_string_equal(xg_store_meta_get(b, "format_version"), "1");
    assert_null(xg_store_meta_get(b, "magic"));

    assert_int_equal(b->n_domains, a->n_domains);
    for (i = 0; i < a->n_domains; i++) {
        const xg_domain_info *x = &a->domains[i], *y = &b->domains[i];
        assert_string_equal(y->key, x->key);
        assert_string_equal(y->name, x->name);
        assert_str_or_null(y->address, x->address);
        assert_str_or_null(y->uuid, x->uuid);
        assert_str_or_null(y->host, x->host);
        assert_int_equal(y->platform_id, x->platform_id);
        assert_int_equal(y->vcpus, x->vcpus);
        assert_int_equal(y->is_host, x->is_host);
        assert_int_equal(y->first_tick, x->first_tick);
        assert_int_equal(y->last_tick, x->last_tick);
    }

    assert_int_equal(b->n_ticks, a->n_ticks);
    for (t = 0; t < a->n_ticks; t++) {
        assert_int_equal(b->tick_mono_ns[t], a->tick_mono_ns[t]);
        assert_int_equal(b->tick_wall_ns[t], a->tick_wall_ns[t]);
    }

    assert_int_equal(b->n_series, a->n_series);
    for (i = 0; i < a->n_series; i++) {
        const xg_series *x = &a->series[i], *y = &b->series[i];
        assert_int_equal(y->domain, x->domain);
        assert_string_equal(y->family, x->family);
        assert_string_equal(y->device, x->device);
        assert_string_equal(y->metric, x->metric);
        assert_string_equal(y->unit, x->unit);
        assert_str_or_null(y->note, x->note);
        assert_int_equal(y->n, x->n);
        assert_true(y->cap >= y->n);
        if (x->n > 0)
            assert_int_equal(y->first_tick, x->first_tick);
        for (k = 0; k < x->n; k++)
            assert_true(y->values[k] == x->values[k]);
        for (t = 0; t < a->n_ticks; t++)
            assert_true(xg_store_get(b, (uint32_t)i, t) ==
                        xg_store_get(a, (uint32_t)i, t));
    }

    assert_int_equal(b->n_workloads, a->n_workloads);
    for (i = 0; i < a->n_workloads; i++) {
        const xg_workload *x = &a->workloads[i], *y = &b->workloads[i];
        assert_int_equal(y->domain, x->domain);
        assert_string_equal(y->argv, x->argv);
        assert_int_equal(y->start_ns, x->start_ns);
        assert_int_equal(y->end_ns, x->end_ns);
        assert_string_equal(y->state, x->state);
        if (strcmp(x->state, "exited") == 0)
            assert_int_equal(y->exit_code, x->exit_code);
        if (strcmp(x->state, "killed") == 0)
            assert_int_equal(y->signal, x->signal);
    }
}

/* A failed read: -1, one line starting with the path, out left empty. */
static void assert_read_fails(const char *path, const char *want)
{
    xg_store s;
    char err[512] = "";
    size_t plen = strlen(path);

    memset(&s, 0xab, sizeof(s));
    assert_int_equal(xg_recording_read(path, &s, err, sizeof(err)), -1);
    assert_int_equal(strncmp(err, path, plen), 0);
    assert_int_equal(strncmp(err + plen, ": ", 2), 0);
    assert_null(strchr(err, '\n'));
    if (want)
        assert_string_equal(err + plen + 2, want);
    assert_int_equal(s.n_domains, 0);
    assert_int_equal(s.n_series, 0);
    assert_int_equal(s.n_ticks, 0);
    assert_null(s.meta);
    xg_store_free(&s);   /* harmless on a failed read */
}

/* Writes the small store to name and returns its path. */
static const char *write_small(const char *name)
{
    const char *path = tpath(name);
    xg_store s;
    char err[512] = "";

    build_store(&s);
    assert_int_equal(xg_recording_write(&s, path, false, err, sizeof(err)), 0);
    assert_string_equal(err, "");
    xg_store_free(&s);
    return path;
}

static void test_round_trip(void **state)
{
    const char *path = tpath("round.db");
    xg_store a, b;
    char err[512] = "";
    struct stat st;

    (void)state;
    build_store(&a);
    assert_int_equal(xg_recording_write(&a, path, false, err, sizeof(err)), 0);
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0640);

    assert_int_equal(xg_recording_read(path, &b, err, sizeof(err)), 0);
    assert_same_store(&a, &b);
    xg_store_free(&a);
    xg_store_free(&b);
}

static void test_big_values(void **state)
{
    const char *path = write_small("big_values.db");
    xg_store b;
    char err[512] = "";
    int64_t raw;

    (void)state;
    /* the raw int64 in the file is the two's complement of the counter */
    raw = sql_int(path, "SELECT value FROM samples JOIN series ON id = series_id"
                  " WHERE device = 'xvda' AND tick = 1");
    assert_int_equal(raw, -616);
    raw = sql_int(path, "SELECT value FROM samples JOIN series ON id = series_id"
                  " WHERE device = 'xvda' AND tick = 2");
    assert_true(raw == INT64_MIN);

    assert_int_equal(xg_recording_read(path, &b, err, sizeof(err)), 0);
    assert_true(xg_store_get(&b, 3, 1) == BIG1);
    assert_true(xg_store_get(&b, 3, 2) == BIG2);
    assert_true(xg_store_get(&b, 3, 3) == UINT64_MAX - 1);
    assert_true(xg_store_get(&b, 3, 4) == 0);
    assert_true(xg_store_get(&b, 3, 0) == XG_NOVALUE);
    xg_store_free(&b);
}

static void test_file_contents(void **state)
{
    const char *path = write_small("contents.db");

    (void)state;
    /* gaps are not stored: 5 + 5 + 4 + 4 + 3 + 0 samples */
    assert_int_equal(sql_int(path, "SELECT count(*) FROM samples"), 21);
    assert_int_equal(sql_int(path, "SELECT count(*) FROM samples WHERE"
                             " series_id = 2 AND tick = 2"), 0);
    assert_int_equal(sql_int(path, "SELECT count(*) FROM meta WHERE key ="
                             " 'magic' AND value = 'xengatherer-recording'"), 1);
    assert_int_equal(sql_int(path, "SELECT value FROM meta WHERE key ="
                             " 'format_version'"), 1);
    assert_int_equal(sql_int(path, "SELECT platform_id FROM domains WHERE"
                             " id = 1"), 4000000000);
    assert_int_equal(sql_int(path, "SELECT platform_id IS NULL FROM domains"
                             " WHERE id = 0"), 1);
    assert_int_equal(sql_int(path, "SELECT count(*) FROM domains WHERE name = '"
                             "a \"quoted\" ''name'' — ünïcødé ✓'"), 1);
    assert_int_equal(sql_int(path, "SELECT end_ns IS NULL FROM workloads WHERE"
                             " state = 'running'"), 1);
    assert_int_equal(sql_int(path, "SELECT exit_code FROM workloads WHERE"
                             " state = 'exited'"), 3);
}

static void test_refuses_existing(void **state)
{
    const char *path = tpath("existing.db");
    xg_store s;
    char err[512] = "", want[PATH_MAX + 64], *text;
    size_t len;

    (void)state;
    write_text(path, "keep me");
    build_store(&s);
    assert_int_equal(xg_recording_write(&s, path, false, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s: File exists (use --force to overwrite)",
             path);
    assert_string_equal(err, want);
    text = slurp(path, &len);
    assert_string_equal(text, "keep me");
    free(text);
    xg_store_free(&s);
}

static void test_force_replaces(void **state)
{
    const char *path = tpath("forced.db");
    xg_store a, b;
    char err[512] = "";
    struct stat st;

    (void)state;
    write_text(path, "old contents");
    assert_int_equal(chmod(path, 0666), 0);
    build_store(&a);
    assert_int_equal(xg_recording_write(&a, path, true, err, sizeof(err)), 0);
    assert_int_equal(lstat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    assert_int_equal(xg_recording_read(path, &b, err, sizeof(err)), 0);
    assert_same_store(&a, &b);
    xg_store_free(&b);
    /* and again over the recording itself */
    assert_int_equal(xg_recording_write(&a, path, true, err, sizeof(err)), 0);
    xg_store_free(&a);
}

static void test_refuses_symlink(void **state)
{
    const char *target = tpath("target.txt");
    const char *link = tpath("link.db");
    const char *dangling = tpath("dangling.db");
    xg_store s;
    char err[512] = "", *text;
    struct stat st;
    size_t len;

    (void)state;
    write_text(target, "precious");
    assert_int_equal(symlink(target, link), 0);
    assert_int_equal(symlink(tpath("nowhere"), dangling), 0);
    build_store(&s);
    assert_int_equal(xg_recording_write(&s, link, false, err, sizeof(err)), -1);
    assert_int_equal(xg_recording_write(&s, link, true, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "symbolic link"));
    assert_int_equal(strncmp(err, link, strlen(link)), 0);
    assert_int_equal(xg_recording_write(&s, dangling, true, err, sizeof(err)), -1);
    assert_int_equal(xg_recording_write(&s, dangling, false, err, sizeof(err)), -1);
    xg_store_free(&s);

    text = slurp(target, &len);
    assert_string_equal(text, "precious");
    free(text);
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(lstat(tpath("nowhere"), &st), -1);
}

static void test_refuses_directory_and_missing_dir(void **state)
{
    const char *dir = tpath("adir");
    const char *nodir = tpath("no/such/dir/r.db");
    xg_store s;
    char err[512] = "", want[PATH_MAX + 64];

    (void)state;
    assert_int_equal(mkdir(dir, 0755), 0);
    build_store(&s);
    assert_int_equal(xg_recording_write(&s, dir, true, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not a regular file"));
    assert_int_equal(xg_recording_write(&s, nodir, false, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s: No such file or directory", nodir);
    assert_string_equal(err, want);
    xg_store_free(&s);
}

static void test_failed_write_removes_file(void **state)
{
    const char *path = tpath("partial.db");
    xg_store s;
    char err[512] = "";
    struct stat st;

    (void)state;
    build_store(&s);
    /* two domains with one key: the UNIQUE constraint fails mid-write */
    free(s.domains[1].key);
    s.domains[1].key = strdup(s.domains[0].key);
    assert_non_null(s.domains[1].key);
    assert_int_equal(xg_recording_write(&s, path, false, err, sizeof(err)), -1);
    assert_int_equal(strncmp(err, path, strlen(path)), 0);
    assert_non_null(strstr(err, "UNIQUE"));
    assert_int_equal(lstat(path, &st), -1);
    assert_int_equal(errno, ENOENT);
    xg_store_free(&s);
}

static void test_inconsistent_store_refused(void **state)
{
    const char *path = tpath("inconsistent.db");
    xg_store s;
    char err[512] = "";
    struct stat st;

    (void)state;
    build_store(&s);
    s.series[2].domain = 7;
    assert_int_equal(xg_recording_write(&s, path, false, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "series 2"));
    s.series[2].domain = 1;
    s.series[0].first_tick = 1;   /* 5 values from tick 1: past the end */
    assert_int_equal(xg_recording_write(&s, path, false, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "past the last tick"));
    assert_int_equal(lstat(path, &st), -1);
    xg_store_free(&s);
}

static void test_read_not_recordings(void **state)
{
    const char *empty = tpath("empty.db"), *text = tpath("text.db");
    const char *plain = tpath("plain.db"), *nomagic = tpath("nomagic.db");

    (void)state;
    write_text(empty, "");
    assert_read_fails(empty, "not an xengatherer recording (empty file)");
    write_text(text, "hello, this is not a database\n");
    assert_read_fails(text, "not an xengatherer recording (file is not a database)");
    assert_read_fails(tpath("missing.db"), "No such file or directory");
    assert_read_fails(tmpdir, "not an xengatherer recording (is a directory)");

    /* an SQLite database, but not ours */
    sql_edit(plain, "CREATE TABLE t(x); INSERT INTO t VALUES(1);");
    assert_read_fails(plain, "not an xengatherer recording (no meta table)");
    sql_edit(nomagic, "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
             "INSERT INTO meta VALUES('format_version', '1');");
    assert_read_fails(nomagic, "not an xengatherer recording (no magic)");
}

static void test_read_newer_format(void **state)
{
    const char *path = write_small("v4.db");

    (void)state;
    sql_edit(path, "UPDATE meta SET value = '4' WHERE key = 'format_version'");
    assert_read_fails(path, "recording format 4 is newer than this xengatherer"
                      " understands (3)");
    /* newer, but readable by format 1 (it only added): read */
    sql_edit(path, "INSERT INTO meta VALUES('format_compat', '1');"
             "CREATE TABLE gpu(x);");
    xg_store s;
    char err[256] = "";
    assert_int_equal(xg_recording_read(path, &s, err, sizeof(err)), 0);
    assert_string_equal(xg_store_meta_get(&s, "format_version"), "4");
    xg_store_free(&s);
    /* a compat that is not a number in 1..format is the format itself */
    sql_edit(path, "UPDATE meta SET value = 'x' WHERE key = 'format_compat'");
    assert_read_fails(path, "recording format 4 is newer than this xengatherer"
                      " understands (3)");
    sql_edit(path, "UPDATE meta SET value = '4' WHERE key = 'format_compat'");
    assert_read_fails(path, "recording format 4 is newer than this xengatherer"
                      " understands (3)");
}

/* Domains on several hosts (an import): the host of each read back,
 * format 3; a recording without the column (format 1 or 2) still reads,
 * with no host. */
static void test_hosts(void **state)
{
    const char *path = tpath("hosts.db");
    xg_store a, b;
    char err[512] = "";
    xg_domain_info d = {.key = "prometheus:hB/web1", .name = "web1",
                        .host = "hB", .platform_id = -1, .first_tick = -1,
                        .last_tick = -1};

    (void)state;
    build_store(&a);
    assert_false(a.multi_host);
    assert_true(xg_store_add_domain(&a, &d) >= 0);
    assert_true(a.multi_host);
    assert_int_equal(xg_recording_write(&a, path, false, err, sizeof(err)), 0);
    assert_int_equal(xg_recording_read(path, &b, err, sizeof(err)), 0);
    assert_string_equal(xg_store_meta_get(&b, "format_version"), "3");
    assert_string_equal(b.domains[b.n_domains - 1].host, "hB");
    assert_string_equal(xg_store_dom_label(&b, (uint32_t)b.n_domains - 1),
                        "hB/web1");
    assert_null(b.domains[0].host);
    assert_string_equal(xg_store_dom_label(&b, 0), b.domains[0].name);
    assert_true(b.multi_host);
    xg_store_free(&b);
    xg_store_free(&a);
    /* one host: format 1, no labels; without the column: the same */
    path = write_small("nohosts.db");
    assert_int_equal(sql_int(path, "SELECT value FROM meta WHERE key ="
                             " 'format_version'"), 1);
    sql_edit(path, "ALTER TABLE domains DROP COLUMN host");
    assert_int_equal(xg_recording_read(path, &b, err, sizeof(err)), 0);
    assert_null(b.domains[0].host);
    assert_false(b.multi_host);
    xg_store_free(&b);
}

static void test_read_damaged(void **state)
{
    const char *p;

    (void)state;
    p = write_small("unknown_series.db");
    sql_edit(p, "INSERT INTO samples VALUES(17, 0, 5)");
    assert_read_fails(p, "damaged recording: sample for unknown series 17");

    p = write_small("unknown_domain.db");
    sql_edit(p, "UPDATE series SET domain_id = 9 WHERE id = 3");
    assert_read_fails(p, "damaged recording: series 3 for unknown domain 9");

    p = write_small("workload_domain.db");
    sql_edit(p, "UPDATE workloads SET domain_id = 5 WHERE id = 0");
    assert_read_fails(p, "damaged recording: workload 0 for unknown domain 5");

    p = write_small("workload_times.db");
    sql_edit(p, "UPDATE workloads SET end_ns = start_ns - 1 WHERE id = 0");
    assert_read_fails(p, "damaged recording: workload 0 ends before it starts");

    p = write_small("tick_range.db");
    sql_edit(p, "INSERT INTO samples VALUES(5, 5, 1)");
    assert_read_fails(p, "damaged recording: sample of series 5 at tick 5, "
                      "past the last tick");

    p = write_small("tick_order.db");
    sql_edit(p, "UPDATE ticks SET mono_ns = 2000 WHERE seq = 2");
    assert_read_fails(p, "damaged recording: tick 2 is not later than the "
                      "tick before it");

    p = write_small("tick_hole.db");
    sql_edit(p, "DELETE FROM ticks WHERE seq = 1");
    assert_read_fails(p, "damaged recording: tick 2 where tick 1 was expected");

    p = write_small("domain_range.db");
    sql_edit(p, "UPDATE domains SET last_tick = 9 WHERE id = 1");
    assert_read_fails(p, "damaged recording: domain 1: last_tick 9 out of range");

    p = write_small("no_table.db");
    sql_edit(p, "DROP TABLE workloads");
    assert_read_fails(p, "damaged recording: no such table: workloads");

    p = write_small("bad_type.db");
    sql_edit(p, "UPDATE samples SET value = 1.5 WHERE series_id = 0 AND tick = 0");
    assert_read_fails(p, "damaged recording: sample: value is not an integer");

    p = write_small("bad_version.db");
    sql_edit(p, "UPDATE meta SET value = 'one' WHERE key = 'format_version'");
    assert_read_fails(p, "damaged recording: bad format_version 'one'");
}

/* A recording that a user trimmed by hand (ids no longer dense) still loads. */
static void test_read_sparse_ids(void **state)
{
    const char *p = write_small("sparse.db");
    xg_store b;
    char err[512] = "";

    (void)state;
    sql_edit(p, "DELETE FROM samples WHERE series_id = 1;"
             "DELETE FROM series WHERE id = 1;"
             "UPDATE series SET id = 40 WHERE id = 5;");
    assert_int_equal(xg_recording_read(p, &b, err, sizeof(err)), 0);
    assert_int_equal(b.n_series, 5);
    assert_string_equal(b.series[4].device, "xvdb");
    assert_string_equal(b.series[1].metric, "usage");
    assert_true(xg_store_get(&b, 1, 3) == 15);
    assert_true(xg_store_get(&b, 1, 2) == XG_NOVALUE);
    xg_store_free(&b);
}

/* Writes len bytes of data to path and reads it: it must load or fail
 * cleanly (one line naming the file, nothing left loaded). 1 if it loaded. */
static int read_mangled(const char *path, const char *data, size_t len)
{
    xg_store b;
    char err[512] = "";
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
    if (xg_recording_read(path, &b, err, sizeof(err)) == 0) {
        xg_store_free(&b);
        return 1;
    }
    assert_int_equal(strncmp(err, path, strlen(path)), 0);
    assert_null(strchr(err, '\n'));
    assert_int_equal(b.n_series, 0);
    assert_null(b.series);
    return 0;
}

/* Sets the page count in the SQLite header (offset 28, big-endian), so
 * SQLite does not notice a truncation before it walks the b-trees. */
static void set_page_count(char *data, size_t pages)
{
    data[28] = (char)(pages >> 24);
    data[29] = (char)(pages >> 16);
    data[30] = (char)(pages >> 8);
    data[31] = (char)pages;
}

/* Every prefix of a recording at a page boundary, with and without a
 * matching header, and every page clobbered in turn: each loads or fails
 * cleanly (run under ASan to see the "never crash" part). */
static void test_read_truncated(void **state)
{
    const char *full = tpath("full.db"), *cut = tpath("cut.db");
    xg_store s, b;
    char err[512], *data, *copy;
    size_t len, k, loaded = 0;

    (void)state;
    build_big_store(&s, 40, 400);
    assert_int_equal(xg_recording_write(&s, full, false, err, sizeof(err)), 0);
    data = slurp(full, &len);
    assert_true(len > 8 * 4096);
    assert_int_equal(len % 4096, 0);
    copy = malloc(len);
    assert_non_null(copy);

    for (k = 0; k < len; k += 4096) {
        assert_int_equal(read_mangled(cut, data, k), 0);
        memcpy(copy, data, len);
        if (k > 0)
            set_page_count(copy, k / 4096);
        loaded += (size_t)read_mangled(cut, copy, k);
    }
    for (k = 4096; k < len; k += 4096) {
        memcpy(copy, data, len);
        memset(copy + k, (k / 4096) % 2 ? 0 : 0x5a, 4096);
        loaded += (size_t)read_mangled(cut, copy, len);
    }
    /* only a clobbered unused index page may go unnoticed */
    assert_true(loaded < 4);

    /* the whole file still loads */
    assert_int_equal(read_mangled(cut, data, len), 1);
    assert_int_equal(xg_recording_read(full, &b, err, sizeof(err)), 0);
    assert_same_store(&s, &b);
    xg_store_free(&b);
    xg_store_free(&s);
    free(copy);
    free(data);
}

static void test_empty_store(void **state)
{
    const char *path = tpath("empty_store.db");
    xg_store a, b;
    char err[512] = "";

    (void)state;
    xg_store_init(&a, 0);
    assert_int_equal(xg_recording_write(&a, path, false, err, sizeof(err)), 0);
    assert_int_equal(xg_recording_read(path, &b, err, sizeof(err)), 0);
    assert_same_store(&a, &b);
    xg_store_free(&a);
    xg_store_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_big_values),
        cmocka_unit_test(test_file_contents),
        cmocka_unit_test(test_refuses_existing),
        cmocka_unit_test(test_force_replaces),
        cmocka_unit_test(test_refuses_symlink),
        cmocka_unit_test(test_refuses_directory_and_missing_dir),
        cmocka_unit_test(test_failed_write_removes_file),
        cmocka_unit_test(test_inconsistent_store_refused),
        cmocka_unit_test(test_read_not_recordings),
        cmocka_unit_test(test_read_newer_format),
        cmocka_unit_test(test_hosts),
        cmocka_unit_test(test_read_damaged),
        cmocka_unit_test(test_read_sparse_ids),
        cmocka_unit_test(test_read_truncated),
        cmocka_unit_test(test_empty_store),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

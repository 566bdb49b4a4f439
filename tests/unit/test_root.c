/* test_root.c — the configurable /proc,/sys root and the small readers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/root.h"

static char tmp[64];

/* A temp root with proc/stat-like file "proc/xg" holding "hello\n42\n". */
static int setup_root(void **state)
{
    char p[128];
    FILE *f;

    (void)state;
    snprintf(tmp, sizeof(tmp), "/tmp/xg_root_XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    snprintf(p, sizeof(p), "%s/proc", tmp);
    if (mkdir(p, 0755) < 0)
        return -1;
    snprintf(p, sizeof(p), "%s/proc/xg", tmp);
    f = fopen(p, "w");
    if (!f)
        return -1;
    fputs("hello\n42\n", f);
    fclose(f);
    return 0;
}

static int teardown_root(void **state)
{
    char p[128];

    (void)state;
    xg_root_set(NULL);
    snprintf(p, sizeof(p), "%s/proc/xg", tmp);
    unlink(p);
    snprintf(p, sizeof(p), "%s/proc", tmp);
    rmdir(p);
    rmdir(tmp);
    return 0;
}

static void root_path(void **state)
{
    char buf[64], small[8];

    (void)state;
    xg_root_set(NULL);
    assert_string_equal(xg_root_get(), "");
    assert_string_equal(xg_root_path(buf, sizeof(buf), "/proc/stat"),
                        "/proc/stat");
    xg_root_set("/tmp/fake");
    assert_string_equal(xg_root_get(), "/tmp/fake");
    assert_ptr_equal(xg_root_path(buf, sizeof(buf), "/proc/stat"), buf);
    assert_string_equal(buf, "/tmp/fake/proc/stat");
    /* does not fit: NULL, never a truncated path */
    assert_null(xg_root_path(small, sizeof(small), "/proc/stat"));
    xg_root_set("");
    assert_string_equal(xg_root_path(buf, sizeof(buf), "/sys/fs/cgroup"),
                        "/sys/fs/cgroup");
    /* exactly fitting (10 chars + NUL) works, one byte less does not */
    assert_non_null(xg_root_path(buf, 11, "/proc/stat"));
    assert_null(xg_root_path(buf, 10, "/proc/stat"));
}

/* A root longer than a path can be (the old copy kept 4095 bytes of it,
 * silently): kept whole for messages, every path under it refused. */
static void root_too_long(void **state)
{
    char *dir = malloc(5001), buf[64];

    (void)state;
    assert_non_null(dir);
    dir[0] = '/';
    memset(dir + 1, 'r', 4999);
    strcpy(dir + 4995, "/end/");
    xg_root_set(dir);
    dir[4999] = '\0'; /* the trailing '/' goes */
    assert_int_equal(strlen(xg_root_get()), 4999);
    assert_string_equal(xg_root_get(), dir);
    errno = 0;
    assert_int_equal(xg_read_text("/proc/stat", buf, sizeof(buf)), -1);
    assert_int_equal(errno, ENAMETOOLONG);
    assert_int_equal(xg_root_open("/proc/stat", O_RDONLY), -1);
    assert_int_equal(errno, ENAMETOOLONG);
    xg_root_set("/");
    assert_string_equal(xg_root_get(), "");
    free(dir);
}

static void read_text_under_root(void **state)
{
    char buf[64], tiny[4];

    (void)state;
    xg_root_set(tmp);
    assert_int_equal(xg_read_text("/proc/xg", buf, sizeof(buf)), 9);
    assert_string_equal(buf, "hello\n42\n");
    /* at most cap-1 bytes, always NUL-terminated */
    assert_int_equal(xg_read_text("/proc/xg", tiny, sizeof(tiny)), 3);
    assert_string_equal(tiny, "hel");
    errno = 0;
    assert_int_equal(xg_read_text("/proc/missing", buf, sizeof(buf)), -1);
    assert_int_equal(errno, ENOENT);
    /* the real root does not have our file */
    xg_root_set(NULL);
    assert_int_equal(xg_read_text("/proc/xg", buf, sizeof(buf)), -1);
}

static void pread_text_rereads(void **state)
{
    char buf[64], p[128];
    int fd, wfd;

    (void)state;
    xg_root_set(tmp);
    fd = xg_root_open("/proc/xg", O_RDONLY);
    assert_true(fd >= 0);
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    assert_int_equal(xg_pread_text(fd, buf, sizeof(buf)), 9);
    assert_string_equal(buf, "hello\n42\n");
    /* a held fd reads from offset 0 every time, and sees new contents */
    snprintf(p, sizeof(p), "%s/proc/xg", tmp);
    wfd = open(p, O_WRONLY | O_TRUNC);
    assert_true(wfd >= 0);
    assert_int_equal(write(wfd, "7\n", 2), 2);
    close(wfd);
    assert_int_equal(xg_pread_text(fd, buf, sizeof(buf)), 2);
    assert_string_equal(buf, "7\n");
    assert_int_equal(xg_pread_text(fd, buf, sizeof(buf)), 2);
    assert_string_equal(buf, "7\n");
    close(fd);
    assert_int_equal(xg_pread_text(-1, buf, sizeof(buf)), -1);
    /* restore for other tests */
    wfd = open(p, O_WRONLY | O_TRUNC);
    assert_int_equal(write(wfd, "hello\n42\n", 9), 9);
    close(wfd);
}

static void parse_u64(void **state)
{
    const char *s = " \t42x", *e;
    uint64_t v = 0;

    (void)state;
    e = xg_parse_u64(s, &v);
    assert_ptr_equal(e, s + 4);
    assert_int_equal(v, 42);
    assert_non_null(xg_parse_u64("0", &v));
    assert_int_equal(v, 0);
    e = xg_parse_u64("18446744073709551615 rest", &v);
    assert_non_null(e);
    assert_string_equal(e, " rest");
    assert_true(v == UINT64_MAX);
    assert_null(xg_parse_u64("18446744073709551616", &v));
    assert_null(xg_parse_u64("99999999999999999999999", &v));
    assert_null(xg_parse_u64("", &v));
    assert_null(xg_parse_u64("   ", &v));
    assert_null(xg_parse_u64("abc", &v));
    assert_null(xg_parse_u64("-1", &v));
    assert_null(xg_parse_u64("\n5", &v));
}

static void kv_u64(void **state)
{
    const char *t = "usage_usec 123\nuser_usec 45\n";
    const char *t2 = "nr_periods 5\nnr_throttled\t7\nthrottled_usec 99";
    uint64_t v = 0;

    (void)state;
    assert_int_equal(xg_kv_u64(t, "usage_usec", &v), 0);
    assert_int_equal(v, 123);
    assert_int_equal(xg_kv_u64(t, "user_usec", &v), 0);
    assert_int_equal(v, 45);
    /* a prefix of a key is not that key, nor is a suffix */
    assert_int_equal(xg_kv_u64(t, "user", &v), -1);
    assert_int_equal(xg_kv_u64(t, "usage", &v), -1);
    assert_int_equal(xg_kv_u64(t, "usec", &v), -1);
    assert_int_equal(xg_kv_u64(t, "system_usec", &v), -1);
    assert_int_equal(xg_kv_u64("", "a", &v), -1);
    /* tab separator, last line without a newline */
    assert_int_equal(xg_kv_u64(t2, "nr_throttled", &v), 0);
    assert_int_equal(v, 7);
    assert_int_equal(xg_kv_u64(t2, "throttled_usec", &v), 0);
    assert_int_equal(v, 99);
    assert_int_equal(xg_kv_u64(t2, "throttled", &v), -1);
}

static void kv_eq_u64(void **state)
{
    const char *line = "8:0 rbytes=10 wbytes=20 rios=1";
    uint64_t v = 0;

    (void)state;
    assert_int_equal(xg_kv_eq_u64(line, "rbytes", &v), 0);
    assert_int_equal(v, 10);
    assert_int_equal(xg_kv_eq_u64(line, "wbytes", &v), 0);
    assert_int_equal(v, 20);
    assert_int_equal(xg_kv_eq_u64(line, "rios", &v), 0);
    assert_int_equal(v, 1);
    /* "bytes" is inside "rbytes" but not a key of its own */
    assert_int_equal(xg_kv_eq_u64(line, "bytes", &v), -1);
    assert_int_equal(xg_kv_eq_u64(line, "wios", &v), -1);
    assert_int_equal(xg_kv_eq_u64(line, "rio", &v), -1);
    /* only this line counts */
    assert_int_equal(xg_kv_eq_u64("8:0 rbytes=1\n8:16 wbytes=9", "wbytes", &v),
                     -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(root_path),
        cmocka_unit_test(root_too_long),
        cmocka_unit_test(read_text_under_root),
        cmocka_unit_test(pread_text_rereads),
        cmocka_unit_test(parse_u64),
        cmocka_unit_test(kv_u64),
        cmocka_unit_test(kv_eq_u64),
    };
    return cmocka_run_group_tests(tests, setup_root, teardown_root);
}

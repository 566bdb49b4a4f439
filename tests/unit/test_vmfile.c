/* test_vmfile.c — the --vmfile parser and loader: good input and every error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/vmfile.h"

static char err[512];

/* Parses a C string; returns the parse result. */
static int parse(const char *text, xg_vmfile *f)
{
    err[0] = '\0';
    return xg_vmfile_parse("vms.txt", text, strlen(text), f, err, sizeof(err));
}

/* Asserts a parse error whose message starts with prefix and contains word. */
static void expect_error(const char *text, size_t len, const char *prefix,
                         const char *word)
{
    xg_vmfile f = {(xg_vm_entry *)1, 99};

    err[0] = '\0';
    assert_int_equal(xg_vmfile_parse("vms.txt", text, len, &f, err,
                                     sizeof(err)), -1);
    assert_null(f.v);
    assert_int_equal(f.n, 0);
    if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, word))
        fail_msg("error '%s' lacks '%s' ... '%s'", err, prefix, word);
    assert_null(strchr(err, '\n'));
}

/* For literals, which may hold NULs. */
#define EXPECT(lit, prefix, word) expect_error(lit, sizeof(lit) - 1, prefix, word)

static void entry_is(const xg_vm_entry *e, const char *name, const char *addr,
                     unsigned line)
{
    assert_string_equal(e->name, name);
    if (addr)
        assert_string_equal(e->address, addr);
    else
        assert_null(e->address);
    assert_int_equal(e->line, line);
}

static void good_file(void **state)
{
    xg_vmfile f;

    (void)state;
    assert_int_equal(parse("# domains under test\n"
                           "\n"
                           "web1 10.0.0.1\n"
                           "  db\t192.168.1.2  # primary\n"
                           "\t \n"
                           "cache   # no address\n"
                           "last fe80::1", &f), 0);
    assert_int_equal(f.n, 4);
    entry_is(&f.v[0], "web1", "10.0.0.1", 3);
    entry_is(&f.v[1], "db", "192.168.1.2", 4);
    entry_is(&f.v[2], "cache", NULL, 6);
    entry_is(&f.v[3], "last", "fe80::1", 7);
    xg_vmfile_free(&f);
    assert_null(f.v);
    assert_int_equal(f.n, 0);
}

static void duplicate_names(void **state)
{
    (void)state;
    EXPECT("a\nb\na 10.0.0.9\n", "vms.txt:3:", "duplicate");
    assert_string_equal(err, "vms.txt:3: duplicate name 'a' (first on line 1)");
    /* the earliest repeat is reported, whatever the sort order */
    EXPECT("z\ny\n\nz\ny\n", "vms.txt:4:", "duplicate");
    assert_string_equal(err, "vms.txt:4: duplicate name 'z' (first on line 1)");
    EXPECT("b\na\na\nb\n", "vms.txt:3:", "duplicate");
    assert_string_equal(err, "vms.txt:3: duplicate name 'a' (first on line 2)");
    /* same name with different addresses is still a duplicate */
    EXPECT("q 1.1.1.1\nq 2.2.2.2", "vms.txt:2:", "'q'");
    assert_non_null(strstr(err, "line 1"));
}

static void three_fields(void **state)
{
    (void)state;
    EXPECT("ok\na b c\n", "vms.txt:2:", "field");
    EXPECT("a b c # comment\n", "vms.txt:1:", "field");
}

static void binary_data(void **state)
{
    static const char nul[] = "a\nb\0c\n";
    static const char esc[] = "a\n\n\x1b[31mred\n";

    (void)state;
    expect_error(nul, sizeof(nul) - 1, "vms.txt:2:", "binary");
    expect_error(esc, sizeof(esc) - 1, "vms.txt:3:", "binary");
    /* a NUL even inside a comment */
    EXPECT("a # x\0y\n", "vms.txt:1:", "binary");
    /* CR only allowed at the end of a line */
    EXPECT("a\rb\n", "vms.txt:1:", "binary");
}

static void long_line(void **state)
{
    char *t = malloc(5000 + 8);
    xg_vmfile f;

    (void)state;
    assert_non_null(t);
    memcpy(t, "ok\n", 3);
    memset(t + 3, 'x', 5000);
    t[5003] = '\n';
    t[5004] = '\0';
    expect_error(t, 5004, "vms.txt:2:", "too long");
    /* exactly 4096 bytes is still allowed */
    t[3 + 4096] = '\n';
    t[3 + 4097] = '\0';
    assert_int_equal(parse(t, &f), 0);
    assert_int_equal(f.n, 2);
    assert_int_equal(strlen(f.v[1].name), 4096);
    xg_vmfile_free(&f);
    /* and one more is not */
    t[3 + 4096] = 'x';
    t[3 + 4097] = '\n';
    t[3 + 4098] = '\0';
    expect_error(t, 3 + 4098, "vms.txt:2:", "too long");
    free(t);
}

static void empty_file(void **state)
{
    (void)state;
    EXPECT("", "vms.txt:", "");
    assert_string_equal(err, "vms.txt: no domains listed");
    EXPECT("# nothing\n\n   \n", "vms.txt:", "");
    assert_string_equal(err, "vms.txt: no domains listed");
}

static void odd_names_verbatim(void **state)
{
    xg_vmfile f;

    (void)state;
    assert_int_equal(parse("µ-vm\n"
                           "$(reboot)\n"
                           "a;rm 10.0.0.1;reboot\n"
                           "'q\"`id`|&>y\\\n"
                           "日本 ::1\n", &f), 0);
    assert_int_equal(f.n, 5);
    entry_is(&f.v[0], "µ-vm", NULL, 1);
    entry_is(&f.v[1], "$(reboot)", NULL, 2);
    entry_is(&f.v[2], "a;rm", "10.0.0.1;reboot", 3);
    entry_is(&f.v[3], "'q\"`id`|&>y\\", NULL, 4);
    entry_is(&f.v[4], "日本", "::1", 5);
    xg_vmfile_free(&f);
}

static void crlf(void **state)
{
    xg_vmfile f;

    (void)state;
    assert_int_equal(parse("# hi\r\na 1.2.3.4\r\nb\r\n\r\nc # x\r\n", &f), 0);
    assert_int_equal(f.n, 3);
    entry_is(&f.v[0], "a", "1.2.3.4", 2);
    entry_is(&f.v[1], "b", NULL, 3);
    entry_is(&f.v[2], "c", NULL, 5);
    xg_vmfile_free(&f);
}

/* A fresh temporary directory; the caller removes it. */
static void tmpdir(char *dir, size_t len)
{
    snprintf(dir, len, "/tmp/xg_vmfile_XXXXXX");
    assert_non_null(mkdtemp(dir));
}

static void load_file(void **state)
{
    char dir[64], path[128];
    xg_vmfile f;
    FILE *fp;

    (void)state;
    tmpdir(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/vms.txt", dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("alpha 10.1.1.1\n# c\nbeta\n", fp);
    fclose(fp);
    assert_int_equal(xg_vmfile_load(path, &f, err, sizeof(err)), 0);
    assert_int_equal(f.n, 2);
    entry_is(&f.v[0], "alpha", "10.1.1.1", 1);
    entry_is(&f.v[1], "beta", NULL, 3);
    xg_vmfile_free(&f);

    /* parse errors from a file name the file */
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("a\na\n", fp);
    fclose(fp);
    assert_int_equal(xg_vmfile_load(path, &f, err, sizeof(err)), -1);
    assert_int_equal(strncmp(err, path, strlen(path)), 0);
    assert_string_equal(err + strlen(path),
                        ":2: duplicate name 'a' (first on line 1)");
    unlink(path);
    rmdir(dir);
}

static void load_missing(void **state)
{
    char dir[64], path[128], want[192];
    xg_vmfile f;

    (void)state;
    tmpdir(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/nope.txt", dir);
    snprintf(want, sizeof(want), "%s: No such file or directory", path);
    assert_int_equal(xg_vmfile_load(path, &f, err, sizeof(err)), -1);
    assert_string_equal(err, want);
    assert_int_equal(f.n, 0);
    rmdir(dir);
}

static void load_directory(void **state)
{
    char dir[64], want[128];
    xg_vmfile f;

    (void)state;
    tmpdir(dir, sizeof(dir));
    snprintf(want, sizeof(want), "%s: Is a directory", dir);
    assert_int_equal(xg_vmfile_load(dir, &f, err, sizeof(err)), -1);
    assert_string_equal(err, want);
    assert_int_equal(f.n, 0);
    rmdir(dir);
}

static void load_too_large(void **state)
{
    char dir[64], path[128];
    xg_vmfile f;
    FILE *fp;

    (void)state;
    tmpdir(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/big.txt", dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fclose(fp);
    assert_int_equal(truncate(path, (16L << 20) + 1), 0); /* sparse */
    assert_int_equal(xg_vmfile_load(path, &f, err, sizeof(err)), -1);
    assert_int_equal(strncmp(err, path, strlen(path)), 0);
    assert_non_null(strstr(err, "too large"));
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_file),
        cmocka_unit_test(duplicate_names),
        cmocka_unit_test(three_fields),
        cmocka_unit_test(binary_data),
        cmocka_unit_test(long_line),
        cmocka_unit_test(empty_file),
        cmocka_unit_test(odd_names_verbatim),
        cmocka_unit_test(crlf),
        cmocka_unit_test(load_file),
        cmocka_unit_test(load_missing),
        cmocka_unit_test(load_directory),
        cmocka_unit_test(load_too_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

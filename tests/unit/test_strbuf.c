/* test_strbuf.c — the growable string: text far past the old fixed buffers
 * (4096) kept whole, appends in pieces, raw bytes, clear and reuse, a
 * failure that stays remembered, and xg_strfmt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/strbuf.h"

static void test_long(void **state)
{
    xg_sb sb = XG_SB_INIT;
    char *name = malloc(10001);

    (void)state;
    assert_string_equal(xg_sb_str(&sb), "");
    assert_non_null(name);
    for (int i = 0; i < 10000; i++)
        name[i] = (char)('a' + i % 26);
    name[10000] = '\0';
    assert_int_equal(xg_sb_printf(&sb, "/sys/fs/cgroup/%s/cpu.stat", name), 0);
    assert_int_equal(sb.len, 15 + 10000 + 9);
    assert_int_equal(strlen(xg_sb_str(&sb)), sb.len);
    assert_memory_equal(xg_sb_str(&sb), "/sys/fs/cgroup/abc", 18);
    assert_string_equal(xg_sb_str(&sb) + 15 + 10000, "/cpu.stat");
    assert_memory_equal(xg_sb_str(&sb) + 15, name, 10000);
    assert_false(sb.oom);
    xg_sb_free(&sb);
    free(name);
}

static void test_pieces(void **state)
{
    xg_sb sb = XG_SB_INIT;

    (void)state;
    for (int i = 0; i < 1000; i++)
        assert_int_equal(xg_sb_printf(&sb, "%s%d", i ? "," : "", i), 0);
    assert_int_equal(sb.len, strlen(xg_sb_str(&sb)));
    assert_memory_equal(xg_sb_str(&sb), "0,1,2,3,", 8);
    assert_string_equal(xg_sb_str(&sb) + sb.len - 8, ",998,999");
    assert_int_equal(xg_sb_add(&sb, "x\0y", 3), 0);
    assert_memory_equal(xg_sb_str(&sb) + sb.len - 3, "x\0y", 4);
    xg_sb_clear(&sb);
    assert_string_equal(xg_sb_str(&sb), "");
    assert_int_equal(xg_sb_printf(&sb, "%s", ""), 0);
    assert_int_equal(sb.len, 0);
    assert_int_equal(xg_sb_printf(&sb, "again %d", 2), 0);
    assert_string_equal(xg_sb_str(&sb), "again 2");
    xg_sb_free(&sb);
    assert_null(sb.s);
    assert_int_equal(sb.len, 0);
}

static void test_failure_sticks(void **state)
{
    xg_sb sb = XG_SB_INIT;

    (void)state;
    assert_int_equal(xg_sb_printf(&sb, "kept"), 0);
    sb.oom = true; /* as after a failed allocation */
    assert_int_equal(xg_sb_printf(&sb, " lost"), -1);
    assert_int_equal(xg_sb_add(&sb, "x", 1), -1);
    assert_string_equal(xg_sb_str(&sb), "kept");
    xg_sb_clear(&sb);
    assert_false(sb.oom);
    assert_int_equal(xg_sb_printf(&sb, "ok"), 0);
    assert_string_equal(xg_sb_str(&sb), "ok");
    xg_sb_free(&sb);
}

static void test_strfmt(void **state)
{
    char *s;

    (void)state;
    s = xg_strfmt("%s-%05d", "vcpu", 42);
    assert_string_equal(s, "vcpu-00042");
    free(s);
    s = xg_strfmt("%s", "");
    assert_string_equal(s, "");
    free(s);
}

/* A buffer that a snprintf filled ends in "..."; one with room is kept. */
static void test_mark_cut(void **state)
{
    char b[8];

    (void)state;
    memcpy(b, "abcdefg", 8); /* as snprintf leaves "abcdefghij" */
    assert_int_equal(xg_mark_cut(b, sizeof(b)), 1);
    assert_string_equal(b, "abcd...");
    memcpy(b, "abc", 4);
    assert_int_equal(xg_mark_cut(b, sizeof(b)), 0);
    assert_string_equal(b, "abc");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_long),
        cmocka_unit_test(test_pieces),
        cmocka_unit_test(test_failure_sticks),
        cmocka_unit_test(test_strfmt),
        cmocka_unit_test(test_mark_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

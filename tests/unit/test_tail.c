/* test_tail.c — the ring that keeps a stream's last bytes: order kept across
 * the wrap, a write larger than the ring, the total counted past what is
 * kept, and a ring of size 0 that keeps nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/tail.h"

static void expect(const xg_tail *t, const char *want)
{
    char buf[64];
    size_t n = xg_tail_copy(t, buf);

    assert_int_equal(n, strlen(want));
    assert_memory_equal(buf, want, n);
}

static void test_ring(void **state)
{
    xg_tail t;

    (void)state;
    xg_tail_init(&t, 8);
    expect(&t, "");
    assert_int_equal(xg_tail_add(&t, "abc", 3), 0);
    expect(&t, "abc");
    assert_int_equal(xg_tail_add(&t, "defgh", 5), 0);
    expect(&t, "abcdefgh");
    assert_int_equal(xg_tail_add(&t, "ij", 2), 0); /* wraps */
    expect(&t, "cdefghij");
    assert_int_equal(xg_tail_add(&t, "klmnopq", 7), 0);
    expect(&t, "jklmnopq");
    assert_int_equal(xg_tail_add(&t, "0123456789AB", 12), 0); /* > cap */
    expect(&t, "456789AB");
    assert_int_equal(xg_tail_add(&t, "Z", 1), 0);
    expect(&t, "56789ABZ");
    assert_int_equal(t.total, 3 + 5 + 2 + 7 + 12 + 1);
    assert_int_equal(xg_tail_add(&t, "", 0), 0);
    expect(&t, "56789ABZ");
    xg_tail_free(&t);
}

static void test_binary(void **state)
{
    xg_tail t;
    char buf[8];

    (void)state;
    xg_tail_init(&t, 4);
    assert_int_equal(xg_tail_add(&t, "a\0b\0c", 5), 0);
    assert_int_equal(xg_tail_copy(&t, buf), 4);
    assert_memory_equal(buf, "\0b\0c", 4);
    xg_tail_free(&t);
}

static void test_keep_nothing(void **state)
{
    xg_tail t;

    (void)state;
    xg_tail_init(&t, 0);
    assert_int_equal(xg_tail_add(&t, "abc", 3), 0);
    assert_int_equal(t.total, 3);
    assert_int_equal(t.len, 0);
    assert_null(t.ring);
    expect(&t, "");
    xg_tail_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring),
        cmocka_unit_test(test_binary),
        cmocka_unit_test(test_keep_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

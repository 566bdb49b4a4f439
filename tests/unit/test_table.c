/* test_table.c — text table alignment, widths, NULL cells, number format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/table.h"

/* Prints t into a string (caller frees) and checks no line ends in blanks. */
static char *render(const xg_table *t)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);

    assert_non_null(f);
    xg_table_print(t, f);
    fclose(f);
    for (char *p = s; *p; p++)
        if (*p == '\n' && p > s && (p[-1] == ' ' || p[-1] == '\t'))
            fail_msg("trailing blank in:\n%s", s);
    assert_true(len > 0 && s[len - 1] == '\n');
    return s;
}

static void wide_and_narrow(void **state)
{
    const char *h[] = {"domain", "r/s", "await"};
    const char *r1[] = {"a", "1.5", "0.25"};
    const char *r2[] = {"very-long-name", "12345.0", NULL};
    const char *r3[] = {"mid", "7", "10"};
    xg_table *t = xg_table_new(3, h, "lrr");
    char *s;

    (void)state;
    assert_non_null(t);
    assert_int_equal(xg_table_add(t, r1), 0);
    assert_int_equal(xg_table_add(t, r2), 0);
    assert_int_equal(xg_table_add(t, r3), 0);
    s = render(t);
    /* widths 14, 7, 5; "domain" left, numbers right, NULL as "-" */
    assert_string_equal(s,
        "domain              r/s  await\n"
        "--------------  -------  -----\n"
        "a                   1.5   0.25\n"
        "very-long-name  12345.0      -\n"
        "mid                   7     10\n");
    free(s);
    xg_table_free(t);
}

static void utf8_width_and_left_last(void **state)
{
    const char *h[] = {"µs", "name"};
    const char *r1[] = {"5", "x"};
    const char *r2[] = {"1234", "longer name"};
    const char *r3[] = {"µµµ", NULL};
    xg_table *t = xg_table_new(2, h, "rl");
    char *s;

    (void)state;
    assert_non_null(t);
    assert_int_equal(xg_table_add(t, r1), 0);
    assert_int_equal(xg_table_add(t, r2), 0);
    assert_int_equal(xg_table_add(t, r3), 0);
    s = render(t);
    /* "µs" is 2 wide and "µµµ" 3 (6 bytes); the last column is left
     * aligned, so short cells get no padding after them */
    assert_string_equal(s,
        "  µs  name\n"
        "----  -----------\n"
        "   5  x\n"
        "1234  longer name\n"
        " µµµ  -\n");
    free(s);
    xg_table_free(t);
}

static void empty_cells_no_trailing_blanks(void **state)
{
    const char *h[] = {"a", "b"};
    const char *r1[] = {"x", ""};
    const char *r2[] = {"", "y"};
    const char *r3[] = {"z ", "w"};
    xg_table *t = xg_table_new(2, h, "lr");
    char *s;

    (void)state;
    assert_int_equal(xg_table_add(t, r1), 0);
    assert_int_equal(xg_table_add(t, r2), 0);
    assert_int_equal(xg_table_add(t, r3), 0);
    s = render(t);
    assert_string_equal(s,
        "a   b\n"
        "--  -\n"
        "x\n"
        "    y\n"
        "z   w\n");
    free(s);
    xg_table_free(t);
}

static void cells_are_copied(void **state)
{
    char hb[8] = "head", cb[8] = "cell";
    const char *hh[] = {hb};
    const char *r[] = {cb};
    xg_table *t = xg_table_new(1, hh, "l");
    char *s;

    (void)state;
    assert_int_equal(xg_table_add(t, r), 0);
    strcpy(hb, "XX");
    strcpy(cb, "YY");
    s = render(t);
    assert_string_equal(s, "head\n----\ncell\n");
    free(s);
    xg_table_free(t);
}

static void header_only(void **state)
{
    const char *h[] = {"name", "n"};
    xg_table *t = xg_table_new(2, h, "lr");
    char *s;

    (void)state;
    s = render(t);
    assert_string_equal(s, "name  n\n----  -\n");
    free(s);
    xg_table_free(t);
}

static void many_rows(void **state)
{
    const char *h[] = {"i"};
    xg_table *t = xg_table_new(1, h, "r");
    char buf[16], *s, *p;
    int lines = 0;

    (void)state;
    for (int i = 0; i < 1000; i++) {
        const char *r[] = {buf};
        snprintf(buf, sizeof(buf), "%d", i);
        assert_int_equal(xg_table_add(t, r), 0);
    }
    s = render(t);
    for (p = s; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1002);
    assert_non_null(strstr(s, "\n  0\n  1\n"));
    assert_non_null(strstr(s, "\n999\n"));
    free(s);
    xg_table_free(t);
}

static void fmt_num(void **state)
{
    char b[32];

    (void)state;
    assert_string_equal(xg_fmt_num(b, sizeof(b), NAN, 2), "-");
    assert_string_equal(xg_fmt_num(b, sizeof(b), INFINITY, 1), "-");
    assert_string_equal(xg_fmt_num(b, sizeof(b), -INFINITY, 1), "-");
    assert_ptr_equal(xg_fmt_num(b, sizeof(b), 3.14159, 2), b);
    assert_string_equal(b, "3.14");
    assert_string_equal(xg_fmt_num(b, sizeof(b), 2.6, 0), "3");
    assert_string_equal(xg_fmt_num(b, sizeof(b), 1234.5, 1), "1234.5");
    assert_string_equal(xg_fmt_num(b, sizeof(b), 0.0, 3), "0.000");
    assert_string_equal(xg_fmt_num(b, sizeof(b), -12.345, 1), "-12.3");
}

/* xg_text_write_safe: what a terminal would act on becomes '?', one per
 * control, C1 control or invalid byte; valid UTF-8 and '\n' pass. */
static void text_safe(void **state)
{
    static const char in[] = "a\x1b[31mb\tc\x7f\xc2\x9b\xc2\xa0\xff\xe2\x9c\x93\n"
                             "\xc0\xaf\xed\xa0\x80\x01\xe2\x9c";
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);

    (void)state;
    assert_non_null(f);
    xg_text_write_safe(f, in, sizeof(in) - 1);
    fclose(f);
    /* ESC, tab, DEL, C1 CSI, 0xff; NBSP and a check mark kept; overlong
     * '/', a surrogate, SOH, a cut-off sequence */
    assert_string_equal(s, "a?[31mb?c??\xc2\xa0?\xe2\x9c\x93\n"
                           "????????");
    free(s);
}

/* A cell's controls, newline included, are '?' and counted as one column. */
static void cells_made_safe(void **state)
{
    const char *h[] = {"name", "n"};
    const char *r1[] = {"a\x1b[2J\nb", "1"};
    const char *r2[] = {"long-name", "2"};
    xg_table *t = xg_table_new(2, h, "lr");
    char *s;

    (void)state;
    assert_non_null(t);
    assert_int_equal(xg_table_add(t, r1), 0);
    assert_int_equal(xg_table_add(t, r2), 0);
    s = render(t);
    assert_string_equal(s,
        "name       n\n"
        "---------  -\n"
        "a?[2J?b    1\n"
        "long-name  2\n");
    free(s);
    xg_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wide_and_narrow),
        cmocka_unit_test(utf8_width_and_left_last),
        cmocka_unit_test(empty_cells_no_trailing_blanks),
        cmocka_unit_test(cells_are_copied),
        cmocka_unit_test(header_only),
        cmocka_unit_test(many_rows),
        cmocka_unit_test(fmt_num),
        cmocka_unit_test(text_safe),
        cmocka_unit_test(cells_made_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

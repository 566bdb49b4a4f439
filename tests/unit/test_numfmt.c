/* test_numfmt.c — xg_fmt_fixed6 against printf's "%.6f" (trailing zeros
 * dropped) on values of every kind the reports write. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/numfmt.h"

static void reference(char *b, double v)
{
    snprintf(b, XG_NUM_LEN, "%.6f", v);
    char *dot = strchr(b, '.');
    if (dot) {
        char *e = b + strlen(b) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    if (strcmp(b, "-0") == 0)
        strcpy(b, "0");
}

static void check(double v)
{
    char a[XG_NUM_LEN], b[XG_NUM_LEN];
    reference(b, v);
    if (strcmp(xg_fmt_fixed6(a, v), b) != 0)
        fail_msg("%.17g: %s, printf says %s", v, a, b);
}

static void test_fixed(void **state)
{
    (void)state;
    static const double v[] = {0, -0.0, 75, 1.5, 1.0 / 3, -1.0 / 3, 0.05,
        1e-7, -4e-7, 5e-7, 1.5e-6, 0.0000015, 2.5e-6, 999999.9999995,
        8.9e9, 9.1e9, 1e15, 1.23e300, -1e20, 100.0 * 2 / 3, 0.1 + 0.2};
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
        check(v[i]);
}

static void test_random(void **state)
{
    (void)state;
    srand(7);
    for (long i = 0; i < 400000; i++) {
        double r = rand() / (double)RAND_MAX;
        switch (i % 5) {
        case 0: check((r - 0.5) * 1000); break;
        case 1: check(rand() % 100000 / 100.0); break;    /* hundredths */
        case 2: check(rand() % 1000000 / 1e6 * (rand() % 3 - 1)); break;
        case 3: check(ldexp(r, rand() % 60 - 30)); break; /* 2^-30..2^30 */
        default: check((double)rand() * rand() / 7); break;
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

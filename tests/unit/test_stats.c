/* test_stats.c — src/stats: the t distribution against closed forms and
 * 30-digit values (mpmath), the summary and the tests on textbook data
 * (reference figures from scipy 1.10 where scipy is exact), every edge
 * case stats.h decides, and the verdict's promise. The full oracle check
 * against scipy is tests/stats/statcheck.py. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stats/stats.h"

#define ALPHA 0.05

static void near(double got, double want, double rel)
{
    if (!(fabs(got - want) <= rel * fabs(want)))
        fail_msg("got %.17g, want %.17g (relative %.3g allowed)", got, want,
                 rel);
}

/* ---------- the t distribution ---------- */

static void test_t_closed_forms(void **state)
{
    (void)state;
    for (double t = -30; t <= 30; t += 0.37) {
        near(xg_stats_t_sf(t, 1), 0.5 - atan(t) / M_PI, 1e-13); /* Cauchy */
        near(xg_stats_t_sf(t, 2), 0.5 - t / (2 * sqrt(t * t + 2)), 1e-13);
    }
    for (double p = 0.001; p < 1; p += 0.0123) {
        near(xg_stats_t_quantile(p, 1), tan(M_PI * (p - 0.5)), 1e-12);
        near(xg_stats_t_quantile(p, 2),
             (2 * p - 1) / sqrt(2 * p * (1 - p)), 1e-12);
    }
    /* df 4: t = 2 sqrt(q - 1), q = cos(acos(sqrt(a)) / 3) / sqrt(a),
     * a = 4 p (1 - p) */
    double a = 4 * 0.95 * 0.05, q = cos(acos(sqrt(a)) / 3) / sqrt(a);
    near(xg_stats_t_quantile(0.95, 4), 2 * sqrt(q - 1), 1e-14);
}

static void test_t_table(void **state)
{
    (void)state; /* mpmath, 30 digits */
    near(xg_stats_t_quantile(0.975, 10), 2.2281388519862747157, 1e-14);
    near(xg_stats_t_quantile(0.975, 7), 2.3646242515927853039, 1e-14);
    near(xg_stats_t_quantile(0.995, 30), 2.7499956535672253238, 1e-14);
    near(xg_stats_t_quantile(0.025, 10), -2.2281388519862747157, 1e-14);
    /* the far tail of the Cauchy, beyond t^2 overflowing */
    near(xg_stats_t_sf(1e200, 1), 1 / (M_PI * 1e200), 1e-13);
    near(xg_stats_t_quantile(1e-300, 1), -1 / (M_PI * 1e-300), 1e-12);
    /* huge df: close to the normal's 1.959963984540054, above it */
    double z = xg_stats_t_quantile(0.975, 1e6);
    assert_true(z > 1.959963984540054 && z < 1.959963984540054 + 1e-5);
    near(xg_stats_norm_sf(1.96), 0.024997895148220435, 1e-14);
    near(xg_stats_t_sf(1.96, INFINITY), 0.024997895148220435, 1e-14);
    assert_true(xg_stats_t_quantile(0.5, 3.7) == 0);
    /* sf and quantile invert each other at fractional df */
    for (double df = 0.3; df < 2e6; df *= 3.1)
        for (double p = 1e-9; p < 0.5; p *= 7)
            near(xg_stats_t_sf(-xg_stats_t_quantile(p, df), df), p, 1e-12);
}

static void test_t_bad_arguments(void **state)
{
    (void)state;
    assert_true(isnan(xg_stats_t_sf(1, 0)));
    assert_true(isnan(xg_stats_t_sf(1, -2)));
    assert_true(isnan(xg_stats_t_sf(NAN, 3)));
    assert_true(isnan(xg_stats_t_sf(1, NAN)));
    assert_true(isnan(xg_stats_t_quantile(0, 3)));
    assert_true(isnan(xg_stats_t_quantile(1, 3)));
    assert_true(isnan(xg_stats_t_quantile(1.5, 3)));
    assert_true(isnan(xg_stats_t_quantile(0.5, 0)));
    assert_true(xg_stats_t_sf(INFINITY, 3) == 0);
    assert_true(xg_stats_t_sf(-INFINITY, 3) == 1);
}

/* ---------- summary and outliers ---------- */

static void test_summary_textbook(void **state)
{
    (void)state;
    const double v[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
    xg_summary s;
    xg_stats_summary(v, 8, 0.95, &s);
    assert_int_equal(s.n, 8);
    near(s.mean, 5, 1e-15);
    near(s.sd, sqrt(32.0 / 7), 1e-15);
    double h = 2.3646242515927853039 * sqrt(32.0 / 7) / sqrt(8);
    near(s.ci_lo, 5 - h, 1e-14);
    near(s.ci_hi, 5 + h, 1e-14);
    near(s.cv_pct, sqrt(32.0 / 7) / 5 * 100, 1e-14);
    assert_true(s.min == 2 && s.max == 9);
    near(s.median, 4.5, 0);
    near(s.mad, 0.5, 0);
}

static void test_summary_small(void **state)
{
    (void)state;
    xg_summary s;
    const double one[] = { 3.5 };
    xg_stats_summary(one, 1, 0.95, &s);
    assert_int_equal(s.n, 1);
    assert_true(s.mean == 3.5 && s.min == 3.5 && s.max == 3.5);
    assert_true(s.median == 3.5 && s.mad == 0);
    assert_true(isnan(s.sd) && isnan(s.ci_lo) && isnan(s.ci_hi));
    assert_true(isnan(s.cv_pct));
    xg_stats_summary(NULL, 0, 0.95, &s);
    assert_int_equal(s.n, 0);
    assert_true(isnan(s.mean) && isnan(s.sd) && isnan(s.ci_lo));
    assert_true(isnan(s.min) && isnan(s.max) && isnan(s.median));
    assert_true(isnan(s.mad) && isnan(s.cv_pct));
}

static void test_summary_skips_nan(void **state)
{
    (void)state;
    const double v[] = { NAN, 1, INFINITY, 3, NAN, -INFINITY };
    xg_summary s;
    xg_stats_summary(v, 6, 0.95, &s);
    assert_int_equal(s.n, 2);
    near(s.mean, 2, 0);
    near(s.sd, sqrt(2), 1e-15);
    assert_true(s.min == 1 && s.max == 3 && s.median == 2 && s.mad == 1);
    const double all_nan[] = { NAN, NAN };
    xg_stats_summary(all_nan, 2, 0.95, &s);
    assert_int_equal(s.n, 0);
    assert_true(isnan(s.mean));
}

static void test_summary_constant_and_zero(void **state)
{
    (void)state;
    const double tenth[] = { 0.1, 0.1, 0.1 }; /* sum / 3 is not 0.1 */
    xg_summary s;
    xg_stats_summary(tenth, 3, 0.95, &s);
    assert_true(s.mean == 0.1 && s.sd == 0 && s.cv_pct == 0);
    assert_true(s.ci_lo == 0.1 && s.ci_hi == 0.1);
    const double zero_mean[] = { -1, 1 };
    xg_stats_summary(zero_mean, 2, 0.95, &s);
    assert_true(s.mean == 0 && isnan(s.cv_pct));
    xg_stats_summary(zero_mean, 2, 1.5, &s); /* a bad level */
    assert_true(isnan(s.ci_lo) && isnan(s.ci_hi) && s.sd > 0);
}

static void test_outliers(void **state)
{
    (void)state;
    const double v[] = { 10, 11, 10, 12, NAN, 11, 10, 50, 9 };
    bool f[9];
    assert_int_equal(xg_stats_outliers(v, 9, f), 1);
    for (int i = 0; i < 9; i++)
        assert_int_equal(f[i], i == 7);
    /* median 10, MAD 1: 0.6745 * 5.18 = 3.494 is in, 5.2 (3.507) out */
    const double edge[] = { 9, 10, 10, 11, 15.18, 4.8 };
    bool g[6];
    assert_int_equal(xg_stats_outliers(edge, 6, g), 1);
    assert_true(!g[4] && g[5]);
    const double flat[] = { 5, 5, 5, 5, 100, 5 }; /* MAD 0: no scale */
    bool h[6];
    assert_int_equal(xg_stats_outliers(flat, 6, h), 0);
    for (int i = 0; i < 6; i++)
        assert_false(h[i]);
    assert_int_equal(xg_stats_outliers(v, 9, NULL), 1);
    /* fewer than XG_STATS_MIN_N values: none, however far */
    const double few[] = { 7.0, 7.0001, NAN, 8.0, 7.0002 };
    bool k[5];
    assert_int_equal(xg_stats_outliers(few, 5, k), 0);
    const double five[] = { 7.0, 7.0001, 8.0, 7.0002, 7.0001 };
    assert_int_equal(xg_stats_outliers(five, 5, k), 1);
    assert_true(k[2]);
}

/* ---------- two-sample tests ---------- */

/* Wikipedia's first example of Welch's t-test (A1, A2). */
static const double wa[] = { 27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1,
                             21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4 };
static const double wb[] = { 27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0,
                             24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4 };

static void test_welch_textbook(void **state)
{
    (void)state;
    xg_test t;
    xg_stats_welch(wa, 15, wb, 15, ALPHA, &t);
    assert_int_equal(t.kind, XG_TEST_WELCH);
    near(t.stat, 2.455356398286006, 1e-12);   /* scipy ttest_ind */
    near(t.df, 24.988529290231416, 1e-12);
    near(t.p, 0.021378001462866985, 1e-10);
    assert_true(t.diff_lo > 0 && t.diff_lo < t.diff && t.diff < t.diff_hi);
    near((t.diff_hi - t.diff) / (t.diff / t.stat),
         xg_stats_t_quantile(0.975, t.df), 1e-12);
    assert_int_equal(xg_stats_verdict(&t, ALPHA), XG_VERDICT_HIGHER);
    assert_int_equal(xg_stats_verdict(&t, 0.01), XG_VERDICT_SAME);
    xg_stats_welch(wb, 15, wa, 15, ALPHA, &t);
    near(t.stat, -2.455356398286006, 1e-12);
    assert_int_equal(xg_stats_verdict(&t, ALPHA), XG_VERDICT_LOWER);
}

static void test_mwu_textbook(void **state)
{
    (void)state;
    xg_test t;
    xg_stats_mann_whitney(wa, 15, wb, 15, ALPHA, &t);
    assert_int_equal(t.kind, XG_TEST_MWU);
    near(t.stat, 53.5, 0); /* scipy mannwhitneyu, asymptotic */
    near(t.p, 0.015201303821215302, 1e-12);
    assert_true(isnan(t.df));
    assert_int_equal(xg_stats_verdict(&t, ALPHA), XG_VERDICT_HIGHER);
    xg_test w; /* its interval is Welch's */
    xg_stats_welch(wa, 15, wb, 15, ALPHA, &w);
    assert_true(t.diff_lo == w.diff_lo && t.diff_hi == w.diff_hi);
    const double x[] = { 1, 2, 2, 3, 3, 3 }, y[] = { 3, 4, 4, 5 };
    xg_stats_mann_whitney(x, 6, y, 4, ALPHA, &t); /* ties across */
    near(t.stat, 1.5, 0);
    near(t.p, 0.026826219079541514, 1e-12);
    xg_stats_mann_whitney(y, 4, x, 6, ALPHA, &t);
    near(t.stat, 22.5, 0);
    assert_int_equal(xg_stats_verdict(&t, ALPHA), XG_VERDICT_LOWER);
}

static void test_too_few(void **state)
{
    (void)state;
    const double one[] = { 1, NAN }, many[] = { 1, 2, 3 };
    xg_test t;
    xg_stats_welch(one, 2, many, 3, ALPHA, &t);
    assert_int_equal(t.kind, XG_TEST_NONE);
    assert_string_equal(t.why, "fewer than 2 values in A");
    assert_true(isnan(t.p) && isnan(t.stat) && isnan(t.diff_lo));
    assert_true(t.na == 1 && t.nb == 3 && t.mean_a == 1 && t.diff == 1);
    assert_int_equal(xg_stats_verdict(&t, ALPHA), XG_VERDICT_NONE);
    xg_stats_mann_whitney(many, 3, NULL, 0, ALPHA, &t);
    assert_int_equal(t.kind, XG_TEST_NONE);
    assert_string_equal(t.why, "fewer than 2 values in B");
    assert_true(isnan(t.p) && isnan(t.mean_b) && isnan(t.diff));
    assert_int_equal(xg_stats_verdict(&t, ALPHA), XG_VERDICT_NONE);
    assert_string_equal(xg_verdict_name(XG_VERDICT_NONE), "-");
}

static void test_zero_variance(void **state)
{
    (void)state;
    const double a[] = { 0.1, 0.1, 0.1 }, b[] = { 0.1, 0.1 };
    const double c[] = { 0.2, 0.2, 0.2 };
    xg_test t;
    xg_stats_welch(a, 3, b, 2, ALPHA, &t);
    assert_true(t.kind == XG_TEST_WELCH && t.p == 1 && t.stat == 0);
    assert_true(t.diff_lo == 0 && t.diff_hi == 0 && isnan(t.df));
    assert_int_equal(xg_stats_verdict(&t, ALPHA), XG_VERDICT_SAME);
    xg_stats_welch(a, 3, c, 3, ALPHA, &t);
    assert_true(t.p == 0 && t.stat == INFINITY);
    assert_true(t.diff_lo == t.diff && t.diff_hi == t.diff);
    assert_int_equal(xg_stats_verdict(&t, ALPHA), XG_VERDICT_HIGHER);
    xg_stats_welch(c, 3, a, 3, ALPHA, &t);
    assert_int_equal(xg_stats_verdict(&t, ALPHA), XG_VERDICT_LOWER);
    xg_stats_mann_whitney(a, 3, b, 2, ALPHA, &t); /* every value tied */
    assert_true(t.kind == XG_TEST_MWU && t.p == 1 && t.stat == 3);
    assert_int_equal(xg_stats_verdict(&t, ALPHA), XG_VERDICT_SAME);
}

static void test_nan_skipped_and_pct(void **state)
{
    (void)state;
    const double a[] = { 1, NAN, 2, 3 }, b[] = { NAN, 4, 5, 6, INFINITY };
    const double a3[] = { 1, 2, 3 }, b3[] = { 4, 5, 6 };
    xg_test t, u;
    xg_stats_welch(a, 4, b, 5, ALPHA, &t);
    xg_stats_welch(a3, 3, b3, 3, ALPHA, &u);
    assert_true(t.na == 3 && t.nb == 3 && t.p == u.p && t.stat == u.stat);
    near(t.diff_pct, 150, 1e-15);
    xg_stats_mann_whitney(a, 4, b, 5, ALPHA, &t);
    xg_stats_mann_whitney(a3, 3, b3, 3, ALPHA, &u);
    assert_true(t.p == u.p && t.stat == 0);
    const double z[] = { -1, 1 };
    xg_stats_welch(z, 2, b3, 3, ALPHA, &t);
    assert_true(isnan(t.diff_pct) && isfinite(t.p));
    xg_stats_welch(a3, 3, b3, 3, 2.0, &t); /* a bad alpha: no interval */
    assert_true(isnan(t.diff_lo) && isnan(t.diff_hi) && isfinite(t.p));
}

/* The verdict's promise on random data: HIGHER or LOWER only with
 * p < alpha, in the direction of the test. */
static void test_verdict_promise(void **state)
{
    (void)state;
    srand(14);
    size_t changed = 0;
    for (int i = 0; i < 4000; i++) {
        double a[8], b[8], shift = (i % 4) * 0.5;
        for (int k = 0; k < 8; k++) {
            a[k] = rand() % 1000 / 100.0;
            b[k] = rand() % 1000 / 100.0 + shift * 3;
        }
        xg_test t;
        if (i % 2)
            xg_stats_welch(a, 8, b, 8, ALPHA, &t);
        else
            xg_stats_mann_whitney(a, 8, b, 8, ALPHA, &t);
        xg_verdict v = xg_stats_verdict(&t, ALPHA);
        assert_true(t.p >= 0 && t.p <= 1);
        /* B up: t > 0, or A's U below 8 * 8 / 2 */
        bool up = i % 2 ? t.stat > 0 : t.stat < 32;
        if (t.p >= ALPHA)
            assert_int_equal(v, XG_VERDICT_SAME);
        else
            assert_int_equal(v, up ? XG_VERDICT_HIGHER : XG_VERDICT_LOWER);
        changed += v != XG_VERDICT_SAME;
    }
    assert_true(changed > 1000 && changed < 3000); /* both kinds seen */
    xg_test t = { .kind = XG_TEST_WELCH, .stat = 5, .p = ALPHA };
    assert_int_equal(xg_stats_verdict(&t, ALPHA), XG_VERDICT_SAME);
    t.p = nextafter(ALPHA, 0);
    assert_int_equal(xg_stats_verdict(&t, ALPHA), XG_VERDICT_HIGHER);
    t.p = NAN;
    assert_int_equal(xg_stats_verdict(&t, ALPHA), XG_VERDICT_NONE);
    assert_string_equal(xg_verdict_name(XG_VERDICT_SAME),
                        "no significant change");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_t_closed_forms),
        cmocka_unit_test(test_t_table),
        cmocka_unit_test(test_t_bad_arguments),
        cmocka_unit_test(test_summary_textbook),
        cmocka_unit_test(test_summary_small),
        cmocka_unit_test(test_summary_skips_nan),
        cmocka_unit_test(test_summary_constant_and_zero),
        cmocka_unit_test(test_outliers),
        cmocka_unit_test(test_welch_textbook),
        cmocka_unit_test(test_mwu_textbook),
        cmocka_unit_test(test_too_few),
        cmocka_unit_test(test_zero_variance),
        cmocka_unit_test(test_nan_skipped_and_pct),
        cmocka_unit_test(test_verdict_promise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* stats.h — the statistics of repeated measurements: a summary with the
 * confidence interval of the mean (Student's t), outliers by the modified
 * z-score, and two-sample tests (Welch's t, Mann-Whitney U) with a verdict
 * that never says "changed" when the test does not.
 *
 * Plain functions of arrays of doubles; NaN values are left out (a figure
 * not measured in one draw), and so are infinities (no mean or rank has
 * a meaning with them). Checked against scipy in the tests
 * (tests/stats/statcheck.py). A sample whose values are all equal has
 * sd 0 exactly, and its mean is that value (not its rounded sum / n). */
#ifndef XG_STATS_H
#define XG_STATS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct xg_summary {
    size_t n;            /* finite values used */
    double mean, sd;     /* sd with n - 1; NaN when n < 2 (sd) or n == 0 */
    double ci_lo, ci_hi; /* confidence interval of the mean (Student's t);
                          * NaN when n < 2: no interval, not a fake one */
    double min, max;
    double cv_pct;       /* sd / |mean| * 100; NaN when n < 2 or mean 0 */
    double median, mad;  /* median absolute deviation (unscaled) */
} xg_summary;

/* Summary of v[0..n-1] with a conf (e.g. 0.95) interval of the mean.
 * n == 0 (or no finite value): every figure NaN. n == 1: mean, min, max
 * and median the value, MAD 0, sd, interval and CV NaN. conf outside
 * (0, 1): the interval NaN. Out of memory: median and MAD NaN. */
void xg_stats_summary(const double *v, size_t n, double conf,
                      xg_summary *out);

/* Student's t distribution with df > 0 degrees of freedom (df may be
 * fractional, as Welch's): the upper tail P(T > t) and the quantile
 * (inverse CDF) at p in (0, 1). NaN for bad arguments. */
double xg_stats_t_sf(double t, double df);
double xg_stats_t_quantile(double p, double df);
/* The standard normal upper tail P(Z > z). */
double xg_stats_norm_sf(double z);

/* The outlier rule: |0.6745 (x - median) / MAD| > 3.5 (Iglewicz and
 * Hoaglin's modified z-score). */
#define XG_STATS_OUTLIER_Z 3.5
/* Flags the outliers of v (flag[i] for v[i]; NaN values never; flag may
 * be NULL to count only); returns how many. With MAD = 0 (half the values
 * or more equal), no value is flagged: the rule has no scale then; nor
 * with fewer than XG_STATS_MIN_N finite values: the median and MAD of 3 or
 * 4 values say too little (two that agree to four digits would make any
 * third one an outlier). Out of memory: none flagged. */
size_t xg_stats_outliers(const double *v, size_t n, bool *flag);

/* Unstable, the way pyperf warns: a CV above this, or fewer values than
 * XG_STATS_MIN_N for an interval worth the name. */
#define XG_STATS_UNSTABLE_CV 10.0
#define XG_STATS_MIN_N 5

typedef enum xg_test_kind {
    XG_TEST_NONE,        /* no test possible: why says why */
    XG_TEST_WELCH,       /* Welch's t-test (unequal variances) */
    XG_TEST_MWU          /* Mann-Whitney U, two-sided, normal
                          * approximation with tie and continuity
                          * corrections (scipy's method="asymptotic") */
} xg_test_kind;

typedef struct xg_test {
    xg_test_kind kind;
    size_t na, nb;       /* finite values used */
    double mean_a, mean_b;
    double diff;         /* mean_b - mean_a */
    double diff_pct;     /* diff / |mean_a| * 100; NaN when mean_a is 0 */
    double diff_lo, diff_hi; /* 1 - alpha interval of the difference of the
                          * means (Welch's, for both tests) */
    double stat;         /* t (B - A), or U of A */
    double df;           /* Welch's degrees of freedom; NaN for U */
    double p;            /* two-sided p-value in [0, 1]; NaN when kind
                          * is NONE */
    const char *why;     /* kind NONE: why ("fewer than 2 values in A") */
} xg_test;

/* Two-sample tests of A against B at level alpha (for the interval).
 * Edge cases, decided:
 * - Fewer than 2 finite values in A or B: no test (kind NONE, p, stat,
 *   df and interval NaN, why "fewer than 2 values in A" or "... in B");
 *   n, means and diff are still filled (NaN for a sample of none). For
 *   Mann-Whitney too, though scipy would rank 1 value: the interval of
 *   the difference needs 2, and 1 draw says nothing about spread.
 * - Welch with zero variance in both samples (each repeats one value):
 *   t is undefined (0/0 or d/0; scipy says NaN). Equal means: stat 0,
 *   p 1, interval [0, 0]: no change. Different means: stat +-inf, p 0,
 *   interval [diff, diff]: the difference is exact at the resolution
 *   measured, as no draw varied at all. df is NaN in both cases. Zero
 *   variance in one sample only is ordinary Welch (df = n - 1 of the
 *   other).
 * - Mann-Whitney with every value tied: no variance, p 1 (as scipy).
 * - alpha outside (0, 1): the interval is NaN; the test is still made.
 * - Mann-Whitney out of memory: kind NONE, why "out of memory". */
void xg_stats_welch(const double *a, size_t na, const double *b, size_t nb,
                    double alpha, xg_test *out);
void xg_stats_mann_whitney(const double *a, size_t na, const double *b,
                           size_t nb, double alpha, xg_test *out);

typedef enum xg_verdict {
    XG_VERDICT_NONE,     /* no test: nothing can be said */
    XG_VERDICT_SAME,     /* no significant change */
    XG_VERDICT_HIGHER,   /* B significantly higher than A */
    XG_VERDICT_LOWER     /* B significantly lower than A */
} xg_verdict;

/* HIGHER or LOWER only when p < alpha; SAME otherwise (NONE: no test or
 * p NaN). The direction is the test's: the sign of t for Welch; for
 * Mann-Whitney, B higher when U of A < n_a n_b / 2 (B ranks higher),
 * which can disagree with the sign of the difference of the means. */
xg_verdict xg_stats_verdict(const xg_test *t, double alpha);
const char *xg_verdict_name(xg_verdict v); /* "higher", "lower",
                                            * "no significant change", "-" */

#endif

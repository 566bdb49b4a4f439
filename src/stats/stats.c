/* stats.c — the statistics of repeated measurements, without a library.
 *
 * Design and why:
 * - Student's t upper tail from the regularized incomplete beta function,
 *   P(|T| > t) = I_x(df/2, 1/2) with x = df / (df + t^2), evaluated by its
 *   continued fraction (the classic form of Numerical Recipes' betacf) with
 *   the modified Lentz algorithm, on the side of the symmetry
 *   I_x(a, b) = 1 - I_(1-x)(b, a) where it converges fast. x, 1 - x and
 *   their logarithms are computed from t^2 / df (or df / t^2) directly, so
 *   neither a tiny tail nor a huge t loses digits to cancellation or
 *   overflow. ln B(a, b) for a large parameter uses the Stirling series of
 *   lgamma(a) - lgamma(a + b) instead of a difference of two ~1e7 numbers
 *   (which would cost ~1e-9 relative at df = 1e6).
 *   The continued fraction loses digits as df grows (x near 1: its terms
 *   cancel): measured against mpmath (40 digits), 1e-13 relative at
 *   df = 1000 but 3e-11 at 1e6 and 4e-10 at 1e7. So from df = 1000 on,
 *   the tail is the integral of the density by the exp-sinh quadrature of
 *   Takahasi and Mori (145 points, step 1/16), within 5e-14 relative for
 *   df from 1000 to 1e8. Below, the fraction is within 3e-13 (df 0.05
 *   to 999; the worst in tails below 1e-100).
 * - The quantile solves sf(t) = q on the tail (q = min(p, 1 - p)) with
 *   Newton's method on ln sf (derivative -pdf / sf), safeguarded by a
 *   bracket found by doubling: a step outside the bracket is replaced by
 *   bisection (geometric when the bracket spans orders of magnitude, as
 *   for df < 1). Converges to a few ulps of t.
 * - The normal tail is erfc(z / sqrt 2) / 2 (C99's erfc is accurate in
 *   the far tail, where 1 - erf is not).
 * - Welch's t-test and its Welch-Satterthwaite degrees of freedom as in
 *   Welch (1947) and scipy.stats.ttest_ind(equal_var=False); Mann-Whitney
 *   U as scipy.stats.mannwhitneyu(method="asymptotic",
 *   use_continuity=True): average ranks for ties, the tie-corrected
 *   variance, a continuity correction of 1/2, two-sided.
 * - Variances are two-pass (mean, then the squared deviations with the
 *   compensation term of Chan, Golub and LeVeque), and a sample whose
 *   values are all equal has variance 0 exactly (the mean of n copies of
 *   0.1 is not 0.1 in floating point; its "variance" would be 1e-34).
 * - Outliers by Iglewicz and Hoaglin's modified z-score (median and MAD).
 * Edge cases are decided in stats.h, next to the functions. */
#include "stats/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LENTZ_TINY 1e-300
#define LENTZ_EPS 1e-16
#define LENTZ_MAXIT 100000

/* ---------- special functions ---------- */

/* lgamma(a) - lgamma(a + b) for a >= 10, b > 0 small or large: Stirling's
 * series of each, the large terms combined before they are summed. */
static double stirling_corr(double z)
{
    double z2 = 1.0 / (z * z);
    return (1.0 / 12 - z2 * (1.0 / 360 - z2 * (1.0 / 1260 - z2 * (1.0 / 1680
            - z2 * (1.0 / 1188 - z2 * (691.0 / 360360 - z2 / 156)))))) / z;
}

static double lgamma_ratio(double a, double b)
{
    return -(a - 0.5) * log1p(b / a) - b * log(a + b) + b
           + stirling_corr(a) - stirling_corr(a + b);
}

/* ln B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b). */
static double lbeta(double a, double b)
{
    double big = a > b ? a : b, small = a > b ? b : a;
    if (big < 10)
        return lgamma(a) + lgamma(b) - lgamma(a + b);
    return lgamma(small) + lgamma_ratio(big, small);
}

/* The continued fraction of I_x(a, b) (without its prefactor) by the
 * modified Lentz algorithm. */
static double lentz_clamp(double v)
{
    return fabs(v) < LENTZ_TINY ? LENTZ_TINY : v;
}

static double betacf(double a, double b, double x)
{
    double c = 1, d = 1 / lentz_clamp(1 - (a + b) * x / (a + 1)), h = d;
    for (int m = 1; m <= LENTZ_MAXIT; m++) {
        double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((a - 1 + m2) * (a + m2));
        d = 1 / lentz_clamp(1 + aa * d);
        c = lentz_clamp(1 + aa / c);
        h *= d * c;
        aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1 + m2));
        d = 1 / lentz_clamp(1 + aa * d);
        c = lentz_clamp(1 + aa / c);
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < LENTZ_EPS)
            break;
    }
    return h;
}

/* I_x(a, b) given x, y = 1 - x and both logarithms, each computed
 * without cancellation by the caller. */
static double ibeta(double a, double b, double x, double y, double lnx,
                    double lny)
{
    if (lnx == -INFINITY)
        return 0;
    if (lny == -INFINITY)
        return 1;
    double front = exp(a * lnx + b * lny - lbeta(a, b));
    if (x < (a + 1) / (a + b + 2))
        return front * betacf(a, b, x) / a;
    return 1 - front * betacf(b, a, y) / b;
}

/* x = df / (df + t^2), y = t^2 / (df + t^2) and their logarithms. */
typedef struct tparts {
    double x, y, lnx, lny;
} tparts;

static tparts t_parts(double t, double df)
{
    tparts p;
    if (t * t < df) {
        double r = t * t / df;
        p.x = 1 / (1 + r);
        p.y = r / (1 + r);
        p.lnx = -log1p(r);
        p.lny = (r > 0 ? log(r) : -INFINITY) - log1p(r);
    } else { /* s may underflow; its logarithm does not */
        double s = df / (t * t), lns = log(df) - 2 * log(fabs(t));
        p.x = s / (1 + s);
        p.y = 1 / (1 + s);
        p.lnx = lns - log1p(s);
        p.lny = -log1p(s);
    }
    return p;
}

double xg_stats_norm_sf(double z)
{
    return 0.5 * erfc(z / M_SQRT2);
}

static double norm_pdf(double z)
{
    return exp(-0.5 * z * z) / sqrt(2 * M_PI);
}

static bool bad_df(double df)
{
    return isnan(df) || df <= 0;
}

/* P(T > t), t >= 0, for a large df, by the exp-sinh (double exponential)
 * quadrature of the density: u = t + exp(pi/2 sinh s), trapezoids of
 * step QUAD_H over s in [-QUAD_K h, QUAD_K h] (v from e^-71 to e^71). */
#define QUAD_H (1.0 / 16)
#define QUAD_K 72
#define QUAD_MIN_DF 1000.0

static double t_tail_quad(double t, double df)
{
    double c = -lbeta(df / 2, 0.5) - 0.5 * log(df), sum = 0;
    for (int k = -QUAD_K; k <= QUAD_K; k++) {
        double s = k * QUAD_H, e = M_PI_2 * sinh(s), u = t + exp(e);
        sum += exp(c + log(M_PI_2 * cosh(s)) + e
                   - (df + 1) / 2 * log1p(u / df * u));
    }
    return QUAD_H * sum;
}

double xg_stats_t_sf(double t, double df)
{
    if (isnan(t) || bad_df(df))
        return NAN;
    if (isinf(df))
        return xg_stats_norm_sf(t);
    if (isinf(t))
        return t > 0 ? 0 : 1;
    if (df >= QUAD_MIN_DF)
        return t >= 0 ? t_tail_quad(t, df) : 1 - t_tail_quad(-t, df);
    tparts p = t_parts(t, df);
    double two = ibeta(df / 2, 0.5, p.x, p.y, p.lnx, p.lny); /* P(|T|>t) */
    return t > 0 ? two / 2 : 1 - two / 2;
}

/* The density of T (normal for df = inf). */
static double t_pdf(double t, double df)
{
    if (isinf(df))
        return norm_pdf(t);
    tparts p = t_parts(t, df);
    return exp(-lbeta(df / 2, 0.5) - 0.5 * log(df) + (df + 1) / 2 * p.lnx);
}

/* ---------- the quantile ---------- */

/* The next t to try: Newton's step on ln sf, or the middle of the
 * bracket [lo, hi] when the step leaves it. */
static double next_t(double t, double sf, double q, double df, double lo,
                     double hi)
{
    double pdf = t_pdf(t, df);
    double step = (log(sf) - log(q)) * sf / pdf;
    double nt = t + step;
    if (isfinite(nt) && nt > lo && nt < hi)
        return nt;
    if (lo > 0 && hi > 4 * lo)
        return sqrt(lo) * sqrt(hi);
    return lo + (hi - lo) / 2;
}

/* t > 0 with sf(t) = q, q < 0.5. */
static double upper_root(double q, double df)
{
    double lo = 0, hi = 1;
    while (xg_stats_t_sf(hi, df) > q) {
        lo = hi;
        hi *= 2;
        if (isinf(hi))
            return INFINITY;
    }
    double t = lo > 0 ? sqrt(lo) * sqrt(hi) : hi / 2;
    for (int i = 0; i < 400; i++) {
        double sf = xg_stats_t_sf(t, df);
        if (sf == q)
            return t;
        if (sf > q)
            lo = t;
        else
            hi = t;
        double nt = next_t(t, sf, q, df, lo, hi);
        if (fabs(nt - t) <= 2e-16 * t || hi - lo <= 4e-16 * hi)
            return nt;
        t = nt;
    }
    return t;
}

double xg_stats_t_quantile(double p, double df)
{
    if (isnan(p) || p <= 0 || p >= 1 || bad_df(df))
        return NAN;
    if (p == 0.5)
        return 0;
    double t = upper_root(p < 0.5 ? p : 1 - p, df);
    return p < 0.5 ? -t : t;
}

/* ---------- samples ---------- */

/* The finite values of v, in a new array (NULL when out of memory; a
 * valid pointer, possibly of 0 values, otherwise). */
static double *finite_copy(const double *v, size_t n, size_t *out_n)
{
    double *c = malloc((n ? n : 1) * sizeof *c);
    size_t k = 0;
    if (!c) {
        *out_n = 0;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            c[k++] = v[i];
    *out_n = k;
    return c;
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* Median of the sorted s[0..n-1], n > 0. */
static double sorted_median(const double *s, size_t n)
{
    return n % 2 ? s[n / 2] : s[n / 2 - 1] + (s[n / 2] - s[n / 2 - 1]) / 2;
}

typedef struct moments {
    size_t n;
    double mean, var; /* var NaN when n < 2 */
    double min, max;
} moments;

/* The second pass: variance (n - 1) about m->mean, corrected by the sum
 * of the deviations (Chan, Golub and LeVeque), which also corrects the
 * rounding of the first pass's mean. */
static void second_pass(const double *v, size_t n, moments *m)
{
    double ss = 0, comp = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            double d = v[i] - m->mean;
            ss += d * d;
            comp += d;
        }
    m->var = (ss - comp * comp / (double)m->n) / (double)(m->n - 1);
    m->mean += comp / (double)m->n;
}

/* Mean, variance (n - 1), min and max of the finite values of v; a
 * constant sample has its value as mean and variance 0 exactly. */
static moments moments_of(const double *v, size_t n)
{
    moments m = { 0, NAN, NAN, NAN, NAN };
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        if (m.n == 0 || v[i] < m.min)
            m.min = v[i];
        if (m.n == 0 || v[i] > m.max)
            m.max = v[i];
        sum += v[i];
        m.n++;
    }
    if (m.n == 0)
        return m;
    m.mean = m.min == m.max ? m.min : sum / (double)m.n;
    if (m.n >= 2 && m.min == m.max)
        m.var = 0;
    else if (m.n >= 2)
        second_pass(v, n, &m);
    return m;
}

/* The two-sided interval's t factor at level conf; NaN for a bad conf. */
static double t_factor(double conf, double df)
{
    if (!(conf > 0 && conf < 1))
        return NAN;
    return -xg_stats_t_quantile((1 - conf) / 2, df);
}

/* Median and MAD of the finite values of v (NaN when none or out of
 * memory). */
static void median_mad(const double *v, size_t n, double *med, double *mad)
{
    size_t k;
    double *c = finite_copy(v, n, &k);
    *med = *mad = NAN;
    if (c && k > 0) {
        qsort(c, k, sizeof *c, cmp_double);
        *med = sorted_median(c, k);
        for (size_t i = 0; i < k; i++)
            c[i] = fabs(c[i] - *med);
        qsort(c, k, sizeof *c, cmp_double);
        *mad = sorted_median(c, k);
    }
    free(c);
}

void xg_stats_summary(const double *v, size_t n, double conf,
                      xg_summary *out)
{
    moments m = moments_of(v, n);
    out->n = m.n;
    out->mean = m.mean;
    out->sd = sqrt(m.var);
    out->min = m.min;
    out->max = m.max;
    out->ci_lo = out->ci_hi = out->cv_pct = NAN;
    if (m.n >= 2) {
        double h = t_factor(conf, (double)(m.n - 1)) * out->sd
                   / sqrt((double)m.n);
        out->ci_lo = m.mean - h;
        out->ci_hi = m.mean + h;
        if (m.mean != 0)
            out->cv_pct = out->sd / fabs(m.mean) * 100;
    }
    median_mad(v, n, &out->median, &out->mad);
}

size_t xg_stats_outliers(const double *v, size_t n, bool *flag)
{
    double med, mad;
    size_t count = 0, fin = 0;
    median_mad(v, n, &med, &mad);
    for (size_t i = 0; i < n; i++)
        fin += isfinite(v[i]) ? 1 : 0;
    for (size_t i = 0; i < n; i++) {
        bool out = isfinite(v[i]) && mad > 0 && fin >= XG_STATS_MIN_N
                   && fabs(0.6745 * (v[i] - med) / mad) > XG_STATS_OUTLIER_Z;
        if (flag)
            flag[i] = out;
        count += out;
    }
    return count;
}

/* ---------- two-sample tests ---------- */

/* Fills the parts common to both tests; false (kind NONE, why set) when
 * a sample has fewer than 2 values. */
static bool test_begin(const moments *ma, const moments *mb, xg_test *out)
{
    memset(out, 0, sizeof *out);
    out->kind = XG_TEST_NONE;
    out->na = ma->n;
    out->nb = mb->n;
    out->mean_a = ma->mean;
    out->mean_b = mb->mean;
    out->diff = mb->mean - ma->mean;
    out->diff_pct = ma->mean != 0 ? out->diff / fabs(ma->mean) * 100 : NAN;
    out->diff_lo = out->diff_hi = out->stat = out->df = out->p = NAN;
    if (ma->n < 2)
        out->why = "fewer than 2 values in A";
    else if (mb->n < 2)
        out->why = "fewer than 2 values in B";
    return ma->n >= 2 && mb->n >= 2;
}

/* Welch's t, df, p and interval of the difference into out. */
static void welch_fill(const moments *ma, const moments *mb, double alpha,
                       xg_test *out)
{
    double sa = ma->var / (double)ma->n, sb = mb->var / (double)mb->n;
    double se2 = sa + sb;
    if (se2 == 0) { /* no noise in either sample: see stats.h */
        out->stat = out->diff == 0 ? 0 : copysign(INFINITY, out->diff);
        out->p = out->diff == 0 ? 1 : 0;
        out->diff_lo = out->diff_hi = out->diff;
        return;
    }
    double se = sqrt(se2);
    out->df = se2 * se2 / (sa * sa / (double)(ma->n - 1)
                           + sb * sb / (double)(mb->n - 1));
    out->stat = out->diff / se;
    out->p = fmin(1, 2 * xg_stats_t_sf(fabs(out->stat), out->df));
    double h = t_factor(1 - alpha, out->df) * se;
    out->diff_lo = out->diff - h;
    out->diff_hi = out->diff + h;
}

void xg_stats_welch(const double *a, size_t na, const double *b, size_t nb,
                    double alpha, xg_test *out)
{
    moments ma = moments_of(a, na), mb = moments_of(b, nb);
    if (!test_begin(&ma, &mb, out))
        return;
    out->kind = XG_TEST_WELCH;
    welch_fill(&ma, &mb, alpha, out);
}

typedef struct ranked {
    double v;
    bool in_a;
} ranked;

static int cmp_ranked(const void *pa, const void *pb)
{
    return cmp_double(&((const ranked *)pa)->v, &((const ranked *)pb)->v);
}

/* The finite values of a and b, tagged, sorted (NULL: out of memory). */
static ranked *pool(const double *a, size_t na, const double *b, size_t nb,
                    size_t *n)
{
    ranked *r = malloc((na + nb ? na + nb : 1) * sizeof *r);
    size_t k = 0;
    if (!r)
        return NULL;
    for (size_t i = 0; i < na + nb; i++) {
        double v = i < na ? a[i] : b[i - na];
        if (isfinite(v))
            r[k++] = (ranked){ v, i < na };
    }
    qsort(r, k, sizeof *r, cmp_ranked);
    *n = k;
    return r;
}

/* The rank sum of A (average ranks for ties) and the tie term
 * sum(t^3 - t) of the sorted pool r[0..n-1]. */
static void rank_sums(const ranked *r, size_t n, double *ra, double *ties)
{
    *ra = *ties = 0;
    for (size_t i = 0, j; i < n; i = j) {
        size_t in_a = 0;
        for (j = i; j < n && r[j].v == r[i].v; j++)
            in_a += r[j].in_a;
        double t = (double)(j - i), avg = (double)(i + 1 + j) / 2;
        *ra += avg * (double)in_a;
        *ties += t * t * t - t;
    }
}

/* U of A and its two-sided p into out (r: the pool of both samples). */
static void mwu_fill(const ranked *r, size_t n, xg_test *out)
{
    double ra, ties, fa = (double)out->na, fb = (double)out->nb;
    rank_sums(r, n, &ra, &ties);
    double u1 = ra - fa * (fa + 1) / 2, u2 = fa * fb - u1;
    double mu = fa * fb / 2, fn = (double)n;
    double s2 = fa * fb / 12 * ((fn + 1) - ties / (fn * (fn - 1)));
    out->stat = u1;
    if (!(s2 > 0)) { /* every value tied: no evidence of a change */
        out->p = 1;
        return;
    }
    double z = ((u1 > u2 ? u1 : u2) - mu - 0.5) / sqrt(s2);
    out->p = fmin(1, 2 * xg_stats_norm_sf(z));
}

void xg_stats_mann_whitney(const double *a, size_t na, const double *b,
                           size_t nb, double alpha, xg_test *out)
{
    moments ma = moments_of(a, na), mb = moments_of(b, nb);
    if (!test_begin(&ma, &mb, out))
        return;
    size_t n = 0;
    ranked *r = pool(a, na, b, nb, &n);
    if (!r) {
        out->why = "out of memory";
        return;
    }
    xg_test w = *out;
    welch_fill(&ma, &mb, alpha, &w); /* the interval: Welch's, see .h */
    out->kind = XG_TEST_MWU;
    out->diff_lo = w.diff_lo;
    out->diff_hi = w.diff_hi;
    mwu_fill(r, n, out);
    free(r);
}

/* ---------- verdict ---------- */

/* +1 when the test says B is above A, -1 below, 0 neither. */
static int direction(const xg_test *t)
{
    if (t->kind == XG_TEST_MWU) { /* U of A below n_a n_b / 2: B ranks up */
        double mu = (double)t->na * (double)t->nb / 2;
        return (t->stat < mu) - (t->stat > mu);
    }
    return (t->stat > 0) - (t->stat < 0);
}

xg_verdict xg_stats_verdict(const xg_test *t, double alpha)
{
    if (!t || t->kind == XG_TEST_NONE || isnan(t->p))
        return XG_VERDICT_NONE;
    if (!(t->p < alpha) || direction(t) == 0)
        return XG_VERDICT_SAME;
    return direction(t) > 0 ? XG_VERDICT_HIGHER : XG_VERDICT_LOWER;
}

const char *xg_verdict_name(xg_verdict v)
{
    switch (v) {
    case XG_VERDICT_SAME: return "no significant change";
    case XG_VERDICT_HIGHER: return "higher";
    case XG_VERDICT_LOWER: return "lower";
    default: return "-";
    }
}

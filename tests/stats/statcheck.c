/* statcheck.c — the C side of the oracle check (statcheck.py): reads
 * commands of whitespace-separated tokens on stdin, one result line each
 * on stdout, numbers with 17 significant digits ("nan" when NaN).
 *   sf T DF | q P DF | norm Z
 *   summary CONF N v1..vN
 *   outliers N v1..vN            -> count, then the flagged indices
 *   welch|mwu ALPHA NA a1..aNA NB b1..bNB
 *                                -> kind na nb mean_a mean_b diff diff_lo
 *                                   diff_hi stat df p verdict */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"

static double num(void)
{
    char tok[128];
    if (scanf("%127s", tok) != 1) {
        fprintf(stderr, "statcheck: input ends inside a command\n");
        exit(2);
    }
    char *end;
    double v = strtod(tok, &end);
    if (*end) {
        fprintf(stderr, "statcheck: not a number: %s\n", tok);
        exit(2);
    }
    return v;
}

/* N, then N numbers, into a new array. */
static double *vec(size_t *n)
{
    double c = num();
    if (!(c >= 0 && c < 1e8)) {
        fprintf(stderr, "statcheck: bad count %g\n", c);
        exit(2);
    }
    *n = (size_t)c;
    double *v = malloc((*n ? *n : 1) * sizeof *v);
    if (!v)
        exit(2);
    for (size_t i = 0; i < *n; i++)
        v[i] = num();
    return v;
}

static void summary(void)
{
    double conf = num();
    size_t n;
    double *v = vec(&n);
    xg_summary s;
    xg_stats_summary(v, n, conf, &s);
    printf("%zu %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g\n",
           s.n, s.mean, s.sd, s.ci_lo, s.ci_hi, s.min, s.max, s.cv_pct,
           s.median, s.mad);
    free(v);
}

static void outliers(void)
{
    size_t n;
    double *v = vec(&n);
    bool *f = calloc(n ? n : 1, sizeof *f);
    if (!f)
        exit(2);
    printf("%zu", xg_stats_outliers(v, n, f));
    for (size_t i = 0; i < n; i++)
        if (f[i])
            printf(" %zu", i);
    printf("\n");
    free(f);
    free(v);
}

static void two_sample(bool mwu)
{
    double alpha = num();
    size_t na, nb;
    double *a = vec(&na), *b = vec(&nb);
    xg_test t;
    if (mwu)
        xg_stats_mann_whitney(a, na, b, nb, alpha, &t);
    else
        xg_stats_welch(a, na, b, nb, alpha, &t);
    printf("%d %zu %zu %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g "
           "%d\n", (int)t.kind, t.na, t.nb, t.mean_a, t.mean_b, t.diff,
           t.diff_lo, t.diff_hi, t.stat, t.df, t.p,
           (int)xg_stats_verdict(&t, alpha));
    free(a);
    free(b);
}

static int command(const char *c)
{
    if (!strcmp(c, "sf")) {
        double t = num();
        printf("%.17g\n", xg_stats_t_sf(t, num()));
    } else if (!strcmp(c, "q")) {
        double p = num();
        printf("%.17g\n", xg_stats_t_quantile(p, num()));
    } else if (!strcmp(c, "norm")) {
        printf("%.17g\n", xg_stats_norm_sf(num()));
    } else if (!strcmp(c, "summary")) {
        summary();
    } else if (!strcmp(c, "outliers")) {
        outliers();
    } else if (!strcmp(c, "welch") || !strcmp(c, "mwu")) {
        two_sample(!strcmp(c, "mwu"));
    } else {
        fprintf(stderr, "statcheck: unknown command %s\n", c);
        return -1;
    }
    return 0;
}

int main(void)
{
    char c[32];
    while (scanf("%31s", c) == 1)
        if (command(c) < 0)
            return 2;
    return 0;
}

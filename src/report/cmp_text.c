/* cmp_text.c — a comparison as text: the recordings and alpha, the
 * warnings, then a table per section, one row per compared figure. Names
 * go through the table's safe writer (no control byte reaches a
 * terminal). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/compare.h"
#include "util/strbuf.h"
#include "util/table.h"

enum {
    T_DOM, T_DEV, T_METRIC, T_UNIT, T_A, T_B, T_DIFF, T_PCT, T_CI, T_TEST,
    T_P, T_VERDICT, T_N
};

static const char *const headers[T_N] = {
    "domain", "device", "metric", "unit", "A", "B", "B - A", "change %",
    "interval of B - A", "test", "p", "verdict",
};

/* The p-value: 3 significant digits, "-" when none. */
static const char *p_text(char *buf, size_t len, double p)
{
    if (!isfinite(p))
        return "-";
    snprintf(buf, len, "%.3g", p);
    return buf;
}

typedef struct cells {
    char dom[512], a[32], b[32], diff[32], pct[32], lo[32], hi[32], ci[80],
        p[32], verdict[256];
} cells;

/* The domain cell: A's name, "A -> B" when B's differs. */
static const char *dom_text(const xg_cmp_fig *f, char *buf, size_t len)
{
    int n;

    if (strcmp(f->a->domain, f->b->domain) == 0)
        return f->a->domain;
    n = snprintf(buf, len, "%s -> %s", f->a->domain, f->b->domain);
    if (n < 0 || (size_t)n >= len)
        xg_mark_cut(buf, len);
    return buf;
}

static int add_row(xg_table *tb, const xg_cmp_fig *f, cells *x)
{
    const char *cell[T_N];
    int prec = f->a->prec;

    cell[T_DOM] = dom_text(f, x->dom, sizeof(x->dom));
    cell[T_DEV] = *f->a->device ? f->a->device : "-";
    cell[T_METRIC] = f->a->metric;
    cell[T_UNIT] = f->a->unit;
    cell[T_A] = xg_fmt_num(x->a, sizeof(x->a), f->t.mean_a, prec);
    cell[T_B] = xg_fmt_num(x->b, sizeof(x->b), f->t.mean_b, prec);
    cell[T_DIFF] = xg_fmt_num(x->diff, sizeof(x->diff), f->t.diff, prec);
    cell[T_PCT] = xg_fmt_num(x->pct, sizeof(x->pct), f->t.diff_pct, 1);
    if (isfinite(f->t.diff_lo) && isfinite(f->t.diff_hi))
        snprintf(x->ci, sizeof(x->ci), "%s .. %s",
                 xg_fmt_num(x->lo, sizeof(x->lo), f->t.diff_lo, prec),
                 xg_fmt_num(x->hi, sizeof(x->hi), f->t.diff_hi, prec));
    else
        snprintf(x->ci, sizeof(x->ci), "-");
    cell[T_CI] = x->ci;
    cell[T_TEST] = f->t.kind == XG_TEST_NONE ? "-"
                   : f->intervals ? "mann-whitney*" : "welch";
    cell[T_P] = p_text(x->p, sizeof(x->p), f->t.p);
    cell[T_VERDICT] = xg_cmp_verdict_text(f, x->verdict, sizeof(x->verdict));
    return xg_table_add(tb, cell);
}

/* The section's table: figures from..to-1 (one section). */
static int section_table(const xg_compare *c, size_t from, size_t to,
                         FILE *out)
{
    xg_table *tb = xg_table_new(T_N, headers, "llllrrrrrlrl");
    bool starred = false;
    cells x;
    int rc = tb ? 0 : -1;

    for (size_t i = from; i < to && !rc; i++) {
        rc = add_row(tb, &c->f[i], &x);
        starred |= c->f[i].intervals && c->f[i].t.kind != XG_TEST_NONE;
    }
    if (!rc) {
        fprintf(out, "\n%s\n", c->f[from].a->section);
        xg_table_print(tb, out);
        if (starred)
            fputs("* on intervals of one window, not independent: the "
                  "p-value is too small\n", out);
    }
    xg_table_free(tb);
    return rc;
}

int xg_cmp_render_text(const xg_compare *c, FILE *out)
{
    const xg_cmp_input *in[2] = {&c->a, &c->b};

    for (size_t i = 0; i < c->warn.n; i++) {
        fputs("warning: ", out);
        xg_text_write_line(out, c->warn.v[i], strlen(c->warn.v[i]));
        fputc('\n', out);
    }
    for (int k = 0; k < 2; k++) {
        fprintf(out, "%s: ", k ? "B" : "A");
        xg_text_write_line(out, in[k]->file, strlen(in[k]->file));
        fprintf(out, " (%zu %s)\n", in[k]->fs->n_draws,
                xg_cmp_draws_name(in[k]->fs));
    }
    fprintf(out, "alpha: %g (the interval of B - A is %g %%)\n", c->alpha,
            100 * (1 - c->alpha));
    for (size_t i = 0, j; i < c->n; i = j) {
        for (j = i + 1; j < c->n && strcmp(c->f[j].a->section,
                                           c->f[i].a->section) == 0; j++)
            ;
        if (section_table(c, i, j, out) < 0)
            return -1;
    }
    if (!c->n)
        fputs("\nno figure in common\n", out);
    return ferror(out) ? -1 : 0;
}

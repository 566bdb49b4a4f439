/* cmp_html.c — a comparison as one HTML page (the report's shell,
 * report/html.h): the recordings, the warnings, a table per section, and
 * per plotted figure that changed significantly a small chart of A's and
 * B's draws as dots with their means. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/compare.h"
#include "report/html.h"

static const char *const heads[] = {
    "domain", "device", "metric", "unit", "A", "B", "B - A", "change %",
    "interval of B - A", "test", "p", "verdict",
};

static void table_head(FILE *out)
{
    fputs("<div class=\"wrap\"><table><tr>", out);
    for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
        fprintf(out, "<th%s>%s</th>", i >= 4 && i <= 7 ? " class=\"n\"" : "",
                heads[i]);
    fputs("</tr>\n", out);
}

static void cell(FILE *out, const char *s)
{
    fputs("<td>", out);
    xg_html_escape(out, s);
    fputs("</td>", out);
}

static void row(FILE *out, const xg_cmp_fig *f)
{
    char buf[256];
    int prec = f->a->prec;

    fputs("<tr>", out);
    if (strcmp(f->a->domain, f->b->domain) == 0) {
        cell(out, f->a->domain);
    } else {
        fputs("<td>", out);
        xg_html_escape(out, f->a->domain);
        fputs(" &rarr; ", out);
        xg_html_escape(out, f->b->domain);
        fputs("</td>", out);
    }
    cell(out, *f->a->device ? f->a->device : "-");
    cell(out, f->a->metric);
    cell(out, f->a->unit);
    xg_html_cell_num(out, f->t.mean_a, prec);
    xg_html_cell_num(out, f->t.mean_b, prec);
    xg_html_cell_num(out, f->t.diff, prec);
    xg_html_cell_num(out, f->t.diff_pct, 1);
    if (isfinite(f->t.diff_lo) && isfinite(f->t.diff_hi))
        fprintf(out, "<td class=\"n\">%.*f .. %.*f</td>", prec, f->t.diff_lo,
                prec, f->t.diff_hi);
    else
        fputs("<td class=\"n\">-</td>", out);
    fprintf(out, "<td>%s%s</td>", xg_cmp_test_name(f->t.kind),
            f->intervals && f->t.kind != XG_TEST_NONE
                ? " <span class=\"warn\" title=\"on intervals of one window, "
                  "not independent\">*</span>" : "");
    if (isfinite(f->t.p))
        fprintf(out, "<td class=\"n\">%.3g</td>", f->t.p);
    else
        fputs("<td class=\"n\">-</td>", out);
    fprintf(out, "<td%s>", xg_cmp_changed(f) ? " class=\"warn\"" : "");
    xg_html_escape(out, xg_cmp_verdict_text(f, buf, sizeof(buf)));
    fputs("</td></tr>\n", out);
}

#define W 600
#define X0 40
#define X1 590

/* The x of v on the [lo, hi] scale. */
static double x_of(double v, double lo, double hi)
{
    return hi > lo ? X0 + (v - lo) / (hi - lo) * (X1 - X0) : (X0 + X1) / 2.0;
}

static void range(const xg_figset *fs, const xg_fig *f, double *lo,
                  double *hi)
{
    for (size_t i = 0; i < fs->n_draws; i++)
        if (isfinite(f->v[i])) {
            *lo = fmin(*lo, f->v[i]);
            *hi = fmax(*hi, f->v[i]);
        }
}

/* One row of dots (k 0: A, 1: B) and its mean. */
static void dots_row(FILE *out, const xg_figset *fs, const xg_fig *f,
                     double mean, int k, double lo, double hi)
{
    int y = 20 + 30 * k;

    fprintf(out, "<text x=\"4\" y=\"%d\">%s</text>", y + 4, k ? "B" : "A");
    for (size_t i = 0; i < fs->n_draws; i++)
        if (isfinite(f->v[i]))
            fprintf(out, "<circle class=\"xg-dot\" cx=\"%.1f\" cy=\"%d\" "
                    "r=\"3.5\" fill=\"%s\"/>", x_of(f->v[i], lo, hi), y,
                    xg_html_color((size_t)k));
    if (isfinite(mean))
        fprintf(out, "<line class=\"xg-mean\" x1=\"%.1f\" x2=\"%.1f\" "
                "y1=\"%d\" y2=\"%d\"/>", x_of(mean, lo, hi),
                x_of(mean, lo, hi), y - 9, y + 9);
}

static void dots(FILE *out, const xg_compare *c, const xg_cmp_fig *f)
{
    double lo = INFINITY, hi = -INFINITY;

    range(c->a.fs, f->a, &lo, &hi);
    range(c->b.fs, f->b, &lo, &hi);
    if (!(lo <= hi))
        return;
    fputs("<div class=\"dots\"><p class=\"cap\">", out);
    xg_html_escape(out, f->a->domain);
    fputs(" ", out);
    if (*f->a->device) {
        xg_html_escape(out, f->a->device);
        fputs(" ", out);
    }
    xg_html_escape(out, f->a->metric);
    fprintf(out, " (%s): ", xg_verdict_name(f->verdict));
    xg_html_escape(out, f->a->unit);
    fprintf(out, " from %.*f to %.*f, the bars the means</p>\n"
            "<svg class=\"xg-chart\" viewBox=\"0 0 %d 70\">", f->a->prec, lo,
            f->a->prec, hi, W);
    dots_row(out, c->a.fs, f->a, f->t.mean_a, 0, lo, hi);
    dots_row(out, c->b.fs, f->b, f->t.mean_b, 1, lo, hi);
    fputs("</svg></div>\n", out);
}

/* Figures from..to-1, one section: its table, then its charts. */
static void section(FILE *out, const xg_compare *c, size_t from, size_t to)
{
    fputs("<h2>", out);
    xg_html_escape(out, c->f[from].a->section);
    fputs("</h2>\n", out);
    table_head(out);
    for (size_t i = from; i < to; i++)
        row(out, &c->f[i]);
    fputs("</table></div>\n", out);
    for (size_t i = from; i < to; i++)
        if (c->f[i].a->plot && xg_cmp_changed(&c->f[i]))
            dots(out, c, &c->f[i]);
}

static void header(FILE *out, const xg_compare *c)
{
    const xg_cmp_input *in[2] = {&c->a, &c->b};

    fputs("<h1>xengatherer compare</h1>\n<div class=\"card\">"
          "<dl class=\"meta\">\n", out);
    for (int k = 0; k < 2; k++) {
        fprintf(out, "<dt>%s</dt><dd>", k ? "B" : "A");
        xg_html_escape(out, in[k]->file);
        fprintf(out, " (%zu %s)</dd>\n", in[k]->fs->n_draws,
                xg_cmp_draws_name(in[k]->fs));
    }
    fprintf(out, "<dt>alpha</dt><dd>%g (the interval of B - A is %g %%)"
            "</dd>\n</dl></div>\n", c->alpha, 100 * (1 - c->alpha));
    for (size_t i = 0; i < c->warn.n; i++) {
        fputs("<p class=\"warn\">warning: ", out);
        xg_html_escape(out, c->warn.v[i]);
        fputs("</p>\n", out);
    }
}

int xg_cmp_render_html(const xg_compare *c, FILE *out)
{
    xg_html_head(out, "xengatherer compare");
    header(out, c);
    for (size_t i = 0, j; i < c->n; i = j) {
        for (j = i + 1; j < c->n && strcmp(c->f[j].a->section,
                                           c->f[i].a->section) == 0; j++)
            ;
        section(out, c, i, j);
    }
    if (!c->n)
        fputs("<p>no figure in common</p>\n", out);
    xg_html_tail(out);
    return ferror(out) ? -1 : 0;
}

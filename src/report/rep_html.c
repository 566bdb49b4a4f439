/* rep_html.c — the report of a repeated run as one HTML page, in the
 * report's shell (html.h): the recording's header card, the table of
 * repetitions and the lines on what was left out, then per section the
 * table of statistics (a row per figure; "unstable" in orange) and, for
 * each plotted figure (XG_COL_PLOT), a static SVG chart of its busiest
 * XG_REP_TOP rows by mean: a dot per repetition, the mean as a bar and its
 * 95 % interval as a line (the other rows are in the table). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/html.h"
#include "report/repeat.h"

#define XG_REP_TOP 8
enum { DW = 880, DL = 190, DR = 20, DT = 8, DB = 30, DROW = 26,
       DPW = DW - DL - DR };

static void reps_html(const xg_rmodel *rm, FILE *out)
{
    const xg_store *s = rm->s;
    fputs("<h3>repetitions</h3>\n<div class=\"wrap\"><table class=\"reps\">\n"
          "<tr><th class=\"n\">rep</th><th>warmup</th><th>state</th>"
          "<th class=\"n\">start s</th><th class=\"n\">window s</th>"
          "<th>used</th></tr>\n", out);
    for (size_t r = 1; r <= s->n_reps; r++) {
        const char *why = xg_rep_left_out(s, r);
        fprintf(out, "<tr><td class=\"n\">%zu</td><td>%s</td><td>%s</td>", r,
                s->reps[r - 1].warmup ? "yes" : "no",
                xg_rep_state_name(s->reps[r - 1].state));
        xg_html_cell_num(out, xg_rep_start_s(s, r), 3);
        xg_html_cell_num(out, xg_rep_window_s(s, r), 3);
        fprintf(out, "<td>%s</td></tr>\n", why ? "no" : "yes");
    }
    fputs("</table></div>\n", out);
}

static void stat_row(const xg_rmodel *rm, const xg_rstat *st, FILE *out)
{
    const xg_fig *f = st->f;
    const xg_summary *m = &st->sum;
    char outl[1024];
    fputs("<tr><td>", out);
    xg_html_escape(out, f->domain);
    fputs("</td><td>", out);
    xg_html_escape(out, *f->device ? f->device : "-");
    fputs("</td><td>", out);
    xg_html_escape(out, f->metric);
    fputs("</td><td>", out);
    xg_html_escape(out, f->unit);
    fprintf(out, "</td><td class=\"n\">%zu</td>", m->n);
    xg_html_cell_num(out, m->mean, f->prec);
    xg_html_cell_num(out, m->sd, f->prec);
    xg_html_cell_num(out, m->ci_lo, f->prec);
    xg_html_cell_num(out, m->ci_hi, f->prec);
    xg_html_cell_num(out, m->min, f->prec);
    xg_html_cell_num(out, m->max, f->prec);
    xg_html_cell_num(out, m->cv_pct, 1);
    fputs("<td>", out);
    xg_html_escape(out, xg_rstat_outliers(rm, st, outl, sizeof(outl)));
    fprintf(out, "</td><td%s>%s</td></tr>\n",
            st->unstable ? " class=\"warn\"" : "",
            st->unstable ? "unstable" : "");
}

static void stats_table(const xg_rmodel *rm, const xg_rsec *sec, FILE *out)
{
    fputs("<h3>statistics</h3>\n<div class=\"wrap\"><table class=\"stats\">\n"
          "<tr><th>domain</th><th>device</th><th>figure</th><th>unit</th>"
          "<th class=\"n\">n</th><th class=\"n\">mean</th>"
          "<th class=\"n\">sd</th><th class=\"n\">95 % CI lo</th>"
          "<th class=\"n\">95 % CI hi</th><th class=\"n\">min</th>"
          "<th class=\"n\">max</th><th class=\"n\">cv %</th>"
          "<th>outliers</th><th>flag</th></tr>\n", out);
    for (size_t i = 0; i < sec->n; i++)
        stat_row(rm, &rm->st[sec->idx[i]], out);
    fputs("</table></div>\n", out);
}

/* A chart: the statistics of one plotted figure, busiest rows first. */
typedef const xg_rstat *rstat_ptr;
typedef const xg_fig *fig_ptr;

typedef struct dots {
    const xg_rmodel *rm;
    rstat_ptr *row;       /* the rows shown, by mean, descending */
    size_t n, n_all;
    double lo, hi;        /* the x range */
} dots;

static int by_mean(const void *a, const void *b)
{
    const xg_rstat *x = *(const xg_rstat *const *)a;
    const xg_rstat *y = *(const xg_rstat *const *)b;
    return (x->sum.mean < y->sum.mean) - (x->sum.mean > y->sum.mean);
}

static void widen(dots *d, double v)
{
    if (!isfinite(v))
        return;
    d->lo = v < d->lo ? v : d->lo;
    d->hi = v > d->hi ? v : d->hi;
}

static void dots_range(dots *d)
{
    d->lo = 0;
    d->hi = 0;
    for (size_t i = 0; i < d->n; i++) {
        const xg_rstat *st = d->row[i];
        widen(d, st->sum.ci_lo);
        widen(d, st->sum.ci_hi);
        for (size_t k = 0; k < d->rm->fs.n_draws; k++)
            widen(d, st->f->v[k]);
    }
    if (d->hi <= d->lo)
        d->hi = d->lo + 1;
    d->hi += (d->hi - d->lo) * 0.04;
}

static double dx(const dots *d, double v)
{
    return DL + (v - d->lo) / (d->hi - d->lo) * DPW;
}

static void dots_axis(const dots *d, int y, FILE *out)
{
    double range = d->hi - d->lo, step = pow(10, floor(log10(range / 5)));
    if (range / step > 10)
        step *= range / step > 20 ? 5 : 2;
    if (!(step > 0) || range / step > 60)
        step = range / 5;
    fprintf(out, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" "
            "y2=\"%d\"/>\n", DL, DL + DPW, y, y);
    double first = ceil(d->lo / step) * step;
    for (int k = 0; k <= 61 && first + k * step <= d->hi; k++) {
        double v = first + k * step, x = dx(d, v);
        if (fabs(v) < step * 1e-9)
            v = 0; /* not "-0" */
        fprintf(out, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" "
                "y2=\"%d\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
                "%g</text>\n", x, x, DT, y, x, y + 16, v);
    }
}

static void dots_row(const dots *d, size_t i, FILE *out)
{
    const xg_rstat *st = d->row[i];
    const xg_fig *f = st->f;
    int y = DT + (int)i * DROW + DROW / 2;
    const char *color = xg_html_color(i);
    fprintf(out, "<g class=\"xg-row\" data-i=\"%zu\"><text class=\"bar-l\" "
            "x=\"%d\" y=\"%d\" text-anchor=\"end\">", i, DL - 8, y + 4);
    xg_html_escape(out, f->domain);
    if (*f->device) {
        fputc(' ', out);
        xg_html_escape(out, f->device);
    }
    fputs("</text>\n", out);
    if (isfinite(st->sum.ci_lo))
        fprintf(out, "<line class=\"xg-ci\" x1=\"%.1f\" x2=\"%.1f\" "
                "y1=\"%d\" y2=\"%d\"/>\n", dx(d, st->sum.ci_lo),
                dx(d, st->sum.ci_hi), y, y);
    fprintf(out, "<line class=\"xg-mean\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" "
            "y2=\"%d\"/>\n", dx(d, st->sum.mean), dx(d, st->sum.mean), y - 8,
            y + 8);
    for (size_t k = 0; k < d->rm->fs.n_draws; k++) {
        if (!isfinite(f->v[k]))
            continue;
        fprintf(out, "<circle class=\"xg-dot\" data-rep=\"%u\" cx=\"%.1f\" "
                "cy=\"%d\" r=\"4\" fill=\"%s\"%s><title>repetition %u: %.*f ",
                d->rm->fs.draw_rep[k], dx(d, f->v[k]), y, color,
                st->outlier[k] ? " stroke=\"#b8420f\" stroke-width=\"2\"" : "",
                d->rm->fs.draw_rep[k], f->prec, f->v[k]);
        xg_html_escape(out, f->unit);
        fputs(st->outlier[k] ? " (outlier)" : "", out);
        fputs("</title></circle>\n", out);
    }
    fputs("</g>\n", out);
}

static void dots_html(dots *d, FILE *out)
{
    const xg_fig *f = d->row[0]->f;
    int h = DT + (int)d->n * DROW + DB;
    dots_range(d);
    fputs("<div class=\"dots\" data-metric=\"", out);
    xg_html_escape(out, f->metric);
    fputs("\"><h3>", out);
    xg_html_escape(out, f->family);
    fputs(" ", out);
    xg_html_escape(out, f->metric);
    fputs(" (", out);
    xg_html_escape(out, f->unit);
    fprintf(out, ")</h3>\n<svg class=\"xg-chart\" viewBox=\"0 0 %d %d\" "
            "role=\"img\">\n", DW, h);
    dots_axis(d, h - DB, out);
    for (size_t i = 0; i < d->n; i++)
        dots_row(d, i, out);
    fputs("</svg>\n<p class=\"cap\">a dot per repetition; the bar: the mean, "
          "the line: its 95 % interval", out);
    if (d->n_all > d->n)
        fprintf(out, "; the top %zu of %zu by mean, all in the table above",
                d->n, d->n_all);
    fputs("</p></div>\n", out);
}

static bool same_chart(const xg_fig *a, const xg_fig *b)
{
    return strcmp(a->family, b->family) == 0 &&
           strcmp(a->metric, b->metric) == 0;
}

/* The chart of plotted figure f: every row of the section with its family
 * and metric, the busiest XG_REP_TOP shown. 0 or -1. */
static int chart_of(const xg_rmodel *rm, const xg_rsec *sec,
                    const xg_fig *f, FILE *out)
{
    dots d = {rm, NULL, 0, 0, 0, 0};
    if (!(d.row = malloc((sec->n ? sec->n : 1) * sizeof(rstat_ptr))))
        return -1;
    for (size_t j = 0; j < sec->n; j++)
        if (same_chart(rm->st[sec->idx[j]].f, f) &&
            isfinite(rm->st[sec->idx[j]].sum.mean))
            d.row[d.n_all++] = &rm->st[sec->idx[j]];
    qsort(d.row, d.n_all, sizeof(rstat_ptr), by_mean);
    d.n = d.n_all < XG_REP_TOP ? d.n_all : XG_REP_TOP;
    if (d.n)
        dots_html(&d, out);
    free(d.row);
    return 0;
}

/* The section's plotted figures, one per (family, metric), in order. */
static int charts(const xg_rmodel *rm, const xg_rsec *sec, FILE *out)
{
    fig_ptr *key = malloc((sec->n ? sec->n : 1) * sizeof(fig_ptr));
    size_t n = 0;
    int rc = key ? 0 : -1;
    for (size_t i = 0; i < sec->n && !rc; i++) {
        const xg_fig *f = rm->st[sec->idx[i]].f;
        size_t j = 0;
        while (j < n && !same_chart(key[j], f))
            j++;
        if (f->plot && j == n)
            key[n++] = f;
    }
    for (size_t j = 0; j < n && !rc; j++)
        rc = chart_of(rm, sec, key[j], out);
    free(key);
    return rc;
}

static int section_html(const xg_rmodel *rm, const xg_rsec *sec, FILE *out)
{
    int rc = 0;
    fputs("<section class=\"xg-sec\" id=\"sec-", out);
    xg_html_escape(out, sec->name);
    fputs("\" data-name=\"", out);
    xg_html_escape(out, sec->name);
    fputs("\">\n<h2>", out);
    xg_html_escape(out, sec->name);
    fputs("</h2>\n", out);
    stats_table(rm, sec, out);
    rc = charts(rm, sec, out);
    fputs("</section>\n", out);
    return rc;
}

int xg_rep_render_html(const xg_rmodel *rm, FILE *out)
{
    char h1[96];
    int rc = 0;
    snprintf(h1, sizeof(h1), "xengatherer report: %zu repetitions",
             rm->s->n_reps); /* fits */
    xg_html_head(out, "xengatherer report");
    xg_html_header(&rm->head, h1, out);
    reps_html(rm, out);
    for (size_t i = 0; i < rm->lines.n; i++)
        xg_html_line(rm->lines.v[i], out);
    if (rm->n_secs) {
        fputs("<nav class=\"card\">sections: ", out);
        for (size_t i = 0; i < rm->n_secs; i++)
            xg_html_nav_link(out, rm->secs[i].name);
        fputs("</nav>\n", out);
    }
    for (size_t i = 0; i < rm->n_secs && !rc; i++)
        rc = section_html(rm, &rm->secs[i], out);
    if (rm->n_st)
        fprintf(out, "<p class=\"cap\">unstable: a CV above %.0f %%, or "
                "fewer than %d repetitions: the result may be unstable</p>\n",
                XG_STATS_UNSTABLE_CV, XG_STATS_MIN_N);
    if (rm->head.left_out) {
        fputs("<p class=\"note\">note: ", out);
        xg_html_escape(out, rm->head.left_out);
        fputs("</p>\n", out);
    }
    xg_html_tail(out);
    return rc || ferror(out) ? -1 : 0;
}

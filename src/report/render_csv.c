/* render_csv.c — the model as one long CSV table (RFC 4180), streamed: the
 * window's rows, then interval by interval every section's rows, each
 * computed by its table's fill function as it is written, so memory does
 * not grow with the number of ticks. Header:
 *   scope,family,domain,device,metric,start_s,end_s,value,unit
 * (section.h documents the families and metrics). A figure that was not
 * measured has no row. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/model.h"
#include "util/numfmt.h"
#include "util/csv.h"
#include "util/strbuf.h"

typedef struct csv_ctx {
    xg_sb lines;  /* a row's lines, written at once */
    xg_sb shared; /* the fields its lines share */
    xg_sb times;  /* start_s,end_s, */
    double *buf;  /* a row's values */
} csv_ctx;

static void csv_num(xg_sb *sb, double v, const char *sep)
{
    char buf[XG_NUM_LEN];
    const char *t = xg_fmt_fixed6(buf, v);
    xg_sb_add(sb, t, strlen(t));
    xg_sb_add(sb, sep, strlen(sep));
}

/* The row's lines at scope k, one per measured figure, written at once:
 * what they share (scope, family, domain, device, times) is formatted
 * once. */
static void csv_rows(FILE *out, const xg_mtable *t, const xg_row *row,
                     uint32_t k, const double *v, double a, double b,
                     csv_ctx *c)
{
    xg_sb *shared = &c->shared, *times = &c->times;
    xg_sb_clear(shared);
    xg_sb_clear(times);
    xg_sb_add(shared, k ? "interval," : "window,", k ? 9 : 7);
    xg_csv_field(shared, t->family, ",");
    xg_csv_field(shared, xg_store_dom_label(t->s, row->dom), ",");
    xg_csv_field(shared, row->device, ",");
    csv_num(times, a, ",");
    csv_num(times, b, ",");
    xg_sb_clear(&c->lines);
    for (size_t i = 0; i < row->n_cols; i++) {
        if (!isfinite(v[i]) || (t->cols[i].flags & XG_COL_TABLE_ONLY))
            continue;
        xg_sb_add(&c->lines, shared->s, shared->len);
        xg_csv_field(&c->lines, t->cols[i].metric, ",");
        xg_sb_add(&c->lines, times->s, times->len);
        csv_num(&c->lines, v[i], ",");
        xg_csv_field(&c->lines, t->cols[i].unit, "\n");
    }
    if (shared->oom || times->oom)
        c->lines.oom = true;
    if (c->lines.len && !c->lines.oom)
        fwrite(c->lines.s, 1, c->lines.len, out);
}

/* Every row of t at scope k. */
static void table_csv(FILE *out, const xg_mtable *t, uint32_t k, csv_ctx *c)
{
    if (!t->family || (k && (t->flags & XG_TAB_NO_SERIES)))
        return;
    for (size_t r = 0; r < t->n_rows && !c->lines.oom; r++) {
        double a, b;
        const double *v = xg_mtable_scope(t, r, k, c->buf, &a, &b);
        csv_rows(out, t, &t->rows[r], k, v, a, b, c);
    }
}

int xg_render_csv(const xg_model *m, FILE *out)
{
    csv_ctx c = {XG_SB_INIT, XG_SB_INIT, XG_SB_INIT,
                 malloc(xg_model_widest(m) * sizeof(double))};
    if (!c.buf)
        return -1;
    fputs("scope,family,domain,device,metric,start_s,end_s,value,unit\n", out);
    for (uint32_t k = 0; k == 0 || k < m->s->n_ticks; k++)
        for (size_t i = 0; i < m->n_secs; i++)
            for (size_t j = 0; j < m->secs[i].n_blocks; j++)
                if (m->secs[i].blocks[j].table)
                    table_csv(out, m->secs[i].blocks[j].table, k, &c);
    int rc = c.lines.oom || ferror(out) ? -1 : 0;
    xg_sb_free(&c.lines);
    xg_sb_free(&c.shared);
    xg_sb_free(&c.times);
    free(c.buf);
    return rc;
}

/* render_text.c — the model as aligned text for a terminal or report.txt:
 * the header's lines, then per section its tables (a title line, then
 * columns as wide as their widest cell) and lines in order. Everything goes
 * through xg_text_write_safe, so no byte from a name or a recording's
 * metadata reaches a terminal as a control sequence. */
#include <stdio.h>
#include <stdlib.h>

#include "report/calc.h"
#include "report/model.h"
#include "util/table.h"

/* The columns a table shows: domain, device, source, labelled figures, span. */
static int shown_cols(const xg_mtable *t, const char **hdr, char *align)
{
    int n = 0;
    if (!(t->flags & XG_TAB_NO_DOMAIN)) {
        hdr[n] = "domain";
        align[n++] = 'l';
    }
    if (t->device_label) {
        hdr[n] = t->device_label;
        align[n++] = 'l';
    }
    if (t->flags & XG_TAB_SOURCE_COL) {
        hdr[n] = "source";
        align[n++] = 'l';
    }
    for (size_t c = 0; c < t->n_cols; c++)
        if (t->cols[c].label) {
            hdr[n] = t->cols[c].label;
            align[n++] = 'r';
        }
    if (t->flags & XG_TAB_SPAN) {
        hdr[n] = "span s";
        align[n++] = 'r';
    }
    align[n] = '\0';
    return n;
}

/* Adds row r's cells; cells point into nums and span. 0 or -1. */
static int add_row(xg_table *tb, const xg_mtable *t, size_t r,
                   const char **cells, char (*nums)[32], char *span,
                   size_t span_len)
{
    const xg_row *row = &t->rows[r];
    int n = 0;
    if (!(t->flags & XG_TAB_NO_DOMAIN))
        cells[n++] = xg_store_dom_label(t->s, row->dom);
    if (t->device_label)
        cells[n++] = row->shown ? row->shown : row->device;
    if (t->flags & XG_TAB_SOURCE_COL)
        cells[n++] = row->source; /* NULL: "-" */
    for (size_t c = 0; c < t->n_cols; c++) {
        if (!t->cols[c].label)
            continue;
        cells[n++] = c < row->n_cols
            ? xg_fmt_num(nums[c], 32, xg_mtable_win(t, r, c), t->cols[c].prec)
            : NULL;
    }
    if (t->flags & XG_TAB_SPAN)
        cells[n++] = xg_calc_span_text(t->s, row->dom, span, span_len);
    return xg_table_add(tb, cells);
}

static int table_text(const xg_mtable *t, FILE *out)
{
    if (t->title && !t->n_rows && (t->flags & XG_TAB_TITLE_ALONE))
        fprintf(out, "\n%s\n", t->title);
    if (!t->title || !t->n_rows)
        return 0;
    size_t max = t->n_cols + 4;
    const char **hdr = calloc(max, sizeof(*hdr));
    const char **cells = calloc(max, sizeof(*cells));
    char *align = calloc(max + 1, 1);
    char (*nums)[32] = calloc(t->n_cols, sizeof(*nums));
    xg_table *tb = NULL;
    int rc = -1;
    if (hdr && cells && align && nums &&
        (tb = xg_table_new(shown_cols(t, hdr, align), hdr, align))) {
        char span[64];
        rc = 0;
        for (size_t r = 0; r < t->n_rows && !rc; r++)
            rc = add_row(tb, t, r, cells, nums, span, sizeof(span));
        fprintf(out, "\n%s\n", t->title);
        xg_table_print(tb, out);
    }
    xg_table_free(tb);
    free(hdr);
    free(cells);
    free(align);
    free(nums);
    return rc;
}

static int workloads_text(const xg_store *s, FILE *out)
{
    const char *heads[XG_WORKLOAD_COLS];
    size_t n = xg_workload_headers(s, heads);
    xg_table *t = xg_table_new((int)n, heads, n > 4 ? "rllrr" : "llrr");
    int rc = t ? 0 : -1;
    for (size_t i = 0; i < s->n_workloads && !rc; i++) {
        char buf[3][32];
        const char *cells[XG_WORKLOAD_COLS];
        xg_workload_cells(s, i, buf, cells);
        rc = xg_table_add(t, cells);
    }
    if (t) {
        fputs("\nworkloads\n", out);
        xg_table_print(t, out);
    }
    xg_table_free(t);
    return rc;
}

static int section_text(const xg_model *m, const xg_msection *ms, FILE *out)
{
    int rc = 0;
    for (size_t i = 0; i < ms->n_blocks && !rc; i++) {
        const xg_block *b = &ms->blocks[i];
        if (b->kind == XG_BLOCK_LINE)
            fprintf(out, "%s\n", b->line);
        else if (b->kind == XG_BLOCK_WORKLOADS)
            rc = workloads_text(m->s, out);
        else
            rc = table_text(b->table, out);
    }
    return rc;
}

static int write_text(const xg_model *m, FILE *out)
{
    int rc = section_text(m, &m->header, out);
    if (m->no_interval) {
        fprintf(out, "\n%s: no interval to report\n",
                m->s->n_ticks ? "only one sample" : "no samples");
        return rc;
    }
    for (size_t i = 0; i < m->n_secs && !rc; i++)
        rc = section_text(m, &m->secs[i], out);
    if (!rc && m->left_out)
        fprintf(out, "\nnote: %s\n", m->left_out);
    return rc;
}

/* Written to memory first, then out with control bytes and invalid UTF-8
 * from names and metadata as '?'. */
int xg_render_text(const xg_model *m, FILE *out)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);

    if (!mem)
        return -1;
    int rc = write_text(m, mem);
    if (fclose(mem) != 0 || rc < 0) {
        free(buf);
        return -1;
    }
    xg_text_write_safe(out, buf, len);
    free(buf);
    return 0;
}

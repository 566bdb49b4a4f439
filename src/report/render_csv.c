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

/* Quotes a field holding a comma, quote, CR or LF; doubles quotes. */
static void csv_field(FILE *out, const char *f)
{
    if (!f)
        f = "";
    if (!f[strcspn(f, ",\"\r\n")]) {
        fputs(f, out);
        return;
    }
    fputc('"', out);
    for (; *f; f++) {
        if (*f == '"')
            fputc('"', out);
        fputc(*f, out);
    }
    fputc('"', out);
}

/* v with 6 decimals, trailing zeros dropped, into buf (at least 32 bytes)
 * by integer arithmetic: printf's float formatting was 40 % of a CSV's
 * time. -1 where the result could differ from "%.6f" (too big, or so near
 * a rounding boundary that v * 1e6 may have rounded the other way). */
static int fast_num(char *buf, double v)
{
    double a = fabs(v) * 1e6, fl = floor(a);
    if (!(a < 9e15) || fabs(a - fl - 0.5) < 1e-3)
        return -1;
    unsigned long long n = (unsigned long long)llround(a);
    unsigned long long ip = n / 1000000, fp = n % 1000000;
    int len = 0;
    char digits[24];
    int nd = 0;
    if (v < 0 && n)
        buf[len++] = '-';
    do
        digits[nd++] = (char)('0' + ip % 10);
    while ((ip /= 10));
    while (nd)
        buf[len++] = digits[--nd];
    if (fp) {
        int w = 6;
        while (fp % 10 == 0) {
            fp /= 10;
            w--;
        }
        buf[len++] = '.';
        for (int i = w - 1; i >= 0; i--, fp /= 10)
            buf[len + i] = (char)('0' + fp % 10);
        len += w;
    }
    buf[len] = '\0';
    return 0;
}

/* Up to 6 decimals, trailing zeros dropped: 75, 1.5, 0.333333. */
static void csv_num(FILE *out, double v)
{
    char buf[64];
    if (fast_num(buf, v) == 0) {
        fputs(buf, out);
        return;
    }
    snprintf(buf, sizeof(buf), "%.6f", v);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *e = buf + strlen(buf) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    fputs(strcmp(buf, "-0") == 0 ? "0" : buf, out);
}

static void csv_rows(FILE *out, const xg_mtable *t, const xg_row *row,
                     uint32_t k, const double *v, double a, double b)
{
    for (size_t c = 0; c < row->n_cols; c++) {
        if (!isfinite(v[c]) || (t->cols[c].flags & XG_COL_TABLE_ONLY))
            continue;
        fputs(k ? "interval," : "window,", out);
        const char *words[] = {t->family, t->s->domains[row->dom].name,
                               row->device, t->cols[c].metric};
        for (size_t w = 0; w < 4; w++) {
            csv_field(out, words[w]);
            fputc(',', out);
        }
        csv_num(out, a);
        fputc(',', out);
        csv_num(out, b);
        fputc(',', out);
        csv_num(out, v[c]);
        fputc(',', out);
        csv_field(out, t->cols[c].unit);
        fputc('\n', out);
    }
}

/* Every row of t at scope k; buf holds n_cols values. */
static void table_csv(FILE *out, const xg_mtable *t, uint32_t k, double *buf)
{
    if (!t->family || (k && (t->flags & XG_TAB_NO_SERIES)))
        return;
    for (size_t r = 0; r < t->n_rows; r++) {
        const xg_row *row = &t->rows[r];
        if (!k) {
            csv_rows(out, t, row, 0, &t->win[r * t->n_cols],
                     t->win_start[r], t->win_end[r]);
            continue;
        }
        double a = 0, b = 0;
        for (size_t c = 0; c < t->n_cols; c++)
            buf[c] = NAN;
        t->fill(t, row, k, buf, &a, &b);
        csv_rows(out, t, row, k, buf, a, b);
    }
}

static size_t widest(const xg_model *m)
{
    size_t w = 1;
    for (size_t i = 0; i < m->n_secs; i++)
        for (size_t j = 0; j < m->secs[i].n_blocks; j++) {
            const xg_mtable *t = m->secs[i].blocks[j].table;
            if (t && t->n_cols > w)
                w = t->n_cols;
        }
    return w;
}

int xg_render_csv(const xg_model *m, FILE *out)
{
    double *buf = malloc(widest(m) * sizeof(*buf));
    if (!buf)
        return -1;
    fputs("scope,family,domain,device,metric,start_s,end_s,value,unit\n", out);
    for (uint32_t k = 0; k == 0 || k < m->s->n_ticks; k++)
        for (size_t i = 0; i < m->n_secs; i++)
            for (size_t j = 0; j < m->secs[i].n_blocks; j++)
                if (m->secs[i].blocks[j].table)
                    table_csv(out, m->secs[i].blocks[j].table, k, buf);
    free(buf);
    return ferror(out) ? -1 : 0;
}

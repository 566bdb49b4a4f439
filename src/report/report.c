/* report.c — the report: the model (model.c) built once from the store,
 * then written by the chosen format's renderer (render_<format>.c). A new
 * format is one renderer file and one row of the table below (the
 * sections are listed in sections.c). Also the helpers the sections share
 * (section.h). */
#include "report/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/calc.h"
#include "report/model.h"
#include "report/repeat.h"
#include "report/section.h"

/* Every format: its name (--format, the report file's extension), its
 * renderer, and its renderer of a repeated run's report (repeat.h). */
typedef int (*xg_rep_render_fn)(const xg_rmodel *rm, FILE *out);
static const struct {
    const char *name;
    xg_format fmt;
    xg_render_fn render;
    xg_rep_render_fn render_reps;
} formats[] = {
    {"text", XG_FMT_TEXT, xg_render_text, xg_rep_render_text},
    {"csv", XG_FMT_CSV, xg_render_csv, xg_rep_render_csv},
    {"json", XG_FMT_JSON, xg_render_json, xg_rep_render_json},
    {"html", XG_FMT_HTML, xg_render_html, xg_rep_render_html},
};
#define N_FORMATS (sizeof(formats) / sizeof(formats[0]))

int xg_format_parse(const char *name, xg_format *out)
{
    for (size_t i = 0; name && i < N_FORMATS; i++)
        if (strcmp(name, formats[i].name) == 0) {
            *out = formats[i].fmt;
            return 0;
        }
    return -1;
}

bool xg_dom_next(const xg_store *s, size_t *pos, uint32_t *dom)
{
    while (*pos < 2 * s->n_domains) {
        size_t i = *pos % s->n_domains;
        bool want_host = *pos >= s->n_domains;
        (*pos)++;
        if (s->domains[i].is_host == want_host) {
            *dom = (uint32_t)i;
            return true;
        }
    }
    return false;
}

int xg_index_rows(xg_mtable *t, const xg_sid *ids, size_t n)
{
    int64_t *ix = malloc((t->n_rows ? t->n_rows : 1) * n * sizeof(*ix));
    if (!ix)
        return -1;
    t->owned = ix;
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t m = 0; m < n; m++)
            ix[r * n + m] = xg_calc_series_of(t->s, t->rows[r].dom, ids[m],
                                              t->rows[r].device);
        t->rows[r].priv = &ix[r * n];
    }
    return 0;
}

int64_t xg_dom_host(const xg_store *s)
{
    for (size_t i = 0; i < s->n_domains; i++)
        if (s->domains[i].is_host)
            return (int64_t)i;
    return -1;
}

void xg_scope_times(const xg_store *s, uint32_t dom, uint32_t k,
                    double *start_s, double *end_s)
{
    if (k > 0) {
        *start_s = xg_calc_tick_s(s, k - 1);
        *end_s = xg_calc_tick_s(s, k);
    } else if (!xg_calc_span(s, dom, start_s, end_s)) {
        *start_s = 0;
        *end_s = xg_calc_window_s(s);
    }
}

json_t *xg_json_str(const char *v)
{
    if (!v)
        return json_null();
    json_t *j = json_string(v);
    if (j)
        return j;
    char *copy = strdup(v);
    if (!copy)
        return NULL;
    for (char *c = copy; *c; c++)
        if ((unsigned char)*c >= 0x80)
            *c = '?';
    j = json_string(copy);
    free(copy);
    return j;
}

json_t *xg_json_num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

int xg_json_push(json_t *arr, json_t *obj)
{
    if (!arr || !obj) {
        json_decref(obj);
        return -1;
    }
    return json_array_append_new(arr, obj);
}

/* The report of a repeated run: statistics over its repetitions. */
static int write_reps(const xg_store *s, const xg_report_opts *o,
                      xg_rep_render_fn render, FILE *out)
{
    xg_rmodel rm;
    if (!render || xg_rmodel_build(&rm, s, o) < 0)
        return -1;
    int rc = render(&rm, out);
    xg_rmodel_free(&rm);
    return rc;
}

int xg_report_write(const xg_store *s, const xg_report_opts *o, FILE *out)
{
    xg_report_opts defaults = {XG_FMT_TEXT, false};
    size_t f = N_FORMATS;
    xg_model m;
    int rc;

    if (!s || !out)
        return -1;
    if (!o)
        o = &defaults;
    for (size_t i = 0; i < N_FORMATS; i++)
        if (formats[i].fmt == o->fmt)
            f = i;
    if (f == N_FORMATS)
        return -1;
    if (s->n_reps > 0) {
        rc = write_reps(s, o, formats[f].render_reps, out);
    } else {
        if (xg_model_build(&m, xg_report_definition(), s, o) < 0)
            return -1;
        rc = formats[f].render(&m, out);
        xg_model_free(&m);
    }
    if (fflush(out) != 0 || ferror(out))
        rc = -1;
    return rc;
}

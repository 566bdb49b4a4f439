/* render_json.c — the model as one JSON document, streamed: the header's
 * keys (meta, partial, window, domains, workloads: small, built with
 * jansson), then per section an object with each table's "<prefix>window"
 * and "<prefix>intervals" arrays of row objects and the section's facts.
 * Interval rows are computed by the tables' fill functions as they are
 * written, one row object per line, so memory does not grow with the
 * number of ticks (the whole document used to be one jansson tree: 1 GiB
 * for 100 domains x 3600 ticks). Numbers have 6 decimals at most, as in
 * CSV (jansson's "%.17g" was half the time); strings go through jansson
 * (bytes that are not UTF-8 as '?'); the shape is docs/recording.md's. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/model.h"
#include "report/section.h"
#include "util/numfmt.h"

/* Numbers as CSV writes them (6 decimals at most, util/numfmt.h), with
 * ".0" on integral ones so a reader that types numbers (jansson) still
 * sees a real. */
static void json_num(FILE *out, double v)
{
    char buf[XG_NUM_LEN];
    if (!isfinite(v)) {
        fputs("null", out);
        return;
    }
    fputs(xg_fmt_fixed6(buf, v), out);
    if (!strchr(buf, '.'))
        fputs(".0", out);
}

/* A JSON string value of s, malloc'd; NULL on ENOMEM. */
static char *json_quote(const char *s)
{
    json_t *j = xg_json_str(s);
    char *q = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    return q;
}

/* Writes value with JSON_INDENT(2), shifted right by indent spaces. */
static int dump_indented(FILE *out, json_t *value, int indent)
{
    char *d = json_dumps(value, JSON_INDENT(2) | JSON_ENCODE_ANY);
    if (!d)
        return -1;
    for (const char *c = d; *c; c++) {
        fputc(*c, out);
        if (*c == '\n')
            fprintf(out, "%*s", indent, "");
    }
    free(d);
    return 0;
}

/* "format", "version" and the header's keys, each followed by ",\n". */
static int header_json(const xg_model *m, FILE *out)
{
    json_t *root = json_object();
    int rc = !root || xg_header_json(m->s, root);
    const char *key;
    json_t *v;
    fputs("{\n  \"format\": \"xengatherer-report\",\n  \"version\": 1,\n", out);
    if (!rc)
        json_object_foreach(root, key, v) {
            fprintf(out, "  \"%s\": ", key);
            rc = rc || dump_indented(out, v, 2);
            fputs(",\n", out);
        }
    json_decref(root);
    return rc ? -1 : 0;
}

typedef struct jrow_ctx {
    char **dom_q;   /* each domain's name, quoted */
    double *buf;    /* a row's values */
    bool first;     /* no row written yet in the array */
} jrow_ctx;

static int row_json(FILE *out, const xg_mtable *t, const xg_row *row,
                    const double *v, double a, double b, jrow_ctx *c)
{
    fputs(c->first ? "\n      {\"domain\": " : ",\n      {\"domain\": ", out);
    c->first = false;
    fputs(c->dom_q[row->dom], out);
    if ((t->device_label && !(t->flags & XG_TAB_DEVICE_IF_SET)) ||
        *row->device) {
        char *q = json_quote(row->device);
        if (!q)
            return -1;
        fprintf(out, ", \"device\": %s", q);
        free(q);
    }
    if (row->source || (t->flags & XG_TAB_SOURCE)) {
        char *q = json_quote(row->source);
        if (!q)
            return -1;
        fprintf(out, ", \"source\": %s", q);
        free(q);
    }
    fputs(", \"start_s\": ", out);
    json_num(out, a);
    fputs(", \"end_s\": ", out);
    json_num(out, b);
    for (size_t i = 0; i < row->n_cols; i++) {
        if (t->cols[i].flags & XG_COL_TABLE_ONLY)
            continue;
        fprintf(out, ", \"%s\": ", t->cols[i].metric);
        json_num(out, v[i]);
    }
    fputc('}', out);
    return 0;
}

/* One array of t's rows: the window (k = 0) or every interval. */
static int rows_json(FILE *out, const xg_mtable *t, bool window, jrow_ctx *c)
{
    int rc = 0;
    c->first = true;
    fputc('[', out);
    for (uint32_t k = window ? 0 : 1;
         !rc && (window ? k == 0 : k < t->s->n_ticks); k++)
        for (size_t r = 0; r < t->n_rows && !rc; r++) {
            const xg_row *row = &t->rows[r];
            double a, b;
            const double *v = xg_mtable_scope(t, r, k, c->buf, &a, &b);
            /* a row with nothing measured: left out of the intervals, and
             * of the window unless the table keeps it */
            if (!xg_vals_any(v, row->n_cols) &&
                (!window || !(t->flags & XG_TAB_KEEP_EMPTY)))
                continue;
            rc = row_json(out, t, row, v, a, b, c);
        }
    fputs(c->first ? "]" : "\n    ]", out);
    return rc;
}

static int table_json(FILE *out, const xg_mtable *t, bool *first, jrow_ctx *c)
{
    if (!t->json_prefix)
        return 0;
    fprintf(out, "%s    \"%swindow\": ", *first ? "" : ",\n", t->json_prefix);
    *first = false;
    int rc = rows_json(out, t, true, c);
    if (rc || (t->flags & XG_TAB_NO_SERIES))
        return rc;
    fprintf(out, ",\n    \"%sintervals\": ", t->json_prefix);
    return rows_json(out, t, false, c);
}

static int fact_json(FILE *out, const xg_fact *f, bool *first)
{
    fprintf(out, "%s    \"%s\": ", *first ? "" : ",\n", f->key);
    *first = false;
    if (!f->str && f->integer && isfinite(f->num)) {
        fprintf(out, "%.0f", f->num);
        return 0;
    }
    if (!f->str) {
        json_num(out, f->num);
        return 0;
    }
    char *q = json_quote(f->str);
    if (!q)
        return -1;
    fputs(q, out);
    free(q);
    return 0;
}

/* The top-level object a table or fact with this json_key goes under. */
static const char *obj_of(const xg_msection *ms, const char *json_key)
{
    return json_key ? json_key : ms->json_key;
}

/* The object key: the section's tables and facts that go under it. */
static int object_json(FILE *out, const xg_msection *ms, const char *key,
                       jrow_ctx *c)
{
    bool first = true;
    int rc = 0;
    fprintf(out, ",\n  \"%s\": {\n", key);
    for (size_t i = 0; i < ms->n_blocks && !rc; i++) {
        const xg_mtable *t = ms->blocks[i].table;
        if (t && strcmp(obj_of(ms, t->json_key), key) == 0)
            rc = table_json(out, t, &first, c);
    }
    for (size_t i = 0; i < ms->n_facts && !rc; i++)
        if (strcmp(obj_of(ms, ms->facts[i].json_key), key) == 0)
            rc = fact_json(out, &ms->facts[i], &first);
    fputs("\n  }", out);
    return rc;
}

/* Whether key is the section's or an earlier (before block nb, fact nf)
 * table's or fact's object: written already. */
static bool obj_done(const xg_msection *ms, const char *key, size_t nb, size_t nf)
{
    if (strcmp(key, ms->json_key) == 0)
        return true;
    for (size_t i = 0; i < nb; i++)
        if (ms->blocks[i].table &&
            strcmp(obj_of(ms, ms->blocks[i].table->json_key), key) == 0)
            return true;
    for (size_t i = 0; i < nf; i++)
        if (strcmp(obj_of(ms, ms->facts[i].json_key), key) == 0)
            return true;
    return false;
}

/* The section's object, then each other object its tables or facts name
 * (disk: "hostdisk"), in order. */
static int section_json(FILE *out, const xg_msection *ms, jrow_ctx *c)
{
    int rc = object_json(out, ms, ms->json_key, c);
    for (size_t i = 0; i < ms->n_blocks && !rc; i++) {
        const xg_mtable *t = ms->blocks[i].table;
        if (t && t->json_key && !obj_done(ms, t->json_key, i, 0))
            rc = object_json(out, ms, t->json_key, c);
    }
    for (size_t i = 0; i < ms->n_facts && !rc; i++) {
        const char *k = ms->facts[i].json_key;
        if (k && !obj_done(ms, k, ms->n_blocks, i))
            rc = object_json(out, ms, k, c);
    }
    return rc;
}

static int sections_json(const xg_model *m, FILE *out, jrow_ctx *c)
{
    int rc = 0;
    fputs("  \"left_out\": ", out);
    if (m->left_out) {
        char *q = json_quote(m->left_out);
        rc = q ? 0 : -1;
        fputs(q ? q : "null", out);
        free(q);
    } else {
        fputs("null", out);
    }
    for (size_t i = 0; i < m->n_secs && !rc; i++)
        if (m->secs[i].json_key)
            rc = section_json(out, &m->secs[i], c);
    fputs("\n}\n", out);
    return rc;
}

int xg_render_json(const xg_model *m, FILE *out)
{
    const xg_store *s = m->s;
    jrow_ctx c = {calloc(s->n_domains + 1, sizeof(char *)),
                  malloc(xg_model_widest(m) * sizeof(double)), true};
    int rc = c.dom_q && c.buf ? 0 : -1;
    for (size_t i = 0; i < s->n_domains && !rc; i++)
        if (!(c.dom_q[i] = json_quote(xg_store_dom_label(s, (uint32_t)i))))
            rc = -1;
    rc = rc ? rc : header_json(m, out);
    rc = rc ? rc : sections_json(m, out, &c);
    for (size_t i = 0; c.dom_q && i < s->n_domains; i++)
        free(c.dom_q[i]);
    free(c.dom_q);
    free(c.buf);
    return rc || ferror(out) ? -1 : 0;
}

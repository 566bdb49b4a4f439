/* table.c — aligned text tables for the report, and number formatting. */
#include "util/table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct xg_table {
    int ncols;
    char **headers;  /* ncols */
    char *aligns;    /* ncols chars, 'l' or 'r' */
    char **cells;    /* nrows * ncols, row-major; NULL = "-" */
    size_t nrows, cap;
};

/* Display width: UTF-8 code points, i.e. bytes that are not continuations. */
static size_t width(const char *s)
{
    size_t w = 0;

    for (; *s; s++)
        w += ((unsigned char)*s & 0xc0) != 0x80;
    return w;
}

/* The UTF-8 unit at p (avail bytes left): its length, and whether it is
 * safe for a terminal (see xg_text_write_safe; '\n' only when nl_ok). An
 * invalid byte is a unit of 1, unsafe. */
static size_t text_unit(const unsigned char *p, size_t avail, int nl_ok,
                        int *safe)
{
    size_t n;
    unsigned min, cp;

    *safe = 0;
    if (p[0] < 0x80) {
        *safe = p[0] >= 0x20 ? p[0] != 0x7f : nl_ok && p[0] == '\n';
        return 1;
    }
    if ((p[0] & 0xe0) == 0xc0)
        n = 2, min = 0x80, cp = p[0] & 0x1f;
    else if ((p[0] & 0xf0) == 0xe0)
        n = 3, min = 0x800, cp = p[0] & 0x0f;
    else if ((p[0] & 0xf8) == 0xf0)
        n = 4, min = 0x10000, cp = p[0] & 0x07;
    else
        return 1;
    if (n > avail)
        return 1;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 1;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 1;
    *safe = cp >= 0xa0; /* not a C1 control */
    return n;
}

static void write_safe(FILE *out, const char *s, size_t n, int nl_ok)
{
    const unsigned char *p = (const unsigned char *)s, *run = p;
    const unsigned char *end = p + n;

    while (p < end) {
        int safe;
        size_t l = text_unit(p, (size_t)(end - p), nl_ok, &safe);

        if (!safe) {
            fwrite(run, 1, (size_t)(p - run), out);
            fputc('?', out);
            run = p + l;
        }
        p += l;
    }
    fwrite(run, 1, (size_t)(p - run), out);
}

void xg_text_write_safe(FILE *out, const char *s, size_t n)
{
    write_safe(out, s, n, 1);
}

void xg_text_write_line(FILE *out, const char *s, size_t n)
{
    write_safe(out, s, n, 0);
}

/* A copy of s made safe for a terminal, as xg_text_write_safe, and kept to
 * one line: a '\n' is a '?' too. */
static char *dup_or_null(const char *s, int *oom)
{
    const unsigned char *p = (const unsigned char *)s, *end;
    char *d, *q;

    if (!s)
        return NULL;
    end = p + strlen(s);
    if (!(d = malloc((size_t)(end - p) + 1))) {
        *oom = 1;
        return NULL;
    }
    for (q = d; p < end;) {
        int safe;
        size_t l = text_unit(p, (size_t)(end - p), 0, &safe);

        if (safe)
            memcpy(q, p, l), q += l;
        else
            *q++ = '?';
        p += l;
    }
    *q = '\0';
    return d;
}

xg_table *xg_table_new(int ncols, const char *const *headers,
                       const char *aligns)
{
    xg_table *t = calloc(1, sizeof(*t));
    size_t na = aligns ? strlen(aligns) : 0;
    int oom = 0;

    if (!t || ncols <= 0)
        goto fail;
    t->ncols = ncols;
    t->headers = calloc((size_t)ncols, sizeof(*t->headers));
    t->aligns = malloc((size_t)ncols);
    if (!t->headers || !t->aligns)
        goto fail;
    for (int i = 0; i < ncols; i++) {
        const char *h = headers && headers[i] ? headers[i] : "";

        t->headers[i] = dup_or_null(h, &oom);
        t->aligns[i] = (size_t)i < na && aligns[i] == 'r' ? 'r' : 'l';
    }
    if (!oom)
        return t;
fail:
    xg_table_free(t);
    return NULL;
}

int xg_table_add(xg_table *t, const char *const *cells)
{
    size_t nc = (size_t)t->ncols;
    char **row;
    int oom = 0;

    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **c = realloc(t->cells, cap * nc * sizeof(*c));
        if (!c)
            return -1;
        t->cells = c;
        t->cap = cap;
    }
    row = t->cells + t->nrows * nc;
    for (size_t i = 0; i < nc; i++)
        row[i] = dup_or_null(cells[i], &oom);
    if (oom) {
        for (size_t i = 0; i < nc; i++)
            free(row[i]);
        return -1;
    }
    t->nrows++;
    return 0;
}

/* Writes a line lazily: blanks are held back until something visible
 * follows, so no line ever ends in blanks. */
typedef struct line_out {
    FILE *f;
    size_t pending;
} line_out;

static void put_blanks(line_out *o, size_t n)
{
    o->pending += n;
}

static void put_text(line_out *o, const char *s)
{
    for (; *s; s++) {
        if (*s == ' ') {
            o->pending++;
            continue;
        }
        for (; o->pending; o->pending--)
            fputc(' ', o->f);
        fputc(*s, o->f);
    }
}

static void end_line(line_out *o)
{
    o->pending = 0;
    fputc('\n', o->f);
}

static void put_row(line_out *o, const xg_table *t, char *const *row,
                    const size_t *w)
{
    for (int i = 0; i < t->ncols; i++) {
        const char *s = row[i] ? row[i] : "-";
        size_t pad = w[i] - width(s);

        if (i > 0)
            put_blanks(o, 2);
        if (t->aligns[i] == 'r')
            put_blanks(o, pad);
        put_text(o, s);
        if (t->aligns[i] != 'r')
            put_blanks(o, pad);
    }
    end_line(o);
}

void xg_table_print(const xg_table *t, FILE *out)
{
    size_t nc = (size_t)t->ncols, *w = calloc(nc, sizeof(*w));
    line_out o = {out, 0};

    if (!w)
        return;
    for (size_t i = 0; i < nc; i++) {
        w[i] = width(t->headers[i]);
        for (size_t r = 0; r < t->nrows; r++) {
            const char *s = t->cells[r * nc + i];
            size_t cw = width(s ? s : "-");
            if (cw > w[i])
                w[i] = cw;
        }
    }
    put_row(&o, t, t->headers, w);
    for (size_t i = 0; i < nc; i++) {
        if (i > 0)
            put_blanks(&o, 2);
        for (size_t k = 0; k < w[i]; k++)
            put_text(&o, "-");
    }
    end_line(&o);
    for (size_t r = 0; r < t->nrows; r++)
        put_row(&o, t, t->cells + r * nc, w);
    free(w);
}

void xg_table_free(xg_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; t->cells && i < t->nrows * (size_t)t->ncols; i++)
        free(t->cells[i]);
    for (int i = 0; t->headers && i < t->ncols; i++)
        free(t->headers[i]);
    free(t->cells);
    free(t->headers);
    free(t->aligns);
    free(t);
}

const char *xg_fmt_num(char *buf, size_t len, double v, int decimals)
{
    if (isnan(v) || isinf(v))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.*f", decimals, v);
    return buf;
}

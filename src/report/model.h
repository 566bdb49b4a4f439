/* model.h — the report as one model, built once from a store (live, or read
 * back from a recording), that every output format renders.
 *
 * Design. The report used to be written by each family's section once per
 * format (text, CSV, JSON), so a format leaked into every family and a new
 * format meant touching every section. Now the layers are one-way:
 *
 *   store -> sections (sec_*.c, header.c) -> model -> renderers (render_*.c)
 *
 * A section builds model tables from the store and knows nothing of
 * formats; a renderer walks the model and knows nothing of families. Adding
 * a format is one render_<fmt>.c and one entry in report.c's renderer
 * table; adding a family is a collector, its schema rows and a section.
 *
 * A table is a list of rows (a domain, or one device of a domain) and typed
 * columns (a metric with its unit, a label and decimals for tables, and
 * whether it is worth a time-series chart). The window's values (one per
 * row and column) are computed once when the model is built. The values of
 * interval k (tick k-1 .. k), the series, are not stored: a renderer asks
 * the table's fill function for them tick by tick, so CSV and JSON stream
 * in constant memory in the number of ticks, and HTML downsamples them as
 * it goes. Fill functions must be cheap: sections keep series indexes per
 * row rather than looking series up by name per value.
 *
 * Lines are plain sentences (notes, the host's busy share, the header's
 * fields) that a renderer shows as they are; JSON-only facts are named
 * values a section adds to its JSON object (e.g. net.idle_not_shown). */
#ifndef XG_MODEL_H
#define XG_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/store.h"
#include "report/report.h"

/* A column: one figure. */
typedef struct xg_col {
    const char *metric; /* CSV metric, JSON key: "cpu_pct" */
    const char *unit;   /* "%", "MB/s", "s"... */
    const char *label;  /* table header, "cpu %"; NULL: not in tables */
    int prec;           /* decimals shown in tables */
    unsigned flags;     /* XG_COL_* */
} xg_col;

/* Shown in tables only, never a figure of CSV or JSON (e.g. "vcpus"). */
#define XG_COL_TABLE_ONLY 1u
/* Worth a time-series chart (HTML): a rate or share over time. */
#define XG_COL_PLOT 2u

typedef struct xg_mtable xg_mtable;

typedef struct xg_row {
    uint32_t dom;       /* index into the store's domains */
    const char *device; /* "" for the whole domain (CSV device, JSON device) */
    const char *shown;  /* the device as tables show it; NULL: device */
    const char *source; /* JSON "source" of the row; NULL: none */
    uint32_t n_cols;    /* leading columns that apply to this row */
    const void *priv;   /* the section's per-row state (borrowed) */
} xg_row;

/* The row's values over scope k (0: the window, k >= 1: interval k) into
 * v[0 .. row->n_cols-1] (NaN: not measured), and the scope's start and end
 * in seconds since tick 0. */
typedef void (*xg_fill_fn)(const xg_mtable *t, const xg_row *row, uint32_t k,
                           double *v, double *start_s, double *end_s);

/* XG_TAB_*: */
#define XG_TAB_SPAN 1u       /* tables add a "span s" column (the domain's) */
#define XG_TAB_KEEP_EMPTY 2u /* JSON's window keeps rows with no figure */
#define XG_TAB_NO_SERIES 4u  /* window only: no interval rows */
#define XG_TAB_NO_DOMAIN 8u  /* tables leave the domain column out (the
                              * host's devices: the device names the row) */
#define XG_TAB_DEVICE_IF_SET 16u /* JSON rows carry "device" only when it is
                              * not "", device column or not (the cache
                              * modes: the sum row is "all" in tables) */
#define XG_TAB_SOURCE 32u    /* JSON rows always have "source" (null when
                              * the row's is NULL) */
#define XG_TAB_TITLE_ALONE 64u /* with no rows, text still shows the title
                                * (alone: no header) */
#define XG_TAB_SOURCE_COL 128u /* tables add a "source" column after the
                               * device ("-": none) */

struct xg_mtable {
    const char *family;      /* CSV family: "cpu", "hostdisk"... */
    const char *json_prefix; /* JSON keys "<prefix>window", "<prefix>intervals"
                              * under the section's object ("" or "vcpu_");
                              * NULL: not in JSON */
    const char *json_key;    /* the top-level JSON object of the table when
                              * not the section's (disk's host devices:
                              * "hostdisk"; a literal); NULL: the section's */
    char *title;             /* table title (owned); NULL: no table in
                              * text/HTML */
    const char *device_label;/* header of the device column; NULL: none */
    unsigned flags;          /* XG_TAB_* */
    const xg_col *cols;
    size_t n_cols;
    xg_row *rows;
    size_t n_rows, cap_rows;
    double *win;             /* n_rows x n_cols: the window's values */
    double *win_start, *win_end; /* n_rows each */
    xg_fill_fn fill;
    const xg_store *s;
    const void *priv;        /* the section's state for fill (borrowed) */
    void *owned;             /* state the section allocated for this table
                              * (e.g. series indexes per row): freed with
                              * the model */
};

/* XG_BLOCK_WORKLOADS: the table of the store's workloads (domain, state,
 * exit status or signal, duration), the one table whose cells are words;
 * renderers take its cells from xg_workload_cells. */
typedef enum xg_block_kind {
    XG_BLOCK_TABLE, XG_BLOCK_LINE, XG_BLOCK_WORKLOADS
} xg_block_kind;

typedef struct xg_block {
    xg_block_kind kind;
    xg_mtable *table;        /* XG_BLOCK_TABLE */
    char *line;              /* XG_BLOCK_LINE: one sentence, no newline */
} xg_block;

typedef struct xg_fact {
    char *key;
    char *str;               /* a string fact, or NULL */
    double num;              /* a number fact when str is NULL (NaN: null) */
    bool integer;            /* num is a count: written without ".0" */
    const char *json_key;    /* as xg_mtable's json_key */
} xg_fact;

typedef struct xg_msection {
    const char *name;        /* as named in meta "families"; "" for the header */
    const char *json_key;    /* the section's JSON object ("cpu"); NULL: none */
    xg_block *blocks;
    size_t n_blocks, cap_blocks;
    xg_fact *facts;
    size_t n_facts, cap_facts;
    bool oom;                /* an addition failed */
} xg_msection;

typedef struct xg_model {
    const xg_store *s;
    const xg_report_opts *o;
    xg_msection header;      /* "xengatherer report", host, times, workloads */
    xg_msection *secs;       /* the families present, in print order */
    size_t n_secs;
    bool no_interval;        /* fewer than two ticks: nothing to report */
    char *left_out;          /* what a newer recording has that this build
                              * does not show, or NULL */
} xg_model;

/* A family's section: builds its blocks and facts into ms. 0, or -1 on
 * ENOMEM. */
typedef struct xg_section {
    const char *name;        /* as named in meta "families" */
    const char *json_key;
    int (*build)(xg_msection *ms, const xg_store *s, const xg_report_opts *o);
} xg_section;

/* What a report is made of: the header's builder, then the sections in
 * print order (report.c has the one list). */
typedef struct xg_report_def {
    int (*header)(xg_msection *ms, const xg_store *s);
    const xg_section *const *sections;
    size_t n_sections;
} xg_report_def;

/* report.c's definition: the header and every section, in print order. */
const xg_report_def *xg_report_definition(void);

/* Builds the model of s; 0, or -1 on ENOMEM (m is then freed). */
int xg_model_build(xg_model *m, const xg_report_def *def, const xg_store *s,
                   const xg_report_opts *o);
void xg_model_free(xg_model *m);
/* What this build cannot show of s with def's sections (xg_model.left_out:
 * malloc'd, or NULL when nothing). */
char *xg_model_left_out(const xg_report_def *def, const xg_store *s);

/* For sections. A new table in ms (its rows to be added); NULL on ENOMEM. */
xg_mtable *xg_msection_table(xg_msection *ms, const xg_store *s,
                             const char *family, const char *json_prefix,
                             const char *title, const xg_col *cols,
                             size_t n_cols, xg_fill_fn fill);
/* Adds a row (the device string must outlive the model: the store's, or a
 * literal); n_cols 0 means all. 0 or -1. */
int xg_mtable_row(xg_mtable *t, uint32_t dom, const char *device,
                  const char *source, uint32_t n_cols, const void *priv);
/* Appends a line (printf format); 0 or -1. */
int xg_msection_line(xg_msection *ms, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int xg_msection_workloads(xg_msection *ms);
int xg_msection_fact_num(xg_msection *ms, const char *key, double v);
int xg_msection_fact_str(xg_msection *ms, const char *key, const char *v);
/* A count, under the top-level JSON object json_key (a literal; NULL: the
 * section's). */
int xg_msection_fact_int(xg_msection *ms, const char *json_key,
                         const char *key, long long v);

/* Computes t's window values now (the model does it after the section's
 * build; a section whose lines need them calls it once its rows are all
 * added). 0 or -1. */
int xg_model_fill_window(xg_mtable *t);
/* The values of row r over scope k (0: the window, cached; k >= 1: filled
 * into buf, n_cols long, by the table's fill function), with the scope's
 * start and end. */
const double *xg_mtable_scope(const xg_mtable *t, size_t r, uint32_t k,
                              double *buf, double *start_s, double *end_s);
/* The most columns of any table of m (at least 1): the size of a buffer
 * for xg_mtable_scope. */
size_t xg_model_widest(const xg_model *m);
/* The window value of row r, column c (NaN: not measured). */
double xg_mtable_win(const xg_mtable *t, size_t r, size_t c);
/* Workload i of s as cells (domain, state, exit status or signal,
 * duration s; in a repeated run its repetition first): returns how many,
 * at most XG_WORKLOAD_COLS; buf holds the formatted ones. The headers of
 * s's workloads table likewise. */
#define XG_WORKLOAD_COLS 5
size_t xg_workload_headers(const xg_store *s, const char **headers);
size_t xg_workload_cells(const xg_store *s, size_t i, char (*buf)[32],
                         const char **cells);
/* Whether any of v[0..n-1] is finite. */
bool xg_vals_any(const double *v, size_t n);

/* A renderer writes the whole model to out; 0, or -1 on a write error. */
typedef int (*xg_render_fn)(const xg_model *m, FILE *out);
int xg_render_text(const xg_model *m, FILE *out);
int xg_render_csv(const xg_model *m, FILE *out);
int xg_render_json(const xg_model *m, FILE *out);
int xg_render_html(const xg_model *m, FILE *out);

#endif

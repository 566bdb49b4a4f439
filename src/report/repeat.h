/* repeat.h — the report of a repeated run (run --repeat): the recording's
 * header, a table of its repetitions, which were left out and why, then
 * per section a table of statistics per figure (n, mean, sd, the 95 %
 * interval of the mean, min, max, CV, outlier repetitions, unstable),
 * over the whole, non-warmup repetitions (figures.h gives the values).
 *
 * Like the report (model.h), it is built once (repeat.c) and written by a
 * renderer per format, rep_<format>.c, which knows no family; the
 * sections' tables (sec_*.c) are reused through the slices. */
#ifndef XG_REPEAT_H
#define XG_REPEAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "report/figures.h"
#include "report/model.h"
#include "stats/stats.h"
#include "util/strbuf.h"

/* The confidence of the intervals. */
#define XG_REP_CONF 0.95

/* The statistics of one figure. */
typedef struct xg_rstat {
    const xg_fig *f;
    xg_summary sum;      /* over the draws (NaN values left out) */
    bool *outlier;       /* n_draws flags (XG_STATS_OUTLIER_Z) */
    size_t n_outliers;
    bool high_cv;        /* CV above XG_STATS_UNSTABLE_CV */
    bool few;            /* fewer than XG_STATS_MIN_N values */
    bool unstable;       /* high_cv or few: "the result may be unstable" */
} xg_rstat;

/* A section of statistics: the figures whose section is name. */
typedef struct xg_rsec {
    const char *name;    /* the figures' (borrowed) */
    size_t *idx;         /* indexes into xg_rmodel.st, in report order */
    size_t n;
} xg_rsec;

typedef struct xg_rmodel {
    const xg_store *s;
    const xg_report_opts *o;
    xg_model head;       /* the recording's header (a model without
                          * sections) */
    xg_figset fs;        /* the draws; empty when no_draw */
    xg_rstat *st;        /* fs.n, only the figures with a value */
    size_t n_st;
    xg_rsec *secs;
    size_t n_secs;
    xg_lines lines;      /* what was left out, N = 1, few repetitions */
    bool no_draw;        /* no whole repetition: why is lines' last */
} xg_rmodel;

/* Builds the repeated report of s (s->n_reps > 0); 0, -1 on ENOMEM. */
int xg_rmodel_build(xg_rmodel *rm, const xg_store *s,
                    const xg_report_opts *o);
void xg_rmodel_free(xg_rmodel *rm);

/* Repetition r (1..)'s start (seconds since tick 0) and window (s). */
double xg_rep_start_s(const xg_store *s, size_t r);
double xg_rep_window_s(const xg_store *s, size_t r);
/* "yes, used", or why repetition r (1..) was left out ("warmup",
 * "partial", "running"): NULL when used. */
const char *xg_rep_left_out(const xg_store *s, size_t r);
/* The repetitions (by number) st flags as outliers, "2 5" ("" for none),
 * into buf. */
const char *xg_rstat_outliers(const xg_rmodel *rm, const xg_rstat *st,
                              char *buf, size_t len);

/* The renderers: 0, or -1 on a write error. */
int xg_rep_render_text(const xg_rmodel *rm, FILE *out);
int xg_rep_render_csv(const xg_rmodel *rm, FILE *out);
int xg_rep_render_json(const xg_rmodel *rm, FILE *out);
int xg_rep_render_html(const xg_rmodel *rm, FILE *out);

#endif

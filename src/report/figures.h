/* figures.h — a report's figures as values that can be matched across
 * reports: the common ground of the statistics of a repeated run and of
 * `compare`.
 *
 * A figure is one cell of the report's tables: (family, domain, device,
 * metric), the same key CSV's window rows have, and it has one value per
 * draw. A draw is a repetition of a repeated run (the figure's window
 * value over that repetition, from the model built on its slice,
 * core/slice.c), or an interval of a single run (the figure's value over
 * interval k: values of one window, not independent, which compare says).
 * The workloads add family "workload": per domain, duration_s and
 * exit_status (the exit code, or 128 + the signal that killed it). */
#ifndef XG_FIGURES_H
#define XG_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/store.h"
#include "report/model.h"
#include "report/report.h"

typedef struct xg_fig {
    char *section;       /* the model section's name ("cpu"; "workload") */
    char *family;        /* the table's family ("cpu", "hostdisk") */
    char *domain;        /* the domain's name: what compare matches */
    char *device;        /* "" for the whole domain */
    char *metric;        /* "cpu_pct" */
    char *unit;          /* "%" */
    int prec;            /* decimals tables show */
    bool plot;           /* XG_COL_PLOT: worth a chart */
    bool is_host;
    double *v;           /* n_draws values; NaN: not measured in that draw */
} xg_fig;

typedef enum xg_draw_kind {
    XG_DRAWS_REPS,       /* one draw per whole, non-warmup repetition */
    XG_DRAWS_INTERVALS   /* one draw per interval of a single window */
} xg_draw_kind;

typedef struct xg_figset {
    xg_fig *f;           /* in report order: sections, tables, rows, cols */
    size_t n, cap;
    size_t n_draws;
    xg_draw_kind kind;
    uint32_t *draw_rep;  /* XG_DRAWS_REPS: the repetition of each draw */
    void *index;         /* the key -> figure hash (figures.c) */
} xg_figset;

/* Builds the figures of a recording read into s: a repeated run (s has
 * repetitions) gives a draw per whole, non-warmup repetition (warmups and
 * partial ones are left out; draw_rep says which were used), a single
 * run a draw per interval; o as for the report. 0; -1 on
 * ENOMEM with err set; -2 when s has no draw at all (no whole repetition,
 * fewer than two ticks) with err saying so. */
int xg_figset_build(xg_figset *fs, const xg_store *s,
                    const xg_report_opts *o, char *err, size_t errlen);
void xg_figset_free(xg_figset *fs);

/* The figure with this key, or NULL (a hash lookup). */
const xg_fig *xg_figset_find(const xg_figset *fs, const char *family,
                             const char *domain, const char *device,
                             const char *metric);

#endif

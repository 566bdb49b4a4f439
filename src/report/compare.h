/* compare.h — two recordings' figures side by side (`xengatherer compare`):
 * the domains matched by name (or --match A=B; the host rows with each
 * other), the figures by (family, device, metric) within a matched pair,
 * and per figure the two means, their difference with its 1 - alpha
 * interval, a two-sample test and its verdict.
 *
 * The test: Welch's t on the repetitions' values when both recordings are
 * repeated runs (one draw per whole, non-warmup repetition: independent);
 * Mann-Whitney U on the values of the intervals otherwise, which are not
 * independent (consecutive intervals of one window): each such comparison
 * says so (xg_cmp_fig.intervals) and the comparison has one warning line.
 *
 * The comparison knows nothing of formats: cmp_text.c, cmp_csv.c,
 * cmp_json.c and cmp_html.c render it. */
#ifndef XG_COMPARE_H
#define XG_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/store.h"
#include "report/figures.h"
#include "report/report.h"
#include "stats/stats.h"
#include "util/strbuf.h"

/* One recording: its path as given, the store read from it and its
 * figures (both borrowed). */
typedef struct xg_cmp_input {
    const char *file;
    const xg_store *s;
    const xg_figset *fs;
} xg_cmp_input;

/* --match A=B: domain A of the first recording is domain B of the second. */
typedef struct xg_cmp_match {
    const char *a, *b;
} xg_cmp_match;

typedef struct xg_cmp_opts {
    double alpha;                /* in (0, 0.5] */
    const xg_cmp_match *match;
    size_t n_match;
} xg_cmp_opts;

/* A compared figure. */
typedef struct xg_cmp_fig {
    const xg_fig *a, *b;         /* borrowed from the figsets */
    xg_test t;
    xg_verdict verdict;
    bool intervals;              /* tested on intervals: not independent */
} xg_cmp_fig;

typedef struct xg_compare {
    xg_cmp_input a, b;
    double alpha;
    xg_cmp_fig *f;               /* in A's report order */
    size_t n, cap;
    xg_lines warn;               /* one line each, no newline */
} xg_compare;

/* The figsets of a and b (a->fs and b->fs are not used) for comparing: a
 * draw per repetition when both are repeated runs, per interval otherwise
 * (a repeated run compared with a single one is taken by interval over its
 * whole window). 0; -1 on ENOMEM, -2 when one has no draw, with err
 * naming its file; nothing to free then. */
int xg_cmp_figsets(const xg_cmp_input *a, xg_figset *fa,
                   const xg_cmp_input *b, xg_figset *fb, char *err,
                   size_t errlen);

/* Default --alpha. */
#define XG_CMP_ALPHA 0.05

/* Compares b against a. 0; -1 on ENOMEM (err set); -2 on bad input with
 * one line in err naming it: a --match naming a domain that is not there,
 * no domain in common (the domains of each named), alpha out of
 * (0, 0.5]. c is then freed. */
int xg_compare_build(xg_compare *c, const xg_cmp_input *a,
                     const xg_cmp_input *b, const xg_cmp_opts *o, char *err,
                     size_t errlen);
void xg_compare_free(xg_compare *c);

/* "repetitions" or "intervals": what a figset's draws are. */
const char *xg_cmp_draws_name(const xg_figset *fs);
/* The test's name: "welch", "mann-whitney", "-". */
const char *xg_cmp_test_name(xg_test_kind k);
/* The verdict column: xg_verdict_name, or "- (why)" when there was no
 * test: into buf (len bytes; cut with "..." only past len). */
const char *xg_cmp_verdict_text(const xg_cmp_fig *f, char *buf, size_t len);
/* Whether the figure's change is significant (higher or lower). */
bool xg_cmp_changed(const xg_cmp_fig *f);

/* --fail-on-change FIG: FIG is "metric" or "family.metric". Whether f is
 * named by fig. */
bool xg_cmp_fig_named(const xg_cmp_fig *f, const char *fig);
/* The regression gate: the figures named by one of figs[0..n_figs-1]
 * that changed significantly, their indexes into c->f into hit (c->n
 * long, in order); how many. */
size_t xg_cmp_gate(const xg_compare *c, const char *const *figs,
                   size_t n_figs, size_t *hit);
/* Whether fig names a figure the report can have (*known): a figure
 * column of a report section, or a figure of either figset (workload
 * figures, cache events named at run time). When list is not NULL it gets
 * every such name, "family.metric, ..." (malloc'd). 0, or -1 on ENOMEM. */
int xg_cmp_fig_known(const xg_compare *c, const char *fig, bool *known,
                     char **list);

/* Renderers: 0, or -1 on a write error. */
int xg_cmp_render_text(const xg_compare *c, FILE *out);
int xg_cmp_render_csv(const xg_compare *c, FILE *out);
int xg_cmp_render_json(const xg_compare *c, FILE *out);
int xg_cmp_render_html(const xg_compare *c, FILE *out);

#endif

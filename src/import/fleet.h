/* fleet.h — a Prometheus window (promapi.h) as a store and a recording:
 * one domain per (host, domain), the ticks on the query's step grid. */
#ifndef XG_FLEET_H
#define XG_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/store.h"
#include "import/promapi.h"
#include "util/strbuf.h"

/* The window asked for. */
typedef struct xg_fleet_window {
    const char *url;     /* the Prometheus server */
    const char *query;   /* the PromQL selector sent */
    double start, end;   /* unix seconds */
    double step;         /* seconds between ticks */
    bool mono_from_wall; /* ticks' CLOCK_MONOTONIC = wall + mono_minus_wall
                          * (run --source: the workloads' clock); else
                          * the seconds since start */
    int64_t mono_minus_wall_ns;
} xg_fleet_window;

/* What the import did besides the series it stored. */
typedef struct xg_fleet_stats {
    size_t series;       /* series stored (a Prometheus series each,
                          * unless several map to one) */
    size_t points;       /* samples stored */
    size_t resets;       /* counter resets joined up */
    size_t skipped;      /* points left out: NaN, Inf, negative, too
                          * large, off the step grid, a duplicate */
    size_t no_domain;    /* series without a domain label */
    xg_sb unknown;       /* xengatherer_* names the schema does not know,
                          * "a, b" */
} xg_fleet_stats;

/* Where series s comes from: *host (NULL when it has neither a "host"
 * nor an "instance" label), *domain (NULL: none) and whether it is its
 * host's host row (domain "host", or a label is_host "1"/"true"). The one
 * place that knows serve's label convention. */
void xg_fleet_ident(const xg_pm_series *s, const char **host,
                    const char **domain, bool *is_host);

/* The ticks of the window: floor((end - start) / step) + 1. */
uint32_t xg_fleet_ticks(const xg_fleet_window *w);

/* Fills out (xg_store_init'ed by it) from r: values back to stored
 * integers (value / scale, rounded), a missing point no sample, a
 * counter's reset joined up (the values after it raised by the value
 * before it, as rate() does), and the meta (platform "prometheus",
 * source_url, query, the window). 0, or -1 + err (out of memory, too
 * many ticks). st may be NULL. */
int xg_fleet_store(const xg_pm_result *r, const xg_fleet_window *w,
                   xg_store *out, xg_fleet_stats *st, char *err,
                   size_t errlen);

/* Queries the window (in queries of at most XG_PM_MAX_STEPS steps) into
 * out as xg_fleet_store does. 0, or -1 + err (out is then to be freed
 * all the same). */
int xg_fleet_fetch(const xg_fleet_window *w, xg_store *out,
                   xg_fleet_stats *st, char *err, size_t errlen);

/* xg_fleet_fetch, then the recording written to path (refused when there
 * unless force). Prints nothing. 0, or -1 + err. */
int xg_fleet_import(const xg_fleet_window *w, const char *cmdline,
                    const char *path, bool force, xg_fleet_stats *st,
                    char *err, size_t errlen);

/* The selector for the tool's metrics with extra matchers (NULL or ""
 * for none) ANDed in: {__name__=~"xengatherer_.+",MATCH}. malloc'd. */
char *xg_fleet_query(const char *match);

void xg_fleet_stats_free(xg_fleet_stats *st);

/* A time: RFC 3339 (2026-12-03T17:00:00Z, fractions and +HH:MM offsets
 * taken) or unix seconds (a decimal number). 0, or -1. */
int xg_fleet_parse_time(const char *s, double *out);

/* The scrape interval of the tool's series (with the matchers match)
 * before end: the median gap between consecutive samples of one metric's
 * series (the CPU usage when there) in the last 60 s of the window (at
 * most), rounded to whole seconds from 1 s on, to 10 ms below. 0 when it
 * cannot say (no series has two samples there): the caller takes 1 s.
 * -1 + err when Prometheus cannot be asked. */
double xg_fleet_guess_step(const char *url, const char *match, double start,
                           double end, char *err, size_t errlen);

#endif

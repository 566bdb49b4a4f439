/* exposition.h — one tick of a store as the Prometheus text exposition
 * format (version 0.0.4), for `xengatherer serve` (see exposition.c for
 * the design). Pure: a store in, text out; no clock, no I/O. */
#ifndef XG_EXPOSITION_H
#define XG_EXPOSITION_H

#include <stddef.h>
#include <stdint.h>

#include "core/store.h"
#include "util/strbuf.h"

/* The labels every series of one scrape carries besides its domain's. */
typedef struct xg_expo_labels {
    const char *platform; /* "cgroup", "xen"... */
    const char *host;     /* the machine's name (--host-label) */
} xg_expo_labels;

/* The two text formats: Prometheus 0.0.4, OpenMetrics 1.0 (a counter's
 * family named without _total in HELP/TYPE, a # UNIT line, quotes
 * escaped in HELP; the body ends in "# EOF", see xg_snapshot_body). */
typedef enum xg_expo_fmt { XG_EXPO_PROM, XG_EXPO_OM } xg_expo_fmt;

/* Appends every series of s with a value at tick t (its domain sampled
 * then: a domain gone or not sampled at t is left out), one family at a
 * time with its # HELP and # TYPE once, names from core/openmetrics.h,
 * values in base units. Series the schema does not know are left out.
 * *n_domains (may be NULL) gets how many domains, the host row included,
 * had a value at t. 0, or -1 on ENOMEM. */
int xg_expo_render(const xg_store *s, uint32_t t, const xg_expo_labels *l,
                   xg_expo_fmt fmt, size_t *n_domains, xg_sb *out);

/* Appends v (a stored integer) times scale, exactly when scale is a
 * power of ten at most 1 (ns to seconds: "1.5", not "1.5000000000000002")
 * or a whole number (sectors: 512). 0, or -1 on ENOMEM. */
int xg_expo_value(uint64_t v, double scale, xg_sb *out);

/* Appends a label value escaped as the format wants: backslash, double
 * quote and newline as \\, \" and \n. 0, or -1 on ENOMEM. */
int xg_expo_escape(const char *v, xg_sb *out);

/* Appends the # HELP and # TYPE lines of the metric whose samples are
 * called name (type "counter", "gauge", "summary"), the help text
 * escaped; in OpenMetrics the family is name without a counter's _total,
 * and a non-empty unit gets a # UNIT line. 0, -1 on ENOMEM. */
int xg_expo_head(const char *name, const char *type, const char *help,
                 const char *unit, xg_expo_fmt fmt, xg_sb *out);

#endif

/* openmetrics.h — the OpenMetrics / Prometheus name, base unit and scale
 * of every series of the schema (core/schema.h), derived from its row.
 *
 * Why derived and not written per row: `serve` names what it exposes with
 * these, and `import` maps what a Prometheus answers back to schema rows
 * with the same functions, so the two cannot disagree, and a new schema
 * row gets its name without anybody spelling it. test_openmetrics checks
 * every row's name against the OpenMetrics grammar, that no two rows share
 * one, and that the reverse lookup finds each row again.
 *
 * The rule: "xengatherer_" FAMILY "_" METRIC, '-' as '_', then the base
 * unit's suffix unless the metric already ends in it, then "_total" for
 * counters. Base units: ns and ms are "seconds" (scale 1e-9, 1e-3), bytes
 * "bytes", sectors are bytes (metric's "sectors" written "bytes", scale
 * 512); counts (ios, packets, events) have no unit suffix. A dynamic row
 * (--cache-events) is one name for its family with the event in the label
 * "event": xengatherer_cache_events_total{event="LLC-loads"}; an event
 * with a row of its own (task-clock) has that row's name.
 *
 * Values: the stored integer times scale is the exposed value; an imported
 * value divided by scale and rounded is the stored integer. */
#ifndef XG_OPENMETRICS_H
#define XG_OPENMETRICS_H

#include <stdbool.h>

#include "core/schema.h"
#include "util/strbuf.h"

/* The prefix of every metric the tool exposes. */
#define XG_OM_PREFIX "xengatherer_"
/* The label a dynamic row's metric goes in. */
#define XG_OM_EVENT_LABEL "event"

/* The base unit of def ("seconds", "bytes", or "" for a count) and, in
 * *scale, what a stored value is multiplied by to be in it. */
const char *xg_om_unit(const xg_series_def *def, double *scale);

/* Appends def's metric family name (for a dynamic row, the family's
 * shared name). 0, or -1 on ENOMEM. */
int xg_om_name(const xg_series_def *def, xg_sb *out);

/* The row whose name is name, or NULL. A dynamic row's name gives the
 * dynamic row (the event is in the label). */
const xg_series_def *xg_om_lookup(const char *name);

/* Whether s is a valid OpenMetrics metric name ([a-zA-Z_:][a-zA-Z0-9_:]*). */
bool xg_om_name_ok(const char *s);

#endif

/* exposition.c — a store's latest tick as Prometheus text (0.0.4).
 *
 * Design, and why:
 * - Names, units and scales come only from core/openmetrics.h (derived
 *   from the schema row of each series), so `serve` and `import` agree by
 *   construction; # HELP is the row's description, # TYPE its kind.
 * - The format wants every line of a metric family together, with one
 *   HELP/TYPE pair: the series that have a value at the tick are bucketed
 *   by schema row (a counting sort, O(series)), then written row by row,
 *   domains in store order.
 * - "Current" means sampled at this tick: a domain that vanished (or was
 *   not sampled) has no value at t and is simply not written, so no stale
 *   value is ever exposed as current. A restarted domain is a new store
 *   domain (key "k#2", experiment/restart.c) whose counters start again:
 *   Prometheus sees the same labels (or a new uuid) with a counter reset,
 *   which rate() handles.
 * - Values are exact decimals: the stored integer shifted by the scale's
 *   power of ten (ns -> seconds), never a double's rounding noise.
 * - Labels: domain, uuid (when known), platform, host, then the series'
 *   own: vcpu (vcpuN devices), interface (net), mode (cache per mode),
 *   device (disks, the host's "all"), event (the dynamic cache row). */
#include "serve/exposition.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/openmetrics.h"
#include "core/schema.h"

int xg_expo_escape(const char *v, xg_sb *out)
{
    for (const char *p = v; *p; p++) {
        const char *e = *p == '\\' ? "\\\\" : *p == '"' ? "\\\""
                        : *p == '\n' ? "\\n" : NULL;
        if (xg_sb_add(out, e ? e : p, e ? 2 : 1) < 0)
            return -1;
    }
    return 0;
}

/* HELP text: backslash and newline escaped, and in OpenMetrics the
 * double quote too. */
static int escape_help(const char *v, bool om, xg_sb *out)
{
    for (const char *p = v; *p; p++) {
        const char *e = *p == '\\' ? "\\\\" : *p == '\n' ? "\\n"
                        : *p == '"' && om ? "\\\"" : NULL;
        if (xg_sb_add(out, e ? e : p, e ? 2 : 1) < 0)
            return -1;
    }
    return 0;
}

int xg_expo_head(const char *name, const char *type, const char *help,
                 const char *unit, xg_expo_fmt fmt, xg_sb *out)
{
    bool om = fmt == XG_EXPO_OM;
    size_t n = strlen(name);

    if (om && !strcmp(type, "counter") && n > 6 &&
        !strcmp(name + n - 6, "_total"))
        n -= 6; /* OpenMetrics: the family is the name without _total */
    if (xg_sb_printf(out, "# HELP %.*s ", (int)n, name) < 0 ||
        escape_help(help, om, out) < 0 ||
        xg_sb_printf(out, "\n# TYPE %.*s %s\n", (int)n, name, type) < 0 ||
        (om && unit && *unit &&
         xg_sb_printf(out, "# UNIT %.*s %s\n", (int)n, name, unit) < 0))
        return -1;
    return 0;
}

/* 10^k for the scale 10^-k (k 0..18), or 0 when scale is not one. */
static uint64_t inverse_pow10(double scale)
{
    uint64_t p = 1;

    for (int k = 0; k <= 18; k++, p *= 10)
        if (fabs(scale * (double)p - 1.0) < 1e-9)
            return p;
    return 0;
}

int xg_expo_value(uint64_t v, double scale, xg_sb *out)
{
    uint64_t div = scale <= 1 ? inverse_pow10(scale) : 0;

    if (div == 1)
        return xg_sb_printf(out, "%" PRIu64, v);
    if (div) {
        char frac[24];
        int w = 0;
        for (uint64_t p = div; p > 1; p /= 10)
            w++;
        int n = snprintf(frac, sizeof(frac), "%0*" PRIu64, w, v % div);
        if (n < 0 || (size_t)n >= sizeof(frac))
            return -1;
        while (n > 0 && frac[n - 1] == '0')
            frac[--n] = '\0';
        return n ? xg_sb_printf(out, "%" PRIu64 ".%s", v / div, frac)
                 : xg_sb_printf(out, "%" PRIu64, v / div);
    }
    if (scale >= 1 && scale == floor(scale) && scale < 1e9 &&
        v <= UINT64_MAX / (uint64_t)scale)
        return xg_sb_printf(out, "%" PRIu64, v * (uint64_t)scale);
    return xg_sb_printf(out, "%.17g", (double)v * scale);
}

/* The series' own label (name, value), or name NULL for a whole domain. */
static void dev_label(const xg_series_def *def, const char *dev,
                      const char **name, const char **value)
{
    *name = NULL;
    *value = dev;
    if (!dev || !*dev)
        return;
    if ((def->devices & XG_DEV_VCPU) && !strncmp(dev, "vcpu", 4) &&
        dev[4] >= '0' && dev[4] <= '9') {
        *name = "vcpu";
        *value = dev + 4;
    } else if (def->devices & XG_DEV_IFACE) {
        *name = "interface";
    } else if ((def->devices & XG_DEV_MODE) &&
               (!strcmp(dev, "user") || !strcmp(dev, "kernel") ||
                !strcmp(dev, "hv"))) {
        *name = "mode";
    } else {
        *name = "device";
    }
}

static int label(xg_sb *out, const char *name, const char *value)
{
    if (xg_sb_printf(out, ",%s=\"", name) < 0 ||
        xg_expo_escape(value, out) < 0 || xg_sb_add(out, "\"", 1) < 0)
        return -1;
    return 0;
}

/* One sample line: name{labels} value */
static int sample(const xg_store *s, uint32_t i, uint32_t t,
                  const xg_series_def *def, const char *name,
                  const xg_expo_labels *l, xg_sb *out)
{
    const xg_series *x = &s->series[i];
    const xg_domain_info *d = &s->domains[x->domain];
    const char *ln, *lv;
    double scale;

    xg_om_unit(def, &scale);
    dev_label(def, x->device, &ln, &lv);
    if (xg_sb_printf(out, "%s{domain=\"", name) < 0 ||
        xg_expo_escape(d->name ? d->name : d->key, out) < 0 ||
        xg_sb_add(out, "\"", 1) < 0 ||
        (d->uuid && *d->uuid && label(out, "uuid", d->uuid) < 0) ||
        label(out, "platform", l->platform) < 0 ||
        label(out, "host", l->host) < 0 ||
        (ln && label(out, ln, lv) < 0) ||
        ((def->flags & XG_SF_DYNAMIC) &&
         label(out, XG_OM_EVENT_LABEL, x->metric) < 0) ||
        xg_sb_add(out, "} ", 2) < 0 ||
        xg_expo_value(xg_store_get(s, i, t), scale, out) < 0 ||
        xg_sb_add(out, "\n", 1) < 0)
        return -1;
    return 0;
}

/* The rows of the series with a value at t (XG_S_COUNT: none or unknown),
 * and how many domains had one. */
static void rows_at(const xg_store *s, uint32_t t, uint16_t *row,
                    size_t *n_domains)
{
    uint32_t last_dom = UINT32_MAX;
    size_t nd = 0;
    unsigned char *seen = calloc(s->n_domains ? s->n_domains : 1, 1);

    for (size_t i = 0; i < s->n_series; i++) {
        const xg_series *x = &s->series[i];
        const xg_series_def *def;
        row[i] = XG_S_COUNT;
        if (xg_store_get(s, (uint32_t)i, t) == XG_NOVALUE)
            continue;
        def = xg_schema_find(x->family, x->metric);
        if (!def)
            continue;
        row[i] = (uint16_t)xg_schema_id(def);
        if (x->domain != last_dom && seen && !seen[x->domain]) {
            seen[x->domain] = 1;
            nd++;
        }
        last_dom = x->domain;
    }
    free(seen);
    if (n_domains)
        *n_domains = nd;
}

/* Writes the rows' families from order[] (series grouped by row; start[r]
 * .. start[r + 1] are row r's). */
static int families(const xg_store *s, uint32_t t, const xg_expo_labels *l,
                    xg_expo_fmt fmt, const uint32_t *order,
                    const size_t *start, xg_sb *out)
{
    xg_sb name = XG_SB_INIT;
    int rc = 0;

    for (size_t r = 0; r < XG_S_COUNT && !rc; r++) {
        const xg_series_def *def = &xg_schema[r];
        if (start[r] == start[r + 1])
            continue;
        xg_sb_clear(&name);
        if (xg_om_name(def, &name) < 0 ||
            xg_expo_head(xg_sb_str(&name),
                         def->kind == XG_COUNTER ? "counter" : "gauge",
                         def->description, xg_om_unit(def, NULL), fmt,
                         out) < 0) {
            rc = -1;
            break;
        }
        for (size_t k = start[r]; k < start[r + 1] && !rc; k++)
            rc = sample(s, order[k], t, def, xg_sb_str(&name), l, out);
    }
    xg_sb_free(&name);
    return rc;
}

int xg_expo_render(const xg_store *s, uint32_t t, const xg_expo_labels *l,
                   xg_expo_fmt fmt, size_t *n_domains, xg_sb *out)
{
    size_t n = s->n_series ? s->n_series : 1;
    uint16_t *row = malloc(n * sizeof(*row));
    uint32_t *order = malloc(n * sizeof(*order));
    size_t start[XG_S_COUNT + 2] = {0};
    int rc = -1;

    if (!row || !order)
        goto out;
    rows_at(s, t, row, n_domains);
    for (size_t i = 0; i < s->n_series; i++) /* counting sort by row */
        if (row[i] < XG_S_COUNT) /* XG_S_COUNT: not served, not counted */
            start[row[i] + 2]++;
    for (size_t r = 2; r < XG_S_COUNT + 2; r++)
        start[r] += start[r - 1];
    for (size_t i = 0; i < s->n_series; i++)
        if (row[i] < XG_S_COUNT)
            order[start[row[i] + 1]++] = (uint32_t)i;
    rc = families(s, t, l, fmt, order, start, out);
out:
    free(row);
    free(order);
    return rc;
}

/* calc.c — window and per-interval arithmetic over a store's raw counters. */
#include "report/calc.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/iostat.h"

double xg_calc_tick_s(const xg_store *s, uint32_t t)
{
    if (!s->tick_mono_ns || t >= s->n_ticks)
        return 0;
    return (double)(s->tick_mono_ns[t] - s->tick_mono_ns[0]) / 1e9;
}

double xg_calc_window_s(const xg_store *s)
{
    return s->n_ticks < 2 ? 0 : xg_calc_tick_s(s, s->n_ticks - 1);
}

double xg_calc_interval_s(const xg_store *s, uint32_t k)
{
    if (k == 0 || k >= s->n_ticks)
        return 0;
    return xg_calc_tick_s(s, k) - xg_calc_tick_s(s, k - 1);
}

double xg_calc_ratio(double num, double den)
{
    if (!isfinite(num) || !isfinite(den) || !(den > 0))
        return NAN;
    return num / den;
}

void xg_calc_series(const xg_store *s, uint32_t series, xg_win *out)
{
    memset(out, 0, sizeof(*out));
    out->first = XG_NOVALUE;
    if (series >= s->n_series)
        return;
    const xg_series *x = &s->series[series];
    uint64_t prev = XG_NOVALUE;
    uint32_t t_first = 0, t_last = 0, n_present = 0;
    for (uint32_t i = 0; i < x->n && x->values; i++) {
        uint32_t t = x->first_tick + i;
        if (t >= s->n_ticks)
            break;
        uint64_t v = x->values[i];
        if (v == XG_NOVALUE)
            continue;
        if (n_present++ == 0) {
            t_first = t;
            out->first = v;
        } else {
            out->delta += xg_counter_delta(prev, v);
        }
        prev = v;
        t_last = t;
    }
    out->ok = n_present >= 2;
    out->seconds = out->ok ? xg_calc_tick_s(s, t_last) - xg_calc_tick_s(s, t_first)
                           : 0;
}

bool xg_calc_step(const xg_store *s, uint32_t series, uint32_t k,
                  uint64_t *delta)
{
    if (series >= s->n_series || k == 0 || k >= s->n_ticks)
        return false;
    uint64_t a = xg_store_get(s, series, k - 1);
    uint64_t b = xg_store_get(s, series, k);
    if (a == XG_NOVALUE || b == XG_NOVALUE)
        return false;
    *delta = xg_counter_delta(a, b);
    return true;
}

/* The schema row of id, which must be a fixed (not dynamic) one. */
static const xg_series_def *row_of(xg_sid id)
{
    assert(id < XG_S_COUNT && !(xg_schema[id].flags & XG_SF_DYNAMIC));
    return &xg_schema[id];
}

bool xg_calc_of_family(const xg_series *x, xg_sid id)
{
    assert(id < XG_S_COUNT);
    return x->family && strcmp(x->family, xg_schema[id].family) == 0;
}

bool xg_calc_is(const xg_series *x, xg_sid id)
{
    const xg_series_def *d = row_of(id);
    return x->family && x->metric && strcmp(x->metric, d->metric) == 0 &&
           strcmp(x->family, d->family) == 0;
}

int64_t xg_calc_series_of(const xg_store *s, uint32_t dom, xg_sid id,
                          const char *device)
{
    const xg_series_def *d = row_of(id);
    return xg_store_find_series(s, dom, d->family, device, d->metric);
}

void xg_calc_find(const xg_store *s, uint32_t dom, xg_sid id,
                  const char *device, xg_win *out)
{
    int64_t i = xg_calc_series_of(s, dom, id, device);
    if (i < 0) {
        memset(out, 0, sizeof(*out));
        out->first = XG_NOVALUE;
        return;
    }
    xg_calc_series(s, (uint32_t)i, out);
}

bool xg_calc_find_step(const xg_store *s, uint32_t dom, xg_sid id,
                       const char *device, uint32_t k, uint64_t *delta)
{
    int64_t i = xg_calc_series_of(s, dom, id, device);
    return i >= 0 && xg_calc_step(s, (uint32_t)i, k, delta);
}

/* The next series of the domain of row d's family and metric (from the
 * domain's own list: other domains' series are not looked at). */
static int64_t next_of(const xg_store *s, uint32_t dom,
                       const xg_series_def *d, size_t *pos)
{
    int64_t i;

    while ((i = xg_store_next_series(s, dom, d->family, pos)) >= 0)
        if (s->series[i].metric && strcmp(s->series[i].metric, d->metric) == 0)
            return i;
    return -1;
}

bool xg_calc_sum(const xg_store *s, uint32_t dom, xg_sid id, uint64_t *sum)
{
    const xg_series_def *d = row_of(id);
    bool any = false;
    size_t pos = 0;
    int64_t i;
    *sum = 0;
    while ((i = next_of(s, dom, d, &pos)) >= 0) {
        xg_win w;
        xg_calc_series(s, (uint32_t)i, &w);
        if (w.ok) {
            *sum += w.delta;
            any = true;
        }
    }
    return any;
}

bool xg_calc_sum_step(const xg_store *s, uint32_t dom, xg_sid id, uint32_t k,
                      uint64_t *sum)
{
    const xg_series_def *d = row_of(id);
    bool any = false;
    size_t pos = 0;
    int64_t i;
    *sum = 0;
    while ((i = next_of(s, dom, d, &pos)) >= 0) {
        uint64_t x;
        if (xg_calc_step(s, (uint32_t)i, k, &x)) {
            *sum += x;
            any = true;
        }
    }
    return any;
}

/* Whether the schema has a row of this family. */
static bool family_known(const char *family)
{
    for (size_t i = 0; family && i < XG_S_COUNT; i++)
        if (strcmp(xg_schema[i].family, family) == 0)
            return true;
    return false;
}

bool xg_calc_has_family(const xg_store *s, uint32_t dom, const char *family)
{
    size_t pos = 0;
    assert(family_known(family));
    return xg_store_next_series(s, dom, family, &pos) >= 0;
}

bool xg_calc_span(const xg_store *s, uint32_t dom, double *start_s,
                  double *end_s)
{
    if (dom >= s->n_domains)
        return false;
    const xg_domain_info *d = &s->domains[dom];
    if (d->first_tick < 0 || d->last_tick < d->first_tick ||
        d->last_tick >= (int64_t)s->n_ticks)
        return false;
    *start_s = xg_calc_tick_s(s, (uint32_t)d->first_tick);
    *end_s = xg_calc_tick_s(s, (uint32_t)d->last_tick);
    return true;
}

const char *xg_calc_span_text(const xg_store *s, uint32_t dom, char *buf,
                              size_t len)
{
    double a, b;
    if (!xg_calc_span(s, dom, &a, &b))
        snprintf(buf, len, "-");
    else if (s->domains[dom].first_tick == 0 &&
             s->domains[dom].last_tick == (int64_t)s->n_ticks - 1)
        snprintf(buf, len, "full");
    else
        snprintf(buf, len, "%.1f-%.1f", a, b);
    return buf;
}

bool xg_calc_meta_u64(const xg_store *s, const char *key, uint64_t *out)
{
    const char *v = xg_store_meta_get(s, key);
    if (!v || !*v || *v == '-')
        return false;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (errno || *end)
        return false;
    *out = (uint64_t)x;
    return true;
}

bool xg_calc_meta_double(const xg_store *s, const char *key, double *out)
{
    const char *v = xg_store_meta_get(s, key);
    if (!v || !*v)
        return false;
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || *end || !isfinite(x))
        return false;
    *out = x;
    return true;
}

bool xg_calc_in_list(const char *list, const char *seps, const char *word)
{
    size_t wl = strlen(word);
    if (!list || wl == 0)
        return false;
    for (const char *p = list; *p;) {
        p += strspn(p, seps);
        size_t n = strcspn(p, seps);
        if (n == wl && strncmp(p, word, n) == 0)
            return true;
        p += n;
    }
    return false;
}

double xg_calc_delta_idx(const xg_store *s, int64_t series, uint32_t k,
                         double *seconds)
{
    *seconds = 0;
    if (series < 0)
        return NAN;
    if (k > 0) {
        uint64_t d;
        if (!xg_calc_step(s, (uint32_t)series, k, &d))
            return NAN;
        *seconds = xg_calc_interval_s(s, k);
        return (double)d;
    }
    xg_win w;
    xg_calc_series(s, (uint32_t)series, &w);
    if (!w.ok)
        return NAN;
    *seconds = w.seconds;
    return (double)w.delta;
}

double xg_calc_delta_at(const xg_store *s, uint32_t dom, xg_sid id,
                        const char *device, uint32_t k, double *seconds)
{
    return xg_calc_delta_idx(s, xg_calc_series_of(s, dom, id, device), k,
                             seconds);
}

/* The window's or interval k's seconds of a sum of domain dom. */
static double sum_seconds(const xg_store *s, uint32_t dom, uint32_t k)
{
    double a, b;
    if (k > 0)
        return xg_calc_interval_s(s, k);
    return xg_calc_span(s, dom, &a, &b) ? b - a : 0;
}

double xg_calc_sum_at(const xg_store *s, uint32_t dom, xg_sid id, uint32_t k,
                      double *seconds)
{
    uint64_t sum;
    *seconds = 0;
    if (k > 0 ? !xg_calc_sum_step(s, dom, id, k, &sum)
              : !xg_calc_sum(s, dom, id, &sum))
        return NAN;
    *seconds = sum_seconds(s, dom, k);
    return (double)sum;
}

double xg_calc_sum_idx(const xg_store *s, uint32_t dom, const uint32_t *ix,
                       uint32_t n, uint32_t k, double *seconds)
{
    uint64_t sum = 0;
    bool any = false;
    *seconds = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t d;
        xg_win w;
        if (k > 0 && !xg_calc_step(s, ix[i], k, &d))
            continue;
        if (k == 0) {
            xg_calc_series(s, ix[i], &w);
            if (!w.ok)
                continue;
            d = w.delta;
        }
        sum += d;
        any = true;
    }
    if (!any)
        return NAN;
    *seconds = sum_seconds(s, dom, k);
    return (double)sum;
}

/* fleet.c — a Prometheus window as an ordinary recording.
 *
 * Design, and why:
 * - The answer (promapi.h: metric name, labels, points) becomes a store,
 *   and the store is written by the recording writer like any run's, so
 *   report, the HTML plots and compare read it with no code of their own.
 * - Names go back to schema rows only through xg_om_lookup, the inverse
 *   of what serve exposes (core/openmetrics.h): one rule both ways. A
 *   xengatherer_* name this build does not know is left out and named.
 * - One domain per (host, domain[, uuid]); every host's host row is a
 *   host row (is_host), and domains carry their host (domains.host,
 *   format 3), so the report can say "hostA/web1" and pair by host and
 *   name. xg_fleet_ident is the one function that knows which labels say
 *   host and domain: if serve's convention changes, only it changes.
 * - Ticks are the query's step grid, start + k * step, so every series is
 *   sampled at the same instants, as in a run. A point Prometheus did not
 *   return is no sample at that tick (a gap), never 0; NaN, infinities,
 *   negative values and values past 2^64 are no sample either.
 * - Values are in base units; the stored integer is value / scale,
 *   rounded (exact up to 2^53, beyond that as exact as the double was).
 * - Counters: the report takes a counter's rate from the deltas of
 *   cumulative values, so a restarted exporter (a counter falling back) is
 *   joined up as Prometheus's rate() does: the counter is taken to have
 *   restarted from 0, and every value from the reset on is raised by the
 *   value before it. Gauges are stored as they come. */
#include "import/fleet.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "core/openmetrics.h"
#include "core/options.h"
#include "core/schema.h"
#include "recording/recording.h"

void xg_fleet_ident(const xg_pm_series *s, const char **host,
                    const char **domain, bool *is_host)
{
    const char *h = xg_pm_label_get(s, "host");
    const char *flag = xg_pm_label_get(s, "is_host");

    *host = h ? h : xg_pm_label_get(s, "instance");
    *domain = xg_pm_label_get(s, "domain");
    *is_host = (*domain && strcmp(*domain, "host") == 0) ||
               (flag && (!strcmp(flag, "1") || !strcmp(flag, "true")));
}

uint32_t xg_fleet_ticks(const xg_fleet_window *w)
{
    double n = floor((w->end - w->start) / w->step + 1e-6) + 1;

    return n < 1 ? 0 : n > XG_TICKS_MAX ? UINT32_MAX : (uint32_t)n;
}

char *xg_fleet_query(const char *match)
{
    return xg_strfmt("{__name__=~\"" XG_OM_PREFIX ".+\"%s%s}",
                     match && *match ? "," : "", match ? match : "");
}

void xg_fleet_stats_free(xg_fleet_stats *st)
{
    if (st)
        xg_sb_free(&st->unknown);
}

/* One store series being filled: a counter's reset state (the values
 * go into the store as they come, in tick order). */
typedef struct fseries {
    bool used;
    bool counter;
    uint64_t prev;        /* the last raw value put; XG_NOVALUE: none */
    uint64_t offset;      /* what the resets so far add */
} fseries;

typedef struct filler {
    const xg_fleet_window *w;
    xg_store *s;
    xg_fleet_stats *st;
    fseries *fs;          /* by store series index */
    size_t cap_fs;
    uint32_t n_ticks;
} filler;

static void add_unknown(xg_fleet_stats *st, const char *name)
{
    const char *have = xg_sb_str(&st->unknown);
    size_t n = strlen(name);

    for (const char *p = strstr(have, name); p; p = strstr(p + 1, name))
        if ((p == have || p[-1] == ' ') && (p[n] == ',' || !p[n]))
            return;
    xg_sb_printf(&st->unknown, "%s%s", *have ? ", " : "", name);
}

/* The domain of (host, domain, uuid), added when new; -1 on ENOMEM. */
static int64_t domain_of(xg_store *s, const xg_pm_series *x, const char *host,
                         const char *name, bool is_host)
{
    const char *uuid = xg_pm_label_get(x, "uuid");
    char *key = xg_strfmt("prometheus:%s/%s%s%s", host ? host : "",
                          name, uuid ? "#" : "", uuid ? uuid : "");
    int64_t d;

    if (!key)
        return -1;
    d = xg_store_find_domain(s, key);
    if (d < 0) {
        xg_domain_info info = {.key = key, .name = (char *)name,
                               .uuid = (char *)uuid, .host = (char *)host,
                               .platform_id = -1, .is_host = is_host,
                               .first_tick = -1, .last_tick = -1};
        d = xg_store_add_domain(s, &info);
    }
    free(key);
    return d;
}

/* The store's device name from the labels: "vcpuN", a disk, an
 * interface, a mode, or "" (the whole domain). NULL on ENOMEM. */
static char *device_of(const xg_pm_series *x)
{
    const char *v;

    if ((v = xg_pm_label_get(x, "vcpu")))
        return xg_strfmt("vcpu%s", v);
    if ((v = xg_pm_label_get(x, "device")) ||
        (v = xg_pm_label_get(x, "interface")) ||
        (v = xg_pm_label_get(x, "mode")))
        return strdup(v);
    return strdup("");
}

static fseries *fseries_of(filler *f, int64_t idx, bool counter)
{
    if ((size_t)idx >= f->cap_fs) {
        size_t cap = (size_t)idx * 2 + 8;
        fseries *n = realloc(f->fs, cap * sizeof(*n));
        if (!n)
            return NULL;
        memset(n + f->cap_fs, 0, (cap - f->cap_fs) * sizeof(*n));
        f->fs = n;
        f->cap_fs = cap;
    }
    fseries *e = &f->fs[idx];
    if (!e->used)
        *e = (fseries){true, counter, XG_NOVALUE, 0};
    return e;
}

/* The store series of x (found by name through the schema), or -2 when x
 * is not one to store (said in st), -1 on ENOMEM. */
static int64_t series_of(filler *f, const xg_pm_series *x,
                         const xg_series_def **def)
{
    const char *host, *name, *event;
    bool is_host;
    char *dev;
    int64_t d, idx;

    if (!(*def = xg_om_lookup(x->metric))) {
        if (!strncmp(x->metric, XG_OM_PREFIX, strlen(XG_OM_PREFIX)))
            add_unknown(f->st, x->metric);
        return -2;
    }
    xg_fleet_ident(x, &host, &name, &is_host);
    event = xg_pm_label_get(x, XG_OM_EVENT_LABEL);
    if (!name || ((*def)->flags & XG_SF_DYNAMIC && !event)) {
        f->st->no_domain++;
        return -2;
    }
    if ((d = domain_of(f->s, x, host, name, is_host)) < 0 ||
        !(dev = device_of(x)))
        return -1;
    if (!xg_schema_device_ok(*def, dev))
        idx = -2, f->st->no_domain++;
    else if ((*def)->flags & XG_SF_DYNAMIC)
        idx = xg_schema_series_named(f->s, (uint32_t)d,
                                     xg_schema_id(*def), dev, event);
    else
        idx = xg_schema_series(f->s, (uint32_t)d, xg_schema_id(*def), dev);
    free(dev);
    return idx;
}

/* The tick of time t, or -1 when it is off the grid or the window. */
static int64_t tick_of(const filler *f, double t)
{
    double k = (t - f->w->start) / f->w->step;
    double r = nearbyint(k);

    if (r < 0 || r >= f->n_ticks || fabs(k - r) > 0.01)
        return -1;
    return (int64_t)r;
}

/* v in base units as a stored integer; false when it cannot be one. */
static bool to_stored(double v, double scale, uint64_t *out)
{
    double x = v / scale;

    if (!isfinite(x) || x < 0 || x >= 18446744073709549568.0)
        return false;
    *out = (uint64_t)nearbyint(x);
    return *out != XG_NOVALUE;
}

/* A counter's raw value as stored: from a fall on, every value is raised
 * by the value before the fall (as rate() reads a reset). */
static uint64_t join_reset(fseries *e, uint64_t raw, size_t *resets)
{
    if (e->prev != XG_NOVALUE && raw < e->prev) {
        e->offset += e->prev;
        (*resets)++;
    }
    e->prev = raw;
    return raw + e->offset < raw || raw + e->offset == XG_NOVALUE
               ? XG_NOVALUE - 1 : raw + e->offset;
}

static int add_series(filler *f, const xg_pm_series *x)
{
    const xg_series_def *def;
    double scale;
    int64_t idx = series_of(f, x, &def);
    fseries *e;

    if (idx == -2)
        return 0;
    if (idx < 0 || !(e = fseries_of(f, idx, def->kind == XG_COUNTER)))
        return -1;
    xg_om_unit(def, &scale);
    for (size_t i = 0; i < x->n_pts; i++) {
        int64_t k = tick_of(f, x->pts[i].t);
        const xg_series *ss = &f->s->series[idx];
        uint64_t u;
        /* off the grid, a tick already filled or before the series' first
         * (two Prometheus series on one store series), not a number */
        if (k < 0 || (ss->n && k < ss->first_tick) ||
            xg_store_get(f->s, (uint32_t)idx, (uint32_t)k) != XG_NOVALUE ||
            !to_stored(x->pts[i].v, scale, &u)) {
            f->st->skipped++;
            continue;
        }
        if (e->counter)
            u = join_reset(e, u, &f->st->resets);
        if (xg_store_put_at(f->s, (uint32_t)idx, (uint32_t)k, u) < 0)
            return -1;
        f->st->points++;
    }
    return 0;
}

/* The ticks of the window, made before any value. */
static int make_ticks(filler *f)
{
    for (uint32_t k = 0; k < f->n_ticks; k++) {
        double at = k * f->w->step;
        int64_t wall = llround((f->w->start + at) * 1e9);
        if (xg_store_tick(f->s, f->w->mono_from_wall
                                    ? wall + f->w->mono_minus_wall_ns
                                    : llround(at * 1e9), wall) < 0)
            return -1;
    }
    return 0;
}

/* Each domain's vCPUs: the highest vcpuN of its CPU series, plus 1. */
static void count_vcpus(xg_store *s)
{
    for (size_t i = 0; i < s->n_series; i++) {
        const xg_series *x = &s->series[i];
        if (strcmp(x->family, "cpu") == 0 &&
            strncmp(x->device, "vcpu", 4) == 0) {
            int n = atoi(x->device + 4) + 1;
            if (n > s->domains[x->domain].vcpus)
                s->domains[x->domain].vcpus = n;
        }
    }
}

static void meta_num(xg_store *s, const char *k, double v)
{
    char b[64];

    snprintf(b, sizeof(b), "%.3f", v);
    xg_store_meta_set(s, k, b);
}

static void meta_i64(xg_store *s, const char *k, int64_t v)
{
    char b[32];

    snprintf(b, sizeof(b), "%lld", (long long)v);
    xg_store_meta_set(s, k, b);
}

/* meta families: the report's sections the series fill (hostdisk is the
 * disk section's). */
static void families(xg_store *s)
{
    static const char *const fam[] = {"cpu", "disk", "net", "cache", "cmt",
                                      "sched"};
    xg_sb sb = XG_SB_INIT;

    for (size_t f = 0; f < sizeof(fam) / sizeof(fam[0]); f++)
        for (size_t i = 0; i < s->n_series; i++) {
            const char *x = s->series[i].family;
            if (strcmp(x, fam[f]) == 0 ||
                (f == 1 && strcmp(x, "hostdisk") == 0)) {
                xg_sb_printf(&sb, "%s%s", sb.len ? "," : "", fam[f]);
                break;
            }
        }
    xg_store_meta_set(s, "families", xg_sb_str(&sb));
    xg_sb_free(&sb);
}

static void fill_meta(xg_store *s, const xg_fleet_window *w)
{
    char host[256] = "";

    gethostname(host, sizeof(host) - 1);
    xg_store_meta_set(s, "hostname", host);
    xg_store_meta_set(s, "tool_version", XG_VERSION);
    xg_store_meta_set(s, "platform", "prometheus");
    xg_store_meta_set(s, "source", "prometheus");
    xg_store_meta_set(s, "source_url", w->url);
    xg_store_meta_set(s, "source_query", w->query);
    meta_num(s, "source_start_s", w->start);
    meta_num(s, "source_end_s", w->end);
    meta_num(s, "source_step_s", w->step);
    meta_num(s, "interval_s", w->step);
    meta_num(s, "duration_s", w->end - w->start);
    xg_store_meta_set(s, "partial", "0");
    xg_store_meta_set(s, "command", "[]");
    if (s->n_ticks) {
        meta_i64(s, "window_start_mono_ns", s->tick_mono_ns[0]);
        meta_i64(s, "window_end_mono_ns", s->tick_mono_ns[s->n_ticks - 1]);
        meta_i64(s, "window_start_wall_ns", s->tick_wall_ns[0]);
        meta_i64(s, "window_end_wall_ns", s->tick_wall_ns[s->n_ticks - 1]);
    }
    families(s);
}

/* Starts f: the store initialised, the window checked. */
static int fill_begin(filler *f, const xg_fleet_window *w, xg_store *out,
                      xg_fleet_stats *st, char *err, size_t errlen)
{
    *f = (filler){.w = w, .s = out, .st = st, .n_ticks = xg_fleet_ticks(w)};
    xg_store_init(out, f->n_ticks == UINT32_MAX ? 0 : f->n_ticks);
    if (!(w->step > 0) || f->n_ticks == 0 || f->n_ticks == UINT32_MAX) {
        snprintf(err, errlen, "the window %.3f .. %.3f at a step of %g s "
                 "is %s ticks", w->start, w->end, w->step,
                 f->n_ticks ? "more than 1000000" : "no");
        return -1;
    }
    if (make_ticks(f) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* The series of one answer (of one query; several queries may fill the
 * same series at other ticks). */
static int fill_add(filler *f, const xg_pm_result *r, char *err,
                    size_t errlen)
{
    for (size_t i = 0; i < r->n; i++)
        if (add_series(f, &r->v[i]) < 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    return 0;
}

/* The ticks and values into the store, the meta; f freed. */
static int fill_end(filler *f, int rc, char *err, size_t errlen)
{
    for (size_t i = 0; i < f->cap_fs; i++)
        f->st->series += f->fs[i].used;
    free(f->fs);
    if (rc == 0 && f->st->unknown.oom)
        rc = -1, snprintf(err, errlen, "out of memory");
    if (rc == 0) {
        count_vcpus(f->s);
        fill_meta(f->s, f->w);
        meta_i64(f->s, "source_counter_resets", (int64_t)f->st->resets);
        if (f->st->unknown.len)
            xg_store_meta_set(f->s, "source_left_out",
                              xg_sb_str(&f->st->unknown));
    }
    return rc;
}

int xg_fleet_store(const xg_pm_result *r, const xg_fleet_window *w,
                   xg_store *out, xg_fleet_stats *st, char *err,
                   size_t errlen)
{
    xg_fleet_stats local = {0};
    filler f;
    int rc = fill_begin(&f, w, out, st ? st : &local, err, errlen);

    if (rc == 0)
        rc = fill_add(&f, r, err, errlen);
    rc = fill_end(&f, rc, err, errlen);
    xg_fleet_stats_free(&local);
    return rc;
}

int xg_fleet_fetch(const xg_fleet_window *w, xg_store *out,
                   xg_fleet_stats *st, char *err, size_t errlen)
{
    xg_fleet_stats local = {0};
    filler f;
    int rc = fill_begin(&f, w, out, st ? st : &local, err, errlen);

    /* at most XG_PM_MAX_STEPS ticks a query, each chunk on the grid */
    for (uint32_t k = 0; rc == 0 && k < f.n_ticks; k += XG_PM_MAX_STEPS) {
        uint32_t last = f.n_ticks - k > XG_PM_MAX_STEPS
                            ? k + XG_PM_MAX_STEPS - 1 : f.n_ticks - 1;
        xg_pm_result r;
        rc = xg_pm_query_range(w->url, w->query, w->start + k * w->step,
                               w->start + last * w->step, w->step, &r, err,
                               errlen);
        if (rc == 0)
            rc = fill_add(&f, &r, err, errlen);
        xg_pm_result_free(&r);
    }
    rc = fill_end(&f, rc, err, errlen);
    xg_fleet_stats_free(&local);
    return rc;
}

int xg_fleet_import(const xg_fleet_window *w, const char *cmdline,
                    const char *path, bool force, xg_fleet_stats *st,
                    char *err, size_t errlen)
{
    xg_store s;
    int rc = xg_fleet_fetch(w, &s, st, err, errlen);

    if (rc == 0) {
        xg_store_meta_set(&s, "cmdline", cmdline ? cmdline : "");
        rc = xg_recording_write(&s, path, force, err, errlen);
    }
    xg_store_free(&s);
    return rc;
}

/* "Z" or +HH:MM / -HH:MM: the offset east of UTC in seconds; -1 when p
 * is neither (the whole rest). */
static long zone(const char *p, long *off)
{
    int h, m, n = 0;

    if ((p[0] == 'Z' || p[0] == 'z') && !p[1]) {
        *off = 0;
        return 0;
    }
    if ((p[0] != '+' && p[0] != '-') ||
        sscanf(p + 1, "%2d:%2d%n", &h, &m, &n) != 2 || n != 5 || p[6] ||
        h > 23 || m > 59)
        return -1;
    *off = (p[0] == '-' ? -1 : 1) * (h * 3600L + m * 60L);
    return 0;
}

int xg_fleet_parse_time(const char *s, double *out)
{
    struct tm tm = {0};
    const char *p;
    char *end;
    double frac = 0;
    long off;

    if (!*s)
        return -1;
    if (strspn(s, "0123456789.") == strlen(s)) {
        *out = strtod(s, &end);
        return *end || !isfinite(*out) ? -1 : 0;
    }
    p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!p)
        p = strptime(s, "%Y-%m-%d %H:%M:%S", &tm);
    if (!p)
        return -1;
    if (*p == '.') {
        frac = strtod(p, &end);
        p = end;
    }
    if (zone(p, &off) < 0)
        return -1;
    *out = (double)timegm(&tm) - (double)off + frac;
    return 0;
}

/* One metric name of the tool's that query's series have at t (the CPU
 * usage when there), malloc'd; NULL + err ("" when none). */
static char *one_name(const char *url, const char *query, double t,
                      char *err, size_t errlen)
{
    char *q = xg_strfmt("group by (__name__) (%s)", query), *name = NULL;
    xg_pm_result r;

    err[0] = '\0';
    if (!q || xg_pm_query(url, q, t, &r, err, errlen) < 0) {
        free(q);
        return NULL;
    }
    free(q);
    for (size_t i = 0; i < r.n; i++)
        if (!name || strstr(r.v[i].metric, "_cpu_usage_"))
            name = r.v[i].metric;
    name = name ? strdup(name) : NULL;
    xg_pm_result_free(&r);
    return name;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* The median gap between consecutive samples of the series of r; 0 when
 * none has two. -1 on ENOMEM. */
static double median_gap(const xg_pm_result *r)
{
    size_t n = 0, k = 0;
    double *gap, m;

    for (size_t i = 0; i < r->n; i++)
        n += r->v[i].n_pts > 1 ? r->v[i].n_pts - 1 : 0;
    if (!n)
        return 0;
    if (!(gap = malloc(n * sizeof(*gap))))
        return -1;
    for (size_t i = 0; i < r->n; i++)
        for (size_t p = 1; p < r->v[i].n_pts; p++)
            gap[k++] = r->v[i].pts[p].t - r->v[i].pts[p - 1].t;
    qsort(gap, n, sizeof(*gap), cmp_double);
    m = gap[n / 2];
    free(gap);
    return m;
}

double xg_fleet_guess_step(const char *url, const char *match, double start,
                           double end, char *err, size_t errlen)
{
    double w = end - start > 60 ? 60 : end - start, g;
    char *q = xg_fleet_query(match), *name, *q2;
    xg_pm_result r;

    if (!q) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    name = w >= 1 ? one_name(url, q, end, err, errlen) : NULL;
    free(q);
    if (!name)
        return err[0] ? -1 : 0;
    /* the raw samples of one metric's series: their timestamps' gaps */
    q2 = xg_strfmt("{__name__=\"%s\"%s%s}[%.0fs]", name,
                   match && *match ? "," : "", match ? match : "", w);
    free(name);
    if (!q2 || xg_pm_query(url, q2, end, &r, err, errlen) < 0) {
        if (!q2)
            snprintf(err, errlen, "out of memory");
        free(q2);
        return -1;
    }
    free(q2);
    g = median_gap(&r);
    xg_pm_result_free(&r);
    if (g < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (!(g > 0) || !isfinite(g))
        return 0;
    return g >= 1 ? nearbyint(g) : fmax(nearbyint(g * 100) / 100, 0.01);
}

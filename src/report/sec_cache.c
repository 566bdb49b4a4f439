/* sec_cache.c — CACHE section: per domain (or per mode, when the recording
 * has the --nosumcache breakdown) LLC references, misses, hits and miss %,
 * or one column per --cache-events event, and the share of the time the
 * counters were running when the kernel multiplexed them. The columns
 * depend on what the recording counted, so they are made per model. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/calc.h"
#include "report/section.h"
#include "util/strbuf.h"

#define MAXEV 12             /* event columns */
#define MAXV (MAXEV + 4 + 1) /* + hits, miss %, running % */

static const char *const modes[] = {"", "user", "kernel", "hv"};
#define NMODES 4

/* What the recording counted: the LLC pair and/or other events. */
typedef struct cache_cols {
    bool llc;                /* "references" and "misses" */
    const char *ev[MAXEV];   /* other events, in series order */
    bool ns[MAXEV];          /* counted in ns (shown in s) */
    size_t nev;
    bool any;                /* the section has series at all */
    bool split;              /* a mode other than the sum is present */
} cache_cols;

/* The table's state, one allocation (its `owned`): the columns, then per
 * row the series of its figures (the LLC pair, the events, time_enabled,
 * time_running; -1 for none), then the labels of the events in ns. */
typedef struct cache_state {
    cache_cols c;
    xg_col cols[MAXV];
    size_t n_cols;
    size_t n_idx;            /* series per row */
    int64_t idx[];           /* rows x n_idx */
} cache_state;

/* The family's events are named at run time (--cache-events, from the
 * recording): the one place the report finds series by a metric string,
 * through the schema's dynamic row. */
#define CACHE_FAMILY (xg_schema[XG_S_CACHE_EVENT].family)

static bool is_metric(const char *m, xg_sid id)
{
    return strcmp(m, xg_schema[id].metric) == 0;
}

static bool is_time(const char *m)
{
    return is_metric(m, XG_S_CACHE_TIME_ENABLED) ||
           is_metric(m, XG_S_CACHE_TIME_RUNNING);
}

static bool is_llc(const char *m)
{
    return is_metric(m, XG_S_CACHE_REFERENCES) ||
           is_metric(m, XG_S_CACHE_MISSES);
}

static void find_cols(const xg_store *s, cache_cols *c)
{
    bool refs = false, miss = false;

    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < s->n_series; i++) {
        const xg_series *x = &s->series[i];
        bool seen = false;
        if (!xg_calc_of_family(x, XG_S_CACHE_EVENT) || !x->metric)
            continue;
        c->any = true;
        c->split |= x->device && *x->device;
        if (is_time(x->metric))
            continue;
        refs |= is_metric(x->metric, XG_S_CACHE_REFERENCES);
        miss |= is_metric(x->metric, XG_S_CACHE_MISSES);
        for (size_t j = 0; j < c->nev && !seen; j++)
            seen = strcmp(c->ev[j], x->metric) == 0;
        if (!seen && c->nev < MAXEV) {
            c->ns[c->nev] = x->unit && strcmp(x->unit, "ns") == 0;
            c->ev[c->nev++] = x->metric;
        }
    }
    c->llc = refs && miss;
    for (size_t j = 0; c->llc && j < c->nev;) /* shown as the LLC columns */
        if (is_llc(c->ev[j])) {
            memmove(&c->ev[j], &c->ev[j + 1], (c->nev - j - 1) * sizeof(c->ev[0]));
            memmove(&c->ns[j], &c->ns[j + 1], (c->nev - j - 1) * sizeof(c->ns[0]));
            c->nev--;
        } else {
            j++;
        }
}

/* Whether the domain has counts in mode m (its time_enabled series). */
static bool has_mode(const xg_store *s, uint32_t dom, const char *m)
{
    return xg_calc_series_of(s, dom, XG_S_CACHE_TIME_ENABLED, m) >= 0;
}

/* The rows: each domain's modes, or one row for a domain that has none. */
static size_t count_rows(const xg_store *s)
{
    size_t pos = 0, n = 0;
    uint32_t dom;
    while (xg_dom_next(s, &pos, &dom)) {
        size_t k = 0;
        for (size_t m = 0; m < NMODES; m++)
            k += has_mode(s, dom, modes[m]);
        n += k ? k : 1;
    }
    return n;
}

/* The series' delta over scope k (NaN: not measured). */
static double delta(const xg_store *s, int64_t i, uint32_t k)
{
    double secs;
    return xg_calc_delta_idx(s, i, k, &secs);
}

static void cache_fill(const xg_mtable *t, const xg_row *row, uint32_t k,
                       double *v, double *a, double *b)
{
    const cache_state *st = t->owned;
    const cache_cols *c = &st->c;
    const int64_t *ix = row->priv;
    size_t n = 0, j = 0;

    xg_scope_times(t->s, row->dom, k, a, b);
    for (size_t i = 0; i < st->n_cols; i++)
        v[i] = NAN;
    if (!ix)
        return; /* a domain without counters */
    if (c->llc) {
        double r = delta(t->s, ix[j++], k), x = delta(t->s, ix[j++], k);
        v[n++] = r;
        v[n++] = x;
        v[n++] = r >= x ? r - x : r < x ? 0 : NAN;
        v[n++] = xg_calc_ratio(x, r) * 100;
    }
    for (size_t e = 0; e < c->nev; e++) {
        double d = delta(t->s, ix[j++], k);
        v[n++] = c->ns[e] ? d / 1e9 : d;
    }
    double en = delta(t->s, ix[j], k), run = delta(t->s, ix[j + 1], k);
    v[n] = xg_calc_ratio(run, en) * 100;
}

/* The columns: the LLC pair's four, one per event, running %; labels of
 * the events in ns ("task-clock s") are written at lab. */
static void make_cols(cache_state *st, char *lab)
{
    static const xg_col llc[4] = {
        {"references", "events", "references", 0, XG_COL_PLOT},
        {"misses", "events", "misses", 0, XG_COL_PLOT},
        {"hits", "events", "hits", 0, 0},
        {"miss_pct", "%", "miss %", 2, XG_COL_PLOT},
    };
    const cache_cols *c = &st->c;
    size_t n = 0;
    if (c->llc)
        for (; n < 4; n++)
            st->cols[n] = llc[n];
    for (size_t j = 0; j < c->nev; j++) {
        const char *label = c->ev[j];
        if (c->ns[j]) {
            size_t len = strlen(c->ev[j]);
            memcpy(lab, c->ev[j], len);
            memcpy(lab + len, " s", 3);
            label = lab;
            lab += len + 3;
        }
        st->cols[n++] = (xg_col){c->ev[j], c->ns[j] ? "s" : "events", label,
                                 c->ns[j] ? 3 : 0, XG_COL_PLOT};
    }
    /* tables show it only when some row's counters were multiplexed */
    st->cols[n++] = (xg_col){"running_pct", "%", NULL, 2, 0};
    st->n_cols = n;
}

/* The state for rows rows of the columns c; NULL on ENOMEM. */
static cache_state *new_state(const cache_cols *c, size_t rows)
{
    size_t n_idx = (c->llc ? 2 : 0) + c->nev + 2, lab = 0;
    for (size_t j = 0; j < c->nev; j++)
        if (c->ns[j])
            lab += strlen(c->ev[j]) + 3;
    cache_state *st = calloc(1, sizeof(*st) + rows * n_idx * sizeof(int64_t) + lab);
    if (!st)
        return NULL;
    st->c = *c;
    st->n_idx = n_idx;
    make_cols(st, (char *)&st->idx[rows * n_idx]);
    return st;
}

/* The series of domain dom in mode m into ix, in cache_fill's order. */
static void find_idx(const xg_store *s, const cache_cols *c, uint32_t dom,
                     const char *m, int64_t *ix)
{
    size_t j = 0;
    if (c->llc) {
        ix[j++] = xg_calc_series_of(s, dom, XG_S_CACHE_REFERENCES, m);
        ix[j++] = xg_calc_series_of(s, dom, XG_S_CACHE_MISSES, m);
    }
    for (size_t e = 0; e < c->nev; e++)
        ix[j++] = xg_store_find_series(s, dom, CACHE_FAMILY, m, c->ev[e]);
    ix[j++] = xg_calc_series_of(s, dom, XG_S_CACHE_TIME_ENABLED, m);
    ix[j] = xg_calc_series_of(s, dom, XG_S_CACHE_TIME_RUNNING, m);
}

/* One row per mode the domain has ("all" for the sum when modes are
 * shown), or one row of "-" for a domain without counters. */
static int add_rows(xg_mtable *t, cache_state *st, const xg_store *s)
{
    size_t pos = 0, r = 0;
    uint32_t dom;
    int rc = 0;

    while (!rc && xg_dom_next(s, &pos, &dom)) {
        bool any = false;
        for (size_t m = 0; m < NMODES && !rc; m++) {
            if (!has_mode(s, dom, modes[m]))
                continue;
            int64_t *ix = &st->idx[r++ * st->n_idx];
            find_idx(s, &st->c, dom, modes[m], ix);
            any = true;
            rc = xg_mtable_row(t, dom, modes[m], NULL, 0, ix);
            if (!rc && !*modes[m])
                t->rows[t->n_rows - 1].shown = "all";
        }
        if (!any && !rc) {
            rc = xg_mtable_row(t, dom, "", NULL, 0, NULL);
            if (!rc)
                t->rows[t->n_rows - 1].shown = "-";
        }
    }
    return rc;
}

/* Tables show running % when some row's counters ran less than all the
 * time (as shown: below 99.995). */
static void running_label(xg_mtable *t, cache_state *st)
{
    size_t c = st->n_cols - 1;
    for (size_t r = 0; r < t->n_rows; r++) {
        double v = xg_mtable_win(t, r, c);
        if (t->rows[r].priv && isfinite(v) && v < 99.995)
            st->cols[c].label = "running %";
    }
}

/* The clock events' names (task-clock, cpu-clock: counted in ns) as
 * "a and b" into sb; returns how many there are. */
static int clock_names(const cache_cols *c, xg_sb *sb)
{
    int n = 0;
    for (size_t j = 0; j < c->nev; j++)
        if (c->ns[j])
            xg_sb_printf(sb, "%s%s", n++ ? " and " : "", c->ev[j]);
    return n;
}

/* Whether the host row has a clock event measured over the window. */
static bool host_clock(const xg_store *s, const cache_cols *c, int64_t h)
{
    for (size_t m = 0; h >= 0 && m < NMODES; m++)
        for (size_t j = 0; j < c->nev; j++)
            if (c->ns[j] &&
                isfinite(delta(s, xg_store_find_series(s, (uint32_t)h,
                                                       CACHE_FAMILY, modes[m],
                                                       c->ev[j]), 0)))
                return true;
    return false;
}

/* The lines the clock events need: the host's are counted on each of its
 * CPUs for the whole window, idle included, not the host's use; and the
 * kernel cannot split them by mode, so each mode row holds the total. */
static int clock_notes(xg_msection *ms, const xg_store *s, const cache_cols *c)
{
    int64_t h = xg_dom_host(s);
    xg_sb sb = XG_SB_INIT;
    int rc = 0;
    if (host_clock(s, c, h)) {
        /* a fleet: every host's row (the first one found is no more
         * "the" host than the others) */
        int cpus = s->multi_host ? 0 : s->domains[h].vcpus;
        if (s->multi_host)
            xg_sb_printf(&sb, "note: the host rows' ");
        else
            xg_sb_printf(&sb, "note: %s ", xg_store_dom_label(s, (uint32_t)h));
        clock_names(c, &sb);
        xg_sb_printf(&sb, ": every CPU's whole time, idle included");
        if (cpus > 0)
            xg_sb_printf(&sb, " (%d CPUs x %.3f s)", cpus, xg_calc_window_s(s));
        xg_sb_printf(&sb, ", not what it used (that is under CPU)");
        rc = sb.oom ? -1 : xg_msection_line(ms, "%s", xg_sb_str(&sb));
    }
    xg_sb_clear(&sb);
    if (!rc && c->split && clock_names(c, &sb))
        rc = sb.oom ? -1 : xg_msection_line(ms, "note: %s: the kernel cannot split "
                  "them by mode; each mode row shows the time in all modes",
                  xg_sb_str(&sb));
    xg_sb_free(&sb);
    return rc;
}

/* The table: its columns, rows and window; NULL on ENOMEM. */
static xg_mtable *cache_table(xg_msection *ms, const xg_store *s,
                              const cache_cols *c, const char *title)
{
    size_t rows = count_rows(s);
    cache_state *st = new_state(c, rows);
    xg_mtable *t = st ? xg_msection_table(ms, s, "cache", "", title, st->cols,
                                          st->n_cols, cache_fill)
                      : NULL;
    if (!t) {
        free(st);
        return NULL;
    }
    t->owned = st;
    t->device_label = c->split ? "mode" : NULL;
    t->flags = XG_TAB_KEEP_EMPTY | XG_TAB_DEVICE_IF_SET;
    if (add_rows(t, st, s) < 0 || xg_model_fill_window(t) < 0)
        return NULL;
    running_label(t, st);
    return t;
}

static int cache_build(xg_msection *ms, const xg_store *s, const xg_report_opts *o)
{
    const char *ev = xg_store_meta_get(s, "cache_events");
    char *title = xg_strfmt("CACHE%s%s%s", ev && *ev ? " (" : "",
                            ev && *ev ? ev : "", ev && *ev ? ")" : "");
    cache_cols c;
    int rc = title ? 0 : -1;

    (void)o;
    find_cols(s, &c);
    rc = rc ? rc : ev ? xg_msection_fact_str(ms, "events", ev)
                      : xg_msection_fact_num(ms, "events", NAN);
    if (!rc && !c.any) {
        /* the title alone (the note says why), empty arrays in JSON */
        rc = xg_msection_line(ms, "%s", "");
        rc = rc ? rc : xg_msection_line(ms, "%s", title);
        rc = rc ? rc : xg_msection_table(ms, s, "cache", "", NULL, NULL, 0,
                                         cache_fill) ? 0 : -1;
    } else if (!rc) {
        rc = cache_table(ms, s, &c, title) ? clock_notes(ms, s, &c) : -1;
    }
    free(title);
    return rc;
}

const xg_section xg_section_cache = {"cache", "cache", cache_build};

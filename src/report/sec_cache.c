/* sec_cache.c — CACHE section: per domain (or per mode, when the recording
 * has the --nosumcache breakdown) LLC references, misses, hits and miss %,
 * or one column per --cache-events event, and the share of the time the
 * counters were running when the kernel multiplexed them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/calc.h"
#include "report/section.h"
#include "util/strbuf.h"
#include "util/table.h"

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

static bool is_time(const char *m)
{
    return strcmp(m, "time_enabled") == 0 || strcmp(m, "time_running") == 0;
}

static void find_cols(const xg_store *s, cache_cols *c)
{
    bool refs = false, miss = false;

    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < s->n_series; i++) {
        const xg_series *x = &s->series[i];
        bool seen = false;
        if (!x->family || strcmp(x->family, "cache") != 0 || !x->metric)
            continue;
        c->any = true;
        c->split |= x->device && *x->device;
        if (is_time(x->metric))
            continue;
        refs |= strcmp(x->metric, "references") == 0;
        miss |= strcmp(x->metric, "misses") == 0;
        for (size_t j = 0; j < c->nev && !seen; j++)
            seen = strcmp(c->ev[j], x->metric) == 0;
        if (!seen && c->nev < MAXEV) {
            c->ns[c->nev] = x->unit && strcmp(x->unit, "ns") == 0;
            c->ev[c->nev++] = x->metric;
        }
    }
    c->llc = refs && miss;
    for (size_t j = 0; c->llc && j < c->nev;) /* shown as the LLC columns */
        if (strcmp(c->ev[j], "references") == 0 ||
            strcmp(c->ev[j], "misses") == 0) {
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
    return xg_store_find_series(s, dom, "cache", m, "time_enabled") >= 0;
}

/* The row of domain dom in mode m over scope k into v; returns how many. */
static size_t cache_vals(const xg_store *s, const cache_cols *c, uint32_t dom,
                         const char *m, uint32_t k, xg_mval *v)
{
    double secs, en, run;
    size_t n = 0;

    if (c->llc) {
        double r = xg_calc_delta_at(s, dom, "cache", m, "references", k, &secs);
        double x = xg_calc_delta_at(s, dom, "cache", m, "misses", k, &secs);
        v[n++] = (xg_mval){"references", "events", r};
        v[n++] = (xg_mval){"misses", "events", x};
        v[n++] = (xg_mval){"hits", "events", r >= x ? r - x : r < x ? 0 : NAN};
        v[n++] = (xg_mval){"miss_pct", "%", xg_calc_ratio(x, r) * 100};
    }
    for (size_t j = 0; j < c->nev; j++) {
        double d = xg_calc_delta_at(s, dom, "cache", m, c->ev[j], k, &secs);
        v[n++] = (xg_mval){c->ev[j], c->ns[j] ? "s" : "events",
                           c->ns[j] ? d / 1e9 : d};
    }
    en = xg_calc_delta_at(s, dom, "cache", m, "time_enabled", k, &secs);
    run = xg_calc_delta_at(s, dom, "cache", m, "time_running", k, &secs);
    v[n++] = (xg_mval){"running_pct", "%", xg_calc_ratio(run, en) * 100};
    return n;
}

/* Calls row() for every row: each domain's modes, or one "-" row for a
 * domain that has none. */
typedef int (*row_fn)(void *arg, uint32_t dom, const char *mode);

static int each_row(const xg_store *s, row_fn row, void *arg)
{
    size_t pos = 0;
    uint32_t dom;
    int rc = 0;

    while (!rc && xg_dom_next(s, &pos, &dom)) {
        bool any = false;
        for (size_t m = 0; m < NMODES && !rc; m++)
            if (has_mode(s, dom, modes[m])) {
                any = true;
                rc = row(arg, dom, modes[m]);
            }
        if (!any && !rc)
            rc = row(arg, dom, NULL);
    }
    return rc;
}

typedef struct text_ctx {
    const xg_store *s;
    const cache_cols *c;
    xg_table *t;
    bool running;  /* the running % column is shown */
} text_ctx;

static int scan_running(void *arg, uint32_t dom, const char *m)
{
    text_ctx *x = arg;
    xg_mval v[MAXV];
    size_t n;

    if (!m)
        return 0;
    n = cache_vals(x->s, x->c, dom, m, 0, v);
    if (isfinite(v[n - 1].value) && v[n - 1].value < 99.995)
        x->running = true;
    return 0;
}

static int text_row(void *arg, uint32_t dom, const char *m)
{
    text_ctx *x = arg;
    xg_mval v[MAXV];
    char cell[MAXV][32];
    const char *row[MAXV + 2];
    size_t n = cache_vals(x->s, x->c, dom, m ? m : "", 0, v), w = 0;

    row[w++] = x->s->domains[dom].name;
    if (x->c->split)
        row[w++] = m ? (*m ? m : "all") : NULL;
    for (size_t i = 0; i < n; i++) {
        bool pct = strcmp(v[i].unit, "%") == 0;
        if (i == n - 1 && !x->running)
            break;
        row[w++] = m ? xg_fmt_num(cell[i], sizeof(cell[i]), v[i].value,
                                  pct ? 2 : strcmp(v[i].unit, "s") == 0 ? 3
                                                                       : 0)
                     : NULL;
    }
    return xg_table_add(x->t, row);
}

/* Prints the clock events' names (task-clock, cpu-clock: counted in ns)
 * as "a and b" to out (when not NULL); returns how many there are. */
static int clock_names(const cache_cols *c, FILE *out)
{
    int n = 0;
    for (size_t j = 0; j < c->nev; j++)
        if (c->ns[j] && out)
            fprintf(out, "%s%s", n++ ? " and " : "", c->ev[j]);
        else if (c->ns[j])
            n++;
    return n;
}

/* Whether the host row has a clock event measured over the window. */
static bool host_clock(const xg_store *s, const cache_cols *c, int64_t h)
{
    double secs;
    for (size_t m = 0; h >= 0 && m < NMODES; m++)
        for (size_t j = 0; j < c->nev; j++)
            if (c->ns[j] && isfinite(xg_calc_delta_at(s, (uint32_t)h, "cache",
                                                      modes[m], c->ev[j], 0,
                                                      &secs)))
                return true;
    return false;
}

/* The lines the clock events need: the host's are counted on each of its
 * CPUs for the whole window, idle included, not the host's use; and the
 * kernel cannot split them by mode, so each mode row holds the total. */
static void clock_notes(const xg_store *s, const cache_cols *c, FILE *out)
{
    int64_t h = xg_dom_host(s);
    if (host_clock(s, c, h)) {
        int cpus = s->domains[h].vcpus;
        fprintf(out, "note: %s ", s->domains[h].name);
        clock_names(c, out);
        fputs(": every CPU's whole time, idle included", out);
        if (cpus > 0)
            fprintf(out, " (%d CPUs x %.3f s)", cpus, xg_calc_window_s(s));
        fputs(", not what it used (that is under CPU)\n", out);
    }
    if (c->split && clock_names(c, NULL)) {
        fputs("note: ", out);
        clock_names(c, out);
        fputs(": the kernel cannot split them by mode; each mode row shows "
              "the time in all modes\n", out);
    }
}

static void cache_text(const xg_store *s, const xg_report_opts *o, FILE *out)
{
    const char *hdr[MAXV + 2], *ev = xg_store_meta_get(s, "cache_events");
    char *names[MAXEV] = {NULL};
    char align[MAXV + 3];
    cache_cols c;
    text_ctx x = {s, &c, NULL, false};
    size_t n = 0;

    (void)o;
    find_cols(s, &c);
    fprintf(out, "\nCACHE%s%s%s\n", ev && *ev ? " (" : "", ev && *ev ? ev : "",
            ev && *ev ? ")" : "");
    if (!c.any)
        return;
    each_row(s, scan_running, &x);
    hdr[n++] = "domain";
    if (c.split)
        hdr[n++] = "mode";
    if (c.llc) {
        hdr[n++] = "references";
        hdr[n++] = "misses";
        hdr[n++] = "hits";
        hdr[n++] = "miss %";
    }
    for (size_t j = 0; j < c.nev; j++) {
        if (!(names[j] = xg_strfmt("%s%s", c.ev[j], c.ns[j] ? " s" : "")))
            goto out; /* out of memory: no table rather than a cut one */
        hdr[n++] = names[j];
    }
    if (x.running)
        hdr[n++] = "running %";
    for (size_t i = 0; i < n; i++)
        align[i] = i == 0 || (c.split && i == 1) ? 'l' : 'r';
    align[n] = '\0';
    if (!(x.t = xg_table_new((int)n, hdr, align)))
        goto out;
    each_row(s, text_row, &x);
    xg_table_print(x.t, out);
    xg_table_free(x.t);
    clock_notes(s, &c, out);
out:
    for (size_t j = 0; j < c.nev; j++)
        free(names[j]);
}

typedef struct out_ctx {
    const xg_store *s;
    const cache_cols *c;
    uint32_t k;
    FILE *out;
    json_t *rows;
} out_ctx;

static int csv_row(void *arg, uint32_t dom, const char *m)
{
    out_ctx *x = arg;
    xg_mval v[MAXV];
    double a, b;
    size_t n;

    if (!m)
        return 0; /* nothing measured: no rows */
    n = cache_vals(x->s, x->c, dom, m, x->k, v);
    xg_scope_times(x->s, dom, x->k, &a, &b);
    xg_csv_rows(x->out, x->k, "cache", x->s->domains[dom].name, m, a, b, v, n);
    return 0;
}

static void cache_csv(const xg_store *s, const xg_report_opts *o, uint32_t k,
                      FILE *out)
{
    cache_cols c;
    out_ctx x = {s, &c, k, out, NULL};

    (void)o;
    find_cols(s, &c);
    if (c.any)
        each_row(s, csv_row, &x);
}

static int json_row(void *arg, uint32_t dom, const char *m)
{
    out_ctx *x = arg;
    xg_mval v[MAXV];
    double a, b;
    size_t n = cache_vals(x->s, x->c, dom, m ? m : "", x->k, v);

    if (!m)
        for (size_t i = 0; i < n; i++)
            v[i].value = NAN;
    xg_scope_times(x->s, dom, x->k, &a, &b);
    if (x->k && !xg_mvals_any(v, n))
        return 0;
    return xg_json_push(x->rows, xg_json_row(x->s->domains[dom].name,
                                             m && *m ? m : NULL, a, b, v, n));
}

static int cache_json(const xg_store *s, const xg_report_opts *o,
                      json_t *root)
{
    cache_cols c;
    json_t *w = json_array(), *iv = json_array();
    json_t *sec = json_pack("{s:o,s:o,s:o}", "events",
                            xg_json_str(xg_store_meta_get(s, "cache_events")),
                            "window", w, "intervals", iv);
    out_ctx x = {s, &c, 0, NULL, w};
    int rc;

    (void)o;
    if (!sec || json_object_set_new(root, "cache", sec))
        return -1;
    find_cols(s, &c);
    if (!c.any)
        return 0;
    rc = each_row(s, json_row, &x);
    x.rows = iv;
    for (x.k = 1; x.k < s->n_ticks && !rc; x.k++)
        rc = each_row(s, json_row, &x);
    return rc ? -1 : 0;
}

const xg_section xg_section_cache = {
    "cache", XG_FAM_CACHE, cache_text, cache_csv, cache_json,
};

/* sec_cpu.c — CPU section: per-domain CPU, host busy, unwatched CPU, vCPUs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/calc.h"
#include "report/section.h"
#include "util/strbuf.h"
#include "util/table.h"

enum { C_VCPUS, C_CPU_S, C_CPU_PCT, C_USER, C_SYS, C_WAIT, C_STEAL, C_THR,
       C_BUSY, C_UNW_S, C_UNW_PCT, C_N };
enum { V_CPU_S, V_CPU_PCT, V_WAIT, V_N };

static const xg_col cpu_cols[C_N] = {
    {"vcpus", "", "vcpus", 0, XG_COL_TABLE_ONLY},
    {"cpu_s", "s", "cpu s", 3, 0},
    {"cpu_pct", "%", "cpu %", 2, XG_COL_PLOT},
    {"user_pct", "%", "user %", 2, 0},
    {"sys_pct", "%", "sys %", 2, 0},
    {"wait_pct", "%", "wait %", 2, XG_COL_PLOT},
    {"steal_pct", "%", "steal %", 2, XG_COL_PLOT},
    {"throttled_pct", "%", "thrott %", 2, 0},
    {"busy_pct", "%", NULL, 2, 0},
    {"unwatched_cpu_s", "s", NULL, 3, 0},
    {"unwatched_cpu_pct", "%", NULL, 2, 0},
};

static const xg_col vcpu_cols[V_N] = {
    {"cpu_s", "s", "cpu s", 3, 0},
    {"cpu_pct", "%", "cpu %", 2, XG_COL_PLOT},
    {"wait_pct", "%", "wait %", 2, XG_COL_PLOT},
};

/* A domain row's series, found once (-1: none), and a vCPU row's. */
enum { X_USAGE, X_USER, X_SYSTEM, X_WAIT, X_STEAL, X_THR, X_TOTAL, X_N };
static const xg_sid cpu_ids[X_N] = {
    XG_S_CPU_USAGE, XG_S_CPU_USER, XG_S_CPU_SYSTEM, XG_S_CPU_WAIT,
    XG_S_CPU_STEAL, XG_S_CPU_THROTTLED, XG_S_CPU_TOTAL,
};
enum { Y_USAGE, Y_WAIT, Y_N };
static const xg_sid vcpu_ids[Y_N] = {XG_S_CPU_USAGE, XG_S_CPU_WAIT};

/* The CPU table's state (its `owned`): per row its X_N series, then the
 * usage series of every domain but the host(s), in store order (what the
 * host row's unwatched CPU subtracts). */
typedef struct cpu_state {
    const int64_t *use;
    size_t n_use;
    int64_t ix[];            /* rows x X_N, then the n_use */
} cpu_state;

/* % of one CPU for the ns counter x over scope k. */
static double pct(const xg_store *s, int64_t x, uint32_t k)
{
    double secs, d = xg_calc_delta_idx(s, x, k, &secs);
    return xg_calc_ratio(d, secs * 1e9) * 100;
}

static double cpu_s(const xg_store *s, int64_t x, uint32_t k)
{
    double secs, d = xg_calc_delta_idx(s, x, k, &secs);
    return d / 1e9;
}

/* The host's extra figures: busy share and CPU outside every domain. */
static void host_vals(const xg_store *s, const cpu_state *st,
                      const int64_t *ix, uint32_t k, double *v)
{
    double secs, tsecs;
    double use = xg_calc_delta_idx(s, ix[X_USAGE], k, &secs);
    double total = xg_calc_delta_idx(s, ix[X_TOTAL], k, &tsecs);
    v[C_BUSY] = xg_calc_ratio(use, total) * 100;
    double in_domains = 0;
    /* the domains on this host row's host (a multi-host recording has
     * one host row per host) */
    const char *host = ix[X_USAGE] >= 0
        ? s->domains[s->series[ix[X_USAGE]].domain].host : NULL;
    for (size_t i = 0; i < st->n_use; i++) {
        const char *dh = s->domains[s->series[st->use[i]].domain].host;
        if (host && dh ? strcmp(host, dh) != 0 : host != dh)
            continue;
        double dsecs, d = xg_calc_delta_idx(s, st->use[i], k, &dsecs);
        if (isfinite(d))
            in_domains += d;
    }
    double out = use - in_domains;
    if (out < 0)
        out = 0;
    v[C_UNW_S] = out / 1e9;
    v[C_UNW_PCT] = xg_calc_ratio(out, secs * 1e9) * 100;
}

/* Fills v for the domain row over scope k. */
static void cpu_vals(const xg_mtable *t, const xg_row *row, uint32_t k,
                     double *v)
{
    const xg_store *s = t->s;
    const int64_t *ix = row->priv;
    int n = s->domains[row->dom].vcpus;
    v[C_VCPUS] = n > 0 ? n : NAN;
    v[C_CPU_S] = cpu_s(s, ix[X_USAGE], k);
    v[C_CPU_PCT] = pct(s, ix[X_USAGE], k);
    v[C_USER] = pct(s, ix[X_USER], k);
    v[C_SYS] = pct(s, ix[X_SYSTEM], k);
    v[C_WAIT] = pct(s, ix[X_WAIT], k);
    v[C_STEAL] = pct(s, ix[X_STEAL], k);
    v[C_THR] = pct(s, ix[X_THR], k);
    if (s->domains[row->dom].is_host)
        host_vals(s, t->owned, ix, k, v);
}

static void cpu_fill(const xg_mtable *t, const xg_row *row, uint32_t k,
                     double *v, double *a, double *b)
{
    cpu_vals(t, row, k, v);
    xg_scope_times(t->s, row->dom, k, a, b);
}

static void vcpu_fill(const xg_mtable *t, const xg_row *row, uint32_t k,
                      double *v, double *a, double *b)
{
    const int64_t *ix = row->priv;
    v[V_CPU_S] = cpu_s(t->s, ix[Y_USAGE], k);
    v[V_CPU_PCT] = pct(t->s, ix[Y_USAGE], k);
    v[V_WAIT] = pct(t->s, ix[Y_WAIT], k);
    xg_scope_times(t->s, row->dom, k, a, b);
}

/* The CPU table's state: each row's series, and the domains' usage. 0 or
 * -1 (ENOMEM). */
static int index_cpu(xg_mtable *t)
{
    const xg_store *s = t->s;
    size_t n = t->n_rows * X_N;
    cpu_state *st = malloc(sizeof(*st) + (n + s->n_domains + 1) * sizeof(int64_t));
    if (!st)
        return -1;
    t->owned = st;
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t m = 0; m < X_N; m++)
            st->ix[r * X_N + m] = xg_calc_series_of(s, t->rows[r].dom,
                                                    cpu_ids[m], "");
        t->rows[r].priv = &st->ix[r * X_N];
    }
    int64_t *use = &st->ix[n];
    st->use = use;
    st->n_use = 0;
    for (size_t i = 0; i < s->n_domains; i++) {
        int64_t x = s->domains[i].is_host ? -1
                  : xg_calc_series_of(s, (uint32_t)i, XG_S_CPU_USAGE, "");
        if (x >= 0)
            use[st->n_use++] = x;
    }
    return 0;
}

static int vcpu_cmp(const void *a, const void *b)
{
    unsigned long x = strtoul(*(const char *const *)a + 4, NULL, 10);
    unsigned long y = strtoul(*(const char *const *)b + 4, NULL, 10);
    return (x > y) - (x < y);
}

/* The domain's "vcpuN" devices in number order (malloc'd, borrowed names);
 * *n = 0 and NULL when it has none. */
static const char **vcpus_of(const xg_store *s, uint32_t dom, size_t *n)
{
    const char **list = NULL;
    size_t cap = 0, pos = 0;
    int64_t i;
    *n = 0;
    while ((i = xg_store_next_series(s, dom, xg_schema[XG_S_CPU_USAGE].family,
                                     &pos)) >= 0) {
        const xg_series *x = &s->series[i];
        if (!x->device || strncmp(x->device, "vcpu", 4) != 0)
            continue;
        bool seen = false;
        for (size_t j = 0; j < *n && !seen; j++)
            seen = strcmp(list[j], x->device) == 0;
        if (seen)
            continue;
        if (*n == cap) {
            const char **l = realloc(list, (cap = cap ? 2 * cap : 8) * sizeof(*l));
            if (!l) {
                free(list);
                *n = 0;
                return NULL;
            }
            list = l;
        }
        list[(*n)++] = x->device;
    }
    if (*n > 1)
        qsort(list, *n, sizeof(*list), vcpu_cmp);
    return list;
}

/* v as the table shows it, in hundredths (0 when not measured). */
static long long shown(double v)
{
    return isfinite(v) ? llround(v * 100) : 0;
}

/* Whether user % + sys % of the row, as shown, come out above its cpu %:
 * they are sampled at clock ticks (cpuacct.stat, cpu.stat, /proc/stat),
 * cpu % is counted in ns. */
static bool split_over(const double *v)
{
    if (!isfinite(v[C_CPU_PCT]))
        return false;
    return shown(v[C_USER]) + shown(v[C_SYS]) > shown(v[C_CPU_PCT]);
}

/* Host row r's lines, when it has them; prefixed with its host in a
 * recording of several (each host's row has its own). */
static int host_row_lines(xg_msection *ms, const xg_mtable *t, size_t r)
{
    const xg_store *s = t->s;
    uint32_t h = t->rows[r].dom;
    const char *who = s->multi_host && s->domains[h].host
                          ? s->domains[h].host : NULL;
    double v[C_N];
    char b1[32], b2[32], b3[32];
    uint64_t ncpus;
    for (int i = 0; i < C_N; i++)
        v[i] = NAN;
    cpu_vals(t, &t->rows[r], 0, v);
    if (isnan(v[C_BUSY]))
        return 0;
    /* meta ncpus is the machine that ran the tool: not a fleet's hosts */
    if (who || !xg_calc_meta_u64(s, "ncpus", &ncpus))
        ncpus = s->domains[h].vcpus > 0 ? (uint64_t)s->domains[h].vcpus : 0;
    xg_sb sb = XG_SB_INIT;
    xg_sb_printf(&sb, "%s%shost busy: %s %%", who ? who : "", who ? ": " : "",
                 xg_fmt_num(b1, sizeof(b1), v[C_BUSY], 2));
    if (ncpus)
        xg_sb_printf(&sb, " of %llu CPUs", (unsigned long long)ncpus);
    int rc = sb.oom ? -1 : xg_msection_line(ms, "%s", xg_sb_str(&sb));
    xg_sb_free(&sb);
    return rc ? rc : xg_msection_line(ms, "%s%snot in any watched domain: "
                                      "%s cpu s (%s %%)", who ? who : "",
                                      who ? ": " : "",
                                      xg_fmt_num(b2, sizeof(b2), v[C_UNW_S], 3),
                                      xg_fmt_num(b3, sizeof(b3), v[C_UNW_PCT], 2));
}

/* The host's busy share and CPU outside every domain, as lines: only a
 * host measured as a whole machine (/proc/stat: busy of all CPUs) has
 * them; on Xen the host row is Domain-0, a domain. A recording of a
 * fleet has a host row per host: each its lines. */
static int host_lines(xg_msection *ms, const xg_mtable *t)
{
    int rc = 0;
    for (size_t r = 0; r < t->n_rows && !rc; r++)
        if (t->s->domains[t->rows[r].dom].is_host)
            rc = host_row_lines(ms, t, r);
    return rc;
}

/* One line naming the rows (at most 3, then how many more) whose user % +
 * sys % exceed their cpu %. */
static int split_note(xg_msection *ms, const xg_mtable *t)
{
    xg_sb sb = XG_SB_INIT;
    int n = 0, rc = 0;
    for (size_t r = 0; r < t->n_rows; r++) {
        const double *v = &t->win[r * t->n_cols];
        if (t->rows[r].n_cols <= C_THR || !split_over(v))
            continue;
        if (n < 3)
            xg_sb_printf(&sb, "%s%s", n ? ", " : "",
                         xg_store_dom_label(t->s, t->rows[r].dom));
        n++;
    }
    if (n > 3)
        xg_sb_printf(&sb, " and %d more", n - 3);
    if (n)
        rc = sb.oom ? -1 : xg_msection_line(ms, "note: user %% and sys %% are sampled at "
                  "clock ticks, cpu %% is counted in ns: their sum is above cpu %% for %s",
                  xg_sb_str(&sb));
    xg_sb_free(&sb);
    return rc;
}

/* One vCPU row per "vcpuN" device of each domain, in number order. */
static int vcpu_rows(xg_mtable *vt, const xg_store *s)
{
    size_t pos = 0;
    uint32_t dom;
    int rc = 0;
    while (!rc && xg_dom_next(s, &pos, &dom)) {
        size_t n;
        const char **vc = vcpus_of(s, dom, &n);
        for (size_t i = 0; i < n && !rc; i++) {
            rc = xg_mtable_row(vt, dom, vc[i], NULL, 0, NULL);
            if (!rc)
                vt->rows[vt->n_rows - 1].shown = vc[i] + 4;
        }
        free(vc);
    }
    return rc;
}

static int cpu_build(xg_msection *ms, const xg_store *s, const xg_report_opts *o)
{
    (void)o;
    xg_mtable *t = xg_msection_table(ms, s, "cpu", "", "CPU (100 % = one CPU)",
                                     cpu_cols, C_N, cpu_fill);
    size_t pos = 0;
    uint32_t dom;
    int rc = t ? 0 : -1;
    if (!rc)
        t->flags = XG_TAB_SPAN | XG_TAB_KEEP_EMPTY;
    while (!rc && xg_dom_next(s, &pos, &dom))
        rc = xg_mtable_row(t, dom, "", NULL, s->domains[dom].is_host ? C_N : C_BUSY, NULL);
    rc = rc ? rc : index_cpu(t);
    /* the lines below read the window's values: computed here, once */
    rc = rc ? rc : xg_model_fill_window(t);
    rc = rc ? rc : host_lines(ms, t);
    rc = rc ? rc : split_note(ms, t);
    xg_mtable *vt = rc ? NULL : xg_msection_table(ms, s, "cpu", "vcpu_", "per vCPU",
                                                 vcpu_cols, V_N, vcpu_fill);
    if (!vt)
        return -1;
    vt->device_label = "vcpu";
    vt->flags = XG_TAB_KEEP_EMPTY;
    return vcpu_rows(vt, s) < 0 ? -1 : xg_index_rows(vt, vcpu_ids, Y_N);
}

const xg_section xg_section_cpu = {"cpu", "cpu", cpu_build};

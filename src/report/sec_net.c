/* sec_net.c — NET section: each domain's network interfaces (and, for a
 * domain with several, their sum), always from the domain's point of view
 * (rx = what the domain received): MB/s, packets/s, MB and packets moved,
 * drops and errors. The host row lists its interfaces but lo, leaving out
 * those never used; it has no sum (a bridge and its ports, or a backend and
 * the guest it serves, would count the same bytes twice).
 *
 * Four model tables share one state per row (the row's series indexes):
 * the text table (interfaces, then a domain's "(all)" or "-"), the CSV
 * rows (a domain's sum, then its interfaces), and JSON's net.window /
 * net.intervals (the domains' sums) and net.device_window /
 * net.device_intervals (the interfaces, with their source). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/calc.h"
#include "report/section.h"

#define MB 1048576.0

enum { V_RX_MBS, V_TX_MBS, V_RX_PPS, V_TX_PPS, V_RX_MB, V_TX_MB, V_RX_PKT,
       V_TX_PKT, V_RX_DROP, V_TX_DROP, V_RX_ERR, V_TX_ERR, V_ERR, V_N };

static const xg_col net_cols[V_N] = {
    {"rx_mb_s", "MB/s", "rx MB/s", 2, XG_COL_PLOT},
    {"tx_mb_s", "MB/s", "tx MB/s", 2, XG_COL_PLOT},
    {"rx_pkt_s", "packets/s", "rx pkt/s", 1, XG_COL_PLOT},
    {"tx_pkt_s", "packets/s", "tx pkt/s", 1, XG_COL_PLOT},
    {"rx_mb", "MB", "MB rx", 2, 0},
    {"tx_mb", "MB", "MB tx", 2, 0},
    {"rx_packets", "packets", NULL, 0, 0},
    {"tx_packets", "packets", NULL, 0, 0},
    {"rx_drops", "packets", "rx drop", 0, 0},
    {"tx_drops", "packets", "tx drop", 0, 0},
    {"rx_errors", "packets", NULL, 0, 0},
    {"tx_errors", "packets", NULL, 0, 0},
    {"errors", "packets", "errors", 0, XG_COL_TABLE_ONLY},
};

#define N_CTR 8
static const xg_sid ctr[N_CTR] = {
    XG_S_NET_RX_BYTES, XG_S_NET_TX_BYTES, XG_S_NET_RX_PACKETS,
    XG_S_NET_TX_PACKETS, XG_S_NET_RX_DROPS, XG_S_NET_TX_DROPS,
    XG_S_NET_RX_ERRORS, XG_S_NET_TX_ERRORS,
};

/* A row's state: its series, counter by counter (an interface: the one
 * series of each counter it has; a domain's sum: every "net" series of the
 * domain with that counter). */
typedef struct nrow {
    const uint32_t *idx; /* the section's pool of series indexes */
    uint32_t off[N_CTR + 1]; /* counter c: idx[off[c] .. off[c+1]) */
    bool sum;            /* the domain's sum: window seconds are its span */
    bool none;           /* a domain without interfaces: nothing measured */
} nrow;

/* The section's state, one allocation (owned by the first table). */
typedef struct nstate {
    nrow *rows;
    size_t n_rows, cap_rows;
    uint32_t *pool;
    size_t n_pool, cap_pool;
} nstate;

/* The figures from the deltas of the eight counters (NaN where not
 * measured) and the seconds the bytes and packets cover. */
static void vals(double *v, const double d[N_CTR], double sb, double sp)
{
    v[V_RX_MBS] = xg_calc_ratio(d[0] / MB, sb);
    v[V_TX_MBS] = xg_calc_ratio(d[1] / MB, sb);
    v[V_RX_PPS] = xg_calc_ratio(d[2], sp);
    v[V_TX_PPS] = xg_calc_ratio(d[3], sp);
    v[V_RX_MB] = d[0] / MB;
    v[V_TX_MB] = d[1] / MB;
    for (int i = 2; i < N_CTR; i++)
        v[V_RX_PKT + i - 2] = d[i];
    v[V_ERR] = d[6] + d[7];
}

/* Counter c of the row over the window: the delta (NaN when no series had
 * two present values) and the seconds it covers (the series' own, or the
 * domain's span for a sum). */
static double win_delta(const xg_store *s, const xg_row *row, const nrow *n,
                        int c, double *secs)
{
    uint64_t sum = 0;
    double a, b;
    bool any = false;
    *secs = 0;
    for (uint32_t i = n->off[c]; i < n->off[c + 1]; i++) {
        xg_win w;
        xg_calc_series(s, n->idx[i], &w);
        if (!w.ok)
            continue;
        sum += w.delta;
        if (!n->sum)
            *secs = w.seconds;
        any = true;
    }
    if (any && n->sum && xg_calc_span(s, row->dom, &a, &b))
        *secs = b - a;
    return any ? (double)sum : NAN;
}

/* Counter c of the row over interval k (NaN when no series has both ends). */
static double step_delta(const xg_store *s, const nrow *n, int c, uint32_t k,
                         double *secs)
{
    uint64_t sum = 0, d;
    bool any = false;
    for (uint32_t i = n->off[c]; i < n->off[c + 1]; i++)
        if (xg_calc_step(s, n->idx[i], k, &d)) {
            sum += d;
            any = true;
        }
    *secs = any ? xg_calc_interval_s(s, k) : 0;
    return any ? (double)sum : NAN;
}

static void net_fill(const xg_mtable *t, const xg_row *row, uint32_t k,
                     double *v, double *a, double *b)
{
    const nrow *n = row->priv;
    double d[N_CTR], secs[N_CTR];

    xg_scope_times(t->s, row->dom, k, a, b);
    if (n->none) {
        for (int i = 0; i < V_N; i++)
            v[i] = NAN;
        return;
    }
    for (int c = 0; c < N_CTR; c++)
        d[c] = k ? step_delta(t->s, n, c, k, &secs[c])
                 : win_delta(t->s, row, n, c, &secs[c]);
    vals(v, d, secs[0], secs[2]);
}

static bool is_net(const xg_series *x)
{
    return xg_calc_of_family(x, XG_S_NET_RX_BYTES) && x->device &&
           *x->device;
}

/* Never used over the window: every counter zero at its first sample and
 * unchanged since (a host's idle dummy or ifb device). */
static bool dev_idle(const xg_store *s, uint32_t dom, const char *dev)
{
    for (size_t i = 0; i < s->n_series; i++) {
        const xg_series *x = &s->series[i];
        xg_win w;
        if (x->domain != dom || !is_net(x) || strcmp(x->device, dev) != 0)
            continue;
        xg_calc_series(s, (uint32_t)i, &w);
        if ((w.first != XG_NOVALUE && w.first != 0) || w.delta != 0)
            return false;
    }
    return true;
}

typedef struct ndev { const char *dev, *source; } ndev;

/* The domain's interfaces to show, in store order, with their source
 * (malloc'd, borrowed strings; the host's never-used ones are counted in
 * *idle instead). NULL and *n = 0 when none (or on ENOMEM: *oom). */
static ndev *devs_of(const xg_store *s, uint32_t dom, size_t *n, int *idle,
                     bool *oom)
{
    bool host = s->domains[dom].is_host;
    ndev *v = NULL;

    *n = 0;
    for (size_t i = 0; i < s->n_series; i++) {
        const xg_series *x = &s->series[i];
        bool seen = false;
        if (x->domain != dom || !is_net(x))
            continue;
        for (size_t j = 0; j < i && !seen; j++) {
            const xg_series *y = &s->series[j];
            seen = y->domain == dom && is_net(y) &&
                   strcmp(y->device, x->device) == 0;
        }
        if (seen)
            continue;
        if (host && dev_idle(s, dom, x->device)) {
            (*idle)++;
            continue;
        }
        if (!v && !(v = malloc(s->n_series * sizeof(*v)))) {
            *oom = true;
            return NULL;
        }
        v[(*n)++] = (ndev){x->device, x->source};
    }
    return v;
}

/* Whether series x is one of the row's for counter c: the interface's
 * first one (as xg_store_find_series finds it), or any of the domain's. */
static bool row_has(const xg_store *s, uint32_t dom, const char *dev,
                    size_t x, int c)
{
    const xg_series *y = &s->series[x];
    if (y->domain != dom || !xg_calc_is(y, ctr[c]))
        return false;
    return !dev || (y->device && strcmp(y->device, dev) == 0);
}

/* A new row state: an interface's (dev), or the domain's sum (dev NULL;
 * none: it has no interface). NULL on ENOMEM. */
static const nrow *new_state(nstate *st, const xg_store *s, uint32_t dom,
                             const char *dev, bool none)
{
    if (st->n_rows == st->cap_rows)
        return NULL;
    nrow *n = &st->rows[st->n_rows++];
    memset(n, 0, sizeof(*n));
    n->idx = st->pool;
    n->sum = !dev;
    n->none = none;
    for (int c = 0; c < N_CTR; c++) {
        n->off[c] = (uint32_t)st->n_pool;
        for (size_t x = 0; x < s->n_series && !none; x++) {
            if (!row_has(s, dom, dev, x, c))
                continue;
            if (st->n_pool == st->cap_pool)
                return NULL;
            st->pool[st->n_pool++] = (uint32_t)x;
            if (dev)
                break;
        }
    }
    n->off[N_CTR] = (uint32_t)st->n_pool;
    return n;
}

/* The state's room: a row per domain and per "net" series at most, and
 * each series in at most one interface's row and one sum. */
static nstate *state_new(const xg_store *s)
{
    size_t n_net = 0;
    for (size_t i = 0; i < s->n_series; i++)
        n_net += xg_calc_of_family(&s->series[i], XG_S_NET_RX_BYTES);
    size_t rows = s->n_domains + n_net, pool = 2 * n_net;
    nstate *st = malloc(sizeof(*st) + rows * sizeof(nrow) +
                        (pool ? pool : 1) * sizeof(uint32_t));
    if (!st)
        return NULL;
    st->rows = (nrow *)(st + 1);
    st->n_rows = 0;
    st->cap_rows = rows;
    st->pool = (uint32_t *)(st->rows + rows);
    st->n_pool = 0;
    st->cap_pool = pool;
    return st;
}

enum { T_TEXT, T_CSV, T_SUM, T_DEV, T_N };

/* The domain's rows in the four tables. */
static int dom_rows(xg_mtable **t, nstate *st, const xg_store *s,
                    uint32_t dom, int *idle)
{
    bool oom = false, host = s->domains[dom].is_host;
    size_t n;
    ndev *dv = devs_of(s, dom, &n, idle, &oom);
    const nrow *sum = host ? NULL : new_state(st, s, dom, NULL, n == 0);
    int rc = oom || (!host && !sum) ? -1 : 0;

    if (!rc && sum && n)
        rc = xg_mtable_row(t[T_CSV], dom, "", NULL, 0, sum);
    if (!rc && sum)
        rc = xg_mtable_row(t[T_SUM], dom, "", NULL, 0, sum);
    for (size_t i = 0; i < n && !rc; i++) {
        const nrow *r = new_state(st, s, dom, dv[i].dev, false);
        rc = r ? 0 : -1;
        rc = rc ? rc : xg_mtable_row(t[T_TEXT], dom, dv[i].dev, NULL, 0, r);
        rc = rc ? rc : xg_mtable_row(t[T_CSV], dom, dv[i].dev, NULL, 0, r);
        rc = rc ? rc : xg_mtable_row(t[T_DEV], dom, dv[i].dev, dv[i].source,
                                     0, r);
    }
    if (!rc && sum && n != 1) {
        rc = xg_mtable_row(t[T_TEXT], dom, "", NULL, 0, sum);
        if (!rc)
            t[T_TEXT]->rows[t[T_TEXT]->n_rows - 1].shown = n ? "(all)" : "-";
    }
    free(dv);
    return rc;
}

/* The four tables (the first owns the state st). */
static int net_tables(xg_msection *ms, const xg_store *s, nstate *st,
                      xg_mtable **t)
{
    t[T_TEXT] = xg_msection_table(ms, s, NULL, NULL, "NET (each domain's "
        "view: rx = what it received; MB = 1048576 bytes; host: every "
        "interface but lo)", net_cols, V_N, net_fill);
    if (!t[T_TEXT]) {
        free(st);
        return -1;
    }
    t[T_TEXT]->owned = st;
    t[T_TEXT]->device_label = "device";
    t[T_CSV] = xg_msection_table(ms, s, "net", NULL, NULL, net_cols, V_N,
                                 net_fill);
    t[T_SUM] = t[T_CSV] ? xg_msection_table(ms, s, NULL, "", NULL, net_cols,
                                            V_N, net_fill) : NULL;
    t[T_DEV] = t[T_SUM] ? xg_msection_table(ms, s, NULL, "device_", NULL,
                                            net_cols, V_N, net_fill) : NULL;
    if (!t[T_DEV])
        return -1;
    t[T_SUM]->flags = XG_TAB_KEEP_EMPTY;
    t[T_DEV]->flags = XG_TAB_KEEP_EMPTY | XG_TAB_SOURCE;
    t[T_DEV]->device_label = "device";
    return 0;
}

static int net_build(xg_msection *ms, const xg_store *s, const xg_report_opts *o)
{
    xg_mtable *t[T_N];
    nstate *st = state_new(s);
    size_t pos = 0;
    uint32_t dom;
    int idle = 0;

    (void)o;
    if (!st || net_tables(ms, s, st, t) < 0)
        return -1;
    while (xg_dom_next(s, &pos, &dom))
        if (dom_rows(t, st, s, dom, &idle) < 0)
            return -1;
    if (idle && xg_msection_line(ms, "%d idle host interface%s not shown",
                                 idle, idle == 1 ? "" : "s") < 0)
        return -1;
    return xg_msection_fact_int(ms, NULL, "idle_not_shown", idle);
}

const xg_section xg_section_net = {"net", "net", net_build};

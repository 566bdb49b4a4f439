/* sec_net.c — NET section: each domain's network interfaces (and, for a
 * domain with several, their sum), always from the domain's point of view
 * (rx = what the domain received): MB/s, packets/s, MB and packets moved,
 * drops and errors. The host row lists its interfaces but lo, leaving out
 * those never used; it has no sum (a bridge and its ports, or a backend and
 * the guest it serves, would count the same bytes twice). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/calc.h"
#include "report/section.h"
#include "util/table.h"

#define MB 1048576.0

enum { V_RX_MBS, V_TX_MBS, V_RX_PPS, V_TX_PPS, V_RX_MB, V_TX_MB, V_RX_PKT,
       V_TX_PKT, V_RX_DROP, V_TX_DROP, V_RX_ERR, V_TX_ERR, V_N };

/* The figures over scope k from the deltas of the eight counters (NaN where
 * not measured) and the seconds the bytes and packets cover. */
static void fill(xg_mval *v, const double d[8], double sb, double sp)
{
    v[V_RX_MBS] = (xg_mval){"rx_mb_s", "MB/s", xg_calc_ratio(d[0] / MB, sb)};
    v[V_TX_MBS] = (xg_mval){"tx_mb_s", "MB/s", xg_calc_ratio(d[1] / MB, sb)};
    v[V_RX_PPS] = (xg_mval){"rx_pkt_s", "packets/s", xg_calc_ratio(d[2], sp)};
    v[V_TX_PPS] = (xg_mval){"tx_pkt_s", "packets/s", xg_calc_ratio(d[3], sp)};
    v[V_RX_MB] = (xg_mval){"rx_mb", "MB", d[0] / MB};
    v[V_TX_MB] = (xg_mval){"tx_mb", "MB", d[1] / MB};
    v[V_RX_PKT] = (xg_mval){"rx_packets", "packets", d[2]};
    v[V_TX_PKT] = (xg_mval){"tx_packets", "packets", d[3]};
    v[V_RX_DROP] = (xg_mval){"rx_drops", "packets", d[4]};
    v[V_TX_DROP] = (xg_mval){"tx_drops", "packets", d[5]};
    v[V_RX_ERR] = (xg_mval){"rx_errors", "packets", d[6]};
    v[V_TX_ERR] = (xg_mval){"tx_errors", "packets", d[7]};
}

static const char *const ctr[8] = {"rx_bytes", "tx_bytes", "rx_packets",
                                   "tx_packets", "rx_drops", "tx_drops",
                                   "rx_errors", "tx_errors"};

/* One interface of a domain over scope k. */
static void dev_vals(const xg_store *s, uint32_t dom, const char *dev,
                     uint32_t k, xg_mval *v)
{
    double d[8], secs[8];

    for (int i = 0; i < 8; i++)
        d[i] = xg_calc_delta_at(s, dom, "net", dev, ctr[i], k, &secs[i]);
    fill(v, d, secs[0], secs[2]);
}

/* The domain's interfaces summed over scope k. */
static void sum_vals(const xg_store *s, uint32_t dom, uint32_t k, xg_mval *v)
{
    double d[8], secs[8];

    for (int i = 0; i < 8; i++)
        d[i] = xg_calc_sum_at(s, dom, "net", ctr[i], k, &secs[i]);
    fill(v, d, secs[0], secs[2]);
}

static bool is_net(const xg_series *x)
{
    return x->family && strcmp(x->family, "net") == 0 && x->device &&
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
 * *idle instead). NULL and *n = 0 when none. */
static ndev *devs_of(const xg_store *s, uint32_t dom, size_t *n, int *idle)
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
            if (idle)
                (*idle)++;
            continue;
        }
        if (!v && !(v = malloc(s->n_series * sizeof(*v))))
            return NULL;
        v[(*n)++] = (ndev){x->device, x->source};
    }
    return v;
}

static void add_row(xg_table *t, const char *dom, const char *dev,
                    const xg_mval *v)
{
    char c[9][32];
    double err = v[V_RX_ERR].value + v[V_TX_ERR].value;

    xg_fmt_num(c[0], 32, v[V_RX_MBS].value, 2);
    xg_fmt_num(c[1], 32, v[V_TX_MBS].value, 2);
    xg_fmt_num(c[2], 32, v[V_RX_PPS].value, 1);
    xg_fmt_num(c[3], 32, v[V_TX_PPS].value, 1);
    xg_fmt_num(c[4], 32, v[V_RX_MB].value, 2);
    xg_fmt_num(c[5], 32, v[V_TX_MB].value, 2);
    xg_fmt_num(c[6], 32, v[V_RX_DROP].value, 0);
    xg_fmt_num(c[7], 32, v[V_TX_DROP].value, 0);
    xg_fmt_num(c[8], 32, err, 0);
    const char *row[] = {dom, dev, c[0], c[1], c[2], c[3], c[4], c[5], c[6],
                         c[7], c[8]};
    xg_table_add(t, row);
}

static void net_text(const xg_store *s, const xg_report_opts *o, FILE *out)
{
    static const char *const hdr[] = {"domain", "device", "rx MB/s",
        "tx MB/s", "rx pkt/s", "tx pkt/s", "MB rx", "MB tx", "rx drop",
        "tx drop", "errors"};
    xg_table *t = xg_table_new(11, hdr, "llrrrrrrrrr");
    size_t pos = 0;
    uint32_t dom;
    int idle = 0;

    (void)o;
    if (!t)
        return;
    while (xg_dom_next(s, &pos, &dom)) {
        const char *name = s->domains[dom].name;
        xg_mval v[V_N];
        size_t n;
        ndev *dv = devs_of(s, dom, &n, &idle);
        for (size_t i = 0; i < n; i++) {
            dev_vals(s, dom, dv[i].dev, 0, v);
            add_row(t, name, dv[i].dev, v);
        }
        if (!s->domains[dom].is_host && n != 1) {
            if (n > 1)
                sum_vals(s, dom, 0, v);
            else
                for (int i = 0; i < V_N; i++)
                    v[i].value = NAN;
            add_row(t, name, n ? "(all)" : "-", v);
        }
        free(dv);
    }
    xg_title(out, "NET (each domain's view: rx = what it received; "
                  "MB = 1048576 bytes; host: every interface but lo)");
    xg_table_print(t, out);
    xg_table_free(t);
    if (idle)
        fprintf(out, "%d idle host interface%s not shown\n", idle,
                idle == 1 ? "" : "s");
}

static void net_csv(const xg_store *s, const xg_report_opts *o, uint32_t k,
                    FILE *out)
{
    size_t pos = 0;
    uint32_t dom;

    (void)o;
    while (xg_dom_next(s, &pos, &dom)) {
        const char *name = s->domains[dom].name;
        xg_mval v[V_N];
        double a, b;
        size_t n;
        ndev *dv = devs_of(s, dom, &n, NULL);
        xg_scope_times(s, dom, k, &a, &b);
        if (n && !s->domains[dom].is_host) {
            sum_vals(s, dom, k, v);
            xg_csv_rows(out, k, "net", name, "", a, b, v, V_N);
        }
        for (size_t i = 0; i < n; i++) {
            dev_vals(s, dom, dv[i].dev, k, v);
            xg_csv_rows(out, k, "net", name, dv[i].dev, a, b, v, V_N);
        }
        free(dv);
    }
}

/* The rows of scope k: the domains' sums into rows (a row of nulls over
 * the window for a domain without interfaces), every interface into
 * drows with its "source". */
static int net_json_scope(const xg_store *s, uint32_t k, json_t *rows,
                          json_t *drows)
{
    size_t pos = 0;
    uint32_t dom;
    int rc = 0;

    while (!rc && xg_dom_next(s, &pos, &dom)) {
        const char *name = s->domains[dom].name;
        xg_mval v[V_N];
        double a, b;
        size_t n;
        ndev *dv = devs_of(s, dom, &n, NULL);
        xg_scope_times(s, dom, k, &a, &b);
        if (!s->domains[dom].is_host) {
            sum_vals(s, dom, k, v);
            if (!n)
                for (int i = 0; i < V_N; i++)
                    v[i].value = NAN;
            if (k == 0 || xg_mvals_any(v, V_N))
                rc = xg_json_push(rows, xg_json_row(name, NULL, a, b, v,
                                                    V_N));
        }
        for (size_t i = 0; i < n && !rc; i++) {
            json_t *r;
            dev_vals(s, dom, dv[i].dev, k, v);
            if (k && !xg_mvals_any(v, V_N))
                continue;
            r = xg_json_row(name, dv[i].dev, a, b, v, V_N);
            if (r && json_object_set_new(r, "source",
                                         xg_json_str(dv[i].source)))
                r = (json_decref(r), NULL);
            rc = xg_json_push(drows, r);
        }
        free(dv);
    }
    return rc;
}

static int net_json(const xg_store *s, const xg_report_opts *o, json_t *root)
{
    json_t *w = json_array(), *iv = json_array();
    json_t *dw = json_array(), *div = json_array();
    size_t pos = 0, n;
    uint32_t dom;
    int idle = 0, rc;

    (void)o;
    while (xg_dom_next(s, &pos, &dom))
        if (s->domains[dom].is_host)
            free(devs_of(s, dom, &n, &idle));
    rc = json_object_set_new(root, "net", json_pack(
        "{s:o,s:o,s:o,s:o,s:i}", "window", w, "intervals", iv,
        "device_window", dw, "device_intervals", div, "idle_not_shown",
        idle));
    rc = rc || net_json_scope(s, 0, w, dw);
    for (uint32_t k = 1; k < s->n_ticks && !rc; k++)
        rc = net_json_scope(s, k, iv, div);
    return rc ? -1 : 0;
}

const xg_section xg_section_net = {
    "net", XG_FAM_NET, net_text, net_csv, net_json,
};

/* sec_sched.c — SCHED section (what xenbaked/xenmon showed): per domain and
 * vCPU, the share of the traced time spent running, waited (runnable, not
 * running), blocked and offline, and executions (times switched in), from
 * the raw xentrace trace kept in meta "sched.xentrace" (src/util/xentrace.c
 * sums it; no fixed domain table). Domains are matched by domid. The trace
 * gives window figures only: the tables have no intervals.
 *
 * The text table (also the CSV's rows) shows each domain ("all") followed
 * by its vCPUs; JSON keeps them apart, the domains in sched.window and the
 * vCPUs in sched.vcpu_window, so two untitled tables carry the same rows
 * for JSON. The figures are summed once while building; the fill function
 * copies them. */
#include "report/section.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/b64.h"
#include "util/xentrace.h"

enum { S_RUN, S_WAIT, S_BLOCK, S_OFF, S_EXEC, S_N };

static const xg_col sched_cols[S_N] = {
    {"running_pct", "%", "running %", 2, XG_COL_PLOT},
    {"waited_pct", "%", "waited %", 2, XG_COL_PLOT},
    {"blocked_pct", "%", "blocked %", 2, XG_COL_PLOT},
    {"offline_pct", "%", "offline %", 2, XG_COL_PLOT},
    {"executions", "count", "executions", 0, 0},
};

/* One row's figures and device name ("" or "vcpuN"), owned by the text
 * table, borrowed by the JSON tables' rows. */
typedef struct sched_row {
    double v[S_N];
    char dev[16];
} sched_row;

/* The trace of the recording, summed; false when there is none. */
static bool load(const xg_store *s, xg_trace_sum *t)
{
    const char *b64 = xg_store_meta_get(s, "sched.xentrace");
    unsigned char *buf;
    size_t len;
    char err[128];
    int rc;

    if (!b64 || !(buf = xg_b64_decode(b64, &len)))
        return false;
    rc = xg_trace_sum_buf(buf, len, 0, 0, t, err, sizeof(err));
    free(buf);
    return rc == 0;
}

/* The store domain running domid, or -1. */
static int64_t dom_of(const xg_store *s, unsigned domid)
{
    for (size_t i = 0; i < s->n_domains; i++)
        if (s->domains[i].platform_id == (int64_t)domid)
            return (int64_t)i;
    return -1;
}

/* Figures of vCPUs v[0..n) averaged per vCPU (executions summed). */
static void vals(const xg_trace_sum *t, const xg_trace_vcpu *const *v,
                 size_t n, double *out)
{
    double span = (double)(t->tsc_last - t->tsc_first) * (double)n;
    double exec = 0;

    for (int k = 0; k < S_N; k++)
        out[k] = NAN;
    if (!n || span <= 0)
        return;
    for (int k = 0; k < XG_RS_N; k++) {
        double c = 0;
        for (size_t i = 0; i < n; i++)
            c += (double)v[i]->cycles[k];
        out[k] = c / span * 100;
    }
    for (size_t i = 0; i < n; i++)
        exec += (double)v[i]->executions;
    out[S_EXEC] = exec;
}

/* The vCPUs of store domain dom (pointers into t->v); n of them. */
static const xg_trace_vcpu **vcpus(const xg_store *s, const xg_trace_sum *t,
                                   uint32_t dom, size_t *n)
{
    /* an array of pointers: sizeof(*v) is a pointer's size, as meant */
    const xg_trace_vcpu **v = calloc(t->n ? t->n : 1, sizeof(*v)); // NOLINT(bugprone-sizeof-expression)

    *n = 0;
    for (size_t i = 0; v && i < t->n; i++)
        if (dom_of(s, t->v[i].domid) == (int64_t)dom)
            v[(*n)++] = &t->v[i];
    return v;
}

static void sched_fill(const xg_mtable *t, const xg_row *row, uint32_t k,
                       double *v, double *a, double *b)
{
    const sched_row *r = row->priv;

    for (int i = 0; i < S_N; i++)
        v[i] = r->v[i];
    xg_scope_times(t->s, row->dom, k, a, b);
}

/* The three tables: text and CSV (tb), JSON's domains (jd) and vCPUs (jv). */
typedef struct sched_tabs {
    xg_mtable *tb, *jd, *jv;
    sched_row *next; /* the next free row of tb->owned */
} sched_tabs;

/* Adds one row (vcpu NULL: the domain's) to the text table and to its JSON
 * table. 0 or -1. */
static int add_row(sched_tabs *x, uint32_t dom, const xg_trace_vcpu *vcpu)
{
    sched_row *r = x->next++;
    xg_mtable *j = vcpu ? x->jv : x->jd;

    r->dev[0] = '\0';
    if (vcpu) {
        int n = snprintf(r->dev, sizeof(r->dev), "vcpu%u", vcpu->vcpu);
        if (n < 0 || (size_t)n >= sizeof(r->dev))
            return -1;
    }
    if (xg_mtable_row(x->tb, dom, r->dev, NULL, 0, r) < 0 ||
        xg_mtable_row(j, dom, r->dev, NULL, 0, r) < 0)
        return -1;
    x->tb->rows[x->tb->n_rows - 1].shown = vcpu ? r->dev + 4 : "all";
    return 0;
}

/* Each domain with vCPUs in the trace, then each of its vCPUs. */
static int add_rows(sched_tabs *x, const xg_store *s, const xg_trace_sum *t)
{
    size_t pos = 0, n;
    uint32_t dom;
    int rc = 0;

    /* at most a row per domain and one per traced vCPU */
    x->tb->owned = calloc(s->n_domains + t->n + 1, sizeof(sched_row));
    if (!(x->next = x->tb->owned))
        return -1;
    while (!rc && xg_dom_next(s, &pos, &dom)) {
        const xg_trace_vcpu **v = vcpus(s, t, dom, &n);
        if (!v)
            return -1;
        if (n) {
            vals(t, v, n, x->next->v);
            rc = add_row(x, dom, NULL);
        }
        for (size_t i = 0; i < n && !rc; i++) {
            vals(t, &v[i], 1, x->next->v);
            rc = add_row(x, dom, v[i]);
        }
        free(v);
    }
    return rc;
}

/* "trace: N records, ..." and the facts trace_records and pcpus. */
static int trace_facts(xg_msection *ms, const xg_trace_sum *t)
{
    double idle = 0, busy = 0;
    char pct[64] = "";

    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].domid == XG_DOMID_IDLE) {
            idle += (double)t->v[i].cycles[XG_RS_RUNNING];
            busy += (double)(t->tsc_last - t->tsc_first);
        }
    if (busy > 0) {
        int n = snprintf(pct, sizeof(pct), "; pCPUs idle %.2f %%",
                         idle / busy * 100);
        if (n < 0 || (size_t)n >= sizeof(pct))
            return -1;
    }
    if (xg_msection_line(ms, "trace: %llu records, %u pCPUs, %llu "
                         "lost-records marks%s",
                         (unsigned long long)t->records, t->pcpus,
                         (unsigned long long)t->lost, pct) < 0)
        return -1;
    if (xg_msection_fact_int(ms, NULL, "trace_records", (int64_t)t->records) < 0)
        return -1;
    return xg_msection_fact_int(ms, NULL, "pcpus", t->pcpus);
}

static int sched_build(xg_msection *ms, const xg_store *s,
                       const xg_report_opts *o)
{
    xg_trace_sum t;
    bool have = load(s, &t);
    sched_tabs x;
    int rc;

    (void)o;
    x.tb = xg_msection_table(ms, s, "sched", NULL, have
                             ? "SCHED (xentrace; per vCPU, 100 % = its traced time)"
                             : "SCHED", /* note.sched follows */
                             sched_cols, S_N, sched_fill);
    x.jd = xg_msection_table(ms, s, NULL, "", NULL, sched_cols, S_N, sched_fill);
    x.jv = xg_msection_table(ms, s, NULL, "vcpu_", NULL, sched_cols, S_N,
                             sched_fill);
    rc = x.tb && x.jd && x.jv ? 0 : -1;
    if (!rc) {
        x.tb->device_label = "vcpu";
        x.tb->flags = XG_TAB_NO_SERIES | XG_TAB_TITLE_ALONE;
        x.jd->flags = x.jv->flags = XG_TAB_NO_SERIES | XG_TAB_KEEP_EMPTY;
    }
    if (!have)
        return rc;
    rc = rc ? rc : add_rows(&x, s, &t);
    rc = rc ? rc : trace_facts(ms, &t);
    xg_trace_sum_free(&t);
    return rc;
}

const xg_section xg_section_sched = {"sched", "sched", sched_build};

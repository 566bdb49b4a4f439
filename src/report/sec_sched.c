/* sec_sched.c — SCHED section (what xenbaked/xenmon showed): per domain and
 * vCPU, the share of the traced time spent running, waited (runnable, not
 * running), blocked and offline, and executions (times switched in), from
 * the raw xentrace trace kept in meta "sched.xentrace" (src/util/xentrace.c
 * sums it; no fixed domain table). Domains are matched by domid. */
#include "report/section.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/calc.h"
#include "util/b64.h"
#include "util/table.h"
#include "util/xentrace.h"

enum { S_RUN, S_WAIT, S_BLOCK, S_OFF, S_EXEC, S_N };

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

/* The store domain running domid (a non-host one first), or -1. */
static int64_t dom_of(const xg_store *s, unsigned domid)
{
    for (size_t i = 0; i < s->n_domains; i++)
        if (s->domains[i].platform_id == (int64_t)domid)
            return (int64_t)i;
    return -1;
}

/* Figures of vCPUs v[0..n) averaged per vCPU (executions summed). */
static void vals(const xg_trace_sum *t, const xg_trace_vcpu *const *v,
                 size_t n, xg_mval *out)
{
    static const xg_mval proto[S_N] = {
        {"running_pct", "%", NAN}, {"waited_pct", "%", NAN},
        {"blocked_pct", "%", NAN}, {"offline_pct", "%", NAN},
        {"executions", "count", NAN},
    };
    double span = (double)(t->tsc_last - t->tsc_first) * (double)n;
    double exec = 0;

    memcpy(out, proto, sizeof(proto));
    if (!n || span <= 0)
        return;
    for (int k = 0; k < XG_RS_N; k++) {
        double c = 0;
        for (size_t i = 0; i < n; i++)
            c += (double)v[i]->cycles[k];
        out[k].value = c / span * 100;
    }
    for (size_t i = 0; i < n; i++)
        exec += (double)v[i]->executions;
    out[S_EXEC].value = exec;
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

/* Calls row() for each domain (vcpu NULL) and each of its vCPUs. */
typedef void (*row_fn)(void *arg, const char *domain, const char *vcpu,
                       const xg_mval *v);

static void each_row(const xg_store *s, const xg_trace_sum *t, row_fn row,
                     void *arg, bool want_vcpus)
{
    size_t pos = 0, n;
    uint32_t dom;

    while (xg_dom_next(s, &pos, &dom)) {
        const xg_trace_vcpu **v = vcpus(s, t, dom, &n);
        xg_mval m[S_N];
        char name[32];
        if (!v || !n) {
            free(v);
            continue;
        }
        vals(t, v, n, m);
        row(arg, s->domains[dom].name, NULL, m);
        for (size_t i = 0; want_vcpus && i < n; i++) {
            vals(t, &v[i], 1, m);
            snprintf(name, sizeof(name), "vcpu%u", v[i]->vcpu);
            row(arg, s->domains[dom].name, name, m);
        }
        free(v);
    }
}

static void text_row(void *arg, const char *domain, const char *vcpu,
                     const xg_mval *v)
{
    char c[S_N][32];

    for (int i = 0; i < S_N; i++)
        xg_fmt_num(c[i], 32, v[i].value, i == S_EXEC ? 0 : 2);
    const char *row[] = {domain, vcpu ? vcpu + 4 : "all", c[0], c[1], c[2],
                         c[3], c[4]};
    xg_table_add(arg, row);
}

static void sched_text(const xg_store *s, const xg_report_opts *o, FILE *out)
{
    static const char *const hdr[] = {"domain", "vcpu", "running %",
        "waited %", "blocked %", "offline %", "executions"};
    xg_trace_sum t;
    xg_table *tb;
    double idle = 0, busy = 0;

    (void)o;
    if (!load(s, &t)) {
        xg_title(out, "SCHED");
        return; /* the report prints note.sched under it */
    }
    if ((tb = xg_table_new(7, hdr, "llrrrrr"))) {
        each_row(s, &t, text_row, tb, true);
        xg_title(out, "SCHED (xentrace; per vCPU, 100 % = its traced time)");
        xg_table_print(tb, out);
        xg_table_free(tb);
    }
    for (size_t i = 0; i < t.n; i++)
        if (t.v[i].domid == XG_DOMID_IDLE) {
            idle += (double)t.v[i].cycles[XG_RS_RUNNING];
            busy += (double)(t.tsc_last - t.tsc_first);
        }
    fprintf(out, "trace: %llu records, %u pCPUs, %llu lost-records marks",
            (unsigned long long)t.records, t.pcpus,
            (unsigned long long)t.lost);
    if (busy > 0)
        fprintf(out, "; pCPUs idle %.2f %%", idle / busy * 100);
    fputc('\n', out);
    xg_trace_sum_free(&t);
}

typedef struct csv_arg {
    const xg_store *s;
    FILE *out;
} csv_arg;

static void csv_row(void *arg, const char *domain, const char *vcpu,
                    const xg_mval *v)
{
    csv_arg *a = arg;
    int64_t d = -1;
    double st = 0, en = 0;

    for (size_t i = 0; i < a->s->n_domains && d < 0; i++)
        if (strcmp(a->s->domains[i].name, domain) == 0)
            d = (int64_t)i;
    if (d >= 0)
        xg_scope_times(a->s, (uint32_t)d, 0, &st, &en);
    xg_csv_rows(a->out, 0, "sched", domain, vcpu ? vcpu : "", st, en, v, S_N);
}

static void sched_csv(const xg_store *s, const xg_report_opts *o, uint32_t k,
                      FILE *out)
{
    xg_trace_sum t;
    csv_arg a = {s, out};

    (void)o;
    if (k != 0 || !load(s, &t)) /* the trace gives window figures only */
        return;
    each_row(s, &t, csv_row, &a, true);
    xg_trace_sum_free(&t);
}

typedef struct json_arg {
    const xg_store *s;
    json_t *doms, *vcpus;
    int rc;
} json_arg;

static void json_row(void *arg, const char *domain, const char *vcpu,
                     const xg_mval *v)
{
    json_arg *a = arg;
    double st = 0, en = 0;
    int64_t d = -1;

    for (size_t i = 0; i < a->s->n_domains && d < 0; i++)
        if (strcmp(a->s->domains[i].name, domain) == 0)
            d = (int64_t)i;
    if (d >= 0)
        xg_scope_times(a->s, (uint32_t)d, 0, &st, &en);
    if (xg_json_push(vcpu ? a->vcpus : a->doms,
                     xg_json_row(domain, vcpu, st, en, v, S_N)) < 0)
        a->rc = -1;
}

static int sched_json(const xg_store *s, const xg_report_opts *o,
                      json_t *root)
{
    xg_trace_sum t;
    json_t *sec = json_object();
    json_arg a = {s, json_array(), json_array(), 0};

    (void)o;
    if (!sec || !a.doms || !a.vcpus) {
        json_decref(sec);
        json_decref(a.doms);
        json_decref(a.vcpus);
        return -1;
    }
    if (load(s, &t)) {
        each_row(s, &t, json_row, &a, true);
        json_object_set_new(sec, "trace_records",
                            json_integer((json_int_t)t.records));
        json_object_set_new(sec, "pcpus", json_integer(t.pcpus));
        xg_trace_sum_free(&t);
    }
    json_object_set_new(sec, "window", a.doms);
    json_object_set_new(sec, "vcpu_window", a.vcpus);
    if (a.rc < 0 || json_object_set_new(root, "sched", sec) < 0)
        return -1;
    return 0;
}

const xg_section xg_section_sched = {
    .name = "sched",
    .flag = XG_FAM_SCHED,
    .text = sched_text,
    .csv = sched_csv,
    .json = sched_json,
};

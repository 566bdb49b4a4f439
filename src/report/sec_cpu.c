/* sec_cpu.c — CPU section: per-domain CPU, host busy, unwatched CPU, vCPUs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/calc.h"
#include "report/section.h"
#include "util/table.h"

enum { C_CPU_S, C_CPU_PCT, C_USER, C_SYS, C_WAIT, C_STEAL, C_THR,
       C_BUSY, C_UNW_S, C_UNW_PCT, C_N };
enum { V_CPU_S, V_CPU_PCT, V_WAIT, V_N };

/* % of one CPU for a ns counter of the domain over scope k. */
static double pct(const xg_store *s, uint32_t dom, const char *dev,
                  const char *metric, uint32_t k)
{
    double secs, d = xg_calc_delta_at(s, dom, "cpu", dev, metric, k, &secs);
    return xg_calc_ratio(d, secs * 1e9) * 100;
}

static double cpu_s(const xg_store *s, uint32_t dom, const char *dev,
                    uint32_t k)
{
    double secs, d = xg_calc_delta_at(s, dom, "cpu", dev, "usage", k, &secs);
    return d / 1e9;
}

/* The host's extra figures: busy share and CPU outside every domain. */
static void host_vals(const xg_store *s, uint32_t host, uint32_t k, xg_mval *v)
{
    double secs, tsecs;
    double use = xg_calc_delta_at(s, host, "cpu", "", "usage", k, &secs);
    double total = xg_calc_delta_at(s, host, "cpu", "", "total", k, &tsecs);
    v[C_BUSY].value = xg_calc_ratio(use, total) * 100;
    double in_domains = 0;
    for (size_t i = 0; i < s->n_domains; i++) {
        double dsecs;
        double d = s->domains[i].is_host ? NAN
                 : xg_calc_delta_at(s, (uint32_t)i, "cpu", "", "usage", k, &dsecs);
        if (isfinite(d))
            in_domains += d;
    }
    double out = use - in_domains;
    if (out < 0)
        out = 0;
    v[C_UNW_S].value = out / 1e9;
    v[C_UNW_PCT].value = xg_calc_ratio(out, secs * 1e9) * 100;
}

/* Fills v for the domain over scope k; returns how many apply. */
static size_t cpu_vals(const xg_store *s, uint32_t dom, uint32_t k, xg_mval *v)
{
    static const xg_mval proto[C_N] = {
        {"cpu_s", "s", NAN}, {"cpu_pct", "%", NAN}, {"user_pct", "%", NAN},
        {"sys_pct", "%", NAN}, {"wait_pct", "%", NAN}, {"steal_pct", "%", NAN},
        {"throttled_pct", "%", NAN}, {"busy_pct", "%", NAN},
        {"unwatched_cpu_s", "s", NAN}, {"unwatched_cpu_pct", "%", NAN},
    };
    memcpy(v, proto, sizeof(proto));
    v[C_CPU_S].value = cpu_s(s, dom, "", k);
    v[C_CPU_PCT].value = pct(s, dom, "", "usage", k);
    v[C_USER].value = pct(s, dom, "", "user", k);
    v[C_SYS].value = pct(s, dom, "", "system", k);
    v[C_WAIT].value = pct(s, dom, "", "wait", k);
    v[C_STEAL].value = pct(s, dom, "", "steal", k);
    v[C_THR].value = pct(s, dom, "", "throttled", k);
    if (!s->domains[dom].is_host)
        return C_BUSY;
    host_vals(s, dom, k, v);
    return C_N;
}

static void vcpu_vals(const xg_store *s, uint32_t dom, const char *dev,
                      uint32_t k, xg_mval *v)
{
    v[V_CPU_S] = (xg_mval){"cpu_s", "s", cpu_s(s, dom, dev, k)};
    v[V_CPU_PCT] = (xg_mval){"cpu_pct", "%", pct(s, dom, dev, "usage", k)};
    v[V_WAIT] = (xg_mval){"wait_pct", "%", pct(s, dom, dev, "wait", k)};
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
    *n = 0;
    for (size_t i = 0; i < s->n_series; i++) {
        const xg_series *x = &s->series[i];
        if (x->domain != dom || !x->family || strcmp(x->family, "cpu") != 0 ||
            !x->device || strncmp(x->device, "vcpu", 4) != 0)
            continue;
        bool seen = false;
        for (size_t j = 0; j < *n && !seen; j++)
            seen = strcmp(list[j], x->device) == 0;
        if (seen)
            continue;
        if (!list && !(list = malloc(s->n_series * sizeof(*list))))
            return NULL;
        list[(*n)++] = x->device;
    }
    if (*n > 1)
        qsort(list, *n, sizeof(*list), vcpu_cmp);
    return list;
}

static void host_lines(const xg_store *s, FILE *out)
{
    int64_t h = xg_dom_host(s);
    if (h < 0)
        return;
    xg_mval v[C_N];
    char b1[32], b2[32], b3[32];
    uint64_t ncpus;
    cpu_vals(s, (uint32_t)h, 0, v);
    /* Only a host measured as a whole machine (/proc/stat: busy of all
     * CPUs) has these lines; on Xen the host row is Domain-0, a domain. */
    if (isnan(v[C_BUSY].value))
        return;
    if (!xg_calc_meta_u64(s, "ncpus", &ncpus))
        ncpus = s->domains[h].vcpus > 0 ? (uint64_t)s->domains[h].vcpus : 0;
    fprintf(out, "host busy: %s %%", xg_fmt_num(b1, sizeof(b1), v[C_BUSY].value, 2));
    if (ncpus)
        fprintf(out, " of %llu CPUs", (unsigned long long)ncpus);
    fprintf(out, "\nnot in any watched domain: %s cpu s (%s %%)\n",
            xg_fmt_num(b2, sizeof(b2), v[C_UNW_S].value, 3),
            xg_fmt_num(b3, sizeof(b3), v[C_UNW_PCT].value, 2));
}

static void vcpu_text(const xg_store *s, FILE *out)
{
    static const char *const hdr[] = {"domain", "vcpu", "cpu s", "cpu %", "wait %"};
    xg_table *t = NULL;
    size_t pos = 0;
    uint32_t dom;
    while (xg_dom_next(s, &pos, &dom)) {
        size_t n;
        const char **vc = vcpus_of(s, dom, &n);
        for (size_t i = 0; i < n; i++) {
            xg_mval v[V_N];
            char c[V_N][32];
            vcpu_vals(s, dom, vc[i], 0, v);
            if (!t && !(t = xg_table_new(5, hdr, "llrrr")))
                break;
            const char *row[] = {s->domains[dom].name, vc[i] + 4,
                                 xg_fmt_num(c[0], 32, v[V_CPU_S].value, 3),
                                 xg_fmt_num(c[1], 32, v[V_CPU_PCT].value, 2),
                                 xg_fmt_num(c[2], 32, v[V_WAIT].value, 2)};
            xg_table_add(t, row);
        }
        free(vc);
    }
    if (!t)
        return;
    xg_title(out, "per vCPU");
    xg_table_print(t, out);
    xg_table_free(t);
}

/* v as the table shows it, in hundredths (0 when not measured). */
static long long shown(double v)
{
    return isfinite(v) ? llround(v * 100) : 0;
}

/* Whether user % + sys % of the row, as shown, come out above its cpu %:
 * they are sampled at clock ticks (cpuacct.stat, cpu.stat, /proc/stat),
 * cpu % is counted in ns. */
static bool split_over(const xg_mval *v)
{
    if (!isfinite(v[C_CPU_PCT].value))
        return false;
    return shown(v[C_USER].value) + shown(v[C_SYS].value) >
           shown(v[C_CPU_PCT].value);
}

/* One line naming the rows (at most 3, then how many more) whose user % +
 * sys % exceed their cpu %. */
static void split_note(const xg_store *s, FILE *out)
{
    size_t pos = 0;
    uint32_t dom;
    int n = 0;
    while (xg_dom_next(s, &pos, &dom)) {
        xg_mval v[C_N];
        cpu_vals(s, dom, 0, v);
        if (!split_over(v))
            continue;
        if (!n)
            fputs("note: user % and sys % are sampled at clock ticks, cpu % "
                  "is counted in ns: their sum is above cpu % for ", out);
        if (n < 3)
            fprintf(out, "%s%s", n ? ", " : "", s->domains[dom].name);
        n++;
    }
    if (n > 3)
        fprintf(out, " and %d more", n - 3);
    if (n)
        fputc('\n', out);
}

static void cpu_text(const xg_store *s, const xg_report_opts *o, FILE *out)
{
    static const char *const hdr[] = {"domain", "vcpus", "cpu s", "cpu %",
        "user %", "sys %", "wait %", "steal %", "thrott %", "span s"};
    (void)o;
    xg_table *t = xg_table_new(10, hdr, "lrrrrrrrrr");
    if (!t)
        return;
    size_t pos = 0;
    uint32_t dom;
    while (xg_dom_next(s, &pos, &dom)) {
        const xg_domain_info *d = &s->domains[dom];
        xg_mval v[C_N];
        char c[C_BUSY][32], vc[16], span[64];
        cpu_vals(s, dom, 0, v);
        snprintf(vc, sizeof(vc), "%d", d->vcpus);
        for (int i = 0; i < C_BUSY; i++)
            xg_fmt_num(c[i], 32, v[i].value, i == C_CPU_S ? 3 : 2);
        const char *row[] = {d->name, d->vcpus > 0 ? vc : NULL, c[0], c[1],
                             c[2], c[3], c[4], c[5], c[6],
                             xg_calc_span_text(s, dom, span, sizeof(span))};
        xg_table_add(t, row);
    }
    xg_title(out, "CPU (100 % = one CPU)");
    xg_table_print(t, out);
    xg_table_free(t);
    host_lines(s, out);
    split_note(s, out);
    vcpu_text(s, out);
}

static void cpu_csv(const xg_store *s, const xg_report_opts *o, uint32_t k,
                    FILE *out)
{
    (void)o;
    size_t pos = 0;
    uint32_t dom;
    while (xg_dom_next(s, &pos, &dom)) {
        xg_mval v[C_N];
        double a, b;
        size_t n = cpu_vals(s, dom, k, v), nv;
        xg_scope_times(s, dom, k, &a, &b);
        xg_csv_rows(out, k, "cpu", s->domains[dom].name, "", a, b, v, n);
        const char **vc = vcpus_of(s, dom, &nv);
        for (size_t i = 0; i < nv; i++) {
            vcpu_vals(s, dom, vc[i], k, v);
            xg_csv_rows(out, k, "cpu", s->domains[dom].name, vc[i], a, b, v, V_N);
        }
        free(vc);
    }
}

/* Rows of scope k into rows / vrows; the window keeps unmeasured rows. */
static int cpu_json_scope(const xg_store *s, uint32_t k, json_t *rows,
                          json_t *vrows)
{
    size_t pos = 0;
    uint32_t dom;
    int rc = 0;
    while (!rc && xg_dom_next(s, &pos, &dom)) {
        xg_mval v[C_N];
        double a, b;
        size_t n = cpu_vals(s, dom, k, v), nv;
        const char *name = s->domains[dom].name;
        xg_scope_times(s, dom, k, &a, &b);
        if (k == 0 || xg_mvals_any(v, n))
            rc = xg_json_push(rows, xg_json_row(name, NULL, a, b, v, n));
        const char **vc = vcpus_of(s, dom, &nv);
        for (size_t i = 0; i < nv && !rc; i++) {
            vcpu_vals(s, dom, vc[i], k, v);
            if (k == 0 || xg_mvals_any(v, V_N))
                rc = xg_json_push(vrows, xg_json_row(name, vc[i], a, b, v, V_N));
        }
        free(vc);
    }
    return rc;
}

static int cpu_json(const xg_store *s, const xg_report_opts *o, json_t *root)
{
    (void)o;
    json_t *w = json_array(), *iv = json_array();
    json_t *vw = json_array(), *viv = json_array();
    json_t *sec = json_pack("{s:o,s:o,s:o,s:o}", "window", w, "intervals", iv,
                            "vcpu_window", vw, "vcpu_intervals", viv);
    if (!sec || json_object_set_new(root, "cpu", sec))
        return -1;
    int rc = cpu_json_scope(s, 0, w, vw);
    for (uint32_t k = 1; k < s->n_ticks && !rc; k++)
        rc = cpu_json_scope(s, k, iv, viv);
    return rc;
}

const xg_section xg_section_cpu = {
    "cpu", XG_FAM_CPU, cpu_text, cpu_csv, cpu_json,
};

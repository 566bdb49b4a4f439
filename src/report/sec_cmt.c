/* sec_cmt.c — CACHE OCCUPANCY section: the hypervisor's own cache
 * monitoring per domain (Xen CMT/MBM, the "cmt" series): LLC occupancy
 * (mean and peak over the window, or at the interval's end) and memory
 * traffic (MB/s and MB, total and local). Absent when the recording has no
 * such series; its note (meta "note.cmt") says why when the hypervisor
 * could have monitored but did not. */
#include <math.h>
#include <string.h>

#include "report/calc.h"
#include "report/section.h"
#include "util/table.h"

#define KIB 1024.0
#define MIB 1048576.0

enum { C_OCC_AVG, C_OCC_MAX, C_TOT_S, C_TOT, C_LOC_S, C_LOC, C_N };

static bool any_cmt(const xg_store *s)
{
    for (size_t i = 0; i < s->n_series; i++)
        if (s->series[i].family && strcmp(s->series[i].family, "cmt") == 0)
            return true;
    return false;
}

/* Mean and peak of the occupancy gauge over scope k (k >= 1: its value at
 * tick k). false when not measured. */
static bool occupancy(const xg_store *s, uint32_t dom, uint32_t k,
                      double *avg, double *max)
{
    int64_t x = xg_store_find_series(s, dom, "cmt", "", "llc_occupancy");
    double sum = 0;
    size_t n = 0;

    *avg = *max = NAN;
    if (x < 0)
        return false;
    for (uint32_t t = k ? k : 0; t < (k ? k + 1 : s->n_ticks); t++) {
        uint64_t v = xg_store_get(s, (uint32_t)x, t);
        if (v == XG_NOVALUE)
            continue;
        sum += (double)v;
        if (!n || (double)v > *max)
            *max = (double)v;
        n++;
    }
    if (!n)
        return false;
    *avg = sum / (double)n / KIB;
    *max /= KIB;
    return true;
}

static size_t cmt_vals(const xg_store *s, uint32_t dom, uint32_t k,
                       xg_mval *v)
{
    static const char *const mbm[] = {"mbm_total", "mbm_local"};
    double secs;

    occupancy(s, dom, k, &v[C_OCC_AVG].value, &v[C_OCC_MAX].value);
    v[C_OCC_AVG] = (xg_mval){"llc_occupancy_kib", "KiB", v[C_OCC_AVG].value};
    v[C_OCC_MAX] = (xg_mval){"llc_occupancy_max_kib", "KiB",
                             v[C_OCC_MAX].value};
    for (size_t j = 0; j < 2; j++) {
        double d = xg_calc_delta_at(s, dom, "cmt", "", mbm[j], k, &secs);
        v[C_TOT_S + 2 * j] = (xg_mval){j ? "mem_local_mb_s" : "mem_mb_s",
                                       "MB/s", xg_calc_ratio(d / MIB, secs)};
        v[C_TOT + 2 * j] = (xg_mval){j ? "mem_local_mb" : "mem_mb", "MB",
                                     d / MIB};
    }
    return C_N;
}

static void cmt_text(const xg_store *s, const xg_report_opts *o, FILE *out)
{
    static const char *const hdr[] = {"domain", "LLC KiB avg", "LLC KiB max",
        "mem MB/s", "mem MB", "local MB/s", "local MB"};
    xg_table *tb;
    xg_mval v[C_N];
    char c[C_N][32];
    size_t pos = 0;
    uint32_t dom;

    (void)o;
    if (!any_cmt(s)) {
        const char *note = xg_store_meta_get(s, "note.cmt");
        if (note && *note)
            xg_title(out, "CACHE OCCUPANCY (hypervisor cache monitoring)");
        return; /* the report prints note.cmt under it */
    }
    if (!(tb = xg_table_new(7, hdr, "lrrrrrr")))
        return;
    while (xg_dom_next(s, &pos, &dom)) {
        if (!xg_calc_has_family(s, dom, "cmt"))
            continue;
        cmt_vals(s, dom, 0, v);
        for (int i = 0; i < C_N; i++)
            xg_fmt_num(c[i], sizeof(c[i]), v[i].value, i < C_TOT_S ? 0 : 2);
        const char *row[] = {s->domains[dom].name, c[0], c[1], c[2], c[3],
                             c[4], c[5]};
        xg_table_add(tb, row);
    }
    xg_title(out, "CACHE OCCUPANCY (Xen CMT/MBM, per domain)");
    xg_table_print(tb, out);
    xg_table_free(tb);
}

static void cmt_csv(const xg_store *s, const xg_report_opts *o, uint32_t k,
                    FILE *out)
{
    xg_mval v[C_N];
    size_t pos = 0;
    uint32_t dom;
    double a, b;

    (void)o;
    while (xg_dom_next(s, &pos, &dom)) {
        if (!xg_calc_has_family(s, dom, "cmt"))
            continue;
        cmt_vals(s, dom, k, v);
        xg_scope_times(s, dom, k, &a, &b);
        xg_csv_rows(out, k, "cmt", s->domains[dom].name, "", a, b, v, C_N);
    }
}

static int cmt_json(const xg_store *s, const xg_report_opts *o, json_t *root)
{
    json_t *w = json_array(), *iv = json_array();
    json_t *sec = json_pack("{s:o,s:o,s:o}", "note",
                            xg_json_str(xg_store_meta_get(s, "note.cmt")),
                            "window", w, "intervals", iv);
    xg_mval v[C_N];
    uint32_t dom;
    double a, b;
    int rc = 0;

    (void)o;
    if (!sec || json_object_set_new(root, "cmt", sec))
        return -1;
    for (uint32_t k = 0; k == 0 || k < s->n_ticks; k++) {
        size_t pos = 0;
        while (!rc && xg_dom_next(s, &pos, &dom)) {
            if (!xg_calc_has_family(s, dom, "cmt"))
                continue;
            cmt_vals(s, dom, k, v);
            xg_scope_times(s, dom, k, &a, &b);
            if (k && !xg_mvals_any(v, C_N))
                continue;
            rc = xg_json_push(k ? iv : w, xg_json_row(s->domains[dom].name,
                                                      NULL, a, b, v, C_N));
        }
    }
    return rc ? -1 : 0;
}

const xg_section xg_section_cmt = {
    "cmt", XG_FAM_CACHE, cmt_text, cmt_csv, cmt_json,
};

/* sec_cmt.c — CACHE OCCUPANCY section: the hypervisor's own cache
 * monitoring per domain (Xen CMT/MBM, the "cmt" series): LLC occupancy
 * (mean and peak over the window, or at the interval's end) and memory
 * traffic (MB/s and MB, total and local). Absent when the recording has no
 * such series; its note (meta "note.cmt") says why when the hypervisor
 * could have monitored but did not. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/calc.h"
#include "report/section.h"

#define KIB 1024.0
#define MIB 1048576.0

enum { C_OCC_AVG, C_OCC_MAX, C_TOT_S, C_TOT, C_LOC_S, C_LOC, C_N };

static const xg_col cmt_cols[C_N] = {
    {"llc_occupancy_kib", "KiB", "LLC KiB avg", 0, XG_COL_PLOT},
    {"llc_occupancy_max_kib", "KiB", "LLC KiB max", 0, 0},
    {"mem_mb_s", "MB/s", "mem MB/s", 2, XG_COL_PLOT},
    {"mem_mb", "MB", "mem MB", 2, 0},
    {"mem_local_mb_s", "MB/s", "local MB/s", 2, XG_COL_PLOT},
    {"mem_local_mb", "MB", "local MB", 2, 0},
};

/* A row's series: llc_occupancy, mbm_total, mbm_local (-1: none). */
enum { S_OCC, S_TOT, S_LOC, S_N };
static const xg_sid series_ids[S_N] = {
    XG_S_CMT_LLC_OCCUPANCY, XG_S_CMT_MBM_TOTAL, XG_S_CMT_MBM_LOCAL,
};

static bool any_cmt(const xg_store *s)
{
    for (size_t i = 0; i < s->n_series; i++)
        if (xg_calc_of_family(&s->series[i], XG_S_CMT_LLC_OCCUPANCY))
            return true;
    return false;
}

/* Mean and peak of the occupancy gauge x over scope k (k >= 1: its value
 * at tick k), NaN when not measured. */
static void occupancy(const xg_store *s, int64_t x, uint32_t k, double *avg,
                      double *max)
{
    double sum = 0;
    size_t n = 0;

    *avg = *max = NAN;
    if (x < 0)
        return;
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
        return;
    *avg = sum / (double)n / KIB;
    *max /= KIB;
}

static void cmt_fill(const xg_mtable *t, const xg_row *row, uint32_t k,
                     double *v, double *a, double *b)
{
    const int64_t *ix = row->priv;
    double secs;

    occupancy(t->s, ix[S_OCC], k, &v[C_OCC_AVG], &v[C_OCC_MAX]);
    for (size_t j = 0; j < 2; j++) {
        double d = xg_calc_delta_idx(t->s, ix[S_TOT + j], k, &secs);
        v[C_TOT_S + 2 * j] = xg_calc_ratio(d / MIB, secs);
        v[C_TOT + 2 * j] = d / MIB;
    }
    xg_scope_times(t->s, row->dom, k, a, b);
}

/* One row per domain with cmt series, its series indexes in t->owned. */
static int cmt_rows(xg_mtable *t, const xg_store *s)
{
    size_t pos = 0, n = 0;
    uint32_t dom;
    int64_t *ix = malloc(s->n_domains * S_N * sizeof(*ix) + 1);
    int rc = ix ? 0 : -1;

    t->owned = ix;
    while (!rc && xg_dom_next(s, &pos, &dom)) {
        if (!xg_calc_has_family(s, dom, xg_schema[XG_S_CMT_LLC_OCCUPANCY].family))
            continue;
        int64_t *r = &ix[n++ * S_N];
        for (size_t j = 0; j < S_N; j++)
            r[j] = xg_calc_series_of(s, dom, series_ids[j], "");
        rc = xg_mtable_row(t, dom, "", NULL, 0, r);
    }
    return rc;
}

static int cmt_build(xg_msection *ms, const xg_store *s, const xg_report_opts *o)
{
    const char *note = xg_store_meta_get(s, "note.cmt");
    bool any = any_cmt(s);
    int rc;

    (void)o;
    rc = note ? xg_msection_fact_str(ms, "note", note)
              : xg_msection_fact_num(ms, "note", NAN);
    if (!rc && !any && note && *note) {
        /* the title alone: the note under it says why */
        rc = xg_msection_line(ms, "%s", "");
        rc = rc ? rc : xg_msection_line(ms, "%s",
                                        "CACHE OCCUPANCY (hypervisor cache monitoring)");
    }
    xg_mtable *t = rc ? NULL : xg_msection_table(ms, s, "cmt", "",
        any ? "CACHE OCCUPANCY (Xen CMT/MBM, per domain)" : NULL,
        cmt_cols, C_N, cmt_fill);
    if (!t)
        return -1;
    t->flags = XG_TAB_KEEP_EMPTY;
    return cmt_rows(t, s);
}

const xg_section xg_section_cmt = {"cmt", "cmt", cmt_build};

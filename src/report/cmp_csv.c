/* cmp_csv.c — a comparison as CSV (RFC 4180): one row per compared
 * figure with every field; empty where there is no value. Header:
 *   section,family,domain_a,domain_b,device,metric,unit,a,b,diff,diff_pct,
 *   diff_lo,diff_hi,test,p,verdict,why,n_a,n_b,draws_a,draws_b,
 *   intervals_not_independent */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/compare.h"
#include "util/numfmt.h"
#include "util/csv.h"
#include "util/strbuf.h"

/* A number (6 decimals at most), empty when not finite. */
static void num(xg_sb *sb, double v)
{
    char buf[XG_NUM_LEN];

    xg_csv_field(sb, isfinite(v) ? xg_fmt_fixed6(buf, v) : "", ",");
}

static void row(xg_sb *sb, const xg_compare *c, const xg_cmp_fig *f)
{
    xg_csv_field(sb, f->a->section, ",");
    xg_csv_field(sb, f->a->family, ",");
    xg_csv_field(sb, f->a->domain, ",");
    xg_csv_field(sb, f->b->domain, ",");
    xg_csv_field(sb, f->a->device, ",");
    xg_csv_field(sb, f->a->metric, ",");
    xg_csv_field(sb, f->a->unit, ",");
    num(sb, f->t.mean_a);
    num(sb, f->t.mean_b);
    num(sb, f->t.diff);
    num(sb, f->t.diff_pct);
    num(sb, f->t.diff_lo);
    num(sb, f->t.diff_hi);
    xg_csv_field(sb, xg_cmp_test_name(f->t.kind), ",");
    xg_sb_printf(sb, isfinite(f->t.p) ? "%.6g," : ",", f->t.p);
    xg_csv_field(sb, xg_verdict_name(f->verdict), ",");
    xg_csv_field(sb, f->t.kind == XG_TEST_NONE && f->t.why ? f->t.why : "", ",");
    xg_sb_printf(sb, "%zu,%zu,", f->t.na, f->t.nb);
    xg_csv_field(sb, xg_cmp_draws_name(c->a.fs), ",");
    xg_csv_field(sb, xg_cmp_draws_name(c->b.fs), ",");
    xg_csv_field(sb, f->intervals ? "true" : "false", "\n");
}

int xg_cmp_render_csv(const xg_compare *c, FILE *out)
{
    xg_sb sb = XG_SB_INIT;
    int rc = 0;

    fputs("section,family,domain_a,domain_b,device,metric,unit,a,b,diff,"
          "diff_pct,diff_lo,diff_hi,test,p,verdict,why,n_a,n_b,draws_a,"
          "draws_b,intervals_not_independent\n", out);
    for (size_t i = 0; i < c->n && !rc; i++) {
        xg_sb_clear(&sb);
        row(&sb, c, &c->f[i]);
        if (sb.oom || fwrite(xg_sb_str(&sb), 1, sb.len, out) != sb.len)
            rc = -1;
    }
    xg_sb_free(&sb);
    return rc || ferror(out) ? -1 : 0;
}

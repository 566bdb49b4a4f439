/* rep_csv.c — the report of a repeated run as one CSV table (RFC 4180),
 * header
 *   scope,section,family,domain,device,metric,unit,rep,value,outlier,n,
 *   mean,sd,ci95_lo,ci95_hi,min,max,cv_pct,outlier_reps,unstable
 * scope "rep": a figure's value in one whole, non-warmup repetition (rep,
 * value, outlier 0/1; the statistics' columns empty; no row when the
 * figure was not measured in it); scope "stats": the figure's statistics
 * over them (n .. unstable; outlier_reps the repetitions flagged, blank-
 * separated; unstable 0/1; rep, value and outlier empty). An empty field:
 * no such number (sd of one value, an interval of fewer than two). Keys
 * (family, domain, device, metric) are the report's CSV window keys. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/repeat.h"
#include "util/csv.h"
#include "util/numfmt.h"

static void csv_num(FILE *out, double v, const char *sep)
{
    char buf[XG_NUM_LEN];
    if (isfinite(v))
        fputs(xg_fmt_fixed6(buf, v), out);
    fputs(sep, out);
}

static void key_fields(FILE *out, const char *scope, const xg_fig *f)
{
    xg_csv_put(out, scope, ",");
    xg_csv_put(out, f->section, ",");
    xg_csv_put(out, f->family, ",");
    xg_csv_put(out, f->domain, ",");
    xg_csv_put(out, f->device, ",");
    xg_csv_put(out, f->metric, ",");
    xg_csv_put(out, f->unit, ",");
}

static void rep_rows(const xg_rmodel *rm, const xg_rstat *st, FILE *out)
{
    for (size_t d = 0; d < rm->fs.n_draws; d++) {
        if (!isfinite(st->f->v[d]))
            continue;
        key_fields(out, "rep", st->f);
        fprintf(out, "%u,", rm->fs.draw_rep[d]);
        csv_num(out, st->f->v[d], ",");
        fprintf(out, "%d,,,,,,,,,,\n", st->outlier[d] ? 1 : 0);
    }
}

static void stats_row(const xg_rmodel *rm, const xg_rstat *st, FILE *out)
{
    const xg_summary *m = &st->sum;
    char outl[1024];
    key_fields(out, "stats", st->f);
    fprintf(out, ",,,%zu,", m->n);
    csv_num(out, m->mean, ",");
    csv_num(out, m->sd, ",");
    csv_num(out, m->ci_lo, ",");
    csv_num(out, m->ci_hi, ",");
    csv_num(out, m->min, ",");
    csv_num(out, m->max, ",");
    csv_num(out, m->cv_pct, ",");
    xg_csv_put(out, xg_rstat_outliers(rm, st, outl, sizeof(outl)), ",");
    fprintf(out, "%d\n", st->unstable ? 1 : 0);
}

int xg_rep_render_csv(const xg_rmodel *rm, FILE *out)
{
    fputs("scope,section,family,domain,device,metric,unit,rep,value,outlier,"
          "n,mean,sd,ci95_lo,ci95_hi,min,max,cv_pct,outlier_reps,unstable\n",
          out);
    for (size_t i = 0; i < rm->n_secs; i++)
        for (size_t j = 0; j < rm->secs[i].n; j++) {
            const xg_rstat *st = &rm->st[rm->secs[i].idx[j]];
            stats_row(rm, st, out);
            rep_rows(rm, st, out);
        }
    return ferror(out) ? -1 : 0;
}

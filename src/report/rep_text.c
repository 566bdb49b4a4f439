/* rep_text.c — the report of a repeated run as aligned text: the
 * recording's header (render_text.c's), the table of repetitions, the
 * lines on what was left out, then per section a table of statistics, a
 * row per figure (domain, device, figure). Through xg_text_write_safe like
 * the report. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "report/repeat.h"
#include "util/table.h"

static int reps_text(const xg_rmodel *rm, FILE *out)
{
    static const char *const hdr[] = {"rep", "warmup", "state", "start s",
                                      "window s", "used"};
    const xg_store *s = rm->s;
    xg_table *t = xg_table_new(6, hdr, "rllrrl");
    int rc = t ? 0 : -1;
    for (size_t r = 1; r <= s->n_reps && !rc; r++) {
        char num[24], a[32], b[32];
        const char *why = xg_rep_left_out(s, r);
        snprintf(num, sizeof(num), "%zu", r); /* fits */
        const char *cells[] = {
            num, s->reps[r - 1].warmup ? "yes" : "no",
            xg_rep_state_name(s->reps[r - 1].state),
            xg_fmt_num(a, sizeof(a), xg_rep_start_s(s, r), 3),
            xg_fmt_num(b, sizeof(b), xg_rep_window_s(s, r), 3),
            why ? "no" : "yes",
        };
        rc = xg_table_add(t, cells);
    }
    if (t) {
        fputs("\nrepetitions\n", out);
        xg_table_print(t, out);
    }
    xg_table_free(t);
    return rc;
}

static const char *const stat_hdr[] = {
    "domain", "device", "figure", "unit", "n", "mean", "sd", "95 % CI",
    "min", "max", "cv %", "outliers", "flag",
};
#define N_STAT (sizeof(stat_hdr) / sizeof(stat_hdr[0]))

static int stat_row(const xg_rmodel *rm, xg_table *t, const xg_rstat *st)
{
    const xg_fig *f = st->f;
    const xg_summary *m = &st->sum;
    char n[24], mean[32], sd[32], lo[32], hi[32], ci[72], mn[32], mx[32],
        cv[32], outl[1024];
    int p = f->prec;
    snprintf(n, sizeof(n), "%zu", m->n); /* fits */
    if (isfinite(m->ci_lo))
        snprintf(ci, sizeof(ci), "%s..%s", xg_fmt_num(lo, 32, m->ci_lo, p),
                 xg_fmt_num(hi, 32, m->ci_hi, p)); /* 2 x 31 + 2 < 72 */
    else
        snprintf(ci, sizeof(ci), "-");
    const char *cells[N_STAT] = {
        f->domain, *f->device ? f->device : "-", f->metric,
        *f->unit ? f->unit : "-", n, xg_fmt_num(mean, 32, m->mean, p),
        xg_fmt_num(sd, 32, m->sd, p), ci, xg_fmt_num(mn, 32, m->min, p),
        xg_fmt_num(mx, 32, m->max, p), xg_fmt_num(cv, 32, m->cv_pct, 1),
        xg_rstat_outliers(rm, st, outl, sizeof(outl)),
        st->unstable ? "unstable" : "",
    };
    if (!*cells[11])
        cells[11] = "-";
    return xg_table_add(t, cells);
}

static int section_text(const xg_rmodel *rm, const xg_rsec *sec, FILE *out)
{
    xg_table *t = xg_table_new((int)N_STAT, stat_hdr, "llllrrrrrrrll");
    int rc = t ? 0 : -1;
    for (size_t i = 0; i < sec->n && !rc; i++)
        rc = stat_row(rm, t, &rm->st[sec->idx[i]]);
    if (t) {
        fprintf(out, "\n%s: over %zu repetition%s (", sec->name,
                rm->fs.n_draws, rm->fs.n_draws == 1 ? "" : "s");
        for (size_t d = 0; d < rm->fs.n_draws; d++)
            fprintf(out, "%s%u", d ? ", " : "", rm->fs.draw_rep[d]);
        fputs("), 95 % interval of the mean\n", out);
        xg_table_print(t, out);
    }
    xg_table_free(t);
    return rc;
}

static int write_text(const xg_rmodel *rm, FILE *out)
{
    int rc = xg_render_text(&rm->head, out);
    rc = rc ? rc : reps_text(rm, out);
    if (!rc && rm->lines.n)
        fputc('\n', out);
    for (size_t i = 0; i < rm->lines.n; i++)
        fprintf(out, "%s\n", rm->lines.v[i]);
    for (size_t i = 0; i < rm->n_secs && !rc; i++)
        rc = section_text(rm, &rm->secs[i], out);
    if (!rc && rm->n_st)
        fprintf(out, "\nunstable: a CV above %.0f %%, or fewer than %d "
                "repetitions: the result may be unstable\n",
                XG_STATS_UNSTABLE_CV, XG_STATS_MIN_N);
    return rc;
}

int xg_rep_render_text(const xg_rmodel *rm, FILE *out)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem)
        return -1;
    int rc = write_text(rm, mem);
    if (fclose(mem) != 0 || rc < 0) {
        free(buf);
        return -1;
    }
    xg_text_write_safe(out, buf, len);
    free(buf);
    return ferror(out) ? -1 : 0;
}

/* repeat.c — builds the report of a repeated run (repeat.h): the
 * recording's header as a model of its own, the figures per whole,
 * non-warmup repetition (figures.c), their statistics (stats/stats.h) and
 * the lines that say what was left out and how far to trust the rest. */
#include "report/repeat.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/calc.h"
#include "util/strbuf.h"

double xg_rep_start_s(const xg_store *s, size_t r)
{
    return xg_calc_tick_s(s, s->reps[r - 1].first_tick);
}

double xg_rep_window_s(const xg_store *s, size_t r)
{
    const xg_rep *rep = &s->reps[r - 1];
    if (rep->last_tick >= s->n_ticks || rep->first_tick > rep->last_tick)
        return NAN;
    return (double)(s->tick_mono_ns[rep->last_tick] -
                    s->tick_mono_ns[rep->first_tick]) / 1e9;
}

const char *xg_rep_left_out(const xg_store *s, size_t r)
{
    const xg_rep *rep = &s->reps[r - 1];
    if (rep->warmup)
        return "warmup";
    if (rep->state == XG_REP_PARTIAL)
        return "partial";
    if (rep->state != XG_REP_WHOLE)
        return "running";
    return NULL;
}

const char *xg_rstat_outliers(const xg_rmodel *rm, const xg_rstat *st,
                              char *buf, size_t len)
{
    xg_sb sb = XG_SB_INIT;
    for (size_t d = 0; d < rm->fs.n_draws; d++)
        if (st->outlier[d])
            xg_sb_printf(&sb, "%s%u", sb.len ? " " : "", rm->fs.draw_rep[d]);
    if (xg_sb_put(&sb, buf, len) < 0 && len)
        buf[0] = '\0';
    if (!sb.len && len)
        buf[0] = '\0';
    xg_sb_free(&sb);
    return buf;
}

static int add_line(xg_rmodel *rm, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int add_line(xg_rmodel *rm, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = xg_lines_vaddf(&rm->lines, fmt, ap);
    va_end(ap);
    return rc;
}

/* "SIGINT" from the run's partial_reason ("interrupted by SIGINT after
 * ..."), into buf; "" when it names none. */
static const char *stop_signal(const xg_store *s, char *buf, size_t len)
{
    const char *why = xg_store_meta_get(s, "partial_reason");
    const char *p = why ? strstr(why, "SIG") : NULL;
    size_t n = 0;
    while (p && n + 1 < len && p[n] >= 'A' && p[n] <= 'Z')
        n++;
    if (p && n > 3)
        memcpy(buf, p, n);
    buf[p && n > 3 ? n : 0] = '\0';
    return buf;
}

/* A line per repetition left out, and why. */
static int left_out_lines(xg_rmodel *rm)
{
    const xg_store *s = rm->s;
    char sig[16];
    stop_signal(s, sig, sizeof(sig));
    for (size_t r = 1; r <= s->n_reps; r++) {
        const char *why = xg_rep_left_out(s, r);
        int rc = 0;
        if (!why)
            continue;
        if (strcmp(why, "warmup") == 0)
            rc = add_line(rm, "repetition %zu is a warmup: its figures are "
                          "left out", r);
        else if (strcmp(why, "partial") == 0)
            rc = add_line(rm, "repetition %zu was cut short%s%s: its figures "
                          "are left out", r, *sig ? " by " : "", sig);
        else
            rc = add_line(rm, "repetition %zu did not end (the run stopped "
                          "during it): its figures are left out", r);
        if (rc)
            return -1;
    }
    if (xg_store_meta_get(s, "sched.xentrace") &&
        add_line(rm, "%s", XG_SLICE_SCHED_NOTE) < 0)
        return -1;
    return 0;
}

static int stat_of(xg_rmodel *rm, const xg_fig *f)
{
    size_t nd = rm->fs.n_draws;
    xg_rstat *st = &rm->st[rm->n_st];
    memset(st, 0, sizeof(*st));
    st->f = f;
    xg_stats_summary(f->v, nd, XG_REP_CONF, &st->sum);
    if (st->sum.n == 0)
        return 0; /* never measured: no row */
    if (!(st->outlier = calloc(nd, sizeof(bool))))
        return -1;
    st->n_outliers = xg_stats_outliers(f->v, nd, st->outlier);
    st->high_cv = isfinite(st->sum.cv_pct) &&
                  st->sum.cv_pct > XG_STATS_UNSTABLE_CV;
    st->few = st->sum.n < XG_STATS_MIN_N;
    st->unstable = st->high_cv || st->few;
    rm->n_st++;
    return 0;
}

/* The statistics grouped by section, sections in order of first sight. */
static int group(xg_rmodel *rm)
{
    if (!(rm->secs = calloc(rm->n_st ? rm->n_st : 1, sizeof(*rm->secs))))
        return -1;
    for (size_t i = 0; i < rm->n_st; i++) {
        const xg_fig *f = rm->st[i].f; /* set by stat_of */
        const char *name = f && f->section ? f->section : "";
        xg_rsec *sec = NULL;
        for (size_t j = 0; j < rm->n_secs && !sec; j++)
            if (rm->secs[j].name && strcmp(rm->secs[j].name, name) == 0)
                sec = &rm->secs[j];
        if (!sec) {
            sec = &rm->secs[rm->n_secs++];
            sec->name = name;
            if (!(sec->idx = malloc(rm->n_st * sizeof(size_t))))
                return -1;
        }
        sec->idx[sec->n++] = i;
    }
    return 0;
}

/* Lines on the draws: N = 1, few repetitions, figures with a high CV. */
static int trust_lines(xg_rmodel *rm)
{
    size_t nd = rm->fs.n_draws, high = 0;
    for (size_t i = 0; i < rm->n_st; i++)
        high += rm->st[i].high_cv;
    if (nd == 1 && add_line(rm, "N = 1: no interval (one whole repetition: "
                            "no spread to estimate)") < 0)
        return -1;
    if (nd > 1 && nd < XG_STATS_MIN_N &&
        add_line(rm, "%zu repetitions: the interval is wide; the result may "
                 "be unstable (%d or more make it narrower)", nd,
                 XG_STATS_MIN_N) < 0)
        return -1;
    if (high && add_line(rm, "%zu figure%s vary by more than %.0f %% (CV) "
                         "between repetitions: the result may be unstable "
                         "(marked unstable)", high, high == 1 ? "" : "s",
                         XG_STATS_UNSTABLE_CV) < 0)
        return -1;
    return 0;
}

static int build_stats(xg_rmodel *rm)
{
    char err[256];
    int rc = xg_figset_build(&rm->fs, rm->s, rm->o, err, sizeof(err));
    if (rc == -2) {
        rm->no_draw = true;
        return add_line(rm, "%s", err);
    }
    if (rc < 0 || !(rm->st = calloc(rm->fs.n ? rm->fs.n : 1,
                                    sizeof(*rm->st))))
        return -1;
    for (size_t i = 0; i < rm->fs.n; i++)
        if (stat_of(rm, &rm->fs.f[i]) < 0)
            return -1;
    return group(rm) < 0 ? -1 : trust_lines(rm);
}

int xg_rmodel_build(xg_rmodel *rm, const xg_store *s,
                    const xg_report_opts *o)
{
    xg_report_def head = *xg_report_definition();
    memset(rm, 0, sizeof(*rm));
    rm->s = s;
    rm->o = o;
    head.n_sections = 0;
    if (xg_model_build(&rm->head, &head, s, o) < 0)
        return -1;
    /* what is left out is the report's sections', not the header's */
    free(rm->head.left_out);
    rm->head.left_out = xg_model_left_out(xg_report_definition(), s);
    if (left_out_lines(rm) < 0 || build_stats(rm) < 0) {
        xg_rmodel_free(rm);
        return -1;
    }
    return 0;
}

void xg_rmodel_free(xg_rmodel *rm)
{
    xg_model_free(&rm->head);
    for (size_t i = 0; i < rm->n_st; i++)
        free(rm->st[i].outlier);
    free(rm->st);
    for (size_t i = 0; i < rm->n_secs; i++)
        free(rm->secs[i].idx);
    free(rm->secs);
    xg_lines_free(&rm->lines);
    xg_figset_free(&rm->fs);
    memset(rm, 0, sizeof(*rm));
}

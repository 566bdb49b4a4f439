/* figures.c — a report's figures as values matched across draws
 * (figures.h): the repetitions of a repeated run, each a model built on
 * its slice (core/slice.c), or the intervals of a single run.
 *
 * The figures are kept in report order in an array; the key
 * (family, domain, device, metric) -> figure map is an open-addressing hash
 * table of indexes (at most half full), so a lookup is O(1) expected
 * whatever the number of domains. */
#include "report/figures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"

typedef struct fig_index {
    uint32_t *slot; /* figure index + 1; 0: empty */
    size_t cap;     /* a power of 2 */
} fig_index;

/* FNV-1a over the four strings, each with its NUL. */
static uint32_t key_hash(const char *family, const char *domain,
                         const char *device, const char *metric)
{
    const char *parts[4] = {family, domain, device, metric};
    uint32_t h = 2166136261u;
    for (int i = 0; i < 4; i++) {
        const char *part = parts[i] ? parts[i] : "";
        const unsigned char *p = (const unsigned char *)part;
        do {
            h ^= *p;
            h *= 16777619u;
        } while (*p++);
    }
    return h;
}

static bool fig_is(const xg_fig *f, const char *family, const char *domain,
                   const char *device, const char *metric)
{
    return strcmp(f->metric, metric) == 0 && strcmp(f->domain, domain) == 0 &&
           strcmp(f->device, device ? device : "") == 0 &&
           strcmp(f->family, family) == 0;
}

/* The slot of the key: the figure's, or the empty one it would take;
 * NULL before the index has any. */
static uint32_t *index_slot(const xg_figset *fs, const char *family,
                            const char *domain, const char *device,
                            const char *metric)
{
    const fig_index *ix = fs->index;
    if (!ix || !ix->slot || !ix->cap)
        return NULL;
    size_t mask = ix->cap - 1;
    size_t i = key_hash(family, domain, device, metric) & mask;
    for (;; i = (i + 1) & mask) {
        uint32_t v = ix->slot[i];
        if (!v || fig_is(&fs->f[v - 1], family, domain, device, metric))
            return &ix->slot[i];
    }
}

static int index_grow(xg_figset *fs)
{
    fig_index *ix = fs->index;
    size_t cap = ix->cap ? 2 * ix->cap : 64;
    uint32_t *slot = calloc(cap, sizeof(*slot));
    if (!slot)
        return -1;
    free(ix->slot);
    ix->slot = slot;
    ix->cap = cap;
    for (size_t i = 0; i < fs->n; i++) {
        const xg_fig *f = &fs->f[i];
        uint32_t *at = index_slot(fs, f->family, f->domain, f->device,
                                  f->metric);
        if (at) /* always: the slots were just made */
            *at = (uint32_t)i + 1;
    }
    return 0;
}

const xg_fig *xg_figset_find(const xg_figset *fs, const char *family,
                             const char *domain, const char *device,
                             const char *metric)
{
    const fig_index *ix = fs ? fs->index : NULL;
    if (!ix || !ix->cap || !family || !domain || !metric)
        return NULL;
    const uint32_t *slot = index_slot(fs, family, domain, device, metric);
    return slot && *slot ? &fs->f[*slot - 1] : NULL;
}

static void fig_free(xg_fig *f)
{
    free(f->section);
    free(f->family);
    free(f->domain);
    free(f->device);
    free(f->metric);
    free(f->unit);
    free(f->v);
}

void xg_figset_free(xg_figset *fs)
{
    fig_index *ix = fs->index;
    for (size_t i = 0; i < fs->n; i++)
        fig_free(&fs->f[i]);
    free(fs->f);
    free(fs->draw_rep);
    if (ix)
        free(ix->slot);
    free(ix);
    memset(fs, 0, sizeof(*fs));
}

/* What a new figure is made of. */
typedef struct fig_key {
    const char *section, *family, *domain, *device, *metric, *unit;
    int prec;
    bool plot, is_host;
} fig_key;

static int fig_init(xg_fig *f, const fig_key *k, size_t n_draws)
{
    memset(f, 0, sizeof(*f));
    f->section = strdup(k->section);
    f->family = strdup(k->family);
    f->domain = strdup(k->domain ? k->domain : "");
    f->device = strdup(k->device ? k->device : "");
    f->metric = strdup(k->metric);
    f->unit = strdup(k->unit ? k->unit : "");
    f->v = malloc((n_draws ? n_draws : 1) * sizeof(*f->v));
    f->prec = k->prec;
    f->plot = k->plot;
    f->is_host = k->is_host;
    if (!f->section || !f->family || !f->domain || !f->device ||
        !f->metric || !f->unit || !f->v) {
        fig_free(f);
        return -1;
    }
    for (size_t i = 0; i < n_draws; i++)
        f->v[i] = NAN;
    return 0;
}

/* The figure of k (made when new); its index, or -1 on ENOMEM. */
static int64_t fig_get(xg_figset *fs, const fig_key *k)
{
    fig_index *ix = fs->index;
    if (2 * (fs->n + 1) > ix->cap && index_grow(fs) < 0)
        return -1;
    uint32_t *slot = index_slot(fs, k->family, k->domain, k->device,
                                k->metric);
    if (!slot)
        return -1;
    if (*slot)
        return *slot - 1;
    if (fs->n == fs->cap) {
        size_t cap = fs->cap ? 2 * fs->cap : 64;
        xg_fig *f = realloc(fs->f, cap * sizeof(*f));
        if (!f)
            return -1;
        fs->f = f;
        fs->cap = cap;
    }
    if (fig_init(&fs->f[fs->n], k, fs->n_draws) < 0)
        return -1;
    *slot = (uint32_t)++fs->n;
    return (int64_t)fs->n - 1;
}

/* Puts v as draw d of k's figure (a draw's first value for a key wins:
 * two domains of one name are one figure, the first one's). */
static int fig_put(xg_figset *fs, const fig_key *k, size_t d, double v)
{
    int64_t i = fig_get(fs, k);
    if (i < 0)
        return -1;
    if (isnan(fs->f[i].v[d]))
        fs->f[i].v[d] = v;
    return 0;
}

static void key_of(fig_key *k, const xg_msection *ms, const xg_mtable *t,
                   size_t r, size_t c)
{
    const xg_row *row = &t->rows[r];
    const xg_domain_info *dom = &t->s->domains[row->dom];
    *k = (fig_key){ms->name, t->family, xg_store_dom_label(t->s, row->dom), row->device,
                   t->cols[c].metric, t->cols[c].unit, t->cols[c].prec,
                   (t->cols[c].flags & XG_COL_PLOT) != 0, dom->is_host};
}

/* Whether column c of t is a figure (as CSV's window rows have it). */
static bool is_fig_col(const xg_mtable *t, size_t c)
{
    return !(t->cols[c].flags & XG_COL_TABLE_ONLY) && t->cols[c].metric;
}

/* Every window cell of the model's tables as draw d. */
static int model_draw(xg_figset *fs, const xg_model *m, size_t d)
{
    for (size_t i = 0; i < m->n_secs; i++)
        for (size_t j = 0; j < m->secs[i].n_blocks; j++) {
            const xg_mtable *t = m->secs[i].blocks[j].table;
            for (size_t r = 0; t && t->family && r < t->n_rows; r++)
                for (size_t c = 0; c < t->rows[r].n_cols; c++) {
                    fig_key k;
                    if (!is_fig_col(t, c))
                        continue;
                    key_of(&k, &m->secs[i], t, r, c);
                    if (fig_put(fs, &k, d, xg_mtable_win(t, r, c)) < 0)
                        return -1;
                }
        }
    return 0;
}

/* The exit code, or 128 + the signal that killed it; NaN when it did not
 * end. */
static double exit_status(const xg_workload *w)
{
    const char *st = w->state ? w->state : "";
    bool term = strcmp(st, "terminated") == 0;
    if (strcmp(st, "exited") == 0 || (term && w->signal == 0))
        return w->exit_code;
    if (strcmp(st, "killed") == 0 || term)
        return 128 + w->signal;
    return NAN;
}

/* The workloads of s as draw d: per domain, device "" for its first
 * workload, "#2", "#3"... for the next ones. */
static int workload_draw(xg_figset *fs, const xg_store *s, size_t d)
{
    for (size_t i = 0; i < s->n_workloads; i++) {
        const xg_workload *w = &s->workloads[i];
        unsigned nth = 1;
        char dev[24] = "";
        if (w->domain >= s->n_domains)
            continue;
        for (size_t j = 0; j < i; j++)
            nth += s->workloads[j].domain == w->domain;
        if (nth > 1)
            snprintf(dev, sizeof(dev), "#%u", nth); /* fits: 24 > "#" + 10 */
        const xg_domain_info *dom = &s->domains[w->domain];
        fig_key k = {"workload", "workload", xg_store_dom_label(s, w->domain), dev, "duration_s",
                     "s", 3, false, dom->is_host};
        double dur = w->end_ns < 0 ? NAN
                                   : (double)(w->end_ns - w->start_ns) / 1e9;
        if (fig_put(fs, &k, d, dur) < 0)
            return -1;
        k.metric = "exit_status";
        k.unit = "";
        k.prec = 0;
        if (fig_put(fs, &k, d, exit_status(w)) < 0)
            return -1;
    }
    return 0;
}

/* Draw d: repetition rep's slice, its model, its figures. */
static int rep_draw(xg_figset *fs, const xg_store *s, uint32_t rep, size_t d,
                    const xg_report_opts *o)
{
    xg_store one;
    xg_model m;
    int rc = -1;
    if (xg_store_slice(s, rep, &one) < 0)
        return -1;
    if (xg_model_build(&m, xg_report_definition(), &one, o) == 0) {
        rc = model_draw(fs, &m, d);
        if (!rc)
            rc = workload_draw(fs, &one, d);
        xg_model_free(&m);
    }
    xg_store_free(&one);
    return rc;
}

static int build_reps(xg_figset *fs, const xg_store *s,
                      const xg_report_opts *o)
{
    fs->kind = XG_DRAWS_REPS;
    fs->draw_rep = calloc(s->n_reps ? s->n_reps : 1, sizeof(uint32_t));
    if (!fs->draw_rep)
        return -1;
    for (size_t r = 0; r < s->n_reps; r++)
        if (!s->reps[r].warmup && s->reps[r].state == XG_REP_WHOLE)
            fs->draw_rep[fs->n_draws++] = (uint32_t)r + 1;
    for (size_t d = 0; d < fs->n_draws; d++)
        if (rep_draw(fs, s, fs->draw_rep[d], d, o) < 0)
            return -1;
    return 0;
}

/* Interval draws of one table: its cells' figures found once (into fig,
 * n_cols long), then filled interval by interval. */
static int table_intervals(xg_figset *fs, const xg_msection *ms,
                           const xg_mtable *t, double *buf, int64_t *fig)
{
    for (size_t r = 0; r < t->n_rows; r++) {
        size_t n = t->rows[r].n_cols;
        for (size_t c = 0; c < n; c++) {
            fig_key k;
            fig[c] = -1;
            if (!is_fig_col(t, c))
                continue;
            key_of(&k, ms, t, r, c);
            if ((fig[c] = fig_get(fs, &k)) < 0)
                return -1;
        }
        for (uint32_t i = 1; i <= fs->n_draws; i++) {
            double a, b;
            const double *v = xg_mtable_scope(t, r, i, buf, &a, &b);
            for (size_t c = 0; c < n; c++)
                if (fig[c] >= 0 && isnan(fs->f[fig[c]].v[i - 1]))
                    fs->f[fig[c]].v[i - 1] = v[c];
        }
    }
    return 0;
}

static int build_intervals(xg_figset *fs, const xg_store *s,
                           const xg_report_opts *o)
{
    xg_model m;
    double *buf = NULL;
    int64_t *fig = NULL;
    int rc = -1;
    fs->kind = XG_DRAWS_INTERVALS;
    fs->n_draws = s->n_ticks > 1 ? s->n_ticks - 1 : 0;
    if (xg_model_build(&m, xg_report_definition(), s, o) < 0)
        return -1;
    buf = malloc(xg_model_widest(&m) * sizeof(*buf));
    fig = malloc(xg_model_widest(&m) * sizeof(*fig));
    if (buf && fig) {
        rc = 0;
        for (size_t i = 0; i < m.n_secs && !rc; i++)
            for (size_t j = 0; j < m.secs[i].n_blocks && !rc; j++) {
                const xg_mtable *t = m.secs[i].blocks[j].table;
                if (t && t->family && !(t->flags & XG_TAB_NO_SERIES))
                    rc = table_intervals(fs, &m.secs[i], t, buf, fig);
            }
        /* a single run's workloads ran once: their figures have one value,
         * draw 0, and no more (n = 1, not n_draws copies of one) */
        if (!rc && fs->n_draws)
            rc = workload_draw(fs, s, 0);
    }
    free(buf);
    free(fig);
    xg_model_free(&m);
    return rc;
}

int xg_figset_build(xg_figset *fs, const xg_store *s,
                    const xg_report_opts *o, char *err, size_t errlen)
{
    xg_report_opts defaults = {XG_FMT_TEXT, false};
    memset(fs, 0, sizeof(*fs));
    if (!o)
        o = &defaults;
    if (!(fs->index = calloc(1, sizeof(fig_index))) ||
        (s->n_reps ? build_reps(fs, s, o) : build_intervals(fs, s, o)) < 0) {
        xg_figset_free(fs);
        snprintf(err, errlen, "figures of the recording: out of memory");
        return -1;
    }
    if (fs->n_draws == 0) {
        int n = s->n_reps
            ? snprintf(err, errlen, "no whole repetition to report (of %zu, "
                       "warmups and cut-short ones are left out)", s->n_reps)
            : snprintf(err, errlen, "%s: no interval to report",
                       s->n_ticks ? "only one sample" : "no samples");
        if (n >= 0 && (size_t)n >= errlen)
            xg_mark_cut(err, errlen);
        xg_figset_free(fs);
        return -2;
    }
    return 0;
}

/* compare.c — two recordings' figures matched and tested (compare.h). */
#include "report/compare.h"
#include "report/envdiff.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/schema.h"
#include "report/calc.h"
#include "util/grow.h"
#include "util/strbuf.h"

/* The distinct domains of a figset's figures, in report order: the
 * others, and the host's name (NULL: none). */
typedef struct dlist {
    const char **name;
    size_t n;
    const char *host;
} dlist;

static bool in_list(const dlist *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->name[i], name) == 0)
            return true;
    return false;
}

/* Whether f is the host row of a one-host recording, paired with the
 * other's host row whatever its name. A multi-host recording's host rows
 * are "HOST/host" (xg_store_dom_label): paired by that, as domains are. */
static bool the_host(const xg_fig *f)
{
    return f->is_host && !strchr(f->domain, '/');
}

static int dlist_build(dlist *d, const xg_figset *fs)
{
    memset(d, 0, sizeof(*d));
    for (size_t i = 0; i < fs->n; i++) {
        const xg_fig *f = &fs->f[i];
        if (the_host(f)) {
            d->host = d->host ? d->host : f->domain;
            continue;
        }
        if (in_list(d, f->domain))
            continue;
        const char **nn = realloc(d->name, (d->n + 1) * sizeof(*nn));
        if (!nn)
            return -1;
        d->name = nn;
        d->name[d->n++] = f->domain;
    }
    return 0;
}

/* "a, b, c", or "none" */
static void dlist_text(const dlist *d, xg_sb *sb)
{
    for (size_t i = 0; i < d->n; i++)
        xg_sb_printf(sb, "%s%s", i ? ", " : "", d->name[i]);
    if (!d->n)
        xg_sb_printf(sb, "none");
}

/* The domain pairs: pair[i] is B's name for A's domain name[i] (NULL:
 * unmatched). */
typedef struct pairing {
    dlist da, db;
    const char **pair;
    size_t n_pairs;
} pairing;

static void pairing_free(pairing *p)
{
    free(p->da.name);
    free(p->db.name);
    free(p->pair);
}

static int err_line(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int err_line(char *err, size_t errlen, const char *fmt, ...)
{
    xg_sb sb = XG_SB_INIT;
    va_list ap;

    va_start(ap, fmt);
    xg_sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    if (sb.oom)
        snprintf(err, errlen, "out of memory");
    else
        xg_sb_put(&sb, err, errlen);
    xg_sb_free(&sb);
    return -2;
}

/* B's name of domain a as --match says; NULL when no --match names it. */
static const char *matched_to(const xg_cmp_opts *o, const char *a)
{
    for (size_t i = 0; a && i < o->n_match; i++)
        if (o->match[i].a && strcmp(o->match[i].a, a) == 0)
            return o->match[i].b;
    return NULL;
}

static bool match_takes(const xg_cmp_opts *o, const char *b)
{
    for (size_t i = 0; b && i < o->n_match; i++)
        if (o->match[i].b && strcmp(o->match[i].b, b) == 0)
            return true;
    return false;
}

/* Each --match names a domain of its recording (the host's included). */
static int check_matches(const pairing *p, const xg_cmp_input *a,
                         const xg_cmp_input *b, const xg_cmp_opts *o,
                         char *err, size_t errlen)
{
    for (size_t i = 0; i < o->n_match; i++) {
        const xg_cmp_match *m = &o->match[i];
        const dlist *d = NULL;
        const char *file = NULL, *name = NULL;
        if (!in_list(&p->da, m->a))
            d = &p->da, file = a->file, name = m->a;
        else if (!in_list(&p->db, m->b))
            d = &p->db, file = b->file, name = m->b;
        if (!d)
            continue;
        xg_sb sb = XG_SB_INIT;
        dlist_text(d, &sb);
        err_line(err, errlen, "--match %s=%s: %s has no domain '%s' (its "
                 "domains: %s)", m->a, m->b, file, name, xg_sb_str(&sb));
        xg_sb_free(&sb);
        return -2;
    }
    return 0;
}

/* Pairs A's domains with B's: --match first, then by name. */
static int pair_domains(pairing *p, const xg_cmp_input *a,
                        const xg_cmp_input *b, const xg_cmp_opts *o,
                        char *err, size_t errlen)
{
    memset(p, 0, sizeof(*p));
    if (dlist_build(&p->da, a->fs) < 0 || dlist_build(&p->db, b->fs) < 0 ||
        !(p->pair = calloc(p->da.n + 1, sizeof(*p->pair))))
        return err_line(err, errlen, "out of memory") + 1;
    int rc = check_matches(p, a, b, o, err, errlen);
    if (rc)
        return rc;
    for (size_t i = 0; i < p->da.n; i++) {
        const char *name = p->da.name[i], *to = matched_to(o, name);
        if (!to && in_list(&p->db, name) && !match_takes(o, name))
            to = name;
        p->pair[i] = to;
        p->n_pairs += to != NULL;
    }
    if (p->n_pairs || (!p->da.n && !p->db.n))
        return 0;
    xg_sb sa = XG_SB_INIT, sb = XG_SB_INIT;
    dlist_text(&p->da, &sa);
    dlist_text(&p->db, &sb);
    err_line(err, errlen, "no domain in common: %s has %s; %s has %s (pair "
             "them with --match A=B)", a->file, xg_sb_str(&sa), b->file,
             xg_sb_str(&sb));
    xg_sb_free(&sa);
    xg_sb_free(&sb);
    return -2;
}

/* B's name for figure f of A, or NULL when its domain has no pair. */
static const char *b_domain(const pairing *p, const xg_fig *f)
{
    if (the_host(f))
        return p->db.host;
    for (size_t i = 0; i < p->da.n; i++)
        if (strcmp(p->da.name[i], f->domain) == 0)
            return p->pair[i];
    return NULL;
}

/* A's name for figure f of B, or NULL when its domain has no pair. */
static const char *a_domain(const pairing *p, const xg_fig *f)
{
    if (the_host(f))
        return p->da.host;
    for (size_t i = 0; i < p->da.n; i++)
        if (p->pair[i] && strcmp(p->pair[i], f->domain) == 0)
            return p->da.name[i];
    return NULL;
}

static int add_warn(xg_compare *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int add_warn(xg_compare *c, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = xg_lines_vaddf(&c->warn, fmt, ap);
    va_end(ap);
    return rc;
}

/* Tests figure pair (fa, fb) and appends it. */
static int add_fig(xg_compare *c, const xg_fig *fa, const xg_fig *fb)
{
    if (xg_grow_to((void **)&c->f, &c->n, &c->cap, sizeof(*c->f), c->n) < 0)
        return -1;
    xg_cmp_fig *f = &c->f[c->n - 1];
    f->a = fa;
    f->b = fb;
    f->intervals = c->a.fs->kind != XG_DRAWS_REPS ||
                   c->b.fs->kind != XG_DRAWS_REPS;
    if (f->intervals)
        xg_stats_mann_whitney(fa->v, c->a.fs->n_draws, fb->v,
                              c->b.fs->n_draws, c->alpha, &f->t);
    else
        xg_stats_welch(fa->v, c->a.fs->n_draws, fb->v, c->b.fs->n_draws,
                       c->alpha, &f->t);
    f->verdict = xg_stats_verdict(&f->t, c->alpha);
    return 0;
}

/* "family metric" of domain (device), for the warnings. */
static void fig_name(xg_sb *sb, const xg_fig *f)
{
    xg_sb_printf(sb, "%s.%s of %s%s%s", f->family, f->metric, f->domain,
                 *f->device ? " " : "", f->device);
}

/* Every figure of A in a paired domain, tested against B's; a warning
 * for those of either side the other has not. */
static int match_figures(xg_compare *c, const pairing *p)
{
    size_t only_a = 0, only_b = 0;
    xg_sb ea = XG_SB_INIT, eb = XG_SB_INIT;
    int rc = 0;

    for (size_t i = 0; i < c->a.fs->n && !rc; i++) {
        const xg_fig *fa = &c->a.fs->f[i];
        const char *dom = b_domain(p, fa);
        const xg_fig *fb = dom ? xg_figset_find(c->b.fs, fa->family, dom,
                                                fa->device, fa->metric)
                               : NULL;
        if (fb)
            rc = add_fig(c, fa, fb);
        else if (dom && !only_a++)
            fig_name(&ea, fa);
    }
    for (size_t i = 0; i < c->b.fs->n && !rc; i++) {
        const xg_fig *fb = &c->b.fs->f[i];
        const char *dom = a_domain(p, fb);
        if (dom && !xg_figset_find(c->a.fs, fb->family, dom, fb->device,
                                   fb->metric) && !only_b++)
            fig_name(&eb, fb);
    }
    if (!rc && only_a)
        rc = add_warn(c, "%zu figure(s) of %s have none in %s (%s%s)",
                      only_a, c->a.file, c->b.file, xg_sb_str(&ea),
                      only_a > 1 ? ", ..." : "");
    if (!rc && only_b)
        rc = add_warn(c, "%zu figure(s) of %s have none in %s (%s%s)",
                      only_b, c->b.file, c->a.file, xg_sb_str(&eb),
                      only_b > 1 ? ", ..." : "");
    rc = rc || ea.oom || eb.oom ? -1 : 0;
    xg_sb_free(&ea);
    xg_sb_free(&eb);
    return rc;
}

/* Domains of either side left without a pair. */
static int unpaired_warnings(xg_compare *c, const pairing *p)
{
    xg_sb sa = XG_SB_INIT, sb = XG_SB_INIT;
    int rc = 0;

    for (size_t i = 0; i < p->da.n; i++)
        if (!p->pair[i])
            xg_sb_printf(&sa, "%s%s", sa.len ? ", " : "", p->da.name[i]);
    for (size_t i = 0; i < p->db.n; i++) {
        bool paired = false;
        for (size_t j = 0; j < p->da.n && !paired; j++)
            paired = p->pair[j] && strcmp(p->pair[j], p->db.name[i]) == 0;
        if (!paired)
            xg_sb_printf(&sb, "%s%s", sb.len ? ", " : "", p->db.name[i]);
    }
    if (sa.len)
        rc = add_warn(c, "domains only in %s (not compared): %s", c->a.file,
                      xg_sb_str(&sa));
    if (!rc && sb.len)
        rc = add_warn(c, "domains only in %s (not compared): %s", c->b.file,
                      xg_sb_str(&sb));
    if (!rc && (!p->da.host) != (!p->db.host))
        rc = add_warn(c, "only %s has the host's row (not compared)",
                      p->da.host ? c->a.file : c->b.file);
    rc = rc || sa.oom || sb.oom ? -1 : 0;
    xg_sb_free(&sa);
    xg_sb_free(&sb);
    return rc;
}

/* What a side's draws are, when it needs saying. */
static int draw_warnings(xg_compare *c, const xg_cmp_input *in)
{
    const xg_figset *fs = in->fs;
    size_t n_reps = in->s->n_reps;

    if (fs->kind == XG_DRAWS_REPS && n_reps > fs->n_draws)
        return add_warn(c, "%s: %zu of its %zu repetitions left out (warmup "
                        "or not whole)", in->file, n_reps - fs->n_draws,
                        n_reps);
    if (fs->kind == XG_DRAWS_INTERVALS && n_reps)
        return add_warn(c, "%s: a repeated run compared with a single one: "
                        "taken by interval, over its whole window (warmup "
                        "and pauses included)", in->file);
    return 0;
}

/* The warnings on the draws and the test. */
static int test_warnings(xg_compare *c)
{
    double ia, ib;
    bool has_a = xg_calc_meta_double(c->a.s, "interval_s", &ia);
    bool has_b = xg_calc_meta_double(c->b.s, "interval_s", &ib);

    if (draw_warnings(c, &c->a) < 0 || draw_warnings(c, &c->b) < 0)
        return -1;
    if (c->a.fs->kind == XG_DRAWS_INTERVALS ||
        c->b.fs->kind == XG_DRAWS_INTERVALS) {
        if (add_warn(c, "tested on intervals (Mann-Whitney U): the intervals "
                     "of one run are not independent, so p-values are too "
                     "small; repeat the runs (run --repeat) for Welch's "
                     "t-test") < 0)
            return -1;
        if (has_a && has_b && fabs(ia - ib) > 1e-9 * fmax(ia, ib) &&
            add_warn(c, "the intervals differ (%g s in %s, %g s in %s): "
                     "per-interval amounts (s, MB, packets, events) do not "
                     "compare", ia, c->a.file, ib, c->b.file) < 0)
            return -1;
    }
    return 0;
}

/* The differences of the two recordings' environments that can change
 * results (CPU model, kernel, governor, vCPUs...: envdiff.h), each line a
 * warning, before all others. */
static int env_warnings(xg_compare *c)
{
    char **lines;
    size_t n;
    int rc = xg_env_diff(c->a.s, c->b.s, &lines, &n);

    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = add_warn(c, "environment: %s", lines[i]);
    xg_env_diff_free(lines, n);
    return rc;
}

int xg_compare_build(xg_compare *c, const xg_cmp_input *a,
                     const xg_cmp_input *b, const xg_cmp_opts *o, char *err,
                     size_t errlen)
{
    pairing p;
    int rc;

    memset(c, 0, sizeof(*c));
    if (!(o->alpha > 0 && o->alpha <= 0.5))
        return err_line(err, errlen, "--alpha %g: not in (0, 0.5]",
                        o->alpha);
    c->a = *a;
    c->b = *b;
    c->alpha = o->alpha;
    rc = pair_domains(&p, a, b, o, err, errlen);
    if (!rc && (env_warnings(c) < 0 || test_warnings(c) < 0 ||
                unpaired_warnings(c, &p) < 0 || match_figures(c, &p) < 0))
        rc = err_line(err, errlen, "out of memory") + 1;
    pairing_free(&p);
    if (rc)
        xg_compare_free(c);
    return rc;
}

void xg_compare_free(xg_compare *c)
{
    xg_lines_free(&c->warn);
    free(c->f);
    memset(c, 0, sizeof(*c));
}

/* The figset of one side; on failure err names its file. */
static int side_figset(const xg_cmp_input *in, const xg_store *s,
                       xg_figset *fs, char *err, size_t errlen)
{
    static const xg_report_opts ro = {XG_FMT_TEXT, false};
    char why[1024];
    int rc = xg_figset_build(fs, s, &ro, why, sizeof(why));

    if (rc < 0) {
        xg_mark_cut(why, sizeof(why));
        err_line(err, errlen, "%s: %s", in->file, why);
    }
    return rc;
}

int xg_cmp_figsets(const xg_cmp_input *a, xg_figset *fa,
                   const xg_cmp_input *b, xg_figset *fb, char *err,
                   size_t errlen)
{
    xg_store sa = *a->s, sb = *b->s; /* shallow copies, only read */
    int rc;

    memset(fa, 0, sizeof(*fa));
    memset(fb, 0, sizeof(*fb));
    if (!sa.n_reps != !sb.n_reps) /* one is single: both by interval */
        sa.n_reps = sb.n_reps = 0;
    rc = side_figset(a, &sa, fa, err, errlen);
    if (rc == 0 && (rc = side_figset(b, &sb, fb, err, errlen)) < 0)
        xg_figset_free(fa);
    return rc;
}

const char *xg_cmp_draws_name(const xg_figset *fs)
{
    return fs->kind == XG_DRAWS_REPS ? "repetitions" : "intervals";
}

const char *xg_cmp_test_name(xg_test_kind k)
{
    return k == XG_TEST_WELCH ? "welch" : k == XG_TEST_MWU ? "mann-whitney"
                                                           : "-";
}

bool xg_cmp_changed(const xg_cmp_fig *f)
{
    return f->verdict == XG_VERDICT_HIGHER || f->verdict == XG_VERDICT_LOWER;
}

const char *xg_cmp_verdict_text(const xg_cmp_fig *f, char *buf, size_t len)
{
    int n;

    if (f->verdict != XG_VERDICT_NONE)
        return xg_verdict_name(f->verdict);
    n = snprintf(buf, len, "- (%s)", f->t.why ? f->t.why : "no test");
    if (n < 0 || (size_t)n >= len)
        xg_mark_cut(buf, len);
    return buf;
}

bool xg_cmp_fig_named(const xg_cmp_fig *f, const char *fig)
{
    const char *dot = strchr(fig, '.');

    if (!dot)
        return strcmp(f->a->metric, fig) == 0;
    return strlen(f->a->family) == (size_t)(dot - fig) &&
           strncmp(f->a->family, fig, dot - fig) == 0 &&
           strcmp(f->a->metric, dot + 1) == 0;
}

/* Adds "family.metric" to list (", " between) unless there. */
static void list_add(xg_sb *list, const char *family, const char *metric)
{
    xg_sb one = XG_SB_INIT;

    xg_sb_printf(&one, "%s.%s", family, metric);
    if (!one.oom && !xg_calc_in_list(xg_sb_str(list), ", ", one.s))
        xg_sb_printf(list, "%s%s", list->len ? ", " : "", one.s);
    list->oom |= one.oom;
    xg_sb_free(&one);
}

/* A store with one domain that has every series of the schema a whole
 * domain can have (the cache section's columns follow its series). In
 * reverse schema order: the LLC pair after the other cache events, so the
 * cache section removes it from its event list from the end (valgrind
 * takes glibc's __memmove_chk, an alias of __memcpy_chk here, for a
 * memcpy and reports the overlap of a move from the middle). */
static int probe_store(xg_store *s)
{
    xg_domain_info d = {.key = "probe", .name = "probe", .platform_id = -1,
                        .first_tick = -1, .last_tick = -1};

    xg_store_init(s, 0);
    if (xg_store_add_domain(s, &d) < 0)
        return -1;
    for (size_t i = XG_S_COUNT; i-- > 0;)
        if (!(xg_schema[i].flags & XG_SF_DYNAMIC) &&
            (xg_schema[i].devices & XG_DEV_WHOLE) &&
            xg_schema_series(s, 0, (xg_sid)i, NULL) < 0)
            return -1;
    return 0;
}

/* Every figure column of the report's sections: the tables of the model
 * of the probe store (every section on), as figures.c takes them. */
static int section_columns(xg_sb *list)
{
    static const xg_report_opts ro = {XG_FMT_TEXT, false};
    xg_store probe;
    xg_model m;
    int rc = probe_store(&probe);

    if (!rc && (rc = xg_model_build(&m, xg_report_definition(), &probe,
                                    &ro)) == 0) {
        for (size_t i = 0; i < m.n_secs; i++)
            for (size_t j = 0; j < m.secs[i].n_blocks; j++) {
                const xg_mtable *t = m.secs[i].blocks[j].table;
                for (size_t c = 0; t && t->family && c < t->n_cols; c++)
                    if (t->cols[c].metric &&
                        !(t->cols[c].flags & XG_COL_TABLE_ONLY))
                        list_add(list, t->family, t->cols[c].metric);
            }
        xg_model_free(&m);
    }
    xg_store_free(&probe);
    return rc < 0 || list->oom ? -1 : 0;
}

/* Whether list ("family.metric, ...") has fig: "family.metric", or a
 * bare metric of any family. */
static bool list_has(const char *list, const char *fig)
{
    size_t n = strlen(fig);

    if (strchr(fig, '.'))
        return xg_calc_in_list(list, ", ", fig);
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        const char *dot = memchr(p, '.', len);
        if (dot && (size_t)(p + len - dot - 1) == n &&
            strncmp(dot + 1, fig, n) == 0)
            return true;
        p += len;
        p += *p ? 2 : 0; /* ", " */
    }
    return false;
}

int xg_cmp_fig_known(const xg_compare *c, const char *fig, bool *known,
                     char **list)
{
    xg_sb sb = XG_SB_INIT;
    const xg_figset *fs[2] = {c->a.fs, c->b.fs};

    if (section_columns(&sb) < 0) {
        xg_sb_free(&sb);
        return -1;
    }
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < fs[k]->n; i++)
            list_add(&sb, fs[k]->f[i].family, fs[k]->f[i].metric);
    if (sb.oom) {
        xg_sb_free(&sb);
        return -1;
    }
    *known = list_has(xg_sb_str(&sb), fig);
    if (list)
        *list = sb.s ? sb.s : strdup("");
    else
        xg_sb_free(&sb);
    return list && !*list ? -1 : 0;
}

size_t xg_cmp_gate(const xg_compare *c, const char *const *figs,
                   size_t n_figs, size_t *hit)
{
    size_t n = 0;

    for (size_t i = 0; i < c->n; i++) {
        if (!xg_cmp_changed(&c->f[i]))
            continue;
        for (size_t j = 0; j < n_figs; j++)
            if (xg_cmp_fig_named(&c->f[i], figs[j])) {
                hit[n++] = i;
                break;
            }
    }
    return n;
}

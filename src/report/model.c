/* model.c — builds the report model (model.h) from a store: the header,
 * then each family's section that the recording names, each followed by
 * the notes the store carries for it. Which sections there are is the
 * caller's (report.c): this file knows none of them, so the sections
 * depend on it and not the other way round. */
#include "report/model.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/schema.h"
#include "recording/recording.h"
#include "report/calc.h"
#include "util/grow.h"
#include "util/strbuf.h"


static xg_block *new_block(xg_msection *ms, xg_block_kind kind)
{
    if (ms->n_blocks == ms->cap_blocks) {
        size_t cap = ms->cap_blocks ? 2 * ms->cap_blocks : 8;
        xg_block *b = realloc(ms->blocks, cap * sizeof(*b));
        if (!b) {
            ms->oom = true;
            return NULL;
        }
        ms->blocks = b;
        ms->cap_blocks = cap;
    }
    xg_block *b = &ms->blocks[ms->n_blocks++];
    memset(b, 0, sizeof(*b));
    b->kind = kind;
    return b;
}

xg_mtable *xg_msection_table(xg_msection *ms, const xg_store *s,
                             const char *family, const char *json_prefix,
                             const char *title, const xg_col *cols,
                             size_t n_cols, xg_fill_fn fill)
{
    xg_mtable *t = calloc(1, sizeof(*t));
    if (!t || (title && !(t->title = strdup(title)))) {
        free(t);
        ms->oom = true;
        return NULL;
    }
    xg_block *b = new_block(ms, XG_BLOCK_TABLE);
    if (!b) {
        free(t->title);
        free(t);
        return NULL;
    }
    t->family = family;
    t->json_prefix = json_prefix;
    t->cols = cols;
    t->n_cols = n_cols;
    t->fill = fill;
    t->s = s;
    b->table = t;
    return t;
}

int xg_mtable_row(xg_mtable *t, uint32_t dom, const char *device,
                  const char *source, uint32_t n_cols, const void *priv)
{
    if (t->n_rows == t->cap_rows) {
        size_t cap = t->cap_rows ? 2 * t->cap_rows : 16;
        xg_row *r = realloc(t->rows, cap * sizeof(*r));
        if (!r)
            return -1;
        t->rows = r;
        t->cap_rows = cap;
    }
    t->rows[t->n_rows++] = (xg_row){
        dom, device ? device : "", NULL, source,
        n_cols && n_cols < t->n_cols ? n_cols : (uint32_t)t->n_cols, priv,
    };
    return 0;
}

int xg_msection_line(xg_msection *ms, const char *fmt, ...)
{
    xg_sb sb = XG_SB_INIT;
    va_list ap;
    va_start(ap, fmt);
    int rc = xg_sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    xg_block *b = rc ? NULL : new_block(ms, XG_BLOCK_LINE);
    if (!b) {
        xg_sb_free(&sb);
        ms->oom = true;
        return -1;
    }
    b->line = sb.s ? sb.s : strdup("");
    if (!b->line) {
        ms->n_blocks--;
        ms->oom = true;
        return -1;
    }
    return 0;
}

int xg_msection_workloads(xg_msection *ms)
{
    return new_block(ms, XG_BLOCK_WORKLOADS) ? 0 : -1;
}

static xg_fact *new_fact(xg_msection *ms, const char *key)
{
    if (ms->n_facts == ms->cap_facts) {
        size_t cap = ms->cap_facts ? 2 * ms->cap_facts : 4;
        xg_fact *f = realloc(ms->facts, cap * sizeof(*f));
        if (!f)
            return NULL;
        ms->facts = f;
        ms->cap_facts = cap;
    }
    xg_fact *f = &ms->facts[ms->n_facts];
    memset(f, 0, sizeof(*f));
    if (!(f->key = strdup(key)))
        return NULL;
    ms->n_facts++;
    return f;
}

int xg_msection_fact_num(xg_msection *ms, const char *key, double v)
{
    xg_fact *f = new_fact(ms, key);
    if (!f) {
        ms->oom = true;
        return -1;
    }
    f->num = v;
    return 0;
}

int xg_msection_fact_int(xg_msection *ms, const char *json_key,
                         const char *key, long long v)
{
    xg_fact *f = new_fact(ms, key);
    if (!f) {
        ms->oom = true;
        return -1;
    }
    f->num = (double)v;
    f->integer = true;
    f->json_key = json_key;
    return 0;
}

int xg_msection_fact_str(xg_msection *ms, const char *key, const char *v)
{
    xg_fact *f = new_fact(ms, key);
    if (!f || !(f->str = strdup(v ? v : ""))) {
        ms->oom = true;
        return -1;
    }
    return 0;
}

double xg_mtable_win(const xg_mtable *t, size_t r, size_t c)
{
    if (r >= t->n_rows || c >= t->rows[r].n_cols)
        return NAN;
    return t->win[r * t->n_cols + c];
}

const double *xg_mtable_scope(const xg_mtable *t, size_t r, uint32_t k,
                              double *buf, double *start_s, double *end_s)
{
    if (!k) {
        *start_s = t->win_start[r];
        *end_s = t->win_end[r];
        return &t->win[r * t->n_cols];
    }
    *start_s = *end_s = 0;
    for (size_t i = 0; i < t->n_cols; i++)
        buf[i] = NAN;
    t->fill(t, &t->rows[r], k, buf, start_s, end_s);
    return buf;
}

size_t xg_model_widest(const xg_model *m)
{
    size_t w = 1;
    for (size_t i = 0; i < m->n_secs; i++)
        for (size_t j = 0; j < m->secs[i].n_blocks; j++) {
            const xg_mtable *t = m->secs[i].blocks[j].table;
            if (t && t->n_cols > w)
                w = t->n_cols;
        }
    return w;
}

bool xg_vals_any(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            return true;
    return false;
}

int xg_model_fill_window(xg_mtable *t)
{
    if (t->win)
        return 0;
    size_t n = t->n_rows ? t->n_rows : 1;
    t->win = malloc(n * t->n_cols * sizeof(double) + 1);
    t->win_start = malloc(n * sizeof(double));
    t->win_end = malloc(n * sizeof(double));
    if (!t->win || !t->win_start || !t->win_end)
        return -1;
    for (size_t r = 0; r < t->n_rows; r++) {
        double *v = &t->win[r * t->n_cols];
        for (size_t c = 0; c < t->n_cols; c++)
            v[c] = NAN;
        t->fill(t, &t->rows[r], 0, v, &t->win_start[r], &t->win_end[r]);
    }
    return 0;
}

static int fill_windows(xg_msection *ms)
{
    for (size_t i = 0; i < ms->n_blocks; i++)
        if (ms->blocks[i].kind == XG_BLOCK_TABLE &&
            xg_model_fill_window(ms->blocks[i].table) < 0)
            return -1;
    return 0;
}

/* The notes of a section's series (e.g. a disk whose QMP source stopped
 * answering), once per domain and device. "domain vanished" is left out:
 * the span column says it. */
static int series_notes(xg_msection *ms, const xg_store *s, const char *fam)
{
    const xg_series *prev = NULL;
    int rc = 0;

    for (size_t i = 0; i < s->n_series && !rc; i++) {
        const xg_series *x = &s->series[i];
        if (!x->note || !strstr(x->family, fam) ||
            strcmp(x->note, "domain vanished") == 0)
            continue;
        if (prev && prev->domain == x->domain &&
            strcmp(prev->device, x->device) == 0 &&
            strcmp(prev->note, x->note) == 0)
            continue;
        rc = xg_msection_line(ms, "note: %s%s%s: %s",
                              xg_store_dom_label(s, x->domain),
                              *x->device ? " " : "", x->device, x->note);
        prev = x;
    }
    return rc;
}

/* The section's meta note ("note.<family>"), then its series' notes. */
static int section_notes(xg_msection *ms, const xg_store *s)
{
    xg_sb key = XG_SB_INIT;
    int rc = xg_sb_printf(&key, "note.%s", ms->name);
    const char *note = rc ? NULL : xg_store_meta_get(s, xg_sb_str(&key));
    xg_sb_free(&key);
    if (!rc && note && *note)
        rc = xg_msection_line(ms, "note: %s", note);
    return rc ? rc : series_notes(ms, s, ms->name);
}

/* A section is on when meta "families" names it; a store without that key
 * (an old or hand-made one) shows every section. */
static bool section_on(const xg_store *s, const xg_section *sec)
{
    const char *fam = xg_store_meta_get(s, "families");
    return !fam || xg_calc_in_list(fam, ", ", sec->name);
}

static int build_section(xg_model *m, const xg_section *sec)
{
    xg_msection *ms = &m->secs[m->n_secs++];
    memset(ms, 0, sizeof(*ms));
    ms->name = sec->name;
    ms->json_key = sec->json_key;
    if (sec->build(ms, m->s, m->o) < 0 || section_notes(ms, m->s) < 0 ||
        ms->oom)
        return -1;
    return fill_windows(ms);
}

/* Whether the build knows the family: a section's, or one a section
 * reports along with its own (hostdisk under disk). */
static bool family_known(const xg_report_def *def, const char *fam)
{
    if (strcmp(fam, "hostdisk") == 0)
        return true;
    for (size_t i = 0; i < def->n_sections; i++)
        if (strcmp(fam, def->sections[i]->name) == 0)
            return true;
    return false;
}

/* Adds word to sb's comma-separated list unless it is there. */
static void list_add(xg_sb *sb, const char *word)
{
    const char *have = xg_sb_str(sb);
    if (xg_calc_in_list(have, ", ", word))
        return;
    xg_sb_printf(sb, "%s%s", *have ? ", " : "", word);
}

/* What this build cannot show of the recording: a newer format (read
 * through its format_compat, recording.md), families it has no section
 * for (meta "families"), series the schema does not know. NULL when
 * nothing. */
char *xg_model_left_out(const xg_report_def *def, const xg_store *s)
{
    xg_sb fams = XG_SB_INIT, out = XG_SB_INIT;
    uint64_t v;
    const char *list = xg_store_meta_get(s, "families");
    char *copy = list ? strdup(list) : NULL, *save = NULL;

    for (char *w = copy ? strtok_r(copy, ", ", &save) : NULL; w;
         w = strtok_r(NULL, ", ", &save))
        if (!family_known(def, w))
            list_add(&fams, w);
    free(copy);
    if (xg_calc_meta_u64(s, "format_version", &v) && v > XG_RECORDING_FORMAT)
        xg_sb_printf(&out, "recording format %llu, newer than this xengatherer's "
                     "(%d): what it added is not shown",
                     (unsigned long long)v, XG_RECORDING_FORMAT);
    if (fams.len)
        xg_sb_printf(&out, "%sfamilies this xengatherer does not know are not "
                     "shown: %s", out.len ? "; " : "", xg_sb_str(&fams));
    xg_sb_free(&fams);
    xg_sb series = XG_SB_INIT;
    if (xg_schema_unknown(s, &series))
        xg_sb_printf(&out, "%sseries this xengatherer does not know are not "
                     "shown (%s)", out.len ? "; " : "", xg_sb_str(&series));
    xg_sb_free(&series);
    if (out.oom)
        xg_sb_free(&out);
    return out.s;
}

int xg_model_build(xg_model *m, const xg_report_def *def, const xg_store *s,
                   const xg_report_opts *o)
{
    memset(m, 0, sizeof(*m));
    m->s = s;
    m->o = o;
    m->header.name = "";
    if (def->header(&m->header, s) < 0 || m->header.oom ||
        fill_windows(&m->header) < 0)
        goto fail;
    m->no_interval = s->n_ticks < 2;
    m->left_out = xg_model_left_out(def, s);
    if (!(m->secs = calloc(def->n_sections ? def->n_sections : 1,
                           sizeof(*m->secs))))
        goto fail;
    for (size_t i = 0; i < def->n_sections; i++)
        if (section_on(s, def->sections[i]) &&
            build_section(m, def->sections[i]) < 0)
            goto fail;
    return 0;
fail:
    xg_model_free(m);
    return -1;
}

static void free_section(xg_msection *ms)
{
    for (size_t i = 0; i < ms->n_blocks; i++) {
        xg_mtable *t = ms->blocks[i].table;
        free(ms->blocks[i].line);
        if (!t)
            continue;
        free(t->title);
        free(t->owned);
        free(t->rows);
        free(t->win);
        free(t->win_start);
        free(t->win_end);
        free(t);
    }
    free(ms->blocks);
    for (size_t i = 0; i < ms->n_facts; i++) {
        free(ms->facts[i].key);
        free(ms->facts[i].str);
    }
    free(ms->facts);
}

void xg_model_free(xg_model *m)
{
    free_section(&m->header);
    for (size_t i = 0; m->secs && i < m->n_secs; i++)
        free_section(&m->secs[i]);
    free(m->secs);
    free(m->left_out);
    memset(m, 0, sizeof(*m));
}

/* cmp_json.c — a comparison as one JSON object:
 *   {"a": {"file", "kind", "draws"}, "b": {...}, "alpha", "warnings": [...],
 *    "figures": [{"section", "family", "domain_a", "domain_b", "device",
 *      "metric", "unit", "a", "b", "diff", "diff_pct", "diff_lo",
 *      "diff_hi", "test", "p", "verdict", "why", "n_a", "n_b",
 *      "intervals_not_independent"}]}
 * a and b are the means; null where there is no value. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/compare.h"
#include "report/section.h"

static json_t *side(const xg_cmp_input *in)
{
    return json_pack("{s:o, s:s, s:I}", "file", xg_json_str(in->file),
                     "kind", xg_cmp_draws_name(in->fs), "draws",
                     (json_int_t)in->fs->n_draws);
}

static json_t *figure(const xg_cmp_fig *f)
{
    const xg_test *t = &f->t;

    return json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o,"
        " s:o, s:s, s:o, s:s, s:o, s:I, s:I, s:b}",
        "section", xg_json_str(f->a->section),
        "family", xg_json_str(f->a->family),
        "domain_a", xg_json_str(f->a->domain),
        "domain_b", xg_json_str(f->b->domain),
        "device", xg_json_str(f->a->device),
        "metric", xg_json_str(f->a->metric),
        "unit", xg_json_str(f->a->unit),
        "a", xg_json_num(t->mean_a), "b", xg_json_num(t->mean_b),
        "diff", xg_json_num(t->diff), "diff_pct", xg_json_num(t->diff_pct),
        "diff_lo", xg_json_num(t->diff_lo),
        "diff_hi", xg_json_num(t->diff_hi),
        "test", xg_cmp_test_name(t->kind), "p", xg_json_num(t->p),
        "verdict", xg_verdict_name(f->verdict),
        "why", xg_json_str(t->kind == XG_TEST_NONE ? t->why : NULL),
        "n_a", (json_int_t)t->na, "n_b", (json_int_t)t->nb,
        "intervals_not_independent", f->intervals);
}

static json_t *build(const xg_compare *c)
{
    json_t *warn = json_array(), *figs = json_array();
    json_t *root = json_pack("{s:o, s:o, s:f, s:o, s:o}", "a", side(&c->a),
                             "b", side(&c->b), "alpha", c->alpha,
                             "warnings", warn ? json_incref(warn) : NULL,
                             "figures", figs ? json_incref(figs) : NULL);
    int rc = root ? 0 : -1;

    for (size_t i = 0; i < c->warn.n && !rc; i++)
        rc = xg_json_push(warn, xg_json_str(c->warn.v[i]));
    for (size_t i = 0; i < c->n && !rc; i++)
        rc = xg_json_push(figs, figure(&c->f[i]));
    json_decref(warn);
    json_decref(figs);
    if (rc) {
        json_decref(root);
        return NULL;
    }
    return root;
}

int xg_cmp_render_json(const xg_compare *c, FILE *out)
{
    json_t *root = build(c);
    int rc = root ? json_dumpf(root, out, JSON_INDENT(2) |
                               JSON_PRESERVE_ORDER) : -1;

    json_decref(root);
    if (rc == 0)
        fputc('\n', out);
    return rc || ferror(out) ? -1 : 0;
}

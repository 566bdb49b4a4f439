/* rep_json.c — the report of a repeated run as one JSON document (built
 * with jansson: its size is figures x repetitions, not ticks):
 *   "format": "xengatherer-repeat-report", "version": 1,
 *   the header's keys (meta, partial, window, domains, workloads: as the
 *   report's, each workload with its "rep"), "left_out" (what this build
 *   cannot show, or null),
 *   "repetitions": [{"rep", "warmup", "state", "start_s", "window_s",
 *     "used", "left_out": null | "warmup" | "partial" | "running"}],
 *   "draws": the repetitions the statistics are over,
 *   "confidence": 0.95, "notes": [the lines on what was left out, N = 1,
 *     few repetitions, unstable figures],
 *   "figures": [{"section", "family", "domain", "device", "metric",
 *     "unit", "n", "mean", "sd", "ci": [lo, hi], "min", "max", "cv_pct",
 *     "outliers": [repetition numbers], "unstable": bool,
 *     "values": [{"rep", "value"}] one per draw (null: not measured)}]
 * A number that does not exist (sd of one value) is null. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "report/repeat.h"
#include "report/section.h"

static json_t *reps_json(const xg_rmodel *rm)
{
    const xg_store *s = rm->s;
    json_t *a = json_array();
    for (size_t r = 1; a && r <= s->n_reps; r++) {
        const char *why = xg_rep_left_out(s, r);
        json_t *o = json_pack("{s:I,s:b,s:s,s:o,s:o,s:b,s:o}",
            "rep", (json_int_t)r, "warmup", (int)s->reps[r - 1].warmup,
            "state", xg_rep_state_name(s->reps[r - 1].state),
            "start_s", xg_json_num(xg_rep_start_s(s, r)),
            "window_s", xg_json_num(xg_rep_window_s(s, r)),
            "used", why == NULL, "left_out", xg_json_str(why));
        if (xg_json_push(a, o) < 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *values_json(const xg_rmodel *rm, const xg_rstat *st,
                           json_t **outliers)
{
    json_t *v = json_array();
    *outliers = json_array();
    for (size_t d = 0; v && *outliers && d < rm->fs.n_draws; d++) {
        json_int_t rep = rm->fs.draw_rep[d];
        if (xg_json_push(v, json_pack("{s:I,s:o}", "rep", rep, "value",
                                      xg_json_num(st->f->v[d]))) < 0 ||
            (st->outlier[d] &&
             xg_json_push(*outliers, json_integer(rep)) < 0)) {
            json_decref(v);
            return NULL;
        }
    }
    return v;
}

static json_t *figure_json(const xg_rmodel *rm, const xg_rstat *st)
{
    const xg_fig *f = st->f;
    const xg_summary *m = &st->sum;
    json_t *outliers = NULL;
    json_t *values = values_json(rm, st, &outliers);
    if (!values || !outliers) {
        json_decref(values);
        json_decref(outliers);
        return NULL;
    }
    return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:I,s:o,s:o,s:[o,o],s:o,"
                     "s:o,s:o,s:o,s:b,s:o}",
        "section", xg_json_str(f->section), "family", xg_json_str(f->family),
        "domain", xg_json_str(f->domain), "device", xg_json_str(f->device),
        "metric", xg_json_str(f->metric), "unit", xg_json_str(f->unit),
        "n", (json_int_t)m->n, "mean", xg_json_num(m->mean),
        "sd", xg_json_num(m->sd),
        "ci", xg_json_num(m->ci_lo), xg_json_num(m->ci_hi),
        "min", xg_json_num(m->min), "max", xg_json_num(m->max),
        "cv_pct", xg_json_num(m->cv_pct), "outliers", outliers,
        "unstable", (int)st->unstable, "values", values);
}

/* Each workload of the header's "workloads" gets its "rep". */
static int workload_reps(const xg_rmodel *rm, json_t *root)
{
    json_t *w = json_object_get(root, "workloads");
    if (!json_is_array(w) || json_array_size(w) != rm->s->n_workloads)
        return 0;
    for (size_t i = 0; i < rm->s->n_workloads; i++)
        if (json_object_set_new(json_array_get(w, i), "rep",
                                json_integer(rm->s->workloads[i].rep)) < 0)
            return -1;
    return 0;
}

static int body_json(const xg_rmodel *rm, json_t *root)
{
    json_t *draws = json_array(), *notes = json_array(),
           *figs = json_array();
    int rc = json_object_set_new(root, "left_out",
                                 xg_json_str(rm->head.left_out));
    rc |= json_object_set_new(root, "repetitions", reps_json(rm));
    for (size_t d = 0; draws && d < rm->fs.n_draws && !rc; d++)
        rc = xg_json_push(draws, json_integer(rm->fs.draw_rep[d]));
    for (size_t i = 0; notes && i < rm->lines.n && !rc; i++)
        rc = xg_json_push(notes, xg_json_str(rm->lines.v[i]));
    for (size_t i = 0; figs && i < rm->n_secs && !rc; i++)
        for (size_t j = 0; j < rm->secs[i].n && !rc; j++)
            rc = xg_json_push(figs, figure_json(rm,
                                                &rm->st[rm->secs[i].idx[j]]));
    rc |= json_object_set_new(root, "draws", draws);
    rc |= json_object_set_new(root, "confidence", json_real(XG_REP_CONF));
    rc |= json_object_set_new(root, "notes", notes);
    rc |= json_object_set_new(root, "figures", figs);
    return rc ? -1 : 0;
}

int xg_rep_render_json(const xg_rmodel *rm, FILE *out)
{
    json_t *root = json_pack("{s:s,s:i}", "format",
                             "xengatherer-repeat-report", "version", 1);
    int rc = root ? xg_header_json(rm->s, root) : -1;
    if (!rc)
        rc = workload_reps(rm, root);
    if (!rc)
        rc = body_json(rm, root);
    if (!rc)
        rc = json_dumpf(root, out, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
    if (!rc)
        fputc('\n', out);
    json_decref(root);
    return rc || ferror(out) ? -1 : 0;
}

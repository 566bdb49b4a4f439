/* slice.c — one repetition of a repeated run as a store of its own.
 *
 * A repeated run (run --repeat) is one recording: its ticks go on from one
 * repetition to the next, and each repetition is a range of them, starting
 * at its own baseline. The report computes everything over "tick 0 .. the
 * last tick" (calc.h), so rather than teach every section about ranges, a
 * repetition is copied out into a store that looks like a single run: its
 * ticks renumbered from 0, the series' values at them, the domains' spans
 * cut to it and its own workloads. Every section, renderer and the
 * statistics then work on it unchanged. The copies of all the repetitions
 * together hold about as many values as the recording itself. */
#include "core/store.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int set_meta_i64(xg_store *s, const char *k, int64_t v)
{
    char b[32];

    snprintf(b, sizeof(b), "%" PRId64, v);
    return xg_store_meta_set(s, k, b);
}

/* Meta a repetition does not take: the xen platform's SCHED trace
 * (collect/sched.c) runs from the recording's start to its end, over every
 * repetition and pause, and its timestamps (the CPUs' TSC) have no mapping
 * to the ticks to cut it at; each repetition would count all of it. */
static bool whole_run_only(const char *key)
{
    return strcmp(key, "sched.xentrace") == 0 ||
           strcmp(key, "sched.xentrace_bytes") == 0;
}

static int copy_meta(const xg_store *src, const xg_rep *r, xg_store *dst)
{
    for (size_t i = 0; i < src->n_meta; i++)
        if (!whole_run_only(src->meta[i].key) &&
            xg_store_meta_set(dst, src->meta[i].key, src->meta[i].value) < 0)
            return -1;
    if (xg_store_meta_get(src, "sched.xentrace") &&
        xg_store_meta_set(dst, "note.sched", XG_SLICE_SCHED_NOTE) < 0)
        return -1;
    if (set_meta_i64(dst, "window_start_mono_ns",
                     src->tick_mono_ns[r->first_tick]) < 0 ||
        set_meta_i64(dst, "window_end_mono_ns",
                     src->tick_mono_ns[r->last_tick]) < 0 ||
        set_meta_i64(dst, "window_start_wall_ns",
                     src->tick_wall_ns[r->first_tick]) < 0 ||
        set_meta_i64(dst, "window_end_wall_ns",
                     src->tick_wall_ns[r->last_tick]) < 0)
        return -1;
    char what[160];
    snprintf(what, sizeof(what), "%zu of %zu, %s%s (the overhead and "
             "checkpoints are the whole run's)",
             (size_t)(r - src->reps) + 1, src->n_reps,
             xg_rep_state_name(r->state), r->warmup ? ", a warm-up" : "");
    if (xg_store_meta_set(dst, "repetition", what) < 0)
        return -1;
    if (r->state == XG_REP_WHOLE) {
        xg_store_meta_del(dst, "partial_reason");
        return xg_store_meta_set(dst, "partial", "0");
    }
    return xg_store_meta_set(dst, "partial", "1");
}

/* The domain's span cut to ticks a..b, renumbered from a. */
static int copy_domains(const xg_store *src, uint32_t a, uint32_t b,
                        xg_store *dst)
{
    for (size_t i = 0; i < src->n_domains; i++) {
        xg_domain_info d = src->domains[i];
        if (d.first_tick < 0 || d.first_tick > (int64_t)b ||
            d.last_tick < (int64_t)a) {
            d.first_tick = d.last_tick = -1;
        } else {
            d.first_tick = (d.first_tick > (int64_t)a ? d.first_tick : a) - a;
            d.last_tick = (d.last_tick < (int64_t)b ? d.last_tick : b) - a;
        }
        if (xg_store_add_domain(dst, &d) < 0)
            return -1;
    }
    return 0;
}

/* Series x's values at ticks a..b (gaps at both ends left out). */
static int copy_series(const xg_series *x, uint32_t a, uint32_t b,
                       xg_store *dst)
{
    int64_t i = xg_store_series(dst, x->domain, x->family, x->device,
                                x->metric, x->unit);
    uint32_t lo = x->first_tick > a ? x->first_tick : a;
    uint32_t end = x->first_tick + x->n; /* one past its last value */
    xg_series *y;

    if (i < 0 || (x->note && xg_store_series_note(dst, (uint32_t)i,
                                                  x->note) < 0) ||
        (x->source && xg_store_series_source(dst, (uint32_t)i,
                                             x->source) < 0))
        return -1;
    if (end > b + 1)
        end = b + 1;
    if (x->n == 0 || lo >= end)
        return 0;
    y = &dst->series[i];
    y->values = malloc((size_t)(end - lo) * sizeof(*y->values));
    if (!y->values)
        return -1;
    memcpy(y->values, x->values + (lo - x->first_tick),
           (size_t)(end - lo) * sizeof(*y->values));
    y->first_tick = lo - a;
    y->n = y->cap = end - lo;
    return 0;
}

static int copy_ticks(const xg_store *src, uint32_t a, uint32_t b,
                      xg_store *dst)
{
    for (uint32_t t = a; t <= b; t++)
        if (xg_store_tick(dst, src->tick_mono_ns[t], src->tick_wall_ns[t]) < 0)
            return -1;
    return 0;
}

static int copy_workloads(const xg_store *src, uint32_t rep, xg_store *dst)
{
    for (size_t i = 0; i < src->n_workloads; i++)
        if (src->workloads[i].rep == rep &&
            xg_store_add_workload(dst, &src->workloads[i]) < 0)
            return -1;
    return 0;
}

int xg_store_slice(const xg_store *src, uint32_t rep, xg_store *dst)
{
    const xg_rep *r;

    xg_store_init(dst, 0);
    if (rep == 0 || rep > src->n_reps)
        return -1;
    r = &src->reps[rep - 1];
    if (r->first_tick > r->last_tick || r->last_tick >= src->n_ticks)
        return -1;
    dst->expect_ticks = r->last_tick - r->first_tick + 1;
    if (copy_meta(src, r, dst) < 0 ||
        copy_domains(src, r->first_tick, r->last_tick, dst) < 0 ||
        copy_ticks(src, r->first_tick, r->last_tick, dst) < 0 ||
        copy_workloads(src, rep, dst) < 0)
        goto fail;
    for (size_t i = 0; i < src->n_series; i++)
        if (copy_series(&src->series[i], r->first_tick, r->last_tick,
                        dst) < 0)
            goto fail;
    return 0;
fail:
    xg_store_free(dst);
    return -1;
}

/* cmt.c — the hypervisor's cache monitoring as a collector (part of the
 * CACHE family, switched off with it): per domain the LLC occupancy (a
 * gauge, bytes) and the memory traffic (cumulative bytes) that Xen's Intel
 * CMT/MBM reports through the platform's cmt_start/cmt_read, as the "cmt"
 * series of docs/series.md. Where the platform has no such monitoring it
 * records nothing; where the hypervisor could monitor but does not, meta
 * "note.cmt" says why in one line. */
#include "collect/collector.h"
#include "util/grow.h"
#include "core/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    unsigned kind;
    xg_sid series;
} kinds[] = {
    {XG_CMT_OCCUPANCY, XG_S_CMT_LLC_OCCUPANCY},
    {XG_CMT_MBM_TOTAL, XG_S_CMT_MBM_TOTAL},
    {XG_CMT_MBM_LOCAL, XG_S_CMT_MBM_LOCAL},
};
#define NK (sizeof(kinds) / sizeof(kinds[0]))

typedef struct cmt_state {
    int64_t (*ser)[NK]; /* per domain: series index, -1 = none */
    size_t n, cap;
    bool noted;
} cmt_state;

static bool has_cmt(const xg_ctx *ctx)
{
    return ctx->ops->cmt_start && ctx->ops->cmt_read;
}

static void note(cmt_state *st, xg_ctx *ctx, const char *why)
{
    if (!st->noted && why && *why) {
        xg_store_meta_set(&ctx->store, "note.cmt", why);
        st->noted = true;
    }
}

static int grow(cmt_state *st, size_t i)
{
    size_t from = st->n;

    if (xg_grow_to((void **)&st->ser, &st->n, &st->cap, sizeof(*st->ser),
                   i) < 0)
        return -1;
    for (; from < st->n; from++)
        for (size_t k = 0; k < NK; k++)
            st->ser[from][k] = -1;
    return 0;
}

/* Starts monitoring domain i and creates the series of what it reports. */
static int cmt_add(xg_ctx *ctx, void *state, size_t i)
{
    cmt_state *st = state;
    xg_pdomain *d = &ctx->doms.v[i];
    xg_cmt_counters c;
    char why[320] = "";

    if (!st || grow(st, i) < 0)
        return -1;
    if (ctx->gone[i] || ctx->store_dom[i] == UINT32_MAX)
        return 0;
    if (ctx->ops->cmt_start(ctx->plat, d, why, sizeof(why)) < 0) {
        note(st, ctx, why);
        return 0;
    }
    if (ctx->ops->cmt_read(ctx->plat, d, &c) < 0)
        return 0;
    for (size_t k = 0; k < NK; k++)
        if (c.have & kinds[k].kind)
            st->ser[i][k] = xg_schema_series(&ctx->store, ctx->store_dom[i],
                                             kinds[k].series, "");
    return 0;
}

static int cmt_start(xg_ctx *ctx, void **state, char *err, size_t errlen)
{
    cmt_state *st;

    (void)err;
    (void)errlen;
    *state = NULL;
    if (!has_cmt(ctx)) {
        /* nothing to say: the platform has no hypervisor monitoring (and
         * the platform's CACHE note is note.cache's, not ours) */
        xg_store_meta_set(&ctx->store, "note.cmt", "");
        return 0;
    }
    if (!(st = calloc(1, sizeof(*st))))
        return -1;
    for (size_t i = 0; i < ctx->doms.n; i++)
        if (cmt_add(ctx, st, i) < 0) {
            free(st->ser);
            free(st);
            return -1;
        }
    if (!st->noted)
        xg_store_meta_set(&ctx->store, "note.cmt", "");
    *state = st;
    return 0;
}

static bool any_series(const int64_t ser[NK])
{
    for (size_t k = 0; k < NK; k++)
        if (ser[k] >= 0)
            return true;
    return false;
}

static void cmt_sample(xg_ctx *ctx, void *state)
{
    cmt_state *st = state;
    xg_cmt_counters c;

    for (size_t i = 0; st && i < st->n && i < ctx->doms.n; i++) {
        if (ctx->gone[i] || !any_series(st->ser[i]) ||
            ctx->ops->cmt_read(ctx->plat, &ctx->doms.v[i], &c) < 0)
            continue;
        const uint64_t v[NK] = {c.llc_occupancy, c.mbm_total, c.mbm_local};
        for (size_t k = 0; k < NK; k++)
            if (st->ser[i][k] >= 0 && (c.have & kinds[k].kind))
                xg_store_put(&ctx->store, (uint32_t)st->ser[i][k], v[k]);
    }
}

static void cmt_stop(xg_ctx *ctx, void *state)
{
    cmt_state *st = state;

    (void)ctx;
    if (st)
        free(st->ser);
    free(st);
}

const xg_collector xg_collector_cmt = {
    .name = "cmt",
    .flag = XG_FAM_CACHE,
    .start = cmt_start,
    .add_domain = cmt_add,
    .sample = cmt_sample,
    .stop = cmt_stop,
};

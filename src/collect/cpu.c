/* cpu.c — the CPU family's collector: each domain's cumulative CPU times from
 * the platform, stored as the "cpu" series of docs/series.md. */
#include "collect/collector.h"

#include <stdlib.h>

/* One slot per field of xg_cpu_counters, in XG_CPU_* bit order. */
static const char *const metric[] = {
    "usage", "user", "system", "wait", "steal", "throttled", "total", "iowait",
};
#define NFIELD (sizeof(metric) / sizeof(metric[0]))

typedef struct cpu_state {
    int64_t (*series)[NFIELD]; /* per domain, -1 until first seen */
    size_t n, cap;
} cpu_state;

static uint64_t field(const xg_cpu_counters *c, size_t i)
{
    const uint64_t v[NFIELD] = {c->usage_ns, c->user_ns, c->system_ns,
                                c->wait_ns, c->steal_ns, c->throttled_ns,
                                c->total_ns, c->iowait_ns};
    return v[i];
}

static int cpu_add(xg_ctx *ctx, void *state, size_t i)
{
    cpu_state *st = state;
    size_t f;

    (void)ctx;
    if (i >= st->cap) {
        size_t nc = st->cap ? st->cap * 2 : 16;
        void *nv;
        while (nc <= i)
            nc *= 2;
        nv = realloc(st->series, nc * sizeof(*st->series));
        if (!nv)
            return -1;
        st->series = nv;
        st->cap = nc;
    }
    while (st->n <= i) {
        for (f = 0; f < NFIELD; f++)
            st->series[st->n][f] = -1;
        st->n++;
    }
    return 0;
}

static int cpu_start(xg_ctx *ctx, void **state, char *err, size_t errlen)
{
    cpu_state *st = calloc(1, sizeof(*st));
    size_t i;

    (void)err;
    (void)errlen;
    if (!st)
        return -1;
    for (i = 0; i < ctx->doms.n; i++)
        if (cpu_add(ctx, st, i) < 0) {
            free(st->series);
            free(st);
            return -1;
        }
    *state = st;
    return 0;
}

static void cpu_sample(xg_ctx *ctx, void *state)
{
    cpu_state *st = state;
    size_t i, f;

    for (i = 0; i < ctx->doms.n && i < st->n; i++) {
        xg_cpu_counters c = {0};
        if (ctx->gone[i])
            continue;
        if (ctx->ops->cpu_read(ctx->plat, &ctx->doms.v[i], &c) < 0) {
            ctx->gone[i] = 1;
            continue;
        }
        for (f = 0; f < NFIELD; f++) {
            if (!(c.have & (1u << f)))
                continue;
            if (st->series[i][f] < 0) /* once per domain and field */
                st->series[i][f] = xg_store_series(
                    &ctx->store, ctx->store_dom[i], "cpu", "", metric[f],
                    "ns");
            if (st->series[i][f] >= 0)
                xg_store_put(&ctx->store, (uint32_t)st->series[i][f],
                             field(&c, f));
        }
    }
}

static void cpu_stop(xg_ctx *ctx, void *state)
{
    cpu_state *st = state;

    (void)ctx;
    free(st->series);
    free(st);
}

const xg_collector xg_collector_cpu = {
    .name = "cpu",
    .flag = XG_FAM_CPU,
    .start = cpu_start,
    .add_domain = cpu_add,
    .sample = cpu_sample,
    .stop = cpu_stop,
};

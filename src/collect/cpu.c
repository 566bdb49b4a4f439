/* cpu.c — the CPU family's collector: each domain's cumulative CPU times from
 * the platform, stored as the "cpu" series of docs/series.md. A vCPU first
 * reported after the domain's first vcpu_read, marked from_zero by the
 * platform (one that started at 0 when it showed: a new qemu vCPU thread, a
 * Xen vCPU that had never run), gets a 0 at that first reading. */
#include "collect/collector.h"
#include "core/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One slot per field of xg_cpu_counters, in XG_CPU_* bit order. */
static const xg_sid metric[] = {
    XG_S_CPU_USAGE, XG_S_CPU_USER,      XG_S_CPU_SYSTEM, XG_S_CPU_WAIT,
    XG_S_CPU_STEAL, XG_S_CPU_THROTTLED, XG_S_CPU_TOTAL,  XG_S_CPU_IOWAIT,
};
#define NFIELD (sizeof(metric) / sizeof(metric[0]))

typedef int64_t field_series[NFIELD]; /* -1 until first seen */

typedef struct vcpu_list {
    field_series *v; /* per vCPU number */
    size_t n;
    uint32_t base;   /* 1 + the tick of the first vcpu_read; 0 before */
} vcpu_list;

typedef struct cpu_state {
    field_series *series; /* per domain */
    vcpu_list *vcpus;     /* per domain */
    size_t n, cap;
    xg_ctx *ctx;          /* for the vCPU callback */
    size_t cur;           /* domain being sampled */
    char source[64];      /* meta source.cpu as set: "bpf-iter, files" */
} cpu_state;

static uint64_t field(const xg_cpu_counters *c, size_t i)
{
    const uint64_t v[NFIELD] = {c->usage_ns, c->user_ns, c->system_ns,
                                c->wait_ns, c->steal_ns, c->throttled_ns,
                                c->total_ns, c->iowait_ns};
    return v[i];
}

/* Meta source.cpu: every path the platform said it read with, set when a
 * new one shows up. */
static void add_source(xg_ctx *ctx, cpu_state *st, const char *src)
{
    size_t n = strlen(st->source);
    int k;

    if (strstr(st->source, src))
        return;
    k = snprintf(st->source + n, sizeof(st->source) - n, "%s%s",
                 n ? ", " : "", src);
    if (k < 0 || (size_t)k >= sizeof(st->source) - n) {
        st->source[n] = '\0'; /* keep what was set */
        return;
    }
    xg_store_meta_set(&ctx->store, "source.cpu", st->source);
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
        nv = realloc(st->vcpus, nc * sizeof(*st->vcpus));
        if (!nv)
            return -1;
        st->vcpus = nv;
        st->cap = nc;
    }
    while (st->n <= i) {
        for (f = 0; f < NFIELD; f++)
            st->series[st->n][f] = -1;
        st->vcpus[st->n].v = NULL;
        st->vcpus[st->n].n = 0;
        st->vcpus[st->n].base = 0;
        st->n++;
    }
    return 0;
}

static void cpu_stop(xg_ctx *ctx, void *state);

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
            cpu_stop(ctx, st);
            return -1;
        }
    *state = st;
    return 0;
}

/* Stores the fields c has into the series of fs (created on first sight,
 * once per domain or vCPU and field; with a 0 at tick zero_at first when
 * that is >= 0). */
static void store_fields(xg_ctx *ctx, uint32_t dom, const char *device,
                         field_series fs, const xg_cpu_counters *c,
                         int64_t zero_at)
{
    size_t f;

    for (f = 0; f < NFIELD; f++) {
        if (!(c->have & (1u << f)))
            continue;
        if (fs[f] < 0) {
            fs[f] = xg_schema_series(&ctx->store, dom, metric[f], device);
            if (fs[f] >= 0 && zero_at >= 0)
                xg_store_put_first(&ctx->store, (uint32_t)fs[f],
                                   (uint32_t)zero_at, 0);
        }
        if (fs[f] >= 0)
            xg_store_put(&ctx->store, (uint32_t)fs[f], field(c, f));
    }
}

static void on_vcpu(void *arg, int vcpu, const xg_cpu_counters *c)
{
    cpu_state *st = arg;
    vcpu_list *l = &st->vcpus[st->cur];
    int64_t zero_at = -1;
    char dev[32];

    if (vcpu < 0 || vcpu > 4095)
        return;
    if ((size_t)vcpu >= l->n) {
        size_t n = (size_t)vcpu + 1, k, f;
        field_series *nv = realloc(l->v, n * sizeof(*nv));
        if (!nv)
            return;
        for (k = l->n; k < n; k++)
            for (f = 0; f < NFIELD; f++)
                nv[k][f] = -1;
        l->v = nv;
        l->n = n;
    }
    snprintf(dev, sizeof(dev), "vcpu%d", vcpu);
    /* shown after the first reading, and at 0 then: from that reading */
    if (c->from_zero && l->base && l->base < st->ctx->store.n_ticks)
        zero_at = l->base - 1;
    store_fields(st->ctx, st->ctx->store_dom[st->cur], dev, l->v[vcpu], c,
                 zero_at);
}

static void cpu_sample(xg_ctx *ctx, void *state)
{
    cpu_state *st = state;
    size_t i;

    for (i = 0; i < ctx->doms.n && i < st->n; i++) {
        xg_cpu_counters c = {0};
        if (ctx->gone[i])
            continue;
        if (ctx->ops->cpu_read(ctx->plat, &ctx->doms.v[i], &c) < 0) {
            ctx->gone[i] = 1;
            continue;
        }
        store_fields(ctx, ctx->store_dom[i], "", st->series[i], &c, -1);
        if (c.source)
            add_source(ctx, st, c.source);
        if (ctx->ops->vcpu_read) {
            st->ctx = ctx;
            st->cur = i;
            if (ctx->ops->vcpu_read(ctx->plat, &ctx->doms.v[i], on_vcpu,
                                    st) == 0 &&
                !st->vcpus[i].base && ctx->store.n_ticks)
                st->vcpus[i].base = ctx->store.n_ticks;
        }
    }
}

static void cpu_stop(xg_ctx *ctx, void *state)
{
    cpu_state *st = state;
    size_t i;

    (void)ctx;
    for (i = 0; i < st->n; i++)
        free(st->vcpus[i].v);
    free(st->vcpus);
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

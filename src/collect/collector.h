/* collector.h — a metric family's collecting side (sysstat's struct
 * activity): start once, sample at every tick, stop once. Fed by the
 * platform, writing raw cumulative counters into the store. */
#ifndef XG_COLLECTOR_H
#define XG_COLLECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "core/options.h"
#include "platform/platform.h"
#include "core/store.h"

typedef struct xg_ctx {
    const xg_options *opt;
    const xg_platform_ops *ops;
    xg_platform *plat;
    xg_pdomains doms;      /* watched domains, host first */
    uint32_t *store_dom;   /* store index of doms.v[i] */
    int *gone;             /* doms.v[i] vanished: sample it no more */
    xg_store store;
} xg_ctx;

typedef struct xg_collector {
    const char *name; /* "cpu", "disk", "cache" */
    unsigned flag;    /* XG_FAM_* */
    /* Opens what it needs and creates its series for every domain in
     * ctx->doms. *state is the collector's own. 0, or -1 + err. */
    int (*start)(xg_ctx *ctx, void **state, char *err, size_t errlen);
    /* A domain that appeared mid-run (index into ctx->doms). */
    int (*add_domain)(xg_ctx *ctx, void *state, size_t i);
    /* Reads every domain's counters into the store at the current tick. No
     * allocation, no file I/O beyond reading held descriptors. */
    void (*sample)(xg_ctx *ctx, void *state);
    void (*stop)(xg_ctx *ctx, void *state);
} xg_collector;

/* Every collector compiled in, NULL-terminated. */
/* The collectors compiled in (collectors.c's table, NULL-terminated):
 * arrays indexed by collector are this long (checked there). */
#define XG_N_COLLECTORS 6
const xg_collector *const *xg_collectors(void);

#endif

/* restart.c — spotting a watched domain's new life inside the window (see
 * restart.h) and naming its row. */
#include "experiment/restart.h"

#include <stdio.h>
#include <string.h>

static bool sampled(const xg_ctx *ctx, size_t i)
{
    uint32_t at = ctx->store_dom[i];

    return at < ctx->store.n_domains && ctx->store.domains[at].last_tick >= 0;
}

bool xg_restart_pending(const xg_ctx *ctx)
{
    for (size_t i = 0; i < ctx->doms.n; i++)
        if (ctx->gone[i] == 1 && !ctx->doms.v[i].info.is_host &&
            sampled(ctx, i))
            return true;
    return false;
}

ssize_t xg_restart_of(const xg_ctx *ctx, const xg_domain_info *d,
                      bool by_name)
{
    if (d->is_host || d->platform_id < 0)
        return -1;
    for (size_t i = ctx->doms.n; i-- > 0;) {
        const xg_domain_info *o = &ctx->doms.v[i].info;
        if (ctx->gone[i] != 1 || o->is_host || !sampled(ctx, i) ||
            o->platform_id < 0 || o->platform_id == d->platform_id)
            continue;
        if (strcmp(o->key, d->key) == 0 ||
            (by_name && strcmp(o->name, d->name) == 0))
            return (ssize_t)i;
    }
    return -1;
}

int xg_restart_key(const xg_store *s, const char *key, char *buf,
                   size_t len)
{
    for (unsigned n = 2;; n++) {
        int w = snprintf(buf, len, "%s#%u", key, n);
        if (w < 0 || (size_t)w >= len)
            return -1;
        if (xg_store_find_domain(s, buf) < 0)
            return 0;
    }
}

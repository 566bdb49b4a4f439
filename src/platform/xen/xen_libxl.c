/* xen_libxl.c — Xen's per-domain cache monitoring through libxenlight:
 * whether the hypervisor monitors (psr=cmt on Xen's command line and a CPU
 * with Intel RDT), attaching a monitoring id (RMID) per domain, and reading
 * LLC occupancy and total/local memory traffic, summed over the sockets. */
#include "platform/xen/xen_libxl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl.h>
#include <xentoollog.h>

#include "platform/platform.h"

struct xg_xl {
    libxl_ctx *ctx;
    xentoollog_logger_stdiostream *lg;
    unsigned nsock; /* sockets: the scopes a sample is summed over */
};

static const struct {
    unsigned kind;
    libxl_psr_cmt_type type;
} types[] = {
    {XG_CMT_OCCUPANCY, LIBXL_PSR_CMT_TYPE_CACHE_OCCUPANCY},
    {XG_CMT_MBM_TOTAL, LIBXL_PSR_CMT_TYPE_TOTAL_MEM_COUNT},
    {XG_CMT_MBM_LOCAL, LIBXL_PSR_CMT_TYPE_LOCAL_MEM_COUNT},
};
#define NTYPES (sizeof(types) / sizeof(types[0]))

void xg_xl_close(xg_xl *xl)
{
    if (!xl)
        return;
    if (xl->ctx)
        libxl_ctx_free(xl->ctx);
    if (xl->lg)
        xtl_logger_destroy((xentoollog_logger *)xl->lg);
    free(xl);
}

static unsigned sockets(libxl_ctx *ctx)
{
    int n = 0;
    unsigned most = 0;
    libxl_cputopology *t = libxl_get_cpu_topology(ctx, &n);

    for (int i = 0; t && i < n; i++)
        if (t[i].socket != LIBXL_CPUTOPOLOGY_INVALID_ENTRY &&
            t[i].socket + 1 > most)
            most = t[i].socket + 1;
    if (t)
        libxl_cputopology_list_free(t, n);
    return most ? most : 1;
}

/* Why the hypervisor monitors nothing: Xen's command line tells whether it
 * was asked to. */
static void why_off(libxl_ctx *ctx, char *why, size_t len)
{
    const libxl_version_info *v = libxl_get_version_info(ctx);
    const char *psr = v && v->commandline ? strstr(v->commandline, "psr=")
                                          : NULL;

    if (psr && strstr(psr, "cmt"))
        snprintf(why, len, "Xen CMT: Xen was booted with psr=cmt but "
                 "monitors nothing: this CPU has no cache monitoring (Intel "
                 "RDT CMT; `xl psr-hwinfo` tells)");
    else
        snprintf(why, len, "Xen CMT: off; boot Xen with psr=cmt (an Intel "
                 "CPU with RDT cache monitoring) for per-domain LLC "
                 "occupancy and memory bandwidth");
}

unsigned xg_xl_cmt_open(xg_xl **out, char *why, size_t len)
{
    xg_xl *xl = calloc(1, sizeof(*xl));
    unsigned kinds = 0;

    *out = NULL;
    if (!xl) {
        snprintf(why, len, "Xen CMT: out of memory");
        return 0;
    }
    xl->lg = xtl_createlogger_stdiostream(stderr, XTL_CRITICAL, 0);
    if (!xl->lg ||
        libxl_ctx_alloc(&xl->ctx, LIBXL_VERSION, 0,
                        (xentoollog_logger *)xl->lg) != 0) {
        snprintf(why, len, "Xen CMT: cannot open libxenlight (run as root "
                 "in dom0)");
        xg_xl_close(xl);
        return 0;
    }
    *out = xl;
    if (!libxl_psr_cmt_enabled(xl->ctx)) {
        why_off(xl->ctx, why, len);
        return 0;
    }
    for (size_t i = 0; i < NTYPES; i++)
        if (libxl_psr_cmt_type_supported(xl->ctx, types[i].type))
            kinds |= types[i].kind;
    if (!kinds)
        snprintf(why, len, "Xen CMT: on, but neither cache occupancy nor "
                 "memory bandwidth monitoring is supported");
    xl->nsock = sockets(xl->ctx);
    return kinds;
}

int xg_xl_cmt_attach(xg_xl *xl, unsigned domid, char *why, size_t len)
{
    int rc;

    if (libxl_psr_cmt_domain_attached(xl->ctx, domid))
        return 0;
    rc = libxl_psr_cmt_attach(xl->ctx, domid);
    if (rc) {
        snprintf(why, len, "Xen CMT: cannot monitor domain %u (libxl error "
                 "%d; all monitoring ids in use? `xl psr-cmt-show "
                 "cache-occupancy` lists them)", domid, rc);
        return -1;
    }
    return 1;
}

void xg_xl_cmt_detach(xg_xl *xl, unsigned domid)
{
    libxl_psr_cmt_detach(xl->ctx, domid);
}

int xg_xl_cmt_read(xg_xl *xl, unsigned domid, unsigned kind, uint64_t *out)
{
    uint64_t sum = 0, v, tsc;

    for (size_t i = 0; i < NTYPES; i++) {
        if (types[i].kind != kind)
            continue;
        for (unsigned s = 0; s < xl->nsock; s++) {
            if (libxl_psr_cmt_get_sample(xl->ctx, domid, types[i].type, s,
                                         &v, &tsc))
                return -1;
            sum += v;
        }
        *out = sum;
        return 0;
    }
    return -1;
}

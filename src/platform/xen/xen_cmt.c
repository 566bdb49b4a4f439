/* xen_cmt.c — the xen platform's cache figures: what perf in dom0 can count
 * (Domain-0's own vCPUs, system-wide; not a domU's), and the hypervisor's
 * own per-domain cache monitoring (Intel CMT occupancy and MBM memory
 * bandwidth, through the backend's cmt_* calls), started per domain at
 * prepare time and stopped at release. */
#include "platform/xen/xen_snap.h"

#include <stdio.h>
#include <string.h>

int xg_xen_perf_target(xg_platform *p, xg_pdomain *d, xg_perf_target *out,
                       char *err, size_t errlen)
{
    (void)p;
    (void)err;
    (void)errlen;
    memset(out, 0, sizeof(*out));
    out->cgroup_fd = -1;
    if (d->info.is_host) {
        /* dom0's kernel counts on dom0's own vCPUs only: Domain-0's use */
        out->kind = XG_PERF_SYSTEM;
        return 0;
    }
    out->kind = XG_PERF_NONE;
    out->why = "perf in dom0 counts only dom0's own vCPUs; a domU's cache "
               "use comes from Xen CMT (the CACHE OCCUPANCY section)";
    return 0;
}

/* Asks the hypervisor once per run what it monitors. */
static bool cmt_on(xg_platform *p)
{
    if (p->cmt_state == 0) {
        p->cmt_kinds = 0;
        if (!p->be->cmt_open)
            snprintf(p->cmt_why, sizeof(p->cmt_why), "Xen CMT: this "
                     "xengatherer was built without libxenlight (libxl)");
        else
            p->cmt_kinds = p->be->cmt_open(p->h, p->cmt_why,
                                           sizeof(p->cmt_why));
        p->cmt_state = p->cmt_kinds ? 1 : -1;
    }
    return p->cmt_state > 0;
}

int xg_xen_cmt_start(xg_platform *p, xg_pdomain *d, char *why, size_t len)
{
    xen_dom *x = d->priv;
    int r;

    if (!cmt_on(p)) {
        snprintf(why, len, "%s", p->cmt_why);
        return -1;
    }
    if (!x) {
        snprintf(why, len, "Xen CMT: domain '%s' is not prepared",
                 d->info.name ? d->info.name : "?");
        return -1;
    }
    r = p->be->cmt_attach(p->h, x->domid, why, len);
    if (r < 0)
        return -1;
    x->cmt_attached = r > 0;
    return 0;
}

int xg_xen_cmt_read(xg_platform *p, xg_pdomain *d, xg_cmt_counters *out)
{
    static const unsigned kinds[] = {XG_CMT_OCCUPANCY, XG_CMT_MBM_TOTAL,
                                     XG_CMT_MBM_LOCAL};
    const xen_dom *x = d->priv;
    uint64_t *dst[] = {&out->llc_occupancy, &out->mbm_total, &out->mbm_local};

    memset(out, 0, sizeof(*out));
    if (!x || p->cmt_state <= 0 || !xg_xen_find(p, d))
        return -1;
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if ((p->cmt_kinds & kinds[i]) &&
            p->be->cmt_read(p->h, x->domid, kinds[i], dst[i]) == 0)
            out->have |= kinds[i];
    return 0;
}

void xg_xen_cmt_stop(xg_platform *p, xen_dom *x)
{
    if (x->cmt_attached && p->be->cmt_detach)
        p->be->cmt_detach(p->h, x->domid);
    x->cmt_attached = false;
}

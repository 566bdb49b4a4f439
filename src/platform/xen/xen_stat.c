/* xen_stat.c — the xen platform's libxen backend, built (only with
 * libxenstat) as the module xengatherer-xen.so: it takes each snapshot from
 * libxenstat (cpu, vCPUs, VBDs, vifs) plus one xc_domain_getinfolist call
 * for the domains' uuids. The platform itself (detection, the ops) is
 * xen_platform.c, in the binary, which loads this. */
#include "platform/xen/xen_snap.h"
#include "config.h"
#include "util/grow.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>
#include <xenstat.h>

#include "platform/netdev.h"
#include "util/root.h"
#ifdef XG_HAVE_XENLIGHT
#include "platform/xen/xen_libxl.h"
#endif

typedef struct xen_stat {
    xenstat_handle *xs;
    xc_interface *xc;
    xc_domaininfo_t *info; /* the uuids, from the hypervisor */
    unsigned cap_info;
    xg_netdev_file netdev; /* dom0's /proc/net/dev: the vifs' counters */
    struct vif { unsigned domid, id; bool emu; xg_net_counters c; } *vif;
    size_t n_vif, cap_vif;
#ifdef XG_HAVE_XENLIGHT
    xg_xl *xl;             /* libxl, opened for cache monitoring */
#endif
} xen_stat;

static void stat_close(void *h)
{
    xen_stat *x = h;

    if (!x)
        return;
    if (x->xs)
        xenstat_uninit(x->xs);
    if (x->xc)
        xc_interface_close(x->xc);
#ifdef XG_HAVE_XENLIGHT
    xg_xl_close(x->xl);
#endif
    free(x->info);
    xg_netdev_close(&x->netdev);
    free(x->vif);
    free(x);
}

/* libxc's messages are dropped: off Xen its raw "xencall: error: ..."
 * lines came before the one line that says what to do. */
static void quiet_vmessage(xentoollog_logger *l, xentoollog_level level,
                           int errnoval, const char *context,
                           const char *format, va_list al)
{
    (void)l, (void)level, (void)errnoval, (void)context, (void)format;
    (void)al;
}

static void quiet_progress(xentoollog_logger *l, const char *context,
                           const char *doing_what, int percent,
                           unsigned long done, unsigned long total)
{
    (void)l, (void)context, (void)doing_what, (void)percent, (void)done;
    (void)total;
}

static void quiet_destroy(xentoollog_logger *l)
{
    (void)l;
}

static xentoollog_logger quiet_logger = {quiet_vmessage, quiet_progress,
                                         quiet_destroy};

static void *stat_open(char *err, size_t errlen)
{
    xen_stat *x = calloc(1, sizeof(*x));

    if (!x) {
        snprintf(err, errlen, "xen platform: out of memory");
        return NULL;
    }
    x->netdev.fd = -1;
    /* libxc first, quiet; libxenstat (which logs to stderr and cannot be
     * given a logger) only once the hypervisor answered */
    if (!(x->xc = xc_interface_open(&quiet_logger, &quiet_logger, 0)) ||
        !(x->xs = xenstat_init())) {
        snprintf(err, errlen, "xen platform: cannot open the hypervisor "
                 "interfaces (%s): run as root in dom0, with xenfs on "
                 "/proc/xen and xenstored running", strerror(errno));
        stat_close(x);
        return NULL;
    }
    return x;
}

static void uuid_str(const xen_domain_handle_t h, char *buf, size_t len)
{
    snprintf(buf, len, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x", h[0], h[1], h[2], h[3], h[4], h[5],
             h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]);
}

/* Every domain's uuid into x->info; how many, or -1. */
static int get_info(xen_stat *x, unsigned want)
{
    if (want + 16 > x->cap_info) {
        unsigned nc = want + 64;
        xc_domaininfo_t *ni = realloc(x->info, nc * sizeof(*ni));
        if (!ni)
            return -1;
        x->info = ni;
        x->cap_info = nc;
    }
    return xc_domain_getinfolist(x->xc, 0, x->cap_info, x->info);
}

static int stat_domids(void *h, unsigned *ids, size_t cap)
{
    xen_stat *x = h;
    int n = get_info(x, (unsigned)cap);

    for (int i = 0; i < n && (size_t)i < cap; i++)
        ids[i] = x->info[i].domain;
    return n < 0 ? -1 : (n > (int)cap ? (int)cap : n);
}

static int fill_dom(xen_stat *x, xenstat_domain *xd, int n_info,
                    xg_xen_snap *s)
{
    xg_xen_dom *d = xg_xen_snap_dom(s);
    const char *name = xenstat_domain_name(xd);

    if (!d)
        return -1;
    d->domid = xenstat_domain_id(xd);
    /* fits: a xenstore value (XG_XEN_NAME_MAX) */
    snprintf(d->name, sizeof(d->name), "%s", name ? name : "");
    d->dying = xenstat_domain_dying(xd) != 0;
    d->cpu_ns = xenstat_domain_cpu_ns(xd);
    for (int i = 0; i < n_info; i++)
        if (x->info[i].domain == d->domid)
            uuid_str(x->info[i].handle, d->uuid, sizeof(d->uuid));
    for (unsigned i = 0; i < xenstat_domain_num_vcpus(xd); i++) {
        xenstat_vcpu *v = xenstat_domain_vcpu(xd, i);
        xg_xen_vcpu *o = xg_xen_snap_vcpu(s);
        if (!o)
            return -1;
        if (v) {
            o->online = xenstat_vcpu_online(v) != 0;
            o->ns = xenstat_vcpu_ns(v);
        }
    }
    for (unsigned i = 0; i < xenstat_domain_num_vbds(xd); i++) {
        xenstat_vbd *v = xenstat_domain_vbd(xd, i);
        xg_xen_vbd *o;
        if (!v || xenstat_vbd_error(v))
            continue;
        if (!(o = xg_xen_snap_vbd(s)))
            return -1;
        *o = (xg_xen_vbd){xenstat_vbd_dev(v), xenstat_vbd_rd_reqs(v),
                          xenstat_vbd_wr_reqs(v), xenstat_vbd_rd_sects(v),
                          xenstat_vbd_wr_sects(v), xenstat_vbd_oo_reqs(v)};
    }
    /* the domain's vifs, the plain ones before their -emu twins */
    for (int emu = 0; emu < 2; emu++)
        for (size_t i = 0; i < x->n_vif; i++) {
            const struct vif *v = &x->vif[i];
            xg_xen_net *o;
            if (v->domid != d->domid || v->emu != (emu != 0))
                continue;
            if (!(o = xg_xen_snap_net(s)))
                return -1;
            *o = (xg_xen_net){v->id, v->c.rx_bytes, v->c.rx_packets,
                              v->c.tx_bytes, v->c.tx_packets,
                              v->c.rx_errors, v->c.rx_drops,
                              v->c.tx_errors, v->c.tx_drops,
                              v->c.from_zero};
        }
    return 0;
}

/* One line of dom0's /proc/net/dev: kept when it is a vif ("vifD.N", or
 * "vifD.N-emu" for an HVM guest's emulated twin), as dom0 sees it. */
static void vif_line(void *arg, const xg_net_counters *c)
{
    xen_stat *x = arg;
    unsigned domid, id;
    int end = 0;

    if (sscanf(c->device, "vif%u.%u%n", &domid, &id, &end) != 2 ||
        (c->device[end] && strcmp(c->device + end, "-emu") != 0))
        return;
    if (xg_grow_to((void **)&x->vif, &x->n_vif, &x->cap_vif, sizeof(*x->vif),
                   x->n_vif) < 0)
        return;
    x->vif[x->n_vif - 1] = (struct vif){domid, id, c->device[end] != '\0', *c};
}

/* The vifs from dom0's /proc/net/dev: libxenstat's own reading compiles a
 * regular expression per line and domain (costly under load) and found no
 * vif that is not on a bridge. */
static void read_vifs(xen_stat *x)
{
    x->n_vif = 0;
    if (x->netdev.fd < 0 && xg_netdev_open(&x->netdev, "/proc/net/dev") < 0)
        return;
    if (xg_netdev_read(&x->netdev, "proc-net-dev", vif_line, x) < 0) {
        xg_netdev_close(&x->netdev);
        x->n_vif = 0;
    }
}

static int stat_snapshot(void *h, xg_xen_snap *s)
{
    xen_stat *x = h;
    xenstat_node *node = xenstat_get_node(x->xs, XENSTAT_VCPU | XENSTAT_VBD);
    unsigned n;
    int n_info, rc = 0;

    if (!node)
        return -1;
    read_vifs(x);
    n = xenstat_node_num_domains(node);
    n_info = get_info(x, n);
    for (unsigned i = 0; i < n && rc == 0; i++) {
        xenstat_domain *xd = xenstat_node_domain_by_index(node, i);
        if (xd)
            rc = fill_dom(x, xd, n_info, s);
    }
    xenstat_free_node(node);
    return rc;
}

#ifdef XG_HAVE_XENLIGHT
static unsigned stat_cmt_open(void *h, char *why, size_t len)
{
    xen_stat *x = h;

    return x->xl ? 0 : xg_xl_cmt_open(&x->xl, why, len);
}

static int stat_cmt_attach(void *h, unsigned domid, char *why, size_t len)
{
    return xg_xl_cmt_attach(((xen_stat *)h)->xl, domid, why, len);
}

static void stat_cmt_detach(void *h, unsigned domid)
{
    xg_xl_cmt_detach(((xen_stat *)h)->xl, domid);
}

static int stat_cmt_read(void *h, unsigned domid, unsigned kind,
                         uint64_t *out)
{
    return xg_xl_cmt_read(((xen_stat *)h)->xl, domid, kind, out);
}
#endif

/* xc_version: "Xen MAJOR.MINOR" and the extra version (".0", "-rc"). */
static int stat_version(void *h, char *buf, size_t len)
{
    xen_stat *x = h;
    xen_extraversion_t extra = {0};
    int v = xc_version(x->xc, XENVER_version, NULL), n;

    if (v < 0)
        return -1;
    if (xc_version(x->xc, XENVER_extraversion, &extra) < 0)
        extra[0] = '\0';
    extra[sizeof(extra) - 1] = '\0';
    n = snprintf(buf, len, "Xen %d.%d%s", v >> 16, v & 0xffff, extra);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* tot_pages: what the domain holds now (max_pages is a ceiling the
 * balloon may reach, unlimited for a dom0 without dom0_mem). */
static int stat_memory(void *h, unsigned domid, uint64_t *kib)
{
    xen_stat *x = h;
    xc_domaininfo_t info;

    if (xc_domain_getinfolist(x->xc, domid, 1, &info) != 1 ||
        info.domain != domid)
        return -1;
    *kib = (uint64_t)info.tot_pages * (XC_PAGE_SIZE / 1024);
    return 0;
}

static int stat_vcpu_affinity(void *h, unsigned domid, unsigned vcpu,
                              uint8_t *map, size_t len)
{
    xen_stat *x = h;
    int size = xc_get_cpumap_size(x->xc), ncpus = xc_get_max_cpus(x->xc);
    xc_cpumap_t hard = NULL, soft = NULL;
    int rc = -1;

    if (size > 0 && ncpus > 0 && (hard = xc_cpumap_alloc(x->xc)) &&
        (soft = xc_cpumap_alloc(x->xc)) &&
        xc_vcpu_getaffinity(x->xc, domid, (int)vcpu, hard, soft,
                            XEN_VCPUAFFINITY_HARD) == 0) {
        size_t n = (size_t)size < len ? (size_t)size : len;
        memcpy(map, hard, n);
        rc = (size_t)ncpus < n * 8 ? ncpus : (int)(n * 8);
    }
    free(hard);
    free(soft);
    return rc;
}

static const xg_xen_backend stat_backend = {
    .open = stat_open,
    .snapshot = stat_snapshot,
    .close = stat_close,
    .domids = stat_domids,
    .version = stat_version,
    .memory = stat_memory,
    .vcpu_affinity = stat_vcpu_affinity,
#ifdef XG_HAVE_XENLIGHT
    .cmt_open = stat_cmt_open,
    .cmt_attach = stat_cmt_attach,
    .cmt_detach = stat_cmt_detach,
    .cmt_read = stat_cmt_read,
#endif
};

/* The module's one exported symbol (xen_snap.h); everything else in
 * xengatherer-xen.so is hidden (-fvisibility=hidden). */
__attribute__((visibility("default")))
const xg_xen_backend *xg_xen_module(unsigned abi, const char *version,
                                    const char *root, char *err,
                                    size_t errlen)
{
    if (abi != XG_XEN_MODULE_ABI || !version ||
        strcmp(version, XG_VERSION) != 0) {
        snprintf(err, errlen, "built for xengatherer %s (module ABI %u), "
                 "not %s (ABI %u)", XG_VERSION, XG_XEN_MODULE_ABI,
                 version ? version : "?", abi);
        return NULL;
    }
    xg_root_set(root);
    return &stat_backend;
}

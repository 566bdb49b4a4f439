/* xen.c — the xen platform's logic over a snapshot backend: domains (Domain-0
 * is the host row) keyed by uuid, and their CPU, vCPU and VBD counters. One
 * snapshot serves every domain of a sample: it is retaken only when older
 * than half the sampling interval. */
#include "platform/xen/xen_snap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/cpulist.h"

#define XEN_KEY "xen:"

static int64_t now_ns(const xg_platform *p)
{
    struct timespec ts;

    if (p->be->now_ns)
        return p->be->now_ns();
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int refresh(xg_platform *p, bool force)
{
    int64_t t = now_ns(p);

    if (!force && p->have && !p->stale && t - p->snap_ns < p->max_age_ns)
        return 0;
    p->snap.n_dom = p->snap.n_vcpu = p->snap.n_vbd = p->snap.n_net = 0;
    p->have = false;
    if (p->be->snapshot(p->h, &p->snap) < 0)
        return -1;
    p->have = true;
    p->snap_ns = t;
    p->stale = false;
    p->taken++;
    return 0;
}

void xg_xen_tick(xg_platform *p)
{
    p->stale = true;
}

unsigned long xg_xen_snapshots(const xg_platform *p)
{
    return p->taken;
}

xg_platform *xg_xen_open_with(const xg_xen_backend *be, const xg_options *o,
                              char *err, size_t errlen)
{
    xg_platform *p = calloc(1, sizeof(*p));
    double iv = o && o->interval_s > 0 ? o->interval_s : 1.0;

    if (!p) {
        snprintf(err, errlen, "xen platform: out of memory");
        return NULL;
    }
    p->be = be;
    p->max_age_ns = (int64_t)(iv * 1e9 / 2);
    if (p->max_age_ns < 1000000)
        p->max_age_ns = 1000000;
    if (!(p->h = be->open(err, errlen))) {
        free(p);
        return NULL;
    }
    return p;
}

void xg_xen_close(xg_platform *p)
{
    if (!p)
        return;
    p->be->close(p->h);
    xg_xen_snap_free(&p->snap);
    free(p);
}

static bool is_nil_uuid(const char *u)
{
    if (!*u)
        return true;
    for (; *u; u++)
        if (*u != '0' && *u != '-')
            return false;
    return true;
}

/* "xen:<uuid>", or "xen:<name>:<domid>" when the uuid is unknown or nil. */
static void dom_key(const xg_xen_dom *d, char *buf, size_t len)
{
    if (is_nil_uuid(d->uuid))
        snprintf(buf, len, XEN_KEY "%s:%u", d->name, d->domid);
    else
        snprintf(buf, len, XEN_KEY "%s", d->uuid);
}

static int push_dom(xg_pdomains *out, const xg_xen_dom *x)
{
    char key[XG_XEN_NAME_MAX + 64]; /* "xen:" NAME ":" DOMID, or a uuid */
    xg_pdomain d = {.info = {.platform_id = x->domid, .first_tick = -1,
                             .last_tick = -1}};

    dom_key(x, key, sizeof(key));
    d.info.key = key;
    d.info.name = (char *)(x->domid == 0 ? "Domain-0" : x->name);
    d.info.uuid = x->uuid[0] ? (char *)x->uuid : NULL;
    d.info.vcpus = (int)x->n_vcpu;
    d.info.is_host = x->domid == 0;
    return xg_pdomains_push(out, &d);
}

int xg_xen_discover(xg_platform *p, xg_pdomains *out, char *err,
                    size_t errlen)
{
    const xg_xen_snap *s = &p->snap;
    bool host = false;

    if (refresh(p, true) < 0) {
        snprintf(err, errlen, "xen: cannot read the domains from the "
                 "hypervisor (is xenstored running?)");
        return -1;
    }
    for (size_t i = 0; i < s->n_dom && !host; i++)
        if (s->dom[i].domid == 0) {
            if (push_dom(out, &s->dom[i]) < 0)
                goto nomem;
            host = true;
        }
    for (size_t i = 0; i < s->n_dom; i++)
        if (s->dom[i].domid != 0 && !s->dom[i].dying &&
            push_dom(out, &s->dom[i]) < 0)
            goto nomem;
    return 0;
nomem:
    snprintf(err, errlen, "out of memory");
    return -1;
}

int xg_xen_prepare(xg_platform *p, xg_pdomain *d, char *err, size_t errlen)
{
    xen_dom *x = calloc(1, sizeof(*x));

    (void)p;
    if (!x || d->info.platform_id < 0) {
        free(x);
        snprintf(err, errlen, "domain '%s': %s", d->info.name ? d->info.name
                 : "?", x ? "no domid" : "out of memory");
        return -1;
    }
    x->domid = (unsigned)d->info.platform_id;
    snprintf(x->uuid, sizeof(x->uuid), "%s", d->info.uuid ? d->info.uuid : "");
    snprintf(x->name, sizeof(x->name), "%s", d->info.name ? d->info.name : "");
    d->priv = x;
    return 0;
}

void xg_xen_release(xg_platform *p, xg_pdomain *d)
{
    if (d->priv)
        xg_xen_cmt_stop(p, d->priv);
    free(d->priv);
    d->priv = NULL;
}

/* The domain's entry in a fresh enough snapshot; NULL when it is gone (no
 * such domid, or the domid now belongs to another domain). */
const xg_xen_dom *xg_xen_find(xg_platform *p, const xg_pdomain *d)
{
    const xen_dom *x = d->priv;

    if (!x || refresh(p, false) < 0)
        return NULL;
    for (size_t i = 0; i < p->snap.n_dom; i++) {
        const xg_xen_dom *s = &p->snap.dom[i];
        if (s->domid != x->domid)
            continue;
        if (s->dying)
            return NULL;
        if (x->uuid[0] ? strcmp(s->uuid, x->uuid) != 0
                       : x->domid != 0 && strcmp(s->name, x->name) != 0)
            return NULL; /* the domid was reused by a new domain */
        return s;
    }
    return NULL;
}

int xg_xen_cpu_read(xg_platform *p, xg_pdomain *d, xg_cpu_counters *out)
{
    const xg_xen_dom *s = xg_xen_find(p, d);

    xen_dom *x = d->priv;

    if (!s)
        return -1;
    memset(out, 0, sizeof(*out));
    if (s->cpu_ns < x->last_cpu_ns) {
        p->cpu_dropped++;
        return 0; /* nothing filled: a gap */
    }
    x->last_cpu_ns = s->cpu_ns;
    out->usage_ns = s->cpu_ns;
    out->have = XG_CPU_USAGE;
    return 0;
}

const char *xg_xen_note(xg_platform *p, unsigned family)
{
    if (family != XG_FAM_CPU || !p->cpu_dropped)
        return NULL;
    snprintf(p->note, sizeof(p->note), "%lu reading%s of a domain's CPU "
             "time went backwards (libxenstat) and %s left out",
             p->cpu_dropped, p->cpu_dropped == 1 ? "" : "s",
             p->cpu_dropped == 1 ? "was" : "were");
    return p->note;
}

int xg_xen_vcpu_read(xg_platform *p, xg_pdomain *d, xg_vcpu_cb cb, void *arg)
{
    const xg_xen_dom *s = xg_xen_find(p, d);

    if (!s)
        return -1;
    /* libxenstat lists every vCPU up to the domain's max_vcpu_id (fixed at
     * its creation) with its time, or leaves the whole domain out; one not
     * passed on was offline and had never run (0 ns), so when it comes
     * online its time started at 0: from_zero. */
    for (size_t i = 0; i < s->n_vcpu; i++) {
        const xg_xen_vcpu *v = &p->snap.vcpu[s->vcpu0 + i];
        xg_cpu_counters c = {.have = XG_CPU_USAGE, .usage_ns = v->ns,
                             .from_zero = true};
        if (v->online || v->ns)
            cb(arg, (int)i, &c);
    }
    return 0;
}

int xg_xen_disk_read(xg_platform *p, xg_pdomain *d, xg_disk_cb cb, void *arg)
{
    const xg_xen_dom *s = xg_xen_find(p, d);
    char name[32];

    if (!s)
        return -1;
    for (size_t i = 0; i < s->n_vbd; i++) {
        const xg_xen_vbd *v = &p->snap.vbd[s->vbd0 + i];
        xg_disk_counters c = {.device = name, .source = "xenstat",
                              .rd_bytes = v->rd_sects * 512,
                              .wr_bytes = v->wr_sects * 512,
                              .rd_ios = v->rd_reqs, .wr_ios = v->wr_reqs,
                              .have_ios = true,
                              /* a VBD plugged in mid-run starts at 0 */
                              .from_zero = true};
        xg_xen_vbd_name(v->dev, name, sizeof(name));
        cb(arg, &c);
    }
    return 0;
}

bool xg_xen_changed(xg_platform *p)
{
    unsigned ids[512];
    int n;

    if (!p->be->domids || !p->have)
        return true;
    n = p->be->domids(p->h, ids, sizeof(ids) / sizeof(ids[0]));
    if (n < 0 || (size_t)n != p->snap.n_dom || (size_t)n == 512)
        return true;
    for (int i = 0; i < n; i++) {
        bool seen = false;
        for (size_t j = 0; j < p->snap.n_dom && !seen; j++)
            seen = p->snap.dom[j].domid == ids[i];
        if (!seen)
            return true;
    }
    return false;
}

const char *xg_xen_version(xg_platform *p)
{
    if (!p->be->version ||
        p->be->version(p->h, p->version, sizeof(p->version)) < 0)
        return NULL;
    return p->version;
}

int xg_xen_domain_env(xg_platform *p, xg_pdomain *d, xg_domain_env *out)
{
    const xg_xen_dom *s = d->info.is_host ? NULL : xg_xen_find(p, d);
    uint8_t all[1024] = {0}, map[1024]; /* up to 8192 CPUs */
    size_t nbits = 0;

    if (!s)
        return -1;
    if (p->be->memory && p->be->memory(p->h, s->domid, &out->memory_kib) < 0)
        out->memory_kib = 0;
    for (size_t v = 0; p->be->vcpu_affinity && v < s->n_vcpu; v++) {
        int n;
        memset(map, 0, sizeof(map));
        n = p->be->vcpu_affinity(p->h, s->domid, (unsigned)v, map,
                                 sizeof(map));
        if (n > 0)
            xg_cpulist_or(all, sizeof(all), &nbits, map, (size_t)n);
    }
    if (xg_cpulist_format(all, nbits, out->pinning, sizeof(out->pinning)) < 0)
        out->pinning[0] = '\0'; /* too long a list: unknown */
    return out->memory_kib || out->pinning[0] ? 0 : -1;
}

/* xen_snap.c — the xen platform's snapshot arrays, VBD names and dom0 test:
 * no libxen here, so the unit tests build on any machine. */
#include "platform/xen/xen_snap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Makes room for one more element of size sz in *v (n, cap). */
static void *grow(void **v, size_t *n, size_t *cap, size_t sz)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        void *nv = realloc(*v, nc * sz);
        if (!nv)
            return NULL;
        *v = nv;
        *cap = nc;
    }
    void *e = (char *)*v + (*n)++ * sz;
    memset(e, 0, sz);
    return e;
}

xg_xen_dom *xg_xen_snap_dom(xg_xen_snap *s)
{
    xg_xen_dom *d = grow((void **)&s->dom, &s->n_dom, &s->cap_dom,
                         sizeof(*d));
    if (d) {
        d->vcpu0 = s->n_vcpu;
        d->vbd0 = s->n_vbd;
        d->net0 = s->n_net;
    }
    return d;
}

xg_xen_vcpu *xg_xen_snap_vcpu(xg_xen_snap *s)
{
    xg_xen_vcpu *v;

    if (!s->n_dom ||
        !(v = grow((void **)&s->vcpu, &s->n_vcpu, &s->cap_vcpu, sizeof(*v))))
        return NULL;
    s->dom[s->n_dom - 1].n_vcpu++;
    return v;
}

xg_xen_vbd *xg_xen_snap_vbd(xg_xen_snap *s)
{
    xg_xen_vbd *v;

    if (!s->n_dom ||
        !(v = grow((void **)&s->vbd, &s->n_vbd, &s->cap_vbd, sizeof(*v))))
        return NULL;
    s->dom[s->n_dom - 1].n_vbd++;
    return v;
}

xg_xen_net *xg_xen_snap_net(xg_xen_snap *s)
{
    xg_xen_net *v;

    if (!s->n_dom ||
        !(v = grow((void **)&s->net, &s->n_net, &s->cap_net, sizeof(*v))))
        return NULL;
    s->dom[s->n_dom - 1].n_net++;
    return v;
}

void xg_xen_snap_free(xg_xen_snap *s)
{
    free(s->dom);
    free(s->vcpu);
    free(s->vbd);
    free(s->net);
    memset(s, 0, sizeof(*s));
}

/* "xvd" + letters for disk index n (a..z, aa..zz as Linux does) + part. */
static void disk_name(const char *pfx, unsigned n, unsigned part, char *buf,
                      size_t len)
{
    char l[3] = {0};

    if (n < 26) {
        l[0] = (char)('a' + n);
    } else {
        l[0] = (char)('a' + n / 26 - 1);
        l[1] = (char)('a' + n % 26);
    }
    if (part)
        snprintf(buf, len, "%s%s%u", pfx, l, part);
    else
        snprintf(buf, len, "%s%s", pfx, l);
}

void xg_xen_vbd_name(unsigned dev, char *buf, size_t len)
{
    unsigned major = (dev >> 8) & 0xfff, minor = dev & 0xff;

    if (dev & (1u << 28)) { /* extended: xvd beyond the 202 major's 16 */
        unsigned n = (dev >> 8) & 0xfffff;
        if (n < 26 * 27) {
            disk_name("xvd", n, dev & 0xff, buf, len);
            return;
        }
    } else if (dev < (1u << 16)) {
        switch (major) {
        case 202:
            disk_name("xvd", minor >> 4, minor & 15, buf, len);
            return;
        case 3:
            disk_name("hd", minor >> 6, minor & 63, buf, len);
            return;
        case 22:
            disk_name("hd", 2 + (minor >> 6), minor & 63, buf, len);
            return;
        case 8:
            disk_name("sd", minor >> 4, minor & 15, buf, len);
            return;
        default:
            break;
        }
    }
    snprintf(buf, len, "vbd%u", dev);
}

bool xg_xen_caps_is_dom0(const char *text)
{
    const char *p = text;
    size_t n = strlen("control_d");

    while ((p = strstr(p, "control_d"))) {
        if ((p == text || p[-1] == ' ' || p[-1] == '\n' || p[-1] == ',') &&
            (p[n] == '\0' || p[n] == '\n' || p[n] == ' ' || p[n] == ','))
            return true;
        p += n;
    }
    return false;
}

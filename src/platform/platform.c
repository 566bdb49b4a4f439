/* platform.c — the list of platforms, --platform selection, and the
 * xg_pdomains list helpers. */
#include "platform/platform.h"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const xg_platform_ops xg_platform_qemu;
extern const xg_platform_ops xg_platform_cgroup;
#ifdef XG_HAVE_XEN
extern const xg_platform_ops xg_platform_xen;
#endif
#ifdef XG_HAVE_LIBVIRT
extern const xg_platform_ops xg_platform_libvirt;
#endif

/* Every platform compiled in, in --platform auto order: xen, libvirt, qemu,
 * then cgroup (the fallback, whose detect() is always true). xen and qemu join
 * here, each under its own #ifdef, when they land. */
static const xg_platform_ops *const g_platforms[] = {
#ifdef XG_HAVE_XEN
    &xg_platform_xen,
#endif
#ifdef XG_HAVE_LIBVIRT
    &xg_platform_libvirt, /* before qemu: libvirt's QEMUs are its own */
#endif
    &xg_platform_qemu,
    &xg_platform_cgroup,
    NULL,
};

const xg_platform_ops *const *xg_platform_all(void)
{
    return g_platforms;
}

const xg_platform_ops *xg_platform_pick(const char *name, char *err,
                                        size_t errlen)
{
    const xg_platform_ops *const *p;
    size_t off;

    if (!name || !*name || strcmp(name, "auto") == 0) {
        for (p = g_platforms; *p; p++)
            if ((*p)->detect())
                return *p;
        snprintf(err, errlen, "no platform detected (use --platform)");
        return NULL;
    }
    for (p = g_platforms; *p; p++)
        if (strcmp((*p)->name, name) == 0)
            return *p;
    off = (size_t)snprintf(err, errlen, "unknown platform '%s' (have:", name);
    for (p = g_platforms; *p && off < errlen; p++)
        off += (size_t)snprintf(err + off, errlen - off, " %s", (*p)->name);
    if (off < errlen)
        snprintf(err + off, errlen - off, ")");
    return NULL;
}

const xg_platform_ops *xg_platform_choose(const xg_options *o, char *err,
                                          size_t errlen)
{
    const char *name = o->platform;

    /* cgroup options say which platform is meant, whatever else runs */
    if ((!name || !*name || strcmp(name, "auto") == 0) &&
        (o->n_cgroups || o->cgroup_parent || o->blkio_enable))
        name = "cgroup";
    else if ((!name || !*name || strcmp(name, "auto") == 0) && o->connect_uri)
        name = "libvirt"; /* --connect says which */
    return xg_platform_pick(name, err, errlen);
}

static int dup_str(char **dst, const char *src)
{
    if (!src)
        return 0;
    *dst = strdup(src);
    return *dst ? 0 : -1;
}

static void info_free(xg_domain_info *i)
{
    free(i->key);
    free(i->name);
    free(i->address);
    free(i->uuid);
}

int xg_pdomains_push(xg_pdomains *l, const xg_pdomain *d)
{
    xg_pdomain n = *d;

    n.info.key = n.info.name = n.info.address = n.info.uuid = NULL;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        xg_pdomain *v = realloc(l->v, cap * sizeof(*v));
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    if (dup_str(&n.info.key, d->info.key) ||
        dup_str(&n.info.name, d->info.name) ||
        dup_str(&n.info.address, d->info.address) ||
        dup_str(&n.info.uuid, d->info.uuid)) {
        info_free(&n.info);
        return -1;
    }
    l->v[l->n++] = n;
    return 0;
}

void xg_pdomains_free(xg_pdomains *l)
{
    for (size_t i = 0; i < l->n; i++)
        info_free(&l->v[i].info);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

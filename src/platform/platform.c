/* platform.c — the list of platforms, --platform selection, the
 * xg_pdomains list helpers, and loading platform modules. */
#include "platform/platform.h"

#include "config.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Why auto picked p: the reason its detect() said yes. */
static const char *auto_why(const xg_platform_ops *p)
{
    if (strcmp(p->name, "xen") == 0)
        return "auto: this host is a Xen dom0";
    if (strcmp(p->name, "libvirt") == 0)
        return "auto: libvirtd answers; --platform qemu for the raw QEMU "
               "processes";
    if (strcmp(p->name, "qemu") == 0)
        return "auto: a qemu-system process runs; --platform cgroup or "
               "--cgroup for containers";
    if (strcmp(p->name, "cgroup") == 0)
        return "auto: not a Xen dom0 and no qemu-system process runs";
    return "auto";
}

const xg_platform_ops *xg_platform_choose_why(const xg_options *o,
                                              const char **why, char *err,
                                              size_t errlen)
{
    const char *name = o->platform;
    const xg_platform_ops *p;
    bool is_auto = !name || !*name || strcmp(name, "auto") == 0;

    /* cgroup options say which platform is meant, whatever else runs */
    if (is_auto && (o->n_cgroups || o->cgroup_parent || o->blkio_enable)) {
        *why = o->n_cgroups ? "auto: --cgroup given"
               : o->cgroup_parent ? "auto: --cgroup-parent given"
                                  : "auto: --blkio-enable given";
        return xg_platform_pick("cgroup", err, errlen);
    }
    if (is_auto && o->connect_uri) { /* --connect says which */
        *why = "auto: --connect given";
        return xg_platform_pick("libvirt", err, errlen);
    }
    p = xg_platform_pick(name, err, errlen);
    *why = !p ? NULL : is_auto ? auto_why(p) : "--platform";
    return p;
}

const xg_platform_ops *xg_platform_choose(const xg_options *o, char *err,
                                          size_t errlen)
{
    const char *why;

    return xg_platform_choose_why(o, &why, err, errlen);
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

/* Platform modules (platform.h). */

void xg_platform_err_cut(char *err, size_t errlen)
{
    if (errlen >= 4)
        memcpy(err + errlen - 4, "...", 4);
}

/* The directory of the running binary into buf; -1 when unknown. */
static int exe_dir(char *buf, size_t len)
{
    ssize_t n = readlink("/proc/self/exe", buf, len - 1);
    char *slash;

    if (n <= 0 || (size_t)n >= len - 1)
        return -1;
    buf[n] = '\0';
    if (!(slash = strrchr(buf, '/')))
        return -1;
    *(slash == buf ? slash + 1 : slash) = '\0';
    return 0;
}

/* dir joined with rel, each leading "../" of rel taking a component off
 * dir; -1 when it does not fit. */
static int join_rel(char *buf, size_t len, const char *dir, const char *rel)
{
    char d[PATH_MAX];
    int n = snprintf(d, sizeof(d), "%s", dir);

    if (n < 0 || (size_t)n >= sizeof(d))
        return -1;
    while (strncmp(rel, "../", 3) == 0) {
        char *slash = strrchr(d, '/');
        if (!slash || slash == d)
            return -1;
        *slash = '\0';
        rel += 3;
    }
    n = snprintf(buf, len, "%s/%s", d, rel);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

#define MOD_CANDS 3

/* Appends a candidate path unless it is there already; its index. */
static size_t cand_add(char out[MOD_CANDS][PATH_MAX], size_t *k,
                       const char *path)
{
    for (size_t i = 0; i < *k; i++)
        if (strcmp(out[i], path) == 0)
            return i;
    memcpy(out[*k], path, strlen(path) + 1);
    return (*k)++;
}

/* The paths a module may have, in the order of platform.h; how many.
 * *named is the one to try when none exists: the install location,
 * relative to the binary when that is known. */
static size_t module_paths(const char *name, char out[MOD_CANDS][PATH_MAX],
                           size_t *named)
{
    char dir[PATH_MAX], file[64], p[PATH_MAX], q[PATH_MAX];
    size_t k = 0, rel = MOD_CANDS;
    int n = snprintf(file, sizeof(file), "xengatherer-%s.so", name);

    if (n < 0 || (size_t)n >= sizeof(file))
        return 0;
    if (exe_dir(dir, sizeof(dir)) == 0) {
        const char *d = strcmp(dir, "/") ? dir : "";
        n = snprintf(p, sizeof(p), "%s/%s", d, file);
        if (n > 0 && (size_t)n < sizeof(p))
            cand_add(out, &k, p);
        n = snprintf(p, sizeof(p), "%s/%s", XG_MODULE_RELDIR, file);
        if (XG_MODULE_RELDIR[0] && n > 0 && (size_t)n < sizeof(p) &&
            join_rel(q, sizeof(q), d, p) == 0)
            rel = cand_add(out, &k, q);
    }
    n = snprintf(p, sizeof(p), "%s/%s", XG_MODULE_DIR, file);
    if (n > 0 && (size_t)n < sizeof(p)) {
        size_t abs = cand_add(out, &k, p);
        *named = rel < k ? rel : abs;
    } else {
        *named = rel < k ? rel : 0;
    }
    return k;
}

/* dlopen + dlsym of one file; NULL + why ("PATH: dlerror"). */
static void *module_load(const char *path, const char *sym, char *why,
                         size_t len)
{
    const char *e;
    void *h, *f;
    size_t pl = strlen(path);
    int w;

    dlerror();
    if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) && (f = dlsym(h, sym)))
        return f; /* never closed: its code is used until exit */
    /* dlerror names the file when the file itself fails, not when a
     * library it needs is missing: the path is said once, in front */
    if (!(e = dlerror()))
        e = "cannot load";
    if (strncmp(e, path, pl) == 0 && strncmp(e + pl, ": ", 2) == 0)
        e += pl + 2;
    w = snprintf(why, len, "%s: %s", path, e);
    if (w < 0 || (size_t)w >= len)
        xg_platform_err_cut(why, len);
    if (h)
        dlclose(h);
    return NULL;
}

void *xg_platform_module_sym(const char *name, const char *sym, char *path,
                             size_t pathlen, char *why, size_t len)
{
    char cand[MOD_CANDS][PATH_MAX];
    size_t named = 0, n = module_paths(name, cand, &named), i;
    int w;

    if (n == 0) {
        snprintf(why, len, "xengatherer-%s.so: path too long", name);
        return NULL;
    }
    for (i = 0; i < n && access(cand[i], F_OK) != 0; i++)
        ;
    if (i == n)
        i = named;
    w = snprintf(path, pathlen, "%s", cand[i]);
    if (w < 0 || (size_t)w >= pathlen)
        xg_platform_err_cut(path, pathlen);
    return module_load(cand[i], sym, why, len);
}

void xg_platform_print_modules(FILE *f)
{
    const xg_platform_ops *const *p;

    for (p = g_platforms; *p; p++) {
        char path[PATH_MAX] = "", why[1024];
        if (!(*p)->loadable)
            continue;
        if ((*p)->loadable(path, sizeof(path), why, sizeof(why)) == 0)
            fprintf(f, "%s: a module, loads here: %s\n", (*p)->name, path);
        else
            fprintf(f, "%s: a module, does not load here: %s\n",
                    (*p)->name, why);
    }
}

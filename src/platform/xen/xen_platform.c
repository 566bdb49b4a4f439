/* xen_platform.c — the xen platform as registered: detection from
 * /proc/xen/capabilities, and open, which loads the libxen backend from the
 * module xengatherer-xen.so (xen_stat.c) only then. The binary links no
 * libxen, so report and the other platforms run where Xen's libraries are
 * absent. */
#include "platform/xen/xen_snap.h"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "util/root.h"

#define XEN_HINT "install the xengatherer-xen package (or Xen's libraries: " \
                 "libxenstat, libxenctrl)"

/* The backend from the module; NULL + err ("PATH: why; install ...").
 * path gets the module's path. */
static const xg_xen_backend *load_backend(char *path, size_t pathlen,
                                          char *err, size_t errlen)
{
    char why[1024];
    const xg_xen_backend *be = NULL;
    xg_xen_module_fn *fn;
    int n;

    fn = (xg_xen_module_fn *)xg_platform_module_sym("xen", XG_XEN_MODULE_SYM,
                                                    path, pathlen, why,
                                                    sizeof(why));
    if (fn) {
        be = fn(XG_XEN_MODULE_ABI, XG_VERSION, xg_root_get(), why,
                sizeof(why));
        if (be)
            return be;
        n = snprintf(err, errlen, "%s: %s", path, why);
    } else {
        n = snprintf(err, errlen, "%s; " XEN_HINT, why);
    }
    if (n < 0 || (size_t)n >= errlen)
        xg_platform_err_cut(err, errlen);
    return NULL;
}

static int xen_loadable(char *path, size_t pathlen, char *why, size_t len)
{
    return load_backend(path, pathlen, why, len) ? 0 : -1;
}

static bool xen_detect(void)
{
    char buf[256];

    return xg_read_text("/proc/xen/capabilities", buf, sizeof(buf)) > 0 &&
           xg_xen_caps_is_dom0(buf);
}

static xg_platform *xen_open(const xg_options *o, char *err, size_t errlen)
{
    char path[4096], why[1536];
    const xg_xen_backend *be = load_backend(path, sizeof(path), why,
                                            sizeof(why));
    int n;

    if (be)
        return xg_xen_open_with(be, o, err, errlen);
    n = snprintf(err, errlen, "xen platform: %s", why);
    if (n < 0 || (size_t)n >= errlen)
        xg_platform_err_cut(err, errlen);
    return NULL;
}

const xg_platform_ops xg_platform_xen = {
    .name = "xen",
    .detect = xen_detect,
    .open = xen_open,
    .discover = xg_xen_discover,
    .tick = xg_xen_tick,
    .prepare = xg_xen_prepare,
    .cpu_read = xg_xen_cpu_read,
    .disk_read = xg_xen_disk_read,
    .net_read = xg_xen_net_read,
    .vcpu_read = xg_xen_vcpu_read,
    .release = xg_xen_release,
    .close = xg_xen_close,
    .perf_target = xg_xen_perf_target,
    .changed = xg_xen_changed,
    .note = xg_xen_note,
    .cmt_start = xg_xen_cmt_start,
    .cmt_read = xg_xen_cmt_read,
    .loadable = xen_loadable,
    .version = xg_xen_version,
    .domain_env = xg_xen_domain_env,
};

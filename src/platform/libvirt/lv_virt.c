/* lv_virt.c — the libvirt platform as registered (built only with
 * libvirt-dev's headers; libvirt.so.0 is loaded at open): detection by
 * libvirtd's socket, and the backend over the libvirt API: one
 * virConnectGetAllDomainStats (or virDomainListGetStats for the watched
 * domains) per snapshot, with NOWAIT, its typed parameters copied for
 * lv_parse.c. */
#include "platform/libvirt/lv.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "util/grow.h"
#include "util/root.h"

#define LV_SOCK "/run/libvirt/libvirt-sock-ro"

/* libvirt is loaded when the platform is opened, not linked: the binary
 * (report, the other platforms) starts on a machine without libvirt0. */
#define LV_FUNCS(X)                                                          \
    X(virSetErrorFunc) X(virGetLastErrorMessage) X(virConnectOpen)           \
    X(virConnectClose) X(virDomainFree) X(virDomainGetName)                  \
    X(virDomainGetID) X(virDomainGetUUIDString) X(virDomainListGetStats)     \
    X(virConnectGetAllDomainStats) X(virDomainStatsRecordListFree)           \
    X(virDomainLookupByUUIDString) X(virConnectListDomains)                  \
    X(virDomainInterfaceAddresses) X(virDomainInterfaceFree)                 \
    X(virConnectGetLibVersion) X(virConnectGetVersion) X(virConnectGetType)  \
    X(virDomainGetInfo) X(virNodeGetCPUMap) X(virDomainGetVcpuPinInfo)

static struct {
#define LV_PTR(f) __typeof__(f) *f; // NOLINT(bugprone-macro-parentheses)
    LV_FUNCS(LV_PTR)
#undef LV_PTR
} lv;

/* dlopen()s libvirt.so.0 once and finds every function the platform uses.
 * 0, or -1 + one line saying what is missing. */
static int lv_load(char *err, size_t errlen)
{
    static void *h;
    void *sym;

    if (h)
        return 0;
    if (!(h = dlopen("libvirt.so.0", RTLD_NOW | RTLD_LOCAL))) {
        snprintf(err, errlen, "libvirt platform: cannot load libvirt.so.0 "
                 "(%s): install libvirt0", dlerror());
        return -1;
    }
#define LV_SYM(f)                                                            \
    if (!(sym = dlsym(h, #f))) {                                             \
        snprintf(err, errlen, "libvirt platform: libvirt.so.0 has no %s "     \
                 "(libvirt older than 4.0?)", #f);                           \
        dlclose(h);                                                          \
        h = NULL;                                                            \
        return -1;                                                           \
    }                                                                        \
    memcpy(&lv.f, &sym, sizeof(sym));
    LV_FUNCS(LV_SYM)
#undef LV_SYM
    return 0;
}

typedef struct lv_conn {
    virConnectPtr c;
    xg_lv_param *ps;           /* one record's parameters, copied */
    size_t n_ps, cap_ps;
    struct { char uuid[40]; virDomainPtr d; } *dom; /* looked up once */
    size_t n_dom, cap_dom;
    virDomainPtr *list;        /* the watched ones, for ListGetStats */
    size_t n_list, cap_list;
} lv_conn;

/* libvirt prints every error on stderr by default: the platform says
 * them itself, in one line. */
static void quiet(void *arg, virErrorPtr e)
{
    (void)arg;
    (void)e;
}

static const char *last_error(void)
{
    const char *m = lv.virGetLastErrorMessage();

    return m && *m ? m : "no reason given";
}

/* The connection is opened in a thread so a daemon that does not answer
 * is given up after the timeout (the thread then closes what it got). */
typedef struct opener {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char uri[512];
    virConnectPtr c;
    char why[400];
    bool done, abandoned;
} opener;

static void *open_thread(void *arg)
{
    opener *o = arg;
    virConnectPtr c;
    bool drop;

    lv.virSetErrorFunc(NULL, quiet);
    c = lv.virConnectOpen(o->uri);
    pthread_mutex_lock(&o->mu);
    if (!c)
        snprintf(o->why, sizeof(o->why), "%s", last_error());
    o->c = c;
    o->done = true;
    drop = o->abandoned;
    pthread_cond_signal(&o->cv);
    pthread_mutex_unlock(&o->mu);
    if (drop) {
        if (c)
            lv.virConnectClose(c);
        free(o);
    }
    return NULL;
}

static virConnectPtr open_timed(const char *uri, int timeout_s, char *err,
                                size_t errlen)
{
    opener *o = calloc(1, sizeof(*o));
    struct timespec dl;
    pthread_t t;
    virConnectPtr c = NULL;
    bool done;

    if (!o) {
        snprintf(err, errlen, "libvirt platform: out of memory");
        return NULL;
    }
    pthread_mutex_init(&o->mu, NULL);
    pthread_cond_init(&o->cv, NULL);
    snprintf(o->uri, sizeof(o->uri), "%s", uri);
    if (pthread_create(&t, NULL, open_thread, o) != 0) {
        snprintf(err, errlen, "libvirt %s: cannot start a thread", uri);
        free(o);
        return NULL;
    }
    pthread_detach(t);
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += timeout_s;
    pthread_mutex_lock(&o->mu);
    while (!o->done &&
           pthread_cond_timedwait(&o->cv, &o->mu, &dl) != ETIMEDOUT)
        ;
    done = o->done;
    if (done) {
        c = o->c;
        if (!c)
            snprintf(err, errlen, "cannot connect to libvirt at %s: %s", uri,
                     o->why);
    } else {
        o->abandoned = true; /* the thread frees o */
        snprintf(err, errlen, "cannot connect to libvirt at %s: no answer "
                 "within %d s (--connect-timeout)", uri, timeout_s);
    }
    pthread_mutex_unlock(&o->mu);
    if (done)
        free(o);
    return c;
}

static void lv_conn_close(void *h)
{
    lv_conn *l = h;

    if (!l)
        return;
    for (size_t i = 0; i < l->n_dom; i++)
        if (l->dom[i].d)
            lv.virDomainFree(l->dom[i].d);
    if (l->c)
        lv.virConnectClose(l->c);
    free(l->dom);
    free(l->list);
    free(l->ps);
    free(l);
}

static void *lv_conn_open(const char *uri, int timeout_s, char *err,
                          size_t errlen)
{
    lv_conn *l = calloc(1, sizeof(*l));

    if (!l) {
        snprintf(err, errlen, "libvirt platform: out of memory");
        return NULL;
    }
    if (lv_load(err, errlen) < 0) {
        free(l);
        return NULL;
    }
    lv.virSetErrorFunc(NULL, quiet);
    if (!(l->c = open_timed(uri, timeout_s, err, errlen))) {
        free(l);
        return NULL;
    }
    return l;
}

/* Copies one virTypedParameter into p (the strings stay libvirt's). */
static void copy_param(const virTypedParameter *v, xg_lv_param *p)
{
    memset(p, 0, sizeof(*p));
    p->field = v->field;
    p->type = LV_P_STRING; /* an unknown type: a NULL string, skipped */
    switch (v->type) {
    case VIR_TYPED_PARAM_INT:
        p->type = LV_P_INT;
        p->u = (uint64_t)(int64_t)v->value.i;
        break;
    case VIR_TYPED_PARAM_UINT:
        p->type = LV_P_UINT;
        p->u = v->value.ui;
        break;
    case VIR_TYPED_PARAM_LLONG:
        p->type = LV_P_LLONG;
        p->u = (uint64_t)v->value.l;
        break;
    case VIR_TYPED_PARAM_ULLONG:
        p->type = LV_P_ULLONG;
        p->u = v->value.ul;
        break;
    case VIR_TYPED_PARAM_DOUBLE:
        p->type = LV_P_DOUBLE;
        p->d = v->value.d;
        break;
    case VIR_TYPED_PARAM_BOOLEAN:
        p->type = LV_P_BOOLEAN;
        p->u = v->value.b != 0;
        break;
    case VIR_TYPED_PARAM_STRING:
        p->s = v->value.s;
        break;
    default:
        break;
    }
}

static int add_record(lv_conn *l, virDomainStatsRecordPtr r, xg_lv_snap *s)
{
    char uuid[VIR_UUID_STRING_BUFLEN] = "";
    const char *name = lv.virDomainGetName(r->dom);
    unsigned id = lv.virDomainGetID(r->dom);

    if (r->nparams > 0 &&
        xg_grow_to((void **)&l->ps, &l->n_ps, &l->cap_ps, sizeof(*l->ps),
                   (size_t)r->nparams - 1) < 0)
        return -1;
    for (int i = 0; i < r->nparams; i++)
        copy_param(&r->params[i], &l->ps[i]);
    lv.virDomainGetUUIDString(r->dom, uuid);
    return xg_lv_snap_add(s, name, uuid, id == (unsigned)-1 ? -1 : (int)id,
                          l->ps, r->nparams > 0 ? (size_t)r->nparams : 0);
}

/* The watched domains' handles, each looked up once (a lookup is a call
 * to the daemon); those that no longer exist are left out. */
static int watched(lv_conn *l, const char *const *uuids, size_t n)
{
    l->n_list = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k;
        for (k = 0; k < l->n_dom; k++)
            if (strcmp(l->dom[k].uuid, uuids[i]) == 0)
                break;
        if (k == l->n_dom) {
            if (xg_grow_to((void **)&l->dom, &l->n_dom, &l->cap_dom,
                           sizeof(*l->dom), k) < 0)
                return -1;
            snprintf(l->dom[k].uuid, sizeof(l->dom[k].uuid), "%s", uuids[i]);
            l->dom[k].d = lv.virDomainLookupByUUIDString(l->c, uuids[i]);
        }
        if (!l->dom[k].d)
            continue;
        if (xg_grow_to((void **)&l->list, &l->n_list, &l->cap_list,
                       sizeof(*l->list), // NOLINT(bugprone-sizeof-expression)
                       l->n_list) < 0)
            return -1;
        l->list[l->n_list - 1] = l->dom[k].d;
    }
    if (xg_grow_to((void **)&l->list, &l->n_list, &l->cap_list,
                   sizeof(*l->list), // NOLINT(bugprone-sizeof-expression)
                   l->n_list) < 0)
        return -1;
    l->list[--l->n_list] = NULL; /* the array ends with NULL */
    return 0;
}

/* LV_G_* as VIR_DOMAIN_STATS_*. */
static unsigned stats_of(unsigned groups)
{
    return (groups & LV_G_STATE ? VIR_DOMAIN_STATS_STATE : 0u) |
           (groups & LV_G_CPU ? VIR_DOMAIN_STATS_CPU_TOTAL : 0u) |
           (groups & LV_G_VCPU ? VIR_DOMAIN_STATS_VCPU : 0u) |
           (groups & LV_G_BLOCK ? VIR_DOMAIN_STATS_BLOCK : 0u) |
           (groups & LV_G_NET ? VIR_DOMAIN_STATS_INTERFACE : 0u) |
           (groups & LV_G_PERF ? VIR_DOMAIN_STATS_PERF : 0u);
}

static int lv_snapshot(void *h, unsigned groups, const char *const *uuids,
                       size_t n, xg_lv_snap *s, char *err, size_t errlen)
{
    lv_conn *l = h;
    unsigned stats = stats_of(groups);
    virDomainStatsRecordPtr *recs = NULL;
    int nrec, rc = 0;

    if (uuids) {
        if (watched(l, uuids, n) < 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        if (!l->n_list)
            return 0;
        nrec = lv.virDomainListGetStats(l->list, stats, &recs,
                                     VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT);
    } else {
        nrec = lv.virConnectGetAllDomainStats(
            l->c, stats, &recs,
            VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE |
                VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT);
    }
    if (nrec < 0) {
        snprintf(err, errlen, "%s", last_error());
        return -1;
    }
    for (int i = 0; i < nrec && rc == 0; i++)
        rc = add_record(l, recs[i], s);
    if (rc < 0)
        snprintf(err, errlen, "out of memory");
    lv.virDomainStatsRecordListFree(recs);
    return rc;
}

static int lv_ids(void *h, int *ids, size_t cap)
{
    lv_conn *l = h;

    return lv.virConnectListDomains(l->c, ids, (int)cap);
}

/* The first address of an interface list that is not loopback, IPv4
 * first. */
static bool pick_addr(virDomainInterfacePtr *ifs, int n, char *buf,
                      size_t len)
{
    for (int want = VIR_IP_ADDR_TYPE_IPV4; want <= VIR_IP_ADDR_TYPE_IPV6;
         want++)
        for (int i = 0; i < n; i++)
            for (unsigned k = 0; k < ifs[i]->naddrs; k++) {
                const virDomainIPAddress *a = &ifs[i]->addrs[k];
                if (a->type != want || !a->addr ||
                    strncmp(a->addr, "127.", 4) == 0 ||
                    strcmp(a->addr, "::1") == 0)
                    continue;
                snprintf(buf, len, "%s", a->addr);
                return true;
            }
    return false;
}

static int lv_address(void *h, const char *uuid, char *buf, size_t len,
                      char *why, size_t whylen)
{
    static const unsigned src[2] = {VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE,
                                    VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT};
    lv_conn *l = h;
    virDomainPtr d = lv.virDomainLookupByUUIDString(l->c, uuid);
    bool found = false;

    snprintf(why, whylen, "%s", d ? "no address" : last_error());
    for (int s = 0; d && s < 2 && !found; s++) {
        virDomainInterfacePtr *ifs = NULL;
        int n = lv.virDomainInterfaceAddresses(d, &ifs, src[s], 0);
        if (n < 0)
            snprintf(why, whylen, "%s", last_error());
        found = n > 0 && pick_addr(ifs, n, buf, len);
        for (int i = 0; i < n; i++)
            lv.virDomainInterfaceFree(ifs[i]);
        free(ifs);
    }
    if (d)
        lv.virDomainFree(d);
    return found ? 0 : -1;
}

/* Whether /proc/PID/cmdline is a qemu-system-* with this -uuid. */
static bool qemu_of(pid_t pid, const char *uuid)
{
    char path[64], buf[16384];
    ssize_t n;
    const char *a, *base;
    bool qemu;

    snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)pid);
    if ((n = xg_read_text(path, buf, sizeof(buf))) <= 0)
        return false;
    base = strrchr(buf, '/');
    qemu = strncmp(base ? base + 1 : buf, "qemu-system-", 12) == 0 ||
           strncmp(base ? base + 1 : buf, "qemu-kvm", 8) == 0;
    for (a = buf; qemu && a < buf + n; a += strlen(a) + 1)
        if (strcmp(a, uuid) == 0)
            return true;
    return false;
}

/* libvirt's QEMU driver writes the pid of each domain's QEMU to
 * /run/libvirt/qemu/NAME.pid (the system instance). */
static pid_t lv_pid(void *h, const char *name, const char *uuid)
{
    char path[512], b[32];
    long v;

    (void)h;
    if (!*name || strchr(name, '/') ||
        (size_t)snprintf(path, sizeof(path), "/run/libvirt/qemu/%s.pid",
                         name) >= sizeof(path) ||
        xg_read_text(path, b, sizeof(b)) <= 0 || (v = strtol(b, NULL, 10)) <= 0)
        return -1;
    return qemu_of((pid_t)v, uuid) ? (pid_t)v : -1;
}

/* libvirt's version encoding, major * 1000000 + minor * 1000 + release,
 * as the three printf arguments of "%lu.%lu.%lu". */
#define LV_VER(v) (v) / 1000000, (v) / 1000 % 1000, (v) % 1000

/* "libvirt 9.0.0, QEMU 7.2.0": the library's version, then the
 * hypervisor driver's type and version when libvirt tells them. */
static int lv_version(void *h, char *buf, size_t len)
{
    lv_conn *c = h;
    unsigned long lib = 0, hv = 0;
    const char *type;
    int n;

    if (lv.virConnectGetLibVersion(c->c, &lib) < 0)
        return -1;
    if ((type = lv.virConnectGetType(c->c)) &&
        lv.virConnectGetVersion(c->c, &hv) == 0 && hv)
        n = snprintf(buf, len, "libvirt %lu.%lu.%lu, %s %lu.%lu.%lu",
                     LV_VER(lib), type, LV_VER(hv));
    else
        n = snprintf(buf, len, "libvirt %lu.%lu.%lu", LV_VER(lib));
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Each vCPU's CPU map, over as many CPUs as the host has (as virsh
 * vcpupin asks): 0, or -1. */
static int pin_maps(lv_conn *l, virDomainPtr d, int nvcpu, xg_lv_map_cb cb,
                    void *arg)
{
    int ncpus = lv.virNodeGetCPUMap(l->c, NULL, NULL, 0), n;
    size_t maplen;
    unsigned char *maps;

    if (ncpus <= 0 || nvcpu <= 0)
        return -1;
    maplen = (size_t)VIR_CPU_MAPLEN(ncpus);
    if (!(maps = calloc((size_t)nvcpu, maplen)))
        return -1;
    n = lv.virDomainGetVcpuPinInfo(d, nvcpu, maps, (int)maplen,
                                   VIR_DOMAIN_AFFECT_CURRENT);
    for (int i = 0; i < n; i++)
        cb(arg, maps + (size_t)i * maplen, (size_t)ncpus);
    free(maps);
    return n > 0 ? 0 : -1;
}

static int lv_env(void *h, const char *uuid, uint64_t *kib, xg_lv_map_cb cb,
                  void *arg)
{
    lv_conn *l = h;
    virDomainPtr d = lv.virDomainLookupByUUIDString(l->c, uuid);
    virDomainInfo info;
    int rc;

    if (!d)
        return -1;
    rc = lv.virDomainGetInfo(d, &info);
    if (rc == 0) {
        *kib = info.memory;
        pin_maps(l, d, (int)info.nrVirtCpu, cb, arg);
    }
    lv.virDomainFree(d);
    return rc == 0 ? 0 : -1;
}

static const xg_lv_backend lv_real = {
    .open = lv_conn_open,
    .snapshot = lv_snapshot,
    .close = lv_conn_close,
    .ids = lv_ids,
    .address = lv_address,
    .pid = lv_pid,
    .version = lv_version,
    .env = lv_env,
};

/* Whether libvirtd's read-only socket accepts a connection. */
static bool lv_detect(void)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool ok;

    if (fd < 0)
        return false;
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", LV_SOCK);
    ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
    close(fd);
    return ok;
}

static xg_platform *lv_open(const xg_options *o, char *err, size_t errlen)
{
    return xg_lv_open_with(&lv_real, o, err, errlen);
}

const xg_platform_ops xg_platform_libvirt = {
    .name = "libvirt",
    .detect = lv_detect,
    .open = lv_open,
    .discover = xg_lv_discover,
    .prepare = xg_lv_prepare,
    .cpu_read = xg_lv_cpu_read,
    .disk_read = xg_lv_disk_read,
    .net_read = xg_lv_net_read,
    .vcpu_read = xg_lv_vcpu_read,
    .perf_target = xg_lv_perf_target,
    .attach = NULL, /* workloads go through the exec template */
    .release = xg_lv_release,
    .close = xg_lv_close,
    .note = xg_lv_note,
    .changed = xg_lv_changed,
    .cmt_start = xg_lv_cmt_start,
    .cmt_read = xg_lv_cmt_read,
    .lost = xg_lv_lost,
    .version = xg_lv_version,
    .domain_env = xg_lv_domain_env,
};

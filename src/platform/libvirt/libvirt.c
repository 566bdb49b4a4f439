/* libvirt.c — the libvirt platform's logic over a snapshot backend: the
 * active domains keyed by uuid and named by libvirt, and their figures
 * from one stats call per sample (taken at the sample's first read, so
 * its figures are of the sample's moment). No libvirt here (lv_virt.c is
 * the real backend), so the unit tests drive it with canned records. */
#include "platform/libvirt/lv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "platform/host.h"
#include "util/cpulist.h"
#include "util/grow.h"

#define LV_KEY "libvirt:"

static int64_t now_ns(const xg_platform *p)
{
    struct timespec ts;

    if (p->be->now_ns)
        return p->be->now_ns();
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Takes a snapshot: of every active domain for discover, else of the
 * watched ones (with a vmfile) or all. -1 once the connection is lost. */
static int refresh(xg_platform *p, bool discover)
{
    int64_t t = now_ns(p);
    char err[512];
    bool all = discover || !p->by_list;

    if (p->lost)
        return -1;
    p->snap.n_dom = p->snap.n_vcpu = p->snap.n_disk = p->snap.n_net = 0;
    p->have = false;
    /* discover wants the vCPU count, whatever is measured */
    if (p->be->snapshot(p->h, p->groups | (discover ? LV_G_VCPU : 0u),
                        all ? NULL : p->watch, all ? 0 : p->n_watch,
                        &p->snap, err, sizeof(err)) < 0) {
        p->lost = true;
        snprintf(p->lost_why, sizeof(p->lost_why), "libvirt at %.200s "
                 "stopped answering (%.250s): the run ended there, what was "
                 "measured before is kept", p->uri, err);
        return -1;
    }
    p->have = true;
    p->from_discover = discover;
    p->snap_ns = t;
    p->taken++;
    return 0;
}

unsigned long xg_lv_snapshots(const xg_platform *p)
{
    return p->taken;
}

/* The stats groups the measured families need. */
static unsigned groups_of(unsigned families)
{
    unsigned g = LV_G_STATE;

    if (families & XG_FAM_CPU)
        g |= LV_G_CPU | LV_G_VCPU;
    if (families & XG_FAM_DISK)
        g |= LV_G_BLOCK;
    if (families & XG_FAM_NET)
        g |= LV_G_NET;
    if (families & XG_FAM_CACHE)
        g |= LV_G_PERF;
    return g;
}

xg_platform *xg_lv_open_with(const xg_lv_backend *be, const xg_options *o,
                             char *err, size_t errlen)
{
    xg_platform *p = calloc(1, sizeof(*p));
    const char *uri = o && o->connect_uri ? o->connect_uri : XG_LIBVIRT_URI;
    int tmo = o && o->connect_timeout_s > 0 ? o->connect_timeout_s
                                             : XG_CONNECT_TIMEOUT_S;

    if (!p) {
        snprintf(err, errlen, "libvirt platform: out of memory");
        return NULL;
    }
    if ((size_t)snprintf(p->uri, sizeof(p->uri), "%s", uri) >=
        sizeof(p->uri)) {
        snprintf(err, errlen, "--connect: URI longer than %zu bytes",
                 sizeof(p->uri) - 1);
        free(p);
        return NULL;
    }
    p->be = be;
    p->ncpus = -1;
    p->sample = -1;
    p->by_list = o && o->vmfile;
    p->groups = groups_of(o ? o->families : XG_FAM_ALL);
    p->want_addr = o && o->exec_tpl && strstr(o->exec_tpl, "{addr}");
    if (!(p->h = be->open(p->uri, tmo, err, errlen))) {
        free(p);
        return NULL;
    }
    return p;
}

void xg_lv_close(xg_platform *p)
{
    if (!p)
        return;
    p->be->close(p->h);
    xg_lv_snap_free(&p->snap);
    free(p->watch);
    free(p->ids);
    free(p->addr);
    free(p);
}

/* The domain's address, asked of libvirt once per uuid; NULL when none. */
static const char *address_of(xg_platform *p, const xg_lv_dom *x)
{
    char why[256];
    size_t i;

    for (i = 0; i < p->n_addr; i++)
        if (strcmp(p->addr[i].uuid, x->uuid) == 0)
            return p->addr[i].addr[0] ? p->addr[i].addr : NULL;
    if (xg_grow_to((void **)&p->addr, &p->n_addr, &p->cap_addr,
                   sizeof(*p->addr), i) < 0)
        return NULL;
    snprintf(p->addr[i].uuid, sizeof(p->addr[i].uuid), "%s", x->uuid);
    if (p->be->address &&
        p->be->address(p->h, x->uuid, p->addr[i].addr,
                       sizeof(p->addr[i].addr), why, sizeof(why)) < 0)
        p->addr[i].addr[0] = '\0';
    return p->addr[i].addr[0] ? p->addr[i].addr : NULL;
}

static int push_dom(xg_platform *p, xg_pdomains *out, const xg_lv_dom *x)
{
    char key[64];
    xg_pdomain d = {.info = {.platform_id = x->id, .first_tick = -1,
                             .last_tick = -1}};

    snprintf(key, sizeof(key), LV_KEY "%s", x->uuid);
    d.info.key = key;
    d.info.name = (char *)x->name;
    d.info.uuid = (char *)x->uuid;
    d.info.vcpus = (int)(x->n_vcpu_cur ? x->n_vcpu_cur : x->n_vcpu);
    if (p->want_addr)
        d.info.address = (char *)address_of(p, x);
    return xg_pdomains_push(out, &d);
}

static bool running(const xg_lv_dom *x)
{
    return x->uuid[0] && x->id >= 0 &&
           (!(x->have & LV_HAVE_STATE) ||
            (x->state != LV_STATE_SHUTOFF && x->state != LV_STATE_CRASHED));
}

int xg_lv_discover(xg_platform *p, xg_pdomains *out, char *err,
                   size_t errlen)
{
    if (xg_host_push(out, &p->ncpus, err, errlen) < 0)
        return -1;
    if (refresh(p, true) < 0) {
        snprintf(err, errlen, "%s", p->lost_why);
        return -1;
    }
    p->n_ids = 0;
    for (size_t i = 0; i < p->snap.n_dom; i++) {
        const xg_lv_dom *x = &p->snap.dom[i];
        if (!running(x))
            continue;
        if (xg_grow_to((void **)&p->ids, &p->n_ids, &p->cap_ids,
                       sizeof(*p->ids), p->n_ids) < 0 ||
            push_dom(p, out, x) < 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        p->ids[p->n_ids - 1] = x->id;
    }
    return 0;
}

bool xg_lv_changed(xg_platform *p)
{
    int ids[512];
    int n;

    if (!p->be->ids || !p->have || p->lost)
        return true;
    n = p->be->ids(p->h, ids, sizeof(ids) / sizeof(ids[0]));
    if (n < 0 || (size_t)n != p->n_ids || n == 512)
        return true;
    for (int i = 0; i < n; i++) {
        bool seen = false;
        for (size_t j = 0; j < p->n_ids && !seen; j++)
            seen = p->ids[j] == ids[i];
        if (!seen)
            return true;
    }
    return false;
}

static void unwatch(xg_platform *p, const char *uuid)
{
    for (size_t i = 0; i < p->n_watch; i++)
        if (strcmp(p->watch[i], uuid) == 0) {
            p->watch[i] = p->watch[--p->n_watch];
            return;
        }
}

int xg_lv_prepare(xg_platform *p, xg_pdomain *d, char *err, size_t errlen)
{
    lv_dom *x;

    if (d->info.is_host) {
        if (!(x = calloc(1, sizeof(*x)))) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        x->host = true;
        if (xg_host_cpu_open(&x->hc, err, errlen) < 0) {
            free(x);
            return -1;
        }
        d->priv = x;
        return 0;
    }
    if (!d->info.uuid || !(x = calloc(1, sizeof(*x)))) {
        snprintf(err, errlen, "domain '%s': %s", d->info.name ? d->info.name
                 : "?", d->info.uuid ? "out of memory" : "no uuid");
        return -1;
    }
    snprintf(x->uuid, sizeof(x->uuid), "%s", d->info.uuid);
    snprintf(x->name, sizeof(x->name), "%s", d->info.name ? d->info.name
             : "");
    x->skipped_at = -1;
    if (xg_grow_to((void **)&p->watch, &p->n_watch, &p->cap_watch,
                   sizeof(*p->watch), p->n_watch) < 0) {
        free(x);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    p->watch[p->n_watch - 1] = x->uuid;
    d->priv = x;
    return 0;
}

void xg_lv_release(xg_platform *p, xg_pdomain *d)
{
    lv_dom *x = d->priv;

    if (x && x->host)
        xg_host_cpu_close(&x->hc);
    else if (x)
        unwatch(p, x->uuid);
    free(x);
    d->priv = NULL;
}

const xg_lv_dom *xg_lv_find(xg_platform *p, xg_pdomain *d, int fam)
{
    lv_dom *x = d->priv;

    if (!x || p->lost)
        return NULL;
    /* a new sample: the first read since the last snapshot was used */
    if (!p->have || p->from_discover ||
        (fam >= 0 && x->seen[fam] == p->taken)) {
        if (refresh(p, false) < 0)
            return NULL;
        p->sample++;
    }
    if (fam >= 0)
        x->seen[fam] = p->taken;
    for (size_t i = 0; i < p->snap.n_dom; i++)
        if (strcmp(p->snap.dom[i].uuid, x->uuid) == 0)
            return running(&p->snap.dom[i]) ? &p->snap.dom[i] : NULL;
    return NULL;
}

/* Notes that libvirt left out figures of x in this sample (NOWAIT: its
 * QEMU monitor was busy), once per sample. */
static void note_skip(xg_platform *p, lv_dom *x)
{
    struct lv_skip *s = NULL;

    if (x->skipped_at == p->sample)
        return;
    x->skipped_at = p->sample;
    for (size_t i = 0; i < p->n_skip && !s; i++)
        if (strcmp(p->skip[i].name, x->name) == 0)
            s = &p->skip[i];
    if (!s && p->n_skip == sizeof(p->skip) / sizeof(p->skip[0])) {
        p->skip_more++;
        return;
    }
    if (!s) {
        s = &p->skip[p->n_skip++];
        snprintf(s->name, sizeof(s->name), "%.63s", x->name);
    }
    if (s->n < sizeof(s->at) / sizeof(s->at[0]))
        s->at[s->n] = p->sample;
    s->n++;
}

/* Appends "name" to a "; "-separated list once per domain (flag). */
static void list_add(char *list, size_t len, bool *flag, const char *name)
{
    size_t l = strlen(list);
    int w;

    if (*flag)
        return;
    *flag = true;
    w = snprintf(list + l, len - l, "%s%s", l ? ", " : "", name);
    if (w < 0 || (size_t)w >= len - l) {
        list[l] = '\0'; /* no room: the list ends with the others */
        if (l + 5 < len && !strstr(list, "..."))
            strcat(list, ", ...");
    }
}

int xg_lv_cpu_read(xg_platform *p, xg_pdomain *d, xg_cpu_counters *out)
{
    const xg_lv_dom *s;
    lv_dom *x = d->priv;

    memset(out, 0, sizeof(*out));
    if (!x)
        return -1;
    if (x->host)
        return xg_host_cpu_read(&x->hc, out);
    if (!(s = xg_lv_find(p, d, LV_F_CPU)))
        return p->lost ? 0 : -1; /* lost: a gap, the run ends this tick */
    if (!(s->have & LV_HAVE_CPU)) {
        note_skip(p, x);
        return 0;
    }
    if (s->cpu_ns < x->last_cpu_ns)
        return 0; /* never backwards while the domain lives: a gap */
    x->last_cpu_ns = s->cpu_ns;
    out->usage_ns = s->cpu_ns;
    out->have = XG_CPU_USAGE;
    if ((s->have & (LV_HAVE_USER | LV_HAVE_SYSTEM)) ==
        (LV_HAVE_USER | LV_HAVE_SYSTEM)) {
        out->user_ns = s->user_ns;
        out->system_ns = s->system_ns;
        out->have |= XG_CPU_USER | XG_CPU_SYSTEM;
    } else {
        list_add(p->no_usersys, sizeof(p->no_usersys), &x->said_usersys,
                 x->name);
    }
    return 0;
}

int xg_lv_vcpu_read(xg_platform *p, xg_pdomain *d, xg_vcpu_cb cb, void *arg)
{
    const xg_lv_dom *s;
    lv_dom *x = d->priv;

    if (d->info.is_host)
        return 0;
    if (!(s = xg_lv_find(p, d, LV_F_VCPU)))
        return p->lost ? 0 : -1;
    for (size_t i = 0; i < s->n_vcpu; i++) {
        const xg_lv_vcpu *v = &p->snap.vcpu[s->vcpu0 + i];
        xg_cpu_counters c = {0};
        if (v->have_time) {
            c.usage_ns = v->time_ns;
            c.have |= XG_CPU_USAGE;
        }
        if (v->have_wait) {
            c.wait_ns = v->wait_ns;
            c.have |= XG_CPU_WAIT;
        } else if (v->have_time) {
            list_add(p->no_wait, sizeof(p->no_wait), &x->said_wait, x->name);
        }
        if (c.have)
            cb(arg, (int)i, &c);
    }
    return 0;
}

int xg_lv_disk_read(xg_platform *p, xg_pdomain *d, xg_disk_cb cb, void *arg)
{
    const xg_lv_dom *s;
    lv_dom *x = d->priv;

    if (d->info.is_host)
        return 0;
    if (!(s = xg_lv_find(p, d, LV_F_DISK)))
        return p->lost ? 0 : -1;
    for (size_t i = 0; i < s->n_disk; i++) {
        const xg_lv_disk *k = &p->snap.disk[s->disk0 + i];
        xg_disk_counters c = {.device = k->name, .source = "libvirt",
                              .rd_bytes = k->rd_bytes,
                              .wr_bytes = k->wr_bytes,
                              .rd_ios = k->rd_reqs, .wr_ios = k->wr_reqs,
                              .have_ios = k->have_reqs,
                              .have_time = k->have_times,
                              .rd_time_ns = k->rd_times,
                              .wr_time_ns = k->wr_times};
        if (!k->have_bytes) { /* the monitor was busy (NOWAIT): a gap */
            note_skip(p, x);
            continue;
        }
        if (!k->have_times) {
            char dn[128];
            snprintf(dn, sizeof(dn), "%.60s:%.60s", x->name, k->name);
            list_add(p->no_times, sizeof(p->no_times), &x->said_times, dn);
        }
        cb(arg, &c);
    }
    return 0;
}

int xg_lv_net_read(xg_platform *p, xg_pdomain *d, xg_net_cb cb, void *arg)
{
    const xg_lv_dom *s;
    lv_dom *x = d->priv;
    size_t shown = 0;

    if (d->info.is_host)
        return 0;
    if (!(s = xg_lv_find(p, d, LV_F_NET)))
        return p->lost ? 0 : -1;
    for (size_t i = 0; i < s->n_net; i++) {
        const xg_lv_net *k = &p->snap.net[s->net0 + i];
        xg_net_counters c = {.device = k->name, .source = "libvirt",
                             .rx_bytes = k->rx_bytes, .tx_bytes = k->tx_bytes,
                             .rx_packets = k->rx_pkts,
                             .tx_packets = k->tx_pkts,
                             .have_drops = k->have_errs,
                             .have_errors = k->have_errs,
                             .rx_drops = k->rx_drop, .tx_drops = k->tx_drop,
                             .rx_errors = k->rx_errs,
                             .tx_errors = k->tx_errs};
        if (!k->have)
            continue;
        cb(arg, &c);
        shown++;
    }
    if (!shown)
        list_add(p->no_net, sizeof(p->no_net), &x->said_net, x->name);
    return 0;
}

int xg_lv_perf_target(xg_platform *p, xg_pdomain *d, xg_perf_target *out,
                      char *err, size_t errlen)
{
    lv_dom *x = d->priv;
    pid_t pid = -1;

    (void)err;
    (void)errlen;
    memset(out, 0, sizeof(*out));
    out->cgroup_fd = -1;
    if (d->info.is_host) {
        out->kind = XG_PERF_SYSTEM;
        return 0;
    }
    if (x && p->be->pid)
        pid = p->be->pid(p->h, x->name, x->uuid);
    if (pid > 0) {
        out->kind = XG_PERF_PID;
        out->pid = pid;
    } else {
        out->kind = XG_PERF_NONE;
        out->why = "libvirt did not say which process runs the domain (its "
                   "pid file under /run/libvirt/qemu is missing or not a "
                   "QEMU of this uuid)";
    }
    return 0;
}

int xg_lv_cmt_start(xg_platform *p, xg_pdomain *d, char *why, size_t len)
{
    const xg_lv_dom *s;

    if (d->info.is_host) {
        snprintf(why, len, "libvirt's perf events (cmt, mbmt, mbml) are "
                 "per domain, off unless enabled (virsh perf DOMAIN "
                 "--enable cmt,mbmt,mbml; they need Intel RDT in perf)");
        return -1;
    }
    if (!(s = xg_lv_find(p, d, -1))) {
        snprintf(why, len, "the domain is gone");
        return -1;
    }
    if (s->have & (LV_HAVE_CMT | LV_HAVE_MBMT | LV_HAVE_MBML))
        return 0;
    snprintf(why, len, "libvirt's perf events cmt, mbmt and mbml are off "
             "for this domain (virsh perf DOMAIN --enable cmt,mbmt,mbml; "
             "they need Intel RDT in perf)");
    return -1;
}

int xg_lv_cmt_read(xg_platform *p, xg_pdomain *d, xg_cmt_counters *out)
{
    const xg_lv_dom *s = xg_lv_find(p, d, LV_F_CMT);

    memset(out, 0, sizeof(*out));
    if (!s)
        return p->lost ? 0 : -1;
    out->llc_occupancy = s->cmt;
    out->mbm_total = s->mbmt;
    out->mbm_local = s->mbml;
    out->have = (s->have & LV_HAVE_CMT ? XG_CMT_OCCUPANCY : 0u) |
                (s->have & LV_HAVE_MBMT ? XG_CMT_MBM_TOTAL : 0u) |
                (s->have & LV_HAVE_MBML ? XG_CMT_MBM_LOCAL : 0u);
    return 0;
}

const char *xg_lv_lost(xg_platform *p)
{
    return p->lost ? p->lost_why : NULL;
}

/* Appends printf text to p->note; false (and the note ends in "...") when
 * it does not fit. */
static bool note_add(xg_platform *p, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool note_add(xg_platform *p, size_t *off, const char *fmt, ...)
{
    size_t cap = sizeof(p->note);
    va_list ap;
    int w;

    if (*off >= cap - 1)
        return false;
    va_start(ap, fmt);
    w = vsnprintf(p->note + *off, cap - *off, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= cap - *off) {
        memcpy(p->note + cap - 4, "...", 4);
        *off = cap - 1;
        return false;
    }
    *off += (size_t)w;
    return true;
}

/* "NAME in N samples (#a, #b...)" for each domain whose figures libvirt
 * left out (VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT). */
static void note_skips(xg_platform *p, size_t *off)
{
    if (!p->n_skip)
        return;
    note_add(p, off, "%slibvirt left out figures of a domain whose QEMU "
             "monitor was busy (a migration, a block job), those samples "
             "are gaps:", *off ? "; " : "");
    for (size_t i = 0; i < p->n_skip; i++) {
        const struct lv_skip *s = &p->skip[i];
        size_t shown = s->n < 4 ? s->n : 4;
        note_add(p, off, "%s %s in %lu sample%s (", i ? ";" : "", s->name,
                 s->n, s->n == 1 ? "" : "s");
        for (size_t k = 0; k < shown; k++)
            note_add(p, off, "%s#%ld", k ? ", " : "", s->at[k]);
        note_add(p, off, "%s)", s->n > shown ? ", ..." : "");
    }
    if (p->skip_more)
        note_add(p, off, "; %lu more samples of other domains", p->skip_more);
}

const char *xg_lv_note(xg_platform *p, unsigned family)
{
    size_t off = 0;

    p->note[0] = '\0';
    if (family == XG_FAM_CPU && p->no_usersys[0])
        note_add(p, &off, "user and system time: libvirt gives none for %s "
                 "(its cgroup has no cpuacct)", p->no_usersys);
    if (family == XG_FAM_CPU && p->no_wait[0])
        note_add(p, &off, "%svCPU wait: libvirt gives neither vcpu.N.delay "
                 "nor vcpu.N.wait for %s", off ? "; " : "", p->no_wait);
    if (family == XG_FAM_DISK && p->no_times[0])
        note_add(p, &off, "await: libvirt gives no rd/wr times for %s",
                 p->no_times);
    if (family == XG_FAM_DISK)
        note_skips(p, &off);
    if (family == XG_FAM_NET && p->no_net[0])
        note_add(p, &off, "no vNIC figures from libvirt for %s (no "
                 "interface with a host tap: user-mode networking has "
                 "none)", p->no_net);
    return off ? p->note : NULL;
}

const char *xg_lv_version(xg_platform *p)
{
    if (!p->be->version || p->lost ||
        p->be->version(p->h, p->version, sizeof(p->version)) < 0)
        return NULL;
    return p->version;
}

/* The union of the vCPUs' CPU maps (up to 8192 CPUs). */
typedef struct lv_union {
    uint8_t map[1024];
    size_t nbits;
} lv_union;

static void or_map(void *arg, const uint8_t *map, size_t ncpus)
{
    lv_union *u = arg;

    xg_cpulist_or(u->map, sizeof(u->map), &u->nbits, map, ncpus);
}

int xg_lv_domain_env(xg_platform *p, xg_pdomain *d, xg_domain_env *out)
{
    lv_dom *x = d->priv;
    lv_union u = {.nbits = 0};
    uint64_t kib = 0;

    if (!x || x->host || !p->be->env || p->lost ||
        p->be->env(p->h, x->uuid, &kib, or_map, &u) < 0)
        return -1;
    out->memory_kib = kib;
    if (xg_cpulist_format(u.map, u.nbits, out->pinning,
                          sizeof(out->pinning)) < 0)
        out->pinning[0] = '\0'; /* too long a list: unknown */
    return out->memory_kib || out->pinning[0] ? 0 : -1;
}

/* qemu.c — the qemu platform: domains are the running qemu-system-*
 * processes found in /proc (through the root), named by -name, keyed by
 * -uuid or by name and process start time; CPU from the process and its
 * vCPU threads, disk from QMP query-blockstats or /proc/PID/io. */
#include "platform/qemu/qemu_proc.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/host.h"
#include "util/root.h"

extern const xg_platform_ops xg_platform_qemu;

/* Not on a Xen dom0 (the xen platform is for that), and some qemu runs. */
static bool qemu_detect(void)
{
    char b[256];

    if (xg_read_text("/proc/xen/capabilities", b, sizeof(b)) > 0 &&
        strstr(b, "control_d"))
        return false;
    return qp_any();
}

static xg_platform *qemu_open(const xg_options *o, char *err, size_t errlen)
{
    xg_platform *p = calloc(1, sizeof(*p));

    if (!p) {
        snprintf(err, errlen, "qemu platform: out of memory");
        return NULL;
    }
    p->ncpus = -1;
    p->want_net = !o || (o->families & XG_FAM_NET);
    p->loadavg_fd = xg_root_open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
    p->last_pid = -1;
    return p;
}

static void qemu_close(xg_platform *p)
{
    if (p->loadavg_fd >= 0)
        close(p->loadavg_fd);
    free(p);
}

/* The last pid handed out in this pid namespace: the last field of
 * /proc/loadavg ("0.20 0.18 0.12 1/80 11206"); -1 when unreadable. */
static int64_t last_pid(const xg_platform *p)
{
    char b[128];
    uint64_t v;
    const char *sp;

    if (p->loadavg_fd < 0 || xg_pread_text(p->loadavg_fd, b, sizeof(b)) <= 0 ||
        !(sp = strrchr(b, ' ')) || !xg_parse_u64(sp + 1, &v))
        return -1;
    return (int64_t)v;
}

/* No process made since the last listing, no new qemu: one pread instead of
 * listing /proc. A process that vanished is seen by its failing reads; one
 * made before the listing that became qemu after it (exec) waits for the
 * core's rescan every 10 s. */
static bool qemu_changed(xg_platform *p)
{
    int64_t now = last_pid(p);

    return now < 0 || now != p->last_pid;
}


static int push_found(void *arg, const qp_found *f)
{
    xg_pdomains *out = arg;
    char key[512], pid[24];
    xg_pdomain d = {.info = {.platform_id = f->pid, .vcpus = f->vcpus,
                             .first_tick = -1, .last_tick = -1}};

    if (qp_key(&f->cmd, f->pid, f->starttime, key, sizeof(key)) < 0)
        return 0; /* cannot happen with the field sizes */
    for (size_t i = 0; i < out->n; i++)
        if (strcmp(out->v[i].info.key, key) == 0)
            return 0; /* two processes claim one uuid: the first wins */
    snprintf(pid, sizeof(pid), "%ld", (long)f->pid);
    d.info.key = key;
    d.info.name = (char *)(f->cmd.name[0] ? f->cmd.name : pid);
    d.info.uuid = (char *)(f->cmd.uuid[0] ? f->cmd.uuid : NULL);
    return xg_pdomains_push(out, &d) < 0 ? -1 : 0;
}

static int qemu_discover(xg_platform *p, xg_pdomains *out, char *err,
                         size_t errlen)
{
    char full[4096];
    int rc;

    if (xg_host_push(out, &p->ncpus, err, errlen) < 0)
        return -1;
    p->last_pid = last_pid(p); /* before the listing: none is missed */
    rc = qp_scan(push_found, out);
    if (rc < 0)
        snprintf(err, errlen, "%s: cannot list processes",
                 xg_root_path(full, sizeof(full), "/proc") ? full : "/proc");
    return rc < 0 ? -1 : 0;
}

static int qemu_perf_target(xg_platform *p, xg_pdomain *d,
                            xg_perf_target *out, char *err, size_t errlen)
{
    (void)p;
    (void)err;
    (void)errlen;
    memset(out, 0, sizeof(*out));
    out->cgroup_fd = -1;
    if (d->info.is_host) {
        out->kind = XG_PERF_SYSTEM;
    } else {
        out->kind = XG_PERF_PID;
        out->pid = (pid_t)d->info.platform_id;
    }
    return 0;
}

/* NET: the domains without a tap, and why. */
static const char *qemu_note(xg_platform *p, unsigned family)
{
    return family == XG_FAM_NET && p->net_none_len ? p->net_none : NULL;
}

const xg_platform_ops xg_platform_qemu = {
    .name = "qemu",
    .detect = qemu_detect,
    .open = qemu_open,
    .discover = qemu_discover,
    .prepare = qp_prepare,
    .cpu_read = qp_cpu_read,
    .disk_read = qp_disk_read,
    .net_read = qp_net_read,
    .vcpu_read = qp_vcpu_read,
    .perf_target = qemu_perf_target,
    .attach = NULL, /* workloads go through the exec template */
    .release = qp_release,
    .close = qemu_close,
    .note = qemu_note,
    .changed = qemu_changed,
    .domain_env = qp_domain_env,
};

/* qemu_dom.c — one qemu domain's held handles: prepare opens the process's
 * stat, io and task directory, each thread's schedstat and the QMP socket;
 * the readers pread them each sample (no stdio; allocation only when a new
 * thread shows up, and inside jansson for QMP replies); release closes. */
#include "platform/qemu/qemu_proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/host.h"
#include "platform/qemu/qmp.h"
#include "util/root.h"

#define QD_QMP_TIMEOUT_MS 1000

typedef struct qd_thread {
    pid_t tid;
    int fd;          /* task/TID/schedstat */
    int vcpu;        /* N of "CPU N/KVM", -1 for other threads */
    bool seen;       /* listed in this look at task/ */
    bool late;       /* not in an earlier whole look: made since */
    uint64_t run_ns, wait_ns; /* as last read */
} qd_thread;

typedef struct qd_dom {
    bool host;
    xg_host_cpu hc;          /* host only */
    pid_t pid;
    uint64_t starttime;
    long clk_tck;
    int fd_stat, fd_io, fd_task;
    qd_thread *th;
    size_t n_th, cap_th;
    unsigned looks;          /* whole looks at task/ (every thread held) */
    nlink_t task_nlink;      /* task/'s link count before the last look */
    bool missed;             /* a look was cut short or could not hold a
                              * thread: a thread seen later may be older */
    uint64_t dead_wait;      /* wait of the threads that have exited */
    bool fresh;              /* threads read by cpu_read, not by vcpu_read */
    xg_qmp *qmp;             /* NULL: /proc/PID/io instead */
    xg_disk_cb cb;           /* during a QMP query */
    void *cb_arg;
    struct qp_net *net;      /* its taps; NULL: no network figures */
} qd_dom;

static void dom_free(qd_dom *c)
{
    if (c->host)
        xg_host_cpu_close(&c->hc);
    if (c->fd_stat >= 0)
        close(c->fd_stat);
    if (c->fd_io >= 0)
        close(c->fd_io);
    if (c->fd_task >= 0)
        close(c->fd_task);
    for (size_t i = 0; i < c->n_th; i++)
        close(c->th[i].fd);
    free(c->th);
    xg_qmp_close(c->qmp);
    qp_taps_close(c->net);
    free(c);
}

/* Starts holding thread tid (its schedstat, and whether it is a vCPU).
 * false when it could not be held (out of memory). A thread that was not
 * in the last whole look at task/ was made since: late. */
static bool thread_add(qd_dom *c, pid_t tid)
{
    char rel[48], comm[64];
    int fd, cfd;

    if (c->n_th == c->cap_th) {
        size_t cap = c->cap_th ? c->cap_th * 2 : 32;
        qd_thread *v = realloc(c->th, cap * sizeof(*v));
        if (!v)
            return false;
        c->th = v;
        c->cap_th = cap;
    }
    snprintf(rel, sizeof(rel), "%ld/schedstat", (long)tid);
    if ((fd = openat(c->fd_task, rel, O_RDONLY | O_CLOEXEC)) < 0)
        return errno == ENOENT || errno == ESRCH; /* gone already */
    qd_thread *t = &c->th[c->n_th++];
    memset(t, 0, sizeof(*t));
    t->tid = tid;
    t->fd = fd;
    t->vcpu = -1;
    t->seen = true;
    t->late = c->looks > 0 && !c->missed;
    snprintf(rel, sizeof(rel), "%ld/comm", (long)tid);
    if ((cfd = openat(c->fd_task, rel, O_RDONLY | O_CLOEXEC)) >= 0) {
        if (xg_pread_text(cfd, comm, sizeof(comm)) > 0)
            t->vcpu = qp_vcpu_index(comm);
        close(cfd);
    }
    return true;
}

/* Marks the threads task/ lists as seen, adding new ones. false when the
 * directory could not be read. */
static bool threads_list(qd_dom *c)
{
    union { struct dirent64 d; char b[4096]; } u;
    ssize_t n;
    bool held = true;

    if (lseek(c->fd_task, 0, SEEK_SET) != 0) {
        c->missed = true;
        return false;
    }
    while ((n = getdents64(c->fd_task, u.b, sizeof(u.b))) > 0) {
        for (ssize_t off = 0; off < n;) {
            const struct dirent64 *e = (const void *)(u.b + off);
            uint64_t v;
            const char *q = xg_parse_u64(e->d_name, &v);
            off += e->d_reclen;
            if (!q || *q || e->d_name[0] == ' ' || v == 0 || v > 0x7fffffff)
                continue;
            size_t i = 0;
            while (i < c->n_th && c->th[i].tid != (pid_t)v)
                i++;
            if (i < c->n_th)
                c->th[i].seen = true;
            else
                held &= thread_add(c, (pid_t)v);
        }
    }
    if (n != 0 || !held)
        c->missed = true;
    else if (c->looks < UINT_MAX)
        c->looks++;
    return n == 0;
}

/* Reads every held thread's schedstat without listing task/: true when
 * task/'s link count (procfs: 2 + the thread count; one fstat, not a read)
 * is what it was at the last whole look and each held thread could be
 * read, so none came or went (one made since would have to replace one
 * gone, whose read fails). */
static bool threads_same(qd_dom *c)
{
    char b[128];
    uint64_t run, wait;
    struct stat st;

    if (!c->looks || c->missed || fstat(c->fd_task, &st) < 0 ||
        st.st_nlink != c->task_nlink)
        return false;
    for (size_t i = 0; i < c->n_th; i++) {
        qd_thread *t = &c->th[i];
        if (xg_pread_text(t->fd, b, sizeof(b)) <= 0 ||
            qp_parse_schedstat(b, &run, &wait) < 0)
            return false;
        t->run_ns = run;
        t->wait_ns = wait;
    }
    return true;
}

/* Reads every thread's schedstat; threads that are gone leave their wait
 * in dead_wait, so the domain's sum never goes back. task/ is listed only
 * when its link count says a thread came or went, or a held one could not
 * be read. */
static void threads_read(qd_dom *c)
{
    char b[128];
    bool listed;
    struct stat st;

    if (c->fd_task < 0 || threads_same(c))
        return;
    /* before the listing: a thread made during it is seen next time */
    c->task_nlink = fstat(c->fd_task, &st) == 0 ? st.st_nlink : 0;
    for (size_t i = 0; i < c->n_th; i++)
        c->th[i].seen = false;
    listed = threads_list(c);
    for (size_t i = 0; i < c->n_th; i++) {
        qd_thread *t = &c->th[i];
        uint64_t run, wait;
        if ((t->seen || !listed) && xg_pread_text(t->fd, b, sizeof(b)) > 0 &&
            qp_parse_schedstat(b, &run, &wait) == 0) {
            t->run_ns = run;
            t->wait_ns = wait;
            continue;
        }
        c->dead_wait += t->wait_ns;
        close(t->fd);
        c->th[i--] = c->th[--c->n_th];
    }
}

/* The process's stat, checked: 0 while it is the same live process. */
static int read_stat(qd_dom *c, qp_stat *s)
{
    char b[1024];

    if (xg_pread_text(c->fd_stat, b, sizeof(b)) <= 0 ||
        qp_parse_stat(b, s) < 0 || s->state == 'Z' || s->state == 'X' ||
        s->starttime != c->starttime)
        return -1;
    return 0;
}

/* The QMP socket path: relative ones are relative to QEMU's cwd. NULL
 * when it does not fit (never a cut path: another file). */
static const char *qmp_path(pid_t pid, const char *given, char *buf,
                            size_t len)
{
    char rel[4200]; /* given is < 4096 bytes (qp_cmd.qmp) */
    int n;

    if (given[0] == '/')
        return given;
    n = snprintf(rel, sizeof(rel), "/proc/%ld/cwd/%s", (long)pid, given);
    if (n < 0 || (size_t)n >= sizeof(rel))
        return NULL;
    return xg_root_path(buf, len, rel);
}

/* Opens what the domain's readers use. 0, or -1 + err. */
static int open_dom(qd_dom *c, const xg_pdomain *d, char *err, size_t errlen)
{
    const size_t cap = 256 * 1024;
    char path[64], key[512], sock[4096], qerr[256];
    char *buf = malloc(cap);
    qp_found *f = malloc(sizeof(*f));
    const char *sp;
    qp_stat s;
    int rc = -1;

    if (!buf || !f) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    c->pid = (pid_t)d->info.platform_id;
    if (qp_read_proc(c->pid, buf, cap, f) < 0 ||
        qp_key(&f->cmd, c->pid, f->starttime, key, sizeof(key)) < 0 ||
        strcmp(key, d->info.key) != 0) {
        snprintf(err, errlen, "qemu domain '%s' (pid %ld): the process is "
                 "gone", d->info.name ? d->info.name : "?", (long)c->pid);
        goto out;
    }
    c->starttime = f->starttime;
    snprintf(path, sizeof(path), "/proc/%ld/stat", (long)c->pid);
    if ((c->fd_stat = xg_root_open(path, O_RDONLY)) < 0 ||
        read_stat(c, &s) < 0) {
        snprintf(err, errlen, "%s%s: %s", xg_root_get(), path,
                 c->fd_stat < 0 ? strerror(errno) : "not the process found");
        goto out;
    }
    snprintf(path, sizeof(path), "/proc/%ld/io", (long)c->pid);
    c->fd_io = xg_root_open(path, O_RDONLY); /* -1: no disk figures */
    snprintf(path, sizeof(path), "/proc/%ld/task", (long)c->pid);
    c->fd_task = xg_root_open(path, O_RDONLY | O_DIRECTORY);
    threads_read(c);
    if (f->cmd.qmp[0] &&
        (sp = qmp_path(c->pid, f->cmd.qmp, sock, sizeof(sock))))
        c->qmp = xg_qmp_connect(sp, QD_QMP_TIMEOUT_MS, qerr, sizeof(qerr));
    rc = 0;
out:
    free(buf);
    free(f);
    return rc;
}

/* Finds the domain's taps; one without is named in the platform's note. */
static void note_taps(xg_platform *p, qd_dom *c, const char *name)
{
    char why[160];
    size_t cap = sizeof(p->net_none), *off = &p->net_none_len;

    if ((c->net = qp_taps_open(c->pid, why, sizeof(why))) || *off >= cap)
        return;
    *off += (size_t)snprintf(p->net_none + *off, cap - *off, "%s%s: %s",
                             *off ? "; " : "", name ? name : "?", why);
    if (*off >= cap) /* cut: say so */
        memcpy(p->net_none + cap - 5, "...", 4);
}

int qp_prepare(xg_platform *p, xg_pdomain *d, char *err, size_t errlen)
{
    qd_dom *c = calloc(1, sizeof(*c));

    if (!c) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    c->fd_stat = c->fd_io = c->fd_task = -1;
    c->hc.fd = -1;
    c->clk_tck = sysconf(_SC_CLK_TCK);
    if (d->info.is_host) {
        c->host = true;
        if (xg_host_cpu_open(&c->hc, err, errlen) < 0)
            goto fail;
    } else if (!d->info.key || strncmp(d->info.key, QP_KEY,
                                       strlen(QP_KEY)) != 0) {
        snprintf(err, errlen, "domain '%s' is not a qemu process",
                 d->info.key ? d->info.key : "?");
        goto fail;
    } else if (open_dom(c, d, err, errlen) < 0) {
        goto fail;
    } else if (p->want_net) {
        note_taps(p, c, d->info.name);
    }
    d->priv = c;
    return 0;
fail:
    dom_free(c);
    return -1;
}

int qp_cpu_read(xg_platform *p, xg_pdomain *d, xg_cpu_counters *out)
{
    qd_dom *c = d->priv;
    qp_stat s;

    (void)p;
    if (!c)
        return -1;
    if (c->host)
        return xg_host_cpu_read(&c->hc, out);
    memset(out, 0, sizeof(*out));
    if (read_stat(c, &s) < 0)
        return -1;
    out->user_ns = xg_ticks_ns(s.utime, c->clk_tck);
    out->system_ns = xg_ticks_ns(s.stime, c->clk_tck);
    out->usage_ns = out->user_ns + out->system_ns;
    out->have = XG_CPU_USAGE | XG_CPU_USER | XG_CPU_SYSTEM;
    if (c->fd_task >= 0) {
        threads_read(c);
        c->fresh = true;
        out->wait_ns = c->dead_wait;
        for (size_t i = 0; i < c->n_th; i++)
            out->wait_ns += c->th[i].wait_ns;
        out->have |= XG_CPU_WAIT;
    }
    return 0;
}

int qp_vcpu_read(xg_platform *p, xg_pdomain *d, xg_vcpu_cb cb, void *arg)
{
    qd_dom *c = d->priv;
    qp_stat s;

    (void)p;
    if (!c)
        return -1;
    if (c->host)
        return 0;
    if (!c->fresh) {
        if (read_stat(c, &s) < 0)
            return -1;
        threads_read(c);
    }
    c->fresh = false;
    for (size_t i = 0; i < c->n_th; i++) {
        const qd_thread *t = &c->th[i];
        if (t->vcpu < 0)
            continue;
        /* a vCPU thread made since a whole look (a vCPU plugged in)
         * started at 0 */
        xg_cpu_counters v = {.have = XG_CPU_USAGE | XG_CPU_WAIT,
                             .usage_ns = t->run_ns, .wait_ns = t->wait_ns,
                             .from_zero = t->late};
        cb(arg, t->vcpu, &v);
    }
    return 0;
}

static void on_blk(void *arg, const xg_qmp_blk *b)
{
    const qd_dom *c = arg;
    xg_disk_counters dc = {
        .device = b->device, .source = "qmp",
        .rd_bytes = b->rd_bytes, .wr_bytes = b->wr_bytes,
        .rd_ios = b->rd_ops, .wr_ios = b->wr_ops, .have_ios = true,
        .have_time = true, .rd_time_ns = b->rd_time_ns,
        .wr_time_ns = b->wr_time_ns,
    };

    c->cb(c->cb_arg, &dc);
}

int qp_disk_read(xg_platform *p, xg_pdomain *d, xg_disk_cb cb, void *arg)
{
    qd_dom *c = d->priv;
    char b[1024];
    uint64_t rd, wr;
    qp_stat s;

    (void)p;
    if (!c)
        return -1;
    if (c->host)
        return 0;
    if (read_stat(c, &s) < 0)
        return -1;
    if (c->qmp) {
        c->cb = cb;
        c->cb_arg = arg;
        if (xg_qmp_blockstats(c->qmp, on_blk, c) == 0)
            return 0;
        /* gone or talking nonsense: /proc/PID/io for the rest of the run */
        xg_qmp_close(c->qmp);
        c->qmp = NULL;
    }
    if (c->fd_io < 0)
        return 0;
    if (xg_pread_text(c->fd_io, b, sizeof(b)) < 0)
        return errno == ESRCH ? -1 : 0;
    if (qp_parse_io(b, &rd, &wr) == 0) {
        xg_disk_counters dc = {.device = "proc-io", .source = "proc-io",
                               .rd_bytes = rd, .wr_bytes = wr};
        cb(arg, &dc);
    }
    return 0;
}

int qp_net_read(xg_platform *p, xg_pdomain *d, xg_net_cb cb, void *arg)
{
    qd_dom *c = d->priv;
    qp_stat s;

    (void)p;
    if (!c)
        return -1;
    if (c->host || !c->net)
        return 0;
    if (read_stat(c, &s) < 0)
        return -1;
    qp_taps_read(c->net, cb, arg);
    return 0;
}

void qp_release(xg_platform *p, xg_pdomain *d)
{
    (void)p;
    if (d->priv)
        dom_free(d->priv);
    d->priv = NULL;
}

/* The QEMU process's CPU affinity (Cpus_allowed_list of its status). */
static void affinity(pid_t pid, char *buf, size_t len)
{
    char path[64], text[4096];
    const char *l;
    size_t n;

    snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
    if (xg_read_text(path, text, sizeof(text)) <= 0 ||
        !(l = strstr(text, "\nCpus_allowed_list:")))
        return;
    l += strlen("\nCpus_allowed_list:");
    l += strspn(l, " \t");
    n = strcspn(l, "\n");
    if (n && n < len) {
        memcpy(buf, l, n);
        buf[n] = '\0';
    }
}

int qp_domain_env(xg_platform *p, xg_pdomain *d, xg_domain_env *out)
{
    qd_dom *c = d->priv;
    uint64_t bytes;

    (void)p;
    if (!c || c->host)
        return -1;
    if (c->qmp && xg_qmp_version(c->qmp, out->version,
                                 sizeof(out->version)) < 0)
        out->version[0] = '\0';
    if (c->qmp && xg_qmp_memory(c->qmp, &bytes) == 0)
        out->memory_kib = bytes / 1024;
    affinity(c->pid, out->pinning, sizeof(out->pinning));
    return out->version[0] || out->memory_kib || out->pinning[0] ? 0 : -1;
}

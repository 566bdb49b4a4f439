/* cgroup_net.c — a cgroup's network figures: when a process of the cgroup
 * lives in a network namespace other than the host row's (its
 * <root>/proc/PID/ns/net link differs from /proc/self/ns/net, the
 * namespace whose /proc/net/dev the host row shows; else init's), that
 * namespace's /proc/PID/net/dev, held open (the descriptor keeps reading
 * that namespace), every interface but lo. That file is the container's own
 * view: nothing is swapped. A cgroup that shares the host's namespace has
 * no figures of its own (its traffic is in the host row), and the note
 * says so; so does it for one that has no process yet, which is looked at
 * again at every sample until one shows up. Which case holds is decided
 * once, when the first process is seen. While it has none, its cgroup.procs
 * files are read again only when something was written in one of its
 * directories (an inotify watch: writing cgroup.procs or tasks moves a
 * process in; cgroup2 also notes cgroup.events when it gets populated),
 * and in any case every 10 s: not at every sample. An interface whose line shows
 * after a whole read of the namespace's file (a veth or tap made in it
 * mid-run) is marked from_zero (netdev.h); the lines of the first read are
 * not, even when the cgroup had no process at the domain's first reading:
 * the namespace may have counted long before it was found. */
#include "platform/cgroup/cgroup_files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "platform/netdev.h"
#include "util/root.h"

#define CN_MAXPIDS 64 /* processes of a cgroup looked at */
#define CN_RELOOK_NS (10 * 1000000000LL) /* cgroup.procs read at least */

enum { CN_PENDING, CN_SHARED, CN_OWN, CN_UNKNOWN };

struct cg_net {
    int state;          /* CN_* */
    int fd_procs[4];    /* cgroup.procs in each hierarchy that has the
                         * cgroup (v1 and v2 members differ on hybrid
                         * hosts), held while CN_PENDING; -1 = none */
    int wd[4];          /* the inotify watch on that directory; -1 none */
    bool look;          /* read cgroup.procs at the next sample */
    int64_t looked_ns;  /* when it was last read (CLOCK_MONOTONIC) */
    xg_netdev_file dev; /* CN_OWN: /proc/PID/net/dev */
    char why[160];      /* CN_UNKNOWN: why (our fixed texts, and strerror:
                         * under 150 bytes) */
    char name[];        /* the domain's, for the note, whole */
};

/* The link text of <root>/proc/<pid>/ns/net ("net:[4026531833]") into buf.
 * 0, or -1 with errno. */
static int ns_link(const char *pid, char *buf, size_t len)
{
    char rel[64], path[4096];
    ssize_t n;

    snprintf(rel, sizeof(rel), "/proc/%s/ns/net", pid);
    if (!xg_root_path(path, sizeof(path), rel)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if ((n = readlink(path, buf, len - 1)) < 0)
        return -1;
    buf[n] = '\0';
    return 0;
}

/* The host row's namespace, looked up once: ours (the host row reads
 * /proc/net/dev, i.e. /proc/self/net/dev), else init's. */
static const char *host_ns(xg_platform *p)
{
    if (p->host_ns_state == 0) {
        int e;
        p->host_ns_state = 1;
        if (ns_link("self", p->host_ns, sizeof(p->host_ns)) == 0)
            return p->host_ns;
        e = errno;
        if (ns_link("1", p->host_ns, sizeof(p->host_ns)) == 0)
            return p->host_ns;
        p->host_ns_state = -1;
        snprintf(p->host_ns, sizeof(p->host_ns), "/proc/self/ns/net: %s",
                 strerror(e));
    }
    return p->host_ns_state > 0 ? p->host_ns : NULL;
}

/* Looks at the cgroup's processes (text of cgroup.procs): the first one in
 * a namespace of its own gives the figures. Sets n->state. */
static void resolve(xg_platform *p, struct cg_net *n, const char *procs)
{
    const char *host = host_ns(p);
    int seen = 0, looked = 0, denied = 0, unopened = 0;
    char pid[24], link[96], rel[64];

    if (!host) {
        n->state = CN_UNKNOWN;
        snprintf(n->why, sizeof(n->why), "cannot tell the host's network "
                 "namespace (%.100s)", p->host_ns);
        return;
    }
    for (const char *q = procs; q && *q && seen < CN_MAXPIDS;) {
        uint64_t v;
        const char *e = xg_parse_u64(q, &v);
        const char *nl = strchr(q, '\n');
        q = nl ? nl + 1 : NULL;
        if (!e || (*e && *e != '\n') || v == 0 || v > 0x7fffffff || !nl)
            continue; /* not a pid, or a line cut short */
        seen++;
        snprintf(pid, sizeof(pid), "%llu", (unsigned long long)v);
        if (ns_link(pid, link, sizeof(link)) < 0) {
            denied += errno == EACCES || errno == EPERM;
            continue; /* else gone meanwhile */
        }
        looked++;
        if (strcmp(link, host) == 0)
            continue;
        snprintf(rel, sizeof(rel), "/proc/%s/net/dev", pid);
        if (xg_netdev_open(&n->dev, rel) < 0) {
            unopened = errno;
            continue;
        }
        n->state = CN_OWN;
        return;
    }
    if (unopened || (denied && !looked)) {
        n->state = CN_UNKNOWN;
        snprintf(n->why, sizeof(n->why), "cannot read %s (%s%s)", unopened
                 ? "/proc/PID/net/dev of its network namespace"
                 : "its processes' /proc/PID/ns/net",
                 strerror(unopened ? unopened : EACCES),
                 unopened == EACCES || !unopened ? ": run as root" : "");
    } else {
        n->state = looked ? CN_SHARED : CN_PENDING;
    }
}

static int64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Watches dir (root-relative) for writes into its files: the watch, or -1
 * (then cgroup.procs is read at every sample, as without a watch). */
static int watch_dir(xg_platform *p, const char *dir)
{
    char full[4096];

    if (p->net_ino < 0 &&
        (p->net_ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0)
        return -1;
    if (!xg_root_path(full, sizeof(full), dir))
        return -1;
    return inotify_add_watch(p->net_ino, full, IN_MODIFY | IN_ONLYDIR);
}

static void unwatch(xg_platform *p, struct cg_net *n)
{
    for (int i = 0; i < 4; i++)
        if (n->wd[i] >= 0) {
            inotify_rm_watch(p->net_ino, n->wd[i]);
            n->wd[i] = -1;
        }
    if (p->net_drainer == n)
        p->net_drainer = NULL;
}

/* Marks for a look the domains whose directory had a write (all of them
 * when the queue overflowed). */
static void mark(xg_platform *p, int wd)
{
    for (size_t i = 0; i < p->n_nets; i++)
        for (int k = 0; k < 4; k++)
            if (wd < 0 || p->nets[i]->wd[k] == wd)
                p->nets[i]->look = true;
}

/* Reads the watch's events: one read(2) per sample for every domain with
 * no process yet (done at one domain's turn). */
static void drain(xg_platform *p)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t r;

    while ((r = read(p->net_ino, buf, sizeof(buf))) > 0) {
        for (char *q = buf; q < buf + r;) {
            const struct inotify_event *e = (const void *)q;
            mark(p, e->mask & IN_Q_OVERFLOW ? -1 : e->wd);
            q += sizeof(*e) + e->len;
        }
    }
}

/* Whether the cgroup's processes are to be read now: a write in one of its
 * directories, an unwatched one, or 10 s since the last look. */
static bool want_look(xg_platform *p, struct cg_net *n)
{
    int64_t now = mono_ns();
    bool unwatched = false;

    for (int i = 0; i < 4; i++)
        unwatched |= n->fd_procs[i] >= 0 && n->wd[i] < 0;
    if (!p->net_drainer)
        p->net_drainer = n;
    if (p->net_drainer == n && p->net_ino >= 0)
        drain(p);
    if (!n->look && !unwatched && now - n->looked_ns < CN_RELOOK_NS)
        return false;
    n->look = false;
    n->looked_ns = now;
    return true;
}

struct cg_net *cg_net_open(xg_platform *p, const char *rel, const char *name)
{
    static const int order[4] = {CG_CPUACCT, CG_V2, CG_CPU, CG_BLKIO};
    struct cg_net *n;
    char dir[4096], path[4200];
    int nfd = 0;

    if (!name)
        name = rel;
    if (!p->want_net || !(n = calloc(1, sizeof(*n) + strlen(name) + 1)))
        return NULL;
    if (p->n_nets == p->cap_nets) {
        size_t nc = p->cap_nets ? p->cap_nets * 2 : 8;
        struct cg_net **v = realloc(p->nets, nc * sizeof(*v)); // NOLINT(bugprone-sizeof-expression)
        if (!v) {
            free(n);
            return NULL;
        }
        p->nets = v;
        p->cap_nets = nc;
    }
    p->nets[p->n_nets++] = n;
    memcpy(n->name, name, strlen(name) + 1);
    n->dev.fd = -1;
    n->state = CN_PENDING;
    for (int i = 0; i < 4; i++)
        n->fd_procs[i] = n->wd[i] = -1;
    for (int i = 0; i < 4; i++) {
        bool dup = false; /* co-mounted controllers share a directory */
        for (int k = 0; k < i; k++)
            dup |= p->mnt[order[k]] && p->mnt[order[i]] &&
                   strcmp(p->mnt[order[k]], p->mnt[order[i]]) == 0;
        if (dup || !cg_has(p, order[i], rel) ||
            !cg_dir(p, order[i], rel, dir, sizeof(dir)))
            continue;
        snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
        /* the watch first: a process that comes after the read is seen */
        n->wd[i] = watch_dir(p, dir);
        if ((n->fd_procs[i] = xg_root_open(path, O_RDONLY)) >= 0)
            nfd++;
    }
    if (!nfd) {
        n->state = CN_UNKNOWN;
        snprintf(n->why, sizeof(n->why), "no cgroup.procs to find its "
                 "processes");
        unwatch(p, n);
        return n;
    }
    n->look = true;
    cg_net_each(p, n, NULL, NULL);
    return n;
}

void cg_net_each(xg_platform *p, struct cg_net *n, xg_net_cb cb, void *arg)
{
    char buf[4096];

    /* no process yet: cheap while the cgroup stays empty. A process in a
     * namespace of its own, in any hierarchy, wins. */
    if (n->state == CN_PENDING && want_look(p, n)) {
        int best = CN_PENDING;
        for (int i = 0; i < 4 && n->state != CN_OWN; i++) {
            if (n->fd_procs[i] < 0 ||
                xg_pread_text(n->fd_procs[i], buf, sizeof(buf)) <= 0)
                continue;
            resolve(p, n, buf);
            if (n->state == CN_SHARED ||
                (n->state == CN_UNKNOWN && best == CN_PENDING))
                best = n->state;
            if (n->state != CN_OWN)
                n->state = CN_PENDING;
        }
        if (n->state != CN_OWN)
            n->state = best;
    }
    for (int i = 0; i < 4 && n->state != CN_PENDING; i++)
        if (n->fd_procs[i] >= 0) {
            close(n->fd_procs[i]);
            n->fd_procs[i] = -1;
        }
    if (n->state != CN_PENDING)
        unwatch(p, n);
    if (n->state == CN_OWN && cb)
        xg_netdev_read(&n->dev, "netns", cb, arg); /* fails: a gap */
}

void cg_net_close(xg_platform *p, struct cg_net *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < p->n_nets; i++)
        if (p->nets[i] == n) {
            p->nets[i] = p->nets[--p->n_nets];
            break;
        }
    unwatch(p, n);
    for (int i = 0; i < 4; i++)
        if (n->fd_procs[i] >= 0)
            close(n->fd_procs[i]);
    xg_netdev_close(&n->dev);
    free(n);
}

/* Appends the names of the domains in state st, and then what, to the note
 * at *off ("a, b: what"); how many there were. */
static size_t note_group(xg_platform *p, int st, const char *one,
                         const char *many, size_t *off)
{
    char *b = p->net_note;
    size_t cap = sizeof(p->net_note), k = 0;

    for (size_t i = 0; i < p->n_nets; i++) {
        const struct cg_net *n = p->nets[i];
        if (n->state != st)
            continue;
        if (*off < cap)
            *off += (size_t)snprintf(b + *off, cap - *off, "%s%s",
                                     k ? ", " : *off ? "; " : "", n->name);
        k++;
        if (st == CN_UNKNOWN && *off < cap)
            *off += (size_t)snprintf(b + *off, cap - *off, ": %s", n->why);
    }
    if (k && st != CN_UNKNOWN && *off < cap)
        *off += (size_t)snprintf(b + *off, cap - *off, ": %s",
                                 k == 1 ? one : many);
    return k;
}

const char *cg_net_note(xg_platform *p)
{
    size_t off = 0;

    p->net_note[0] = '\0';
    note_group(p, CN_SHARED, "shares the host's network namespace, so its "
               "traffic is in the host row, not counted apart",
               "share the host's network namespace, so their traffic is in "
               "the host row, not counted apart", &off);
    note_group(p, CN_PENDING, "had no process, so no network namespace to "
               "read", "had no process, so no network namespace to read",
               &off);
    note_group(p, CN_UNKNOWN, "", "", &off);
    if (off >= sizeof(p->net_note)) /* cut: say so */
        memcpy(p->net_note + sizeof(p->net_note) - 5, "...", 4);
    return p->net_note[0] ? p->net_note : NULL;
}

/* cache.c — the CACHE family's collector: LLC references and misses (or the
 * events of --cache-events) per domain from perf_event_open(2) in counting
 * mode. One event group per CPU (a cgroup, the host) or per thread (a
 * process, with inherit), opened at start, read with one read() per group at
 * every tick and summed per domain, or per mode (user, kernel, hv) with
 * --nosumcache: the "cache" series of docs/series.md. Where counters cannot
 * be had it says why in meta "note.cache" and stores nothing. */
#include "collect/collector.h"
#include "util/grow.h"
#include "core/schema.h"
#include "util/strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAXEV 8  /* events per group */
#define MAXWHY 4 /* distinct reasons in the note */
#define HWC(c, op, res)                                                     \
    (PERF_COUNT_HW_CACHE_##c | (PERF_COUNT_HW_CACHE_OP_##op << 8) |         \
     (PERF_COUNT_HW_CACHE_RESULT_##res << 16))

typedef struct cache_ev {
    const char *name; /* the metric; the --cache-events name */
    const char *perf; /* perf(1)'s name, for meta "cache_events" */
    uint32_t type;
    uint64_t config;
} cache_ev;

static const cache_ev named[] = {
    {"cycles", "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES},
    {"instructions", "instructions", PERF_TYPE_HARDWARE,
     PERF_COUNT_HW_INSTRUCTIONS},
    {"cache-references", "cache-references", PERF_TYPE_HARDWARE,
     PERF_COUNT_HW_CACHE_REFERENCES},
    {"cache-misses", "cache-misses", PERF_TYPE_HARDWARE,
     PERF_COUNT_HW_CACHE_MISSES},
    {"task-clock", "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK},
    {"cpu-clock", "cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK},
    {"page-faults", "page-faults", PERF_TYPE_SOFTWARE,
     PERF_COUNT_SW_PAGE_FAULTS},
    {"context-switches", "context-switches", PERF_TYPE_SOFTWARE,
     PERF_COUNT_SW_CONTEXT_SWITCHES},
    {"cpu-migrations", "cpu-migrations", PERF_TYPE_SOFTWARE,
     PERF_COUNT_SW_CPU_MIGRATIONS},
    {"LLC-loads", "LLC-loads", PERF_TYPE_HW_CACHE, HWC(LL, READ, ACCESS)},
    {"LLC-load-misses", "LLC-load-misses", PERF_TYPE_HW_CACHE,
     HWC(LL, READ, MISS)},
    {"LLC-stores", "LLC-stores", PERF_TYPE_HW_CACHE, HWC(LL, WRITE, ACCESS)},
    {"LLC-store-misses", "LLC-store-misses", PERF_TYPE_HW_CACHE,
     HWC(LL, WRITE, MISS)},
};
#define NNAMED (sizeof(named) / sizeof(named[0]))

/* Other tools' names for the same events: OProfile's (the Intel
 * architectural events the generic perf events count) and perf's
 * upper-case spellings are matched without regard to case anyway. */
static const struct { const char *alias, *name; } aliases[] = {
    {"LLC_MISSES", "cache-misses"},
    {"LLC_REFS", "cache-references"},
    {"CPU_CLK_UNHALTED", "cycles"},
    {"INST_RETIRED", "instructions"},
};

/* The defaults: the generic LLC pair, else the LL read pair. */
static const cache_ev llc_generic[2] = {
    {"references", "cache-references", PERF_TYPE_HARDWARE,
     PERF_COUNT_HW_CACHE_REFERENCES},
    {"misses", "cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES},
};
static const cache_ev llc_read[2] = {
    {"references", "LLC-loads", PERF_TYPE_HW_CACHE, HWC(LL, READ, ACCESS)},
    {"misses", "LLC-load-misses", PERF_TYPE_HW_CACHE, HWC(LL, READ, MISS)},
};

/* Counting modes: the sum, or the --nosumcache split. */
enum { M_SUM, M_USER, M_KERNEL, M_HV };
static const char *const mode_dev[] = {"", "user", "kernel", "hv"};

typedef struct cache_why {
    xg_sb text;      /* the reason */
    xg_sb who;       /* the first 3 domains it applies to, or "" */
    size_t n_who;
} cache_why;

typedef struct cache_dom {
    size_t ngrp;   /* groups per mode: CPUs or threads; 0 = no counters */
    int *fd;       /* [mode][group][event], -1 = not open */
    uint64_t *prev; /* [mode][group][K]: last raw enabled, running, counts */
    uint64_t *cum; /* [mode][K]: summed enabled, running, scaled counts */
    int64_t *ser;  /* [mode][K]: series, -1 = mode not counted */
} cache_dom;

typedef struct cache_state {
    cache_ev ev[MAXEV];
    size_t nev, k;     /* events; k = 2 + nev values per group */
    int mode[3];       /* M_* counted */
    size_t nmode;
    int *cpus;         /* online CPUs */
    size_t ncpu;
    cache_dom *dom;    /* per domain of ctx->doms */
    size_t n, cap;
    uint64_t buf[3 + MAXEV]; /* one group read: nr, enabled, running, v[] */
    cache_why why[MAXWHY];
    size_t nwhy;
    bool off;          /* nothing is counted, for a reason in why */
} cache_state;

/* What one domain's groups are opened on. */
typedef struct cache_target {
    pid_t pid;           /* -1 (system), a cgroup fd, or a pid */
    unsigned long flags; /* PERF_FLAG_PID_CGROUP for a cgroup */
    bool cpu_wide;       /* one group per CPU, else one per thread */
    pid_t *tids;         /* the threads of a pid target */
    size_t ngrp;
} cache_target;

/* ---- events ---- */

static const cache_ev *find_exact(const char *name, size_t len)
{
    for (size_t i = 0; i < NNAMED; i++)
        if (strlen(named[i].name) == len &&
            strncasecmp(named[i].name, name, len) == 0)
            return &named[i];
    return NULL;
}

/* The event called name[0..len), by its name or an alias. */
static const cache_ev *find_named(const char *name, size_t len)
{
    const cache_ev *e = find_exact(name, len);

    for (size_t i = 0; !e && i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (strlen(aliases[i].alias) == len &&
            strncasecmp(aliases[i].alias, name, len) == 0)
            e = find_exact(aliases[i].name, strlen(aliases[i].name));
    return e;
}

/* An unknown event: err names it and lists the known ones. */
static int unknown_event(const char *p, size_t len, char *err, size_t errlen)
{
    char known[512] = "";
    size_t at = 0;

    for (size_t i = 0; i < NNAMED && at < sizeof(known); i++)
        at += (size_t)snprintf(known + at, sizeof(known) - at, "%s%s",
                               i ? ", " : "", named[i].name);
    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]) &&
                       at < sizeof(known); i++)
        at += (size_t)snprintf(known + at, sizeof(known) - at, ", %s",
                               aliases[i].alias);
    if (at >= sizeof(known)) /* cannot happen with the names above */
        snprintf(known, sizeof(known), "see xengatherer run --help");
    snprintf(err, errlen, "--cache-events: unknown event '%.*s' (known: %s)",
             (int)len, p, known);
    return -1;
}

/* EVENT:N (OProfile's sample count) or EVENT:u (perf's modifiers): the
 * events are counted, so neither means anything here. */
static int suffix_refused(const char *p, size_t len, char *err,
                          size_t errlen)
{
    const char *colon = memchr(p, ':', len);
    size_t nlen = (size_t)(colon - p), slen = len - nlen - 1;

    if (slen && strspn(colon + 1, "0123456789") >= slen)
        snprintf(err, errlen, "--cache-events '%.*s': events are counted, "
                 "not sampled: counting needs no sample period; write %.*s", (int)len, p, (int)nlen, p);
    else
        snprintf(err, errlen, "--cache-events '%.*s': no ':' modifiers; "
                 "write %.*s (--nosumcache counts user, kernel and hv "
                 "apart)", (int)len, p, (int)nlen, p);
    return -1;
}

/* The events of a --cache-events list. 0, or -1 + err. */
static int parse_events(const char *list, cache_ev *ev, size_t *n, char *err,
                        size_t errlen)
{
    *n = 0;
    for (const char *p = list;;) {
        size_t len = strcspn(p, ",");
        const cache_ev *e = find_named(p, len);
        const char *colon = e ? NULL : memchr(p, ':', len);
        if (colon && !find_named(p, (size_t)(colon - p)))
            return unknown_event(p, (size_t)(colon - p), err, errlen);
        if (colon)
            return suffix_refused(p, len, err, errlen);
        if (!e)
            return unknown_event(p, len, err, errlen);
        for (size_t i = 0; i < *n; i++)
            if (ev[i].name == e->name) {
                snprintf(err, errlen, "--cache-events: '%s' named twice",
                         e->name);
                return -1;
            }
        if (*n == MAXEV) {
            snprintf(err, errlen, "--cache-events: at most %d events",
                     MAXEV);
            return -1;
        }
        ev[(*n)++] = *e;
        if (!p[len])
            return 0;
        p += len + 1;
    }
}

int xg_cache_events_check(const char *list, char *err, size_t errlen)
{
    cache_ev ev[MAXEV];
    size_t n;

    return list ? parse_events(list, ev, &n, err, errlen) : 0;
}

static int perf_open(struct perf_event_attr *a, pid_t pid, int cpu,
                     int group, unsigned long flags)
{
    return (int)syscall(SYS_perf_event_open, a, pid, cpu, group,
                        flags | PERF_FLAG_FD_CLOEXEC);
}

static void set_attr(struct perf_event_attr *a, const cache_ev *e, int mode)
{
    memset(a, 0, sizeof(*a));
    a->size = sizeof(*a);
    a->type = e->type;
    a->config = e->config;
    a->read_format = PERF_FORMAT_GROUP | PERF_FORMAT_TOTAL_TIME_ENABLED |
                     PERF_FORMAT_TOTAL_TIME_RUNNING;
    a->exclude_user = mode == M_KERNEL || mode == M_HV;
    a->exclude_kernel = mode == M_USER || mode == M_HV;
    a->exclude_hv = mode == M_USER || mode == M_KERNEL;
}

/* Whether this machine counts e at all (on this process): 0 or errno. */
static int probe(const cache_ev *e)
{
    struct perf_event_attr a;
    int fd;

    set_attr(&a, e, M_SUM);
    a.disabled = 1;
    fd = perf_open(&a, 0, -1, -1, 0);
    if (fd < 0 && (errno == EACCES || errno == EPERM)) {
        set_attr(&a, e, M_USER); /* what perf_event_paranoid 2 allows */
        a.disabled = 1;
        fd = perf_open(&a, 0, -1, -1, 0);
    }
    if (fd < 0)
        return errno;
    close(fd);
    return 0;
}

static bool no_pmu(int e)
{
    return e == ENOENT || e == EOPNOTSUPP || e == ENODEV || e == EINVAL;
}

/* ---- reasons, into meta "note.cache" ---- */

static int paranoid(void)
{
    char b[32] = "";
    int fd = open("/proc/sys/kernel/perf_event_paranoid", O_RDONLY | O_CLOEXEC);
    ssize_t r = fd >= 0 ? read(fd, b, sizeof(b) - 1) : -1;

    if (fd >= 0)
        close(fd);
    return r > 0 ? atoi(b) : 99;
}

/* Why perf_event_open said e, in one line; need is the highest
 * perf_event_paranoid that allows it to a non-root user. */
static void errno_text(char *buf, size_t len, int e, int need,
                       const char *what)
{
    if ((e == EACCES || e == EPERM) && geteuid() != 0)
        snprintf(buf, len, "perf_event_paranoid is %d: counting %s needs %d "
                 "or lower for a non-root user (sysctl "
                 "kernel.perf_event_paranoid=%d, or run as root)",
                 paranoid(), what, need, need);
    else
        snprintf(buf, len, "perf_event_open: %s", strerror(e));
}

static void why_add(cache_state *st, const char *who, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void why_add(cache_state *st, const char *who, const char *fmt, ...)
{
    xg_sb text = XG_SB_INIT;
    cache_why *w = NULL;
    va_list ap;

    va_start(ap, fmt);
    xg_sb_vprintf(&text, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < st->nwhy && !w; i++)
        if (strcmp(xg_sb_str(&st->why[i].text), xg_sb_str(&text)) == 0)
            w = &st->why[i];
    if (!w) {
        if (st->nwhy == MAXWHY) {
            xg_sb_free(&text);
            return;
        }
        w = &st->why[st->nwhy++];
        w->text = text; /* taken */
        text = (xg_sb)XG_SB_INIT;
    }
    xg_sb_free(&text);
    if (!who)
        return;
    if (w->n_who < 3)
        xg_sb_printf(&w->who, "%s%s", w->who.len ? ", " : "", who);
    w->n_who++;
}

/* Forgets every reason. */
static void why_reset(cache_state *st)
{
    for (size_t i = 0; i < st->nwhy; i++) {
        xg_sb_free(&st->why[i].text);
        xg_sb_free(&st->why[i].who);
        st->why[i].n_who = 0;
    }
    st->nwhy = 0;
}

/* The reasons as one line into meta "note.cache". */
static void why_publish(const cache_state *st, xg_ctx *ctx)
{
    xg_sb note = XG_SB_INIT;

    for (size_t i = 0; i < st->nwhy; i++) {
        const cache_why *w = &st->why[i];
        const char *text = xg_sb_str(&w->text), *who = xg_sb_str(&w->who);
        if (w->n_who && w->n_who == ctx->doms.n) /* every domain */
            xg_sb_printf(&note, "%s%s", i ? "; " : "", text);
        else if (*who && w->n_who > 3)
            xg_sb_printf(&note, "%s%s and %zu more: %s", i ? "; " : "", who,
                         w->n_who - 3, text);
        else
            xg_sb_printf(&note, "%s%s%s%s", i ? "; " : "", who,
                         *who ? ": " : "", text);
    }
    if (st->nwhy)
        xg_store_meta_set(&ctx->store, "note.cache", note.oom
                          ? "(out of memory for the reasons)" : xg_sb_str(&note));
    xg_sb_free(&note);
}

/* Picks the events (the defaults, or --cache-events) this machine counts;
 * the others are noted. 0, or -1 + err for a bad list. */
static int pick_events(cache_state *st, const char *list, char *err,
                       size_t errlen)
{
    cache_ev want[MAXEV];
    char text[MAXEV][256]; /* our texts and strerror: under 200 bytes */
    size_t n = 2;
    int bad[MAXEV];

    if (list) {
        if (parse_events(list, want, &n, err, errlen) < 0)
            return -1;
    } else {
        memcpy(want, llc_generic, sizeof(llc_generic));
        if (probe(&want[0]) && !probe(&llc_read[0]) && !probe(&llc_read[1]))
            memcpy(want, llc_read, sizeof(llc_read));
    }
    for (size_t i = 0; i < n; i++)
        if (!(bad[i] = probe(&want[i])))
            st->ev[st->nev++] = want[i];
    for (size_t i = 0; i < n; i++) /* why, in one line per reason */
        if (bad[i]) {
            if (no_pmu(bad[i]) && want[i].type != PERF_TYPE_SOFTWARE)
                snprintf(text[i], sizeof(text[i]), "no hardware counters on "
                         "this machine (perf_event_open: %s)",
                         strerror(bad[i]));
            else
                errno_text(text[i], sizeof(text[i]), bad[i], 2,
                           "this process");
        }
    for (size_t i = 0; i < n; i++) {
        char names[256] = ""; /* <= MAXEV of our names (<= 16 bytes) */
        if (!bad[i])
            continue;
        for (size_t j = i; j < n; j++) /* every event this reason hit */
            if (bad[j] && strcmp(text[j], text[i]) == 0) {
                snprintf(names + strlen(names), sizeof(names) - strlen(names),
                         "%s%s", *names ? ", " : "", want[j].name);
                bad[j] = j == i ? bad[j] : 0;
            }
        why_add(st, NULL, "%s%s%s", st->nev ? names : "",
                st->nev ? " not counted: " : "", text[i]);
    }
    if (!st->nev)
        st->off = true;
    st->k = 2 + st->nev;
    return 0;
}

/* ---- targets and groups ---- */

/* The online CPUs from /sys/devices/system/cpu/online ("0-3,5"). */
static int online_cpus(cache_state *st)
{
    char b[1024];
    int fd = open("/sys/devices/system/cpu/online", O_RDONLY | O_CLOEXEC);
    ssize_t r = fd >= 0 ? read(fd, b, sizeof(b) - 1) : -1;
    char *p = b;

    if (fd >= 0)
        close(fd);
    if (r <= 0)
        return -1;
    b[r] = '\0';
    while (*p >= '0' && *p <= '9') {
        long a = strtol(p, &p, 10), z = a;
        if (*p == '-')
            z = strtol(p + 1, &p, 10);
        for (long c = a; c <= z && z - a < 65536; c++) {
            int *nv = realloc(st->cpus, (st->ncpu + 1) * sizeof(*nv));
            if (!nv)
                return -1;
            st->cpus = nv;
            st->cpus[st->ncpu++] = (int)c;
        }
        if (*p == ',')
            p++;
    }
    return st->ncpu ? 0 : -1;
}

/* The threads of pid (from /proc/PID/task) into t. 0, or -1 + why. */
static int list_threads(pid_t pid, cache_target *t, xg_sb *why)
{
    char path[64];
    struct dirent *e;
    DIR *d;

    snprintf(path, sizeof(path), "/proc/%ld/task", (long)pid);
    if (!(d = opendir(path))) {
        xg_sb_printf(why, "%s: %s", path, strerror(errno));
        return -1;
    }
    while ((e = readdir(d))) {
        long tid = atol(e->d_name);
        pid_t *nv;
        if (tid <= 0)
            continue;
        if (!(nv = realloc(t->tids, (t->ngrp + 1) * sizeof(*nv)))) {
            xg_sb_printf(why, "out of memory");
            break;
        }
        t->tids = nv;
        t->tids[t->ngrp++] = (pid_t)tid;
    }
    closedir(d);
    if (!t->ngrp && !why->len)
        xg_sb_printf(why, "%s: no threads", path);
    return t->ngrp ? 0 : -1;
}

/* What to count for domain i. 0, or -1 + why (an empty xg_sb, appended
 * to whole). */
static int resolve(const cache_state *st, xg_ctx *ctx, size_t i,
                   cache_target *t, xg_sb *why)
{
    xg_perf_target pt = {.kind = XG_PERF_NONE, .cgroup_fd = -1};
    char err[4400] = ""; /* a platform's line naming a path (cut: "...") */

    memset(t, 0, sizeof(*t));
    if (ctx->gone[i]) {
        xg_sb_printf(why, "the domain is gone");
        return -1;
    }
    if (!ctx->ops->perf_target) {
        xg_sb_printf(why, "the %s platform cannot say what to count",
                     ctx->ops->name);
        return -1;
    }
    if (ctx->ops->perf_target(ctx->plat, &ctx->doms.v[i], &pt, err,
                              sizeof(err)) < 0) {
        xg_mark_cut(err, sizeof(err));
        xg_sb_printf(why, "%s", *err ? err : "no perf target");
        return -1;
    }
    t->cpu_wide = true;
    t->ngrp = st->ncpu;
    switch (pt.kind) {
    case XG_PERF_SYSTEM:
        t->pid = -1;
        return 0;
    case XG_PERF_CGROUP:
        t->pid = pt.cgroup_fd;
        t->flags = PERF_FLAG_PID_CGROUP;
        return 0;
    case XG_PERF_PID:
        t->cpu_wide = false;
        t->ngrp = 0;
        return list_threads(pt.pid, t, why);
    default:
        xg_sb_printf(why, "%s", pt.why ? pt.why : "nothing to count");
        return -1;
    }
}

/* Opens one group of every event on (pid, cpu) in mode; f[nev]. 0 or errno
 * (nothing left open). */
static int open_group(const cache_state *st, const cache_target *t, int mode,
                      size_t g, int *f)
{
    pid_t pid = t->cpu_wide ? t->pid : t->tids[g];
    int cpu = t->cpu_wide ? st->cpus[g] : -1, e = 0;

    for (size_t j = 0; j < st->nev; j++) /* none open yet */
        f[j] = -1;
    for (size_t j = 0; j < st->nev; j++) {
        struct perf_event_attr a;
        set_attr(&a, &st->ev[j], mode);
        a.disabled = j == 0;
        a.inherit = !t->cpu_wide;
        f[j] = perf_open(&a, pid, cpu, j ? f[0] : -1, t->flags);
        if (f[j] < 0) {
            e = errno;
            break;
        }
    }
    if (!e && ioctl(f[0], PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP) < 0)
        e = errno;
    if (e)
        for (size_t j = 0; j < st->nev; j++)
            if (f[j] >= 0) {
                close(f[j]);
                f[j] = -1;
            }
    return e;
}

static void dom_close(cache_dom *d, size_t nfd)
{
    for (size_t j = 0; d->fd && j < nfd; j++)
        if (d->fd[j] >= 0)
            close(d->fd[j]);
    free(d->fd);
    free(d->prev);
    free(d->cum);
    free(d->ser);
    memset(d, 0, sizeof(*d));
}

/* Creates domain i's series for every mode with a group open. */
static void dom_series(cache_state *st, xg_ctx *ctx, size_t i)
{
    cache_dom *d = &st->dom[i];

    for (size_t m = 0; m < st->nmode; m++) {
        bool open = false;
        for (size_t g = 0; g < d->ngrp && !open; g++)
            open = d->fd[(m * d->ngrp + g) * st->nev] >= 0;
        for (size_t j = 0; open && j < st->k; j++) {
            uint32_t dom = ctx->store_dom[i];
            const char *dev = mode_dev[st->mode[m]];
            /* the events by name: the schema's row for the unit */
            d->ser[m * st->k + j] =
                j == 0 ? xg_schema_series(&ctx->store, dom,
                                          XG_S_CACHE_TIME_ENABLED, dev)
                : j == 1 ? xg_schema_series(&ctx->store, dom,
                                            XG_S_CACHE_TIME_RUNNING, dev)
                : xg_schema_series_named(&ctx->store, dom, XG_S_CACHE_EVENT,
                                         dev, st->ev[j - 2].name);
        }
    }
}

/* Opens domain i's groups on t, mode by mode (series come later, from
 * dom_series). 0; EMFILE/ENFILE (all closed); or -1 when nothing opened
 * (noted). */
static int dom_open(cache_state *st, xg_ctx *ctx, size_t i,
                    const cache_target *t)
{
    cache_dom *d = &st->dom[i];
    const char *name = ctx->doms.v[i].info.name;
    size_t nfd = st->nmode * t->ngrp * st->nev, on = 0;

    d->ngrp = t->ngrp;
    d->fd = malloc(nfd * sizeof(*d->fd));
    d->prev = calloc(st->nmode * t->ngrp * st->k, sizeof(*d->prev));
    d->cum = calloc(st->nmode * st->k, sizeof(*d->cum));
    d->ser = malloc(st->nmode * st->k * sizeof(*d->ser));
    if (!d->fd || !d->prev || !d->cum || !d->ser) {
        dom_close(d, 0);
        why_add(st, name, "out of memory");
        return -1;
    }
    for (size_t j = 0; j < nfd; j++)
        d->fd[j] = -1;
    for (size_t j = 0; j < st->nmode * st->k; j++)
        d->ser[j] = -1;
    for (size_t m = 0; m < st->nmode; m++) {
        size_t opened = 0;
        int e = 0;
        for (size_t g = 0; g < t->ngrp; g++) {
            int r = open_group(st, t, st->mode[m], g,
                               &d->fd[(m * t->ngrp + g) * st->nev]);
            if (r == EMFILE || r == ENFILE) {
                dom_close(d, nfd);
                return r;
            }
            if (r == ESRCH && !t->cpu_wide)
                continue; /* the thread ended meanwhile */
            if (r && !e)
                e = r;
            opened += !r;
        }
        if (e) { /* a mode is all or nothing */
            char text[256]; /* errno_text's: under 200 bytes */
            bool kern = st->mode[m] != M_USER;
            for (size_t g = 0; g < t->ngrp; g++)
                for (size_t j = 0; j < st->nev; j++) {
                    int *f = &d->fd[(m * t->ngrp + g) * st->nev + j];
                    if (*f >= 0)
                        close(*f);
                    *f = -1;
                }
            errno_text(text, sizeof(text), e, t->cpu_wide ? 0 : kern ? 1 : 2,
                       t->cpu_wide ? "cgroups or the whole machine"
                                   : "a process");
            why_add(st, name, "%s%s%s%s", text, st->mode[m] ? " (mode " : "",
                    mode_dev[st->mode[m]], st->mode[m] ? ")" : "");
            continue;
        }
        if (!opened) {
            why_add(st, name, "the process is gone");
            continue;
        }
        on++;
    }
    if (!on) {
        dom_close(d, nfd);
        return -1;
    }
    return 0;
}

static size_t open_fds(void)
{
    size_t n = 0;
    DIR *d = opendir("/proc/self/fd");

    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static void emfile_note(cache_state *st, int e, size_t needed)
{
    struct rlimit rl = {0, 0};

    getrlimit(RLIMIT_NOFILE, &rl);
    if (e == ENFILE)
        why_add(st, NULL, "too many open files in the system (ENFILE): the "
                "counters need %zu descriptors", needed);
    else
        why_add(st, NULL, "too many open files (EMFILE): the counters need "
                "%zu descriptors and the limit is %llu (raise it, e.g. "
                "ulimit -n %zu)", needed, (unsigned long long)rl.rlim_cur,
                needed + open_fds() + 64);
}

/* ---- collector ---- */

static int cache_grow(cache_state *st, size_t i)
{
    return xg_grow_to((void **)&st->dom, &st->n, &st->cap, sizeof(*st->dom),
                      i);
}

static void cache_free(cache_state *st)
{
    for (size_t i = 0; i < st->n; i++)
        dom_close(&st->dom[i], st->nmode * st->dom[i].ngrp * st->nev);
    free(st->dom);
    free(st->cpus);
    why_reset(st);
    free(st);
}

/* A domain that joins mid-run: its counters open now. */
static int cache_add(xg_ctx *ctx, void *state, size_t i)
{
    cache_state *st = state;
    cache_target t;
    xg_sb why = XG_SB_INIT;
    int r;

    if (cache_grow(st, i) < 0)
        return -1;
    if (st->off)
        return 0;
    if (resolve(st, ctx, i, &t, &why) < 0) {
        why_add(st, ctx->doms.v[i].info.name, "%s", xg_sb_str(&why));
    } else if ((r = dom_open(st, ctx, i, &t)) > 0) {
        emfile_note(st, r, st->nmode * t.ngrp * st->nev);
    } else if (r == 0) {
        dom_series(st, ctx, i);
    }
    free(t.tids);
    xg_sb_free(&why);
    why_publish(st, ctx);
    return 0;
}

static void set_events_meta(const cache_state *st, xg_ctx *ctx)
{
    char list[256] = ""; /* <= MAXEV of our names (<= 16 bytes) */

    for (size_t j = 0; j < st->nev; j++)
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
                 j ? "," : "", st->ev[j].perf);
    xg_store_meta_set(&ctx->store, "cache_events", list);
}

static int cache_start(xg_ctx *ctx, void **state, char *err, size_t errlen)
{
    cache_state *st = calloc(1, sizeof(*st));
    cache_target *t = NULL;
    size_t needed = 0;
    int r = 0;

    if (!st)
        return -1;
    st->mode[st->nmode++] = ctx->opt->nosumcache ? M_USER : M_SUM;
    if (ctx->opt->nosumcache) {
        st->mode[st->nmode++] = M_KERNEL;
        st->mode[st->nmode++] = M_HV;
    }
    if (pick_events(st, ctx->opt->cache_events, err, errlen) < 0 ||
        cache_grow(st, ctx->doms.n ? ctx->doms.n - 1 : 0) < 0)
        goto fail;
    if (!st->off && ctx->opt->root && *ctx->opt->root) {
        why_add(st, NULL, "not counted with --root: perf_event_open counts "
                "only the live machine");
        st->off = true;
    }
    if (!st->off && online_cpus(st) < 0) {
        why_add(st, NULL, "/sys/devices/system/cpu/online: cannot list the "
                "online CPUs");
        st->off = true;
    }
    if (!st->off && !(t = calloc(ctx->doms.n + 1, sizeof(*t))))
        goto fail;
    /* every target first, so EMFILE can say how many are needed */
    for (size_t i = 0; !st->off && i < ctx->doms.n; i++) {
        xg_sb why = XG_SB_INIT;
        if (resolve(st, ctx, i, &t[i], &why) < 0) {
            why_add(st, ctx->doms.v[i].info.name, "%s", xg_sb_str(&why));
            t[i].ngrp = 0;
        }
        xg_sb_free(&why);
        needed += st->nmode * t[i].ngrp * st->nev;
    }
    for (size_t i = 0; !st->off && i < ctx->doms.n && r <= 0; i++)
        if (t[i].ngrp)
            r = dom_open(st, ctx, i, &t[i]);
    if (r > 0) { /* out of descriptors: count nothing rather than a part */
        for (size_t i = 0; i < st->n; i++)
            dom_close(&st->dom[i], st->nmode * st->dom[i].ngrp * st->nev);
        why_reset(st);
        emfile_note(st, r, needed);
        st->off = true;
    }
    for (size_t i = 0; !st->off && i < st->n; i++)
        if (st->dom[i].ngrp)
            dom_series(st, ctx, i);
    for (size_t i = 0; t && i < ctx->doms.n; i++)
        free(t[i].tids);
    free(t);
    if (!st->off)
        set_events_meta(st, ctx);
    why_publish(st, ctx);
    *state = st;
    return 0;
fail:
    free(t);
    cache_free(st);
    return -1;
}

/* Δcount scaled by Δenabled / Δrunning (multiplexing). */
static uint64_t scale(uint64_t v, uint64_t en, uint64_t run)
{
    if (!run)
        return 0;
    if (en == run)
        return v;
    __extension__ unsigned __int128 w = (unsigned __int128)v * en + run / 2;
    return (uint64_t)(w / run);
}

static void sample_dom(cache_state *st, xg_ctx *ctx, cache_dom *d)
{
    size_t want = (3 + st->nev) * sizeof(uint64_t), k = st->k;

    for (size_t m = 0; m < st->nmode; m++) {
        uint64_t *cum = &d->cum[m * k];
        bool any = false;
        if (d->ser[m * k] < 0)
            continue;
        for (size_t g = 0; g < d->ngrp; g++) {
            int fd = d->fd[(m * d->ngrp + g) * st->nev];
            uint64_t *p = &d->prev[(m * d->ngrp + g) * k], *b = st->buf;
            if (fd < 0 || read(fd, b, want) != (ssize_t)want ||
                b[0] != st->nev)
                continue;
            uint64_t den = b[1] - p[0], drun = b[2] - p[1];
            for (size_t j = 2; j < k; j++)
                cum[j] += scale(b[1 + j] - p[j], den, drun);
            cum[0] += den;
            cum[1] += drun;
            memcpy(p, b + 1, k * sizeof(*p));
            any = true;
        }
        /* enabled but never on a counter: the counts are unknown */
        for (size_t j = 0; any && j < (cum[0] && !cum[1] ? 2 : k); j++)
            xg_store_put(&ctx->store, (uint32_t)d->ser[m * k + j], cum[j]);
    }
}

static void cache_sample(xg_ctx *ctx, void *state)
{
    cache_state *st = state;

    for (size_t i = 0; i < ctx->doms.n && i < st->n; i++)
        if (!ctx->gone[i] && st->dom[i].ngrp)
            sample_dom(st, ctx, &st->dom[i]);
}

static void cache_stop(xg_ctx *ctx, void *state)
{
    (void)ctx;
    cache_free(state);
}

const xg_collector xg_collector_cache = {
    .name = "cache",
    .flag = XG_FAM_CACHE,
    .start = cache_start,
    .add_domain = cache_add,
    .sample = cache_sample,
    .stop = cache_stop,
};

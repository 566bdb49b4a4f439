/* cgroup_bpf.c — the cgroup platform's BPF path for CPU time: a sleepable
 * BPF cgroup iterator (bpf/cgstat.bpf.c, CO-RE against the running
 * kernel's BTF, loaded through its libbpf skeleton) attached to the cgroup2
 * directory above the watched cgroups. Each sample opens one iterator fd
 * and read()s every watched cgroup's rstat CPU time at once (1023 cgroups
 * fit one read; more take one read per 1023). Without libbpf at build time
 * cg_bpf_open says so and the files are read as always. */
#include "config.h"
#include "platform/cgroup/cgroup_bpf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/options.h"
#include "platform/cgroup/cgroup_files.h"
#include "util/root.h"

/* Whether the iterator is used without --cgroup-bpf (where it works): the
 * measurement in docs/performance.md ("A BPF cgroup iterator") decides. */
#define CG_BPF_DEFAULT 0

#ifdef XG_HAVE_CGROUP_BPF
#include <fcntl.h>
#include <stdarg.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include "platform/cgroup/bpf/cgstat.h"
/* the skeleton for its embedded object (cgstat_bpf__elf_bytes) only: the
 * object is opened with libbpf's own calls below, whose error paths the
 * static analyzers can follow (the generated open_and_load's cannot be
 * annotated) */
#include "cgstat.skel.h"

typedef struct cg_slot {
    uint64_t id;      /* cgroup id; 0 = a free slot */
    uint64_t gen;     /* the read that last gave it */
    uint64_t usage, utime, stime; /* from that read */
    uint64_t prev_u, prev_s;      /* cputime_adjust's memory */
} cg_slot;

struct cg_bpf {
    struct bpf_object *obj;
    struct bpf_program *prog; /* the iterator */
    struct bpf_map *watched;  /* the cgroups it reports */
    struct bpf_link *link;
    cg_slot *slot;
    size_t n, cap;
    uint64_t gen;     /* reads done; 0 = none */
    bool fresh;       /* the last read serves this sample */
    char *buf;        /* one read() of records */
    size_t buflen;
    unsigned long iters, reads;
    uint64_t ns;      /* their time */
};

static char last_msg[256]; /* libbpf's last warning: says why a load fails */

__attribute__((format(printf, 2, 0)))
static int keep_msg(enum libbpf_print_level level, const char *fmt,
                    va_list ap)
{
    int n;

    if (level == LIBBPF_DEBUG)
        return 0;
    n = vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
    if (n > 0 && (size_t)n < sizeof(last_msg) && last_msg[n - 1] == '\n')
        last_msg[n - 1] = '\0';
    return 0;
}

static int attach(struct cg_bpf *b, const char *dir, char *why, size_t len)
{
    union bpf_iter_link_info li;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0) {
        snprintf(why, len, "%s: %s", dir, strerror(errno));
        return -1;
    }
    memset(&li, 0, sizeof(li));
    li.cgroup.cgroup_fd = (__u32)fd;
    li.cgroup.order = BPF_CGROUP_ITER_DESCENDANTS_PRE;
    struct bpf_iter_attach_opts opts;
    memset(&opts, 0, sizeof(opts));
    opts.sz = sizeof(opts);
    opts.link_info = &li;
    opts.link_info_len = sizeof(li);
    b->link = bpf_program__attach_iter(b->prog, &opts);
    close(fd); /* the link holds the cgroup */
    if (!b->link) {
        snprintf(why, len, "attaching the BPF cgroup iterator to %s: %s",
                 dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* Opens and loads the embedded object, finds its program and map. 0, or
 * -1 with errno set. */
static int load(struct cg_bpf *b)
{
    size_t sz;
    const void *elf = cgstat_bpf__elf_bytes(&sz);
    int e;

    b->obj = bpf_object__open_mem(elf, sz, NULL);
    if (!b->obj)
        return -1;
    if ((e = bpf_object__load(b->obj)) < 0) {
        errno = -e;
        return -1;
    }
    b->prog = bpf_object__find_program_by_name(b->obj, "cgstat");
    b->watched = bpf_object__find_map_by_name(b->obj, "watched");
    if (!b->prog || !b->watched) {
        errno = ENOENT;
        return -1;
    }
    return 0;
}

struct cg_bpf *cg_bpf_open(const char *dir, char *why, size_t len)
{
    struct cg_bpf *b = calloc(1, sizeof(*b));

    if (!b || !(b->buf = malloc(32 * 1024))) {
        snprintf(why, len, "out of memory");
        goto fail;
    }
    b->buflen = 32 * 1024; /* the iterator's buffer: 8 pages */
    libbpf_set_print(keep_msg);
    last_msg[0] = '\0';
    if (load(b) < 0) {
        int e = errno;
        snprintf(why, len, "cannot load the BPF cgroup iterator: %s%s%s%.160s",
                 strerror(e), e == EPERM ? " (it needs root: CAP_BPF and "
                 "CAP_PERFMON)" : "", last_msg[0] ? "; " : "", last_msg);
        goto fail;
    }
    if (attach(b, dir, why, len) < 0)
        goto fail;
    return b;
fail:
    cg_bpf_close(b);
    return NULL;
}

/* The cgroup id of directory dir (its kernfs node id), 0 when none. */
static uint64_t cgroup_id(const char *dir)
{
    struct file_handle *fh = malloc(sizeof(*fh) + sizeof(uint64_t));
    uint64_t id = 0;
    int mnt;

    if (!fh)
        return 0;
    fh->handle_bytes = sizeof(uint64_t);
    if (name_to_handle_at(AT_FDCWD, dir, fh, &mnt, 0) == 0 &&
        fh->handle_bytes == sizeof(uint64_t))
        memcpy(&id, fh->f_handle, sizeof(id));
    free(fh);
    return id;
}

static long new_slot(struct cg_bpf *b)
{
    for (size_t i = 0; i < b->n; i++)
        if (!b->slot[i].id)
            return (long)i;
    if (b->n == CGSTAT_MAX)
        return -1;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        cg_slot *v = realloc(b->slot, cap * sizeof(*v));
        if (!v)
            return -1;
        b->slot = v;
        b->cap = cap;
    }
    return (long)b->n++;
}

long cg_bpf_watch(struct cg_bpf *b, const char *dir)
{
    uint64_t id = cgroup_id(dir);
    long k;
    __u32 v;

    if (!b || !id || (k = new_slot(b)) < 0)
        return -1;
    v = (__u32)k;
    if (bpf_map__update_elem(b->watched, &id, sizeof(id), &v,
                             sizeof(v), BPF_ANY) < 0)
        return -1;
    memset(&b->slot[k], 0, sizeof(b->slot[k]));
    b->slot[k].id = id;
    b->fresh = false; /* the last read did not look for it */
    return k;
}

void cg_bpf_unwatch(struct cg_bpf *b, long k)
{
    if (!b || k < 0 || (size_t)k >= b->n || !b->slot[k].id)
        return;
    bpf_map__delete_elem(b->watched, &b->slot[k].id,
                         sizeof(b->slot[k].id), 0);
    b->slot[k].id = 0;
}

void cg_bpf_tick(struct cg_bpf *b)
{
    if (b)
        b->fresh = false;
}

/* The records of one read(); true once the trailer came. */
static bool take(struct cg_bpf *b, size_t len)
{
    struct cgstat_rec r;

    for (size_t off = 0; off + sizeof(r) <= len; off += sizeof(r)) {
        memcpy(&r, b->buf + off, sizeof(r));
        if (r.slot == CGSTAT_END)
            return true;
        if (r.slot >= b->n || !b->slot[r.slot].id)
            continue;
        b->slot[r.slot].gen = b->gen;
        b->slot[r.slot].usage = r.usage_ns;
        b->slot[r.slot].utime = r.utime_ns;
        b->slot[r.slot].stime = r.stime_ns;
    }
    return false;
}

/* One walk of the iterator: every watched cgroup's record (the slots it
 * reached get this walk's gen). */
static void refresh(struct cg_bpf *b)
{
    uint64_t t0 = cg_bpf_now();
    int fd = bpf_iter_create(bpf_link__fd(b->link));
    bool end = false;

    b->fresh = true; /* those it does not reach: read from files */
    b->gen++;        /* and none from an earlier walk */
    if (fd < 0)
        return;
    b->iters++;
    while (!end) { /* ends at the trailer: one read() for 1023 cgroups */
        ssize_t r = read(fd, b->buf, b->buflen);
        b->reads++;
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        end = take(b, (size_t)r);
    }
    close(fd);
    b->ns += cg_bpf_now() - t0;
}

/* The kernel's cputime_adjust (kernel/sched/cputime.c): user and system
 * from ticks, scaled so that they add up to the usage, never going back. */
static void adjust(cg_slot *s, uint64_t *user, uint64_t *sys)
{
    uint64_t rt = s->usage, st = s->stime, ut = s->utime;

    if (s->prev_s + s->prev_u < rt) {
        /* no system tick: all user (ut is rt - st below) */
        if (st != 0 && ut == 0)
            st = rt;
        else if (st != 0)
            st = (uint64_t)((unsigned __int128)st * rt / (st + ut));
        if (st < s->prev_s)
            st = s->prev_s;
        ut = rt - st;
        if (ut < s->prev_u) {
            ut = s->prev_u;
            st = rt - ut;
        }
        s->prev_s = st;
        s->prev_u = ut;
    }
    *user = s->prev_u;
    *sys = s->prev_s;
}

int cg_bpf_cpu(struct cg_bpf *b, long k, xg_cpu_counters *out)
{
    if (!b || k < 0 || (size_t)k >= b->n || !b->slot[k].id)
        return -1;
    if (!b->fresh)
        refresh(b); /* once per sample, even when it fails */
    if (b->slot[k].gen != b->gen)
        return -1; /* the walk did not meet it: gone, or moved away */
    out->usage_ns = b->slot[k].usage;
    adjust(&b->slot[k], &out->user_ns, &out->system_ns);
    out->have |= XG_CPU_USAGE | XG_CPU_USER | XG_CPU_SYSTEM;
    return 0;
}

void cg_bpf_counts(const struct cg_bpf *b, unsigned long *iters,
                   unsigned long *reads, uint64_t *ns)
{
    *iters = b ? b->iters : 0;
    *reads = b ? b->reads : 0;
    *ns = b ? b->ns : 0;
}

void cg_bpf_close(struct cg_bpf *b)
{
    if (!b)
        return;
    bpf_link__destroy(b->link);
    bpf_object__close(b->obj);
    free(b->slot);
    free(b->buf);
    free(b);
}

#else /* built without libbpf, bpftool, clang or the kernel's BTF */

struct cg_bpf *cg_bpf_open(const char *dir, char *why, size_t len)
{
    (void)dir;
    snprintf(why, len, "built without the BPF cgroup iterator "
             "(-Dcgroup_bpf=disabled, or meson found no libbpf, bpftool, "
             "clang or /sys/kernel/btf/vmlinux)");
    errno = ENOTSUP;
    return NULL;
}

long cg_bpf_watch(struct cg_bpf *b, const char *dir)
{
    (void)b;
    (void)dir;
    return -1;
}

void cg_bpf_unwatch(struct cg_bpf *b, long slot)
{
    (void)b;
    (void)slot;
}

void cg_bpf_tick(struct cg_bpf *b)
{
    (void)b;
}

int cg_bpf_cpu(struct cg_bpf *b, long slot, xg_cpu_counters *out)
{
    (void)b;
    (void)slot;
    (void)out;
    return -1;
}

void cg_bpf_counts(const struct cg_bpf *b, unsigned long *iters,
                   unsigned long *reads, uint64_t *ns)
{
    (void)b;
    *iters = *reads = 0;
    *ns = 0;
}

void cg_bpf_close(struct cg_bpf *b)
{
    (void)b;
}

#endif

/* ---- the platform's side: with or without libbpf ---- */

uint64_t cg_bpf_now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* What two cg_bpf_now() back to back take (the least of 200): taken off
 * each timed interval of the check. */
static uint64_t clock_cost(void)
{
    uint64_t least = UINT64_MAX;

    for (int i = 0; i < 200; i++) {
        uint64_t t0 = cg_bpf_now(), d = cg_bpf_now() - t0;
        if (d < least)
            least = d;
    }
    return least;
}

void cg_bpf_start(xg_platform *p, const xg_options *o)
{
    const char *rel = "";
    char dir[4096];

    p->bpf_asked = o->cgroup_bpf == 1;
    p->bpf_check = getenv("XG_CGROUP_BPF_CHECK");
    if (p->bpf_check)
        p->check_clock = clock_cost();
    if (o->cgroup_bpf == 0 || (o->cgroup_bpf < 0 && !CG_BPF_DEFAULT)) {
        snprintf(p->bpf_why, sizeof(p->bpf_why), "%s",
                 o->cgroup_bpf == 0 ? "--no-cgroup-bpf"
                                    : "off by default: --cgroup-bpf");
        return;
    }
    if (!p->mnt[CG_V2] || xg_root_get()[0]) {
        snprintf(p->bpf_why, sizeof(p->bpf_why), "%s",
                 p->mnt[CG_V2] ? "--root is set" : "no cgroup2 mounted");
        return;
    }
    if (!p->n_cgroups && p->parent) /* else the root walks them all */
        rel = p->parent;
    else if (!p->n_cgroups && cg_has(p, CG_V2, "machine.slice"))
        rel = "machine.slice";
    if (!cg_dir(p, CG_V2, rel, dir, sizeof(dir))) {
        snprintf(p->bpf_why, sizeof(p->bpf_why), "cgroup2 path too long");
        return;
    }
    p->bpf = cg_bpf_open(dir, p->bpf_why, sizeof(p->bpf_why));
}

long cg_bpf_dom(xg_platform *p, const char *rel)
{
    char dir[4096], max[4200];
    struct stat st;
    int n;

    if (!p->bpf || !cg_dir(p, CG_V2, rel, dir, sizeof(dir)))
        return -1;
    n = snprintf(max, sizeof(max), "%s/cpu.max", dir);
    if (n < 0 || (size_t)n >= sizeof(max) || stat(max, &st) == 0)
        return -1;
    return cg_bpf_watch(p->bpf, dir);
}

int cg_bpf_dom_cpu(xg_platform *p, long slot, xg_cpu_counters *out)
{
    return cg_bpf_cpu(p->bpf, slot, out);
}

void cg_bpf_check(xg_platform *p, const char *key,
                  const xg_cpu_counters *bpf, const xg_cpu_counters *files)
{
    FILE *f;

    if (!p->bpf_check || !(f = fopen(p->bpf_check, "ae")))
        return;
    fprintf(f, "%s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
            " %" PRIu64 "\n", key, bpf->usage_ns, bpf->user_ns,
            bpf->system_ns, files->usage_ns, files->user_ns,
            files->system_ns);
    fclose(f);
}

void cg_bpf_check_end(xg_platform *p)
{
    unsigned long iters, reads;
    uint64_t ns;
    FILE *f;

    if (!p->bpf || !p->bpf_check || !(f = fopen(p->bpf_check, "ae")))
        return;
    cg_bpf_counts(p->bpf, &iters, &reads, &ns);
    ns -= ns > iters * p->check_clock ? iters * p->check_clock : ns;
    fprintf(f, "# iter_ns %" PRIu64 " walks %lu reads %lu files_ns %" PRIu64
            " file_reads %lu\n", ns, iters, reads, p->check_ns, p->check_n);
    fclose(f);
}

const char *cg_bpf_note(xg_platform *p)
{
    unsigned long iters, reads;
    uint64_t ns;
    int n;

    if (!p->bpf && !p->bpf_asked)
        return NULL; /* off, as by default: nothing to say */
    cg_bpf_counts(p->bpf, &iters, &reads, &ns);
    if (p->bpf)
        n = snprintf(p->bpf_note, sizeof(p->bpf_note), "usage, user and "
                     "system read by a BPF cgroup iterator (cgroup2 rstat): "
                     "%lu read() calls over %lu samples for all cgroups",
                     reads, iters);
    else
        n = snprintf(p->bpf_note, sizeof(p->bpf_note), "usage, user and "
                     "system read from files (no BPF cgroup iterator: %s)",
                     p->bpf_why);
    return n > 0 && (size_t)n < sizeof(p->bpf_note) ? p->bpf_note : NULL;
}

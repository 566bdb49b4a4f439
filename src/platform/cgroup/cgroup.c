/* cgroup.c — the cgroup platform (the fallback): domains are the cgroups
 * under machine.slice (or --cgroup-parent, or named with --cgroup), read from
 * cgroup v1 cpuacct/cpu/blkio or from cgroup2, whichever holds them. */
#include "platform/cgroup/cgroup_files.h"
#include "platform/cgroup/cgroup_bpf.h"
#include "platform/cgroup/cgroup_rules.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/host.h"
#include "util/root.h"
#include "util/strbuf.h"

extern const xg_platform_ops xg_platform_cgroup;

#define CG_KEY "cgroup:"

const char *cg_dir(const xg_platform *p, int h, const char *rel, char *buf,
                   size_t len)
{
    int n;

    if (!p->mnt[h])
        return NULL;
    n = snprintf(buf, len, "%s%s%s", p->mnt[h], *rel ? "/" : "", rel);
    return n >= 0 && (size_t)n < len ? buf : NULL;
}

static bool dir_stat(const xg_platform *p, int h, const char *rel,
                     struct stat *st)
{
    char dir[4096], full[4096];

    return cg_dir(p, h, rel, dir, sizeof(dir)) &&
           xg_root_path(full, sizeof(full), dir) && stat(full, st) == 0 &&
           S_ISDIR(st->st_mode);
}

bool cg_has(const xg_platform *p, int h, const char *rel)
{
    struct stat st;

    return dir_stat(p, h, rel, &st);
}

/* The hierarchy discovery lists and platform_id comes from. */
static int primary(const xg_platform *p)
{
    return p->mnt[CG_CPUACCT] ? CG_CPUACCT : p->mnt[CG_V2] ? CG_V2 : -1;
}

static const char *next_line(const char *p)
{
    p = strchr(p, '\n');
    return p ? p + 1 : NULL;
}

static bool cg_detect(void)
{
    return true;
}

/* One blank-separated /proc/mounts field with its \ooo escapes decoded, into
 * buf. Returns the char after it, or NULL when empty or too long. */
const char *cg_mount_field(const char *p, char *buf, size_t len)
{
    size_t n = 0;

    while (*p == ' ')
        p++;
    for (; *p && *p != ' ' && *p != '\n'; p++) {
        char ch = *p;
        if (ch == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' &&
            p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
            ch = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
            p += 3;
        }
        if (n + 1 >= len)
            return NULL;
        buf[n++] = ch;
    }
    buf[n] = '\0';
    return n ? p : NULL;
}

/* Whether comma-separated opts holds the word w. */
bool cg_has_opt(const char *opts, const char *w)
{
    size_t wl = strlen(w);

    for (const char *p = opts;; p++) {
        if (strncmp(p, w, wl) == 0 && (p[wl] == ',' || p[wl] == '\0'))
            return true;
        if (!(p = strchr(p, ',')))
            return false;
    }
}

static int parse_mounts(xg_platform *p, const char *text)
{
    /* by CG_*; cgroup2 (CG_V2) is found by its type */
    static const char *const ctl[CG_NH] = {"cpuacct", "cpu", "blkio", NULL,
                                           "perf_event"};
    char dev[256], mnt[4096], type[64], opts[1024];

    for (const char *l = text; l && *l; l = next_line(l)) {
        const char *q = cg_mount_field(l, dev, sizeof(dev));
        if (!q || !(q = cg_mount_field(q, mnt, sizeof(mnt))) ||
            !(q = cg_mount_field(q, type, sizeof(type))) ||
            !cg_mount_field(q, opts, sizeof(opts)))
            continue;
        for (int h = 0; h < CG_NH; h++) {
            bool is = h == CG_V2 ? strcmp(type, "cgroup2") == 0
                                 : strcmp(type, "cgroup") == 0 &&
                                       cg_has_opt(opts, ctl[h]);
            if (is && !p->mnt[h] && !(p->mnt[h] = strdup(mnt)))
                return -1;
        }
    }
    return 0;
}

static void cg_close(xg_platform *p)
{
    if (!p)
        return;
    for (int h = 0; h < CG_NH; h++)
        free(p->mnt[h]);
    for (size_t i = 0; i < p->n_cgroups; i++)
        free(p->cgroups[i]);
    free(p->cgroups);
    free(p->env_mnt[0]);
    free(p->env_mnt[1]);
    free(p->parent);
    free(p->watched);
    free(p->nets);
    if (p->net_ino >= 0)
        close(p->net_ino);
    free(p->rules_why);
    cg_bpf_check_end(p);
    cg_bpf_close(p->bpf);
    cg_rules_close(p->rules);
    free(p);
}

/* A sample begins: the BPF iterator is read anew. */
static void cg_tick(xg_platform *p)
{
    cg_bpf_tick(p->bpf);
}

static xg_platform *cg_open(const xg_options *o, char *err, size_t errlen)
{
    xg_platform *p = calloc(1, sizeof(*p));
    char *text = NULL;

    if (!p)
        goto nomem;
    p->net_ino = -1;
    if (!(text = cg_read_all("/proc/mounts"))) {
        cg_path_err(err, errlen, "/proc/mounts", errno);
        cg_close(p);
        return NULL;
    }
    if (parse_mounts(p, text) < 0)
        goto nomem;
    free(text);
    text = NULL;
    p->ncpus = -1;
    p->blkio_enable = !o->no_blkio_enable && p->mnt[CG_BLKIO];
    p->blkio_asked = o->blkio_enable;
    /* also removes the rules of runs killed before they could */
    if (p->mnt[CG_BLKIO] && !(p->rules = cg_rules_open()) &&
        p->blkio_enable) {
        snprintf(err, errlen, "cgroup platform: cannot keep a record of "
                 "the blkio rules in %s/run/xengatherer (out of memory?; "
                 "--no-blkio-enable adds none)", xg_root_get());
        cg_close(p);
        return NULL;
    }
    p->want_net = (o->families & XG_FAM_NET) != 0;
    if (o->cgroup_parent && !(p->parent = strdup(o->cgroup_parent)))
        goto nomem;
    if (o->n_cgroups) {
        if (!(p->cgroups = calloc(o->n_cgroups, sizeof(*p->cgroups))))
            goto nomem;
        for (; p->n_cgroups < o->n_cgroups; p->n_cgroups++)
            if (!(p->cgroups[p->n_cgroups] = strdup(o->cgroups[p->n_cgroups])))
                goto nomem;
    }
    cg_bpf_start(p, o);
    return p;
nomem:
    free(text);
    cg_close(p);
    snprintf(err, errlen, "cgroup platform: out of memory");
    return NULL;
}

/* A user's cgroup path made relative to the hierarchy root: no leading,
 * trailing or doubled '/', no "." parts; ".." refused. NULL + err. */
static char *norm_rel(const char *in, const char *what, const char *opt,
                      char *err, size_t errlen)
{
    char *out = malloc(strlen(in) + 1);
    size_t n = 0;

    if (!out) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    for (const char *p = in; *p;) {
        size_t len = strcspn(p, "/");
        if (len == 2 && strncmp(p, "..", 2) == 0) {
            snprintf(err, errlen,
                     "%s '%s': '..' is not allowed (give a path below the "
                     "hierarchy root, check %s)", what, in, opt);
            free(out);
            return NULL;
        }
        if (len && !(len == 1 && *p == '.')) {
            if (n)
                out[n++] = '/';
            memcpy(out + n, p, len);
            n += len;
        }
        p += len;
        if (*p == '/')
            p++;
    }
    out[n] = '\0';
    return out;
}

/* "not found under A or B" with the CPU hierarchies a cgroup may be in. */
static void not_found(const xg_platform *p, const char *what, const char *in,
                      const char *opt, char *err, size_t errlen)
{
    char a[4096] = "", b[4096] = "";

    if (p->mnt[CG_CPUACCT])
        xg_root_path(a, sizeof(a), p->mnt[CG_CPUACCT]);
    if (p->mnt[CG_V2])
        xg_root_path(b, sizeof(b), p->mnt[CG_V2]);
    if (!*a && !*b)
        snprintf(err, errlen,
                 "%s '%s': no cgroup hierarchy with CPU accounting (v1 "
                 "cpuacct or cgroup2) in %s/proc/mounts", what, in,
                 xg_root_get());
    else
        snprintf(err, errlen, "%s '%s': not found under %s%s%s (create it, "
                 "or check %s)", what, in, a, *a && *b ? " or " : "", b, opt);
}

static int push_cgroup(const xg_platform *p, xg_pdomains *out, const char *rel)
{
    char *key = xg_strfmt(CG_KEY "%s", rel); /* as long as rel is */
    const char *slash = strrchr(rel, '/');
    struct stat st;
    int h = primary(p), rc;
    xg_pdomain d = {.info = {.platform_id = -1, .first_tick = -1,
                             .last_tick = -1}};

    if (!key)
        return -1;
    for (size_t i = 0; i < out->n; i++)
        if (strcmp(out->v[i].info.key, key) == 0) {
            free(key);
            return 0; /* named twice */
        }
    if ((h >= 0 && dir_stat(p, h, rel, &st)) ||
        dir_stat(p, CG_V2, rel, &st) || dir_stat(p, CG_CPUACCT, rel, &st))
        d.info.platform_id = (int64_t)st.st_ino;
    d.info.key = key;
    d.info.name = (char *)(slash ? slash + 1 : rel);
    rc = xg_pdomains_push(out, &d);
    free(key);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The child cgroups of parent in hierarchy h, sorted by name. */
/* Notes the listed parent and its link count: cgroupfs keeps a directory's
 * link count at 2 + its subdirectories (its mtime does not move), so a
 * changed count means a child came or went. */
static void remember_listing(xg_platform *p, const char *full, int fd)
{
    struct stat st;

    if (fstat(fd, &st) < 0)
        return;
    if (!p->watched || strcmp(p->watched, full) != 0) {
        free(p->watched);
        p->watched = strdup(full);
    }
    p->watched_nlink = (unsigned long)st.st_nlink;
}

/* False when the set of children surely did not change since the listing
 * (one stat); a mkdir and an rmdir in between cancel out, so the caller
 * still lists in full now and then. */
static bool cg_changed(xg_platform *p)
{
    struct stat st;

    if (!p->watched)
        return false;
    return stat(p->watched, &st) < 0 ||
           (unsigned long)st.st_nlink != p->watched_nlink;
}

static int push_children(const xg_platform *p, int h, const char *parent,
                         xg_pdomains *out, char *err, size_t errlen)
{
    char dir[4096], full[4096], rel[4096];
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    DIR *dp;
    int rc = -1;
    bool nomem = true; /* what rc < 0 means, unless said otherwise */

    if (!cg_dir(p, h, parent, dir, sizeof(dir)) ||
        !xg_root_path(full, sizeof(full), dir)) {
        snprintf(err, errlen, "cgroup parent '%s': path too long", parent);
        return -1;
    }
    if (!(dp = opendir(full))) {
        cg_path_err(err, errlen, dir, errno);
        return -1;
    }
    remember_listing((xg_platform *)p, full, dirfd(dp));
    while ((e = readdir(dp))) {
        struct stat st;
        if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' &&
                                                       !e->d_name[2])))
            continue;
        if (snprintf(rel, sizeof(rel), "%s%s%s", parent, *parent ? "/" : "",
                     e->d_name) >= (int)sizeof(rel)) {
            snprintf(err, errlen, "cgroup '%s%s%s': path too long (over %zu "
                     "bytes)", parent, *parent ? "/" : "", e->d_name,
                     sizeof(rel) - 1);
            nomem = false;
            goto out;
        }
        if (e->d_type != DT_DIR &&
            (e->d_type != DT_UNKNOWN || !dir_stat(p, h, rel, &st)))
            continue;
        if (n == cap) {
            char **v = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof(*v));
            if (!v)
                goto out;
            names = v;
        }
        if (!(names[n] = strdup(e->d_name)))
            goto out;
        n++;
    }
    if (n)
        qsort(names, n, sizeof(*names), cmp_str);
    for (size_t i = 0; i < n; i++) {
        /* fits: each was checked above */
        snprintf(rel, sizeof(rel), "%s%s%s", parent, *parent ? "/" : "",
                 names[i]);
        if (push_cgroup(p, out, rel) < 0)
            goto out;
    }
    rc = 0;
out:
    if (rc < 0 && nomem)
        snprintf(err, errlen, "out of memory");
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(dp);
    return rc;
}


static int cg_discover(xg_platform *p, xg_pdomains *out, char *err,
                       size_t errlen)
{
    int h = primary(p), rc = 0;
    char *rel;

    if (xg_host_push(out, &p->ncpus, err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < p->n_cgroups && rc == 0; i++) {
        if (!(rel = norm_rel(p->cgroups[i], "cgroup", "--cgroup", err,
                             errlen)))
            return -1;
        if (!*rel) {
            snprintf(err, errlen, "cgroup '%s': is the hierarchy root (name "
                     "a cgroup below it with --cgroup)", p->cgroups[i]);
            rc = -1;
        } else if (!cg_has(p, CG_CPUACCT, rel) && !cg_has(p, CG_V2, rel)) {
            not_found(p, "cgroup", p->cgroups[i], "--cgroup", err, errlen);
            rc = -1;
        } else if (push_cgroup(p, out, rel) < 0) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
        free(rel);
    }
    if (p->n_cgroups)
        return rc;
    if (p->parent) {
        if (!(rel = norm_rel(p->parent, "cgroup parent", "--cgroup-parent",
                             err, errlen)))
            return -1;
        if (h < 0 || !cg_has(p, h, rel)) {
            not_found(p, "cgroup parent", p->parent, "--cgroup-parent", err,
                      errlen);
            free(rel);
            return -1;
        }
        rc = push_children(p, h, rel, out, err, errlen);
        free(rel);
        return rc;
    }
    if (h < 0 || !cg_has(p, h, "machine.slice"))
        return 0; /* no VMs here: just the host */
    return push_children(p, h, "machine.slice", out, err, errlen);
}

static int cg_attach(xg_platform *p, xg_pdomain *d, pid_t pid, char *err,
                     size_t errlen)
{
    const char *rel;
    char dir[4096], line[32];
    int done = 0;

    if (d->info.is_host)
        return 0;
    rel = d->info.key + strlen(CG_KEY);
    snprintf(line, sizeof(line), "%ld\n", (long)pid);
    for (int h = 0; h < CG_NH; h++) {
        bool seen = false; /* co-mounted controllers share one directory */
        for (int k = 0; k < h; k++)
            seen |= p->mnt[k] && p->mnt[h] && strcmp(p->mnt[k], p->mnt[h]) == 0;
        if (seen || !cg_has(p, h, rel))
            continue;
        cg_dir(p, h, rel, dir, sizeof(dir));
        if (cg_write(dir, "cgroup.procs", line, err, errlen) < 0)
            return -1;
        done++;
    }
    if (!done) {
        snprintf(err, errlen, "cgroup '%s': not found (is it gone?)", rel);
        return -1;
    }
    return 0;
}

/* DISK: whether v1 blkio counted (the no-op rules, or why not). NET: the
 * cgroups without a network namespace of their own. */
static const char *cg_note(xg_platform *p, unsigned family)
{
    int n;

    if (family == XG_FAM_NET)
        return cg_net_note(p);
    if (family == XG_FAM_CPU)
        return cg_bpf_note(p);
    if (family != XG_FAM_DISK || !p->mnt[CG_BLKIO])
        return NULL;
    if (!p->blkio_enable)
        return "cgroup v1 blkio counts a device's I/O only while a throttle "
               "rule exists on it (in any cgroup), and --no-blkio-enable "
               "added none: the figures may miss I/O";
    if (p->rules_why) {
        n = snprintf(p->disk_note, sizeof(p->disk_note), "cgroup v1 blkio "
                     "counts a device's I/O only while a throttle rule "
                     "exists on it, and the no-op rule could not be set "
                     "(%s): the figures may miss I/O (--blkio-enable makes "
                     "this an error)", p->rules_why);
        if (n > 0 && (size_t)n >= sizeof(p->disk_note)) /* cut: say so */
            memcpy(p->disk_note + sizeof(p->disk_note) - 4, "...", 4);
        return p->disk_note;
    }
    if (!p->rules_set)
        return NULL; /* the rules were there already */
    n = snprintf(p->disk_note, sizeof(p->disk_note), "cgroup v1 blkio counts "
                 "a device's I/O only while a throttle rule exists on it: a "
                 "no-op 1 TiB/s rule was set on %zu device line%s of the "
                 "watched cgroups for the run and removed at stop "
                 "(--no-blkio-enable: none)", p->rules_set,
                 p->rules_set == 1 ? "" : "s");
    return n > 0 && (size_t)n < sizeof(p->disk_note) ? p->disk_note : NULL;
}

const xg_platform_ops xg_platform_cgroup = {
    .name = "cgroup",
    .detect = cg_detect,
    .open = cg_open,
    .discover = cg_discover,
    .prepare = cg_prepare,
    .cpu_read = cg_cpu_read,
    .disk_read = cg_disk_read,
    .net_read = cg_net_read,
    .attach = cg_attach,
    .perf_target = cg_perf_target,
    .release = cg_release,
    .close = cg_close,
    .note = cg_note,
    .changed = cg_changed,
    .version = cg_version,
    .tick = cg_tick,
    .domain_env = cg_domain_env,
};

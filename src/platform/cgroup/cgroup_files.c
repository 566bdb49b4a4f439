/* cgroup_files.c — one cgroup domain's held files: prepare opens them (and
 * adds the --blkio-enable rules), the readers parse them each sample without
 * stdio or allocation, release closes and undoes. */
#include "platform/cgroup/cgroup_files.h"
#include "platform/cgroup/cgroup_bpf.h"
#include "platform/cgroup/cgroup_parse.h"
#include "platform/cgroup/cgroup_rules.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/host.h"
#include "util/root.h"
#include "util/strbuf.h"

#define CG_KEY "cgroup:"
#define CG_MAXBUF (64u << 20)
#define CG_BIG_BPS "1099511627776" /* 1 TiB/s: a rule that never throttles */

typedef struct cg_dev {
    unsigned major, minor;
    char name[64];      /* looked up once, when the device first shows up */
    bool seen;          /* in this sample */
    bool always;        /* counted from the start: a zero when no line */
    uint64_t rd_bytes, wr_bytes, rd_ios, wr_ios;
} cg_dev;

typedef struct cg_rule { unsigned major, minor; } cg_rule;

typedef struct cg_dom {
    bool host;
    xg_host_cpu hc;     /* host only */
    long clk_tck;
    bool cpu_v2;        /* fd_usage is v2 cpu.stat, else v1 cpuacct.usage */
    int fd_usage, fd_stat, fd_throttle, fd_pressure;
    int fd_perf;        /* perf_event cgroup directory, opened on demand */
    char *perf_why;     /* why there is none, for cg_perf_target (whole:
                         * it names the cgroup) */
    int disk;           /* CG_BLKIO, CG_V2, or -1: no disk figures */
    int fd_bytes, fd_ios; /* v1 io_service_bytes + io_serviced; v2 io.stat */
    char *buf;          /* disk file text; grows only when a file outgrows it */
    size_t cap;
    cg_dev *dev;
    size_t n_dev, cap_dev;
    char *blkio_dir;    /* where the rules below were written */
    cg_rules *owner;    /* the run's record of them */
    bool locked;        /* add_rules holds the record's lock */
    cg_rule *rules;
    size_t n_rules;
    struct cg_net *net; /* NULL: no network figures (host, --nonet) */
    long bpf_slot;      /* usage/user/system by the BPF iterator, or -1 */
} cg_dom;

void cg_path_err(char *err, size_t errlen, const char *path, int e)
{
    char full[4096];
    const char *hint = "";

    if (e == EACCES || e == EPERM)
        hint = " (run as root)";
    else if (e == ENOENT || e == ENODEV)
        hint = " (the cgroup is gone, or this kernel lacks the file)";
    else if (e == EROFS)
        hint = " (is /sys mounted read-only?)";
    snprintf(err, errlen, "%s: %s%s",
             xg_root_path(full, sizeof(full), path) ? full : path,
             strerror(e), hint);
}

char *cg_read_all(const char *path)
{
    int fd = xg_root_open(path, O_RDONLY);
    size_t cap = 16 * 1024;
    char *buf = NULL;

    if (fd < 0)
        return NULL;
    for (;;) {
        char *nb = realloc(buf, cap);
        ssize_t r;
        if (!nb) {
            errno = ENOMEM;
            break;
        }
        buf = nb;
        r = xg_pread_text(fd, buf, cap);
        if (r < 0)
            break;
        if ((size_t)r < cap - 1 || cap >= CG_MAXBUF) {
            close(fd);
            return buf;
        }
        cap *= 2;
    }
    int e = errno;
    free(buf);
    close(fd);
    errno = e;
    return NULL;
}

/* <dir>/<file> into buf; 0, or -1 + err when too long. */
static int join(char *buf, size_t len, const char *dir, const char *file,
                char *err, size_t errlen)
{
    int n = snprintf(buf, len, "%s/%s", dir, file);

    if (n < 0 || (size_t)n >= len) {
        snprintf(err, errlen, "%s/%s: path too long", dir, file);
        return -1;
    }
    return 0;
}

/* Opens <dir>/<file> read-only: the fd; -1 when absent and optional; -2
 * with err otherwise. */
static int open_in(const char *dir, const char *file, bool optional,
                   char *err, size_t errlen)
{
    char path[4096];
    int fd;

    if (join(path, sizeof(path), dir, file, err, errlen) < 0)
        return -2;
    fd = xg_root_open(path, O_RDONLY);
    if (fd >= 0)
        return fd;
    if (optional && errno == ENOENT)
        return -1;
    cg_path_err(err, errlen, path, errno);
    return -2;
}

int cg_write(const char *dir, const char *file, const char *text,
                    char *err, size_t errlen)
{
    char path[4096];
    size_t n = strlen(text);
    ssize_t w;
    int fd;

    if (join(path, sizeof(path), dir, file, err, errlen) < 0)
        return -1;
    fd = xg_root_open(path, O_WRONLY);
    if (fd < 0) {
        cg_path_err(err, errlen, path, errno);
        return -1;
    }
    w = write(fd, text, n);
    if (w != (ssize_t)n) {
        cg_path_err(err, errlen, path, w < 0 ? errno : EIO);
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

static bool skip_disk(const xg_diskstat *s)
{
    return s->major == 7 || s->major == 1 || strncmp(s->name, "zram", 4) == 0 ||
           xg_disk_is_partition(s->name);
}

static cg_dev *dev_get(cg_dom *c, unsigned major, unsigned minor);

/* The device counts from the start: a zero until its line shows up. */
static int dev_always(cg_dom *c, unsigned major, unsigned minor, char *err,
                      size_t errlen)
{
    cg_dev *e = dev_get(c, major, minor);

    if (!e) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    e->always = true;
    return 0;
}

/* One whole disk: a rule already there that no live run of ours lists is
 * someone else's (it makes blkio count; left alone); else the rule is
 * listed in the run's record, then written when it is not there yet. */
static int add_rule(xg_platform *p, cg_dom *c, const char *bdir,
                    const xg_diskstat *s, bool has, char *err, size_t errlen)
{
    char line[96];
    cg_rule *r;

    if (has && (!c->locked ||
                !cg_rules_listed(p->rules, bdir, s->major, s->minor)))
        return 0;
    if (!(r = realloc(c->rules, (c->n_rules + 1) * sizeof(*r)))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    c->rules = r;
    if (cg_rules_claim(p->rules, bdir, s->major, s->minor, err, errlen) < 0)
        return -1;
    c->rules[c->n_rules++] = (cg_rule){s->major, s->minor};
    if (has)
        return 0;
    snprintf(line, sizeof(line), "%u:%u " CG_BIG_BPS "\n", s->major,
             s->minor);
    if (cg_write(bdir, "blkio.throttle.read_bps_device", line, err,
                 errlen) < 0 ||
        cg_write(bdir, "blkio.throttle.write_bps_device", line, err,
                 errlen) < 0)
        return -1;
    p->rules_set++;
    return 0;
}

static bool has_rule(const char *rd, const char *wr, const xg_diskstat *s)
{
    return cg_has_rule(rd, s->major, s->minor) ||
           cg_has_rule(wr, s->major, s->minor);
}

/* Whether a whole disk of stats has no rule in rd nor wr. */
static bool missing_rule(const char *stats, const char *rd, const char *wr)
{
    for (const char *l = stats; l && *l; l = cg_next_line(l)) {
        xg_diskstat s;
        if (xg_diskstat_parse_line(l, &s) == 0 && !skip_disk(&s) &&
            !has_rule(rd, wr, &s))
            return true;
    }
    return false;
}

/* v1 blkio.throttle.* count nothing on a device without a rule (in any
 * cgroup), so unless --no-blkio-enable every whole disk gets a
 * never-binding one in the cgroup, and then counts from the start. */
static int add_rules(xg_platform *p, cg_dom *c, const char *bdir, char *err,
                     size_t errlen)
{
    char path[4096];
    char *stats = NULL, *rd = NULL, *wr = NULL;
    int rc = -1;

    if (!(c->blkio_dir = strdup(bdir))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    c->owner = p->rules;
    if (!(stats = cg_read_all("/proc/diskstats"))) {
        cg_path_err(err, errlen, "/proc/diskstats", errno);
        goto out;
    }
    if (join(path, sizeof(path), bdir, "blkio.throttle.read_bps_device", err,
             errlen) < 0)
        goto out;
    if (!(rd = cg_read_all(path))) {
        cg_path_err(err, errlen, path, errno);
        goto out;
    }
    if (join(path, sizeof(path), bdir, "blkio.throttle.write_bps_device",
             err, errlen) < 0)
        goto out;
    if (!(wr = cg_read_all(path))) {
        cg_path_err(err, errlen, path, errno);
        goto out;
    }
    /* the lock (and the state directory) only when there is a rule to
     * write, or a record that may list a rule found in place: a tree where
     * every rule is in place already is only read */
    if (cg_rules_any(p->rules) || missing_rule(stats, rd, wr)) {
        cg_rules_lock(p->rules);
        c->locked = true;
    }
    rc = 0;
    for (const char *l = stats; l && *l && rc == 0; l = cg_next_line(l)) {
        xg_diskstat s;
        if (xg_diskstat_parse_line(l, &s) < 0 || skip_disk(&s))
            continue;
        rc = add_rule(p, c, bdir, &s, has_rule(rd, wr, &s), err, errlen);
        if (rc == 0)
            rc = dev_always(c, s.major, s.minor, err, errlen);
    }
    if (c->locked)
        cg_rules_unlock(p->rules);
    c->locked = false;
out:
    free(stats);
    free(rd);
    free(wr);
    return rc;
}

/* A rule add_rules could not set. Asked for (--blkio-enable), that is
 * the domain's error; by default (a user without the right to write the
 * rule, a read-only cgroupfs) the domain is watched all the same, its
 * devices not counted from the start (a zero would claim what blkio may
 * not have counted), and the note says why (the first reason). */
static int rules_failed(xg_platform *p, cg_dom *c, const char *why)
{
    for (size_t i = 0; i < c->n_dev; i++)
        c->dev[i].always = false;
    if (p->blkio_asked)
        return -1;
    if (!p->rules_why && !(p->rules_why = strdup(why)))
        return -1;
    return 0;
}

/* cgroup2 io.stat counts every device, but prints a line only from the
 * device's first I/O: every whole disk counts from the start. */
static int all_disks(cg_dom *c, char *err, size_t errlen)
{
    char *stats = cg_read_all("/proc/diskstats");
    int rc = 0;

    if (!stats) {
        cg_path_err(err, errlen, "/proc/diskstats", errno);
        return -1;
    }
    for (const char *l = stats; l && *l && rc == 0; l = cg_next_line(l)) {
        xg_diskstat s;
        if (xg_diskstat_parse_line(l, &s) == 0 && !skip_disk(&s))
            rc = dev_always(c, s.major, s.minor, err, errlen);
    }
    free(stats);
    return rc;
}

static void dom_free(cg_dom *c)
{
    int *fds[] = {&c->fd_usage, &c->fd_stat, &c->fd_throttle,
                  &c->fd_pressure, &c->fd_bytes, &c->fd_ios,
                  &c->fd_perf};

    if (c->host)
        xg_host_cpu_close(&c->hc);
    for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
        if (*fds[i] >= 0)
            close(*fds[i]);
    for (size_t i = 0; i < c->n_rules; i++) /* the cgroup may be gone */
        cg_rules_drop(c->owner, c->blkio_dir, c->rules[i].major,
                      c->rules[i].minor);
    free(c->rules);
    free(c->blkio_dir);
    free(c->perf_why);
    free(c->dev);
    free(c->buf);
    free(c);
}

/* Opens the CPU files of cgroup rel. 0 or -1 + err. */
static int open_cpu(xg_platform *p, cg_dom *c, const char *rel, char *err,
                    size_t errlen)
{
    char dir[4096];

    if (cg_has(p, CG_CPUACCT, rel)) {
        cg_dir(p, CG_CPUACCT, rel, dir, sizeof(dir));
        if ((c->fd_usage = open_in(dir, "cpuacct.usage", false, err,
                                   errlen)) < 0 ||
            (c->fd_stat = open_in(dir, "cpuacct.stat", true, err,
                                  errlen)) == -2)
            return -1;
        if (cg_has(p, CG_CPU, rel) &&
            cg_dir(p, CG_CPU, rel, dir, sizeof(dir)) &&
            (c->fd_throttle = open_in(dir, "cpu.stat", true, err,
                                      errlen)) == -2)
            return -1;
    } else if (cg_has(p, CG_V2, rel)) {
        c->cpu_v2 = true;
        cg_dir(p, CG_V2, rel, dir, sizeof(dir));
        if ((c->fd_usage = open_in(dir, "cpu.stat", false, err, errlen)) < 0)
            return -1;
    } else {
        snprintf(err, errlen, "cgroup '%s': not found (is it gone?)", rel);
        return -1;
    }
    /* pressure exists in cgroup2 even without controllers (hybrid hosts) */
    if (cg_has(p, CG_V2, rel) && cg_dir(p, CG_V2, rel, dir, sizeof(dir)) &&
        (c->fd_pressure = open_in(dir, "cpu.pressure", true, err,
                                  errlen)) == -2)
        return -1;
    return 0;
}

/* Opens the disk files of cgroup rel (and adds the rules). 0 or -1 + err. */
static int open_disk(xg_platform *p, cg_dom *c, const char *rel, char *err,
                     size_t errlen)
{
    char dir[4096];

    if (cg_has(p, CG_BLKIO, rel)) {
        cg_dir(p, CG_BLKIO, rel, dir, sizeof(dir));
        c->fd_bytes = open_in(dir, "blkio.throttle.io_service_bytes", true,
                              err, errlen);
        if (c->fd_bytes == -2)
            return -1;
        if (c->fd_bytes == -1) /* kernel without blk-throttle */
            return 0;
        if ((c->fd_ios = open_in(dir, "blkio.throttle.io_serviced", false,
                                 err, errlen)) < 0)
            return -1;
        c->disk = CG_BLKIO;
        if (p->blkio_enable && add_rules(p, c, dir, err, errlen) < 0 &&
            rules_failed(p, c, err) < 0)
            return -1;
    } else if (cg_has(p, CG_V2, rel)) {
        cg_dir(p, CG_V2, rel, dir, sizeof(dir));
        /* io.stat is there only when the parent enables the io controller */
        c->fd_bytes = open_in(dir, "io.stat", true, err, errlen);
        if (c->fd_bytes == -2)
            return -1;
        if (c->fd_bytes >= 0) {
            c->disk = CG_V2;
            return all_disks(c, err, errlen);
        }
    }
    return 0;
}

int cg_prepare(xg_platform *p, xg_pdomain *d, char *err, size_t errlen)
{
    cg_dom *c = calloc(1, sizeof(*c));
    const char *rel;

    if (!c) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    c->fd_usage = c->fd_stat = c->fd_throttle = c->fd_pressure = -1;
    c->fd_perf = -1;
    c->bpf_slot = -1;
    c->fd_bytes = c->fd_ios = -1;
    c->disk = -1;
    c->hc.fd = -1;
    c->clk_tck = sysconf(_SC_CLK_TCK);
    if (c->clk_tck <= 0)
        c->clk_tck = 100;
    if (d->info.is_host) {
        c->host = true;
        if (xg_host_cpu_open(&c->hc, err, errlen) < 0)
            goto fail;
        d->priv = c;
        return 0;
    }
    if (!d->info.key || strncmp(d->info.key, CG_KEY, strlen(CG_KEY)) != 0) {
        snprintf(err, errlen, "domain '%s' is not a cgroup",
                 d->info.key ? d->info.key : "?");
        goto fail;
    }
    rel = d->info.key + strlen(CG_KEY);
    if (open_cpu(p, c, rel, err, errlen) < 0 ||
        open_disk(p, c, rel, err, errlen) < 0)
        goto fail;
    if (c->disk >= 0) {
        c->cap = 16 * 1024;
        if (!(c->buf = malloc(c->cap))) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
    }
    c->net = cg_net_open(p, rel, d->info.name);
    c->bpf_slot = cg_bpf_dom(p, rel);
    d->priv = c;
    return 0;
fail:
    dom_free(c);
    return -1;
}

/* usage, user and system from the files (v2 cpu.stat: and throttling). */
static int cpu_files(cg_dom *c, char *b, size_t len, xg_cpu_counters *out)
{
    if (xg_pread_text(c->fd_usage, b, len) < 0)
        return -1; /* ENODEV once the cgroup is removed */
    if (c->cpu_v2) {
        cg_parse_cpu_stat(b, out);
    } else {
        cg_parse_cpuacct_usage(b, out);
        if (c->fd_stat >= 0 && xg_pread_text(c->fd_stat, b, len) >= 0)
            cg_parse_cpuacct_stat(b, c->clk_tck, out);
    }
    return 0;
}

/* $XG_CGROUP_BPF_CHECK: the files read too, timed, beside the iterator's
 * figures bpf. */
static void cpu_check(xg_platform *p, cg_dom *c, const char *key,
                      const xg_cpu_counters *bpf)
{
    xg_cpu_counters f = {0};
    char b[4096];
    uint64_t t0 = cg_bpf_now(), dt;

    if (cpu_files(c, b, sizeof(b), &f) < 0)
        return;
    dt = cg_bpf_now() - t0;
    p->check_ns += dt > p->check_clock ? dt - p->check_clock : 0;
    p->check_n++;
    cg_bpf_check(p, key, bpf, &f);
}

int cg_cpu_read(xg_platform *p, xg_pdomain *d, xg_cpu_counters *out)
{
    cg_dom *c = d->priv;
    char b[4096];

    if (!c)
        return -1;
    if (c->host)
        return xg_host_cpu_read(&c->hc, out);
    memset(out, 0, sizeof(*out));
    if (c->bpf_slot >= 0 && cg_bpf_dom_cpu(p, c->bpf_slot, out) == 0) {
        if (p->bpf_check) /* one read for all (cgroup_bpf.c) */
            cpu_check(p, c, d->info.key, out);
        out->source = "bpf-iter";
    } else if (cpu_files(c, b, sizeof(b), out) < 0) {
        return -1;
    } else if (p->bpf) {
        out->source = "files"; /* the iterator serves others */
    }
    if (!c->cpu_v2 && c->fd_throttle >= 0 &&
        xg_pread_text(c->fd_throttle, b, sizeof(b)) >= 0)
        cg_parse_cpu_throttle(b, out);
    if (c->fd_pressure >= 0 &&
        xg_pread_text(c->fd_pressure, b, sizeof(b)) >= 0)
        cg_parse_cpu_pressure(b, out);
    return 0;
}

/* The whole of fd into c->buf, growing it when the file fills it. */
static ssize_t read_grow(cg_dom *c, int fd)
{
    for (;;) {
        ssize_t r = xg_pread_text(fd, c->buf, c->cap);
        if (r < 0 || (size_t)r < c->cap - 1 || c->cap >= CG_MAXBUF)
            return r;
        char *nb = realloc(c->buf, c->cap * 2);
        if (!nb)
            return r; /* keep what fits */
        c->buf = nb;
        c->cap *= 2;
    }
}

/* The device's entry, added (and named) the first time it shows up. */
static cg_dev *dev_get(cg_dom *c, unsigned major, unsigned minor)
{
    for (size_t i = 0; i < c->n_dev; i++)
        if (c->dev[i].major == major && c->dev[i].minor == minor)
            return &c->dev[i];
    if (c->n_dev == c->cap_dev) {
        size_t cap = c->cap_dev ? c->cap_dev * 2 : 4;
        cg_dev *v = realloc(c->dev, cap * sizeof(*v));
        if (!v)
            return NULL;
        c->dev = v;
        c->cap_dev = cap;
    }
    cg_dev *e = &c->dev[c->n_dev++];
    memset(e, 0, sizeof(*e));
    e->major = major;
    e->minor = minor;
    xg_disk_name(major, minor, e->name, sizeof(e->name));
    return e;
}

/* v1 "MAJ:MIN Read N" / "MAJ:MIN Write N" lines into bytes or ios. */
static void parse_v1(cg_dom *c, const char *text, bool ios)
{
    for (const char *p = text; p && *p; p = cg_next_line(p)) {
        unsigned a, b;
        uint64_t v;
        bool rd;
        cg_dev *e;

        if (cg_parse_blkio_line(p, &a, &b, &rd, &v) < 0 ||
            !(e = dev_get(c, a, b)))
            continue; /* also Sync, Async, Discard, Total */
        e->seen = true;
        if (ios)
            *(rd ? &e->rd_ios : &e->wr_ios) = v;
        else
            *(rd ? &e->rd_bytes : &e->wr_bytes) = v;
    }
}

/* v2 "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N" lines; a
 * device with no I/O yet is printed as "MAJ:MIN " and reads as zeros. */
static void parse_v2(cg_dom *c, const char *text)
{
    for (const char *p = text; p && *p; p = cg_next_line(p)) {
        unsigned a, b;
        cg_dev *e;

        if (!cg_parse_devno(p, &a, &b) || !(e = dev_get(c, a, b)))
            continue;
        e->seen = true;
        cg_parse_io_stat_line(p, &e->rd_bytes, &e->wr_bytes, &e->rd_ios,
                              &e->wr_ios);
    }
}

int cg_disk_read(xg_platform *p, xg_pdomain *d, xg_disk_cb cb, void *arg)
{
    cg_dom *c = d->priv;

    (void)p;
    if (!c)
        return -1;
    if (c->host || c->disk < 0)
        return 0;
    for (size_t i = 0; i < c->n_dev; i++) {
        cg_dev *e = &c->dev[i];
        e->seen = false;
        e->rd_bytes = e->wr_bytes = e->rd_ios = e->wr_ios = 0;
    }
    if (read_grow(c, c->fd_bytes) < 0)
        return -1;
    if (c->disk == CG_V2) {
        parse_v2(c, c->buf);
    } else {
        parse_v1(c, c->buf, false);
        if (read_grow(c, c->fd_ios) < 0)
            return -1;
        parse_v1(c, c->buf, true);
    }
    for (size_t i = 0; i < c->n_dev; i++) {
        const cg_dev *e = &c->dev[i];
        if (!e->seen && !e->always)
            continue;
        xg_disk_counters dc = {0};
        dc.device = e->name;
        dc.source = c->disk == CG_V2 ? "io.stat" : "blkio";
        dc.rd_bytes = e->rd_bytes;
        dc.wr_bytes = e->wr_bytes;
        dc.rd_ios = e->rd_ios;
        dc.wr_ios = e->wr_ios;
        dc.have_ios = true;
        dc.from_zero = true; /* a line appears with the first I/O */
        cb(arg, &dc);
    }
    return 0;
}

int cg_net_read(xg_platform *p, xg_pdomain *d, xg_net_cb cb, void *arg)
{
    cg_dom *c = d->priv;

    if (!c)
        return -1;
    if (c->net)
        cg_net_each(p, c->net, cb, arg);
    return 0;
}

void cg_release(xg_platform *p, xg_pdomain *d)
{
    cg_dom *c = d->priv;

    if (c) {
        cg_bpf_unwatch(p->bpf, c->bpf_slot);
        cg_net_close(p, c->net);
        dom_free(c);
    }
    d->priv = NULL;
}

/* The cache collector's target: the host system-wide; a cgroup through its
 * directory in the hierarchy perf_event lives in (a v1 perf_event mount,
 * else cgroup2, where it is implicit). */
int cg_perf_target(xg_platform *p, xg_pdomain *d, xg_perf_target *out,
                   char *err, size_t errlen)
{
    cg_dom *c = d->priv;
    const char *rel;
    char dir[4096];
    int h = p->mnt[CG_PERF] ? CG_PERF : p->mnt[CG_V2] ? CG_V2 : -1;

    memset(out, 0, sizeof(*out));
    out->cgroup_fd = -1;
    if (!c) {
        snprintf(err, errlen, "domain '%s' is not prepared", d->info.name);
        return -1;
    }
    if (c->host) {
        out->kind = XG_PERF_SYSTEM;
        return 0;
    }
    rel = d->info.key + strlen(CG_KEY);
    free(c->perf_why); /* NULL (out of memory): "nothing to count" */
    if (h < 0) {
        out->why = c->perf_why = xg_strfmt("no cgroup hierarchy with "
                                           "perf_event (neither a v1 "
                                           "perf_event mount nor cgroup2)");
        return 0;
    }
    if (!cg_has(p, h, rel) || !cg_dir(p, h, rel, dir, sizeof(dir))) {
        out->why = c->perf_why = xg_strfmt("cgroup '%s' is not in the "
                                           "perf_event hierarchy %s", rel,
                                           p->mnt[h]);
        return 0;
    }
    c->perf_why = NULL;
    if (c->fd_perf < 0 &&
        (c->fd_perf = xg_root_open(dir, O_RDONLY | O_DIRECTORY)) < 0) {
        cg_path_err(err, errlen, dir, errno);
        return -1;
    }
    out->kind = XG_PERF_CGROUP;
    out->cgroup_fd = c->fd_perf;
    out->why = NULL;
    return 0;
}

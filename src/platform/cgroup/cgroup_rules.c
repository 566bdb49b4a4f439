/* cgroup_rules.c — the record of the no-op blkio rules a run relies on.
 * <root>/run/xengatherer/blkio.<pid> holds
 *     xengatherer blkio rules
 *     pid <pid> <start time in clock ticks, /proc/<pid>/stat field 22>
 *     <maj>:<min> <cgroup blkio directory, root-relative, %XX-escaped>
 * one line per rule. A run lists a rule before it writes it, and lists a
 * rule it found in place when another live run lists it; a rule is removed
 * by the last live run that lists it, or, when every run that listed it
 * ended without removing it, by the next run that starts. Every change is
 * made under flock(<dir>/lock). */
#include "platform/cgroup/cgroup_rules.h"
#include "platform/cgroup/cgroup_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/root.h"
#include "util/strbuf.h"
#include "util/say.h"

#define HEAD "xengatherer blkio rules\n"
#define PREFIX "blkio."
#define TMP ".tmp."

struct cg_rules {
    char sd[4096];       /* the state directory, root applied */
    char file[4200];     /* this run's record in it */
    char tmp[4200];      /* the next one is written there (TMP<pid>) */
    int lock_fd;         /* -1 when not locked */
    bool made;           /* sd made (or found) by this run */
    long pid;
    unsigned long long start;
    char **line;         /* "<maj>:<min> <escaped dir>" */
    size_t n, cap;
    size_t written;      /* rules claimed, in all */
};

/* The start time of a live process pid (zombies are not alive): 1 and
 * *start, or 0. */
static int proc_start(long pid, unsigned long long *start)
{
    char path[64], b[1024];
    const char *p;
    ssize_t r;
    int fd;

    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return 0;
    r = read(fd, b, sizeof(b) - 1);
    close(fd);
    if (r <= 0)
        return 0;
    b[r] = '\0';
    if (!(p = strrchr(b, ')')) || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
        return 0;
    p += 2;
    for (int f = 3; f < 22; f++) /* to field 22, starttime */
        if (!(p = strchr(p, ' ')))
            return 0;
        else
            p++;
    return sscanf(p, "%llu", start) == 1;
}

/* "<maj>:<min> <dir>" with the bytes of dir that are blank, control,
 * non-ASCII or '%' as %XX. NULL on ENOMEM. */
static char *rule_line(const char *dir, unsigned maj, unsigned min)
{
    size_t n = strlen(dir) * 3 + 32, k;
    char *s = malloc(n);

    if (!s)
        return NULL;
    k = (size_t)snprintf(s, n, "%u:%u ", maj, min);
    for (const unsigned char *p = (const unsigned char *)dir; *p; p++)
        k += (size_t)snprintf(s + k, n - k,
                              *p <= ' ' || *p >= 0x7f || *p == '%' ? "%%%02X"
                                                                   : "%c",
                              *p);
    return s;
}

/* The directory of a rule line, decoded, into buf. 0, or -1. */
static int line_dir(const char *l, unsigned *maj, unsigned *min, char *buf,
                    size_t len)
{
    int off = 0;
    size_t k = 0;

    if (sscanf(l, "%u:%u %n", maj, min, &off) < 2 || !off)
        return -1;
    for (const char *p = l + off; *p && *p != '\n'; p++) {
        unsigned x;
        if (k + 1 >= len)
            return -1;
        if (*p == '%' && sscanf(p + 1, "%2x", &x) == 1) {
            buf[k++] = (char)x;
            p += 2;
        } else {
            buf[k++] = *p;
        }
    }
    buf[k] = '\0';
    return k ? 0 : -1;
}

/* The whole of path (a small file), malloc'd; NULL when unreadable. */
static char *slurp(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t cap = 4096, n = 0;
    char *b = NULL;
    ssize_t r;

    if (fd < 0)
        return NULL;
    for (;;) {
        char *nb = n + 1 >= cap || !b ? realloc(b, cap *= 2) : b;
        if (!nb)
            break;
        b = nb;
        if ((r = read(fd, b + n, cap - n - 1)) <= 0) {
            close(fd);
            if (r < 0)
                break;
            b[n] = '\0';
            return b;
        }
        n += (size_t)r;
    }
    close(fd);
    free(b);
    return NULL;
}

/* The pid of a record's text when it is well formed; alive says whether
 * that run still runs. -1 when malformed. */
static long record_pid(const char *text, bool *alive)
{
    long pid;
    unsigned long long st, now;

    if (strncmp(text, HEAD, strlen(HEAD)) != 0 ||
        sscanf(text + strlen(HEAD), "pid %ld %llu", &pid, &st) != 2 ||
        pid <= 0)
        return -1;
    *alive = proc_start(pid, &now) && now == st;
    return pid;
}

/* Whether the rule lines of text (after the two head lines) hold l. */
static bool text_lists(const char *text, const char *l)
{
    size_t n = strlen(l);
    const char *p = text;

    for (int i = 0; i < 2 && p; i++)
        if ((p = strchr(p, '\n')))
            p++;
    for (; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, l, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
            return true;
    return false;
}

typedef int (*record_fn)(cg_rules *r, const char *path, const char *text,
                         long pid, bool alive, void *arg);

/* Calls fn for every other run's record in the state directory; stops at
 * the first non-zero return and returns it. */
static int each_record(cg_rules *r, record_fn fn, void *arg)
{
    char path[8192];
    struct dirent *e;
    DIR *d = opendir(r->sd);
    int rc = 0;

    if (!d)
        return 0;
    while (!rc && (e = readdir(d))) {
        char *text;
        bool alive = false;
        long pid;
        /* ours is not read (it was, with /proc/self/stat, per rule) */
        if (strncmp(e->d_name, PREFIX, strlen(PREFIX)) != 0 ||
            strcmp(e->d_name, strrchr(r->file, '/') + 1) == 0 ||
            snprintf(path, sizeof(path), "%s/%s", r->sd, e->d_name) >=
                (int)sizeof(path) ||
            !(text = slurp(path)))
            continue;
        if ((pid = record_pid(text, &alive)) > 0 && pid != r->pid)
            rc = fn(r, path, text, pid, alive, arg);
        free(text);
    }
    closedir(d);
    return rc;
}

static int live_lists(cg_rules *r, const char *path, const char *text,
                      long pid, bool alive, void *arg)
{
    (void)r, (void)path, (void)pid;
    return alive && text_lists(text, arg);
}

static bool listed_by_line(cg_rules *r, const char *l)
{
    return each_record(r, live_lists, (void *)l) != 0;
}

bool cg_rules_listed(cg_rules *r, const char *dir, unsigned maj,
                     unsigned min)
{
    char *l = rule_line(dir, maj, min);
    bool yes = l && listed_by_line(r, l);

    free(l);
    return yes;
}

int cg_rules_remove(const char *dir, unsigned maj, unsigned min)
{
    char line[64], err[256];
    int a, b;

    snprintf(line, sizeof(line), "%u:%u 0\n", maj, min);
    a = cg_write(dir, "blkio.throttle.read_bps_device", line, err,
                 sizeof(err));
    b = cg_write(dir, "blkio.throttle.write_bps_device", line, err,
                 sizeof(err));
    return a < 0 || b < 0 ? -1 : 0;
}

/* A dead run's record: its rules that no live run lists are removed, the
 * record too, and one line says so. */
static int clean_dead(cg_rules *r, const char *path, const char *text,
                      long pid, bool alive, void *arg)
{
    size_t removed = 0, kept = 0, gone = 0;
    const char *p = text;
    char dir[4096];

    (void)arg;
    if (alive)
        return 0;
    for (int i = 0; i < 2 && p; i++)
        if ((p = strchr(p, '\n')))
            p++;
    for (; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *l = strndup(p, n);
        unsigned maj, min;
        if (!l || line_dir(l, &maj, &min, dir, sizeof(dir)) < 0) {
            free(l);
            continue;
        }
        if (listed_by_line(r, l))
            kept++;
        else if (cg_rules_remove(dir, maj, min) == 0)
            removed++;
        else
            gone++; /* with its cgroup */
        free(l);
    }
    unlink(path);
    /* and what it was writing its next record into (when it was killed
     * in between, or between its last two saves) */
    if (snprintf(dir, sizeof(dir), "%s/" TMP "%ld", r->sd, pid) <
        (int)sizeof(dir))
        unlink(dir);
    xg_say("removed %zu blkio throttle rule%s left by xengatherer pid %ld, "
           "which ended without removing them%s%s", removed,
           removed == 1 ? "" : "s", pid,
           kept ? " (others are still used by a running xengatherer)" : "",
           gone ? " (others went with their cgroup)" : "");
    return 0;
}

bool cg_rules_any(const cg_rules *r)
{
    struct stat st;

    return r->made || stat(r->sd, &st) == 0;
}

void cg_rules_lock(cg_rules *r)
{
    char path[4200], run[4096];

    if (r->lock_fd >= 0)
        return;
    snprintf(path, sizeof(path), "%s/lock", r->sd);
    for (int again = 0; again < 2 && r->lock_fd < 0; again++) {
        if (!r->made) { /* once per run, not per rule */
            if (xg_root_path(run, sizeof(run), "/run"))
                mkdir(run, 0755);
            r->made = mkdir(r->sd, 0700) == 0 || errno == EEXIST;
        }
        r->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (r->lock_fd < 0 && errno == ENOENT)
            r->made = false; /* removed meanwhile: made again */
    }
    if (r->lock_fd >= 0 && flock(r->lock_fd, LOCK_EX) < 0) {
        close(r->lock_fd);
        r->lock_fd = -1;
    }
}

void cg_rules_unlock(cg_rules *r)
{
    if (r->lock_fd >= 0)
        close(r->lock_fd); /* and the lock with it */
    r->lock_fd = -1;
}

cg_rules *cg_rules_open(void)
{
    cg_rules *r = calloc(1, sizeof(*r));
    struct stat st;

    if (!r)
        return NULL;
    r->lock_fd = -1;
    r->pid = (long)getpid();
    if (!proc_start(r->pid, &r->start) ||
        !xg_root_path(r->sd, sizeof(r->sd), "/run/xengatherer")) {
        free(r);
        return NULL;
    }
    snprintf(r->file, sizeof(r->file), "%s/" PREFIX "%ld", r->sd, r->pid);
    snprintf(r->tmp, sizeof(r->tmp), "%s/" TMP "%ld", r->sd, r->pid);
    if (stat(r->sd, &st) == 0) {
        cg_rules_lock(r);
        each_record(r, clean_dead, NULL);
        cg_rules_unlock(r);
    }
    return r;
}

/* Puts the record written to r->tmp in place of r->file in one step. Over
 * an existing record the two are exchanged, and the old one, now at
 * r->tmp, is written over by the next save: a rename over an existing
 * file makes ext4 (auto_da_alloc) write the new one out at once, and a
 * new temporary file each time costs an inode made and freed, per rule
 * claimed or given back (100 cgroups: ~40 ms of CPU at start and again at
 * the end on the development machine). The exchange is as atomic as the
 * rename; a file system without it gets the rename. 0, or -1 + errno. */
static int put_in_place(cg_rules *r)
{
    if (renameat2(AT_FDCWD, r->tmp, AT_FDCWD, r->file, RENAME_EXCHANGE) == 0)
        return 0;
    if (errno != ENOENT && errno != EINVAL)
        return -1;
    return rename(r->tmp, r->file);
}

/* The record's text: the head lines, then one line per rule. */
static int record_text(const cg_rules *r, xg_sb *t)
{
    xg_sb_printf(t, HEAD "pid %ld %llu\n", r->pid, r->start);
    for (size_t i = 0; i < r->n; i++)
        xg_sb_printf(t, "%s\n", r->line[i]);
    return t->oom ? -1 : 0;
}

/* Writes text whole into r->tmp from its start, cut to its length (never
 * to 0 first: ext4 would write the file out at close). 0, or -1 + errno. */
static int write_tmp(cg_rules *r, const xg_sb *t)
{
    int fd = open(r->tmp, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    ssize_t w;
    int e;

    if (fd < 0)
        return -1;
    w = pwrite(fd, t->s, t->len, 0);
    e = w < 0 ? errno : EIO;
    if (w != (ssize_t)t->len || ftruncate(fd, (off_t)t->len) < 0) {
        if (w == (ssize_t)t->len)
            e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return close(fd);
}

/* Writes this run's record anew (written aside, then put in place); with
 * no rule left, removes it. 0, or -1 + err. */
static int save(cg_rules *r, char *err, size_t errlen)
{
    xg_sb t = XG_SB_INIT;
    int rc;

    if (!r->n) {
        unlink(r->tmp);
        return unlink(r->file) == 0 || errno == ENOENT ? 0 : -1;
    }
    errno = 0;
    rc = record_text(r, &t) < 0 || write_tmp(r, &t) < 0 || put_in_place(r) < 0;
    xg_sb_free(&t);
    if (rc) {
        snprintf(err, errlen, "%s: %s", r->file, strerror(errno ? errno
                                                            : ENOMEM));
        unlink(r->tmp);
        return -1;
    }
    return 0;
}

int cg_rules_claim(cg_rules *r, const char *dir, unsigned maj, unsigned min,
                   char *err, size_t errlen)
{
    char *l = rule_line(dir, maj, min);

    if (!l || (r->n == r->cap &&
               !(r->line = realloc(r->line, (r->cap = r->cap * 2 + 8) *
                                                sizeof(*r->line))))) {
        free(l);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    r->line[r->n++] = l;
    if (save(r, err, errlen) < 0) {
        free(r->line[--r->n]);
        return -1;
    }
    r->written++;
    return 0;
}

int cg_rules_drop(cg_rules *r, const char *dir, unsigned maj, unsigned min)
{
    char *l = rule_line(dir, maj, min), err[256];
    int rc = 0;

    if (!l)
        return -1;
    cg_rules_lock(r);
    if (!listed_by_line(r, l))
        rc = cg_rules_remove(dir, maj, min);
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->line[i], l) == 0) {
            free(r->line[i]);
            r->line[i] = r->line[--r->n];
            save(r, err, sizeof(err));
            break;
        }
    cg_rules_unlock(r);
    free(l);
    return rc;
}

size_t cg_rules_written(const cg_rules *r)
{
    return r ? r->written : 0;
}

void cg_rules_close(cg_rules *r)
{
    char dir[4096];
    unsigned maj, min;

    if (!r)
        return;
    cg_rules_unlock(r);
    while (r->n) { /* rules of domains never released: give them back */
        size_t before = r->n;
        if (line_dir(r->line[r->n - 1], &maj, &min, dir, sizeof(dir)) == 0)
            cg_rules_drop(r, dir, maj, min);
        if (r->n == before)
            free(r->line[--r->n]);
    }
    unlink(r->file);
    unlink(r->tmp);
    free(r->line);
    free(r);
}

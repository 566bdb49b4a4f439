/* qemu_proc.c — the qemu platform's /proc side: finding qemu-system-*
 * processes under the root, and parsing their cmdline (-name, -uuid, the
 * QMP socket, -smp), stat, schedstat, io and thread names. The parsers
 * allocate nothing; the scan (set-up time only) does. */
#include "platform/host.h"
#include "platform/qemu/qemu_proc.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/root.h"

#define QP_MAXDEV 32 /* -chardev / -mon options looked at */

bool qp_is_qemu(const char *argv0)
{
    const char *b = strrchr(argv0, '/');

    b = b ? b + 1 : argv0;
    return (strncmp(b, "qemu-system-", 12) == 0 && b[12]) ||
           strcmp(b, "qemu-kvm") == 0;
}

/* Cuts s (n bytes) so it does not end inside a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t n)
{
    size_t i = n, need;
    unsigned char c;

    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80 && n - i < 3)
        i--;
    if (i == 0)
        return n;
    c = (unsigned char)s[i - 1];
    if (c < 0xC0)
        return n; /* ASCII (or stray continuation bytes): leave it */
    need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    return n - (i - 1) >= need ? n : i - 1;
}

/* The next comma-separated field of a QEMU option string at *p (",," is a
 * comma) into buf, cut to fit; false at the end. */
static bool opt_next(const char **p, char *buf, size_t len)
{
    const char *s = *p;
    size_t n = 0;
    bool cut = false;

    if (!s)
        return false;
    for (; *s; s++) {
        if (*s == ',') {
            if (s[1] != ',')
                break;
            s++;
        }
        if (n + 1 < len)
            buf[n++] = *s;
        else
            cut = true;
    }
    if (cut)
        n = utf8_cut(buf, n);
    buf[n] = '\0';
    *p = *s ? s + 1 : NULL;
    return true;
}

/* src into buf, cut between UTF-8 characters when it does not fit: 1
 * whole, 2 cut. */
static int copy_cut(char *buf, size_t len, const char *src)
{
    size_t n = strlen(src);
    int rc = n >= len ? 2 : 1;

    if (n >= len)
        n = utf8_cut(src, len - 1);
    memcpy(buf, src, n);
    buf[n] = '\0';
    return rc;
}

/* The value of key=VALUE among the fields of opts (the first field too, or
 * only the first when key is NULL and it has no '='): 0 none, 1 whole, 2
 * cut to fit len (a field past f's 4351 bytes is cut too, and longer than
 * any buf here). */
static int opt_get(const char *opts, const char *key, char *buf, size_t len)
{
    char f[4352] = ""; /* zeroed for clang-analyzer (set-up time only) */
    size_t kl = key ? strlen(key) : 0;
    bool first = true;

    for (const char *p = opts; opt_next(&p, f, sizeof(f)); first = false) {
        if (!key) {
            if (first && !strchr(f, '='))
                return copy_cut(buf, len, f);
            return 0;
        }
        if (strncmp(f, key, kl) == 0 && f[kl] == '=')
            return copy_cut(buf, len, f + kl + 1);
    }
    return 0;
}

/* A name cut to fit buf (len bytes) ends in "..." to show it. */
static void mark_cut(char *buf, size_t len)
{
    size_t n = strlen(buf);

    n = utf8_cut(buf, n > len - 4 ? len - 4 : n);
    memcpy(buf + n, "...", 4);
}

static bool is_on(const char *v)
{
    return !strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true") ||
           !strcmp(v, "y");
}

/* Whether opts has the boolean key on ("key" alone or key=on). */
static bool opt_flag(const char *opts, const char *key)
{
    char f[4352] = ""; /* zeroed for clang-analyzer (set-up time only) */

    for (const char *p = opts; opt_next(&p, f, sizeof(f));)
        if (!strcmp(f, key))
            return true;
    return opt_get(opts, key, f, sizeof(f)) == 1 && is_on(f);
}

/* -qmp / -qmp-pretty "unix:PATH,server=on,wait=off": the path. */
static bool qmp_unix(const char *v, char *path, size_t len)
{
    char f[4352] = ""; /* zeroed for clang-analyzer (set-up time only) */
    const char *p = v;

    if (strncmp(v, "unix:", 5) != 0 || !opt_flag(v, "server") ||
        !opt_next(&p, f, sizeof(f)) || !f[5])
        return false;
    if (strncmp(f + 5, "path=", 5) == 0)
        return f[10] && snprintf(path, len, "%s", f + 10) < (int)len;
    return snprintf(path, len, "%s", f + 5) < (int)len;
}

/* The socket path of -chardev socket,id=ID,path=PATH,server... */
static bool chardev_path(const char *const *dev, int n, const char *id,
                         char *path, size_t len)
{
    char f[4352] = ""; /* zeroed for clang-analyzer (set-up time only) */

    for (int i = 0; i < n; i++) {
        const char *p = dev[i];
        if (!opt_next(&p, f, sizeof(f)) || strcmp(f, "socket") != 0 ||
            opt_get(dev[i], "id", f, sizeof(f)) != 1 || strcmp(f, id) != 0 ||
            !opt_flag(dev[i], "server"))
            continue;
        return opt_get(dev[i], "path", path, len) == 1 && *path; /* whole */
    }
    return false;
}

/* -smp "N", "cpus=N,...", or the topology product. */
static int parse_smp(const char *v)
{
    static const char *const topo[] = {"sockets", "dies", "clusters",
                                       "cores", "threads"};
    char f[64];
    uint64_t n, prod = 1;
    bool any = false;

    if ((opt_get(v, NULL, f, sizeof(f)) || opt_get(v, "cpus", f, sizeof(f)))
        && xg_parse_u64(f, &n) && n <= 4096)
        return (int)n;
    for (size_t i = 0; i < sizeof(topo) / sizeof(topo[0]); i++)
        if (opt_get(v, topo[i], f, sizeof(f)) && xg_parse_u64(f, &n) &&
            n <= 4096) {
            prod *= n;
            any = true;
        }
    return any && prod <= 4096 ? (int)prod : 0;
}

int qp_parse_cmdline(const char *buf, size_t len, qp_cmd *out)
{
    const char *dev[QP_MAXDEV], *mon[QP_MAXDEV];
    const char *end = buf + len, *a, *v;
    int ndev = 0, nmon = 0;
    char f[256];

    memset(out, 0, sizeof(*out));
    if (!len || !qp_is_qemu(buf))
        return -1;
    for (a = buf + strnlen(buf, len) + 1; a < end; a = v) {
        const char *o = a;
        size_t al = strnlen(a, (size_t)(end - a));
        v = a + al + 1;
        if (v >= end || *o != '-')
            continue; /* an option's value, or the last word */
        o += o[1] == '-' ? 2 : 1;
        if (strnlen(v, (size_t)(end - v)) == (size_t)(end - v))
            break; /* unterminated value: the buffer was cut */
        if (!strcmp(o, "name")) {
            int r = opt_get(v, "guest", out->name, sizeof(out->name));
            if (!r)
                r = opt_get(v, NULL, out->name, sizeof(out->name));
            if (r == 2) /* a label: shown cut, and said so */
                mark_cut(out->name, sizeof(out->name));
        } else if (!strcmp(o, "uuid")) {
            /* QEMU takes only a 36-byte UUID: it fits */
            snprintf(out->uuid, sizeof(out->uuid), "%s", v);
        } else if (!strcmp(o, "qmp") || !strcmp(o, "qmp-pretty")) {
            if (!*out->qmp && !qmp_unix(v, out->qmp, sizeof(out->qmp)))
                out->qmp[0] = '\0';
        } else if (!strcmp(o, "chardev")) {
            if (ndev < QP_MAXDEV)
                dev[ndev++] = v;
        } else if (!strcmp(o, "mon")) {
            if (nmon < QP_MAXDEV)
                mon[nmon++] = v;
        } else if (!strcmp(o, "smp")) {
            out->smp = parse_smp(v);
        } else {
            continue;
        }
        v += strlen(v) + 1; /* the value was taken */
    }
    for (int i = 0; i < nmon && !*out->qmp; i++) {
        int r;
        if (!opt_get(mon[i], "mode", f, sizeof(f)) || strcmp(f, "control"))
            continue;
        if (!(r = opt_get(mon[i], "chardev", f, sizeof(f))))
            r = opt_get(mon[i], NULL, f, sizeof(f));
        if (r != 1) /* none, or an id cut: another chardev's, maybe */
            continue;
        if (!chardev_path(dev, ndev, f, out->qmp, sizeof(out->qmp)))
            out->qmp[0] = '\0';
    }
    return 0;
}

/* The n-th blank-separated word after p (0 = the first), or NULL. */
static const char *word(const char *p, int n)
{
    for (;;) {
        while (*p == ' ')
            p++;
        if (!*p || *p == '\n')
            return NULL;
        if (n-- == 0)
            return p;
        while (*p && *p != ' ' && *p != '\n')
            p++;
    }
}

int qp_parse_stat(const char *text, qp_stat *out)
{
    const char *p = strrchr(text, ')'), *w;

    if (!p || !(w = word(p + 1, 0)))
        return -1;
    out->state = *w; /* field 3; fields 14, 15 and 22 follow */
    if (!(w = word(w, 14 - 3)) || !xg_parse_u64(w, &out->utime) ||
        !(w = word(w, 1)) || !xg_parse_u64(w, &out->stime) ||
        !(w = word(w, 22 - 15)) || !xg_parse_u64(w, &out->starttime))
        return -1;
    return 0;
}

int qp_parse_schedstat(const char *text, uint64_t *run_ns, uint64_t *wait_ns)
{
    const char *p = xg_parse_u64(text, run_ns);

    return p && xg_parse_u64(p, wait_ns) ? 0 : -1;
}

int qp_vcpu_index(const char *comm)
{
    uint64_t n;
    const char *p;

    if (strncmp(comm, "CPU ", 4) != 0 || !(p = xg_parse_u64(comm + 4, &n)) ||
        p == comm + 4 || *p != '/' || n > 4095)
        return -1;
    return (int)n;
}

int qp_parse_io(const char *text, uint64_t *rd, uint64_t *wr)
{
    return xg_kv_u64(text, "read_bytes:", rd) == 0 &&
                   xg_kv_u64(text, "write_bytes:", wr) == 0
               ? 0
               : -1;
}

int qp_key(const qp_cmd *c, pid_t pid, uint64_t starttime, char *buf,
           size_t len)
{
    int n = *c->uuid
                ? snprintf(buf, len, QP_KEY "%s", c->uuid)
            : *c->name
                ? snprintf(buf, len, QP_KEY "%s:%llu", c->name,
                           (unsigned long long)starttime)
                : snprintf(buf, len, QP_KEY "%ld:%llu", (long)pid,
                           (unsigned long long)starttime);
    return n >= 0 && (size_t)n < len ? 0 : -1;
}

int qp_count_vcpus(pid_t pid)
{
    char path[64], comm[64], dir[4096];
    struct dirent *e;
    DIR *dp;
    int n = 0;

    snprintf(path, sizeof(path), "/proc/%ld/task", (long)pid);
    if (!xg_root_path(dir, sizeof(dir), path) || !(dp = opendir(dir)))
        return 0;
    while ((e = readdir(dp))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "/proc/%ld/task/%.20s/comm", (long)pid,
                 e->d_name);
        if (xg_read_text(path, comm, sizeof(comm)) > 0 &&
            qp_vcpu_index(comm) >= 0)
            n++;
    }
    closedir(dp);
    return n;
}

int qp_read_proc(pid_t pid, char *buf, size_t cap, qp_found *out)
{
    char path[64], st[1024];
    ssize_t r;
    qp_stat s;

    snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)pid);
    if ((r = xg_read_text(path, buf, cap)) <= 0 ||
        qp_parse_cmdline(buf, (size_t)r, &out->cmd) < 0)
        return -1;
    snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
    if (xg_read_text(path, st, sizeof(st)) <= 0 || qp_parse_stat(st, &s) < 0 ||
        s.state == 'Z' || s.state == 'X')
        return -1;
    out->pid = pid;
    out->starttime = s.starttime;
    out->vcpus = qp_count_vcpus(pid);
    if (!out->vcpus)
        out->vcpus = out->cmd.smp;
    return 0;
}

static int cmp_pid(const void *a, const void *b)
{
    pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

    return (x > y) - (x < y);
}

/* The numeric entries of <root>/proc, sorted (malloc'd). -1 + errno. */
static int list_pids(pid_t **out, size_t *n)
{
    char dir[4096];
    struct dirent *e;
    size_t cap = 0;
    uint64_t v;
    DIR *dp;

    *out = NULL;
    *n = 0;
    if (!xg_root_path(dir, sizeof(dir), "/proc") || !(dp = opendir(dir)))
        return -1;
    while ((e = readdir(dp))) {
        const char *q = xg_parse_u64(e->d_name, &v);
        if (!q || *q || e->d_name[0] == ' ' || v == 0 || v > 0x7fffffff)
            continue;
        if (*n == cap) {
            pid_t *nv = realloc(*out, (cap = cap ? cap * 2 : 256) *
                                          sizeof(*nv));
            if (!nv) {
                closedir(dp);
                free(*out);
                *out = NULL;
                errno = ENOMEM;
                return -1;
            }
            *out = nv;
        }
        (*out)[(*n)++] = (pid_t)v;
    }
    closedir(dp);
    if (*n > 1)
        qsort(*out, *n, sizeof(**out), cmp_pid);
    return 0;
}

int qp_scan(int (*cb)(void *arg, const qp_found *f), void *arg)
{
    const size_t cap = 256 * 1024; /* libvirt's command lines are long */
    char *buf = malloc(cap);
    qp_found *f = malloc(sizeof(*f));
    pid_t *pids = NULL;
    size_t n = 0;
    int rc = -1;

    if (!buf || !f) {
        errno = ENOMEM;
        goto out;
    }
    if (list_pids(&pids, &n) < 0)
        goto out;
    rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        if (qp_read_proc(pids[i], buf, cap, f) == 0)
            rc = cb(arg, f);
out:
    free(pids);
    free(f);
    free(buf);
    return rc;
}

bool qp_any(void)
{
    char path[64], buf[4096];
    pid_t *pids;
    size_t n;
    bool any = false;

    if (list_pids(&pids, &n) < 0)
        return false;
    for (size_t i = 0; i < n && !any; i++) {
        snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)pids[i]);
        any = xg_read_text(path, buf, sizeof(buf)) > 0 && qp_is_qemu(buf);
    }
    free(pids);
    return any;
}

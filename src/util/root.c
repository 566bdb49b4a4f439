/* root.c — the configurable root for /proc and /sys, and the small
 * allocation-free readers the samplers use on held descriptors. */
#include "util/root.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The root, whole (never cut: a root too long for a path makes every
 * path NULL, so opens fail with ENAMETOOLONG naming it); "" = the real one.
 * g_nomem: the copy could not be made, and every path is refused. */
static char *g_root;
static bool g_nomem;

void xg_root_set(const char *dir)
{
    size_t n = dir ? strlen(dir) : 0;

    free(g_root);
    g_root = NULL;
    g_nomem = false;
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (n == 1 && dir[0] == '/')
        n = 0; /* "/" is the real root */
    if (n && !(g_root = strndup(dir, n)))
        g_nomem = true;
}

const char *xg_root_get(void)
{
    return g_nomem ? "(--root: out of memory)" : g_root ? g_root : "";
}

char *xg_root_path(char *buf, size_t len, const char *path)
{
    int n = snprintf(buf, len, "%s%s", g_root ? g_root : "", path);

    if (g_nomem || n < 0 || (size_t)n >= len)
        return NULL;
    return buf;
}

int xg_root_open(const char *path, int flags)
{
    char p[4096];

    if (!xg_root_path(p, sizeof(p), path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return open(p, flags | O_CLOEXEC);
}

ssize_t xg_pread_text(int fd, char *buf, size_t cap)
{
    size_t got = 0;

    if (cap == 0) {
        errno = EINVAL;
        return -1;
    }
    while (got < cap - 1) {
        ssize_t r = pread(fd, buf + got, cap - 1 - got, (off_t)got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0)
            break;
        got += (size_t)r;
        /* A short read is the end: regular files, and /proc, /sys and
         * cgroup files (seq_file fills the buffer until the end), so small
         * files cost one system call, not two. */
        if ((size_t)r < cap - 1 - (got - (size_t)r))
            break;
    }
    buf[got] = '\0';
    return (ssize_t)got;
}

ssize_t xg_read_text(const char *path, char *buf, size_t cap)
{
    int fd = xg_root_open(path, O_RDONLY);
    ssize_t r;
    int e;

    if (fd < 0)
        return -1;
    r = xg_pread_text(fd, buf, cap);
    e = errno;
    close(fd);
    errno = e;
    return r;
}

const char *xg_parse_u64(const char *p, uint64_t *out)
{
    uint64_t v = 0;

    if (!p)
        return NULL;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p < '0' || *p > '9')
        return NULL;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return NULL;
        v = v * 10 + d;
    }
    *out = v;
    return p;
}

int xg_kv_u64(const char *text, const char *key, uint64_t *out)
{
    size_t klen = strlen(key);
    const char *p = text;

    while (p && *p) {
        if (strncmp(p, key, klen) == 0 && (p[klen] == ' ' || p[klen] == '\t'))
            return xg_parse_u64(p + klen, out) ? 0 : -1;
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return -1;
}

int xg_kv_eq_u64(const char *line, const char *key, uint64_t *out)
{
    size_t klen = strlen(key);
    const char *p = line;

    while (*p && *p != '\n') {
        /* a word starts at the line start or after a blank */
        if ((p == line || p[-1] == ' ' || p[-1] == '\t') &&
            strncmp(p, key, klen) == 0 && p[klen] == '=')
            return xg_parse_u64(p + klen + 1, out) ? 0 : -1;
        p++;
    }
    return -1;
}

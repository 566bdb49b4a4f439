/* netdev.c — /proc/net/dev parsing and the held-descriptor reader (see
 * netdev.h). The parser allocates nothing and uses no stdio. */
#include "platform/netdev.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/root.h"

#define NETDEV_MAXBUF (16u << 20)

int xg_netdev_parse_line(const char *line, xg_netdev *out)
{
    uint64_t v[16];
    const char *p = line, *name;
    size_t len;

    while (*p == ' ' || *p == '\t')
        p++;
    name = p;
    /* a name has no blank, ':' or '/' (dev_valid_name); the headers have
     * '|' and no ':' before it */
    while (*p && *p != ':' && *p != ' ' && *p != '\t' && *p != '\n' &&
           *p != '|' && *p != '/')
        p++;
    len = (size_t)(p - name);
    if (*p != ':' || len == 0 || len >= sizeof(out->name))
        return -1;
    p++;
    /* old kernels print "%6s:%8llu": the first number may touch the ':' */
    for (int i = 0; i < 16; i++)
        if (!(p = xg_parse_u64(p, &v[i])))
            return -1;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p && *p != '\n')
        return -1;
    memcpy(out->name, name, len);
    out->name[len] = '\0';
    out->rx_bytes = v[0];
    out->rx_packets = v[1];
    out->rx_errs = v[2];
    out->rx_drop = v[3];
    out->tx_bytes = v[8];
    out->tx_packets = v[9];
    out->tx_errs = v[10];
    out->tx_drop = v[11];
    return 0;
}

static size_t each(const char *text, const char *source, bool from_zero,
                   xg_net_cb cb, void *arg)
{
    size_t n = 0;

    for (const char *p = text; p && *p;) {
        xg_netdev d;
        const char *nl = strchr(p, '\n');
        if (xg_netdev_parse_line(p, &d) == 0 && strcmp(d.name, "lo") != 0) {
            xg_net_counters c = {
                .device = d.name, .source = source,
                .rx_bytes = d.rx_bytes, .tx_bytes = d.tx_bytes,
                .rx_packets = d.rx_packets, .tx_packets = d.tx_packets,
                .have_drops = true, .have_errors = true,
                .rx_drops = d.rx_drop, .tx_drops = d.tx_drop,
                .rx_errors = d.rx_errs, .tx_errors = d.tx_errs,
                .from_zero = from_zero,
            };
            cb(arg, &c);
            n++;
        }
        p = nl ? nl + 1 : NULL;
    }
    return n;
}

size_t xg_netdev_each(const char *text, const char *source, xg_net_cb cb,
                      void *arg)
{
    return each(text, source, false, cb, arg);
}

/* The whole file into f->buf; the buffer doubles while the file fills it
 * (up to NETDEV_MAXBUF). Bytes read, or -1. A file that did not fit sets
 * f->cut. */
static ssize_t read_all(xg_netdev_file *f)
{
    for (;;) {
        ssize_t r = xg_pread_text(f->fd, f->buf, f->cap);
        if (r < 0 || (size_t)r < f->cap - 1)
            return r;
        char *nb = f->cap < NETDEV_MAXBUF ? realloc(f->buf, f->cap * 2)
                                          : NULL;
        if (!nb) {
            f->cut = true;
            return r; /* keep what fits */
        }
        f->buf = nb;
        f->cap *= 2;
    }
}

int xg_netdev_open(xg_netdev_file *f, const char *path)
{
    ssize_t r;
    int e;

    f->buf = NULL;
    f->cap = 16 * 1024;
    f->whole = 0;
    f->cut = false;
    if ((f->fd = xg_root_open(path, O_RDONLY)) < 0)
        return -1;
    if (!(f->buf = malloc(f->cap))) {
        errno = ENOMEM;
        goto fail;
    }
    if ((r = read_all(f)) < 0)
        goto fail;
    /* room to grow: the samples should never need to allocate */
    if ((size_t)r * 2 > f->cap && f->cap < NETDEV_MAXBUF) {
        char *nb = realloc(f->buf, f->cap * 2);
        if (nb) {
            f->buf = nb;
            f->cap *= 2;
        }
    }
    return 0;
fail:
    e = errno;
    xg_netdev_close(f);
    errno = e;
    return -1;
}

int xg_netdev_read(xg_netdev_file *f, const char *source, xg_net_cb cb,
                   void *arg)
{
    if (f->fd < 0 || !f->buf) {
        errno = EBADF;
        return -1;
    }
    bool from_zero = f->whole > 0 && !f->cut;
    if (read_all(f) < 0)
        return -1;
    if (!f->cut && f->whole < UINT_MAX)
        f->whole++;
    return (int)each(f->buf, source, from_zero && !f->cut, cb, arg);
}

void xg_netdev_close(xg_netdev_file *f)
{
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
    free(f->buf);
    f->buf = NULL;
    f->cap = 0;
}

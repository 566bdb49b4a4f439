/* netdev.h — /proc/net/dev: the parser of its lines, and a reader on a held
 * descriptor that hands each interface but lo to an xg_net_cb (the host
 * row's /proc/net/dev, a container's namespace through /proc/PID/net/dev).
 * Such a file is already the view of the namespace it belongs to: nothing
 * is swapped. */
#ifndef XG_NETDEV_H
#define XG_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/platform.h"

/* One interface line: "  eth0: rx bytes packets errs drop fifo frame
 * compressed multicast tx bytes packets errs drop fifo colls carrier
 * compressed" (16 numbers). */
typedef struct xg_netdev {
    char name[32];
    uint64_t rx_bytes, rx_packets, rx_errs, rx_drop;
    uint64_t tx_bytes, tx_packets, tx_errs, tx_drop;
} xg_netdev;

/* Parses one line (up to '\n' or NUL). 0, or -1 for the two header lines
 * and anything else that is not an interface line. */
int xg_netdev_parse_line(const char *line, xg_netdev *out);
/* Calls cb (source as given) for every interface line of text except the
 * loopback "lo". Returns how many it called cb for. */
size_t xg_netdev_each(const char *text, const char *source, xg_net_cb cb,
                      void *arg);

/* A /proc/net/dev held open with a buffer that fits it. */
typedef struct xg_netdev_file {
    int fd;
    char *buf;
    size_t cap;
    unsigned whole;     /* xg_netdev_read's reads of the whole file */
    bool cut;           /* a read did not fit (lines may have been missed) */
} xg_netdev_file;

/* Opens root + path (e.g. "/proc/net/dev", "/proc/4242/net/dev") and sizes
 * the buffer to twice the file. 0, or -1 with errno (f->fd = -1). */
int xg_netdev_open(xg_netdev_file *f, const char *path);
/* Reads the file (allocating only when it outgrew the buffer) and calls cb
 * as xg_netdev_each. Interfaces seen, or -1 with errno. An interface is
 * marked from_zero when the file was read whole before (here, not by
 * xg_netdev_open) and never cut: a line that was not there then is an
 * interface made since in that namespace (a veth, tap or vif), which
 * starts at 0. One moved in from another namespace keeps its counts. */
int xg_netdev_read(xg_netdev_file *f, const char *source, xg_net_cb cb,
                   void *arg);
void xg_netdev_close(xg_netdev_file *f);

#endif

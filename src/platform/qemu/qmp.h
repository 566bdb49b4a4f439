/* qmp.h — a minimal QEMU Machine Protocol client for the qemu platform:
 * connect to a monitor's unix socket, negotiate capabilities, and ask
 * query-blockstats once per sample. Every wait is bounded by a timeout. */
#ifndef XG_QMP_H
#define XG_QMP_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

typedef struct xg_qmp xg_qmp;

/* One block device's cumulative counters from query-blockstats. device is
 * valid during the callback only. */
typedef struct xg_qmp_blk {
    const char *device;
    uint64_t rd_bytes, wr_bytes, rd_ops, wr_ops, rd_time_ns, wr_time_ns;
} xg_qmp_blk;

typedef void (*xg_qmp_blk_cb)(void *arg, const xg_qmp_blk *b);

/* Connects to the unix socket at path (a non-blocking connect given
 * timeout_ms), then as xg_qmp_start. NULL + err on failure. */
xg_qmp *xg_qmp_connect(const char *path, int timeout_ms, char *err,
                       size_t errlen);
/* Takes over a connected stream socket: reads the greeting and sends
 * qmp_capabilities, each read and write bounded by timeout_ms. NULL + err
 * on failure (fd is closed then). */
xg_qmp *xg_qmp_start(int fd, int timeout_ms, char *err, size_t errlen);
/* One query-blockstats: cb once per device. 0; -1 when the socket failed,
 * timed out or answered an error or something that is not QMP (nothing is
 * passed to cb then); the connection is of no more use: close it. */
int xg_qmp_blockstats(xg_qmp *q, xg_qmp_blk_cb cb, void *arg);
void xg_qmp_close(xg_qmp *q);
/* query-version into buf: "QEMU 7.2.0 (Debian 1:7.2+dfsg-7)" (the package
 * when not empty). 0; -1 as xg_qmp_blockstats, or when it does not fit. */
int xg_qmp_version(xg_qmp *q, char *buf, size_t len);
/* The same of a query-version reply. 0, or -1 when it is not one. */
int xg_qmp_parse_version(const json_t *reply, char *buf, size_t len);
/* query-memory-size-summary: the guest's base memory plus any plugged,
 * in bytes. 0; -1 as xg_qmp_blockstats (QEMU before 2.11 lacks it). */
int xg_qmp_memory(xg_qmp *q, uint64_t *bytes);

/* The devices of a query-blockstats reply ({"return": [...]}): entries with
 * a "device" (or else a "qdev") name and "stats". 0, or -1 when reply is
 * not such an object. */
int xg_qmp_parse_blockstats(const json_t *reply, xg_qmp_blk_cb cb,
                            void *arg);
/* The device name of one entry into buf: "device" when not empty, else the
 * id in "qdev" ("/machine/peripheral/ID/virtio-backend" gives ID), else
 * NULL; NULL too when it does not fit in len (never cut). */
const char *xg_qmp_dev_name(const json_t *entry, char *buf, size_t len);

#endif

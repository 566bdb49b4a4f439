/* xen_libxl.h — Xen's cache monitoring (Intel CMT occupancy, MBM memory
 * bandwidth) through libxenlight, for the xen backend (xen_stat.c). Built
 * only when pkg-config finds xenlight. */
#ifndef XG_XEN_LIBXL_H
#define XG_XEN_LIBXL_H

#include <stddef.h>
#include <stdint.h>

typedef struct xg_xl xg_xl;

/* Opens libxl and asks what the hypervisor monitors: XG_CMT_* kinds, or 0
 * + why. *xl is set whenever libxl could be opened (free with xg_xl_close). */
unsigned xg_xl_cmt_open(xg_xl **xl, char *why, size_t len);
/* 1 when this call attached domid, 0 when it was already monitored, -1 +
 * why. */
int xg_xl_cmt_attach(xg_xl *xl, unsigned domid, char *why, size_t len);
void xg_xl_cmt_detach(xg_xl *xl, unsigned domid);
/* One XG_CMT_* figure of domid in bytes, summed over the sockets. 0 or -1. */
int xg_xl_cmt_read(xg_xl *xl, unsigned domid, unsigned kind, uint64_t *out);
void xg_xl_close(xg_xl *xl);

#endif

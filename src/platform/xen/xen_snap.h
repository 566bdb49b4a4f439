/* xen_snap.h — private to the xen platform: one snapshot of every domain's
 * counters (what libxenstat + libxenctrl give in one go), the small backend
 * interface that takes it (the real one in xen_stat.c, canned ones in the
 * unit tests), and the platform functions built on it (xen.c). */
#ifndef XG_XEN_SNAP_H
#define XG_XEN_SNAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/platform.h"

typedef struct xg_xen_vbd {
    unsigned dev;          /* the VBD's virtual device number (51712 = xvda) */
    uint64_t rd_reqs, wr_reqs, rd_sects, wr_sects, oo_reqs; /* 512 B sectors */
} xg_xen_vbd;

/* One vif as dom0's backend vifD.N counts it (libxenstat reads dom0's
 * /proc/net/dev: its rbytes are what the guest sent). xg_xen_net_read
 * swaps it into the guest's view. */
typedef struct xg_xen_net {
    unsigned id;           /* vif N */
    uint64_t rx_bytes, rx_pkts, tx_bytes, tx_pkts;
    uint64_t rx_errs, rx_drop, tx_errs, tx_drop;
    bool from_zero;        /* dom0's /proc/net/dev was read whole before:
                            * a vif new to the reader was made since */
} xg_xen_net;

typedef struct xg_xen_vcpu {
    uint64_t ns;           /* cpu time used */
    bool online;
} xg_xen_vcpu;

/* A domain's name is a xenstore value, at most XENSTORE_PAYLOAD_MAX (4096)
 * bytes by the protocol: the fields hold any. */
#define XG_XEN_NAME_MAX 4096

typedef struct xg_xen_dom {
    unsigned domid;
    char name[XG_XEN_NAME_MAX + 1];
    char uuid[40];         /* "" when unknown */
    bool dying;            /* being destroyed: not a running domain */
    uint64_t cpu_ns;
    size_t vcpu0, n_vcpu;  /* slice of xg_xen_snap.vcpu */
    size_t vbd0, n_vbd;    /* slice of xg_xen_snap.vbd */
    size_t net0, n_net;    /* slice of xg_xen_snap.net */
} xg_xen_dom;

/* Flat, grow-only arrays: after the first samples, taking a snapshot
 * allocates nothing here. */
typedef struct xg_xen_snap {
    xg_xen_dom *dom;   size_t n_dom, cap_dom;
    xg_xen_vcpu *vcpu; size_t n_vcpu, cap_vcpu;
    xg_xen_vbd *vbd;   size_t n_vbd, cap_vbd;
    xg_xen_net *net;   size_t n_net, cap_net;
} xg_xen_snap;

/* Appends an empty domain / vCPU / VBD / vif to the snapshot (the slices of
 * the last domain grow). NULL on ENOMEM. */
xg_xen_dom *xg_xen_snap_dom(xg_xen_snap *s);
xg_xen_vcpu *xg_xen_snap_vcpu(xg_xen_snap *s);
xg_xen_vbd *xg_xen_snap_vbd(xg_xen_snap *s);
xg_xen_net *xg_xen_snap_net(xg_xen_snap *s);
void xg_xen_snap_free(xg_xen_snap *s);

/* Where snapshots come from. */
typedef struct xg_xen_backend {
    /* Opens the handles; NULL + a one-line err (what, how to fix). */
    void *(*open)(char *err, size_t errlen);
    /* Empties s (n_* = 0) and refills it with every domain. 0, or -1. */
    int (*snapshot)(void *h, xg_xen_snap *s);
    void (*close)(void *h);
    /* CLOCK_MONOTONIC ns; NULL = the real clock (tests pass their own). */
    int64_t (*now_ns)(void);
    /* Optional: the domids running now (one cheap hypercall), n of them
     * into ids (at most cap), or -1; lets the platform skip listing domains
     * in full when none came or went. */
    int (*domids)(void *h, unsigned *ids, size_t cap);
    /* Optional, cache monitoring (Xen CMT/MBM; xen_cmt.c over libxl).
     * cmt_open: the XG_CMT_* kinds the hypervisor monitors, or 0 + why
     * (one line: what is missing and how to get it). */
    unsigned (*cmt_open)(void *h, char *why, size_t len);
    /* Starts monitoring domid: 1 when this call attached it, 0 when it was
     * already monitored, -1 + why. */
    int (*cmt_attach)(void *h, unsigned domid, char *why, size_t len);
    void (*cmt_detach)(void *h, unsigned domid);
    /* One XG_CMT_* figure of domid summed over sockets. 0, or -1. */
    int (*cmt_read)(void *h, unsigned domid, unsigned kind, uint64_t *out);
    /* Optional: the hypervisor's version ("Xen 4.17.0") into buf. 0, or
     * -1. */
    int (*version)(void *h, char *buf, size_t len);
    /* Optional (domain_env): domid's memory in KiB, from its tot_pages
     * (what it holds now, the balloon's doing included; `xl list`'s Mem).
     * 0, or -1. */
    int (*memory)(void *h, unsigned domid, uint64_t *kib);
    /* Optional (domain_env): the hard CPU affinity of domid's vCPU vcpu
     * into map (len bytes; bit c of byte c / 8 = CPU c). How many CPUs the
     * map covers, or -1. */
    int (*vcpu_affinity)(void *h, unsigned domid, unsigned vcpu,
                         uint8_t *map, size_t len);
} xg_xen_backend;

/* The libxen backend (xen_stat.c) is built as the module xengatherer-xen.so
 * so that the binary links no libxen; xen_platform.c loads it when the xen
 * platform is opened (platform.c finds it). Its one exported function hands
 * out the backend: NULL + err (one line) when the module was built for
 * another xengatherer. root is --root (the module reads dom0's
 * /proc/net/dev through its own copy of util/root.c). */
#define XG_XEN_MODULE_ABI 3u
#define XG_XEN_MODULE_SYM "xg_xen_module"
typedef const xg_xen_backend *xg_xen_module_fn(unsigned abi,
                                               const char *version,
                                               const char *root, char *err,
                                               size_t errlen);
xg_xen_module_fn xg_xen_module;

/* The platform's state (xen.c), shared with xen_cmt.c. */
struct xg_platform {
    const xg_xen_backend *be;
    void *h;
    xg_xen_snap snap;
    bool have;            /* snap holds a snapshot */
    int64_t snap_ns;      /* when it was taken */
    int64_t max_age_ns;   /* retaken when older */
    unsigned long taken;  /* how many were taken */
    bool stale;           /* a sample began since snap was taken: it
                           * serves no reading of it (xg_xen_tick) */
    int cmt_state;        /* 0 not asked yet, 1 on, -1 off (cmt_why) */
    unsigned cmt_kinds;   /* XG_CMT_* the hypervisor monitors */
    char cmt_why[300];
    unsigned long cpu_dropped; /* readings of CPU time that went backwards */
    char note[200];
    char version[64];     /* the hypervisor's, when asked (xg_xen_version) */
};

/* What a prepared domain is matched by in each snapshot (its priv). */
typedef struct xen_dom {
    unsigned domid;
    char uuid[40];
    char name[XG_XEN_NAME_MAX + 1];
    bool cmt_attached;    /* this run started its cache monitoring */
    uint64_t last_cpu_ns; /* the last CPU time handed out */
} xen_dom;

/* The platform over a backend (xen.c); the ops of platform.h. */
xg_platform *xg_xen_open_with(const xg_xen_backend *be, const xg_options *o,
                              char *err, size_t errlen);
int xg_xen_discover(xg_platform *p, xg_pdomains *out, char *err,
                    size_t errlen);
int xg_xen_prepare(xg_platform *p, xg_pdomain *d, char *err, size_t errlen);
/* A domain's CPU time never goes backwards while it lives: a reading that
 * does (libxenstat once gave Domain-0 0 in a lab run) is left out (a gap,
 * not a counter reset) and counted for note(XG_FAM_CPU). */
int xg_xen_cpu_read(xg_platform *p, xg_pdomain *d, xg_cpu_counters *out);
const char *xg_xen_note(xg_platform *p, unsigned family);
/* platform.h's version: the backend's line ("Xen 4.17.0"), or NULL. */
const char *xg_xen_version(xg_platform *p);
/* platform.h's domain_env: the backend's memory, and the union of the
 * vCPUs' hard affinity as a CPU list. */
int xg_xen_domain_env(xg_platform *p, xg_pdomain *d, xg_domain_env *out);
int xg_xen_vcpu_read(xg_platform *p, xg_pdomain *d, xg_vcpu_cb cb, void *arg);
int xg_xen_disk_read(xg_platform *p, xg_pdomain *d, xg_disk_cb cb, void *arg);
/* The domain's vifs ("vifD.N", source "xenstat") in the guest's view
 * (xen_net.c). 0; -1 when gone. */
int xg_xen_net_read(xg_platform *p, xg_pdomain *d, xg_net_cb cb, void *arg);
void xg_xen_release(xg_platform *p, xg_pdomain *d);
/* false when the domids the hypervisor runs are those of the last
 * snapshot (then no domain came or went); true when they differ or nobody
 * can tell. */
bool xg_xen_changed(xg_platform *p);
int xg_xen_perf_target(xg_platform *p, xg_pdomain *d, xg_perf_target *out,
                       char *err, size_t errlen);
int xg_xen_cmt_start(xg_platform *p, xg_pdomain *d, char *why, size_t len);
int xg_xen_cmt_read(xg_platform *p, xg_pdomain *d, xg_cmt_counters *out);
/* The domain's entry in a fresh enough snapshot; NULL when it is gone (no
 * such domid, or the domid now belongs to another domain). */
const xg_xen_dom *xg_xen_find(xg_platform *p, const xg_pdomain *d);
/* Stops the cache monitoring this run started for x (release). */
void xg_xen_cmt_stop(xg_platform *p, xen_dom *x);
void xg_xen_close(xg_platform *p);
/* A sample begins, its timestamp taken: the snapshot in hand (taken to
 * list the domains, or by a collector's start) serves none of its
 * readings, so no interval covers more time than it is labelled with. */
void xg_xen_tick(xg_platform *p);
/* How many snapshots the platform has taken (for the tests). */
unsigned long xg_xen_snapshots(const xg_platform *p);
/* A VBD number as Linux names the disk in the guest ("xvda", "xvdb3",
 * "hda", "sdb"), else "vbdN". */
void xg_xen_vbd_name(unsigned dev, char *buf, size_t len);
/* Whether the text of /proc/xen/capabilities says this is dom0. */
bool xg_xen_caps_is_dom0(const char *text);

#endif

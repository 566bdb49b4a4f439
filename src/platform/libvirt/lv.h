/* lv.h — private to the libvirt platform: one snapshot of the domains'
 * statistics as libvirt gives them (virConnectGetAllDomainStats: a record
 * of typed parameters per domain, parsed into figures by lv_parse.c), the
 * small backend interface that takes it (the real one over libvirt in
 * lv_virt.c, canned ones in the unit tests), and the platform functions
 * built on it (libvirt.c). Nothing here needs libvirt's headers. */
#ifndef XG_LV_H
#define XG_LV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "platform/host.h"
#include "platform/platform.h"

/* One typed parameter as libvirt hands it (virTypedParameter, copied). */
enum { LV_P_INT, LV_P_UINT, LV_P_LLONG, LV_P_ULLONG, LV_P_DOUBLE,
       LV_P_BOOLEAN, LV_P_STRING };

typedef struct xg_lv_param {
    const char *field;     /* "cpu.time", "block.0.wr.bytes"... */
    int type;              /* LV_P_* */
    uint64_t u;            /* any integer type (negative as int64_t) */
    double d;              /* LV_P_DOUBLE */
    const char *s;         /* LV_P_STRING */
} xg_lv_param;

/* What a parsed record has (LV_HAVE_*). */
enum {
    LV_HAVE_STATE = 1u << 0,
    LV_HAVE_CPU = 1u << 1,     /* cpu.time */
    LV_HAVE_USER = 1u << 2,    /* cpu.user */
    LV_HAVE_SYSTEM = 1u << 3,  /* cpu.system */
    LV_HAVE_VCPU = 1u << 4,    /* vcpu.current */
    LV_HAVE_BLOCK = 1u << 5,   /* block.count */
    LV_HAVE_NET = 1u << 6,     /* net.count */
    LV_HAVE_CMT = 1u << 7,     /* perf.cmt */
    LV_HAVE_MBMT = 1u << 8,    /* perf.mbmt */
    LV_HAVE_MBML = 1u << 9,    /* perf.mbml */
};

/* libvirt's virDomainState values the platform tells apart. */
enum { LV_STATE_SHUTOFF = 5, LV_STATE_CRASHED = 6 };

typedef struct xg_lv_vcpu {
    bool have_time, have_wait;
    uint64_t time_ns, wait_ns; /* wait: vcpu.N.delay, else vcpu.N.wait */
} xg_lv_vcpu;

typedef struct xg_lv_disk {
    char name[64];             /* block.N.name: "vda" */
    bool have_reqs, have_bytes, have_times;
    uint64_t rd_reqs, wr_reqs, rd_bytes, wr_bytes, rd_times, wr_times;
} xg_lv_disk;

/* net.N.*: libvirt reads the host's tap and already swaps it (rx = what
 * the domain received), as xg_net_counters wants. */
typedef struct xg_lv_net {
    char name[64];             /* net.N.name: the tap, "vnet0" */
    bool have;                 /* rx/tx bytes and packets */
    bool have_errs;            /* errs and drops */
    uint64_t rx_bytes, rx_pkts, rx_errs, rx_drop;
    uint64_t tx_bytes, tx_pkts, tx_errs, tx_drop;
} xg_lv_net;

typedef struct xg_lv_dom {
    char name[256];
    char uuid[40];
    int id;                    /* libvirt's domain id; -1 when inactive */
    unsigned have;             /* LV_HAVE_* */
    int state;
    uint64_t cpu_ns, user_ns, system_ns;
    unsigned n_vcpu_cur;       /* vcpu.current */
    uint64_t cmt, mbmt, mbml;  /* perf.* */
    size_t vcpu0, n_vcpu;      /* slices of xg_lv_snap's arrays */
    size_t disk0, n_disk;
    size_t net0, n_net;
} xg_lv_dom;

typedef struct xg_lv_snap {
    xg_lv_dom *dom;   size_t n_dom, cap_dom;
    xg_lv_vcpu *vcpu; size_t n_vcpu, cap_vcpu;
    xg_lv_disk *disk; size_t n_disk, cap_disk;
    xg_lv_net *net;   size_t n_net, cap_net;
} xg_lv_snap;

/* Parses one domain's record (n params) into s as a new domain. 0, or -1
 * on ENOMEM. Fields it does not know are skipped; an index beyond a
 * group's count is skipped. */
int xg_lv_snap_add(xg_lv_snap *s, const char *name, const char *uuid, int id,
                   const xg_lv_param *params, size_t n);
void xg_lv_snap_free(xg_lv_snap *s);

/* The stats groups a snapshot asks for (VIR_DOMAIN_STATS_*): only those
 * of the families measured, so libvirtd does no more than needed. */
enum {
    LV_G_STATE = 1u << 0,
    LV_G_CPU = 1u << 1,        /* cpu-total */
    LV_G_VCPU = 1u << 2,
    LV_G_BLOCK = 1u << 3,
    LV_G_NET = 1u << 4,        /* interface */
    LV_G_PERF = 1u << 5,
};

/* One vCPU's CPU map: bit c of byte c / 8 = CPU c, ncpus CPUs in all. */
typedef void (*xg_lv_map_cb)(void *arg, const uint8_t *map, size_t ncpus);

/* Where snapshots come from. */
typedef struct xg_lv_backend {
    /* Connects to uri, giving up after timeout_s; NULL + one line naming
     * the URI and libvirt's reason. */
    void *(*open)(const char *uri, int timeout_s, char *err, size_t errlen);
    /* Empties s and refills it: every active domain (uuids NULL), else
     * the n domains named by uuid (those that exist). 0, or -1 + err (the
     * connection failed). */
    int (*snapshot)(void *h, unsigned groups, const char *const *uuids,
                    size_t n, xg_lv_snap *s, char *err, size_t errlen);
    void (*close)(void *h);
    /* CLOCK_MONOTONIC ns; NULL = the real clock. */
    int64_t (*now_ns)(void);
    /* Optional: the ids of the active domains (cheap), at most cap, or -1. */
    int (*ids)(void *h, int *ids, size_t cap);
    /* Optional: the domain's first IPv4/IPv6 address (lease, then agent
     * source) into buf. 0, or -1 + why. */
    int (*address)(void *h, const char *uuid, char *buf, size_t len,
                   char *why, size_t whylen);
    /* Optional: the pid of the domain's QEMU process, or -1. */
    pid_t (*pid)(void *h, const char *name, const char *uuid);
    /* Optional: "libvirt 9.0.0, QEMU 7.2.0" into buf. 0, or -1. */
    int (*version)(void *h, char *buf, size_t len);
    /* Optional: the domain's memory in KiB (virDomainGetInfo's: its
     * current balloon size) into *kib, and cb once per vCPU with the CPUs
     * it may run on (virDomainGetVcpuPinInfo). 0, or -1 (no such domain,
     * libvirt said nothing). */
    int (*env)(void *h, const char *uuid, uint64_t *kib, xg_lv_map_cb cb,
               void *arg);
} xg_lv_backend;

/* The families a domain's figures are read for, once per sample each. */
enum { LV_F_CPU, LV_F_VCPU, LV_F_DISK, LV_F_NET, LV_F_CMT, LV_N_F };

/* Per watched domain (its priv). */
typedef struct lv_dom {
    bool host;                 /* the host row: /proc/stat */
    xg_host_cpu hc;
    char uuid[40];
    char name[256];
    uint64_t last_cpu_ns;
    unsigned long seen[LV_N_F]; /* the snapshot each family last read */
    long skipped_at;           /* the last sample noted as skipped; -1 */
    bool said_times, said_net, said_usersys, said_wait;
} lv_dom;

struct xg_platform {
    const xg_lv_backend *be;
    void *h;
    char uri[512];
    xg_lv_snap snap;
    bool have;                 /* snap holds a snapshot */
    bool from_discover;        /* taken by discover: not a sample's */
    bool lost;                 /* the connection failed */
    char lost_why[600];
    int64_t snap_ns;           /* when the last was taken */
    unsigned long taken;       /* snapshots taken */
    long sample;               /* samples served (0-based), -1 before */
    bool want_addr;            /* the --exec template has {addr} */
    int ncpus;                 /* the host row's */
    const char **watch;        /* uuids of the watched domains (vmfile) */
    size_t n_watch, cap_watch;
    bool by_list;              /* snapshot the watched ones only */
    unsigned groups;           /* LV_G_* of the families measured */
    int *ids;                  /* active domains' ids at the last discover */
    size_t n_ids, cap_ids;
    struct lv_addr { char uuid[40]; char addr[64]; } *addr; /* asked once */
    size_t n_addr, cap_addr;
    struct lv_skip {           /* a domain whose figures were left out */
        char name[64];
        unsigned long n;       /* in how many samples */
        long at[4];            /* the first of them (0-based) */
    } skip[16];
    size_t n_skip;
    unsigned long skip_more;   /* skipped samples of domains past skip[] */
    char no_times[256];        /* disks without rd/wr times ("dom:vda") */
    char no_net[256];          /* domains without vNIC figures */
    char no_usersys[256];      /* domains without cpu.user/system */
    char no_wait[256];         /* domains without a vCPU's wait */
    char note[1600];
    char version[160];         /* the backend's version line, when asked */
};

xg_platform *xg_lv_open_with(const xg_lv_backend *be, const xg_options *o,
                             char *err, size_t errlen);
void xg_lv_close(xg_platform *p);
int xg_lv_discover(xg_platform *p, xg_pdomains *out, char *err,
                   size_t errlen);
int xg_lv_prepare(xg_platform *p, xg_pdomain *d, char *err, size_t errlen);
void xg_lv_release(xg_platform *p, xg_pdomain *d);
/* The domain's record for this sample; NULL when it is gone (not active,
 * or the connection was lost). One snapshot serves a sample: it is taken
 * at the first read of a sample, known by a family (LV_F_*) read again for
 * a domain that already read it from the last snapshot (or the last was
 * discover's); fam -1 reads without counting. */
const xg_lv_dom *xg_lv_find(xg_platform *p, xg_pdomain *d, int fam);
int xg_lv_cpu_read(xg_platform *p, xg_pdomain *d, xg_cpu_counters *out);
int xg_lv_vcpu_read(xg_platform *p, xg_pdomain *d, xg_vcpu_cb cb, void *arg);
int xg_lv_disk_read(xg_platform *p, xg_pdomain *d, xg_disk_cb cb, void *arg);
int xg_lv_net_read(xg_platform *p, xg_pdomain *d, xg_net_cb cb, void *arg);
int xg_lv_perf_target(xg_platform *p, xg_pdomain *d, xg_perf_target *out,
                      char *err, size_t errlen);
int xg_lv_cmt_start(xg_platform *p, xg_pdomain *d, char *why, size_t len);
/* platform.h's version: the backend's line, or NULL. */
const char *xg_lv_version(xg_platform *p);
int xg_lv_cmt_read(xg_platform *p, xg_pdomain *d, xg_cmt_counters *out);
/* platform.h's domain_env: memory and the union of the vCPUs' CPU maps
 * (the backend's env); no version (the platform's says the QEMU). */
int xg_lv_domain_env(xg_platform *p, xg_pdomain *d, xg_domain_env *out);
const char *xg_lv_note(xg_platform *p, unsigned family);
bool xg_lv_changed(xg_platform *p);
const char *xg_lv_lost(xg_platform *p);
/* How many snapshots the platform has taken (for the tests). */
unsigned long xg_lv_snapshots(const xg_platform *p);

#endif

/* platform.h — the one small interface every platform implements (cgroup,
 * qemu, libvirt, xen), in the manner of htop's Platform.h. A platform finds
 * domains and reads their raw cumulative counters; the collectors in
 * src/collect turn those into series. The host row's /proc readers are
 * shared by every Linux-based platform (see host.h). */
#ifndef XG_PLATFORM_H
#define XG_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "core/options.h"
#include "core/store.h"

typedef struct xg_platform xg_platform; /* each implementation's own state */

/* A domain as a platform hands it out. info's strings are owned by the
 * platform until xg_pdomains_free. */
typedef struct xg_pdomain {
    xg_domain_info info;
    void *priv;  /* the platform's handles for this domain (open fds...) */
} xg_pdomain;

typedef struct xg_pdomains {
    xg_pdomain *v;
    size_t n, cap;
} xg_pdomains;

/* Which fields of xg_cpu_counters a platform filled. */
enum {
    XG_CPU_USAGE = 1u << 0,     /* usage_ns: cpu time used */
    XG_CPU_USER = 1u << 1,      /* user_ns */
    XG_CPU_SYSTEM = 1u << 2,    /* system_ns */
    XG_CPU_WAIT = 1u << 3,      /* wait_ns: runnable but not running */
    XG_CPU_STEAL = 1u << 4,     /* steal_ns: taken by a hypervisor */
    XG_CPU_THROTTLED = 1u << 5, /* throttled_ns: held back by a quota */
    XG_CPU_TOTAL = 1u << 6,     /* total_ns: all CPU time incl. idle (host) */
    XG_CPU_IOWAIT = 1u << 7,    /* iowait_ns (host) */
};

typedef struct xg_cpu_counters {
    unsigned have; /* XG_CPU_* */
    uint64_t usage_ns, user_ns, system_ns, wait_ns, steal_ns, throttled_ns,
        total_ns, iowait_ns;
    bool from_zero; /* vcpu_read: as xg_disk_counters' (a vCPU new to
                     * the reader started at 0: a new thread...) */
    const char *source; /* cpu_read: the path that read usage/user/system
                         * when the platform has more than one ("bpf-iter",
                         * "files"): meta source.cpu; NULL = unsaid */
} xg_cpu_counters;

/* One device's cumulative I/O of one domain. The strings are valid during
 * the callback only. */
typedef struct xg_disk_counters {
    const char *device; /* "vda", or "MAJ:MIN" when no name is known */
    const char *source; /* where the figures come from: "blkio", "io.stat",
                         * "qmp", "proc-io"...; NULL = unsaid */
    uint64_t rd_bytes, wr_bytes, rd_ios, wr_ios;
    bool have_ios;      /* rd_ios/wr_ios are known */
    bool have_time;     /* rd_time_ns/wr_time_ns are known (QMP) */
    bool from_zero;     /* a device first reported after the domain's first
                         * reading had counted nothing before (its line
                         * appears with its first I/O, or it was plugged
                         * in): counted from zero at that first reading */
    uint64_t rd_time_ns, wr_time_ns; /* total time spent on the I/Os */
} xg_disk_counters;

typedef void (*xg_disk_cb)(void *arg, const xg_disk_counters *c);

/* One network interface's cumulative counters, always from the domain's
 * point of view: rx = what the domain received, tx = what it sent. A
 * backend seen from the host (a Xen vif in dom0, a tap) counts the other
 * way round; the platform swaps it. The strings are valid during the
 * callback only. */
typedef struct xg_net_counters {
    const char *device; /* "eth0" (in a netns), "tap0", "vif3.0"... */
    const char *source; /* "proc-net-dev", "netns", "tap", "xenstat" */
    uint64_t rx_bytes, tx_bytes, rx_packets, tx_packets;
    bool have_drops;    /* rx_drops/tx_drops are known */
    bool have_errors;   /* rx_errors/tx_errors are known */
    bool from_zero;     /* as xg_disk_counters' (the source was read whole
                         * before: a line new to the reader is an
                         * interface made since) */
    uint64_t rx_drops, tx_drops, rx_errors, tx_errors;
} xg_net_counters;

typedef void (*xg_net_cb)(void *arg, const xg_net_counters *c);
/* One vCPU's counters (usage, wait... as for a domain). */
typedef void (*xg_vcpu_cb)(void *arg, int vcpu, const xg_cpu_counters *c);

/* What the cache collector counts for a domain (perf_event_open). */
typedef enum xg_perf_kind {
    XG_PERF_NONE = 0,  /* the platform cannot say */
    XG_PERF_CGROUP,    /* a cgroup: fd of its perf_event cgroup directory */
    XG_PERF_PID,       /* a process and all its threads (inherit) */
    XG_PERF_SYSTEM,    /* the whole machine (the host row) */
} xg_perf_kind;

typedef struct xg_perf_target {
    xg_perf_kind kind;
    int cgroup_fd;     /* XG_PERF_CGROUP: an open O_RDONLY directory fd,
                        * owned by the platform */
    pid_t pid;         /* XG_PERF_PID */
    const char *why;   /* XG_PERF_NONE: why, for the report */
} xg_perf_target;

/* Cache monitoring by the hypervisor (Xen CMT/MBM through libxl). */
enum {
    XG_CMT_OCCUPANCY = 1u << 0, /* llc_occupancy: LLC bytes held now */
    XG_CMT_MBM_TOTAL = 1u << 1, /* mbm_total: bytes to/from memory */
    XG_CMT_MBM_LOCAL = 1u << 2, /* mbm_local: bytes to/from local memory */
};

typedef struct xg_cmt_counters {
    unsigned have;            /* XG_CMT_* */
    uint64_t llc_occupancy;   /* a gauge, summed over sockets */
    uint64_t mbm_total, mbm_local; /* cumulative, summed over sockets */
} xg_cmt_counters;

/* What a platform knows of a domain's set-up that can change results
 * (recorded at the start of a run as meta env.domain.*, see environ.h).
 * Every field left as the caller zeroed it is unknown. */
#define XG_ENV_UNLIMITED UINT64_MAX
typedef struct xg_domain_env {
    uint64_t memory_kib;  /* a VM's memory, a cgroup's limit; 0 unknown,
                           * XG_ENV_UNLIMITED: no limit */
    char pinning[512];    /* the CPUs it may run on, as a CPU list
                           * ("0-3,8"); "" unknown */
    char version[128];    /* the hypervisor serving it, when that is per
                           * domain (each QEMU process has its own); "" */
} xg_domain_env;

typedef struct xg_platform_ops {
    const char *name; /* "cgroup", "qemu", "libvirt", "xen" */
    /* Whether this platform is what runs here (for --platform auto). */
    bool (*detect)(void);
    /* Opens the platform. On error returns NULL and writes a one-line
     * message (what, and how to fix) into err. */
    xg_platform *(*open)(const xg_options *o, char *err, size_t errlen);
    /* Appends every running domain, the host row first. 0, or -1 + err. */
    int (*discover)(xg_platform *p, xg_pdomains *out, char *err,
                    size_t errlen);
    /* Prepares a domain for sampling (open fds...). 0, or -1 + err. */
    int (*prepare)(xg_platform *p, xg_pdomain *d, char *err, size_t errlen);
    /* CPU counters of one domain. 0; -1 when the domain is gone. */
    int (*cpu_read)(xg_platform *p, xg_pdomain *d, xg_cpu_counters *out);
    /* Calls cb once per device of the domain. 0; -1 when gone. NULL when
     * the platform has no per-domain disk figures. */
    int (*disk_read)(xg_platform *p, xg_pdomain *d, xg_disk_cb cb, void *arg);
    /* Optional: calls cb once per network interface of the domain (not the
     * host row: the net collector reads the host's /proc/net/dev itself).
     * 0; -1 when the domain is gone. */
    int (*net_read)(xg_platform *p, xg_pdomain *d, xg_net_cb cb, void *arg);
    /* Optional: calls cb once per vCPU the platform knows (per-vCPU CPU
     * time and wait). 0; -1 when the domain is gone. */
    int (*vcpu_read)(xg_platform *p, xg_pdomain *d, xg_vcpu_cb cb, void *arg);
    /* Optional: what perf_event_open should count for the domain. 0, or -1
     * + err. */
    int (*perf_target)(xg_platform *p, xg_pdomain *d, xg_perf_target *out,
                       char *err, size_t errlen);
    /* Moves pid into the domain, for --exec local. NULL when unsupported. */
    int (*attach)(xg_platform *p, xg_pdomain *d, pid_t pid, char *err,
                  size_t errlen);
    /* Undo what prepare did (close fds, remove --blkio-enable rules). */
    void (*release)(xg_platform *p, xg_pdomain *d);
    void (*close)(xg_platform *p);
    /* Optional: one line the report should show under a family's section
     * (XG_FAM_*), e.g. why its figures may be missing; NULL when none. */
    const char *(*note)(xg_platform *p, unsigned family);
    /* Optional: false when the set of domains surely did not change since
     * the last discover (a cheap check); NULL = always look. */
    bool (*changed)(xg_platform *p);
    /* Optional: starts the hypervisor's cache monitoring of the domain
     * (release stops it). 0, or -1 + why (one line: what is missing). */
    int (*cmt_start)(xg_platform *p, xg_pdomain *d, char *why, size_t len);
    /* Optional: the domain's cache monitoring figures. 0; -1 when gone. */
    int (*cmt_read)(xg_platform *p, xg_pdomain *d, xg_cmt_counters *out);
    /* Optional: a sample begins, its timestamp just taken (tick 0 too):
     * nothing read or cached before may serve its readings. */
    void (*tick)(xg_platform *p);
    /* Set when the part that needs a library is a module loaded at open
     * (xengatherer-NAME.so, see xg_platform_module_sym): 0 when it loads
     * here, else -1 + why (one line); path gets the module's path. For
     * --version. NULL for a platform wholly built in. */
    int (*loadable)(char *path, size_t pathlen, char *why, size_t len);
    /* Optional: non-NULL once the platform can measure no more (its
     * daemon went away): one line saying so; the run ends at that sample
     * and keeps what it measured. */
    const char *(*lost)(xg_platform *p);
    /* Optional: the platform's version as one line ("Xen 4.17.0",
     * "libvirt 9.0.0, QEMU 7.2.0", "hybrid v1+v2"), valid until close;
     * NULL when it cannot say. */
    const char *(*version)(xg_platform *p);
    /* Optional: fills what the platform knows of the domain's set-up into
     * out (zeroed by the caller; the host row is never asked). 0, or -1
     * when it knows nothing. */
    int (*domain_env)(xg_platform *p, xg_pdomain *d, xg_domain_env *out);
} xg_platform_ops;

/* The platform called name ("auto" picks: xen, libvirt, qemu, cgroup; this
 * is the one place that order lives). NULL + err when unknown. */
const xg_platform_ops *xg_platform_pick(const char *name, char *err,
                                        size_t errlen);
/* The platform the options ask for: --platform, where "auto" means cgroup
 * when --cgroup, --cgroup-parent or --blkio-enable is given, libvirt when
 * --connect is, else as xg_platform_pick. */
const xg_platform_ops *xg_platform_choose(const xg_options *o, char *err,
                                          size_t errlen);
/* The same, and in *why a static line saying why that one ("--platform",
 * or what auto found). */
const xg_platform_ops *xg_platform_choose_why(const xg_options *o,
                                              const char **why, char *err,
                                              size_t errlen);
/* Every platform compiled in, NULL-terminated, for --help and errors. */
const xg_platform_ops *const *xg_platform_all(void);

/* Platform modules: a platform whose library the binary must not need
 * (xen: libxen*) is built as xengatherer-NAME.so and loaded when opened.
 * It is looked for next to the binary (a build tree), then in
 * XG_MODULE_RELDIR from the binary's directory (an installed or unpacked
 * copy), then in XG_MODULE_DIR (the configured prefix). Returns the
 * address of sym in the first one found, path set to it; NULL + why
 * ("PATH: dlerror") when none loads. */
void *xg_platform_module_sym(const char *name, const char *sym, char *path,
                             size_t pathlen, char *why, size_t len);
/* For --version: one line per platform module, where it is loaded from and
 * whether it loads here. */
void xg_platform_print_modules(FILE *f);
/* Ends a message cut short by a too small buffer with "...". */
void xg_platform_err_cut(char *err, size_t errlen);

/* Helpers for xg_pdomains. push copies the strings of d->info. */
int xg_pdomains_push(xg_pdomains *l, const xg_pdomain *d);
void xg_pdomains_free(xg_pdomains *l);

#endif

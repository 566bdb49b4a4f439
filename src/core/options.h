/* options.h — everything the command line (or a test) can set for one
 * experiment, shared by run, record, list and the platforms. */
#ifndef XG_OPTIONS_H
#define XG_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

enum {
    XG_FAM_CPU = 1u << 0,
    XG_FAM_DISK = 1u << 1,
    XG_FAM_CACHE = 1u << 2,
    XG_FAM_SCHED = 1u << 3, /* xen: runstates from xentrace */
    XG_FAM_NET = 1u << 4,   /* per-interface rx/tx bytes and packets */
    XG_FAM_ALL = XG_FAM_CPU | XG_FAM_DISK | XG_FAM_CACHE | XG_FAM_SCHED |
                 XG_FAM_NET,
};

/* --max-memory: 256 MiB by default (docs/recording.md says why), at least
 * 16 KiB. */
#define XG_MAX_MEMORY_DEFAULT ((size_t)256 << 20)
#define XG_MAX_MEMORY_MIN ((size_t)16 << 10)

/* --checkpoint: how often the recording is made durable during the run
 * (docs/recording.md: what a checkpoint costs, why 10 s). */
#define XG_CHECKPOINT_DEFAULT_S 10.0

/* The default --exec: ssh that never prompts and gives up on a host that
 * does not answer after ConnectTimeout seconds (--connect-timeout). */
#define XG_EXEC_SSH_FMT "ssh -o BatchMode=yes -o ConnectTimeout=%d root@{addr}"
#define XG_CONNECT_TIMEOUT_S 10
/* The libvirt platform's --connect default. */
#define XG_LIBVIRT_URI "qemu:///system"

/* -i at least 1 ms: one tick of one cgroup and the host costs about 75 us
 * of CPU here, so below 1 ms a few domains no longer keep up (at 0.1 ms a
 * 1 s window got 4656 of its 10000 ticks). */
#define XG_INTERVAL_MIN_S 0.001
/* -d / -i at most 1,000,000 ticks (16 min at 1 ms, 11.5 days at 1 s): each
 * tick's two times stay in memory, and every series is sized for the
 * window up front. */
#define XG_TICKS_MAX 1000000.0

typedef struct xg_options {
    const char *root;          /* --root / $XG_ROOT; "" = real root */
    const char *platform;      /* --platform; "auto" by default */
    const char *platform_why;  /* why that platform (xg_cli_platform), or NULL */
    const char *vmfile;        /* --vmfile; NULL = every running domain */
    const char *cgroup_parent; /* --cgroup-parent; NULL = machine.slice if it exists */
    const char **cgroups;      /* --cgroup PATH (repeatable) */
    size_t n_cgroups;
    bool blkio_enable;         /* --blkio-enable (given; now the default) */
    bool no_blkio_enable;      /* --no-blkio-enable: no no-op blkio rules */
    int cgroup_bpf;            /* --cgroup-bpf 1, --no-cgroup-bpf 0, else -1 */
    bool partitions;           /* --partitions */
    double interval_s;         /* -i; 1.0 */
    double duration_s;         /* -d; 10.0 */
    size_t max_memory;         /* --max-memory, bytes; XG_MAX_MEMORY_DEFAULT */
    double checkpoint_s;       /* --checkpoint; XG_CHECKPOINT_DEFAULT_S,
                                * 0 = the recording written at the end only */
    bool until_done;           /* --until-done */
    unsigned repeat;           /* --repeat N: measured repetitions; 1 */
    unsigned warmup;           /* --warmup K: repetitions run first, left
                                * out of the statistics; 0 */
    double pause_s;            /* --pause SECS between repetitions; 0 */
    const char *exec_tpl;      /* --exec; by default "local" on cgroup,
                                * else XG_EXEC_SSH_FMT (xg_cli_platform) */
    bool exec_given;           /* --exec or --connect-timeout given */
    int connect_timeout_s;     /* --connect-timeout; 0 = not given */
    const char *connect_uri;   /* --connect (libvirt); NULL = XG_LIBVIRT_URI */
    unsigned families;         /* XG_FAM_* switched on */
    const char *cache_events;  /* --cache-events LIST; NULL = LLC refs+misses */
    bool nosumcache;           /* --nosumcache: cache counts per mode */
    const char *exec_user;     /* --exec-user: run workloads as this user */
    const char **env;          /* --env NAME[=VALUE] (repeatable) */
    size_t n_env;
    const char *outdir;        /* -o; NULL = ./xg-YYYYmmdd-HHMMSS */
    bool force;                /* --force: overwrite an existing recording */
    bool quiet;                /* -q: no progress line */
    char **command;            /* the words after "--"; NULL-terminated; may be NULL */
    int n_command;
    const char *cmdline;       /* the tool's full command line, for the metadata */
    const char *source;        /* --source prometheus=URL (run, record) or
                                * import's argument: the URL; NULL = the
                                * local collectors */
    double import_start;       /* --start, unix seconds; NAN = not given */
    double import_end;         /* --end; NAN = not given */
    double import_step;        /* --step SECS; 0 = guessed (import) or -i */
    const char *match;         /* --match: PromQL matchers ANDed in */
    /* serve only (XG_CLI_SERVE) */
    const char *listen;        /* --listen ADDR:PORT; XG_SERVE_LISTEN */
    const char *tls_cert, *tls_key; /* --tls-cert, --tls-key (PEM files) */
    const char *auth_file;     /* --auth-file: user:password lines */
    const char *host_label;    /* --host-label; NULL = the hostname */
} xg_options;

/* serve's default --listen: loopback only unless told otherwise. */
#define XG_SERVE_LISTEN "127.0.0.1:9177"

/* --repeat and --warmup at most (a repetition is at least one tick's
 * pair; a run of more than this is a different experiment). */
#define XG_REPEAT_MAX 10000
#define XG_WARMUP_MAX 100

/* Whether o asks for a repeated run (a recording of repetitions). */
#define XG_REPEATED(o) ((o)->repeat > 1 || (o)->warmup > 0)

/* Fills o with the defaults above. */
void xg_options_defaults(xg_options *o);
/* Checks a --cache-events list against the events the cache collector knows
 * (src/collect/cache.c): 0, or -1 + a one-line err naming the bad one. */
int xg_cache_events_check(const char *list, char *err, size_t errlen);

#endif

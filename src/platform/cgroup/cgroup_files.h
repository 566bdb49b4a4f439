/* cgroup_files.h — private to the cgroup platform: its state, path helpers
 * and the per-domain file handles (prepare, read, release). */
#ifndef XG_CGROUP_FILES_H
#define XG_CGROUP_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/platform.h"

/* The hierarchies we use: v1 controllers (possibly co-mounted) and cgroup2. */
enum { CG_CPUACCT, CG_CPU, CG_BLKIO, CG_V2, CG_PERF, CG_NH };

struct xg_platform {
    char *mnt[CG_NH];    /* mount point inside the root, NULL if absent */
    bool blkio_enable;   /* v1: add the no-op rules (no --no-blkio-enable) */
    bool blkio_asked;    /* --blkio-enable given: a rule that cannot be
                          * set is an error, not a note */
    char *rules_why;     /* the first rule that could not be set, why */
    struct cg_rules *rules; /* the record of them (v1 blkio mounted) */
    size_t rules_set;    /* rules this run wrote */
    char *parent;        /* --cgroup-parent, or NULL */
    char **cgroups;      /* --cgroup paths */
    size_t n_cgroups;
    int ncpus;           /* the host row's vcpus; -1 until first discover */
    char *watched;       /* the parent directory last listed, or NULL */
    unsigned long watched_nlink; /* its link count then (2 + subdirs) */
    bool want_net;       /* the NET family is on */
    int host_ns_state;   /* 0 not looked up, 1 host_ns known, -1 why */
    char host_ns[96];    /* "net:[4026531833]" (/proc/self/ns/net), or why */
    struct cg_net **nets; /* every prepared domain's, for the note */
    size_t n_nets, cap_nets;
    int net_ino;         /* inotify on the directories of the cgroups with
                          * no process yet (cgroup_net.c); -1: none yet */
    struct cg_net *net_drainer; /* the domain whose turn reads it */
    char net_note[640];  /* note(XG_FAM_NET), made when asked */
    struct cg_bpf *bpf;  /* the BPF cgroup iterator (cgroup_bpf.c), or NULL */
    char bpf_why[4400];  /* why there is none (it may name a path) */
    bool bpf_asked;      /* --cgroup-bpf given */
    const char *bpf_check; /* $XG_CGROUP_BPF_CHECK: both paths, to compare */
    uint64_t check_ns;   /* the files' part of it: time, domain reads */
    unsigned long check_n;
    uint64_t check_clock; /* the cost of timing an interval */
    char bpf_note[4600];
    char disk_note[4400]; /* note(XG_FAM_DISK), made when asked (a reason
                          * names a path: cut at 4 KiB, "...") */
    char *env_mnt[2];    /* v1 cpuset and memory mounts (domain_env) */
    bool env_mnt_read;   /* looked up once, on the first domain_env */
};

/* "<mnt[h]>/<rel>" (root-relative) into buf; NULL if h is not mounted or it
 * does not fit. rel may be "" for the hierarchy root. */
const char *cg_dir(const xg_platform *p, int h, const char *rel, char *buf,
                   size_t len);
/* True when rel is a directory in hierarchy h. */
bool cg_has(const xg_platform *p, int h, const char *rel);
/* Reads root + path whole into a malloc'd NUL-terminated buffer; NULL with
 * errno on failure. For set-up time only. */
char *cg_read_all(const char *path);
/* Writes text in one write(2) to root + dir/file (no O_CREAT, no O_TRUNC).
 * 0, or -1 + err naming the file. */
int cg_write(const char *dir, const char *file, const char *text, char *err,
             size_t errlen);
/* Writes the one-line err "<root><path>: <strerror(e)><hint>". */
void cg_path_err(char *err, size_t errlen, const char *path, int e);

/* One blank-separated /proc/mounts field, \ooo escapes decoded, into buf;
 * the char after it, or NULL when empty or too long. */
const char *cg_mount_field(const char *p, char *buf, size_t len);
/* Whether comma-separated mount options opts hold the word w. */
bool cg_has_opt(const char *opts, const char *w);
/* version and domain_env (cgroup_env.c, see platform.h). */
const char *cg_version(xg_platform *p);
int cg_domain_env(xg_platform *p, xg_pdomain *d, xg_domain_env *out);

/* The per-domain part of the ops (see platform.h). */
int cg_prepare(xg_platform *p, xg_pdomain *d, char *err, size_t errlen);
int cg_cpu_read(xg_platform *p, xg_pdomain *d, xg_cpu_counters *out);
int cg_disk_read(xg_platform *p, xg_pdomain *d, xg_disk_cb cb, void *arg);
void cg_release(xg_platform *p, xg_pdomain *d);
int cg_net_read(xg_platform *p, xg_pdomain *d, xg_net_cb cb, void *arg);

/* A cgroup's network: in cgroup_net.c. Opened at prepare (NULL when out of
 * memory: no figures), read at every sample, closed at release. */
struct cg_net *cg_net_open(xg_platform *p, const char *rel,
                           const char *name);
/* Calls cb for each interface of the cgroup's own network namespace. */
void cg_net_each(xg_platform *p, struct cg_net *n, xg_net_cb cb, void *arg);
void cg_net_close(xg_platform *p, struct cg_net *n);
/* One line: the domains without figures of their own and why; NULL when
 * every domain has them. */
const char *cg_net_note(xg_platform *p);
int cg_perf_target(xg_platform *p, xg_pdomain *d, xg_perf_target *out,
                   char *err, size_t errlen);

#endif

/* qemu_proc.h — private to the qemu platform: parsing a qemu-system-*
 * process's /proc files (cmdline, stat, schedstat, io, thread names), the
 * scan of /proc for such processes, and the per-domain handles (prepare,
 * read, release in qemu_dom.c). Every path goes through the root. */
#ifndef XG_QEMU_PROC_H
#define XG_QEMU_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "platform/platform.h"

#define QP_KEY "qemu:"

struct xg_platform {
    int ncpus;      /* the host row's vcpus; -1 until first discover */
    int loadavg_fd; /* /proc/loadavg held open for changed(); -1 if none */
    int64_t last_pid; /* its last field at the last listing; -1 unknown */
    bool want_net;  /* the NET family is on: look for taps */
    char net_none[512]; /* "name: why; ..." of the domains without taps */
    size_t net_none_len;
};

/* What the command line says. */
typedef struct qp_cmd {
    char name[256];  /* -name's guest (",," unescaped), "" when none */
    char uuid[64];   /* -uuid, "" when none */
    char qmp[4096];  /* QMP unix socket path as given, "" when none */
    int smp;         /* -smp's cpus, 0 when not given */
} qp_cmd;

/* Whether argv0's basename starts with "qemu-system-". */
bool qp_is_qemu(const char *argv0);
/* Parses a /proc/PID/cmdline image (NUL-separated, len bytes). 0, or -1
 * when it is not a qemu-system-* command line. */
int qp_parse_cmdline(const char *buf, size_t len, qp_cmd *out);

typedef struct qp_stat {
    char state;                     /* R, S, Z... */
    uint64_t utime, stime;          /* clock ticks */
    uint64_t starttime;             /* field 22, ticks since boot */
} qp_stat;

/* /proc/PID/stat text (the comm may hold spaces and parentheses). 0/-1. */
int qp_parse_stat(const char *text, qp_stat *out);
/* "run_ns wait_ns timeslices". 0/-1. */
int qp_parse_schedstat(const char *text, uint64_t *run_ns, uint64_t *wait_ns);
/* The vCPU number of a thread QEMU named "CPU N/KVM" (or /TCG...), else -1. */
int qp_vcpu_index(const char *comm);
/* read_bytes and write_bytes of /proc/PID/io. 0/-1. */
int qp_parse_io(const char *text, uint64_t *rd, uint64_t *wr);

/* The domain key: "qemu:UUID", else "qemu:NAME:STARTTIME" (NAME is the pid
 * when the command line has no -name). 0, or -1 when it does not fit. */
int qp_key(const qp_cmd *c, pid_t pid, uint64_t starttime, char *buf,
           size_t len);

/* One qemu process as found: its pid, start time and command line. */
typedef struct qp_found {
    pid_t pid;
    uint64_t starttime;
    qp_cmd cmd;
    int vcpus;       /* threads named "CPU N/..."; else -smp; else 0 */
} qp_found;

/* Reads pid's cmdline and stat: 0 when it is a live qemu process, -1
 * otherwise (gone, not qemu, unreadable). buf/cap: scratch for cmdline. */
int qp_read_proc(pid_t pid, char *buf, size_t cap, qp_found *out);
/* Calls cb for every live qemu process under <root>/proc, in pid order;
 * stops early when cb returns nonzero (which is returned). -1 with errno
 * when /proc cannot be listed. */
int qp_scan(int (*cb)(void *arg, const qp_found *f), void *arg);
/* Whether any qemu-system-* process exists under <root>/proc. */
bool qp_any(void);
/* Counts pid's threads named "CPU N/...". */
int qp_count_vcpus(pid_t pid);

/* The per-domain part of the ops (see platform.h), in qemu_dom.c. */
int qp_prepare(xg_platform *p, xg_pdomain *d, char *err, size_t errlen);
int qp_cpu_read(xg_platform *p, xg_pdomain *d, xg_cpu_counters *out);
int qp_vcpu_read(xg_platform *p, xg_pdomain *d, xg_vcpu_cb cb, void *arg);
int qp_disk_read(xg_platform *p, xg_pdomain *d, xg_disk_cb cb, void *arg);
void qp_release(xg_platform *p, xg_pdomain *d);
int qp_net_read(xg_platform *p, xg_pdomain *d, xg_net_cb cb, void *arg);
/* version, memory (QMP) and the process's CPU affinity (platform.h). */
int qp_domain_env(xg_platform *p, xg_pdomain *d, xg_domain_env *out);

/* The interface an "iff:" line of a tun descriptor's fdinfo names. 0, or
 * -1 when there is none (or it is not a plain interface name). */
int qp_parse_fdinfo_iff(const char *text, char *name, size_t len);
/* The taps of pid (qemu_net.c), their statistics held open; NULL + why
 * when it has none. */
struct qp_net *qp_taps_open(pid_t pid, char *why, size_t len);
/* Calls cb for every tap, in the guest's view (rx and tx swapped). */
void qp_taps_read(struct qp_net *q, xg_net_cb cb, void *arg);
void qp_taps_close(struct qp_net *q);

#endif

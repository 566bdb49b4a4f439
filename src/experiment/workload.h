/* workload.h — the experiment's command, started on every selected domain at
 * once through the exec template (never a shell), reaped as it ends, and
 * stopped (SIGTERM, then SIGKILL) if it outlives the window. */
#ifndef XG_WORKLOAD_H
#define XG_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "collect/collector.h"

typedef struct xg_job {
    size_t dom;       /* index into ctx->doms */
    char **argv;
    char **envp;      /* the job's whole environment (explicit) */
    pid_t pid;        /* 0 when not running */
    int64_t start_ns, end_ns;
    int exit_code, signal;
    const char *state; /* "running", "exited", "killed", "terminated", "failed" */
    char *why;         /* for "failed": what went wrong, whole (malloc'd;
                        * NULL when nothing, or out of memory) */
} xg_job;

struct xg_joblog;

typedef struct xg_jobs {
    xg_job *v;
    size_t n;
    struct xg_joblog *log; /* their stdout and stderr (joblog.h), or NULL */
    int as_user;      /* --exec-user given: drop to uid/gid */
    uid_t uid;
    gid_t gid;
    char user[64];
} xg_jobs;

/* Builds one argv and environment per watched non-host domain from the
 * template (or "local") and the command. The environment is explicit: PATH,
 * HOME, USER, LOGNAME, LANG, LC_ALL, TERM, TZ and SSH_AUTH_SOCK when set,
 * XG_DOMAIN, XG_DOMAIN_ID and XG_DOMAIN_ADDR, and each --env. Nothing is
 * started. 0, or -1 + err (e.g. a domain without an address for {addr}, an
 * unknown --exec-user). */
int xg_jobs_prepare(xg_ctx *ctx, xg_jobs *jobs, char *err, size_t errlen);
/* Starts every job; a job that can't start is marked "failed" with why. */
void xg_jobs_start(xg_ctx *ctx, xg_jobs *jobs);
/* Reaps ended children without blocking; returns how many still run. */
size_t xg_jobs_reap(xg_jobs *jobs);
/* Ends what still runs: SIGTERM to each job's process group, then SIGKILL
 * after grace_s. Marks them "terminated". */
void xg_jobs_stop(xg_jobs *jobs, double grace_s);
/* SIGKILL to every running job's process group; async-signal-safe. */
void xg_jobs_kill_now(void);
/* Copies every job into the store's workloads, as repetition rep (0: not
 * a repeated run), with what was kept of its output (read on for up to
 * 0.5 s first: see xg_joblog_finish). */
void xg_jobs_record(xg_ctx *ctx, const xg_jobs *jobs, uint32_t rep);
/* Makes recorded jobs ready to start again (the next repetition): their
 * outcome and output forgotten, the argv and environment kept. */
void xg_jobs_again(xg_jobs *jobs);
void xg_jobs_free(xg_jobs *jobs);
/* How many jobs xg_jobs_record saw fail, in all repetitions: not started, ended by a
 * signal or SIGTERM at the window's end, or exited with a status not 0
 * (the run's exit status 3). */
size_t xg_jobs_failed(void);

/* CLOCK_MONOTONIC in ns. */
int64_t xg_now_ns(void);

#endif

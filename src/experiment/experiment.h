/* experiment.h — one whole experiment: pick domains, start collectors, run
 * the workload, sample until the window ends, stop, and write the recording.
 * The report is the caller's (run reports, record does not). */
#ifndef XG_EXPERIMENT_H
#define XG_EXPERIMENT_H

#include <stddef.h>

#include "collect/collector.h"
#include "core/keyset.h"
#include "core/options.h"

/* Exit codes. */
enum { XG_EXIT_OK = 0, XG_EXIT_FAIL = 1, XG_EXIT_USAGE = 2,
       XG_EXIT_WORKLOAD = 3 /* a command failed (xg_jobs_failed) */ };

typedef struct xg_result {
    char recording[4096]; /* path written */
    char outdir[4096];
    int partial;          /* interrupted: the window is shorter */
    int signal;           /* the signal that interrupted it, or 0 */
} xg_result;

/* A sampling session, the part of an experiment without workload or files:
 * also what the fixture tests drive, tick by tick. */
typedef struct xg_session {
    xg_ctx ctx;
    void *state[XG_N_COLLECTORS]; /* each collector's state, NULL when off */
    xg_keyset seen;    /* keys of the domains watched so far */
    int watch_all;     /* no vmfile or --cgroup: new domains join */
    int64_t last_scan_ns; /* when domains were last listed in full */
    int started;
    int64_t part_ns[XG_N_COLLECTORS + 1]; /* CPU spent sampling: per
                           * collector, then [XG_N_COLLECTORS] the listing
                           * of new domains (meta overhead_part.*) */
} xg_session;

/* Picks the platform and the domains (vmfile checked). Exit code + err. */
int xg_session_select(xg_session *s, const xg_options *o, char *err,
                      size_t errlen);
/* Prepares the domains and starts the collectors. Exit code + err. */
int xg_session_start(xg_session *s, char *err, size_t errlen);
/* One tick: every collector samples every domain. With rescan, domains that
 * appeared since join first (when watching all). */
void xg_session_sample(xg_session *s, int64_t mono_ns, int64_t wall_ns,
                       int rescan);
/* Stops the collectors and notes the domains that vanished. */
void xg_session_stop(xg_session *s);
/* Releases the domains and the platform and frees the store. */
void xg_session_close(xg_session *s);

/* The output folder (-o, else ./xg-YYYYmmdd-HHMMSS, made with its
 * parents) and res->recording in it; an existing recording is refused
 * unless --force. 0, or -1 + err. */
int xg_output_path(const xg_options *o, xg_result *res, char *err,
                   size_t errlen);

/* Runs the experiment. Returns an exit code; on failure err holds one line. */
int xg_experiment(const xg_options *o, xg_result *res, char *err,
                  size_t errlen);

/* Installs SIGINT/SIGTERM handling: the first stops the sampling (the
 * recording is still written, marked partial), a second SIGINT aborts. */
void xg_signals_install(void);
/* The signal that asked for a stop, or 0. */
int xg_signal_stop(void);
/* From now on (the recording is written) SIGINT or SIGTERM ends the
 * process at once with 128 + the signal, after printing msg and removing
 * the file given to xg_signals_writing, if any. */
void xg_signals_exit_now(const char *msg);
/* The output file being written now ("" or NULL: none). */
void xg_signals_writing(const char *path);

#endif

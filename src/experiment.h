/* experiment.h — one whole experiment: pick domains, start collectors, run
 * the workload, sample until the window ends, stop, and write the recording.
 * The report is the caller's (run reports, record does not). */
#ifndef XG_EXPERIMENT_H
#define XG_EXPERIMENT_H

#include <stddef.h>

#include "options.h"

/* Exit codes. */
enum { XG_EXIT_OK = 0, XG_EXIT_FAIL = 1, XG_EXIT_USAGE = 2 };

typedef struct xg_result {
    char recording[4096]; /* path written */
    char outdir[4096];
    int partial;          /* interrupted: the window is shorter */
    int signal;           /* the signal that interrupted it, or 0 */
} xg_result;

/* Runs the experiment. Returns an exit code; on failure err holds one line. */
int xg_experiment(const xg_options *o, xg_result *res, char *err,
                  size_t errlen);

/* Installs SIGINT/SIGTERM handling: the first stops the sampling (the
 * recording is still written, marked partial), a second SIGINT aborts. */
void xg_signals_install(void);
/* The signal that asked for a stop, or 0. */
int xg_signal_stop(void);

#endif

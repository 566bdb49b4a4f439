/* remote.h — run --source: the workloads here, the figures from a
 * Prometheus (see remote.c). */
#ifndef XG_REMOTE_H
#define XG_REMOTE_H

#include <stddef.h>

#include "experiment/experiment.h"

/* Runs the experiment of o (o->source set) and writes res->recording.
 * An exit code; on failure err holds one line. */
int xg_remote_experiment(const xg_options *o, xg_result *res, char *err,
                         size_t errlen);

#endif

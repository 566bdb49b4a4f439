/* joblog.h — the workloads' output. Each job's stdout and stderr come
 * through pipes that one reader thread drains at once (a job never blocks
 * on a full pipe), passes on unchanged to xengatherer's own stdout and
 * stderr, as when the jobs wrote there themselves, and keeps the last bytes
 * of each in memory for the recording. Nothing goes to disk while
 * measuring. */
#ifndef XG_JOBLOG_H
#define XG_JOBLOG_H

#include <stddef.h>
#include <stdint.h>

#include "core/store.h"
#include "util/tail.h"

typedef struct xg_joblog xg_joblog;

/* Two pipes for each of njobs jobs and the reader thread, started. NULL
 * when any of it cannot be had (the jobs then write where xengatherer
 * does, and nothing is kept). */
xg_joblog *xg_joblog_start(size_t njobs, size_t keep);
/* Job i's write ends for its child to dup2 onto 1 and 2 (close-on-exec). */
void xg_joblog_fds(const xg_joblog *l, size_t i, int *out_w, int *err_w);
/* In the parent once job i was forked (or could not be): closes its write
 * ends, so the job's end is the pipes' end. */
void xg_joblog_forked(xg_joblog *l, size_t i);
/* Reads on until every pipe has ended or grace_ns has passed (a child the
 * job left behind may hold a pipe for ever), then stops the thread and
 * closes the pipes. Once only; later calls return at once. */
void xg_joblog_finish(xg_joblog *l, int64_t grace_ns);
/* What was kept of job i's stream (0 stdout, 1 stderr); after finish. */
const xg_tail *xg_joblog_tail(const xg_joblog *l, size_t i, int stream);
/* Finishes (grace 0) and frees. */
void xg_joblog_free(xg_joblog *l);

#endif

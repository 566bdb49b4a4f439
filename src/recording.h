/* recording.h — the raw recording: an SQLite database written in one
 * transaction after stop (or, under --max-memory, samples added during the
 * run and the rest after stop), and read back (on any machine) into an
 * xg_store. Schema in docs/recording.md. */
#ifndef XG_RECORDING_H
#define XG_RECORDING_H

#include <stdbool.h>
#include <stddef.h>

#include "util/store.h"

#define XG_RECORDING_FORMAT 1

/* Writes s to path. The file is created 0640 with O_EXCL|O_NOFOLLOW; an
 * existing file is refused unless force (then it is replaced). -1 + err. */
int xg_recording_write(const xg_store *s, const char *path, bool force,
                       char *err, size_t errlen);

/* A recording being written in steps: its temporary sibling
 * PATH.partial-PID, renamed to PATH when complete. */
typedef struct xg_recfile xg_recfile;

/* Creates the temporary file (same rules as xg_recording_write). With
 * spill, the tables are made at once (and committed) for xg_recording_add,
 * and every later transaction is journalled so a failed one rolls back.
 * 0, or -1 + err (nothing left behind). */
int xg_recording_begin(xg_recfile **f, const char *path, bool force,
                       bool spill, char *err, size_t errlen);
/* Adds the samples of c (gaps skipped) in one transaction. Returns the rows
 * written, or -1 + err: then none of c is in the file (rolled back), and
 * the caller still has all of it. */
int64_t xg_recording_add(xg_recfile *f, const xg_chunk *c, char *err,
                         size_t errlen);
/* Samples xg_recording_add has committed so far. */
int64_t xg_recording_added(const xg_recfile *f);
/* Adds the rest in one transaction: meta, domains, ticks, series, the
 * samples s holds and those of extra[0..n_extra) (chunks moved out of s and
 * not added), workloads; fsyncs, renames into place and frees f. -1 + err:
 * the temporary file is removed, unless samples were added to it, which
 * are nowhere else: then it is kept and named in kept (else kept is ""). */
int xg_recording_finish(xg_recfile *f, const xg_store *s,
                        const xg_chunk *extra, size_t n_extra, char *kept,
                        size_t keptlen, char *err, size_t errlen);
/* Closes f and removes its temporary file. NULL is fine. */
void xg_recording_abort(xg_recfile *f);
/* Like xg_recording_write, with the chunks in extra and, when from is not
 * NULL, the samples of from (a file xg_recording_finish kept) copied in:
 * the rescue copy of a recording that could not be finished. */
int xg_recording_rescue(const xg_store *s, const xg_chunk *extra,
                        size_t n_extra, const char *from, const char *path,
                        bool force, char *err, size_t errlen);

/* Loads a recording into out (which it initialises). A file that is not a
 * recording, a newer format, or a damaged one gives -1 and a one-line err
 * naming the file; never a crash. */
int xg_recording_read(const char *path, xg_store *out, char *err,
                      size_t errlen);

#endif

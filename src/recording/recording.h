/* recording.h — the raw recording: an SQLite database written in one
 * transaction after stop (or, with checkpoints or under --max-memory, in
 * transactions during the run and the rest after stop), and read back (on
 * any machine) into an xg_store. Schema in docs/recording.md. */
#ifndef XG_RECORDING_H
#define XG_RECORDING_H

#include <stdbool.h>
#include <stddef.h>

#include "core/store.h"

/* The newest format this build reads. It writes 1 for a single run, 2 for
 * a repeated one (format 2 added the repetitions: a reader of format 1
 * would take the whole recording for one window, so it must refuse), 3
 * for one whose domains are on several hosts (import: format 3 added
 * domains.host; an older reader would mix the hosts' domains and host
 * rows up, so it must refuse). */
#define XG_RECORDING_FORMAT 3

/* How long a commit waits for readers of the file to let go (a report
 * of a large recording reads for seconds) before it fails. */
#define XG_WRITER_BUSY_MS 10000

/* Writes s to path. The file is created 0640 with O_EXCL|O_NOFOLLOW; an
 * existing file is refused unless force (then it is replaced). -1 + err. */
int xg_recording_write(const xg_store *s, const char *path, bool force,
                       char *err, size_t errlen);

/* A recording being written in steps: its temporary sibling
 * PATH.partial-PID, renamed to PATH when complete. */
typedef struct xg_recfile xg_recfile;

/* How a recording is written: whole after stop; with samples added
 * during the run (--max-memory); or with checkpoints (--checkpoint): each
 * one a transaction that leaves a recording report can read. */
typedef enum xg_rec_mode {
    XG_REC_WHOLE,
    XG_REC_SPILL,
    XG_REC_CHECKPOINT,
} xg_rec_mode;

/* Creates the temporary file (same rules as xg_recording_write). For SPILL
 * and CHECKPOINT the tables are made at once (and committed), and every
 * later transaction is journalled so a failed one rolls back, and for
 * CHECKPOINT synced when it commits. 0, or -1 + err (nothing left
 * behind). */
int xg_recording_begin(xg_recfile **f, const char *path, bool force,
                       xg_rec_mode mode, char *err, size_t errlen);
/* Adds the samples of c (gaps skipped) in one transaction. Returns the rows
 * written, or -1 + err: then none of c is in the file (rolled back), and
 * the caller still has all of it. */
int64_t xg_recording_add(xg_recfile *f, const xg_chunk *c, char *err,
                         size_t errlen);
/* A checkpoint: the header as it stands at one tick (meta and domains,
 * replaced whole), what is new since the last checkpoint (ticks from
 * tick_base, series from series_base: head holds only those, series
 * without values), and the values taken from the store (chunk). */
typedef struct xg_ckpt {
    xg_store head;
    uint32_t tick_base;
    size_t series_base;
    const xg_chunk *chunk;
} xg_ckpt;

/* Adds a checkpoint in one transaction (the file must be CHECKPOINT and
 * the checkpoints come in order). The first moves the temporary file to
 * the recording's path: from then on the recording is there, complete up
 * to its last checkpoint whatever happens to the process. Returns the
 * samples written, or -1 + err: then nothing of ck is in the file. */
int64_t xg_recording_checkpoint(xg_recfile *f, const xg_ckpt *ck, char *err,
                                size_t errlen);
/* Samples xg_recording_add has committed so far. */
int64_t xg_recording_added(const xg_recfile *f);
/* Adds the rest in one transaction: meta, domains, ticks, series, the
 * samples s holds and those of extra[0..n_extra) (chunks moved out of s and
 * not added), workloads; fsyncs, renames into place (unless a checkpoint
 * did) and frees f. -1 + err: the temporary file is removed, unless
 * samples were added to it, which are nowhere else: then it is kept and
 * named in kept (else kept is ""); a checkpointed recording stays in its
 * place as its last checkpoint left it, and is named in kept. */
int xg_recording_finish(xg_recfile *f, const xg_store *s,
                        const xg_chunk *extra, size_t n_extra, char *kept,
                        size_t keptlen, char *err, size_t errlen);
/* Closes f and removes its temporary file (a checkpointed recording in its
 * place stays). NULL is fine. */
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

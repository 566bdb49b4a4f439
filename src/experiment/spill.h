/* spill.h — the background writer: checkpoints and the --max-memory
 * bound. With --checkpoint, the sampling thread hands a checkpoint over
 * every few seconds (the header as it stands, the new ticks and series,
 * the values moved out of the store) and the writer adds it to the
 * recording in one synced transaction, so the recording in its place holds
 * every tick up to the last checkpoint whatever happens to the process.
 * The --max-memory bound: after each tick the sampling thread checks the
 * bytes held for samples; past half the bound it moves them out of the
 * store (xg_store_take: no copy) and queues them for the writer (as an
 * early checkpoint when there are checkpoints), which adds each chunk to
 * the recording's file in one transaction. The writer runs at low
 * priority (nice 19, idle I/O class); the hand-over is lock-free both
 * ways, so the sampling thread never waits for it. Nothing is dropped: a
 * chunk the writer could not add, or had not reached at stop, is handed
 * back for the final write. Documented in docs/recording.md. */
#ifndef XG_SPILL_H
#define XG_SPILL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "recording/recording.h"
#include "core/store.h"

typedef struct xg_spill xg_spill;

/* A bound of max_bytes for the recording at path (written with force as
 * xg_recording_write would). No thread starts until the first spill.
 * NULL on ENOMEM. */
xg_spill *xg_spill_new(size_t max_bytes, const char *path, bool force);
/* After each tick, from the sampling thread: keeps the store's
 * preallocation within the bound and spills when it is reached. Returns 1
 * when it spilled, else 0. */
int xg_spill_tick(xg_spill *sp, xg_store *s);
/* Checkpoints (--checkpoint): one every every_ns, at most ticks apart;
 * a chunk the bound would spill becomes an early checkpoint. Call before
 * the first tick. */
void xg_spill_checkpoints(xg_spill *sp, int64_t every_ns, uint32_t ticks);
/* True when a checkpoint should be taken at mono_ns: the first, its time,
 * or the bound reached (never after a write failed). */
bool xg_spill_checkpoint_due(const xg_spill *sp, int64_t mono_ns);
/* Takes a checkpoint of s as it stands (its meta set by the caller: it is
 * what a reader sees if the run ends here) for the writer: copies the
 * header, moves the values out. -1 on ENOMEM (nothing taken). */
int xg_spill_checkpoint(xg_spill *sp, xg_store *s, int64_t mono_ns);
/* Chunks handed over and not written yet. */
size_t xg_spill_queued(xg_spill *sp);
/* Stops the writer after the chunk it is writing and waits for it. Gives
 * the temporary file (NULL when nothing was written during the run) and
 * the chunks not written (still owned by sp). Call once. */
xg_recfile *xg_spill_end(xg_spill *sp, const xg_chunk **left, size_t *n_left);
/* Sets the meta keys max_memory, checkpoint* and, when it spilled,
 * spill_* (see docs/series.md), and raises sample_bytes to the most held
 * at once. */
void xg_spill_meta(const xg_spill *sp, xg_store *s);
/* Ends the writer if still running (its file removed), frees everything. */
void xg_spill_free(xg_spill *sp);

#endif

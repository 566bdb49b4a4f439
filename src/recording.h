/* recording.h — the raw recording: an SQLite database written in one
 * transaction after stop, and read back (on any machine) into an xg_store.
 * Schema in docs/recording.md. */
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

/* Loads a recording into out (which it initialises). A file that is not a
 * recording, a newer format, or a damaged one gives -1 and a one-line err
 * naming the file; never a crash. */
int xg_recording_read(const char *path, xg_store *out, char *err,
                      size_t errlen);

#endif

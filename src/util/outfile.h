/* outfile.h — creating output files safely: 0640, never through a symlink,
 * never over an existing file unless forced. */
#ifndef XG_OUTFILE_H
#define XG_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* fopen-like "w" with O_CREAT|O_EXCL|O_NOFOLLOW (force: O_TRUNC instead of
 * O_EXCL, still refusing a symlink). NULL + one-line err naming path. */
FILE *xg_out_create(const char *path, bool force, char *err, size_t errlen);

#endif

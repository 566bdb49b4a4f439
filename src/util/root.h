/* root.h — every /proc and /sys path is read through one configurable root
 * (--root DIR or $XG_ROOT), so tests can run the real code on fake trees;
 * plus the small, allocation-free readers the samplers use on held fds. */
#ifndef XG_ROOT_H
#define XG_ROOT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Set the root ("" or NULL = the real "/"). Not thread-safe; call at start-up. */
void xg_root_set(const char *dir);
/* The root in force ("" for the real one). */
const char *xg_root_get(void);
/* Writes root + path (path is absolute, e.g. "/proc/stat") into buf.
 * Returns buf, or NULL if it does not fit. */
char *xg_root_path(char *buf, size_t len, const char *path);
/* open(2) of root + path with O_CLOEXEC added; -1 with errno on failure. */
int xg_root_open(const char *path, int flags);

/* pread(2) the whole small file at offset 0 into buf (at most cap-1 bytes)
 * and NUL-terminate it; a short read counts as the end of the file (true of
 * regular, /proc, /sys and cgroup files), so a small file is one system
 * call. Returns bytes read, or -1 with errno. */
ssize_t xg_pread_text(int fd, char *buf, size_t cap);
/* Reads root + path in one go (open, read, close). Same return as above. */
ssize_t xg_read_text(const char *path, char *buf, size_t cap);

/* Parses an unsigned decimal at *p (leading spaces/tabs skipped), stores it
 * in *out and returns the char after it; NULL when there is no digit or it
 * overflows. No stdio, no locale. */
const char *xg_parse_u64(const char *p, uint64_t *out);
/* In text made of "key value" lines (cpu.stat, cpuacct.stat, io.stat words
 * use "key=value", see xg_kv_eq_u64), finds the line whose first word is key
 * and parses the number after it. 0 on success, -1 if absent. */
int xg_kv_u64(const char *text, const char *key, uint64_t *out);
/* Within one line (up to '\n' or NUL) finds "key=NUMBER" and parses it.
 * 0 on success, -1 if absent. */
int xg_kv_eq_u64(const char *line, const char *key, uint64_t *out);

#endif

/* strbuf.h — a growable string for text whose length depends on the input
 * (paths, names, notes, messages): appended to with printf formats, never
 * cut. An allocation failure is remembered, so a caller can append freely
 * and check once at the end. */
#ifndef XG_STRBUF_H
#define XG_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct xg_sb {
    char *s;    /* NUL-terminated once anything was appended; may be NULL */
    size_t len; /* bytes in s, the NUL not counted */
    size_t cap; /* bytes allocated */
    bool oom;   /* an append failed: the text is incomplete */
} xg_sb;

#define XG_SB_INIT {NULL, 0, 0, false}

/* Appends the formatted text whole. 0, or -1 (and sb->oom) on ENOMEM or a
 * bad format; after a failure every append is refused. */
int xg_sb_printf(xg_sb *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int xg_sb_vprintf(xg_sb *sb, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Appends n bytes of p (which need not be NUL-terminated). 0 or -1. */
int xg_sb_add(xg_sb *sb, const char *p, size_t n);
/* The text so far ("" when empty); valid until the next append or free. */
const char *xg_sb_str(const xg_sb *sb);
/* Empties it, keeping the memory (and clearing oom). */
void xg_sb_clear(xg_sb *sb);
/* Frees it; it can be used again as if new. */
void xg_sb_free(xg_sb *sb);
/* Copies the text into dst (len bytes, len > 3) for an err/errlen caller:
 * 0, or -1 when it does not fit, and then dst ends in "..." so the cut
 * shows. */
int xg_sb_put(const xg_sb *sb, char *dst, size_t len);
/* For a buffer of len bytes (len > 3) that another's snprintf filled: when
 * the text fills it (strlen == len - 1) it may have been cut, so it is made
 * to end in "..." to show it. 1 when it did, else 0. */
int xg_mark_cut(char *buf, size_t len);
/* A list of lines (warnings, notes): v[0..n-1], each malloc'd, no newline.
 * xg_lines_addf appends the formatted text as a new line: 0, or -1 (and
 * oom) on ENOMEM; xg_lines_free frees them all. */
typedef struct xg_lines {
    char **v;
    size_t n, cap;
    bool oom;
} xg_lines;

int xg_lines_addf(xg_lines *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int xg_lines_vaddf(xg_lines *l, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void xg_lines_free(xg_lines *l);

/* The formatted text in a new malloc'd string (caller frees), or NULL on
 * ENOMEM. */
char *xg_strfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

/* table.h — aligned text tables: names left, numbers right, every column as
 * wide as its widest cell, nothing truncated. */
#ifndef XG_TABLE_H
#define XG_TABLE_H

#include <stddef.h>
#include <stdio.h>

typedef struct xg_table xg_table;

/* aligns: one char per column, 'l' or 'r'. Headers are copied. */
xg_table *xg_table_new(int ncols, const char *const *headers,
                       const char *aligns);
/* Adds a row of ncols cells (copied; NULL prints as "-"). 0 or -1. */
int xg_table_add(xg_table *t, const char *const *cells);
/* Prints header, a rule of dashes, and the rows; two spaces between
 * columns, no trailing blanks. */
void xg_table_print(const xg_table *t, FILE *out);
void xg_table_free(xg_table *t);

/* Text for a terminal from outside strings (domain names, a recording's
 * metadata): writes n bytes of s with each C0 control but '\n', DEL, C1
 * control (U+0080..U+009F) and byte that is not valid UTF-8 replaced by one
 * '?', as ls does, so no escape sequence reaches the terminal. Table cells
 * get the same treatment when added. */
void xg_text_write_safe(FILE *out, const char *s, size_t n);
/* The same, with '\n' a '?' too: for one-line messages. */
void xg_text_write_line(FILE *out, const char *s, size_t n);

/* Formats v with the given decimals into buf ("-" when v is NaN). */
const char *xg_fmt_num(char *buf, size_t len, double v, int decimals);

#endif

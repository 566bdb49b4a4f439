/* report.h — the overview computed from a store (live or read back from a
 * recording): a header, then one section per metric family, as aligned text,
 * CSV or JSON. */
#ifndef XG_REPORT_H
#define XG_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/store.h"

typedef enum xg_format {
    XG_FMT_TEXT, XG_FMT_CSV, XG_FMT_JSON, XG_FMT_HTML
} xg_format;

typedef struct xg_report_opts {
    xg_format fmt;
    bool partitions; /* show host partitions too */
} xg_report_opts;

/* 0, or -1 when out could not be written. */
int xg_report_write(const xg_store *s, const xg_report_opts *o, FILE *out);
/* "text"/"csv"/"json"/"html" -> format; -1 when unknown. */
int xg_format_parse(const char *name, xg_format *out);

#endif

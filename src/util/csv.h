/* csv.h — CSV fields as RFC 4180 has them: a field holding a comma, a
 * quote, CR or LF is quoted, its quotes doubled. The one writer of fields
 * for every CSV output (the report, a repeated run's, compare's). */
#ifndef XG_CSV_H
#define XG_CSV_H

#include <stdio.h>

#include "util/strbuf.h"

/* Field f (NULL: empty), then sep, appended to sb / written to out. */
void xg_csv_field(xg_sb *sb, const char *f, const char *sep);
void xg_csv_put(FILE *out, const char *f, const char *sep);

#endif

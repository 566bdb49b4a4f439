/* csv.c — CSV fields (csv.h). */
#include "util/csv.h"

#include <string.h>

void xg_csv_field(xg_sb *sb, const char *f, const char *sep)
{
    if (!f)
        f = "";
    size_t n = strcspn(f, ",\"\r\n");
    if (!f[n]) {
        xg_sb_add(sb, f, n);
    } else {
        xg_sb_add(sb, "\"", 1);
        for (const char *q; (q = strchr(f, '"')); f = q + 1) {
            xg_sb_add(sb, f, (size_t)(q - f));
            xg_sb_add(sb, "\"\"", 2);
        }
        xg_sb_add(sb, f, strlen(f));
        xg_sb_add(sb, "\"", 1);
    }
    xg_sb_add(sb, sep, strlen(sep));
}

void xg_csv_put(FILE *out, const char *f, const char *sep)
{
    xg_sb sb = XG_SB_INIT;

    if (f && !f[strcspn(f, ",\"\r\n")]) { /* the common case: as it is */
        fputs(f, out);
        fputs(sep, out);
        return;
    }
    xg_csv_field(&sb, f, sep);
    fputs(xg_sb_str(&sb), out);
    xg_sb_free(&sb);
}

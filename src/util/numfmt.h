/* numfmt.h — numbers as the reports write them. */
#ifndef XG_NUMFMT_H
#define XG_NUMFMT_H

#include <stddef.h>
#include <stdint.h>

/* Room for any double xg_fmt_fixed6 writes ("%.6f" of 1e308 included). */
#define XG_NUM_LEN 352

/* v rounded to 6 decimals as "%.6f" gives it, trailing zeros and a bare
 * point dropped, "-0" as "0": 75, 1.5, 0.333333. The same text as printf,
 * by integer arithmetic where that is exact (below 9e9 and not within
 * 1e-9 of a rounding tie), printf otherwise. Returns buf (XG_NUM_LEN
 * bytes). */
const char *xg_fmt_fixed6(char *buf, double v);

/* A byte count for people: "512 B", "1.5 KiB", "2.0 MiB", "3.1 GiB". */
void xg_bytes_text(char *buf, size_t len, uint64_t b);

#endif

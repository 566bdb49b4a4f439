/* numfmt.h — numbers as the reports write them. */
#ifndef XG_NUMFMT_H
#define XG_NUMFMT_H

/* Room for any double xg_fmt_fixed6 writes ("%.6f" of 1e308 included). */
#define XG_NUM_LEN 352

/* v rounded to 6 decimals as "%.6f" gives it, trailing zeros and a bare
 * point dropped, "-0" as "0": 75, 1.5, 0.333333. The same text as printf,
 * by integer arithmetic where that is exact (below 9e9 and not within
 * 1e-9 of a rounding tie), printf otherwise. Returns buf (XG_NUM_LEN
 * bytes). */
const char *xg_fmt_fixed6(char *buf, double v);

#endif

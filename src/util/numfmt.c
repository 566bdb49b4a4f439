/* numfmt.c — numbers as the reports write them, fast: printf's float
 * formatting was 40 % of the time of a CSV or JSON report. */
#include "util/numfmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* v with 6 decimals, trailing zeros dropped, into buf (at least 32 bytes)
 * from llround(|v| * 1e6). -1 where that could differ from "%.6f": too
 * big, or so near a tie (within 1e-3 millionths) that the product may
 * have rounded the other way. */
static int fast(char *buf, double v)
{
    double a = fabs(v) * 1e6, fl = floor(a);
    if (!(a < 9e15) || fabs(a - fl - 0.5) < 1e-3)
        return -1;
    unsigned long long n = (unsigned long long)llround(a);
    unsigned long long ip = n / 1000000, fp = n % 1000000;
    int len = 0;
    char digits[24];
    int nd = 0;
    if (v < 0 && n)
        buf[len++] = '-';
    do
        digits[nd++] = (char)('0' + ip % 10);
    while ((ip /= 10));
    while (nd)
        buf[len++] = digits[--nd];
    if (fp) {
        int w = 6;
        while (fp % 10 == 0) {
            fp /= 10;
            w--;
        }
        buf[len++] = '.';
        for (int i = w - 1; i >= 0; i--, fp /= 10)
            buf[len + i] = (char)('0' + fp % 10);
        len += w;
    }
    buf[len] = '\0';
    return 0;
}

const char *xg_fmt_fixed6(char *buf, double v)
{
    if (fast(buf, v) == 0)
        return buf;
    snprintf(buf, XG_NUM_LEN, "%.6f", v);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *e = buf + strlen(buf) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        strcpy(buf, "0");
    return buf;
}

void xg_bytes_text(char *buf, size_t len, uint64_t b)
{
    if (b < 1024)
        snprintf(buf, len, "%llu B", (unsigned long long)b);
    else if (b < 1024 * 1024)
        snprintf(buf, len, "%.1f KiB", (double)b / 1024);
    else if (b < 1024ull * 1024 * 1024)
        snprintf(buf, len, "%.1f MiB", (double)b / (1024.0 * 1024));
    else
        snprintf(buf, len, "%.1f GiB", (double)b / (1024.0 * 1024 * 1024));
}

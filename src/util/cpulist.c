/* cpulist.c — a CPU bitmap as a CPU list (see cpulist.h). */
#include "util/cpulist.h"

#include <stdbool.h>
#include <stdio.h>

static bool bit(const uint8_t *map, size_t c)
{
    return (map[c / 8] >> (c % 8)) & 1u;
}

int xg_cpulist_format(const uint8_t *map, size_t nbits, char *buf,
                      size_t len)
{
    size_t off = 0;

    if (!len)
        return -1;
    buf[0] = '\0';
    for (size_t c = 0; c < nbits; c++) {
        size_t e = c;
        int w;
        if (!bit(map, c))
            continue;
        while (e + 1 < nbits && bit(map, e + 1))
            e++;
        w = e == c ? snprintf(buf + off, len - off, "%s%zu", off ? "," : "",
                              c)
                   : snprintf(buf + off, len - off, "%s%zu-%zu",
                              off ? "," : "", c, e);
        if (w < 0 || (size_t)w >= len - off) {
            buf[0] = '\0';
            return -1;
        }
        off += (size_t)w;
        c = e;
    }
    return 0;
}

void xg_cpulist_or(uint8_t *acc, size_t len, size_t *accbits,
                   const uint8_t *map, size_t nbits)
{
    size_t n = nbits < len * 8 ? nbits : len * 8;

    for (size_t i = 0; i < n / 8; i++)
        acc[i] |= map[i];
    if (n % 8)
        acc[n / 8] |= map[n / 8] & (uint8_t)((1u << (n % 8)) - 1);
    if (n > *accbits)
        *accbits = n;
}

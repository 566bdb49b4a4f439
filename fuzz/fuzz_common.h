/* fuzz_common.h — small helpers shared by the libFuzzer harnesses. */
#ifndef XG_FUZZ_COMMON_H
#define XG_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a malloc'd NUL-terminated string (ASan sees the exact
 * size + 1, so a read past the terminator is caught); NULL on ENOMEM. */
static inline char *fz_strdup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (s) {
        if (size)
            memcpy(s, data, size);
        s[size] = '\0';
    }
    return s;
}

/* A USER_HZ value the kernel can have, picked by one input byte. */
static inline long fz_clk_tck(uint8_t b)
{
    static const long hz[] = {100, 250, 300, 1000, 1024, 24, 1, 1000000000};

    return hz[b % (sizeof(hz) / sizeof(hz[0]))];
}

#endif

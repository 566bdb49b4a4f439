/* grow.c — see grow.h. */
#include "util/grow.h"

#include <stdlib.h>
#include <string.h>

int xg_grow_to(void **v, size_t *n, size_t *cap, size_t sz, size_t i)
{
    if (i >= *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        void *nv;
        while (nc <= i)
            nc *= 2;
        if (!(nv = realloc(*v, nc * sz)))
            return -1;
        *v = nv;
        *cap = nc;
    }
    if (*n <= i) {
        memset((char *)*v + *n * sz, 0, (i + 1 - *n) * sz);
        *n = i + 1;
    }
    return 0;
}

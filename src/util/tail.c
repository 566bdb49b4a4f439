/* tail.c — a stream's last bytes in a ring (see tail.h). */
#include "util/tail.h"

#include <stdlib.h>
#include <string.h>

void xg_tail_init(xg_tail *t, size_t cap)
{
    memset(t, 0, sizeof(*t));
    t->cap = cap;
}

int xg_tail_add(xg_tail *t, const char *p, size_t n)
{
    t->total += n;
    if (!t->cap || !n)
        return 0;
    if (!t->ring && !(t->ring = malloc(t->cap)))
        return -1;
    if (n >= t->cap) { /* only the last cap bytes matter */
        memcpy(t->ring, p + (n - t->cap), t->cap);
        t->head = 0;
        t->len = t->cap;
        return 0;
    }
    size_t first = t->cap - t->head < n ? t->cap - t->head : n;
    memcpy(t->ring + t->head, p, first);
    memcpy(t->ring, p + first, n - first);
    t->head = (t->head + n) % t->cap;
    t->len = t->len + n > t->cap ? t->cap : t->len + n;
    return 0;
}

size_t xg_tail_copy(const xg_tail *t, char *out)
{
    size_t start = (t->head + t->cap - t->len) % (t->cap ? t->cap : 1);
    size_t first = t->cap - start < t->len ? t->cap - start : t->len;

    if (!t->len)
        return 0;
    memcpy(out, t->ring + start, first);
    memcpy(out + first, t->ring, t->len - first);
    return t->len;
}

void xg_tail_free(xg_tail *t)
{
    free(t->ring);
    memset(t, 0, sizeof(*t));
}

/* tail.h — the last bytes of a stream, kept in a ring of fixed size, and how
 * many bytes the stream had in all: a workload's output without holding all
 * of it (a benchmark's summary comes last). */
#ifndef XG_TAIL_H
#define XG_TAIL_H

#include <stddef.h>
#include <stdint.h>

typedef struct xg_tail {
    char *ring;      /* cap bytes once something came; NULL before */
    size_t cap;      /* the most kept */
    size_t len;      /* bytes kept (<= cap) */
    size_t head;     /* where the next byte goes */
    uint64_t total;  /* bytes seen in all */
} xg_tail;

/* An empty tail keeping at most cap bytes (nothing allocated yet). */
void xg_tail_init(xg_tail *t, size_t cap);
/* Adds n bytes. 0, or -1 on ENOMEM (total still counts them). */
int xg_tail_add(xg_tail *t, const char *p, size_t n);
/* The kept bytes, oldest first, into out (at least t->len bytes). */
size_t xg_tail_copy(const xg_tail *t, char *out);
void xg_tail_free(xg_tail *t);

#endif

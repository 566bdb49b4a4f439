/* keyset.h — a small open-addressing set of domain keys, so spotting a new
 * domain among thousands costs a hash, not a scan. */
#ifndef XG_KEYSET_H
#define XG_KEYSET_H

#include <stdbool.h>
#include <stddef.h>

typedef struct xg_keyset {
    char **slot; /* borrowed pointers; NULL = empty */
    size_t cap, n;
} xg_keyset;

/* Adds key (not copied: it must outlive the set). 0, or -1 on ENOMEM. */
int xg_keyset_add(xg_keyset *s, const char *key);
bool xg_keyset_has(const xg_keyset *s, const char *key);
void xg_keyset_free(xg_keyset *s);

#endif

/* grow.h — one growable array helper: make index i exist in an array of
 * elements of a given size, the new ones zeroed (the per-domain state of
 * the collectors, lists built while reading). */
#ifndef XG_GROW_H
#define XG_GROW_H

#include <stddef.h>

/* Grows *v (count *n, capacity *cap, elements of sz bytes) so that index i
 * exists; elements from the old *n to i are zeroed. 0, or -1 on ENOMEM
 * (nothing changed). */
int xg_grow_to(void **v, size_t *n, size_t *cap, size_t sz, size_t i);

#endif

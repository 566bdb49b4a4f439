/* keyset.c — open-addressing string set (FNV-1a, linear probing). */
#include "core/keyset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t hash(const char *k)
{
    uint64_t h = 1469598103934665603ull;

    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211ull;
    return (size_t)h;
}

static size_t find(char *const *slot, size_t cap, const char *key)
{
    size_t i = hash(key) & (cap - 1);

    while (slot[i] && strcmp(slot[i], key) != 0)
        i = (i + 1) & (cap - 1);
    return i;
}

int xg_keyset_add(xg_keyset *s, const char *key)
{
    size_t i;

    if ((s->n + 1) * 2 > s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64, j;
        char **ns = calloc(nc, sizeof(*ns));
        if (!ns)
            return -1;
        for (j = 0; j < s->cap; j++)
            if (s->slot[j])
                ns[find(ns, nc, s->slot[j])] = s->slot[j];
        free(s->slot);
        s->slot = ns;
        s->cap = nc;
    }
    i = find(s->slot, s->cap, key);
    if (!s->slot[i]) {
        s->slot[i] = (char *)key;
        s->n++;
    }
    return 0;
}

bool xg_keyset_has(const xg_keyset *s, const char *key)
{
    return s->cap && s->slot[find(s->slot, s->cap, key)] != NULL;
}

void xg_keyset_free(xg_keyset *s)
{
    free(s->slot);
    memset(s, 0, sizeof(*s));
}

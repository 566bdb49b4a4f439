/* store.c — the in-memory model of one experiment (see store.h). Arrays grow
 * by doubling, so sampling allocates only when a preallocated array fills. */
#include "core/store.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"

static int grow(void **v, size_t *cap, size_t need, size_t elem)
{
    size_t nc;
    void *nv;

    if (need <= *cap)
        return 0;
    nc = *cap ? *cap : 8;
    while (nc < need)
        nc *= 2;
    nv = realloc(*v, nc * elem);
    if (!nv)
        return -1;
    *v = nv;
    *cap = nc;
    return 0;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

void xg_store_init(xg_store *s, uint32_t expect_ticks)
{
    memset(s, 0, sizeof(*s));
    s->expect_ticks = expect_ticks;
}

void xg_store_free(xg_store *s)
{
    size_t i;

    for (i = 0; i < s->n_meta; i++) {
        free(s->meta[i].key);
        free(s->meta[i].value);
    }
    for (i = 0; i < s->n_domains; i++) {
        xg_domain_info *d = &s->domains[i];
        free(d->key);
        free(d->name);
        free(d->address);
        free(d->uuid);
        free(d->host);
        free(d->label);
    }
    for (i = 0; i < s->n_series; i++) {
        xg_series *x = &s->series[i];
        free(x->family);
        free(x->device);
        free(x->metric);
        free(x->unit);
        free(x->values);
        free(x->note);
        free(x->source);
    }
    for (i = 0; i < s->n_workloads; i++) {
        free(s->workloads[i].argv);
        free(s->workloads[i].state);
        free(s->workloads[i].out[0]);
        free(s->workloads[i].out[1]);
    }
    for (i = 0; i < s->cap_by_dom; i++)
        free(s->by_dom[i].idx);
    free(s->by_dom);
    free(s->slots);
    free(s->meta);
    free(s->domains);
    free(s->series);
    free(s->workloads);
    free(s->reps);
    free(s->tick_mono_ns);
    free(s->tick_wall_ns);
    memset(s, 0, sizeof(*s));
}

void xg_store_meta_del(xg_store *s, const char *key)
{
    for (size_t i = 0; i < s->n_meta; i++)
        if (strcmp(s->meta[i].key, key) == 0) {
            free(s->meta[i].key);
            free(s->meta[i].value);
            /* the order of the others stays (it is the file's) */
            memmove(&s->meta[i], &s->meta[i + 1],
                    (s->n_meta - i - 1) * sizeof(*s->meta));
            s->n_meta--;
            return;
        }
}

int xg_store_meta_set(xg_store *s, const char *key, const char *value)
{
    char *v = strdup(value ? value : "");
    size_t i;

    if (!v)
        return -1;
    for (i = 0; i < s->n_meta; i++) {
        if (strcmp(s->meta[i].key, key) == 0) {
            free(s->meta[i].value);
            s->meta[i].value = v;
            return 0;
        }
    }
    if (grow((void **)&s->meta, &s->cap_meta, s->n_meta + 1,
             sizeof(*s->meta)) < 0) {
        free(v);
        return -1;
    }
    s->meta[s->n_meta].key = strdup(key);
    if (!s->meta[s->n_meta].key) {
        free(v);
        return -1;
    }
    s->meta[s->n_meta++].value = v;
    return 0;
}

const char *xg_store_meta_get(const xg_store *s, const char *key)
{
    size_t i;

    for (i = 0; i < s->n_meta; i++)
        if (strcmp(s->meta[i].key, key) == 0)
            return s->meta[i].value;
    return NULL;
}

static bool same_host(const char *a, const char *b)
{
    return a && b ? strcmp(a, b) == 0 : a == b;
}

int64_t xg_store_add_domain(xg_store *s, const xg_domain_info *d)
{
    xg_domain_info *n;

    if (grow((void **)&s->domains, &s->cap_domains, s->n_domains + 1,
             sizeof(*s->domains)) < 0)
        return -1;
    n = &s->domains[s->n_domains];
    *n = *d;
    n->key = dup_or_null(d->key ? d->key : "");
    n->name = dup_or_null(d->name ? d->name : "");
    n->address = dup_or_null(d->address);
    n->uuid = dup_or_null(d->uuid);
    n->host = dup_or_null(d->host);
    n->label = d->host ? xg_strfmt("%s/%s", d->host, n->name ? n->name : "")
                       : NULL;
    if (!n->key || !n->name || (d->address && !n->address) ||
        (d->uuid && !n->uuid) || (d->host && (!n->host || !n->label))) {
        free(n->key);
        free(n->name);
        free(n->address);
        free(n->uuid);
        free(n->host);
        free(n->label);
        return -1;
    }
    /* a host other than the first domain's (none counts as one) */
    if (s->n_domains && !same_host(s->domains[0].host, n->host))
        s->multi_host = true;
    return (int64_t)s->n_domains++;
}

const char *xg_store_dom_label(const xg_store *s, uint32_t dom)
{
    const xg_domain_info *d = &s->domains[dom];

    return s->multi_host && d->label ? d->label : d->name;
}

int64_t xg_store_find_domain(const xg_store *s, const char *key)
{
    size_t i;

    for (i = 0; i < s->n_domains; i++)
        if (strcmp(s->domains[i].key, key) == 0)
            return (int64_t)i;
    return -1;
}

/* FNV-1a of n bytes, on from h. */
static uint32_t fnv(uint32_t h, const void *p, size_t n)
{
    const unsigned char *b = p;

    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

/* The hash of a series' key; each string with its 0 byte, so that
 * ("ab", "c") and ("a", "bc") differ. */
static uint32_t key_hash(uint32_t domain, const char *family,
                         const char *device, const char *metric)
{
    uint32_t h = fnv(2166136261u, &domain, sizeof(domain));

    h = fnv(h, family, strlen(family) + 1);
    h = fnv(h, device, strlen(device) + 1);
    return fnv(h, metric, strlen(metric) + 1);
}

static bool same_key(const xg_series *x, uint32_t domain, const char *family,
                     const char *device, const char *metric)
{
    return x->domain == domain && x->family && x->device && x->metric &&
           strcmp(x->metric, metric) == 0 && strcmp(x->family, family) == 0 &&
           strcmp(x->device, device) == 0;
}

/* The key's slot: the one holding its series, or the empty one where it
 * would go. The table has slots (it is at most half full, so this ends). */
static size_t probe(const xg_store *s, uint32_t h, uint32_t domain,
                    const char *family, const char *device, const char *metric)
{
    size_t mask = s->cap_slots - 1, i = h & mask;

    for (;; i = (i + 1) & mask) {
        const xg_series_slot *sl = &s->slots[i];
        if (sl->series1 == 0 ||
            (sl->hash == h && same_key(&s->series[sl->series1 - 1], domain,
                                       family, device, metric)))
            return i;
    }
}

/* Room in the table for one more series: doubles it when it would be more
 * than half full, placing the slots again by their kept hashes. */
static int slots_room(xg_store *s)
{
    size_t nc, mask, i, j;
    xg_series_slot *ns;

    if ((s->n_indexed + 1) * 2 <= s->cap_slots)
        return 0;
    nc = s->cap_slots ? s->cap_slots * 2 : 64;
    ns = calloc(nc, sizeof(*ns));
    if (!ns)
        return -1;
    mask = nc - 1;
    for (i = 0; i < s->cap_slots; i++) {
        if (s->slots[i].series1 == 0)
            continue;
        for (j = s->slots[i].hash & mask; ns[j].series1; j = (j + 1) & mask)
            ;
        ns[j] = s->slots[i];
    }
    free(s->slots);
    s->slots = ns;
    s->cap_slots = nc;
    return 0;
}

/* Room in domain's list for one more series. */
static int dom_room(xg_store *s, uint32_t domain)
{
    xg_dom_series *l;
    size_t cap = s->cap_by_dom;

    if (domain >= s->cap_by_dom) {
        if (grow((void **)&s->by_dom, &cap, (size_t)domain + 1,
                 sizeof(*s->by_dom)) < 0)
            return -1;
        memset(s->by_dom + s->cap_by_dom, 0,
               (cap - s->cap_by_dom) * sizeof(*s->by_dom));
        s->cap_by_dom = cap;
    }
    l = &s->by_dom[domain];
    cap = l->cap;
    if (grow((void **)&l->idx, &cap, (size_t)l->n + 1, sizeof(*l->idx)) < 0)
        return -1;
    l->cap = (uint32_t)cap;
    return 0;
}

/* Puts series i (the next one not indexed) in the index: in slot `slot`
 * (empty), and last in its domain's list (room made by the caller). */
static void index_put(xg_store *s, size_t slot, uint32_t h, size_t i)
{
    xg_dom_series *l = &s->by_dom[s->series[i].domain];

    s->slots[slot] = (xg_series_slot){(uint32_t)i + 1, h};
    l->idx[l->n++] = (uint32_t)i;
    s->n_indexed = i + 1;
}

/* Indexes the series filled in by hand (none, unless someone did). */
static int index_rest(xg_store *s)
{
    while (s->n_indexed < s->n_series) {
        const xg_series *x = &s->series[s->n_indexed];
        uint32_t h;
        if (!x->family || !x->device || !x->metric)
            return -1;
        h = key_hash(x->domain, x->family, x->device, x->metric);
        if (slots_room(s) < 0 || dom_room(s, x->domain) < 0)
            return -1;
        index_put(s, probe(s, h, x->domain, x->family, x->device, x->metric),
                  h, s->n_indexed);
    }
    return 0;
}

int64_t xg_store_find_series(const xg_store *s, uint32_t domain,
                             const char *family, const char *device,
                             const char *metric)
{
    size_t i;

    if (!device)
        device = "";
    if (s->cap_slots) {
        i = probe(s, key_hash(domain, family, device, metric), domain,
                  family, device, metric);
        if (s->slots[i].series1)
            return (int64_t)s->slots[i].series1 - 1;
    }
    for (i = s->n_indexed; i < s->n_series; i++)
        if (same_key(&s->series[i], domain, family, device, metric))
            return (int64_t)i;
    return -1;
}

int64_t xg_store_next_series(const xg_store *s, uint32_t dom,
                             const char *family, size_t *pos)
{
    const xg_dom_series *l = dom < s->cap_by_dom ? &s->by_dom[dom] : NULL;
    size_t nl = l ? l->n : 0, i;

    while (*pos < nl) {
        i = l->idx[(*pos)++];
        if (!family || strcmp(s->series[i].family, family) == 0)
            return (int64_t)i;
    }
    /* then the series not indexed, if any */
    while ((i = s->n_indexed + (*pos - nl)) < s->n_series) {
        const xg_series *x = &s->series[i];
        (*pos)++;
        if (x->domain == dom &&
            (!family || (x->family && strcmp(x->family, family) == 0)))
            return (int64_t)i;
    }
    return -1;
}

/* A new series, not in the index yet, at the end of the array. */
static int64_t new_series(xg_store *s, uint32_t domain, const char *family,
                          const char *device, const char *metric,
                          const char *unit)
{
    xg_series *x;

    if (grow((void **)&s->series, &s->cap_series, s->n_series + 1,
             sizeof(*s->series)) < 0)
        return -1;
    x = &s->series[s->n_series];
    memset(x, 0, sizeof(*x));
    x->domain = domain;
    x->family = strdup(family);
    x->device = strdup(device);
    x->metric = strdup(metric);
    x->unit = strdup(unit ? unit : "");
    if (!x->family || !x->device || !x->metric || !x->unit) {
        free(x->family);
        free(x->device);
        free(x->metric);
        free(x->unit);
        return -1;
    }
    return (int64_t)s->n_series++;
}

int64_t xg_store_series(xg_store *s, uint32_t domain, const char *family,
                        const char *device, const char *metric,
                        const char *unit)
{
    uint32_t h;
    size_t slot;
    int64_t i;

    if (!device)
        device = "";
    if (index_rest(s) < 0 || s->n_series >= UINT32_MAX - 1)
        return -1;
    h = key_hash(domain, family, device, metric);
    /* room first (a rehash moves the slots), so nothing fails after the
     * series is made */
    if (slots_room(s) < 0 || dom_room(s, domain) < 0)
        return -1;
    slot = probe(s, h, domain, family, device, metric);
    if (s->slots[slot].series1)
        return (int64_t)s->slots[slot].series1 - 1;
    i = new_series(s, domain, family, device, metric, unit);
    if (i >= 0)
        index_put(s, slot, h, (size_t)i);
    return i;
}

int64_t xg_store_tick(xg_store *s, int64_t mono_ns, int64_t wall_ns)
{
    if (s->n_ticks == s->cap_ticks) {
        size_t cap = s->cap_ticks, cap2 = s->cap_ticks;
        size_t need = s->n_ticks + 1;
        if (need < s->expect_ticks)
            need = s->expect_ticks;
        if (grow((void **)&s->tick_mono_ns, &cap, need,
                 sizeof(*s->tick_mono_ns)) < 0 ||
            grow((void **)&s->tick_wall_ns, &cap2, need,
                 sizeof(*s->tick_wall_ns)) < 0)
            return -1;
        s->cap_ticks = (uint32_t)(cap < cap2 ? cap : cap2);
    }
    s->tick_mono_ns[s->n_ticks] = mono_ns;
    s->tick_wall_ns[s->n_ticks] = wall_ns;
    return (int64_t)s->n_ticks++;
}

/* value for series at tick t (the last, or an earlier one for a series
 * that never had a value). */
static int put_at(xg_store *s, uint32_t series, uint32_t t, uint64_t value)
{
    xg_series *x = &s->series[series];
    xg_domain_info *d = &s->domains[x->domain];
    uint32_t idx;

    if (x->n == 0)
        x->first_tick = t;
    if (t < x->first_tick)
        return -1;
    idx = t - x->first_tick;
    if (idx >= x->cap) {
        size_t cap = x->cap;
        size_t need = idx + 1;
        if (x->cap == 0 && s->expect_ticks > t)
            need = s->expect_ticks - t + 1;
        if (s->prealloc_max && need > s->prealloc_max && idx < s->prealloc_max)
            need = s->prealloc_max;
        if (grow((void **)&x->values, &cap, need, sizeof(*x->values)) < 0)
            return -1;
        x->cap = (uint32_t)cap;
    }
    while (x->n < idx)
        x->values[x->n++] = XG_NOVALUE;
    x->values[idx] = value;
    if (idx >= x->n)
        x->n = idx + 1;
    if (d->first_tick < 0 || (int64_t)t < d->first_tick)
        d->first_tick = t;
    if ((int64_t)t > d->last_tick)
        d->last_tick = t;
    return 0;
}

int xg_store_put(xg_store *s, uint32_t series, uint64_t value)
{
    if (s->n_ticks == 0)
        return -1;
    return put_at(s, series, s->n_ticks - 1, value);
}

int xg_store_put_at(xg_store *s, uint32_t series, uint32_t t, uint64_t value)
{
    const xg_series *x = &s->series[series];

    if (t >= s->n_ticks || (x->n && t < x->first_tick))
        return -1;
    return put_at(s, series, t, value);
}

int xg_store_put_first(xg_store *s, uint32_t series, uint32_t t,
                       uint64_t value)
{
    const xg_series *x = &s->series[series];

    if (t >= s->n_ticks || x->n != 0 || x->taken_to != 0)
        return -1;
    /* every tick from t to the current one: the counter stood at value
     * all along (a line that was not there had counted nothing), and a
     * series with a hole inside its span would read as samples lost */
    for (uint32_t u = t; u < s->n_ticks; u++)
        if (put_at(s, series, u, value) < 0)
            return -1;
    return 0;
}

uint64_t xg_store_get(const xg_store *s, uint32_t series, uint32_t t)
{
    const xg_series *x = &s->series[series];

    if (t < x->first_tick || t - x->first_tick >= x->n)
        return XG_NOVALUE;
    return x->values[t - x->first_tick];
}

int xg_store_series_note(xg_store *s, uint32_t series, const char *note)
{
    char *n = strdup(note);

    if (!n)
        return -1;
    free(s->series[series].note);
    s->series[series].note = n;
    return 0;
}

int xg_store_series_source(xg_store *s, uint32_t series, const char *source)
{
    char *n = strdup(source);

    if (!n)
        return -1;
    free(s->series[series].source);
    s->series[series].source = n;
    return 0;
}

int64_t xg_store_add_workload(xg_store *s, const xg_workload *w)
{
    xg_workload *n;

    if (grow((void **)&s->workloads, &s->cap_workloads, s->n_workloads + 1,
             sizeof(*s->workloads)) < 0)
        return -1;
    n = &s->workloads[s->n_workloads];
    *n = *w;
    n->argv = strdup(w->argv ? w->argv : "[]");
    n->state = strdup(w->state ? w->state : "");
    for (int k = 0; k < 2; k++) {
        n->out[k] = NULL;
        n->out_len[k] = w->out[k] ? w->out_len[k] : 0;
        if (n->out_len[k] && (n->out[k] = malloc(n->out_len[k])))
            memcpy(n->out[k], w->out[k], n->out_len[k]);
    }
    if (!n->argv || !n->state || (n->out_len[0] && !n->out[0]) ||
        (n->out_len[1] && !n->out[1])) {
        free(n->argv);
        free(n->state);
        free(n->out[0]);
        free(n->out[1]);
        return -1;
    }
    return (int64_t)s->n_workloads++;
}

int64_t xg_store_add_rep(xg_store *s, const xg_rep *r)
{
    if (grow((void **)&s->reps, &s->cap_reps, s->n_reps + 1,
             sizeof(*s->reps)) < 0)
        return -1;
    s->reps[s->n_reps++] = *r;
    return (int64_t)s->n_reps;
}

static const char *const rep_states[] = {"running", "whole", "partial"};

const char *xg_rep_state_name(xg_rep_state st)
{
    return (unsigned)st < 3 ? rep_states[st] : "?";
}

bool xg_rep_state_parse(const char *name, xg_rep_state *st)
{
    for (unsigned k = 0; k < 3; k++)
        if (name && strcmp(name, rep_states[k]) == 0) {
            *st = (xg_rep_state)k;
            return true;
        }
    return false;
}

int64_t xg_store_series_last(const xg_store *s, uint32_t series)
{
    const xg_series *x = &s->series[series];

    if (x->n > 0)
        return (int64_t)x->first_tick + x->n - 1;
    return (int64_t)x->taken_to - 1;
}

size_t xg_store_sample_bytes(const xg_store *s)
{
    size_t b = (size_t)s->cap_ticks * 2 * sizeof(int64_t);
    size_t i;

    for (i = 0; i < s->n_series; i++)
        b += (size_t)s->series[i].cap * sizeof(uint64_t);
    return b;
}

int xg_store_reserve(xg_store *s)
{
    size_t i;

    for (i = 0; i < s->n_series; i++) {
        xg_series *x = &s->series[i];
        size_t cap = x->cap;
        if (x->cap == 0 || s->expect_ticks <= x->first_tick)
            continue;
        if (grow((void **)&x->values, &cap,
                 (size_t)s->expect_ticks - x->first_tick + 1,
                 sizeof(*x->values)) < 0)
            return -1;
        x->cap = (uint32_t)cap;
    }
    return 0;
}

/* The capacity grow() gives an array of cap for need elements. */
static size_t grown(size_t cap, size_t need)
{
    size_t nc = cap ? cap : 8;

    if (need <= cap)
        return cap;
    while (nc < need)
        nc *= 2;
    return nc;
}

size_t xg_store_sample_bytes_next(const xg_store *s)
{
    size_t ticks = s->cap_ticks, b, i;

    if (s->n_ticks == s->cap_ticks)
        ticks = grown(ticks, s->n_ticks + 1 > s->expect_ticks
                                 ? s->n_ticks + 1 : s->expect_ticks);
    b = ticks * 2 * sizeof(int64_t);
    for (i = 0; i < s->n_series; i++) {
        const xg_series *x = &s->series[i];
        size_t cap = x->cap;
        if (cap > 0 && x->first_tick + x->n == s->n_ticks && x->n == cap)
            cap = grown(cap, (size_t)cap + 1); /* full, and sampled last tick */
        b += cap * sizeof(uint64_t);
    }
    return b;
}

int xg_store_take(xg_store *s, xg_chunk *c)
{
    size_t i, n = 0;

    memset(c, 0, sizeof(*c));
    for (i = 0; i < s->n_series; i++)
        if (s->series[i].n > 0)
            n++;
    if (n == 0)
        return 0;
    c->runs = malloc(n * sizeof(*c->runs));
    if (!c->runs)
        return -1;
    for (i = 0; i < s->n_series; i++) {
        xg_series *x = &s->series[i];
        xg_run *r;
        if (x->n == 0)
            continue;
        r = &c->runs[c->n++];
        r->series = (uint32_t)i;
        r->first_tick = x->first_tick;
        r->n = x->n;
        r->cap = x->cap;
        r->values = x->values;
        c->bytes += (size_t)x->cap * sizeof(*x->values);
        x->taken_to = x->first_tick + x->n;
        x->values = NULL;
        x->n = x->cap = 0;
    }
    return 0;
}

void xg_chunk_free(xg_chunk *c)
{
    size_t i;

    for (i = 0; i < c->n; i++)
        free(c->runs[i].values);
    free(c->runs);
    memset(c, 0, sizeof(*c));
}

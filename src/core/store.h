/* store.h — the in-memory model of one experiment: metadata, domains, series
 * of raw cumulative counters, sample ticks and workloads. The collectors fill
 * it while measuring (no file I/O), the recording writer saves it, the reader
 * loads it back, and the report is computed from it. Under --max-memory the
 * values held so far can be moved out (xg_store_take) for a background
 * writer; the series go on from empty arrays. */
#ifndef XG_STORE_H
#define XG_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XG_NOVALUE UINT64_MAX /* no sample for this series at this tick */

typedef struct xg_domain_info {
    char *key;            /* stable identity, e.g. "cgroup:machine.slice/a" */
    char *name;           /* display name, e.g. "a" or "host" */
    char *address;        /* from the vmfile; NULL when none */
    char *uuid;           /* NULL when unknown */
    char *host;           /* the hypervisor host it ran on, in a recording
                           * of several hosts (import); NULL: this one */
    char *label;          /* "HOST/NAME" when host is set (made by
                           * xg_store_add_domain; what is passed is
                           * ignored); NULL otherwise */
    int64_t platform_id;  /* domid, cgroup inode, pid...; -1 when unknown */
    int vcpus;            /* 0 when unknown */
    bool is_host;         /* the host / Domain-0 row */
    int64_t first_tick;   /* first tick with a sample; -1 before any */
    int64_t last_tick;    /* last tick with a sample; -1 before any */
} xg_domain_info;

typedef struct xg_series {
    uint32_t domain;      /* index into xg_store.domains */
    char *family;         /* "cpu", "disk", "hostdisk", "net", "cache"... */
    char *device;         /* "" when the series is for the whole domain */
    char *metric;         /* e.g. "usage", "rd_bytes" */
    char *unit;           /* e.g. "ns", "bytes", "ios", "ms", "sectors" */
    uint32_t first_tick;  /* tick of values[0] */
    uint32_t n;           /* values stored */
    uint32_t cap;
    uint64_t *values;     /* values[i] is at tick first_tick+i, XG_NOVALUE = gap */
    char *note;           /* why the series ended early, or NULL */
    char *source;         /* where the figures came from ("qmp",
                           * "proc-io", "blkio"...), or NULL */
    uint32_t taken_to;    /* ticks before this were moved out by
                           * xg_store_take (0: none) */
} xg_series;

/* The most kept of each stream a workload wrote (joblog.h). */
#define XG_OUTPUT_KEEP (64 * 1024)

typedef struct xg_workload {
    uint32_t domain;      /* index into xg_store.domains */
    uint32_t rep;         /* its repetition (1..n_reps) in a repeated run;
                           * 0 in a single one */
    char *argv;           /* the argv that ran, as a JSON array of strings */
    int64_t start_ns;     /* CLOCK_MONOTONIC */
    int64_t end_ns;       /* -1 if still running at stop */
    int exit_code;        /* valid when state is "exited" */
    int signal;           /* valid when state is "killed" */
    char *state;          /* "exited", "killed", "running", "failed" */
    /* its output, [0] stdout, [1] stderr: the last out_len[k] bytes kept
     * (any bytes, not a string; NULL when none) of out_total[k] in all */
    char *out[2];
    size_t out_len[2];
    uint64_t out_total[2];
} xg_workload;

typedef struct xg_meta_kv { char *key, *value; } xg_meta_kv;

/* A repetition of a repeated run (run --repeat): its window is ticks
 * first_tick .. last_tick, first_tick its own baseline, taken right before
 * its workloads start. The ticks between two repetitions (the workloads
 * stopping, --pause) belong to none. Repetition r is reps[r - 1]. */
typedef enum xg_rep_state {
    XG_REP_RUNNING,       /* not ended yet (a checkpoint's view; read back,
                           * the run was killed during it) */
    XG_REP_WHOLE,         /* its window ran to its end */
    XG_REP_PARTIAL        /* cut short by a stop signal */
} xg_rep_state;

typedef struct xg_rep {
    uint32_t first_tick, last_tick;
    bool warmup;          /* run first, left out of the statistics */
    xg_rep_state state;
} xg_rep;

/* The series index (kept by xg_store_series, the only way series are
 * added): an open-addressing hash table of (domain, family, device, metric)
 * and, per domain, its series in the order they were added. */
typedef struct xg_series_slot {
    uint32_t series1;     /* series index + 1; 0: empty slot */
    uint32_t hash;        /* of the series' key */
} xg_series_slot;

typedef struct xg_dom_series {
    uint32_t *idx;        /* indexes into xg_store.series, ascending */
    uint32_t n, cap;
} xg_dom_series;

typedef struct xg_store {
    xg_meta_kv *meta;     size_t n_meta, cap_meta;
    xg_domain_info *domains; size_t n_domains, cap_domains;
    xg_series *series;    size_t n_series, cap_series;
    /* series 0 .. n_indexed-1 are in the index; a store whose series were
     * filled in by hand (a checkpoint's header) has none, and lookups scan
     * the rest */
    xg_series_slot *slots; size_t cap_slots; /* a power of 2, <= half full */
    xg_dom_series *by_dom; size_t cap_by_dom; /* by_dom[d]: domain d's */
    size_t n_indexed;
    xg_workload *workloads; size_t n_workloads, cap_workloads;
    xg_rep *reps;         size_t n_reps, cap_reps; /* none: a single run */
    int64_t *tick_mono_ns;  /* CLOCK_MONOTONIC of each tick */
    int64_t *tick_wall_ns;  /* CLOCK_REALTIME of each tick */
    uint32_t n_ticks, cap_ticks;
    uint32_t expect_ticks;  /* preallocation hint for new series */
    uint32_t prealloc_max;  /* at most this many values preallocated for a
                             * series at a time (0: no limit) */
    bool multi_host;        /* its domains are on more than one host */
} xg_store;

/* Values moved out of a store by xg_store_take: series `series` at ticks
 * first_tick .. first_tick + n - 1 (XG_NOVALUE = gap); cap is the array's
 * size. */
typedef struct xg_run {
    uint32_t series, first_tick, n, cap;
    uint64_t *values;
} xg_run;

typedef struct xg_chunk {
    xg_run *runs;  size_t n;
    size_t bytes;  /* of the values arrays (their capacity) */
} xg_chunk;

/* expect_ticks: how many ticks the run should take (0 = unknown). */
void xg_store_init(xg_store *s, uint32_t expect_ticks);
void xg_store_free(xg_store *s);

/* Sets (or replaces) a metadata value. Returns 0, -1 on ENOMEM. */
int xg_store_meta_set(xg_store *s, const char *key, const char *value);
/* Removes key (when there). */
void xg_store_meta_del(xg_store *s, const char *key);
/* The value for key, or NULL. */
const char *xg_store_meta_get(const xg_store *s, const char *key);

/* Adds a domain, copying the strings of *d. first_tick and last_tick are
 * copied too: a new domain should pass -1 for both. Returns its index, -1
 * on ENOMEM. */
int64_t xg_store_add_domain(xg_store *s, const xg_domain_info *d);
/* How domain dom is named in a report: its name, or "HOST/NAME" when
 * the store's domains are on more than one host. */
const char *xg_store_dom_label(const xg_store *s, uint32_t dom);
/* Index of the domain with this key, or -1. */
int64_t xg_store_find_domain(const xg_store *s, const char *key);

/* Index of the series (domain, family, device, metric), creating it with
 * unit if it is new. device may be NULL for "". -1 on ENOMEM. Not for the
 * sampling path: collectors look series up once at start and keep the index. */
int64_t xg_store_series(xg_store *s, uint32_t domain, const char *family,
                        const char *device, const char *metric,
                        const char *unit);
/* Index of an existing series, or -1. O(1) expected (a hash lookup). */
int64_t xg_store_find_series(const xg_store *s, uint32_t domain,
                             const char *family, const char *device,
                             const char *metric);
/* Iterates over the series of domain dom, of family (NULL: any family), in
 * the order they were added, without looking at other domains' series:
 *     size_t pos = 0; int64_t i;
 *     while ((i = xg_store_next_series(s, dom, "disk", &pos)) >= 0) ...
 * Returns the next one's index and advances *pos, or -1 at the end. */
int64_t xg_store_next_series(const xg_store *s, uint32_t dom,
                             const char *family, size_t *pos);

/* Starts a new tick; returns its index, or -1 on ENOMEM. */
int64_t xg_store_tick(xg_store *s, int64_t mono_ns, int64_t wall_ns);
/* Stores value for series at the current (last) tick and widens the owning
 * domain's first/last tick. Gaps since the series' previous value are filled
 * with XG_NOVALUE. Returns 0, -1 on ENOMEM. */
int xg_store_put(xg_store *s, uint32_t series, uint64_t value);
/* Stores value at tick t (an existing tick, not before the series' first
 * value): for a store whose ticks are all made before its values come
 * (an import, series by series). Gaps since the series' previous value
 * are filled with XG_NOVALUE; a value already there is replaced. 0, -1
 * on ENOMEM or a t out of range. */
int xg_store_put_at(xg_store *s, uint32_t series, uint32_t t, uint64_t value);
/* Stores value at every tick from t (at or before the current one) to the
 * current one, as the first values of a series that never had one (e.g.
 * the zero a device's counter stood at before its line showed; the
 * caller then puts the current tick's own value). Returns 0, -1 on ENOMEM
 * or when the series has values or t is not a tick yet. */
int xg_store_put_first(xg_store *s, uint32_t series, uint32_t t,
                       uint64_t value);
/* Value of series at tick t, or XG_NOVALUE (also for a value moved out by
 * xg_store_take: read the recording for those). */
uint64_t xg_store_get(const xg_store *s, uint32_t series, uint32_t t);
/* Attaches a note to a series (copied), e.g. why it ended. */
int xg_store_series_note(xg_store *s, uint32_t series, const char *note);

/* Records where a series' figures come from (copied). */
int xg_store_series_source(xg_store *s, uint32_t series, const char *source);

/* Adds a workload record (strings copied). Returns its index or -1. */
int64_t xg_store_add_workload(xg_store *s, const xg_workload *w);

/* Adds a repetition (copied); returns its number (1..), -1 on ENOMEM. */
int64_t xg_store_add_rep(xg_store *s, const xg_rep *r);
/* "running", "whole", "partial"; and back (false: not one of them). */
const char *xg_rep_state_name(xg_rep_state st);
bool xg_rep_state_parse(const char *name, xg_rep_state *st);

/* Copies repetition rep (1..n_reps) of src into dst as a store of its own
 * (slice.c): its ticks renumbered from 0, every series' values at them,
 * every domain (same indexes, spans cut to the repetition's, -1 when it
 * had no sample in it), the workloads of that repetition, the meta with
 * the window's times and "partial" made the repetition's, and meta
 * "repetition" saying which ("2 of 5, whole (...)"); dst has no
 * repetitions. The series are not indexed (lookups scan). The xen
 * platform's SCHED trace (meta sched.xentrace) covers the whole recording:
 * it is left out, and note.sched says so (XG_SLICE_SCHED_NOTE). 0, -1 on
 * ENOMEM or a rep out of range (dst is then empty). */
int xg_store_slice(const xg_store *src, uint32_t rep, xg_store *dst);
#define XG_SLICE_SCHED_NOTE "the xentrace trace covers the whole repeated " \
    "run, not one repetition: SCHED is left out of the repetitions' figures"

/* Last tick at which series has a value slot, counting the values moved
 * out by xg_store_take; -1 when it never had one. */
int64_t xg_store_series_last(const xg_store *s, uint32_t series);

/* Bytes held for samples (values + ticks), for the overhead report. */
size_t xg_store_sample_bytes(const xg_store *s);
/* The same after one more tick, if the tick arrays and every full values
 * array of a series sampled at the last tick grow as xg_store_tick and
 * xg_store_put would grow them (empty series not counted). */
size_t xg_store_sample_bytes_next(const xg_store *s);

/* Gives every series that has values room up to expect_ticks, as its first
 * value would have without prealloc_max. 0, -1 on ENOMEM. */
int xg_store_reserve(xg_store *s);

/* Moves the values of every series that has any into *c, without copying
 * (O(1) per series): each series goes on from an empty array, so its next
 * value lands at its own tick. Ticks, domains and everything else stay.
 * Returns 0 (c->n may be 0), -1 on ENOMEM (nothing moved). */
int xg_store_take(xg_store *s, xg_chunk *c);
/* Frees the values of a chunk and empties it. */
void xg_chunk_free(xg_chunk *c);

#endif

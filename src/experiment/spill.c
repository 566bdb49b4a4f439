/* spill.c — the --max-memory bound: samples moved out of the store during
 * the run and added to the recording by a low-priority writer thread (see
 * spill.h). */
#include "experiment/spill.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

/* valgrind runs one thread at a time: a nice 19 thread that holds its lock
 * while the kernel leaves it waiting behind busy processes stalls every
 * thread of the process (the sampler too), for seconds. Under valgrind
 * the writer keeps its priority; elsewhere RUNNING_ON_VALGRIND is 0. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

/* linux/ioprio.h, which older kernel headers lack */
#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_CLASS_IDLE 3
#define IOPRIO_WHO_PROCESS 1

/* A chunk on its way: pushed on a lock-free stack by the sampling thread,
 * taken by the writer, and (written) given back to the sampling thread to
 * free. Nothing the writer does holds a lock the sampling thread needs:
 * the writer runs at the lowest priority and may be descheduled anywhere,
 * and the sampling thread must never wait for it. (Chunks are freed by the
 * thread that allocated them, so not even malloc's arena lock is shared.) */
typedef struct node {
    struct node *next;
    xg_chunk c;
    xg_ckpt *ck;           /* a checkpoint (its chunk is c), or NULL */
    bool by_memory;        /* made because the bound was reached */
} node;

struct xg_spill {
    size_t max;            /* --max-memory, bytes */
    char *path;
    bool force;
    int64_t ck_every_ns;   /* --checkpoint (0: none) */
    uint32_t ck_ticks;     /* ticks between two checkpoints, at most */

    pthread_t thread;
    bool started;
    sem_t wake;            /* posted at each push, and at stop */
    _Atomic(node *) todo;  /* pushed, not taken by the writer (LIFO) */
    _Atomic(node *) done;  /* written, not freed yet (LIFO) */
    atomic_bool stop;      /* the writer ends after its current chunk */
    atomic_bool failed;    /* a chunk could not be written: no more spills */
    atomic_size_t n_done;  /* chunks written */

    /* the writer's, read by others only after it set failed or ended */
    node *mine;            /* taken, not written: oldest first */
    char err[600];
    xg_recfile *f;         /* the writer's until xg_spill_end */
    int64_t samples;       /* written during the run by memory */
    int64_t ck_samples;    /* written during the run by time */
    uint64_t n_ck;         /* checkpoints written */
    uint64_t n_mem_done;   /* of those written, because of the bound */
    int64_t ck_last_wall_ns; /* the last one's tick, CLOCK_REALTIME */
    int64_t write_ns, write_cpu_ns;
    char prio[160];

    /* the sampling thread's own */
    uint64_t taken;        /* chunks and checkpoints handed over */
    size_t q_bytes, q_peak; /* chunks handed over and not freed yet */
    int64_t pause_max_ns, pause_ns;
    int64_t ck_pause_max_ns, ck_pause_ns; /* taking checkpoints */
    size_t held_peak;      /* most bytes held by the store at once */
    bool said_failed, ended;
    bool mem_due;          /* checkpoints: the bound is reached */
    int64_t ck_next_ns;    /* checkpoints: when the next is due */
    uint32_t ck_tick_base; /* checkpoints: ticks and series taken so far */
    size_t ck_series_base;
    uint64_t n_mem;        /* of those taken, because of the bound */
    xg_chunk *left;        /* room for every chunk taken; after
                            * xg_spill_end, the chunks not written */
    size_t n_left, cap_left;
};

static int64_t clock_ns(clockid_t c)
{
    struct timespec ts;

    clock_gettime(c, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

xg_spill *xg_spill_new(size_t max_bytes, const char *path, bool force)
{
    xg_spill *sp = calloc(1, sizeof(*sp));

    if (!sp)
        return NULL;
    sp->max = max_bytes;
    if (!(sp->path = strdup(path))) {
        free(sp);
        return NULL;
    }
    sp->force = force;
    sem_init(&sp->wake, 0, 0);
    atomic_init(&sp->todo, NULL);
    atomic_init(&sp->done, NULL);
    atomic_init(&sp->stop, false);
    atomic_init(&sp->failed, false);
    atomic_init(&sp->n_done, 0);
    return sp;
}

/* nice 19 and the idle I/O class, for this thread only (Linux applies both
 * per thread); says in sp->prio what it got. Not under valgrind (above). */
static void lower_priority(xg_spill *sp)
{
    pid_t tid = (pid_t)syscall(SYS_gettid);
    int e1 = 0, e2 = 0;

    if (RUNNING_ON_VALGRIND) {
        snprintf(sp->prio, sizeof(sp->prio), "priority unchanged: under valgrind");
        return;
    }

    if (setpriority(PRIO_PROCESS, (id_t)tid, 19) < 0)
        e1 = errno;
    if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, tid,
                IOPRIO_CLASS_IDLE << IOPRIO_CLASS_SHIFT) < 0)
        e2 = errno;
    snprintf(sp->prio, sizeof(sp->prio), "%s%s, %s%s",
             e1 ? "nice unchanged: " : "nice 19", e1 ? strerror(e1) : "",
             e2 ? "I/O class unchanged: " : "idle I/O class",
             e2 ? strerror(e2) : "");
}

static void push(_Atomic(node *) *stack, node *n)
{
    node *h = atomic_load(stack);

    do
        n->next = h;
    while (!atomic_compare_exchange_weak(stack, &h, n));
}

/* Everything on the stack, oldest first, appended to *list. */
static void take_all(_Atomic(node *) *stack, node **list)
{
    node *n = atomic_exchange(stack, NULL), *rev = NULL, **end = list;

    while (n) {
        node *next = n->next;
        n->next = rev;
        rev = n;
        n = next;
    }
    while (*end)
        end = &(*end)->next;
    *end = rev;
}

/* Writes the oldest chunk or checkpoint taken; -1 when it failed (it
 * stays in mine, for the final write). */
static int write_one(xg_spill *sp, node *n)
{
    int64_t rows;

    if (!sp->f && xg_recording_begin(&sp->f, sp->path, sp->force,
                                     sp->ck_every_ns ? XG_REC_CHECKPOINT
                                                     : XG_REC_SPILL,
                                     sp->err, sizeof(sp->err)) < 0)
        return -1;
    if (n->ck)
        n->ck->chunk = &n->c;
    rows = n->ck ? xg_recording_checkpoint(sp->f, n->ck, sp->err,
                                           sizeof(sp->err))
                 : xg_recording_add(sp->f, &n->c, sp->err, sizeof(sp->err));
    if (rows < 0)
        return -1;
    if (n->by_memory) {
        sp->samples += rows;
        sp->n_mem_done++;
    } else {
        sp->ck_samples += rows;
    }
    if (n->ck) {
        sp->n_ck++;
        if (n->ck->head.n_ticks)
            sp->ck_last_wall_ns =
                n->ck->head.tick_wall_ns[n->ck->head.n_ticks - 1];
    }
    return 0;
}

static void *writer_main(void *arg)
{
    xg_spill *sp = arg;

    lower_priority(sp);
    for (;;) {
        node *n;
        int64_t t0;
        int rc;
        if (!sp->mine)
            take_all(&sp->todo, &sp->mine);
        if (atomic_load(&sp->stop))
            break;  /* what is left goes to the final write */
        if (!sp->mine) {
            while (sem_wait(&sp->wake) < 0 && errno == EINTR)
                ;
            continue;
        }
        n = sp->mine;
        t0 = clock_ns(CLOCK_MONOTONIC);
        rc = write_one(sp, n);
        sp->write_ns += clock_ns(CLOCK_MONOTONIC) - t0;
        if (rc < 0) {
            atomic_store(&sp->failed, true); /* the chunk stays in mine */
            break;
        }
        sp->mine = n->next;
        push(&sp->done, n);
        atomic_fetch_add(&sp->n_done, 1);
    }
    sp->write_cpu_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    return NULL;
}

/* Starts the writer with every signal blocked: they are the sampling
 * thread's (its sleep must wake on SIGINT and SIGCHLD). */
static int start_writer(xg_spill *sp)
{
    sigset_t all, old;
    int rc;

    if (!sqlite3_threadsafe()) {
        snprintf(sp->err, sizeof(sp->err), "this SQLite is built without "
                 "thread support");
        return -1;
    }
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&sp->thread, NULL, writer_main, sp);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        snprintf(sp->err, sizeof(sp->err), "starting the writer thread: %s",
                 strerror(rc));
        return -1;
    }
    sp->started = true;
    return 0;
}

/* Frees what snap_head copied (not the borrowed strings). NULL is fine. */
static void ckpt_free(xg_ckpt *ck)
{
    size_t i;

    if (!ck)
        return;
    for (i = 0; i < ck->head.n_meta; i++) {
        free(ck->head.meta[i].key);
        free(ck->head.meta[i].value);
    }
    for (i = 0; i < ck->head.n_series; i++) {
        free(ck->head.series[i].note);
        free(ck->head.series[i].source);
    }
    free(ck->head.meta);
    free(ck->head.domains);
    free(ck->head.reps);
    free(ck->head.series);
    free(ck->head.tick_mono_ns);
    free(ck->head.tick_wall_ns);
    free(ck);
}

/* Frees the chunks the writer is done with. */
static void free_done(xg_spill *sp)
{
    node *n = atomic_exchange(&sp->done, NULL);

    while (n) {
        node *next = n->next;
        sp->q_bytes -= n->c.bytes;
        xg_chunk_free(&n->c);
        ckpt_free(n->ck);
        free(n);
        n = next;
    }
}

/* Room in left for one more node: xg_spill_end must be able to hand
 * every chunk back without allocating. */
static int room_left(xg_spill *sp)
{
    size_t nc;
    xg_chunk *nl;

    if (sp->taken < sp->cap_left)
        return 0;
    nc = sp->cap_left ? 2 * sp->cap_left : 16;
    nl = realloc(sp->left, nc * sizeof(*nl));
    if (!nl)
        return -1;
    sp->left = nl;
    sp->cap_left = nc;
    return 0;
}

/* Gives n (its chunk taken from the store) to the writer, starting it the
 * first time. */
static void hand_over(xg_spill *sp, node *n)
{
    sp->q_bytes += n->c.bytes;
    if (sp->q_bytes > sp->q_peak)
        sp->q_peak = sp->q_bytes;
    push(&sp->todo, n);
    sp->taken++;
    if (n->by_memory)
        sp->n_mem++;
    if (!sp->started && start_writer(sp) < 0)
        atomic_store(&sp->failed, true);
    else
        sem_post(&sp->wake);
}

/* Moves the store's values to the writer. */
static void spill(xg_spill *sp, xg_store *s)
{
    node *n;

    /* allocations first: a chunk taken is never lost */
    if (room_left(sp) < 0 || !(n = calloc(1, sizeof(*n))))
        return;
    if (xg_store_take(s, &n->c) < 0 || n->c.n == 0) {
        free(n);
        return;
    }
    n->by_memory = true;
    hand_over(sp, n);
}

/* A checkpoint's header: the store's meta (copied: it may change), its
 * domains and the series from series_from on (their strings borrowed: the
 * store keeps them, unchanged, until the writer has ended; note and source
 * copied), its ticks from tick_from on. */
static int snap_head(xg_store *h, const xg_store *s, uint32_t tick_from,
                     size_t series_from)
{
    size_t i, nt = s->n_ticks - tick_from, ns = s->n_series - series_from;

    memset(h, 0, sizeof(*h));
    h->meta = calloc(s->n_meta ? s->n_meta : 1, sizeof(*h->meta));
    h->domains = malloc((s->n_domains ? s->n_domains : 1) *
                        sizeof(*h->domains));
    h->series = calloc(ns ? ns : 1, sizeof(*h->series));
    h->tick_mono_ns = malloc((nt ? nt : 1) * sizeof(int64_t));
    h->tick_wall_ns = malloc((nt ? nt : 1) * sizeof(int64_t));
    h->reps = malloc((s->n_reps ? s->n_reps : 1) * sizeof(*h->reps));
    if (!h->meta || !h->domains || !h->series || !h->tick_mono_ns ||
        !h->tick_wall_ns || !h->reps)
        return -1;
    if (s->n_reps) /* s->reps may be NULL: memcpy's is never */
        memcpy(h->reps, s->reps, s->n_reps * sizeof(*h->reps));
    h->n_reps = s->n_reps;
    for (i = 0; i < s->n_meta; i++, h->n_meta++)
        if (!(h->meta[i].key = strdup(s->meta[i].key)) ||
            !(h->meta[i].value = strdup(s->meta[i].value)))
            return -1;
    memcpy(h->domains, s->domains, s->n_domains * sizeof(*h->domains));
    h->n_domains = s->n_domains;
    for (i = 0; i < ns; i++, h->n_series++) {
        const xg_series *x = &s->series[series_from + i];
        xg_series *y = &h->series[i];
        *y = (xg_series){.domain = x->domain, .family = x->family,
                         .device = x->device, .metric = x->metric,
                         .unit = x->unit};
        if ((x->note && !(y->note = strdup(x->note))) ||
            (x->source && !(y->source = strdup(x->source))))
            return -1;
    }
    memcpy(h->tick_mono_ns, s->tick_mono_ns + tick_from, nt * sizeof(int64_t));
    memcpy(h->tick_wall_ns, s->tick_wall_ns + tick_from, nt * sizeof(int64_t));
    h->n_ticks = (uint32_t)nt;
    return 0;
}

void xg_spill_checkpoints(xg_spill *sp, int64_t every_ns, uint32_t ticks)
{
    sp->ck_every_ns = every_ns;
    sp->ck_ticks = ticks;
}

bool xg_spill_checkpoint_due(const xg_spill *sp, int64_t mono_ns)
{
    return sp->ck_every_ns > 0 && !sp->ended &&
           !atomic_load(&sp->failed) &&
           (sp->mem_due || mono_ns >= sp->ck_next_ns);
}

int xg_spill_checkpoint(xg_spill *sp, xg_store *s, int64_t mono_ns)
{
    int64_t t0 = clock_ns(CLOCK_MONOTONIC);
    node *n = NULL;
    xg_ckpt *ck = NULL;

    if (room_left(sp) < 0 || !(n = calloc(1, sizeof(*n))) ||
        !(ck = calloc(1, sizeof(*ck))) ||
        snap_head(&ck->head, s, sp->ck_tick_base, sp->ck_series_base) < 0 ||
        xg_store_take(s, &n->c) < 0) {
        ckpt_free(ck);
        free(n);
        return -1; /* nothing taken: the next one takes it all */
    }
    ck->tick_base = sp->ck_tick_base;
    ck->series_base = sp->ck_series_base;
    n->ck = ck;
    n->by_memory = sp->mem_due;
    sp->ck_tick_base = s->n_ticks;
    sp->ck_series_base = s->n_series;
    sp->mem_due = false;
    while (sp->ck_next_ns <= mono_ns)
        sp->ck_next_ns = sp->ck_next_ns ? sp->ck_next_ns + sp->ck_every_ns
                                        : mono_ns + sp->ck_every_ns;
    hand_over(sp, n);
    t0 = clock_ns(CLOCK_MONOTONIC) - t0;
    sp->ck_pause_ns += t0;
    if (t0 > sp->ck_pause_max_ns)
        sp->ck_pause_max_ns = t0;
    return 0;
}

/* The budget: the store's arrays (ticks and values) at most half the bound
 * less a sixteenth (the room new series take at their first value), so
 * that with one chunk being written the whole stays under the bound. */
int xg_spill_tick(xg_spill *sp, xg_store *s)
{
    size_t budget = sp->max / 2 - sp->max / 16;
    size_t n = s->n_series ? s->n_series : 1;
    size_t held, ticks, whole;
    int64_t t0;
    int did = 0;

    if (s->n_ticks == 0) {    /* before the first: how many series? */
        s->prealloc_max = 1;
        return 0;
    }
    /* The whole run preallocated when it fits (as without a bound: the
     * series of the first tick get their room now), else a first array of
     * at most max/16 over all series. */
    whole = (size_t)s->expect_ticks * (2 * sizeof(int64_t) +
                                       n * sizeof(uint64_t));
    if (whole <= budget && !sp->ck_every_ns) {
        if (s->prealloc_max && !sp->taken)
            xg_store_reserve(s);
        s->prealloc_max = 0;
    } else {
        s->prealloc_max = (uint32_t)(sp->max / 16 / sizeof(uint64_t) / n / 2 +
                                     1);
        /* checkpoints take the values every ck_ticks at most: room for
         * those, not for the rest of the run each time */
        if (sp->ck_every_ns && (whole <= budget ||
                                s->prealloc_max > sp->ck_ticks + 1))
            s->prealloc_max = sp->ck_ticks + 1;
    }
    held = xg_store_sample_bytes(s);
    if (held > sp->held_peak)
        sp->held_peak = held;
    if (sp->ended)
        return 0;
    if (atomic_load(&sp->failed)) { /* the writer wrote err first */
        if (!sp->said_failed)
            fprintf(stderr, "xengatherer: %s during the run failed: %s; the "
                    "samples stay in memory for the final write "
                    "(--max-memory no longer holds)\n",
                    sp->ck_every_ns ? "writing a checkpoint"
                                    : "flushing samples", sp->err);
        sp->said_failed = true;
        return 0;
    }
    t0 = clock_ns(CLOCK_MONOTONIC);
    if (atomic_load_explicit(&sp->done, memory_order_relaxed)) {
        free_done(sp);
        did = 1;
    }
    /* Spill before the next tick would take the store past the budget, but
     * not for tick times alone (they stay: 16 bytes a tick). */
    ticks = (size_t)s->cap_ticks * 2 * sizeof(int64_t);
    if (xg_store_sample_bytes_next(s) > budget &&
        held - ticks >= sp->max / 16) {
        if (sp->ck_every_ns) { /* an early checkpoint, by the caller */
            sp->mem_due = true;
        } else {
            spill(sp, s);
            did = 2;
        }
    }
    if (did) {
        t0 = clock_ns(CLOCK_MONOTONIC) - t0;
        sp->pause_ns += t0;
        if (t0 > sp->pause_max_ns)
            sp->pause_max_ns = t0;
    }
    return did == 2;
}

size_t xg_spill_queued(xg_spill *sp)
{
    return (size_t)sp->taken - atomic_load(&sp->n_done);
}

xg_recfile *xg_spill_end(xg_spill *sp, const xg_chunk **left,
                         size_t *n_left)
{
    xg_recfile *f;
    node *k;

    atomic_store(&sp->stop, true);
    if (sp->started) {
        sem_post(&sp->wake);
        pthread_join(sp->thread, NULL);
    }
    sp->started = false;
    sp->ended = true;
    free_done(sp);
    take_all(&sp->todo, &sp->mine);
    while (sp->mine) { /* to one array (room made by spill); nodes go */
        k = sp->mine;
        sp->mine = k->next;
        sp->left[sp->n_left++] = k->c;
        ckpt_free(k->ck); /* the final write takes the rest from the store */
        free(k);
    }
    f = sp->f;
    sp->f = NULL;
    *left = sp->left;
    *n_left = sp->n_left;
    return f;
}

static void meta_u64(xg_store *s, const char *k, uint64_t v)
{
    char b[32];

    snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
    xg_store_meta_set(s, k, b);
}

static void meta_i64(xg_store *s, const char *k, int64_t v)
{
    char b[32];

    snprintf(b, sizeof(b), "%lld", (long long)v);
    xg_store_meta_set(s, k, b);
}

void xg_spill_meta(const xg_spill *sp, xg_store *s)
{
    size_t held = xg_store_sample_bytes(s);
    uint64_t left_samples = 0;
    size_t i, j;

    meta_u64(s, "max_memory", sp->max);
    meta_u64(s, "sample_bytes", held > sp->held_peak ? held : sp->held_peak);
    if (!sp->taken)
        return;
    for (i = 0; i < sp->n_left; i++)
        for (j = 0; j < sp->left[i].n; j++)
            for (uint32_t k = 0; k < sp->left[i].runs[j].n; k++)
                left_samples += sp->left[i].runs[j].values[k] != XG_NOVALUE;
    if (sp->ck_every_ns) {
        meta_u64(s, "checkpoints", sp->n_ck);
        meta_i64(s, "checkpoint_samples", sp->ck_samples);
        meta_i64(s, "checkpoint_pause_max_ns", sp->ck_pause_max_ns);
        meta_i64(s, "checkpoint_pause_ns", sp->ck_pause_ns);
    }
    if (sp->n_mem) {
        meta_u64(s, "spill_chunks", sp->n_mem_done);
        meta_u64(s, "spilled_samples", (uint64_t)sp->samples);
        meta_u64(s, "spill_pause_max_ns", (uint64_t)sp->pause_max_ns);
        meta_u64(s, "spill_pause_ns", (uint64_t)sp->pause_ns);
    }
    meta_u64(s, "spill_final_chunks", sp->n_left);
    meta_u64(s, "spill_final_samples", left_samples);
    meta_u64(s, "spill_write_ns", (uint64_t)sp->write_ns);
    meta_u64(s, "spill_write_cpu_ns", (uint64_t)sp->write_cpu_ns);
    meta_u64(s, "spill_queue_peak_bytes", sp->q_peak);
    if (sp->prio[0])
        xg_store_meta_set(s, "spill_priority", sp->prio);
    if (sp->err[0])
        xg_store_meta_set(s, "spill_error", sp->err);
}

void xg_spill_free(xg_spill *sp)
{
    const xg_chunk *left;
    size_t n, i;

    if (!sp)
        return;
    if (!sp->ended)
        xg_recording_abort(xg_spill_end(sp, &left, &n));
    for (i = 0; i < sp->n_left; i++)
        xg_chunk_free(&sp->left[i]);
    free(sp->left);
    sem_destroy(&sp->wake);
    free(sp->path);
    free(sp);
}

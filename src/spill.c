/* spill.c — the --max-memory bound: samples moved out of the store during
 * the run and added to the recording by a low-priority writer thread (see
 * spill.h). */
#include "spill.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

/* linux/ioprio.h, which older kernel headers lack */
#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_CLASS_IDLE 3
#define IOPRIO_WHO_PROCESS 1

struct xg_spill {
    size_t max;            /* --max-memory, bytes */
    char path[4096];
    bool force;

    pthread_t thread;
    bool started;
    pthread_mutex_t mu;    /* guards everything below it */
    pthread_cond_t cv;
    xg_chunk *q;           /* chunks not written yet; q[0] is being written */
    size_t qn, qcap;
    size_t q_bytes, q_peak;
    bool stop;             /* the writer ends after its current chunk */
    bool failed;           /* a chunk could not be written: no more spills */
    char err[600];
    xg_recfile *f;         /* the writer's until xg_spill_end */
    uint64_t written;      /* chunks written during the run */
    int64_t samples;       /* their samples */
    int64_t write_ns, write_cpu_ns;
    char prio[160];

    /* the sampling thread's own */
    uint64_t taken;        /* spills */
    int64_t pause_max_ns, pause_ns;
    size_t held_peak;      /* most bytes held by the store at once */
    bool ended;
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
    snprintf(sp->path, sizeof(sp->path), "%s", path);
    sp->force = force;
    pthread_mutex_init(&sp->mu, NULL);
    pthread_cond_init(&sp->cv, NULL);
    return sp;
}

/* nice 19 and the idle I/O class, for this thread only (Linux applies both
 * per thread); says in sp->prio what it got. */
static void lower_priority(xg_spill *sp)
{
    pid_t tid = (pid_t)syscall(SYS_gettid);
    int e1 = 0, e2 = 0;

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

/* Writes one chunk (creating the file at the first): rows, or -1 + err. */
static int64_t write_chunk(xg_spill *sp, const xg_chunk *c, char *err,
                           size_t errlen)
{
    if (!sp->f && xg_recording_begin(&sp->f, sp->path, sp->force, true, err,
                                     errlen) < 0)
        return -1;
    return xg_recording_add(sp->f, c, err, errlen);
}

static void *writer_main(void *arg)
{
    xg_spill *sp = arg;
    char err[sizeof(sp->err)];

    lower_priority(sp);
    pthread_mutex_lock(&sp->mu);
    for (;;) {
        xg_chunk c;
        int64_t t0, rows;
        while (sp->qn == 0 && !sp->stop)
            pthread_cond_wait(&sp->cv, &sp->mu);
        if (sp->stop)
            break;  /* what is queued goes to the final write */
        c = sp->q[0];  /* stays queued until written */
        pthread_mutex_unlock(&sp->mu);
        t0 = clock_ns(CLOCK_MONOTONIC);
        rows = write_chunk(sp, &c, err, sizeof(err));
        t0 = clock_ns(CLOCK_MONOTONIC) - t0;
        pthread_mutex_lock(&sp->mu);
        sp->write_ns += t0;
        if (rows < 0) {
            sp->failed = true;
            snprintf(sp->err, sizeof(sp->err), "%s", err);
            fprintf(stderr, "xengatherer: flushing samples during the run "
                    "failed: %s; the samples stay in memory for the final "
                    "write (--max-memory no longer holds)\n", err);
            break;
        }
        sp->written++;
        sp->samples += rows;
        sp->q_bytes -= c.bytes;
        memmove(&sp->q[0], &sp->q[1], --sp->qn * sizeof(*sp->q));
        pthread_mutex_unlock(&sp->mu);
        xg_chunk_free(&c);
        pthread_mutex_lock(&sp->mu);
    }
    sp->write_cpu_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    pthread_mutex_unlock(&sp->mu);
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

/* Moves the store's values to the writer's queue. */
static void spill(xg_spill *sp, xg_store *s)
{
    int64_t t0 = clock_ns(CLOCK_MONOTONIC);
    xg_chunk c;

    pthread_mutex_lock(&sp->mu);
    if (sp->qn == sp->qcap) { /* room first: a chunk taken is never lost */
        size_t nc = sp->qcap ? 2 * sp->qcap : 4;
        xg_chunk *nq = realloc(sp->q, nc * sizeof(*nq));
        if (!nq) {
            pthread_mutex_unlock(&sp->mu);
            return;
        }
        sp->q = nq;
        sp->qcap = nc;
    }
    pthread_mutex_unlock(&sp->mu);
    if (xg_store_take(s, &c) < 0 || c.n == 0)
        return;
    pthread_mutex_lock(&sp->mu);
    sp->q[sp->qn++] = c;
    sp->q_bytes += c.bytes;
    if (sp->q_bytes > sp->q_peak)
        sp->q_peak = sp->q_bytes;
    pthread_cond_signal(&sp->cv);
    pthread_mutex_unlock(&sp->mu);
    if (!sp->started && start_writer(sp) < 0) {
        fprintf(stderr, "xengatherer: cannot flush samples during the run: "
                "%s; they stay in memory for the final write\n", sp->err);
        pthread_mutex_lock(&sp->mu);
        sp->failed = true;
        pthread_mutex_unlock(&sp->mu);
    }
    sp->taken++;
    t0 = clock_ns(CLOCK_MONOTONIC) - t0;
    sp->pause_ns += t0;
    if (t0 > sp->pause_max_ns)
        sp->pause_max_ns = t0;
}

/* The budget: the store's arrays (ticks and values) at most half the bound
 * less a sixteenth (the room new series take at their first value), so
 * that with one chunk being written the whole stays under the bound. */
int xg_spill_tick(xg_spill *sp, xg_store *s)
{
    size_t budget = sp->max / 2 - sp->max / 16;
    size_t n = s->n_series ? s->n_series : 1;
    size_t held, ticks, whole;
    bool failed;

    if (s->n_ticks == 0) {    /* before the first: how many series? */
        s->prealloc_max = 1;
        return 0;
    }
    /* The whole run preallocated when it fits (as without a bound: the
     * series of the first tick get their room now), else a first array of
     * at most max/16 over all series. */
    whole = (size_t)s->expect_ticks * (2 * sizeof(int64_t) +
                                       n * sizeof(uint64_t));
    if (whole <= budget) {
        if (s->prealloc_max && !sp->taken)
            xg_store_reserve(s);
        s->prealloc_max = 0;
    } else {
        s->prealloc_max = (uint32_t)(sp->max / 16 / sizeof(uint64_t) / n / 2 +
                                     1);
    }
    held = xg_store_sample_bytes(s);
    if (held > sp->held_peak)
        sp->held_peak = held;
    if (sp->ended)
        return 0;
    pthread_mutex_lock(&sp->mu);
    failed = sp->failed;
    pthread_mutex_unlock(&sp->mu);
    if (failed)
        return 0;
    /* Spill before the next tick would take the store past the budget, but
     * not for tick times alone (they stay: 16 bytes a tick). */
    ticks = (size_t)s->cap_ticks * 2 * sizeof(int64_t);
    if (xg_store_sample_bytes_next(s) <= budget ||
        held - ticks < sp->max / 16)
        return 0;
    spill(sp, s);
    return 1;
}

size_t xg_spill_queued(xg_spill *sp)
{
    size_t n;

    pthread_mutex_lock(&sp->mu);
    n = sp->qn;
    pthread_mutex_unlock(&sp->mu);
    return n;
}

xg_recfile *xg_spill_end(xg_spill *sp, const xg_chunk **left,
                         size_t *n_left)
{
    xg_recfile *f;

    pthread_mutex_lock(&sp->mu);
    sp->stop = true;
    pthread_cond_signal(&sp->cv);
    pthread_mutex_unlock(&sp->mu);
    if (sp->started)
        pthread_join(sp->thread, NULL);
    sp->started = false;
    sp->ended = true;
    f = sp->f;
    sp->f = NULL;
    *left = sp->q;
    *n_left = sp->qn;
    return f;
}

static void meta_u64(xg_store *s, const char *k, uint64_t v)
{
    char b[32];

    snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
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
    for (i = 0; i < sp->qn; i++)
        for (j = 0; j < sp->q[i].n; j++)
            for (uint32_t k = 0; k < sp->q[i].runs[j].n; k++)
                left_samples += sp->q[i].runs[j].values[k] != XG_NOVALUE;
    meta_u64(s, "spill_chunks", sp->written);
    meta_u64(s, "spilled_samples", (uint64_t)sp->samples);
    meta_u64(s, "spill_final_chunks", sp->qn);
    meta_u64(s, "spill_final_samples", left_samples);
    meta_u64(s, "spill_pause_max_ns", (uint64_t)sp->pause_max_ns);
    meta_u64(s, "spill_pause_ns", (uint64_t)sp->pause_ns);
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
    for (i = 0; i < sp->qn; i++)
        xg_chunk_free(&sp->q[i]);
    free(sp->q);
    pthread_mutex_destroy(&sp->mu);
    pthread_cond_destroy(&sp->cv);
    free(sp);
}

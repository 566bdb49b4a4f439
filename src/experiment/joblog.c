/* joblog.c — the workloads' stdout and stderr through pipes and one reader
 * thread, passed on and their tails kept (see joblog.h). */
#include "experiment/joblog.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define READ_SIZE 65536 /* one read() of a pipe */

struct xg_joblog {
    size_t n;              /* jobs; pipes 2n: job i's stdout 2i, stderr 2i+1 */
    int *rd, *wr;          /* read ends (thread's), write ends (children's) */
    xg_tail *tail;         /* 2n */
    int wake[2];           /* finish() writes one byte */
    _Atomic int64_t deadline; /* CLOCK_MONOTONIC ns to give up; 0 = none */
    struct pollfd *pf;     /* 2n + 1, the thread's: pf[i] is rd[i]'s */
    char *buf;             /* READ_SIZE bytes, the thread's */
    pthread_t thread;
    int running;
};

static int64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* All of p to fd, as the job would have written it; a closed or failing
 * stdout (a report piped to head) drops it silently. */
static void pass_on(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void *reader(void *arg)
{
    xg_joblog *l = arg;
    size_t np = 2 * l->n, open_n = np;
    /* made before the children were forked, so a child that fails to exec
     * still holds them through the joblog (no leak in its eyes); a pipe at
     * its end gets fd -1, which poll() passes over */
    struct pollfd *pf = l->pf;
    char *buf = l->buf;

    for (size_t i = 0; i < np; i++) {
        pf[i].fd = l->rd[i];
        pf[i].events = POLLIN;
    }
    while (open_n) {
        int64_t dl = atomic_load(&l->deadline);
        int timeout = -1;

        if (dl) {
            int64_t left = dl - mono_ns();
            if (left <= 0)
                break;
            timeout = (int)(left / 1000000) + 1;
        }
        pf[np].fd = dl ? -1 : l->wake[0];
        pf[np].events = POLLIN;
        if (poll(pf, np + 1, timeout) < 0 && errno != EINTR)
            break;
        if (pf[np].revents) { /* finish() was called: the deadline is set */
            char c;
            if (read(l->wake[0], &c, 1) < 0) { /* nothing to do */ }
            continue;
        }
        for (size_t i = 0; i < np; i++) {
            if (pf[i].fd < 0 || !pf[i].revents)
                continue;
            ssize_t r = read(l->rd[i], buf, READ_SIZE);
            if (r < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (r <= 0) {
                close(l->rd[i]);
                l->rd[i] = pf[i].fd = -1;
                open_n--;
                continue;
            }
            pass_on(i % 2 ? 2 : 1, buf, (size_t)r);
            xg_tail_add(&l->tail[i], buf, (size_t)r);
        }
    }
    return NULL;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

xg_joblog *xg_joblog_start(size_t njobs, size_t keep)
{
    xg_joblog *l = calloc(1, sizeof(*l));
    sigset_t all, old;
    size_t i;

    if (!l)
        return NULL;
    l->n = njobs;
    l->wake[0] = l->wake[1] = -1;
    l->rd = malloc((2 * njobs + 1) * sizeof(int));
    l->wr = malloc((2 * njobs + 1) * sizeof(int));
    l->tail = calloc(2 * njobs + 1, sizeof(xg_tail));
    l->pf = calloc(2 * njobs + 1, sizeof(struct pollfd));
    l->buf = malloc(READ_SIZE);
    if (!l->rd || !l->wr || !l->tail || !l->pf || !l->buf) {
        l->n = 0; /* no pipes or tails to close or free */
        xg_joblog_free(l);
        return NULL;
    }
    for (i = 0; i < 2 * njobs; i++) {
        l->rd[i] = l->wr[i] = -1;
        xg_tail_init(&l->tail[i], keep);
    }
    for (i = 0; i < 2 * njobs; i++) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
            goto fail;
        l->rd[i] = p[0];
        l->wr[i] = p[1];
    }
    if (pipe2(l->wake, O_CLOEXEC) < 0)
        goto fail;
    /* the thread takes no signal: SIGINT and SIGTERM wake the sampler */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    l->running = pthread_create(&l->thread, NULL, reader, l) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!l->running)
        goto fail;
    return l;
fail:
    xg_joblog_free(l);
    return NULL;
}

void xg_joblog_fds(const xg_joblog *l, size_t i, int *out_w, int *err_w)
{
    *out_w = l->wr[2 * i];
    *err_w = l->wr[2 * i + 1];
}

void xg_joblog_forked(xg_joblog *l, size_t i)
{
    close_fd(&l->wr[2 * i]);
    close_fd(&l->wr[2 * i + 1]);
}

void xg_joblog_finish(xg_joblog *l, int64_t grace_ns)
{
    size_t i;

    if (!l)
        return;
    for (i = 0; l->wr && i < 2 * l->n; i++)
        close_fd(&l->wr[i]);
    if (l->running) {
        atomic_store(&l->deadline, mono_ns() + (grace_ns > 0 ? grace_ns : 1));
        if (write(l->wake[1], "x", 1) < 0) { /* the deadline still holds */ }
        pthread_join(l->thread, NULL);
        l->running = 0;
    }
    for (i = 0; l->rd && i < 2 * l->n; i++)
        close_fd(&l->rd[i]);
    close_fd(&l->wake[0]);
    close_fd(&l->wake[1]);
}

const xg_tail *xg_joblog_tail(const xg_joblog *l, size_t i, int stream)
{
    return &l->tail[2 * i + (stream ? 1 : 0)];
}

void xg_joblog_free(xg_joblog *l)
{
    if (!l)
        return;
    xg_joblog_finish(l, 0);
    for (size_t i = 0; l->tail && i < 2 * l->n; i++)
        xg_tail_free(&l->tail[i]);
    free(l->rd);
    free(l->wr);
    free(l->tail);
    free(l->pf);
    free(l->buf);
    free(l);
}

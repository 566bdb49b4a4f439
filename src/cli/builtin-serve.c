/* builtin-serve.c — `xengatherer serve`: a long-running Prometheus exporter.
 *
 * Design, and why:
 * - Sampling at -i by this (main) thread, with the same sampling session
 *   as run (experiment.h: xg_session_select/start/sample: the same
 *   platforms, collectors, domains joining, vanishing and restarting),
 *   not at scrape time: a scrape then never waits for a platform (a busy
 *   QEMU monitor or libvirt delays the next sample, not the answer), ten
 *   scrapers cost one sampling, and counters are read at regular times.
 *   Each tick's exposition is rendered once (serve/exposition.c) and
 *   published to the HTTP threads (serve/server.c).
 * - Bounded memory for weeks: every 64 ticks the store's values are
 *   moved out and freed (xg_store_take): only the latest are needed. The
 *   tick times and the domains that came and went still grow (16 bytes a
 *   tick), so every XG_SERVE_RECYCLE ticks, or when more than 1024
 *   domains have gone, the session is closed and opened again: the
 *   platforms' counters are cumulative and go on, only the cache
 *   collector's perf counters start again from 0 (a counter reset, which
 *   Prometheus' rate() handles); xengatherer_sessions_total counts it.
 * - SIGINT and SIGTERM are blocked in every thread and taken with
 *   sigtimedwait as the sleep between ticks: a clean stop, exit 0. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "config.h"

#ifndef XG_HAVE_MHD
int cmd_serve(int argc, char **argv)
{
    (void)argc, (void)argv;
    xg_err("serve: built without libmicrohttpd");
    return 2;
}
#else

#include "experiment/experiment.h"
#include "experiment/workload.h"
#include "serve/exposition.h"
#include "serve/server.h"
#include "util/say.h"

/* Ticks after which the session starts again (18 h at -i 1). */
#define XG_SERVE_RECYCLE 65536u
/* Values are moved out of the store (and freed) this often, in ticks. */
#define XG_SERVE_TAKE 64u
/* Domains gone from the store after which the session starts again. */
#define XG_SERVE_GONE_MAX 1024u

static const char usage_fmt[] =
    "usage: xengatherer serve [OPTIONS]\n\n"
    "Serves every watched domain's counters and the host row's at\n"
    "/metrics in the Prometheus text format, sampled every -i seconds,\n"
    "until SIGINT or SIGTERM.\n\n"
    "%s"
    "Sampling\n"
    "  -i, --interval SECS   between samples (default 1, at least 0.001);\n"
    "                        a scrape gets the latest sample's values\n"
    "%s"
    "  -q, --quiet           no start line\n"
    "Serving\n"
    "  --listen ADDR:PORT    where to answer (default " XG_SERVE_LISTEN
    ":\n"
    "                        loopback only); [::1]:PORT for IPv6,\n"
    "                        0.0.0.0:PORT for every interface\n"
    "  --host-label NAME     the host label of every series (default: this\n"
    "                        machine's hostname)\n"
    "  --tls-cert FILE, --tls-key FILE\n"
    "                        serve HTTPS with this PEM certificate and key\n"
    "  --auth-file FILE      require HTTP basic auth: FILE has user:password\n"
    "                        lines ('#' comments)\n\n"
    "GET /metrics: the series (text/plain; version=0.0.4, or OpenMetrics\n"
    "1.0 when Accept prefers it), named from the schema (docs/series.md),\n"
    "in base units; a sample older than 2 x -i + 5 s is not served as\n"
    "current. Other paths: 404; other methods: 405.\n"
    "Exit status: 0 stopped by SIGINT/SIGTERM, 1 failure, 2 bad input (a\n"
    "port in use, a bad address, an unreadable file).\n";

static int64_t cpu_thread_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t wall_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

typedef struct serve_state {
    xg_session sess;
    const xg_options *o;
    xg_snapshot *snap;
    xg_expo_labels labels;
    xg_sb spare, spare_om; /* the next tick's texts (the last one's
                            * buffers) */
} serve_state;

/* Watched domains not gone. */
static size_t watched(const xg_ctx *ctx)
{
    size_t n = 0;

    for (size_t i = 0; i < ctx->doms.n; i++)
        n += !ctx->gone[i];
    return n;
}

/* Swaps a and b. */
static void sb_swap(xg_sb *a, xg_sb *b)
{
    xg_sb t = *a;

    *a = *b;
    *b = t;
}

/* Renders the last tick into st->spare (and spare_om when om). 0, -1. */
static int render(serve_state *st, bool om, size_t *nd)
{
    const xg_store *s = &st->sess.ctx.store;

    xg_sb_clear(&st->spare);
    xg_sb_clear(&st->spare_om);
    if (s->n_ticks == 0 ||
        xg_expo_render(s, s->n_ticks - 1, &st->labels, XG_EXPO_PROM, nd,
                       &st->spare) < 0 ||
        (om && xg_expo_render(s, s->n_ticks - 1, &st->labels, XG_EXPO_OM,
                              NULL, &st->spare_om) < 0))
        return -1;
    return 0;
}

/* One tick: sample, render (OpenMetrics too once a scrape asked for
 * it), publish. */
static void tick(serve_state *st)
{
    int64_t c0 = cpu_thread_ns(), mono = xg_now_ns();
    size_t nd = 0, live;
    bool om;

    xg_session_sample(&st->sess, mono, wall_now(), 1);
    pthread_mutex_lock(&st->snap->mu);
    om = st->snap->want_om;
    pthread_mutex_unlock(&st->snap->mu);
    if (render(st, om, &nd) < 0)
        return; /* out of memory: the last snapshot ages and goes stale */
    live = watched(&st->sess.ctx);
    pthread_mutex_lock(&st->snap->mu);
    sb_swap(&st->snap->text, &st->spare);
    sb_swap(&st->snap->om_text, &st->spare_om);
    st->snap->have_om = om;
    st->snap->mono_ns = mono;
    st->snap->samples++;
    st->snap->domains = nd;
    st->snap->late = live > nd ? live - nd : 0;
    st->snap->sample_s = (double)(cpu_thread_ns() - c0) / 1e9;
    pthread_mutex_unlock(&st->snap->mu);
}

/* Frees the values held (only the latest were needed). */
static void drop_values(xg_store *s)
{
    xg_chunk c;

    if (xg_store_take(s, &c) == 0)
        xg_chunk_free(&c);
}

static int open_session(serve_state *st, char *err, size_t errlen)
{
    int rc = xg_session_select(&st->sess, st->o, err, errlen);

    if (rc == XG_EXIT_OK)
        rc = xg_session_start(&st->sess, err, errlen);
    if (rc == XG_EXIT_OK)
        st->labels.platform = st->sess.ctx.ops->name;
    return rc;
}

/* After a tick: the memory bounds (see the top of the file). 0, or an
 * exit code + err when the session could not start again. */
static int bound(serve_state *st, char *err, size_t errlen)
{
    xg_ctx *ctx = &st->sess.ctx;
    size_t gone = ctx->doms.n - watched(ctx);

    if (ctx->store.n_ticks % XG_SERVE_TAKE == 0)
        drop_values(&ctx->store);
    if (ctx->store.n_ticks < XG_SERVE_RECYCLE && gone <= XG_SERVE_GONE_MAX)
        return 0;
    xg_session_close(&st->sess);
    pthread_mutex_lock(&st->snap->mu);
    st->snap->sessions++;
    pthread_mutex_unlock(&st->snap->mu);
    return open_session(st, err, errlen);
}

/* Sleeps until next (CLOCK_MONOTONIC ns) or a stop signal: 1 on a
 * signal (one already pending counts, however late the tick). */
static int sleep_until(const sigset_t *set, int64_t next)
{
    for (;;) {
        int64_t left = next - xg_now_ns();
        struct timespec ts;

        if (left < 0)
            left = 0;
        ts.tv_sec = left / 1000000000;
        ts.tv_nsec = left % 1000000000;
        if (sigtimedwait(set, NULL, &ts) > 0)
            return 1;
        if (errno == EAGAIN)
            return 0;
        /* EINTR (another signal): wait out the rest */
    }
}

static int loop(serve_state *st, const sigset_t *set, char *err,
                size_t errlen)
{
    int64_t step = (int64_t)(st->o->interval_s * 1e9), next = xg_now_ns();
    const xg_ctx *ctx = &st->sess.ctx;
    int rc;

    for (;;) {
        next += step;
        if (sleep_until(set, next))
            return XG_EXIT_OK;
        tick(st);
        if (ctx->ops->lost && ctx->ops->lost(ctx->plat)) {
            snprintf(err, errlen, "%s", ctx->ops->lost(ctx->plat));
            return XG_EXIT_FAIL;
        }
        if ((rc = bound(st, err, errlen)) != XG_EXIT_OK)
            return rc;
        while (next + step <= xg_now_ns()) /* late: skip, don't burst */
            next += step;
    }
}

static void say_start(const serve_state *st, bool tls)
{
    const xg_ctx *ctx = &st->sess.ctx;

    if (st->o->quiet)
        return;
    fprintf(stderr, "xengatherer: serve: platform %s%s%s, %zu domain%s and "
            "the host, at %s://%s/metrics\n", ctx->ops->name,
            st->o->platform_why ? " " : "",
            st->o->platform_why ? st->o->platform_why : "",
            watched(ctx) - 1, watched(ctx) == 2 ? "" : "s",
            tls ? "https" : "http", st->o->listen);
}

static int serve(xg_options *o, const sigset_t *set)
{
    static char host[256];
    xg_snapshot snap = {.mu = PTHREAD_MUTEX_INITIALIZER};
    xg_server_conf conf = {o->listen, o->tls_cert, o->tls_key, o->auth_file,
                           2};
    serve_state st = {.o = o, .snap = &snap};
    char err[4600];
    xg_server *srv;
    int rc;

    if (!o->host_label && gethostname(host, sizeof(host) - 1) < 0)
        snprintf(host, sizeof(host), "unknown");
    snap.host = st.labels.host = o->host_label ? o->host_label : host;
    snap.stale_s = 2 * o->interval_s + 5;
    srv = xg_server_prepare(&conf, &snap, err, sizeof(err));
    if (!srv) {
        xg_err("serve: %s", err);
        return XG_EXIT_USAGE;
    }
    rc = open_session(&st, err, sizeof(err));
    if (rc == XG_EXIT_OK) {
        tick(&st); /* the first scrape has values */
        rc = xg_server_start(srv, err, sizeof(err)) < 0 ? XG_EXIT_FAIL
                                                        : XG_EXIT_OK;
    }
    if (rc == XG_EXIT_OK) {
        say_start(&st, o->tls_cert != NULL);
        rc = loop(&st, set, err, sizeof(err));
    }
    if (rc != XG_EXIT_OK)
        xg_err("serve: %s", err);
    xg_server_free(srv); /* no scrape reads the snapshot after this */
    xg_session_close(&st.sess);
    xg_sb_free(&snap.text);
    xg_sb_free(&snap.om_text);
    xg_sb_free(&st.spare);
    xg_sb_free(&st.spare_om);
    return rc;
}

int cmd_serve(int argc, char **argv)
{
    char *usage = NULL;
    xg_options o;
    sigset_t set;
    int rc;

    if (asprintf(&usage, usage_fmt, xg_usage_domains, xg_usage_families) <
        0) {
        xg_err("out of memory");
        return XG_EXIT_FAIL;
    }
    rc = xg_cli_parse(argc, argv, "serve", XG_CLI_SERVE | XG_CLI_DOMAINS,
                      &o, usage);
    free(usage);
    if (rc == 0)
        rc = xg_cli_platform(&o, "serve");
    if (rc) {
        free(o.cgroups);
        free(o.env);
        return rc == 1 ? 0 : rc;
    }
    /* blocked in every thread (libmicrohttpd's start after this): the
     * sampler takes them with sigtimedwait */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    rc = serve(&o, &set);
    free(o.cgroups);
    free(o.env);
    return rc;
}
#endif

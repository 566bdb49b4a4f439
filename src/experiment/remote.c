/* remote.c — run --source prometheus=URL: the experiment's workloads run
 * as in any run (through --exec on the --vmfile's domains), but no
 * collector samples here: after the window, the figures of exactly that
 * window (plus one step before it, the first interval's baseline) are
 * read from the Prometheus that scrapes `xengatherer serve` on the hosts
 * (import/fleet.c), and the recording is that, with the workloads.
 *
 * Why a file of its own and one branch in xg_experiment: the local path
 * (session, collectors, spill, checkpoints, repetitions) has nothing to
 * do here, and the two share only the workload runner (workload.c), the
 * output folder and the signals. The vmfile names the domains because
 * they live on other hosts: nothing here can list them. A workload is
 * attached to the imported domain of its name: NAME (the first such,
 * when hosts share a name) or HOST/NAME (that host's). */
#include "experiment/remote.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "experiment/workload.h"
#include "import/fleet.h"
#include "recording/recording.h"
#include "util/exectpl.h"
#include "util/say.h"
#include "util/vmfile.h"

static const xg_platform_ops remote_ops = {.name = "prometheus"};

static int64_t wall_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The vmfile's domains as ctx's, each in ctx's store. */
static int load_domains(xg_ctx *ctx, char *err, size_t errlen)
{
    xg_vmfile vf = {0};
    int rc = 0;

    if (xg_vmfile_load(ctx->opt->vmfile, &vf, err, errlen) < 0)
        return -1;
    ctx->store_dom = calloc(vf.n + 1, sizeof(*ctx->store_dom));
    ctx->gone = calloc(vf.n + 1, sizeof(*ctx->gone));
    for (size_t i = 0; i < vf.n && rc == 0; i++) {
        char *key = xg_strfmt("vmfile:%s", vf.v[i].name);
        xg_pdomain d = {.info = {.key = key, .name = vf.v[i].name,
                                 .address = vf.v[i].address,
                                 .platform_id = -1, .first_tick = -1,
                                 .last_tick = -1}};
        int64_t idx = key && ctx->store_dom && ctx->gone
                          ? xg_store_add_domain(&ctx->store, &d.info) : -1;
        if (idx < 0 || xg_pdomains_push(&ctx->doms, &d) < 0)
            rc = -1;
        else
            ctx->store_dom[i] = (uint32_t)idx;
        free(key);
    }
    if (rc < 0)
        snprintf(err, errlen, "out of memory");
    xg_vmfile_free(&vf);
    return rc;
}

/* Until the window's end, a stop signal, or (--until-done) the commands'
 * end; the signal or 0. */
static int wait_window(const xg_options *o, xg_jobs *jobs, int64_t end)
{
    while (xg_now_ns() < end) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        size_t running = xg_jobs_reap(jobs);
        if (xg_signal_stop())
            return xg_signal_stop();
        if (o->until_done && jobs->n && running == 0)
            break;
        nanosleep(&ts, NULL);
    }
    return 0;
}

/* Whether the vmfile's name is imported domain d: its name, or HOST/NAME
 * (a name that is on several hosts, told apart). */
static bool is_named(const xg_domain_info *d, const char *name)
{
    return !d->is_host && (strcmp(d->name, name) == 0 ||
                           (d->label && strcmp(d->label, name) == 0));
}

/* The local store's workloads onto the imported domains of their names
 * (a domain of that name added when Prometheus had none). */
static int move_workloads(const xg_store *from, xg_store *to)
{
    for (size_t i = 0; i < from->n_workloads; i++) {
        xg_workload w = from->workloads[i];
        const xg_domain_info *d = &from->domains[w.domain];
        int64_t j = -1;
        for (size_t k = 0; k < to->n_domains && j < 0; k++)
            if (is_named(&to->domains[k], d->name))
                j = (int64_t)k;
        if (j < 0) {
            xg_domain_info n = *d;
            n.first_tick = n.last_tick = -1;
            n.host = n.label = NULL;
            j = xg_store_add_domain(to, &n);
        }
        if (j < 0)
            return -1;
        if (!to->domains[j].address && d->address)
            to->domains[j].address = strdup(d->address);
        w.domain = (uint32_t)j;
        if (xg_store_add_workload(to, &w) < 0)
            return -1;
    }
    return 0;
}

static void run_meta(xg_store *s, const xg_options *o, int sig)
{
    char *cmd = o->command ? xg_argv_json(o->command) : NULL;

    xg_store_meta_set(s, "cmdline", o->cmdline ? o->cmdline : "");
    xg_store_meta_set(s, "exec", o->exec_tpl);
    xg_store_meta_set(s, "command", cmd ? cmd : "[]");
    xg_store_meta_set(s, "partial", sig ? "1" : "0");
    if (sig)
        xg_store_meta_set(s, "partial_reason", "interrupted by a signal");
    free(cmd);
}

/* The window's figures from Prometheus, with ctx's workloads, written. */
static int import_window(xg_ctx *ctx, xg_result *res, double t0, double t1,
                         int64_t mono_minus_wall, int sig, char *err,
                         size_t errlen)
{
    const xg_options *o = ctx->opt;
    double step = o->import_step > 0 ? o->import_step : o->interval_s;
    char *query = xg_fleet_query(NULL);
    xg_fleet_window w = {o->source, query, t0 - step, 0, step, true,
                         mono_minus_wall};
    xg_store s;
    int rc = -1;

    w.end = w.start + ceil((t1 - w.start) / step - 0.25) * step;
    if (!query) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (xg_fleet_fetch(&w, &s, NULL, err, errlen) == 0) {
        run_meta(&s, o, sig);
        if (move_workloads(&ctx->store, &s) < 0)
            snprintf(err, errlen, "out of memory");
        else
            rc = xg_recording_write(&s, res->recording, o->force, err,
                                    errlen);
    }
    xg_store_free(&s);
    free(query);
    return rc;
}

int xg_remote_experiment(const xg_options *o, xg_result *res, char *err,
                         size_t errlen)
{
    xg_ctx ctx = {.opt = o, .ops = &remote_ops};
    xg_jobs jobs = {0};
    int rc = XG_EXIT_USAGE, sig;
    double step = o->import_step > 0 ? o->import_step : o->interval_s;

    memset(res, 0, sizeof(*res));
    xg_store_init(&ctx.store, 0);
    if (!o->vmfile)
        snprintf(err, errlen, "--source: --vmfile names the domains (they "
                 "run on other hosts)");
    else if (!xg_pm_have_http())
        snprintf(err, errlen, "--source: built without libcurl");
    else if (load_domains(&ctx, err, errlen) == 0 &&
             xg_jobs_prepare(&ctx, &jobs, err, errlen) == 0 &&
             xg_output_path(o, res, err, errlen) == 0)
        rc = XG_EXIT_OK;
    if (rc == XG_EXIT_OK) {
        int64_t mono_minus_wall = xg_now_ns() - wall_now();
        double t0 = (double)wall_now() / 1e9;
        xg_jobs_start(&ctx, &jobs);
        sig = wait_window(o, &jobs, xg_now_ns() +
                                        llround(o->duration_s * 1e9));
        double t1 = (double)wall_now() / 1e9;
        xg_jobs_stop(&jobs, sig ? 0.5 : 2.0);
        xg_jobs_record(&ctx, &jobs, 0);
        res->partial = sig != 0;
        res->signal = sig;
        if (!o->quiet)
            xg_say("the window's figures from %s (after one more scrape "
                   "interval, %g s)", o->source, step);
        struct timespec ts = {(time_t)step, (long)(fmod(step, 1) * 1e9)};
        ts.tv_sec += 1; /* the scrape after the window, and a margin */
        nanosleep(&ts, NULL);
        if (import_window(&ctx, res, t0, t1, mono_minus_wall, sig, err,
                          errlen) < 0)
            rc = XG_EXIT_USAGE;
    }
    xg_jobs_stop(&jobs, 2.0);
    xg_jobs_free(&jobs);
    xg_pdomains_free(&ctx.doms);
    free(ctx.store_dom);
    free(ctx.gone);
    xg_store_free(&ctx.store);
    return rc;
}

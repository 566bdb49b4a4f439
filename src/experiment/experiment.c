/* experiment.c — one whole experiment, steps 1-5 of the workflow except the
 * report: domains, collectors, workload, sampling loop, stop, recording. */
#include "experiment/experiment.h"
#include "experiment/remote.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "collect/collector.h"
#include "recording/recording.h"
#include "experiment/environ.h"
#include "experiment/restart.h"
#include "experiment/spill.h"
#include "util/exectpl.h"
#include "util/root.h"
#include "util/say.h"
#include "util/vmfile.h"
#include "experiment/workload.h"

static volatile sig_atomic_t g_stop_sig;
/* After the recording is written (xg_signals_exit_now): a stop signal
 * ends the process at once, removing the file being written, if any. */
static volatile sig_atomic_t g_exit_now;
static char g_exit_msg[8800];
static char g_exit_unlink[4200];

static void say_raw(const char *msg, size_t len)
{
    while (len > 0) {
        ssize_t n = write(2, msg, len);
        if (n <= 0)
            return;
        msg += n;
        len -= (size_t)n;
    }
}

static void on_signal(int sig)
{
    if (g_exit_now) {
        if (g_exit_unlink[0])
            unlink(g_exit_unlink);
        say_raw(g_exit_msg, strlen(g_exit_msg));
        _exit(128 + sig);
    }
    if (g_stop_sig && sig == SIGINT) { /* second Ctrl-C: abort at once */
        static const char msg[] = "\nxengatherer: aborted\n";
        xg_jobs_kill_now();
        say_raw(msg, sizeof(msg) - 1);
        _exit(130);
    }
    if (!g_stop_sig)
        g_stop_sig = sig;
}

/* Sets a string the handler reads, with the stop signals held off. */
static void set_for_handler(char *dst, size_t len, const char *src)
{
    sigset_t stop, old;

    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigprocmask(SIG_BLOCK, &stop, &old);
    snprintf(dst, len, "%s", src ? src : "");
    sigprocmask(SIG_SETMASK, &old, NULL);
}

void xg_signals_exit_now(const char *msg)
{
    set_for_handler(g_exit_msg, sizeof(g_exit_msg), msg);
    g_exit_now = 1;
}

void xg_signals_writing(const char *path)
{
    set_for_handler(g_exit_unlink, sizeof(g_exit_unlink), path);
}

static void on_child(int sig)
{
    (void)sig; /* only there to wake the sleep */
}

void xg_signals_install(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_signal; /* no SA_RESTART: the sleep must wake */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_child;
    sa.sa_flags = SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
}

int xg_signal_stop(void)
{
    return g_stop_sig;
}

static int64_t wall_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t cpu_ns(clockid_t c)
{
    struct timespec ts;

    clock_gettime(c, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Keeps the host and, with a vmfile, only the domains it names (each must
 * exist, once). Sets addresses from the file. */
static int select_domains(xg_ctx *ctx, xg_pdomains *all, char *err,
                          size_t errlen)
{
    const xg_options *o = ctx->opt;
    xg_vmfile vf = {0};
    size_t i, j;
    int rc = -1;

    if (!o->vmfile) {
        ctx->doms = *all;
        memset(all, 0, sizeof(*all));
        return 0;
    }
    if (xg_vmfile_load(o->vmfile, &vf, err, errlen) < 0)
        return -1;
    for (i = 0; i < all->n; i++)
        if (all->v[i].info.is_host &&
            xg_pdomains_push(&ctx->doms, &all->v[i]) < 0)
            goto out;
    for (j = 0; j < vf.n; j++) {
        xg_pdomain *hit = NULL;
        for (i = 0; i < all->n; i++) {
            if (strcmp(all->v[i].info.name, vf.v[j].name) != 0)
                continue;
            if (hit) {
                snprintf(err, errlen, "%s:%u: name '%s' is ambiguous: it "
                         "matches %s and %s", o->vmfile, vf.v[j].line,
                         vf.v[j].name, hit->info.key, all->v[i].info.key);
                goto out;
            }
            hit = &all->v[i];
        }
        if (!hit) {
            snprintf(err, errlen, "%s:%u: unknown domain '%s' (not seen by "
                     "platform %s; 'xengatherer list' shows what it sees)",
                     o->vmfile, vf.v[j].line, vf.v[j].name, ctx->ops->name);
            goto out;
        }
        if (hit->info.is_host) {
            if (vf.v[j].address) {
                free(ctx->doms.v[0].info.address);
                ctx->doms.v[0].info.address = strdup(vf.v[j].address);
            }
            continue;
        }
        if (vf.v[j].address) { /* else the platform's, if it has one */
            free(hit->info.address);
            hit->info.address = strdup(vf.v[j].address);
            if (!hit->info.address)
                goto out;
        }
        if (xg_pdomains_push(&ctx->doms, hit) < 0)
            goto out;
    }
    rc = 0;
out:
    xg_vmfile_free(&vf);
    return rc;
}

/* Prepares domain i and gives it a place in the store (under store_key, or
 * its own key when NULL) and the collectors. */
static int add_domain(xg_ctx *ctx, size_t i, const char *store_key,
                      void **state, char *err, size_t errlen)
{
    const xg_collector *const *c = xg_collectors();
    xg_domain_info info;
    int64_t idx;
    size_t k;

    info = ctx->doms.v[i].info;
    info.first_tick = info.last_tick = -1;
    if (store_key)
        info.key = (char *)store_key; /* copied by the store */
    idx = xg_store_add_domain(&ctx->store, &info);
    if (idx < 0)
        return -1;
    ctx->store_dom[i] = (uint32_t)idx;
    ctx->gone[i] = 0;
    if (ctx->ops->prepare(ctx->plat, &ctx->doms.v[i], err, errlen) < 0) {
        ctx->gone[i] = 1; /* in the store, never sampled */
        return -1;
    }
    if (state)
        for (k = 0; c[k]; k++)
            if (state[k] && c[k]->add_domain(ctx, state[k], i) < 0)
                return -1;
    return 0;
}

static int grow_index(xg_ctx *ctx, size_t n)
{
    uint32_t *sd = realloc(ctx->store_dom, (n ? n : 1) * sizeof(*sd));
    int *g;

    if (!sd)
        return -1;
    ctx->store_dom = sd;
    g = realloc(ctx->gone, (n ? n : 1) * sizeof(*g));
    if (!g)
        return -1;
    ctx->gone = g;
    return 0;
}

/* Domains that appeared since the last look (when watching all) and watched
 * domains that vanished and came back (always: see restart.h). */
static void rediscover(xg_ctx *ctx, xg_keyset *seen, void **state,
                       bool watch_all)
{
    xg_pdomains now = {0};
    char err[256], key[4200]; /* a cgroup key is up to 4 KiB */
    size_t i;

    if (ctx->ops->discover(ctx->plat, &now, err, sizeof(err)) < 0)
        goto out;
    for (i = 0; i < now.n; i++) {
        size_t at = ctx->doms.n;
        ssize_t was = xg_restart_of(ctx, &now.v[i].info, !watch_all);
        const char *store_key = NULL;
        if (was < 0 && (!watch_all || xg_keyset_has(seen, now.v[i].info.key)))
            continue;
        if (was >= 0) {
            const xg_domain_info *o = &ctx->doms.v[was].info;
            if (xg_store_find_domain(&ctx->store, now.v[i].info.key) >= 0) {
                if (xg_restart_key(&ctx->store, now.v[i].info.key, key,
                                   sizeof(key)) < 0)
                    continue;
                store_key = key;
            }
            if (!now.v[i].info.address && o->address &&
                !(now.v[i].info.address = strdup(o->address)))
                break;
        }
        if (grow_index(ctx, at + 1) < 0 ||
            xg_pdomains_push(&ctx->doms, &now.v[i]) < 0)
            break;
        ctx->store_dom[at] = UINT32_MAX; /* until it has a place */
        ctx->gone[at] = 1;
        if (was >= 0)
            ctx->gone[was] = XG_GONE_RESTARTED; /* one new life each */
        /* tried once: one that can't be prepared is not tried again, so
         * a key is never in the store twice */
        xg_keyset_add(seen, ctx->doms.v[at].info.key);
        add_domain(ctx, at, store_key, state, err, sizeof(err));
    }
out:
    xg_pdomains_free(&now);
}

/* The progress line (on a terminal), after a first line saying which
 * platform measures and why (unless -q). n counts the host's row too; run
 * is the run's start (the platform line is said once per run), t0 and end
 * the window's (a repetition's), rep its number of nrep (nrep 0: one
 * window). */
typedef struct xg_prog {
    int64_t run, t0, end;
    unsigned rep, nrep;
} xg_prog;

static void progress(const xg_options *o, const xg_prog *p, size_t n)
{
    static int64_t said; /* the run whose platform line is out */
    double left = (double)(p->end - xg_now_ns()) / 1e9;
    size_t doms = n ? n - 1 : 0;

    if (o->quiet)
        return;
    if (said != p->run && o->platform_why) {
        said = p->run;
        xg_say("platform %s (%s)", o->platform, o->platform_why);
    }
    if (!isatty(2))
        return;
    if (left < 0)
        left = 0;
    fprintf(stderr, "\rxengatherer: measuring %zu domain%s and the host, ",
            doms, doms == 1 ? "" : "s");
    if (p->nrep)
        fprintf(stderr, "repetition %u of %u%s, ", p->rep, p->nrep,
                p->rep <= o->warmup ? " (warm-up)" : "");
    fprintf(stderr, "%.1f s left of %.1f s ", left,
            (double)(p->end - p->t0) / 1e9);
}

/* The folder and recording path; refuses an existing recording unless
 * --force, before anything starts. The folder is made with its parents
 * (as mkdir -p); a file or a symlink in the way is refused. */
int xg_output_path(const xg_options *o, xg_result *res, char *err,
                   size_t errlen)
{
    struct stat st;
    char *p;

    if (o->outdir) {
        if ((size_t)snprintf(res->outdir, sizeof(res->outdir), "%s",
                             o->outdir) >= sizeof(res->outdir)) {
            snprintf(err, errlen, "-o: path too long");
            return -1;
        }
    } else {
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        strftime(res->outdir, sizeof(res->outdir), "xg-%Y%m%d-%H%M%S", &tm);
    }
    /* each parent, then the folder itself */
    for (p = res->outdir + (res->outdir[0] == '/');; p++) {
        char c = *p;
        if (c && c != '/')
            continue;
        *p = '\0';
        if (mkdir(res->outdir, 0750) < 0 && errno != EEXIST) {
            snprintf(err, errlen, "%s: %s", res->outdir, strerror(errno));
            *p = c;
            return -1;
        }
        *p = c;
        if (!c)
            break;
    }
    if (lstat(res->outdir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: not a directory", res->outdir);
        return -1;
    }
    if (access(res->outdir, W_OK) < 0) {
        snprintf(err, errlen, "%s: %s", res->outdir, strerror(errno));
        return -1;
    }
    if ((size_t)snprintf(res->recording, sizeof(res->recording),
                         "%s/recording.db", res->outdir) >=
        sizeof(res->recording)) {
        snprintf(err, errlen, "%s: path too long", res->outdir);
        return -1;
    }
    if (!o->force && lstat(res->recording, &st) == 0) {
        snprintf(err, errlen, "%s: a recording is already there (use "
                 "--force to overwrite, or -o another folder)",
                 res->recording);
        return -1;
    }
    return 0;
}

static void set_meta_num(xg_store *s, const char *k, double v, int dec)
{
    char b[64];

    snprintf(b, sizeof(b), "%.*f", dec, v);
    xg_store_meta_set(s, k, b);
}

static void set_meta_i64(xg_store *s, const char *k, int64_t v)
{
    char b[32];

    snprintf(b, sizeof(b), "%lld", (long long)v);
    xg_store_meta_set(s, k, b);
}

/* The platform's note.<family> for each family on, where the collector
 * set none of its own; with added, the keys set (at most one per
 * collector) are listed there, so that a checkpoint can take them out
 * again: a platform's note can change until the end (a cgroup that had no
 * process yet), and the final one must win. Returns how many. */
static size_t platform_notes(xg_ctx *ctx, char (*added)[64])
{
    const xg_collector *const *c = xg_collectors();
    size_t k, n = 0;

    for (k = 0; ctx->ops->note && c[k]; k++) {
        const char *note = ctx->ops->note(ctx->plat, c[k]->flag);
        char key[64];
        if (!note || !(ctx->opt->families & c[k]->flag))
            continue;
        snprintf(key, sizeof(key), "note.%s", c[k]->name);
        if (xg_store_meta_get(&ctx->store, key)) /* the collector's own */
            continue;
        xg_store_meta_set(&ctx->store, key, note);
        if (added)
            snprintf(added[n++], sizeof(added[0]), "%s", key);
    }
    return n;
}

/* A repeated run's settings (meta repeat, warmup, pause_s); a single run
 * has none of them. */
static void rep_meta(xg_store *s, const xg_options *o)
{
    if (!XG_REPEATED(o))
        return;
    set_meta_i64(s, "repeat", o->repeat);
    set_meta_i64(s, "warmup", o->warmup);
    set_meta_num(s, "pause_s", o->pause_s, 3);
}

static void fill_meta(xg_ctx *ctx, int sig,
                      int64_t overhead_ns, uint32_t ticks)
{
    const xg_options *o = ctx->opt;
    xg_store *s = &ctx->store;
    const xg_collector *const *c = xg_collectors();
    char host[256] = "", fams[128] = "", *cmd;
    struct utsname u;
    size_t k;
    int nc = 0;

    gethostname(host, sizeof(host) - 1);
    xg_store_meta_set(s, "hostname", host);
    if (uname(&u) == 0) {
        char k2[600];
        snprintf(k2, sizeof(k2), "%s %s %s", u.sysname, u.release, u.machine);
        xg_store_meta_set(s, "kernel", k2);
    }
    xg_store_meta_set(s, "tool_version", XG_VERSION);
    xg_store_meta_set(s, "platform", ctx->ops->name);
    xg_store_meta_set(s, "cmdline", o->cmdline ? o->cmdline : "");
    xg_store_meta_set(s, "exec", o->exec_tpl);
    set_meta_num(s, "interval_s", o->interval_s, 3);
    set_meta_num(s, "duration_s", o->duration_s, 3);
    for (k = 0; c[k]; k++)
        if (o->families & c[k]->flag)
            nc += snprintf(fams + nc, sizeof(fams) - (size_t)nc, "%s%s",
                           nc ? "," : "", c[k]->name);
    xg_store_meta_set(s, "families", fams);
    cmd = o->command ? xg_argv_json(o->command) : NULL;
    xg_store_meta_set(s, "command", cmd ? cmd : "[]");
    free(cmd);
    if (s->n_ticks) {
        set_meta_i64(s, "window_start_mono_ns", s->tick_mono_ns[0]);
        set_meta_i64(s, "window_end_mono_ns", s->tick_mono_ns[s->n_ticks - 1]);
        set_meta_i64(s, "window_start_wall_ns", s->tick_wall_ns[0]);
        set_meta_i64(s, "window_end_wall_ns", s->tick_wall_ns[s->n_ticks - 1]);
    }
    xg_store_meta_set(s, "partial", sig ? "1" : "0");
    if (sig && s->n_ticks) {
        char why[160];
        const xg_rep *r = s->n_reps ? &s->reps[s->n_reps - 1] : NULL;
        uint32_t from = r ? r->first_tick : 0;
        const char *name = sig == SIGINT ? "SIGINT"
                           : sig == SIGTERM ? "SIGTERM" : "a signal";
        double got = (double)(s->tick_mono_ns[s->n_ticks - 1] -
                              s->tick_mono_ns[from]) / 1e9;
        if (r && r->state == XG_REP_PARTIAL)
            snprintf(why, sizeof(why), "interrupted by %s in repetition %zu "
                     "of %u, after %.1f s of %.1f s", name, s->n_reps,
                     o->repeat + o->warmup, got, o->duration_s);
        else if (r)
            snprintf(why, sizeof(why), "interrupted by %s after repetition "
                     "%zu of %u", name, s->n_reps, o->repeat + o->warmup);
        else
            snprintf(why, sizeof(why), "interrupted by %s after %.1f s of "
                     "%.1f s", name, got, o->duration_s);
        xg_store_meta_set(s, "partial_reason", why);
    }
    set_meta_i64(s, "overhead_cpu_ns", overhead_ns);
    set_meta_i64(s, "overhead_ticks", ticks);
    set_meta_i64(s, "sample_bytes", (int64_t)xg_store_sample_bytes(s));
    set_meta_i64(s, "tool_cpu_ns", cpu_ns(CLOCK_PROCESS_CPUTIME_ID));
    {
        struct rusage ru;
        if (getrusage(RUSAGE_SELF, &ru) == 0)
            set_meta_i64(s, "tool_maxrss_kib", ru.ru_maxrss);
    }
    set_meta_i64(s, "clk_tck", sysconf(_SC_CLK_TCK));
    for (k = 0; k < s->n_domains; k++)
        if (s->domains[k].is_host && s->domains[k].vcpus > 0)
            set_meta_i64(s, "ncpus", s->domains[k].vcpus);
}

/* Writes the recording: to the file the --max-memory writer began, if it
 * did, with the chunks it did not write. If that fails, tries a rescue copy
 * in $TMPDIR, with the samples written during the run copied in, so nothing
 * measured is lost; when even that fails, the file that holds those is
 * kept and named. */
static int write_recording(xg_ctx *ctx, xg_result *res, bool force,
                           xg_spill *sp, char *err, size_t errlen)
{
    char rescue[sizeof(res->recording)], e2[512], kept[4200] = "";
    const char *tmp = getenv("TMPDIR");
    const xg_chunk *left;
    size_t n_left;
    xg_recfile *f = xg_spill_end(sp, &left, &n_left);

    xg_spill_meta(sp, &ctx->store);
    if (!f && xg_recording_begin(&f, res->recording, force, XG_REC_WHOLE, err,
                                 errlen) < 0)
        f = NULL;
    if (f && xg_recording_finish(f, &ctx->store, left, n_left, kept,
                                 sizeof(kept), err, errlen) == 0)
        return 0;
    if ((size_t)snprintf(rescue, sizeof(rescue), "%s/xengatherer-rescue-%ld.db",
                         tmp && *tmp ? tmp : "/tmp", (long)getpid()) >=
        sizeof(rescue)) { /* $TMPDIR too long: /tmp then */
        snprintf(rescue, sizeof(rescue), "/tmp/xengatherer-rescue-%ld.db",
                 (long)getpid());
    }
    if (xg_recording_rescue(&ctx->store, left, n_left, kept[0] ? kept : NULL,
                            rescue, false, e2, sizeof(e2)) == 0) {
        size_t l = strlen(err);
        snprintf(err + l, errlen - l, "; the samples were saved to %s%s%s%s",
                 rescue, strcmp(kept, res->recording) == 0 ? " (" : "",
                 strcmp(kept, res->recording) == 0 ? kept : "",
                 strcmp(kept, res->recording) == 0
                     ? " holds them up to its last checkpoint)" : "");
        /* all of it is in the rescue copy now; a checkpointed recording
         * in its place stays, marked as its last checkpoint left it */
        if (kept[0] && strcmp(kept, res->recording) != 0)
            unlink(kept);
        snprintf(res->recording, sizeof(res->recording), "%s", rescue);
    } else if (kept[0]) {
        size_t l = strlen(err);
        snprintf(err + l, errlen - l, "; the samples flushed during the run "
                 "stay in %s (no rescue copy: %s)", kept, e2);
    }
    return -1;
}

static void release_all(xg_ctx *ctx)
{
    size_t i;

    for (i = 0; i < ctx->doms.n; i++) /* release copes with priv == NULL */
        ctx->ops->release(ctx->plat, &ctx->doms.v[i]);
}

int xg_session_select(xg_session *s, const xg_options *o, char *err,
                      size_t errlen)
{
    xg_ctx *ctx = &s->ctx;
    xg_pdomains all = {0};
    int rc = XG_EXIT_USAGE;

    memset(s, 0, sizeof(*s));
    ctx->opt = o;
    s->watch_all = !o->vmfile && o->n_cgroups == 0;
    xg_store_init(&ctx->store,
                  (uint32_t)(o->duration_s / o->interval_s) + 2);
    xg_root_set(o->root);
    ctx->ops = xg_platform_choose(o, err, errlen);
    if (!ctx->ops)
        return XG_EXIT_USAGE;
    ctx->plat = ctx->ops->open(o, err, errlen);
    if (!ctx->plat) /* not here, or not at --connect: bad input */
        return XG_EXIT_USAGE;
    if (ctx->ops->discover(ctx->plat, &all, err, errlen) == 0 &&
        select_domains(ctx, &all, err, errlen) == 0)
        rc = XG_EXIT_OK;
    xg_pdomains_free(&all);
    return rc;
}

int xg_session_start(xg_session *s, char *err, size_t errlen)
{
    const xg_collector *const *col = xg_collectors();
    xg_ctx *ctx = &s->ctx;
    size_t i, k;

    if (grow_index(ctx, ctx->doms.n) < 0)
        return XG_EXIT_FAIL;
    for (i = 0; i < ctx->doms.n; i++) {
        xg_keyset_add(&s->seen, ctx->doms.v[i].info.key);
        ctx->store_dom[i] = UINT32_MAX;
        ctx->gone[i] = 1;
        if (add_domain(ctx, i, NULL, NULL, err, errlen) == 0)
            continue;
        /* the host must be there; a domain that went away since it was
         * listed (a VM stopping) is said and left out, the rest goes on */
        if (ctx->doms.v[i].info.is_host || !ctx->gone[i])
            return XG_EXIT_FAIL;
        xg_say("%s (not watched)", err);
    }
    s->started = 1;
    for (k = 0; k < XG_N_COLLECTORS && col[k]; k++) {
        if (!(ctx->opt->families & col[k]->flag))
            continue;
        if (col[k]->start(ctx, &s->state[k], err, errlen) < 0)
            return XG_EXIT_FAIL;
    }
    return XG_EXIT_OK;
}

void xg_session_sample(xg_session *s, int64_t mono_ns, int64_t wall_ns,
                       int rescan)
{
    const xg_collector *const *col = xg_collectors();
    size_t k;

    /* New domains join, and vanished ones that came back: when the
     * platform says the set changed (a cheap check), and in any case every
     * 10 s (changes that cancel out). */
    int64_t c = cpu_ns(CLOCK_THREAD_CPUTIME_ID), c1;

    if (s->ctx.ops->tick) /* every reading after mono_ns, tick 0's too */
        s->ctx.ops->tick(s->ctx.plat);
    if (rescan && (s->watch_all || xg_restart_pending(&s->ctx)) &&
        ((s->ctx.ops->changed ? s->ctx.ops->changed(s->ctx.plat) : 1) ||
         mono_ns - s->last_scan_ns >= 10 * (int64_t)1000000000)) {
        rediscover(&s->ctx, &s->seen, s->state, s->watch_all);
        s->last_scan_ns = mono_ns;
    }
    c1 = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
    s->part_ns[XG_N_COLLECTORS] += c1 - c;
    if (xg_store_tick(&s->ctx.store, mono_ns, wall_ns) < 0)
        return;
    for (k = 0; k < XG_N_COLLECTORS && col[k]; k++)
        if (s->state[k]) {
            col[k]->sample(&s->ctx, s->state[k]);
            c = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
            s->part_ns[k] += c - c1;
            c1 = c;
        }
}

/* meta overhead_part.<collector> and overhead_part.rescan: where the
 * sampling CPU went. */
static void part_meta(xg_session *s)
{
    const xg_collector *const *col = xg_collectors();
    char key[64];

    for (size_t k = 0; k < XG_N_COLLECTORS && col[k]; k++)
        if (s->part_ns[k]) {
            snprintf(key, sizeof(key), "overhead_part.%s", col[k]->name);
            set_meta_i64(&s->ctx.store, key, s->part_ns[k]);
        }
    if (s->watch_all)
        set_meta_i64(&s->ctx.store, "overhead_part.rescan",
                     s->part_ns[XG_N_COLLECTORS]);
}

void xg_session_stop(xg_session *s)
{
    const xg_collector *const *col = xg_collectors();
    xg_ctx *ctx = &s->ctx;
    size_t i, k;

    for (k = 0; col[k]; k++)
        if (s->state[k]) {
            col[k]->stop(ctx, s->state[k]);
            s->state[k] = NULL;
        }
    for (i = 0; s->started && i < ctx->doms.n; i++)
        if (ctx->gone[i] && ctx->store_dom[i] < ctx->store.n_domains) {
            size_t x;
            for (x = 0; x < ctx->store.n_series; x++)
                if (ctx->store.series[x].domain == ctx->store_dom[i])
                    xg_store_series_note(&ctx->store, (uint32_t)x,
                                         ctx->gone[i] == XG_GONE_RESTARTED
                                             ? "domain restarted (a new row "
                                               "follows)"
                                             : "domain vanished");
        }
}

void xg_session_close(xg_session *s)
{
    xg_ctx *ctx = &s->ctx;

    xg_session_stop(s);
    if (ctx->plat) {
        if (s->started)
            release_all(ctx);
        ctx->ops->close(ctx->plat);
    }
    xg_keyset_free(&s->seen);
    xg_pdomains_free(&ctx->doms);
    free(ctx->store_dom);
    free(ctx->gone);
    xg_store_free(&ctx->store);
    memset(s, 0, sizeof(*s));
}

/* When the platform could measure no more (its daemon went away): said,
 * and the recording marked partial with why (the run still succeeds: what
 * it measured is all there). */
static void platform_lost(xg_ctx *ctx)
{
    const char *why = ctx->ops->lost ? ctx->ops->lost(ctx->plat) : NULL;

    if (!why)
        return;
    xg_say("%s", why);
    xg_store_meta_set(&ctx->store, "partial", "1");
    xg_store_meta_set(&ctx->store, "partial_reason", why);
}

/* Sleeps until the next tick, the end of the window, a stop signal or (with
 * --until-done) the end of the last command. Returns 1 when this tick is
 * the last. */
static int wait_tick(const xg_options *o, xg_jobs *jobs, int64_t next,
                     int64_t end, int *sig)
{
    int64_t target = next < end ? next : end;
    struct timespec ts;

    ts.tv_sec = target / 1000000000;
    ts.tv_nsec = target % 1000000000;
    if (g_stop_sig) { /* came before the sleep: stop now */
        *sig = g_stop_sig;
        return 1;
    }
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
           EINTR) {
        size_t running = xg_jobs_reap(jobs);
        if (g_stop_sig) {
            *sig = g_stop_sig;
            return 1;
        }
        if (o->until_done && jobs->n && running == 0)
            return 1;
    }
    return xg_now_ns() >= end ||
           (o->until_done && jobs->n && xg_jobs_reap(jobs) == 0);
}

/* A checkpoint: the meta as it would be if the run ended here (marked
 * partial: a reader of this state sees a run that did not stop), then the
 * store handed to the background writer. */
static void checkpoint(xg_ctx *ctx, xg_spill *sp, int64_t overhead)
{
    xg_store *s = &ctx->store;
    char why[160], when[32] = "?", added[XG_N_COLLECTORS][64];
    int64_t w = s->tick_wall_ns[s->n_ticks - 1];
    size_t n;
    time_t t = (time_t)(w / 1000000000);
    struct tm tm;

    fill_meta(ctx, 0, overhead, s->n_ticks);
    if (gmtime_r(&t, &tm))
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(why, sizeof(why), "ended without stopping: last checkpoint at "
             "%s, %.1f s of %.1f s", when,
             (double)(s->tick_mono_ns[s->n_ticks - 1] - s->tick_mono_ns[0]) /
                 1e9, ctx->opt->duration_s);
    xg_store_meta_set(s, "partial", "1");
    xg_store_meta_set(s, "partial_reason", why);
    set_meta_i64(s, "checkpoint_wall_ns", w);
    n = platform_notes(ctx, added); /* in the checkpoint only */
    if (xg_spill_checkpoint(sp, s, s->tick_mono_ns[s->n_ticks - 1]) < 0)
        xg_say("a checkpoint could not be taken (out of memory); the next "
               "one takes its samples");
    while (n > 0)
        xg_store_meta_del(s, added[--n]);
}

/* One tick, counted in the overhead; with rescan, new domains join. A
 * checkpoint follows when due (unless this is the run's last tick). */
static void one_tick(xg_session *s, xg_spill *sp, int64_t *overhead,
                     int rescan, bool last)
{
    xg_ctx *ctx = &s->ctx;
    int64_t c0 = cpu_ns(CLOCK_THREAD_CPUTIME_ID);

    xg_session_sample(s, xg_now_ns(), wall_ns(), rescan);
    xg_spill_tick(sp, &ctx->store);
    *overhead += cpu_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
    if (!last && ctx->store.n_ticks &&
        xg_spill_checkpoint_due(
            sp, ctx->store.tick_mono_ns[ctx->store.n_ticks - 1]))
        checkpoint(ctx, sp, *overhead);
}

/* Whether the platform can measure no more (its daemon went away). */
static bool is_lost(const xg_ctx *ctx)
{
    return ctx->ops->lost && ctx->ops->lost(ctx->plat);
}

/* Samples every interval from the window's baseline (the last tick, at
 * p->t0) to p->end, a stop signal, or (--until-done) the commands' end.
 * *sig is the stop signal; returns true when the platform was lost. */
static bool window(xg_session *s, xg_spill *sp, xg_jobs *jobs,
                   const xg_prog *p, int64_t *overhead, int *sig)
{
    const xg_options *o = s->ctx.opt;
    int64_t interval_ns = (int64_t)llround(o->interval_s * 1e9);
    int64_t next = p->t0 + interval_ns;
    int last = 0;
    bool lost = false;

    while (!last) {
        progress(o, p, s->ctx.doms.n);
        last = wait_tick(o, jobs, next, p->end, sig);
        /* the run's last tick takes no checkpoint: the final write follows;
         * a repetition's last tick may (more repetitions follow) */
        one_tick(s, sp, overhead, !last, last && p->rep == p->nrep);
        if (is_lost(&s->ctx))
            last = 1, lost = true;
        while (next <= xg_now_ns())
            next += interval_ns;
    }
    if (!o->quiet && isatty(2))
        fprintf(stderr, "\r\033[K");
    return lost;
}

/* --pause: sampled on the interval's grid, in no repetition; false when a
 * stop signal or the platform's loss came during it. */
static bool pause_ticks(xg_session *s, xg_spill *sp, int64_t *overhead,
                        int *sig)
{
    const xg_options *o = s->ctx.opt;
    xg_jobs none = {0};
    int64_t interval_ns = (int64_t)llround(o->interval_s * 1e9);
    int64_t t = xg_now_ns(), end = t + (int64_t)llround(o->pause_s * 1e9);
    int64_t next = t + interval_ns;

    while (o->pause_s > 0) {
        int last = wait_tick(o, &none, next, end, sig);
        if (*sig)
            return false;
        if (last)
            break;
        one_tick(s, sp, overhead, 1, false);
        if (is_lost(&s->ctx))
            return false;
        while (next <= xg_now_ns())
            next += interval_ns;
    }
    return !*sig && !is_lost(&s->ctx);
}

/* Starts repetition rep (numbered from 1) at the last tick. */
static void rep_begin(xg_store *st, const xg_options *o, unsigned rep)
{
    xg_rep r = {0};

    r.first_tick = r.last_tick = st->n_ticks - 1;
    r.warmup = rep <= o->warmup;
    r.state = XG_REP_RUNNING;
    if (xg_store_add_rep(st, &r) < 0)
        xg_say("repetition %u: out of memory (its range is not recorded)",
               rep);
}

static void rep_end(xg_store *st, unsigned rep, int sig)
{
    if (rep == 0 || rep > st->n_reps)
        return;
    st->reps[rep - 1].last_tick = st->n_ticks - 1;
    st->reps[rep - 1].state = sig ? XG_REP_PARTIAL : XG_REP_WHOLE;
}

/* 3-4. The windows: the run's baseline is taken, then for each repetition
 * (one, unless --repeat/--warmup) the commands start, the window is
 * sampled, and (between repetitions) the commands are stopped and
 * recorded, the pause sampled, and the next baseline taken. The last
 * repetition's commands are left for the caller to stop and record (when
 * *pending; a stop during a pause leaves none). Returns the number of the
 * last repetition run (0: not a repeated run). */
static unsigned windows(xg_session *s, xg_spill *sp, xg_jobs *jobs,
                        int64_t *overhead, int *sig, bool *pending)
{
    xg_ctx *ctx = &s->ctx;
    const xg_options *o = ctx->opt;
    xg_prog p = {0};
    unsigned rep = 0;

    p.nrep = XG_REPEATED(o) ? o->repeat + o->warmup : 0;
    *pending = true;
    xg_spill_tick(sp, &ctx->store); /* sizes the first arrays */
    one_tick(s, sp, overhead, 0, true); /* the baseline, no checkpoint */
    p.run = ctx->store.tick_mono_ns[0];
    for (;;) {
        p.rep = ++rep;
        p.t0 = ctx->store.tick_mono_ns[ctx->store.n_ticks - 1];
        p.end = p.t0 + (int64_t)llround(o->duration_s * 1e9);
        if (p.nrep)
            rep_begin(&ctx->store, o, rep);
        xg_jobs_start(ctx, jobs);
        /* the first checkpoint, after the commands are forked: the writer
         * thread it starts must not be in the middle of an allocation in
         * a child's copy of this process */
        if (xg_spill_checkpoint_due(sp, p.t0))
            checkpoint(ctx, sp, *overhead); /* the recording is there */
        bool lost = window(s, sp, jobs, &p, overhead, sig);
        if (p.nrep)
            rep_end(&ctx->store, rep, *sig);
        if (rep >= p.nrep || *sig || lost)
            return p.nrep ? rep : 0;
        xg_jobs_stop(jobs, 2.0);
        xg_jobs_record(ctx, jobs, rep);
        xg_jobs_again(jobs);
        if (!pause_ticks(s, sp, overhead, sig)) {
            *pending = false;
            return rep;
        }
        one_tick(s, sp, overhead, 1, false); /* the next baseline */
    }
}

int xg_experiment(const xg_options *o, xg_result *res, char *err,
                  size_t errlen)
{
    xg_session s;
    xg_ctx *ctx = &s.ctx;
    xg_jobs jobs = {0};
    xg_spill *sp = NULL;
    int64_t overhead = 0, t_start = 0, t_stop;
    int rc, sig = 0;
    unsigned rep;
    bool pending;

    if (o->source) /* the figures from a Prometheus: remote.c */
        return xg_remote_experiment(o, res, err, errlen);
    memset(res, 0, sizeof(*res));
    /* 1. domains, workload argv, output folder: everything that can be
     * refused is refused before any collector or workload starts. */
    rc = xg_session_select(&s, o, err, errlen);
    if (rc == XG_EXIT_OK && xg_jobs_prepare(ctx, &jobs, err, errlen) < 0)
        rc = XG_EXIT_USAGE;
    if (rc == XG_EXIT_OK && xg_output_path(o, res, err, errlen) < 0)
        rc = XG_EXIT_USAGE;
    if (rc == XG_EXIT_OK &&
        !(sp = xg_spill_new(o->max_memory, res->recording, o->force))) {
        snprintf(err, errlen, "out of memory");
        rc = XG_EXIT_FAIL;
    }
    if (sp && o->checkpoint_s > 0)
        xg_spill_checkpoints(sp, (int64_t)llround(o->checkpoint_s * 1e9),
                             (uint32_t)ceil(o->checkpoint_s / o->interval_s) +
                                 1);
    /* 2. collectors */
    t_start = xg_now_ns();
    if (rc == XG_EXIT_OK)
        rc = xg_session_start(&s, err, errlen);
    if (rc != XG_EXIT_OK)
        goto out;
    t_start = xg_now_ns() - t_start;
    xg_environ_record(ctx); /* meta env.*: before any workload or checkpoint */
    set_meta_num(&ctx->store, "checkpoint_s", o->checkpoint_s, 3);
    rep_meta(&ctx->store, o);

    /* 3-4. The overhead is this thread's CPU time (the --max-memory
     * writer has its own). */
    rep = windows(&s, sp, &jobs, &overhead, &sig, &pending);

    /* 5. stop, record: the commands get 2 s to end after SIGTERM, half a
     * second when a signal stops the run (it must end within a second) */
    xg_jobs_stop(&jobs, sig ? 0.5 : 2.0);
    t_stop = xg_now_ns();
    xg_session_stop(&s);
    t_stop = xg_now_ns() - t_stop;
    if (pending)
        xg_jobs_record(ctx, &jobs, rep);
    fill_meta(ctx, sig, overhead, ctx->store.n_ticks);
    platform_notes(ctx, NULL);
    platform_lost(ctx);
    part_meta(&s);
    set_meta_i64(&ctx->store, "collectors_start_ns", t_start);
    set_meta_i64(&ctx->store, "collectors_stop_ns", t_stop);
    res->partial = sig != 0;
    res->signal = sig;
    rc = write_recording(ctx, res, o->force, sp, err, errlen) < 0
             ? XG_EXIT_FAIL : XG_EXIT_OK;
out:
    xg_spill_free(sp);
    xg_jobs_stop(&jobs, 2.0);
    xg_jobs_free(&jobs);
    xg_session_close(&s);
    return rc;
}

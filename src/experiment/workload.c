/* workload.c — starting, reaping and stopping the experiment's commands
 * (see workload.h). argv arrays only: no shell ever sees a domain's name. */
#include "experiment/workload.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "experiment/joblog.h"
#include "util/exectpl.h"
#include "util/say.h"
#include "util/strbuf.h"

/* The running jobs, for xg_jobs_kill_now from a signal handler. */
static xg_jobs *volatile g_jobs;
/* Failed jobs at the last xg_jobs_record (xg_jobs_failed). */
static size_t g_failed;

int64_t xg_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Appends s, a malloc'd "NAME=VALUE" whose NAME is l bytes, to a
 * NULL-terminated list with room (n counts); it owns s from then on. */
static void env_add(char **env, size_t *n, char *s, size_t l)
{
    for (size_t i = 0; i < *n; i++) /* a later setting replaces an earlier */
        if (strncmp(env[i], s, l + 1) == 0) {
            free(env[i]);
            env[i] = s;
            return;
        }
    env[(*n)++] = s;
    env[*n] = NULL;
}

/* Appends NAME=VALUE (nothing when val is NULL). 0, or -1 on ENOMEM. */
static int env_put(char **env, size_t *n, const char *name, const char *val)
{
    char *s;

    if (!val)
        return 0;
    if (asprintf(&s, "%s=%s", name, val) < 0)
        return -1;
    env_add(env, n, s, strlen(name));
    return 0;
}

/* The explicit environment of one job (see workload.h). */
static char **job_env(const xg_options *o, const xg_jobs *jobs,
                      const xg_domain_info *d)
{
    static const char *const keep[] = {"LANG", "LC_ALL", "TERM", "TZ",
                                       "SSH_AUTH_SOCK"};
    size_t n = 0, i;
    char **env = calloc(16 + o->n_env, sizeof(*env)), id[32];
    const char *path = getenv("PATH");
    struct passwd *pw = jobs->as_user ? getpwuid(jobs->uid) : NULL;
    int bad = 0;

    if (!env)
        return NULL;
    bad |= env_put(env, &n, "PATH", path && *path ? path :
                   "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
                   "/sbin:/bin");
    bad |= env_put(env, &n, "HOME", pw ? pw->pw_dir : getenv("HOME"));
    bad |= env_put(env, &n, "USER", pw ? pw->pw_name : getenv("USER"));
    bad |= env_put(env, &n, "LOGNAME", pw ? pw->pw_name : getenv("LOGNAME"));
    for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
        bad |= env_put(env, &n, keep[i], getenv(keep[i]));
    snprintf(id, sizeof(id), "%lld", (long long)d->platform_id);
    bad |= env_put(env, &n, "XG_DOMAIN", d->name);
    bad |= env_put(env, &n, "XG_DOMAIN_ID", id);
    bad |= env_put(env, &n, "XG_DOMAIN_ADDR", d->address);
    for (i = 0; i < o->n_env; i++) {
        const char *eq = strchr(o->env[i], '=');
        char *s;
        if (!eq) { /* NAME: passed on from our environment */
            bad |= env_put(env, &n, o->env[i], getenv(o->env[i]));
            continue;
        }
        if (!(s = strdup(o->env[i]))) { /* NAME=VALUE as given, whole */
            bad = 1;
            continue;
        }
        env_add(env, &n, s, (size_t)(eq - o->env[i]));
    }
    if (bad) {
        xg_argv_free(env);
        return NULL;
    }
    return env;
}

int xg_jobs_prepare(xg_ctx *ctx, xg_jobs *jobs, char *err, size_t errlen)
{
    const xg_options *o = ctx->opt;
    bool local = xg_exectpl_is_local(o->exec_tpl);
    char **tpl = NULL;
    int ntpl = 0;
    size_t i;

    memset(jobs, 0, sizeof(*jobs));
    g_failed = 0;
    if (!o->command || o->n_command == 0)
        return 0;
    if (o->exec_user) {
        struct passwd *pw = getpwnam(o->exec_user);
        if (!pw) {
            snprintf(err, errlen, "--exec-user '%s': no such user",
                     o->exec_user);
            return -1;
        }
        jobs->as_user = 1;
        jobs->uid = pw->pw_uid;
        jobs->gid = pw->pw_gid;
        snprintf(jobs->user, sizeof(jobs->user), "%s", pw->pw_name);
    }
    if (local && !ctx->ops->attach) {
        snprintf(err, errlen, "--exec local: platform %s cannot run "
                 "commands inside its domains", ctx->ops->name);
        return -1;
    }
    if (!local) {
        tpl = xg_exectpl_split(o->exec_tpl, &ntpl, err, errlen);
        if (!tpl)
            return -1;
    }
    jobs->v = calloc(ctx->doms.n ? ctx->doms.n : 1, sizeof(*jobs->v));
    if (!jobs->v)
        goto fail;
    for (i = 0; i < ctx->doms.n; i++) {
        const xg_domain_info *d = &ctx->doms.v[i].info;
        xg_job *j;
        char id[32];
        xg_exec_vars v;

        if (d->is_host)
            continue;
        j = &jobs->v[jobs->n];
        j->dom = i;
        j->state = "running";
        j->end_ns = -1;
        snprintf(id, sizeof(id), "%lld", (long long)d->platform_id);
        v.name = d->name;
        v.addr = d->address;
        v.id = id;
        if (local)
            j->argv = xg_exectpl_build(NULL, 0, &v, o->command, o->n_command,
                                       err, errlen);
        else
            j->argv = xg_exectpl_build(tpl, ntpl, &v, o->command,
                                       o->n_command, err, errlen);
        if (j->argv)
            j->envp = job_env(o, jobs, d);
        if (j->argv && !j->envp) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
        if (!j->argv) {
            xg_sb why = XG_SB_INIT;
            xg_sb_printf(&why, "%s (give it in the vmfile: NAME ADDRESS, or "
                         "change --exec)", err);
            xg_sb_put(&why, err, errlen); /* whole, or ending in "..." */
            xg_sb_free(&why);
            goto fail;
        }
        jobs->n++;
    }
    xg_argv_free(tpl);
    return 0;
fail:
    xg_argv_free(tpl);
    xg_jobs_free(jobs);
    return -1;
}

/* In the child: wait for the parent's go (after attach), then exec. Reports
 * an exec failure's errno through the close-on-exec pipe. */
static void child(int go_fd, int err_fd, const int out[2],
                  const xg_jobs *jobs, char **argv, char **envp)
{
    char go = 0;
    int e, devnull;

    setpgid(0, 0);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    if (read(go_fd, &go, 1) != 1 || go != '1')
        _exit(126);
    devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) {
        dup2(devnull, 0);
        close(devnull);
    }
    if (out[0] >= 0) { /* the output pipes (joblog.h) */
        dup2(out[0], 1);
        dup2(out[1], 2);
    }
    /* --exec-user: groups, then gid, then uid; any failure stops here */
    if (jobs->as_user && (initgroups(jobs->user, jobs->gid) < 0 ||
                          setgid(jobs->gid) < 0 || setuid(jobs->uid) < 0)) {
        e = errno;
        if (write(err_fd, &e, sizeof(e)) < 0)
            _exit(127);
        _exit(127);
    }
    execvpe(argv[0], argv, envp);
    e = errno;
    if (write(err_fd, &e, sizeof(e)) < 0)
        _exit(127);
    _exit(127);
}

static void start_one(xg_ctx *ctx, const xg_jobs *jobs, xg_job *j,
                      const int out[2])
{
    int go[2], ex[2];
    char ok = '1', err[4400] = ""; /* a platform's line naming a path */
    ssize_t r;
    int e;
    pid_t pid;

    if (pipe2(go, O_CLOEXEC) < 0 || pipe2(ex, O_CLOEXEC) < 0) {
        j->state = "failed";
        j->why = xg_strfmt("pipe: %s", strerror(errno));
        return;
    }
    j->start_ns = xg_now_ns();
    pid = fork();
    if (pid == 0)
        child(go[0], ex[1], out, jobs, j->argv, j->envp);
    close(go[0]);
    close(ex[1]);
    if (pid < 0) {
        j->state = "failed";
        j->why = xg_strfmt("fork: %s", strerror(errno));
        close(go[1]);
        close(ex[0]);
        return;
    }
    j->pid = pid;
    setpgid(pid, pid); /* also in the child: no race either way */
    if (xg_exectpl_is_local(ctx->opt->exec_tpl) &&
        ctx->ops->attach(ctx->plat, &ctx->doms.v[j->dom], pid, err,
                         sizeof(err)) < 0) {
        ok = '0';
        xg_mark_cut(err, sizeof(err));
        j->why = xg_strfmt("%s", err);
    }
    if (write(go[1], &ok, 1) != 1)
        ok = '0';
    close(go[1]);
    do
        r = read(ex[0], &e, sizeof(e));
    while (r < 0 && errno == EINTR);
    close(ex[0]);
    if (r == (ssize_t)sizeof(e)) {
        free(j->why); /* replaced, as before */
        j->why = xg_strfmt("%s: %s", j->argv[0], strerror(e));
        ok = '0';
    }
    if (ok != '1') {
        waitpid(pid, NULL, 0);
        j->pid = 0;
        j->end_ns = xg_now_ns();
        j->state = "failed";
    }
}

void xg_jobs_start(xg_ctx *ctx, xg_jobs *jobs)
{
    size_t i;

    g_jobs = jobs;
    jobs->log = jobs->n ? xg_joblog_start(jobs->n, XG_OUTPUT_KEEP) : NULL;
    for (i = 0; i < jobs->n; i++) {
        int out[2] = {-1, -1};
        if (jobs->log)
            xg_joblog_fds(jobs->log, i, &out[0], &out[1]);
        start_one(ctx, jobs, &jobs->v[i], out);
        if (jobs->log)
            xg_joblog_forked(jobs->log, i);
        if (jobs->v[i].why) /* said at once; also in the recording */
            xg_say("the command on '%s' did not start: %s",
                   ctx->doms.v[jobs->v[i].dom].info.name, jobs->v[i].why);
    }
}

static void ended(xg_job *j, int status)
{
    j->end_ns = xg_now_ns();
    j->pid = 0;
    if (WIFEXITED(status)) {
        j->exit_code = WEXITSTATUS(status);
        if (strcmp(j->state, "terminated") != 0)
            j->state = "exited";
    } else if (WIFSIGNALED(status)) {
        j->signal = WTERMSIG(status);
        if (strcmp(j->state, "terminated") != 0)
            j->state = "killed";
    }
}

size_t xg_jobs_reap(xg_jobs *jobs)
{
    size_t i, running = 0;

    for (i = 0; i < jobs->n; i++) {
        xg_job *j = &jobs->v[i];
        int status;
        pid_t r;

        if (j->pid <= 0)
            continue;
        r = waitpid(j->pid, &status, WNOHANG);
        if (r == j->pid)
            ended(j, status);
        else
            running++;
    }
    return running;
}

void xg_jobs_stop(xg_jobs *jobs, double grace_s)
{
    int64_t deadline;
    size_t i;

    if (xg_jobs_reap(jobs) == 0)
        return;
    for (i = 0; i < jobs->n; i++) {
        if (jobs->v[i].pid > 0) {
            jobs->v[i].state = "terminated";
            kill(-jobs->v[i].pid, SIGTERM);
        }
    }
    deadline = xg_now_ns() + (int64_t)(grace_s * 1e9);
    while (xg_jobs_reap(jobs) > 0 && xg_now_ns() < deadline) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    for (i = 0; i < jobs->n; i++)
        if (jobs->v[i].pid > 0)
            kill(-jobs->v[i].pid, SIGKILL);
    for (i = 0; i < jobs->n; i++) {
        int status;
        if (jobs->v[i].pid > 0 &&
            waitpid(jobs->v[i].pid, &status, 0) == jobs->v[i].pid)
            ended(&jobs->v[i], status);
    }
}

void xg_jobs_kill_now(void)
{
    xg_jobs *jobs = g_jobs;
    size_t i;

    if (!jobs)
        return;
    for (i = 0; i < jobs->n; i++)
        if (jobs->v[i].pid > 0)
            kill(-jobs->v[i].pid, SIGKILL);
}

void xg_jobs_record(xg_ctx *ctx, const xg_jobs *jobs, uint32_t rep)
{
    size_t i;

    xg_joblog_finish(jobs->log, 500000000);
    for (i = 0; i < jobs->n; i++) {
        const xg_job *j = &jobs->v[i];
        xg_workload w = {0};
        char *json = xg_argv_json(j->argv);
        char *state = j->why ? xg_strfmt("%s: %s", j->state, j->why)
                             : xg_strfmt("%s", j->state);

        w.domain = ctx->store_dom[j->dom];
        w.rep = rep;
        w.argv = json;
        w.start_ns = j->start_ns;
        w.end_ns = j->end_ns;
        w.exit_code = j->exit_code;
        w.signal = j->signal;
        if (strcmp(j->state, "exited") != 0 || j->exit_code != 0)
            g_failed++;
        w.state = state; /* NULL: out of memory */
        char *kept[2] = {NULL, NULL};
        for (int k = 0; jobs->log && k < 2; k++) {
            const xg_tail *t = xg_joblog_tail(jobs->log, i, k);
            if (t->len && (kept[k] = malloc(t->len)))
                w.out_len[k] = xg_tail_copy(t, kept[k]);
            w.out[k] = kept[k];
            w.out_total[k] = t->total;
        }
        xg_store_add_workload(&ctx->store, &w);
        free(kept[0]);
        free(kept[1]);
        free(state);
        free(json);
    }
}

void xg_jobs_again(xg_jobs *jobs)
{
    xg_joblog_free(jobs->log);
    jobs->log = NULL;
    for (size_t i = 0; i < jobs->n; i++) {
        xg_job *j = &jobs->v[i];
        free(j->why);
        j->why = NULL;
        j->pid = 0;
        j->start_ns = 0;
        j->end_ns = -1;
        j->exit_code = j->signal = 0;
        j->state = "running";
    }
}

size_t xg_jobs_failed(void)
{
    return g_failed;
}

void xg_jobs_free(xg_jobs *jobs)
{
    size_t i;

    if (g_jobs == jobs)
        g_jobs = NULL;
    xg_joblog_free(jobs->log);
    for (i = 0; jobs->v && i < jobs->n; i++) {
        xg_argv_free(jobs->v[i].argv);
        xg_argv_free(jobs->v[i].envp);
        free(jobs->v[i].why);
    }
    free(jobs->v);
    memset(jobs, 0, sizeof(*jobs));
}

/* sched.c — the SCHED family's collector (the role xenbaked played): on the
 * xen platform it runs Xen's own xentrace over the window, on the scheduler
 * class's runstate changes, into tmpfs (no disk I/O while measuring), and
 * keeps the raw trace in the recording (meta "sched.xentrace", base64); the
 * report parses it (src/util/xentrace.c). Elsewhere, or when xentrace cannot
 * run, meta "note.sched" says why the section is empty. */
#include "collect/collector.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/b64.h"

extern char **environ;

#define TRACE_MASK "0x00021000" /* TRC_SCHED_MIN: runstate changes */

typedef struct sched_state {
    pid_t pid;        /* xentrace, or -1 */
    char path[128];   /* its output file */
} sched_state;

static void note(xg_ctx *ctx, const char *why)
{
    xg_store_meta_set(&ctx->store, "note.sched", why);
}

static int sched_start(xg_ctx *ctx, void **state, char *err, size_t errlen)
{
    sched_state *st = calloc(1, sizeof(*st));
    posix_spawn_file_actions_t fa;
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    char *argv[] = {"xentrace", "-D", "-e", TRACE_MASK, NULL, NULL};
    int rc;

    (void)err;
    (void)errlen;
    if (!st)
        return -1;
    st->pid = -1;
    *state = st;
    if (strcmp(ctx->ops->name, "xen") != 0) {
        note(ctx, "scheduler detail comes from xentrace, on the xen "
             "platform only");
        return 0;
    }
    snprintf(st->path, sizeof(st->path), "%s/xengatherer-%ld.xentrace", dir,
             (long)getpid());
    unlink(st->path);
    argv[4] = st->path;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    rc = posix_spawnp(&st->pid, "xentrace", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        char why[256];
        st->pid = -1;
        snprintf(why, sizeof(why), "xentrace did not start (%s%s)",
                 strerror(rc), rc == ENOENT ? ": install xen-utils" : "");
        note(ctx, why);
    }
    return 0;
}

static int sched_add(xg_ctx *ctx, void *state, size_t i)
{
    (void)ctx;
    (void)state;
    (void)i;
    return 0;
}

static void sched_sample(xg_ctx *ctx, void *state)
{
    (void)ctx;
    (void)state;
}

/* The trace file whole; NULL when empty or unreadable. */
static unsigned char *slurp(const char *path, size_t *len)
{
    struct stat sb;
    unsigned char *buf;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t got = 0;

    if (fd < 0 || fstat(fd, &sb) < 0 || sb.st_size <= 0 ||
        !(buf = malloc((size_t)sb.st_size))) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    while (got < (size_t)sb.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)sb.st_size - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    *len = got;
    return buf;
}

static void sched_stop(xg_ctx *ctx, void *state)
{
    sched_state *st = state;
    unsigned char *buf;
    size_t len = 0;
    char why[256], num[32];
    int status = 0;

    if (st->pid > 0) {
        kill(st->pid, SIGINT); /* xentrace flushes and exits */
        while (waitpid(st->pid, &status, 0) < 0 && errno == EINTR)
            ;
        buf = slurp(st->path, &len);
        if (buf && len) {
            char *b64 = xg_b64_encode(buf, len);
            if (b64) {
                xg_store_meta_set(&ctx->store, "sched.xentrace", b64);
                snprintf(num, sizeof(num), "%zu", len);
                xg_store_meta_set(&ctx->store, "sched.xentrace_bytes", num);
            } else {
                note(ctx, "out of memory keeping the xentrace trace");
            }
            free(b64);
        } else {
            snprintf(why, sizeof(why), "xentrace wrote no trace (exit "
                     "status %d: is this dom0, as root?)",
                     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
            note(ctx, why);
        }
        free(buf);
        unlink(st->path);
    }
    free(st);
}

const xg_collector xg_collector_sched = {
    .name = "sched",
    .flag = XG_FAM_SCHED,
    .start = sched_start,
    .add_domain = sched_add,
    .sample = sched_sample,
    .stop = sched_stop,
};

/* test_qmp.c — the QMP client against a fake QMP server forked by the test
 * (a socketpair, or a unix socket), serving the replies recorded from a
 * real QEMU in tests/fixtures/qemu/qmp/: plain and pretty-printed replies,
 * events before a reply, an error reply, truncated JSON, garbage, a silent
 * or vanishing server, bytes dribbled one at a time; then the qemu platform
 * reading disks over QMP and falling back to /proc/PID/io mid-run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "experiment/experiment.h"
#include "platform/platform.h"
#include "platform/qemu/qmp.h"
#include "report/report.h"
#include "util/root.h"

extern const xg_platform_ops xg_platform_qemu;

/* One step of the fake server: wait for a request holding expect (unless
 * NULL), pause, send a fixture file's bytes and/or text, maybe hang up. */
typedef struct step {
    const char *expect;
    const char *file;   /* under qemu/qmp/ */
    const char *text;
    int pause_ms;
    int close;          /* hang up after this step */
} step;

enum { BYTEWISE = 1 }; /* server flags */

static char tmp[64]; /* scratch directory of the test, if any */

static const char *fixtures(void)
{
    const char *f = getenv("XG_FIXTURES");
    return f && *f ? f : "tests/fixtures";
}

static char *slurp(const char *rel, size_t *len)
{
    char path[4400];
    FILE *f;
    char *buf;
    long n;

    snprintf(path, sizeof(path), "%s/qemu/qmp/%s", fixtures(), rel);
    f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Writes b; -1 when the client hung up (after its last "}"). */
static int put(int fd, const char *b, size_t n, int flags)
{
    for (size_t off = 0; off < n;) {
        ssize_t w = write(fd, b + off, flags & BYTEWISE ? 1 : n - off);
        if (w <= 0)
            return -1;
        off += (size_t)w;
    }
    return 0;
}

/* The server's side: runs the steps on fd, then waits for the client to
 * hang up. Exits 0, or 2 when a request was not the one expected. */
static void serve(int fd, const step *s, size_t n, int flags)
{
    char line[4096];

    signal(SIGPIPE, SIG_IGN);
    for (size_t i = 0; i < n; i++) {
        if (s[i].expect) {
            size_t k = 0;
            char ch;
            while (k + 1 < sizeof(line) && read(fd, &ch, 1) == 1 &&
                   ch != '\n')
                line[k++] = ch;
            line[k] = '\0';
            if (!strstr(line, s[i].expect))
                _exit(2);
        }
        if (s[i].pause_ms)
            poll(NULL, 0, s[i].pause_ms);
        if (s[i].file) {
            size_t len;
            char *b = slurp(s[i].file, &len);
            int r = put(fd, b, len, flags);
            free(b); /* before _exit: valgrind checks the child too */
            if (r < 0)
                _exit(0);
        }
        if (s[i].text && put(fd, s[i].text, strlen(s[i].text), flags) < 0)
            _exit(0);
        if (s[i].close) {
            close(fd);
            _exit(0);
        }
    }
    while (read(fd, line, sizeof(line)) > 0)
        ;
    _exit(0);
}

/* A fake server on a socketpair: the client's end. */
static int fake(const step *s, size_t n, int flags, pid_t *pid)
{
    int sv[2];

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
                     0);
    *pid = fork();
    assert_true(*pid >= 0);
    if (*pid == 0) {
        close(sv[0]);
        serve(sv[1], s, n, flags);
    }
    close(sv[1]);
    return sv[0];
}

/* A fake server listening on a unix socket at path (accepts once). */
static pid_t fake_at(const char *path, const step *s, size_t n)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    pid_t pid;
    char cwd[4096];

    assert_true(lfd >= 0);
    /* bind by a short relative name from its directory (paths > 107) */
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    {
        char dir[4096];
        snprintf(dir, sizeof(dir), "%s", path);
        *strrchr(dir, '/') = '\0';
        assert_int_equal(chdir(dir), 0);
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s",
                 strrchr(path, '/') + 1);
    }
    assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(listen(lfd, 4), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0)
            _exit(4);
        close(lfd);
        serve(fd, s, n, 0);
    }
    close(lfd);
    return pid;
}

static void reap(pid_t pid)
{
    int st;

    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

static void mk_tmp(void)
{
    snprintf(tmp, sizeof(tmp), "/tmp/xg-test-qmp-XXXXXX");
    assert_non_null(mkdtemp(tmp));
}

static int teardown(void **state)
{
    char cmd[4200];

    (void)state;
    if (strncmp(tmp, "/tmp/xg-test-qmp-", 17) == 0) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
        assert_int_equal(system(cmd), 0);
    }
    tmp[0] = '\0';
    xg_root_set(NULL);
    return 0;
}

typedef struct devs {
    int n;
    char name[8][64];
    xg_qmp_blk b[8];
} devs;

static void on_blk(void *arg, const xg_qmp_blk *b)
{
    devs *d = arg;

    assert_true(d->n < 8);
    snprintf(d->name[d->n], 64, "%s", b->device);
    d->b[d->n++] = *b;
}

/* A device whose name is 300 'q's, whole. */
static void on_long(void *arg, const xg_qmp_blk *b)
{
    devs *d = arg;

    assert_int_equal(strlen(b->device), 300);
    assert_int_equal(strspn(b->device, "q"), 300);
    d->n++;
}

#define GREET {NULL, "greeting.json", NULL, 0, 0}
#define CAPS {"\"qmp_capabilities\"", "capabilities.json", NULL, 0, 0}
#define QUERY "\"query-blockstats\""
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* blockstats.json, by hand: d0 read its boot sector (512 bytes, one
 * operation, 306758 ns); vdisk1 (device "", qdev .../vdisk1/...) idle. */
static void check_recorded(const devs *d)
{
    assert_int_equal(d->n, 2);
    assert_string_equal(d->name[0], "d0");
    assert_true(d->b[0].rd_bytes == 512 && d->b[0].rd_ops == 1);
    assert_true(d->b[0].rd_time_ns == 306758);
    assert_true(d->b[0].wr_bytes == 0 && d->b[0].wr_ops == 0 &&
                d->b[0].wr_time_ns == 0);
    assert_string_equal(d->name[1], "vdisk1");
    assert_true(d->b[1].rd_bytes == 0 && d->b[1].rd_ops == 0);
}

static xg_qmp *start(const step *s, size_t n, int flags, int timeout_ms,
                     pid_t *pid)
{
    char err[256] = "";
    xg_qmp *q = xg_qmp_start(fake(s, n, flags, pid), timeout_ms, err,
                             sizeof(err));

    if (!q)
        fail_msg("xg_qmp_start: %s", err);
    return q;
}

static void test_blockstats(void **state)
{
    const step s[] = {GREET, CAPS, {QUERY, "blockstats.json", NULL, 0, 0},
                      {QUERY, "blockstats-idle.json", NULL, 0, 0}};
    devs d = {0};
    pid_t pid;
    xg_qmp *q = start(s, N(s), 0, 1000, &pid);

    (void)state;
    assert_int_equal(xg_qmp_blockstats(q, on_blk, &d), 0);
    check_recorded(&d);
    memset(&d, 0, sizeof(d));
    assert_int_equal(xg_qmp_blockstats(q, on_blk, &d), 0);
    assert_int_equal(d.n, 2);
    assert_true(d.b[0].rd_bytes == 0 && d.b[0].rd_time_ns == 0);
    xg_qmp_close(q);
    reap(pid);
}

/* query-version and query-memory-size-summary, replies of a real QEMU
 * 7.2 (qemu/qmp/version.json, memory-size-summary.json: -m 256). */
static void test_version_memory(void **state)
{
    const step s[] = {GREET, CAPS,
                      {"\"query-version\"", "version.json", NULL, 0, 0},
                      {"\"query-memory-size-summary\"",
                       "memory-size-summary.json", NULL, 0, 0},
                      {"\"query-version\"", "error.json", NULL, 0, 0}};
    char v[64], small[8];
    uint64_t bytes = 0;
    pid_t pid;
    xg_qmp *q = start(s, N(s), 0, 1000, &pid);

    (void)state;
    assert_int_equal(xg_qmp_version(q, v, sizeof(v)), 0);
    assert_string_equal(v, "QEMU 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)");
    assert_int_equal(xg_qmp_memory(q, &bytes), 0);
    assert_true(bytes == 256u << 20);
    assert_int_equal(xg_qmp_version(q, v, sizeof(v)), -1); /* an error */
    xg_qmp_close(q);
    reap(pid);
    json_t *j = json_loads("{\"return\":{\"qemu\":{\"major\":9,"
                           "\"minor\":0,\"micro\":1},\"package\":\"\"}}",
                           0, NULL);
    assert_int_equal(xg_qmp_parse_version(j, v, sizeof(v)), 0);
    assert_string_equal(v, "QEMU 9.0.1"); /* no package: nothing after */
    assert_int_equal(xg_qmp_parse_version(j, small, sizeof(small)), -1);
    json_decref(j);
}

static void test_pretty_bytewise(void **state)
{
    const step s[] = {{NULL, "pretty-greeting.json", NULL, 0, 0},
                      {"\"qmp_capabilities\"", "pretty-capabilities.json",
                       NULL, 0, 0},
                      {QUERY, "pretty-blockstats.json", NULL, 0, 0},
                      {QUERY, "blockstats.json", NULL, 0, 0}};
    devs d = {0};
    pid_t pid;
    xg_qmp *q = start(s, N(s), BYTEWISE, 1000, &pid);

    (void)state;
    assert_int_equal(xg_qmp_blockstats(q, on_blk, &d), 0);
    assert_int_equal(d.n, 1); /* a -drive without a device: d0, idle */
    assert_string_equal(d.name[0], "d0");
    assert_true(d.b[0].rd_bytes == 0 && d.b[0].wr_ops == 0);
    memset(&d, 0, sizeof(d));
    assert_int_equal(xg_qmp_blockstats(q, on_blk, &d), 0);
    check_recorded(&d);
    xg_qmp_close(q);
    reap(pid);
}

static void test_events(void **state)
{
    /* cont-event-first.json (recorded): a RESUME event, then {"return":
     * {}}, here as the answer to qmp_capabilities; then events with
     * braces and quotes in their strings, split, before the reply */
    const step s[] = {GREET,
                      {"\"qmp_capabilities\"", "cont-event-first.json", NULL,
                       0, 0},
                      {QUERY, NULL, "{\"event\": \"STOP\", \"data\": "
                       "{\"x\": \"}{\\\"\"}}\r\n{\"event\": \"RES", 0, 0},
                      {NULL, NULL, "UME\"}\r\n", 50, 0},
                      {NULL, "blockstats.json", NULL, 0, 0}};
    devs d = {0};
    pid_t pid;
    xg_qmp *q = start(s, N(s), 0, 1000, &pid);

    (void)state;
    assert_int_equal(xg_qmp_blockstats(q, on_blk, &d), 0);
    check_recorded(&d);
    xg_qmp_close(q);
    reap(pid);
}

/* A query whose answer is bad: -1, nothing passed to the callback. */
static void bad_answer(const step *last, int timeout_ms, int max_ms)
{
    const step s[] = {GREET, CAPS, *last};
    struct timespec a, b;
    devs d = {0};
    pid_t pid;
    xg_qmp *q = start(s, N(s), 0, timeout_ms, &pid);

    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_int_equal(xg_qmp_blockstats(q, on_blk, &d), -1);
    clock_gettime(CLOCK_MONOTONIC, &b);
    assert_int_equal(d.n, 0);
    assert_true((b.tv_sec - a.tv_sec) * 1000 +
                    (b.tv_nsec - a.tv_nsec) / 1000000 < max_ms);
    xg_qmp_close(q);
    reap(pid);
}

static void test_bad_answers(void **state)
{
    const step error = {QUERY, "error.json", NULL, 0, 0};
    const step trunc_close = {QUERY, "truncated.json", NULL, 0, 1};
    const step trunc_silent = {QUERY, "truncated.json", NULL, 0, 0};
    const step garbage = {QUERY, NULL, "this is not json\r\n", 0, 0};
    const step bad_inside = {QUERY, NULL, "{\"return\": [oops]}\r\n", 0, 0};
    const step array = {QUERY, NULL, "[1, 2]\r\n", 0, 0};
    const step hangup = {QUERY, NULL, NULL, 0, 1};
    const step silent = {QUERY, NULL, NULL, 0, 0};

    (void)state;
    bad_answer(&error, 1000, 900);
    bad_answer(&trunc_close, 1000, 900);
    bad_answer(&trunc_silent, 200, 900); /* the receive timeout */
    bad_answer(&garbage, 1000, 900);
    bad_answer(&bad_inside, 1000, 900);
    bad_answer(&array, 1000, 900);
    bad_answer(&hangup, 1000, 900);
    bad_answer(&silent, 200, 900);
}

static void test_closed_midrun(void **state)
{
    const step s[] = {GREET, CAPS, {QUERY, "blockstats.json", NULL, 0, 1}};
    devs d = {0};
    pid_t pid;
    xg_qmp *q = start(s, N(s), 0, 1000, &pid);

    (void)state;
    assert_int_equal(xg_qmp_blockstats(q, on_blk, &d), 0);
    reap(pid); /* the server is gone: writing must not raise SIGPIPE */
    for (int i = 0; i < 3; i++)
        assert_int_equal(xg_qmp_blockstats(q, on_blk, &d), -1);
    xg_qmp_close(q);
    assert_int_equal(xg_qmp_blockstats(NULL, on_blk, &d), -1);
}

static void test_start_fails(void **state)
{
    const step none[] = {{NULL, NULL, NULL, 0, 0}};
    const step caps_error[] = {GREET, {"\"qmp_capabilities\"", "error.json",
                                       NULL, 0, 0}};
    const step not_qmp[] = {{NULL, NULL, "{\"hello\": 1}\r\n", 0, 0}};
    char err[256];
    pid_t pid;

    (void)state;
    assert_null(xg_qmp_start(fake(none, N(none), 0, &pid), 200, err,
                             sizeof(err)));
    assert_non_null(strstr(err, "no greeting"));
    reap(pid);
    assert_null(xg_qmp_start(fake(caps_error, N(caps_error), 0, &pid), 500,
                             err, sizeof(err)));
    assert_non_null(strstr(err, "qmp_capabilities"));
    reap(pid);
    assert_null(xg_qmp_start(fake(not_qmp, N(not_qmp), 0, &pid), 500, err,
                             sizeof(err)));
    reap(pid);
}

static void test_connect(void **state)
{
    const step s[] = {GREET, CAPS, {QUERY, "blockstats.json", NULL, 0, 0}};
    char path[4096], err[256];
    devs d = {0};
    xg_qmp *q;
    pid_t pid;

    (void)state;
    mk_tmp();
    snprintf(path, sizeof(path), "%s/q.sock", tmp);
    assert_null(xg_qmp_connect(path, 200, err, sizeof(err)));
    assert_non_null(strstr(err, "q.sock: "));
    pid = fake_at(path, s, N(s));
    q = xg_qmp_connect(path, 1000, err, sizeof(err));
    if (!q)
        fail_msg("%s", err);
    assert_int_equal(xg_qmp_blockstats(q, on_blk, &d), 0);
    check_recorded(&d);
    xg_qmp_close(q);
    reap(pid);
    /* a path longer than sun_path */
    snprintf(path, sizeof(path), "%s/%0120d", tmp, 0);
    assert_int_equal(mkdir(path, 0700), 0);
    strcat(path, "/long.sock");
    assert_true(strlen(path) > 108);
    pid = fake_at(path, s, N(s));
    q = xg_qmp_connect(path, 1000, err, sizeof(err));
    if (!q)
        fail_msg("%s", err);
    memset(&d, 0, sizeof(d));
    assert_int_equal(xg_qmp_blockstats(q, on_blk, &d), 0);
    assert_int_equal(d.n, 2);
    xg_qmp_close(q);
    reap(pid);
}

static void test_names(void **state)
{
    static const struct { const char *json, *name; } c[] = {
        {"{\"device\": \"drive-virtio-disk0\", \"qdev\": \"x\"}",
         "drive-virtio-disk0"},
        {"{\"device\": \"\", \"qdev\": "
         "\"/machine/peripheral/virtio-disk0/virtio-backend\"}",
         "virtio-disk0"},
        {"{\"device\": \"\", \"qdev\": "
         "\"/machine/peripheral-anon/device[3]/virtio-backend\"}",
         "device[3]"},
        {"{\"qdev\": \"sd-card\"}", "sd-card"},
        {"{\"device\": \"\", \"qdev\": \"\"}", NULL},
        {"{\"node-name\": \"n1\"}", NULL},
    };
    char buf[64];

    (void)state;
    for (size_t i = 0; i < N(c); i++) {
        json_t *j = json_loads(c[i].json, 0, NULL);
        const char *got = xg_qmp_dev_name(j, buf, sizeof(buf));
        if (c[i].name)
            assert_string_equal(got, c[i].name);
        else
            assert_null(got);
        json_decref(j);
    }
    {
        devs d = {0};
        json_t *j = json_loads("{\"return\": [{\"device\": \"a\"}, 7, "
                               "{\"device\": \"b\", \"stats\": {\"rd_bytes\""
                               ": -5, \"wr_bytes\": 9}}]}", 0, NULL);
        assert_int_equal(xg_qmp_parse_blockstats(j, on_blk, &d), 0);
        assert_int_equal(d.n, 1); /* "a" has no stats */
        assert_string_equal(d.name[0], "b");
        assert_true(d.b[0].rd_bytes == 0 && d.b[0].wr_bytes == 9);
        json_decref(j);
        j = json_loads("{\"error\": {}}", 0, NULL);
        assert_int_equal(xg_qmp_parse_blockstats(j, on_blk, &d), -1);
        json_decref(j);
    }
    { /* 300-byte names: whole (they were cut at 255), never cut */
        char big[400], want[301];
        devs d = {0};
        json_t *j;
        memset(want, 'q', 300);
        want[300] = '\0';
        snprintf(big, sizeof(big), "{\"qdev\": \"/machine/peripheral/%s/"
                 "virtio-backend\"}", want);
        j = json_loads(big, 0, NULL);
        assert_null(xg_qmp_dev_name(j, buf, sizeof(buf))); /* no room */
        json_decref(j);
        snprintf(big, sizeof(big), "{\"return\": [{\"device\": \"%s\", "
                 "\"stats\": {\"rd_bytes\": 1}}]}", want);
        j = json_loads(big, 0, NULL);
        assert_int_equal(xg_qmp_parse_blockstats(j, on_long, &d), 0);
        assert_int_equal(d.n, 1);
        json_decref(j);
    }
}

/* --- the platform: QMP, then /proc/PID/io once QMP fails ------------- */

typedef struct seen {
    int n;
    char dev[8][64], src[8][16];
    xg_disk_counters d[8];
} seen;

static void on_disk(void *arg, const xg_disk_counters *c)
{
    seen *s = arg;

    assert_true(s->n < 8);
    snprintf(s->dev[s->n], 64, "%s", c->device);
    snprintf(s->src[s->n], 16, "%s", c->source ? c->source : "");
    s->d[s->n++] = *c;
}

/* A copy of the qemu fixture in tmp whose 4242 names QMP socket sock and
 * whose 5151 has its cwd at tmp/cwd (for its relative run/vm2.qmp). */
static void platform_tree(const char *sock)
{
    char cmd[8800];

    mk_tmp();
    snprintf(cmd, sizeof(cmd),
             "cp -a '%s/qemu/proc' '%s/' && mkdir -p '%s/cwd/run' && "
             "ln -s '%s/cwd' '%s/proc/5151/cwd' && "
             "printf '/usr/bin/qemu-system-x86_64\\0-uuid\\0"
             "6b1c9e2a-1d3f-4a8e-9c55-0a1b2c3d4e5f\\0-qmp\\0"
             "unix:%s,server=on,wait=off\\0' > '%s/proc/4242/cmdline'",
             fixtures(), tmp, tmp, tmp, tmp, sock, tmp);
    assert_int_equal(system(cmd), 0);
    xg_root_set(tmp);
}

static void test_platform_fallback(void **state)
{
    const xg_platform_ops *ops = &xg_platform_qemu;
    const step s[] = {GREET, CAPS, {QUERY, "blockstats.json", NULL, 0, 0},
                      {QUERY, NULL, "garbage\r\n", 0, 0}};
    const step rel[] = {GREET, CAPS, {QUERY, "blockstats.json", NULL, 0, 1}};
    char sock[4200], sock2[4200], err[256] = "", errf[4200];
    xg_pdomains l = {0};
    xg_platform *p;
    pid_t pid, pid2;
    int saved, efd;
    seen d;

    (void)state;
    snprintf(sock, sizeof(sock), "/tmp/xg-test-qmp-sock-%ld", (long)getpid());
    platform_tree(sock);
    snprintf(sock2, sizeof(sock2), "%s/cwd/run/vm2.qmp", tmp);
    snprintf(errf, sizeof(errf), "%s/stderr", tmp);
    unlink(sock);
    pid = fake_at(sock, s, N(s));
    pid2 = fake_at(sock2, rel, N(rel));
    /* nothing on stderr, whatever happens */
    fflush(stderr);
    saved = dup(2);
    efd = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && efd >= 0);
    dup2(efd, 2);
    close(efd);

    p = ops->open(NULL, err, sizeof(err));
    assert_int_equal(ops->discover(p, &l, err, sizeof(err)), 0);
    assert_int_equal(l.n, 3);
    for (size_t i = 1; i < l.n; i++)
        assert_int_equal(ops->prepare(p, &l.v[i], err, sizeof(err)), 0);
    /* sample 1: QMP */
    memset(&d, 0, sizeof(d));
    assert_int_equal(ops->disk_read(p, &l.v[1], on_disk, &d), 0);
    assert_int_equal(d.n, 2);
    assert_string_equal(d.dev[0], "d0");
    assert_string_equal(d.src[0], "qmp");
    assert_true(d.d[0].have_ios && d.d[0].have_time);
    assert_true(d.d[0].rd_bytes == 512 && d.d[0].rd_ios == 1 &&
                d.d[0].rd_time_ns == 306758);
    assert_string_equal(d.dev[1], "vdisk1");
    memset(&d, 0, sizeof(d));
    assert_int_equal(ops->disk_read(p, &l.v[2], on_disk, &d), 0);
    assert_int_equal(d.n, 2); /* relative path, through /proc/PID/cwd */
    assert_string_equal(d.src[1], "qmp");
    /* sample 2: garbage (4242) and a hang-up (5151): /proc/PID/io */
    for (int k = 0; k < 2; k++) {
        memset(&d, 0, sizeof(d));
        assert_int_equal(ops->disk_read(p, &l.v[1], on_disk, &d), 0);
        assert_int_equal(d.n, 1);
        assert_string_equal(d.dev[0], "proc-io");
        assert_string_equal(d.src[0], "proc-io");
        assert_false(d.d[0].have_ios);
        assert_true(d.d[0].rd_bytes == 1048576 && d.d[0].wr_bytes == 2097152);
        memset(&d, 0, sizeof(d));
        assert_int_equal(ops->disk_read(p, &l.v[2], on_disk, &d), 0);
        assert_int_equal(d.n, 1);
        assert_true(d.d[0].rd_bytes == 4096 && d.d[0].wr_bytes == 8192);
    }
    for (size_t i = 1; i < l.n; i++)
        ops->release(p, &l.v[i]);
    xg_pdomains_free(&l);
    ops->close(p);
    reap(pid);
    reap(pid2);
    unlink(sock);

    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    {
        struct stat st;
        assert_int_equal(stat(errf, &st), 0);
        assert_int_equal(st.st_size, 0);
    }
}

/* A monitor that is busy with another client never greets: after the 1 s
 * timeout the domain reads /proc/PID/io. */
static void test_platform_busy(void **state)
{
    const xg_platform_ops *ops = &xg_platform_qemu;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    char err[256] = "";
    xg_pdomains l = {0};
    xg_platform *p;
    seen d = {0};
    int lfd;

    (void)state;
    snprintf(sa.sun_path, sizeof(sa.sun_path), "/tmp/xg-test-qmp-busy-%ld",
             (long)getpid());
    platform_tree(sa.sun_path);
    unlink(sa.sun_path);
    lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(lfd, 4), 0); /* never accepts */
    p = ops->open(NULL, err, sizeof(err));
    assert_int_equal(ops->discover(p, &l, err, sizeof(err)), 0);
    assert_int_equal(ops->prepare(p, &l.v[1], err, sizeof(err)), 0);
    assert_int_equal(ops->disk_read(p, &l.v[1], on_disk, &d), 0);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.dev[0], "proc-io");
    ops->release(p, &l.v[1]);
    xg_pdomains_free(&l);
    ops->close(p);
    close(lfd);
    unlink(sa.sun_path);
}

/* Changes a file in place (same inode, as /proc files change). */
static void rewrite(const char *rel, const char *sed)
{
    char cmd[4600];

    snprintf(cmd, sizeof(cmd), "f='%s/%s'; t=$(sed '%s' \"$f\") && "
             "printf '%%s\\n' \"$t\" > \"$f\"", tmp, rel, sed);
    assert_int_equal(system(cmd), 0);
}

/* Whether the text has a line that reads want once runs of blanks are
 * squeezed to one. */
static void has_row(const char *text, const char *want)
{
    for (const char *p = text; *p;) {
        char line[512];
        size_t n = 0;
        for (; *p && *p != '\n'; p++)
            if (n + 1 < sizeof(line) && (*p != ' ' || (n && line[n - 1] != ' ')))
                line[n++] = *p;
        while (n && line[n - 1] == ' ')
            n--;
        line[n] = '\0';
        if (strcmp(line, want) == 0)
            return;
        if (*p)
            p++;
    }
    fail_msg("no row '%s' in:\n%s", want, text);
}

static char *report(const xg_store *st, xg_format fmt)
{
    xg_report_opts ro = {fmt, false};
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);

    assert_non_null(f);
    assert_int_equal(xg_report_write(st, &ro, f), 0);
    fclose(f);
    return out;
}

/* Two samples of the whole session on the tree: 4242 over QMP (idle, then
 * the recorded boot-sector read), 5151 on /proc/PID/io (+2 MiB written);
 * the report's "domain devices" table, CSV and JSON rows. */
static void test_session_report(void **state)
{
    const step s[] = {GREET, CAPS,
                      {QUERY, "blockstats-idle.json", NULL, 0, 0},
                      {QUERY, "blockstats.json", NULL, 0, 0}};
    char sock[64], err[512] = "";
    xg_options o;
    xg_session ss;
    pid_t pid;
    char *t;

    (void)state;
    snprintf(sock, sizeof(sock), "/tmp/xg-test-qmp-rep-%ld", (long)getpid());
    platform_tree(sock);
    unlink(sock);
    pid = fake_at(sock, s, N(s));
    xg_options_defaults(&o);
    o.root = tmp;
    o.platform = "qemu";
    o.interval_s = 1;
    o.duration_s = 1;
    o.families = XG_FAM_CPU | XG_FAM_DISK;
    assert_int_equal(xg_session_select(&ss, &o, err, sizeof(err)), 0);
    assert_int_equal(xg_session_start(&ss, err, sizeof(err)), 0);
    xg_session_sample(&ss, 1000000000000LL, 1764114601000000000LL, 0);
    rewrite("proc/5151/io", "s/^write_bytes: 8192/write_bytes: 2105344/");
    rewrite("proc/4242/task/4244/schedstat", "s/^.*$/8223456789 95678901 4000/");
    xg_session_sample(&ss, 1001000000000LL, 1764114602000000000LL, 0);
    xg_session_stop(&ss);

    t = report(&ss.ctx.store, XG_FMT_TEXT);
    if (getenv("XG_SHOW"))
        fputs(t, stderr);
    /* d0: 1 read of 306758 ns in the second: 1 IO/s, 0.31 ms; vdisk1 idle;
     * vm2: 2 MiB written, no I/O counts nor times */
    assert_non_null(strstr(t, "\ndomain devices\n"));
    has_row(t, "4242 d0 qmp 0.00 0.00 1.00 0.00 0.31 0.00");
    has_row(t, "4242 vdisk1 qmp 0.00 0.00 0.00 0.00 0.00 0.00");
    has_row(t, "vm2 proc-io proc-io 0.00 2.00 - - - -");
    /* vCPU 0: 100000000 ns run and 50000000 ns wait in the second */
    has_row(t, "4242 0 0.100 10.00 5.00");
    has_row(t, "4242 2 0.000 0.00 0.00 0.00 5.00 - - full");
    free(t);
    t = report(&ss.ctx.store, XG_FMT_CSV);
    assert_non_null(strstr(t, "\nwindow,disk,vm2,proc-io,wr_mb_s,0,1,2,MB/s\n"));
    assert_non_null(strstr(t, ",d0,rd_await_ms,0,1,0.306758,ms\n"));
    assert_null(strstr(t, "vm2,proc-io,rd_await_ms"));
    free(t);
    t = report(&ss.ctx.store, XG_FMT_JSON);
    {
        json_t *j = json_loads(t, 0, NULL), *r;
        json_t *rows = json_object_get(json_object_get(j, "disk"),
                                       "device_window");
        size_t i;
        int hit = 0;
        assert_true(json_array_size(rows) == 3);
        json_array_foreach(rows, i, r) {
            if (strcmp(json_string_value(json_object_get(r, "device")),
                       "proc-io") == 0) {
                assert_string_equal(json_string_value(json_object_get(
                                        r, "source")), "proc-io");
                assert_true(json_is_null(json_object_get(r, "rd_iops")));
                assert_true(json_real_value(json_object_get(r, "wr_mb")) ==
                            2.0);
                hit++;
            }
        }
        assert_int_equal(hit, 1);
        json_decref(j);
    }
    free(t);
    xg_session_close(&ss);
    reap(pid); /* the domains are released: QMP closed */
    unlink(sock);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blockstats),
        cmocka_unit_test(test_pretty_bytewise),
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_bad_answers),
        cmocka_unit_test(test_closed_midrun),
        cmocka_unit_test(test_start_fails),
        cmocka_unit_test_teardown(test_connect, teardown),
        cmocka_unit_test(test_names),
        cmocka_unit_test_teardown(test_platform_fallback, teardown),
        cmocka_unit_test_teardown(test_platform_busy, teardown),
        cmocka_unit_test_teardown(test_session_report, teardown),
        cmocka_unit_test(test_version_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

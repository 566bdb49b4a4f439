/* test_cgroup.c — the cgroup platform on the captured fixtures (v1 hybrid
 * and pure cgroup2): discovery, the numbers read, errors, vanished files,
 * --blkio-enable rules and attach; plus platform selection and lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "platform/platform.h"
#include "util/root.h"

extern const xg_platform_ops xg_platform_cgroup;
static const xg_platform_ops *const ops = &xg_platform_cgroup;

#define A "machine.slice/xg-fix-a"
#define B "machine.slice/xg-fix-b"

static char root[4096]; /* the tree in use */

static const char *fixtures(void)
{
    const char *f = getenv("XG_FIXTURES");
    return f && *f ? f : "tests/fixtures";
}

static void use_fixture(const char *sub)
{
    snprintf(root, sizeof(root), "%s/%s", fixtures(), sub);
    xg_root_set(root);
}

/* A scratch copy of fixture sub, made the root. */
static void use_copy(const char *sub)
{
    char cmd[8400];

    snprintf(root, sizeof(root), "/tmp/xg-test-cgroup-XXXXXX");
    assert_non_null(mkdtemp(root));
    snprintf(cmd, sizeof(cmd), "cp -a '%s/%s/.' '%s/'", fixtures(), sub, root);
    assert_int_equal(system(cmd), 0);
    xg_root_set(root);
}

/* Removes the scratch copy, if any; also the teardown of every test, so a
 * failed assertion leaves nothing behind. */
static void drop_copy(void)
{
    char cmd[4200];

    if (strncmp(root, "/tmp/xg-test-cgroup-", 20) == 0) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        assert_int_equal(system(cmd), 0);
    }
    root[0] = '\0';
    xg_root_set(NULL);
}

static int teardown(void **state)
{
    (void)state;
    drop_copy();
    return 0;
}

/* Runs shell text with $R set to the root in use. */
static void sh(const char *script)
{
    char cmd[8400];

    snprintf(cmd, sizeof(cmd), "R='%s'; %s", root, script);
    assert_int_equal(system(cmd), 0);
}

/* The expected numbers, parsed here with stdio independently of the code
 * under test: the number after "prefix " on the first line starting with
 * prefix (NULL: the file's first number), or after field= on that line. */
static uint64_t fx(const char *rel, const char *prefix, const char *field)
{
    char path[8400], line[1024];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", root, rel);
    f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    while (fgets(line, sizeof(line), f)) {
        size_t n = prefix ? strlen(prefix) : 0;
        char *p = line + n;
        if (prefix && (strncmp(line, prefix, n) != 0 || line[n] != ' '))
            continue;
        if (field) {
            char key[64];
            snprintf(key, sizeof(key), " %s=", field);
            if (!(p = strstr(line, key)))
                continue;
            p += strlen(key);
        }
        fclose(f);
        return strtoull(p, NULL, 10);
    }
    fclose(f);
    fail_msg("no '%s' in %s", prefix ? prefix : "number", path);
    return 0;
}

/* Open descriptors of this process. */
static int nfds(void)
{
    int n = 0;

    for (int fd = 0; fd < 1024; fd++)
        n += fcntl(fd, F_GETFD) >= 0;
    return n;
}

static xg_options opts(void)
{
    xg_options o;

    memset(&o, 0, sizeof(o));
    o.root = root;
    o.platform = "cgroup";
    return o;
}

static xg_platform *open_discover(const xg_options *o, xg_pdomains *l)
{
    char err[1024] = "";
    xg_platform *p = ops->open(o, err, sizeof(err));

    if (!p)
        fail_msg("open: %s", err);
    memset(l, 0, sizeof(*l));
    if (ops->discover(p, l, err, sizeof(err)) < 0)
        fail_msg("discover: %s", err);
    return p;
}

static void prepare_all(xg_platform *p, xg_pdomains *l)
{
    char err[1024];

    for (size_t i = 0; i < l->n; i++)
        if (ops->prepare(p, &l->v[i], err, sizeof(err)) < 0)
            fail_msg("prepare %s: %s", l->v[i].info.key, err);
}

static void finish(xg_platform *p, xg_pdomains *l)
{
    for (size_t i = 0; i < l->n; i++)
        ops->release(p, &l->v[i]);
    xg_pdomains_free(l);
    ops->close(p);
}

typedef struct seen {
    int n;
    char dev[8][64];
    xg_disk_counters c[8];
} seen;

static void on_disk(void *arg, const xg_disk_counters *c)
{
    seen *s = arg;

    assert_true(s->n < 8);
    snprintf(s->dev[s->n], sizeof(s->dev[0]), "%s", c->device);
    s->c[s->n] = *c;
    s->n++;
}

static void check_discovered(const xg_pdomains *l, const char *hier)
{
    char path[8400];
    struct stat st;

    assert_int_equal(l->n, 3);
    assert_string_equal(l->v[0].info.key, "host");
    assert_string_equal(l->v[0].info.name, "host");
    assert_true(l->v[0].info.is_host);
    assert_int_equal(l->v[0].info.vcpus, 2);
    assert_int_equal(l->v[0].info.platform_id, 0);
    assert_string_equal(l->v[1].info.key, "cgroup:" A);
    assert_string_equal(l->v[1].info.name, "xg-fix-a");
    assert_string_equal(l->v[2].info.key, "cgroup:" B);
    assert_string_equal(l->v[2].info.name, "xg-fix-b");
    for (int i = 1; i < 3; i++) {
        assert_false(l->v[i].info.is_host);
        assert_int_equal(l->v[i].info.vcpus, 0);
        assert_null(l->v[i].info.address);
        snprintf(path, sizeof(path), "%s/%s/%s", root, hier,
                 l->v[i].info.key + 7);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(l->v[i].info.platform_id, (int64_t)st.st_ino);
    }
}

static void check_host(xg_platform *p, xg_pdomain *d)
{
    xg_cpu_counters c;
    seen s = {0};
    uint64_t tick = 1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK);

    assert_int_equal(ops->cpu_read(p, d, &c), 0);
    assert_true(c.have & XG_CPU_TOTAL);
    assert_true(c.user_ns == fx("proc/stat", "cpu", NULL) * tick);
    assert_int_equal(ops->disk_read(p, d, on_disk, &s), 0);
    assert_int_equal(s.n, 0); /* the disk collector reads diskstats itself */
}

static void run_v1(const char *snap)
{
    const uint64_t tick = 1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK);
    const char *cg[2] = {A, B};
    xg_options o;
    xg_pdomains l;
    xg_platform *p;
    char rel[512];
    int fds0 = nfds();

    use_fixture(snap);
    o = opts();
    p = open_discover(&o, &l);
    check_discovered(&l, "sys/fs/cgroup/cpuacct");
    prepare_all(p, &l);
    /* held: host /proc/stat; per cgroup usage, stat, cpu.stat, pressure,
     * io_service_bytes, io_serviced */
    assert_int_equal(nfds(), fds0 + 1 + 2 * 6);
    check_host(p, &l.v[0]);
    for (int i = 0; i < 2; i++) {
        xg_cpu_counters c;
        seen s = {0};

        assert_int_equal(ops->cpu_read(p, &l.v[i + 1], &c), 0);
        assert_int_equal(c.have, XG_CPU_USAGE | XG_CPU_USER | XG_CPU_SYSTEM |
                                     XG_CPU_THROTTLED | XG_CPU_WAIT);
        snprintf(rel, sizeof(rel), "sys/fs/cgroup/cpuacct/%s/cpuacct.usage", cg[i]);
        assert_true(c.usage_ns == fx(rel, NULL, NULL));
        snprintf(rel, sizeof(rel), "sys/fs/cgroup/cpuacct/%s/cpuacct.stat", cg[i]);
        assert_true(c.user_ns == fx(rel, "user", NULL) * tick);
        assert_true(c.system_ns == fx(rel, "system", NULL) * tick);
        snprintf(rel, sizeof(rel), "sys/fs/cgroup/cpu/%s/cpu.stat", cg[i]);
        assert_true(c.throttled_ns == fx(rel, "throttled_time", NULL));
        snprintf(rel, sizeof(rel), "sys/fs/cgroup/unified/%s/cpu.pressure", cg[i]);
        assert_true(c.wait_ns == fx(rel, "some", "total") * 1000);

        assert_int_equal(ops->disk_read(p, &l.v[i + 1], on_disk, &s), 0);
        assert_int_equal(s.n, 1);
        assert_string_equal(s.dev[0], "vda");
        snprintf(rel, sizeof(rel),
                 "sys/fs/cgroup/blkio/%s/blkio.throttle.io_service_bytes", cg[i]);
        assert_true(s.c[0].rd_bytes == fx(rel, "254:0 Read", NULL));
        assert_true(s.c[0].wr_bytes == fx(rel, "254:0 Write", NULL));
        snprintf(rel, sizeof(rel),
                 "sys/fs/cgroup/blkio/%s/blkio.throttle.io_serviced", cg[i]);
        assert_true(s.c[0].rd_ios == fx(rel, "254:0 Read", NULL));
        assert_true(s.c[0].wr_ios == fx(rel, "254:0 Write", NULL));
        /* a second sample (device name cached by now) gives the same */
        xg_disk_counters first = s.c[0];
        s.n = 0;
        assert_int_equal(ops->disk_read(p, &l.v[i + 1], on_disk, &s), 0);
        assert_int_equal(s.n, 1);
        assert_string_equal(s.dev[0], "vda");
        assert_true(s.c[0].rd_bytes == first.rd_bytes &&
                    s.c[0].wr_bytes == first.wr_bytes &&
                    s.c[0].rd_ios == first.rd_ios &&
                    s.c[0].wr_ios == first.wr_ios);
    }
    finish(p, &l);
    xg_root_set(NULL);
}

static void test_v1_snap1(void **state)
{
    (void)state;
    run_v1("v1/snap1");
}

static void test_v1_snap2(void **state)
{
    (void)state;
    run_v1("v1/snap2");
}

/* What the capture did, checked on the numbers: a burned CPU under a
 * quota, b wrote 8 MiB (+ metadata) and then 8 more and read 4 back. */
static void test_v1_workload_visible(void **state)
{
    uint64_t w1, w2, r2;

    (void)state;
    use_fixture("v1/snap1");
    assert_true(fx("sys/fs/cgroup/cpu/" A "/cpu.stat", "throttled_time", NULL) > 0);
    w1 = fx("sys/fs/cgroup/blkio/" B "/blkio.throttle.io_service_bytes",
            "254:0 Write", NULL);
    use_fixture("v1/snap2");
    w2 = fx("sys/fs/cgroup/blkio/" B "/blkio.throttle.io_service_bytes",
            "254:0 Write", NULL);
    r2 = fx("sys/fs/cgroup/blkio/" B "/blkio.throttle.io_service_bytes",
            "254:0 Read", NULL);
    assert_true(w1 >= 8u << 20);
    assert_true(w2 - w1 >= 8u << 20);
    assert_true(r2 == 4u << 20);
    xg_root_set(NULL);
}

static void run_v2(const char *snap)
{
    const char *cg[2] = {A, B};
    xg_options o;
    xg_pdomains l;
    xg_platform *p;
    char rel[512];

    use_fixture(snap);
    o = opts();
    p = open_discover(&o, &l);
    check_discovered(&l, "sys/fs/cgroup");
    prepare_all(p, &l);
    check_host(p, &l.v[0]);
    for (int i = 0; i < 2; i++) {
        xg_cpu_counters c;
        seen s = {0};

        assert_int_equal(ops->cpu_read(p, &l.v[i + 1], &c), 0);
        /* no cpu controller where it was captured: no throttled_usec */
        assert_int_equal(c.have, XG_CPU_USAGE | XG_CPU_USER | XG_CPU_SYSTEM |
                                     XG_CPU_WAIT);
        snprintf(rel, sizeof(rel), "sys/fs/cgroup/%s/cpu.stat", cg[i]);
        assert_true(c.usage_ns == fx(rel, "usage_usec", NULL) * 1000);
        assert_true(c.user_ns == fx(rel, "user_usec", NULL) * 1000);
        assert_true(c.system_ns == fx(rel, "system_usec", NULL) * 1000);
        snprintf(rel, sizeof(rel), "sys/fs/cgroup/%s/cpu.pressure", cg[i]);
        assert_true(c.wait_ns == fx(rel, "some", "total") * 1000);

        assert_int_equal(ops->disk_read(p, &l.v[i + 1], on_disk, &s), 0);
        assert_int_equal(s.n, 1);
        assert_string_equal(s.dev[0], "vda");
        snprintf(rel, sizeof(rel), "sys/fs/cgroup/%s/io.stat", cg[i]);
        if (i == 0) { /* "254:0 " with nothing after: no I/O yet */
            assert_true(s.c[0].rd_bytes == 0 && s.c[0].wr_bytes == 0 &&
                        s.c[0].rd_ios == 0 && s.c[0].wr_ios == 0);
            continue;
        }
        assert_true(s.c[0].rd_bytes == fx(rel, "254:0", "rbytes"));
        assert_true(s.c[0].wr_bytes == fx(rel, "254:0", "wbytes"));
        assert_true(s.c[0].rd_ios == fx(rel, "254:0", "rios"));
        assert_true(s.c[0].wr_ios == fx(rel, "254:0", "wios"));
        assert_true(s.c[0].wr_bytes > 0);
    }
    finish(p, &l);
    xg_root_set(NULL);
}

static void test_v2_snap1(void **state)
{
    (void)state;
    run_v2("v2/snap1");
}

static void test_v2_snap2(void **state)
{
    (void)state;
    run_v2("v2/snap2");
}

/* v2 with the cpu controller on: throttled_usec is read. */
static void test_v2_throttled(void **state)
{
    xg_options o;
    xg_pdomains l;
    xg_platform *p;
    xg_cpu_counters c;

    (void)state;
    use_copy("v2/snap1");
    sh("printf 'usage_usec 5\\nuser_usec 3\\nsystem_usec 2\\nnr_periods 7\\n"
       "nr_throttled 4\\nthrottled_usec 1234\\n' > \"$R/sys/fs/cgroup/"
       A "/cpu.stat\"");
    o = opts();
    p = open_discover(&o, &l);
    prepare_all(p, &l);
    assert_int_equal(ops->cpu_read(p, &l.v[1], &c), 0);
    assert_true(c.have & XG_CPU_THROTTLED);
    assert_true(c.throttled_ns == 1234000);
    assert_true(c.usage_ns == 5000 && c.user_ns == 3000 && c.system_ns == 2000);
    finish(p, &l);
    drop_copy();
}

/* Issue 13: a cgroup without a device line (no I/O yet) is a measured
 * zero: cgroup2 io.stat counts every device, so each whole disk is
 * reported, as 0 until its line shows up, marked from_zero; on v1 the
 * same once the no-op rules make blkio count, and nothing with
 * --no-blkio-enable (blkio may count nothing: not measured). */
static void test_no_line_is_zero(void **state)
{
    static const char *const trees[] = {"v2/snap1", "v1/snap1", "v1/snap1"};
    static const char *const files[] = {
        "sys/fs/cgroup/" A "/io.stat",
        "sys/fs/cgroup/blkio/" A "/blkio.throttle.io_service_bytes",
        "sys/fs/cgroup/blkio/" A "/blkio.throttle.io_service_bytes"};
    char cmd[600];

    (void)state;
    for (int k = 0; k < 3; k++) {
        xg_options o;
        xg_pdomains l;
        xg_platform *p;
        seen s = {0};

        use_copy(trees[k]);
        snprintf(cmd, sizeof(cmd), "printf 'Total 0\\n' | tee \"$R/%s\" "
                 "\"$R/sys/fs/cgroup/blkio/" A "/blkio.throttle.io_serviced\" "
                 ">/dev/null",
                 files[k]);
        if (k == 0)
            snprintf(cmd, sizeof(cmd), ": > \"$R/%s\"", files[k]);
        sh(cmd);
        o = opts();
        o.no_blkio_enable = k == 2;
        p = open_discover(&o, &l);
        prepare_all(p, &l);
        assert_int_equal(ops->disk_read(p, &l.v[1], on_disk, &s), 0);
        if (k == 2) {
            assert_int_equal(s.n, 0);
        } else {
            assert_int_equal(s.n, 1);
            assert_string_equal(s.dev[0], "vda");
            assert_true(s.c[0].from_zero && s.c[0].have_ios);
            assert_true(s.c[0].rd_bytes == 0 && s.c[0].wr_bytes == 0 &&
                        s.c[0].rd_ios == 0 && s.c[0].wr_ios == 0);
        }
        finish(p, &l);
        drop_copy();
    }
}

static void test_named_cgroups(void **state)
{
    const char *names[] = {"/" B "/", "machine.slice//./xg-fix-b", A};
    xg_options o;
    xg_pdomains l;
    xg_platform *p;

    (void)state;
    use_fixture("v1/snap1");
    o = opts();
    o.cgroups = names;
    o.n_cgroups = 3;
    p = open_discover(&o, &l);
    assert_int_equal(l.n, 3); /* host, b once, a: in the order given */
    assert_string_equal(l.v[1].info.key, "cgroup:" B);
    assert_string_equal(l.v[2].info.key, "cgroup:" A);
    xg_pdomains_free(&l);
    ops->close(p);

    o = opts();
    o.cgroup_parent = "/machine.slice";
    p = open_discover(&o, &l);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[1].info.name, "xg-fix-a");
    xg_pdomains_free(&l);
    ops->close(p);
    xg_root_set(NULL);
}

/* Children come sorted by name whatever readdir says; files are skipped;
 * a second discover (a rescan) gives the same list. */
static void test_sorted_children(void **state)
{
    const char *want[] = {"b10", "b9", "c-vm", "m-vm", "xg-fix-a", "xg-fix-b",
                          "z-vm"};
    xg_options o;
    xg_pdomains l, again = {0};
    xg_platform *p;
    char err[1024];

    (void)state;
    use_copy("v1/snap1");
    sh("cd \"$R/sys/fs/cgroup/cpuacct/machine.slice\" && "
       "for d in m-vm z-vm c-vm b9 b10; do mkdir $d; done && "
       ": > cgroup.procs && : > tasks");
    o = opts();
    p = open_discover(&o, &l);
    assert_int_equal(l.n, 8);
    for (int i = 0; i < 7; i++)
        assert_string_equal(l.v[i + 1].info.name, want[i]);
    assert_string_equal(l.v[1].info.key, "cgroup:machine.slice/b10");
    assert_int_equal(ops->discover(p, &again, err, sizeof(err)), 0);
    assert_int_equal(again.n, 8);
    for (size_t i = 0; i < 8; i++) {
        assert_string_equal(again.v[i].info.key, l.v[i].info.key);
        assert_int_equal(again.v[i].info.platform_id, l.v[i].info.platform_id);
    }
    assert_int_equal(again.v[0].info.vcpus, 2);
    xg_pdomains_free(&again);
    xg_pdomains_free(&l);
    ops->close(p);
    drop_copy();
}

static void expect_discover_err(const xg_options *o, const char *a,
                                const char *b)
{
    char err[1024] = "";
    xg_pdomains l = {0};
    xg_platform *p = ops->open(o, err, sizeof(err));

    assert_non_null(p);
    assert_int_equal(ops->discover(p, &l, err, sizeof(err)), -1);
    if (!strstr(err, a) || !strstr(err, b))
        fail_msg("err '%s' lacks '%s' or '%s'", err, a, b);
    assert_null(strchr(err, '\n'));
    xg_pdomains_free(&l);
    ops->close(p);
}

static void test_cgroup_errors(void **state)
{
    const char *missing[] = {"x/y"};
    const char *dotdot[] = {"machine.slice/../../etc"};
    const char *top[] = {"/"};
    xg_options o;

    (void)state;
    use_fixture("v1/snap1");
    o = opts();
    o.cgroups = missing;
    o.n_cgroups = 1;
    expect_discover_err(&o, "cgroup 'x/y': not found under ",
                        "/sys/fs/cgroup/cpuacct or ");
    expect_discover_err(&o, "/sys/fs/cgroup/unified (create it", "--cgroup)");
    o.cgroups = dotdot;
    expect_discover_err(&o, "machine.slice/../../etc", "'..' is not allowed");
    o.cgroups = top;
    expect_discover_err(&o, "'/'", "hierarchy root");
    o = opts();
    o.cgroup_parent = "nope.slice";
    expect_discover_err(&o, "cgroup parent 'nope.slice': not found",
                        "--cgroup-parent");
    o.cgroup_parent = "..";
    expect_discover_err(&o, "'..' is not allowed", "--cgroup-parent");
    xg_root_set(NULL);
}

/* Makes the n-byte name c... in the directory fd. */
static void mkdir_in(int fd, char c, size_t n)
{
    char name[256];

    memset(name, c, n);
    name[n] = '\0';
    assert_int_equal(mkdirat(fd, name, 0755), 0);
}

/* Children of a deep --cgroup-parent: one whose key is past 4 KiB is
 * listed with its key whole (it was refused as "out of memory"), one whose
 * path is too long is named in the error (it was skipped silently). */
static void test_long_child(void **state)
{
    char parent[4096] = "machine.slice", full[8192], err[8192] = "";
    xg_options o;
    xg_pdomains l = {0};
    xg_platform *p;
    size_t n;
    int fd;

    (void)state;
    use_copy("v1/snap1");
    while ((n = strlen(parent)) < 3800) { /* 4000 bytes in 200-byte steps */
        parent[n] = '/';
        memset(parent + n + 1, 'd', 199);
        parent[n + 200] = '\0';
    }
    parent[n] = '/';
    memset(parent + n + 1, 'e', 4000 - n - 1);
    parent[4000] = '\0';
    for (size_t i = 1; i <= 4000; i++) { /* each prefix, then the whole */
        char c = parent[i];
        if (c != '/' && c)
            continue;
        parent[i] = '\0';
        snprintf(full, sizeof(full), "%s/sys/fs/cgroup/cpuacct/%s", root,
                 parent);
        assert_true(mkdir(full, 0755) == 0 || errno == EEXIST);
        parent[i] = c;
    }
    assert_true((fd = open(full, O_DIRECTORY | O_RDONLY)) >= 0);
    mkdir_in(fd, 'a', 92); /* a path of 4093 bytes, a key of 4100 */
    o = opts();
    o.cgroup_parent = parent;
    p = open_discover(&o, &l);
    assert_int_equal(l.n, 2);
    assert_int_equal(strlen(l.v[1].info.key), 7 + 4093);
    assert_int_equal(strncmp(l.v[1].info.key, "cgroup:", 7), 0);
    assert_int_equal(strncmp(l.v[1].info.key + 7, parent, 4000), 0);
    xg_pdomains_free(&l);
    mkdir_in(fd, 'b', 200); /* a path of 4201 bytes */
    assert_int_equal(ops->discover(p, &l, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/bbbbbbbbbb"));
    assert_non_null(strstr(err, "': path too long"));
    xg_pdomains_free(&l);
    ops->close(p);
    close(fd);
    drop_copy();
}

/* The NET note names a domain whole: a 200-byte cgroup name was cut at
 * 127 bytes. */
static void test_net_note_long_name(void **state)
{
    char name[201];
    xg_options o;
    xg_pdomains l;
    xg_platform *p;
    const char *note;

    (void)state;
    memset(name, 'n', 200);
    name[200] = '\0';
    use_copy("v1/snap1");
    sh("N=$(printf 'n%.0s' $(seq 200)); "
       "for d in $(find \"$R/sys/fs/cgroup\" -type d -name xg-fix-a); do "
       "cp -a \"$d\" \"${d%/*}/$N\"; done"); /* a copy of xg-fix-a */
    o = opts();
    o.families = XG_FAM_NET;
    p = open_discover(&o, &l);
    prepare_all(p, &l);
    note = ops->note(p, XG_FAM_NET);
    assert_non_null(note);
    if (!strstr(note, name) || strstr(note, name)[200] != ':')
        fail_msg("the note lacks the whole name: %s", note);
    finish(p, &l);
    drop_copy();
}

/* A cgroup outside the perf_event hierarchy: the reason names its 613-byte
 * path whole (it was cut at 191 bytes). */
static void test_perf_why_long(void **state)
{
    char rel[700] = "machine.slice", want[800];
    const char *names[1] = {rel};
    xg_options o;
    xg_pdomains l;
    xg_platform *p;
    xg_perf_target t;
    char err[256];

    (void)state;
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(rel);
        rel[n] = '/';
        memset(rel + n + 1, 'p', 199);
        rel[n + 200] = '\0';
    }
    use_copy("v1/snap1");
    sh("P=$(printf '/p%.0s' 1 2 3 | sed \"s|p|$(printf 'p%.0s' $(seq 199))|g\"); "
       "d=\"$R/sys/fs/cgroup/cpuacct/machine.slice\"; mkdir -p \"$d$P\" && "
       "rmdir \"$d$P\" && cp -a \"$d/xg-fix-a\" \"$d$P\"");
    o = opts();
    o.cgroups = names;
    o.n_cgroups = 1;
    o.families = XG_FAM_CACHE;
    p = open_discover(&o, &l);
    prepare_all(p, &l);
    assert_int_equal(l.n, 2);
    assert_int_equal(ops->perf_target(p, &l.v[1], &t, err, sizeof(err)), 0);
    assert_int_equal(t.kind, XG_PERF_NONE);
    snprintf(want, sizeof(want), "cgroup '%s' is not in the perf_event "
             "hierarchy /sys/fs/cgroup/unified", rel);
    assert_non_null(t.why);
    assert_string_equal(t.why, want);
    finish(p, &l);
    drop_copy();
}

/* No machine.slice, or no cgroup mounted: just the host, no error. */
static void test_only_host(void **state)
{
    const char *named[] = {A};
    xg_options o;
    xg_pdomains l;
    xg_platform *p;

    (void)state;
    use_copy("v1/snap1");
    sh("rm -rf \"$R\"/sys/fs/cgroup/*/machine.slice");
    o = opts();
    p = open_discover(&o, &l);
    assert_int_equal(l.n, 1);
    assert_true(l.v[0].info.is_host);
    xg_pdomains_free(&l);
    ops->close(p);

    sh(": > \"$R/proc/mounts\"");
    p = open_discover(&o, &l);
    assert_int_equal(l.n, 1);
    xg_pdomains_free(&l);
    ops->close(p);
    o.cgroups = named;
    o.n_cgroups = 1;
    expect_discover_err(&o, "no cgroup hierarchy", "proc/mounts");
    o = opts();
    o.cgroup_parent = "machine.slice";
    expect_discover_err(&o, "cgroup parent 'machine.slice': no cgroup "
                        "hierarchy", "proc/mounts");
    drop_copy();
}

/* Co-mounted "cpu,cpuacct", as on most v1 hosts. */
static void test_comounted(void **state)
{
    xg_options o;
    xg_pdomains l;
    xg_platform *p;
    xg_cpu_counters c;
    char err[1024];

    (void)state;
    use_copy("v1/snap1");
    sh("cd \"$R/sys/fs/cgroup\" && mkdir cpu,cpuacct && "
       "cp -a cpuacct/machine.slice cpu,cpuacct/ && "
       "cp cpu/" A "/cpu.stat cpu,cpuacct/" A "/ && "
       "cp cpu/" B "/cpu.stat cpu,cpuacct/" B "/ && rm -rf cpu cpuacct && "
       "sed -i -e '/ cpuacct /d' -e 's| /sys/fs/cgroup/cpu cgroup rw,relatime,cpu | "
       "/sys/fs/cgroup/cpu,cpuacct cgroup rw,nosuid,cpu,cpuacct |' \"$R/proc/mounts\"");
    o = opts();
    p = open_discover(&o, &l);
    check_discovered(&l, "sys/fs/cgroup/cpu,cpuacct");
    prepare_all(p, &l);
    assert_int_equal(ops->cpu_read(p, &l.v[1], &c), 0);
    assert_true(c.have & XG_CPU_THROTTLED);
    assert_true(c.usage_ns ==
                fx("sys/fs/cgroup/cpu,cpuacct/" A "/cpuacct.usage", NULL, NULL));
    /* attach writes cgroup.procs once per directory */
    assert_int_equal(ops->attach(p, &l.v[1], 4242, err, sizeof(err)), 0);
    assert_true(fx("sys/fs/cgroup/cpu,cpuacct/" A "/cgroup.procs", NULL, NULL) ==
                4242);
    finish(p, &l);
    drop_copy();
}

static void test_removed_after_prepare(void **state)
{
    xg_options o;
    xg_pdomains l;
    xg_platform *p;
    xg_cpu_counters c, before;
    seen s = {0};

    (void)state;
    use_copy("v1/snap1");
    o = opts();
    p = open_discover(&o, &l);
    prepare_all(p, &l);
    assert_int_equal(ops->cpu_read(p, &l.v[1], &before), 0);
    sh("rm -rf \"$R\"/sys/fs/cgroup/*/" A);
    /* held fds of unlinked regular files stay readable (a real cgroupfs
     * file answers ENODEV instead, see test_read_fails) */
    assert_int_equal(ops->cpu_read(p, &l.v[1], &c), 0);
    assert_true(c.usage_ns == before.usage_ns);
    assert_int_equal(ops->disk_read(p, &l.v[1], on_disk, &s), 0);
    finish(p, &l); /* nothing to undo, nothing fails */
    drop_copy();
}

/* A held file whose reads fail: cpu_read and disk_read say "gone". */
static void test_read_fails(void **state)
{
    xg_options o;
    xg_pdomains l;
    xg_platform *p;
    xg_cpu_counters c;
    seen s = {0};

    (void)state;
    use_copy("v1/snap1");
    /* a directory opens O_RDONLY but pread fails (EISDIR), like ENODEV */
    sh("cd \"$R/sys/fs/cgroup\" && rm cpuacct/" A "/cpuacct.usage && "
       "mkdir cpuacct/" A "/cpuacct.usage && "
       "rm blkio/" A "/blkio.throttle.io_serviced && "
       "mkdir blkio/" A "/blkio.throttle.io_serviced");
    o = opts();
    p = open_discover(&o, &l);
    prepare_all(p, &l);
    assert_int_equal(ops->cpu_read(p, &l.v[1], &c), -1);
    assert_int_equal(ops->disk_read(p, &l.v[1], on_disk, &s), -1);
    assert_int_equal(ops->cpu_read(p, &l.v[2], &c), 0); /* b is fine */
    finish(p, &l);
    drop_copy();
}

/* Files that were never there: optional ones drop their bits, a required
 * one fails prepare with the file's name. */
static void test_missing_files(void **state)
{
    xg_options o;
    xg_pdomains l;
    xg_platform *p;
    xg_cpu_counters c;
    seen s = {0};
    char err[1024] = "";

    (void)state;
    use_copy("v1/snap1");
    sh("cd \"$R/sys/fs/cgroup\" && rm unified/" A "/cpu.pressure cpu/" A
       "/cpu.stat cpuacct/" A "/cpuacct.stat blkio/" A
       "/blkio.throttle.io_service_bytes");
    o = opts();
    p = open_discover(&o, &l);
    prepare_all(p, &l);
    assert_int_equal(ops->cpu_read(p, &l.v[1], &c), 0);
    assert_int_equal(c.have, XG_CPU_USAGE);
    assert_int_equal(ops->disk_read(p, &l.v[1], on_disk, &s), 0);
    assert_int_equal(s.n, 0);
    for (size_t i = 0; i < l.n; i++)
        ops->release(p, &l.v[i]);

    sh("rm \"$R/sys/fs/cgroup/cpuacct/" A "/cpuacct.usage\"");
    assert_int_equal(ops->prepare(p, &l.v[1], err, sizeof(err)), -1);
    if (!strstr(err, "/sys/fs/cgroup/cpuacct/" A "/cpuacct.usage: No such file"))
        fail_msg("err: %s", err);
    assert_null(l.v[1].priv);
    xg_pdomains_free(&l);
    ops->close(p);
    drop_copy();
}

static void test_blkio_enable(void **state)
{
    xg_options o;
    xg_pdomains l;
    xg_platform *p;

    (void)state;
    use_copy("v1/snap1");
    /* a: no rules yet. b: a read limit of its own, to be left alone. */
    sh("cd \"$R/sys/fs/cgroup/blkio\" && "
       ": > " A "/blkio.throttle.read_bps_device && "
       ": > " A "/blkio.throttle.write_bps_device && "
       "printf '254:0 5000\\n' > " B "/blkio.throttle.read_bps_device && "
       ": > " B "/blkio.throttle.write_bps_device");
    o = opts();
    o.blkio_enable = true;
    p = open_discover(&o, &l);
    prepare_all(p, &l);
    /* only vda: loop (7), zram and the partition vda1 are skipped */
    sh("cd \"$R/sys/fs/cgroup/blkio\" && "
       "printf '254:0 1099511627776\\n' > \"$R/want\" && "
       "cmp \"$R/want\" " A "/blkio.throttle.read_bps_device && "
       "cmp \"$R/want\" " A "/blkio.throttle.write_bps_device && "
       "test ! -s " B "/blkio.throttle.write_bps_device");
    finish(p, &l);
    /* release wrote the removal over a's (regular files: no truncation);
     * b's own rule was never touched */
    sh("cd \"$R/sys/fs/cgroup/blkio\" && "
       "head -n 1 " A "/blkio.throttle.read_bps_device | grep -qx '254:0 0' && "
       "head -n 1 " A "/blkio.throttle.write_bps_device | grep -qx '254:0 0' && "
       "printf '254:0 5000\\n' | cmp - " B "/blkio.throttle.read_bps_device && "
       "test ! -s " B "/blkio.throttle.write_bps_device");
    drop_copy();
}

static void test_attach(void **state)
{
    xg_options o;
    xg_pdomains l;
    xg_platform *p;
    char err[1024];

    (void)state;
    use_copy("v1/snap1");
    o = opts();
    p = open_discover(&o, &l);
    assert_int_equal(ops->attach(p, &l.v[0], 4242, err, sizeof(err)), 0);
    assert_int_equal(ops->attach(p, &l.v[2], 4242, err, sizeof(err)), 0);
    assert_true(fx("sys/fs/cgroup/cpuacct/" B "/cgroup.procs", NULL, NULL) == 4242);
    assert_true(fx("sys/fs/cgroup/cpu/" B "/cgroup.procs", NULL, NULL) == 4242);
    assert_true(fx("sys/fs/cgroup/blkio/" B "/cgroup.procs", NULL, NULL) == 4242);
    assert_true(fx("sys/fs/cgroup/unified/" B "/cgroup.procs", NULL, NULL) == 4242);
    sh("rm \"$R/sys/fs/cgroup/cpu/" B "/cgroup.procs\"");
    assert_int_equal(ops->attach(p, &l.v[2], 4242, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/sys/fs/cgroup/cpu/" B "/cgroup.procs: "));
    xg_pdomains_free(&l);
    ops->close(p);
    drop_copy();
}

static void test_pick(void **state)
{
    const xg_platform_ops *const *all = xg_platform_all();
    char err[256];

    xg_options o;
    size_t n = 0;

    (void)state;
    /* on a tree with no qemu and no xen, auto falls back to cgroup */
    use_fixture("v1/snap1");
    assert_ptr_equal(xg_platform_pick("auto", err, sizeof(err)), ops);
    assert_ptr_equal(xg_platform_pick("cgroup", err, sizeof(err)), ops);
    assert_null(xg_platform_pick("foo", err, sizeof(err)));
    assert_non_null(strstr(err, "unknown platform 'foo' (have: "));
    assert_non_null(strstr(err, " cgroup)"));
    while (all[n])
        n++;
    assert_true(n >= 2);
    assert_ptr_equal(all[n - 1], ops); /* the fallback is last */
    assert_true(ops->detect());
    /* cgroup options make auto mean cgroup, whatever else runs */
    xg_options_defaults(&o);
    o.cgroup_parent = "machine.slice";
    assert_ptr_equal(xg_platform_choose(&o, err, sizeof(err)), ops);
    o.cgroup_parent = NULL;
    o.platform = "qemu";
    assert_ptr_not_equal(xg_platform_choose(&o, err, sizeof(err)), ops);
}

static void test_pdomains(void **state)
{
    char key[] = "cgroup:x", name[] = "x", addr[] = "10.0.0.1";
    xg_pdomain d = {.info = {.key = key, .name = name, .address = addr,
                             .platform_id = 7, .vcpus = 2}};
    xg_pdomains l = {0};

    (void)state;
    for (int i = 0; i < 20; i++)
        assert_int_equal(xg_pdomains_push(&l, &d), 0);
    key[0] = name[0] = addr[0] = '?';
    assert_int_equal(l.n, 20);
    assert_string_equal(l.v[19].info.key, "cgroup:x");
    assert_string_equal(l.v[0].info.name, "x");
    assert_string_equal(l.v[0].info.address, "10.0.0.1");
    assert_null(l.v[0].info.uuid);
    assert_int_equal(l.v[0].info.platform_id, 7);
    xg_pdomains_free(&l);
    assert_null(l.v);
    assert_int_equal(l.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_v1_snap1, teardown),
        cmocka_unit_test_teardown(test_v1_snap2, teardown),
        cmocka_unit_test_teardown(test_v1_workload_visible, teardown),
        cmocka_unit_test_teardown(test_v2_snap1, teardown),
        cmocka_unit_test_teardown(test_v2_snap2, teardown),
        cmocka_unit_test_teardown(test_v2_throttled, teardown),
        cmocka_unit_test_teardown(test_named_cgroups, teardown),
        cmocka_unit_test_teardown(test_sorted_children, teardown),
        cmocka_unit_test_teardown(test_cgroup_errors, teardown),
        cmocka_unit_test_teardown(test_long_child, teardown),
        cmocka_unit_test_teardown(test_net_note_long_name, teardown),
        cmocka_unit_test_teardown(test_perf_why_long, teardown),
        cmocka_unit_test_teardown(test_only_host, teardown),
        cmocka_unit_test_teardown(test_comounted, teardown),
        cmocka_unit_test_teardown(test_removed_after_prepare, teardown),
        cmocka_unit_test_teardown(test_read_fails, teardown),
        cmocka_unit_test_teardown(test_missing_files, teardown),
        cmocka_unit_test_teardown(test_blkio_enable, teardown),
        cmocka_unit_test_teardown(test_no_line_is_zero, teardown),
        cmocka_unit_test_teardown(test_attach, teardown),
        cmocka_unit_test_teardown(test_pick, teardown),
        cmocka_unit_test_teardown(test_pdomains, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

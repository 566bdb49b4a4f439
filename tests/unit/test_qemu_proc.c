/* test_qemu_proc.c — the qemu platform's /proc side on the fake tree in
 * tests/fixtures/qemu (two qemu processes, one with named vCPU threads and
 * an odd name, plus processes that are not qemu): the parsers, detection,
 * discovery, the numbers read (worked out here from the fixture files),
 * threads that come and go, a process that is gone or replaced, and
 * platform selection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "platform/host.h"
#include "platform/platform.h"
#include "collect/collector.h"
#include "platform/qemu/qemu_proc.h"
#include "util/root.h"

extern const xg_platform_ops xg_platform_qemu;
extern const xg_platform_ops xg_platform_cgroup;
static const xg_platform_ops *const ops = &xg_platform_qemu;

#define WEB_NAME "web \"01\" \xc3\xbcn\xc3\xaf,c\xc3\xb6" "d\xc3\xa9"
#define WEB_UUID "6b1c9e2a-1d3f-4a8e-9c55-0a1b2c3d4e5f"

static char root[4096];

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

/* A scratch copy of the qemu tree, made the root. */
static void use_copy(void)
{
    char cmd[8400];

    snprintf(root, sizeof(root), "/tmp/xg-test-qemu-XXXXXX");
    assert_non_null(mkdtemp(root));
    snprintf(cmd, sizeof(cmd), "cp -a '%s/qemu/proc' '%s/'", fixtures(), root);
    assert_int_equal(system(cmd), 0);
    xg_root_set(root);
}

static int teardown(void **state)
{
    char cmd[4200];

    (void)state;
    if (strncmp(root, "/tmp/xg-test-qemu-", 18) == 0) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        assert_int_equal(system(cmd), 0);
    }
    root[0] = '\0';
    xg_root_set(NULL);
    return 0;
}

/* Runs shell text with $R set to the root in use. */
static void sh(const char *script)
{
    char cmd[8400];

    snprintf(cmd, sizeof(cmd), "R='%s'; %s", root, script);
    assert_int_equal(system(cmd), 0);
}

static uint64_t ns(uint64_t ticks)
{
    return ticks * (1000000000u / (uint64_t)sysconf(_SC_CLK_TCK));
}

/* argv words joined with NULs, as /proc/PID/cmdline has them. */
static size_t cmdline(char *buf, size_t cap, const char *const *argv)
{
    size_t n = 0;

    for (; *argv; argv++) {
        size_t l = strlen(*argv) + 1;
        assert_true(n + l <= cap);
        memcpy(buf + n, *argv, l);
        n += l;
    }
    return n;
}

static int parse(qp_cmd *c, const char *const *argv)
{
    char buf[8192];

    return qp_parse_cmdline(buf, cmdline(buf, sizeof(buf), argv), c);
}

static void test_cmdline(void **state)
{
    qp_cmd c;

    (void)state;
    {
        const char *a[] = {"/usr/bin/qemu-system-x86_64", "-name",
                           "guest=a,,b,debug-threads=on", "-uuid", "u-1",
                           "-qmp", "unix:/run/q.sock,server,nowait", "-smp",
                           "4", NULL};
        assert_int_equal(parse(&c, a), 0);
        assert_string_equal(c.name, "a,b");
        assert_string_equal(c.uuid, "u-1");
        assert_string_equal(c.qmp, "/run/q.sock");
        assert_int_equal(c.smp, 4);
    }
    {   /* implied guest=, --options, a QMP client socket is not ours */
        const char *a[] = {"qemu-system-arm", "--name", "vm,process=p",
                           "-qmp", "unix:/run/c.sock", "-qmp",
                           "tcp:localhost:4444,server=on", NULL};
        assert_int_equal(parse(&c, a), 0);
        assert_string_equal(c.name, "vm");
        assert_string_equal(c.qmp, "");
        assert_int_equal(c.smp, 0);
    }
    {   /* -mon before its -chardev, ",," in the path */
        const char *a[] = {"/usr/libexec/qemu-kvm", "-name",
                           "process=p,guest=g", "-mon",
                           "chardev=m,mode=control,pretty=on", "-chardev",
                           "socket,id=x,path=/nope,server=on", "-chardev",
                           "socket,id=m,path=/a,,b.sock,server=on,wait=off",
                           "-smp", "sockets=2,cores=2,threads=2", NULL};
        assert_int_equal(parse(&c, a), 0);
        assert_string_equal(c.name, "g");
        assert_string_equal(c.qmp, "/a,b.sock");
        assert_int_equal(c.smp, 8);
    }
    {   /* a human monitor, a chardev that is a client: no QMP */
        const char *a[] = {"qemu-system-x86_64", "-chardev",
                           "socket,id=m,path=/h.sock,server=on", "-mon",
                           "m", "-chardev", "socket,id=c,path=/c.sock",
                           "-mon", "chardev=c,mode=control", "-smp",
                           "cpus=2,maxcpus=8", NULL};
        assert_int_equal(parse(&c, a), 0);
        assert_string_equal(c.qmp, "");
        assert_string_equal(c.name, "");
        assert_int_equal(c.smp, 2);
    }
    {   /* implied chardev= on -mon, -qmp-pretty */
        const char *a[] = {"qemu-system-x86_64", "-chardev",
                           "socket,id=m,path=/m.sock,server=on", "-mon",
                           "m,mode=control", NULL};
        const char *b[] = {"qemu-system-x86_64", "-qmp-pretty",
                           "unix:rel.sock,server=on,wait=off", NULL};
        assert_int_equal(parse(&c, a), 0);
        assert_string_equal(c.qmp, "/m.sock");
        assert_int_equal(parse(&c, b), 0);
        assert_string_equal(c.qmp, "rel.sock");
    }
    {   /* not qemu-system-* */
        const char *a[] = {"/usr/bin/qemu-img", "-name", "x", NULL};
        const char *b[] = {"qemu-system-", NULL};
        assert_int_equal(parse(&c, a), -1);
        assert_int_equal(parse(&c, b), -1);
        assert_int_equal(qp_parse_cmdline("", 0, &c), -1);
    }
    {   /* a name longer than the field is cut between UTF-8 characters,
         * and ends in "..." to show it */
        char name[600];
        size_t n = 0;
        while (n + 2 < sizeof(name) - 1) {
            name[n++] = '\xc3';
            name[n++] = '\xa9';
        }
        name[n] = '\0';
        const char *a[] = {"qemu-system-x86_64", "-name", name, NULL};
        assert_int_equal(parse(&c, a), 0);
        assert_int_equal(strlen(c.name), 255); /* 126 two-byte chars */
        assert_memory_equal(c.name, name, 252);
        assert_string_equal(c.name + 252, "...");
    }
    {   /* a QMP chardev path or -mon id too long to hold: no QMP (it was
         * cut, naming another socket, or another chardev) */
        char dev[4400], mon[400], dev2[400];
        const char *a[] = {"qemu-system-x86_64", "-chardev", dev, "-mon",
                           "chardev=m,mode=control", NULL};
        const char *b[] = {"qemu-system-x86_64", "-chardev", dev2, "-mon",
                           mon, NULL};
        int n = snprintf(dev, sizeof(dev), "socket,id=m,server=on,path=/");
        memset(dev + n, 'd', 4200);
        dev[n + 4200] = '\0';
        assert_int_equal(parse(&c, a), 0);
        assert_string_equal(c.qmp, "");
        n = snprintf(mon, sizeof(mon), "mode=control,chardev=");
        memset(mon + n, 'm', 300); /* the id of none */
        mon[n + 300] = '\0';
        n = snprintf(dev2, sizeof(dev2), "socket,id=");
        memset(dev2 + n, 'm', 255); /* the first 255 bytes of it */
        snprintf(dev2 + n + 255, sizeof(dev2) - (size_t)n - 255,
                 ",path=/m.sock,server=on");
        assert_int_equal(parse(&c, b), 0);
        assert_string_equal(c.qmp, "");
    }
    {   /* a value cut off at the end of the buffer is not taken */
        char buf[256];
        const char *a[] = {"qemu-system-x86_64", "-name", "whole", "-uuid",
                           "cut-here", NULL};
        size_t n = cmdline(buf, sizeof(buf), a);
        assert_int_equal(qp_parse_cmdline(buf, n - 4, &c), 0);
        assert_string_equal(c.name, "whole");
        assert_string_equal(c.uuid, "");
    }
}

static void test_parsers(void **state)
{
    qp_stat s;
    uint64_t a, b;
    qp_cmd c = {.name = "vm"};
    char key[64];

    (void)state;
    assert_int_equal(qp_parse_stat("77 (a) b (c)) S 1 2 3 0 -1 4 5 6 7 8 "
                                   "11 22 0 0 20 0 3 0 999 1 2\n", &s), 0);
    assert_int_equal(s.state, 'S');
    assert_int_equal(s.utime, 11);
    assert_int_equal(s.stime, 22);
    assert_int_equal(s.starttime, 999);
    assert_int_equal(qp_parse_stat("77 (x) S 1 2 3 0 -1 4 5 6 7 8 11 22 0",
                                   &s), -1);
    assert_int_equal(qp_parse_stat("no parenthesis", &s), -1);
    assert_int_equal(qp_parse_schedstat("123 456 7\n", &a, &b), 0);
    assert_int_equal(a, 123);
    assert_int_equal(b, 456);
    assert_int_equal(qp_parse_schedstat("123\n", &a, &b), -1);
    assert_int_equal(qp_vcpu_index("CPU 0/KVM\n"), 0);
    assert_int_equal(qp_vcpu_index("CPU 12/TCG"), 12);
    assert_int_equal(qp_vcpu_index("CPU /KVM"), -1);
    assert_int_equal(qp_vcpu_index("CPU 3"), -1);
    assert_int_equal(qp_vcpu_index("CPU 5000/KVM"), -1);
    assert_int_equal(qp_vcpu_index("worker"), -1);
    assert_int_equal(qp_parse_io("rchar: 1\nread_bytes: 10\nwrite_bytes: "
                                 "20\ncancelled_write_bytes: 5\n", &a, &b), 0);
    assert_int_equal(a, 10);
    assert_int_equal(b, 20);
    assert_int_equal(qp_parse_io("read_bytes: 10\n", &a, &b), -1);
    assert_int_equal(qp_key(&c, 42, 1000, key, sizeof(key)), 0);
    assert_string_equal(key, "qemu:vm:1000");
    c.name[0] = '\0';
    assert_int_equal(qp_key(&c, 42, 1000, key, sizeof(key)), 0);
    assert_string_equal(key, "qemu:42:1000");
    strcpy(c.uuid, "u-u");
    assert_int_equal(qp_key(&c, 42, 1000, key, sizeof(key)), 0);
    assert_string_equal(key, "qemu:u-u");
    assert_int_equal(qp_key(&c, 42, 1000, key, 5), -1);
    assert_true(xg_ticks_ns(3, 100) == 30000000u);
    assert_true(xg_ticks_ns(1, 3) == 333333333u);
}

static void test_detect(void **state)
{
    (void)state;
    use_fixture("qemu");
    assert_true(ops->detect());
    use_fixture("v1/snap1");
    assert_false(ops->detect());
    teardown(NULL);
    use_copy();
    sh("mkdir -p \"$R/proc/xen\" && echo control_d > \"$R/proc/xen/capabilities\"");
    assert_false(ops->detect());
    sh("echo > \"$R/proc/xen/capabilities\"");
    assert_true(ops->detect());
}

static void test_pick(void **state)
{
    const xg_platform_ops *const *all = xg_platform_all();
    char err[256];
    size_t i, q = 99, cg = 99;

    (void)state;
    for (i = 0; all[i]; i++) {
        if (all[i] == ops)
            q = i;
        if (all[i] == &xg_platform_cgroup)
            cg = i;
    }
    assert_true(q < cg && cg < i); /* qemu before the fallback */
    assert_ptr_equal(xg_platform_pick("qemu", err, sizeof(err)), ops);
    use_fixture("qemu");
    assert_ptr_equal(xg_platform_pick("auto", err, sizeof(err)), ops);
    use_fixture("v1/snap1");
    assert_ptr_equal(xg_platform_pick("auto", err, sizeof(err)),
                     &xg_platform_cgroup);
}

/* Discovers the fixture's domains into l (host, 4242, 5151). */
static xg_platform *discover(xg_pdomains *l)
{
    char err[256] = "";
    xg_platform *p = ops->open(NULL, err, sizeof(err));

    assert_non_null(p);
    assert_int_equal(ops->discover(p, l, err, sizeof(err)), 0);
    assert_int_equal(l->n, 3);
    return p;
}

static void test_discover(void **state)
{
    xg_pdomains l = {0};
    xg_platform *p;

    (void)state;
    use_fixture("qemu");
    p = discover(&l);
    assert_string_equal(l.v[0].info.key, "host");
    assert_true(l.v[0].info.is_host);
    assert_int_equal(l.v[0].info.vcpus, 2); /* cpu0, cpu1 in proc/stat */
    assert_string_equal(l.v[1].info.key, "qemu:" WEB_UUID);
    assert_string_equal(l.v[1].info.name, WEB_NAME);
    assert_string_equal(l.v[1].info.uuid, WEB_UUID);
    assert_int_equal(l.v[1].info.platform_id, 4242);
    assert_int_equal(l.v[1].info.vcpus, 2);  /* CPU 0/KVM, CPU 1/KVM */
    assert_false(l.v[1].info.is_host);
    assert_string_equal(l.v[2].info.key, "qemu:vm2:209000");
    assert_string_equal(l.v[2].info.name, "vm2");
    assert_null(l.v[2].info.uuid);
    assert_int_equal(l.v[2].info.platform_id, 5151);
    assert_int_equal(l.v[2].info.vcpus, 3);  /* unnamed threads: -smp */
    xg_pdomains_free(&l);
    /* discover again (a rescan): the same */
    assert_int_equal(ops->discover(p, &l, (char[64]){0}, 64), 0);
    assert_int_equal(l.n, 3);
    xg_pdomains_free(&l);
    ops->close(p);
}

typedef struct seen {
    int n;
    xg_disk_counters d[8];
    char dev[8][64], src[8][16];
    int nv;
    int vcpu[8];
    xg_cpu_counters v[8];
} seen;

static void on_disk(void *arg, const xg_disk_counters *c)
{
    seen *s = arg;

    assert_true(s->n < 8);
    s->d[s->n] = *c;
    snprintf(s->dev[s->n], 64, "%s", c->device);
    snprintf(s->src[s->n], 16, "%s", c->source ? c->source : "");
    s->n++;
}

static void on_vcpu(void *arg, int vcpu, const xg_cpu_counters *c)
{
    seen *s = arg;

    assert_true(s->nv < 8);
    s->vcpu[s->nv] = vcpu;
    s->v[s->nv++] = *c;
}

/* The vCPU rows sorted by number. */
static void vcpus(xg_pdomain *d, seen *s)
{
    memset(s, 0, sizeof(*s));
    assert_int_equal(ops->vcpu_read(NULL, d, on_vcpu, s), 0);
    for (int i = 1; i < s->nv; i++)
        if (s->vcpu[i] < s->vcpu[i - 1]) {
            int t = s->vcpu[i];
            xg_cpu_counters c = s->v[i];
            s->vcpu[i] = s->vcpu[i - 1];
            s->v[i] = s->v[i - 1];
            s->vcpu[i - 1] = t;
            s->v[i - 1] = c;
            i = 0;
        }
}

static void test_read(void **state)
{
    xg_pdomains l = {0};
    xg_platform *p;
    xg_cpu_counters c;
    xg_perf_target t;
    char err[256] = "";
    seen s;

    (void)state;
    use_fixture("qemu");
    p = discover(&l);
    for (size_t i = 0; i < l.n; i++)
        assert_int_equal(ops->prepare(p, &l.v[i], err, sizeof(err)), 0);

    /* host: /proc/stat as the cgroup platform reads it */
    assert_int_equal(ops->cpu_read(p, &l.v[0], &c), 0);
    assert_true(c.have & XG_CPU_TOTAL);
    memset(&s, 0, sizeof(s));
    assert_int_equal(ops->disk_read(p, &l.v[0], on_disk, &s), 0);
    assert_int_equal(s.n, 0);
    assert_int_equal(ops->perf_target(p, &l.v[0], &t, err, sizeof(err)), 0);
    assert_int_equal(t.kind, XG_PERF_SYSTEM);

    /* 4242: stat utime 1234 stime 567; wait = the five threads' schedstat
     * wait: 1811528 + 2591561 + 45678901 + 34567890 + 0 */
    assert_int_equal(ops->cpu_read(p, &l.v[1], &c), 0);
    assert_int_equal(c.have, XG_CPU_USAGE | XG_CPU_USER | XG_CPU_SYSTEM |
                                 XG_CPU_WAIT);
    assert_true(c.user_ns == ns(1234));
    assert_true(c.system_ns == ns(567));
    assert_true(c.usage_ns == ns(1234 + 567));
    assert_true(c.wait_ns == 84649880u);
    vcpus(&l.v[1], &s);
    assert_int_equal(s.nv, 2);
    assert_int_equal(s.vcpu[0], 0);
    assert_int_equal(s.v[0].have, XG_CPU_USAGE | XG_CPU_WAIT);
    assert_true(s.v[0].usage_ns == 8123456789u);
    assert_true(s.v[0].wait_ns == 45678901u);
    assert_int_equal(s.vcpu[1], 1);
    assert_true(s.v[1].usage_ns == 7012345678u);
    assert_true(s.v[1].wait_ns == 34567890u);
    /* no QMP socket at the path given: /proc/PID/io */
    memset(&s, 0, sizeof(s));
    assert_int_equal(ops->disk_read(p, &l.v[1], on_disk, &s), 0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.dev[0], "proc-io");
    assert_string_equal(s.src[0], "proc-io");
    assert_true(s.d[0].rd_bytes == 1048576u);
    assert_true(s.d[0].wr_bytes == 2097152u);
    assert_false(s.d[0].have_ios);
    assert_false(s.d[0].have_time);
    assert_int_equal(ops->perf_target(p, &l.v[1], &t, err, sizeof(err)), 0);
    assert_int_equal(t.kind, XG_PERF_PID);
    assert_int_equal(t.pid, 4242);

    /* 5151: comm "my (odd) vm"; 50 + 25 ticks; wait 1e6 + 2e6 + 3e6 */
    assert_int_equal(ops->cpu_read(p, &l.v[2], &c), 0);
    assert_true(c.usage_ns == ns(75));
    assert_true(c.user_ns == ns(50));
    assert_true(c.wait_ns == 6000000u);
    vcpus(&l.v[2], &s);
    assert_int_equal(s.nv, 0); /* threads not named: no per-vCPU rows */
    memset(&s, 0, sizeof(s));
    assert_int_equal(ops->disk_read(p, &l.v[2], on_disk, &s), 0);
    assert_int_equal(s.n, 1);
    assert_true(s.d[0].rd_bytes == 4096 && s.d[0].wr_bytes == 8192);

    assert_null(ops->attach);
    for (size_t i = 0; i < l.n; i++)
        ops->release(p, &l.v[i]);
    assert_null(l.v[1].priv);
    xg_pdomains_free(&l);
    ops->close(p);
}

typedef struct seen_net {
    int n;
    char dev[4][32];
    xg_net_counters c[4];
} seen_net;

static void on_net(void *arg, const xg_net_counters *c)
{
    seen_net *s = arg;

    assert_true(s->n < 4);
    snprintf(s->dev[s->n], 32, "%s", c->device);
    s->c[s->n++] = *c;
}

/* 4242 holds /dev/net/tun four times: fd 4 not attached yet (no iff), 5
 * and 6 two queues of tap4242, 7 vnet7; 5151 has none (user-mode
 * networking). A tap's statistics are the host's side: swapped. */
static void test_net(void **state)
{
    xg_pdomains l = {0};
    xg_platform *p;
    char err[256] = "";
    seen_net s = {0};
    xg_options o;

    (void)state;
    use_fixture("qemu");
    p = discover(&l);
    for (size_t i = 0; i < l.n; i++)
        assert_int_equal(ops->prepare(p, &l.v[i], err, sizeof(err)), 0);
    assert_int_equal(ops->net_read(p, &l.v[0], on_net, &s), 0);
    assert_int_equal(s.n, 0); /* the host: the collector reads it */
    assert_int_equal(ops->net_read(p, &l.v[1], on_net, &s), 0);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.dev[0], "tap4242");
    assert_string_equal(s.c[0].source, "tap");
    /* sys/class/net/tap4242/statistics: rx_bytes 111000 tx_bytes 2222000
     * rx_packets 100 tx_packets 2000 rx_dropped 1 tx_dropped 3 rx_errors 0
     * tx_errors 5 */
    assert_true(s.c[0].rx_bytes == 2222000 && s.c[0].tx_bytes == 111000);
    assert_true(s.c[0].rx_packets == 2000 && s.c[0].tx_packets == 100);
    assert_true(s.c[0].have_drops && s.c[0].rx_drops == 3 &&
                s.c[0].tx_drops == 1);
    assert_true(s.c[0].have_errors && s.c[0].rx_errors == 5 &&
                s.c[0].tx_errors == 0);
    assert_string_equal(s.dev[1], "vnet7");
    assert_true(s.c[1].tx_bytes == 60 && s.c[1].rx_bytes == 0);
    memset(&s, 0, sizeof(s));
    assert_int_equal(ops->net_read(p, &l.v[2], on_net, &s), 0);
    assert_int_equal(s.n, 0);
    assert_string_equal(ops->note(p, XG_FAM_NET), "vm2: no tap device "
                        "(user-mode networking, macvtap or none)");
    assert_null(ops->note(p, XG_FAM_DISK));
    for (size_t i = 0; i < l.n; i++)
        ops->release(p, &l.v[i]);
    xg_pdomains_free(&l);
    ops->close(p);

    /* --nonet: taps are not looked for, nothing to say */
    xg_options_defaults(&o);
    o.families &= ~(unsigned)XG_FAM_NET;
    p = ops->open(&o, err, sizeof(err));
    assert_non_null(p);
    assert_int_equal(ops->discover(p, &l, err, sizeof(err)), 0);
    for (size_t i = 0; i < l.n; i++)
        assert_int_equal(ops->prepare(p, &l.v[i], err, sizeof(err)), 0);
    memset(&s, 0, sizeof(s));
    assert_int_equal(ops->net_read(p, &l.v[1], on_net, &s), 0);
    assert_int_equal(s.n, 0);
    assert_null(ops->note(p, XG_FAM_NET));
    for (size_t i = 0; i < l.n; i++)
        ops->release(p, &l.v[i]);
    xg_pdomains_free(&l);
    ops->close(p);
}

#define T4242 "\"$R/proc/4242/task/"

static void test_threads(void **state)
{
    xg_pdomains l = {0};
    xg_platform *p;
    xg_cpu_counters c;
    char err[256] = "";
    seen s;

    (void)state;
    use_copy();
    p = discover(&l);
    assert_int_equal(ops->prepare(p, &l.v[1], err, sizeof(err)), 0);
    /* vCPU 0 runs on; threads 4243 (wait 2591561) and 4246 exit; 4250
     * starts (wait 500); vCPU 1 is read by vcpu_read without cpu_read */
    sh("echo '8200000000 46000000 3500' > " T4242 "4244/schedstat\" && "
       "rm -r " T4242 "4243\" " T4242 "4246\" && mkdir " T4242 "4250\" && "
       "echo worker > " T4242 "4250/comm\" && "
       "echo '1000 500 1' > " T4242 "4250/schedstat\"");
    assert_int_equal(ops->cpu_read(p, &l.v[1], &c), 0);
    /* 1811528 + 46000000 + 34567890 + 500, + 2591561 of the dead thread */
    assert_true(c.wait_ns == 1811528u + 46000000u + 34567890u + 500u +
                                 2591561u);
    vcpus(&l.v[1], &s);
    assert_int_equal(s.nv, 2);
    assert_true(s.v[0].usage_ns == 8200000000u);
    sh("echo '7100000000 35000000 2400' > " T4242 "4245/schedstat\"");
    vcpus(&l.v[1], &s);
    assert_true(s.v[1].usage_ns == 7100000000u);
    assert_true(s.v[1].wait_ns == 35000000u);
    /* a new vCPU thread (hot-plugged) shows up */
    sh("mkdir " T4242 "4251\" && echo 'CPU 2/KVM' > " T4242 "4251/comm\" && "
       "echo '10 20 1' > " T4242 "4251/schedstat\"");
    assert_int_equal(ops->cpu_read(p, &l.v[1], &c), 0);
    vcpus(&l.v[1], &s);
    assert_int_equal(s.nv, 3);
    assert_int_equal(s.vcpu[2], 2);
    assert_true(s.v[2].wait_ns == 20);
    /* made since a whole look at task/: it started at 0; the others not */
    assert_true(s.v[2].from_zero);
    assert_false(s.v[0].from_zero || s.v[1].from_zero);
    ops->release(p, &l.v[1]);
    xg_pdomains_free(&l);
    ops->close(p);
}

extern const xg_collector xg_collector_cpu;

/* usage of domain d's vCPU dev at tick t (XG_NOVALUE: none). */
static uint64_t usage_at(const xg_ctx *ctx, size_t d, const char *dev,
                         uint32_t t)
{
    int64_t s = xg_store_find_series(&ctx->store, ctx->store_dom[d], "cpu",
                                     dev, "usage");

    if (s < 0)
        fail_msg("no usage series for %s", dev);
    return xg_store_get(&ctx->store, (uint32_t)s, t);
}

/* Issue 11: the cpu collector on 4242: vCPU 2's thread starts at tick 3
 * (hot-plugged); its series starts at 0 at the domain's first reading
 * (tick 0), so all its time is in the window. vCPU 0, there from the
 * start, is as read. */
static void test_vcpu_late_collector(void **state)
{
    xg_options o = {.platform = "qemu", .families = XG_FAM_CPU};
    xg_ctx ctx = {.opt = &o, .ops = ops};
    uint32_t sd[3];
    int gone[3] = {1, 0, 1}; /* only 4242 */
    char err[256] = "";
    void *st = NULL;

    (void)state;
    use_copy();
    ctx.plat = discover(&ctx.doms);
    assert_int_equal(ops->prepare(ctx.plat, &ctx.doms.v[1], err,
                                  sizeof(err)), 0);
    xg_store_init(&ctx.store, 8);
    for (size_t i = 0; i < 3; i++)
        sd[i] = (uint32_t)xg_store_add_domain(&ctx.store,
                                              &ctx.doms.v[i].info);
    ctx.store_dom = sd;
    ctx.gone = gone;
    assert_int_equal(xg_collector_cpu.start(&ctx, &st, err, sizeof(err)), 0);
    for (int t = 0; t < 6; t++) {
        if (t == 3)
            sh("mkdir " T4242 "4251\" && echo 'CPU 2/KVM' > " T4242
               "4251/comm\" && echo '700000 300 4' > " T4242
               "4251/schedstat\"");
        assert_int_equal(xg_store_tick(&ctx.store, (t + 1) * 1000000000LL,
                                       (t + 1) * 1000000000LL), t);
        xg_collector_cpu.sample(&ctx, st);
    }
    xg_collector_cpu.stop(&ctx, st);
    assert_int_equal(gone[1], 0);
    assert_true(usage_at(&ctx, 1, "vcpu2", 0) == 0);
    assert_true(usage_at(&ctx, 1, "vcpu2", 2) == 0); /* no hole */
    assert_true(usage_at(&ctx, 1, "vcpu2", 3) == 700000);
    assert_true(usage_at(&ctx, 1, "vcpu0", 0) == 8123456789u);
    assert_true(usage_at(&ctx, 1, "vcpu1", 0) == 7012345678u);
    xg_store_free(&ctx.store);
    ops->release(ctx.plat, &ctx.doms.v[1]);
    xg_pdomains_free(&ctx.doms);
    ops->close(ctx.plat);
}

static void test_gone(void **state)
{
    xg_pdomains l = {0};
    xg_platform *p;
    xg_cpu_counters c;
    char err[256] = "";
    seen s;

    (void)state;
    use_copy();
    p = discover(&l);
    for (size_t i = 1; i < l.n; i++)
        assert_int_equal(ops->prepare(p, &l.v[i], err, sizeof(err)), 0);
    /* pid 4242 now belongs to a process started later */
    sh("f=\"$R/proc/4242/stat\"; t=$(sed 's/ 108278 / 108999 /' \"$f\") && "
       "printf '%s\\n' \"$t\" > \"$f\""); /* in place, as /proc changes */
    assert_int_equal(ops->cpu_read(p, &l.v[1], &c), -1);
    assert_int_equal(ops->disk_read(p, &l.v[1], on_disk, &s), -1);
    assert_int_equal(ops->vcpu_read(p, &l.v[1], on_vcpu, &s), -1);
    /* 5151 became a zombie */
    sh("f=\"$R/proc/5151/stat\"; t=$(sed 's/) S 1 /) Z 1 /' \"$f\") && "
       "printf '%s\\n' \"$t\" > \"$f\"");
    assert_int_equal(ops->cpu_read(p, &l.v[2], &c), -1);
    /* 5151's stat unreadable */
    sh("echo > \"$R/proc/5151/stat\"");
    assert_int_equal(ops->cpu_read(p, &l.v[2], &c), -1);
    for (size_t i = 1; i < l.n; i++)
        ops->release(p, &l.v[i]);
    xg_pdomains_free(&l);
    ops->close(p);
}

/* changed(): /proc/loadavg's last pid, the same as at the listing means no
 * process was made since, so no new qemu; anything else (a new pid, the
 * file unreadable or odd) asks for a listing. */
static void test_changed(void **state)
{
    xg_pdomains l = {0};
    xg_platform *p;

    (void)state;
    use_copy();
    p = discover(&l);
    assert_false(ops->changed(p));
    assert_false(ops->changed(p));
    sh("echo '0.41 0.36 0.30 2/188 5160' > \"$R/proc/loadavg\"");
    assert_true(ops->changed(p));
    assert_true(ops->changed(p)); /* until the next listing */
    xg_pdomains_free(&l);
    assert_int_equal(ops->discover(p, &l, (char[64]){0}, 64), 0);
    assert_false(ops->changed(p));
    sh("echo 'garbage' > \"$R/proc/loadavg\"");
    assert_true(ops->changed(p));
    xg_pdomains_free(&l);
    ops->close(p);
    /* no /proc/loadavg at all: every look lists */
    sh("rm \"$R/proc/loadavg\"");
    p = discover(&l);
    assert_true(ops->changed(p));
    xg_pdomains_free(&l);
    ops->close(p);
}

static void test_prepare_errors(void **state)
{
    xg_pdomains l = {0};
    xg_platform *p;
    char err[256] = "";
    char key[] = "cgroup:x", name[] = "x";
    xg_pdomain other = {.info = {.key = key, .name = name}};

    (void)state;
    use_copy();
    p = discover(&l);
    assert_int_equal(ops->prepare(p, &other, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not a qemu process"));
    /* between discover and prepare, 5151 exits and 4242 gets a new uuid */
    sh("rm -r \"$R/proc/5151\" && sed -i 's/6b1c9e2a/7b1c9e2a/' "
       "\"$R/proc/4242/cmdline\"");
    assert_int_equal(ops->prepare(p, &l.v[2], err, sizeof(err)), -1);
    assert_non_null(strstr(err, "qemu domain 'vm2' (pid 5151): the process "
                            "is gone"));
    assert_int_equal(ops->prepare(p, &l.v[1], err, sizeof(err)), -1);
    assert_non_null(strstr(err, "(pid 4242): the process is gone"));
    xg_pdomains_free(&l);
    assert_int_equal(ops->discover(p, &l, err, sizeof(err)), 0);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.v[1].info.key, "qemu:7b1c9e2a-1d3f-4a8e-9c55-"
                                         "0a1b2c3d4e5f");
    xg_pdomains_free(&l);
    ops->close(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cmdline),
        cmocka_unit_test(test_parsers),
        cmocka_unit_test_teardown(test_detect, teardown),
        cmocka_unit_test_teardown(test_pick, teardown),
        cmocka_unit_test_teardown(test_discover, teardown),
        cmocka_unit_test_teardown(test_read, teardown),
        cmocka_unit_test_teardown(test_net, teardown),
        cmocka_unit_test_teardown(test_threads, teardown),
        cmocka_unit_test_teardown(test_vcpu_late_collector, teardown),
        cmocka_unit_test_teardown(test_gone, teardown),
        cmocka_unit_test_teardown(test_changed, teardown),
        cmocka_unit_test_teardown(test_prepare_errors, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_envdiff.c — the environment of a recording as the report shows it
 * (header.c's environment lines) and as envdiff compares two: stores
 * filled by hand with the meta keys environ.c writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/store.h"
#include "report/envdiff.h"
#include "report/report.h"

static void add_dom(xg_store *s, const char *key, const char *name,
                    int vcpus, bool host)
{
    xg_domain_info d = {.key = (char *)key, .name = (char *)name,
                        .platform_id = -1, .vcpus = vcpus, .is_host = host,
                        .first_tick = -1, .last_tick = -1};

    assert_true(xg_store_add_domain(s, &d) >= 0);
}

/* A recording of machine A: a 2-CPU VM on the cgroup platform. */
static void fill_a(xg_store *s)
{
    static const char *const kv[][2] = {
        {"kernel", "Linux 6.18.44 x86_64"},
        {"platform", "cgroup"},
        {"env.cpu_model", "AMD EPYC"},
        {"env.microcode", "0x1000065"},
        {"env.cpus", "2"},
        {"env.sockets", "1"},
        {"env.cores_per_socket", "2"},
        {"env.threads_per_core", "1"},
        {"env.numa_nodes", "1"},
        {"env.governor", "none"},
        {"env.boost", "unknown"},
        {"env.kernel_cmdline", "console=ttyS0 quiet"},
        {"env.cgroup", "hybrid v1+v2"},
        {"env.platform_version", "hybrid v1+v2"},
        {"env.load_1m", "0.50"},
        {"env.load_5m", "0.40"},
        {"env.load_15m", "0.30"},
        {"env.mem_total_kib", "24683664"},
        {"env.mem_available_kib", "22334832"},
        {"env.domain.cgroup:machine.slice/web.memory_kib", "2097152"},
        {"env.domain.cgroup:machine.slice/web.pinning", "0-1"},
        {"env.domain.cgroup:machine.slice/db.memory_kib", "unlimited"},
    };

    xg_store_init(s, 0);
    for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
        assert_int_equal(xg_store_meta_set(s, kv[i][0], kv[i][1]), 0);
    add_dom(s, "host", "host", 2, true);
    add_dom(s, "cgroup:machine.slice/web", "web", 0, false);
    add_dom(s, "cgroup:machine.slice/db", "db", 0, false);
}

static size_t diff(const xg_store *a, const xg_store *b, char ***l)
{
    size_t n = 99;

    assert_int_equal(xg_env_diff(a, b, l, &n), 0);
    return n;
}

static void test_identical(void **state)
{
    xg_store a, b;
    char **l;

    (void)state;
    fill_a(&a);
    fill_a(&b);
    assert_int_equal(diff(&a, &b, &l), 0);
    assert_null(l);
    xg_store_free(&a);
    xg_store_free(&b);
}

static void test_differences(void **state)
{
    static const char *const want[] = {
        "CPU model: A AMD EPYC, B Intel(R) Xeon(R) Silver 4110",
        "threads per core (SMT): A 1, B 2",
        "NUMA nodes: A 1, B 2",
        "frequency governor: A none, B performance",
        "boost: A unknown, B on",
        "kernel: A Linux 6.18.44 x86_64, B Linux 6.1.0 x86_64",
        "kernel command line: A console=ttyS0 quiet, B console=ttyS0 "
        "quiet isolcpus=1",
        "platform: A cgroup, B qemu",
        "platform version: A hybrid v1+v2, B not recorded",
        "cgroup mode: A hybrid v1+v2, B cgroup v2",
        "domain web: vCPUs: A 2, B 4",
        "domain web: memory KiB: A 2097152, B 4194304",
        "domain web: CPU pinning: A 0-1, B 1",
        "domain web: hypervisor version: A not recorded, B QEMU 7.2.0",
        "host load at start (1 min): A 0.50, B 1.60 (0.25 and 0.80 per "
        "CPU, more than 0.25 apart)",
    };
    xg_store a, b;
    char **l;
    size_t n;

    (void)state;
    fill_a(&a);
    fill_a(&b);
    a.domains[1].vcpus = 2;
    b.domains[1].vcpus = 4;
    a.domains[2].vcpus = 1; /* db: B's vCPUs unknown, no line */
    xg_store_meta_set(&b, "env.cpu_model", "Intel(R) Xeon(R) Silver 4110");
    xg_store_meta_set(&b, "env.threads_per_core", "2");
    xg_store_meta_set(&b, "env.numa_nodes", "2");
    xg_store_meta_set(&b, "env.governor", "performance");
    xg_store_meta_set(&b, "env.boost", "on");
    xg_store_meta_set(&b, "kernel", "Linux 6.1.0 x86_64");
    xg_store_meta_set(&b, "env.kernel_cmdline", "console=ttyS0 quiet isolcpus=1");
    xg_store_meta_set(&b, "platform", "qemu");
    xg_store_meta_del(&b, "env.platform_version");
    xg_store_meta_set(&b, "env.cgroup", "cgroup v2");
    xg_store_meta_set(&b, "env.domain.cgroup:machine.slice/web.memory_kib",
                      "4194304");
    xg_store_meta_set(&b, "env.domain.cgroup:machine.slice/web.pinning", "1");
    xg_store_meta_set(&b, "env.domain.cgroup:machine.slice/web.version",
                      "QEMU 7.2.0");
    xg_store_meta_set(&b, "env.load_1m", "1.60");
    n = diff(&a, &b, &l);
    for (size_t i = 0; i < n; i++)
        printf("  %s\n", l[i]);
    assert_int_equal(n, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < n; i++)
        assert_string_equal(l[i], want[i]);
    xg_env_diff_free(l, n);
    xg_store_free(&a);
    xg_store_free(&b);
}

/* The load rule is per CPU: 0.5 on 2 CPUs and 4.0 on 16 are the same. */
static void test_load_per_cpu(void **state)
{
    xg_store a, b;
    char **l;

    (void)state;
    fill_a(&a);
    fill_a(&b);
    xg_store_meta_set(&b, "env.cpus", "16");
    xg_store_meta_set(&b, "env.load_1m", "4.0");
    assert_int_equal(diff(&a, &b, &l), 1); /* online CPUs only */
    assert_string_equal(l[0], "online CPUs: A 2, B 16");
    xg_env_diff_free(l, 1);
    xg_store_meta_set(&b, "env.load_1m", "12.1"); /* 0.76 per CPU */
    assert_int_equal(diff(&a, &b, &l), 2);
    assert_non_null(strstr(l[1], "host load at start (1 min): A 0.50, B 12.1"));
    xg_env_diff_free(l, 2);
    xg_store_free(&a);
    xg_store_free(&b);
}

/* A recording made before env.* existed: one line, nothing compared. */
static void test_not_recorded(void **state)
{
    xg_store a, b;
    char **l;

    (void)state;
    fill_a(&a);
    xg_store_init(&b, 0);
    xg_store_meta_set(&b, "kernel", "Linux 5.10 x86_64");
    assert_int_equal(diff(&a, &b, &l), 1);
    assert_non_null(strstr(l[0], "the environment of B was not recorded"));
    xg_env_diff_free(l, 1);
    assert_int_equal(diff(&b, &a, &l), 1);
    assert_non_null(strstr(l[0], "the environment of A was not recorded"));
    xg_env_diff_free(l, 1);
    assert_int_equal(diff(&b, &b, &l), 2);
    xg_env_diff_free(l, 2);
    xg_store_free(&a);
    xg_store_free(&b);
}

static char *text_of(const xg_store *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    xg_report_opts o = {XG_FMT_TEXT, false};

    assert_non_null(f);
    assert_int_equal(xg_report_write(s, &o, f), 0);
    fclose(f);
    return buf;
}

static void test_header_lines(void **state)
{
    xg_store a;
    char *t;

    (void)state;
    fill_a(&a);
    t = text_of(&a);
    assert_non_null(strstr(t, "kernel: Linux 6.18.44 x86_64\n"
        "environment: AMD EPYC, 1 socket x 2 cores x 1 thread, 1 NUMA node, "
        "governor none, boost unknown, microcode 0x1000065\n"
        "kernel command line: console=ttyS0 quiet\n"
        "load at start: 0.50 0.40 0.30, 21.3 GiB available of 23.5 GiB\n"
        "platform version: cgroup hybrid v1+v2\n"
        "cgroup mode: hybrid v1+v2\n"
        "domain web: memory 2.0 GiB, CPUs 0-1\n"
        "domain db: memory unlimited\n"
        "tool: "));
    free(t);
    /* a version that names its platform is not preceded by it again */
    xg_store_meta_set(&a, "platform", "libvirt");
    xg_store_meta_set(&a, "env.platform_version", "libvirt 9.0.0, QEMU 7.2.22");
    t = text_of(&a);
    assert_non_null(strstr(t, "\nplatform version: libvirt 9.0.0, QEMU 7.2.22\n"));
    free(t);
    xg_store_free(&a);
}

/* Without env.* keys the header is as before: no line of them. */
static void test_header_without(void **state)
{
    xg_store s;
    char *t;

    (void)state;
    xg_store_init(&s, 0);
    xg_store_meta_set(&s, "kernel", "Linux 5.10 x86_64");
    t = text_of(&s);
    assert_non_null(strstr(t, "kernel: Linux 5.10 x86_64\ntool: "));
    assert_null(strstr(t, "environment"));
    free(t);
    xg_store_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identical),
        cmocka_unit_test(test_differences),
        cmocka_unit_test(test_load_per_cpu),
        cmocka_unit_test(test_not_recorded),
        cmocka_unit_test(test_header_lines),
        cmocka_unit_test(test_header_without),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

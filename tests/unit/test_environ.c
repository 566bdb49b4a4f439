/* test_environ.c — the environment a run records (experiment/environ.c) on
 * the fixture trees tests/fixtures/env/a (this project's VM, real files)
 * and env/b (a two-socket SMT host with two NUMA nodes, cpufreq and pure
 * cgroup2, hand-written in the kernel's formats), an empty root, and the
 * cgroup platform's version and domain_env on copies of both. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "experiment/environ.h"
#include "platform/platform.h"
#include "util/root.h"

extern const xg_platform_ops xg_platform_cgroup;

static char root[4096];

static const char *fixtures(void)
{
    const char *f = getenv("XG_FIXTURES");
    return f && *f ? f : "tests/fixtures";
}

/* A scratch copy of env/<sub> (or an empty tree when sub is NULL), made
 * the root: the cgroup platform keeps its blkio record under the root. */
static void use_copy(const char *sub)
{
    char cmd[8400];

    snprintf(root, sizeof(root), "/tmp/xg-test-environ-XXXXXX");
    assert_non_null(mkdtemp(root));
    if (sub) {
        snprintf(cmd, sizeof(cmd), "cp -a '%s/env/%s/.' '%s/'", fixtures(),
                 sub, root);
        assert_int_equal(system(cmd), 0);
    }
    xg_root_set(root);
}

static int teardown(void **state)
{
    char cmd[4200];

    (void)state;
    if (strncmp(root, "/tmp/xg-test-environ-", 21) == 0) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        assert_int_equal(system(cmd), 0);
    }
    root[0] = '\0';
    xg_root_set(NULL);
    return 0;
}

/* Word n (0-based) of the first line of root/rel starting with prefix
 * ("" for the first line), read with stdio; "" when there is none. */
static const char *fx_word(const char *rel, const char *prefix, int n)
{
    static char w[4096];
    char path[8400], line[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", root, rel);
    assert_non_null(f = fopen(path, "r"));
    w[0] = '\0';
    while (fgets(line, sizeof(line), f)) {
        char *tok, *save = NULL;
        if (strncmp(line, prefix, strlen(prefix)) != 0)
            continue;
        line[strcspn(line, "\n")] = '\0';
        if (n < 0) { /* the whole line */
            snprintf(w, sizeof(w), "%s", line);
            break;
        }
        tok = strtok_r(line, " \t", &save);
        for (int i = 0; tok && i < n; i++)
            tok = strtok_r(NULL, " \t", &save);
        snprintf(w, sizeof(w), "%s", tok ? tok : "");
        break;
    }
    fclose(f);
    return w;
}

static void assert_meta(const xg_store *s, const char *key, const char *want)
{
    const char *v = xg_store_meta_get(s, key);

    if (!v || strcmp(v, want) != 0)
        fail_msg("%s: got '%s', want '%s'", key, v ? v : "(absent)", want);
}

static size_t n_env(const xg_store *s)
{
    size_t n = 0;

    for (size_t i = 0; i < s->n_meta; i++)
        n += strncmp(s->meta[i].key, "env.", 4) == 0;
    return n;
}

/* What both trees have read the same way: the kernel's own files. */
static void common_facts(const xg_store *s)
{
    char load[3][32];

    assert_meta(s, "env.kernel_cmdline", fx_word("proc/cmdline", "", -1));
    for (int i = 0; i < 3; i++)
        snprintf(load[i], sizeof(load[i]), "%s",
                 fx_word("proc/loadavg", "", i));
    assert_meta(s, "env.load_1m", load[0]);
    assert_meta(s, "env.load_5m", load[1]);
    assert_meta(s, "env.load_15m", load[2]);
    assert_meta(s, "env.mem_total_kib", fx_word("proc/meminfo", "MemTotal:", 1));
    assert_meta(s, "env.mem_free_kib", fx_word("proc/meminfo", "MemFree:", 1));
    assert_meta(s, "env.mem_available_kib",
                fx_word("proc/meminfo", "MemAvailable:", 1));
}

static void test_host_vm(void **state)
{
    xg_store s;

    (void)state;
    use_copy("a");
    xg_store_init(&s, 0);
    xg_environ_host(&s);
    assert_meta(&s, "env.cpu_model", "AMD EPYC");
    assert_meta(&s, "env.microcode", "0x1000065");
    assert_meta(&s, "env.cpus", "2");
    assert_meta(&s, "env.sockets", "1");
    assert_meta(&s, "env.cores_per_socket", "2");
    assert_meta(&s, "env.threads_per_core", "1");
    assert_meta(&s, "env.numa_nodes", "1");
    assert_meta(&s, "env.governor", "none");   /* no cpu0/cpufreq */
    assert_meta(&s, "env.boost", "unknown");   /* neither file */
    assert_meta(&s, "env.cgroup", "hybrid v1+v2");
    common_facts(&s);
    xg_store_free(&s);
}

static void test_host_smt_numa(void **state)
{
    xg_store s;

    (void)state;
    use_copy("b");
    xg_store_init(&s, 0);
    xg_environ_host(&s);
    assert_meta(&s, "env.cpu_model",
                "Intel(R) Xeon(R) Silver 4110 CPU @ 2.10GHz");
    assert_meta(&s, "env.microcode", "0x2006e05");
    assert_meta(&s, "env.cpus", "16");
    assert_meta(&s, "env.sockets", "2");
    assert_meta(&s, "env.cores_per_socket", "4");
    assert_meta(&s, "env.threads_per_core", "2");
    assert_meta(&s, "env.numa_nodes", "2");
    assert_meta(&s, "env.governor", "powersave");
    assert_meta(&s, "env.boost", "off");       /* intel_pstate/no_turbo 1 */
    assert_meta(&s, "env.cgroup", "cgroup v2");
    common_facts(&s);
    xg_store_free(&s);
}

/* cpufreq/boost wins over intel_pstate; a bad CPU list gives no topology. */
static void test_host_boost_and_bad_list(void **state)
{
    xg_store s;
    char cmd[8400];

    (void)state;
    use_copy("b");
    snprintf(cmd, sizeof(cmd), "R='%s'; mkdir -p $R/sys/devices/system/cpu/"
             "cpufreq && echo 1 > $R/sys/devices/system/cpu/cpufreq/boost && "
             "echo 0-x > $R/sys/devices/system/cpu/online", root);
    assert_int_equal(system(cmd), 0);
    xg_store_init(&s, 0);
    xg_environ_host(&s);
    assert_meta(&s, "env.boost", "on");
    assert_null(xg_store_meta_get(&s, "env.cpus"));
    assert_null(xg_store_meta_get(&s, "env.sockets"));
    assert_null(xg_store_meta_get(&s, "env.threads_per_core"));
    assert_meta(&s, "env.numa_nodes", "2");
    xg_store_free(&s);
}

/* A root with nothing in it: nothing is written, nothing guessed. */
static void test_host_empty(void **state)
{
    xg_store s;

    (void)state;
    use_copy(NULL);
    xg_store_init(&s, 0);
    xg_environ_host(&s);
    assert_int_equal(n_env(&s), 0);
    xg_store_free(&s);
}

static xg_pdomain dom(const char *key, const char *name, bool host)
{
    xg_pdomain d;

    memset(&d, 0, sizeof(d));
    d.info.key = (char *)key;
    d.info.name = (char *)name;
    d.info.is_host = host;
    d.info.platform_id = -1;
    return d;
}

/* The cgroup platform's version and domain_env, as environ writes them. */
static void platform_facts(const char *sub, xg_store *s)
{
    const xg_platform_ops *ops = &xg_platform_cgroup;
    xg_options o;
    char err[1024] = "";
    xg_platform *p;
    xg_pdomain v[3] = {dom("host", "host", true),
                       dom("cgroup:machine.slice/xg-fix-a", "xg-fix-a", false),
                       dom("cgroup:machine.slice/xg-fix-b", "xg-fix-b", false)};
    xg_pdomains l = {v, 3, 3};

    use_copy(sub);
    memset(&o, 0, sizeof(o));
    o.root = root;
    o.platform = "cgroup";
    o.no_blkio_enable = true;
    if (!(p = ops->open(&o, err, sizeof(err))))
        fail_msg("open: %s", err);
    xg_store_init(s, 0);
    xg_environ_platform(s, ops, p, &l);
    ops->close(p);
}

static void test_cgroup_v1(void **state)
{
    xg_store s;
    char want[64];

    (void)state;
    platform_facts("a", &s);
    assert_meta(&s, "env.platform_version", "hybrid v1+v2");
    snprintf(want, sizeof(want), "%llu",
             strtoull(fx_word("sys/fs/cgroup/memory/machine.slice/xg-fix-a/"
                              "memory.limit_in_bytes", "", 0), NULL, 10) /
                 1024);
    assert_meta(&s, "env.domain.cgroup:machine.slice/xg-fix-a.memory_kib",
                want);
    assert_meta(&s, "env.domain.cgroup:machine.slice/xg-fix-a.pinning",
                fx_word("sys/fs/cgroup/cpuset/machine.slice/xg-fix-a/"
                        "cpuset.effective_cpus", "", 0));
    /* v1's no-limit value, and no cpuset directory */
    assert_meta(&s, "env.domain.cgroup:machine.slice/xg-fix-b.memory_kib",
                "unlimited");
    assert_null(xg_store_meta_get(
        &s, "env.domain.cgroup:machine.slice/xg-fix-b.pinning"));
    assert_null(xg_store_meta_get(&s, "env.domain.host.memory_kib"));
    xg_store_free(&s);
}

static void test_cgroup_v2(void **state)
{
    xg_store s;

    (void)state;
    platform_facts("b", &s);
    assert_meta(&s, "env.platform_version", "cgroup v2");
    assert_meta(&s, "env.domain.cgroup:machine.slice/xg-fix-a.memory_kib",
                "unlimited"); /* memory.max "max" */
    assert_meta(&s, "env.domain.cgroup:machine.slice/xg-fix-a.pinning",
                "4-7,12-15");
    /* no directory: nothing said of it */
    assert_null(xg_store_meta_get(
        &s, "env.domain.cgroup:machine.slice/xg-fix-b.memory_kib"));
    assert_null(xg_store_meta_get(
        &s, "env.domain.cgroup:machine.slice/xg-fix-b.pinning"));
    xg_store_free(&s);
}

/* A platform without the ops: no env.platform_version, no domain keys. */
static void test_platform_silent(void **state)
{
    xg_platform_ops ops;
    xg_pdomain v[1] = {dom("qemu:1", "vm", false)};
    xg_pdomains l = {v, 1, 1};
    xg_store s;

    (void)state;
    memset(&ops, 0, sizeof(ops));
    ops.name = "none";
    xg_store_init(&s, 0);
    xg_environ_platform(&s, &ops, NULL, &l);
    assert_int_equal(n_env(&s), 0);
    xg_store_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_host_vm, teardown),
        cmocka_unit_test_teardown(test_host_smt_numa, teardown),
        cmocka_unit_test_teardown(test_host_boost_and_bad_list, teardown),
        cmocka_unit_test_teardown(test_host_empty, teardown),
        cmocka_unit_test_teardown(test_cgroup_v1, teardown),
        cmocka_unit_test_teardown(test_cgroup_v2, teardown),
        cmocka_unit_test_teardown(test_platform_silent, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

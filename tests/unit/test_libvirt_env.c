/* test_libvirt_env.c — the libvirt platform's domain_env over libvirt
 * itself, on its test driver (test:///default: a process-wide domain
 * "test", no daemon): the memory and pinning it records are those libvirt
 * says (virDomainGetInfo, virDomainGetVcpuPinInfo), before and after this
 * test changes them (virDomainSetMemory, virDomainPinVcpu on a connection
 * of its own: the test driver's default state is shared by every
 * connection of the process). Built only with libvirt-dev. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libvirt/libvirt.h>

#include "core/options.h"
#include "platform/platform.h"

#define URI "test:///default"

typedef struct env_run {
    const xg_platform_ops *ops;
    xg_platform *p;
    xg_pdomains l;
    xg_pdomain *d;     /* the domain "test" */
} env_run;

/* Opens the platform on URI and prepares the domain "test". */
static void open_run(env_run *r, xg_options *o)
{
    char err[512] = "";

    memset(r, 0, sizeof(*r));
    assert_non_null(r->ops = xg_platform_pick("libvirt", err, sizeof(err)));
    assert_non_null(r->ops->domain_env);
    xg_options_defaults(o);
    o->connect_uri = URI;
    r->p = r->ops->open(o, err, sizeof(err));
    if (!r->p)
        fail_msg("open: %s", err);
    assert_int_equal(r->ops->discover(r->p, &r->l, err, sizeof(err)), 0);
    for (size_t i = 0; i < r->l.n; i++) {
        assert_int_equal(r->ops->prepare(r->p, &r->l.v[i], err, sizeof(err)),
                         0);
        if (r->l.v[i].info.name && strcmp(r->l.v[i].info.name, "test") == 0)
            r->d = &r->l.v[i];
    }
    assert_non_null(r->d);
}

static void close_run(env_run *r)
{
    for (size_t i = 0; i < r->l.n; i++)
        r->ops->release(r->p, &r->l.v[i]);
    r->ops->close(r->p);
    xg_pdomains_free(&r->l);
}

static void get_env(xg_domain_env *e)
{
    xg_options o;
    env_run r;

    open_run(&r, &o);
    memset(e, 0, sizeof(*e));
    assert_int_equal(r.ops->domain_env(r.p, r.d, e), 0);
    assert_int_equal(r.ops->domain_env(r.p, &r.l.v[0], e), -1); /* host */
    close_run(&r);
}

/* The CPU list of libvirt's own union of the vCPUs' maps, built here one
 * CPU at a time ("0,1,2,5"), and the platform's list expanded the same
 * way, so the two are compared CPU by CPU. */
static void expand(const char *list, char *out, size_t len)
{
    size_t off = 0;

    out[0] = '\0';
    while (*list) {
        char *end;
        long a = strtol(list, &end, 10), b = a;
        if (*end == '-')
            b = strtol(end + 1, &end, 10);
        for (long c = a; c <= b; c++) {
            int w = snprintf(out + off, len - off, "%s%ld", off ? "," : "",
                             c);
            assert_true(w > 0 && (size_t)w < len - off);
            off += (size_t)w;
        }
        list = *end == ',' ? end + 1 : end;
        assert_true(end != list || !*end);
    }
}

static void libvirt_pinning(virDomainPtr d, int ncpus, int nvcpu, char *out,
                            size_t len)
{
    int maplen = VIR_CPU_MAPLEN(ncpus);
    unsigned char *maps = calloc((size_t)nvcpu, (size_t)maplen);
    size_t off = 0;
    int n;

    assert_non_null(maps);
    n = virDomainGetVcpuPinInfo(d, nvcpu, maps, maplen,
                                VIR_DOMAIN_AFFECT_CURRENT);
    assert_int_equal(n, nvcpu);
    out[0] = '\0';
    for (int c = 0; c < ncpus; c++) {
        bool any = false;
        for (int v = 0; v < n; v++)
            any |= VIR_CPU_USABLE(maps, maplen, v, c) != 0;
        if (any) {
            int w = snprintf(out + off, len - off, "%s%d", off ? "," : "", c);
            assert_true(w > 0 && (size_t)w < len - off);
            off += (size_t)w;
        }
    }
    free(maps);
}

static void pin(virDomainPtr d, unsigned vcpu, int ncpus, const int *cpus,
                size_t n)
{
    unsigned char map[64] = {0};

    assert_true(VIR_CPU_MAPLEN(ncpus) <= (int)sizeof(map));
    for (size_t i = 0; i < n; i++)
        VIR_USE_CPU(map, cpus[i]);
    assert_int_equal(virDomainPinVcpu(d, vcpu, map, VIR_CPU_MAPLEN(ncpus)),
                     0);
}

/* What the platform records is what libvirt says, as it is now. */
static void check_against_libvirt(virDomainPtr d, int ncpus)
{
    virDomainInfo info;
    xg_domain_env e;
    char want[4096], got[4096];

    assert_int_equal(virDomainGetInfo(d, &info), 0);
    libvirt_pinning(d, ncpus, (int)info.nrVirtCpu, want, sizeof(want));
    get_env(&e);
    assert_int_equal(e.memory_kib, info.memory);
    expand(e.pinning, got, sizeof(got));
    assert_string_equal(got, want);
    assert_string_equal(e.version, "");
}

static void test_test_driver(void **state)
{
    virConnectPtr c = virConnectOpen(URI);
    virDomainPtr d;
    virDomainInfo info;
    xg_domain_env e;
    int ncpus;
    char full[32];

    (void)state;
    assert_non_null(c);
    assert_non_null(d = virDomainLookupByName(c, "test"));
    assert_true((ncpus = virNodeGetCPUMap(c, NULL, NULL, 0)) >= 6);
    assert_int_equal(virDomainGetInfo(d, &info), 0);
    assert_true(info.nrVirtCpu >= 2);
    /* as the test driver starts: every CPU allowed, the full list */
    check_against_libvirt(d, ncpus);
    get_env(&e);
    snprintf(full, sizeof(full), "0-%d", ncpus - 1);
    assert_string_equal(e.pinning, full);
    /* changed: half the memory, vCPU 0 on CPUs 0-2, vCPU 1 on 5 */
    assert_int_equal(virDomainSetMemory(d, info.memory / 2), 0);
    pin(d, 0, ncpus, (const int[]){0, 1, 2}, 3);
    pin(d, 1, ncpus, (const int[]){5}, 1);
    check_against_libvirt(d, ncpus);
    get_env(&e);
    assert_int_equal(e.memory_kib, info.memory / 2);
    assert_string_equal(e.pinning, "0-2,5");
    /* both on CPU 3 */
    pin(d, 0, ncpus, (const int[]){3}, 1);
    pin(d, 1, ncpus, (const int[]){3}, 1);
    get_env(&e);
    assert_string_equal(e.pinning, "3");
    virDomainFree(d);
    virConnectClose(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_test_driver),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

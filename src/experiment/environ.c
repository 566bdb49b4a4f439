/* environ.c — records the environment a run measured in (environ.h): what
 * can change the figures without being part of the workload, so that a
 * report shows it and `compare` can say why two recordings may differ.
 * Read once at the start of a run through --root, so the fixture trees of
 * tests/fixtures/env can stand for other machines. One fact per meta key;
 * nothing is written for a fact this host or platform does not give. */
#include "experiment/environ.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "platform/host.h"
#include "util/root.h"

#define ENV_MAXCPU 65536u
#define SYSCPU "/sys/devices/system/cpu"

static void set_u64(xg_store *s, const char *key, uint64_t v)
{
    char b[32];

    snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
    xg_store_meta_set(s, key, b);
}

/* root + path read whole into buf, its first line trimmed of blanks at
 * the end; -1 when absent, empty or too long for buf. */
static int read_line(const char *path, char *buf, size_t len)
{
    ssize_t r = xg_read_text(path, buf, len);
    size_t n;

    if (r <= 0 || (size_t)r >= len - 1)
        return -1;
    buf[strcspn(buf, "\n")] = '\0';
    n = strlen(buf);
    while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
        buf[--n] = '\0';
    return n ? 0 : -1;
}

static bool root_exists(const char *path)
{
    char full[4096];
    struct stat st;

    return xg_root_path(full, sizeof(full), path) && stat(full, &st) == 0;
}

/* The CPUs of a kernel CPU list ("0-3,8,10-11") into a malloc'd array
 * (ascending as written); their count, or -1 when malformed. */
static long cpulist(const char *s, unsigned **out)
{
    unsigned *v = NULL;
    size_t n = 0;

    *out = NULL;
    while (*s && *s != '\n') {
        uint64_t a, b;
        const char *q = xg_parse_u64(s, &a);
        if (!q)
            goto bad;
        b = a;
        if (*q == '-' && !(q = xg_parse_u64(q + 1, &b)))
            goto bad;
        if (b < a || b >= ENV_MAXCPU || n + (b - a + 1) > ENV_MAXCPU)
            goto bad;
        unsigned *nv = realloc(v, (n + (size_t)(b - a + 1)) * sizeof(*v));
        if (!nv)
            goto bad;
        v = nv;
        for (uint64_t c = a; c <= b; c++)
            v[n++] = (unsigned)c;
        if (*q == ',')
            s = q + 1;
        else if (!*q || *q == '\n')
            s = q;
        else
            goto bad;
    }
    *out = v;
    return (long)n;
bad:
    free(v);
    return -1;
}

/* The value of "key<blanks>: value" in the first block of /proc/cpuinfo
 * text, into buf; -1 when absent. */
static int cpuinfo_field(const char *text, const char *key, char *buf,
                         size_t len)
{
    size_t kl = strlen(key);

    for (const char *l = text; l && *l && *l != '\n';) {
        const char *c = strchr(l, ':'), *nl = strchr(l, '\n');
        if (!nl)
            nl = l + strlen(l);
        if (strncmp(l, key, kl) == 0 && c && c < nl &&
            strspn(l + kl, " \t") == (size_t)(c - l - (ptrdiff_t)kl)) {
            size_t n;
            c++;
            c += strspn(c, " \t");
            n = (size_t)(nl - c);
            if (!n || n >= len)
                return -1;
            memcpy(buf, c, n);
            buf[n] = '\0';
            return 0;
        }
        l = *nl ? nl + 1 : NULL;
    }
    return -1;
}

static void cpu_model(xg_store *s)
{
    static const char *const names[] = {"model name", "cpu model",
                                        "Processor", "cpu"};
    char *text = malloc(1 << 16), v[256];

    if (!text || xg_read_text("/proc/cpuinfo", text, 1 << 16) <= 0) {
        free(text);
        return;
    }
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (cpuinfo_field(text, names[i], v, sizeof(v)) == 0) {
            xg_store_meta_set(s, "env.cpu_model", v);
            break;
        }
    if (cpuinfo_field(text, "microcode", v, sizeof(v)) == 0)
        xg_store_meta_set(s, "env.microcode", v);
    free(text);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* Distinct values of v[0..n), sorted in place. */
static size_t distinct(uint64_t *v, size_t n)
{
    size_t k = 0;

    qsort(v, n, sizeof(*v), cmp_u64);
    for (size_t i = 0; i < n; i++)
        k += i == 0 || v[i] != v[i - 1];
    return k;
}

/* One number of cpuN/topology; -1 when absent. */
static int topo_num(unsigned cpu, const char *file, uint64_t *out)
{
    char path[128], b[32];

    snprintf(path, sizeof(path), SYSCPU "/cpu%u/topology/%s", cpu, file);
    return read_line(path, b, sizeof(b)) == 0 && xg_parse_u64(b, out) ? 0
                                                                       : -1;
}

/* Sockets, cores and threads of the online CPUs (sysfs topology). */
static void topology(xg_store *s)
{
    char b[4096];
    unsigned *cpu;
    long n;
    uint64_t *pkg = NULL, *core = NULL;
    size_t ok = 0, np, nc;

    if (read_line(SYSCPU "/online", b, sizeof(b)) < 0 ||
        (n = cpulist(b, &cpu)) <= 0)
        return;
    set_u64(s, "env.cpus", (uint64_t)n);
    pkg = malloc((size_t)n * sizeof(*pkg));
    core = malloc((size_t)n * sizeof(*core));
    for (long i = 0; pkg && core && i < n; i++) {
        uint64_t p, c;
        if (topo_num(cpu[i], "physical_package_id", &p) < 0 ||
            topo_num(cpu[i], "core_id", &c) < 0 || p > UINT32_MAX ||
            c > UINT32_MAX)
            break;
        pkg[ok] = p;
        core[ok++] = p << 32 | c;
    }
    if (ok == (size_t)n) {
        np = distinct(pkg, ok);
        nc = distinct(core, ok);
        set_u64(s, "env.sockets", np);
        if (nc % np == 0)
            set_u64(s, "env.cores_per_socket", nc / np);
        if (ok % nc == 0)
            set_u64(s, "env.threads_per_core", ok / nc);
    }
    free(pkg);
    free(core);
    free(cpu);
}

/* NUMA nodes online; 1 when the kernel has no NUMA (no node directory). */
static void numa(xg_store *s)
{
    char b[4096];
    unsigned *v = NULL;
    long n = -1;

    if (read_line("/sys/devices/system/node/online", b, sizeof(b)) == 0)
        n = cpulist(b, &v);
    free(v);
    if (n > 0)
        set_u64(s, "env.numa_nodes", (uint64_t)n);
    else if (!root_exists("/sys/devices/system/node") && root_exists(SYSCPU))
        set_u64(s, "env.numa_nodes", 1);
}

/* env.governor: cpu0's scaling governor, "none" without cpufreq; env.boost
 * "on" / "off" from cpufreq/boost or intel_pstate/no_turbo, else
 * "unknown". */
static void frequency(xg_store *s)
{
    char b[64];

    if (read_line(SYSCPU "/cpu0/cpufreq/scaling_governor", b, sizeof(b)) ==
        0)
        xg_store_meta_set(s, "env.governor", b);
    else if (root_exists(SYSCPU "/cpu0") &&
             !root_exists(SYSCPU "/cpu0/cpufreq"))
        xg_store_meta_set(s, "env.governor", "none");
    if (read_line(SYSCPU "/cpufreq/boost", b, sizeof(b)) == 0)
        xg_store_meta_set(s, "env.boost", strcmp(b, "0") ? "on" : "off");
    else if (read_line(SYSCPU "/intel_pstate/no_turbo", b, sizeof(b)) == 0)
        xg_store_meta_set(s, "env.boost", strcmp(b, "0") ? "off" : "on");
    else if (root_exists(SYSCPU))
        xg_store_meta_set(s, "env.boost", "unknown");
}

static void load_and_memory(xg_store *s)
{
    static const char *const lk[3] = {"env.load_1m", "env.load_5m",
                                      "env.load_15m"};
    static const char *const mk[3][2] = {
        {"MemTotal:", "env.mem_total_kib"},
        {"MemFree:", "env.mem_free_kib"},
        {"MemAvailable:", "env.mem_available_kib"}};
    char b[4096], w[32];
    const char *p = b;
    uint64_t v;

    if (read_line("/proc/loadavg", b, sizeof(b)) == 0)
        for (int i = 0; i < 3; i++) {
            size_t n = strcspn(p += strspn(p, " "), " ");
            if (!n || n >= sizeof(w))
                break;
            memcpy(w, p, n);
            w[n] = '\0';
            xg_store_meta_set(s, lk[i], w);
            p += n;
        }
    if (xg_read_text("/proc/meminfo", b, sizeof(b)) > 0)
        for (int i = 0; i < 3; i++)
            if (xg_kv_u64(b, mk[i][0], &v) == 0)
                set_u64(s, mk[i][1], v);
}

void xg_environ_host(xg_store *s)
{
    char *b = malloc(1 << 16);
    const char *mode;

    cpu_model(s);
    topology(s);
    numa(s);
    frequency(s);
    if (b && read_line("/proc/cmdline", b, 1 << 16) == 0)
        xg_store_meta_set(s, "env.kernel_cmdline", b);
    free(b);
    if ((mode = xg_cgroup_mode()))
        xg_store_meta_set(s, "env.cgroup", mode);
    load_and_memory(s);
}

/* Sets env.domain.<key>.<what>; keys are as long as the domain's. */
static void set_dom(xg_store *s, const char *dkey, const char *what,
                    const char *value)
{
    size_t n = strlen(dkey) + strlen(what) + 16;
    char *k = malloc(n);

    if (k && (size_t)snprintf(k, n, "env.domain.%s.%s", dkey, what) < n)
        xg_store_meta_set(s, k, value);
    free(k);
}

void xg_environ_platform(xg_store *s, const xg_platform_ops *ops,
                         xg_platform *p, xg_pdomains *doms)
{
    const char *v = ops->version ? ops->version(p) : NULL;

    if (v && *v)
        xg_store_meta_set(s, "env.platform_version", v);
    for (size_t i = 0; ops->domain_env && i < doms->n; i++) {
        xg_pdomain *d = &doms->v[i];
        xg_domain_env e;
        char b[32];
        memset(&e, 0, sizeof(e));
        if (d->info.is_host || !d->info.key || ops->domain_env(p, d, &e) < 0)
            continue;
        if (e.memory_kib == XG_ENV_UNLIMITED)
            set_dom(s, d->info.key, "memory_kib", "unlimited");
        else if (e.memory_kib) {
            snprintf(b, sizeof(b), "%llu", (unsigned long long)e.memory_kib);
            set_dom(s, d->info.key, "memory_kib", b);
        }
        if (e.pinning[0])
            set_dom(s, d->info.key, "pinning", e.pinning);
        if (e.version[0])
            set_dom(s, d->info.key, "version", e.version);
    }
}

void xg_environ_record(xg_ctx *ctx)
{
    xg_environ_host(&ctx->store);
    xg_environ_platform(&ctx->store, ctx->ops, ctx->plat, &ctx->doms);
}

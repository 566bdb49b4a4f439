/* envdiff.c — the environments of two recordings compared (envdiff.h):
 * every env.* fact that differs, as one line naming both values. */
#include "report/envdiff.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"

static void add(xg_lines *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A line of l (an allocation failure is remembered in l->oom). */
static void add(xg_lines *l, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    (void)xg_lines_vaddf(l, fmt, ap);
    va_end(ap);
}

static bool has_env(const xg_store *s)
{
    for (size_t i = 0; i < s->n_meta; i++)
        if (s->meta[i].key && strncmp(s->meta[i].key, "env.", 4) == 0)
            return true;
    return false;
}

static const char *or_none(const char *v)
{
    return v ? v : "not recorded";
}

/* A line when the two values differ (absent counts as a value). */
static void cmp_vals(xg_lines *l, const char *label, const char *va,
                     const char *vb)
{
    if ((!va && !vb) || (va && vb && strcmp(va, vb) == 0))
        return;
    add(l, "%s: A %s, B %s", label, or_none(va), or_none(vb));
}

static void cmp_key(xg_lines *l, const xg_store *a, const xg_store *b,
                    const char *key, const char *label)
{
    cmp_vals(l, label, xg_store_meta_get(a, key), xg_store_meta_get(b, key));
}

static const char *dom_meta(const xg_store *s, const xg_domain_info *d,
                            const char *what)
{
    char *k = xg_strfmt("env.domain.%s.%s", d->key, what);
    const char *v = k ? xg_store_meta_get(s, k) : NULL;

    free(k);
    return v;
}

static const xg_domain_info *by_name(const xg_store *s, const char *name)
{
    for (size_t i = 0; i < s->n_domains; i++)
        if (!s->domains[i].is_host && s->domains[i].name &&
            strcmp(s->domains[i].name, name) == 0)
            return &s->domains[i];
    return NULL;
}

static void cmp_domains(xg_lines *l, const xg_store *a, const xg_store *b)
{
    static const char *const what[3] = {"memory_kib", "pinning", "version"};
    static const char *const label[3] = {"memory KiB", "CPU pinning",
                                         "hypervisor version"};

    for (size_t i = 0; i < a->n_domains; i++) {
        const xg_domain_info *da = &a->domains[i], *db;
        if (da->is_host || !da->name || !da->key ||
            !(db = by_name(b, da->name)) || !db->key)
            continue;
        if (da->vcpus > 0 && db->vcpus > 0 && da->vcpus != db->vcpus)
            add(l, "domain %s: vCPUs: A %d, B %d", da->name, da->vcpus,
                db->vcpus);
        for (int k = 0; k < 3; k++) {
            const char *va = dom_meta(a, da, what[k]);
            const char *vb = dom_meta(b, db, what[k]);
            if ((va || vb) && !(va && vb && strcmp(va, vb) == 0))
                add(l, "domain %s: %s: A %s, B %s", da->name, label[k],
                    or_none(va), or_none(vb));
        }
    }
}

static bool meta_num(const xg_store *s, const char *key, double *out)
{
    const char *v = xg_store_meta_get(s, key);
    char *end;

    if (!v || !*v)
        return false;
    *out = strtod(v, &end);
    return !*end && isfinite(*out);
}

/* The 1-minute load at start per online CPU, apart by more than
 * XG_ENV_LOAD_PER_CPU. */
static void cmp_load(xg_lines *l, const xg_store *a, const xg_store *b)
{
    double la, lb, ca, cb;

    if (!meta_num(a, "env.load_1m", &la) || !meta_num(b, "env.load_1m", &lb))
        return;
    if (!meta_num(a, "env.cpus", &ca) || ca < 1)
        ca = 1;
    if (!meta_num(b, "env.cpus", &cb) || cb < 1)
        cb = 1;
    if (fabs(la / ca - lb / cb) > XG_ENV_LOAD_PER_CPU)
        add(l, "host load at start (1 min): A %s, B %s (%.2f and %.2f per "
            "CPU, more than %.2f apart)", xg_store_meta_get(a, "env.load_1m"),
            xg_store_meta_get(b, "env.load_1m"), la / ca, lb / cb,
            XG_ENV_LOAD_PER_CPU);
}

static const struct { const char *key, *label; } facts[] = {
    {"env.cpu_model", "CPU model"},
    {"env.microcode", "microcode"},
    {"env.cpus", "online CPUs"},
    {"env.sockets", "sockets"},
    {"env.cores_per_socket", "cores per socket"},
    {"env.threads_per_core", "threads per core (SMT)"},
    {"env.numa_nodes", "NUMA nodes"},
    {"env.governor", "frequency governor"},
    {"env.boost", "boost"},
    {"kernel", "kernel"},
    {"env.kernel_cmdline", "kernel command line"},
    {"platform", "platform"},
    {"env.platform_version", "platform version"},
    {"env.cgroup", "cgroup mode"},
};

int xg_env_diff(const xg_store *a, const xg_store *b, char ***out,
                size_t *n)
{
    xg_lines l = {0};
    bool ea = has_env(a), eb = has_env(b);

    if (!ea)
        add(&l, "%s", "the environment of A was not recorded (made by a "
            "xengatherer that did not record it)");
    if (!eb)
        add(&l, "%s", "the environment of B was not recorded (made by a "
            "xengatherer that did not record it)");
    for (size_t i = 0; ea && eb && i < sizeof(facts) / sizeof(facts[0]); i++)
        cmp_key(&l, a, b, facts[i].key, facts[i].label);
    if (ea && eb) {
        cmp_domains(&l, a, b);
        cmp_load(&l, a, b);
    }
    if (l.oom) {
        xg_env_diff_free(l.v, l.n);
        *out = NULL;
        *n = 0;
        return -1;
    }
    *out = l.v;
    *n = l.n;
    return 0;
}

void xg_env_diff_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

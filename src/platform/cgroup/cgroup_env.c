/* cgroup_env.c — what the cgroup platform can say of the set-up a run
 * measured (platform.h's version and domain_env, recorded as meta env.*):
 * which cgroup hierarchies the host mounts, and a cgroup's own memory
 * limit and the CPUs its cpuset allows, from cgroup2 when the controller is
 * enabled there, else from its v1 hierarchy. */
#include "platform/cgroup/cgroup_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/host.h"
#include "util/root.h"

#define CG_KEY "cgroup:"
/* v1's "no limit": PAGE_COUNTER_MAX pages, a little under 2^63 bytes */
#define CG_V1_NOLIMIT (UINT64_C(1) << 62)

const char *cg_version(xg_platform *p)
{
    (void)p;
    return xg_cgroup_mode();
}

/* The v1 mount points of the controllers of ctl (malloc'd, NULL where
 * absent) into out, from one reading of /proc/mounts. */
static void v1_mounts(const char *const ctl[2], char *out[2])
{
    char *text = cg_read_all("/proc/mounts");
    char dev[256], mnt[4096], type[64], opts[1024];

    for (const char *l = text; l && *l;) {
        const char *q = cg_mount_field(l, dev, sizeof(dev));
        if (q && (q = cg_mount_field(q, mnt, sizeof(mnt))) &&
            (q = cg_mount_field(q, type, sizeof(type))) &&
            cg_mount_field(q, opts, sizeof(opts)) &&
            strcmp(type, "cgroup") == 0)
            for (int k = 0; k < 2; k++)
                if (!out[k] && cg_has_opt(opts, ctl[k]))
                    out[k] = strdup(mnt);
        if ((l = strchr(l, '\n')))
            l++;
    }
    free(text);
}

/* The first line of <mnt>/<rel>/<file> into buf (no newline); -1 when it
 * cannot be read or does not fit. */
static int read_line(const char *mnt, const char *rel, const char *file,
                     char *buf, size_t len)
{
    char path[4096];
    int n = snprintf(path, sizeof(path), "%s/%s/%s", mnt, rel, file);
    ssize_t r;

    if (n < 0 || (size_t)n >= sizeof(path) ||
        (r = xg_read_text(path, buf, len)) <= 0 || (size_t)r >= len - 1)
        return -1;
    buf[strcspn(buf, "\n")] = '\0';
    return *buf ? 0 : -1;
}

/* A limit in bytes ("max" = none) as KiB; 0 when not a number. */
static uint64_t limit_kib(const char *text)
{
    uint64_t b;
    const char *end;

    if (strcmp(text, "max") == 0)
        return XG_ENV_UNLIMITED;
    if (!(end = xg_parse_u64(text, &b)) || *end)
        return 0;
    return b >= CG_V1_NOLIMIT ? XG_ENV_UNLIMITED : b / 1024;
}

/* The CPUs and memory of cgroup rel from one controller's files: v2 when
 * mnt is the cgroup2 mount, else that of a v1 hierarchy. */
static void read_facts(const char *mnt, const char *rel, bool v2,
                       bool cpuset, xg_domain_env *out)
{
    char buf[512];

    if (cpuset && !out->pinning[0] &&
        read_line(mnt, rel, v2 ? "cpuset.cpus.effective"
                               : "cpuset.effective_cpus", buf,
                  sizeof(buf)) == 0)
        snprintf(out->pinning, sizeof(out->pinning), "%s", buf);
    if (!cpuset && !out->memory_kib &&
        read_line(mnt, rel, v2 ? "memory.max" : "memory.limit_in_bytes",
                  buf, sizeof(buf)) == 0)
        out->memory_kib = limit_kib(buf);
}

int cg_domain_env(xg_platform *p, xg_pdomain *d, xg_domain_env *out)
{
    const char *rel = d->info.key + strlen(CG_KEY);
    static const char *const ctl[2] = {"cpuset", "memory"};

    if (strncmp(d->info.key, CG_KEY, strlen(CG_KEY)) != 0)
        return -1;
    /* the mounts are read once for all the domains (they were read twice
     * per domain: 200 readings of /proc/mounts for 100 cgroups) */
    if (!p->env_mnt_read) {
        v1_mounts(ctl, p->env_mnt);
        p->env_mnt_read = true;
    }
    for (int k = 0; k < 2; k++) {
        if (p->mnt[CG_V2])
            read_facts(p->mnt[CG_V2], rel, true, k == 0, out);
        if (p->env_mnt[k])
            read_facts(p->env_mnt[k], rel, false, k == 0, out);
    }
    return out->pinning[0] || out->memory_kib ? 0 : -1;
}

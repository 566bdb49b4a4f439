/* envdiff.h — the differences between the environments two recordings
 * were made in (meta env.*, kernel, platform; see experiment/environ.h),
 * as lines a person reads: what `compare` prints before the figures, so
 * that a difference in them can be put down to a different machine,
 * setting or load rather than to the workload. */
#ifndef XG_ENVDIFF_H
#define XG_ENVDIFF_H

#include <stddef.h>

#include "core/store.h"

/* The load rule: the 1-minute load average at start, divided by the
 * online CPUs (env.cpus; 1 when unknown), differing by more than this. */
#define XG_ENV_LOAD_PER_CPU 0.25

/* One line per difference between A's and B's environment that can change
 * results, each naming A's and B's value ("frequency governor: A
 * performance, B powersave"): CPU model, microcode, online CPUs, sockets,
 * cores per socket, threads per core, NUMA nodes, governor, boost, kernel,
 * kernel command line, platform, platform version, cgroup mode; for each
 * domain name in both (the host row aside) its vCPUs, memory, pinning and
 * hypervisor version; and the load at start (XG_ENV_LOAD_PER_CPU). A
 * recording without env.* keys gives one line saying its environment was
 * not recorded instead (then nothing else is compared). A value one side
 * lacks reads "not recorded". *lines gets a malloc'd array of *n malloc'd
 * strings (NULL when none), to free with xg_env_diff_free. 0, or -1 on
 * ENOMEM (then *lines is NULL and *n 0). */
int xg_env_diff(const xg_store *a, const xg_store *b, char ***lines,
                size_t *n);
void xg_env_diff_free(char **lines, size_t n);

#endif

/* environ.h — the environment a run measured in, kept in the recording so
 * that two recordings can be told apart by more than their figures: CPU,
 * topology, frequency policy, kernel, platform version, cgroup mode, host
 * load and memory at start, and per domain its memory and pinning. Every
 * fact is one meta key env.* (docs/recording.md lists them); a fact that
 * cannot be read is left out, never guessed. */
#ifndef XG_ENVIRON_H
#define XG_ENVIRON_H

#include "collect/collector.h"
#include "core/store.h"

/* The host's facts, read through --root (xg_root_set): env.cpu_model,
 * env.microcode, env.cpus, env.sockets, env.cores_per_socket,
 * env.threads_per_core, env.numa_nodes, env.governor, env.boost,
 * env.kernel_cmdline, env.cgroup, env.load_1m/5m/15m and
 * env.mem_total_kib/free_kib/available_kib. */
void xg_environ_host(xg_store *s);
/* What the platform says: env.platform_version, and for every domain but
 * the host env.domain.<domain key>.memory_kib (a number, or "unlimited"),
 * .pinning (a CPU list) and .version (per-domain hypervisor). */
void xg_environ_platform(xg_store *s, const xg_platform_ops *ops,
                         xg_platform *p, xg_pdomains *doms);
/* Both, into ctx's store: called once at the start of a run, before the
 * workload starts and before the first checkpoint. */
void xg_environ_record(xg_ctx *ctx);

#endif

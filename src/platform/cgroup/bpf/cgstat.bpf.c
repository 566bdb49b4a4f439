// SPDX-License-Identifier: GPL-2.0
/* cgstat.bpf.c — a sleepable BPF cgroup iterator (CO-RE, vmlinux.h from the
 * running kernel's BTF): walks the descendants of one cgroup2 directory and
 * writes, for each cgroup user space watches (the map watched: cgroup id ->
 * slot), one binary record of its rstat CPU time; then a trailer record
 * (slot CGSTAT_END) once the walk is complete, so that user space knows one
 * read() had it all. rstat is flushed once, at the walk's first cgroup (the
 * root of the walk), which flushes every descendant. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "cgstat.h"

char LICENSE[] SEC("license") = "GPL";

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, CGSTAT_MAX);
    __type(key, __u64);   /* cgroup id (kernfs node id) */
    __type(value, __u32); /* the slot user space gave it */
} watched SEC(".maps");

extern void css_rstat_flush(struct cgroup_subsys_state *css) __ksym;

SEC("iter.s/cgroup")
int cgstat(struct bpf_iter__cgroup *ctx)
{
    struct seq_file *seq = ctx->meta->seq;
    struct cgroup *cg = ctx->cgroup;
    struct cgstat_rec r = {};
    __u64 id;
    __u32 *slot;

    if (!cg) { /* the walk is over */
        r.slot = CGSTAT_END;
        bpf_seq_write(seq, &r, sizeof(r));
        return 0;
    }
    if (ctx->meta->seq_num == 0)
        css_rstat_flush(&cg->self);
    id = cg->kn->id;
    slot = bpf_map_lookup_elem(&watched, &id);
    if (!slot)
        return 0;
    r.slot = *slot;
    r.usage_ns = cg->bstat.cputime.sum_exec_runtime;
    r.utime_ns = cg->bstat.cputime.utime;
    r.stime_ns = cg->bstat.cputime.stime;
    bpf_seq_write(seq, &r, sizeof(r));
    return 0;
}

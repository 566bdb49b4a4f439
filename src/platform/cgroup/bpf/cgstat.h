/* cgstat.h — the record the cgroup iterator (cgstat.bpf.c) writes and
 * cgroup_bpf.c reads: shared by the BPF program and user space. */
#ifndef XG_CGSTAT_H
#define XG_CGSTAT_H

#define CGSTAT_MAX 65536       /* cgroups watched at most */
#define CGSTAT_END 0xffffffffu /* the trailer's slot: the walk is complete */

/* One watched cgroup's rstat CPU time (cgroup2's cpu.stat before its
 * user/system split is scaled to the usage: cputime_adjust). 32 bytes:
 * 1023 of them fit in the iterator's 32 KiB buffer, one read(). */
struct cgstat_rec {
    __u32 slot;
    __u32 pad;
    __u64 usage_ns;
    __u64 utime_ns; /* tick-based: scaled by user space */
    __u64 stime_ns;
};

#endif

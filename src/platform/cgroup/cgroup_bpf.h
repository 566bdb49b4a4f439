/* cgroup_bpf.h — private to the cgroup platform: the CPU time of every
 * watched cgroup in one read() per sample, by a BPF cgroup iterator
 * (bpf/cgstat.bpf.c) over cgroup2's rstat. Built when meson finds libbpf,
 * bpftool, clang and the kernel's BTF (XG_HAVE_CGROUP_BPF); used when the
 * kernel and the privileges allow it, else the files are read as always. */
#ifndef XG_CGROUP_BPF_H
#define XG_CGROUP_BPF_H

#include <stddef.h>
#include <stdint.h>

#include "platform/platform.h"

struct cg_bpf;

/* Loads the iterator and attaches it to the cgroup2 directory dir (an
 * absolute path): the walk covers it and its descendants. NULL + one line
 * in why (what is missing) when it cannot. */
struct cg_bpf *cg_bpf_open(const char *dir, char *why, size_t len);
/* Watches the cgroup2 directory dir (absolute, under the open's dir): its
 * slot (>= 0), or -1 when it cannot (not a cgroup2 directory, map full). */
long cg_bpf_watch(struct cg_bpf *b, const char *dir);
void cg_bpf_unwatch(struct cg_bpf *b, long slot);
/* A sample begins: the next cg_bpf_cpu reads the iterator anew. */
void cg_bpf_tick(struct cg_bpf *b);
/* The slot's usage, user and system (have set accordingly). 0, or -1 when
 * the iterator gave nothing for it (the cgroup is gone...). */
int cg_bpf_cpu(struct cg_bpf *b, long slot, xg_cpu_counters *out);
/* Walks (iterator fds opened), read() calls and their time (the thread's
 * CPU ns) since open: the note, the check and the bench. */
void cg_bpf_counts(const struct cg_bpf *b, unsigned long *iters,
                   unsigned long *reads, uint64_t *ns);
void cg_bpf_close(struct cg_bpf *b);

/* The platform's side (cgroup.c, cgroup_files.c), with p->bpf. */
struct xg_options;
/* At open: the iterator over the cgroup2 directory above the watched
 * cgroups (--cgroup-parent, machine.slice, or the root for --cgroup), when
 * o->cgroup_bpf allows; otherwise p->bpf_why says why not. */
void cg_bpf_start(xg_platform *p, const struct xg_options *o);
/* At prepare: the domain rel's slot, or -1: its CPU is read from files (no
 * iterator, or cgroup2's cpu controller on it: cpu.stat holds throttling
 * figures the iterator does not give). */
long cg_bpf_dom(xg_platform *p, const char *rel);
/* At cpu_read: the slot's usage, user and system. 0, or -1: read files. */
int cg_bpf_dom_cpu(xg_platform *p, long slot, xg_cpu_counters *out);
/* $XG_CGROUP_BPF_CHECK (a debug aid, for the tests): appends "key usage
 * user system" of both paths, iterator first, to that file. */
void cg_bpf_check(xg_platform *p, const char *key,
                  const xg_cpu_counters *bpf, const xg_cpu_counters *files);
/* At close, with $XG_CGROUP_BPF_CHECK: one more line, "# iter_ns N walks
 * W reads R files_ns F file_reads K": what each path took (the thread's
 * CPU time, less the clock's own cost). */
void cg_bpf_check_end(xg_platform *p);
/* The thread's CPU time in ns, for the check's timing. */
uint64_t cg_bpf_now(void);
/* The note under the CPU section: how the iterator read, or why there is
 * none when --cgroup-bpf asked for it; NULL otherwise. */
const char *cg_bpf_note(xg_platform *p);

#endif

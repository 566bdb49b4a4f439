/* xentrace.h — reads a raw trace file written by Xen's xentrace (records
 * as in Xen's public trace.h) and sums, per domain and vCPU, the time spent
 * in each runstate (running, runnable = waited, blocked, offline) and the
 * executions (times switched in), from TRC_SCHED_RUNSTATE_CHANGE records.
 * No fixed domain table: any number of domains and vCPUs. */
#ifndef XG_XENTRACE_H
#define XG_XENTRACE_H

#include <stddef.h>
#include <stdint.h>

enum { XG_RS_RUNNING, XG_RS_RUNNABLE, XG_RS_BLOCKED, XG_RS_OFFLINE, XG_RS_N };

#define XG_DOMID_IDLE 0x7fffu /* the idle domain: one "vCPU" per pCPU */

typedef struct xg_trace_vcpu {
    unsigned domid, vcpu;
    uint64_t cycles[XG_RS_N]; /* TSC cycles in each state */
    uint64_t executions;      /* changes into running */
    uint64_t changes;         /* runstate changes seen */
} xg_trace_vcpu;

typedef struct xg_trace_sum {
    xg_trace_vcpu *v;         /* sorted by domid, then vcpu */
    size_t n;
    uint64_t tsc_first, tsc_last; /* span summed over */
    uint64_t records;         /* trace records read */
    uint64_t lost;            /* TRC_LOST_RECORDS seen */
    unsigned pcpus;           /* CPUs the trace holds */
} xg_trace_sum;

/* Sums the trace in buf. Each vCPU's time is counted from tsc_from to
 * tsc_to (0, 0 = the trace's first and last record), its state before its
 * first change being that change's old state. 0, or -1 with err when buf
 * is not a trace (or out of memory). */
int xg_trace_sum_buf(const unsigned char *buf, size_t len, uint64_t tsc_from,
                     uint64_t tsc_to, xg_trace_sum *out, char *err,
                     size_t errlen);
/* The same on a file. */
int xg_trace_sum_file(const char *path, xg_trace_sum *out, char *err,
                      size_t errlen);
void xg_trace_sum_free(xg_trace_sum *s);

#endif

/* xentrace.c — per-vCPU runstate times from a raw xentrace file (see
 * xentrace.h). Records: a header word (event:28, extra_u32:3,
 * cycles_included:1), the TSC when included, then extra_u32 words; xentrace
 * puts a TRC_TRACE_CPU_CHANGE record before each CPU's chunk, so the
 * records are sorted by time here before they are summed. Xen 4.17 puts a
 * runstate change's states in its event number (TRC_SCHED_RUNSTATE_CHANGE
 * | old << 8 | new << 4, sched/core.c) and {vcpu:16, domain:16} in its one
 * data word; "continue running" has the same word. */
#include "util/xentrace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRC_LOST_RECORDS 0x0001f001u
#define TRC_TRACE_CPU_CHANGE 0x0001f003u
#define TRC_SCHED_RUNSTATE_CHANGE 0x00021001u
#define TRC_SCHED_CONTINUE_RUNNING 0x00021002u

typedef struct ev {
    uint64_t tsc;
    uint32_t dv;       /* domid << 16 | vcpu */
    uint8_t old, new;  /* runstates */
    uint8_t change;    /* a runstate change (not "continue running") */
    size_t seq;        /* order in the file, for equal TSCs */
} ev;

typedef struct evs {
    ev *v;
    size_t n, cap;
} evs;

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static int push(evs *l, const ev *e)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 1024;
        ev *nv = realloc(l->v, nc * sizeof(*nv));
        if (!nv)
            return -1;
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n++] = *e;
    return 0;
}

static int cmp_ev(const void *a, const void *b)
{
    const ev *x = a, *y = b;

    if (x->dv != y->dv)
        return x->dv < y->dv ? -1 : 1;
    if (x->tsc != y->tsc)
        return x->tsc < y->tsc ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Walks the records: the scheduler events into l, the span and counts into
 * s. -1 when no CPU chunk was found (not a trace). */
static int scan(const unsigned char *buf, size_t len, evs *l,
                xg_trace_sum *s)
{
    size_t off = 0;
    int chunks = 0;

    while (off + 4 <= len) {
        uint32_t h = rd32(buf + off);
        uint32_t event = h & 0x0fffffffu, extra = (h >> 28) & 7u;
        int cyc = (int)(h >> 31);
        size_t size = 4 + (cyc ? 8 : 0) + extra * 4;
        const unsigned char *d = buf + off + 4 + (cyc ? 8 : 0);
        uint64_t tsc = 0;

        if (off + size > len)
            break; /* a record cut short at the end */
        s->records++;
        if (cyc) {
            tsc = rd32(buf + off + 4) | (uint64_t)rd32(buf + off + 8) << 32;
            if (!s->tsc_first || tsc < s->tsc_first)
                s->tsc_first = tsc;
            if (tsc > s->tsc_last)
                s->tsc_last = tsc;
        }
        if (event == TRC_TRACE_CPU_CHANGE && extra >= 1) {
            uint32_t cpu = rd32(d);
            if (cpu < 65536 && cpu + 1 > s->pcpus)
                s->pcpus = cpu + 1;
            chunks++;
        } else if (event == TRC_LOST_RECORDS) {
            s->lost++;
        } else if ((event & ~0x330u) == TRC_SCHED_RUNSTATE_CHANGE && cyc &&
                   extra >= 1) {
            ev e = {tsc, rd32(d), (uint8_t)((event >> 8) & 3),
                    (uint8_t)((event >> 4) & 3), 1, l->n};
            if (push(l, &e) < 0)
                return -2;
        } else if (event == TRC_SCHED_CONTINUE_RUNNING && cyc && extra >= 1) {
            ev e = {tsc, rd32(d), XG_RS_RUNNING, XG_RS_RUNNING, 0, l->n};
            if (push(l, &e) < 0)
                return -2;
        }
        off += size;
    }
    return chunks ? 0 : -1;
}

/* Sums one vCPU's events e[0..n) over [from, to]. */
static void sum_vcpu(const ev *e, size_t n, uint64_t from, uint64_t to,
                     xg_trace_vcpu *v)
{
    uint64_t prev = from;
    unsigned state = e[0].old;

    memset(v, 0, sizeof(*v));
    v->domid = e[0].dv >> 16;
    v->vcpu = e[0].dv & 0xffff;
    for (size_t i = 0; i < n; i++) {
        uint64_t t = e[i].tsc;
        if (t > to)
            break;
        if (t >= from) {
            if (state < XG_RS_N)
                v->cycles[state] += t - prev;
            prev = t;
            if (e[i].change) {
                v->changes++;
                if (e[i].new == XG_RS_RUNNING)
                    v->executions++;
            }
        }
        state = e[i].new;
    }
    if (to > prev && state < XG_RS_N)
        v->cycles[state] += to - prev;
}

int xg_trace_sum_buf(const unsigned char *buf, size_t len, uint64_t tsc_from,
                     uint64_t tsc_to, xg_trace_sum *out, char *err,
                     size_t errlen)
{
    evs l = {0};
    size_t i, j, nv = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = scan(buf, len, &l, out);
    if (rc < 0) {
        free(l.v);
        snprintf(err, errlen, rc == -1 ? "not a xentrace file (no CPU "
                 "records)" : "out of memory");
        return -1;
    }
    if (tsc_from || tsc_to) {
        out->tsc_first = tsc_from;
        out->tsc_last = tsc_to;
    }
    if (l.n)
        qsort(l.v, l.n, sizeof(*l.v), cmp_ev);
    for (i = 0; i < l.n; i = j) {
        for (j = i; j < l.n && l.v[j].dv == l.v[i].dv; j++)
            ;
        nv++;
    }
    if (nv && !(out->v = calloc(nv, sizeof(*out->v)))) {
        free(l.v);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (i = 0; i < l.n; i = j) {
        for (j = i; j < l.n && l.v[j].dv == l.v[i].dv; j++)
            ;
        sum_vcpu(l.v + i, j - i, out->tsc_first, out->tsc_last,
                 &out->v[out->n++]);
    }
    free(l.v);
    return 0;
}

int xg_trace_sum_file(const char *path, xg_trace_sum *out, char *err,
                      size_t errlen)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0, r;
    int rc;

    memset(out, 0, sizeof(*out));
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    do {
        if (len == cap) {
            unsigned char *nb = realloc(buf, cap = cap ? cap * 2 : 1 << 20);
            if (!nb) {
                free(buf);
                fclose(f);
                snprintf(err, errlen, "%s: out of memory", path);
                return -1;
            }
            buf = nb;
        }
        r = fread(buf + len, 1, cap - len, f);
        len += r;
    } while (r > 0);
    fclose(f);
    rc = xg_trace_sum_buf(buf, len, 0, 0, out, err, errlen);
    free(buf);
    return rc;
}

void xg_trace_sum_free(xg_trace_sum *s)
{
    free(s->v);
    memset(s, 0, sizeof(*s));
}

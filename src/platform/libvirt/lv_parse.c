/* lv_parse.c — a libvirt stats record (typed parameters named
 * "group[.N].field") into one snapshot domain: state, cpu-total, vcpu,
 * block, interface and perf groups. No libvirt here: the unit tests feed
 * canned records. */
#include "platform/libvirt/lv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

#define LV_MAX_INDEX 4096 /* more vCPUs, disks or vNICs are not believed */

void xg_lv_snap_free(xg_lv_snap *s)
{
    free(s->dom);
    free(s->vcpu);
    free(s->disk);
    free(s->net);
    memset(s, 0, sizeof(*s));
}

static bool is_int(const xg_lv_param *p)
{
    return p->type != LV_P_DOUBLE && p->type != LV_P_STRING;
}

/* "PREFIX.N.rest": N and rest; false when field is not of that form. */
static bool indexed(const char *field, const char *prefix, size_t *idx,
                    const char **rest)
{
    size_t pl = strlen(prefix);
    char *end;
    unsigned long v;

    if (strncmp(field, prefix, pl) != 0 || field[pl] != '.' ||
        field[pl + 1] < '0' || field[pl + 1] > '9')
        return false;
    v = strtoul(field + pl + 1, &end, 10);
    if (*end != '.' || v >= LV_MAX_INDEX)
        return false;
    *idx = v;
    *rest = end + 1;
    return true;
}

/* How many vCPUs, disks and vNICs the record holds: the group's count
 * when given, else one past the highest index seen. */
static void count_slices(const xg_lv_param *ps, size_t n, size_t cnt[3])
{
    static const char *const grp[3] = {"vcpu", "block", "net"};
    static const char *const cfield[3] = {"vcpu.maximum", "block.count",
                                          "net.count"};
    size_t seen[3] = {0}, given[3] = {0};
    bool have[3] = {false};

    for (size_t i = 0; i < n; i++)
        for (int g = 0; g < 3; g++) {
            size_t idx;
            const char *rest;
            if (strcmp(ps[i].field, cfield[g]) == 0 && is_int(&ps[i]) &&
                ps[i].u <= LV_MAX_INDEX) {
                given[g] = (size_t)ps[i].u;
                have[g] = true;
            } else if (indexed(ps[i].field, grp[g], &idx, &rest) &&
                       idx + 1 > seen[g]) {
                seen[g] = idx + 1;
            }
        }
    for (int g = 0; g < 3; g++)
        cnt[g] = have[g] && g != 0 ? given[g] : seen[g];
}

static void copy_name(char *dst, size_t len, const xg_lv_param *p)
{
    if (p->type == LV_P_STRING && p->s)
        snprintf(dst, len, "%.*s", (int)(len - 1), p->s);
}

static void put_vcpu(xg_lv_vcpu *v, const char *rest, const xg_lv_param *p)
{
    if (!is_int(p))
        return;
    if (strcmp(rest, "time") == 0) {
        v->time_ns = p->u;
        v->have_time = true;
    } else if (strcmp(rest, "delay") == 0 ||
               (strcmp(rest, "wait") == 0 && !v->have_wait)) {
        /* delay: schedstat's run-queue wait, preferred; wait: sched's
         * wait_sum, the same, coarser, when there is no delay */
        v->wait_ns = p->u;
        v->have_wait = true;
    }
}

/* Sets *dst from p and bit in *have when p is an integer. */
static void put_u(uint64_t *dst, unsigned *have, unsigned bit,
                  const xg_lv_param *p)
{
    if (!is_int(p))
        return;
    *dst = p->u;
    *have |= bit;
}

enum { D_RR = 1, D_WR = 2, D_RB = 4, D_WB = 8, D_RT = 16, D_WT = 32 };

static void put_disk(xg_lv_disk *d, unsigned *bits, const char *rest,
                     const xg_lv_param *p)
{
    static const struct { const char *f; unsigned bit; size_t off; } m[] = {
        {"rd.reqs", D_RR, offsetof(xg_lv_disk, rd_reqs)},
        {"wr.reqs", D_WR, offsetof(xg_lv_disk, wr_reqs)},
        {"rd.bytes", D_RB, offsetof(xg_lv_disk, rd_bytes)},
        {"wr.bytes", D_WB, offsetof(xg_lv_disk, wr_bytes)},
        {"rd.times", D_RT, offsetof(xg_lv_disk, rd_times)},
        {"wr.times", D_WT, offsetof(xg_lv_disk, wr_times)},
    };

    if (strcmp(rest, "name") == 0) {
        copy_name(d->name, sizeof(d->name), p);
        return;
    }
    for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
        if (strcmp(rest, m[i].f) == 0)
            put_u((uint64_t *)((char *)d + m[i].off), bits, m[i].bit, p);
}

enum { N_RB = 1, N_RP = 2, N_TB = 4, N_TP = 8, N_RE = 16, N_RD = 32,
       N_TE = 64, N_TD = 128 };

static void put_net(xg_lv_net *d, unsigned *bits, const char *rest,
                    const xg_lv_param *p)
{
    static const struct { const char *f; unsigned bit; size_t off; } m[] = {
        {"rx.bytes", N_RB, offsetof(xg_lv_net, rx_bytes)},
        {"rx.pkts", N_RP, offsetof(xg_lv_net, rx_pkts)},
        {"tx.bytes", N_TB, offsetof(xg_lv_net, tx_bytes)},
        {"tx.pkts", N_TP, offsetof(xg_lv_net, tx_pkts)},
        {"rx.errs", N_RE, offsetof(xg_lv_net, rx_errs)},
        {"rx.drop", N_RD, offsetof(xg_lv_net, rx_drop)},
        {"tx.errs", N_TE, offsetof(xg_lv_net, tx_errs)},
        {"tx.drop", N_TD, offsetof(xg_lv_net, tx_drop)},
    };

    if (strcmp(rest, "name") == 0) {
        copy_name(d->name, sizeof(d->name), p);
        return;
    }
    for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
        if (strcmp(rest, m[i].f) == 0)
            put_u((uint64_t *)((char *)d + m[i].off), bits, m[i].bit, p);
}

/* The groups without an index: state, cpu-total, vcpu counts, perf. */
static void put_plain(xg_lv_dom *d, const xg_lv_param *p)
{
    static const struct { const char *f; unsigned bit; size_t off; } m[] = {
        {"cpu.time", LV_HAVE_CPU, offsetof(xg_lv_dom, cpu_ns)},
        {"cpu.user", LV_HAVE_USER, offsetof(xg_lv_dom, user_ns)},
        {"cpu.system", LV_HAVE_SYSTEM, offsetof(xg_lv_dom, system_ns)},
        {"perf.cmt", LV_HAVE_CMT, offsetof(xg_lv_dom, cmt)},
        {"perf.mbmt", LV_HAVE_MBMT, offsetof(xg_lv_dom, mbmt)},
        {"perf.mbml", LV_HAVE_MBML, offsetof(xg_lv_dom, mbml)},
    };

    if (!is_int(p))
        return;
    if (strcmp(p->field, "state.state") == 0) {
        d->state = (int)p->u;
        d->have |= LV_HAVE_STATE;
    } else if (strcmp(p->field, "vcpu.current") == 0 &&
               p->u <= LV_MAX_INDEX) {
        d->n_vcpu_cur = (unsigned)p->u;
        d->have |= LV_HAVE_VCPU;
    } else if (strcmp(p->field, "block.count") == 0) {
        d->have |= LV_HAVE_BLOCK;
    } else if (strcmp(p->field, "net.count") == 0) {
        d->have |= LV_HAVE_NET;
    }
    for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
        if (strcmp(p->field, m[i].f) == 0)
            put_u((uint64_t *)((char *)d + m[i].off), &d->have, m[i].bit, p);
}

/* Makes room for k more elements of sz bytes at the end of *v; the index
 * of the first, or (size_t)-1 on ENOMEM. */
static size_t slice(void **v, size_t *n, size_t *cap, size_t sz, size_t k)
{
    size_t at = *n;

    if (k && xg_grow_to(v, n, cap, sz, at + k - 1) < 0)
        return (size_t)-1;
    return at;
}

static void fill(xg_lv_snap *s, xg_lv_dom *d, const xg_lv_param *ps,
                 size_t n, unsigned *dbits, unsigned *nbits)
{
    for (size_t i = 0; i < n; i++) {
        const xg_lv_param *p = &ps[i];
        const char *rest;
        size_t k;
        if (!p->field)
            continue;
        if (indexed(p->field, "vcpu", &k, &rest)) {
            if (k < d->n_vcpu)
                put_vcpu(&s->vcpu[d->vcpu0 + k], rest, p);
        } else if (indexed(p->field, "block", &k, &rest)) {
            if (k < d->n_disk)
                put_disk(&s->disk[d->disk0 + k], &dbits[k], rest, p);
        } else if (indexed(p->field, "net", &k, &rest)) {
            if (k < d->n_net)
                put_net(&s->net[d->net0 + k], &nbits[k], rest, p);
        } else {
            put_plain(d, p);
        }
    }
}

static void finish(xg_lv_snap *s, xg_lv_dom *d, const unsigned *dbits,
                   const unsigned *nbits)
{
    for (size_t k = 0; k < d->n_disk; k++) {
        xg_lv_disk *x = &s->disk[d->disk0 + k];
        unsigned b = dbits[k];
        x->have_reqs = (b & (D_RR | D_WR)) == (D_RR | D_WR);
        x->have_bytes = (b & (D_RB | D_WB)) == (D_RB | D_WB);
        x->have_times = (b & (D_RT | D_WT)) == (D_RT | D_WT);
        if (!x->name[0])
            snprintf(x->name, sizeof(x->name), "disk%zu", k);
    }
    for (size_t k = 0; k < d->n_net; k++) {
        xg_lv_net *x = &s->net[d->net0 + k];
        unsigned b = nbits[k];
        x->have = (b & (N_RB | N_RP | N_TB | N_TP)) ==
                  (N_RB | N_RP | N_TB | N_TP);
        x->have_errs = (b & (N_RE | N_RD | N_TE | N_TD)) ==
                       (N_RE | N_RD | N_TE | N_TD);
        if (!x->name[0])
            snprintf(x->name, sizeof(x->name), "net%zu", k);
    }
}

int xg_lv_snap_add(xg_lv_snap *s, const char *name, const char *uuid, int id,
                   const xg_lv_param *params, size_t n)
{
    size_t cnt[3], at;
    xg_lv_dom *d;
    unsigned *bits;
    int rc = -1;

    count_slices(params, n, cnt);
    bits = calloc(cnt[1] + cnt[2] + 1, sizeof(*bits));
    if (!bits || (at = slice((void **)&s->dom, &s->n_dom, &s->cap_dom,
                             sizeof(*s->dom), 1)) == (size_t)-1)
        goto out;
    d = &s->dom[at];
    snprintf(d->name, sizeof(d->name), "%s", name ? name : "");
    snprintf(d->uuid, sizeof(d->uuid), "%s", uuid ? uuid : "");
    d->id = id;
    if ((d->vcpu0 = slice((void **)&s->vcpu, &s->n_vcpu, &s->cap_vcpu,
                          sizeof(*s->vcpu), cnt[0])) == (size_t)-1 ||
        (d->disk0 = slice((void **)&s->disk, &s->n_disk, &s->cap_disk,
                          sizeof(*s->disk), cnt[1])) == (size_t)-1 ||
        (d->net0 = slice((void **)&s->net, &s->n_net, &s->cap_net,
                         sizeof(*s->net), cnt[2])) == (size_t)-1) {
        s->n_dom--;
        goto out;
    }
    d->n_vcpu = cnt[0];
    d->n_disk = cnt[1];
    d->n_net = cnt[2];
    fill(s, d, params, n, bits, bits + cnt[1]);
    finish(s, d, bits, bits + cnt[1]);
    rc = 0;
out:
    free(bits);
    return rc;
}

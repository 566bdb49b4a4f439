/* test_xentrace.c — the xentrace reader on hand-made records: runstate
 * times per vCPU across two CPU chunks (sorted by TSC), executions, a
 * domid past 32, "continue running", window clipping, lost records, a
 * record cut short, and input that is not a trace; plus the real trace
 * captured in the Xen lab (tests/fixtures/xentrace), when present. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/xentrace.h"

typedef struct tbuf {
    unsigned char b[4096];
    size_t n;
} tbuf;

static void put32(tbuf *t, uint32_t v)
{
    assert_true(t->n + 4 <= sizeof(t->b));
    for (int i = 0; i < 4; i++)
        t->b[t->n++] = (unsigned char)(v >> (8 * i));
}

static void rec(tbuf *t, uint32_t event, int cyc, uint64_t tsc, int n,
                const uint32_t *d)
{
    put32(t, event | (uint32_t)n << 28 | (uint32_t)(cyc ? 1 : 0) << 31);
    if (cyc) {
        put32(t, (uint32_t)tsc);
        put32(t, (uint32_t)(tsc >> 32));
    }
    for (int i = 0; i < n; i++)
        put32(t, d[i]);
}

static void cpu_change(tbuf *t, uint32_t cpu)
{
    const uint32_t d[2] = {cpu, 0};
    rec(t, 0x0001f003u, 0, 0, 2, d);
}

/* TRC_SCHED_RUNSTATE_CHANGE: {vcpu:16, domain:16}, {old:4, new:4}. */
static void rs(tbuf *t, uint64_t tsc, unsigned dom, unsigned vcpu,
               unsigned old, unsigned nw)
{
    const uint32_t d[2] = {dom << 16 | vcpu, old | nw << 4};
    rec(t, 0x00021001u, 1, tsc, 2, d);
}

static const xg_trace_vcpu *find(const xg_trace_sum *s, unsigned dom,
                                 unsigned vcpu)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].domid == dom && s->v[i].vcpu == vcpu)
            return &s->v[i];
    return NULL;
}

/* Two CPUs; domain 40 vCPU 0 moves between them. */
static void make(tbuf *t)
{
    memset(t, 0, sizeof(*t));
    cpu_change(t, 0);
    rs(t, 1000, 40, 0, XG_RS_BLOCKED, XG_RS_RUNNABLE);  /* waits 100 */
    rs(t, 1100, 40, 0, XG_RS_RUNNABLE, XG_RS_RUNNING);  /* runs 400 */
    rs(t, 1100, 0, 1, XG_RS_RUNNING, XG_RS_BLOCKED);
    {
        const uint32_t d[2] = {7, 0}; /* continue running, dom 7 vcpu 0 */
        rec(t, 0x00021002u, 1, 1200, 2, d);
    }
    cpu_change(t, 1);
    rs(t, 1500, 40, 0, XG_RS_RUNNING, XG_RS_BLOCKED);   /* blocked 200 */
    rs(t, 1700, 40, 0, XG_RS_BLOCKED, XG_RS_RUNNING);   /* runs to 2000 */
    {
        const uint32_t d[1] = {3};
        rec(t, 0x0001f001u, 1, 1800, 1, d);            /* lost records */
    }
    rs(t, 2000, 0, 1, XG_RS_BLOCKED, XG_RS_RUNNING);
}

static void test_sums(void **state)
{
    tbuf t;
    xg_trace_sum s;
    char err[128];
    const xg_trace_vcpu *v;

    (void)state;
    make(&t);
    assert_int_equal(xg_trace_sum_buf(t.b, t.n, 0, 0, &s, err, sizeof(err)),
                     0);
    assert_int_equal(s.pcpus, 2);
    assert_int_equal(s.lost, 1);
    assert_int_equal(s.tsc_first, 1000);
    assert_int_equal(s.tsc_last, 2000);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.v[0].domid, 0); /* sorted by domid, vcpu */
    assert_int_equal(s.v[2].domid, 40);
    v = find(&s, 40, 0);
    assert_non_null(v);
    assert_int_equal(v->cycles[XG_RS_RUNNABLE], 100);
    assert_int_equal(v->cycles[XG_RS_RUNNING], 400 + 300);
    assert_int_equal(v->cycles[XG_RS_BLOCKED], 200);
    assert_int_equal(v->cycles[XG_RS_OFFLINE], 0);
    assert_int_equal(v->executions, 2);
    assert_int_equal(v->changes, 4);
    v = find(&s, 0, 1); /* running from the start until 1100 */
    assert_non_null(v);
    assert_int_equal(v->cycles[XG_RS_RUNNING], 100);
    assert_int_equal(v->cycles[XG_RS_BLOCKED], 900);
    assert_int_equal(v->executions, 1);
    v = find(&s, 7, 0); /* only "continue running": running throughout */
    assert_non_null(v);
    assert_int_equal(v->cycles[XG_RS_RUNNING], 1000);
    assert_int_equal(v->executions, 0);
    xg_trace_sum_free(&s);
}

static void test_window(void **state)
{
    tbuf t;
    xg_trace_sum s;
    char err[128];
    const xg_trace_vcpu *v;

    (void)state;
    make(&t);
    assert_int_equal(xg_trace_sum_buf(t.b, t.n, 1050, 1600, &s, err,
                                      sizeof(err)), 0);
    v = find(&s, 40, 0);
    assert_non_null(v);
    assert_int_equal(v->cycles[XG_RS_RUNNABLE], 50);
    assert_int_equal(v->cycles[XG_RS_RUNNING], 400);
    assert_int_equal(v->cycles[XG_RS_BLOCKED], 100);
    assert_int_equal(v->executions, 1);
    xg_trace_sum_free(&s);
}

static void test_bad(void **state)
{
    tbuf t;
    xg_trace_sum s;
    char err[128] = "";
    static const unsigned char junk[] = "hello, this is not a trace file";

    (void)state;
    assert_int_equal(xg_trace_sum_buf(junk, sizeof(junk), 0, 0, &s, err,
                                      sizeof(err)), -1);
    assert_non_null(strstr(err, "not a xentrace file"));
    assert_int_equal(xg_trace_sum_buf(junk, 0, 0, 0, &s, err, sizeof(err)),
                     -1);
    /* a record cut short at the end is left out */
    make(&t);
    assert_int_equal(xg_trace_sum_buf(t.b, t.n - 6, 0, 0, &s, err,
                                      sizeof(err)), 0);
    assert_int_equal(s.tsc_last, 1800);
    xg_trace_sum_free(&s);
    assert_int_equal(xg_trace_sum_file("/nonexistent/x", &s, err,
                                       sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent/x"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sums),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_xentrace.c — the xentrace reader on hand-made records: runstate
 * times per vCPU across two CPU chunks (sorted by TSC), executions, a
 * domid past 32, "continue running", window clipping, lost records, a
 * record cut short, and input that is not a trace; plus the real trace
 * captured in the Xen lab (tests/fixtures/xentrace); and base64. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "util/b64.h"
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

/* TRC_SCHED_RUNSTATE_CHANGE | old << 8 | new << 4: {vcpu:16, domain:16}. */
static void rs(tbuf *t, uint64_t tsc, unsigned dom, unsigned vcpu,
               unsigned old, unsigned nw)
{
    const uint32_t d[1] = {dom << 16 | vcpu};
    rec(t, 0x00021001u | old << 8 | nw << 4, 1, tsc, 1, d);
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
        const uint32_t d[1] = {7u << 16}; /* continue running, d7v0 */
        rec(t, 0x00021002u, 1, 1200, 1, d);
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

/* The real trace (tests/fixtures/xentrace/lab.xentrace: the first 15 s of
 * the Xen lab's trace, see its README): known totals per vCPU, every vCPU's
 * states adding up to the span, and xenalyze --summary's figures for the
 * vCPUs it clocks from the start (2.1 GHz TSC). */
static void test_lab_trace(void **state)
{
    static const xg_trace_vcpu want[] = {
        {0, 0, {17249233344ull, 14729641479ull, 0ull, 0ull}, 247, 493},
        {0, 1, {13565801403ull, 13902297969ull, 4510775451ull, 0ull}, 346, 862},
        {13752, 0, {16195838589ull, 15783036234ull, 0ull, 0ull}, 274, 549},
        {16701, 0, {9954260001ull, 12852956529ull, 9171658293ull, 0ull}, 167, 365},
        {32767, 0, {853887678ull, 31124987145ull, 0ull, 0ull}, 26, 52},
        {32767, 1, {231969318ull, 31746905505ull, 0ull, 0ull}, 20, 40},
    };
    const char *dir = getenv("XG_FIXTURES");
    char path[4096], err[256];
    xg_trace_sum s;
    const double hz = 2.1e9;

    (void)state;
    snprintf(path, sizeof(path), "%s/xentrace/lab.xentrace",
             dir && *dir ? dir : "tests/fixtures");
    assert_int_equal(xg_trace_sum_file(path, &s, err, sizeof(err)), 0);
    assert_int_equal(s.records, 2718);
    assert_int_equal(s.pcpus, 2);
    assert_int_equal(s.lost, 0);
    assert_int_equal(s.tsc_last - s.tsc_first, 31978874823ull);
    assert_int_equal(s.n, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < s.n; i++) {
        uint64_t sum = 0;
        assert_int_equal(s.v[i].domid, want[i].domid);
        assert_int_equal(s.v[i].vcpu, want[i].vcpu);
        for (int k = 0; k < XG_RS_N; k++) {
            assert_int_equal(s.v[i].cycles[k], want[i].cycles[k]);
            sum += s.v[i].cycles[k];
        }
        assert_int_equal(sum, s.tsc_last - s.tsc_first);
        assert_int_equal(s.v[i].executions, want[i].executions);
        assert_int_equal(s.v[i].changes, want[i].changes);
    }
    /* xenalyze: d0v1 running 6.45 s, runnable 6.61 s, blocked 2.15 s;
     * d13752v0 running 7.71 s; d16701v0 running 4.74 s */
    assert_true(fabs((double)s.v[1].cycles[XG_RS_RUNNING] / hz - 6.45) < 0.02);
    assert_true(fabs((double)s.v[1].cycles[XG_RS_RUNNABLE] / hz - 6.61) < 0.02);
    assert_true(fabs((double)s.v[1].cycles[XG_RS_BLOCKED] / hz - 2.15) < 0.02);
    assert_true(fabs((double)s.v[2].cycles[XG_RS_RUNNING] / hz - 7.71) < 0.02);
    assert_true(fabs((double)s.v[3].cycles[XG_RS_RUNNING] / hz - 4.74) < 0.02);
    xg_trace_sum_free(&s);
}

/* The recording keeps the trace in base64 (util/b64.c). */
static void test_b64(void **state)
{
    static const char *const enc[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg=="};
    tbuf t;
    size_t n;
    unsigned char *back;

    (void)state;
    for (size_t i = 0; i < 5; i++) {
        char *e = xg_b64_encode((const unsigned char *)"foob", i);
        assert_string_equal(e, enc[i]);
        back = xg_b64_decode(e, &n);
        assert_non_null(back);
        assert_int_equal(n, i);
        assert_memory_equal(back, "foob", i);
        free(back);
        free(e);
    }
    make(&t);
    char *e = xg_b64_encode(t.b, t.n);
    back = xg_b64_decode(e, &n);
    assert_int_equal(n, t.n);
    assert_memory_equal(back, t.b, n);
    free(back);
    free(e);
    assert_null(xg_b64_decode("Zm9", &n));
    assert_null(xg_b64_decode("Zm=v", &n));
    assert_null(xg_b64_decode("Zm9v!", &n));
    back = xg_b64_decode("Zm9v\nYg==\n", &n);
    assert_non_null(back);
    assert_int_equal(n, 4);
    free(back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sums),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_lab_trace),
        cmocka_unit_test(test_b64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_figures.c — a report's figures per draw (figures.c) and the slice
 * of one repetition (core/slice.c), on hand-built stores whose figures are
 * known. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/store.h"
#include "report/figures.h"
#include "report/repeat.h"
#include "util/b64.h"
#include "repstore.h"

/* warmup, 3 whole ones, a partial one: draws are repetitions 2, 3, 5 */
static const rs_rep five[] = {
    {50, true, XG_REP_WHOLE}, {40, false, XG_REP_WHOLE},
    {60, false, XG_REP_WHOLE}, {70, false, XG_REP_PARTIAL},
    {80, false, XG_REP_WHOLE},
};

static const xg_fig *must_find(const xg_figset *fs, const char *fam,
                               const char *dom, const char *dev,
                               const char *metric)
{
    const xg_fig *f = xg_figset_find(fs, fam, dom, dev, metric);
    if (!f)
        fail_msg("no figure %s/%s/%s/%s", fam, dom, dev, metric);
    return f;
}

static void test_reps(void **state)
{
    (void)state;
    xg_store s;
    xg_figset fs;
    char err[128];
    rs_build(&s, five, 5);
    assert_int_equal(xg_figset_build(&fs, &s, NULL, err, sizeof(err)), 0);
    assert_int_equal(fs.kind, XG_DRAWS_REPS);
    assert_int_equal(fs.n_draws, 3);
    assert_int_equal(fs.draw_rep[0], 2);
    assert_int_equal(fs.draw_rep[1], 3);
    assert_int_equal(fs.draw_rep[2], 5);
    const xg_fig *a = must_find(&fs, "cpu", "a", "", "cpu_pct");
    assert_string_equal(a->section, "cpu");
    assert_string_equal(a->unit, "%");
    assert_true(a->plot);
    assert_false(a->is_host);
    assert_float_equal(a->v[0], 40, 1e-6);
    assert_float_equal(a->v[1], 60, 1e-6);
    assert_float_equal(a->v[2], 80, 1e-6);
    /* the pause's 9 s are in no repetition */
    const xg_fig *as = must_find(&fs, "cpu", "a", "", "cpu_s");
    assert_float_equal(as->v[0], 0.8, 1e-9);
    const xg_fig *b = must_find(&fs, "cpu", "b", "", "cpu_pct");
    assert_true(isnan(b->v[0])); /* no sample in repetition 2 */
    assert_float_equal(b->v[1], 20, 1e-6);
    assert_float_equal(b->v[2], 20, 1e-6);
    const xg_fig *h = must_find(&fs, "cpu", "host", "", "cpu_pct");
    assert_true(h->is_host);
    assert_float_equal(h->v[0], 40, 1e-6);
    assert_float_equal(h->v[2], 100, 1e-6);
    assert_null(xg_figset_find(&fs, "cpu", "a", "", "nope"));
    assert_null(xg_figset_find(&fs, "cpu", "zz", "", "cpu_pct"));
    xg_figset_free(&fs);
    xg_store_free(&s);
}

static void test_rep_workloads(void **state)
{
    (void)state;
    xg_store s;
    xg_figset fs;
    char err[128];
    rs_build(&s, five, 5);
    assert_int_equal(xg_figset_build(&fs, &s, NULL, err, sizeof(err)), 0);
    const xg_fig *d = must_find(&fs, "workload", "a", "", "duration_s");
    assert_string_equal(d->section, "workload");
    for (int i = 0; i < 3; i++)
        assert_float_equal(d->v[i], 1.5, 1e-9);
    const xg_fig *e = must_find(&fs, "workload", "a", "", "exit_status");
    assert_float_equal(e->v[1], 0, 0);
    /* repetition 3's second workload of a: killed by signal 9 */
    const xg_fig *d2 = must_find(&fs, "workload", "a", "#2", "duration_s");
    const xg_fig *e2 = must_find(&fs, "workload", "a", "#2", "exit_status");
    assert_true(isnan(d2->v[0]));
    assert_float_equal(d2->v[1], 0.5, 1e-9);
    assert_float_equal(e2->v[1], 137, 0);
    assert_true(isnan(e2->v[2]));
    xg_figset_free(&fs);
    xg_store_free(&s);
}

static void test_no_whole_rep(void **state)
{
    (void)state;
    static const rs_rep bad[] = {
        {50, true, XG_REP_WHOLE}, {70, false, XG_REP_PARTIAL},
    };
    xg_store s;
    xg_figset fs;
    char err[128] = "";
    rs_build(&s, bad, 2);
    assert_int_equal(xg_figset_build(&fs, &s, NULL, err, sizeof(err)), -2);
    assert_non_null(strstr(err, "no whole repetition"));
    assert_int_equal(fs.n, 0);
    xg_store_free(&s);
}

/* A single run: one draw per interval. a: 0 -> 0.5 -> 1.5 -> 1.75 s. */
static void test_intervals(void **state)
{
    (void)state;
    xg_store s;
    xg_figset fs;
    char err[128];
    static const uint64_t v[] = {0, 500000000, 1500000000, 1750000000};
    xg_store_init(&s, 0);
    rs_dom(&s, "a", false);
    int64_t u = xg_store_series(&s, 0, "cpu", "", "usage", "ns");
    for (uint32_t t = 0; t < 4; t++) {
        assert_int_equal(xg_store_tick(&s, RS_T0_MONO + t * RS_SEC,
                                       RS_T0_WALL + t * RS_SEC), t);
        assert_int_equal(xg_store_put(&s, (uint32_t)u, v[t]), 0);
    }
    xg_workload w = {.domain = 0, .argv = "[\"x\"]", .start_ns = RS_T0_MONO,
                     .end_ns = RS_T0_MONO + 2 * RS_SEC, .state = "exited",
                     .exit_code = 3};
    assert_true(xg_store_add_workload(&s, &w) >= 0);
    assert_int_equal(xg_figset_build(&fs, &s, NULL, err, sizeof(err)), 0);
    assert_int_equal(fs.kind, XG_DRAWS_INTERVALS);
    assert_int_equal(fs.n_draws, 3);
    const xg_fig *a = must_find(&fs, "cpu", "a", "", "cpu_pct");
    assert_float_equal(a->v[0], 50, 1e-6);
    assert_float_equal(a->v[1], 100, 1e-6);
    assert_float_equal(a->v[2], 25, 1e-6);
    /* the workload ran once: one value, not one per interval */
    const xg_fig *e = must_find(&fs, "workload", "a", "", "exit_status");
    assert_float_equal(e->v[0], 3, 0);
    assert_true(isnan(e->v[1]) && isnan(e->v[2]));
    xg_figset_free(&fs);
    xg_store_free(&s);
}

static void test_one_tick(void **state)
{
    (void)state;
    xg_store s;
    xg_figset fs;
    char err[128] = "";
    xg_store_init(&s, 0);
    rs_dom(&s, "a", false);
    assert_int_equal(xg_store_tick(&s, RS_T0_MONO, RS_T0_WALL), 0);
    assert_int_equal(xg_figset_build(&fs, &s, NULL, err, sizeof(err)), -2);
    assert_non_null(strstr(err, "only one sample"));
    xg_store_free(&s);
}

/* Many domains: every figure is found again through the hash index. */
static void test_many(void **state)
{
    (void)state;
    enum { N = 1000 };
    xg_store s;
    xg_figset fs;
    char err[128], name[32];
    int64_t u[N];
    xg_store_init(&s, 0);
    for (int d = 0; d < N; d++) {
        snprintf(name, sizeof(name), "d%d", d);
        rs_dom(&s, name, false);
        u[d] = xg_store_series(&s, (uint32_t)d, "cpu", "", "usage", "ns");
        assert_true(u[d] >= 0);
    }
    for (uint32_t t = 0; t < 3; t++) {
        assert_int_equal(xg_store_tick(&s, RS_T0_MONO + t * RS_SEC,
                                       RS_T0_WALL + t * RS_SEC), t);
        for (int d = 0; d < N; d++)
            assert_int_equal(xg_store_put(&s, (uint32_t)u[d],
                                          (uint64_t)t * (uint64_t)d * 1000000), 0);
    }
    assert_int_equal(xg_figset_build(&fs, &s, NULL, err, sizeof(err)), 0);
    assert_true(fs.n >= N);
    for (size_t i = 0; i < fs.n; i++) {
        const xg_fig *f = &fs.f[i];
        assert_ptr_equal(xg_figset_find(&fs, f->family, f->domain, f->device,
                                        f->metric), f);
    }
    const xg_fig *f = must_find(&fs, "cpu", "d500", "", "cpu_pct");
    assert_float_equal(f->v[1], 50, 1e-6); /* 0.5 s in 1 s */
    xg_figset_free(&fs);
    xg_store_free(&s);
}

/* ---- xg_store_slice ---- */

static void test_slice(void **state)
{
    (void)state;
    xg_store s, one;
    rs_build(&s, five, 5);
    assert_int_equal(xg_store_slice(&s, 2, &one), 0);
    assert_int_equal(one.n_reps, 0);
    assert_int_equal(one.n_ticks, 3);
    assert_int_equal(one.tick_mono_ns[0], RS_T0_MONO + 4 * RS_SEC);
    assert_int_equal(one.tick_wall_ns[2], RS_T0_WALL + 6 * RS_SEC);
    assert_int_equal(one.n_domains, 3);
    /* a: its values at ticks 4..6, renumbered from 0 */
    int64_t a = xg_store_find_series(&one, 1, "cpu", "", "usage");
    assert_true(a >= 0);
    assert_int_equal(one.series[a].first_tick, 0);
    assert_int_equal(one.series[a].n, 3);
    assert_int_equal(xg_store_get(&one, (uint32_t)a, 0),
                     xg_store_get(&s, (uint32_t)a, 4));
    assert_int_equal(xg_store_get(&one, (uint32_t)a, 2) -
                     xg_store_get(&one, (uint32_t)a, 0), 800000000);
    /* b: a gap all through */
    int64_t b = xg_store_find_series(&one, 2, "cpu", "", "usage");
    assert_true(b >= 0);
    for (uint32_t t = 0; t < 3; t++)
        assert_true(xg_store_get(&one, (uint32_t)b, t) == XG_NOVALUE);
    /* spans cut to the repetition's */
    assert_int_equal(one.domains[1].first_tick, 0);
    assert_int_equal(one.domains[1].last_tick, 2);
    /* its workload only */
    assert_int_equal(one.n_workloads, 1);
    assert_int_equal(one.workloads[0].rep, 2);
    assert_string_equal(xg_store_meta_get(&one, "partial"), "0");
    assert_string_equal(xg_store_meta_get(&one, "hostname"), "h1");
    xg_store_free(&one);

    /* the partial one: meta says so; repetition 3 has two workloads */
    assert_int_equal(xg_store_slice(&s, 4, &one), 0);
    assert_string_equal(xg_store_meta_get(&one, "partial"), "1");
    xg_store_free(&one);
    assert_int_equal(xg_store_slice(&s, 3, &one), 0);
    assert_int_equal(one.n_workloads, 2);
    xg_store_free(&one);
    assert_int_equal(xg_store_slice(&s, 0, &one), -1);
    assert_int_equal(xg_store_slice(&s, 6, &one), -1);
    xg_store_free(&one);
    xg_store_free(&s);
}

/* A domain that came after the repetition: no span in it. */
static void test_slice_late_domain(void **state)
{
    (void)state;
    xg_store s, one;
    rs_build(&s, five, 2);
    uint32_t c = rs_dom(&s, "c", false);
    int64_t u = xg_store_series(&s, c, "cpu", "", "usage", "ns");
    assert_true(xg_store_tick(&s, RS_T0_MONO + 8 * RS_SEC,
                              RS_T0_WALL + 8 * RS_SEC) == 8);
    assert_int_equal(xg_store_put(&s, (uint32_t)u, 5), 0);
    assert_int_equal(xg_store_slice(&s, 1, &one), 0);
    assert_int_equal(one.domains[c].first_tick, -1);
    assert_int_equal(one.domains[c].last_tick, -1);
    int64_t cs = xg_store_find_series(&one, c, "cpu", "", "usage");
    assert_true(cs >= 0);
    assert_int_equal(one.series[cs].n, 0);
    xg_store_free(&one);
    xg_store_free(&s);
}

/* A repeated run on Xen: the SCHED collector's xentrace trace (meta
 * sched.xentrace, here the lab's, tests/fixtures/xentrace) covers the whole
 * recording, every repetition and pause alike. No repetition may take it
 * for its own: the slices leave it out and say why, the figures have no
 * SCHED values, and the repeated report says SCHED is left out. */
static void test_reps_sched_trace(void **state)
{
    (void)state;
    const char *dir = getenv("XG_FIXTURES");
    char path[4096], err[128];
    unsigned char buf[1 << 17];
    xg_store s, one;
    xg_figset fs;
    xg_rmodel rm;
    FILE *f;
    size_t len;
    char *b64;

    snprintf(path, sizeof(path), "%s/xentrace/lab.xentrace",
             dir && *dir ? dir : "tests/fixtures");
    assert_non_null(f = fopen(path, "rb"));
    len = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    assert_true(len > 0 && len < sizeof(buf));
    assert_non_null(b64 = xg_b64_encode(buf, len));
    rs_build(&s, five, 5);
    /* the domids of the trace: Domain-0 and two domUs */
    s.domains[0].platform_id = 0;
    s.domains[1].platform_id = 13752;
    s.domains[2].platform_id = 16701;
    assert_int_equal(xg_store_meta_set(&s, "families", "cpu,sched"), 0);
    assert_int_equal(xg_store_meta_set(&s, "sched.xentrace", b64), 0);
    free(b64);

    assert_int_equal(xg_figset_build(&fs, &s, NULL, err, sizeof(err)), 0);
    for (size_t i = 0; i < fs.n; i++)
        for (size_t d = 0; d < fs.n_draws; d++)
            if (strcmp(fs.f[i].family, "sched") == 0 && !isnan(fs.f[i].v[d]))
                fail_msg("SCHED figure %s of %s has a value in draw %zu",
                         fs.f[i].metric, fs.f[i].domain, d);
    assert_non_null(must_find(&fs, "cpu", "a", "", "cpu_pct"));
    xg_figset_free(&fs);

    assert_int_equal(xg_store_slice(&s, 2, &one), 0);
    assert_null(xg_store_meta_get(&one, "sched.xentrace"));
    assert_non_null(xg_store_meta_get(&one, "note.sched"));
    assert_non_null(strstr(xg_store_meta_get(&one, "note.sched"),
                           "whole repeated run"));
    xg_store_free(&one);

    assert_int_equal(xg_rmodel_build(&rm, &s, NULL), 0);
    bool said = false;
    for (size_t i = 0; i < rm.lines.n; i++)
        said |= strstr(rm.lines.v[i], "SCHED") != NULL;
    assert_true(said);
    xg_rmodel_free(&rm);
    xg_store_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reps),
        cmocka_unit_test(test_rep_workloads),
        cmocka_unit_test(test_no_whole_rep),
        cmocka_unit_test(test_intervals),
        cmocka_unit_test(test_one_tick),
        cmocka_unit_test(test_many),
        cmocka_unit_test(test_slice),
        cmocka_unit_test(test_slice_late_domain),
        cmocka_unit_test(test_reps_sched_trace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

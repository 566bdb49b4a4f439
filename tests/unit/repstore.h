/* repstore.h — a hand-built store of a repeated run (run --repeat) for the
 * figures' and the repeated report's tests (include after cmocka.h).
 *
 * Domains host (0), a (1), b (2); ticks 1 s apart. Repetition r takes
 * ticks 4(r-1) .. 4(r-1)+2 (a 2 s window); tick 4(r-1)+3 is the pause,
 * in no repetition, where a burns 9 CPU seconds that no repetition may
 * count. In each repetition a uses pct[r-1] % of one CPU and b a steady
 * 20 %; b has no sample at all in repetition 2 (a gap). Each repetition has
 * a workload of a (exit 0, 1.5 s), and repetition 3 a second one of a
 * (killed by signal 9 after 0.5 s). */
#ifndef XG_TEST_REPSTORE_H
#define XG_TEST_REPSTORE_H

#include <stdint.h>
#include <stdio.h>

#include "core/store.h"

#define RS_T0_MONO 1000000000000LL
#define RS_T0_WALL 1795650601000000000LL
#define RS_SEC 1000000000LL

typedef struct rs_rep {
    double a_pct;      /* a's CPU % in the repetition */
    bool warmup;
    xg_rep_state state;
} rs_rep;

static inline uint32_t rs_dom(xg_store *s, const char *name, bool host)
{
    char key[64];
    snprintf(key, sizeof(key), "test:%s", name);
    xg_domain_info d = {.key = key, .name = (char *)name, .platform_id = -1,
                        .is_host = host, .first_tick = -1, .last_tick = -1};
    int64_t i = xg_store_add_domain(s, &d);
    assert_true(i >= 0);
    return (uint32_t)i;
}

static inline void rs_workload(xg_store *s, uint32_t rep, int64_t start,
                               int64_t len, const char *state, int sig)
{
    xg_workload w = {.domain = 1, .rep = rep, .argv = "[\"work\"]",
                     .start_ns = start, .end_ns = start + len,
                     .state = (char *)state, .signal = sig};
    assert_true(xg_store_add_workload(s, &w) >= 0);
}

/* The store of n repetitions reps[0..n-1]. */
static inline void rs_build(xg_store *s, const rs_rep *reps, size_t n)
{
    xg_store_init(s, 0);
    rs_dom(s, "host", true);
    rs_dom(s, "a", false);
    rs_dom(s, "b", false);
    int64_t hu = xg_store_series(s, 0, "cpu", "", "usage", "ns");
    int64_t ht = xg_store_series(s, 0, "cpu", "", "total", "ns");
    int64_t au = xg_store_series(s, 1, "cpu", "", "usage", "ns");
    int64_t bu = xg_store_series(s, 2, "cpu", "", "usage", "ns");
    assert_true(hu >= 0 && ht >= 0 && au >= 0 && bu >= 0);
    uint64_t a = 0, b = 0, host = 0, total = 0;
    uint32_t t = 0;
    for (size_t r = 0; r < n; r++) {
        xg_rep rep = {t, t + 2, reps[r].warmup, reps[r].state};
        for (int i = 0; i < 4; i++, t++) {
            int64_t mono = RS_T0_MONO + (int64_t)t * RS_SEC;
            assert_int_equal(xg_store_tick(s, mono,
                                           RS_T0_WALL + (int64_t)t * RS_SEC), t);
            if (i > 0 && i < 3) {
                a += (uint64_t)(reps[r].a_pct / 100 * 1e9 + 0.5);
                b += r != 1 ? 200000000 : 0;
            } else if (i == 3) {
                a += 9 * RS_SEC;
            }
            host = a + b;
            total += 4 * RS_SEC;
            assert_int_equal(xg_store_put(s, (uint32_t)hu, host), 0);
            assert_int_equal(xg_store_put(s, (uint32_t)ht, total), 0);
            assert_int_equal(xg_store_put(s, (uint32_t)au, a), 0);
            if (r != 1)
                assert_int_equal(xg_store_put(s, (uint32_t)bu, b), 0);
        }
        assert_int_equal(xg_store_add_rep(s, &rep), (int64_t)r + 1);
        int64_t start = RS_T0_MONO + (int64_t)rep.first_tick * RS_SEC;
        rs_workload(s, (uint32_t)r + 1, start, 3 * RS_SEC / 2, "exited", 0);
        if (r == 2)
            rs_workload(s, 3, start, RS_SEC / 2, "killed", 9);
    }
    assert_int_equal(xg_store_meta_set(s, "hostname", "h1"), 0);
    assert_int_equal(xg_store_meta_set(s, "families", "cpu"), 0);
    assert_int_equal(xg_store_meta_set(s, "interval_s", "1"), 0);
    assert_int_equal(xg_store_meta_set(s, "ncpus", "4"), 0);
}

#endif

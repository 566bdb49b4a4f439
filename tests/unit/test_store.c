/* test_store.c — the in-memory experiment model: domains, series, ticks, gaps. */
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
#include "report/calc.h"

/* A domain as a collector would describe it, before any sample. */
static xg_domain_info dom(char *key, char *name, char *addr)
{
    xg_domain_info d = {
        .key = key, .name = name, .address = addr, .uuid = NULL,
        .platform_id = -1, .vcpus = 0, .is_host = false,
        .first_tick = -1, .last_tick = -1,
    };
    return d;
}

static void domains(void **state)
{
    char key[32] = "cgroup:machine.slice/a", name[8] = "a", addr[16] = "10.0.0.1";
    xg_domain_info d = dom(key, name, addr);
    xg_domain_info h = dom("host", "host", NULL);
    xg_store s;

    (void)state;
    xg_store_init(&s, 0);
    d.uuid = "1234-5678";
    d.platform_id = 4242;
    d.vcpus = 2;
    h.is_host = true;
    assert_int_equal(xg_store_add_domain(&s, &h), 0);
    assert_int_equal(xg_store_add_domain(&s, &d), 1);
    assert_int_equal(s.n_domains, 2);
    /* the strings are copies */
    strcpy(key, "changed");
    strcpy(name, "b");
    strcpy(addr, "x");
    assert_string_equal(s.domains[1].key, "cgroup:machine.slice/a");
    assert_string_equal(s.domains[1].name, "a");
    assert_string_equal(s.domains[1].address, "10.0.0.1");
    assert_string_equal(s.domains[1].uuid, "1234-5678");
    assert_int_equal(s.domains[1].platform_id, 4242);
    assert_int_equal(s.domains[1].vcpus, 2);
    assert_false(s.domains[1].is_host);
    assert_true(s.domains[0].is_host);
    assert_null(s.domains[0].address);
    assert_null(s.domains[0].uuid);

    assert_int_equal(xg_store_find_domain(&s, "cgroup:machine.slice/a"), 1);
    assert_int_equal(xg_store_find_domain(&s, "host"), 0);
    assert_int_equal(xg_store_find_domain(&s, "changed"), -1);
    assert_int_equal(xg_store_find_domain(&s, "cgroup:machine.slice"), -1);
    xg_store_free(&s);
}

static void series_create_and_find(void **state)
{
    xg_domain_info a = dom("a", "a", NULL), b = dom("b", "b", NULL);
    xg_store s;
    int64_t u, d0, d1;

    (void)state;
    xg_store_init(&s, 0);
    xg_store_add_domain(&s, &a);
    xg_store_add_domain(&s, &b);
    u = xg_store_series(&s, 0, "cpu", NULL, "usage", "ns");
    d0 = xg_store_series(&s, 0, "disk", "vda", "rd_bytes", "bytes");
    d1 = xg_store_series(&s, 1, "disk", "vda", "rd_bytes", "bytes");
    assert_true(u >= 0 && d0 >= 0 && d1 >= 0);
    assert_true(u != d0 && d0 != d1 && u != d1);
    assert_int_equal(s.n_series, 3);
    /* asking again returns the same series; NULL device means "" */
    assert_int_equal(xg_store_series(&s, 0, "cpu", "", "usage", "ns"), u);
    assert_int_equal(xg_store_series(&s, 1, "disk", "vda", "rd_bytes",
                                     "bytes"), d1);
    assert_int_equal(s.n_series, 3);
    assert_string_equal(s.series[u].device, "");
    assert_string_equal(s.series[u].unit, "ns");
    assert_string_equal(s.series[d0].family, "disk");
    assert_string_equal(s.series[d0].metric, "rd_bytes");
    assert_int_equal(s.series[d1].domain, 1);

    assert_int_equal(xg_store_find_series(&s, 0, "cpu", "", "usage"), u);
    assert_int_equal(xg_store_find_series(&s, 0, "disk", "vda", "rd_bytes"), d0);
    assert_int_equal(xg_store_find_series(&s, 1, "cpu", "", "usage"), -1);
    assert_int_equal(xg_store_find_series(&s, 0, "disk", "vdb", "rd_bytes"), -1);
    assert_int_equal(xg_store_find_series(&s, 0, "disk", "vda", "wr_bytes"), -1);
    assert_int_equal(xg_store_find_series(&s, 0, "hostdisk", "vda", "rd_bytes"),
                     -1);

    assert_int_equal(xg_store_series_note(&s, (uint32_t)d0, "device removed"), 0);
    assert_string_equal(s.series[d0].note, "device removed");
    assert_null(s.series[u].note);
    xg_store_free(&s);
}

static void ticks(void **state)
{
    xg_store s;

    (void)state;
    xg_store_init(&s, 2);
    assert_int_equal(s.n_ticks, 0);
    for (int i = 0; i < 50; i++)
        assert_int_equal(xg_store_tick(&s, 1000 + i, 5000000 + 10 * i), i);
    assert_int_equal(s.n_ticks, 50);
    assert_int_equal(s.tick_mono_ns[0], 1000);
    assert_int_equal(s.tick_mono_ns[49], 1049);
    assert_int_equal(s.tick_wall_ns[49], 5000490);
    xg_store_free(&s);
}

/* An import's store: every tick made first, then each series' values at
 * their ticks: gaps filled, the domain's span widened, a tick before the
 * series' first value or past the last tick refused. */
static void put_at_ticks(void **state)
{
    xg_domain_info a = dom("a", "a", NULL);
    xg_store s;
    uint32_t x;

    (void)state;
    xg_store_init(&s, 6);
    assert_true(xg_store_add_domain(&s, &a) == 0);
    x = (uint32_t)xg_store_series(&s, 0, "cpu", "", "usage", "ns");
    for (int i = 0; i < 6; i++)
        assert_int_equal(xg_store_tick(&s, i, i), i);
    assert_int_equal(xg_store_put_at(&s, x, 2, 20), 0);
    assert_int_equal(xg_store_put_at(&s, x, 4, 40), 0);
    assert_int_equal(xg_store_put_at(&s, x, 1, 10), -1);
    assert_int_equal(xg_store_put_at(&s, x, 6, 60), -1);
    assert_true(xg_store_get(&s, x, 1) == XG_NOVALUE);
    assert_true(xg_store_get(&s, x, 2) == 20);
    assert_true(xg_store_get(&s, x, 3) == XG_NOVALUE);
    assert_true(xg_store_get(&s, x, 4) == 40);
    assert_int_equal(s.domains[0].first_tick, 2);
    assert_int_equal(s.domains[0].last_tick, 4);
    xg_store_free(&s);
}

/* A device first seen at tick 3 that counted nothing before: its first
 * value (0) goes at the domain's first reading, tick 1; a series with a
 * value already, or a tick not made yet, is refused. */
static void put_first_earlier(void **state)
{
    xg_domain_info a = dom("a", "a", NULL);
    xg_store s;
    uint32_t late, cpu;

    (void)state;
    xg_store_init(&s, 8);
    xg_store_add_domain(&s, &a);
    cpu = (uint32_t)xg_store_series(&s, 0, "cpu", NULL, "usage", "ns");
    late = (uint32_t)xg_store_series(&s, 0, "disk", "sdb", "wr_bytes",
                                     "bytes");
    for (uint32_t t = 0; t < 4; t++) {
        assert_int_equal(xg_store_tick(&s, t, t), t);
        if (t >= 1)
            assert_int_equal(xg_store_put(&s, cpu, t), 0);
    }
    assert_int_equal(xg_store_put_first(&s, late, 4, 0), -1); /* no tick 4 */
    assert_int_equal(xg_store_put_first(&s, late, 1, 0), 0);
    assert_int_equal(xg_store_put(&s, late, 4096), 0);
    assert_int_equal(xg_store_put_first(&s, late, 0, 0), -1); /* has values */
    assert_true(xg_store_get(&s, late, 0) == XG_NOVALUE);
    assert_true(xg_store_get(&s, late, 1) == 0);
    assert_true(xg_store_get(&s, late, 2) == 0); /* no hole in the span */
    assert_true(xg_store_get(&s, late, 3) == 4096);
    assert_int_equal(s.domains[0].first_tick, 1);
    assert_int_equal(s.domains[0].last_tick, 3);
    xg_store_free(&s);
}

static void put_with_gaps(void **state)
{
    xg_domain_info a = dom("a", "a", NULL), b = dom("b", "b", NULL);
    xg_store s;
    uint32_t every, sparse, late, other;

    (void)state;
    xg_store_init(&s, 4);
    xg_store_add_domain(&s, &a);
    xg_store_add_domain(&s, &b);
    every = (uint32_t)xg_store_series(&s, 0, "cpu", NULL, "usage", "ns");
    sparse = (uint32_t)xg_store_series(&s, 0, "cpu", NULL, "user", "ns");
    late = (uint32_t)xg_store_series(&s, 0, "disk", "vda", "rd_ios", "ios");
    other = (uint32_t)xg_store_series(&s, 1, "cpu", NULL, "usage", "ns");

    /* ticks 0..9; every gets 100*t, sparse only at 0 and 3, late from 2 to 6,
     * and domain b's series only at 4 and 7 */
    for (uint32_t t = 0; t < 10; t++) {
        assert_int_equal(xg_store_tick(&s, t, t), t);
        assert_int_equal(xg_store_put(&s, every, 100 * t), 0);
        if (t == 0 || t == 3)
            assert_int_equal(xg_store_put(&s, sparse, 7 + t), 0);
        if (t >= 2 && t <= 6)
            assert_int_equal(xg_store_put(&s, late, t * t), 0);
        if (t == 4 || t == 7)
            assert_int_equal(xg_store_put(&s, other, 1000 + t), 0);
    }
    for (uint32_t t = 0; t < 10; t++)
        assert_int_equal(xg_store_get(&s, every, t), 100 * t);
    assert_true(xg_store_get(&s, every, 10) == XG_NOVALUE);

    assert_int_equal(xg_store_get(&s, sparse, 0), 7);
    assert_true(xg_store_get(&s, sparse, 1) == XG_NOVALUE);
    assert_true(xg_store_get(&s, sparse, 2) == XG_NOVALUE);
    assert_int_equal(xg_store_get(&s, sparse, 3), 10);
    assert_true(xg_store_get(&s, sparse, 4) == XG_NOVALUE);
    assert_true(xg_store_get(&s, sparse, 9) == XG_NOVALUE);

    assert_true(xg_store_get(&s, late, 0) == XG_NOVALUE);
    assert_true(xg_store_get(&s, late, 1) == XG_NOVALUE);
    assert_int_equal(xg_store_get(&s, late, 2), 4);
    assert_int_equal(xg_store_get(&s, late, 6), 36);
    assert_true(xg_store_get(&s, late, 7) == XG_NOVALUE);
    /* the layout promised by the header: values[i] is tick first_tick+i */
    assert_int_equal(s.series[late].first_tick, 2);
    assert_int_equal(s.series[late].values[6 - 2], 36);

    assert_true(xg_store_get(&s, other, 3) == XG_NOVALUE);
    assert_int_equal(xg_store_get(&s, other, 4), 1004);
    assert_true(xg_store_get(&s, other, 5) == XG_NOVALUE);
    assert_true(xg_store_get(&s, other, 6) == XG_NOVALUE);
    assert_int_equal(xg_store_get(&s, other, 7), 1007);
    xg_store_free(&s);
}

static void domain_tick_range(void **state)
{
    xg_domain_info a = dom("a", "a", NULL), b = dom("b", "b", NULL);
    xg_domain_info c = dom("c", "c", NULL);
    xg_store s;
    uint32_t sa1, sa2, sb;

    (void)state;
    xg_store_init(&s, 0);
    xg_store_add_domain(&s, &a);
    xg_store_add_domain(&s, &b);
    xg_store_add_domain(&s, &c);
    sa1 = (uint32_t)xg_store_series(&s, 0, "cpu", NULL, "usage", "ns");
    sa2 = (uint32_t)xg_store_series(&s, 0, "disk", "vda", "rd_ios", "ios");
    sb = (uint32_t)xg_store_series(&s, 1, "cpu", NULL, "usage", "ns");
    assert_int_equal(s.domains[0].first_tick, -1);
    assert_int_equal(s.domains[0].last_tick, -1);
    /* a: cpu at ticks 2..3, disk at 5; b: only at 1; c: never */
    for (uint32_t t = 0; t < 8; t++) {
        xg_store_tick(&s, t, t);
        if (t == 2 || t == 3)
            assert_int_equal(xg_store_put(&s, sa1, t), 0);
        if (t == 5)
            assert_int_equal(xg_store_put(&s, sa2, t), 0);
        if (t == 1)
            assert_int_equal(xg_store_put(&s, sb, t), 0);
    }
    assert_int_equal(s.domains[0].first_tick, 2);
    assert_int_equal(s.domains[0].last_tick, 5);
    assert_int_equal(s.domains[1].first_tick, 1);
    assert_int_equal(s.domains[1].last_tick, 1);
    assert_int_equal(s.domains[2].first_tick, -1);
    assert_int_equal(s.domains[2].last_tick, -1);
    xg_store_free(&s);
}

static void meta(void **state)
{
    char v[16] = "0.1.0";
    xg_store s;

    (void)state;
    xg_store_init(&s, 0);
    assert_null(xg_store_meta_get(&s, "version"));
    assert_int_equal(xg_store_meta_set(&s, "version", v), 0);
    assert_int_equal(xg_store_meta_set(&s, "interval", "1.0"), 0);
    strcpy(v, "mutated");
    assert_string_equal(xg_store_meta_get(&s, "version"), "0.1.0");
    assert_int_equal(xg_store_meta_set(&s, "version", "0.2.0"), 0);
    assert_string_equal(xg_store_meta_get(&s, "version"), "0.2.0");
    assert_string_equal(xg_store_meta_get(&s, "interval"), "1.0");
    assert_int_equal(s.n_meta, 2);
    assert_null(xg_store_meta_get(&s, "vers"));
    assert_null(xg_store_meta_get(&s, "version2"));
    /* deleting keeps the others in their order */
    assert_int_equal(xg_store_meta_set(&s, "third", "3"), 0);
    xg_store_meta_del(&s, "version");
    xg_store_meta_del(&s, "nosuch");
    assert_null(xg_store_meta_get(&s, "version"));
    assert_int_equal(s.n_meta, 2);
    assert_string_equal(s.meta[0].key, "interval");
    assert_string_equal(s.meta[1].key, "third");
    xg_store_free(&s);
}

static void workloads(void **state)
{
    char argv[32] = "[\"ssh\",\"root@a\"]", st[16] = "exited";
    xg_workload w = {.domain = 0, .argv = argv, .start_ns = 10,
                     .end_ns = 99, .exit_code = 3, .signal = 0, .state = st};
    xg_workload k = {.domain = 1, .argv = "[\"x\"]", .start_ns = 5,
                     .end_ns = -1, .exit_code = 0, .signal = 9,
                     .state = "killed"};
    xg_store s;

    (void)state;
    xg_store_init(&s, 0);
    assert_int_equal(xg_store_add_workload(&s, &w), 0);
    assert_int_equal(xg_store_add_workload(&s, &k), 1);
    strcpy(argv, "gone");
    strcpy(st, "gone");
    assert_int_equal(s.n_workloads, 2);
    assert_ptr_not_equal(s.workloads[0].argv, argv);
    assert_string_equal(s.workloads[0].argv, "[\"ssh\",\"root@a\"]");
    assert_string_equal(s.workloads[0].state, "exited");
    assert_int_equal(s.workloads[0].exit_code, 3);
    assert_int_equal(s.workloads[0].start_ns, 10);
    assert_int_equal(s.workloads[0].end_ns, 99);
    assert_string_equal(s.workloads[1].state, "killed");
    assert_int_equal(s.workloads[1].signal, 9);
    assert_int_equal(s.workloads[1].end_ns, -1);
    assert_int_equal(s.workloads[1].domain, 1);
    xg_store_free(&s);
}

static void sample_bytes_grow(void **state)
{
    xg_domain_info a = dom("a", "a", NULL);
    xg_store s;
    size_t before, mid, after;
    uint32_t x;

    (void)state;
    xg_store_init(&s, 2);
    xg_store_add_domain(&s, &a);
    x = (uint32_t)xg_store_series(&s, 0, "cpu", NULL, "usage", "ns");
    before = xg_store_sample_bytes(&s);
    xg_store_tick(&s, 0, 0);
    xg_store_put(&s, x, 1);
    mid = xg_store_sample_bytes(&s);
    /* at least one tick (two int64 times) and one value are held now */
    assert_true(mid >= before + 2 * sizeof(int64_t) + sizeof(uint64_t));
    for (uint32_t t = 1; t < 1000; t++) {
        xg_store_tick(&s, t, t);
        assert_int_equal(xg_store_put(&s, x, t), 0);
    }
    after = xg_store_sample_bytes(&s);
    /* 1000 ticks of two times and one value: at least 24000 bytes */
    assert_true(after >= 1000 * (2 * sizeof(int64_t) + sizeof(uint64_t)));
    assert_true(after > mid);
    xg_store_free(&s);
}

/* xg_store_take moves the values out (the same arrays, no copy) and the
 * series go on: a value put after it lands at its own tick, a gap across
 * the take stays a gap, and xg_store_series_last still knows the end. */
static void take_moves_values(void **state)
{
    xg_domain_info a = dom("a", "a", NULL);
    xg_store s;
    xg_chunk c;
    uint32_t every, gap, late, never;
    uint64_t *every_values;
    size_t held;

    (void)state;
    xg_store_init(&s, 100);
    s.prealloc_max = 4;
    xg_store_add_domain(&s, &a);
    every = (uint32_t)xg_store_series(&s, 0, "cpu", NULL, "usage", "ns");
    gap = (uint32_t)xg_store_series(&s, 0, "cpu", NULL, "user", "ns");
    late = (uint32_t)xg_store_series(&s, 0, "disk", "vda", "rd_ios", "ios");
    never = (uint32_t)xg_store_series(&s, 0, "disk", "vda", "wr_ios", "ios");
    for (uint32_t t = 0; t < 3; t++) {
        xg_store_tick(&s, t, t);
        xg_store_put(&s, every, 10 + t);
        if (t == 1)
            xg_store_put(&s, gap, 500);
    }
    /* prealloc_max bounds the first array of a long run */
    assert_true(s.series[every].cap >= 3 && s.series[every].cap <= 8);
    every_values = s.series[every].values;
    held = xg_store_sample_bytes(&s);

    assert_int_equal(xg_store_take(&s, &c), 0);
    assert_int_equal(c.n, 2);               /* late and never have none */
    assert_int_equal(c.runs[0].series, every);
    assert_int_equal(c.runs[0].first_tick, 0);
    assert_int_equal(c.runs[0].n, 3);
    assert_ptr_equal(c.runs[0].values, every_values); /* moved, not copied */
    assert_int_equal(c.runs[0].values[2], 12);
    assert_int_equal(c.runs[1].series, gap);
    assert_int_equal(c.runs[1].first_tick, 1);
    assert_int_equal(c.runs[1].n, 1);
    assert_int_equal(c.bytes, ((size_t)c.runs[0].cap + c.runs[1].cap) *
                                  sizeof(uint64_t));
    assert_int_equal(xg_store_sample_bytes(&s), held - c.bytes);
    assert_int_equal(s.series[every].n, 0);
    assert_null(s.series[every].values);
    assert_true(xg_store_get(&s, every, 1) == XG_NOVALUE); /* moved out */
    assert_int_equal(xg_store_series_last(&s, every), 2);
    assert_int_equal(xg_store_series_last(&s, gap), 1);
    assert_int_equal(xg_store_series_last(&s, late), -1);

    /* ticks 3..6: every at each, gap only at 5, late from 4 */
    for (uint32_t t = 3; t < 7; t++) {
        xg_store_tick(&s, t, t);
        xg_store_put(&s, every, 10 + t);
        if (t == 5)
            xg_store_put(&s, gap, 800);
        if (t >= 4)
            xg_store_put(&s, late, 7 * t);
    }
    assert_int_equal(s.series[every].first_tick, 3);
    assert_int_equal(xg_store_get(&s, every, 3), 13);
    assert_int_equal(xg_store_get(&s, every, 6), 16);
    assert_int_equal(s.series[gap].first_tick, 5);
    assert_int_equal(s.series[gap].n, 1);
    assert_true(xg_store_get(&s, gap, 4) == XG_NOVALUE);
    assert_int_equal(xg_store_get(&s, late, 4), 28);
    assert_int_equal(xg_store_series_last(&s, every), 6);
    assert_int_equal(xg_store_series_last(&s, late), 6);
    assert_int_equal(xg_store_series_last(&s, never), -1);
    /* the domain's span is the whole run, take or not */
    assert_int_equal(s.domains[0].first_tick, 0);
    assert_int_equal(s.domains[0].last_tick, 6);
    assert_int_equal(s.n_ticks, 7);
    xg_chunk_free(&c);
    assert_int_equal(c.n, 0);

    /* nothing held: an empty chunk, no allocation */
    assert_int_equal(xg_store_take(&s, &c), 0);
    assert_int_equal(c.n, 3);
    xg_chunk_free(&c);
    assert_int_equal(xg_store_take(&s, &c), 0);
    assert_int_equal(c.n, 0);
    assert_null(c.runs);
    xg_store_free(&s);
}

/* The index: many series over many domains, found again after every
 * growth of the table, asked again without a duplicate, absent keys not
 * found. */
static void index_many_adds(void **state)
{
    enum { ND = 40, NPER = 60 }; /* 2400 series: the table doubles 6 times */
    static const char *const fam[] = {"cpu", "disk", "net"};
    char dev[16], met[16], key[16];
    int64_t idx[ND][NPER];
    size_t seen_cap = 0, grew = 0;
    xg_store s;

    (void)state;
    xg_store_init(&s, 0);
    for (int d = 0; d < ND; d++) {
        snprintf(key, sizeof(key), "d%d", d);
        xg_domain_info di = dom(key, key, NULL);
        assert_int_equal(xg_store_add_domain(&s, &di), d);
    }
    /* interleaved: series j of every domain, then series j+1 */
    for (int j = 0; j < NPER; j++) {
        for (int d = 0; d < ND; d++) {
            snprintf(dev, sizeof(dev), "dev%d", j % 7);
            snprintf(met, sizeof(met), "m%d", j);
            idx[d][j] = xg_store_series(&s, (uint32_t)d, fam[j % 3], dev,
                                        met, "u");
            assert_int_equal(idx[d][j], (int64_t)s.n_series - 1);
        }
        if (s.cap_slots != seen_cap) {
            grew++;
            seen_cap = s.cap_slots;
            /* after a growth, every series so far is found again */
            for (int d = 0; d < ND; d++)
                for (int k = 0; k <= j; k++) {
                    snprintf(dev, sizeof(dev), "dev%d", k % 7);
                    snprintf(met, sizeof(met), "m%d", k);
                    assert_int_equal(xg_store_find_series(&s, (uint32_t)d,
                                                          fam[k % 3], dev, met),
                                     idx[d][k]);
                }
        }
    }
    assert_true(grew >= 6);
    assert_int_equal(s.n_series, ND * NPER);
    assert_true(s.cap_slots >= 2 * s.n_series);
    for (int d = 0; d < ND; d++)
        for (int j = 0; j < NPER; j++) {
            snprintf(dev, sizeof(dev), "dev%d", j % 7);
            snprintf(met, sizeof(met), "m%d", j);
            assert_int_equal(xg_store_find_series(&s, (uint32_t)d, fam[j % 3],
                                                  dev, met), idx[d][j]);
            assert_int_equal(xg_store_series(&s, (uint32_t)d, fam[j % 3], dev,
                                             met, "other"), idx[d][j]);
            /* the same names under another family, device or domain */
            assert_int_equal(xg_store_find_series(&s, (uint32_t)d,
                                                  fam[(j + 1) % 3], dev, met),
                             -1);
            assert_int_equal(xg_store_find_series(&s, (uint32_t)d, fam[j % 3],
                                                  "dev7", met), -1);
            assert_int_equal(xg_store_find_series(&s, ND, fam[j % 3], dev,
                                                  met), -1);
        }
    assert_int_equal(s.n_series, ND * NPER);
    assert_string_equal(s.series[idx[3][5]].unit, "u");
    xg_store_free(&s);
}

/* Keys that would run together if the parts were simply concatenated. */
static void index_key_parts(void **state)
{
    xg_domain_info a = dom("a", "a", NULL);
    xg_store s;
    int64_t x, y, z;

    (void)state;
    xg_store_init(&s, 0);
    xg_store_add_domain(&s, &a);
    x = xg_store_series(&s, 0, "ab", "c", "m", "");
    y = xg_store_series(&s, 0, "a", "bc", "m", "");
    z = xg_store_series(&s, 0, "a", "b", "cm", "");
    assert_true(x >= 0 && y >= 0 && z >= 0);
    assert_true(x != y && y != z && x != z);
    assert_int_equal(xg_store_find_series(&s, 0, "ab", "c", "m"), x);
    assert_int_equal(xg_store_find_series(&s, 0, "a", "bc", "m"), y);
    assert_int_equal(xg_store_find_series(&s, 0, "a", "b", "cm"), z);
    assert_int_equal(xg_store_find_series(&s, 0, "abc", "", "m"), -1);
    xg_store_free(&s);
}

/* One domain with many devices beside small ones: its listing (by family
 * or all) is its own series in the order they were added. */
static void index_domain_listing(void **state)
{
    enum { NDEV = 500 };
    xg_domain_info a = dom("a", "a", NULL), b = dom("b", "b", NULL),
                   c = dom("c", "c", NULL);
    int64_t disk[NDEV * 2], cpu_a, cpu_b = -1, net_b = -1, i;
    char dev[16];
    size_t pos, n;
    xg_store s;

    (void)state;
    xg_store_init(&s, 0);
    xg_store_add_domain(&s, &a);
    xg_store_add_domain(&s, &b);
    xg_store_add_domain(&s, &c);
    cpu_a = xg_store_series(&s, 0, "cpu", NULL, "usage", "ns");
    for (int k = 0; k < NDEV; k++) {
        snprintf(dev, sizeof(dev), "xvd%d", k);
        disk[2 * k] = xg_store_series(&s, 0, "disk", dev, "rd_bytes", "bytes");
        if (k == NDEV / 2) { /* domain b's in between */
            cpu_b = xg_store_series(&s, 1, "cpu", NULL, "usage", "ns");
            net_b = xg_store_series(&s, 1, "net", "eth0", "rx_bytes", "bytes");
        }
        disk[2 * k + 1] = xg_store_series(&s, 0, "disk", dev, "wr_bytes",
                                          "bytes");
    }
    pos = n = 0;
    while ((i = xg_store_next_series(&s, 0, "disk", &pos)) >= 0) {
        assert_true(n < NDEV * 2);
        assert_int_equal(i, disk[n]);
        n++;
    }
    assert_int_equal(n, NDEV * 2);
    /* at the end it stays at the end */
    assert_int_equal(xg_store_next_series(&s, 0, "disk", &pos), -1);
    pos = 0;
    assert_int_equal(xg_store_next_series(&s, 0, "cpu", &pos), cpu_a);
    assert_int_equal(xg_store_next_series(&s, 0, "cpu", &pos), -1);
    pos = n = 0;
    while ((i = xg_store_next_series(&s, 0, NULL, &pos)) >= 0) {
        assert_true(n <= NDEV * 2);
        assert_int_equal(i, n == 0 ? cpu_a : disk[n - 1]);
        n++;
    }
    assert_int_equal(n, NDEV * 2 + 1);
    pos = 0;
    assert_int_equal(xg_store_next_series(&s, 1, NULL, &pos), cpu_b);
    assert_int_equal(xg_store_next_series(&s, 1, NULL, &pos), net_b);
    assert_int_equal(xg_store_next_series(&s, 1, NULL, &pos), -1);
    pos = 0;
    assert_int_equal(xg_store_next_series(&s, 1, "disk", &pos), -1);
    /* a domain without series, and one past every domain */
    pos = 0;
    assert_int_equal(xg_store_next_series(&s, 2, NULL, &pos), -1);
    pos = 0;
    assert_int_equal(xg_store_next_series(&s, 1000, NULL, &pos), -1);
    xg_store_free(&s);
}

/* Series filled in by hand (as a checkpoint's header is) are found by the
 * lookups too, and indexed when xg_store_series adds the next. */
static void index_hand_filled(void **state)
{
    xg_domain_info a = dom("a", "a", NULL);
    xg_store s;
    size_t pos = 0;
    int64_t u, r;

    (void)state;
    xg_store_init(&s, 0);
    xg_store_add_domain(&s, &a);
    u = xg_store_series(&s, 0, "cpu", NULL, "usage", "ns");
    assert_int_equal(u, 0);
    /* room is there: the array grows by 8 */
    assert_true(s.cap_series > 1);
    s.series[1] = (xg_series){.domain = 0, .family = strdup("disk"),
                              .device = strdup("vda"),
                              .metric = strdup("rd_bytes"),
                              .unit = strdup("bytes")};
    s.n_series = 2;
    assert_int_equal(xg_store_find_series(&s, 0, "disk", "vda", "rd_bytes"), 1);
    assert_int_equal(xg_store_next_series(&s, 0, NULL, &pos), 0);
    assert_int_equal(xg_store_next_series(&s, 0, NULL, &pos), 1);
    assert_int_equal(xg_store_next_series(&s, 0, NULL, &pos), -1);
    /* asking for it by xg_store_series finds it, no duplicate */
    assert_int_equal(xg_store_series(&s, 0, "disk", "vda", "rd_bytes", "b"), 1);
    assert_int_equal(s.n_series, 2);
    assert_int_equal(s.n_indexed, 2);
    r = xg_store_series(&s, 0, "disk", "vda", "wr_bytes", "bytes");
    assert_int_equal(r, 2);
    pos = 0;
    assert_int_equal(xg_store_next_series(&s, 0, "disk", &pos), 1);
    assert_int_equal(xg_store_next_series(&s, 0, "disk", &pos), 2);
    assert_int_equal(xg_store_next_series(&s, 0, "disk", &pos), -1);
    xg_store_free(&s);
}

/* The report's sums over a domain's devices count that domain's series of
 * that family and metric, and nothing of other domains. */
static void calc_sums_by_domain(void **state)
{
    xg_domain_info a = dom("a", "a", NULL), b = dom("b", "b", NULL);
    char dev[16];
    int64_t ser[2][10];
    uint64_t sum;
    xg_store s;

    (void)state;
    xg_store_init(&s, 0);
    xg_store_add_domain(&s, &a);
    xg_store_add_domain(&s, &b);
    for (int d = 0; d < 2; d++)
        for (int k = 0; k < 10; k++) {
            snprintf(dev, sizeof(dev), "vd%c", 'a' + k);
            ser[d][k] = xg_store_series(&s, (uint32_t)d, "disk", dev,
                                        k % 2 ? "wr_bytes" : "rd_bytes", "b");
        }
    for (uint32_t t = 0; t < 3; t++) {
        xg_store_tick(&s, (int64_t)t * 1000000000, 0);
        for (int d = 0; d < 2; d++)
            for (int k = 0; k < 10; k++)
                xg_store_put(&s, (uint32_t)ser[d][k],
                             (uint64_t)t * (uint64_t)(k + 1) * (d ? 100 : 1));
    }
    /* domain a, rd_bytes: k = 0,2,4,6,8 grow by k+1 a tick, 2 ticks */
    assert_true(xg_calc_sum(&s, 0, XG_S_DISK_RD_BYTES, &sum));
    assert_int_equal(sum, 2 * (1 + 3 + 5 + 7 + 9));
    assert_true(xg_calc_sum_step(&s, 1, XG_S_DISK_WR_BYTES, 2, &sum));
    assert_int_equal(sum, 100 * (2 + 4 + 6 + 8 + 10));
    uint64_t wr;
    assert_true(xg_calc_sum(&s, 1, XG_S_DISK_RD_BYTES, &sum));
    assert_true(xg_calc_sum(&s, 1, XG_S_DISK_WR_BYTES, &wr));
    assert_int_equal(sum + wr, 2 * 100 * 55);
    assert_false(xg_calc_sum(&s, 0, XG_S_NET_RX_BYTES, &sum));
    /* the sid forms find the series the strings name; the index forms
     * give what the lookups give */
    assert_int_equal(xg_calc_series_of(&s, 1, XG_S_DISK_WR_BYTES, "vdd"),
                     ser[1][3]);
    assert_int_equal(xg_calc_series_of(&s, 1, XG_S_DISK_RD_BYTES, "vdd"), -1);
    double sa, sb;
    for (uint32_t k = 0; k < 3; k++) {
        double x = xg_calc_delta_at(&s, 1, XG_S_DISK_WR_BYTES, "vdd", k, &sa);
        double y = xg_calc_delta_idx(&s, ser[1][3], k, &sb);
        assert_true(k ? x == 400 && sa == 1 : x == 800 && sa == 2);
        assert_true(x == y && sa == sb);
        uint32_t ix[5];
        for (int j = 0; j < 5; j++)
            ix[j] = (uint32_t)ser[1][2 * j];
        x = xg_calc_sum_at(&s, 1, XG_S_DISK_RD_BYTES, k, &sa);
        y = xg_calc_sum_idx(&s, 1, ix, 5, k, &sb);
        assert_true(x == (k ? 1 : 2) * 100.0 * (1 + 3 + 5 + 7 + 9));
        assert_true(x == y && sa == sb);
    }
    assert_true(isnan(xg_calc_delta_idx(&s, -1, 0, &sa)) && sa == 0);
    assert_true(xg_calc_has_family(&s, 1, "disk"));
    assert_false(xg_calc_has_family(&s, 1, "cpu"));
    assert_false(xg_calc_has_family(&s, 2, "disk"));
    xg_store_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(domains),
        cmocka_unit_test(series_create_and_find),
        cmocka_unit_test(ticks),
        cmocka_unit_test(put_at_ticks),
        cmocka_unit_test(put_with_gaps),
        cmocka_unit_test(put_first_earlier),
        cmocka_unit_test(domain_tick_range),
        cmocka_unit_test(meta),
        cmocka_unit_test(workloads),
        cmocka_unit_test(sample_bytes_grow),
        cmocka_unit_test(take_moves_values),
        cmocka_unit_test(index_many_adds),
        cmocka_unit_test(index_key_parts),
        cmocka_unit_test(index_domain_listing),
        cmocka_unit_test(index_hand_filled),
        cmocka_unit_test(calc_sums_by_domain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

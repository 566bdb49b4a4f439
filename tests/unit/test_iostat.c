/* test_iostat.c — counter deltas across wraps/resets and the iostat -x maths. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/iostat.h"

#define assert_dbl(a, b)                                                    \
    do {                                                                    \
        double a_ = (a), b_ = (b);                                          \
        if (fabs(a_ - b_) > 1e-9)                                           \
            fail_msg("%s = %.12g, expected %.12g", #a, a_, b_);             \
    } while (0)

static void delta_normal(void **state)
{
    (void)state;
    assert_int_equal(xg_counter_delta(100, 250), 150);
    assert_int_equal(xg_counter_delta(7, 7), 0);
    assert_int_equal(xg_counter_delta(0, 0x1ffffffffULL), 0x1ffffffffULL);
    /* above 32 bits, still going up */
    assert_int_equal(xg_counter_delta(5000000000ULL, 5000000123ULL), 123);
}

static void delta_wrap32(void **state)
{
    (void)state;
    /* 0xFFFFFFF0 -> 2^32 is 0x10, then 0x10 more */
    assert_int_equal(xg_counter_delta(0xFFFFFFF0ULL, 0x10), 0x20);
    assert_int_equal(xg_counter_delta(0xFFFFFFFFULL, 0), 1);
    assert_int_equal(xg_counter_delta(0xFFFFFF00ULL, 0xFF), 0x1FF);
}

static void delta_reset(void **state)
{
    (void)state;
    /* old does not fit 32 bits: a reset, counted from zero */
    assert_int_equal(xg_counter_delta(5000000000ULL, 100), 100);
    /* fits 32 bits but a wrap would be a step of ~4.29e9: a reset */
    assert_int_equal(xg_counter_delta(1000000, 5), 5);
    assert_int_equal(xg_counter_delta(1, 0), 0);
}

static void compute_known(void **state)
{
    xg_diskstat_delta d = {
        .rd_ios = 200, .rd_sectors = 4096, .rd_ticks = 1000,
        .wr_ios = 50, .wr_sectors = 1024, .wr_ticks = 100,
        .io_ticks = 1500, .rq_ticks = 3000,
    };
    xg_iostat o;

    (void)state;
    xg_iostat_compute(&d, 2.0, &o);
    assert_dbl(o.r_s, 100.0);     /* 200 / 2 */
    assert_dbl(o.w_s, 25.0);      /* 50 / 2 */
    assert_dbl(o.rmb_s, 1.0);     /* 4096 / 2048 / 2 */
    assert_dbl(o.wmb_s, 0.25);    /* 1024 / 2048 / 2 */
    assert_dbl(o.r_await, 5.0);   /* 1000 ms / 200 */
    assert_dbl(o.w_await, 2.0);   /* 100 ms / 50 */
    assert_dbl(o.aqu_sz, 1.5);    /* 3000 ms / 2000 ms */
    assert_dbl(o.util, 75.0);     /* 1500 / 2000 * 100 */
}

static void compute_fractional_interval(void **state)
{
    xg_diskstat_delta d = {.rd_ios = 10, .rd_ticks = 25, .io_ticks = 100,
                           .rq_ticks = 50};
    xg_iostat o;

    (void)state;
    xg_iostat_compute(&d, 0.5, &o);
    assert_dbl(o.r_s, 20.0);      /* 10 / 0.5 */
    assert_dbl(o.r_await, 2.5);   /* 25 / 10 */
    assert_dbl(o.aqu_sz, 0.1);    /* 50 / 500 */
    assert_dbl(o.util, 20.0);     /* 100 / 500 * 100 */
}

static void compute_idle_and_capped(void **state)
{
    /* ticks but no completed I/O: await must be 0, not inf/NaN; io_ticks
     * beyond the interval (accounting skew) is capped at 100 %. */
    xg_diskstat_delta d = {.rd_ticks = 40, .wr_ticks = 9, .io_ticks = 2500,
                           .rq_ticks = 0};
    xg_iostat o;

    (void)state;
    xg_iostat_compute(&d, 2.0, &o);
    assert_dbl(o.r_s, 0.0);
    assert_dbl(o.w_s, 0.0);
    assert_dbl(o.r_await, 0.0);
    assert_dbl(o.w_await, 0.0);
    assert_dbl(o.aqu_sz, 0.0);
    assert_dbl(o.util, 100.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(delta_normal),
        cmocka_unit_test(delta_wrap32),
        cmocka_unit_test(delta_reset),
        cmocka_unit_test(compute_known),
        cmocka_unit_test(compute_fractional_interval),
        cmocka_unit_test(compute_idle_and_capped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_header.c — the report header's overhead lines from meta: the total
 * and, when the run kept them, where the sampling CPU went
 * (overhead_part.*), in the order the run set them; bad values skipped.
 * The window's start and end as ISO 8601 with the report's UTC offset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <time.h>

#include "report/report.h"
#include "core/store.h"

static char *render(const xg_store *s, xg_format fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    xg_report_opts o = {fmt, false};

    assert_non_null(f);
    assert_int_equal(xg_report_write(s, &o, f), 0);
    fclose(f);
    return buf;
}

static char *text_of(const xg_store *s)
{
    return render(s, XG_FMT_TEXT);
}

static void test_parts(void **state)
{
    xg_store s;
    char *t;

    (void)state;
    xg_store_init(&s, 0);
    xg_store_meta_set(&s, "families", "cpu");
    xg_store_meta_set(&s, "overhead_cpu_ns", "4000000");
    xg_store_meta_set(&s, "overhead_ticks", "4");
    xg_store_meta_set(&s, "overhead_part.cpu", "1500000");
    xg_store_meta_set(&s, "overhead_part.disk", "-3");   /* not a cost */
    xg_store_meta_set(&s, "overhead_part.cache", "x");   /* not a number */
    xg_store_meta_set(&s, "overhead_part.rescan", "2250000");
    t = text_of(&s);
    assert_non_null(strstr(t, "overhead: 4.0 ms CPU for 4 samples (1.00 ms per sample)\n"
                              "  of which: cpu 1.5 ms, rescan 2.2 ms\n"));
    free(t);
    xg_store_free(&s);

    xg_store_init(&s, 0); /* an older recording: no parts, no line */
    xg_store_meta_set(&s, "overhead_cpu_ns", "4000000");
    t = text_of(&s);
    assert_null(strstr(t, "of which"));
    free(t);
    xg_store_free(&s);
}

/* The instant an ISO 8601 time with an offset names, in s since 1970 UTC;
 * fails the test on anything else. */
static long long instant(const char *iso)
{
    struct tm tm = {0};
    int hh, mm, n = 0;
    char sign;

    if (!iso || sscanf(iso, "%d-%d-%dT%d:%d:%d%c%d:%d%n", &tm.tm_year,
                       &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                       &tm.tm_sec, &sign, &hh, &mm, &n) != 9 ||
        iso[n] || (sign != '+' && sign != '-'))
        fail_msg("not ISO 8601 with an offset: '%s'", iso ? iso : "(null)");
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (long long)timegm(&tm) - (sign == '+' ? 1 : -1) * (hh * 3600 + mm * 60);
}

/* The value of "key: " in the text report, up to the end of its line. */
static char *line_value(const char *t, const char *key)
{
    const char *p = strstr(t, key);
    if (!p)
        fail_msg("no '%s' in:\n%s", key, t);
    p += strlen(key);
    return strndup(p, strcspn(p, "\n"));
}

#define T0 1795650601LL /* 2026-11-25 23:50:01 UTC */

/* The start and end (text) and start_wall / end_wall (JSON) of one
 * recording under zone tz: the expected strings, and the same instants. */
static void times_in(const xg_store *s, const char *tz, const char *start,
                     const char *end)
{
    char *t, *a, *b;
    json_t *j, *w;

    setenv("TZ", tz, 1);
    tzset();
    t = render(s, XG_FMT_TEXT);
    a = line_value(t, "\nstart: ");
    b = line_value(t, "\nend: ");
    assert_string_equal(a, start);
    assert_string_equal(b, end);
    assert_true(instant(a) == T0 && instant(b) == T0 + 2);
    free(a);
    free(b);
    free(t);
    t = render(s, XG_FMT_JSON);
    j = json_loads(t, 0, NULL);
    w = json_object_get(j, "window");
    assert_string_equal(json_string_value(json_object_get(w, "start_wall")), start);
    assert_string_equal(json_string_value(json_object_get(w, "end_wall")), end);
    json_decref(j);
    free(t);
}

/* With checkpoints, one line says how many and what they cost; without
 * (--checkpoint 0, or an older recording), none. */
static void test_checkpoints(void **state)
{
    xg_store s;
    char *t;

    (void)state;
    xg_store_init(&s, 0);
    xg_store_meta_set(&s, "checkpoint_s", "10.000");
    xg_store_meta_set(&s, "checkpoints", "6");
    xg_store_meta_set(&s, "checkpoint_pause_max_ns", "512000");
    xg_store_meta_set(&s, "spill_write_cpu_ns", "55400000");
    t = text_of(&s);
    assert_non_null(strstr(t, "checkpoints: 6 during the run (every 10 s); "
                              "taking them paused the sampling 0.51 ms at "
                              "most; the background writer's CPU 55.4 ms\n"));
    free(t);
    xg_store_meta_set(&s, "checkpoint_s", "0.000");
    t = text_of(&s);
    assert_null(strstr(t, "checkpoints:"));
    free(t);
    xg_store_free(&s);
}

static void test_times_offset(void **state)
{
    xg_store s;

    (void)state;
    xg_store_init(&s, 0);
    xg_store_meta_set(&s, "families", "cpu");
    assert_int_equal(xg_store_tick(&s, 1000000000, T0 * 1000000000), 0);
    assert_int_equal(xg_store_tick(&s, 3000000000, (T0 + 2) * 1000000000), 1);
    xg_store_meta_set(&s, "window_start_wall_ns", "1795650601000000000");
    times_in(&s, "UTC", "2026-11-25T23:50:01+00:00", "2026-11-25T23:50:03+00:00");
    /* Asia/Tokyo's and St John's (winter) rules, without needing tzdata */
    times_in(&s, "JST-9", "2026-11-26T08:50:01+09:00",
             "2026-11-26T08:50:03+09:00");
    times_in(&s, "NST3:30", "2026-11-25T20:20:01-03:30",
             "2026-11-25T20:20:03-03:30");
    xg_store_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_parts),
                                       cmocka_unit_test(test_checkpoints),
                                       cmocka_unit_test(test_times_offset)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

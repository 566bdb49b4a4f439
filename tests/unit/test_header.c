/* test_header.c — the report header's overhead lines from meta: the total
 * and, when the run kept them, where the sampling CPU went
 * (overhead_part.*), in the order the run set them; bad values skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "util/store.h"

static char *text_of(const xg_store *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    xg_report_opts o = {XG_FMT_TEXT, false};

    assert_non_null(f);
    assert_int_equal(xg_report_write(s, &o, f), 0);
    fclose(f);
    return buf;
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

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_parts)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

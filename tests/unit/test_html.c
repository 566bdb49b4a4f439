/* test_html.c — the HTML renderer on hand-built models: strings from the
 * store are escaped (HTML, and JSON inside <script>), bytes that are not
 * UTF-8 become '?', a one-tick spike survives the per-pixel downsampling
 * of 5000 ticks, and many rows give the top 8, "others" and the rest in a
 * <details>. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "asserts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/store.h"
#include "report/model.h"

#define T0_MONO 1000000000000LL
#define T0_WALL 1795650601000000000LL
#define EVIL "<b>&\"'\xff\x01</script><script>alert(1)</script>"

static const xg_col cols[] = {
    {"cpu_pct", "%", "cpu %", 2, XG_COL_PLOT},
    {"cpu_s", "s", "cpu s", 3, 0},
};

/* Row 0: 10 everywhere but 1000 at interval 1234; row 1: 10 but 0 at
 * interval 4000 (a dip); row r >= 2: r everywhere. The window: the row's
 * index plus 0.5. */
static void fill(const xg_mtable *t, const xg_row *row, uint32_t k,
                 double *v, double *a, double *b)
{
    size_t r = (size_t)(row - t->rows);
    if (k == 0) {
        v[0] = (double)r + 0.5;
        v[1] = NAN;
        *a = 0;
        *b = t->s->n_ticks - 1;
        return;
    }
    v[0] = r >= 2 ? (double)r : 10;
    if (r == 0 && k == 1234)
        v[0] = 1000;
    if (r == 1 && k == 4000)
        v[0] = 0;
    v[1] = 1;
    *a = k - 1;
    *b = k;
}

static void make_store(xg_store *s, size_t n_dom, uint32_t n_ticks)
{
    xg_store_init(s, n_ticks);
    for (size_t i = 0; i < n_dom; i++) {
        char key[32], name[32];
        snprintf(key, sizeof(key), "test:%zu", i);
        snprintf(name, sizeof(name), "dom%zu", i);
        xg_domain_info d = {.key = key, .name = i == 0 ? EVIL : name,
                            .platform_id = -1, .first_tick = 0,
                            .last_tick = n_ticks - 1};
        assert_true(xg_store_add_domain(s, &d) >= 0);
    }
    for (uint32_t t = 0; t < n_ticks; t++)
        assert_true(xg_store_tick(s, T0_MONO + t * 1000000000LL,
                                  T0_WALL + t * 1000000000LL) >= 0);
}

/* The model of s: an empty header and one section "cpu" with a table of a
 * row per domain; rendered as HTML into a malloc'd string. */
static char *render(const xg_store *s)
{
    xg_report_opts o = {XG_FMT_HTML, false};
    xg_model m = {.s = s, .o = &o};
    m.header.name = "";
    assert_non_null(m.secs = calloc(1, sizeof(*m.secs)));
    m.n_secs = 1;
    xg_msection *ms = &m.secs[0];
    ms->name = "cpu";
    xg_mtable *t = xg_msection_table(ms, s, "cpu", "", "CPU", cols, 2, fill);
    assert_non_null(t);
    for (uint32_t d = 0; d < s->n_domains; d++)
        assert_int_equal(xg_mtable_row(t, d, "", NULL, 0, NULL), 0);
    assert_int_equal(xg_model_fill_window(t), 0);
    assert_int_equal(xg_msection_line(ms, "note: %s", EVIL), 0);

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(xg_render_html(&m, f), 0);
    assert_int_equal(fclose(f), 0);
    xg_model_free(&m);
    return buf;
}

/* The first chart's JSON block. */
static char *first_data(const char *html)
{
    const char *a = strstr(html, "class=\"xg-data\">");
    assert_non_null(a);
    a += strlen("class=\"xg-data\">");
    const char *b = strstr(a, "</script>");
    assert_non_null(b);
    return strndup(a, (size_t)(b - a));
}

static void test_escaping(void **state)
{
    (void)state;
    xg_store s;
    make_store(&s, 2, 10);
    char *html = render(&s);
    /* table cell, legend, note: HTML-escaped, \xff and \x01 as '?' */
    has(html, "<td>&lt;b&gt;&amp;&quot;&#39;??&lt;/script&gt;&lt;script&gt;"
              "alert(1)&lt;/script&gt;</td>");
    has(html, "<p class=\"note\">note: &lt;b&gt;&amp;");
    lacks(html, "<b>&");
    lacks(html, "<script>alert");
    lacks(html, "\xff");
    /* in the JSON block, '<', '>', '&' as \u escapes */
    char *data = first_data(html);
    has(data, "\"name\":\"\\u003cb\\u003e\\u0026\\\"'??\\u003c/script"
              "\\u003e\\u003cscript\\u003ealert(1)");
    /* 9 intervals: every one is its own point, all 10 */
    has(data, "\"v\":[10,10,10,10,10,10,10,10,10]");
    free(data);
    /* nothing fetched */
    lacks(html, "http:");
    lacks(html, "https:");
    free(html);
    xg_store_free(&s);
}

/* Values in the JSON "x" array. */
static size_t x_count(const char *data)
{
    const char *x = strstr(data, "\"x\":[");
    assert_non_null(x);
    size_t n = 1;
    for (x += 5; *x != ']'; x++)
        n += *x == ',';
    return n;
}

static void test_spike_survives(void **state)
{
    (void)state;
    xg_store s;
    make_store(&s, 2, 5001);
    char *html = render(&s);
    char *data = first_data(html);
    /* 5000 intervals downsampled to the chart's pixel columns */
    size_t nx = x_count(data);
    assert_true(nx < 1000);
    assert_true(nx > 500);
    /* the one-tick spike and the one-tick dip, as [min,max] of a column */
    has(data, "[10,1000]");
    has(data, "[0,10]");
    /* the axis reaches the spike */
    has(html, ">1000</text>");
    free(data);
    free(html);
    xg_store_free(&s);
}

static void test_top_and_others(void **state)
{
    (void)state;
    xg_store s;
    make_store(&s, 12, 20);
    char *html = render(&s);
    /* window values: row r is r + 0.5, so rows 11..4 are the top 8 */
    char *data = first_data(html);
    has(data, "\"name\":\"dom11\"");
    has(data, "\"name\":\"dom4\"");
    lacks(data, "\"name\":\"dom3\"");
    /* others: rows 0 (10), 1 (10), 2 (2) and 3 (3) summed: 25 */
    has(data, "\"name\":\"others (4, summed)\"");
    has(data, "\"v\":[25,25,25");
    free(data);
    has(html, "<details><summary>the other 4 rows");
    /* the rest, one line each, in the details' chart */
    const char *det = strstr(html, "<details>");
    has(det, "\"name\":\"dom3\"");
    has(det, "\"name\":\"dom1\"");
    free(html);
    xg_store_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_spike_survives),
        cmocka_unit_test(test_top_and_others),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

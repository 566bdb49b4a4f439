/* test_html.c — the HTML renderer on hand-built models: strings from the
 * store are escaped (HTML, and JSON inside <script>), bytes that are not
 * UTF-8 become '?', a one-tick spike survives the per-pixel downsampling
 * of 5000 ticks, and many rows give the top 8, "others" and the rest in a
 * <details>. A window-only table (SCHED's shares from a hand-made xentrace
 * trace) gets one stacked-bar chart whose segments are the table's
 * figures. */
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
#include "report/report.h"
#include "util/b64.h"

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
 * row per domain (flags: its XG_TAB_*); rendered as HTML into a malloc'd
 * string. */
static char *render_flags(const xg_store *s, unsigned flags)
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
    t->flags = flags;
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

static char *render(const xg_store *s)
{
    return render_flags(s, 0);
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

/* ---- bar charts of window-only tables ---- */

/* Occurrences of needle in hay[0..end) (end NULL: to the NUL). */
static size_t count(const char *hay, const char *end, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) && (!end || p < end);
         p += strlen(needle))
        n++;
    return n;
}

/* The first bar chart's JSON block from html on (caller frees). */
static char *bar_data(const char *html)
{
    const char *a = strstr(html, "class=\"xg-bar-data\">");
    assert_non_null(a);
    a += strlen("class=\"xg-bar-data\">");
    const char *b = strstr(a, "</script>");
    assert_non_null(b);
    return strndup(a, (size_t)(b - a));
}

static void test_bars_top(void **state)
{
    (void)state;
    xg_store s;
    make_store(&s, 12, 20);
    char *html = render_flags(&s, XG_TAB_NO_SERIES);
    /* a window-only table: bar charts (top 8, the rest), no line chart */
    assert_int_equal(count(html, NULL, "<svg class=\"xg-chart xg-bars\""), 2);
    lacks(html, "class=\"xg-data\"");
    has(html, "<details><summary>the other 4 rows</summary>");
    const char *det = strstr(html, "<details>");
    assert_int_equal(count(html, det, "class=\"bar-l\""), 8);
    assert_int_equal(count(det, NULL, "class=\"bar-l\""), 4);
    /* window values r + 0.5: rows 4..11 on top, drawn in table order */
    char *data = bar_data(html);
    has(data, "\"unit\":\"%\",\"metrics\":[\"cpu_pct\"]");
    has(data, "{\"name\":\"dom4\",\"v\":[4.5]},\n{\"name\":\"dom5\"");
    has(data, "{\"name\":\"dom11\",\"v\":[11.5]}]}");
    lacks(data, "\"dom3\"");
    free(data);
    data = bar_data(det);
    has(data, "\"v\":[0.5]},\n{\"name\":\"dom1\",\"v\":[1.5]}");
    has(data, "\"name\":\"\\u003cb\\u003e\\u0026\\\"'??\\u003c/script");
    free(data);
    /* row 0's label and hover, escaped */
    has(det, ">&lt;b&gt;&amp;&quot;&#39;??&lt;/script&gt;&lt;script&gt;"
             "alert(1)&lt;/script&gt;<title>");
    has(det, "<title>&lt;b&gt;&amp;&quot;&#39;??&lt;/script&gt;&lt;script&gt;"
             "alert(1)&lt;/script&gt;, cpu %: 0.50</title>");
    lacks(html, "<b>&");
    lacks(html, "<script>alert");
    free(html);
    xg_store_free(&s);
}

/* A raw xentrace buffer (records as in Xen's public trace.h). */
typedef struct tbuf {
    unsigned char b[256];
    size_t n;
} tbuf;

static void put32(tbuf *t, uint32_t v)
{
    assert_true(t->n + 4 <= sizeof(t->b));
    for (int i = 0; i < 4; i++)
        t->b[t->n++] = (unsigned char)(v >> (8 * i));
}

/* TRC_SCHED_RUNSTATE_CHANGE | old << 8 | new << 4 at tsc (runstates: 0
 * running, 1 runnable, 2 blocked, 3 offline). */
static void runstate(tbuf *t, uint64_t tsc, unsigned dom, unsigned vcpu,
                     unsigned old, unsigned nw)
{
    put32(t, (0x00021001u | old << 8 | nw << 4) | 1u << 28 | 1u << 31);
    put32(t, (uint32_t)tsc);
    put32(t, (uint32_t)(tsc >> 32));
    put32(t, dom << 16 | vcpu);
}

/* The store: host (domid 0), EVIL (40) and b (41, not traced), 3 ticks;
 * on CPU 0 over tsc 1000..2000, d40 v0 waits, runs, blocks; d40 v1
 * offline then runs; d0 v0 blocked, then runs. */
static void sched_store(xg_store *s)
{
    static const char *const names[] = {"host", EVIL, "b"};
    static const int64_t domids[] = {0, 40, 41};
    xg_store_init(s, 3);
    for (size_t i = 0; i < 3; i++) {
        char key[32];
        snprintf(key, sizeof(key), "test:%zu", i);
        xg_domain_info d = {.key = key, .name = (char *)names[i],
                            .platform_id = domids[i], .is_host = i == 0,
                            .first_tick = 0, .last_tick = 2};
        assert_true(xg_store_add_domain(s, &d) >= 0);
    }
    for (uint32_t t = 0; t < 3; t++)
        assert_true(xg_store_tick(s, T0_MONO + t * 1000000000LL,
                                  T0_WALL + t * 1000000000LL) >= 0);
    tbuf t = {.n = 0};
    put32(&t, 0x0001f003u | 2u << 28); /* TRC_TRACE_CPU_CHANGE to CPU 0 */
    put32(&t, 0);
    put32(&t, 0);
    runstate(&t, 1000, 40, 0, 2, 1);
    runstate(&t, 1100, 40, 0, 1, 0);
    runstate(&t, 1200, 40, 1, 3, 0);
    runstate(&t, 1500, 40, 0, 0, 2);
    runstate(&t, 1700, 40, 0, 2, 1);
    runstate(&t, 2000, 0, 0, 2, 0);
    char *b64 = xg_b64_encode(t.b, t.n);
    assert_non_null(b64);
    assert_int_equal(xg_store_meta_set(s, "families", "sched"), 0);
    assert_int_equal(xg_store_meta_set(s, "sched.xentrace", b64), 0);
    free(b64);
}

/* The first 4 numeric cells of the table row at tr into v. */
static void row_cells(const char *tr, double *v)
{
    const char *p = tr;
    for (int i = 0; i < 4; i++) {
        assert_non_null(p = strstr(p, "<td class=\"n\">"));
        p += strlen("<td class=\"n\">");
        v[i] = strtod(p, NULL);
    }
}

/* The 4 values of the JSON bar at p ("v":[a,b,c,d]) into v; past it. */
static const char *bar_vals(const char *p, double *v)
{
    assert_non_null(p = strstr(p, "\"v\":["));
    p += 5;
    for (int i = 0; i < 4; i++) {
        char *e;
        v[i] = strtod(p, &e);
        assert_true(e > p);
        p = e + 1;
    }
    return p;
}

static void test_bars_sched(void **state)
{
    (void)state;
    xg_store s;
    sched_store(&s);
    xg_report_opts o = {XG_FMT_HTML, false};
    char *html = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&html, &len);
    assert_non_null(f);
    assert_int_equal(xg_report_write(&s, &o, f), 0);
    assert_int_equal(fclose(f), 0);

    const char *sec = strstr(html, "<section class=\"xg-sec\" id=\"sec-sched\"");
    assert_non_null(sec);
    const char *tab = strstr(sec, "<h3>SCHED (xentrace");
    assert_non_null(tab);
    const char *tab_end = strstr(tab, "</table>");
    assert_non_null(tab_end);
    size_t rows = count(tab, tab_end, "<tr><td>");
    assert_int_equal(rows, 5); /* EVIL all, 0, 1; host all, 0 */
    /* one bar chart, a bar per row of the table, 4 segments in the legend */
    assert_int_equal(count(html, NULL, "<svg class=\"xg-chart xg-bars\""), 1);
    const char *svg = strstr(sec, "<svg class=\"xg-chart xg-bars\"");
    assert_non_null(svg);
    assert_int_equal(count(svg, NULL, "class=\"bar-l\""), rows);
    const char *legend = strstr(svg, "<ul class=\"legend\">");
    assert_non_null(legend);
    assert_int_equal(count(legend, strstr(legend, "</ul>"), "<li "), 4);
    /* each bar's values are its table row's figures, a segment for each
     * that is above 0 */
    char *data = bar_data(svg);
    has(data, "\"metrics\":[\"running_pct\",\"waited_pct\",\"blocked_pct\","
              "\"offline_pct\"]");
    const char *tr = tab, *bar = data;
    size_t positive = 0;
    for (size_t r = 0; r < rows; r++) {
        double want[4], got[4];
        assert_non_null(tr = strstr(tr, "<tr><td>"));
        row_cells(tr++, want);
        bar = bar_vals(bar, got);
        for (int i = 0; i < 4; i++) {
            assert_true(fabs(want[i] - got[i]) < 0.006);
            positive += got[i] > 0;
        }
    }
    assert_true(positive >= rows);
    assert_int_equal(count(svg, legend, "class=\"xg-seg\""), positive);
    /* labels as the table shows the rows, escaped */
    has(data, "{\"name\":\"host all\",\"v\":[0,0,100,0]}");
    has(data, "\"name\":\"\\u003cb\\u003e\\u0026\\\"'??\\u003c/script\\u003e"
              "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e 1\"");
    has(svg, "text-anchor=\"end\">&lt;b&gt;&amp;&quot;&#39;??&lt;/script&gt;"
             "&lt;script&gt;alert(1)&lt;/script&gt; all<title>");
    lacks(data, "\"name\":\"b");
    lacks(html, "<script>alert");
    free(data);
    free(html);
    xg_store_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_spike_survives),
        cmocka_unit_test(test_top_and_others),
        cmocka_unit_test(test_bars_top),
        cmocka_unit_test(test_bars_sched),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

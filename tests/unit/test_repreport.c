/* test_repreport.c — the report of a repeated run (repeat.c, rep_*.c) in
 * each format, on hand-built stores (repstore.h) whose figures are known:
 * the statistics, the left-out repetitions, the outlier flag, the unstable
 * warning, N = 1; JSON parsed back, CSV rows per repetition, HTML
 * well-formed (python3's html.parser) with a dot per repetition. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "asserts.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report.h"
#include "repstore.h"

/* a: 40, 60, 80 % in repetitions 2, 3, 5 (1 a warmup, 4 cut short) */
static const rs_rep five[] = {
    {50, true, XG_REP_WHOLE}, {40, false, XG_REP_WHOLE},
    {60, false, XG_REP_WHOLE}, {70, false, XG_REP_PARTIAL},
    {80, false, XG_REP_WHOLE},
};
/* six whole ones, the sixth far off: an outlier */
static const rs_rep odd[] = {
    {50, false, XG_REP_WHOLE}, {51, false, XG_REP_WHOLE},
    {49, false, XG_REP_WHOLE}, {50, false, XG_REP_WHOLE},
    {52, false, XG_REP_WHOLE}, {90, false, XG_REP_WHOLE},
};
/* six close ones: stable */
static const rs_rep calm[] = {
    {50, false, XG_REP_WHOLE}, {51, false, XG_REP_WHOLE},
    {49, false, XG_REP_WHOLE}, {50, false, XG_REP_WHOLE},
    {52, false, XG_REP_WHOLE}, {50, false, XG_REP_WHOLE},
};

static char *render(const rs_rep *reps, size_t n, xg_format fmt)
{
    xg_store s;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    xg_report_opts o = {fmt, false};
    rs_build(&s, reps, n);
    assert_int_equal(xg_store_meta_set(&s, "partial", "1"), 0);
    assert_int_equal(xg_store_meta_set(&s, "partial_reason",
                                       "interrupted by SIGINT after 14.0 s "
                                       "of 20.0 s"), 0);
    assert_non_null(f);
    assert_int_equal(xg_report_write(&s, &o, f), 0);
    fclose(f);
    xg_store_free(&s);
    return buf;
}

/* The line of buf that starts with prefix, blanks squeezed, into line. */
static const char *line_of(const char *buf, const char *prefix, char *line,
                           size_t len)
{
    for (const char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p) {
        size_t n = 0;
        for (const char *q = p; *q && *q != '\n' && n + 1 < len; q++)
            if (*q != ' ' || (n && line[n - 1] != ' '))
                line[n++] = *q;
        line[n] = '\0';
        if (strncmp(line, prefix, strlen(prefix)) == 0)
            return line;
    }
    fail_msg("no line \"%s\" in:\n%s", prefix, buf);
    return NULL;
}

static void test_text(void **state)
{
    (void)state;
    char line[512];
    char *t = render(five, 5, XG_FMT_TEXT);
    has(t, "host: h1\n");
    has(t, "\nrepetitions\n");
    assert_string_equal(line_of(t, "4 no partial", line, sizeof(line)),
                        "4 no partial 12.000 2.000 no");
    has(t, "repetition 1 is a warmup: its figures are left out\n");
    has(t, "repetition 4 was cut short by SIGINT: its figures are left out\n");
    has(t, "3 repetitions: the interval is wide; the result may be "
           "unstable");
    has(t, "cpu: over 3 repetitions (2, 3, 5), 95 % interval of the mean");
    /* mean 60, sd 20, t(0.975, 2) = 4.302653: 60 -+ 49.68 */
    assert_string_equal(line_of(t, "a - cpu_pct", line, sizeof(line)),
                        "a - cpu_pct % 3 60.00 20.00 10.32..109.68 40.00 "
                        "80.00 33.3 - unstable");
    /* b had no sample in repetition 2 */
    assert_string_equal(line_of(t, "b - cpu_pct", line, sizeof(line)),
                        "b - cpu_pct % 2 20.00 0.00 20.00..20.00 20.00 "
                        "20.00 0.0 - unstable");
    /* repetition 3's second workload: killed by SIGKILL, n = 1 */
    assert_string_equal(line_of(t, "a #2 exit_status", line, sizeof(line)),
                        "a #2 exit_status - 1 137 - - 137 137 - - unstable");
    lacks(t, "N = 1");
    lacks(t, "families this xengatherer does not know");
    free(t);
}

static void test_text_outlier(void **state)
{
    (void)state;
    char line[512];
    char *t = render(odd, 6, XG_FMT_TEXT);
    lacks(t, "left out");
    lacks(t, "the interval is wide");
    has(t, "vary by more than 10 % (CV)");
    /* 50 51 49 50 52 90: median 50.5, MAD 1, |0.6745 * 39.5| > 3.5 */
    line_of(t, "a - cpu_pct", line, sizeof(line));
    has(line, " 49.00 90.00 ");
    has(line, " 6 unstable");
    free(t);
}

static void test_text_stable(void **state)
{
    (void)state;
    char line[512];
    char *t = render(calm, 6, XG_FMT_TEXT);
    lacks(t, "the interval is wide");
    /* only the host's vary (b, in it, was not measured in repetition 2) */
    has(t, "3 figures vary by more than 10 % (CV)");
    line_of(t, "a - cpu_pct", line, sizeof(line));
    lacks(line, "unstable");
    has(line, "a - cpu_pct % 6 50.33 ");
    free(t);
}

static void test_text_one(void **state)
{
    (void)state;
    static const rs_rep one[] = {
        {50, true, XG_REP_WHOLE}, {40, false, XG_REP_WHOLE},
    };
    char line[512];
    char *t = render(one, 2, XG_FMT_TEXT);
    has(t, "N = 1: no interval");
    assert_string_equal(line_of(t, "a - cpu_pct", line, sizeof(line)),
                        "a - cpu_pct % 1 40.00 - - 40.00 40.00 - - unstable");
    free(t);
}

static void test_text_none(void **state)
{
    (void)state;
    static const rs_rep none[] = {
        {50, true, XG_REP_WHOLE}, {40, false, XG_REP_PARTIAL},
    };
    char *t = render(none, 2, XG_FMT_TEXT);
    has(t, "repetition 2 was cut short by SIGINT");
    has(t, "no whole repetition to report");
    lacks(t, "cpu_pct");
    free(t);
}

static size_t count(const char *buf, const char *what)
{
    size_t n = 0;
    for (const char *p = buf; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

static void test_csv(void **state)
{
    (void)state;
    char *c = render(five, 5, XG_FMT_CSV);
    static const char hdr[] = "scope,section,family,domain,device,metric,"
        "unit,rep,value,outlier,n,mean,sd,ci95_lo,ci95_hi,min,max,cv_pct,"
        "outlier_reps,unstable\n";
    assert_int_equal(strncmp(c, hdr, strlen(hdr)), 0);
    has(c, "\nstats,cpu,cpu,a,,cpu_pct,%,,,,3,60,20,10.317246,109.682754,"
           "40,80,33.333333,,1\n");
    /* a row per repetition used, none for the warmup or the partial one */
    assert_int_equal(count(c, "\nrep,cpu,cpu,a,,cpu_pct,"), 3);
    has(c, "\nrep,cpu,cpu,a,,cpu_pct,%,2,40,0,,,,,,,,,,\n");
    has(c, "\nrep,cpu,cpu,a,,cpu_pct,%,5,80,0,,,,,,,,,,\n");
    lacks(c, "\nrep,cpu,cpu,a,,cpu_pct,%,1,");
    lacks(c, "\nrep,cpu,cpu,a,,cpu_pct,%,4,");
    /* b not measured in repetition 2: no row */
    assert_int_equal(count(c, "\nrep,cpu,cpu,b,,cpu_pct,"), 2);
    has(c, "\nrep,workload,workload,a,#2,exit_status,,3,137,0,");
    free(c);

    c = render(odd, 6, XG_FMT_CSV);
    has(c, "\nrep,cpu,cpu,a,,cpu_pct,%,6,90,1,");
    has(c, "\nrep,cpu,cpu,a,,cpu_pct,%,5,52,0,");
    const char *st = strstr(c, "\nstats,cpu,cpu,a,,cpu_pct,");
    assert_non_null(st);
    has(st, ",6,1\n");
    free(c);
}

static json_t *figure(json_t *root, const char *dom, const char *dev,
                      const char *metric)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(root, "figures"), i, f)
        if (strcmp(json_string_value(json_object_get(f, "domain")), dom) == 0 &&
            strcmp(json_string_value(json_object_get(f, "device")), dev) == 0 &&
            strcmp(json_string_value(json_object_get(f, "metric")), metric) == 0)
            return f;
    fail_msg("no figure %s %s %s", dom, dev, metric);
    return NULL;
}

static double num(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    assert_true(json_is_number(v));
    return json_number_value(v);
}

static void test_json(void **state)
{
    (void)state;
    json_error_t e;
    char *j = render(five, 5, XG_FMT_JSON);
    json_t *root = json_loads(j, 0, &e);
    if (!root)
        fail_msg("JSON: %s at %d:\n%s", e.text, e.line, j);
    assert_string_equal(json_string_value(json_object_get(root, "format")),
                        "xengatherer-repeat-report");
    json_t *reps = json_object_get(root, "repetitions");
    assert_int_equal(json_array_size(reps), 5);
    json_t *r4 = json_array_get(reps, 3);
    assert_string_equal(json_string_value(json_object_get(r4, "state")),
                        "partial");
    assert_true(json_is_false(json_object_get(r4, "used")));
    assert_string_equal(json_string_value(json_object_get(r4, "left_out")),
                        "partial");
    assert_true(json_is_true(json_object_get(json_array_get(reps, 0),
                                             "warmup")));
    json_t *draws = json_object_get(root, "draws");
    assert_int_equal(json_array_size(draws), 3);
    assert_int_equal(json_integer_value(json_array_get(draws, 2)), 5);
    has(json_string_value(json_array_get(json_object_get(root, "notes"), 0)),
        "repetition 1 is a warmup");
    json_t *a = figure(root, "a", "", "cpu_pct");
    assert_int_equal(json_integer_value(json_object_get(a, "n")), 3);
    assert_float_equal(num(a, "mean"), 60, 1e-6);
    assert_float_equal(num(a, "sd"), 20, 1e-6);
    assert_float_equal(json_number_value(json_array_get(
                           json_object_get(a, "ci"), 0)), 10.317246, 1e-5);
    assert_true(json_is_true(json_object_get(a, "unstable")));
    json_t *v = json_object_get(a, "values");
    assert_int_equal(json_array_size(v), 3);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(v, 1),
                                                        "rep")), 3);
    assert_float_equal(num(json_array_get(v, 1), "value"), 60, 1e-6);
    /* b: null where it was not measured, no sd for... two equal values */
    json_t *bv = json_object_get(figure(root, "b", "", "cpu_pct"), "values");
    assert_true(json_is_null(json_object_get(json_array_get(bv, 0), "value")));
    json_t *w = json_array_get(json_object_get(root, "workloads"), 3);
    assert_int_equal(json_integer_value(json_object_get(w, "rep")), 3);
    json_decref(root);
    free(j);

    j = render(odd, 6, XG_FMT_JSON);
    assert_non_null(root = json_loads(j, 0, &e));
    json_t *outl = json_object_get(figure(root, "a", "", "cpu_pct"),
                                   "outliers");
    assert_int_equal(json_array_size(outl), 1);
    assert_int_equal(json_integer_value(json_array_get(outl, 0)), 6);
    json_decref(root);
    free(j);
}

/* python3's html.parser: every element but the void ones closed in
 * order; prints the number of circles of class xg-dot in the cpu_pct
 * chart, or exits 1. */
static const char checker[] =
    "import sys\n"
    "from html.parser import HTMLParser\n"
    "VOID={'meta','br','img','input','link','hr','col','area','base',"
    "'wbr','source','track','embed','param'}\n"
    "SVGV={'line','circle','path','rect','polyline','stop'}\n"
    "class P(HTMLParser):\n"
    " def __init__(s):\n"
    "  super().__init__(); s.st=[]; s.dots=0; s.metric=None\n"
    " def handle_starttag(s,t,a):\n"
    "  a=dict(a)\n"
    "  if t=='div' and a.get('class')=='dots': s.metric=a.get('data-metric')\n"
    "  if t=='circle' and a.get('class')=='xg-dot' and s.metric=='cpu_pct':"
    " s.dots+=1\n"
    "  if t not in VOID: s.st.append(t)\n"
    " def handle_startendtag(s,t,a):\n"
    "  if t=='circle' and dict(a).get('class')=='xg-dot' and "
    "s.metric=='cpu_pct': s.dots+=1\n"
    " def handle_endtag(s,t):\n"
    "  if not s.st or s.st[-1]!=t: sys.exit('bad close %s, open %s'%(t,s.st[-3:]))\n"
    "  s.st.pop()\n"
    "  if t=='div' and 'div' not in s.st: s.metric=None\n"
    "p=P(); p.feed(open(sys.argv[1]).read()); p.close()\n"
    "if p.st: sys.exit('unclosed %s'%p.st)\n"
    "print(p.dots)\n";

static void test_html(void **state)
{
    (void)state;
    char path[] = "/tmp/xg-repreport-XXXXXX";
    char *h = render(five, 5, XG_FMT_HTML);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, h, strlen(h)), (ssize_t)strlen(h));
    close(fd);
    char py[] = "/tmp/xg-repreport-py-XXXXXX";
    fd = mkstemp(py);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, checker, strlen(checker)),
                     (ssize_t)strlen(checker));
    close(fd);
    char cmd[128], out[64] = "";
    assert_true(snprintf(cmd, sizeof(cmd), "python3 %s %s", py, path) <
                (int)sizeof(cmd));
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(out, sizeof(out), p));
    assert_int_equal(pclose(p), 0);
    unlink(path);
    unlink(py);
    /* a dot per repetition used per row: host 3, a 3, b 2 */
    assert_int_equal(atoi(out), 8);
    has(h, "<h1>xengatherer report: 5 repetitions</h1>");
    has(h, "repetition 4 was cut short by SIGINT");
    has(h, "<td class=\"warn\">unstable</td>");
    lacks(h, "data-rep=\"1\"");
    lacks(h, "data-rep=\"4\"");
    free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_text_outlier),
        cmocka_unit_test(test_text_stable),
        cmocka_unit_test(test_text_one),
        cmocka_unit_test(test_text_none),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_html),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

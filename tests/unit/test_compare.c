/* test_compare.c — `compare` on hand-built stores (repstore.h): domains
 * paired by name, --match and the host rows, figures tested with the
 * right test, the verdicts, the gate of --fail-on-change and the names it
 * accepts, bad input refused, and the renderers' fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asserts.h"
#include "core/store.h"
#include "recording/recording.h"
#include "report/compare.h"
#include "repstore.h"

/* a's CPU % per repetition: a warmup, then five whole ones */
static const rs_rep low[] = {
    {90, true, XG_REP_WHOLE}, {10, false, XG_REP_WHOLE},
    {11, false, XG_REP_WHOLE}, {12, false, XG_REP_WHOLE},
    {10, false, XG_REP_WHOLE}, {11, false, XG_REP_WHOLE},
};
/* the same level, other noise (no warmup) */
static const rs_rep same[] = {
    {11, false, XG_REP_WHOLE}, {10, false, XG_REP_WHOLE},
    {12, false, XG_REP_WHOLE}, {11, false, XG_REP_WHOLE},
    {10.5, false, XG_REP_WHOLE},
};
/* higher */
static const rs_rep high[] = {
    {30, false, XG_REP_WHOLE}, {31, false, XG_REP_WHOLE},
    {29, false, XG_REP_WHOLE}, {30, false, XG_REP_WHOLE},
    {32, false, XG_REP_WHOLE},
};

typedef struct pair {
    xg_store s[2];
    xg_figset fs[2];
    xg_cmp_input in[2];
    xg_compare c;
    char err[512];
} pair;

static void rename_dom(xg_store *s, uint32_t dom, const char *name)
{
    free(s->domains[dom].name);
    s->domains[dom].name = strdup(name);
    assert_non_null(s->domains[dom].name);
}

/* The figsets of p's stores (built by the caller), then the comparison
 * with o: its return. */
static int compare(pair *p, const xg_cmp_opts *o)
{
    p->in[0] = (xg_cmp_input){"A.db", &p->s[0], NULL};
    p->in[1] = (xg_cmp_input){"B.db", &p->s[1], NULL};
    assert_int_equal(xg_cmp_figsets(&p->in[0], &p->fs[0], &p->in[1],
                                    &p->fs[1], p->err, sizeof(p->err)), 0);
    p->in[0].fs = &p->fs[0];
    p->in[1].fs = &p->fs[1];
    return xg_compare_build(&p->c, &p->in[0], &p->in[1], o, p->err,
                            sizeof(p->err));
}

static void pair_free(pair *p, bool built)
{
    if (built)
        xg_compare_free(&p->c);
    for (int k = 0; k < 2; k++) {
        xg_figset_free(&p->fs[k]);
        xg_store_free(&p->s[k]);
    }
}

static const xg_cmp_fig *find(const xg_compare *c, const char *family,
                              const char *domain, const char *metric)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->f[i].a->family, family) == 0 &&
            strcmp(c->f[i].a->domain, domain) == 0 &&
            strcmp(c->f[i].a->metric, metric) == 0 && !*c->f[i].a->device)
            return &c->f[i];
    fail_msg("no compared %s.%s of %s", family, metric, domain);
    return NULL;
}

static bool warned(const xg_compare *c, const char *part)
{
    for (size_t i = 0; i < c->warn.n; i++)
        if (strstr(c->warn.v[i], part))
            return true;
    return false;
}

static const xg_cmp_opts defaults = {XG_CMP_ALPHA, NULL, 0};

/* Two repeated runs: Welch's t on the repetitions, the warmup left out;
 * a's CPU higher in B with the right sign, b's (a steady 20 %) not. */
static void test_reps_higher(void **state)
{
    (void)state;
    pair p;
    rs_build(&p.s[0], low, 6);
    rs_build(&p.s[1], high, 5);
    assert_int_equal(compare(&p, &defaults), 0);
    assert_int_equal(p.fs[0].kind, XG_DRAWS_REPS);
    assert_int_equal(p.fs[0].n_draws, 5);
    const xg_cmp_fig *f = find(&p.c, "cpu", "a", "cpu_pct");
    assert_int_equal(f->t.kind, XG_TEST_WELCH);
    assert_false(f->intervals);
    assert_int_equal(f->t.na, 5);
    assert_int_equal(f->t.nb, 5);
    assert_float_equal(f->t.mean_a, 10.8, 1e-6);
    assert_float_equal(f->t.mean_b, 30.4, 1e-6);
    assert_true(f->t.diff > 0 && f->t.diff_lo > 0);
    assert_true(f->t.p < 0.001);
    assert_int_equal(f->verdict, XG_VERDICT_HIGHER);
    assert_true(xg_cmp_changed(f));
    const xg_cmp_fig *fb = find(&p.c, "cpu", "b", "cpu_pct");
    assert_false(xg_cmp_changed(fb));
    /* the host rows pair too */
    const xg_cmp_fig *h = find(&p.c, "cpu", "host", "cpu_pct");
    assert_true(h->a->is_host && h->b->is_host);
    assert_true(warned(&p.c, "A.db: 1 of its 6 repetitions left out"));
    assert_false(warned(&p.c, "not independent"));
    pair_free(&p, true);
}

/* The same level in both: no significant change anywhere. */
static void test_reps_same(void **state)
{
    (void)state;
    pair p;
    rs_build(&p.s[0], low, 6);
    rs_build(&p.s[1], same, 5);
    assert_int_equal(compare(&p, &defaults), 0);
    const xg_cmp_fig *f = find(&p.c, "cpu", "a", "cpu_pct");
    assert_int_equal(f->t.kind, XG_TEST_WELCH);
    assert_true(f->t.p > 0.05);
    assert_true(f->t.diff_lo < 0 && f->t.diff_hi > 0);
    assert_int_equal(f->verdict, XG_VERDICT_SAME);
    for (size_t i = 0; i < p.c.n; i++)
        if (strcmp(p.c.f[i].a->family, "workload") != 0)
            assert_false(xg_cmp_changed(&p.c.f[i]));
    pair_free(&p, true);
}

/* The environments' differences come first among the warnings; none when
 * they agree; a recording without them is said. */
static void test_env_warnings(void **state)
{
    (void)state;
    pair p;
    rs_build(&p.s[0], low, 6);
    rs_build(&p.s[1], same, 5);
    assert_int_equal(compare(&p, &defaults), 0);
    assert_true(warned(&p.c, "environment: the environment of A"));
    xg_compare_free(&p.c);
    xg_figset_free(&p.fs[0]);
    xg_figset_free(&p.fs[1]);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(xg_store_meta_set(&p.s[k], "env.cpu_model", "Xeon"), 0);
        assert_int_equal(xg_store_meta_set(&p.s[k], "env.governor",
                                           k ? "powersave" : "performance"), 0);
    }
    assert_int_equal(compare(&p, &defaults), 0);
    assert_true(p.c.warn.n > 0);
    assert_non_null(strstr(p.c.warn.v[0], "environment: "));
    assert_non_null(strstr(p.c.warn.v[0], "governor"));
    assert_non_null(strstr(p.c.warn.v[0], "performance"));
    assert_non_null(strstr(p.c.warn.v[0], "powersave"));
    assert_false(warned(&p.c, "CPU model"));
    xg_compare_free(&p.c);
    xg_figset_free(&p.fs[0]);
    xg_figset_free(&p.fs[1]);
    assert_int_equal(xg_store_meta_set(&p.s[1], "env.governor", "performance"), 0);
    assert_int_equal(compare(&p, &defaults), 0);
    assert_false(warned(&p.c, "environment"));
    pair_free(&p, true);
}

/* Lower, and the other way round the same figure is higher. */
static void test_sign(void **state)
{
    (void)state;
    pair p;
    rs_build(&p.s[0], high, 5);
    rs_build(&p.s[1], low, 6);
    assert_int_equal(compare(&p, &defaults), 0);
    const xg_cmp_fig *f = find(&p.c, "cpu", "a", "cpu_pct");
    assert_int_equal(f->verdict, XG_VERDICT_LOWER);
    assert_true(f->t.diff < 0 && f->t.diff_hi < 0);
    assert_float_equal(f->t.diff_pct, (10.8 - 30.4) / 30.4 * 100, 1e-6);
    pair_free(&p, true);
}

/* A repeated run against a single one: both by interval, Mann-Whitney U,
 * each figure flagged, the warnings say so. */
static void test_mixed_intervals(void **state)
{
    (void)state;
    pair p;
    rs_build(&p.s[0], low, 6);
    rs_build(&p.s[1], high, 5);
    p.s[1].n_reps = 0; /* a single run */
    assert_int_equal(compare(&p, &defaults), 0);
    assert_int_equal(p.fs[0].kind, XG_DRAWS_INTERVALS);
    assert_int_equal(p.fs[1].kind, XG_DRAWS_INTERVALS);
    const xg_cmp_fig *f = find(&p.c, "cpu", "a", "cpu_pct");
    assert_int_equal(f->t.kind, XG_TEST_MWU);
    assert_true(f->intervals);
    assert_true(warned(&p.c, "not independent"));
    assert_true(warned(&p.c, "A.db: a repeated run compared with a single"));
    pair_free(&p, true);
}

/* Domains: by name, the rest warned of; --match pairs other names; the
 * host rows pair whatever their names. */
static void test_match(void **state)
{
    (void)state;
    pair p;
    rs_build(&p.s[0], low, 6);
    rs_build(&p.s[1], high, 5);
    rename_dom(&p.s[1], 1, "c");        /* a is c in B */
    rename_dom(&p.s[1], 0, "Domain-0"); /* the host */
    assert_int_equal(compare(&p, &defaults), 0);
    assert_true(warned(&p.c, "domains only in A.db (not compared): a"));
    assert_true(warned(&p.c, "domains only in B.db (not compared): c"));
    for (size_t i = 0; i < p.c.n; i++)
        assert_string_not_equal(p.c.f[i].a->domain, "a");
    const xg_cmp_fig *h = find(&p.c, "cpu", "host", "cpu_pct");
    assert_string_equal(h->b->domain, "Domain-0");
    xg_compare_free(&p.c);

    const xg_cmp_match m[] = {{"a", "c"}};
    xg_cmp_opts o = {XG_CMP_ALPHA, m, 1};
    assert_int_equal(xg_compare_build(&p.c, &p.in[0], &p.in[1], &o, p.err,
                                      sizeof(p.err)), 0);
    const xg_cmp_fig *f = find(&p.c, "cpu", "a", "cpu_pct");
    assert_string_equal(f->b->domain, "c");
    assert_int_equal(f->verdict, XG_VERDICT_HIGHER);
    assert_false(warned(&p.c, "domains only"));
    xg_compare_free(&p.c);

    /* --match a=b takes B's b: A's b is left without a pair */
    const xg_cmp_match ab[] = {{"a", "b"}};
    o.match = ab;
    assert_int_equal(xg_compare_build(&p.c, &p.in[0], &p.in[1], &o, p.err,
                                      sizeof(p.err)), 0);
    assert_string_equal(find(&p.c, "cpu", "a", "cpu_pct")->b->domain, "b");
    assert_true(warned(&p.c, "domains only in A.db (not compared): b"));
    assert_true(warned(&p.c, "domains only in B.db (not compared): c"));
    pair_free(&p, true);
}

/* Bad input: -2 with one line naming it. */
static void test_bad_input(void **state)
{
    (void)state;
    pair p;
    rs_build(&p.s[0], low, 6);
    rs_build(&p.s[1], high, 5);
    rename_dom(&p.s[1], 1, "c");
    rename_dom(&p.s[1], 2, "d");
    assert_int_equal(compare(&p, &defaults), -2);
    has(p.err, "no domain in common: A.db has a, b; B.db has c, d");
    assert_null(strchr(p.err, '\n'));

    const xg_cmp_match nosuch[] = {{"zz", "c"}};
    xg_cmp_opts o = {XG_CMP_ALPHA, nosuch, 1};
    assert_int_equal(xg_compare_build(&p.c, &p.in[0], &p.in[1], &o, p.err,
                                      sizeof(p.err)), -2);
    has(p.err, "--match zz=c: A.db has no domain 'zz' (its domains: a, b)");
    const xg_cmp_match nosuch_b[] = {{"a", "zz"}};
    o.match = nosuch_b;
    assert_int_equal(xg_compare_build(&p.c, &p.in[0], &p.in[1], &o, p.err,
                                      sizeof(p.err)), -2);
    has(p.err, "B.db has no domain 'zz' (its domains: c, d)");

    const double alphas[] = {0, -0.1, 0.51, 1, NAN};
    for (size_t i = 0; i < sizeof(alphas) / sizeof(alphas[0]); i++) {
        xg_cmp_opts a = {alphas[i], NULL, 0};
        assert_int_equal(xg_compare_build(&p.c, &p.in[0], &p.in[1], &a,
                                          p.err, sizeof(p.err)), -2);
        has(p.err, "--alpha");
    }
    pair_free(&p, false);
}

/* The gate: names a metric or family.metric, fires only on a change; the
 * names it knows come from the sections (disk's though neither store has
 * a disk) and the figsets (workload's). */
static void test_gate(void **state)
{
    (void)state;
    pair p;
    size_t hit[256];
    bool known;
    char *list;
    rs_build(&p.s[0], low, 6);
    rs_build(&p.s[1], high, 5);
    assert_int_equal(compare(&p, &defaults), 0);
    assert_true(p.c.n <= 256);
    const xg_cmp_fig *f = find(&p.c, "cpu", "a", "cpu_pct");
    assert_true(xg_cmp_fig_named(f, "cpu_pct"));
    assert_true(xg_cmp_fig_named(f, "cpu.cpu_pct"));
    assert_false(xg_cmp_fig_named(f, "disk.cpu_pct"));
    assert_false(xg_cmp_fig_named(f, "cpu_pc"));
    assert_false(xg_cmp_fig_named(f, "cp.cpu_pct"));

    const char *figs[] = {"cpu.cpu_pct"};
    size_t n = xg_cmp_gate(&p.c, figs, 1, hit);
    assert_true(n >= 1);
    bool a_hit = false;
    for (size_t i = 0; i < n; i++) {
        assert_true(xg_cmp_changed(&p.c.f[hit[i]]));
        assert_string_equal(p.c.f[hit[i]].a->metric, "cpu_pct");
        a_hit |= &p.c.f[hit[i]] == f;
    }
    assert_true(a_hit);
    const char *quiet[] = {"disk.wr_mb_s", "throttled_pct"};
    assert_int_equal(xg_cmp_gate(&p.c, quiet, 2, hit), 0);

    const char *good[] = {"cpu_pct", "disk.wr_mb_s", "wr_mb_s",
                          "hostdisk.util_pct", "net.rx_mb_s",
                          "workload.duration_s", "exit_status",
                          "cache.miss_pct", "running_pct"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_int_equal(xg_cmp_fig_known(&p.c, good[i], &known, NULL), 0);
        if (!known)
            fail_msg("'%s' not known", good[i]);
    }
    const char *bad[] = {"nosuch", "disk.cpu_pct", "cpu.", ".cpu_pct",
                         "cpu_pct.cpu"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(xg_cmp_fig_known(&p.c, bad[i], &known, &list), 0);
        if (known)
            fail_msg("'%s' known", bad[i]);
        has(list, "cpu.cpu_pct, ");
        has(list, "disk.wr_mb_s");
        free(list);
    }
    pair_free(&p, true);
}

/* The renderers carry the fields: text's verdict, CSV's row per figure,
 * JSON's object. */
static void test_render(void **state)
{
    (void)state;
    pair p;
    char *buf;
    size_t len;
    FILE *f;
    rs_build(&p.s[0], low, 6);
    rs_build(&p.s[1], high, 5);
    assert_int_equal(compare(&p, &defaults), 0);

    assert_non_null(f = open_memstream(&buf, &len));
    assert_int_equal(xg_cmp_render_text(&p.c, f), 0);
    fclose(f);
    has(buf, "warning: A.db: 1 of its 6 repetitions left out");
    has(buf, "A: A.db (5 repetitions)");
    has(buf, "  welch  ");
    has(buf, "higher");
    lacks(buf, "mann-whitney");
    free(buf);

    assert_non_null(f = open_memstream(&buf, &len));
    assert_int_equal(xg_cmp_render_csv(&p.c, f), 0);
    fclose(f);
    size_t lines = 0;
    for (const char *q = buf; *q; q++)
        lines += *q == '\n';
    assert_int_equal(lines, p.c.n + 1);
    has(buf, "cpu,cpu,a,a,,cpu_pct,%,10.8,30.4,19.6,");
    free(buf);

    assert_non_null(f = open_memstream(&buf, &len));
    assert_int_equal(xg_cmp_render_json(&p.c, f), 0);
    fclose(f);
    json_error_t je;
    json_t *j = json_loads(buf, 0, &je);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(j, "a"), "kind")), "repetitions");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(j, "b"), "draws")), 5);
    json_t *figs = json_object_get(j, "figures");
    assert_int_equal(json_array_size(figs), p.c.n);
    bool seen = false;
    size_t i;
    json_t *o;
    json_array_foreach(figs, i, o) {
        if (strcmp(json_string_value(json_object_get(o, "domain_a")), "a") ||
            strcmp(json_string_value(json_object_get(o, "metric")),
                   "cpu_pct"))
            continue;
        seen = true;
        assert_string_equal(json_string_value(json_object_get(o, "test")),
                            "welch");
        assert_string_equal(json_string_value(json_object_get(o, "verdict")),
                            "higher");
        assert_true(json_is_false(json_object_get(
            o, "intervals_not_independent")));
        assert_float_equal(json_real_value(json_object_get(o, "diff")), 19.6,
                           1e-6);
    }
    assert_true(seen);
    json_decref(j);
    free(buf);

    assert_non_null(f = open_memstream(&buf, &len));
    assert_int_equal(xg_cmp_render_html(&p.c, f), 0);
    fclose(f);
    has(buf, "<h1>xengatherer compare</h1>");
    has(buf, "class=\"xg-dot\""); /* a's cpu_pct changed: its dots */
    has(buf, "</html>");
    free(buf);
    pair_free(&p, true);
}

/* ---- synthetic recordings with known distributions ---- */

/* A seeded normal draw (splitmix64, Box-Muller): the same every run. */
static double normal(uint64_t *st, double mean, double sd)
{
    double u[2];
    for (int k = 0; k < 2; k++) {
        uint64_t z = (*st += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        u[k] = ((double)(z >> 11) + 0.5) / 9007199254740992.0;
    }
    return mean + sd * sqrt(-2 * log(u[0])) * cos(2 * M_PI * u[1]);
}

/* A recording of 10 whole repetitions whose a uses N(mean, 5) % of a CPU,
 * into s; with path, written to that file and read back, as compare reads
 * one (a file costs an fsync: the first seed's draws only). */
static void synthetic(xg_store *s, uint64_t *seed, double mean,
                      const char *path)
{
    rs_rep reps[10];
    xg_store w;
    char err[512];

    for (int r = 0; r < 10; r++)
        reps[r] = (rs_rep){normal(seed, mean, 5), false, XG_REP_WHOLE};
    if (!path) {
        rs_build(s, reps, 10);
        return;
    }
    rs_build(&w, reps, 10);
    unlink(path);
    assert_int_equal(xg_recording_write(&w, path, false, err, sizeof(err)), 0);
    xg_store_free(&w);
    assert_int_equal(xg_recording_read(path, s, err, sizeof(err)), 0);
    unlink(path);
}

/* 20 seeded draws of A and B from seed, B's mean shifted by shift: how
 * many of the comparisons called a's cpu_pct higher, and how many no
 * change. */
static void draws(uint64_t seed, double shift, bool files, int *higher,
                  int *same_n)
{
    char pa[64], pb[64];

    snprintf(pa, sizeof(pa), "/tmp/xg-synth-a-%d.db", (int)getpid());
    snprintf(pb, sizeof(pb), "/tmp/xg-synth-b-%d.db", (int)getpid());
    *higher = *same_n = 0;
    for (int i = 0; i < 20; i++) {
        pair p;
        synthetic(&p.s[0], &seed, 50, files ? pa : NULL);
        synthetic(&p.s[1], &seed, 50 + shift, files ? pb : NULL);
        assert_int_equal(compare(&p, &defaults), 0);
        const xg_cmp_fig *f = find(&p.c, "cpu", "a", "cpu_pct");
        assert_int_equal(f->t.kind, XG_TEST_WELCH);
        assert_int_equal(f->t.na, 10);
        *higher += f->verdict == XG_VERDICT_HIGHER;
        *same_n += f->verdict == XG_VERDICT_SAME;
        assert_true(f->verdict != XG_VERDICT_LOWER || shift == 0);
        pair_free(&p, true);
    }
}

static int by_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

/* Same against same, 20 draws of N = 10 at alpha 0.05: "no significant
 * change" in at least 19 of 20. An exact test calls 1 in 20 changed by
 * chance, so 2 or more of 20 happen for 26 % of seeds: the check is over
 * 25 seeds of 20 draws (500 comparisons): 19 or more for the median seed,
 * and at most 7.5 % called changed in all (5 % expected; 7.5 % is 2.5
 * standard deviations above). A shift of two standard deviations (10
 * points, sd 5) with N = 10 is found: higher in at least 19 of 20 for the
 * median seed, and in 95 % of the 500. */
static void test_synthetic(void **state)
{
    (void)state;
    int same_of[25], higher_of[25], higher, same_n, all_same = 0, all_up = 0;
    for (int k = 0; k < 25; k++) {
        draws(20261203 + 7919 * (uint64_t)k, 0, k == 0, &higher, &same_n);
        same_of[k] = same_n;
        all_same += same_n;
        draws(4242 + 7919 * (uint64_t)k, 10, k == 0, &higher, &same_n);
        higher_of[k] = higher;
        all_up += higher;
    }
    qsort(same_of, 25, sizeof(int), by_int);
    qsort(higher_of, 25, sizeof(int), by_int);
    print_message("same against same: no significant change in %d of 500 "
                  "(per 20: %d to %d, median %d)\n", all_same, same_of[0],
                  same_of[24], same_of[12]);
    print_message("shifted by 2 sd: higher in %d of 500 (per 20: %d to %d, "
                  "median %d)\n", all_up, higher_of[0], higher_of[24],
                  higher_of[12]);
    assert_true(same_of[12] >= 19);
    assert_true(500 - all_same <= 37);
    assert_true(higher_of[12] >= 19);
    assert_true(all_up >= 475);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reps_higher),
        cmocka_unit_test(test_reps_same),
        cmocka_unit_test(test_sign),
        cmocka_unit_test(test_env_warnings),
        cmocka_unit_test(test_mixed_intervals),
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_gate),
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_synthetic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

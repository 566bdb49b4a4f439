/* test_cache.c — the CACHE section from hand-built stores (references,
 * misses, hits and miss % worked out by hand; the per-mode breakdown; the
 * multiplexing share; "-" for what was not measured; the note line), and the
 * cache collector driven directly with software events (the host's sum over
 * every CPU, a process with a thread born after start, a domain without a
 * target, running out of descriptors). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "asserts.h"

#include <errno.h>
#include <jansson.h>
#include <linux/perf_event.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "collect/collector.h"
#include "report/report.h"
#include "core/store.h"
#include "core/schema.h"

#define NV XG_NOVALUE
#define T0_MONO 1000000000000LL
#define T0_WALL 1795650601000000000LL
#define NO_PMU "no hardware counters on this machine (perf_event_open: No " \
               "such file or directory)"

typedef struct spec {
    const char *dom, *dev, *metric, *unit;
    uint64_t v[3]; /* ticks 0, 1, 2 */
} spec;

static void add_dom(xg_store *s, const char *name, bool host)
{
    char key[64];
    snprintf(key, sizeof(key), "test:%s", name);
    xg_domain_info d = {.key = key, .name = (char *)name, .platform_id = -1,
                        .is_host = host, .first_tick = -1, .last_tick = -1};
    assert_true(xg_store_add_domain(s, &d) >= 0);
}

/* host, a, b: the cache series of sp over 3 ticks 1 s apart, plus meta. */
static void build(xg_store *s, const spec *sp, size_t n, const char *events,
                  const char *note)
{
    int64_t idx[32];
    xg_store_init(s, 3);
    add_dom(s, "host", true);
    add_dom(s, "a", false);
    add_dom(s, "b", false);
    assert_true(n <= 32);
    for (size_t i = 0; i < n; i++) {
        int64_t d = xg_store_find_domain(s, sp[i].dom);
        assert_true(d >= 0);
        idx[i] = xg_store_series(s, (uint32_t)d, "cache", sp[i].dev,
                                 sp[i].metric, sp[i].unit);
        assert_true(idx[i] >= 0);
    }
    for (uint32_t t = 0; t < 3; t++) {
        assert_true(xg_store_tick(s, T0_MONO + t * 1000000000LL,
                                  T0_WALL + t * 1000000000LL) == t);
        for (size_t i = 0; i < n; i++)
            if (sp[i].v[t] != NV)
                assert_int_equal(xg_store_put(s, (uint32_t)idx[i], sp[i].v[t]), 0);
    }
    xg_store_meta_set(s, "families", "cache");
    if (events)
        xg_store_meta_set(s, "cache_events", events);
    if (note)
        xg_store_meta_set(s, "note.cache", note);
}

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

/* The text from "\nCACHE" on, with runs of blanks squeezed to one. */
static char *section(const char *buf)
{
    const char *p = strstr(buf, "\nCACHE");
    char *out, *q;
    if (!p)
        fail_msg("no CACHE section in:\n%s", buf);
    out = q = strdup(p + 1);
    assert_non_null(out);
    for (const char *r = p + 1; *r; r++)
        if (*r != ' ' || (q > out && q[-1] != ' ' && q[-1] != '\n'))
            *q++ = *r;
    *q = '\0';
    for (q = out; (q = strstr(q, " \n"));) /* no blank before an end */
        memmove(q, q + 1, strlen(q));
    return out;
}


/* LLC, default events. Over the 2 s window:
 * a: 3000 refs, 750 misses -> 2250 hits, 25 % missed; always running.
 *    interval 1: 1000 / 300 -> 700 hits, 30 %; interval 2: 2000 / 450 ->
 *    1550 hits, 22.5 %.
 * host: 10000 refs, 1000 misses -> 9000 hits, 10 %; running 1.5 s of 2 s
 *    enabled = 75 % (interval 1: 0.5 of 1 = 50 %, interval 2: 100 %).
 * b: no counters -> "-" everywhere, no CSV rows. */
static const spec llc_spec[] = {
    {"test:a", "", "references", "events", {0, 1000, 3000}},
    {"test:a", "", "misses", "events", {0, 300, 750}},
    {"test:a", "", "time_enabled", "ns", {0, 1000000000, 2000000000}},
    {"test:a", "", "time_running", "ns", {0, 1000000000, 2000000000}},
    {"test:host", "", "references", "events", {0, 4000, 10000}},
    {"test:host", "", "misses", "events", {0, 1000, 1000}},
    {"test:host", "", "time_enabled", "ns", {0, 1000000000, 2000000000}},
    {"test:host", "", "time_running", "ns", {0, 500000000, 1500000000}},
};
#define LLC_NOTE "b: cgroup 'b' is not in the perf_event hierarchy x"

static void test_llc_text(void **state)
{
    xg_store s;
    (void)state;
    build(&s, llc_spec, 8, "cache-references,cache-misses", LLC_NOTE);
    char *txt = render(&s, XG_FMT_TEXT), *sec = section(txt);
    assert_string_equal(sec,
        "CACHE (cache-references,cache-misses)\n"
        "domain references misses hits miss % running %\n"
        "------ ---------- ------ ---- ------ ---------\n"
        "a 3000 750 2250 25.00 100.00\n"
        "b - - - - -\n"
        "host 10000 1000 9000 10.00 75.00\n"
        "note: " LLC_NOTE "\n");
    free(sec);
    free(txt);
    xg_store_free(&s);
}

static void test_llc_csv(void **state)
{
    xg_store s;
    (void)state;
    build(&s, llc_spec, 8, "cache-references,cache-misses", NULL);
    char *csv = render(&s, XG_FMT_CSV);
    has(csv, "window,cache,a,,references,0,2,3000,events\n"
             "window,cache,a,,misses,0,2,750,events\n"
             "window,cache,a,,hits,0,2,2250,events\n"
             "window,cache,a,,miss_pct,0,2,25,%\n"
             "window,cache,a,,running_pct,0,2,100,%\n"
             "window,cache,host,,references,0,2,10000,events\n");
    has(csv, "window,cache,host,,running_pct,0,2,75,%\n");
    has(csv, "interval,cache,a,,hits,0,1,700,events\n"
             "interval,cache,a,,miss_pct,0,1,30,%\n");
    has(csv, "interval,cache,a,,hits,1,2,1550,events\n"
             "interval,cache,a,,miss_pct,1,2,22.5,%\n");
    has(csv, "interval,cache,host,,running_pct,0,1,50,%\n");
    has(csv, "interval,cache,host,,running_pct,1,2,100,%\n");
    assert_null(strstr(csv, ",cache,b,"));
    free(csv);
    xg_store_free(&s);
}

static void test_llc_json(void **state)
{
    xg_store s;
    json_error_t e;
    (void)state;
    build(&s, llc_spec, 8, "cache-references,cache-misses", NULL);
    char *js = render(&s, XG_FMT_JSON);
    json_t *root = json_loads(js, 0, &e), *c, *w;
    assert_non_null(root);
    c = json_object_get(root, "cache");
    assert_string_equal(json_string_value(json_object_get(c, "events")),
                        "cache-references,cache-misses");
    w = json_object_get(c, "window");
    assert_int_equal(json_array_size(w), 3);
    json_t *a = json_array_get(w, 0), *b = json_array_get(w, 1),
           *h = json_array_get(w, 2);
    assert_string_equal(json_string_value(json_object_get(a, "domain")), "a");
    assert_null(json_object_get(a, "device"));
    assert_true(json_real_value(json_object_get(a, "hits")) == 2250);
    assert_true(json_real_value(json_object_get(a, "miss_pct")) == 25);
    assert_true(json_is_null(json_object_get(b, "references")));
    assert_true(json_is_null(json_object_get(b, "miss_pct")));
    assert_true(json_real_value(json_object_get(h, "running_pct")) == 75);
    /* b has no interval rows: 2 intervals x (a, host) */
    assert_int_equal(json_array_size(json_object_get(c, "intervals")), 4);
    json_decref(root);
    free(js);
    xg_store_free(&s);
}

/* --nosumcache: a's user 200/20 (10 %), kernel 100/50 (50 %); hv counted
 * no references (never on a counter) -> "-"; always running. */
static const spec mode_spec[] = {
    {"test:a", "user", "references", "events", {0, 100, 200}},
    {"test:a", "user", "misses", "events", {0, 10, 20}},
    {"test:a", "user", "time_enabled", "ns", {0, 1000, 2000}},
    {"test:a", "user", "time_running", "ns", {0, 1000, 2000}},
    {"test:a", "kernel", "references", "events", {0, 50, 100}},
    {"test:a", "kernel", "misses", "events", {0, 25, 50}},
    {"test:a", "kernel", "time_enabled", "ns", {0, 1000, 2000}},
    {"test:a", "kernel", "time_running", "ns", {0, 1000, 2000}},
    {"test:a", "hv", "time_enabled", "ns", {0, 1000, 2000}},
    {"test:a", "hv", "time_running", "ns", {0, 0, 0}},
};

static void test_modes(void **state)
{
    xg_store s;
    (void)state;
    build(&s, mode_spec, 10, "cache-references,cache-misses", NULL);
    char *txt = render(&s, XG_FMT_TEXT), *sec = section(txt);
    assert_string_equal(sec,
        "CACHE (cache-references,cache-misses)\n"
        "domain mode references misses hits miss % running %\n"
        "------ ------ ---------- ------ ---- ------ ---------\n"
        "a user 200 20 180 10.00 100.00\n"
        "a kernel 100 50 50 50.00 100.00\n"
        "a hv - - - - 0.00\n"
        "b - - - - - -\n"
        "host - - - - - -\n");
    char *csv = render(&s, XG_FMT_CSV);
    has(csv, "window,cache,a,user,miss_pct,0,2,10,%\n");
    has(csv, "window,cache,a,kernel,hits,0,2,50,events\n");
    has(csv, "window,cache,a,hv,running_pct,0,2,0,%\n");
    assert_null(strstr(csv, "window,cache,a,hv,references"));
    char *js = render(&s, XG_FMT_JSON);
    json_t *root = json_loads(js, 0, NULL);
    json_t *w = json_object_get(json_object_get(root, "cache"), "window");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(w, 1), "device")), "kernel");
    json_decref(root);
    free(js);
    free(csv);
    free(sec);
    free(txt);
    xg_store_free(&s);
}

/* --cache-events task-clock,context-switches: a ran 1.5 s (in ns) and
 * switched 30 times; no LLC columns, no running % (all 100). */
static const spec ev_spec[] = {
    {"test:a", "", "task-clock", "ns", {0, 500000000, 1500000000}},
    {"test:a", "", "context-switches", "events", {0, 10, 30}},
    {"test:a", "", "time_enabled", "ns", {0, 500000000, 1500000000}},
    {"test:a", "", "time_running", "ns", {0, 500000000, 1500000000}},
};

static void test_events(void **state)
{
    xg_store s;
    (void)state;
    build(&s, ev_spec, 4, "task-clock,context-switches", NULL);
    char *txt = render(&s, XG_FMT_TEXT), *sec = section(txt);
    assert_string_equal(sec,
        "CACHE (task-clock,context-switches)\n"
        "domain task-clock s context-switches\n"
        "------ ------------ ----------------\n"
        "a 1.500 30\n"
        "b - -\n"
        "host - -\n");
    char *csv = render(&s, XG_FMT_CSV);
    has(csv, "window,cache,a,,task-clock,0,2,1.5,s\n"
             "window,cache,a,,context-switches,0,2,30,events\n"
             "window,cache,a,,running_pct,0,2,100,%\n");
    free(csv);
    free(sec);
    free(txt);
    xg_store_free(&s);
}

/* Nothing counted: the title and the note, no rows anywhere. */
static void test_none(void **state)
{
    xg_store s;
    (void)state;
    build(&s, NULL, 0, NULL, NO_PMU);
    char *txt = render(&s, XG_FMT_TEXT), *sec = section(txt);
    assert_string_equal(sec, "CACHE\nnote: " NO_PMU "\n");
    char *csv = render(&s, XG_FMT_CSV);
    assert_string_equal(csv, "scope,family,domain,device,metric,start_s,"
                             "end_s,value,unit\n");
    char *js = render(&s, XG_FMT_JSON);
    json_t *root = json_loads(js, 0, NULL);
    json_t *c = json_object_get(root, "cache");
    assert_true(json_is_null(json_object_get(c, "events")));
    assert_int_equal(json_array_size(json_object_get(c, "window")), 0);
    json_decref(root);
    free(js);
    free(csv);
    free(sec);
    free(txt);
    xg_store_free(&s);
}

/* ---- the collector, for real, with software events ---- */

static xg_perf_target g_target; /* what the fake platform answers */
static const char *g_err;       /* non-NULL: it fails with this err */

static int fake_target(xg_platform *p, xg_pdomain *d, xg_perf_target *out,
                       char *err, size_t errlen)
{
    (void)p;
    *out = g_target;
    if (d->info.is_host) {
        out->kind = XG_PERF_SYSTEM;
    } else if (g_err) {
        snprintf(err, errlen, "%s", g_err);
        return -1;
    }
    return 0;
}

static const xg_platform_ops fake_ops = {.name = "fake",
                                         .perf_target = fake_target};

typedef struct rig {
    xg_options o;
    xg_ctx ctx;
    uint32_t sd[4];
    int gone[4];
    const xg_collector *col;
    void *st;
} rig;

static const xg_collector *cache_collector(void)
{
    const xg_collector *const *c = xg_collectors();
    for (; *c; c++)
        if (strcmp((*c)->name, "cache") == 0)
            return *c;
    fail_msg("no cache collector");
    return NULL;
}

/* A context with the host, or with one non-host domain "d". */
static void rig_init(rig *r, bool host, const char *events)
{
    xg_pdomain d = {.info = {.key = host ? "host" : "test:d",
                             .name = host ? "host" : "d", .platform_id = -1,
                             .is_host = host, .first_tick = -1,
                             .last_tick = -1}};
    memset(r, 0, sizeof(*r));
    xg_options_defaults(&r->o);
    r->o.cache_events = events;
    r->ctx.opt = &r->o;
    r->ctx.ops = &fake_ops;
    r->ctx.store_dom = r->sd;
    r->ctx.gone = r->gone;
    xg_store_init(&r->ctx.store, 4);
    assert_int_equal(xg_pdomains_push(&r->ctx.doms, &d), 0);
    assert_true(xg_store_add_domain(&r->ctx.store, &d.info) == 0);
    r->col = cache_collector();
}

static void rig_start(rig *r)
{
    char err[256];
    assert_int_equal(r->col->start(&r->ctx, &r->st, err, sizeof(err)), 0);
}

static void rig_tick(rig *r)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    assert_true(xg_store_tick(&r->ctx.store,
                              ts.tv_sec * 1000000000LL + ts.tv_nsec, 0) >= 0);
    r->col->sample(&r->ctx, r->st);
}

static void rig_free(rig *r)
{
    if (r->st)
        r->col->stop(&r->ctx, r->st);
    xg_pdomains_free(&r->ctx.doms);
    xg_store_free(&r->ctx.store);
}

/* The last value of (domain 0, cache, dev, metric); fails when absent. */
static uint64_t last(const rig *r, const char *dev, const char *metric)
{
    int64_t i = xg_store_find_series(&r->ctx.store, 0, "cache", dev, metric);
    if (i < 0)
        fail_msg("no cache series %s/%s", dev, metric);
    return xg_store_get(&r->ctx.store, (uint32_t)i, r->ctx.store.n_ticks - 1);
}

/* Every series the collector made is the schema's, in its unit. */
static void in_schema(const rig *r)
{
    const xg_store *s = &r->ctx.store;

    for (size_t i = 0; i < s->n_series; i++) {
        const xg_series *x = &s->series[i];
        const xg_series_def *d = xg_schema_find(x->family, x->metric);
        if (!d || strcmp(d->unit, x->unit) != 0 ||
            !xg_schema_device_ok(d, x->device))
            fail_msg("series %s/%s/%s (%s) is not the schema's", x->family,
                     x->device, x->metric, x->unit);
    }
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Whether this machine counts software events at all (else: skip). */
static bool have_perf(void)
{
    struct perf_event_attr a = {.size = sizeof(a), .type = PERF_TYPE_SOFTWARE,
                                .config = PERF_COUNT_SW_TASK_CLOCK,
                                .disabled = 1, .exclude_kernel = 1};
    int fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

/* The host, system-wide, one group per CPU summed: every CPU's cpu-clock
 * runs all the time, so the stored sums must lie between ncpus times the
 * shortest and the longest the counters can have been open. */
static void test_collect_host(void **state)
{
    rig r;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    (void)state;
    if (!have_perf())
        skip();
    rig_init(&r, true, "cpu-clock,context-switches");
    int64_t t0 = now_ns();
    rig_start(&r);
    int64_t t1 = now_ns();
    rig_tick(&r);
    usleep(200000);
    int64_t t2 = now_ns();
    rig_tick(&r);
    int64_t t3 = now_ns();
    uint64_t en = last(&r, "", "time_enabled"), run = last(&r, "", "time_running");
    uint64_t clk = last(&r, "", "cpu-clock");
    assert_true(en >= (uint64_t)(ncpu * (t2 - t1)));
    assert_true(en <= (uint64_t)(ncpu * (t3 - t0)));
    assert_true(run == en);
    assert_true(clk >= (uint64_t)(ncpu * (t2 - t1)) * 99 / 100);
    assert_true(clk <= (uint64_t)(ncpu * (t3 - t0)) * 101 / 100);
    assert_string_equal(xg_store_meta_get(&r.ctx.store, "cache_events"),
                        "cpu-clock,context-switches");
    assert_null(xg_store_meta_get(&r.ctx.store, "note.cache"));
    /* the units are the schema's: the clock in ns, the count in events */
    in_schema(&r);
    assert_string_equal(r.ctx.store.series[xg_store_find_series(
        &r.ctx.store, 0, "cache", "", "cpu-clock")].unit, "ns");
    assert_string_equal(r.ctx.store.series[xg_store_find_series(
        &r.ctx.store, 0, "cache", "", "context-switches")].unit, "events");
    rig_free(&r);
}

static volatile double g_sink;

static void *burn(void *arg)
{
    struct timespec ts;
    double x = 1;
    int64_t end;
    (void)arg;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    end = ts.tv_sec * 1000000000LL + ts.tv_nsec + 150000000;
    do {
        for (int i = 0; i < 10000; i++)
            x = x * 1.0000001 + 1e-9;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    } while (ts.tv_sec * 1000000000LL + ts.tv_nsec < end);
    g_sink = x;
    return NULL;
}

/* A process (what the qemu platform hands out): this one, whose thread born
 * after start burns 150 ms; inherit must count it. */
static void test_collect_pid(void **state)
{
    rig r;
    pthread_t th;
    (void)state;
    if (!have_perf())
        skip();
    g_target = (xg_perf_target){.kind = XG_PERF_PID, .pid = getpid(),
                                .cgroup_fd = -1};
    rig_init(&r, false, "task-clock");
    rig_start(&r);
    rig_tick(&r);
    assert_int_equal(pthread_create(&th, NULL, burn, NULL), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    rig_tick(&r);
    uint64_t tc = last(&r, "", "task-clock");
    assert_true(tc >= 140000000);
    assert_true(tc < 1000000000);
    rig_free(&r);
}

/* --nosumcache: the three modes are stored apart. */
static void test_collect_modes(void **state)
{
    rig r;
    (void)state;
    if (!have_perf())
        skip();
    g_target = (xg_perf_target){.kind = XG_PERF_PID, .pid = getpid(),
                                .cgroup_fd = -1};
    rig_init(&r, false, "task-clock");
    r.o.nosumcache = true;
    rig_start(&r);
    burn(NULL);
    rig_tick(&r);
    assert_true(last(&r, "user", "time_enabled") > 0);
    assert_true(last(&r, "kernel", "time_enabled") > 0);
    assert_true(last(&r, "hv", "time_enabled") > 0);
    assert_true(xg_store_find_series(&r.ctx.store, 0, "cache", "",
                                     "task-clock") < 0);
    in_schema(&r); /* the mode devices are the schema's */
    rig_free(&r);
}

/* A domain the platform has no target for: said in the note (without the
 * domain's name, as it is every domain watched), no series, and start still
 * succeeds. */
static void test_collect_no_target(void **state)
{
    rig r;
    (void)state;
    g_target = (xg_perf_target){.kind = XG_PERF_NONE, .cgroup_fd = -1,
                                .why = "cgroup 'd' is not in the perf_event "
                                       "hierarchy /x"};
    rig_init(&r, false, "task-clock");
    rig_start(&r);
    rig_tick(&r);
    assert_true(r.ctx.store.n_series == 0);
    if (have_perf())
        assert_string_equal(xg_store_meta_get(&r.ctx.store, "note.cache"),
                            "cgroup 'd' is not in the perf_event "
                            "hierarchy /x");
    rig_free(&r);
}

/* Domains with 300-byte names the platform has no target for: the note
 * names both whole (it kept 159 bytes of them), then the reason. */
static void test_collect_long_names(void **state)
{
    rig r;
    char name[2][301], want[1024];
    (void)state;
    if (!have_perf())
        skip();
    g_target = (xg_perf_target){.kind = XG_PERF_NONE, .cgroup_fd = -1,
                                .why = "no perf_event cgroup"};
    rig_init(&r, true, "task-clock");
    for (int i = 0; i < 2; i++) {
        memset(name[i], 'a' + i, 300);
        name[i][300] = '\0';
        xg_pdomain d = {.info = {.key = name[i], .name = name[i],
                                 .platform_id = -1, .first_tick = -1,
                                 .last_tick = -1}};
        assert_int_equal(xg_pdomains_push(&r.ctx.doms, &d), 0);
        assert_true(xg_store_add_domain(&r.ctx.store, &d.info) == i + 1);
    }
    rig_start(&r);
    rig_tick(&r);
    snprintf(want, sizeof(want), "%s, %s: no perf_event cgroup", name[0],
             name[1]);
    assert_string_equal(xg_store_meta_get(&r.ctx.store, "note.cache"), want);
    rig_free(&r);
}

/* A platform's reason naming a 1000-byte cgroup reaches the note whole, as
 * its why (was cut at 319 bytes) or as its error (at 255). */
static void test_collect_long_reason(void **state)
{
    rig r;
    char why[1100];
    (void)state;
    if (!have_perf())
        skip();
    snprintf(why, sizeof(why), "cgroup '%0*d' is not in the perf_event "
             "hierarchy /x", 1000, 7);
    for (int as_err = 0; as_err < 2; as_err++) {
        g_target = (xg_perf_target){.kind = XG_PERF_NONE, .cgroup_fd = -1,
                                    .why = as_err ? NULL : why};
        g_err = as_err ? why : NULL;
        rig_init(&r, false, "task-clock");
        rig_start(&r);
        rig_tick(&r);
        assert_string_equal(xg_store_meta_get(&r.ctx.store, "note.cache"),
                            why);
        rig_free(&r);
    }
    g_err = NULL;
}

/* Defaults on a machine without a PMU: the one-line reason, nothing
 * stored; where a PMU exists, LLC series instead. */
static void test_collect_defaults(void **state)
{
    rig r;
    (void)state;
    rig_init(&r, true, NULL);
    rig_start(&r);
    rig_tick(&r);
    const char *note = xg_store_meta_get(&r.ctx.store, "note.cache");
    if (note && strstr(note, "no hardware counters")) {
        assert_string_equal(note, NO_PMU);
        assert_true(r.ctx.store.n_series == 0);
    } else if (!note) {
        assert_true(last(&r, "", "references") != NV);
    }
    rig_free(&r);
}

/* Room for one more descriptor only: the note says how many were needed
 * (2 events x every CPU), nothing is stored, start succeeds. */
static void test_collect_emfile(void **state)
{
    rig r;
    struct rlimit old, lim;
    char want[128];
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int lowest = dup(0);
    (void)state;
    if (!have_perf())
        skip();
    close(lowest);
    rig_init(&r, true, "task-clock,cpu-clock");
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
    lim = old;
    lim.rlim_cur = (rlim_t)lowest + 1;
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &lim), 0);
    rig_start(&r);
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
    rig_tick(&r);
    snprintf(want, sizeof(want), "too many open files (EMFILE): the counters "
             "need %ld descriptors and the limit is %d (raise it", 2 * ncpu,
             lowest + 1);
    const char *note = xg_store_meta_get(&r.ctx.store, "note.cache");
    assert_non_null(note);
    if (strncmp(note, want, strlen(want)) != 0)
        fail_msg("note \"%s\" does not start \"%s\"", note, want);
    assert_true(r.ctx.store.n_series == 0);
    rig_free(&r);
}

static void test_events_check(void **state)
{
    char err[512];
    (void)state;
    assert_int_equal(xg_cache_events_check("task-clock,cycles", err,
                                           sizeof(err)), 0);
    assert_int_equal(xg_cache_events_check("task-clock,bogus", err,
                                           sizeof(err)), -1);
    assert_string_equal(err, "--cache-events: unknown event 'bogus' (known: "
                        "cycles, instructions, cache-references, "
                        "cache-misses, task-clock, cpu-clock, page-faults, "
                        "context-switches, cpu-migrations, LLC-loads, "
                        "LLC-load-misses, LLC-stores, LLC-store-misses, "
                        "LLC_MISSES, LLC_REFS, CPU_CLK_UNHALTED, "
                        "INST_RETIRED)");
    assert_int_equal(xg_cache_events_check("cycles,cycles", err,
                                           sizeof(err)), -1);
    assert_string_equal(err, "--cache-events: 'cycles' named twice");
    assert_int_equal(xg_cache_events_check("", err, sizeof(err)), -1);
}

/* OProfile's and perf's names are accepted; OProfile's :N sample count and
 * perf's :u modifiers are refused with a line saying why. */
static void test_events_aliases(void **state)
{
    char err[512];
    (void)state;
    assert_int_equal(xg_cache_events_check("LLC_MISSES,LLC_REFS", err,
                                           sizeof(err)), 0);
    assert_int_equal(xg_cache_events_check("LLC-load-misses,llc-loads,"
                                           "LLC-stores,LLC-store-misses,"
                                           "CPU_CLK_UNHALTED,INST_RETIRED",
                                           err, sizeof(err)), 0);
    /* an alias is the same event as its perf name */
    assert_int_equal(xg_cache_events_check("LLC_MISSES,cache-misses", err,
                                           sizeof(err)), -1);
    assert_string_equal(err, "--cache-events: 'cache-misses' named twice");
    assert_int_equal(xg_cache_events_check("LLC_MISSES:10000", err,
                                           sizeof(err)), -1);
    assert_string_equal(err, "--cache-events 'LLC_MISSES:10000': events are "
                        "counted, not sampled: counting needs no sample "
                        "period; write LLC_MISSES");
    assert_int_equal(xg_cache_events_check("cycles,cycles:u", err,
                                           sizeof(err)), -1);
    assert_non_null(strstr(err, "'cycles:u': no ':' modifiers; write cycles"));
    assert_int_equal(xg_cache_events_check("bogus:100", err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "unknown event 'bogus' (known: "));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_llc_text),
        cmocka_unit_test(test_llc_csv),
        cmocka_unit_test(test_llc_json),
        cmocka_unit_test(test_modes),
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_none),
        cmocka_unit_test(test_collect_host),
        cmocka_unit_test(test_collect_pid),
        cmocka_unit_test(test_collect_modes),
        cmocka_unit_test(test_collect_no_target),
        cmocka_unit_test(test_collect_long_names),
        cmocka_unit_test(test_collect_long_reason),
        cmocka_unit_test(test_collect_defaults),
        cmocka_unit_test(test_collect_emfile),
        cmocka_unit_test(test_events_check),
        cmocka_unit_test(test_events_aliases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_xen_cmt.c — the xen platform's cache side on a canned backend (no
 * hypervisor needed): what perf in dom0 may count, Xen CMT asked once per
 * run, attach/detach bookkeeping, figures and a vanished domain; then the
 * cmt collector driven tick by tick into a store, and the CACHE OCCUPANCY
 * section's arithmetic from it (JSON and text). The real libxl calls run in
 * the Xen lab, whose CPU has no CMT: there the "off" path is checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <jansson.h>

#include "collect/collector.h"
#include "platform/xen/xen_snap.h"
#include "report/report.h"

static struct {
    unsigned domid[3];
    size_t n;
    unsigned kinds;          /* what cmt_open reports */
    int opens, attaches, detached[3], fail_attach;
    bool already[3];         /* attached before the run */
    uint64_t occ[3], total[3];
    int64_t now;
} g;

static void *f_open(char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return &g;
}

static int f_snapshot(void *h, xg_xen_snap *s)
{
    static const char *const names[] = {"Domain-0", "a", "b"};
    static const char *const uuids[] = {"", "6d1f1c9e-0000-4000-8000-00000000000a",
                                        "6d1f1c9e-0000-4000-8000-00000000000b"};
    (void)h;
    for (size_t i = 0; i < g.n; i++) {
        xg_xen_dom *d = xg_xen_snap_dom(s);
        assert_non_null(d);
        d->domid = g.domid[i];
        snprintf(d->name, sizeof(d->name), "%s", names[i]);
        snprintf(d->uuid, sizeof(d->uuid), "%s", uuids[i]);
    }
    return 0;
}

static void f_close(void *h)
{
    (void)h;
}

static int64_t f_now(void)
{
    return g.now;
}

static size_t slot(unsigned domid)
{
    for (size_t i = 0; i < 3; i++)
        if (g.domid[i] == domid)
            return i;
    fail_msg("unknown domid %u", domid);
    return 0;
}

static unsigned f_cmt_open(void *h, char *why, size_t len)
{
    (void)h;
    g.opens++;
    if (!g.kinds)
        snprintf(why, len, "Xen CMT: off (canned)");
    return g.kinds;
}

static int f_cmt_attach(void *h, unsigned domid, char *why, size_t len)
{
    (void)h;
    g.attaches++;
    if (g.fail_attach) {
        snprintf(why, len, "Xen CMT: no RMID for %u", domid);
        return -1;
    }
    return g.already[slot(domid)] ? 0 : 1;
}

static void f_cmt_detach(void *h, unsigned domid)
{
    (void)h;
    g.detached[slot(domid)]++;
}

static int f_cmt_read(void *h, unsigned domid, unsigned kind, uint64_t *out)
{
    (void)h;
    if (kind == XG_CMT_OCCUPANCY)
        *out = g.occ[slot(domid)];
    else if (kind == XG_CMT_MBM_TOTAL)
        *out = g.total[slot(domid)];
    else
        fail_msg("kind %u was not offered", kind);
    return 0;
}

static const xg_xen_backend with_cmt = {
    .open = f_open, .snapshot = f_snapshot, .close = f_close,
    .now_ns = f_now, .cmt_open = f_cmt_open, .cmt_attach = f_cmt_attach,
    .cmt_detach = f_cmt_detach, .cmt_read = f_cmt_read};
static const xg_xen_backend no_libxl = {
    .open = f_open, .snapshot = f_snapshot, .close = f_close,
    .now_ns = f_now};

static int setup(void **state)
{
    (void)state;
    memset(&g, 0, sizeof(g));
    g.domid[0] = 0;
    g.domid[1] = 41;
    g.domid[2] = 7;
    g.n = 3;
    g.kinds = XG_CMT_OCCUPANCY | XG_CMT_MBM_TOTAL;
    g.now = 1000000000;
    return 0;
}

/* Opens the platform over be and prepares every domain into *l. */
static xg_platform *open_all(const xg_xen_backend *be, xg_pdomains *l)
{
    xg_options o = {.interval_s = 1.0};
    char err[256] = "";
    xg_platform *p = xg_xen_open_with(be, &o, err, sizeof(err));

    assert_non_null(p);
    memset(l, 0, sizeof(*l));
    assert_int_equal(xg_xen_discover(p, l, err, sizeof(err)), 0);
    assert_int_equal(l->n, 3);
    for (size_t i = 0; i < l->n; i++)
        assert_int_equal(xg_xen_prepare(p, &l->v[i], err, sizeof(err)), 0);
    return p;
}

static void close_all(xg_platform *p, xg_pdomains *l)
{
    for (size_t i = 0; i < l->n; i++)
        xg_xen_release(p, &l->v[i]);
    xg_pdomains_free(l);
    xg_xen_close(p);
}

static void test_perf_target(void **state)
{
    xg_pdomains l;
    xg_platform *p = open_all(&with_cmt, &l);
    xg_perf_target t;
    char err[64];

    (void)state;
    assert_int_equal(xg_xen_perf_target(p, &l.v[0], &t, err, sizeof(err)), 0);
    assert_int_equal(t.kind, XG_PERF_SYSTEM); /* Domain-0: dom0's vCPUs */
    assert_int_equal(xg_xen_perf_target(p, &l.v[1], &t, err, sizeof(err)), 0);
    assert_int_equal(t.kind, XG_PERF_NONE);
    assert_non_null(strstr(t.why, "only dom0's own vCPUs"));
    close_all(p, &l);
}

static void test_off_asked_once(void **state)
{
    xg_pdomains l;
    xg_platform *p;
    char why[320];

    (void)state;
    g.kinds = 0;
    p = open_all(&with_cmt, &l);
    for (size_t i = 0; i < l.n; i++) {
        why[0] = '\0';
        assert_int_equal(xg_xen_cmt_start(p, &l.v[i], why, sizeof(why)), -1);
        assert_string_equal(why, "Xen CMT: off (canned)");
    }
    assert_int_equal(g.opens, 1);
    assert_int_equal(g.attaches, 0);
    close_all(p, &l);
    assert_int_equal(g.detached[0] + g.detached[1] + g.detached[2], 0);

    p = open_all(&no_libxl, &l);
    assert_int_equal(xg_xen_cmt_start(p, &l.v[1], why, sizeof(why)), -1);
    assert_non_null(strstr(why, "without libxenlight"));
    close_all(p, &l);
}

static void test_attach_read_detach(void **state)
{
    xg_pdomains l;
    xg_platform *p;
    xg_cmt_counters c;
    char why[320];

    (void)state;
    g.already[2] = true; /* someone else monitors b: leave it so */
    p = open_all(&with_cmt, &l);
    for (size_t i = 0; i < l.n; i++)
        assert_int_equal(xg_xen_cmt_start(p, &l.v[i], why, sizeof(why)), 0);
    g.occ[1] = 3 << 20;
    g.total[1] = 123456789;
    assert_int_equal(xg_xen_cmt_read(p, &l.v[1], &c), 0); /* l.v[1] = a */
    assert_int_equal(c.have, XG_CMT_OCCUPANCY | XG_CMT_MBM_TOTAL);
    assert_int_equal(c.llc_occupancy, 3 << 20);
    assert_int_equal(c.mbm_total, 123456789);
    assert_int_equal(c.mbm_local, 0);

    g.n = 2; /* b (domid 7, the last) is destroyed */
    g.now += 2000000000;
    assert_int_equal(xg_xen_cmt_read(p, &l.v[2], &c), -1);
    close_all(p, &l);
    assert_int_equal(g.detached[0], 1);
    assert_int_equal(g.detached[1], 1);
    assert_int_equal(g.detached[2], 0); /* not ours to stop */
}

static void test_attach_fails(void **state)
{
    xg_pdomains l;
    xg_platform *p;
    char why[320] = "";

    (void)state;
    g.fail_attach = 1;
    p = open_all(&with_cmt, &l);
    assert_int_equal(xg_xen_cmt_start(p, &l.v[1], why, sizeof(why)), -1);
    assert_string_equal(why, "Xen CMT: no RMID for 41");
    close_all(p, &l);
    assert_int_equal(g.detached[1], 0);
}

/* ---- the collector and the report section ---- */

extern const xg_collector xg_collector_cmt;

static const xg_platform_ops ops = {
    .name = "xen",
    .prepare = xg_xen_prepare,
    .cmt_start = xg_xen_cmt_start,
    .cmt_read = xg_xen_cmt_read,
    .release = xg_xen_release,
};

static double num(json_t *rows, const char *dom, const char *key)
{
    for (size_t i = 0; i < json_array_size(rows); i++) {
        json_t *r = json_array_get(rows, i);
        if (strcmp(json_string_value(json_object_get(r, "domain")), dom) == 0)
            return json_number_value(json_object_get(r, key));
    }
    fail_msg("no row for %s", dom);
    return 0;
}

static void test_collector_and_report(void **state)
{
    xg_options o = {.interval_s = 1.0};
    xg_ctx ctx = {.opt = &o, .ops = &ops};
    uint32_t sd[3];
    int gone[3] = {0};
    void *st = NULL;
    char err[256], *buf = NULL;
    size_t len = 0;
    FILE *f;

    (void)state;
    ctx.plat = open_all(&with_cmt, &ctx.doms);
    xg_store_init(&ctx.store, 4);
    for (size_t i = 0; i < 3; i++) {
        sd[i] = (uint32_t)xg_store_add_domain(&ctx.store, &ctx.doms.v[i].info);
        assert_true(sd[i] < 3);
    }
    ctx.store_dom = sd;
    ctx.gone = gone;
    xg_store_meta_set(&ctx.store, "families", "cmt");
    assert_int_equal(xg_collector_cmt.start(&ctx, &st, err, sizeof(err)), 0);
    /* a: occupancy 1, 2, 3 MiB; 10 MiB to memory per second over 2 s */
    for (int t = 0; t < 3; t++) {
        g.occ[1] = (uint64_t)(t + 1) << 20;
        g.total[1] = 1000 + (uint64_t)t * (10 << 20);
        g.occ[0] = 512 << 10;
        g.total[0] = 0;
        g.now += 1000000000;
        assert_true(xg_store_tick(&ctx.store, g.now, g.now) == t);
        xg_collector_cmt.sample(&ctx, st);
    }
    xg_collector_cmt.stop(&ctx, st);
    assert_string_equal(xg_store_meta_get(&ctx.store, "note.cmt"), "");

    f = open_memstream(&buf, &len);
    assert_non_null(f);
    xg_report_opts ro = {XG_FMT_JSON, false};
    assert_int_equal(xg_report_write(&ctx.store, &ro, f), 0);
    fclose(f);
    json_t *root = json_loads(buf, 0, NULL);
    assert_non_null(root);
    json_t *w = json_object_get(json_object_get(root, "cmt"), "window");
    assert_float_equal(num(w, "a", "llc_occupancy_kib"), 2048, 1e-9);
    assert_float_equal(num(w, "a", "llc_occupancy_max_kib"), 3072, 1e-9);
    assert_float_equal(num(w, "a", "mem_mb_s"), 10, 1e-9);
    assert_float_equal(num(w, "a", "mem_mb"), 20, 1e-9);
    assert_float_equal(num(w, "Domain-0", "llc_occupancy_kib"), 512, 1e-9);
    assert_true(json_is_null(json_object_get(json_array_get(w, 0),
                                             "mem_local_mb_s")));
    json_decref(root);
    free(buf);

    buf = NULL;
    f = open_memstream(&buf, &len);
    ro.fmt = XG_FMT_TEXT;
    assert_int_equal(xg_report_write(&ctx.store, &ro, f), 0);
    fclose(f);
    assert_non_null(strstr(buf, "CACHE OCCUPANCY (Xen CMT/MBM, per domain)"));
    free(buf);
    xg_store_free(&ctx.store);
    close_all(ctx.plat, &ctx.doms);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_perf_target, setup),
        cmocka_unit_test_setup(test_off_asked_once, setup),
        cmocka_unit_test_setup(test_attach_read_detach, setup),
        cmocka_unit_test_setup(test_attach_fails, setup),
        cmocka_unit_test_setup(test_collector_and_report, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

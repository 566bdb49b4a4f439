/* test_restart.c — restart.c's rules on a hand-made context: which vanished
 * domain a listed one is a new life of (same key or, with a vmfile, same
 * name; a different platform id; sampled before; not the host; one new life
 * each), when listing is worth it, and the "#2", "#3" keys of new lives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "experiment/restart.h"

typedef struct fixture {
    xg_ctx ctx;
    uint32_t store_dom[4];
    int gone[4];
} fixture;

static void add(fixture *f, const char *key, const char *name, int64_t id,
                bool host, int64_t last_tick)
{
    xg_pdomain d = {.info = {.key = (char *)key, .name = (char *)name,
                             .platform_id = id, .is_host = host,
                             .first_tick = -1, .last_tick = -1}};
    size_t i = f->ctx.doms.n;

    assert_int_equal(xg_pdomains_push(&f->ctx.doms, &d), 0);
    d.info.first_tick = last_tick < 0 ? -1 : 0;
    d.info.last_tick = last_tick;
    f->store_dom[i] = (uint32_t)xg_store_add_domain(&f->ctx.store, &d.info);
    f->gone[i] = 0;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    xg_store_init(&f->ctx.store, 16);
    f->ctx.store_dom = f->store_dom;
    f->ctx.gone = f->gone;
    add(f, "xen:0", "Domain-0", 0, true, 5);
    add(f, "xen:UA", "a", 7, false, 5);
    add(f, "xen:UB", "b", 9, false, 5);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    xg_pdomains_free(&f->ctx.doms);
    xg_store_free(&f->ctx.store);
    free(f);
    return 0;
}

static xg_domain_info listed(const char *key, const char *name, int64_t id)
{
    return (xg_domain_info){.key = (char *)key, .name = (char *)name,
                            .platform_id = id, .first_tick = -1,
                            .last_tick = -1};
}

static void test_pending(void **state)
{
    fixture *f = *state;

    assert_false(xg_restart_pending(&f->ctx));
    f->gone[0] = 1; /* the host is never restarted */
    assert_false(xg_restart_pending(&f->ctx));
    f->gone[2] = 1;
    assert_true(xg_restart_pending(&f->ctx));
    f->gone[2] = XG_GONE_RESTARTED; /* found again: no more listing */
    assert_false(xg_restart_pending(&f->ctx));
    /* one that was never sampled (prepare failed) is not waited for */
    f->ctx.store.domains[f->store_dom[1]].last_tick = -1;
    f->gone[1] = 1;
    assert_false(xg_restart_pending(&f->ctx));
}

static void test_same_key(void **state)
{
    fixture *f = *state;
    xg_domain_info a2 = listed("xen:UA", "a", 12);

    /* a is alive: the same key listed again is a itself, not a new life */
    assert_int_equal(xg_restart_of(&f->ctx, &a2, false), -1);
    f->gone[1] = 1;
    assert_int_equal(xg_restart_of(&f->ctx, &a2, false), 1);
    /* a dying domain still listed (same domid) is not its own restart */
    xg_domain_info dying = listed("xen:UA", "a", 7);
    assert_int_equal(xg_restart_of(&f->ctx, &dying, false), -1);
    /* an unknown id cannot tell: not taken */
    xg_domain_info unknown = listed("xen:UA", "a", -1);
    assert_int_equal(xg_restart_of(&f->ctx, &unknown, false), -1);
    /* once its new life is watched, a is not matched again */
    f->gone[1] = XG_GONE_RESTARTED;
    assert_int_equal(xg_restart_of(&f->ctx, &a2, false), -1);
}

static void test_by_name(void **state)
{
    fixture *f = *state;
    /* qemu without -uuid: a restart has a new key (name:starttime) */
    xg_domain_info b2 = listed("qemu:b:999", "b", 31);

    f->gone[2] = 1;
    assert_int_equal(xg_restart_of(&f->ctx, &b2, false), -1);
    assert_int_equal(xg_restart_of(&f->ctx, &b2, true), 2);
    xg_domain_info other = listed("qemu:c:5", "c", 32);
    assert_int_equal(xg_restart_of(&f->ctx, &other, true), -1);
    xg_domain_info host = listed("xen:0", "b", 40);
    host.is_host = true;
    assert_int_equal(xg_restart_of(&f->ctx, &host, true), -1);
}

static void test_keys(void **state)
{
    fixture *f = *state;
    char k[64];

    assert_int_equal(xg_restart_key(&f->ctx.store, "xen:UA", k, sizeof(k)), 0);
    assert_string_equal(k, "xen:UA#2");
    add(f, k, "a", 12, false, 8);
    assert_int_equal(xg_restart_key(&f->ctx.store, "xen:UA", k, sizeof(k)), 0);
    assert_string_equal(k, "xen:UA#3");
    assert_int_equal(xg_restart_key(&f->ctx.store, "xen:UA", k, 8), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pending, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

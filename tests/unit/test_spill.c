/* test_spill.c — --max-memory: a store whose values are moved out in chunks
 * mid-run and added to the recording (by hand, and by the writer thread of
 * src/experiment/spill.c) reads back value for value the same as the same store
 * written whole; a failed finish keeps the added samples and the rescue
 * copy gets them back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "recording/recording.h"
#include "experiment/spill.h"
#include "core/store.h"

#define NTICKS 200u

static char tmpdir[] = "/tmp/xg_test_spill_XXXXXX";

static const char *tpath(const char *name)
{
    static char bufs[4][PATH_MAX];
    static int next;
    char *b = bufs[next++ % 4];

    snprintf(b, PATH_MAX, "%s/%s", tmpdir, name);
    return b;
}

static int rm_one(const char *p, const struct stat *sb, int flag,
                  struct FTW *f)
{
    (void)sb;
    (void)flag;
    (void)f;
    return remove(p);
}

static int group_setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static uint32_t add_dom(xg_store *s, const char *key)
{
    xg_domain_info d = {.key = (char *)key, .name = (char *)key,
                        .platform_id = -1, .first_tick = -1,
                        .last_tick = -1};
    int64_t i = xg_store_add_domain(s, &d);

    assert_true(i >= 0);
    return (uint32_t)i;
}

static uint32_t add_ser(xg_store *s, uint32_t dom, const char *metric)
{
    int64_t i = xg_store_series(s, dom, "cpu", NULL, metric, "ns");

    assert_true(i >= 0);
    return (uint32_t)i;
}

/* The run: tick t of NTICKS, as a collector would store it. Series with
 * every value, with gaps, starting late, ending early, values past 2^63, a
 * series that never has one, and a domain that joins at tick 90. */
typedef struct run {
    uint32_t every, gappy, late, ends, big, never, joined;
    bool has_joined;
} run;

static void run_start(xg_store *s, run *r)
{
    uint32_t a, b;

    xg_store_init(s, NTICKS);
    a = add_dom(s, "host");
    b = add_dom(s, "cgroup:machine.slice/a");
    memset(r, 0, sizeof(*r));
    r->every = add_ser(s, a, "usage");
    r->gappy = add_ser(s, a, "user");
    r->late = add_ser(s, b, "usage");
    r->ends = add_ser(s, b, "user");
    r->big = add_ser(s, a, "system");
    r->never = add_ser(s, b, "system");
    xg_store_meta_set(s, "interval_s", "0.100");
}

static void run_tick(xg_store *s, run *r, uint32_t t)
{
    assert_int_equal(xg_store_tick(s, 1000000 + 100 * (int64_t)t,
                                   5000000 + 100 * (int64_t)t), t);
    assert_int_equal(xg_store_put(s, r->every, 10 * (uint64_t)t), 0);
    if (t % 3 != 1 && !(t >= 40 && t < 47)) /* short gaps and a long one */
        assert_int_equal(xg_store_put(s, r->gappy, 7 * (uint64_t)t + 1), 0);
    if (t >= 17 && t % 5 != 0)
        assert_int_equal(xg_store_put(s, r->late, (uint64_t)t * t), 0);
    if (t < 60)
        assert_int_equal(xg_store_put(s, r->ends, 3 * (uint64_t)t), 0);
    assert_int_equal(xg_store_put(s, r->big, UINT64_MAX - 1 - t), 0);
    if (t == 90) {
        r->joined = add_ser(s, add_dom(s, "cgroup:machine.slice/late"),
                            "usage");
        r->has_joined = true;
    }
    if (r->has_joined && t % 2 == 0)
        assert_int_equal(xg_store_put(s, r->joined, 11 * (uint64_t)t), 0);
}

static void read_back(const char *path, xg_store *s)
{
    char err[512] = "";

    if (xg_recording_read(path, s, err, sizeof(err)) < 0)
        fail_msg("%s", err);
}

/* Two recordings hold the same run: ticks, domains, series and every
 * value at every tick. */
static void assert_same(const char *want_path, const char *got_path)
{
    xg_store a, b;
    size_t i;

    read_back(want_path, &a);
    read_back(got_path, &b);
    assert_int_equal(a.n_ticks, NTICKS);
    assert_int_equal(b.n_ticks, a.n_ticks);
    for (i = 0; i < a.n_ticks; i++) {
        assert_int_equal(b.tick_mono_ns[i], a.tick_mono_ns[i]);
        assert_int_equal(b.tick_wall_ns[i], a.tick_wall_ns[i]);
    }
    assert_int_equal(b.n_domains, a.n_domains);
    for (i = 0; i < a.n_domains; i++) {
        assert_string_equal(b.domains[i].key, a.domains[i].key);
        assert_int_equal(b.domains[i].first_tick, a.domains[i].first_tick);
        assert_int_equal(b.domains[i].last_tick, a.domains[i].last_tick);
    }
    assert_int_equal(b.n_series, a.n_series);
    for (i = 0; i < a.n_series; i++) {
        assert_int_equal(b.series[i].domain, a.series[i].domain);
        assert_string_equal(b.series[i].metric, a.series[i].metric);
        assert_int_equal(b.series[i].first_tick, a.series[i].first_tick);
        assert_int_equal(b.series[i].n, a.series[i].n);
        for (uint32_t t = 0; t < a.n_ticks; t++)
            if (xg_store_get(&b, (uint32_t)i, t) !=
                xg_store_get(&a, (uint32_t)i, t))
                fail_msg("series %zu tick %u: %llu, want %llu", i, t,
                         (unsigned long long)xg_store_get(&b, (uint32_t)i, t),
                         (unsigned long long)xg_store_get(&a, (uint32_t)i, t));
    }
    assert_string_equal(xg_store_meta_get(&b, "interval_s"), "0.100");
    xg_store_free(&a);
    xg_store_free(&b);
}

static int64_t count_values(const xg_chunk *c)
{
    int64_t n = 0;

    for (size_t i = 0; i < c->n; i++)
        for (uint32_t k = 0; k < c->runs[i].n; k++)
            n += c->runs[i].values[k] != XG_NOVALUE;
    return n;
}

/* The same run written whole, without any spill. */
static const char *reference(void)
{
    static bool done;
    const char *path = tpath("whole.db");
    char err[512] = "";
    xg_store s;
    run r;

    if (done)
        return path;
    run_start(&s, &r);
    for (uint32_t t = 0; t < NTICKS; t++)
        run_tick(&s, &r, t);
    if (xg_recording_write(&s, path, false, err, sizeof(err)) < 0)
        fail_msg("%s", err);
    xg_store_free(&s);
    done = true;
    return path;
}

/* Chunks taken at a few ticks (one of them at the joining domain's first
 * value) and added; one chunk is not added but given to the final write,
 * as one the writer failed on or had not reached. */
static void chunks_by_hand(void **state)
{
    const uint32_t at[] = {0, 5, 17, 41, 90, 91, 150, NTICKS - 2};
    const char *path = tpath("hand.db");
    char err[512] = "", kept[PATH_MAX] = "x";
    xg_chunk held = {0};
    xg_recfile *f;
    xg_store s;
    int64_t added = 0, rows;
    size_t k = 0;
    run r;

    (void)state;
    run_start(&s, &r);
    assert_int_equal(xg_recording_begin(&f, path, false, XG_REC_SPILL, err,
                                        sizeof(err)), 0);
    for (uint32_t t = 0; t < NTICKS; t++) {
        run_tick(&s, &r, t);
        if (k < sizeof(at) / sizeof(at[0]) && at[k] == t) {
            xg_chunk c;
            assert_int_equal(xg_store_take(&s, &c), 0);
            assert_true(c.n > 0);
            if (t == 41) {
                held = c;   /* the final write gets it */
            } else {
                rows = xg_recording_add(f, &c, err, sizeof(err));
                if (rows < 0)
                    fail_msg("%s", err);
                assert_int_equal(rows, count_values(&c));
                added += rows;
                xg_chunk_free(&c);
            }
            k++;
        }
    }
    assert_int_equal(xg_recording_added(f), added);
    /* the store holds only what came after the last take */
    assert_int_equal(s.series[r.every].first_tick, NTICKS - 1);
    assert_int_equal(s.series[r.every].n, 1);
    if (xg_recording_finish(f, &s, &held, 1, kept, sizeof(kept), err,
                            sizeof(err)) < 0)
        fail_msg("%s", err);
    assert_string_equal(kept, "");
    snprintf(kept, sizeof(kept), "%s.partial-%ld", path, (long)getpid());
    assert_int_equal(access(kept, F_OK), -1);   /* renamed into place */
    xg_chunk_free(&held);
    xg_store_free(&s);
    assert_same(reference(), path);
}

/* A finish that fails (the recording appeared meanwhile, no --force) keeps
 * the temporary file with the samples added, names it, and the rescue
 * copy made from it is the whole run. */
static void failed_finish_keeps_samples(void **state)
{
    const char *path = tpath("taken.db");
    char err[512] = "", kept[PATH_MAX] = "";
    xg_recfile *f;
    xg_store s;
    FILE *fp;
    run r;

    (void)state;
    run_start(&s, &r);
    assert_int_equal(xg_recording_begin(&f, path, false, XG_REC_SPILL, err,
                                        sizeof(err)), 0);
    for (uint32_t t = 0; t < NTICKS; t++) {
        run_tick(&s, &r, t);
        if (t == 30 || t == 120) {
            xg_chunk c;
            assert_int_equal(xg_store_take(&s, &c), 0);
            assert_true(xg_recording_add(f, &c, err, sizeof(err)) > 0);
            xg_chunk_free(&c);
        }
    }
    fp = fopen(path, "w");
    assert_non_null(fp);
    fclose(fp);
    assert_int_equal(xg_recording_finish(f, &s, NULL, 0, kept, sizeof(kept),
                                         err, sizeof(err)), -1);
    assert_non_null(strstr(err, "File exists"));
    assert_non_null(strstr(kept, "taken.db.partial-"));
    assert_int_equal(access(kept, F_OK), 0);
    if (xg_recording_rescue(&s, NULL, 0, kept, tpath("rescue.db"), false,
                            err, sizeof(err)) < 0)
        fail_msg("%s", err);
    unlink(kept);
    xg_store_free(&s);
    assert_same(reference(), tpath("rescue.db"));
}

/* The writer thread, with a bound small enough for several spills. With
 * wait, each chunk is written before the run goes on; without, the run
 * ends before the low-priority writer gets to most of them, and the final
 * write takes those. */
static void thread_run(const char *name, bool wait)
{
    const char *path = tpath(name);
    char err[512] = "", kept[PATH_MAX] = "";
    const xg_chunk *left;
    size_t n_left, spills = 0, peak = 0;
    xg_recfile *f;
    xg_spill *sp;
    xg_store s;
    uint64_t total = 0, flushed, at_end, chunks;
    run r;

    run_start(&s, &r);
    sp = xg_spill_new(16 << 10, path, false);
    assert_non_null(sp);
    xg_spill_tick(sp, &s);
    for (uint32_t t = 0; t < NTICKS; t++) {
        run_tick(&s, &r, t);
        if (xg_spill_tick(sp, &s)) {
            spills++;
            for (int i = 0; wait && xg_spill_queued(sp) && i < 10000; i++)
                usleep(1000);
            if (wait)
                assert_int_equal(xg_spill_queued(sp), 0);
        }
        if (xg_store_sample_bytes(&s) > peak)
            peak = xg_store_sample_bytes(&s);
    }
    assert_true(spills >= 3);
    /* the store's arrays stayed within half the bound */
    assert_true(peak <= 8 << 10);
    f = xg_spill_end(sp, &left, &n_left);
    if (wait) {
        assert_non_null(f);
        assert_int_equal(n_left, 0);
    }
    xg_spill_meta(sp, &s);
    assert_string_equal(xg_store_meta_get(&s, "max_memory"), "16384");
    chunks = strtoull(xg_store_meta_get(&s, "spill_chunks"), NULL, 10);
    flushed = strtoull(xg_store_meta_get(&s, "spilled_samples"), NULL, 10);
    at_end = strtoull(xg_store_meta_get(&s, "spill_final_samples"), NULL, 10);
    assert_int_equal(chunks + n_left, spills);
    assert_int_equal(flushed, (uint64_t)xg_recording_added(f));
    if (wait)
        assert_int_equal(chunks, spills);
    if (!f && xg_recording_begin(&f, path, false, XG_REC_WHOLE, err,
                                 sizeof(err)) < 0)
        fail_msg("%s", err);
    if (xg_recording_finish(f, &s, left, n_left, kept, sizeof(kept), err,
                            sizeof(err)) < 0)
        fail_msg("%s", err);
    xg_spill_free(sp);
    xg_store_free(&s);
    assert_same(reference(), path);
    /* the samples written during the run, or handed back at stop, are
     * all but those of the last partial chunk */
    read_back(path, &s);
    for (size_t i = 0; i < s.n_series; i++)
        for (uint32_t k = 0; k < s.series[i].n; k++)
            total += s.series[i].values[k] != XG_NOVALUE;
    assert_true(flushed + at_end <= total);
    assert_true(flushed + at_end > total / 2);
    xg_store_free(&s);
}

static void writer_thread(void **state)
{
    (void)state;
    thread_run("thread.db", true);
}

static void writer_behind(void **state)
{
    (void)state;
    thread_run("behind.db", false);
}

/* No spill when the run fits: nothing is written during it, and the first
 * arrays get the whole run's room as before. */
static void fits_no_spill(void **state)
{
    const xg_chunk *left;
    size_t n_left;
    xg_spill *sp;
    xg_store s;
    run r;

    (void)state;
    run_start(&s, &r);
    sp = xg_spill_new((size_t)256 << 20, tpath("fits.db"), false);
    assert_non_null(sp);
    xg_spill_tick(sp, &s);
    for (uint32_t t = 0; t < NTICKS; t++) {
        run_tick(&s, &r, t);
        assert_int_equal(xg_spill_tick(sp, &s), 0);
        if (t == 0)
            assert_true(s.series[r.every].cap >= NTICKS);
    }
    assert_null(xg_spill_end(sp, &left, &n_left));
    assert_int_equal(n_left, 0);
    xg_spill_meta(sp, &s);
    assert_null(xg_store_meta_get(&s, "spill_chunks"));
    assert_int_equal(access(tpath("fits.db"), F_OK), -1);
    xg_spill_free(sp);
    xg_store_free(&s);
}

/* Checkpoints (--checkpoint) by the writer thread, every 60 ticks and
 * with a bound that makes early ones: while the run goes on, the recording
 * in its place reads back (marked partial) with every tick up to its last
 * checkpoint; a note set on a series after its checkpoint reaches the
 * final file; the final file equals the whole write. */
static void checkpoints(void **state)
{
    char path[PATH_MAX], tmp[PATH_MAX + 32];
    char err[512] = "", kept[PATH_MAX] = "";
    const xg_chunk *left;
    size_t n_left;
    uint64_t n_ck = 0, mem;
    xg_recfile *f;
    xg_spill *sp;
    xg_store s, mid;
    run r;

    (void)state;
    snprintf(path, sizeof(path), "%s", tpath("ckpt.db"));
    snprintf(tmp, sizeof(tmp), "%s.partial-%ld", path, (long)getpid());
    run_start(&s, &r);
    sp = xg_spill_new(8 << 10, path, false);
    assert_non_null(sp);
    xg_spill_checkpoints(sp, 60 * 100, 61); /* a tick is 100 ns here */
    xg_spill_tick(sp, &s);
    for (uint32_t t = 0; t < NTICKS; t++) {
        run_tick(&s, &r, t);
        assert_int_equal(xg_spill_tick(sp, &s), 0); /* never a plain spill */
        if (t == 100)
            xg_store_series_note(&s, r.every, "noted after a checkpoint");
        if (!xg_spill_checkpoint_due(sp, s.tick_mono_ns[t]))
            continue;
        xg_store_meta_set(&s, "partial", "1");
        assert_int_equal(xg_spill_checkpoint(sp, &s, s.tick_mono_ns[t]), 0);
        n_ck++;
        for (int i = 0; xg_spill_queued(sp) && i < 10000; i++)
            usleep(1000);
        /* in place now, and complete up to this tick */
        read_back(path, &mid);
        assert_int_equal(mid.n_ticks, t + 1);
        assert_string_equal(xg_store_meta_get(&mid, "partial"), "1");
        assert_int_equal(xg_store_get(&mid, r.every, t), 10 * (uint64_t)t);
        assert_int_equal(xg_store_get(&mid, r.every, 0), 0);
        xg_store_free(&mid);
        assert_int_equal(access(tmp, F_OK), -1);
    }
    assert_true(n_ck >= NTICKS / 60);
    f = xg_spill_end(sp, &left, &n_left);
    assert_non_null(f);
    xg_spill_meta(sp, &s);
    assert_int_equal(strtoull(xg_store_meta_get(&s, "checkpoints"), NULL, 10),
                     n_ck);
    mem = strtoull(xg_store_meta_get(&s, "spill_chunks"), NULL, 10);
    assert_true(mem >= 1 && mem < n_ck); /* the bound made some of them */
    xg_store_meta_set(&s, "partial", "0");
    if (xg_recording_finish(f, &s, left, n_left, kept, sizeof(kept), err,
                            sizeof(err)) < 0)
        fail_msg("%s", err);
    xg_spill_free(sp);
    xg_store_free(&s);
    assert_same(reference(), path);
    read_back(path, &s);
    assert_string_equal(s.series[r.every].note, "noted after a checkpoint");
    assert_string_equal(xg_store_meta_get(&s, "partial"), "0");
    xg_store_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chunks_by_hand),
        cmocka_unit_test(failed_finish_keeps_samples),
        cmocka_unit_test(writer_thread),
        cmocka_unit_test(writer_behind),
        cmocka_unit_test(fits_no_spill),
        cmocka_unit_test(checkpoints),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

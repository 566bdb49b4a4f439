/* reader.c — the recording's reader: loads a recording back into an
 * xg_store (schema: docs/recording.md); the writer is writer.c. */
#include "recording/recording.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "recording/internal.h"
#include "util/strbuf.h"

typedef struct reader {
    sqlite3 *db;
    const char *path;
    char *err;
    size_t errlen;
    xg_store *s;
    int64_t *domain_ids;  /* file id of store domain i, ascending */
    int64_t *series_ids;  /* file id of store series i, ascending */
} reader;

/* The reader's one line into err, whole, or ending in "..." where err is
 * too small for it (never cut silently). */
__attribute__((format(printf, 3, 4)))
static void put_err(char *err, size_t errlen, const char *fmt, ...)
{
    xg_sb sb = XG_SB_INIT;
    va_list ap;

    va_start(ap, fmt);
    xg_sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    xg_sb_put(&sb, err, errlen);
    xg_sb_free(&sb);
}

__attribute__((format(printf, 2, 3)))
static int damaged(reader *r, const char *fmt, ...)
{
    xg_sb what = XG_SB_INIT;
    va_list ap;

    va_start(ap, fmt);
    xg_sb_vprintf(&what, fmt, ap);
    va_end(ap);
    put_err(r->err, r->errlen, "%s: damaged recording: %s", r->path,
            what.oom ? "(out of memory for the details)" : xg_sb_str(&what));
    xg_sb_free(&what);
    return -1;
}

static int nomem(reader *r)
{
    put_err(r->err, r->errlen, "%s: out of memory", r->path);
    return -1;
}

/* Reports the SQLite error in force on r->db. */
static int sql_fail(reader *r)
{
    int rc = sqlite3_errcode(r->db);
    const char *msg = sqlite3_errmsg(r->db);

    switch (rc) {
    case SQLITE_NOTADB:
        put_err(r->err, r->errlen, "%s: not an xengatherer recording (%s)",
                r->path, msg);
        return -1;
    case SQLITE_NOMEM:
        return nomem(r);
    case SQLITE_ERROR:    /* e.g. "no such table" */
    case SQLITE_CORRUPT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
        return damaged(r, "%s", msg);
    default:
        put_err(r->err, r->errlen, "%s: %s", r->path, msg);
        return -1;
    }
}

static int r_prepare(reader *r, sqlite3_stmt **st, const char *sql)
{
    if (sqlite3_prepare_v2(r->db, sql, -1, st, NULL) != SQLITE_OK)
        return sql_fail(r);
    return 0;
}

/* Steps st: 1 = a row, 0 = done, -1 = error (reported). */
static int r_step(reader *r, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);

    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return sql_fail(r);
}

/* Integer column i into *v; a NULL gives dflt when nullable. */
static int col_int(reader *r, sqlite3_stmt *st, int i, const char *row,
                   bool nullable, int64_t dflt, int64_t *v)
{
    int type = sqlite3_column_type(st, i);

    if (type == SQLITE_NULL && nullable) {
        *v = dflt;
        return 0;
    }
    if (type != SQLITE_INTEGER)
        return damaged(r, "%s: %s is not an integer", row,
                       sqlite3_column_name(st, i));
    *v = sqlite3_column_int64(st, i);
    return 0;
}

/* Integer column that must lie in [lo, hi]. */
static int col_range(reader *r, sqlite3_stmt *st, int i, const char *row,
                     bool nullable, int64_t dflt, int64_t lo, int64_t hi,
                     int64_t *v)
{
    if (col_int(r, st, i, row, nullable, dflt, v) < 0)
        return -1;
    if (*v < lo || *v > hi)
        return damaged(r, "%s: %s %lld out of range", row,
                       sqlite3_column_name(st, i), (long long)*v);
    return 0;
}

/* Text column i (valid until the next step); NULL allowed when nullable. */
static int col_text(reader *r, sqlite3_stmt *st, int i, const char *row,
                    bool nullable, const char **out)
{
    *out = NULL;
    if (sqlite3_column_type(st, i) == SQLITE_NULL) {
        if (nullable)
            return 0;
        return damaged(r, "%s: %s is missing", row, sqlite3_column_name(st, i));
    }
    *out = (const char *)sqlite3_column_text(st, i);
    return *out ? 0 : nomem(r);
}

/* Index of file id in ids[0..n) (ascending), or -1. */
static int64_t find_id(const int64_t *ids, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] == id)
            return (int64_t)mid;
        if (ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* Appends id to *ids (n entries). ids must come in ascending order (find_id
 * relies on it): ORDER BY gives that, unless the file is damaged. */
static int push_id(reader *r, int64_t **ids, size_t n, int64_t id,
                   const char *row)
{
    int64_t *nv;

    if (n > 0 && id <= (*ids)[n - 1])
        return damaged(r, "%s: id out of order or repeated", row);
    if ((n & (n - 1)) == 0) {   /* n is 0 or a power of two: double */
        nv = realloc(*ids, (n ? 2 * n : 8) * sizeof(**ids));
        if (!nv)
            return nomem(r);
        *ids = nv;
    }
    (*ids)[n] = id;
    return 0;
}

/* format_compat: the oldest format a reader must know to read the file
 * (what a newer format only added, a reader that knows less can leave
 * out); the format itself when absent or not a number in 1..version. */
static long long compat_version(const unsigned char *v, long long version)
{
    char *end;
    long long c;
    if (!v)
        return version;
    errno = 0;
    c = strtoll((const char *)v, &end, 10);
    return end == (const char *)v || *end || errno || c < 1 || c > version
        ? version : c;
}

/* Checks magic and format_version, then loads the other keys. */
static int read_meta(reader *r)
{
    sqlite3_stmt *st;
    const char *v;
    char *end;
    long long version;
    bool has_meta;
    int rc;

    if (r_prepare(r, &st, "SELECT count(*) FROM sqlite_master"
                  " WHERE type = 'table' AND name = 'meta'") < 0)
        return -1;
    rc = r_step(r, st);
    has_meta = rc > 0 && sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    if (rc < 0)
        return -1;
    if (!has_meta) {
        put_err(r->err, r->errlen, "%s: not an xengatherer recording (no meta "
                "table)", r->path);
        return -1;
    }

    if (r_prepare(r, &st, "SELECT (SELECT value FROM meta WHERE key = 'magic'),"
                  " (SELECT value FROM meta WHERE key = 'format_version'),"
                  " (SELECT value FROM meta WHERE key = 'format_compat')") < 0)
        return -1;
    rc = r_step(r, st);
    if (rc <= 0) {
        sqlite3_finalize(st);
        return rc;   /* a SELECT without FROM always gives a row */
    }
    v = (const char *)sqlite3_column_text(st, 0);
    if (!v || strcmp(v, MAGIC) != 0) {
        sqlite3_finalize(st);
        put_err(r->err, r->errlen, "%s: not an xengatherer recording (no "
                "magic)", r->path);
        return -1;
    }
    v = (const char *)sqlite3_column_text(st, 1);
    errno = 0;
    version = v ? strtoll(v, &end, 10) : 0;
    if (!v || end == v || *end || errno || version < 1) {
        damaged(r, "bad format_version '%s'", v ? v : "(none)");
        sqlite3_finalize(st);
        return -1;
    }
    long long compat = compat_version(sqlite3_column_text(st, 2), version);
    sqlite3_finalize(st);
    if (version > XG_RECORDING_FORMAT && compat > XG_RECORDING_FORMAT) {
        put_err(r->err, r->errlen, "%s: recording format %lld is newer than "
                "this xengatherer understands (%d)", r->path, version,
                XG_RECORDING_FORMAT);
        return -1;
    }

    if (r_prepare(r, &st, "SELECT key, value FROM meta WHERE key <> 'magic'"
                  " ORDER BY rowid") < 0)
        return -1;
    while ((rc = r_step(r, st)) > 0) {
        const char *key, *value;
        if (col_text(r, st, 0, "meta", false, &key) < 0 ||
            col_text(r, st, 1, "meta", false, &value) < 0) {
            rc = -1;
            break;
        }
        if (xg_store_meta_set(r->s, key, value) < 0) {
            rc = nomem(r);
            break;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

static int read_ticks(reader *r)
{
    sqlite3_stmt *st;
    int rc;

    if (r_prepare(r, &st, "SELECT seq, mono_ns, wall_ns FROM ticks"
                  " ORDER BY seq") < 0)
        return -1;
    while ((rc = r_step(r, st)) > 0) {
        uint32_t n = r->s->n_ticks;
        int64_t seq = 0, mono = 0, wall = 0;
        char row[32];
        snprintf(row, sizeof(row), "tick %u", n);
        rc = -1;
        if (col_int(r, st, 0, row, false, 0, &seq) < 0 ||
            col_int(r, st, 1, row, false, 0, &mono) < 0 ||
            col_int(r, st, 2, row, false, 0, &wall) < 0)
            break;
        if (seq != n) {
            damaged(r, "tick %lld where tick %u was expected", (long long)seq, n);
            break;
        }
        if (n == UINT32_MAX - 1) {
            damaged(r, "too many ticks");
            break;
        }
        if (n > 0 && mono <= r->s->tick_mono_ns[n - 1]) {
            damaged(r, "tick %u is not later than the tick before it", n);
            break;
        }
        if (xg_store_tick(r->s, mono, wall) < 0) {
            nomem(r);
            break;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* Whether domains has the column host (format 3's; older files have
 * none): 1, 0, or -1 + err. */
static int has_host_column(reader *r)
{
    sqlite3_stmt *st;
    int rc, has;

    if (r_prepare(r, &st, "SELECT count(*) FROM pragma_table_info('domains')"
                  " WHERE name = 'host'") < 0)
        return -1;
    rc = r_step(r, st);
    has = rc > 0 && sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    return rc < 0 ? -1 : has;
}

static int read_domains(reader *r)
{
    xg_store *s = r->s;
    int64_t last = (int64_t)s->n_ticks - 1;
    sqlite3_stmt *st;
    int rc, has_host = has_host_column(r);

    if (has_host < 0 ||
        r_prepare(r, &st, has_host
                  ? "SELECT id, key, name, address, uuid, platform_id,"
                    " vcpus, is_host, first_tick, last_tick, host FROM domains"
                    " ORDER BY id"
                  : "SELECT id, key, name, address, uuid, platform_id,"
                    " vcpus, is_host, first_tick, last_tick, NULL FROM domains"
                    " ORDER BY id") < 0)
        return -1;
    while ((rc = r_step(r, st)) > 0) {
        xg_domain_info d = { 0 };
        const char *key, *name, *address, *uuid, *host;
        int64_t id = 0, vcpus = 0, is_host = 0;
        char row[48];
        rc = -1;
        if (col_int(r, st, 0, "domain", false, 0, &id) < 0)
            break;
        snprintf(row, sizeof(row), "domain %lld", (long long)id);
        if (col_text(r, st, 1, row, false, &key) < 0 ||
            col_text(r, st, 2, row, false, &name) < 0 ||
            col_text(r, st, 3, row, true, &address) < 0 ||
            col_text(r, st, 4, row, true, &uuid) < 0 ||
            col_int(r, st, 5, row, true, -1, &d.platform_id) < 0 ||
            col_range(r, st, 6, row, true, 0, 0, INT_MAX, &vcpus) < 0 ||
            col_range(r, st, 7, row, false, 0, 0, 1, &is_host) < 0 ||
            col_range(r, st, 8, row, true, -1, -1, last, &d.first_tick) < 0 ||
            col_range(r, st, 9, row, true, -1, -1, last, &d.last_tick) < 0 ||
            col_text(r, st, 10, row, true, &host) < 0)
            break;
        if ((d.first_tick < 0) != (d.last_tick < 0) ||
            d.first_tick > d.last_tick) {
            damaged(r, "%s: first_tick/last_tick inconsistent", row);
            break;
        }
        if (s->n_domains == UINT32_MAX) {
            damaged(r, "too many domains");
            break;
        }
        if (xg_store_find_domain(s, key) >= 0) {
            damaged(r, "%s: duplicate key '%s'", row, key);
            break;
        }
        /* the store copies the strings; it does not write through these */
        d.key = (char *)key;
        d.name = (char *)name;
        d.address = (char *)address;
        d.uuid = (char *)uuid;
        d.host = (char *)host;
        d.vcpus = (int)vcpus;
        d.is_host = is_host != 0;
        if (push_id(r, &r->domain_ids, s->n_domains, id, row) < 0)
            break;
        if (xg_store_add_domain(s, &d) < 0) {
            nomem(r);
            break;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* Every series is loaded, also one the schema (core/schema.h) does not
 * know, from a newer writer: xg_schema_unknown names those for the report,
 * which leaves them out and says so. */
static int read_series(reader *r)
{
    xg_store *s = r->s;
    sqlite3_stmt *st;
    int rc;

    if (r_prepare(r, &st, "SELECT id, domain_id, family, device, metric, unit,"
                  " note, source FROM series ORDER BY id") < 0)
        return -1;
    while ((rc = r_step(r, st)) > 0) {
        const char *family, *device, *metric, *unit, *note, *source;
        int64_t id = 0, domain_id = 0, dom, idx;
        size_t n = s->n_series;
        char row[48];
        rc = -1;
        if (col_int(r, st, 0, "series", false, 0, &id) < 0)
            break;
        snprintf(row, sizeof(row), "series %lld", (long long)id);
        if (col_int(r, st, 1, row, false, 0, &domain_id) < 0 ||
            col_text(r, st, 2, row, false, &family) < 0 ||
            col_text(r, st, 3, row, false, &device) < 0 ||
            col_text(r, st, 4, row, false, &metric) < 0 ||
            col_text(r, st, 5, row, false, &unit) < 0 ||
            col_text(r, st, 6, row, true, &note) < 0 ||
            col_text(r, st, 7, row, true, &source) < 0)
            break;
        dom = find_id(r->domain_ids, s->n_domains, domain_id);
        if (dom < 0) {
            damaged(r, "%s for unknown domain %lld", row, (long long)domain_id);
            break;
        }
        if (xg_store_find_series(s, (uint32_t)dom, family, device, metric) >= 0) {
            damaged(r, "%s is a duplicate", row);
            break;
        }
        if (push_id(r, &r->series_ids, n, id, row) < 0)
            break;
        idx = xg_store_series(s, (uint32_t)dom, family, device, metric, unit);
        if (idx < 0 || (note && xg_store_series_note(s, (uint32_t)idx, note) < 0) ||
            (source && xg_store_series_source(s, (uint32_t)idx, source) < 0)) {
            nomem(r);
            break;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* Gives x room for ticks up to the last one, or trims it to x->n (fit). */
static int size_values(xg_series *x, uint32_t cap)
{
    uint64_t *nv;

    if (cap == 0) {
        free(x->values);
        x->values = NULL;
        x->cap = 0;
        return 0;
    }
    nv = realloc(x->values, (size_t)cap * sizeof(*nv));
    if (!nv)
        return -1;
    x->values = nv;
    x->cap = cap;
    return 0;
}

static int read_samples(reader *r)
{
    xg_store *s = r->s;
    xg_series *x = NULL;
    int64_t cur_id = 0;
    sqlite3_stmt *st;
    int rc;

    if (r_prepare(r, &st, "SELECT series_id, tick, value FROM samples"
                  " ORDER BY series_id, tick") < 0)
        return -1;
    while ((rc = r_step(r, st)) > 0) {
        int64_t id = 0, tick = 0, value = 0;
        uint32_t t, idx;
        rc = -1;
        if (col_int(r, st, 0, "sample", false, 0, &id) < 0)
            break;
        if (!x || id != cur_id) {
            int64_t i = find_id(r->series_ids, s->n_series, id);
            /* a damaged file can give the rows out of order: a series
             * left (and trimmed) must not be written to again */
            if (x && id < cur_id) {
                damaged(r, "samples out of order (series %lld after series "
                        "%lld)", (long long)id, (long long)cur_id);
                break;
            }
            if (i < 0) {
                damaged(r, "sample for unknown series %lld", (long long)id);
                break;
            }
            if (x && size_values(x, x->n) < 0) {
                nomem(r);
                break;
            }
            x = &s->series[i];
            cur_id = id;
        }
        if (col_int(r, st, 1, "sample", false, 0, &tick) < 0 ||
            col_int(r, st, 2, "sample", false, 0, &value) < 0)
            break;
        if (tick < 0 || tick >= s->n_ticks) {
            damaged(r, "sample of series %lld at tick %lld, past the last "
                    "tick", (long long)id, (long long)tick);
            break;
        }
        t = (uint32_t)tick;
        if ((uint64_t)value == XG_NOVALUE)     /* a gap, as if absent */
            continue;
        if (x->n == 0) {
            x->first_tick = t;
            /* room up to the last tick; trimmed when the series is done */
            if (size_values(x, s->n_ticks - t) < 0) {
                nomem(r);
                break;
            }
        } else if (t < x->first_tick + x->n) {
            damaged(r, "series %lld has two samples at tick %u",
                    (long long)id, t);
            break;
        }
        idx = t - x->first_tick;
        if (idx >= x->cap) { /* cannot happen with the checks above */
            damaged(r, "samples of series %lld out of order", (long long)id);
            break;
        }
        /* values has room for idx: t < n_ticks, so size_values gave it
         * n_ticks - first_tick >= 1 slots (the analyzer loses that) */
        while (x->n < idx)
            x->values[x->n++] = XG_NOVALUE; // NOLINT(clang-analyzer-core.NullDereference)
        x->values[x->n++] = (uint64_t)value; // NOLINT(clang-analyzer-core.NullDereference)
    }
    if (rc == 0 && x && size_values(x, x->n) < 0)
        rc = nomem(r);
    sqlite3_finalize(st);
    return rc;
}

/* 1 when the query gives a row, 0 when none, -1 on error. */
static int r_exists(reader *r, const char *sql)
{
    sqlite3_stmt *st;
    int rc;

    if (r_prepare(r, &st, sql) < 0)
        return -1;
    rc = r_step(r, st);
    sqlite3_finalize(st);
    return rc;
}

/* One row of repetitions: numbered 1, 2... in order, each a range of
 * ticks after the one before. */
static int read_rep(reader *r, sqlite3_stmt *st, uint32_t prev_last)
{
    int64_t rep = 0, first = 0, last = 0, warmup = 0;
    const char *state;
    xg_rep x = {0};
    char row[48];

    if (col_int(r, st, 0, "repetition", false, 0, &rep) < 0)
        return -1;
    snprintf(row, sizeof(row), "repetition %lld", (long long)rep);
    if (rep != (int64_t)r->s->n_reps + 1)
        return damaged(r, "%s where repetition %zu was expected", row,
                       r->s->n_reps + 1);
    if (col_range(r, st, 1, row, false, 0, r->s->n_reps ? prev_last : 0,
                  (int64_t)r->s->n_ticks - 1, &first) < 0 ||
        col_range(r, st, 2, row, false, 0, first,
                  (int64_t)r->s->n_ticks - 1, &last) < 0 ||
        col_range(r, st, 3, row, false, 0, 0, 1, &warmup) < 0 ||
        col_text(r, st, 4, row, false, &state) < 0)
        return -1;
    if (!xg_rep_state_parse(state, &x.state))
        return damaged(r, "%s: unknown state '%s'", row, state);
    x.first_tick = (uint32_t)first;
    x.last_tick = (uint32_t)last;
    x.warmup = warmup != 0;
    return xg_store_add_rep(r->s, &x) < 0 ? nomem(r) : 0;
}

/* The repetitions of a repeated run (format 2; none in older files). */
static int read_reps(reader *r)
{
    sqlite3_stmt *st;
    uint32_t prev_last = 0;
    int rc = r_exists(r, "SELECT 1 FROM sqlite_master WHERE type = 'table'"
                      " AND name = 'repetitions'");

    if (rc <= 0)
        return rc;
    if (r_prepare(r, &st, "SELECT rep, first_tick, last_tick, warmup, state"
                  " FROM repetitions ORDER BY rep") < 0)
        return -1;
    while ((rc = r_step(r, st)) > 0) {
        if (read_rep(r, st, prev_last) < 0) {
            rc = -1;
            break;
        }
        prev_last = r->s->reps[r->s->n_reps - 1].last_tick;
    }
    sqlite3_finalize(st);
    return rc;
}

static int read_workloads(reader *r)
{
    xg_store *s = r->s;
    sqlite3_stmt *st;
    int rc = r_exists(r, "SELECT 1 FROM pragma_table_info('workloads')"
                      " WHERE name = 'rep'");

    if (rc < 0 ||
        r_prepare(r, &st, rc ? "SELECT id, domain_id, argv, start_ns, end_ns,"
                  " exit_code, signal, state, rep FROM workloads ORDER BY id"
                  : "SELECT id, domain_id, argv, start_ns, end_ns,"
                  " exit_code, signal, state, NULL FROM workloads"
                  " ORDER BY id") < 0)
        return -1;
    while ((rc = r_step(r, st)) > 0) {
        xg_workload w = { 0 };
        const char *argv, *state;
        int64_t id = 0, domain_id = 0, dom, exit_code = 0, sig = 0, rep = 0;
        char row[48];
        rc = -1;
        if (col_int(r, st, 0, "workload", false, 0, &id) < 0)
            break;
        snprintf(row, sizeof(row), "workload %lld", (long long)id);
        if (col_int(r, st, 1, row, false, 0, &domain_id) < 0 ||
            col_text(r, st, 2, row, false, &argv) < 0 ||
            col_int(r, st, 3, row, true, -1, &w.start_ns) < 0 ||
            col_int(r, st, 4, row, true, -1, &w.end_ns) < 0 ||
            col_range(r, st, 5, row, true, 0, INT_MIN, INT_MAX, &exit_code) < 0 ||
            col_range(r, st, 6, row, true, 0, INT_MIN, INT_MAX, &sig) < 0 ||
            col_text(r, st, 7, row, false, &state) < 0 ||
            col_range(r, st, 8, row, true, 0, s->n_reps ? 1 : 0,
                      (int64_t)s->n_reps, &rep) < 0)
            break;
        dom = find_id(r->domain_ids, s->n_domains, domain_id);
        if (dom < 0) {
            damaged(r, "%s for unknown domain %lld", row, (long long)domain_id);
            break;
        }
        if (w.end_ns >= 0 && w.end_ns < w.start_ns) { /* -1: still running */
            damaged(r, "%s ends before it starts", row);
            break;
        }
        w.domain = (uint32_t)dom;
        w.argv = (char *)argv;     /* copied by the store */
        w.state = (char *)state;
        w.exit_code = (int)exit_code;
        w.signal = (int)sig;
        w.rep = (uint32_t)rep;
        if (xg_store_add_workload(s, &w) < 0) {
            nomem(r);
            break;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* The workloads' output (table outputs; a recording made before it had
 * none). A row's workload is found by its id among the workloads read in
 * id order. */
static int read_outputs(reader *r)
{
    xg_store *s = r->s;
    sqlite3_stmt *st;
    int rc;

    if (r_prepare(r, &st, "SELECT 1 FROM sqlite_master WHERE type = 'table'"
                  " AND name = 'outputs'") < 0)
        return -1;
    rc = r_step(r, st);
    sqlite3_finalize(st);
    if (rc <= 0)
        return rc;
    if (r_prepare(r, &st, "SELECT o.workload_id, o.stream, o.total_bytes,"
                  " o.tail, (SELECT count(*) FROM workloads w"
                  " WHERE w.id < o.workload_id),"
                  " EXISTS(SELECT 1 FROM workloads w WHERE w.id = o.workload_id)"
                  " FROM outputs o") < 0)
        return -1;
    while ((rc = r_step(r, st)) > 0) {
        int64_t id = 0, total = 0, at = 0;
        const char *stream;
        char row[64];
        int k, n;
        rc = -1;
        if (col_int(r, st, 0, "output", false, 0, &id) < 0)
            break;
        snprintf(row, sizeof(row), "output of workload %lld", (long long)id);
        if (col_text(r, st, 1, row, false, &stream) < 0 || !stream ||
            col_range(r, st, 2, row, false, 0, 0, INT64_MAX, &total) < 0 ||
            col_int(r, st, 4, row, false, 0, &at) < 0)
            break;
        k = !strcmp(stream, "stdout") ? 0 : !strcmp(stream, "stderr") ? 1 : -1;
        n = sqlite3_column_bytes(st, 3);
        if (k < 0 || !sqlite3_column_int(st, 5) || at < 0 ||
            (uint64_t)at >= s->n_workloads || s->workloads[at].out[k] ||
            (int64_t)n > total || sqlite3_column_type(st, 3) == SQLITE_NULL) {
            damaged(r, "%s: no such workload or stream, a second row, or a"
                    " tail longer than the stream", row);
            break;
        }
        xg_workload *w = &s->workloads[at];
        const void *b = sqlite3_column_blob(st, 3);
        if (n && !(w->out[k] = malloc((size_t)n))) {
            nomem(r);
            break;
        }
        if (n)
            memcpy(w->out[k], b, (size_t)n);
        w->out_len[k] = (size_t)n;
        w->out_total[k] = (uint64_t)total;
    }
    sqlite3_finalize(st);
    return rc;
}

/* What SQLite would not say clearly: missing, a directory, empty. */
static int check_file(const char *path, char *err, size_t errlen)
{
    struct stat st;

    if (stat(path, &st) < 0) {
        put_err(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        put_err(err, errlen, "%s: not an xengatherer recording (%s)", path,
                S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
        return -1;
    }
    if (st.st_size == 0) {
        put_err(err, errlen, "%s: not an xengatherer recording (empty file)",
                path);
        return -1;
    }
    return 0;
}

/* A run killed in the middle of a checkpoint may leave the recording with
 * a hot journal (PATH-journal) that puts it back as the last checkpoint
 * left it. SQLite rolls it back at the first read, but only on a
 * connection that may write: so one is opened for that, and closed. A
 * failure here is not an error (a journal that is not hot needs nothing,
 * and the reader says what it could not read). With the writer still
 * running the journal is not hot, and SQLite leaves it alone. Returns
 * whether a journal is there. */
static bool roll_back(const char *path, char *journal, size_t len)
{
    sqlite3 *db = NULL;

    if ((size_t)snprintf(journal, len, "%s-journal", path) >= len ||
        access(journal, F_OK) < 0)
        return false;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
                        SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL,
                     NULL);
    }
    sqlite3_close(db);
    return access(journal, F_OK) == 0;
}

int xg_recording_read(const char *path, xg_store *out, char *err, size_t errlen)
{
    reader r = { .path = path, .err = err, .errlen = errlen, .s = out };
    char jpath[4200];
    bool journal;
    int ret = -1;

    xg_store_init(out, 0);
    if (check_file(path, err, errlen) < 0)
        return -1;
    journal = roll_back(path, jpath, sizeof(jpath));
    /* one connection, one thread: no mutexes */
    if (sqlite3_open_v2(path, &r.db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        int e = sqlite3_system_errno(r.db);
        put_err(err, errlen, "%s: %s", path,
                e ? strerror(e) : sqlite3_errmsg(r.db));
    } else if (sqlite3_busy_timeout(r.db, 5000) != SQLITE_OK ||
               sqlite3_exec(r.db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        sql_fail(&r);
    } else if (read_meta(&r) == 0 && read_ticks(&r) == 0 &&
               read_domains(&r) == 0 && read_series(&r) == 0 &&
               read_samples(&r) == 0 && read_reps(&r) == 0 &&
               read_workloads(&r) == 0 &&
               read_outputs(&r) == 0) {
        ret = 0;
    }
    sqlite3_close(r.db);     /* also ends the read transaction */
    free(r.domain_ids);
    free(r.series_ids);
    if (ret < 0 && journal && err && strlen(err) + 1 < errlen) {
        size_t l = strlen(err);
        snprintf(err + l, errlen - l, " (it ended in the middle of a "
                 "checkpoint: rolling its journal %s back needs write access "
                 "to both files and their folder; copy them elsewhere)",
                 jpath);
    }
    if (ret < 0)
        xg_store_free(out);  /* leaves it zeroed: freeing again is harmless */
    return ret;
}

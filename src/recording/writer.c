/* writer.c — the recording's writer: saves an xg_store as an SQLite
 * recording (schema: docs/recording.md); the reader is reader.c. */
#include "recording/recording.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "recording/internal.h"
#include "util/strbuf.h"

/* format 3 only when its domains have hosts, 2 when it has repetitions
 * (recording.h) */
#define FORMAT_STR(s) (has_hosts(s) ? "3" : (s)->n_reps ? "2" : "1")

static bool has_hosts(const xg_store *s)
{
    for (size_t i = 0; i < s->n_domains; i++)
        if (s->domains[i].host)
            return true;
    return false;
}

static const char schema_sql[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE domains(id INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL,"
    " name TEXT NOT NULL, address TEXT, uuid TEXT, platform_id INTEGER,"
    " vcpus INTEGER, is_host INTEGER NOT NULL, first_tick INTEGER,"
    " last_tick INTEGER, host TEXT);"
    "CREATE TABLE ticks(seq INTEGER PRIMARY KEY, mono_ns INTEGER NOT NULL,"
    " wall_ns INTEGER NOT NULL);"
    "CREATE TABLE series(id INTEGER PRIMARY KEY,"
    " domain_id INTEGER NOT NULL REFERENCES domains(id),"
    " family TEXT NOT NULL, device TEXT NOT NULL, metric TEXT NOT NULL,"
    " unit TEXT NOT NULL, note TEXT, source TEXT, UNIQUE(domain_id, family, device, metric));"
    "CREATE TABLE samples(series_id INTEGER NOT NULL, tick INTEGER NOT NULL,"
    " value INTEGER NOT NULL, PRIMARY KEY(series_id, tick)) WITHOUT ROWID;"
    "CREATE TABLE workloads(id INTEGER PRIMARY KEY, domain_id INTEGER NOT NULL,"
    " argv TEXT NOT NULL, start_ns INTEGER, end_ns INTEGER, exit_code INTEGER,"
    " signal INTEGER, state TEXT NOT NULL, rep INTEGER);"
    /* a repeated run's repetitions (format 2): tick ranges */
    "CREATE TABLE repetitions(rep INTEGER PRIMARY KEY,"
    " first_tick INTEGER NOT NULL, last_tick INTEGER NOT NULL,"
    " warmup INTEGER NOT NULL, state TEXT NOT NULL"
    " CHECK(state IN ('running', 'whole', 'partial')));"
    /* the workloads' output: the last bytes kept of each stream */
    "CREATE TABLE outputs(workload_id INTEGER NOT NULL REFERENCES workloads(id),"
    " stream TEXT NOT NULL CHECK(stream IN ('stdout', 'stderr')),"
    " total_bytes INTEGER NOT NULL, tail BLOB NOT NULL,"
    " PRIMARY KEY(workload_id, stream));";

/* Counters are uint64; SQLite integers are int64. This is the two's
 * complement reinterpretation, written so that it is defined C. */
static int64_t u64_to_i64(uint64_t v)
{
    return v <= INT64_MAX ? (int64_t)v : -(int64_t)(UINT64_MAX - v) - 1;
}

typedef struct writer {
    sqlite3 *db;
    const char *path;
    char *err;
    size_t errlen;
    int bind_rc;          /* first failed sqlite3_bind_*, reported by w_step */
} writer;

static int w_fail(writer *w, const char *what, int rc)
{
    const char *msg = rc == SQLITE_OK ? sqlite3_errmsg(w->db) : sqlite3_errstr(rc);

    seterr(w->err, w->errlen, "%s: %s: %s", w->path, what, msg);
    return -1;
}

static int w_exec(writer *w, const char *sql, const char *what)
{
    if (sqlite3_exec(w->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return w_fail(w, what, SQLITE_OK);
    return 0;
}

static int w_prepare(writer *w, sqlite3_stmt **st, const char *sql)
{
    if (sqlite3_prepare_v2(w->db, sql, -1, st, NULL) != SQLITE_OK)
        return w_fail(w, "preparing statement", SQLITE_OK);
    return 0;
}

/* Runs one bound INSERT and resets it for the next row. */
static int w_step(writer *w, sqlite3_stmt *st, const char *what)
{
    int rc;

    if (w->bind_rc != SQLITE_OK)
        return w_fail(w, what, w->bind_rc);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return w_fail(w, what, SQLITE_OK);
    return 0;
}

static void bind_rc(writer *w, int rc)
{
    if (rc != SQLITE_OK && w->bind_rc == SQLITE_OK)
        w->bind_rc = rc;
}

/* Binds s, or NULL when s is NULL. The string must outlive the step. */
static void bind_text(writer *w, sqlite3_stmt *st, int i, const char *s)
{
    bind_rc(w, s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC)
                 : sqlite3_bind_null(st, i));
}

static void bind_int(writer *w, sqlite3_stmt *st, int i, int64_t v)
{
    bind_rc(w, sqlite3_bind_int64(st, i, v));
}

/* Binds v, or NULL when v equals the "unknown" value. */
static void bind_int_unless(writer *w, sqlite3_stmt *st, int i, int64_t v,
                            int64_t unknown)
{
    bind_rc(w, v == unknown ? sqlite3_bind_null(st, i)
                            : sqlite3_bind_int64(st, i, v));
}

static int write_meta(writer *w, const xg_store *s)
{
    sqlite3_stmt *st;
    bool have_version = false;
    int ret = 0;
    size_t i;

    if (w_exec(w, "DELETE FROM meta", "writing meta") < 0 ||
        w_prepare(w, &st, "INSERT INTO meta(key, value) VALUES(?, ?)") < 0)
        return -1;
    /* The store's own format_version (if any) is replaced in place, so the
     * order of the keys survives a round trip; magic is always ours. */
    for (i = 0; i < s->n_meta && ret == 0; i++) {
        const xg_meta_kv *kv = &s->meta[i];
        const char *value = kv->value;
        if (kv->key && strcmp(kv->key, "magic") == 0)
            continue;
        if (kv->key && strcmp(kv->key, "format_version") == 0) {
            value = FORMAT_STR(s);
            have_version = true;
        }
        bind_text(w, st, 1, kv->key);
        bind_text(w, st, 2, value);
        ret = w_step(w, st, "writing meta");
    }
    if (ret == 0 && !have_version) {
        bind_text(w, st, 1, "format_version");
        bind_text(w, st, 2, FORMAT_STR(s));
        ret = w_step(w, st, "writing meta");
    }
    if (ret == 0) {
        bind_text(w, st, 1, "magic");
        bind_text(w, st, 2, MAGIC);
        ret = w_step(w, st, "writing meta");
    }
    sqlite3_finalize(st);
    return ret;
}

static int write_domains(writer *w, const xg_store *s)
{
    sqlite3_stmt *st;
    int ret = 0;
    size_t i;

    /* a domain a checkpoint wrote gets its span again (a key used
     * twice is still refused: only the id may match an earlier row) */
    if (w_prepare(w, &st, "INSERT INTO domains(id, key, name, address, uuid,"
                  " platform_id, vcpus, is_host, first_tick, last_tick,"
                  " host) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                  " ON CONFLICT(id) DO UPDATE SET first_tick ="
                  " excluded.first_tick, last_tick = excluded.last_tick") < 0)
        return -1;
    for (i = 0; i < s->n_domains && ret == 0; i++) {
        const xg_domain_info *d = &s->domains[i];
        bind_int(w, st, 1, (int64_t)i);
        bind_text(w, st, 2, d->key);
        bind_text(w, st, 3, d->name);
        bind_text(w, st, 4, d->address);
        bind_text(w, st, 5, d->uuid);
        bind_int_unless(w, st, 6, d->platform_id, -1);
        bind_int_unless(w, st, 7, d->vcpus, 0);
        bind_int(w, st, 8, d->is_host ? 1 : 0);
        bind_int_unless(w, st, 9, d->first_tick, -1);
        bind_int_unless(w, st, 10, d->last_tick, -1);
        bind_text(w, st, 11, d->host);
        ret = w_step(w, st, "writing domains");
    }
    sqlite3_finalize(st);
    return ret;
}

/* The repetitions, replaced whole (a checkpoint's may be running). */
static int write_reps(writer *w, const xg_store *s)
{
    sqlite3_stmt *st;
    int ret = 0;

    if (w_exec(w, "DELETE FROM repetitions", "writing repetitions") < 0 ||
        w_prepare(w, &st, "INSERT INTO repetitions(rep, first_tick,"
                  " last_tick, warmup, state) VALUES(?, ?, ?, ?, ?)") < 0)
        return -1;
    for (size_t i = 0; i < s->n_reps && ret == 0; i++) {
        const xg_rep *r = &s->reps[i];
        bind_int(w, st, 1, (int64_t)i + 1);
        bind_int(w, st, 2, r->first_tick);
        bind_int(w, st, 3, r->last_tick);
        bind_int(w, st, 4, r->warmup ? 1 : 0);
        bind_text(w, st, 5, xg_rep_state_name(r->state));
        ret = w_step(w, st, "writing repetitions");
    }
    sqlite3_finalize(st);
    return ret;
}

/* Ticks from..n_ticks of s; the first is seq base. */
static int write_ticks(writer *w, const xg_store *s, uint32_t from,
                       uint32_t base)
{
    sqlite3_stmt *st;
    int ret = 0;
    uint32_t i;

    if (w_prepare(w, &st,
                  "INSERT INTO ticks(seq, mono_ns, wall_ns) VALUES(?, ?, ?)") < 0)
        return -1;
    for (i = from; i < s->n_ticks && ret == 0; i++) {
        bind_int(w, st, 1, (int64_t)base + (i - from));
        bind_int(w, st, 2, s->tick_mono_ns[i]);
        bind_int(w, st, 3, s->tick_wall_ns[i]);
        ret = w_step(w, st, "writing ticks");
    }
    sqlite3_finalize(st);
    return ret;
}

/* Series of s from index from on, the first with id base; a series
 * written by an earlier checkpoint gets its note and source again. */
static int write_series(writer *w, const xg_store *s, size_t from,
                        size_t base)
{
    sqlite3_stmt *st;
    int ret = 0;
    size_t i;

    if (w_prepare(w, &st, "INSERT INTO series(id, domain_id, family, device,"
                  " metric, unit, note, source) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"
                  " ON CONFLICT(id) DO UPDATE SET note = excluded.note,"
                  " source = excluded.source") < 0)
        return -1;
    for (i = from; i < s->n_series && ret == 0; i++) {
        const xg_series *x = &s->series[i];
        bind_int(w, st, 1, (int64_t)(base + (i - from)));
        bind_int(w, st, 2, x->domain);
        bind_text(w, st, 3, x->family);
        bind_text(w, st, 4, x->device ? x->device : "");
        bind_text(w, st, 5, x->metric);
        bind_text(w, st, 6, x->unit);
        bind_text(w, st, 7, x->note);
        bind_text(w, st, 8, x->source);
        ret = w_step(w, st, "writing series");
    }
    sqlite3_finalize(st);
    return ret;
}

/* Samples go in BATCH rows per INSERT (multi-row VALUES): one statement
 * run per BATCH rows, not per row, costs the writer about a third less
 * CPU (a 100-domain checkpoint: ~8,000 rows); the rows and their order
 * are the same. 64 x 3 parameters stay under SQLite's oldest limit, 999. */
#define BATCH 64

static const char samples_sql[] =
    "INSERT INTO samples(series_id, tick, value) VALUES(?, ?, ?)";

typedef struct sample_ins {
    sqlite3_stmt *one;   /* one row */
    sqlite3_stmt *many;  /* BATCH rows */
    int64_t row[BATCH][3];
    int n;               /* rows held */
    int64_t *rows;       /* the count of rows written, kept up to date */
} sample_ins;

static int ins_open(writer *w, sample_ins *b, int64_t *rows)
{
    xg_sb sql = XG_SB_INIT;
    int ret;

    memset(b, 0, sizeof(*b));
    b->rows = rows;
    xg_sb_printf(&sql, "%s", samples_sql);
    for (int i = 1; i < BATCH; i++)
        xg_sb_printf(&sql, ", (?, ?, ?)");
    if (sql.oom) {
        xg_sb_free(&sql);
        seterr(w->err, w->errlen, "%s: out of memory", w->path);
        return -1;
    }
    ret = w_prepare(w, &b->one, samples_sql);
    if (ret == 0)
        ret = w_prepare(w, &b->many, xg_sb_str(&sql));
    xg_sb_free(&sql);
    return ret;
}

/* Runs st with the first n rows held, from parameter 1. */
static int ins_run(writer *w, sample_ins *b, sqlite3_stmt *st, int from,
                   int n)
{
    for (int i = 0; i < n; i++)
        for (int k = 0; k < 3; k++)
            bind_int(w, st, i * 3 + k + 1, b->row[from + i][k]);
    if (w_step(w, st, "writing samples") < 0)
        return -1;
    *b->rows += n;
    return 0;
}

static int ins_add(writer *w, sample_ins *b, int64_t series, int64_t tick,
                   int64_t value)
{
    b->row[b->n][0] = series;
    b->row[b->n][1] = tick;
    b->row[b->n][2] = value;
    if (++b->n < BATCH)
        return 0;
    b->n = 0;
    return ins_run(w, b, b->many, 0, BATCH);
}

/* Writes the rows held (one by one: fewer than BATCH) and frees b. */
static int ins_close(writer *w, sample_ins *b, int ret)
{
    for (int i = 0; i < b->n && ret == 0; i++)
        ret = ins_run(w, b, b->one, i, 1);
    sqlite3_finalize(b->one);
    sqlite3_finalize(b->many);
    return ret;
}

/* Inserts n values of one series from tick first_tick (gaps skipped). */
static int write_values(writer *w, sample_ins *b, uint32_t series,
                        uint32_t first_tick, uint32_t n,
                        const uint64_t *values)
{
    for (uint32_t k = 0; k < n; k++)
        if (values[k] != XG_NOVALUE &&
            ins_add(w, b, series, (int64_t)first_tick + k,
                    u64_to_i64(values[k])) < 0)
            return -1;
    return 0;
}

/* The samples of c, inside the caller's transaction. */
static int write_chunk(writer *w, const xg_chunk *c, int64_t *rows)
{
    sample_ins b;
    int ret = ins_open(w, &b, rows);

    for (size_t i = 0; i < c->n && ret == 0; i++)
        ret = write_values(w, &b, c->runs[i].series, c->runs[i].first_tick,
                           c->runs[i].n, c->runs[i].values);
    return ins_close(w, &b, ret);
}

/* The values s holds, then those of the chunks (moved out of s earlier). */
static int write_samples(writer *w, const xg_store *s, const xg_chunk *extra,
                         size_t n_extra)
{
    sample_ins b;
    int64_t rows = 0;
    int ret = ins_open(w, &b, &rows);
    size_t i;

    for (i = 0; i < s->n_series && ret == 0; i++)
        ret = write_values(w, &b, (uint32_t)i, s->series[i].first_tick,
                           s->series[i].n, s->series[i].values);
    ret = ins_close(w, &b, ret);
    for (i = 0; i < n_extra && ret == 0; i++)
        ret = write_chunk(w, &extra[i], &rows);
    return ret;
}

/* What each workload printed: rows only for streams that had bytes. */
static int write_outputs(writer *w, const xg_store *s)
{
    static const char *const name[2] = {"stdout", "stderr"};
    sqlite3_stmt *st;
    int ret = 0;

    if (w_prepare(w, &st, "INSERT INTO outputs(workload_id, stream,"
                  " total_bytes, tail) VALUES(?, ?, ?, ?)") < 0)
        return -1;
    for (size_t i = 0; i < s->n_workloads && ret == 0; i++)
        for (int k = 0; k < 2 && ret == 0; k++) {
            const xg_workload *x = &s->workloads[i];
            if (!x->out_total[k])
                continue;
            bind_int(w, st, 1, (int64_t)i);
            bind_text(w, st, 2, name[k]);
            bind_int(w, st, 3, (int64_t)x->out_total[k]);
            bind_rc(w, sqlite3_bind_blob(st, 4, x->out[k] ? x->out[k] : "",
                                         (int)x->out_len[k], SQLITE_STATIC));
            ret = w_step(w, st, "writing the workloads' output");
        }
    sqlite3_finalize(st);
    return ret;
}

static int write_workloads(writer *w, const xg_store *s)
{
    sqlite3_stmt *st;
    int ret = 0;
    size_t i;

    if (w_exec(w, "DELETE FROM outputs; DELETE FROM workloads",
               "writing workloads") < 0 ||
        w_prepare(w, &st, "INSERT INTO workloads(id, domain_id, argv, start_ns,"
                  " end_ns, exit_code, signal, state, rep)"
                  " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)") < 0)
        return -1;
    for (i = 0; i < s->n_workloads && ret == 0; i++) {
        const xg_workload *x = &s->workloads[i];
        /* "terminated" (stopped by us at the end of the window) ended
         * by a signal or with an exit code, whichever it was */
        bool term = x->state && strcmp(x->state, "terminated") == 0;
        bool exited = (x->state && strcmp(x->state, "exited") == 0) ||
                      (term && x->signal == 0);
        bool killed = (x->state && strcmp(x->state, "killed") == 0) ||
                      (term && x->signal != 0);
        bind_int(w, st, 1, (int64_t)i);
        bind_int(w, st, 2, x->domain);
        bind_text(w, st, 3, x->argv);
        bind_int(w, st, 4, x->start_ns);
        bind_int_unless(w, st, 5, x->end_ns, -1);
        /* exit_code and signal only mean something in their state */
        bind_rc(w, exited ? sqlite3_bind_int(st, 6, x->exit_code)
                          : sqlite3_bind_null(st, 6));
        bind_rc(w, killed ? sqlite3_bind_int(st, 7, x->signal)
                          : sqlite3_bind_null(st, 7));
        bind_text(w, st, 8, x->state);
        bind_int_unless(w, st, 9, x->rep, 0);
        ret = w_step(w, st, "writing workloads");
    }
    sqlite3_finalize(st);
    return ret ? ret : write_outputs(w, s);
}

/* Refuses a store that would give a recording the reader rejects: indexes
 * out of range. Missing required strings are caught by NOT NULL. */
static int check_store(const xg_store *s, const xg_chunk *extra,
                       size_t n_extra, const char *path, char *err,
                       size_t errlen)
{
    size_t i, j;

    for (i = 0; i < s->n_series; i++) {
        const xg_series *x = &s->series[i];
        if (x->domain >= s->n_domains) {
            seterr(err, errlen, "%s: cannot write: series %zu has no domain %u",
                   path, i, x->domain);
            return -1;
        }
        if (x->n > 0 && (uint64_t)x->first_tick + x->n > s->n_ticks) {
            seterr(err, errlen, "%s: cannot write: series %zu has values past "
                   "the last tick", path, i);
            return -1;
        }
    }
    for (j = 0; j < n_extra; j++)
        for (i = 0; i < extra[j].n; i++) {
            const xg_run *r = &extra[j].runs[i];
            if (r->series >= s->n_series ||
                (uint64_t)r->first_tick + r->n > s->n_ticks) {
                seterr(err, errlen, "%s: cannot write: values of series %u "
                       "out of range", path, r->series);
                return -1;
            }
        }
    for (i = 0; i < s->n_workloads; i++) {
        if (s->workloads[i].domain >= s->n_domains) {
            seterr(err, errlen, "%s: cannot write: workload %zu has no domain "
                   "%u", path, i, s->workloads[i].domain);
            return -1;
        }
    }
    return 0;
}

/* Creates path 0640 without following a symlink. With force an existing
 * regular file is removed first. Returns the fd, -1 + err. */
/* Checks path may be written (absent, or a regular file with force) and
 * creates the temporary sibling tmp that is renamed over it when complete,
 * so an interrupted write never leaves a half-written recording at path. */
static int create_file(const char *path, const char *tmp, bool force,
                       char *err, size_t errlen)
{
    struct stat st;
    int fd;

    if (!force && lstat(path, &st) == 0) {
        seterr(err, errlen, "%s: %s (use --force to overwrite)", path,
               strerror(EEXIST));
        return -1;
    }
    if (force && lstat(path, &st) == 0) {
        if (S_ISLNK(st.st_mode)) {
            seterr(err, errlen, "%s: is a symbolic link, refusing to "
                   "overwrite it", path);
            return -1;
        }
        if (!S_ISREG(st.st_mode)) {
            seterr(err, errlen, "%s: not a regular file, refusing to "
                   "overwrite it", path);
            return -1;
        }
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
    if (fd < 0) {
        int e = errno;
        seterr(err, errlen, "%s: %s%s", path, strerror(e),
               e == EEXIST ? " (use --force to overwrite)" : "");
        return -1;
    }
    return fd;
}

struct xg_recfile {
    writer w;
    char path[4096];
    char tmp[4200];
    int fd;
    bool force;
    bool has_tables;     /* created and committed by xg_recording_begin */
    bool checkpoints;    /* XG_REC_CHECKPOINT: moved to path by the first */
    bool placed;         /* renamed to path: written there from now on */
    uint32_t ticks_written;  /* ticks committed by checkpoints */
    size_t series_written;   /* series committed by checkpoints */
    int64_t added;       /* samples committed during the run */
};

/* Opens the connection on name with the journal the mode needs. */
static int open_db(xg_recfile *f, const char *name, xg_rec_mode mode)
{
    /* One transaction written whole needs no journal (a failed write is
     * deleted, never rolled back). Samples added during the run do: a
     * chunk that fails must roll back and leave the ones before intact;
     * and a checkpointed file must survive a crash or a power cut at any
     * moment (synchronous=FULL: each commit is on disk when it returns). */
    static const char *const pragmas[] = {
        [XG_REC_WHOLE] = "PRAGMA journal_mode=OFF; PRAGMA synchronous=NORMAL",
        [XG_REC_SPILL] = "PRAGMA journal_mode=DELETE;"
                         " PRAGMA synchronous=NORMAL",
        [XG_REC_CHECKPOINT] = "PRAGMA journal_mode=DELETE;"
                              " PRAGMA synchronous=FULL",
    };

    /* one thread at a time uses the connection (the --max-memory writer,
     * then the sampling thread after joining it): no mutex on each call */
    if (sqlite3_open_v2(name, &f->w.db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW |
                            SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        return w_fail(&f->w, "opening", SQLITE_OK);
    /* someone reading the recording while it is written (report DIR,
     * sqlite3) holds a shared lock that a commit must wait out: without
     * a wait, the checkpoint failed with "database is locked" and no
     * other was taken */
    if (sqlite3_busy_timeout(f->w.db, XG_WRITER_BUSY_MS) != SQLITE_OK)
        return w_fail(&f->w, "setting up", SQLITE_OK);
    return w_exec(&f->w, pragmas[mode], "setting up");
}

int xg_recording_begin(xg_recfile **out, const char *path, bool force,
                       xg_rec_mode mode, char *err, size_t errlen)
{
    xg_recfile *f;

    *out = NULL;
    f = calloc(1, sizeof(*f));
    if (!f) {
        seterr(err, errlen, "%s: out of memory", path);
        return -1;
    }
    f->fd = -1;
    f->force = force;
    if ((size_t)snprintf(f->path, sizeof(f->path), "%s", path) >=
            sizeof(f->path) ||
        (size_t)snprintf(f->tmp, sizeof(f->tmp), "%s.partial-%ld", path,
                         (long)getpid()) >= sizeof(f->tmp)) {
        seterr(err, errlen, "%s: path too long", path);
        free(f);
        return -1;
    }
    f->w = (writer){ .path = f->path, .err = err, .errlen = errlen };
    f->fd = create_file(path, f->tmp, force, err, errlen);
    if (f->fd < 0) {
        free(f);
        return -1;
    }
    /* Our fd stays open until SQLite is done: closing another fd on the
     * same file would drop SQLite's POSIX locks. */
    f->has_tables = mode != XG_REC_WHOLE;
    f->checkpoints = mode == XG_REC_CHECKPOINT;
    if (open_db(f, f->tmp, mode) < 0 ||
        (f->has_tables &&
         (w_exec(&f->w, "BEGIN", "starting transaction") < 0 ||
          w_exec(&f->w, schema_sql, "creating tables") < 0 ||
          w_exec(&f->w, "COMMIT", "committing") < 0))) {
        xg_recording_abort(f);
        return -1;
    }
    *out = f;
    return 0;
}

/* Moves a complete file to its place: never over a file that appeared
 * meanwhile unless forced. */
static int place(xg_recfile *f)
{
    if ((f->force ? rename(f->tmp, f->path)
                  : renameat2(AT_FDCWD, f->tmp, AT_FDCWD, f->path,
                              RENAME_NOREPLACE)) < 0) {
        seterr(f->w.err, f->w.errlen, "%s: %s%s", f->path, strerror(errno),
               errno == EEXIST ? " (use --force to overwrite)" : "");
        return -1;
    }
    f->placed = true;
    return 0;
}

/* fsync of the folder that holds path, so a rename in it is durable. */
static int sync_dir(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    int fd, rc;

    if (!slash)
        snprintf(dir, sizeof(dir), ".");
    else if ((size_t)(slash - path) >= sizeof(dir))
        return -1;
    else
        snprintf(dir, sizeof(dir), "%.*s",
                 slash == path ? 1 : (int)(slash - path), path);
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

/* After the first checkpoint: the temporary file becomes the recording,
 * and SQLite is opened again on the new name, so that its journal is
 * named after the file a reader opens (a hot journal under the old name
 * would not be seen after a crash). */
static int move_in_place(xg_recfile *f)
{
    if (place(f) < 0)
        return -1;
    if (sync_dir(f->path) < 0) {
        seterr(f->w.err, f->w.errlen, "%s: fsync of its folder: %s",
               f->path, strerror(errno));
        return -1;
    }
    sqlite3_close(f->w.db);
    f->w.db = NULL;
    return open_db(f, f->path, XG_REC_CHECKPOINT);
}

/* Points the writer's errors at err and clears the last bind error. */
static void w_reset(xg_recfile *f, char *err, size_t errlen)
{
    f->w.err = err;
    f->w.errlen = errlen;
    f->w.bind_rc = SQLITE_OK;
}

int64_t xg_recording_add(xg_recfile *f, const xg_chunk *c, char *err,
                         size_t errlen)
{
    int64_t rows = 0;
    int ret;

    w_reset(f, err, errlen);
    if (!f->has_tables) {
        seterr(err, errlen, "%s: not opened for samples during the run",
               f->path);
        return -1;
    }
    ret = w_exec(&f->w, "BEGIN", "starting transaction");
    if (ret == 0)
        ret = write_chunk(&f->w, c, &rows);
    if (ret == 0)
        ret = w_exec(&f->w, "COMMIT", "committing");
    if (ret < 0) {
        /* the journal puts the file back as it was before this chunk */
        sqlite3_exec(f->w.db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    f->added += rows;
    return rows;
}

int64_t xg_recording_checkpoint(xg_recfile *f, const xg_ckpt *ck, char *err,
                                size_t errlen)
{
    writer *w = &f->w;
    int64_t rows = 0;

    w_reset(f, err, errlen);
    if (!f->checkpoints || ck->tick_base != f->ticks_written ||
        ck->series_base != f->series_written) {
        seterr(err, errlen, "%s: checkpoint out of order (ticks %u, series "
               "%zu; written %u, %zu)", f->path, ck->tick_base,
               ck->series_base, f->ticks_written, f->series_written);
        return -1;
    }
    if (w_exec(w, "BEGIN", "starting transaction") < 0 ||
        write_meta(w, &ck->head) < 0 || write_domains(w, &ck->head) < 0 ||
        write_reps(w, &ck->head) < 0 ||
        write_ticks(w, &ck->head, 0, ck->tick_base) < 0 ||
        write_series(w, &ck->head, 0, ck->series_base) < 0 ||
        write_chunk(w, ck->chunk, &rows) < 0 ||
        w_exec(w, "COMMIT", "committing") < 0) {
        sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    f->ticks_written = ck->tick_base + ck->head.n_ticks;
    f->series_written = ck->series_base + ck->head.n_series;
    f->added += rows;
    if (!f->placed && move_in_place(f) < 0)
        return -1;
    return rows;
}

/* Attaches the file from (a kept temporary file: samples only) as "spill",
 * before the transaction (ATTACH cannot run inside one). */
static int attach(writer *w, const char *from)
{
    sqlite3_stmt *st;
    int ret;

    if (w_prepare(w, &st, "ATTACH DATABASE ? AS spill") < 0)
        return -1;
    bind_text(w, st, 1, from);
    ret = w_step(w, st, "opening the samples flushed during the run");
    sqlite3_finalize(st);
    return ret;
}

/* Everything but what xg_recording_add and the checkpoints wrote, in one
 * transaction; with copy, also the samples of the attached file. Every
 * series is written again: a checkpointed one may have a note since. */
static int write_rest(xg_recfile *f, const xg_store *s, const xg_chunk *extra,
                      size_t n_extra, bool copy)
{
    writer *w = &f->w;

    /* a kept file whose last transaction went in (only its rename failed)
     * has the rows s holds too: the same rows, so one of each is kept */
    if (w_exec(w, "BEGIN", "starting transaction") < 0 ||
        (!f->has_tables && w_exec(w, schema_sql, "creating tables") < 0) ||
        write_meta(w, s) < 0 || write_domains(w, s) < 0 ||
        write_reps(w, s) < 0 ||
        write_ticks(w, s, f->ticks_written, f->ticks_written) < 0 ||
        write_series(w, s, 0, 0) < 0 ||
        write_samples(w, s, extra, n_extra) < 0 ||
        (copy && w_exec(w, "INSERT OR IGNORE INTO main.samples(series_id,"
                        " tick, value) SELECT series_id, tick, value"
                        " FROM spill.samples",
                        "copying the samples flushed during the run") < 0) ||
        write_workloads(w, s) < 0 ||
        w_exec(w, "COMMIT", "committing") < 0) {
        sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

static int finish(xg_recfile *f, const xg_store *s, const xg_chunk *extra,
                  size_t n_extra, const char *from, char *kept,
                  size_t keptlen, char *err, size_t errlen)
{
    int ret;

    w_reset(f, err, errlen);
    if (kept && keptlen)
        kept[0] = '\0';
    ret = check_store(s, extra, n_extra, f->path, err, errlen);
    if (ret == 0 && from)
        ret = attach(&f->w, from);
    if (ret == 0)
        ret = write_rest(f, s, extra, n_extra, from != NULL);
    if (sqlite3_close(f->w.db) != SQLITE_OK && ret == 0)
        ret = w_fail(&f->w, "closing", SQLITE_OK);
    f->w.db = NULL;
    if (ret == 0 && fsync(f->fd) < 0) {
        seterr(err, errlen, "%s: fsync: %s", f->path, strerror(errno));
        ret = -1;
    }
    if (close(f->fd) < 0 && ret == 0) {
        seterr(err, errlen, "%s: close: %s", f->path, strerror(errno));
        ret = -1;
    }
    f->fd = -1;
    if (ret == 0 && !f->placed)
        ret = place(f);
    if (ret < 0 && f->added > 0 && kept && keptlen) {
        /* the samples added during the run are nowhere else: keep them
         * (a checkpointed recording in its place, as its last checkpoint
         * left it) */
        snprintf(kept, keptlen, "%s", f->placed ? f->path : f->tmp);
    } else if (ret < 0 && !f->placed) {
        unlink(f->tmp);
    }
    free(f);
    return ret;
}

int xg_recording_finish(xg_recfile *f, const xg_store *s,
                        const xg_chunk *extra, size_t n_extra, char *kept,
                        size_t keptlen, char *err, size_t errlen)
{
    return finish(f, s, extra, n_extra, NULL, kept, keptlen, err, errlen);
}

void xg_recording_abort(xg_recfile *f)
{
    if (!f)
        return;
    if (f->w.db)
        sqlite3_close(f->w.db);
    if (f->fd >= 0)
        close(f->fd);
    if (!f->placed)
        unlink(f->tmp);
    free(f);
}

int64_t xg_recording_added(const xg_recfile *f)
{
    return f ? f->added : 0;
}

int xg_recording_write(const xg_store *s, const char *path, bool force,
                       char *err, size_t errlen)
{
    return xg_recording_rescue(s, NULL, 0, NULL, path, force, err, errlen);
}

int xg_recording_rescue(const xg_store *s, const xg_chunk *extra,
                        size_t n_extra, const char *from, const char *path,
                        bool force, char *err, size_t errlen)
{
    xg_recfile *f;

    if (check_store(s, extra, n_extra, path, err, errlen) < 0 ||
        xg_recording_begin(&f, path, force, XG_REC_WHOLE, err, errlen) < 0)
        return -1;
    return finish(f, s, extra, n_extra, from, NULL, 0, err, errlen);
}

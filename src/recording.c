/* recording.c — saves an xg_store as an SQLite recording and loads one back (schema: docs/recording.md). */
#include "recording.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#define MAGIC "xengatherer-recording"
#define STR_(x) #x
#define STR(x) STR_(x)
#define FORMAT_STR STR(XG_RECORDING_FORMAT)

static const char schema_sql[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE domains(id INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL,"
    " name TEXT NOT NULL, address TEXT, uuid TEXT, platform_id INTEGER,"
    " vcpus INTEGER, is_host INTEGER NOT NULL, first_tick INTEGER,"
    " last_tick INTEGER);"
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
    " signal INTEGER, state TEXT NOT NULL);";

__attribute__((format(printf, 3, 4)))
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (!err || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Counters are uint64; SQLite integers are int64. This is the two's
 * complement reinterpretation, written so that it is defined C. */
static int64_t u64_to_i64(uint64_t v)
{
    return v <= INT64_MAX ? (int64_t)v : -(int64_t)(UINT64_MAX - v) - 1;
}

/* ---------------------------------------------------------------- writing */

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

    if (w_prepare(w, &st, "INSERT INTO meta(key, value) VALUES(?, ?)") < 0)
        return -1;
    /* The store's own format_version (if any) is replaced in place, so the
     * order of the keys survives a round trip; magic is always ours. */
    for (i = 0; i < s->n_meta && ret == 0; i++) {
        const xg_meta_kv *kv = &s->meta[i];
        const char *value = kv->value;
        if (kv->key && strcmp(kv->key, "magic") == 0)
            continue;
        if (kv->key && strcmp(kv->key, "format_version") == 0) {
            value = FORMAT_STR;
            have_version = true;
        }
        bind_text(w, st, 1, kv->key);
        bind_text(w, st, 2, value);
        ret = w_step(w, st, "writing meta");
    }
    if (ret == 0 && !have_version) {
        bind_text(w, st, 1, "format_version");
        bind_text(w, st, 2, FORMAT_STR);
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

    if (w_prepare(w, &st, "INSERT INTO domains(id, key, name, address, uuid,"
                  " platform_id, vcpus, is_host, first_tick, last_tick)"
                  " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)") < 0)
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
        ret = w_step(w, st, "writing domains");
    }
    sqlite3_finalize(st);
    return ret;
}

static int write_ticks(writer *w, const xg_store *s)
{
    sqlite3_stmt *st;
    int ret = 0;
    uint32_t i;

    if (w_prepare(w, &st,
                  "INSERT INTO ticks(seq, mono_ns, wall_ns) VALUES(?, ?, ?)") < 0)
        return -1;
    for (i = 0; i < s->n_ticks && ret == 0; i++) {
        bind_int(w, st, 1, i);
        bind_int(w, st, 2, s->tick_mono_ns[i]);
        bind_int(w, st, 3, s->tick_wall_ns[i]);
        ret = w_step(w, st, "writing ticks");
    }
    sqlite3_finalize(st);
    return ret;
}

static int write_series(writer *w, const xg_store *s)
{
    sqlite3_stmt *st;
    int ret = 0;
    size_t i;

    if (w_prepare(w, &st, "INSERT INTO series(id, domain_id, family, device,"
                  " metric, unit, note, source) VALUES(?, ?, ?, ?, ?, ?, ?, ?)") < 0)
        return -1;
    for (i = 0; i < s->n_series && ret == 0; i++) {
        const xg_series *x = &s->series[i];
        bind_int(w, st, 1, (int64_t)i);
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

static int write_samples(writer *w, const xg_store *s)
{
    sqlite3_stmt *st;
    int ret = 0;
    size_t i;
    uint32_t k;

    if (w_prepare(w, &st, "INSERT INTO samples(series_id, tick, value)"
                  " VALUES(?, ?, ?)") < 0)
        return -1;
    for (i = 0; i < s->n_series && ret == 0; i++) {
        const xg_series *x = &s->series[i];
        bind_int(w, st, 1, (int64_t)i);
        for (k = 0; k < x->n && ret == 0; k++) {
            if (x->values[k] == XG_NOVALUE)
                continue;
            bind_int(w, st, 2, (int64_t)x->first_tick + k);
            bind_int(w, st, 3, u64_to_i64(x->values[k]));
            ret = w_step(w, st, "writing samples");
        }
    }
    sqlite3_finalize(st);
    return ret;
}

static int write_workloads(writer *w, const xg_store *s)
{
    sqlite3_stmt *st;
    int ret = 0;
    size_t i;

    if (w_prepare(w, &st, "INSERT INTO workloads(id, domain_id, argv, start_ns,"
                  " end_ns, exit_code, signal, state)"
                  " VALUES(?, ?, ?, ?, ?, ?, ?, ?)") < 0)
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
        ret = w_step(w, st, "writing workloads");
    }
    sqlite3_finalize(st);
    return ret;
}

/* Refuses a store that would give a recording the reader rejects: indexes
 * out of range. Missing required strings are caught by NOT NULL. */
static int check_store(const xg_store *s, const char *path, char *err,
                       size_t errlen)
{
    size_t i;

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

static int write_all(writer *w, const xg_store *s)
{
    /* no journal: a failed write is deleted, never rolled back */
    if (w_exec(w, "PRAGMA journal_mode=OFF; PRAGMA synchronous=NORMAL",
               "setting up") < 0 ||
        w_exec(w, "BEGIN", "starting transaction") < 0 ||
        w_exec(w, schema_sql, "creating tables") < 0 ||
        write_meta(w, s) < 0 || write_domains(w, s) < 0 ||
        write_ticks(w, s) < 0 || write_series(w, s) < 0 ||
        write_samples(w, s) < 0 || write_workloads(w, s) < 0 ||
        w_exec(w, "COMMIT", "committing") < 0)
        return -1;
    return 0;
}

int xg_recording_write(const xg_store *s, const char *path, bool force,
                       char *err, size_t errlen)
{
    writer w = { .path = path, .err = err, .errlen = errlen };
    char tmp[4200];
    int fd, ret = -1;

    if (check_store(s, path, err, errlen) < 0)
        return -1;
    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.partial-%ld", path,
                         (long)getpid()) >= sizeof(tmp)) {
        seterr(err, errlen, "%s: path too long", path);
        return -1;
    }
    fd = create_file(path, tmp, force, err, errlen);
    if (fd < 0)
        return -1;
    /* Our fd stays open until SQLite is done: closing another fd on the
     * same file would drop SQLite's POSIX locks. */
    if (sqlite3_open_v2(tmp, &w.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW,
                        NULL) != SQLITE_OK)
        w_fail(&w, "opening", SQLITE_OK);
    else
        ret = write_all(&w, s);
    if (sqlite3_close(w.db) != SQLITE_OK && ret == 0)
        ret = w_fail(&w, "closing", SQLITE_OK);
    if (ret == 0 && fsync(fd) < 0) {
        seterr(err, errlen, "%s: fsync: %s", path, strerror(errno));
        ret = -1;
    }
    if (close(fd) < 0 && ret == 0) {
        seterr(err, errlen, "%s: close: %s", path, strerror(errno));
        ret = -1;
    }
    /* complete: into place, never over a file that appeared meanwhile
     * unless forced */
    if (ret == 0 && (force ? rename(tmp, path)
                           : renameat2(AT_FDCWD, tmp, AT_FDCWD, path,
                                       RENAME_NOREPLACE)) < 0) {
        seterr(err, errlen, "%s: %s%s", path, strerror(errno),
               errno == EEXIST ? " (use --force to overwrite)" : "");
        ret = -1;
    }
    if (ret < 0)
        unlink(tmp);
    return ret;
}

/* ---------------------------------------------------------------- reading */

typedef struct reader {
    sqlite3 *db;
    const char *path;
    char *err;
    size_t errlen;
    xg_store *s;
    int64_t *domain_ids;  /* file id of store domain i, ascending */
    int64_t *series_ids;  /* file id of store series i, ascending */
} reader;

__attribute__((format(printf, 2, 3)))
static int damaged(reader *r, const char *fmt, ...)
{
    char what[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    seterr(r->err, r->errlen, "%s: damaged recording: %s", r->path, what);
    return -1;
}

static int nomem(reader *r)
{
    seterr(r->err, r->errlen, "%s: out of memory", r->path);
    return -1;
}

/* Reports the SQLite error in force on r->db. */
static int sql_fail(reader *r)
{
    int rc = sqlite3_errcode(r->db);
    const char *msg = sqlite3_errmsg(r->db);

    switch (rc) {
    case SQLITE_NOTADB:
        seterr(r->err, r->errlen, "%s: not an xengatherer recording (%s)",
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
        seterr(r->err, r->errlen, "%s: %s", r->path, msg);
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
        seterr(r->err, r->errlen, "%s: not an xengatherer recording (no meta "
               "table)", r->path);
        return -1;
    }

    if (r_prepare(r, &st, "SELECT (SELECT value FROM meta WHERE key = 'magic'),"
                  " (SELECT value FROM meta WHERE key = 'format_version')") < 0)
        return -1;
    rc = r_step(r, st);
    if (rc <= 0) {
        sqlite3_finalize(st);
        return rc;   /* a SELECT without FROM always gives a row */
    }
    v = (const char *)sqlite3_column_text(st, 0);
    if (!v || strcmp(v, MAGIC) != 0) {
        sqlite3_finalize(st);
        seterr(r->err, r->errlen, "%s: not an xengatherer recording (no "
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
    sqlite3_finalize(st);
    if (version > XG_RECORDING_FORMAT) {
        seterr(r->err, r->errlen, "%s: recording format %lld is newer than "
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

static int read_domains(reader *r)
{
    xg_store *s = r->s;
    int64_t last = (int64_t)s->n_ticks - 1;
    sqlite3_stmt *st;
    int rc;

    if (r_prepare(r, &st, "SELECT id, key, name, address, uuid, platform_id,"
                  " vcpus, is_host, first_tick, last_tick FROM domains"
                  " ORDER BY id") < 0)
        return -1;
    while ((rc = r_step(r, st)) > 0) {
        xg_domain_info d = { 0 };
        const char *key, *name, *address, *uuid;
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
            col_range(r, st, 9, row, true, -1, -1, last, &d.last_tick) < 0)
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

static int read_workloads(reader *r)
{
    xg_store *s = r->s;
    sqlite3_stmt *st;
    int rc;

    if (r_prepare(r, &st, "SELECT id, domain_id, argv, start_ns, end_ns,"
                  " exit_code, signal, state FROM workloads ORDER BY id") < 0)
        return -1;
    while ((rc = r_step(r, st)) > 0) {
        xg_workload w = { 0 };
        const char *argv, *state;
        int64_t id = 0, domain_id = 0, dom, exit_code = 0, sig = 0;
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
            col_text(r, st, 7, row, false, &state) < 0)
            break;
        dom = find_id(r->domain_ids, s->n_domains, domain_id);
        if (dom < 0) {
            damaged(r, "%s for unknown domain %lld", row, (long long)domain_id);
            break;
        }
        w.domain = (uint32_t)dom;
        w.argv = (char *)argv;     /* copied by the store */
        w.state = (char *)state;
        w.exit_code = (int)exit_code;
        w.signal = (int)sig;
        if (xg_store_add_workload(s, &w) < 0) {
            nomem(r);
            break;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* What SQLite would not say clearly: missing, a directory, empty. */
static int check_file(const char *path, char *err, size_t errlen)
{
    struct stat st;

    if (stat(path, &st) < 0) {
        seterr(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        seterr(err, errlen, "%s: not an xengatherer recording (%s)", path,
               S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
        return -1;
    }
    if (st.st_size == 0) {
        seterr(err, errlen, "%s: not an xengatherer recording (empty file)",
               path);
        return -1;
    }
    return 0;
}

int xg_recording_read(const char *path, xg_store *out, char *err, size_t errlen)
{
    reader r = { .path = path, .err = err, .errlen = errlen, .s = out };
    int ret = -1;

    xg_store_init(out, 0);
    if (check_file(path, err, errlen) < 0)
        return -1;
    /* one connection, one thread: no mutexes */
    if (sqlite3_open_v2(path, &r.db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        int e = sqlite3_system_errno(r.db);
        seterr(err, errlen, "%s: %s", path,
               e ? strerror(e) : sqlite3_errmsg(r.db));
    } else if (sqlite3_exec(r.db, "BEGIN", NULL,
                            NULL, NULL) != SQLITE_OK) {
        sql_fail(&r);
    } else if (read_meta(&r) == 0 && read_ticks(&r) == 0 &&
               read_domains(&r) == 0 && read_series(&r) == 0 &&
               read_samples(&r) == 0 && read_workloads(&r) == 0) {
        ret = 0;
    }
    sqlite3_close(r.db);     /* also ends the read transaction */
    free(r.domain_ids);
    free(r.series_ids);
    if (ret < 0)
        xg_store_free(out);  /* leaves it zeroed: freeing again is harmless */
    return ret;
}

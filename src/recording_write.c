/* recording_write.c — saves an xg_store as an SQLite recording (schema:
 * docs/recording.md); the reader is recording.c. */
#include "recording.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "recording_int.h"

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

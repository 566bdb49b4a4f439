/* fuzz_recording_sql.c — the recording reader's checks, reached through
 * SQL: the input is an SQL script (seeded with `sqlite3 REC .dump` of real
 * recordings) run on an empty database file, which is then read back as a
 * recording and reported on. Mutating SQL text reaches the reader's range,
 * type, order and reference checks far more often than flipping bits in
 * SQLite pages does. ATTACH (other files; VACUUM INTO attaches too) and
 * long-running statements are refused, so an input only ever touches its
 * own scratch file. */
#include "fuzz_common.h"

#include <sqlite3.h>

#include "fuzz_rec_common.h"

static int deny_attach(void *arg, int action, const char *a, const char *b,
                       const char *c, const char *d)
{
    (void)arg, (void)a, (void)b, (void)c, (void)d;
    return action == SQLITE_ATTACH || action == SQLITE_DETACH ? SQLITE_DENY
                                                              : SQLITE_OK;
}

static int steps;

static int stop_long(void *arg)
{
    (void)arg;
    return ++steps > 2000; /* x 1000 VM instructions */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fz_rec_path();
    char *sql = fz_strdup(data, size);
    sqlite3 *db = NULL;

    if (!sql)
        return 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        NULL) != SQLITE_OK)
        abort();
    sqlite3_set_authorizer(db, deny_attach, NULL);
    steps = 0;
    sqlite3_progress_handler(db, 1000, stop_long, NULL);
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 1 << 20);
    sqlite3_exec(db, "PRAGMA journal_mode=OFF", NULL, NULL, NULL);
    sqlite3_exec(db, sql, NULL, NULL, NULL); /* errors part-way are fine */
    sqlite3_close(db);
    free(sql);
    fz_rec_read_report(path);
    return 0;
}

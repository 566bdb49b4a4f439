/* fuzz_rec_common.h — what the two recording harnesses share: a scratch
 * file per process (in /dev/shm when there is one), and the report written
 * in every format to /dev/null from whatever the reader accepted, as
 * `xengatherer report` does with a recording from elsewhere. */
#ifndef XG_FUZZ_REC_COMMON_H
#define XG_FUZZ_REC_COMMON_H

#include <stdio.h>
#include <unistd.h>

#include "recording/recording.h"
#include "report/compare.h"
#include "report/report.h"

static char fz_path[256];
static FILE *fz_null;

/* Removes the scratch file and what SQLite may have put next to it (an
 * input can ask for WAL mode or a journal): left over, a -wal file would
 * be replayed into the next input and make runs depend on each other. */
static void fz_rec_clean(void)
{
    static const char *const side[] = {"", "-wal", "-shm", "-journal"};
    char p[300];

    if (!fz_path[0])
        return;
    for (size_t i = 0; i < sizeof(side) / sizeof(side[0]); i++) {
        snprintf(p, sizeof(p), "%s%s", fz_path, side[i]);
        unlink(p);
    }
}

/* The scratch path, set up on first use, with nothing at it. */
static const char *fz_rec_path(void)
{
    if (!fz_path[0]) {
        const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm"
                          : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
        snprintf(fz_path, sizeof(fz_path), "%s/xg-fuzz-%ld.db", dir,
                 (long)getpid());
        fz_null = fopen("/dev/null", "w");
        if (!fz_null)
            abort();
        atexit(fz_rec_clean);
    }
    fz_rec_clean();
    return fz_path;
}

/* `compare s s`: the figures of whatever the reader accepted, paired
 * and tested, in every format. */
static void fz_rec_compare(const xg_store *s)
{
    static int (*const render[])(const xg_compare *, FILE *) = {
        xg_cmp_render_text, xg_cmp_render_csv, xg_cmp_render_json,
        xg_cmp_render_html};
    xg_cmp_input a = {"a", s, NULL}, b = {"b", s, NULL};
    xg_cmp_opts o = {XG_CMP_ALPHA, NULL, 0};
    xg_figset fa = {0}, fb = {0};
    xg_compare c;
    char err[512];

    if (xg_cmp_figsets(&a, &fa, &b, &fb, err, sizeof(err)) == 0) {
        a.fs = &fa;
        b.fs = &fb;
        if (xg_compare_build(&c, &a, &b, &o, err, sizeof(err)) == 0) {
            for (size_t k = 0; k < sizeof(render) / sizeof(render[0]); k++)
                (void)render[k](&c, fz_null);
            xg_compare_free(&c);
        }
    }
    xg_figset_free(&fa);
    xg_figset_free(&fb);
}

/* Reads the recording at path; when accepted, reports on it in every
 * format (a recording with repetitions gets the repeated run's report:
 * xg_report_write dispatches) and compares it with itself. A rejection
 * must come with a message. */
static void fz_rec_read_report(const char *path)
{
    char err[4400];
    xg_store s;

    err[0] = '\0';
    if (xg_recording_read(path, &s, err, sizeof(err)) < 0) {
        if (!err[0])
            abort();
        xg_store_free(&s); /* harmless after a failed read */
        return;
    }
    for (int f = XG_FMT_TEXT; f <= XG_FMT_HTML; f++) {
        xg_report_opts o = {(xg_format)f, f == XG_FMT_CSV};
        (void)xg_report_write(&s, &o, fz_null);
    }
    fz_rec_compare(&s);
    xg_store_free(&s);
}

#endif

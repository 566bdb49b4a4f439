/* builtin-import.c — `xengatherer import prometheus=URL`: a past window of
 * a fleet's figures, from the Prometheus that scrapes `xengatherer serve`
 * on its hosts, as an ordinary recording and its reports.
 *
 * Why here only the command line: the options go through the shared
 * parser (cli.c, XG_CLI_IMPORT), the HTTP and JSON are import/promapi.c's,
 * the series to recording fleet.c's; `run --source` uses the same two. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "experiment/experiment.h"
#include "import/fleet.h"
#include "import/promapi.h"

static const char usage[] =
    "usage: xengatherer import prometheus=URL --start T --end T [OPTIONS]\n\n"
    "Reads the window START..END of the xengatherer_* series (what\n"
    "'xengatherer serve' exposes) from the Prometheus at URL (its HTTP API,\n"
    "/api/v1/query_range) and writes an ordinary recording, one domain per\n"
    "host and domain, and its reports.\n\n"
    "  --start T, --end T    the window: RFC 3339 (2026-12-03T17:00:00Z,\n"
    "                        offsets such as +01:00 taken) or unix seconds\n"
    "  --step SECS           between ticks (default: the scrape interval,\n"
    "                        guessed from the last 60 s of the window: the\n"
    "                        median gap between one metric's samples, in\n"
    "                        whole seconds from 1 s; 1 s when there are none)\n"
    "  --match MATCHERS      PromQL label matchers ANDed into the selector,\n"
    "                        e.g. 'domain=~\"web.*\",host=\"hostA\"'\n"
    "  -o, --output DIR      folder for recording.db, report.txt, .csv,\n"
    "                        .json, .html (default ./xg-YYYYmmdd-HHMMSS)\n"
    "  --force               overwrite an existing recording\n"
    "  --partitions          show host partitions in the report\n"
    "  -q, --quiet           no summary line\n\n"
    "A point Prometheus has not is no sample (not 0); a counter that falls\n"
    "back (a restarted exporter) is joined up as rate() does. A window of\n"
    "more than 11000 steps is asked for in parts.\n"
    "Exit status: 0 ok, 1 failure, 2 bad input or Prometheus unreachable or\n"
    "refusing (one line says which).\n";

/* The window and its step; 2 after a one-line error. */
static int window(const xg_options *o, const char *url, const char *query,
                  xg_fleet_window *w)
{
    char err[4400];

    if (isnan(o->import_start) || isnan(o->import_end)) {
        xg_err("import: --start and --end are needed (see 'xengatherer "
               "import --help')");
        return 2;
    }
    if (!(o->import_end > o->import_start)) {
        xg_err("import: --end is not after --start");
        return 2;
    }
    *w = (xg_fleet_window){url, query, o->import_start, o->import_end,
                           o->import_step, false, 0};
    if (w->step > 0)
        return 0;
    w->step = xg_fleet_guess_step(url, o->match, w->start, w->end, err,
                                  sizeof(err));
    if (w->step < 0) {
        xg_err("import: %s", err);
        return 2;
    }
    if (w->step == 0)
        w->step = 1;
    return 0;
}

static void summary(const xg_fleet_window *w, const xg_fleet_stats *st,
                    const char *path)
{
    fprintf(stderr, "xengatherer: imported %zu series (%zu samples, %u ticks "
            "at %g s) from %s into %s", st->series, st->points,
            xg_fleet_ticks(w), w->step, w->url, path);
    if (st->resets)
        fprintf(stderr, "; %zu counter reset%s joined up", st->resets,
                st->resets == 1 ? "" : "s");
    if (st->skipped)
        fprintf(stderr, "; %zu point%s left out (NaN, Inf, negative, off "
                "the step grid)", st->skipped, st->skipped == 1 ? "" : "s");
    fputc('\n', stderr);
    if (st->unknown.len)
        fprintf(stderr, "xengatherer: left out (not known to this "
                "xengatherer): %s\n", xg_sb_str(&st->unknown));
}

static int import(const xg_options *o, const char *url, char *cmdline)
{
    char err[8800], *query = xg_fleet_query(o->match);
    xg_fleet_stats st = {0};
    xg_fleet_window w;
    xg_result res;
    int rc;

    if (!query) {
        xg_err("out of memory");
        return 1;
    }
    if ((rc = window(o, url, query, &w)) != 0)
        goto out;
    if (xg_output_path(o, &res, err, sizeof(err)) < 0) {
        xg_err("import: %s", err);
        rc = 2;
        goto out;
    }
    if (xg_fleet_import(&w, cmdline, res.recording, o->force, &st, err,
                        sizeof(err)) < 0) {
        xg_err("import: %s", err);
        rc = 2;
        goto out;
    }
    if (!o->quiet)
        summary(&w, &st, res.recording);
    rc = xg_cli_report_files(res.recording, res.outdir, o) < 0 ? 1 : 0;
out:
    xg_fleet_stats_free(&st);
    free(query);
    return rc;
}

int cmd_import(int argc, char **argv)
{
    const char *url;
    xg_options o;
    char *cmdline;
    int rc;

    if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        fputs(usage, stdout);
        return 0;
    }
    if (argc < 2 || argv[1][0] == '-') {
        xg_err("import: the source comes first: import prometheus=URL "
               "--start T --end T (see 'xengatherer import --help')");
        return 2;
    }
    if (!(url = xg_cli_source("import", argv[1])))
        return 2;
    /* the source is the parser's argv[0] */
    rc = xg_cli_parse(argc - 1, argv + 1, "import", XG_CLI_IMPORT, &o, usage);
    if (rc)
        return rc == 1 ? 0 : rc;
    if (!xg_pm_have_http()) {
        xg_err("import: built without libcurl");
        return 2;
    }
    cmdline = xg_cli_join(argc, argv);
    rc = import(&o, url, cmdline);
    free(cmdline);
    return rc;
}

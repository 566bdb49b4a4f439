/* builtin-report.c — `xengatherer report FILE`: a recording, on any machine,
 * turned into the report as text, CSV, JSON or HTML; a repeated run's
 * statistics over its repetitions, or with --rep K the report of one of
 * them as a run of its own. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "experiment/experiment.h"
#include "recording/recording.h"
#include "report/report.h"

static const char usage[] =
    "usage: xengatherer report RECORDING|FOLDER [--format text|csv|json|html]\n"
    "       [--partitions] [--rep K]\n\n"
    "Parses a recording written by run or record (on this or any machine;\n"
    "a FOLDER means FOLDER/recording.db) and prints the report on standard\n"
    "output. A run that ended without stopping (killed, a crash, a power\n"
    "cut) left its recording as its last checkpoint wrote it: the report\n"
    "says so.\n"
    "  -f, --format FMT  text (default), csv, json or html (one\n"
    "                    self-contained page with time-series charts)\n"
    "  --partitions      show host partitions too\n"
    "  --rep K           a repeated run (run --repeat): the report of its\n"
    "                    repetition K alone, with its time series (by\n"
    "                    default: the statistics over the repetitions)\n";

/* --rep K: a whole number from 1. */
static int rep_arg(const char *arg, unsigned *rep)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(arg, &end, 10);
    if (errno || end == arg || *end || arg[0] == '-' || v < 1 ||
        v > XG_REPEAT_MAX + XG_WARMUP_MAX) {
        xg_err("report: --rep '%s': not a repetition number (1, 2...)", arg);
        return -1;
    }
    *rep = (unsigned)v;
    return 0;
}

/* s replaced by its repetition rep, as a single run's store; exit 2 with
 * one line naming the file when it has no such repetition. */
static int one_rep(xg_store *s, unsigned rep, const char *file)
{
    xg_store one;

    if (s->n_reps == 0) {
        xg_err("report: --rep %u: %s is not a repeated run (run --repeat)",
               rep, file);
        return XG_EXIT_USAGE;
    }
    if (rep > s->n_reps) {
        xg_err("report: --rep %u: %s has %zu repetitions", rep, file,
               s->n_reps);
        return XG_EXIT_USAGE;
    }
    if (xg_store_slice(s, rep, &one) < 0) {
        xg_err("report: out of memory");
        return XG_EXIT_FAIL;
    }
    xg_store_free(s);
    *s = one;
    return XG_EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
    static const struct option lo[] = {
        {"help", no_argument, NULL, 'h'},
        {"format", required_argument, NULL, 'f'},
        {"partitions", no_argument, NULL, 'p'},
        {"rep", required_argument, NULL, 'r'},
        {NULL, 0, NULL, 0},
    };
    unsigned rep = 0;
    xg_report_opts ro = {XG_FMT_TEXT, false};
    xg_store s;
    char *err, *path;
    size_t errlen;
    int c, rc;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "hf:", lo, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(usage, stdout);
            return 0;
        case 'f':
            if (xg_format_parse(optarg, &ro.fmt) < 0) {
                xg_err("report: unknown format '%s' (text, csv, json or html)",
                       optarg);
                return XG_EXIT_USAGE;
            }
            break;
        case 'p':
            ro.partitions = true;
            break;
        case 'r':
            if (rep_arg(optarg, &rep) < 0)
                return XG_EXIT_USAGE;
            break;
        default:
            xg_err("report: bad option '%s' (see 'xengatherer report "
                   "--help')", argv[optind - 1]);
            return XG_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        xg_err("report: give exactly one recording (see 'xengatherer "
               "report --help')");
        return XG_EXIT_USAGE;
    }
    /* room for the path whole and the reason (a longer one ends "...") */
    path = xg_cli_recording_path(argv[optind]);
    errlen = path ? strlen(path) + 4096 : 0;
    if (!path || !(err = malloc(errlen))) {
        free(path);
        xg_err("report: out of memory");
        return XG_EXIT_FAIL;
    }
    rc = xg_recording_read(path, &s, err, errlen);
    if (rc < 0)
        xg_err("%s", err);
    free(err);
    if (rc == 0 && rep && (rc = one_rep(&s, rep, path)) != XG_EXIT_OK) {
        xg_store_free(&s);
        free(path);
        return rc;
    }
    free(path);
    if (rc < 0)
        return XG_EXIT_USAGE;
    rc = xg_report_write(&s, &ro, stdout);
    xg_store_free(&s);
    if (rc < 0 || fflush(stdout) != 0) {
        if (errno == EPIPE) /* the reader (head...) had enough */
            return XG_EXIT_OK;
        xg_err("report: writing the report failed: %s", strerror(errno));
        return XG_EXIT_FAIL;
    }
    return XG_EXIT_OK;
}

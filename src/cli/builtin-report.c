/* builtin-report.c — `xengatherer report FILE`: a recording, on any machine,
 * turned into the report as text, CSV or JSON. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "experiment/experiment.h"
#include "recording/recording.h"
#include "report/report.h"

static const char usage[] =
    "usage: xengatherer report RECORDING|FOLDER [--format text|csv|json|html]\n"
    "       [--partitions]\n\n"
    "Parses a recording written by run or record (on this or any machine;\n"
    "a FOLDER means FOLDER/recording.db) and prints the report on standard\n"
    "output. A run that ended without stopping (killed, a crash, a power\n"
    "cut) left its recording as its last checkpoint wrote it: the report\n"
    "says so.\n"
    "  -f, --format FMT  text (default), csv, json or html (one\n"
    "                    self-contained page with time-series charts)\n"
    "  --partitions      show host partitions too\n";

/* A folder stands for the recording in it (what run and record write).
 * NULL on ENOMEM. */
static char *recording_path(const char *arg)
{
    struct stat st;
    char *path;

    if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
        return asprintf(&path, "%s/recording.db", arg) < 0 ? NULL : path;
    return strdup(arg);
}

int cmd_report(int argc, char **argv)
{
    static const struct option lo[] = {
        {"help", no_argument, NULL, 'h'},
        {"format", required_argument, NULL, 'f'},
        {"partitions", no_argument, NULL, 'p'},
        {NULL, 0, NULL, 0},
    };
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
    path = recording_path(argv[optind]);
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

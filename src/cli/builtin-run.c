/* builtin-run.c — `xengatherer run` and `record`: one experiment, then (for
 * run) the report parsed back from the recording just written. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "experiment/experiment.h"
#include "recording/recording.h"
#include "report/report.h"
#include "util/outfile.h"
#include "util/say.h"
#include "experiment/workload.h"

static const char usage_fmt[] =
    "usage: xengatherer %s [OPTIONS] [-- COMMAND [ARG]...]\n\n"
    "%s\n\n"
    "%s"
    "  --source prometheus=URL  no collectors here: the window's figures\n"
    "                        from the Prometheus at URL that scrapes\n"
    "                        'xengatherer serve' on the hosts of the\n"
    "                        --vmfile's domains (needs --vmfile)\n"
    "  --step SECS           with --source: between ticks (default -i; set\n"
    "                        it to the scrape interval)\n"
    "Workload\n"
    "  --exec TEMPLATE       how COMMAND runs on each domain; {name}, {addr}\n"
    "                        and {id} are replaced inside single words, {{\n"
    "                        and }} are braces; 'local' runs it on this host\n"
    "                        inside the domain (the default on cgroup; on\n"
    "                        VMs 'ssh -o BatchMode=yes -o ConnectTimeout=10\n"
    "                        root@{addr}')\n"
    "  --connect-timeout SECS  the default template's ssh ConnectTimeout:\n"
    "                        give up on a domain that does not answer\n"
    "                        (whole seconds, default 10); with libvirt also\n"
    "                        how long to wait for libvirtd\n"
    "  --until-done          stop when every command has ended (at most -d)\n"
    "  --exec-user USER      run the commands as USER (drops root)\n"
    "  --env NAME[=VALUE]    pass NAME (from here, or set to VALUE) to the\n"
    "                        commands; they get only PATH, HOME, USER,\n"
    "                        LOGNAME, LANG, LC_ALL, TERM, TZ, SSH_AUTH_SOCK,\n"
    "                        XG_DOMAIN, XG_DOMAIN_ID, XG_DOMAIN_ADDR and these\n"
    "Sampling\n"
    "  -i, --interval SECS   between samples (default 1, at least 0.001; at\n"
    "                        most 1000000 samples per window)\n"
    "  -d, --duration SECS   the window (default 10)\n"
    "%s"
    "Repetitions\n"
    "  --repeat N            run the window and its commands N times (1 to\n"
    "                        10000) into one recording; the report gives\n"
    "                        each figure's mean, spread and 95 %% interval\n"
    "  --warmup K            run K repetitions first, left out of the\n"
    "                        statistics (at most N)\n"
    "  --pause SECS          between repetitions (default 0; sampled, and\n"
    "                        in no repetition)\n"
    "Output\n"
    "  -o, --output DIR      folder for recording.db%s\n"
    "                        (default ./xg-YYYYmmdd-HHMMSS; made with its\n"
    "                        parents)\n"
    "  --force               overwrite an existing recording\n"
    "  --max-memory SIZE     samples held in memory at most (K, M, G; default\n"
    "                        256M); past it they are written to the\n"
    "                        recording during the run, in the background\n"
    "  --checkpoint SECS     make the recording durable this often while\n"
    "                        measuring (default 10; 0: at the end only): a\n"
    "                        killed run keeps every tick up to the last one\n"
    "  --partitions          show host partitions in the report\n"
    "  -q, --quiet           no platform line, no progress line\n\n"
    "A command still running at the end of the window gets SIGTERM (SIGKILL\n"
    "2 s later); to wait for it, use --until-done with a longer -d.\n"
    "Ctrl-C stops early: the recording is still written, marked partial\n"
    "(in a repeated run, the repetition it cut is partial, left out of the\n"
    "statistics, and no other starts);\n"
    "a second Ctrl-C aborts at once.\n"
    "Exit status: 0 ok, 1 failure, 2 bad input, 3 a command failed, did not\n"
    "start or outlived the window (all still written), 128+N signal N.\n";

static int write_one(const xg_store *s, const char *dir, const char *name,
                     xg_format fmt, const xg_options *o, FILE *also)
{
    xg_report_opts ro = {fmt, o->partitions};
    char path[4200], err[4400];
    FILE *f;
    int rc;

    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
        sizeof(path)) {
        xg_err("%s: path too long", dir);
        return -1;
    }
    f = xg_out_create(path, o->force, err, sizeof(err));
    if (!f) {
        xg_err("%s", err);
        return -1;
    }
    xg_signals_writing(path); /* a stop signal now removes it */
    rc = xg_report_write(s, &ro, f);
    rc = fclose(f) != 0 ? -1 : rc;
    xg_signals_writing(NULL);
    if (rc < 0) {
        xg_err("%s: write failed", path);
        return -1;
    }
    /* EPIPE: the reader (head...) had enough; the files are still written */
    if (also && xg_report_write(s, &ro, also) < 0 && errno != EPIPE) {
        xg_err("writing the report to standard output failed: %s",
               strerror(errno));
        return -1;
    }
    return 0;
}

/* Parses the recording back (as `report` would on another machine) and
 * writes report.txt (also printed), report.csv, report.json and
 * report.html. */
int xg_cli_report_files(const char *recording, const char *outdir,
                        const xg_options *o)
{
    xg_store s;
    char err[4400], msg[8800];
    int rc = 0;

    /* the recording is complete: a stop signal from here on ends the
     * run at once, and the reports can be made again from it */
    snprintf(msg, sizeof(msg), "\nxengatherer: stopped while writing the "
             "reports; the recording is complete: %s ('xengatherer report "
             "%s' makes them)\n", recording, outdir);
    xg_signals_exit_now(msg);
    if (xg_recording_read(recording, &s, err, sizeof(err)) < 0) {
        xg_err("%s", err);
        return -1;
    }
    if (write_one(&s, outdir, "report.txt", XG_FMT_TEXT, o, stdout) <
            0 ||
        write_one(&s, outdir, "report.csv", XG_FMT_CSV, o, NULL) < 0 ||
        write_one(&s, outdir, "report.json", XG_FMT_JSON, o, NULL) < 0 ||
        write_one(&s, outdir, "report.html", XG_FMT_HTML, o, NULL) < 0)
        rc = -1;
    xg_store_free(&s);
    return rc;
}

/* The exit status of a run that wrote its recording: an interruption
 * (128 + the signal) first, then a failed command (3). */
static int final_status(int rc, const xg_result *res)
{
    size_t failed = xg_jobs_failed();

    if (rc != XG_EXIT_OK)
        return rc;
    if (res->partial)
        return 128 + res->signal;
    if (failed) {
        xg_say("%zu command%s failed, did not start or outlived the window "
               "(exit status 3; the report says which)", failed,
               failed == 1 ? "" : "s");
        return XG_EXIT_WORKLOAD;
    }
    return XG_EXIT_OK;
}

static int experiment_cmd(int argc, char **argv, const char *name,
                          bool report)
{
    char *usage = NULL, err[4600];
    xg_options o;
    xg_result res;
    int rc;

    if (asprintf(&usage, usage_fmt, name,
             report ? "Runs an experiment: starts the collectors, runs "
                      "COMMAND on every domain,\nsamples for the duration, "
                      "stops, writes the recording and the report."
                    : "Like run, but writes only the recording; 'xengatherer"
                      " report' parses it later,\non any machine.",
             xg_usage_domains, xg_usage_families,
             report ? ", report.txt, .csv, .json, .html" : "") < 0) {
        xg_err("out of memory");
        return XG_EXIT_FAIL;
    }
    rc = xg_cli_parse(argc, argv, name, XG_CLI_EXPERIMENT | XG_CLI_DOMAINS,
                      &o, usage);
    free(usage);
    if (rc) {
        free(o.cgroups);
        free(o.env);
        return rc == 1 ? 0 : rc;
    }
    /* --source: no platform here, the domains are the vmfile's */
    if (!o.source && (rc = xg_cli_platform(&o, name)) != 0) {
        free(o.cgroups);
        free(o.env);
        return rc;
    }
    o.cmdline = xg_cli_join(argc, argv);
    xg_signals_install();
    rc = xg_experiment(&o, &res, err, sizeof(err));
    if (rc != XG_EXIT_OK) {
        xg_err("%s", err);
    } else {
        if (report &&
            xg_cli_report_files(res.recording, res.outdir, &o) < 0)
            rc = XG_EXIT_FAIL;
        if (!o.quiet)
            fprintf(stderr, "xengatherer: %srecording written to %s\n",
                    res.partial ? "partial " : "", res.recording);
        rc = final_status(rc, &res);
    }
    free((char *)o.cmdline);
    free(o.cgroups);
    free(o.env);
    return rc;
}

int cmd_run(int argc, char **argv)
{
    return experiment_cmd(argc, argv, "run", true);
}

int cmd_record(int argc, char **argv)
{
    return experiment_cmd(argc, argv, "record", false);
}

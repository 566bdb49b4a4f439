/* cli.h — the subcommand table (as in perf's builtin-*.c) and the option
 * parsing shared by run, record and list. */
#ifndef XG_CLI_H
#define XG_CLI_H

#include <stdbool.h>

#include "core/options.h"

typedef struct xg_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} xg_cmd;

int cmd_run(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* What a subcommand accepts of the experiment options (XG_CLI_SERVE: the
 * sampling ones and serve's own, no window, workload or output). */
enum { XG_CLI_EXPERIMENT = 1, XG_CLI_DOMAINS = 2,
       XG_CLI_IMPORT = 4 /* import: -o, -q, --force, --partitions and
                          * --start, --end, --step, --match */,
       XG_CLI_SERVE = 8 };

/* --help text shared by run, record and serve: the Domains section, and
 * the lines of the families' switches (--nocpu ... --nosumcache). */
extern const char xg_usage_domains[];
extern const char xg_usage_families[];

/* Parses argv into o (defaults first). Returns 0 to go on, 1 when --help
 * was printed (exit 0), or 2 after printing a one-line usage error. */
int xg_cli_parse(int argc, char **argv, const char *cmd, unsigned what,
                 xg_options *o, const char *usage);

/* Resolves --platform (auto) to the platform it picks: o->platform becomes
 * its name, o->platform_why says why, and without --exec the template is
 * the platform's default ("local" on cgroup, ssh elsewhere). 0, or 2 after
 * a one-line error. */
int xg_cli_platform(xg_options *o, const char *cmd);

/* getopt_long for the subcommands that read recordings (compare): the
 * next option's character, or -1 at the end of the options; -h/--help
 * (lo must map "help" to 'h') prints usage and gives XG_CLI_HELP; an
 * unknown option or one missing its value gives XG_CLI_BAD after a
 * one-line error. Start with optind = 1. */
enum { XG_CLI_HELP = -2, XG_CLI_BAD = -3 };
struct option;
int xg_cli_next(int argc, char **argv, const char *cmd, const char *shortopts,
                const struct option *lo, const char *usage);

/* The recording a command-line argument names: a folder stands for
 * FOLDER/recording.db (what run and record write). malloc'd; NULL on
 * ENOMEM. */
char *xg_cli_recording_path(const char *arg);

/* The whole argv as one string, for the recording's metadata. malloc'd. */
char *xg_cli_join(int argc, char **argv);

/* The URL of a source argument "prometheus=URL" (http or https), or
 * NULL after a one-line error naming it. */
const char *xg_cli_source(const char *cmd, const char *arg);

/* Parses the recording back (as `report` would on another machine) and
 * writes OUTDIR/report.txt (also printed), .csv, .json and .html. 0 or
 * -1 after a one-line error. */
int xg_cli_report_files(const char *recording, const char *outdir,
                        const xg_options *o);

/* Prints "xengatherer: msg" on stderr. */
void xg_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

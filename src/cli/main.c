/* main.c — xengatherer's entry point: the table of subcommands. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "config.h"
#include "platform/platform.h"

static const xg_cmd cmds[] = {
    {"run", cmd_run, "measure an experiment, write the recording and the report"},
    {"record", cmd_record, "measure an experiment and write the recording only"},
    {"report", cmd_report, "turn a recording into a report (text, CSV, JSON, HTML)"},
    {"compare", cmd_compare, "compare two recordings' figures, with tests"},
    {"list", cmd_list, "list the domains the platform sees"},
    {"import", cmd_import, "a fleet's window from Prometheus as a recording"},
    {"serve", cmd_serve, "serve the domains' counters to Prometheus (/metrics)"},
};

static void usage(FILE *f)
{
    size_t i;

    fprintf(f, "usage: xengatherer COMMAND [OPTIONS] [-- WORKLOAD...]\n\n"
               "Measures the CPU, disk and network I/O and cache use of "
               "each domain (VM,\ncontainer cgroup) and of the host during "
               "an experiment.\n\n"
               "Commands:\n");
    for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
    fprintf(f, "\n'xengatherer COMMAND --help' shows a command's options; "
               "'man xengatherer' the rest.\n"
               "Platforms: %s%s.\n"
               "Exit codes: 0 ok, 1 runtime failure, 2 usage or bad input, "
               "3 a command\nfailed (everything still written), 130/143 "
               "interrupted (the partial\nrecording is still written).\n",
               XG_PLATFORMS, XG_MODULES_NOTE);
}

int main(int argc, char **argv)
{
    size_t i;

    signal(SIGPIPE, SIG_IGN); /* a closed pipe is an EPIPE we handle */
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("xengatherer %s (platforms: %s)\n", XG_VERSION, XG_PLATFORMS);
        xg_platform_print_modules(stdout);
        return 0;
    }
    for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        if (!strcmp(argv[1], cmds[i].name))
            return cmds[i].fn(argc - 1, argv + 1);
    xg_err("unknown command '%s' (see 'xengatherer --help')", argv[1]);
    return 2;
}

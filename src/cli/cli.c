/* cli.c — option parsing shared by the subcommands (getopt_long), with the
 * checks every experiment option gets before anything starts. */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import/fleet.h"
#include "platform/platform.h"
#include "util/exectpl.h"
#include "util/say.h"
#include "util/strbuf.h"

const char xg_usage_domains[] =
    "Domains\n"
    "  --platform NAME       auto (default: xen in a Xen dom0, else libvirt\n"
    "                        when libvirtd answers, else qemu when qemu\n"
    "                        processes run, else cgroup), xen, libvirt,\n"
    "                        qemu, cgroup (--cgroup* options imply cgroup);\n"
    "                        the run's first line says which and why\n"
    "  --connect URI         libvirt platform: the libvirt URI (default\n"
    "                        qemu:///system)\n"
    "  --vmfile FILE         watch the domains named in FILE, one per line:\n"
    "                        NAME [ADDRESS]; '#' comments (default: all)\n"
    "  --cgroup-parent PATH  cgroup platform: domains are the children of\n"
    "                        PATH (default: machine.slice when it exists)\n"
    "  --cgroup PATH         cgroup platform: watch this cgroup (repeatable;\n"
    "                        not with --cgroup-parent)\n"
    "  --no-blkio-enable     cgroup v1: do not add the no-op 1 TiB/s throttle\n"
    "                        rule that makes blkio count I/O (added by\n"
    "                        default, removed at stop; --blkio-enable is\n"
    "                        accepted and implies cgroup)\n"
    "  --cgroup-bpf          cgroup platform: usage, user and system time of\n"
    "                        every cgroup in one read per sample, by a BPF\n"
    "                        cgroup iterator (an experiment, off by default;\n"
    "                        needs a build with it, root and BTF; else the\n"
    "                        files, and the CPU note says why)\n"
    "  --root DIR            read /proc and /sys under DIR (also $XG_ROOT)\n";

const char xg_usage_families[] =
    "  --nocpu, --nodisk, --nonet, --nocache, --nosched\n"
    "                        leave a section out\n"
    "  --cache-events LIST   count these instead of LLC references and\n"
    "                        misses: cycles, instructions, cache-references,\n"
    "                        cache-misses, task-clock, cpu-clock,\n"
    "                        page-faults, context-switches, cpu-migrations,\n"
    "                        LLC-loads, LLC-load-misses, LLC-stores,\n"
    "                        LLC-store-misses; OProfile's LLC_MISSES,\n"
    "                        LLC_REFS... (counted: no :N sample period)\n"
    "  --nosumcache          cache counts per mode (user, kernel, hv)\n";

void xg_err(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    xg_vsay(fmt, ap);
    va_end(ap);
}

char *xg_cli_join(int argc, char **argv)
{
    size_t len = 1;
    char *s;
    int i;

    for (i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    s = malloc(len);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (i = 0; i < argc; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

char *xg_cli_recording_path(const char *arg)
{
    struct stat st;
    char *path;

    if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
        return asprintf(&path, "%s/recording.db", arg) < 0 ? NULL : path;
    return strdup(arg);
}

/* A positive, finite number of seconds (at least min), or -1. */
static double seconds(const char *opt, const char *arg, double min)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(arg, &end);
    if (errno || end == arg || *end || !isfinite(v) || v <= 0) {
        xg_err("%s '%s': not a positive number of seconds", opt, arg);
        return -1;
    }
    if (v < min) {
        xg_err("%s '%s': below %g s, the shortest interval (one sample of "
               "one domain costs about 75 us of CPU)", opt, arg, min);
        return -1;
    }
    return v;
}

/* A size: digits and an optional K, M or G (KiB, MiB, GiB), at least
 * XG_MAX_MEMORY_MIN; -1 + a one-line error naming the value. */
static int size_arg(const char *cmd, const char *opt, const char *arg,
                    size_t *out)
{
    unsigned long long v;
    unsigned shift = 0;
    char *end;

    errno = 0;
    v = arg[0] >= '0' && arg[0] <= '9' ? strtoull(arg, &end, 10) : 0;
    if (v > 0 && !errno) {
        switch (*end) {
        case 'k': case 'K': shift = 10; end++; break;
        case 'm': case 'M': shift = 20; end++; break;
        case 'g': case 'G': shift = 30; end++; break;
        default: break;
        }
    }
    if (v == 0 || errno || *end || v > (SIZE_MAX >> shift)) {
        xg_err("%s: %s '%s': not a size (bytes, or a number with K, M or G: "
               "64K, 256M, 2G)", cmd, opt, arg);
        return -1;
    }
    if ((size_t)v << shift < XG_MAX_MEMORY_MIN) {
        xg_err("%s: %s '%s': too small (at least 16K)", cmd, opt, arg);
        return -1;
    }
    *out = (size_t)v << shift;
    return 0;
}

enum {
    O_VMFILE = 256, O_PLATFORM, O_ROOT, O_CGPARENT, O_CGROUP, O_BLKIO,
    O_EXEC, O_NOCPU, O_NODISK, O_NOCACHE, O_NOSCHED, O_UNTIL, O_FORCE, O_PARTS,
    O_CONNTMO,
    O_CACHEEV, O_NOSUMCACHE, O_EXECUSER, O_ENV, O_MAXMEM, O_NONET,
    O_CKPT, O_NOBLKIO, O_CONNECT, O_REPEAT, O_WARMUP, O_PAUSE,
    O_CGBPF, O_NOCGBPF, O_SOURCE, O_START, O_END, O_STEP, O_MATCH,
    O_LISTEN, O_TLSCERT, O_TLSKEY, O_AUTHFILE, O_HOSTLABEL,
};

static const struct option longopts[] = {
    {"help", no_argument, NULL, 'h'},
    {"interval", required_argument, NULL, 'i'},
    {"duration", required_argument, NULL, 'd'},
    {"output", required_argument, NULL, 'o'},
    {"quiet", no_argument, NULL, 'q'},
    {"vmfile", required_argument, NULL, O_VMFILE},
    {"platform", required_argument, NULL, O_PLATFORM},
    {"root", required_argument, NULL, O_ROOT},
    {"cgroup-parent", required_argument, NULL, O_CGPARENT},
    {"cgroup", required_argument, NULL, O_CGROUP},
    {"blkio-enable", no_argument, NULL, O_BLKIO},
    {"no-blkio-enable", no_argument, NULL, O_NOBLKIO},
    {"cgroup-bpf", no_argument, NULL, O_CGBPF},
    {"no-cgroup-bpf", no_argument, NULL, O_NOCGBPF},
    {"exec", required_argument, NULL, O_EXEC},
    {"connect-timeout", required_argument, NULL, O_CONNTMO},
    {"connect", required_argument, NULL, O_CONNECT},
    {"nocpu", no_argument, NULL, O_NOCPU},
    {"nodisk", no_argument, NULL, O_NODISK},
    {"nocache", no_argument, NULL, O_NOCACHE},
    {"nosched", no_argument, NULL, O_NOSCHED},
    {"nonet", no_argument, NULL, O_NONET},
    {"cache-events", required_argument, NULL, O_CACHEEV},
    {"nosumcache", no_argument, NULL, O_NOSUMCACHE},
    {"until-done", no_argument, NULL, O_UNTIL},
    {"force", no_argument, NULL, O_FORCE},
    {"partitions", no_argument, NULL, O_PARTS},
    {"exec-user", required_argument, NULL, O_EXECUSER},
    {"env", required_argument, NULL, O_ENV},
    {"max-memory", required_argument, NULL, O_MAXMEM},
    {"checkpoint", required_argument, NULL, O_CKPT},
    {"repeat", required_argument, NULL, O_REPEAT},
    {"warmup", required_argument, NULL, O_WARMUP},
    {"pause", required_argument, NULL, O_PAUSE},
    {"source", required_argument, NULL, O_SOURCE},
    {"start", required_argument, NULL, O_START},
    {"end", required_argument, NULL, O_END},
    {"step", required_argument, NULL, O_STEP},
    {"match", required_argument, NULL, O_MATCH},
    {"listen", required_argument, NULL, O_LISTEN},
    {"tls-cert", required_argument, NULL, O_TLSCERT},
    {"tls-key", required_argument, NULL, O_TLSKEY},
    {"auth-file", required_argument, NULL, O_AUTHFILE},
    {"host-label", required_argument, NULL, O_HOSTLABEL},
    {NULL, 0, NULL, 0},
};

/* --connect-timeout: whole seconds, 1 to 3600 (ssh's ConnectTimeout), or -1. */
static int connect_timeout(const char *cmd, const char *arg)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < 1 || v > 3600) {
        xg_err("%s: --connect-timeout '%s': not a whole number of seconds "
               "from 1 to 3600", cmd, arg);
        return -1;
    }
    return (int)v;
}

/* Options that only make sense for an experiment (not for list). */
static bool experiment_only(int c)
{
    return c == 'i' || c == 'd' || c == 'o' || c == 'q' || c == O_EXEC ||
           c == O_NOCPU || c == O_NODISK || c == O_NOCACHE || c == O_NOSCHED ||
           c == O_NONET || c == O_UNTIL || c == O_CONNTMO ||
           c == O_FORCE || c == O_PARTS || c == O_BLKIO || c == O_NOBLKIO ||
           c == O_CGBPF || c == O_NOCGBPF ||
           c == O_VMFILE ||
           c == O_CACHEEV || c == O_NOSUMCACHE || c == O_EXECUSER ||
           c == O_ENV || c == O_MAXMEM || c == O_CKPT || c == O_REPEAT ||
           c == O_WARMUP || c == O_PAUSE || c == O_SOURCE;
}

/* Options import takes (experiment ones among them) and only it does. */
static bool import_ok(int c)
{
    return c == 'o' || c == 'q' || c == O_FORCE || c == O_PARTS ||
           c == O_START || c == O_END || c == O_STEP || c == O_MATCH;
}

static bool import_only(int c)
{
    return c == O_START || c == O_END || c == O_MATCH;
}

/* Options of serve alone. */
static bool serve_only(int c)
{
    return c == O_LISTEN || c == O_TLSCERT || c == O_TLSKEY ||
           c == O_AUTHFILE || c == O_HOSTLABEL;
}

/* The options serve takes: the domain options, and of the experiment's
 * what is sampled and how often (not the window, the workload or the
 * output). */
static bool serve_takes(int c)
{
    return (!experiment_only(c) || c == 'i' || c == O_CONNTMO ||
            c == 'q' || c == O_NOCPU || c == O_NODISK || c == O_NOCACHE ||
            c == O_NOSCHED || c == O_NONET || c == O_BLKIO ||
            c == O_NOBLKIO || c == O_CGBPF || c == O_NOCGBPF ||
            c == O_VMFILE || c == O_CACHEEV || c == O_NOSUMCACHE ||
            serve_only(c)) &&
           !import_only(c) && c != O_STEP;
}

/* Why option c is refused by a command that accepts what, or NULL. */
static const char *refused(int c, unsigned what)
{
    if (c == 'h' || c == '?' || c == ':')
        return NULL;
    if (what & XG_CLI_IMPORT)
        return import_ok(c) ? NULL : "not for import";
    if (what & XG_CLI_SERVE)
        return serve_takes(c) ? NULL : "not for serve";
    if (serve_only(c))
        return "for serve";
    if (import_only(c))
        return "for import";
    if (experiment_only(c) && !(what & XG_CLI_EXPERIMENT))
        return "for run and record";
    if (c == O_STEP && !(what & XG_CLI_EXPERIMENT))
        return "for import, and run and record with --source";
    return NULL;
}

const char *xg_cli_source(const char *cmd, const char *arg)
{
    const char *url = strncmp(arg, "prometheus=", 11) == 0 ? arg + 11 : NULL;

    if (!url || (strncmp(url, "http://", 7) != 0 &&
                 strncmp(url, "https://", 8) != 0) ||
        strlen(url) <= 8) {
        xg_err("%s: source '%s': not prometheus=URL with an http:// or "
               "https:// URL", cmd, arg);
        return NULL;
    }
    return url;
}

/* --start, --end: RFC 3339 or unix seconds. */
static int time_arg(const char *cmd, const char *opt, const char *arg,
                    double *out)
{
    if (xg_fleet_parse_time(arg, out) == 0)
        return 0;
    xg_err("%s: %s '%s': not a time (RFC 3339 such as "
           "2026-12-03T17:00:00Z, or unix seconds)", cmd, opt, arg);
    return -1;
}

/* Appends s to a growing array of strings (the strings are argv's). */
static int add_str(const char ***v, size_t *n, const char *s)
{
    const char **nv = realloc(*v, (*n + 1) * sizeof(*nv));

    if (!nv)
        return -1;
    nv[(*n)++] = s;
    *v = nv;
    return 0;
}

/* --repeat, --warmup: a whole number from lo to hi. */
static int count_arg(const char *cmd, const char *opt, const char *arg,
                     unsigned lo, unsigned hi, unsigned *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < (long)lo || v > (long)hi) {
        xg_err("%s: %s '%s': not a whole number from %u to %u", cmd, opt,
               arg, lo, hi);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

/* NAME or NAME=VALUE, NAME a shell-style identifier. */
static bool env_ok(const char *s)
{
    const char *p = s;

    if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '_'))
        return false;
    for (p++; *p && *p != '='; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
              (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

/* The ticks of a window: -d / -i, at most XG_TICKS_MAX. */
static int check_window(const xg_options *o, const char *cmd)
{
    double ticks = o->duration_s / o->interval_s;

    if (o->interval_s > o->duration_s) {
        xg_err("%s: interval %g s is longer than the duration %g s", cmd,
               o->interval_s, o->duration_s);
        return 2;
    }
    if (ticks > XG_TICKS_MAX) {
        xg_err("%s: -d %g with -i %g is %.0f samples, more than %.0f per "
               "window (raise -i or shorten -d)", cmd, o->duration_s,
               o->interval_s, ticks, XG_TICKS_MAX);
        return 2;
    }
    return 0;
}

/* Options that contradict each other or leave nothing to do. */
static int check_conflicts(const xg_options *o, const char *cmd)
{
    const char *why = NULL;

    if (o->n_cgroups && o->cgroup_parent)
        why = "--cgroup and --cgroup-parent exclude each other (--cgroup "
              "watches the cgroups named, --cgroup-parent all children of "
              "one)";
    else if (!(o->families & XG_FAM_ALL))
        why = "--nocpu, --nodisk, --nonet, --nocache and --nosched leave "
              "nothing to measure";
    else if (!(o->families & XG_FAM_CACHE) && o->nosumcache)
        why = "--nosumcache splits the cache counts that --nocache leaves "
              "out";
    else if (!(o->families & XG_FAM_CACHE) && o->cache_events)
        why = "--cache-events picks the cache counts that --nocache leaves "
              "out";
    else if (o->pause_s > 0 && !XG_REPEATED(o))
        why = "--pause is the time between repetitions: it needs --repeat "
              "or --warmup";
    else if (o->source && XG_REPEATED(o))
        why = "--repeat and --warmup are not done with --source yet (one "
              "window per run)";
    else if (o->source && (o->n_cgroups || o->cgroup_parent))
        why = "--source takes its domains from --vmfile, not from cgroups "
              "here";
    else if (o->import_step > 0 && !o->source && strcmp(cmd, "import"))
        why = "--step is the step of --source's figures: it needs --source";
    else if (o->warmup > o->repeat)
        why = "--warmup runs more repetitions than --repeat measures (a "
              "warm-up longer than the measurement is another experiment)";
    if (why)
        xg_err("%s: %s", cmd, why);
    return why ? 2 : 0;
}

/* The checks once every option is read. */
static int check_sets(xg_options *o, const char *cmd, unsigned what,
                      bool exec_given)
{
    static char ssh[96]; /* the default template with --connect-timeout */
    int rc;

    if ((!(what & XG_CLI_SERVE) && (rc = check_window(o, cmd))) ||
        (rc = check_conflicts(o, cmd)))
        return rc;
    if ((what & XG_CLI_SERVE) && !o->tls_cert != !o->tls_key) {
        xg_err("%s: --tls-cert and --tls-key go together", cmd);
        return 2;
    }
    /* with libvirt it also bounds the connection to libvirtd */
    if (o->connect_timeout_s && exec_given &&
        !(o->platform && strcmp(o->platform, "libvirt") == 0)) {
        xg_err("%s: --connect-timeout is for the default ssh template; with "
               "--exec, put -o ConnectTimeout=N in the template", cmd);
        return 2;
    }
    if (o->connect_timeout_s && !exec_given) {
        snprintf(ssh, sizeof(ssh), XG_EXEC_SSH_FMT, o->connect_timeout_s);
        o->exec_tpl = ssh;
    }
    if (o->connect_uri && o->platform && strcmp(o->platform, "auto") != 0 &&
        strcmp(o->platform, "libvirt") != 0) {
        xg_err("%s: --connect is for the libvirt platform, not '%s'", cmd,
               o->platform);
        return 2;
    }
    o->exec_given = exec_given || o->connect_timeout_s;
    if (o->until_done && !o->command) {
        xg_err("%s: --until-done needs a command after --", cmd);
        return 2;
    }
    return 0;
}

int xg_cli_platform(xg_options *o, const char *cmd)
{
    const xg_platform_ops *ops;
    char err[4400]; /* it may quote --platform: "..." if cut */

    ops = xg_platform_choose_why(o, &o->platform_why, err, sizeof(err));
    if (!ops) {
        xg_mark_cut(err, sizeof(err));
        xg_err("%s: %s", cmd, err);
        return 2;
    }
    o->platform = ops->name;
    /* containers run the command inside their cgroup; VMs through ssh */
    if (!o->exec_given && strcmp(ops->name, "cgroup") == 0)
        o->exec_tpl = "local";
    return 0;
}

int xg_cli_next(int argc, char **argv, const char *cmd, const char *shortopts,
                const struct option *lo, const char *usage)
{
    int c;

    opterr = 0;
    c = getopt_long(argc, argv, shortopts, lo, NULL);
    if (c == 'h') {
        fputs(usage, stdout);
        return XG_CLI_HELP;
    }
    if (c == '?' || c == ':') {
        if (optopt && optopt < 256)
            xg_err("%s: option '-%c' is unknown or needs a value (see "
                   "'xengatherer %s --help')", cmd, optopt, cmd);
        else
            xg_err("%s: option '%s' is unknown or needs a value (see "
                   "'xengatherer %s --help')", cmd, argv[optind - 1], cmd);
        return XG_CLI_BAD;
    }
    return c;
}

int xg_cli_parse(int argc, char **argv, const char *cmd, unsigned what,
                 xg_options *o, const char *usage)
{
    const char *env = getenv("XG_ROOT");
    bool exec_given = false;
    int c;

    xg_options_defaults(o);
    if (env)
        o->root = env;
    optind = 1;
    opterr = 0;
    for (int li = -1;
         (c = getopt_long(argc, argv, "+hi:d:o:q", longopts, &li)) != -1;
         li = -1) {
        const char *whose = refused(c, what);
        if (whose) {
            /* by name: argv[optind - 1] may be the option's value */
            if (li >= 0)
                xg_err("%s: option '--%s' is %s", cmd, longopts[li].name,
                       whose);
            else
                xg_err("%s: option '-%c' is %s", cmd, c, whose);
            return 2;
        }
        switch (c) {
        case 'h':
            fputs(usage, stdout);
            return 1;
        case 'i':
            if ((o->interval_s = seconds("-i", optarg,
                                         XG_INTERVAL_MIN_S)) < 0)
                return 2;
            break;
        case 'd':
            if ((o->duration_s = seconds("-d", optarg, 0)) < 0)
                return 2;
            break;
        case 'o': o->outdir = optarg; break;
        case 'q': o->quiet = true; break;
        case O_VMFILE: o->vmfile = optarg; break;
        case O_PLATFORM: o->platform = optarg; break;
        case O_CONNECT: o->connect_uri = optarg; break;
        case O_ROOT: o->root = optarg; break;
        case O_CGPARENT: o->cgroup_parent = optarg; break;
        case O_CGROUP:
            if (add_str(&o->cgroups, &o->n_cgroups, optarg) < 0)
                return 2;
            break;
        case O_BLKIO:
            o->blkio_enable = true;
            o->no_blkio_enable = false;
            break;
        case O_NOBLKIO: o->no_blkio_enable = true; break;
        case O_CGBPF: o->cgroup_bpf = 1; break;
        case O_NOCGBPF: o->cgroup_bpf = 0; break;
        case O_EXEC: {
            char err[4400]; /* it may quote the template: "..." if cut */
            if (xg_exectpl_check(optarg, err, sizeof(err)) < 0) {
                xg_mark_cut(err, sizeof(err));
                xg_err("%s: --exec '%s': %s", cmd, optarg, err);
                return 2;
            }
            o->exec_tpl = optarg;
            exec_given = true;
            break;
        }
        case O_CONNTMO:
            if ((o->connect_timeout_s = connect_timeout(cmd, optarg)) < 0)
                return 2;
            break;
        case O_NOCPU: o->families &= ~(unsigned)XG_FAM_CPU; break;
        case O_NODISK: o->families &= ~(unsigned)XG_FAM_DISK; break;
        case O_NOCACHE: o->families &= ~(unsigned)XG_FAM_CACHE; break;
        case O_NOSCHED: o->families &= ~(unsigned)XG_FAM_SCHED; break;
        case O_NONET: o->families &= ~(unsigned)XG_FAM_NET; break;
        case O_CACHEEV: {
            char err[4400]; /* it quotes the event: "..." if cut */
            if (xg_cache_events_check(optarg, err, sizeof(err)) < 0) {
                xg_mark_cut(err, sizeof(err));
                xg_err("%s: %s", cmd, err);
                return 2;
            }
            o->cache_events = optarg;
            break;
        }
        case O_NOSUMCACHE: o->nosumcache = true; break;
        case O_EXECUSER: o->exec_user = optarg; break;
        case O_ENV:
            if (!env_ok(optarg)) {
                xg_err("%s: --env '%s': not NAME or NAME=VALUE", cmd, optarg);
                return 2;
            }
            if (add_str(&o->env, &o->n_env, optarg) < 0)
                return 2;
            break;
        case O_MAXMEM:
            if (size_arg(cmd, "--max-memory", optarg, &o->max_memory) < 0)
                return 2;
            break;
        case O_CKPT:
            if (strcmp(optarg, "0") != 0 &&
                (o->checkpoint_s = seconds("--checkpoint", optarg, 0)) < 0)
                return 2;
            if (strcmp(optarg, "0") == 0)
                o->checkpoint_s = 0;
            break;
        case O_REPEAT:
            if (count_arg(cmd, "--repeat", optarg, 1, XG_REPEAT_MAX,
                          &o->repeat) < 0)
                return 2;
            break;
        case O_WARMUP:
            if (count_arg(cmd, "--warmup", optarg, 0, XG_WARMUP_MAX,
                          &o->warmup) < 0)
                return 2;
            break;
        case O_PAUSE:
            if (strcmp(optarg, "0") == 0)
                o->pause_s = 0;
            else if ((o->pause_s = seconds("--pause", optarg, 0)) < 0)
                return 2;
            break;
        case O_SOURCE:
            if (!(o->source = xg_cli_source(cmd, optarg)))
                return 2;
            break;
        case O_START:
            if (time_arg(cmd, "--start", optarg, &o->import_start) < 0)
                return 2;
            break;
        case O_END:
            if (time_arg(cmd, "--end", optarg, &o->import_end) < 0)
                return 2;
            break;
        case O_STEP:
            if ((o->import_step = seconds("--step", optarg,
                                          XG_INTERVAL_MIN_S)) < 0)
                return 2;
            break;
        case O_MATCH: o->match = optarg; break;
        case O_UNTIL: o->until_done = true; break;
        case O_FORCE: o->force = true; break;
        case O_PARTS: o->partitions = true; break;
        case O_LISTEN: o->listen = optarg; break;
        case O_TLSCERT: o->tls_cert = optarg; break;
        case O_TLSKEY: o->tls_key = optarg; break;
        case O_AUTHFILE: o->auth_file = optarg; break;
        case O_HOSTLABEL: o->host_label = optarg; break;
        default:
            if (optopt && optopt < 256)
                xg_err("%s: option '-%c' %s (see 'xengatherer %s --help')",
                       cmd, optopt,
                       strchr("ido", optopt) ? "needs a value" : "is unknown",
                       cmd);
            else
                xg_err("%s: option '%s' is unknown or needs a value (see "
                       "'xengatherer %s --help')", cmd, argv[optind - 1], cmd);
            return 2;
        }
    }
    if (optind < argc && strcmp(argv[optind - 1], "--") != 0) {
        xg_err("%s: unexpected '%s' (put the workload command after --)",
               cmd, argv[optind]);
        return 2;
    }
    if (optind < argc) {
        if (!(what & XG_CLI_EXPERIMENT)) {
            xg_err("%s: takes no command", cmd);
            return 2;
        }
        o->command = &argv[optind];
        o->n_command = argc - optind;
    }
    return check_sets(o, cmd, what, exec_given);
}

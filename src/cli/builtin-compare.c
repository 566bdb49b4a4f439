/* builtin-compare.c — `xengatherer compare A B`: two recordings' figures
 * side by side, each difference tested (report/compare.h), as text, CSV,
 * JSON or HTML; --fail-on-change makes it a regression gate. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "experiment/experiment.h"
#include "recording/recording.h"
#include "report/compare.h"

static const char usage[] =
    "usage: xengatherer compare A B [--format text|csv|json|html]\n"
    "       [--alpha P] [--match A=B]... [--fail-on-change FIG]...\n\n"
    "Compares the figures of two recordings (files, or folders holding\n"
    "recording.db), B against A: per domain and figure the two means, the\n"
    "difference and its interval, a test and its verdict (higher, lower or\n"
    "no significant change). Domains are matched by name, the host's rows\n"
    "with each other. Two repeated runs (run --repeat) are tested with\n"
    "Welch's t on their repetitions; otherwise Mann-Whitney U on the\n"
    "intervals, which are not independent (the output says so).\n"
    "  -f, --format FMT      text (default), csv, json or html\n"
    "  --alpha P             significance level, in (0, 0.5] (0.05)\n"
    "  --match A=B           domain A of the first is B of the second\n"
    "                        (repeatable)\n"
    "  --fail-on-change FIG  exit 1 when figure FIG changed significantly:\n"
    "                        a metric (cpu_pct) or family.metric\n"
    "                        (disk.wr_mb_s); repeatable\n"
    "Exit: 0 compared (whatever the verdicts), 1 a --fail-on-change figure\n"
    "changed (or a failure), 2 bad input.\n";

typedef struct cmp_args {
    xg_format fmt;
    xg_cmp_opts o;
    xg_cmp_match *match;
    const char **fail;
    size_t n_fail;
    const char *file[2];
} cmp_args;

static int parse_alpha(const char *arg, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(arg, &end);
    if (errno || end == arg || *end || !(v > 0 && v <= 0.5)) {
        xg_err("compare: --alpha '%s': not a number in (0, 0.5]", arg);
        return -1;
    }
    *out = v;
    return 0;
}

static int add_match(cmp_args *a, char *arg)
{
    char *eq = strchr(arg, '=');
    xg_cmp_match *m;

    if (!eq || eq == arg || !eq[1]) {
        xg_err("compare: --match '%s': not A=B (a domain of each)", arg);
        return -1;
    }
    m = realloc(a->match, (a->o.n_match + 1) * sizeof(*m));
    if (!m)
        return -1;
    a->match = m;
    *eq = '\0'; /* argv's own string: A, then B after it */
    m[a->o.n_match].a = arg;
    m[a->o.n_match++].b = eq + 1;
    a->o.match = m;
    return 0;
}

static int add_fail(cmp_args *a, const char *fig)
{
    const char **f = realloc(a->fail, (a->n_fail + 1) * sizeof(*f));

    if (!f)
        return -1;
    f[a->n_fail++] = fig;
    a->fail = f;
    return 0;
}

enum { O_ALPHA = 256, O_MATCH, O_FAIL };

/* 0 to go on, 1 after --help, 2 after a one-line error. */
static int parse(int argc, char **argv, cmp_args *a)
{
    static const struct option lo[] = {
        {"help", no_argument, NULL, 'h'},
        {"format", required_argument, NULL, 'f'},
        {"alpha", required_argument, NULL, O_ALPHA},
        {"match", required_argument, NULL, O_MATCH},
        {"fail-on-change", required_argument, NULL, O_FAIL},
        {NULL, 0, NULL, 0},
    };
    int c;

    optind = 1;
    while ((c = xg_cli_next(argc, argv, "compare", "hf:", lo, usage)) != -1) {
        if (c == XG_CLI_HELP || c == XG_CLI_BAD)
            return c == XG_CLI_HELP ? 1 : 2;
        if (c == 'f' && xg_format_parse(optarg, &a->fmt) < 0) {
            xg_err("compare: unknown format '%s' (text, csv, json or html)",
                   optarg);
            return 2;
        }
        if ((c == O_ALPHA && parse_alpha(optarg, &a->o.alpha) < 0) ||
            (c == O_MATCH && add_match(a, optarg) < 0) ||
            (c == O_FAIL && add_fail(a, optarg) < 0))
            return 2;
    }
    if (optind != argc - 2) {
        xg_err("compare: give two recordings, A and B (see 'xengatherer "
               "compare --help')");
        return 2;
    }
    a->file[0] = argv[optind];
    a->file[1] = argv[optind + 1];
    return 0;
}

/* One recording read (a folder stands for its recording.db). 0, or 2
 * after a one-line error naming it. */
static int load(const char *arg, xg_store *s)
{
    char *path = xg_cli_recording_path(arg);
    size_t errlen = path ? strlen(path) + 4096 : 0;
    char *err = path ? malloc(errlen) : NULL;
    int rc;

    if (!err) {
        free(path);
        xg_err("compare: out of memory");
        return XG_EXIT_FAIL;
    }
    rc = xg_recording_read(path, s, err, errlen);
    if (rc < 0)
        xg_err("compare: %s", err);
    free(err);
    free(path);
    return rc < 0 ? XG_EXIT_USAGE : 0;
}

/* --fail-on-change names figures the report knows; 0, or 2 after a
 * one-line error listing the names. */
static int check_fail(const xg_compare *c, const cmp_args *a)
{
    for (size_t i = 0; i < a->n_fail; i++) {
        bool known;
        char *list;
        if (xg_cmp_fig_known(c, a->fail[i], &known, &list) < 0) {
            xg_err("compare: out of memory");
            return XG_EXIT_FAIL;
        }
        if (!known)
            xg_err("compare: --fail-on-change '%s': no such figure (a metric "
                   "or family.metric of: %s)", a->fail[i], list);
        free(list);
        if (!known)
            return XG_EXIT_USAGE;
    }
    return 0;
}

/* The significant changes of the figures --fail-on-change names, one
 * line each: XG_EXIT_FAIL when there is one. */
static int gate(const xg_compare *c, const cmp_args *a)
{
    size_t *hit = malloc((c->n ? c->n : 1) * sizeof(*hit)), n;

    if (!hit) {
        xg_err("compare: out of memory");
        return XG_EXIT_FAIL;
    }
    n = xg_cmp_gate(c, a->fail, a->n_fail, hit);
    for (size_t i = 0; i < n; i++) {
        const xg_cmp_fig *f = &c->f[hit[i]];
        xg_err("compare: --fail-on-change: %s.%s of %s%s%s is %s in B "
               "(%g -> %g, p = %.3g)", f->a->family, f->a->metric,
               f->a->domain, *f->a->device ? " " : "", f->a->device,
               xg_verdict_name(f->verdict), f->t.mean_a, f->t.mean_b,
               f->t.p);
    }
    free(hit);
    return n ? XG_EXIT_FAIL : XG_EXIT_OK;
}

static int render(const xg_compare *c, xg_format fmt, FILE *out)
{
    switch (fmt) {
    case XG_FMT_CSV: return xg_cmp_render_csv(c, out);
    case XG_FMT_JSON: return xg_cmp_render_json(c, out);
    case XG_FMT_HTML: return xg_cmp_render_html(c, out);
    default: return xg_cmp_render_text(c, out);
    }
}

/* Renders and gates: the exit status. */
static int output(const xg_compare *c, const cmp_args *a)
{
    int rc = check_fail(c, a);

    if (rc)
        return rc;
    if (render(c, a->fmt, stdout) < 0 || fflush(stdout) != 0) {
        if (errno != EPIPE) { /* the reader (head...) had enough: go on */
            xg_err("compare: writing the comparison failed: %s",
                   strerror(errno));
            return XG_EXIT_FAIL;
        }
    }
    return gate(c, a);
}

/* The figures of both, compared and written: the exit status. */
static int compare(const cmp_args *a, const xg_store *s)
{
    xg_cmp_input in[2] = {{a->file[0], &s[0], NULL}, {a->file[1], &s[1], NULL}};
    xg_figset fs[2];
    xg_compare c;
    char err[4096];
    int rc = xg_cmp_figsets(&in[0], &fs[0], &in[1], &fs[1], err, sizeof(err));

    if (rc < 0) {
        xg_err("compare: %s", err);
        return rc == -2 ? XG_EXIT_USAGE : XG_EXIT_FAIL;
    }
    in[0].fs = &fs[0];
    in[1].fs = &fs[1];
    rc = xg_compare_build(&c, &in[0], &in[1], &a->o, err, sizeof(err));
    if (rc < 0) {
        xg_err("compare: %s", err);
        rc = rc == -2 ? XG_EXIT_USAGE : XG_EXIT_FAIL;
    } else {
        rc = output(&c, a);
        xg_compare_free(&c);
    }
    xg_figset_free(&fs[0]);
    xg_figset_free(&fs[1]);
    return rc;
}

int cmd_compare(int argc, char **argv)
{
    cmp_args a = {.fmt = XG_FMT_TEXT, .o = {.alpha = XG_CMP_ALPHA}};
    xg_store s[2];
    int rc = parse(argc, argv, &a), loaded = 0;

    if (rc) {
        free(a.match);
        free(a.fail);
        return rc == 1 ? XG_EXIT_OK : XG_EXIT_USAGE;
    }
    for (; !rc && loaded < 2; loaded++)
        rc = load(a.file[loaded], &s[loaded]);
    if (rc)
        loaded--; /* the one that failed is freed */
    else
        rc = compare(&a, s);
    for (int i = 0; i < loaded; i++)
        xg_store_free(&s[i]);
    free(a.match);
    free(a.fail);
    return rc;
}

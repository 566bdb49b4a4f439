/* header.c — the report header: run metadata, workloads, tool overhead. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "report/calc.h"
#include "report/section.h"
#include "util/numfmt.h"
#include "util/root.h"
#include "util/strbuf.h"
#include "util/table.h"

static const char *meta_or_dash(const xg_store *s, const char *key)
{
    const char *v = xg_store_meta_get(s, key);
    return v && *v ? v : "-";
}

/* The instant t as ISO 8601 in the zone the report is made in, with its
 * UTC offset: "2026-11-25T23:50:01+00:00", "2026-11-26T08:50:01+09:00".
 * 0, or -1 when it does not fit in buf or t has no local time. */
static int iso_time(time_t t, char *buf, size_t len)
{
    struct tm tm;
    size_t l;
    long off;
    int n;

    if (!localtime_r(&t, &tm) || !(l = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm)))
        return -1;
    off = tm.tm_gmtoff < 0 ? -tm.tm_gmtoff : tm.tm_gmtoff;
    n = snprintf(buf + l, len - l, "%c%02ld:%02ld", tm.tm_gmtoff < 0 ? '-' : '+',
                 off / 3600, off % 3600 / 60);
    return n < 0 || (size_t)n >= len - l ? -1 : 0;
}

/* The wall time of meta key (ns since 1970 UTC) or the fallback as
 * iso_time gives it; "-" when there is none. */
static const char *wall_text(const xg_store *s, const char *key,
                             int64_t fallback_ns, char *buf, size_t len)
{
    uint64_t ns;
    time_t t;
    if (xg_calc_meta_u64(s, key, &ns))
        t = (time_t)(ns / 1000000000u);
    else if (fallback_ns > 0)
        t = (time_t)(fallback_ns / 1000000000);
    else
        return "-";
    return iso_time(t, buf, len) < 0 ? "-" : buf;
}

static bool shell_safe(const char *w)
{
    if (!*w)
        return false;
    for (; *w; w++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789@%+=:,./_-", *w))
            return false;
    return true;
}

/* Prints a word as a shell would need it typed: plain, or 'single quoted'. */
static void shell_word(xg_sb *out, const char *w)
{
    if (shell_safe(w)) {
        xg_sb_printf(out, "%s", w);
        return;
    }
    xg_sb_add(out, "'", 1);
    for (; *w; w++) {
        if (*w == '\'')
            xg_sb_printf(out, "%s", "'\\''");
        else
            xg_sb_add(out, &(char){*w}, 1);
    }
    xg_sb_add(out, "'", 1);
}

/* A JSON array of strings as shell words; anything else is printed raw. */
static void print_argv(xg_sb *out, const char *json)
{
    json_t *a = json_loads(json, JSON_DECODE_ANY, NULL);
    if (!json_is_array(a)) {
        xg_sb_printf(out, "%s", json);
    } else {
        size_t i;
        json_t *w;
        json_array_foreach(a, i, w) {
            if (i)
                xg_sb_add(out, " ", 1);
            if (json_is_string(w))
                shell_word(out, json_string_value(w));
            else
                xg_sb_add(out, "?", 1);
        }
    }
    json_decref(a);
}

static const char *signal_name(int sig, char *buf, size_t len)
{
    static const struct { int n; const char *name; } names[] = {
        {1, "SIGHUP"}, {2, "SIGINT"}, {3, "SIGQUIT"}, {4, "SIGILL"},
        {6, "SIGABRT"}, {7, "SIGBUS"}, {8, "SIGFPE"}, {9, "SIGKILL"},
        {10, "SIGUSR1"}, {11, "SIGSEGV"}, {12, "SIGUSR2"}, {13, "SIGPIPE"},
        {14, "SIGALRM"}, {15, "SIGTERM"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].n == sig)
            return names[i].name;
    snprintf(buf, len, "signal %d", sig);
    return buf;
}

static double workload_s(const xg_workload *w)
{
    return w->end_ns < 0 ? NAN : (double)(w->end_ns - w->start_ns) / 1e9;
}

size_t xg_workload_headers(const xg_store *s, const char **headers)
{
    static const char *const h[] = {"rep", "domain", "state", "exit",
                                    "duration s"};
    size_t skip = s->n_reps ? 0 : 1;

    for (size_t c = skip; c < XG_WORKLOAD_COLS; c++)
        headers[c - skip] = h[c];
    return XG_WORKLOAD_COLS - skip;
}

size_t xg_workload_cells(const xg_store *s, size_t i, char (*buf)[32],
                         const char **cells)
{
    const xg_workload *w = &s->workloads[i];
    char sb[32];
    const char *state = w->state ? w->state : "-";
    bool term = strcmp(state, "terminated") == 0;
    size_t c = 0;

    if (s->n_reps) {
        snprintf(buf[2], 32, "%u", w->rep);
        cells[c++] = buf[2];
    }
    snprintf(buf[0], 32, "-");
    if (strcmp(state, "exited") == 0 || (term && w->signal == 0))
        snprintf(buf[0], 32, "%d", w->exit_code);
    else if (strcmp(state, "killed") == 0 || term)
        snprintf(buf[0], 32, "%s", signal_name(w->signal, sb, sizeof(sb)));
    cells[c++] = w->domain < s->n_domains ? xg_store_dom_label(s, w->domain) : "?";
    cells[c++] = state;
    cells[c++] = buf[0];
    cells[c++] = xg_fmt_num(buf[1], 32, workload_s(w), 3);
    return c;
}

/* "  of which: rescan 0.4 ms, cpu 0.3 ms, ...": meta overhead_part.*, in
 * the order the run set them. */
static void parts_text(const xg_store *s, xg_sb *out)
{
    static const char pre[] = "overhead_part.";
    int n = 0;

    for (size_t i = 0; i < s->n_meta; i++) {
        const xg_meta_kv *kv = &s->meta[i];
        char *end;
        double ns;
        if (!kv->key || strncmp(kv->key, pre, sizeof(pre) - 1) != 0 ||
            !kv->value)
            continue;
        ns = strtod(kv->value, &end);
        if (end == kv->value || *end || !(ns >= 0))
            continue;
        xg_sb_printf(out, "%s%s %.1f ms", n++ ? ", " : "  of which: ",
                kv->key + sizeof(pre) - 1, ns / 1e6);
    }
    if (n)
        xg_sb_add(out, "\n", 1);
}

/* "overhead: 1.2 ms CPU for 11 samples (0.11 ms per sample), 4.5 KiB of
 * samples in memory", each part only when its keys are there. */
static void overhead_text(const xg_store *s, xg_sb *out)
{
    uint64_t cpu_ns, ticks, bytes;
    bool has_cpu = xg_calc_meta_u64(s, "overhead_cpu_ns", &cpu_ns);
    bool has_ticks = xg_calc_meta_u64(s, "overhead_ticks", &ticks);
    bool has_bytes = xg_calc_meta_u64(s, "sample_bytes", &bytes);
    if (!has_cpu && !has_bytes)
        return;
    xg_sb_printf(out, "%s", "overhead: ");
    if (has_cpu) {
        xg_sb_printf(out, "%.1f ms CPU", (double)cpu_ns / 1e6);
        if (has_ticks && ticks > 0)
            xg_sb_printf(out, " for %llu samples (%.2f ms per sample)",
                    (unsigned long long)ticks, (double)cpu_ns / 1e6 / (double)ticks);
    }
    if (has_bytes) {
        char b[32];
        xg_bytes_text(b, sizeof(b), bytes);
        xg_sb_printf(out, "%s%s of samples in memory", has_cpu ? ", " : "", b);
    }
    xg_sb_add(out, "\n", 1);
    parts_text(s, out);
}

/* A size as --max-memory takes it: 256M, 64K, 1536K, 20000. */
static void size_text(char *buf, size_t len, uint64_t b)
{
    static const char units[] = "GMK";
    for (int i = 0; i < 3; i++) {
        uint64_t u = (uint64_t)1 << (10 * (3 - i));
        if (b >= u && b % u == 0) {
            snprintf(buf, len, "%llu%c", (unsigned long long)(b / u), units[i]);
            return;
        }
    }
    snprintf(buf, len, "%llu", (unsigned long long)b);
}

/* "checkpoints: 6 during the run (every 10 s); taking them paused the
 * sampling 0.5 ms at most; the writer's CPU 55.4 ms": when the run made
 * the recording durable as it went (--checkpoint). */
static void checkpoint_text(const xg_store *s, xg_sb *out)
{
    uint64_t n, pause, wcpu;
    double every;

    if (!xg_calc_meta_u64(s, "checkpoints", &n) ||
        !xg_calc_meta_double(s, "checkpoint_s", &every) || every <= 0)
        return;
    xg_sb_printf(out, "checkpoints: %llu during the run (every %g s)",
            (unsigned long long)n, every);
    if (xg_calc_meta_u64(s, "checkpoint_pause_max_ns", &pause))
        xg_sb_printf(out, "; taking them paused the sampling %.2f ms at most",
                (double)pause / 1e6);
    if (xg_calc_meta_u64(s, "spill_write_cpu_ns", &wcpu))
        xg_sb_printf(out, "; the background writer's CPU %.1f ms",
                (double)wcpu / 1e6);
    xg_sb_add(out, "\n", 1);
}

/* One line when samples were written to the recording during the run
 * (--max-memory), with what the writer could not do. */
static void flushed_text(const xg_store *s, xg_sb *out)
{
    uint64_t n, chunks, max, left;
    const char *fail = xg_store_meta_get(s, "spill_error");
    char b[32];

    if (!xg_calc_meta_u64(s, "spilled_samples", &n) ||
        !xg_calc_meta_u64(s, "max_memory", &max))
        return;
    if (!xg_calc_meta_u64(s, "spill_chunks", &chunks))
        chunks = 0;
    if (!xg_calc_meta_u64(s, "spill_final_samples", &left))
        left = 0;
    size_text(b, sizeof(b), max);
    xg_sb_printf(out, "flushed: %llu samples were flushed to the recording during "
            "the run (%llu chunk%s) because of --max-memory %s",
            (unsigned long long)n, (unsigned long long)chunks,
            chunks == 1 ? "" : "s", b);
    if (left)
        xg_sb_printf(out, "; %llu more at the end", (unsigned long long)left);
    if (fail && *fail)
        xg_sb_printf(out, " (flushing failed: %s)", fail);
    xg_sb_add(out, "\n", 1);
}

/* Appends "N word(s)" of meta key when there, sep before it unless it is
 * the first part (*n counts the parts). */
static void count_part(const xg_store *s, xg_sb *out, const char *key,
                       const char *sep, const char *word, int *n)
{
    uint64_t v;

    if (!xg_calc_meta_u64(s, key, &v))
        return;
    xg_sb_printf(out, "%s%llu %s%s", (*n)++ ? sep : "",
                 (unsigned long long)v, word, v == 1 ? "" : "s");
}

/* Appends "label value" of meta key when there, ", " before it unless it
 * is the first part. */
static void word_part(const xg_store *s, xg_sb *out, const char *key,
                      const char *label, int *n)
{
    const char *v = xg_store_meta_get(s, key);

    if (v && *v)
        xg_sb_printf(out, "%s%s%s", (*n)++ ? ", " : "", label, v);
}

/* "AMD EPYC, 1 socket x 2 cores x 1 thread, 1 NUMA node, governor none,
 * boost unknown, microcode 0x1000065": the parts recorded. */
static void cpu_line(const xg_store *s, xg_sb *out)
{
    xg_sb topo = XG_SB_INIT;
    int n = 0, t = 0;

    count_part(s, &topo, "env.sockets", " x ", "socket", &t);
    count_part(s, &topo, "env.cores_per_socket", " x ", "core", &t);
    count_part(s, &topo, "env.threads_per_core", " x ", "thread", &t);
    if (!t)
        count_part(s, &topo, "env.cpus", "", "CPU", &t);
    xg_sb_printf(out, "%s", "environment: ");
    word_part(s, out, "env.cpu_model", "", &n);
    if (t)
        xg_sb_printf(out, "%s%s", n++ ? ", " : "", xg_sb_str(&topo));
    xg_sb_free(&topo);
    if (xg_store_meta_get(s, "env.numa_nodes") && n)
        xg_sb_printf(out, "%s", ", ");
    count_part(s, out, "env.numa_nodes", "", "NUMA node", &n);
    word_part(s, out, "env.governor", "governor ", &n);
    word_part(s, out, "env.boost", "boost ", &n);
    word_part(s, out, "env.microcode", "microcode ", &n);
    xg_sb_add(out, "\n", 1);
}

/* A domain's recorded memory and pinning: "memory 2.0 GiB, CPUs 0-3". */
static bool dom_env_text(const xg_store *s, const xg_domain_info *d,
                         xg_sb *out)
{
    static const char *const what[3] = {"memory_kib", "pinning", "version"};
    static const char *const label[3] = {"memory ", "CPUs ", ""};
    int n = 0;

    for (int k = 0; k < 3; k++) {
        char *key = xg_strfmt("env.domain.%s.%s", d->key, what[k]), b[32];
        const char *v = key ? xg_store_meta_get(s, key) : NULL;
        uint64_t kib;
        const char *end;
        free(key);
        if (!v || !*v)
            continue;
        if (k == 0 && (end = xg_parse_u64(v, &kib)) && !*end) {
            xg_bytes_text(b, sizeof(b), kib * 1024);
            v = b;
        }
        if (!n++)
            xg_sb_printf(out, "domain %s: ", d->label ? d->label : d->name ? d->name : "?");
        xg_sb_printf(out, "%s%s%s", n > 1 ? ", " : "", label[k], v);
    }
    if (n)
        xg_sb_add(out, "\n", 1);
    return n > 0;
}

#define XG_ENV_DOM_LINES 4 /* domain lines at most, then "and N more" */

/* The environment the run measured in (meta env.*, environ.h): nothing for
 * a recording without it. */
static void env_text(const xg_store *s, xg_sb *out)
{
    uint64_t avail, total;
    size_t shown = 0, more = 0;
    const char *v;

    if (!xg_store_meta_get(s, "env.cpu_model") &&
        !xg_store_meta_get(s, "env.cpus"))
        return;
    cpu_line(s, out);
    if ((v = xg_store_meta_get(s, "env.kernel_cmdline")))
        xg_sb_printf(out, "kernel command line: %s\n", v);
    if ((v = xg_store_meta_get(s, "env.load_1m"))) {
        xg_sb_printf(out, "load at start: %s %s %s", v,
                     meta_or_dash(s, "env.load_5m"),
                     meta_or_dash(s, "env.load_15m"));
        if (xg_calc_meta_u64(s, "env.mem_available_kib", &avail) &&
            xg_calc_meta_u64(s, "env.mem_total_kib", &total)) {
            char a[32], b[32];
            xg_bytes_text(a, sizeof(a), avail * 1024);
            xg_bytes_text(b, sizeof(b), total * 1024);
            xg_sb_printf(out, ", %s available of %s", a, b);
        }
        xg_sb_add(out, "\n", 1);
    }
    if ((v = xg_store_meta_get(s, "env.platform_version"))) {
        const char *pl = meta_or_dash(s, "platform"); /* once: "Xen 4.17" */
        bool named = strncasecmp(v, pl, strlen(pl)) == 0;
        xg_sb_printf(out, "platform version: %s%s%s\n", named ? "" : pl,
                     named ? "" : " ", v);
    }
    if ((v = xg_store_meta_get(s, "env.cgroup")))
        xg_sb_printf(out, "cgroup mode: %s\n", v);
    if ((v = xg_store_meta_get(s, "source.cpu")))
        xg_sb_printf(out, "CPU read by: %s\n", v);
    for (size_t i = 0; i < s->n_domains; i++) {
        xg_sb tmp = XG_SB_INIT;
        if (!s->domains[i].is_host && s->domains[i].key &&
            dom_env_text(s, &s->domains[i], &tmp)) {
            if (shown++ < XG_ENV_DOM_LINES)
                xg_sb_printf(out, "%s", xg_sb_str(&tmp));
            else
                more++;
        }
        xg_sb_free(&tmp);
    }
    if (more)
        xg_sb_printf(out, "and %zu more domain%s with memory or pinning "
                     "recorded (meta env.domain.*)\n", more,
                     more == 1 ? "" : "s");
}

/* "hosts: A, B (source URL)" for a recording of a fleet's domains (whose
 * hostname is where it was imported); false when none has a host. */
static bool hosts_text(const xg_store *s, xg_sb *out)
{
    size_t n = 0;

    for (size_t i = 0; i < s->n_domains; i++) {
        const char *h = s->domains[i].host;
        bool seen = false;
        for (size_t j = 0; h && j < i && !seen; j++)
            seen = s->domains[j].host && !strcmp(s->domains[j].host, h);
        if (h && !seen)
            xg_sb_printf(out, "%s%s", n++ ? ", " : "hosts: ", h);
    }
    if (n)
        xg_sb_printf(out, " (from %s; imported on %s)\n",
                     meta_or_dash(s, "source_url"),
                     meta_or_dash(s, "hostname"));
    return n > 0;
}

static void head_text(const xg_store *s, xg_sb *out)
{
    char a[64], b[64];
    double iv;
    int64_t w0 = s->n_ticks && s->tick_wall_ns ? s->tick_wall_ns[0] : 0;
    int64_t w1 = s->n_ticks && s->tick_wall_ns ? s->tick_wall_ns[s->n_ticks - 1] : 0;

    xg_sb_printf(out, "%s", "xengatherer report\n");
    if (!hosts_text(s, out))
        xg_sb_printf(out, "host: %s\n", meta_or_dash(s, "hostname"));
    xg_sb_printf(out, "platform: %s\n", meta_or_dash(s, "platform"));
    xg_sb_printf(out, "kernel: %s\n", meta_or_dash(s, "kernel"));
    env_text(s, out);
    xg_sb_printf(out, "tool: xengatherer %s\n", meta_or_dash(s, "tool_version"));
    xg_sb_printf(out, "start: %s\n", wall_text(s, "window_start_wall_ns", w0, a, sizeof(a)));
    xg_sb_printf(out, "end: %s\n", wall_text(s, "window_end_wall_ns", w1, b, sizeof(b)));
    if (s->n_ticks >= 2)
        xg_sb_printf(out, "duration: %.3f s\n", xg_calc_window_s(s));
    else
        xg_sb_printf(out, "%s", "duration: -\n");
    if (xg_calc_meta_double(s, "interval_s", &iv))
        xg_sb_printf(out, "interval: %.3f s\n", iv);
    else
        xg_sb_printf(out, "%s", "interval: -\n");
    xg_sb_printf(out, "samples: %u\n", s->n_ticks);
    const char *rep = xg_store_meta_get(s, "repetition");
    if (rep) /* the report of one repetition (report --rep) */
        xg_sb_printf(out, "repetition: %s\n", rep);
    const char *cmd = xg_store_meta_get(s, "command");
    if (cmd && *cmd && strcmp(cmd, "[]") != 0) {
        xg_sb_printf(out, "%s", "command: ");
        print_argv(out, cmd);
        xg_sb_add(out, "\n", 1);
    }
    const char *partial = xg_store_meta_get(s, "partial");
    if (partial && strcmp(partial, "1") == 0) {
        const char *why = xg_store_meta_get(s, "partial_reason");
        xg_sb_printf(out, "PARTIAL%s%s\n", why && *why ? ": " : "", why && *why ? why : "");
    }
}

static void tail_text(const xg_store *s, xg_sb *out)
{
    overhead_text(s, out);
    checkpoint_text(s, out);
    flushed_text(s, out);
}

/* The lines one of the writers above wrote, as model lines. */
static int lines_of(xg_msection *ms, const xg_store *s,
                    void (*text)(const xg_store *, xg_sb *))
{
    xg_sb sb = XG_SB_INIT;
    text(s, &sb);
    int rc = sb.oom ? -1 : 0;
    for (char *l = sb.s, *nl; !rc && l && *l; l = nl + 1) {
        if (!(nl = strchr(l, '\n')))
            nl = l + strlen(l) - 1;
        else
            *nl = '\0';
        rc = xg_msection_line(ms, "%s", l);
    }
    xg_sb_free(&sb);
    return rc;
}

int xg_header_build(xg_msection *ms, const xg_store *s)
{
    int rc = lines_of(ms, s, head_text);
    if (!rc && s->n_workloads)
        rc = xg_msection_workloads(ms);
    rc = rc ? rc : xg_output_lines(ms, s);
    if (!rc && s->n_workloads)
        rc = xg_msection_line(ms, "%s", "");
    return rc ? rc : lines_of(ms, s, tail_text);
}

/* ---- JSON ---- */

static json_t *meta_json(const xg_store *s)
{
    json_t *m = json_object();
    for (size_t i = 0; m && i < s->n_meta; i++)
        if (s->meta[i].key &&
            strcmp(s->meta[i].key, "sched.xentrace") != 0 && /* raw trace:
                                          * the SCHED section reports it */
            json_object_set_new(m, s->meta[i].key, xg_json_str(s->meta[i].value))) {
            json_decref(m);
            return NULL;
        }
    return m;
}

static json_t *window_json(const xg_store *s)
{
    char a[64], b[64];
    double iv;
    int64_t w0 = s->n_ticks && s->tick_wall_ns ? s->tick_wall_ns[0] : 0;
    int64_t w1 = s->n_ticks && s->tick_wall_ns ? s->tick_wall_ns[s->n_ticks - 1] : 0;
    const char *st = wall_text(s, "window_start_wall_ns", w0, a, sizeof(a));
    const char *en = wall_text(s, "window_end_wall_ns", w1, b, sizeof(b));
    bool has_iv = xg_calc_meta_double(s, "interval_s", &iv);
    return json_pack("{s:f,s:f,s:f,s:I,s:o,s:o,s:o}", "start_s", 0.0,
                     "end_s", xg_calc_window_s(s), "duration_s",
                     xg_calc_window_s(s), "ticks", (json_int_t)s->n_ticks,
                     "interval_s", has_iv ? json_real(iv) : json_null(),
                     "start_wall", strcmp(st, "-") ? xg_json_str(st) : json_null(),
                     "end_wall", strcmp(en, "-") ? xg_json_str(en) : json_null());
}

static json_t *tick_or_null(int64_t t)
{
    return t < 0 ? json_null() : json_integer(t);
}

static json_t *domains_json(const xg_store *s)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < s->n_domains; i++) {
        const xg_domain_info *d = &s->domains[i];
        double a = NAN, b = NAN;
        char span[64];
        xg_calc_span(s, (uint32_t)i, &a, &b);
        xg_calc_span_text(s, (uint32_t)i, span, sizeof(span));
        json_t *o = json_pack(
            "{s:o,s:o,s:o,s:b,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b}",
            "name", xg_json_str(d->name), "host", xg_json_str(d->host),
            "key", xg_json_str(d->key),
            "is_host", d->is_host,
            "vcpus", d->vcpus > 0 ? json_integer(d->vcpus) : json_null(),
            "address", xg_json_str(d->address), "uuid", xg_json_str(d->uuid),
            "platform_id", d->platform_id < 0 ? json_null() : json_integer(d->platform_id),
            "first_tick", tick_or_null(d->first_tick),
            "last_tick", tick_or_null(d->last_tick),
            "span_start_s", xg_json_num(a), "span_end_s", xg_json_num(b),
            "full_span", strcmp(span, "full") == 0);
        if (xg_json_push(arr, o)) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static json_t *workloads_json(const xg_store *s)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < s->n_workloads; i++) {
        const xg_workload *w = &s->workloads[i];
        const char *state = w->state ? w->state : "";
        json_t *argv = w->argv ? json_loads(w->argv, JSON_DECODE_ANY, NULL) : NULL;
        if (!argv)
            argv = xg_json_str(w->argv);
        json_t *o = json_pack(
            "{s:o,s:o,s:o,s:o,s:o,s:o}",
            "domain", w->domain < s->n_domains ? xg_json_str(xg_store_dom_label(s, w->domain))
                                               : json_null(),
            "argv", argv, "state", xg_json_str(state),
            "exit_code", strcmp(state, "exited") == 0 ||
                                 (!strcmp(state, "terminated") && !w->signal)
                             ? json_integer(w->exit_code) : json_null(),
            "signal", strcmp(state, "killed") == 0 ||
                              (!strcmp(state, "terminated") && w->signal)
                          ? json_integer(w->signal) : json_null(),
            "duration_s", xg_json_num(workload_s(w)));
        if (o && (json_object_set_new(o, "stdout", xg_output_json(w, 0)) ||
                  json_object_set_new(o, "stderr", xg_output_json(w, 1)))) {
            json_decref(o);
            o = NULL;
        }
        if (xg_json_push(arr, o)) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

int xg_header_json(const xg_store *s, json_t *root)
{
    const char *partial = xg_store_meta_get(s, "partial");
    int rc = json_object_set_new(root, "meta", meta_json(s));
    rc = rc || json_object_set_new(root, "partial",
                                   json_boolean(partial && strcmp(partial, "1") == 0));
    rc = rc || json_object_set_new(root, "window", window_json(s));
    rc = rc || json_object_set_new(root, "domains", domains_json(s));
    rc = rc || json_object_set_new(root, "workloads", workloads_json(s));
    return rc ? -1 : 0;
}

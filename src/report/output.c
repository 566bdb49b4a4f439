/* output.c — what the workloads printed, as the report shows it: in the
 * header, one line of totals and, for a command that failed, the last line
 * it wrote on stderr; in JSON, each stream's size and kept tail. */
#include "report/section.h"

#include <stdlib.h>
#include <string.h>

#include "util/table.h"

/* The last non-empty line of n bytes at p: *len bytes from the result. */
static const char *last_line(const char *p, size_t n, size_t *len)
{
    while (n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
        n--;
    size_t b = n;
    while (b && p[b - 1] != '\n')
        b--;
    *len = n - b;
    return p + b;
}

static bool failed(const xg_workload *w)
{
    const char *st = w->state ? w->state : "";
    return strcmp(st, "exited") != 0 || w->exit_code != 0;
}

/* A note naming w's domain with the last line of its stderr (at most 300
 * bytes, a NUL byte as '?'; renderers make the rest safe). */
static int stderr_note(xg_msection *ms, const xg_store *s, const xg_workload *w)
{
    size_t len;
    const char *l = last_line(w->out[1], w->out_len[1], &len);
    if (len > 300)
        len = 300;
    char *c = malloc(len + 1);
    if (!c)
        return -1;
    for (size_t i = 0; i < len; i++)
        c[i] = l[i] ? l[i] : '?';
    c[len] = '\0';
    int rc = xg_msection_line(ms, "note: %s: its command's stderr ends: %s",
                              w->domain < s->n_domains ? xg_store_dom_label(s, w->domain) : "?", c);
    free(c);
    return rc;
}

int xg_output_lines(xg_msection *ms, const xg_store *s)
{
    uint64_t tot[2] = {0, 0};
    char a[32], b[32];
    int rc;

    for (size_t i = 0; i < s->n_workloads; i++)
        for (int k = 0; k < 2; k++)
            tot[k] += s->workloads[i].out_total[k];
    if (!tot[0] && !tot[1])
        return 0;
    xg_bytes_text(a, sizeof(a), tot[0]);
    xg_bytes_text(b, sizeof(b), tot[1]);
    rc = xg_msection_line(ms, "output: the commands wrote %s on stdout and %s on stderr;"
                          " the last %d KiB of each are in the recording and report.json",
                          a, b, XG_OUTPUT_KEEP / 1024);
    for (size_t i = 0; i < s->n_workloads && !rc; i++) {
        const xg_workload *w = &s->workloads[i];
        if (failed(w) && w->out_len[1])
            rc = stderr_note(ms, s, w);
    }
    return rc;
}

json_t *xg_output_json(const xg_workload *w, int k)
{
    const char *p = w->out[k];
    size_t n = w->out_len[k];

    if (!w->out_total[k])
        return json_null();
    /* the kept tail may begin inside a UTF-8 sequence: from the next one */
    while (n && ((unsigned char)*p & 0xc0) == 0x80)
        p++, n--;
    json_t *t = json_stringn(p ? p : "", n);
    if (!t) { /* not UTF-8: every byte past ASCII as '?' */
        char *c = malloc(n ? n : 1);
        if (!c)
            return NULL;
        for (size_t i = 0; i < n; i++)
            c[i] = (unsigned char)p[i] >= 0x80 ? '?' : p[i];
        t = json_stringn(c, n);
        free(c);
    }
    return json_pack("{s:I,s:I,s:o*}", "bytes", (json_int_t)w->out_total[k],
                     "kept", (json_int_t)w->out_len[k], "tail", t);
}

/* report.c — writes the report as text, CSV or JSON through the sections table. */
#include "report/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/calc.h"
#include "report/section.h"
#include "util/table.h"

/* Every section, in print order. A new family adds its file here. */
static const xg_section *const sections[] = {
    &xg_section_cpu,
    &xg_section_disk,
    &xg_section_net,
    &xg_section_cache,
    &xg_section_cmt,
    &xg_section_sched,
};
#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

int xg_format_parse(const char *name, xg_format *out)
{
    if (!name)
        return -1;
    if (strcmp(name, "text") == 0)
        *out = XG_FMT_TEXT;
    else if (strcmp(name, "csv") == 0)
        *out = XG_FMT_CSV;
    else if (strcmp(name, "json") == 0)
        *out = XG_FMT_JSON;
    else
        return -1;
    return 0;
}

/* A section is on when meta "families" names it; a store without that key
 * (an old or hand-made one) shows every section. */
static bool section_on(const xg_store *s, const xg_section *sec)
{
    const char *fam = xg_store_meta_get(s, "families");
    return !fam || xg_calc_in_list(fam, ", ", sec->name);
}

bool xg_dom_next(const xg_store *s, size_t *pos, uint32_t *dom)
{
    while (*pos < 2 * s->n_domains) {
        size_t i = *pos % s->n_domains;
        bool want_host = *pos >= s->n_domains;
        (*pos)++;
        if (s->domains[i].is_host == want_host) {
            *dom = (uint32_t)i;
            return true;
        }
    }
    return false;
}

int64_t xg_dom_host(const xg_store *s)
{
    for (size_t i = 0; i < s->n_domains; i++)
        if (s->domains[i].is_host)
            return (int64_t)i;
    return -1;
}

void xg_title(FILE *out, const char *title)
{
    fprintf(out, "\n%s\n", title);
}

void xg_scope_times(const xg_store *s, uint32_t dom, uint32_t k,
                    double *start_s, double *end_s)
{
    if (k > 0) {
        *start_s = xg_calc_tick_s(s, k - 1);
        *end_s = xg_calc_tick_s(s, k);
    } else if (!xg_calc_span(s, dom, start_s, end_s)) {
        *start_s = 0;
        *end_s = xg_calc_window_s(s);
    }
}

bool xg_mvals_any(const xg_mval *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i].value))
            return true;
    return false;
}

/* RFC 4180: quote a field holding a comma, quote, CR or LF; double quotes. */
static void csv_field(FILE *out, const char *f)
{
    if (!f)
        f = "";
    if (!f[strcspn(f, ",\"\r\n")]) {
        fputs(f, out);
        return;
    }
    fputc('"', out);
    for (; *f; f++) {
        if (*f == '"')
            fputc('"', out);
        fputc(*f, out);
    }
    fputc('"', out);
}

/* Up to 6 decimals, trailing zeros dropped: 75, 1.5, 0.333333. */
static void csv_num(FILE *out, double v)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "%.6f", v);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *e = buf + strlen(buf) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    fputs(strcmp(buf, "-0") == 0 ? "0" : buf, out);
}

void xg_csv_rows(FILE *out, uint32_t k, const char *family,
                 const char *domain, const char *device, double start_s,
                 double end_s, const xg_mval *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i].value))
            continue;
        fputs(k ? "interval," : "window,", out);
        const char *words[] = {family, domain, device, v[i].metric};
        for (size_t w = 0; w < 4; w++) {
            csv_field(out, words[w]);
            fputc(',', out);
        }
        csv_num(out, start_s);
        fputc(',', out);
        csv_num(out, end_s);
        fputc(',', out);
        csv_num(out, v[i].value);
        fputc(',', out);
        csv_field(out, v[i].unit);
        fputc('\n', out);
    }
}

json_t *xg_json_str(const char *v)
{
    if (!v)
        return json_null();
    json_t *j = json_string(v);
    if (j)
        return j;
    char *copy = strdup(v);
    if (!copy)
        return NULL;
    for (char *c = copy; *c; c++)
        if ((unsigned char)*c >= 0x80)
            *c = '?';
    j = json_string(copy);
    free(copy);
    return j;
}

json_t *xg_json_num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

int xg_json_push(json_t *arr, json_t *obj)
{
    if (!arr || !obj) {
        json_decref(obj);
        return -1;
    }
    return json_array_append_new(arr, obj);
}

json_t *xg_json_row(const char *domain, const char *device, double start_s,
                    double end_s, const xg_mval *v, size_t n)
{
    json_t *o = json_object();
    int rc = !o;
    rc = rc || json_object_set_new(o, "domain", xg_json_str(domain ? domain : ""));
    if (device)
        rc = rc || json_object_set_new(o, "device", xg_json_str(device));
    rc = rc || json_object_set_new(o, "start_s", xg_json_num(start_s));
    rc = rc || json_object_set_new(o, "end_s", xg_json_num(end_s));
    for (size_t i = 0; i < n && !rc; i++)
        rc = json_object_set_new(o, v[i].metric, xg_json_num(v[i].value));
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The notes of a section's series (e.g. a disk whose QMP source stopped
 * answering), once per domain and device. "domain vanished" is left out:
 * the span column says it. */
static void series_notes(const xg_store *s, const char *section, FILE *out)
{
    const xg_series *prev = NULL;

    for (size_t i = 0; i < s->n_series; i++) {
        const xg_series *x = &s->series[i];
        if (!x->note || !strstr(x->family, section) ||
            strcmp(x->note, "domain vanished") == 0)
            continue;
        if (prev && prev->domain == x->domain &&
            strcmp(prev->device, x->device) == 0 &&
            strcmp(prev->note, x->note) == 0)
            continue;
        fprintf(out, "note: %s%s%s: %s\n", s->domains[x->domain].name,
                *x->device ? " " : "", x->device, x->note);
        prev = x;
    }
}

static void write_text(const xg_store *s, const xg_report_opts *o, FILE *out)
{
    xg_header_text(s, out);
    if (s->n_ticks < 2) {
        fprintf(out, "\n%s: no interval to report\n",
                s->n_ticks ? "only one sample" : "no samples");
        return;
    }
    for (size_t i = 0; i < N_SECTIONS; i++)
        if (section_on(s, sections[i])) {
            char key[64];
            const char *note;
            sections[i]->text(s, o, out);
            snprintf(key, sizeof(key), "note.%s", sections[i]->name);
            note = xg_store_meta_get(s, key);
            if (note && *note)
                fprintf(out, "note: %s\n", note);
            series_notes(s, sections[i]->name, out);
        }
}

static void write_csv(const xg_store *s, const xg_report_opts *o, FILE *out)
{
    fputs("scope,family,domain,device,metric,start_s,end_s,value,unit\n", out);
    for (uint32_t k = 0; k == 0 || k < s->n_ticks; k++)
        for (size_t i = 0; i < N_SECTIONS; i++)
            if (section_on(s, sections[i]))
                sections[i]->csv(s, o, k, out);
}

static int write_json(const xg_store *s, const xg_report_opts *o, FILE *out)
{
    json_t *root = json_object();
    int rc = !root;
    rc = rc || json_object_set_new(root, "format",
                                   json_string("xengatherer-report"));
    rc = rc || json_object_set_new(root, "version", json_integer(1));
    rc = rc || xg_header_json(s, root);
    for (size_t i = 0; i < N_SECTIONS && !rc; i++)
        if (section_on(s, sections[i]))
            rc = sections[i]->json(s, o, root);
    if (!rc)
        rc = json_dumpf(root, out, JSON_INDENT(2)) || fputc('\n', out) == EOF;
    json_decref(root);
    return rc ? -1 : 0;
}

/* The text report goes to terminals: written to memory first, then out
 * with control bytes and invalid UTF-8 from names and metadata as '?'. */
static int write_text_safe(const xg_store *s, const xg_report_opts *o,
                           FILE *out)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);

    if (!m)
        return -1;
    write_text(s, o, m);
    if (fclose(m) != 0) {
        free(buf);
        return -1;
    }
    xg_text_write_safe(out, buf, len);
    free(buf);
    return 0;
}

int xg_report_write(const xg_store *s, const xg_report_opts *o, FILE *out)
{
    xg_report_opts defaults = {XG_FMT_TEXT, false};
    if (!s || !out)
        return -1;
    if (!o)
        o = &defaults;
    int rc = 0;
    switch (o->fmt) {
    case XG_FMT_TEXT: rc = write_text_safe(s, o, out); break;
    case XG_FMT_CSV: write_csv(s, o, out); break;
    case XG_FMT_JSON: rc = write_json(s, o, out); break;
    default: return -1;
    }
    if (fflush(out) != 0 || ferror(out))
        rc = -1;
    return rc;
}

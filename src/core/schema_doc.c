/* schema_doc.c — docs/series.md's catalogue table, rendered from the
 * schema (schema.h), and put in place between its marker lines: the
 * series-doc tool writes it, test_schema checks the checked-in one. */
#include "core/schema.h"

#include <stdio.h>
#include <string.h>

/* The device names a row is stored under, for the table's device column. */
static void devices(xg_sb *out, unsigned d, unsigned flags)
{
    static const struct {
        unsigned bit;
        const char *text;
    } names[] = {
        {XG_DEV_WHOLE, "\"\""},
        {XG_DEV_VCPU, "\"vcpuN\""},
        {XG_DEV_DISK, "device name"},
        {XG_DEV_ALL, "\"all\" (host row)"},
        {XG_DEV_IFACE, "interface name"},
        {XG_DEV_MODE, "\"user\", \"kernel\", \"hv\" (--nosumcache)"},
    };
    size_t n = 0;

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (d & names[i].bit)
            xg_sb_printf(out, "%s%s", n++ ? " or " : "", names[i].text);
    if (flags & XG_SF_HOST)
        xg_sb_printf(out, " (host only)");
}

void xg_schema_markdown(xg_sb *out)
{
    xg_sb_printf(out, "| family | metric | unit | kind | device | meaning |\n"
                      "|--------|--------|------|------|--------|---------|\n");
    for (size_t i = 0; i < XG_S_COUNT; i++) {
        const xg_series_def *d = &xg_schema[i];
        if (d->flags & XG_SF_DYNAMIC)
            xg_sb_printf(out, "| %s | *event* | %s | %s | ", d->family,
                         d->unit, d->kind == XG_GAUGE ? "gauge" : "counter");
        else
            xg_sb_printf(out, "| %s | %s | %s | %s | ", d->family, d->metric,
                         d->unit, d->kind == XG_GAUGE ? "gauge" : "counter");
        devices(out, d->devices, d->flags);
        xg_sb_printf(out, " | %s |\n", d->description);
    }
}

/* The start of the line after the one p is in, or the string's end. */
static const char *next_line(const char *p)
{
    const char *nl = strchr(p, '\n');

    return nl ? nl + 1 : p + strlen(p);
}

/* The marker line: where it starts, or NULL; it must be a whole line. */
static const char *find_line(const char *doc, const char *line)
{
    size_t len = strlen(line);

    for (const char *p = doc; (p = strstr(p, line)); p += len)
        if ((p == doc || p[-1] == '\n') && (p[len] == '\n' || !p[len]))
            return p;
    return NULL;
}

int xg_schema_doc_splice(const char *doc, xg_sb *out, char *err,
                         size_t errlen)
{
    const char *b = find_line(doc, XG_SCHEMA_DOC_BEGIN), *e;

    if (!b || !(e = find_line(next_line(b), XG_SCHEMA_DOC_END))) {
        if (snprintf(err, errlen, "no line '%s' followed by a line '%s'",
                     XG_SCHEMA_DOC_BEGIN, XG_SCHEMA_DOC_END) >= (int)errlen)
            xg_mark_cut(err, errlen);
        return -1;
    }
    xg_sb_add(out, doc, (size_t)(next_line(b) - doc));
    xg_schema_markdown(out);
    xg_sb_printf(out, "%s", e);
    if (out->oom) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

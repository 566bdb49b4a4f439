/* openmetrics.c — schema rows to OpenMetrics names and back (see
 * openmetrics.h for the rule and why it is derived). */
#include "core/openmetrics.h"

#include <string.h>

const char *xg_om_unit(const xg_series_def *def, double *scale)
{
    double k = 1;
    const char *base = "";

    if (!strcmp(def->unit, "ns"))
        k = 1e-9, base = "seconds";
    else if (!strcmp(def->unit, "ms"))
        k = 1e-3, base = "seconds";
    else if (!strcmp(def->unit, "bytes"))
        base = "bytes";
    else if (!strcmp(def->unit, "sectors"))
        k = 512, base = "bytes";
    if (scale)
        *scale = k;
    return base;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);

    return n >= t && !strcmp(s + n - t, tail);
}

/* appends metric with '-' as '_' and "sectors" as "bytes" */
static int add_metric(const char *metric, xg_sb *out)
{
    const char *sec = strstr(metric, "sectors");

    for (const char *p = metric; *p; p++) {
        if (p == sec) {
            if (xg_sb_add(out, "bytes", 5) < 0)
                return -1;
            p += strlen("sectors") - 1;
            continue;
        }
        if (xg_sb_add(out, *p == '-' ? "_" : p, 1) < 0)
            return -1;
    }
    return 0;
}

int xg_om_name(const xg_series_def *def, xg_sb *out)
{
    const char *unit = xg_om_unit(def, NULL);
    const char *metric = def->flags & XG_SF_DYNAMIC ? "events" : def->metric;
    size_t start = out->len;

    if (xg_sb_printf(out, XG_OM_PREFIX "%s_", def->family) < 0 ||
        add_metric(metric, out) < 0)
        return -1;
    if (*unit && !ends_with(xg_sb_str(out) + start, unit) &&
        xg_sb_printf(out, "_%s", unit) < 0)
        return -1;
    if (def->kind == XG_COUNTER && xg_sb_add(out, "_total", 6) < 0)
        return -1;
    return 0;
}

const xg_series_def *xg_om_lookup(const char *name)
{
    const xg_series_def *found = NULL;
    xg_sb sb = {0};

    for (size_t i = 0; i < XG_S_COUNT && !found; i++) {
        xg_sb_clear(&sb);
        if (xg_om_name(&xg_schema[i], &sb) < 0)
            break;
        if (!strcmp(xg_sb_str(&sb), name))
            found = &xg_schema[i];
    }
    xg_sb_free(&sb);
    return found;
}

static bool name_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c == ':' || (!first && c >= '0' && c <= '9');
}

bool xg_om_name_ok(const char *s)
{
    if (!s || !*s)
        return false;
    for (const char *p = s; *p; p++)
        if (!name_char(*p, p == s))
            return false;
    return true;
}

/* snapshot.c — the body of one scrape from the sampler's latest snapshot
 * (server.h): the tool's own metrics, then the domains' series when the
 * snapshot is fresh. Apart from libmicrohttpd, so the unit tests see it:
 * a snapshot older than its bound (the sampler stuck on a platform) must
 * not be served as current. */
#include "serve/server.h"

#include <stdio.h>

#include "serve/exposition.h"

/* One self metric: HELP/TYPE, then "name{host="..."} value". */
static int self_metric(xg_sb *out, xg_expo_fmt fmt, const char *name,
                       const char *type, const char *help, const char *unit,
                       const char *host, double v)
{
    if (xg_expo_head(name, type, help, unit, fmt, out) < 0 ||
        xg_sb_printf(out, "%s{host=\"", name) < 0 ||
        xg_expo_escape(host, out) < 0 ||
        xg_sb_printf(out, "\"} %.15g\n", v) < 0)
        return -1;
    return 0;
}

/* The tool's own metrics, one line each (the summary apart). */
typedef struct self_row {
    const char *name, *type, *unit, *help;
} self_row;

static const self_row self_rows[] = {
    {"xengatherer_self_cpu_seconds_total", "counter", "seconds",
     "CPU time used by this xengatherer serve process (all threads: "
     "sampling and serving)"},
    {"xengatherer_samples_total", "counter", NULL,
     "Samples taken (one per -i)"},
    {"xengatherer_sample_cpu_seconds", "gauge", "seconds",
     "CPU time the last sample took"},
    {"xengatherer_sample_age_seconds", "gauge", "seconds",
     "Age of the values served (since the last sample; -1 before the "
     "first)"},
    {"xengatherer_domains", "gauge", NULL,
     "Domains with values at the last sample, the host row included"},
    {"xengatherer_domains_late", "gauge", NULL,
     "Watched domains the last sample got no value from (busy or going "
     "away: left out)"},
    {"xengatherer_sessions_total", "counter", NULL,
     "Times the sampling session was opened again to bound memory (the "
     "cache counters start again from 0)"},
    {"xengatherer_scrapes_stale_total", "counter", NULL,
     "Scrapes answered without domain series because the last sample was "
     "too old"},
};

int xg_snapshot_body(xg_snapshot *p, int64_t now_ns, double cpu_s,
                     xg_expo_fmt fmt, xg_sb *out)
{
    double age = p->mono_ns ? (double)(now_ns - p->mono_ns) / 1e9 : -1;
    bool fresh = p->mono_ns && age <= p->stale_s;
    const xg_sb *t = fmt == XG_EXPO_OM ? &p->om_text : &p->text;
    const char *h = p->host;
    int rc = 0;

    if (!fresh)
        p->stale_scrapes++;
    double v[] = {cpu_s, (double)p->samples, p->sample_s, age,
                  fresh ? (double)p->domains : 0, (double)p->late,
                  (double)p->sessions, (double)p->stale_scrapes};
    for (size_t i = 0; i < sizeof(self_rows) / sizeof(self_rows[0]); i++)
        rc |= self_metric(out, fmt, self_rows[i].name, self_rows[i].type,
                          self_rows[i].help, self_rows[i].unit, h, v[i]);
    if (xg_expo_head("xengatherer_scrape_duration_seconds", "summary",
                     "Time taken to build the previous scrapes' bodies",
                     "seconds", fmt, out) < 0 ||
        xg_sb_printf(out, "xengatherer_scrape_duration_seconds_sum{host=\"")
            < 0 || xg_expo_escape(h, out) < 0 ||
        xg_sb_printf(out, "\"} %.9f\nxengatherer_scrape_duration_seconds_"
                     "count{host=\"", p->scrape_sum_s) < 0 ||
        xg_expo_escape(h, out) < 0 ||
        xg_sb_printf(out, "\"} %llu\n", (unsigned long long)p->scrapes) < 0)
        rc = -1;
    if (fresh && t->len && xg_sb_add(out, t->s, t->len) < 0)
        rc = -1;
    if (fmt == XG_EXPO_OM && xg_sb_add(out, "# EOF\n", 6) < 0)
        rc = -1;
    return rc ? -1 : 0;
}

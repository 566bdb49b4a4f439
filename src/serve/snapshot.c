/* snapshot.c — the body of one scrape from the sampler's latest snapshot
 * (server.h): the tool's own metrics, then the domains' series when the
 * snapshot is fresh. Apart from libmicrohttpd, so the unit tests see it:
 * a snapshot older than its bound (the sampler stuck on a platform) must
 * not be served as current. */
#include "serve/server.h"

#include <stdio.h>

#include "serve/exposition.h"

/* One self metric: HELP/TYPE, then "name{host="..."} value". */
static int self_metric(xg_sb *out, const char *name, const char *type,
                       const char *help, const char *host, double v)
{
    if (xg_expo_head(name, type, help, out) < 0 ||
        xg_sb_printf(out, "%s{host=\"", name) < 0 ||
        xg_expo_escape(host, out) < 0 ||
        xg_sb_printf(out, "\"} %.15g\n", v) < 0)
        return -1;
    return 0;
}

int xg_snapshot_body(xg_snapshot *p, int64_t now_ns, double cpu_s,
                     xg_sb *out)
{
    double age = p->mono_ns ? (double)(now_ns - p->mono_ns) / 1e9 : -1;
    bool fresh = p->mono_ns && age <= p->stale_s;
    const char *h = p->host;
    int rc = 0;

    if (!fresh)
        p->stale_scrapes++;
    rc |= self_metric(out, "xengatherer_self_cpu_seconds_total", "counter",
                      "CPU time used by this xengatherer serve process "
                      "(all threads: sampling and serving)", h, cpu_s);
    rc |= self_metric(out, "xengatherer_samples_total", "counter",
                      "Samples taken (one per -i)", h, (double)p->samples);
    rc |= self_metric(out, "xengatherer_sample_cpu_seconds", "gauge",
                      "CPU time the last sample took", h, p->sample_s);
    rc |= self_metric(out, "xengatherer_sample_age_seconds", "gauge",
                      "Age of the values served (since the last sample; -1 "
                      "before the first)", h, age);
    rc |= self_metric(out, "xengatherer_domains", "gauge",
                      "Domains with values at the last sample, the host row "
                      "included", h, fresh ? (double)p->domains : 0);
    rc |= self_metric(out, "xengatherer_domains_late", "gauge",
                      "Watched domains the last sample got no value from "
                      "(busy or going away: left out)", h, (double)p->late);
    rc |= self_metric(out, "xengatherer_sessions_total", "counter",
                      "Times the sampling session was opened again to bound "
                      "memory (the cache counters start again from 0)", h,
                      (double)p->sessions);
    rc |= self_metric(out, "xengatherer_scrapes_stale_total", "counter",
                      "Scrapes answered without domain series because the "
                      "last sample was too old", h, (double)p->stale_scrapes);
    if (xg_expo_head("xengatherer_scrape_duration_seconds", "summary",
                     "Time taken to build the previous scrapes' bodies",
                     out) < 0 ||
        xg_sb_printf(out, "xengatherer_scrape_duration_seconds_sum{host=\"")
            < 0 || xg_expo_escape(h, out) < 0 ||
        xg_sb_printf(out, "\"} %.9f\nxengatherer_scrape_duration_seconds_"
                     "count{host=\"", p->scrape_sum_s) < 0 ||
        xg_expo_escape(h, out) < 0 ||
        xg_sb_printf(out, "\"} %llu\n", (unsigned long long)p->scrapes) < 0)
        rc = -1;
    if (fresh && p->text.len && xg_sb_add(out, p->text.s, p->text.len) < 0)
        rc = -1;
    return rc ? -1 : 0;
}


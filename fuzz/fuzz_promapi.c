/* fuzz_promapi.c — a Prometheus API answer (what import and run --source
 * read over HTTP) through xg_pm_parse, and what it accepts through
 * xg_fleet_store (names to schema rows, labels to domains and devices,
 * values to stored integers on a 21-tick grid from the first point). */
#include "fuzz_common.h"

#include <math.h>

#include "import/fleet.h"
#include "import/promapi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xg_pm_result r;
    xg_fleet_stats st = {0};
    xg_store s;
    char err[512];
    double t0 = 0;

    /* the length is passed: a copy of exactly size bytes catches a read
     * past the end */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    if (size)
        memcpy(text, data, size);
    if (xg_pm_parse(text, size, &r, err, sizeof(err)) < 0) {
        if (!memchr(err, '\0', sizeof(err)) || !err[0] || r.n || r.v)
            abort(); /* an error says something and leaves nothing */
        free(text);
        return 0;
    }
    if (r.n && r.v[0].n_pts && isfinite(r.v[0].pts[0].t) &&
        fabs(r.v[0].pts[0].t) < 1e12)
        t0 = r.v[0].pts[0].t;
    xg_fleet_window w = {"http://fuzz", "{}", t0, t0 + 20, 1, false, 0};
    if (xg_fleet_store(&r, &w, &s, &st, err, sizeof(err)) == 0) {
        if (s.n_ticks != 21)
            abort();
        for (size_t i = 0; i < s.n_series; i++)
            if (s.series[i].domain >= s.n_domains)
                abort();
    }
    xg_store_free(&s);
    xg_fleet_stats_free(&st);
    xg_pm_result_free(&r);
    free(text);
    return 0;
}

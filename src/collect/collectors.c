/* collectors.c — the table of metric families compiled in, in report order.
 * A new family is one more line here and a file of its own. */
#include "collect/collector.h"

extern const xg_collector xg_collector_cpu;
extern const xg_collector xg_collector_disk;
extern const xg_collector xg_collector_net;
extern const xg_collector xg_collector_cache;
extern const xg_collector xg_collector_cmt;
extern const xg_collector xg_collector_sched;

static const xg_collector *const all[XG_N_COLLECTORS + 1] = {
    &xg_collector_cpu,
    &xg_collector_disk,
    &xg_collector_net,
    &xg_collector_cache,
    &xg_collector_cmt,
    &xg_collector_sched,
    NULL,
};

/* one entry per collector and the NULL: XG_N_COLLECTORS must follow */
_Static_assert(sizeof(all) / sizeof(all[0]) == XG_N_COLLECTORS + 1,
               "XG_N_COLLECTORS is not the number of collectors");

const xg_collector *const *xg_collectors(void)
{
    return all;
}

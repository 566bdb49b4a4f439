/* sections.c — the list of the report's sections, in print order: what
 * every model is built of (xg_report_definition). On its own so that what
 * builds models from other places (figures.c for the repeated runs and
 * compare, compare.c's list of figures) takes the list without taking the
 * report's dispatch (report.c), which in turn calls them: no circle. */
#include "report/model.h"
#include "report/section.h"

/* Every section, in print order. A new family adds its section here. */
static const xg_section *const sections[] = {
    &xg_section_cpu,
    &xg_section_disk,
    &xg_section_net,
    &xg_section_cache,
    &xg_section_cmt,
    &xg_section_sched,
};

static const xg_report_def report_def = {
    xg_header_build, sections, sizeof(sections) / sizeof(sections[0]),
};

const xg_report_def *xg_report_definition(void)
{
    return &report_def;
}

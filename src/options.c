/* options.c — the defaults of one experiment's options. */
#include "options.h"

#include <string.h>

void xg_options_defaults(xg_options *o)
{
    memset(o, 0, sizeof(*o));
    o->root = "";
    o->platform = "auto";
    o->interval_s = 1.0;
    o->duration_s = 10.0;
    o->max_memory = XG_MAX_MEMORY_DEFAULT;
    o->exec_tpl = "ssh -o BatchMode=yes -o ConnectTimeout=10 root@{addr}";
    o->families = XG_FAM_ALL;
}

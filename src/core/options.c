/* options.c — the defaults of one experiment's options. */
#include "core/options.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void xg_options_defaults(xg_options *o)
{
    static char ssh[96]; /* always the same text: XG_CONNECT_TIMEOUT_S */

    memset(o, 0, sizeof(*o));
    o->root = "";
    o->platform = "auto";
    o->interval_s = 1.0;
    o->duration_s = 10.0;
    o->max_memory = XG_MAX_MEMORY_DEFAULT;
    o->checkpoint_s = XG_CHECKPOINT_DEFAULT_S;
    o->repeat = 1;
    o->cgroup_bpf = -1;
    snprintf(ssh, sizeof(ssh), XG_EXEC_SSH_FMT, XG_CONNECT_TIMEOUT_S);
    o->exec_tpl = ssh;
    o->families = XG_FAM_ALL;
    o->import_start = o->import_end = NAN;
    o->listen = XG_SERVE_LISTEN;
}

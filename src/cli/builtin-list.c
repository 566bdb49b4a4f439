/* builtin-list.c — `xengatherer list`: the domains the platform sees. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "experiment/experiment.h"
#include "platform/platform.h"
#include "util/root.h"
#include "util/strbuf.h"
#include "util/table.h"

static const char usage[] =
    "usage: xengatherer list [--platform NAME] [--connect URI] [--root DIR]\n"
    "                        [--cgroup-parent PATH] [--cgroup PATH]...\n\n"
    "Prints every domain the platform sees: id, name, address, platform, key.\n"
    "  --platform NAME       auto (default: xen in a Xen dom0, else libvirt\n"
    "                        when libvirtd answers, else qemu when qemu\n"
    "                        processes run, else cgroup), xen, libvirt,\n"
    "                        qemu, cgroup (--cgroup* options imply cgroup)\n"
    "  --connect URI         libvirt: the URI (default qemu:///system)\n"
    "  --root DIR            read /proc and /sys under DIR (also $XG_ROOT)\n"
    "  --cgroup-parent PATH  domains are the children of this cgroup\n"
    "                        (default: machine.slice when it exists)\n"
    "  --cgroup PATH         watch this cgroup (repeatable; not with\n"
    "                        --cgroup-parent)\n";

int cmd_list(int argc, char **argv)
{
    static const char *const hdr[] = {"id", "name", "address", "platform",
                                      "key"};
    const xg_platform_ops *ops;
    xg_platform *p;
    xg_pdomains l = {0};
    xg_options o;
    xg_table *t;
    char err[4400]; /* a platform's line naming a path (cut: "...") */
    size_t i;
    int rc = xg_cli_parse(argc, argv, "list", XG_CLI_DOMAINS, &o, usage);

    if (rc) {
        free(o.cgroups);
        return rc == 1 ? 0 : rc;
    }
    xg_root_set(o.root);
    ops = xg_platform_choose(&o, err, sizeof(err));
    if (!ops) {
        xg_mark_cut(err, sizeof(err));
        xg_err("%s", err);
        free(o.cgroups);
        return XG_EXIT_USAGE;
    }
    /* as run: a platform that can't be used here, or can't find what the
     * options name (--cgroup-parent nosuch), is bad input (2) */
    p = ops->open(&o, err, sizeof(err));
    if (!p || ops->discover(p, &l, err, sizeof(err)) < 0) {
        xg_mark_cut(err, sizeof(err));
        xg_err("%s", err);
        if (p)
            ops->close(p);
        free(o.cgroups);
        xg_pdomains_free(&l);
        return XG_EXIT_USAGE; /* not here, or not what the options name */
    }
    t = xg_table_new(5, hdr, "rllll");
    for (i = 0; t && i < l.n; i++) {
        char id[32];
        const char *row[5];
        snprintf(id, sizeof(id), "%lld", (long long)l.v[i].info.platform_id);
        row[0] = id;
        row[1] = l.v[i].info.name;
        row[2] = l.v[i].info.address;
        row[3] = ops->name;
        row[4] = l.v[i].info.key;
        xg_table_add(t, row);
    }
    if (t)
        xg_table_print(t, stdout);
    xg_table_free(t);
    xg_pdomains_free(&l);
    ops->close(p);
    free(o.cgroups);
    /* EPIPE: the reader (head...) had enough */
    if ((fflush(stdout) != 0 || ferror(stdout)) && errno != EPIPE) {
        xg_err("list: writing to standard output failed: %s", strerror(errno));
        return XG_EXIT_FAIL;
    }
    return XG_EXIT_OK;
}

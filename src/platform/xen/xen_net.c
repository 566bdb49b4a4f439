/* xen_net.c — the xen platform's NET figures: each domain's vifs from the
 * snapshot (dom0's /proc/net/dev lines vifD.N, read by xen_stat.c), named
 * as dom0 names their backends ("vif7.0"), swapped into the guest's view:
 * what dom0's backend received is what the guest sent. An HVM guest's
 * emulated NIC "vifD.N-emu" has the same id N and comes second in the
 * snapshot: the second vif with an id is named "vifD.N-emu". No libxen
 * here (tests). A vif whose line shows after a whole read of dom0's
 * /proc/net/dev that did not have it (hot-plugged, or made as the guest
 * boots) is a backend made since, which started at 0: the lines are
 * from_zero once that file was read whole (xen_stat.c passes netdev.h's
 * mark on), so the collector counts a new vif from 0 at the domain's first
 * reading. After a failed read (the file is opened again) or a cut one,
 * not. */
#include "platform/xen/xen_snap.h"

#include <stdbool.h>
#include <stdio.h>

int xg_xen_net_read(xg_platform *p, xg_pdomain *d, xg_net_cb cb, void *arg)
{
    const xg_xen_dom *s = xg_xen_find(p, d);
    char name[32];

    if (!s)
        return -1;
    for (size_t i = 0; i < s->n_net; i++) {
        const xg_xen_net *v = &p->snap.net[s->net0 + i];
        xg_net_counters c = {
            .device = name, .source = "vif",
            .rx_bytes = v->tx_bytes, .tx_bytes = v->rx_bytes,
            .rx_packets = v->tx_pkts, .tx_packets = v->rx_pkts,
            .have_drops = true, .have_errors = true,
            .rx_drops = v->tx_drop, .tx_drops = v->rx_drop,
            .rx_errors = v->tx_errs, .tx_errors = v->rx_errs,
            .from_zero = v->from_zero,
        };
        bool again = false;
        for (size_t k = 0; k < i && !again; k++)
            again = p->snap.net[s->net0 + k].id == v->id;
        snprintf(name, sizeof(name), "vif%u.%u%s", s->domid, v->id,
                 again ? "-emu" : "");
        cb(arg, &c);
    }
    return 0;
}

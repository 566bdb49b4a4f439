/* xen_net.c — the xen platform's NET figures: each domain's vifs from the
 * snapshot (libxenstat), named as dom0 names their backends ("vif7.0"),
 * swapped into the guest's view: libxenstat fills rbytes/rpackets/rerrs/
 * rdrop from the receive columns of dom0's /proc/net/dev line for vifD.N
 * (xenstat_collect_networks in xenstat_linux.c), i.e. what the backend
 * received, which is what the guest sent. libxenstat reads the id of
 * "vifD.N-emu" (an HVM guest's emulated NIC, QEMU's tap) as N too: the
 * second vif with an id is named "vifD.N-emu" (dom0 makes the vif when the
 * domain is built, before QEMU makes its tap). No libxen here (tests). */
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
            .device = name, .source = "xenstat",
            .rx_bytes = v->tx_bytes, .tx_bytes = v->rx_bytes,
            .rx_packets = v->tx_pkts, .tx_packets = v->rx_pkts,
            .have_drops = true, .have_errors = true,
            .rx_drops = v->tx_drop, .tx_drops = v->rx_drop,
            .rx_errors = v->tx_errs, .tx_errors = v->rx_errs,
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

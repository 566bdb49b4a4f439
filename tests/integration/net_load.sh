#!/bin/bash
# net_load.sh — the workload of test_net_netns.sh and test_net_qemu.sh, run
# by xengatherer for each domain after its first sample (the domain's name
# in $XG_DOMAIN). For the domain named BUSY it writes an interface's
# counters ("rx_bytes tx_bytes rx_packets tx_packets rx_dropped
# tx_dropped") to OUT.before, pushes
# a known amount of traffic through it and writes them to OUT.after; for
# any other domain, nothing.
#   net_load.sh BUSY OUT netns NS IFACE HOST_IP NS_IP PORT_HOST PORT_NS
#     8 MiB out of the namespace to the host, 4 MiB into it (TCP; socat
#     listeners on both ends are the test's), counters of IFACE in NS
#   net_load.sh BUSY OUT tap TAP PEER_IP
#     6 MiB of UDP from the host out through TAP towards PEER_IP (a
#     permanent neighbour entry: no ARP), counters of TAP
set -euo pipefail
busy=$1 out=$2 mode=$3
shift 3
[ "${XG_DOMAIN:-}" = "$busy" ] || exit 0

# counters [ip netns exec NS] — IFACE's six figures on one line, read from
# /sys/class/net/IFACE/statistics (in NS: ip netns exec mounts its /sys)
counters() {
    local d=/sys/class/net/$ifc/statistics
    "$@" cat "$d/rx_bytes" "$d/tx_bytes" "$d/rx_packets" "$d/tx_packets" \
        "$d/rx_dropped" "$d/tx_dropped" | tr '\n' ' '
    echo
}

case $mode in
netns)
    ns=$1 ifc=$2 hip=$3 nip=$4 phost=$5 pns=$6
    counters ip netns exec "$ns" > "$out.before"
    head -c 8388608 /dev/zero | ip netns exec "$ns" socat -u - "TCP:$hip:$phost"
    head -c 4194304 /dev/zero | socat -u - "TCP:$nip:$pns"
    sleep 0.3 # the last ACKs
    counters ip netns exec "$ns" > "$out.after"
    ;;
tap)
    ifc=$1 peer=$2
    counters > "$out.before"
    head -c 6291456 /dev/zero | socat -u -b 1400 - "UDP:$peer:9"
    sleep 0.2
    counters > "$out.after"
    ;;
*)
    echo "net_load.sh: unknown mode $mode" >&2
    exit 2
    ;;
esac

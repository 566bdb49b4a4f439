#!/bin/bash
# test_net_netns.sh — NET on real network namespaces: a cgroup whose process
# lives in a namespace of its own, joined to the host by a veth pair, moves
# 8 MiB out and 4 MiB in (TCP); another cgroup shares the host's namespace.
# The busy cgroup's figures must match the veth's own counters (its
# /sys/class/net statistics read in the namespace, before and after the
# traffic) within 2 %, the host row must show the host end the other way
# round, and the idle cgroup must have no figures and a note saying why.
# --nonet: neither series nor section.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
command -v ip >/dev/null || skip "needs iproute2 (ip)"
command -v socat >/dev/null || skip "needs socat"
command -v sqlite3 >/dev/null || skip "needs sqlite3"

ns=xg-it-net-$$
vh=xgnh$$ vn=xgnn$$                    # veth ends: host, namespace
sub=$(( $$ % 250 ))
hip=10.231.$sub.1 nip=10.231.$sub.2    # a /30 of their own
phost=$(( 20000 + $$ % 20000 )) pns=$(( 20001 + $$ % 20000 ))
pids=()
net_cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
    ip link del "$vh" 2>/dev/null || true
    cg_cleanup
}
trap net_cleanup EXIT

ip netns add "$ns" || skip "cannot create a network namespace"
ip link add "$vh" type veth peer name "$vn" || fail "cannot create a veth pair"
ip link set "$vn" netns "$ns"
# nothing but the test's traffic: no IPv6 router or neighbour chatter
sysctl -qw "net.ipv6.conf.$vh.disable_ipv6=1" 2>/dev/null || true
ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$vn.disable_ipv6=1" 2>/dev/null || true
ip addr add "$hip/30" dev "$vh"
ip link set "$vh" up
ip netns exec "$ns" ip addr add "$nip/30" dev "$vn"
ip netns exec "$ns" ip link set "$vn" up
ip netns exec "$ns" ip link set lo up

busy=machine.slice/xg-it-netbusy idle=machine.slice/xg-it-netidle
cg_make "$busy"
cg_make "$idle"
# the members: one living in the namespace, one in the host's
( for h in $(cg_hierarchies); do echo "$BASHPID" > "$h/$busy/cgroup.procs"; done
  exec ip netns exec "$ns" sleep 600 ) & pids+=($!)
( for h in $(cg_hierarchies); do echo "$BASHPID" > "$h/$idle/cgroup.procs"; done
  exec sleep 600 ) & pids+=($!)
# the receiving ends: on the host, and in the namespace
socat -u "TCP-LISTEN:$phost,bind=$hip,reuseaddr" OPEN:/dev/null & pids+=($!)
ip netns exec "$ns" socat -u "TCP-LISTEN:$pns,bind=$nip,reuseaddr" OPEN:/dev/null & pids+=($!)
for _ in $(seq 50); do # the members in place, the listeners up
    [ -n "$(ip netns pids "$ns")" ] &&
        ss -Hltn "sport = :$phost" | grep -q . &&
        ip netns exec "$ns" ss -Hltn "sport = :$pns" | grep -q . && break
    sleep 0.1
done

out=$TMP/out
"$XG" run --platform cgroup -q --cgroup "$busy" --cgroup "$idle" --exec local \
    -i 0.2 -d 30 --until-done -o "$out" \
    -- "$here/net_load.sh" xg-it-netbusy "$TMP/veth" netns "$ns" "$vn" "$hip" "$nip" "$phost" "$pns" \
    > "$TMP/stdout" || fail "run exited $?"
[ -s "$TMP/veth.before" ] && [ -s "$TMP/veth.after" ] || fail "the load did not run"
grep -E "^(duration|samples):" "$out/report.txt"
read -r rb0 tb0 rp0 tp0 _ < "$TMP/veth.before"
read -r rb1 tb1 rp1 tp1 _ < "$TMP/veth.after"
drb=$((rb1 - rb0)) dtb=$((tb1 - tb0)) drp=$((rp1 - rp0)) dtp=$((tp1 - tp0))
# the report's figures, in one pass over report.json
read -r rrb rtb rrp rtp rate span sum ndev src hrb nidle idlerx < <(python3 - "$out/report.json" "$vn" "$vh" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); vn, vh = sys.argv[2], sys.argv[3]
net = j['net']; mb = 1048576
dev = lambda d, n: [r for r in net['device_window'] if r['domain'] == d and r['device'] == n][0]
b, h = dev('xg-it-netbusy', vn), dev('host', vh)
busy = [r for r in net['window'] if r['domain'] == 'xg-it-netbusy'][0]
idle = [r for r in net['window'] if r['domain'] == 'xg-it-netidle'][0]
print('%.0f %.0f %d %d %.9f %.9f %.0f %d %s %.0f %d %s' % (
    b['rx_mb'] * mb, b['tx_mb'] * mb, b['rx_packets'], b['tx_packets'],
    b['tx_mb_s'], b['end_s'] - b['start_s'], busy['tx_mb'] * mb,
    len([r for r in net['device_window'] if r['domain'] == 'xg-it-netbusy']),
    b['source'], h['rx_mb'] * mb,
    len([r for r in net['device_window'] if r['domain'] == 'xg-it-netidle']),
    idle['rx_mb']))
PY
)
echo "veth in the namespace: rx $drb B $drp pkts, tx $dtb B $dtp pkts"
echo "report, xg-it-netbusy $vn: rx $rrb B $rrp pkts, tx $rtb B $rtp pkts"
echo "report, host $vh: rx $hrb B"
fcmp "$dtb" '>=' 8388608 || fail "only $dtb bytes left the namespace"
fcmp "$drb" '>=' 4194304 || fail "only $drb bytes entered the namespace"
near() { # near WHAT REPORTED WANTED — within 2 %
    awk -v a="$2" -v b="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.02 * b) }' ||
        fail "$1: report $2, the veth's counters $3 (more than 2 % apart)"
}
near "rx bytes" "$rrb" "$drb"
near "tx bytes" "$rtb" "$dtb"
near "rx packets" "$rrp" "$drp"
near "tx packets" "$rtp" "$dtp"
# the rate: the bytes over the domain's span
near "tx MB/s" "$rate" "$(awk -v v="$rtb" -v s="$span" 'BEGIN{print v/1048576/s}')"
# one interface (lo is not one): the domain's sum is it
[ "$ndev" = 1 ] || fail "the busy cgroup has $ndev interfaces, not just $vn (lo?)"
near "sum" "$sum" "$rtb"
[ "$src" = netns ] || fail "source is $src, not netns"
# the host's end of the veth, in the host row, the other way round
near "host end rx" "$hrb" "$rtb"
# the idle cgroup shares the host's namespace: no rows, the note says why
[ "$nidle" = 0 ] || fail "the idle cgroup has interfaces of its own"
[ "$idlerx" = None ] || fail "the idle cgroup's window row is not null"
grep -q "^note: xg-it-netidle: shares the host's network namespace" "$out/report.txt" ||
    fail "no note for the idle cgroup"
grep -q "^xg-it-netidle  *-  *- " "$out/report.txt" || fail "no empty row for the idle cgroup"
grep -q "xg-it-netbusy.*shares" "$out/report.txt" && fail "the note names the busy cgroup"
[ "$(sqlite3 "$out/recording.db" "select count(*) from series s join domains d on d.id = s.domain_id where s.family='net' and d.name='xg-it-netbusy' and s.source='netns'")" -eq 8 ] ||
    fail "the busy cgroup's 8 net series are not in the recording"

# a cgroup empty at the start whose command (sharing the host's
# namespace) joins after the first checkpoint: the final note says what
# was found, not what the checkpoint saw ("had no process")
late=machine.slice/xg-it-netlate-$$
cg_make "$late"
"$XG" run --platform cgroup -q --cgroup "$late" -i 0.2 -d 5 --until-done \
    -o "$TMP/late" -- sleep 0.8 > /dev/null || fail "late run exited $?"
grep -q "^note: xg-it-netlate-$$: shares the host's network namespace" "$TMP/late/report.txt" ||
    fail "late cgroup's note: $(grep "^note: xg-it-netlate" "$TMP/late/report.txt")"

# --nonet: no net series, no NET section
"$XG" record --platform cgroup -q --cgroup "$busy" --cgroup "$idle" --nonet -i 0.2 -d 0.6 \
    -o "$TMP/nonet" || fail "--nonet exited $?"
[ "$(sqlite3 "$TMP/nonet/recording.db" "select count(*) from series where family='net'")" -eq 0 ] ||
    fail "--nonet collected net"
"$XG" report "$TMP/nonet/recording.db" > "$TMP/nonet.txt"
grep -q "^NET " "$TMP/nonet.txt" && fail "--nonet report has a NET section"
grep -q "network namespace" "$TMP/nonet.txt" && fail "--nonet report has the NET note"
grep -q "^CPU " "$TMP/nonet.txt" || fail "--nonet report lost the CPU section"
echo "PASS"

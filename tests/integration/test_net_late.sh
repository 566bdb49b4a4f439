#!/bin/bash
# test_net_late.sh — issue 11 on real network namespaces: a veth pair made
# mid-run inside a watched cgroup's namespace (one end then moved to the
# host's, down and unused) carries 4 MiB out of the namespace at once, all
# between two samples 1 s apart. Both ends are new lines after whole reads
# of their /proc/net/dev, so the cgroup's end and the host row's end must
# be counted from 0 at the domains' first sample: the report must show the
# veth's own counters (read in the namespace at the end) within 2 %, not
# the little that moved after the first sample that saw the veth. The
# namespace's lo-only start (nothing to count) is the baseline.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
command -v ip >/dev/null || skip "needs iproute2 (ip)"
command -v socat >/dev/null || skip "needs socat"

ns=xg-it-late-$$
vn=xgln$$ vh=xglh$$                    # veth ends: namespace, host
sub=$(( ($$ + 7) % 250 ))
hip=10.232.$sub.1 nip=10.232.$sub.2    # a /30 of their own
port=$(( 20000 + ($$ + 7) % 20000 ))
pids=()
late_cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
    ip link del "$vh" 2>/dev/null || true
    cg_cleanup
}
trap late_cleanup EXIT

ip netns add "$ns" || skip "cannot create a network namespace"
ip netns exec "$ns" ip link set lo up

cg=machine.slice/xg-it-late-$$
cg_make "$cg"
( for h in $(cg_hierarchies); do echo "$BASHPID" > "$h/$cg/cgroup.procs"; done
  exec ip netns exec "$ns" sleep 600 ) & pids+=($!)
for _ in $(seq 50); do
    [ -n "$(ip netns pids "$ns")" ] && break
    sleep 0.1
done

# the workload, in the cgroup after its first sample: the veth made in the
# namespace, its host end moved out (still down: nothing counted), a
# listener on it, 4 MiB sent at once, the namespace end's counters noted,
# then two more samples
cat > "$TMP/late.sh" <<EOF
#!/bin/bash
set -euo pipefail
[ "\${XG_DOMAIN:-}" = "xg-it-late-$$" ] || exit 0
ip netns exec "$ns" ip link add "$vn" type veth peer name "$vh"
ip netns exec "$ns" ip link set "$vh" netns 1
sysctl -qw "net.ipv6.conf.$vh.disable_ipv6=1" 2>/dev/null || true
ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$vn.disable_ipv6=1" 2>/dev/null || true
ip addr add "$hip/30" dev "$vh"
ip link set "$vh" up
ip netns exec "$ns" ip addr add "$nip/30" dev "$vn"
ip netns exec "$ns" ip link set "$vn" up
socat -u "TCP-LISTEN:$port,bind=$hip,reuseaddr" OPEN:/dev/null & lp=\$!
for _ in \$(seq 50); do ss -Hltn "sport = :$port" | grep -q . && break; sleep 0.05; done
head -c 4194304 /dev/zero | ip netns exec "$ns" socat -u - "TCP:$hip:$port"
wait "\$lp"
sleep 0.2 # the last ACKs
ip netns exec "$ns" cat /sys/class/net/$vn/statistics/tx_bytes > "$TMP/tx"
sleep 2.5
EOF
chmod 755 "$TMP/late.sh"

out=$TMP/out
"$XG" run --platform cgroup -q --cgroup "$cg" --exec local -i 1 -d 30 \
    --until-done -o "$out" -- "$TMP/late.sh" > "$TMP/stdout" || fail "run exited $?"
[ -s "$TMP/tx" ] || fail "the workload did not run"
tx=$(cat "$TMP/tx")
fcmp "$tx" '>=' 4194304 || fail "only $tx bytes left the namespace"
read -r rtx hrx n1 < <(python3 - "$out/report.json" "xg-it-late-$$" "$vn" "$vh" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); d, vn, vh = sys.argv[2:5]
rows = j['net']['device_window']; mb = 1048576
def dev(dom, name):
    r = [r for r in rows if r['domain'] == dom and r['device'] == name]
    return r[0] if r else None
b, h = dev(d, vn), dev('host', vh)
print('%.0f %.0f %d' % (b['tx_mb'] * mb if b else -1, h['rx_mb'] * mb if h else -1,
                        len([r for r in rows if r['domain'] == d])))
PY
)
echo "veth in the namespace: tx $tx B; report: $vn tx $rtx B, host $vh rx $hrx B"
near() { # near WHAT REPORTED WANTED — within 2 %
    awk -v a="$2" -v b="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.02 * b) }' ||
        fail "$1: report $2, the veth's counters $3 (more than 2 % apart)"
}
near "the namespace end's tx bytes" "$rtx" "$tx"
near "the host end's rx bytes" "$hrx" "$tx"
[ "$n1" = 1 ] || fail "the cgroup has $n1 interfaces, not just $vn"
echo "PASS"

#!/bin/bash
# test_net_qemu.sh — NET on the qemu platform with a real QEMU and a real
# tap: one QEMU (no guest: -machine none) holds the tap, the host sends
# 6 MiB of UDP out through it; another QEMU has no network. The first
# one's figures must be the tap's counters swapped into the guest's view
# (guest rx = tap tx) within 2 %; the second must have none and a note
# saying why.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
command -v qemu-system-x86_64 >/dev/null || skip "needs qemu-system-x86_64"
command -v socat >/dev/null || skip "needs socat"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"

tap=xgtap$$ sub=$(( $$ % 250 ))
hip=10.232.$sub.1 peer=10.232.$sub.2
vm_tap=xg-it-tap-$$ vm_user=xg-it-user-$$
qemu_cleanup() {
    local f
    for f in "$TMP/tap.pid" "$TMP/user.pid"; do
        [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
    done
    sleep 0.3
    ip link del "$tap" 2>/dev/null || true
    cg_cleanup
}
trap qemu_cleanup EXIT

qemu-system-x86_64 -name "$vm_tap" -machine none -display none -nodefaults \
    -netdev "tap,id=n0,ifname=$tap,script=no,downscript=no" \
    -daemonize -pidfile "$TMP/tap.pid" 2> "$TMP/qemu-tap.err" ||
    skip "QEMU cannot open a tap: $(head -n 1 "$TMP/qemu-tap.err")"
qemu-system-x86_64 -name "$vm_user" -machine none -display none -nodefaults \
    -daemonize -pidfile "$TMP/user.pid" || fail "QEMU without network did not start"
sysctl -qw "net.ipv6.conf.$tap.disable_ipv6=1" 2>/dev/null || true
ip addr add "$hip/30" dev "$tap"
ip link set "$tap" up
ip neigh replace "$peer" lladdr 52:54:00:12:34:56 dev "$tap" nud permanent
printf '%s\n%s\n' "$vm_tap" "$vm_user" > "$TMP/vms"

out=$TMP/out
"$XG" run --platform qemu -q --vmfile "$TMP/vms" --exec "$here/net_load.sh" \
    -i 0.2 -d 30 --until-done -o "$out" \
    -- "$vm_tap" "$TMP/tap" tap "$tap" "$peer" > "$TMP/stdout" || fail "run exited $?"
[ -s "$TMP/tap.before" ] && [ -s "$TMP/tap.after" ] || fail "the load did not run"
read -r rb0 tb0 rp0 tp0 rd0 td0 < "$TMP/tap.before"
read -r rb1 tb1 rp1 tp1 rd1 td1 < "$TMP/tap.after"
dtb=$((tb1 - tb0)) dtp=$((tp1 - tp0)) drb=$((rb1 - rb0)) dtd=$((td1 - td0))
# the report's figures, in one pass over report.json
read -r grb gtb grp gdrop src nuser < <(python3 - "$out/report.json" "$vm_tap" "$tap" "$vm_user" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); vm, tap, user = sys.argv[2:5]
d = j['net']['device_window']; mb = 1048576
r = [r for r in d if r['domain'] == vm and r['device'] == tap][0]
print('%.0f %.0f %d %d %s %d' % (r['rx_mb'] * mb, r['tx_mb'] * mb,
      r['rx_packets'], r['rx_drops'], r['source'],
      len([x for x in d if x['domain'] == user])))
PY
)
grep -E "^(duration|samples):" "$out/report.txt"
echo "tap $tap (host's side): tx $dtb B $dtp pkts ($dtd dropped), rx $drb B"
echo "report, $vm_tap $tap (guest's side): rx $grb B $grp pkts ($gdrop dropped), tx $gtb B"
fcmp "$dtb" '>=' 1048576 || fail "only $dtb bytes went out through the tap"
near() { # near WHAT REPORTED WANTED — within 2 %
    awk -v a="$2" -v b="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.02 * b) }' ||
        fail "$1: report $2, the tap's counters $3 (more than 2 % apart)"
}
near "guest rx bytes = tap tx" "$grb" "$dtb"
near "guest rx packets = tap tx" "$grp" "$dtp"
near "guest rx drops = tap tx drops" "$gdrop" "$dtd"
fcmp "$gtb" '<=' "$(( drb + 2048 ))" || fail "guest tx $gtb B, tap rx only $drb B"
[ "$src" = tap ] || fail "source is $src, not tap"
# no tap: no rows, the note says why
[ "$nuser" = 0 ] || fail "the QEMU without network has interfaces"
grep -q "^note: .*$vm_user: no tap device" "$out/report.txt" || fail "no note for $vm_user"
grep -q "^note: .*$vm_tap:" "$out/report.txt" && fail "the note names $vm_tap"
echo "PASS"

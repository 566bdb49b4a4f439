#!/usr/bin/env bash
# bench/libvirt.sh — what the libvirt platform costs per domain per sample,
# beside the qemu platform on the same VMs and beside `virsh domstats` run at
# the same rate, in the same run (one after the other on the same running
# domains). Needs root, libvirtd (started here with -d unless it answers,
# stopped after) and the lab images (tests/lab/build-images.sh). Usage:
#   bench/libvirt.sh [N_DOMAINS [SECONDS [RATE_HZ]]]   (default 3 15 10)
# Figures per domain per sample: xengatherer's own sampling CPU (meta
# overhead_cpu_ns; the host row is counted in it but not in the divisor),
# the CPU libvirtd spent meanwhile (the stats groups: state, cpu-total,
# vcpu, block, interface; the runs are --nocache, so no perf group) (utime+stime of its process, what
# answering the stats calls cost it), and for virsh the CPU of the virsh
# processes (one per sample, as a script would run it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
n=${1:-3} secs=${2:-15} hz=${3:-10}
[ "$(id -u)" -eq 0 ] || { echo "bench/libvirt: run as root" >&2; exit 1; }
B=${BENCH_BUILD:-$top/build-bench}
[ -f "$B/build.ninja" ] || meson setup "$B" "$top" -Dbuildtype=release -Dtests=false >/dev/null
ninja -C "$B" >/dev/null
XG=$B/xengatherer
"$XG" --version | grep -qw libvirt || { echo "bench/libvirt: built without libvirt" >&2; exit 1; }
W=$(mktemp -d /var/tmp/xgbench-lv.XXXXXX)
export XG_LAB_DIR=$W XG_LAB_PREFIX=bench$$- XG_LAB_MEM=96
lab=$top/tests/lab
cleanup() {
    "$lab/libvirt-vms.sh" stop "$W" >/dev/null 2>&1 || true
    [ "${daemons:-}" != started ] || "$lab/libvirt-vms.sh" stop-daemons "$W" >/dev/null 2>&1 || true
    rm -rf "$W"
}
trap cleanup EXIT
daemons=$("$lab/libvirt-vms.sh" daemons "$W")
"$lab/libvirt-vms.sh" start "$n" "$W" >/dev/null
iv=$(awk -v h="$hz" 'BEGIN{printf "%.4f", 1 / h}')
samples=$(awk -v s="$secs" -v h="$hz" 'BEGIN{printf "%d", s * h}')
tck=$(getconf CLK_TCK)
daemon_ns() { # utime+stime of libvirtd, ns
    local pid
    pid=$(cat "$W/libvirtd.pid" 2>/dev/null || pgrep -xo libvirtd)
    awk -v t="$tck" '{sub(/.*\) /, ""); printf "%.0f", ($12 + $13) * 1e9 / t}' "/proc/$pid/stat"
}
per() { awk -v a="$1" -v n="$2" -v d="$n" 'BEGIN{printf "%.1f", a / n / d / 1000}'; } # ns -> µs per sample per domain

xg_run() { # PLATFORM — prints "own_ns ticks libvirtd_ns"
    local d0 d1 out=$W/run-$1
    d0=$(daemon_ns)
    "$XG" record -q --platform "$1" --vmfile "$W/vms.txt" -i "$iv" -d "$secs" -o "$out" --nocache >/dev/null
    d1=$(daemon_ns)
    "$XG" report -f json "$out" > "$out/r.json"
    python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["meta"]; print(m["overhead_cpu_ns"], m["overhead_ticks"], end=" ")' "$out/r.json"
    echo $(( d1 - d0 ))
}
read -r lv_own lv_ticks lv_d <<< "$(xg_run libvirt)"
read -r qm_own qm_ticks qm_d <<< "$(xg_run qemu)"
# virsh domstats with the same groups (--nocache: no perf group), at the
# same rate, as many times
names=$(tr '\n' ' ' < "$W/vms.txt")
d0=$(daemon_ns)
vt=$( { /usr/bin/time -f "%U %S" bash -c '
    end=$(( $(date +%s%N) + '"$secs"' * 1000000000 )); next=$(date +%s%N); k=0
    while [ $k -lt '"$samples"' ]; do
        virsh -q domstats --state --cpu-total --vcpu --block --interface '"$names"' >/dev/null
        k=$((k + 1)); next=$(( next + '"$(awk -v i="$iv" 'BEGIN{printf "%d", i * 1e9}')"' ))
        now=$(date +%s%N)
        if [ $now -lt $next ]; then sleep "$(awk -v a=$next -v b=$now "BEGIN{printf \"%.3f\", (a - b) / 1e9}")"; fi
    done; true' >/dev/null; } 2>&1 | tail -n 1)
d1=$(daemon_ns)
vs_d=$(( d1 - d0 ))
vs_own=$(awk -v u="${vt% *}" -v s="${vt#* }" 'BEGIN{printf "%.0f", (u + s) * 1e9}')

echo "bench/libvirt: $n domains (TCG, ${XG_LAB_MEM} MiB), $hz Hz, $secs s each; libvirtd $daemons"
printf '%-28s %12s %18s %12s\n' "per domain per sample" "own CPU" "libvirtd's CPU" "total"
printf '%-28s %9s µs %15s µs %9s µs\n' "xengatherer --platform libvirt" "$(per "$lv_own" "$lv_ticks")" "$(per "$lv_d" "$lv_ticks")" "$(per $(( lv_own + lv_d )) "$lv_ticks")"
printf '%-28s %9s µs %15s µs %9s µs\n' "xengatherer --platform qemu" "$(per "$qm_own" "$qm_ticks")" "$(per "$qm_d" "$qm_ticks")" "$(per $(( qm_own + qm_d )) "$qm_ticks")"
printf '%-28s %9s µs %15s µs %9s µs\n' "virsh domstats (a process each)" "$(per "$vs_own" "$samples")" "$(per "$vs_d" "$samples")" "$(per $(( vs_own + vs_d )) "$samples")"

#!/usr/bin/env bash
# bench/startup.sh — where a record's CPU goes besides sampling: N cgroups,
# each with a sleeping process (as bench/run.sh makes them), then R runs of
# `record --platform cgroup --nocache -i 1 -d D` (default checkpoints), each
# under `perf stat -e task-clock`, split with the recording's meta:
#   sampling    overhead_cpu_ns (the sampling thread, every tick)
#   writer      spill_write_cpu_ns (the checkpoint writer thread)
#   start-up    tool_cpu_ns - sampling - writer (discovery, collectors'
#               start, environment; also the stop, a few µs)
#   write+exit  task-clock - tool_cpu_ns (the final write, releasing the
#               domains and their blkio rules, exit)
# and the system calls of one more run (strace -c -f). Then the median of
# each column. Needs root (it makes cgroups). Usage:
#   bench/startup.sh [N [DURATION [RUNS]]]       (default 100 60 3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
n=${1:-100} dur=${2:-60} runs=${3:-3}
[ "$(id -u)" -eq 0 ] || { echo "startup.sh: run as root (it creates cgroups)" >&2; exit 1; }
PARENT=xg-start-$$
source "$here/cgroups.sh" # $B built, $W, $P and the N empty cgroups
PIDS=()
stop_sleepers() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    cleanup
}
trap stop_sleepers EXIT
for i in $(seq 1 "$n"); do
    sleep 100000 & PIDS+=($!)
    for h in $(hier); do echo "${PIDS[-1]}" > "$h/$P/d$i/cgroup.procs"; done
done
ms() { awk -v v="${1:-0}" 'BEGIN{printf "%.1f", v / 1e6}'; }
rec() { # rec OUT: one run, its task-clock in ns on stdout
    rm -rf "$1"
    perf stat -x, -e task-clock -o "$W/perf.out" -- "$B/xengatherer" record -q \
        --platform cgroup --nocache --cgroup-parent "$P" -i 1 -d "$dur" -o "$1" >/dev/null
    awk -F, '/task-clock/ {printf "%.0f", $1 * 1e6; exit}' "$W/perf.out"
}
echo "$n cgroups with a sleeping process + host, -i 1, -d $dur, $runs runs"
printf '%-4s %9s %9s %9s %9s %11s\n' run "total ms" start-up sampling writer "write+exit"
for r in $(seq 1 "$runs"); do
    tot=$(rec "$W/r$r")
    db=$W/r$r/recording.db
    tc=$(meta "$db" tool_cpu_ns) ov=$(meta "$db" overhead_cpu_ns)
    wr=$(meta "$db" spill_write_cpu_ns); wr=${wr:-0}
    printf '%-4s %9s %9s %9s %9s %11s\n' "$r" "$(ms "$tot")" "$(ms $((tc - ov - wr)))" \
        "$(ms "$ov")" "$(ms "$wr")" "$(ms $((tot - tc)))" | tee -a "$W/rows"
done
awk '{for (i = 2; i <= 6; i++) v[i, NR] = $i} END {
    printf "%-4s", "med"
    for (i = 2; i <= 6; i++) {
        n = 0; for (r = 1; r <= NR; r++) a[++n] = v[i, r]
        for (x = 1; x <= n; x++) for (y = x + 1; y <= n; y++)
            if (a[y] + 0 < a[x] + 0) { t = a[x]; a[x] = a[y]; a[y] = t }
        printf " %*s", (i == 6 ? 11 : 9), (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2)
    }
    printf "\n"
}' "$W/rows"
rm -rf "$W/s"
strace -f -c -o "$W/strace.out" "$B/xengatherer" record -q --platform cgroup --nocache \
    --cgroup-parent "$P" -i 1 -d "$dur" -o "$W/s" >/dev/null
echo "system calls of one more run (strace -c -f; most frequent):"
awk '$NF != "total" && $4 ~ /^[0-9]+$/ {print $4, $NF}' "$W/strace.out" | sort -rn | head -8 |
    awk '{printf "  %s %s\n", $2, $1}'
awk '$NF == "total" {print "  in all: " $4}' "$W/strace.out"

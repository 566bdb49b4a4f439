#!/usr/bin/env bash
# bench/checkpoint.sh — what --checkpoint costs: the same run (N empty
# cgroups and the host, -i I, -d D) with checkpoints off (--checkpoint 0:
# the recording written at the end only) and every C seconds, in the same
# session, and each run's figures from its recording's meta and /proc:
# the process's CPU in all, the writer thread's CPU and time, the
# sampler's pause to take the checkpoints (at most and in all), the bytes
# the process wrote, and the final write after stop. Needs root (it makes
# cgroups). Usage:
#   bench/checkpoint.sh [N [INTERVAL [DURATION [CHECKPOINT]]]]
#                       (default 100 1 60 10)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
n=${1:-100} iv=${2:-1} dur=${3:-60} ck=${4:-10}
[ "$(id -u)" -eq 0 ] || { echo "checkpoint.sh: run as root (it creates cgroups)" >&2; exit 1; }
PARENT=xg-ckb-$$
source "$here/cgroups.sh"
ms() { awk -v v="${1:-0}" 'BEGIN{printf "%.1f", v / 1e6}'; }
echo "$n cgroups + host, -i $iv, -d $dur"
for c in 0 "$ck"; do
    out=$W/ck$c
    "$B/xengatherer" record --platform cgroup -q --cgroup-parent "$P" --nocache \
        -i "$iv" -d "$dur" --checkpoint "$c" -o "$out" >/dev/null &
    pid=$!
    wbytes=0
    while kill -0 "$pid" 2>/dev/null; do # the last reading before it ends
        w=$(awk '/^write_bytes/{print $2}' "/proc/$pid/io" 2>/dev/null) && [ -n "$w" ] && wbytes=$w
        sleep 0.2
    done
    wait "$pid"
    db=$out/recording.db
    printf -- '--checkpoint %-4s %s ticks, %s samples, file %s KiB: process CPU %s ms (sampling %s ms), ' \
        "$c" "$(meta "$db" overhead_ticks)" "$(sqlite3 "$db" 'select count(*) from samples')" \
        "$(( $(stat -c %s "$db") / 1024 ))" "$(ms "$(meta "$db" tool_cpu_ns)")" \
        "$(ms "$(meta "$db" overhead_cpu_ns)")"
    if [ "$c" != 0 ]; then
        printf '%s checkpoints: writer CPU %s ms, writer time %s ms, sampler pause %s ms at most, %s ms in all; ' \
            "$(meta "$db" checkpoints)" "$(ms "$(meta "$db" spill_write_cpu_ns)")" \
            "$(ms "$(meta "$db" spill_write_ns)")" "$(ms "$(meta "$db" checkpoint_pause_max_ns)")" \
            "$(ms "$(meta "$db" checkpoint_pause_ns)")"
    fi
    printf 'written before the end %s KiB\n' "$(( wbytes / 1024 ))"
done

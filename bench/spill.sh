#!/usr/bin/env bash
# bench/spill.sh — what --max-memory costs: the same run (N empty cgroups
# and the host, -i I, -d D) with the default bound (no flush) and with a
# small one (several flushes), and the figures of each from the recording's
# meta, with --checkpoint 0 (the bound alone; with checkpoints a flush is
# an early checkpoint: bench/checkpoint.sh). Needs root (it makes
# cgroups). Usage:
#   bench/spill.sh [N [INTERVAL [DURATION [BOUND]]]]   (default 100 0.1 60 1M)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
n=${1:-100} iv=${2:-0.1} dur=${3:-60} bound=${4:-1M}
[ "$(id -u)" -eq 0 ] || { echo "spill.sh: run as root (it creates cgroups)" >&2; exit 1; }
PARENT=xg-spill
source "$here/cgroups.sh"
for b in 256M "$bound"; do
    out=$W/$b
    "$B/xengatherer" record --platform cgroup -q --cgroup-parent "$P" --checkpoint 0 \
        -i "$iv" -d "$dur" --max-memory "$b" -o "$out" >/dev/null
    db=$out/recording.db
    t=$(meta "$db" overhead_ticks) ov=$(meta "$db" overhead_cpu_ns)
    printf '%-5s %s ticks, %s series, %s samples; sampling %.1f us/tick; peak RSS %s KiB; samples held %s bytes at most\n' \
        "$b" "$t" "$(sqlite3 "$db" 'select count(*) from series')" \
        "$(sqlite3 "$db" 'select count(*) from samples')" "$(awk -v o="$ov" -v t="$t" 'BEGIN{print o/t/1000}')" \
        "$(meta "$db" tool_maxrss_kib)" "$(meta "$db" sample_bytes)"
    c=$(meta "$db" spill_chunks)
    [ -n "$c" ] || continue
    p=$(meta "$db" spill_pause_ns) pm=$(meta "$db" spill_pause_max_ns)
    w=$(meta "$db" spill_write_ns) wc=$(meta "$db" spill_write_cpu_ns)
    s=$(meta "$db" spilled_samples) f=$(meta "$db" spill_final_chunks)
    awk -v c="$c" -v f="$f" -v s="$s" -v p="$p" -v pm="$pm" -v w="$w" -v wc="$wc" -v q="$(meta "$db" spill_queue_peak_bytes)" 'BEGIN{
        printf "      %d chunks flushed (+%d at the end), %d samples; sampler pause %.1f us a flush (max %.1f us, the first starts the thread);\n", c, f, s, p/(c+f)/1000, pm/1000
        printf "      writer %.1f ms a chunk (%.2f us a sample), its CPU %.1f ms in all; queue peak %d bytes\n", w/c/1e6, w/s/1000, wc/1e6, q }'
    echo "      writer priority: $(meta "$db" spill_priority)"
done

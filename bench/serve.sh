#!/usr/bin/env bash
# bench/serve.sh — `xengatherer serve` under load (issue 16): N domains (a
# pure cgroup2 tree: the fixture tests/fixtures/v2/snap1 as --root with N
# copies of its cgroup xg-fix-b, as bench/reads.sh v2 does) sampled at
# -i 1, scraped by K scrapers (bench/scrape.py, keep-alive) each RATE
# times a second for SECS seconds: every scrape must be answered; prints
# the latency percentiles and the server's CPU (utime + stime of the
# process over the phase, in % of one core). Then doubles the rate,
# phases of SECS2 seconds, until answers slow down (p50 over twice the
# first phase's, a failure, or the scrapers falling behind) or RATE_MAX.
# Not part of make check: CPU-heavy. Needs root? No (--root tree).
#   SERVE_N=1000 SERVE_K=10 SERVE_SECS=60 SERVE_SECS2=20 SERVE_RATE_MAX=64
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
if [ -z "${XG:-}" ]; then
    B=${BENCH_BUILD:-$top/build-bench}
    [ -f "$B/build.ninja" ] || meson setup "$B" "$top" -Dbuildtype=release -Dtests=false > /dev/null
    ninja -C "$B" > /dev/null
    XG=$B/xengatherer
fi
N=${SERVE_N:-1000} K=${SERVE_K:-10} SECS=${SERVE_SECS:-60}
SECS2=${SERVE_SECS2:-20} RMAX=${SERVE_RATE_MAX:-64}
W=$(mktemp -d /var/tmp/xgserve.XXXXXX)
spid=
cleanup() { [ -n "$spid" ] && kill "$spid" 2> /dev/null; wait 2> /dev/null; rm -rf "$W"; }
trap cleanup EXIT
R=$W/root
cp -r "$top/tests/fixtures/v2/snap1" "$R"
mkdir -p "$R/proc/net"
cat /proc/net/dev > "$R/proc/net/dev"
f=$R/sys/fs/cgroup/machine.slice
mkdir -p "$f/a"
for i in $(seq 1 "$N"); do cp -r "$f/xg-fix-b" "$f/a/d$i"; done
for try in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    "$XG" serve -q --root "$R" --platform cgroup --cgroup-parent machine.slice/a \
        --nocache -i 1 --listen "127.0.0.1:$port" 2> "$W/err" & spid=$!
    for _ in $(seq 100); do
        curl -sf -o /dev/null "http://127.0.0.1:$port/" && break 2
        kill -0 "$spid" 2> /dev/null || break
        sleep 0.1
    done
    wait "$spid" 2> /dev/null || true; spid=
done
[ -n "$spid" ] || { echo "serve did not start: $(cat "$W/err")" >&2; exit 1; }
url=http://127.0.0.1:$port/metrics
curl -sf "$url" > "$W/body"
echo "serve: $N domains, $(grep -c '^xengatherer_' "$W/body") samples, $(wc -c < "$W/body") bytes a scrape; $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
ticks=$(getconf CLK_TCK)
cpu() { awk -v t="$ticks" '{print ($14 + $15) / t}' "/proc/$spid/stat"; }
# phase RATE SECS — one load phase; prints its line, sets P50 and OK
phase() {
    local c0 c1 line
    c0=$(cpu)
    line=$(python3 "$here/scrape.py" "$url" "$K" "$1" "$2")
    c1=$(cpu)
    echo "$K x $1/s for $2 s: $line; server CPU $(awk -v a="$c0" -v b="$c1" -v s="$2" 'BEGIN{printf "%.1f", (b - a) / s * 100}') %"
    P50=$(echo "$line" | awk '{for (i = 1; i < NF; i++) if ($i == "p50") print $(i + 1)}')
    OK=$(echo "$line" | awk -v want="$(awk -v k="$K" -v r="$1" -v s="$2" 'BEGIN{print k * r * s}')" \
        '{print ($4 == 0 && $6 == 0 && $2 >= want) ? 1 : 0}')
}
phase 1 "$SECS"
[ "$OK" = 1 ] || { echo "FAIL: not every scrape answered at 1/s"; exit 1; }
base=$P50
curl -sf "$url" | grep -E '^xengatherer_(sample_cpu_seconds|self_cpu_seconds_total|samples_total|scrape_duration)' || true
rate=2
while [ "$rate" -le "$RMAX" ]; do
    phase "$rate" "$SECS2"
    if [ "$OK" != 1 ] || awk -v a="$P50" -v b="$base" 'BEGIN{exit !(a > 2 * b)}'; then
        echo "slowed down at $K x $rate/s = $((K * rate)) scrapes/s"
        exit 0
    fi
    rate=$((rate * 2))
done
echo "no slow-down up to $K x $RMAX/s"

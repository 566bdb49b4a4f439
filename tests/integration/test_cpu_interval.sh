#!/bin/bash
# test_cpu_interval.sh — no interval covers more time than it is labelled
# with: a single-threaded busy loop in a watched cgroup never reads more
# than 100 % of one CPU in any interval, the first one (from tick 0, the
# baseline) included. The margin, 2 %, is the jitter of when each tick's
# files are read after its timestamp (20 ms in a 1 s interval on a loaded
# machine; cpuacct.usage counts in ns).
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
g=machine.slice/xg-ci-$$
cg_make "$g"
# the loop outlives the window: the run ends it, and says so (exit 3)
rc=0
"$XG" run --platform cgroup -q --cgroup "$g" --exec local -i 1 -d 6 \
    -o "$TMP/out" -- sh -c 'while :; do :; done' > /dev/null || rc=$?
[ "$rc" -eq 3 ] || fail "run exited $rc, not 3 (a command outlived the window)"
csv=$TMP/out/report.csv
awk -F, -v d="xg-ci-$$" '$1=="interval" && $2=="cpu" && $3==d && $4=="" &&
    $5=="cpu_pct" {print $6, $7, $8}' "$csv" > "$TMP/pct"
n=$(wc -l < "$TMP/pct")
[ "$n" -ge 5 ] || fail "only $n intervals of CPU % in $csv"
max=$(sort -k3 -g "$TMP/pct" | tail -1)
first=$(head -1 "$TMP/pct")
echo "$n intervals; first (from tick 0): $first; highest: $max"
awk '$3 > 102 {bad = bad sprintf(" %s-%s s: %.2f %%;", $1, $2, $3)}
     END {if (bad) {print "over 100 % of one CPU:" bad; exit 1}}' "$TMP/pct" ||
    fail "$(awk '$3 > 102' "$TMP/pct")"
echo "PASS"

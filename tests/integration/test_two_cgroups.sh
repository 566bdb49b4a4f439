#!/bin/bash
# test_two_cgroups.sh — a CPU burner and a 64 MiB writer in two real cgroups:
# the burner's CPU and the writer's bytes are attributed to them, and near
# nothing of each to the other.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
cg_make machine.slice/xg-it-burn
cg_make machine.slice/xg-it-write
out=$TMP/out
"$XG" run --platform cgroup -q --cgroup machine.slice/xg-it-burn --cgroup machine.slice/xg-it-write \
    $(blkio_flag) --exec local -i 0.5 -d 6 -o "$out" \
    -- "$here/load.sh" 3 "$TMP" > "$TMP/stdout" || fail "run exited $?"
csv=$out/report.csv
[ -s "$csv" ] && [ -s "$out/report.json" ] && [ -s "$out/report.txt" ] || fail "report files missing"
cmp -s "$TMP/stdout" "$out/report.txt" || fail "printed report differs from report.txt"

ticks=$(cat "$TMP/burn.ticks") || fail "burner did not report its CPU"
own=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN{print t/hz}')
burn=$(csv_get "$csv" cpu xg-it-burn "" cpu_s)
writecpu=$(csv_get "$csv" cpu xg-it-write "" cpu_s)
echo "burner: measured itself $own s, report $burn s; writer $writecpu s"
fcmp "$own" ">" 0.3 || fail "burner burned only $own s (is the machine starved?)"
fcmp "$burn" '>=' "$(awk -v o="$own" 'BEGIN{print 0.8*o}')" || fail "burner got $burn s of its $own s"
fcmp "$writecpu" '<' "$(awk -v o="$burn" 'BEGIN{print 0.2*o}')" || fail "writer got $writecpu s CPU"

wmb=$(csv_get "$csv" disk xg-it-write "" wr_mb)
bmb=$(csv_get "$csv" disk xg-it-burn "" wr_mb)
echo "writer wrote $wmb MB, burner ${bmb:-none} MB"
fcmp "$wmb" '>=' 57.6 && fcmp "$wmb" '<=' 70.4 || fail "writer: $wmb MB, expected 64 +-10%"
fcmp "${bmb:-0}" '<' 1 || fail "burner wrote $bmb MB"
grep -qE '^xg-it-burn +exited +0 ' "$out/report.txt" || fail "burner's workload status missing"
grep -qE '^xg-it-write +exited +0 ' "$out/report.txt" || fail "writer's workload status missing"
echo "PASS"

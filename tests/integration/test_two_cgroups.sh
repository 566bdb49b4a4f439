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

# the environment, as this host's own files give it (meta env.*)
json="$out/report.json"
model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
gov=$(cat /sys/devices/system/cpu/cpu0/cpufreq/scaling_governor 2>/dev/null || echo none)
cgm=$(awk '$3=="cgroup"{v1=1} $3=="cgroup2"{v2=1} END{print v1&&v2?"hybrid v1+v2":v1?"cgroup v1":"cgroup v2"}' /proc/mounts)
[ "$(json_get "$json" 'j["meta"]["env.cpu_model"]')" = "$model" ] || fail "env.cpu_model is not '$model'"
[ "$(json_get "$json" 'j["meta"]["env.governor"]')" = "$gov" ] || fail "env.governor is not '$gov'"
[ "$(json_get "$json" 'j["meta"]["env.cgroup"]')" = "$cgm" ] || fail "env.cgroup is not '$cgm'"
[ "$(json_get "$json" 'j["meta"]["env.cpus"]')" = "$(getconf _NPROCESSORS_ONLN)" ] || fail "env.cpus is not $(getconf _NPROCESSORS_ONLN)"
[ "$(json_get "$json" 'j["meta"]["env.kernel_cmdline"]')" = "$(cat /proc/cmdline)" ] || fail "env.kernel_cmdline differs"
json_get "$json" 'j["meta"]["env.load_1m"]' | grep -qE '^[0-9]+\.[0-9]+$' || fail "env.load_1m missing"
grep -qF "environment: $model, " "$out/report.txt" || fail "no environment line in the report"
grep -qE "^load at start: [0-9.]+ [0-9.]+ [0-9.]+, .* available of " "$out/report.txt" || fail "no load line in the report"
grep -qF "cgroup mode: $cgm" "$out/report.txt" || fail "no cgroup mode line in the report"
echo "environment: $model, governor $gov, $cgm"
echo "PASS"

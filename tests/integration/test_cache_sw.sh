#!/bin/bash
# test_cache_sw.sh — the CACHE collector for real with software events: a
# CPU burner and an idle process in two cgroups, counted per CPU with
# --cache-events task-clock,context-switches. The burner gets nearly all the
# task-clock, each domain's sum over the CPUs matches its CPU time (and the
# host's is every CPU's whole window), the recording holds the series. Then
# the default (hardware) events: on a machine without a PMU the section says
# why in one line and every other section is complete; as a non-root user
# with perf_event_paranoid > 0, it says what to change.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
command -v sqlite3 > /dev/null || skip "needs sqlite3"
cg_make machine.slice/xg-it-burn
cg_make machine.slice/xg-it-idle
# a v1 perf_event hierarchy, where mounted, is where cgroups are counted
if grep -qE " $CG_ROOT/perf_event cgroup " /proc/mounts; then
    for c in burn idle; do
        mkdir -p "$CG_ROOT/perf_event/machine.slice/xg-it-$c"
        CG_DIRS+=("$CG_ROOT/perf_event/machine.slice/xg-it-$c")
    done
fi
doms=(--platform cgroup --cgroup machine.slice/xg-it-burn --cgroup machine.slice/xg-it-idle)

out=$TMP/sw
"$XG" run -q "${doms[@]}" --exec local -i 0.5 -d 5 -o "$out" \
    --cache-events task-clock,context-switches \
    -- "$here/load.sh" 3 "$TMP" > "$TMP/stdout" || fail "run exited $?"
csv=$out/report.csv
burn=$(csv_get "$csv" cache xg-it-burn "" task-clock)
idle=$(csv_get "$csv" cache xg-it-idle "" task-clock)
hostclk=$(csv_get "$csv" cache host "" task-clock)
if [ -z "$burn" ]; then
    note=$(sed -n '/^CACHE/,$p' "$out/report.txt" | grep '^note: ' || true)
    skip "no software counters for cgroups here (${note:-no note})"
fi
echo "task-clock: burner $burn s, idle ${idle:-none} s, host $hostclk s"
[ -n "$idle" ] || fail "idle domain has no task-clock"
share=$(awk -v b="$burn" -v i="$idle" 'BEGIN{print 100*b/(b+i)}')
echo "burner's share of the task-clock: $share %"
fcmp "$share" '>=' 80 || fail "burner got only $share % of the task-clock"
ticks=$(cat "$TMP/burn.ticks") || fail "burner did not report its CPU"
own=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN{print t/hz}')
echo "burner measured itself: $own s"
fcmp "$own" '>' 0.3 || fail "burner burned only $own s"
fcmp "$burn" '>=' "$(awk -v o="$own" 'BEGIN{print 0.8*o}')" ||
    fail "burner counted $burn s of its $own s"

# The per-CPU groups add up: the burner's sum over CPUs is its CPU time
# (cpuacct / cpu.stat), and the host's is every CPU for the whole window.
cpus=$(csv_get "$csv" cpu xg-it-burn "" cpu_s)
echo "burner: cpu_s $cpus, task-clock $burn"
fcmp "$burn" '>=' "$(awk -v c="$cpus" 'BEGIN{print 0.9*c}')" &&
    fcmp "$burn" '<=' "$(awk -v c="$cpus" 'BEGIN{print 1.1*c}')" ||
    fail "burner: task-clock $burn s is not its CPU time $cpus s"
ncpu=$(getconf _NPROCESSORS_ONLN)
win=$(awk -F, '$1=="window" && $2=="cache" && $3=="host" {print $7-$6; exit}' "$csv")
want=$(awk -v n="$ncpu" -v w="$win" 'BEGIN{print n*w}')
echo "host: $hostclk s over $ncpu CPUs x $win s = $want s"
fcmp "$hostclk" '>=' "$(awk -v x="$want" 'BEGIN{print 0.95*x}')" &&
    fcmp "$hostclk" '<=' "$(awk -v x="$want" 'BEGIN{print 1.05*x}')" ||
    fail "host: task-clock $hostclk s, expected $want s"
sw=$(csv_get "$csv" cache xg-it-burn "" context-switches)
[ -n "$sw" ] || fail "no context-switches for the burner"
run=$(csv_get "$csv" cache xg-it-burn "" running_pct)
fcmp "$run" '==' 100 || fail "software counters multiplexed? running $run %"

# The recording: raw cumulative series, per domain, with unit and samples.
db=$out/recording.db
q() { sqlite3 "$db" "$1"; }
for d in xg-it-burn xg-it-idle host; do
    for m in task-clock:ns context-switches:events time_enabled:ns time_running:ns; do
        n=$(q "SELECT count(*) FROM series s JOIN domains d ON d.id = s.domain_id
               JOIN samples v ON v.series_id = s.id
               WHERE d.name = '$d' AND s.family = 'cache' AND s.device = ''
               AND s.metric = '${m%%:*}' AND s.unit = '${m#*:}'")
        [ "$n" -ge 10 ] || fail "$d: cache ${m%%:*} has $n samples"
    done
done
[ "$(q "SELECT value FROM meta WHERE key = 'cache_events'")" = "task-clock,context-switches" ] ||
    fail "meta cache_events is not the list"
last=$(q "SELECT max(v.value) FROM series s JOIN domains d ON d.id = s.domain_id
          JOIN samples v ON v.series_id = s.id WHERE d.name = 'xg-it-burn'
          AND s.family = 'cache' AND s.metric = 'task-clock'")
fcmp "$last" '>=' "$(awk -v b="$burn" 'BEGIN{print b*1e9*0.99}')" ||
    fail "stored cumulative task-clock $last ns is less than the report's $burn s"

# Default events: the hardware LLC pair.
out=$TMP/hw
"$XG" run -q "${doms[@]}" --exec local -i 0.5 -d 2 -o "$out" \
    -- "$here/load.sh" 1 "$TMP" > /dev/null || fail "default run exited $?"
txt=$out/report.txt
sect=$(sed -n '/^CACHE/,/^$/p' "$txt" | sed '/^$/d')   # up to the next section
note=$(sqlite3 "$out/recording.db" "SELECT value FROM meta WHERE key = 'note.cache'")
if [[ "$note" == "no hardware counters"* ]]; then
    echo "default events: $note"
    [ "$note" = "no hardware counters on this machine (perf_event_open: No such file or directory)" ] ||
        [ "$note" = "no hardware counters on this machine (perf_event_open: Operation not supported)" ] ||
        fail "unexpected note: $note"
    [ "$sect" = "CACHE
note: $note" ] || fail "CACHE section is not the title and the note: $sect"
    [ "$(sqlite3 "$out/recording.db" "SELECT count(*) FROM series WHERE family = 'cache'")" -eq 0 ] ||
        fail "cache series stored without counters"
    grep -q ',cache,' "$out/report.csv" && fail "cache CSV rows without counters"
else
    echo "this machine has hardware counters: ${note:-no note}"
    echo "$sect" | grep -qE '^xg-it-burn +[0-9]+ +[0-9]+ +[0-9]+ ' ||
        fail "no LLC figures for the burner: $sect"
fi
grep -qE '^xg-it-burn +- +[0-9.]+ +[0-9.]+ ' "$txt" || fail "CPU row missing"
grep -qE '^xg-it-idle +- +[0-9.]+ +[0-9.]+ ' "$txt" || fail "CPU row missing"
grep -q '^DISK' "$txt" || fail "DISK section missing"
grep -qE '^xg-it-burn +exited +0 ' "$txt" || fail "workload status missing"

# A non-root user with perf_event_paranoid > 0: one line saying what to do.
par=$(cat /proc/sys/kernel/perf_event_paranoid)
if [ "$par" -gt 0 ] && command -v setpriv > /dev/null; then
    out=$TMP/user
    chmod o+x "$TMP"
    mkdir -m 0777 "$out"
    setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$XG" record -q "${doms[@]}" -i 0.5 -d 1 -o "$out" \
        --cache-events task-clock || fail "non-root record exited $?"
    note=$(sqlite3 "$out/recording.db" "SELECT value FROM meta WHERE key = 'note.cache'")
    echo "non-root: $note"
    [ "$note" = "perf_event_paranoid is $par: counting cgroups or the whole machine needs 0 or lower for a non-root user (sysctl kernel.perf_event_paranoid=0, or run as root)" ] ||
        fail "non-root note: $note"
    [ "$(sqlite3 "$out/recording.db" "SELECT count(*) FROM series WHERE family = 'cache'")" -eq 0 ] ||
        fail "cache series stored without counters"
    [ "$(sqlite3 "$out/recording.db" "SELECT count(*) FROM series WHERE family = 'cpu'")" -gt 0 ] ||
        fail "cpu series missing in the non-root recording"
else
    echo "perf_event_paranoid is $par or no setpriv: non-root case not run"
fi
echo "PASS"

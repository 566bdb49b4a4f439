#!/bin/bash
# test_repeat.sh — run --repeat / --warmup / --pause on real cgroups: one
# recording (format 2) holding every repetition as a range of ticks with its
# own baseline, each workload carrying its repetition and starting at its
# repetition's baseline; Ctrl-C in repetition 3 of 5 keeps 1-2 whole, 3
# partial and starts no other; SIGKILL in the middle leaves a recording that
# reads, its repetition running; bad values are refused with one line.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
cg=machine.slice/xg-rep-$$
cg_make "$cg"
trap 'pkill -KILL -f "xg-rep-$$-sleep" 2>/dev/null || true; cg_cleanup' EXIT
q() { sqlite3 "$1" "$2"; }
# reps_in DB: how many repetitions a checkpoint wrote so far (sqlite3 would
# make the file if asked before it exists, and the run then refuses it)
reps_in() { [ -f "$1" ] && sqlite3 -readonly "$1" "select count(*) from repetitions" 2>/dev/null; }
opts=(--platform cgroup -q --cgroup "$cg" -i 0.2 -d 1)

# 1. 1 warm-up + 3 repetitions, 0.6 s apart
"$XG" run "${opts[@]}" --repeat 3 --warmup 1 --pause 0.6 -o "$TMP/a" \
    -- sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done' > /dev/null ||
    fail "repeated run exited $?"
R=$TMP/a/recording.db
[ "$(q "$R" "select value from meta where key = 'format_version'")" = 2 ] ||
    fail "a repeated recording is not format 2"
[ "$(q "$R" "select group_concat(rep || ':' || warmup || ':' || state, ' ')
             from repetitions")" = "1:1:whole 2:0:whole 3:0:whole 4:0:whole" ] ||
    fail "repetitions: $(q "$R" "select * from repetitions")"
# each repetition: a window of 1 s from its own baseline (5 intervals or
# so; a slow tick may take two), after the one before and its pause
q "$R" "select r.rep, r.first_tick, r.last_tick,
               (b.mono_ns - a.mono_ns) / 1e9,
               coalesce((a.mono_ns - (select mono_ns from ticks
                   where seq = p.last_tick)) / 1e9, -1)
        from repetitions r join ticks a on a.seq = r.first_tick
        join ticks b on b.seq = r.last_tick
        left join repetitions p on p.rep = r.rep - 1" > "$TMP/reps"
while IFS='|' read -r rep first last win gap; do
    awk -v w="$win" 'BEGIN { exit !(w >= 0.95 && w <= 1.3) }' ||
        fail "repetition $rep: window $win s, not about 1 s"
    [ $((last - first)) -ge 4 ] || fail "repetition $rep: ticks $first..$last"
    [ "$rep" = 1 ] || awk -v g="$gap" 'BEGIN { exit !(g >= 0.6) }' ||
        fail "repetition $rep began $gap s after the one before (--pause 0.6)"
done < "$TMP/reps"
# pause ticks exist and belong to no repetition
[ "$(q "$R" "select count(*) from ticks t where not exists (select 1 from
     repetitions r where t.seq between r.first_tick and r.last_tick)")" -ge 3 ] ||
    fail "no ticks between the repetitions"
# a workload per repetition, started at its repetition's baseline
[ "$(q "$R" "select group_concat(rep, ',') from workloads")" = "1,2,3,4" ] ||
    fail "workloads' repetitions: $(q "$R" "select id, rep from workloads")"
bad_start=$(q "$R" "select w.rep from workloads w join repetitions r on r.rep = w.rep
    join ticks a on a.seq = r.first_tick join ticks b on b.seq = r.last_tick
    where w.start_ns < a.mono_ns or w.start_ns > a.mono_ns + 200000000
       or w.end_ns > b.mono_ns")
[ -z "$bad_start" ] || fail "workloads of repetitions $bad_start outside their window"
"$XG" report "$R" > "$TMP/out" 2> "$TMP/err" || fail "report of a repeated run: $(cat "$TMP/err")"
# the workloads table names each one's repetition
[ "$(awk '/^workloads$/ { w = 1; next } w && /^ *[0-9]+  xg-rep/ { printf "%s,", $1 }
          w && /^$/ { exit }' "$TMP/out")" = "1,2,3,4," ] ||
    fail "the workloads table has no repetition column: $(sed -n '/^workloads$/,/^$/p' "$TMP/out")"
grep -q "^repetition 1 is a warmup: its figures are left out$" "$TMP/out" ||
    fail "the warm-up is not said left out"

# report --rep K: one repetition as a run of its own, its ticks only
"$XG" report --rep 3 "$R" > "$TMP/rep3" || fail "report --rep 3 exited $?"
grep -q "^repetition: 3 of 4, whole " "$TMP/rep3" || fail "report --rep 3 does not say which"
n3=$(q "$R" "select last_tick - first_tick + 1 from repetitions where rep = 3")
grep -qx "samples: $n3" "$TMP/rep3" || fail "report --rep 3: not its $n3 ticks: $(grep samples "$TMP/rep3")"
awk '/^workloads$/ { w = 1; next } w && /^xg-rep/ { n++ } w && /^$/ { exit } END { exit n != 1 }' "$TMP/rep3" ||
    fail "report --rep 3 does not have its one workload"
grep -q "^CPU" "$TMP/rep3" || fail "report --rep 3 has no CPU table"
for bad in "--rep 5" "--rep 0" "--rep x"; do
    rc=0; "$XG" report $bad "$R" > /dev/null 2> "$TMP/err" || rc=$?
    [ "$rc" -eq 2 ] && [ "$(wc -l < "$TMP/err")" -eq 1 ] || fail "report $bad: exit $rc: $(cat "$TMP/err")"
done

# 2. SIGINT in repetition 3 of 5
"$XG" run "${opts[@]}" --repeat 5 --checkpoint 0.3 -o "$TMP/b" -- sleep 30 > /dev/null 2> "$TMP/b.err" &
pid=$!
for _ in $(seq 100); do
    [ "$(reps_in "$TMP/b/recording.db")" = 3 ] && break
    sleep 0.1
done
sleep 0.3
kill -INT "$pid" || fail "the run ended before its SIGINT: $(cat "$TMP/b.err")"
rc=0; wait "$pid" || rc=$?
[ "$rc" -eq 130 ] || fail "SIGINT: exit $rc, expected 130"
R=$TMP/b/recording.db
[ "$(q "$R" "select group_concat(rep || ':' || state, ' ') from repetitions")" = "1:whole 2:whole 3:partial" ] ||
    fail "after SIGINT in repetition 3: $(q "$R" "select * from repetitions")"
q "$R" "select value from meta where key = 'partial_reason'" |
    grep -q "^interrupted by SIGINT in repetition 3 of 5" ||
    fail "partial_reason: $(q "$R" "select value from meta where key = 'partial_reason'")"
[ "$(q "$R" "select group_concat(rep || ':' || state, ' ') from workloads")" = "1:terminated 2:terminated 3:terminated" ] ||
    fail "workloads after SIGINT: $(q "$R" "select rep, state from workloads")"

# 3. SIGKILL in repetition 2 of 3: the last checkpoint's recording reads
"$XG" run "${opts[@]}" --repeat 3 --checkpoint 0.3 -o "$TMP/c" -- sleep 30 > /dev/null 2> "$TMP/c.err" &
pid=$!
for _ in $(seq 100); do
    [ "$(reps_in "$TMP/c/recording.db")" = 2 ] && break
    sleep 0.1
done
sleep 0.4
kill -KILL "$pid" || fail "the run ended before its SIGKILL: $(cat "$TMP/c.err")"
wait "$pid" 2>/dev/null || true
R=$TMP/c/recording.db
[ "$(q "$R" "select group_concat(rep || ':' || state, ' ') from repetitions")" = "1:whole 2:running" ] ||
    fail "after SIGKILL in repetition 2: $(q "$R" "select * from repetitions")"
"$XG" report "$R" > "$TMP/out" 2> "$TMP/err" || fail "report after SIGKILL: $(cat "$TMP/err")"
grep -q "PARTIAL" "$TMP/out" || fail "the killed run is not said partial"

# 4. bad values: exit 2, one line naming the option
refused() {
    local rc=0
    "$XG" run "${opts[@]}" -o "$TMP/bad" "${@:2}" -- true > "$TMP/out" 2> "$TMP/err" || rc=$?
    [ "$rc" -eq 2 ] || fail "$1: exit $rc, expected 2"
    [ "$(wc -l < "$TMP/err")" -eq 1 ] || fail "$1: not one line: $(cat "$TMP/err")"
    grep -qF -- "$1" "$TMP/err" || fail "$1: not named: $(cat "$TMP/err")"
    [ ! -e "$TMP/bad" ] || fail "$1: something was made"
}
refused "--repeat '0'" --repeat 0
refused "--repeat 'x'" --repeat x
refused "--repeat '10001'" --repeat 10001
refused "--repeat '2.5'" --repeat 2.5
refused "--warmup '-1'" --warmup -1
refused "--warmup runs more" --repeat 2 --warmup 3
refused "--pause is the time between repetitions" --pause 1
refused "--pause" --repeat 2 --pause x
echo "ok: repetitions, Ctrl-C, SIGKILL and bad values"

#!/bin/bash
# test_vanish.sh — /proc files that vanish between open and read, on the real
# kernel: the qemu platform holds /proc/PID/{stat,io,task} of two stand-in
# qemu processes open from prepare on; one is killed (and reaped) mid-run,
# so its held files fail to read. Its span ends there, the other domain and
# the run go on, and the recording is complete. (A cgroup removed mid-run,
# the /sys side, is test_span.sh.)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
build_standin "pause();" # a stand-in qemu that sleeps
a=xgv-$$-a b=xgv-$$-b
(exec -a qemu-system-x86_64 "$TMP/standin" -name "$a" -nodefaults) & pa=$!
(exec -a qemu-system-x86_64 "$TMP/standin" -name "$b" -nodefaults) & pb=$!
printf '%s\n%s\n' "$a" "$b" > "$TMP/vms"
sleep 0.2
rc=0
"$XG" run --platform qemu -q --vmfile "$TMP/vms" -i 0.2 -d 4 -o "$TMP/r" > /dev/null 2> "$TMP/err" &
run=$!
await_window "$TMP/r"
sleep 1
kill -KILL "$pb"; tk=$(now_s); wait "$pb" 2>/dev/null || true # reaped: /proc/$pb is gone
wait "$run" || rc=$?
kill "$pa"; wait "$pa" 2>/dev/null || true
[ "$rc" -eq 0 ] || fail "run exited $rc: $(cat "$TMP/err")"
[ ! -e "/proc/$pb" ] || fail "the killed stand-in is still in /proc"

db=$TMP/r/recording.db
[ "$(sqlite3 "$db" "select value from meta where key='partial'")" = 0 ] || fail "recording marked partial"
win=$(sqlite3 "$db" "select (max(mono_ns) - min(mono_ns)) / 1e9 from ticks")
fcmp "$win" '>=' 3.9 || fail "window of $win s, not the full 4 s"
# the kill in the window's own time (await_window may return late on a
# loaded machine under valgrind: the checks follow the recording's clock)
kt=$(window_t "$db" "$tk")
echo "killed at $kt s"
fcmp "$kt" '<' 3.2 || fail "the kill came at $kt s, too near the window's end to check (machine too slow)"
span() { awk -F, -v d="$1" '$1=="window" && $2=="cpu" && $3==d && $5=="cpu_s" {print $6 "-" $7}' "$TMP/r/report.csv"; }
sa=$(span "$a") sb=$(span "$b")
echo "spans: $a $sa, $b $sb"
[ -n "$sa" ] && [ -n "$sb" ] || fail "a domain is missing from the report"
fcmp "${sa#*-}" '>=' 3.9 || fail "$a ends at ${sa#*-}, not at the window's end"
# b's last sample: before the kill, by at most an interval and the
# sampling's lateness
fcmp "${sb#*-}" '>=' "$(awk -v t="$kt" 'BEGIN{print t - 0.7}')" &&
    fcmp "${sb#*-}" '<=' "$(awk -v t="$kt" 'BEGIN{print t + 0.05}')" ||
    fail "$b ends at ${sb#*-}, killed at $kt s"
grep -qE "^$b .* [0-9.]+-[0-9.]+\$" "$TMP/r/report.txt" || fail "$b's span not shown in the text report"
echo "PASS"

#!/bin/bash
# test_span.sh — domains that appear or vanish inside the window get their
# own span; --until-done ends the window when the commands end; a command
# that cannot start or fails is recorded as such.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
cg_make machine.slice/xg-span
cg_make machine.slice/xg-span/early
"$XG" run --platform cgroup -q --cgroup-parent machine.slice/xg-span -i 0.25 -d 8 -o "$TMP/a" > /dev/null &
pid=$!
# the times below count from the window's start (startup is slow under
# valgrind); the checks read them from the recording (window_t). The
# window is 8 s for changes made ~2.2 s in: under valgrind on a loaded
# machine the first checkpoint came late enough that a 5 s window left
# early's removal at 4.5 s, too near its end to check
await_window "$TMP/a"
sleep 1.2
tm=$(now_s); cg_make machine.slice/xg-span/late
sleep 1
tr=$(now_s); for h in $(cg_hierarchies); do rmdir "$h/machine.slice/xg-span/early"; done
wait "$pid" || fail "run exited $?"
# when late was made and early removed, in the window's own time
mk=$(window_t "$TMP/a/recording.db" "$tm") rm=$(window_t "$TMP/a/recording.db" "$tr")
echo "late made at $mk s, early removed at $rm s"
fcmp "$rm" '<' 7.5 || fail "early was removed at $rm s, too near the window's end to check (machine too slow)"
early=$(awk -F, '$1=="window" && $2=="cpu" && $3=="early" && $5=="cpu_s" {print $6 "-" $7}' "$TMP/a/report.csv")
late=$(awk -F, '$1=="window" && $2=="cpu" && $3=="late" && $5=="cpu_s" {print $6 "-" $7}' "$TMP/a/report.csv")
echo "early span $early, late span $late"
[ -n "$early" ] && [ -n "$late" ] || fail "a domain is missing from the report"
fcmp "${early%-*}" '==' 0 || fail "early starts at ${early%-*}"
# early's last sample is before its removal (at most an interval and the
# sampling's lateness before it), late's first after it was made
fcmp "${early#*-}" '>=' "$(awk -v t="$rm" 'BEGIN{print t - 0.7}')" &&
    fcmp "${early#*-}" '<=' "$(awk -v t="$rm" 'BEGIN{print t + 0.8}')" ||
    fail "early ends at ${early#*-}, removed at $rm s"
fcmp "${late%-*}" '>=' "$(awk -v t="$mk" 'BEGIN{print t - 0.05}')" &&
    fcmp "${late%-*}" '<=' "$(awk -v t="$mk" 'BEGIN{print t + 1.3}')" ||
    fail "late starts at ${late%-*}, made at $mk s"
fcmp "${late#*-}" '>=' 7.9 || fail "late ends at ${late#*-}"
grep -qE '^early .*[0-9.]+-[0-9.]+ *$' "$TMP/a/report.txt" || fail "early's span not shown in the text"

# --until-done: two commands of 0.5 s and 1 s end a 20 s window early
cg_make machine.slice/xg-until/a
cg_make machine.slice/xg-until/b
start=$(date +%s%N)
"$XG" run --platform cgroup -q --cgroup-parent machine.slice/xg-until --exec local --until-done \
    -i 0.2 -d 20 -o "$TMP/u" -- sleep 1 > /dev/null || fail "until-done run exited $?"
took=$(( ($(date +%s%N) - start) / 1000000 ))
echo "--until-done window took $took ms"
[ "$took" -lt 5000 ] || fail "--until-done took $took ms"
d=$(sqlite3 "$TMP/u/recording.db" "select (max(mono_ns)-min(mono_ns))/1e9 from ticks")
fcmp "$d" '>=' 0.9 && fcmp "$d" '<' 2 || fail "window of $d s for a 1 s command"

# a command that is not there, and one that fails
# (each run still writes everything, and exits 3: a command failed)
rc=0; "$XG" run --platform cgroup -q --cgroup-parent machine.slice/xg-until --exec local -i 0.2 -d 0.6 \
    -o "$TMP/nf" -- /nonexistent/cmd > /dev/null || rc=$?
[ "$rc" -eq 3 ] || fail "run with a missing command exited $rc, expected 3"
st=$(sqlite3 "$TMP/nf/recording.db" "select distinct state from workloads")
case "$st" in "failed: /nonexistent/cmd: No such file or directory") ;; *) fail "state '$st'";; esac
rc=0; "$XG" run --platform cgroup -q --cgroup-parent machine.slice/xg-until --exec local -i 0.2 -d 1 \
    -o "$TMP/ex" -- sh -c 'exit 3' > /dev/null || rc=$?
[ "$rc" -eq 3 ] || fail "run with a failing command exited $rc, expected 3"
[ "$(sqlite3 "$TMP/ex/recording.db" "select group_concat(exit_code) from workloads where state='exited'")" = "3,3" ] \
    || fail "exit codes not recorded"
grep -qE '^a +exited +3 ' "$TMP/ex/report.txt" || fail "exit 3 not in the report"
echo "PASS"

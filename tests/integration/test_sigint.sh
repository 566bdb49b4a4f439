#!/bin/bash
# test_sigint.sh — SIGINT (and SIGTERM) mid-run: the recording and the report
# are still written, for the window measured so far, marked partial; the
# workload still running is terminated and recorded so.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
cg_make machine.slice/xg-it-sig
# workloads no other process has on its command line (pgrep -fx below):
# not "sleep 60", which also matches the "sleep 600" of test_net_netns
w1=60.$$ w2=61.$$
for sig in INT TERM; do
    out=$TMP/$sig
    "$XG" run --platform cgroup -q --cgroup machine.slice/xg-it-sig --exec local -i 0.2 -d 30 \
        -o "$out" -- sleep "$w1" > "$TMP/stdout.$sig" &
    pid=$!
    # 2 s of the window, from its first checkpoint (start-up under
    # valgrind takes a second or more of its own)
    await_window "$out"
    sleep 2
    kill -s "$sig" "$pid"
    rc=0; wait "$pid" || rc=$?
    want=130; [ "$sig" = TERM ] && want=143
    [ "$rc" -eq "$want" ] || fail "SIG$sig: exit $rc, expected $want"
    "$XG" report "$out/recording.db" > "$TMP/rep.$sig" || fail "SIG$sig: report failed"
    grep -q "PARTIAL: interrupted by SIG$sig" "$TMP/rep.$sig" || fail "SIG$sig: report not marked partial"
    grep -q "PARTIAL" "$out/report.txt" || fail "SIG$sig: report.txt not marked partial"
    [ "$(sqlite3 "$out/recording.db" "select value from meta where key='partial'")" = 1 ] \
        || fail "SIG$sig: recording not marked partial"
    n=$(sqlite3 "$out/recording.db" "select count(*) from ticks")
    [ "$n" -ge 5 ] && [ "$n" -le 20 ] || fail "SIG$sig: $n ticks for ~2 s at 0.2 s"
    st=$(sqlite3 "$out/recording.db" "select state from workloads")
    [ "$st" = terminated ] || fail "SIG$sig: workload state '$st'"
    pgrep -fx "sleep $w1" >/dev/null && fail "SIG$sig: the workload outlived the run"
done
# a second SIGINT aborts at once, and takes the workload with it
"$XG" run --platform cgroup -q --cgroup machine.slice/xg-it-sig --exec local -i 0.2 -d 30 \
    -o "$TMP/abort" -- sleep "$w2" > /dev/null 2> "$TMP/abort.err" &
pid=$!
sleep 1.5
kill -INT "$pid"; kill -INT "$pid"
t0=$(date +%s%N); rc=0; wait "$pid" || rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$rc" -eq 130 ] || fail "double SIGINT: exit $rc"
[ "$ms" -lt 1500 ] || fail "double SIGINT took $ms ms to end"
sleep 0.2
pgrep -fx "sleep $w2" >/dev/null && fail "double SIGINT left the workload running"
echo "PASS"

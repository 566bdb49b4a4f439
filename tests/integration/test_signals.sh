#!/bin/bash
# test_signals.sh — 50 runs interrupted by SIGINT or SIGTERM at random
# moments, some during the final write and the report: every run leaves
# either a complete recording or a partial one that `report` reads, and the
# report says which. No half-written recording is ever left in place.
# Every run ends within one interval plus one second of the signal (half
# a second more for a loaded machine): at random moments, at the shortest
# interval, and while a large run writes its reports (then at once, the
# report being written removed, the recording complete).
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
cg_make machine.slice/xg-sig50
RANDOM=${XG_SEED:-4242}
partial=0 complete=0 maxlat=0
for i in $(seq 1 50); do
    out=$TMP/r$i
    sig=INT; [ $((RANDOM % 2)) -eq 1 ] && sig=TERM
    delay=$(awk -v r=$RANDOM 'BEGIN{printf "%.3f", 0.05 + r % 1450 / 1000}')
    "$XG" run --platform cgroup -q --cgroup machine.slice/xg-sig50 --exec local -i 0.1 -d 1 \
        -o "$out" -- sleep 3 > /dev/null 2> "$TMP/err" &
    pid=$!
    sleep "$delay"
    t0=$(date +%s%N)
    kill -s "$sig" "$pid" 2>/dev/null || true
    rc=0; wait "$pid" || rc=$?
    lat=$(( ($(date +%s%N) - t0) / 1000000 ))
    [ "$lat" -le 1600 ] || fail "run $i (SIG$sig after $delay s): ended $lat ms after the signal"
    [ "$lat" -gt "$maxlat" ] && maxlat=$lat
    [ -f "$out/recording.db" ] || fail "run $i (SIG$sig after $delay s, exit $rc): no recording: $(cat "$TMP/err")"
    ls "$out"/*.partial-* >/dev/null 2>&1 && fail "run $i: a half-written recording was left"
    "$XG" report "$out/recording.db" > "$TMP/rep" || fail "run $i: report failed on the recording"
    p=$(sqlite3 "$out/recording.db" "select value from meta where key='partial'")
    if [ "$p" = 1 ]; then
        partial=$((partial + 1))
        [ "$rc" -eq 130 ] || [ "$rc" -eq 143 ] || fail "run $i: partial but exit $rc"
        grep -q "^PARTIAL: interrupted by SIG$sig" "$TMP/rep" || fail "run $i: partial report not marked"
    else
        complete=$((complete + 1))
        # its command (sleep 3) outlived the 1 s window: exit 3
        [ "$rc" -eq 3 ] || fail "run $i: complete recording but exit $rc"
        grep -q "PARTIAL" "$TMP/rep" && fail "run $i: complete recording marked partial"
    fi
    rm -rf "$out"
done
echo "50 runs: $partial partial, $complete complete; the slowest ended $maxlat ms after its signal"
[ "$partial" -gt 10 ] || fail "only $partial runs were interrupted in the window"

# the shortest interval (1 ms): a signal in the window ends it as soon
for i in 1 2 3 4 5; do
    out=$TMP/fast$i
    "$XG" record --platform cgroup -q --cgroup machine.slice/xg-sig50 --exec local \
        -i 0.001 -d 4 -o "$out" -- sleep 10 2> "$TMP/err" &
    pid=$!
    sleep "$(awk -v r=$RANDOM 'BEGIN{printf "%.3f", 0.3 + r % 2500 / 1000}')"
    t0=$(date +%s%N)
    kill -TERM "$pid"
    rc=0; wait "$pid" || rc=$?
    lat=$(( ($(date +%s%N) - t0) / 1000000 ))
    [ "$rc" -eq 143 ] || fail "1 ms interval, run $i: exit $rc: $(cat "$TMP/err")"
    [ "$lat" -le 1500 ] || fail "1 ms interval, run $i: ended $lat ms after SIGTERM"
    "$XG" report "$out" > /dev/null || fail "1 ms interval, run $i: report failed"
    echo "1 ms interval, run $i: $(sqlite3 "$out/recording.db" "select count(*) from ticks") ticks, ended $lat ms after SIGTERM"
done

# while the reports of a large run are written: 60 cgroups at 200 Hz; the
# signal as soon as report.csv is being written
cg_make "machine.slice/xg-sigbig-$$" # first: removed last
for k in $(seq 1 60); do cg_make "machine.slice/xg-sigbig-$$/c$k"; done
out=$TMP/big
"$XG" run --platform cgroup -q --cgroup-parent "machine.slice/xg-sigbig-$$" --nocache \
    -i 0.005 -d 4 -o "$out" > /dev/null 2> "$TMP/err" &
pid=$!
while [ ! -e "$out/report.csv" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.001; done
t0=$(date +%s%N)
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
lat=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "reports: SIGTERM while report.csv was written: exit $rc after $lat ms"
[ "$rc" -eq 143 ] || fail "reports: exit $rc: $(cat "$TMP/err")"
[ "$lat" -le 1000 ] || fail "reports: ended $lat ms after SIGTERM"
grep -q "stopped while writing the reports; the recording is complete" "$TMP/err" \
    || fail "reports: not said: $(cat "$TMP/err")"
[ -e "$out/report.csv" ] && fail "reports: the report.csv being written was left"
[ -s "$out/report.txt" ] || fail "reports: report.txt, written before, is gone"
[ "$(sqlite3 "$out/recording.db" "select value from meta where key='partial'")" = 0 ] \
    || fail "reports: the recording is not complete"
"$XG" report "$out" -f csv > /dev/null || fail "reports: report cannot read the recording"
echo "PASS"

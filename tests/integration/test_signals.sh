#!/bin/bash
# test_signals.sh — 50 runs interrupted by SIGINT or SIGTERM at random
# moments, some during the final write and the report: every run leaves
# either a complete recording or a partial one that `report` reads, and the
# report says which. No half-written recording is ever left in place.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
cg_make machine.slice/xg-sig50
RANDOM=${XG_SEED:-4242}
partial=0 complete=0
for i in $(seq 1 50); do
    out=$TMP/r$i
    sig=INT; [ $((RANDOM % 2)) -eq 1 ] && sig=TERM
    delay=$(awk -v r=$RANDOM 'BEGIN{printf "%.3f", 0.05 + r % 1450 / 1000}')
    "$XG" run --platform cgroup -q --cgroup machine.slice/xg-sig50 --exec local -i 0.1 -d 1 \
        -o "$out" -- sleep 3 > /dev/null 2> "$TMP/err" &
    pid=$!
    sleep "$delay"
    kill -s "$sig" "$pid" 2>/dev/null || true
    rc=0; wait "$pid" || rc=$?
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
        [ "$rc" -eq 0 ] || fail "run $i: complete recording but exit $rc"
        grep -q "PARTIAL" "$TMP/rep" && fail "run $i: complete recording marked partial"
    fi
    rm -rf "$out"
done
echo "50 runs: $partial partial, $complete complete"
[ "$partial" -gt 10 ] || fail "only $partial runs were interrupted in the window"
echo "PASS"

#!/bin/bash
# test_sigpipe.sh — standard output read by something that stops early
# (`| head -n 1`) or never reads (`| true`): not an error. run still writes
# all three report files and exits 0; report and list exit 0; nothing is
# said on stderr.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
for i in $(seq 1 40); do cg_make "machine.slice/xg-pipe/d$i"; done
set +o pipefail # PIPESTATUS is read by hand below

# run: the reader is gone long before the report is printed
"$XG" run --platform cgroup -q --cgroup-parent machine.slice/xg-pipe -i 0.1 -d 2 \
    -o "$TMP/a" 2> "$TMP/err" | true
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] || fail "run | true: exit $rc: $(cat "$TMP/err")"
[ ! -s "$TMP/err" ] || fail "run | true said: $(cat "$TMP/err")"
for f in report.txt report.csv report.json; do
    [ -s "$TMP/a/$f" ] || fail "run | true: $f not written"
done

# report: more than a pipe holds (64 KiB), so writes fail after head exits
for fmt in csv json; do
    size=$(wc -c < "$TMP/a/report.$fmt")
    [ "$size" -gt 131072 ] || fail "report.$fmt is only $size bytes: too small to fill the pipe"
    "$XG" report --format $fmt "$TMP/a/recording.db" 2> "$TMP/err" | head -n 1 > "$TMP/first"
    rc=${PIPESTATUS[0]}
    [ "$rc" -eq 0 ] || fail "report --format $fmt | head: exit $rc: $(cat "$TMP/err")"
    [ ! -s "$TMP/err" ] || fail "report --format $fmt | head said: $(cat "$TMP/err")"
    [ "$(cat "$TMP/first")" = "$(head -n 1 "$TMP/a/report.$fmt")" ] || fail "report --format $fmt | head: wrong first line"
done
"$XG" report "$TMP/a/recording.db" 2> "$TMP/err" | (exec 0<&-; sleep 0.3)
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] && [ ! -s "$TMP/err" ] || fail "report into a closed pipe: exit $rc: $(cat "$TMP/err")"

# list
"$XG" list --platform cgroup --cgroup-parent machine.slice/xg-pipe 2> "$TMP/err" | (exec 0<&-; sleep 0.3)
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] && [ ! -s "$TMP/err" ] || fail "list into a closed pipe: exit $rc: $(cat "$TMP/err")"
echo "PASS"

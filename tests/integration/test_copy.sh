#!/bin/bash
# test_copy.sh — a recording copied to another folder gives the same report
# there, in all three formats; record writes no report.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
cg_make machine.slice/xg-it-copy
"$XG" run --platform cgroup -q --cgroup machine.slice/xg-it-copy --exec local -i 0.25 -d 1.5 \
    -o "$TMP/a" -- "$here/load.sh" 1 "$TMP" > /dev/null || fail "run exited $?"
mkdir "$TMP/elsewhere"
cp "$TMP/a/recording.db" "$TMP/elsewhere/copy.db"
cd "$TMP/elsewhere"
"$XG" report copy.db > r.txt || fail "report exited $?"
"$XG" report --format csv copy.db > r.csv
"$XG" report --format json copy.db > r.json
cmp r.txt "$TMP/a/report.txt" || fail "text report differs"
cmp r.csv "$TMP/a/report.csv" || fail "csv report differs"
cmp r.json "$TMP/a/report.json" || fail "json report differs"
"$XG" record --platform cgroup -q --cgroup machine.slice/xg-it-copy -i 0.5 -d 1 -o "$TMP/rec" || fail "record exited $?"
[ -s "$TMP/rec/recording.db" ] || fail "record wrote no recording"
[ ! -e "$TMP/rec/report.txt" ] || fail "record wrote a report"
"$XG" report "$TMP/rec/recording.db" | head -n 1 | grep -q "xengatherer report" \
    || fail "report of record's recording, piped into head"
# --nocpu / --nodisk: the family is neither collected nor reported
"$XG" record --platform cgroup -q --cgroup machine.slice/xg-it-copy --nocpu -i 0.5 -d 1 -o "$TMP/nocpu" || fail "--nocpu exited $?"
[ "$(sqlite3 "$TMP/nocpu/recording.db" "select count(*) from series where family='cpu'")" -eq 0 ] || fail "--nocpu collected cpu"
[ "$(sqlite3 "$TMP/nocpu/recording.db" "select count(*) from series where family='disk'")" -gt 0 ] || fail "--nocpu lost disk"
"$XG" report "$TMP/nocpu/recording.db" > "$TMP/nocpu.txt"
grep -q "^CPU " "$TMP/nocpu.txt" && fail "--nocpu report has a CPU section"
grep -q "^DISK " "$TMP/nocpu.txt" || fail "--nocpu report lost the DISK section"
"$XG" record --platform cgroup -q --cgroup machine.slice/xg-it-copy --nodisk -i 0.5 -d 1 -o "$TMP/nodisk" || fail "--nodisk exited $?"
[ "$(sqlite3 "$TMP/nodisk/recording.db" "select count(*) from series where family in ('disk','hostdisk')")" -eq 0 ] || fail "--nodisk collected disk"
"$XG" report "$TMP/nodisk/recording.db" > "$TMP/nodisk.txt"
grep -q "^DISK " "$TMP/nodisk.txt" && fail "--nodisk report has a DISK section"
grep -q "^CPU " "$TMP/nodisk.txt" || fail "--nodisk report lost the CPU section"
echo "PASS"

#!/bin/bash
# test_copy.sh — a recording copied to another folder gives the same report
# there, in all three formats; record writes no report.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
cg_make machine.slice/xg-it-copy
"$XG" run -q --cgroup machine.slice/xg-it-copy --exec local -i 0.25 -d 1.5 \
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
"$XG" record -q --cgroup machine.slice/xg-it-copy -i 0.5 -d 1 -o "$TMP/rec" || fail "record exited $?"
[ -s "$TMP/rec/recording.db" ] || fail "record wrote no recording"
[ ! -e "$TMP/rec/report.txt" ] || fail "record wrote a report"
"$XG" report "$TMP/rec/recording.db" | head -n 1 | grep -q "xengatherer report" \
    || fail "report of record's recording, piped into head"
echo "PASS"

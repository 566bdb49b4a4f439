#!/bin/bash
# test_badrecording.sh — `report` on a real recording edited with sqlite3 or
# cut short, as one carried from another machine might be: a newer format,
# rows removed, values out of range (time going backwards, a workload that
# ends before it starts), unknown series, and the file cut at every 4 KiB
# boundary. Each either reports or fails with exit 2 and one line naming the
# file; nothing crashes. A counter that goes backwards is read as a reset.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
cg_make machine.slice/xg-badrec/a
"$XG" run --platform cgroup -q --cgroup-parent machine.slice/xg-badrec --exec local -i 0.25 -d 1 \
    -o "$TMP/r" -- sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done' > /dev/null || fail "run exited $?"
R=$TMP/r/recording.db
X=$TMP/x.db
q() { sqlite3 "$R" "$1"; }
usage=$(q "select s.id from series s join domains d on d.id = s.domain_id
           where d.name = 'a' and s.family = 'cpu' and s.device = '' and s.metric = 'usage'")
[ -n "$usage" ] || fail "no cpu usage series for a"
# the edits below remove or move ticks 1 and 2: a slow machine (valgrind)
# records fewer than the 5 ticks of a 1 s window at 0.25 s, but at least 3
ticks=$(q "select count(*) from ticks")
[ "$ticks" -ge 3 ] || fail "the recording has $ticks ticks, fewer than 3"

# bad DESC SQL PATTERN — the edited copy is refused: exit 2, one line naming
# the file and matching PATTERN, nothing on stdout
bad() {
    cp "$R" "$X"; sqlite3 "$X" "$2" || fail "$1: sqlite3 failed"
    local rc=0; "$XG" report "$X" > "$TMP/out" 2> "$TMP/err" || rc=$?
    [ "$rc" -eq 2 ] || fail "$1: exit $rc, expected 2 ($(cat "$TMP/err"))"
    [ "$(wc -l < "$TMP/err")" -eq 1 ] || fail "$1: stderr is not one line: $(cat "$TMP/err")"
    grep -qF -- "$X: " "$TMP/err" || fail "$1: the file is not named: $(cat "$TMP/err")"
    grep -qE -- "$3" "$TMP/err" || fail "$1: '$(cat "$TMP/err")' does not match '$3'"
    [ ! -s "$TMP/out" ] || fail "$1: something was printed"
}
bad "newer format" "update meta set value = '4' where key = 'format_version'" \
    "recording format 4 is newer than this xengatherer understands \(3\)"
# a newer format that says format 1 can read it, with a family this build
# does not know: the rest is reported, one line says what was left out
cp "$R" "$X"
sqlite3 "$X" "update meta set value = '4' where key = 'format_version';
    insert into meta values ('format_compat', '1');
    update meta set value = value || ',gpu' where key = 'families';
    insert into series (id, domain_id, family, device, metric, unit)
        select 99999, domain_id, 'gpu', '', 'busy', 'ns' from series limit 1" || fail "sqlite3 failed"
"$XG" report "$X" > "$TMP/out" 2> "$TMP/err" || fail "a newer but compatible format was refused: $(cat "$TMP/err")"
grep -q "^CPU" "$TMP/out" || fail "the CPU section is missing from a newer format's report"
grep -qx "note: recording format 4, newer than this xengatherer's (3): what it added is not shown; families this xengatherer does not know are not shown: gpu; series this xengatherer does not know are not shown (left out: gpu.busy)" "$TMP/out" \
    || fail "no left-out line: $(tail -3 "$TMP/out")"
"$XG" report --format json "$X" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert "gpu" in d["left_out"], d["left_out"]' \
    || fail "JSON's left_out does not name gpu"
bad "newer format, compat 4" "update meta set value = '5' where key = 'format_version';
    insert into meta values ('format_compat', '4')" \
    "recording format 5 is newer than this xengatherer understands \(3\)"
bad "bad format text" "update meta set value = 'one' where key = 'format_version'" "bad format_version 'one'"
bad "no magic" "delete from meta where key = 'magic'" "not an xengatherer recording \(no magic\)"
bad "sample of an unknown series" "insert into samples values (9999, 0, 1)" "sample for unknown series 9999"
bad "series rows removed" "delete from series where id = $usage" "sample for unknown series $usage"
bad "domain row removed" "delete from domains where name = 'a'" "series [0-9]+ for unknown domain"
bad "tick row removed" "delete from ticks where seq = 1" "tick 2 where tick 1 was expected"
bad "time going backwards" "update ticks set mono_ns = mono_ns - 1000000000 where seq = 2" \
    "tick 2 is not later than the tick before it"
bad "workload ends before it starts" "update workloads set end_ns = start_ns - 1" "workload [0-9]+ ends before it starts"
bad "sample past the last tick" "insert into samples values ($usage, 99, 1)" "past the last tick"
bad "repetitions not numbered from 1" "insert into repetitions values (2, 0, 1, 0, 'whole')" \
    "repetition 2 where repetition 1 was expected"
bad "repetition past the last tick" "insert into repetitions values (1, 0, 99, 0, 'whole')" \
    "repetition 1: last_tick 99 out of range"
bad "repetitions overlapping" "insert into repetitions values (1, 0, 2, 0, 'whole'), (2, 1, 2, 0, 'whole')" \
    "repetition 2: first_tick 1 out of range"
bad "workload of no repetition" "insert into repetitions values (1, 0, 2, 0, 'whole'); update workloads set rep = 2" \
    "workload [0-9]+: rep 2 out of range"
bad "vcpus out of range" "update domains set vcpus = -3 where name = 'a'" "vcpus -3 out of range"
bad "a table dropped" "drop table workloads" "no such table: workloads"
bad "a value of the wrong type" "update samples set value = 'x' where series_id = $usage and tick = 1" \
    "value is not an integer"
# the workloads' output (this run's command printed nothing: rows added)
bad "output of an unknown workload" "insert into outputs values (77, 'stdout', 3, x'616263')" \
    "output of workload 77: no such workload"
bad "output tail longer than the stream" "insert into outputs values (0, 'stderr', 2, x'616263')" \
    "output of workload 0: .*longer than the stream"
bad "output size out of range" "insert into outputs values (0, 'stdout', -5, x'')" \
    "output of workload 0: total_bytes -5 out of range"

# good DESC SQL — the edited copy still reports: exit 0, stderr empty
good() {
    cp "$R" "$X"; sqlite3 "$X" "$2" || fail "$1: sqlite3 failed"
    local rc=0; "$XG" report --format csv "$X" > "$TMP/csv" 2> "$TMP/err" || rc=$?
    [ "$rc" -eq 0 ] && [ ! -s "$TMP/err" ] || fail "$1: exit $rc: $(cat "$TMP/err")"
}
good "output added by hand" "insert into outputs values (0, 'stdout', 9, x'6f6b')"
grep -q . "$TMP/csv" || fail "output added by hand: no CSV"
good "a recording made before outputs were kept" "drop table outputs"
# samples removed: the series has a gap, the window figure uses the rest
good "samples removed" "delete from samples where series_id = $usage and tick in (1, 2)"
v=$(csv_get "$TMP/csv" cpu a "" cpu_s)
fcmp "$v" '>=' 0 || fail "samples removed: cpu_s '$v'"
good "all of a series' samples removed" "delete from samples where series_id = $usage"
[ "$(csv_get "$TMP/csv" cpu a "" cpu_s)" = "" ] || fail "no samples, yet a cpu_s"
# a counter going backwards (from tick 2 on, counting again from 1 ns, as
# a cgroup made anew) is a reset: the window's CPU time is what was used
# before plus after, never negative or huge
good "counter going backwards" "update samples set value = value + 1 -
    (select value from samples where series_id = $usage and tick = 2) where series_id = $usage and tick >= 2"
v=$(csv_get "$TMP/csv" cpu a "" cpu_s)
orig=$("$XG" report --format csv "$R" | awk -F, '$1=="window" && $2=="cpu" && $3=="a" && $5=="cpu_s" {print $8}')
echo "counter reset at tick 2: cpu_s $v (unedited $orig)"
fcmp "$v" '>=' 0 && fcmp "$v" '<=' "$orig" || fail "counter going backwards: cpu_s $v of $orig"

# the file cut at every 4 KiB boundary: exit 0 or 2 with one line naming
# the file (a cut at a page boundary can still hold a whole database)
size=$(stat -c %s "$R")
pages=$((size / 4096))
[ "$pages" -ge 4 ] || fail "recording of only $pages pages"
loaded=0
for k in $(seq 0 $((pages - 1))); do
    head -c $((k * 4096)) "$R" > "$X"
    rc=0; "$XG" report "$X" > /dev/null 2> "$TMP/err" || rc=$?
    case $rc in
    0) loaded=$((loaded + 1)) ;;
    2) [ "$(wc -l < "$TMP/err")" -eq 1 ] && grep -qF -- "$X: " "$TMP/err" \
           || fail "cut at $k pages: $(cat "$TMP/err")" ;;
    *) fail "cut at $k pages: exit $rc: $(cat "$TMP/err")" ;;
    esac
done
echo "cut at each of $pages page boundaries: $loaded loaded, $((pages - loaded)) refused"
echo "PASS"

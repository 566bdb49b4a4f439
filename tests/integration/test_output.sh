#!/bin/bash
# test_output.sh — what the workloads print: passed on to xengatherer's own
# stdout and stderr as before, and kept in the recording (the last 64 KiB of
# each stream, with its size in all), shown in report.json and, for a
# command that failed, its last stderr line in the text report. A command
# that prints more than the pipe holds is never held up, and a child it
# leaves behind holding the pipe does not hold up the end of the run.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
cg_make machine.slice/xg-wout/a
cg_make machine.slice/xg-wout/b
cat > "$TMP/job.sh" <<'EOS'
#!/bin/sh
# a: a short report and exit 0; b: 300 KiB on stdout at once, a last
# stderr line with an escape in it, a child holding stdout, exit 4
case $XG_DOMAIN in
a) echo "result: 42 ops/s"; echo "a warning" >&2 ;;
b) head -c 307200 /dev/zero | tr '\0' 'x'; echo; echo "END-OF-B"
   (sleep 30 &) ; printf 'first\nb failed: \033[31mdisk full\n' >&2; exit 4 ;;
esac
EOS
chmod +x "$TMP/job.sh"
# the child b leaves behind is ended by its cgroup, not by name
kill_left() {
    local h p
    for h in $(cg_hierarchies); do
        while read -r p; do kill "$p" 2>/dev/null || true; done \
            < "$h/machine.slice/xg-wout/b/cgroup.procs"
    done
}
trap 'kill_left; cg_cleanup' EXIT
start=$(date +%s%N)
rc=0
"$XG" run --platform cgroup -q --cgroup-parent machine.slice/xg-wout --exec local \
    --until-done -d 20 -i 0.2 -o "$TMP/r" -- "$TMP/job.sh" > "$TMP/out" 2> "$TMP/err" \
    || rc=$?
[ "$rc" -eq 3 ] || fail "run exited $rc, expected 3 (b exits 4): $(cat "$TMP/err")"
took=$(( ($(date +%s%N) - start) / 1000000 ))
echo "run took $took ms"
[ "$took" -lt 8000 ] || fail "the run took $took ms: held up by the output or the child left behind"
# passed on as before
grep -qx "result: 42 ops/s" "$TMP/out" || fail "a's stdout was not passed on"
grep -qx "END-OF-B" "$TMP/out" || fail "b's stdout was not passed on"
grep -qx "a warning" "$TMP/err" || fail "a's stderr was not passed on"
xs=$(grep -E '^x+$' "$TMP/out" | tr -cd x | wc -c)
[ "$xs" -eq 307200 ] || fail "b's 300 KiB did not all come through: $xs bytes"
# kept in the recording: sizes in all, the tail of each
db=$TMP/r/recording.db
q() { sqlite3 "$db" "select $1 from outputs o join workloads w on w.id=o.workload_id join domains d on d.id=w.domain_id where d.name='$2' and o.stream='$3'"; }
[ "$(q total_bytes a stdout)" = 17 ] || fail "a's stdout size: $(q total_bytes a stdout)"
[ "$(q "cast(tail as text)" a stdout)" = "result: 42 ops/s" ] || fail "a's stdout tail: $(q "cast(tail as text)" a stdout)"
[ "$(q total_bytes b stdout)" = 307210 ] || fail "b's stdout size: $(q total_bytes b stdout)"
[ "$(q "length(tail)" b stdout)" = 65536 ] || fail "b's stdout tail is $(q "length(tail)" b stdout) bytes, not 64 KiB"
[ "$(q "hex(substr(tail, -9))" b stdout)" = "$(printf 'END-OF-B\n' | xxd -p | tr a-f A-F)" ] \
    || fail "b's stdout tail does not end with its last line"
# the report: JSON has both streams of both, the text the failed one's line
json_get "$TMP/r/report.json" "[(w['domain'], w['stdout']['bytes'], w['stderr']['bytes']) for w in j['workloads']]" > "$TMP/j"
grep -qF "('a', 17, 10)" "$TMP/j" && grep -qF "('b', 307210, 31)" "$TMP/j" || fail "report.json: $(cat "$TMP/j")"
[ "$(json_get "$TMP/r/report.json" "[w['stdout']['tail'] for w in j['workloads'] if w['domain']=='b'][0][-9:]")" = "END-OF-B" ] \
    || fail "report.json's tail of b's stdout"
grep -q "^output: the commands wrote 300.0 KiB on stdout and 41 B on stderr" "$TMP/r/report.txt" \
    || fail "no output line in report.txt: $(grep -n output "$TMP/r/report.txt")"
grep -qF "note: b: its command's stderr ends: b failed: ?[31mdisk full" "$TMP/r/report.txt" \
    || fail "b's last stderr line is not in report.txt (safely): $(grep -n 'stderr ends' "$TMP/r/report.txt" | cat -v)"
grep -q "note: a:" "$TMP/r/report.txt" && fail "a exited 0: its stderr is not a failure"
# and the report made again from the recording says the same
"$XG" report "$db" > "$TMP/again.txt" || fail "report exited $?"
grep -qF "note: b: its command's stderr ends: b failed: ?[31mdisk full" "$TMP/again.txt" || fail "report from the recording lost the output"
echo "PASS"

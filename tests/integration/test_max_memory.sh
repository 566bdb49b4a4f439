#!/bin/bash
# test_max_memory.sh — --max-memory: a tiny bound and a short interval make
# the run flush samples to the recording several times while it measures.
# The report says so, and no sample is lost: every series has a row at
# every tick of its span. Also with SIGINT after some flushes (a partial
# recording that report reads), and with the disk filling up mid-run (the
# flushing stops, and the rescue copy holds every sample).
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
# names of this run's own: another copy of this test (a second build tree
# checked at the same time) must not remove them under it
a=xg-mm-$$-a b=xg-mm-$$-b
cg_make "machine.slice/$a"
cg_make "machine.slice/$b"
# both cgroups, 50 Hz, a 32K bound
opts=(--platform cgroup -q --cgroup "machine.slice/$a" --cgroup "machine.slice/$b"
      --exec local -i 0.02 --max-memory 32K)
q() { sqlite3 "$1" "$2"; }
meta() { q "$1" "select value from meta where key='$2'"; }

# check_complete DB — every series: as many samples as ticks from its first
# to its last; the watched cgroups' series span the whole window.
check_complete() {
    local db=$1 last holes short
    last=$(q "$db" "select max(seq) from ticks")
    holes=$(q "$db" "select count(*) from (select series_id, count(*) c,
        min(tick) t0, max(tick) t1 from samples group by series_id)
        where c != t1 - t0 + 1")
    [ "$holes" -eq 0 ] || fail "$db: $holes series miss samples inside their span"
    short=$(q "$db" "select count(*) from series s join domains d on d.id = s.domain_id
        where d.name in ('$a', '$b') and s.family = 'cpu' and
        (select count(*) from samples v where v.series_id = s.id) != $last + 1")
    [ "$short" -eq 0 ] || fail "$db: $short cgroup cpu series lack ticks of 0..$last"
    [ "$(q "$db" "select count(*) from series s join domains d on d.id = s.domain_id
        where d.name in ('$a', '$b') and s.family = 'cpu'")" -ge 2 ] \
        || fail "$db: the cgroups' cpu series are missing"
}

# 1. a whole run: several flushes, said in the report, nothing lost
out=$TMP/whole
"$XG" run "${opts[@]}" -d 5 -o "$out" -- sleep 1 > "$TMP/stdout" || fail "run exited $?"
db=$out/recording.db
chunks=$(meta "$db" spill_chunks)
flushed=$(meta "$db" spilled_samples)
total=$(q "$db" "select count(*) from samples")
echo "whole run: $(q "$db" "select count(*) from ticks") ticks, $total samples," \
     "$flushed flushed in $chunks chunks, pause max $(meta "$db" spill_pause_max_ns) ns," \
     "writer $(meta "$db" spill_write_ns) ns"
[ "${chunks:-0}" -ge 3 ] || fail "only ${chunks:-no} chunks flushed"
[ "$flushed" -gt 0 ] && [ "$flushed" -lt "$total" ] || fail "flushed $flushed of $total"
[ "$(meta "$db" max_memory)" = 32768 ] || fail "max_memory not recorded"
meta "$db" spill_priority | grep -q "nice 19" || fail "writer priority: $(meta "$db" spill_priority)"
grep -qE "^flushed: $flushed samples were flushed to the recording during the run \($chunks chunks\) because of --max-memory 32K" \
    "$out/report.txt" || fail "report does not say it: $(grep flushed "$out/report.txt")"
cmp -s "$TMP/stdout" "$out/report.txt" || fail "printed report differs from report.txt"
check_complete "$db"
ls "$out"/*.partial-* >/dev/null 2>&1 && fail "a temporary file was left"
"$XG" report "$db" | grep -q "^CPU " || fail "report cannot read it"

# 2. SIGINT after a few flushes: a partial recording, complete up to the stop
out=$TMP/sigint
"$XG" record "${opts[@]}" -d 30 -o "$out" -- sleep 67 2> "$TMP/err" &
pid=$!
sleep 3
kill -INT "$pid"
rc=0; wait "$pid" || rc=$?
[ "$rc" -eq 130 ] || fail "SIGINT: exit $rc: $(cat "$TMP/err")"
db=$out/recording.db
[ "$(meta "$db" partial)" = 1 ] || fail "SIGINT: not marked partial"
[ "$(meta "$db" spill_chunks)" -ge 3 ] || fail "SIGINT: only $(meta "$db" spill_chunks) chunks before the stop"
"$XG" report "$db" > "$TMP/rep" || fail "SIGINT: report failed"
grep -q "^PARTIAL: interrupted by SIGINT" "$TMP/rep" || fail "SIGINT: report not marked partial"
grep -q "^flushed: .* because of --max-memory 32K" "$TMP/rep" || fail "SIGINT: report does not say it"
check_complete "$db"
ls "$out"/*.partial-* >/dev/null 2>&1 && fail "SIGINT: a temporary file was left"
[ "$(q "$db" "select count(*) from workloads where state = 'terminated'")" -eq 2 ] \
    || fail "SIGINT: workloads $(q "$db" "select group_concat(state) from workloads")"
echo "SIGINT: $(q "$db" "select count(*) from ticks") ticks, $(meta "$db" spilled_samples) samples flushed"

# 3. the disk fills up mid-run: flushing stops (said once on stderr), the
# final write fails, and the rescue copy in $TMPDIR has every sample,
# those flushed before the disk filled included. Without checkpoints
# nothing is left in the folder; with them, the recording stays there as
# its last checkpoint left it (readable, marked), beside the rescue copy.
full_disk() { # $1 = --checkpoint value, $2 = the disk's size
    local ck=$1 rc=0 rescue
    mkdir -p "$TMP/full" "$TMP/rescue"
    mount -t tmpfs -o size="$2" tmpfs "$TMP/full"
    TMPDIR=$TMP/rescue "$XG" record "${opts[@]}" --checkpoint "$ck" -d 5 \
        -o "$TMP/full/out" 2> "$TMP/err" || rc=$?
    ls "$TMP/full/out" > "$TMP/left"
    if [ "$ck" != 0 ] && [ -f "$TMP/full/out/recording.db" ]; then
        cp "$TMP/full/out/recording.db" "$TMP/left.db"
        "$XG" report "$TMP/left.db" > "$TMP/left.rep" \
            || fail "full disk, checkpoints: the recording left in place is unreadable"
        grep -q "^PARTIAL: ended without stopping: last checkpoint at" "$TMP/left.rep" \
            || fail "full disk, checkpoints: left recording not marked: $(grep PARTIAL "$TMP/left.rep")"
    fi
    umount "$TMP/full"
    [ "$rc" -eq 1 ] || fail "full disk ($ck): exit $rc: $(cat "$TMP/err")"
    if [ "$ck" = 0 ]; then
        grep -q "flushing samples during the run failed: .*full" "$TMP/err" \
            || fail "full disk: flush failure not said: $(cat "$TMP/err")"
        [ -s "$TMP/left" ] && fail "full disk: left behind: $(cat "$TMP/left")"
    else
        grep -q "writing a checkpoint during the run failed: .*full" "$TMP/err" \
            || fail "full disk, checkpoints: failure not said: $(cat "$TMP/err")"
        [ "$(cat "$TMP/left")" = recording.db ] \
            || fail "full disk, checkpoints: folder holds: $(cat "$TMP/left")"
    fi
    rescue=$(grep -o "saved to [^ ;]*" "$TMP/err" | cut -d' ' -f3)
    [ -n "$rescue" ] && [ -f "$rescue" ] || fail "full disk ($ck): no rescue copy: $(cat "$TMP/err")"
    [ "$(meta "$rescue" "$([ "$ck" = 0 ] && echo spill_chunks || echo checkpoints)")" -ge 1 ] \
        || fail "full disk ($ck): nothing was written before it filled"
    "$XG" report "$rescue" | grep -q "^flushed: .*(flushing failed: .*full)" \
        || fail "full disk ($ck): rescue report does not say it"
    check_complete "$rescue"
    echo "full disk (--checkpoint $ck): $(meta "$rescue" spill_chunks) chunks," \
         "$(meta "$rescue" checkpoints) checkpoints written before it filled, rescue complete"
    rm -rf "$TMP/full" "$TMP/rescue"
}
# the first checkpoint (15 pages, 60 KiB: the tables, the environment's
# meta) and its journal must fit before the samples fill the rest
full_disk 0 96k
full_disk 10 192k
echo "PASS"

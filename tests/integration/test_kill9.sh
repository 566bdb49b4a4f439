#!/bin/bash
# test_kill9.sh — runs killed with SIGKILL (what the OOM killer, a crash or
# `kill -9` do) at random moments and in chosen places: during start-up,
# sampling, a checkpoint's transaction, a --max-memory flush (an early
# checkpoint) and the final write. Each leaves either no recording (killed
# before the first checkpoint, which comes right after the baseline tick)
# or one that `report` reads and `PRAGMA integrity_check` passes: complete,
# or marked "ended without stopping" and holding every tick up to its last
# checkpoint, that checkpoint no older than --checkpoint (plus slack) at
# the kill. Then copies of the output folder taken at random moments of
# runs that go on (the process stopped for the copy: the files as a power
# cut at that moment would leave them) each open and read the same way.
# XG_KILL9_RUNS (default 50) sets how many killed runs; XG_SEED the draw.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
a=xg-k9-$$-a b=xg-k9-$$-b
cg_make "machine.slice/$a"
cg_make "machine.slice/$b"
build_standin "pause();"
# the killed runs' commands (sleep 60, orphaned) and the stand-ins go too
kill_left() {
    local h p
    for h in $(cg_hierarchies); do
        for p in $(cat "$h/machine.slice/$a/cgroup.procs" "$h/machine.slice/$b/cgroup.procs" 2>/dev/null); do
            kill -KILL "$p" 2>/dev/null || true
        done
    done
    pkill -KILL -f "xg-k9-$$-vm" 2>/dev/null || true
}
trap 'kill_left; cg_cleanup' EXIT
RANDOM=${XG_SEED:-9009}
runs=${XG_KILL9_RUNS:-50}
CK=0.3 # --checkpoint of most runs: several per window
q() { sqlite3 "$1" "$2"; }
meta() { q "$1" "select value from meta where key='$2'"; }
now_ns() { date +%s%N; }
cg_opts=(--platform cgroup -q --cgroup "machine.slice/$a"
         --cgroup "machine.slice/$b" --exec local)

# check_rec DIR KILL_NS CK WHAT — the folder a killed run left.
check_rec() {
    local dir=$1 kill_ns=$2 ck=$3 what=$4 db=$1/recording.db last n holes
    local short p why lag_ms
    if [ ! -f "$db" ]; then
        none=$((none + 1))
        echo "$what: no recording (killed before the first checkpoint)"
        [ -z "$(ls "$dir" 2>/dev/null | grep -v '\.partial-')" ] \
            || fail "$what: left $(ls "$dir")"
        return
    fi
    local was_hot=0
    is_hot "$db-journal" && { hot=$((hot + 1)); was_hot=1; }
    "$XG" report "$dir" > "$TMP/rep" 2> "$TMP/rep.err" \
        || fail "$what: report cannot read it: $(cat "$TMP/rep.err")"
    # a hot journal is rolled back by the read (one whose header was not
    # written yet is not hot: the file was not touched, SQLite ignores it)
    is_hot "$db-journal" && fail "$what: the hot journal is still there after report"
    [ "$(q "$db" "pragma integrity_check")" = ok ] || fail "$what: integrity_check failed"
    last=$(q "$db" "select max(seq) from ticks")
    n=$(q "$db" "select count(*) from ticks")
    [ -n "$last" ] && [ "$n" -eq $((last + 1)) ] || fail "$what: ticks 0..$last but $n rows"
    holes=$(q "$db" "select count(*) from (select series_id, count(*) c,
        min(tick) t0, max(tick) t1 from samples group by series_id)
        where c != t1 - t0 + 1")
    [ "$holes" -eq 0 ] || fail "$what: $holes series miss samples inside their span"
    # the watched domains' cpu series have every tick of the recording
    short=$(q "$db" "select count(*) from series s join domains d on d.id = s.domain_id
        where d.is_host = 0 and s.family = 'cpu' and s.metric = 'usage' and
        (select count(*) from samples v where v.series_id = s.id) != $n")
    [ "$short" -eq 0 ] || fail "$what: $short domain cpu series lack ticks of 0..$last"
    p=$(meta "$db" partial)
    why=$(meta "$db" partial_reason)
    if [ "$p" = 0 ]; then
        complete=$((complete + 1))
        grep -q PARTIAL "$TMP/rep" && fail "$what: complete recording marked partial"
    else
        partial=$((partial + 1))
        case $why in "ended without stopping: last checkpoint at "*) ;;
            *) fail "$what: partial for '$why'";; esac
        grep -q "^PARTIAL: ended without stopping: last checkpoint at" "$TMP/rep" \
            || fail "$what: the report does not say it ended without stopping"
        # what was lost: the time from the last tick kept to the kill
        lag_ms=$(( (kill_ns - $(q "$db" "select wall_ns from ticks where seq = $last")) / 1000000 ))
        [ "$lag_ms" -le "$(awk -v c="$ck" 'BEGIN{print int(c * 1000 + 1500)}')" ] \
            || fail "$what: the last checkpoint is $lag_ms ms older than the kill (--checkpoint $ck)"
        [ "$lag_ms" -gt "$maxlag" ] && maxlag=$lag_ms
    fi
    echo "$what: $n ticks, partial=$p${lag_ms:+, $lag_ms ms before the kill}$([ "$was_hot" = 1 ] && echo ', hot journal rolled back')"
}

# is_hot JOURNAL — SQLite's journal with its header written: the database
# file may have been changed under it (a zeroed magic means not yet)
is_hot() {
    [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" != 0000000000000000 ]
}

# spin_kill PID FILE — SIGKILL as soon as FILE exists (a transaction is
# under way: the journal is there only during one); 0 when it did.
spin_kill() {
    local end=$((SECONDS + 8))
    while [ ! -e "$2" ]; do
        kill -0 "$1" 2>/dev/null || return 1
        [ "$SECONDS" -ge "$end" ] && return 1
    done
    kill -KILL "$1"
}

# a bad --checkpoint is refused before anything starts
rc=0; "$XG" record "${cg_opts[@]}" --checkpoint -1 -o "$TMP/bad" 2> "$TMP/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q -- "--checkpoint '-1'" "$TMP/err" && [ ! -e "$TMP/bad" ] \
    || fail "--checkpoint -1: exit $rc: $(cat "$TMP/err")"

# two stand-in VMs for the qemu platform's runs
for v in a b; do
    (exec -a qemu-system-x86_64 "$TMP/standin" -name "xg-k9-$$-vm$v" \
        -uuid "$(cat /proc/sys/kernel/random/uuid)" -nodefaults > /dev/null 2>&1) &
    echo "xg-k9-$$-vm$v" >> "$TMP/vms"
done
sleep 0.2

none=0 partial=0 complete=0 hot=0 maxlag=0 mid=0 starts=0
for i in $(seq 1 "$runs"); do
    out=$TMP/k$i
    rm -rf "$out"
    mode=$((i % 6))
    case $mode in
    0) # start-up: within the first 60 ms
        "$XG" record "${cg_opts[@]}" -i 0.02 -d 1.5 --checkpoint "$CK" -o "$out" -- sleep 60 2> "$TMP/err" &
        pid=$!
        sleep "$(awk -v r=$RANDOM 'BEGIN{printf "%.3f", r % 60 / 1000}')"
        kill -KILL "$pid" 2>/dev/null || true; k=$(now_ns); what="run $i (start-up)" ;;
    1) # a random moment from start-up to after the window's end
        "$XG" record "${cg_opts[@]}" -i 0.02 -d 1.5 --checkpoint "$CK" -o "$out" -- sleep 60 2> "$TMP/err" &
        pid=$!
        sleep "$(awk -v r=$RANDOM 'BEGIN{printf "%.3f", r % 1900 / 1000}')"
        kill -KILL "$pid" 2>/dev/null || true; k=$(now_ns); what="run $i (random)" ;;
    5) # the qemu platform (stand-in VMs), a random moment
        "$XG" record --platform qemu -q --vmfile "$TMP/vms" -i 0.02 -d 1.5 --checkpoint "$CK" -o "$out" 2> "$TMP/err" &
        pid=$!
        sleep "$(awk -v r=$RANDOM 'BEGIN{printf "%.3f", r % 1900 / 1000}')"
        kill -KILL "$pid" 2>/dev/null || true; k=$(now_ns); what="run $i (qemu, random)" ;;
    2) # inside a checkpoint's transaction, once the window runs
        "$XG" record "${cg_opts[@]}" -i 0.02 -d 3 --checkpoint "$CK" -o "$out" -- sleep 60 2> "$TMP/err" &
        pid=$!
        await_window "$out"
        sleep "0.$((RANDOM % 9 + 1))"
        spin_kill "$pid" "$out/recording.db-journal" && mid=$((mid + 1))
        k=$(now_ns); what="run $i (in a checkpoint)" ;;
    3) # inside a --max-memory flush (an early checkpoint: 32K at 100 Hz)
        "$XG" record "${cg_opts[@]}" -i 0.01 -d 3 --max-memory 32K --checkpoint 60 -o "$out" -- sleep 60 2> "$TMP/err" &
        pid=$!
        await_window "$out"
        sleep "0.$((RANDOM % 9 + 1))"
        spin_kill "$pid" "$out/recording.db-journal" && mid=$((mid + 1))
        k=$(now_ns); what="run $i (in a flush)" ;;
    4) # inside the final write: one checkpoint at the start, then the end
        "$XG" run "${cg_opts[@]}" -i 0.02 -d 1 --checkpoint 60 -o "$out" -- sleep 60 > /dev/null 2> "$TMP/err" &
        pid=$!
        await_window "$out"
        sleep 0.9
        spin_kill "$pid" "$out/recording.db-journal" && mid=$((mid + 1))
        k=$(now_ns); what="run $i (in the final write)" ;;
    esac
    wait "$pid" 2>/dev/null || true
    case $mode in
    3|4) check_rec "$out" "$k" 60 "$what" ;;
    0) check_rec "$out" "$k" "$CK" "$what"; starts=$((starts + 1)) ;;
    *) check_rec "$out" "$k" "$CK" "$what" ;;
    esac
    rm -rf "$out"
done
echo "$runs SIGKILLed runs: $none before the first checkpoint, $partial ended" \
     "without stopping, $complete complete; $mid killed inside a transaction" \
     "($hot left a hot journal); the oldest last checkpoint $maxlag ms before its kill"
[ "$partial" -gt $((runs / 2)) ] || fail "only $partial of $runs runs were killed in the window"
[ "$mid" -gt 0 ] || fail "no kill landed inside a transaction"

# Copies taken while runs go on: stop the process (all its threads), copy
# the folder, let it go on; every copy reads, and the runs end whole.
copies=0
for i in 1 2 3; do
    out=$TMP/c$i
    "$XG" record "${cg_opts[@]}" -i 0.01 -d 3 --checkpoint 0.2 -o "$out" -- sleep 60 2> "$TMP/err" &
    pid=$!
    await_window "$out"
    for j in 1 2 3 4 5; do
        sleep "0.$((RANDOM % 5))"
        kill -STOP "$pid" 2>/dev/null || break
        k=$(now_ns)
        rm -rf "$TMP/copy"; cp -a "$out" "$TMP/copy"
        kill -CONT "$pid"
        copies=$((copies + 1))
        check_rec "$TMP/copy" "$k" 0.2 "copy $i.$j"
    done
    rc=0; wait "$pid" || rc=$?
    # its command (sleep 60) outlived the window: exit 3
    [ "$rc" -eq 3 ] || fail "run $i with copies taken exited $rc: $(cat "$TMP/err")"
    [ "$(meta "$out/recording.db" partial)" = 0 ] || fail "run $i with copies taken: not complete"
    "$XG" report "$out" > /dev/null || fail "run $i with copies taken: report failed"
done
echo "$copies copies taken mid-run: each read"
echo "PASS"

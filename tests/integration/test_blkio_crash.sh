#!/bin/bash
# test_blkio_crash.sh — the no-op blkio rules (cgroup v1) of a run killed
# with SIGKILL are removed by the next run's start, which says so in one
# line; a rule another live run relies on is left until that run stops.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
B=$CG_ROOT/blkio
grep -qE " $B cgroup " /proc/mounts || skip "no cgroup v1 blkio here"
x=machine.slice/xg-bc-x$$
z=machine.slice/xg-bc-z$$
cg_make "$x"
cg_make "$z"
bg=()
stop_bg() { local p; for p in "${bg[@]}"; do kill -9 "$p" 2>/dev/null || true; done; cg_cleanup; }
trap stop_bg EXIT

# start NAME CGROUP — a 60 s run in the background; returns once its rules
# are listed and written
start() {
    "$XG" run --platform cgroup -q --cgroup "$2" -i 0.5 -d 60 -o "$TMP/$1" \
        > /dev/null 2> "$TMP/$1.err" &
    pid=$!
    bg+=("$pid")
    for _ in $(seq 300); do
        [ -s "/run/xengatherer/blkio.$pid" ] && grep -q . "$B/$2/blkio.throttle.read_bps_device" && return 0
        sleep 0.05
    done
    fail "$1: no rule or no record after 15 s: $(cat "$TMP/$1.err")"
}
# (cgroup files have size 0: read them)
has_rule() { grep -q . "$B/$1/blkio.throttle.read_bps_device" && grep -q . "$B/$1/blkio.throttle.write_bps_device"; }
# short NAME — a 1 s run on z (its start cleans up)
short() {
    "$XG" run --platform cgroup -q --cgroup "$z" -i 0.5 -d 1 -o "$TMP/$1" \
        > /dev/null 2> "$TMP/$1.err" || fail "$1: run exited $?"
}

# 1. a run killed: its rule on x stays, until the next run starts
start a "$x"; a=$pid
kill -9 "$a"; wait "$a" 2>/dev/null || true
has_rule "$x" || fail "the killed run's rule is not there (nothing to test)"
[ -e "/run/xengatherer/blkio.$a" ] || fail "the killed run's record is gone"
short c1
has_rule "$x" && fail "the killed run's rule on $x was left: $(cat "$B/$x/blkio.throttle.read_bps_device")"
[ -e "/run/xengatherer/blkio.$a" ] && fail "the killed run's record was left"
grep -q "removed 1 blkio throttle rule left by xengatherer pid $a, which ended without removing them" "$TMP/c1.err" ||
    fail "no line about the removed rule: $(cat "$TMP/c1.err")"
[ "$(grep -c . "$TMP/c1.err")" -eq 1 ] || fail "more than one line: $(cat "$TMP/c1.err")"

# 2. two runs on x: the second relies on the first's rule. The first is
#    killed; the next start leaves the rule to the live one, which removes
#    it when it stops.
start a2 "$x"; a2=$pid
start b "$x"; b=$pid
grep -q . "/run/xengatherer/blkio.$b" || fail "the second run does not list the rule"
kill -9 "$a2"; wait "$a2" 2>/dev/null || true
short c2
has_rule "$x" || fail "a rule a live run relies on was removed"
grep -q "removed 0 blkio throttle rules left by xengatherer pid $a2, which ended without removing them (others are still used by a running xengatherer)" "$TMP/c2.err" ||
    fail "c2 said: $(cat "$TMP/c2.err")"
kill -TERM "$b"; wait "$b" 2>/dev/null || true
has_rule "$x" && fail "the last run on $x left its rule at stop"
[ -e "/run/xengatherer/blkio.$b" ] && fail "the stopped run left its record"
has_rule "$z" && fail "a rule was left on $z"

# 3. a run with two rules saved its record twice: the next one is written
#    into .tmp.PID and exchanged with it, so the killed run leaves both,
#    and the next start removes both
"$XG" run --platform cgroup -q --cgroup "$x" --cgroup "$z" -i 0.5 -d 60 \
    -o "$TMP/a3" > /dev/null 2> "$TMP/a3.err" &
a3=$!
bg+=("$a3")
for _ in $(seq 300); do
    has_rule "$x" && has_rule "$z" && [ -e "/run/xengatherer/.tmp.$a3" ] && break
    sleep 0.05
done
[ -e "/run/xengatherer/.tmp.$a3" ] || fail "a3: no .tmp.$a3 after two rules: $(cat "$TMP/a3.err")"
kill -9 "$a3"; wait "$a3" 2>/dev/null || true
short c3
[ -e "/run/xengatherer/blkio.$a3" ] && fail "the killed run's record was left"
[ -e "/run/xengatherer/.tmp.$a3" ] && fail "the killed run's .tmp.$a3 was left"
has_rule "$x" && fail "the killed run's rule on $x was left"
has_rule "$z" && fail "a rule was left on $z after c3"
echo "PASS"

#!/bin/bash
# test_blkio_default.sh — cgroup v1 blkio counts a device's I/O only while a
# throttle rule exists on it (in any cgroup). Without --blkio-enable, 64 MiB
# written with O_DIRECT in a watched cgroup is 64.00 MB: with no rule of
# anyone's, with another cgroup's rule present, and with --no-blkio-enable
# while that other rule makes blkio count (the device's line then appears
# only with the first I/O). A watched cgroup that did no I/O shows 0.00,
# not '-'. The rules are gone after the run, the other cgroup's is left.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
B=$CG_ROOT/blkio
grep -qE " $B cgroup " /proc/mounts || skip "no cgroup v1 blkio here"
# the whole disk $TMP lives on
mm=$(stat -c '%Hd:%Ld' "$TMP")
sys=$(readlink -f "/sys/dev/block/$mm") || true
[ -n "$sys" ] && [ -e "$sys/dev" ] || skip "$TMP is not on a block device ($mm)"
[ -e "$sys/partition" ] && sys=$(dirname "$sys")
devno=$(cat "$sys/dev")

w=machine.slice/xg-bd-w$$
idle=machine.slice/xg-bd-i$$
other=machine.slice/xg-bd-o$$
cg_make "$w"
cg_make "$idle"
cg_make "$other"

# run NAME [OPTIONS] — a 4 s window, the writer's 64 MiB after 1 s
run() {
    local name=$1
    shift
    "$XG" run --platform cgroup -q --cgroup "$w" --cgroup "$idle" "$@" \
        --exec local -i 0.5 -d 4 -o "$TMP/$name" -- sh -c '
        case "$(cat /proc/self/cgroup)" in
        *xg-bd-w*) sleep 1
                   dd if=/dev/zero of="'"$TMP"'/data" bs=1M count=64 \
                      oflag=direct status=none
                   rm -f "'"$TMP"'/data" ;;
        *) sleep 1 ;;
        esac' > /dev/null 2> "$TMP/$name.err" || fail "$name: run exited $?"
}
# check NAME — 64.00 MB written by the writer, 0.00 by the idle cgroup
check() {
    local csv=$TMP/$1/report.csv wmb imb
    wmb=$(csv_get "$csv" disk "xg-bd-w$$" "" wr_mb)
    imb=$(csv_get "$csv" disk "xg-bd-i$$" "" wr_mb)
    echo "$1: writer ${wmb:-none} MB, idle ${imb:-none} MB"
    [ "$(printf %.2f "${wmb:-0}")" = 64.00 ] || fail "$1: the 64 MiB read as ${wmb:-'-'} MB"
    [ "$(printf %.2f "${imb:-nan}")" = 0.00 ] || fail "$1: the idle cgroup shows ${imb:-'-'}, not 0.00"
    grep -E '^xg-bd-i[0-9]+ +0\.00 +0\.00' "$TMP/$1/report.txt" > /dev/null ||
        fail "$1: the idle cgroup's DISK row is not 0.00"
}
no_rules_left() {
    local c
    for c in "$w" "$idle"; do
        # (cgroup files have size 0: read them)
        ! grep -q . "$B/$c/blkio.throttle.read_bps_device" &&
        ! grep -q . "$B/$c/blkio.throttle.write_bps_device" ||
            fail "$1: a rule was left in $c: $(cat "$B/$c/blkio.throttle.read_bps_device")"
    done
    ! ls /run/xengatherer/blkio.* 2>/dev/null | xargs -r grep -lF "xg-bd-" ||
        fail "$1: a record of the watched cgroups' rules was left"
}

# 1. no rule in the watched cgroups (another run's may exist elsewhere)
run none
check none
grep -q 'a no-op 1 TiB/s rule was set on .* removed at stop' "$TMP/none/report.txt" ||
    fail "none: the DISK note does not say the rules were set"
no_rules_left none

# 2. another cgroup's rule on the device
echo "$devno 1099511627776" > "$B/$other/blkio.throttle.read_bps_device"
run other
check other
no_rules_left other

# 3. --no-blkio-enable: nothing written; the other cgroup's rule makes blkio
#    count, the writer's line appears with its first I/O: counted from 0
run optout --no-blkio-enable
check_optout() {
    local csv=$TMP/optout/report.csv wmb
    wmb=$(csv_get "$csv" disk "xg-bd-w$$" "" wr_mb)
    echo "optout: writer ${wmb:-none} MB"
    [ "$(printf %.2f "${wmb:-0}")" = 64.00 ] || fail "optout: the 64 MiB read as ${wmb:-'-'} MB"
    grep -q 'no-blkio-enable added none' "$TMP/optout/report.txt" ||
        fail "optout: the DISK note does not say no rule was added"
}
check_optout
no_rules_left optout
grep -qx "$devno 1099511627776" "$B/$other/blkio.throttle.read_bps_device" ||
    fail "the other cgroup's rule was touched"
echo "$devno 0" > "$B/$other/blkio.throttle.read_bps_device"

# 4. a user who may not write the rule (by default, not asked for): the
#    domains are still watched, and the DISK note says why no rule was set
if command -v setpriv > /dev/null; then
    chmod o+x "$TMP"
    mkdir -m 0777 "$TMP/user"
    rc=0
    setpriv --reuid=65534 --regid=65534 --clear-groups "$XG" record -q --platform cgroup \
        --cgroup "machine.slice/xg-bd-w$$" -i 0.2 -d 0.6 -o "$TMP/user/out" 2> "$TMP/user.err" || rc=$?
    [ "$rc" -eq 0 ] || fail "non-root: exit $rc: $(cat "$TMP/user.err")"
    [ "$(sqlite3 "$TMP/user/out/recording.db" "select count(*) from series s join domains d
        on d.id = s.domain_id where d.name = 'xg-bd-w$$' and s.family = 'cpu'")" -gt 0 ] ||
        fail "non-root: the cgroup was not watched"
    sqlite3 "$TMP/user/out/recording.db" "select value from meta where key = 'note.disk'" |
        grep -q "the no-op rule could not be set (.*Permission denied" ||
        fail "non-root: note.disk: $(sqlite3 "$TMP/user/out/recording.db" "select value from meta where key = 'note.disk'")"
    no_rules_left user
    echo "non-root: watched, the note says why no rule was set"
fi
echo "PASS"

#!/bin/bash
# test_restart.sh — a watched domain that vanishes and comes back inside the
# window is watched again, as a row of its own: a stand-in qemu named in a
# vmfile, killed and started again with the same -uuid (as a restarted VM
# is), and a cgroup removed and made again while watching all. The first
# life's span ends at the kill with the note "domain restarted", the second
# starts after the restart and runs to the window's end with its own CPU.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
build_standin ";" # a stand-in qemu that burns CPU
a=xgr-$$-a b=xgr-$$-b
ua=6f1c0a52-0d6e-4b8e-9a51-0000000000a1 ub=6f1c0a52-0d6e-4b8e-9a51-0000000000b2
standin() { (exec -a qemu-system-x86_64 "$TMP/standin" -name "$1" -uuid "$2" -nodefaults) & }
standin "$a" "$ua"; pa=$!
standin "$b" "$ub"; pb=$!
printf '%s\n%s\n' "$a" "$b" > "$TMP/vms"
sleep 0.2
rc=0
"$XG" run --platform qemu -q --vmfile "$TMP/vms" -i 0.2 -d 8 -o "$TMP/q" > /dev/null 2> "$TMP/err" &
run=$!
await_window "$TMP/q"
sleep 1
tk=$(now_s); kill -KILL "$pb"; wait "$pb" 2>/dev/null || true
sleep 0.8
tb=$(now_s); standin "$b" "$ub"; pb2=$!
wait "$run" || rc=$?
kill "$pa" "$pb2"; wait "$pa" "$pb2" 2>/dev/null || true
[ "$rc" -eq 0 ] || fail "qemu run exited $rc: $(cat "$TMP/err")"

# (tk is read before the kill: read after it, `date` took a few ms, and a
# tick in them had already found the process gone)
# since DIR WALL — the last tick of DIR's window at or before WALL
# (now_s), in seconds into the window: the last sample that can have seen
# what WALL ended (sampling may run late: under valgrind, by most of a
# second while the writer thread starts). The tick is found by its wall
# clock, its time into the window read on the monotonic clock as the
# report's spans are: a tick's two clocks are read a moment apart, by
# ms under valgrind (2.2002 s on one, 2.204 s on the other, once)
since() {
    sqlite3 "$1/recording.db" "select printf('%.3f', (mono_ns -
        (select mono_ns from ticks where seq = 0)) / 1e9 - 0.001) from ticks
        where seq = (select max(seq) from ticks where wall_ns <= $2 * 1e9)"
}
# spans: "start-end cpu_s" of each row named $2 in $1's CSV, in order
spans() { awk -F, -v d="$2" '$1=="window" && $2=="cpu" && $3==d && $5=="cpu_s" {print $6 "-" $7, $8}' "$1/report.csv"; }
# check_two DIR NAME KILLED_AT BACK_AT: two rows, first ends near the kill,
# second starts after it and reaches the end, both used CPU
# (more than 0.1 s: the burners run at nice 19, and under valgrind on a
# loaded machine a 1.6 s second life got 0.32 s)
check_two() {
    local rows first second
    rows=$(spans "$1" "$2")
    echo "$2: $(echo "$rows" | tr '\n' ' ')"
    [ "$(echo "$rows" | grep -c .)" -eq 2 ] || fail "$2: $(echo "$rows" | grep -c .) rows, not 2 (one per life)"
    first=$(echo "$rows" | sed -n 1p) second=$(echo "$rows" | sed -n 2p)
    local f=${first% *} s=${second% *}
    fcmp "${f%-*}" '==' 0 || fail "$2's first life starts at ${f%-*}"
    fcmp "${f#*-}" '>=' "$3" && fcmp "${f#*-}" '<=' "$(awk -v a="$3" 'BEGIN{print a+1.2}')" \
        || fail "$2's first life ends at ${f#*-}, killed at about $3 s"
    fcmp "${s%-*}" '>=' "$4" || fail "$2's second life starts at ${s%-*}, before it came back ($4 s)"
    fcmp "${s#*-}" '>=' 7.7 || fail "$2's second life ends at ${s#*-}, not at the window's end"
    fcmp "${first#* }" '>' 0.1 && fcmp "${second#* }" '>' 0.1 \
        || fail "$2: a life without CPU (${first#* } / ${second#* } s)"
}
# the first life ends at the last sample before the kill, the second
# starts after the last sample before the restart
check_two "$TMP/q" "$b" "$(since "$TMP/q" "$tk")" "$(since "$TMP/q" "$tb")"
[ "$(spans "$TMP/q" "$a" | grep -c .)" -eq 1 ] || fail "$a, never restarted, has $(spans "$TMP/q" "$a" | grep -c .) rows"
db=$TMP/q/recording.db
keys=$(sqlite3 "$db" "select key from domains where name='$b' order by id" | tr '\n' ' ')
echo "keys: $keys"
[ "$keys" = "qemu:$ub qemu:$ub#2 " ] || fail "keys of $b's two lives: '$keys'"
[ "$(sqlite3 "$db" "select count(*) from series s join domains d on d.id=s.domain_id
     where d.key='qemu:$ub' and s.note like 'domain restarted%'")" -gt 0 ] || fail "no 'domain restarted' note"
grep -q "domain restarted" "$TMP/q/report.txt" || fail "the text report does not say $b restarted"

# a cgroup removed and made again, watching all (the cgroup platform)
cg_make machine.slice/xg-rst/svc
cg_make machine.slice/xg-rst/other
burn() { # REL: a CPU burner in the cgroup REL (every hierarchy), pid in $bp
    (exec "$TMP/standin") & bp=$!
    for h in $(cg_hierarchies); do echo "$bp" > "$h/$1/cgroup.procs"; done
}
burn machine.slice/xg-rst/svc; p1=$bp
"$XG" run --platform cgroup -q --cgroup-parent machine.slice/xg-rst -i 0.2 -d 8 -o "$TMP/c" > /dev/null 2> "$TMP/err" &
run=$!
await_window "$TMP/c"
sleep 1
tk=$(now_s); kill -KILL "$p1"; wait "$p1" 2>/dev/null || true
for h in $(cg_hierarchies); do rmdir "$h/machine.slice/xg-rst/svc"; done
sleep 0.8
tb=$(now_s); cg_make machine.slice/xg-rst/svc
burn machine.slice/xg-rst/svc; p2=$bp
rc=0
wait "$run" || rc=$?
kill "$p2"; wait "$p2" 2>/dev/null || true
[ "$rc" -eq 0 ] || fail "cgroup run exited $rc: $(cat "$TMP/err")"
check_two "$TMP/c" svc "$(since "$TMP/c" "$tk")" "$(since "$TMP/c" "$tb")"
echo "PASS"

#!/bin/bash
# test_valgrind.sh — the real binary under valgrind memcheck: a whole run with
# a workload on real cgroups, then report in every format, with no memory
# errors and no leaks.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
command -v valgrind >/dev/null || skip "valgrind is not installed (scripts/deps.sh installs it)"
cg_make machine.slice/xg-vg/a
cg_make machine.slice/xg-vg/b
vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect)
"${vg[@]}" "$XG" run --platform cgroup --platform cgroup -q --cgroup-parent machine.slice/xg-vg $(blkio_flag) --exec local -i 0.25 -d 2 \
    -o "$TMP/out" -- "$here/load.sh" 1 "$TMP" > /dev/null 2> "$TMP/vg.run" \
    || fail "run under valgrind: exit $? $(cat "$TMP/vg.run")"
for f in text csv json; do
    "${vg[@]}" "$XG" report --format $f "$TMP/out/recording.db" > /dev/null 2> "$TMP/vg.$f" \
        || fail "report --format $f under valgrind: exit $? $(cat "$TMP/vg.$f")"
done
"${vg[@]}" "$XG" list --platform cgroup --platform cgroup --cgroup-parent machine.slice/xg-vg > /dev/null 2> "$TMP/vg.list" \
    || fail "list under valgrind: $(cat "$TMP/vg.list")"
printf 'a\nnope\n' > "$TMP/vms"
rc=0; "${vg[@]}" "$XG" run --platform cgroup --platform cgroup --cgroup-parent machine.slice/xg-vg --vmfile "$TMP/vms" -d 1 \
    -o "$TMP/never" > /dev/null 2> "$TMP/vg.bad" || rc=$?
[ "$rc" -eq 2 ] || fail "bad vmfile under valgrind: exit $rc $(cat "$TMP/vg.bad")"
echo "PASS"

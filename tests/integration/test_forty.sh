#!/bin/bash
# test_forty.sh — 40 cgroups (keys and ids far past 32, where an old tool of
# this kind broke): all 40 are listed, watched (by parent and by vmfile) and
# reported.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
cg_make machine.slice/xg-forty
for i in $(seq 1 40); do cg_make "machine.slice/xg-forty/d$i"; done
"$XG" run --platform cgroup -q --cgroup-parent machine.slice/xg-forty -i 0.25 -d 1 \
    -o "$TMP/a" > /dev/null || fail "run exited $?"
n=$(awk -F, '$1=="window" && $2=="cpu" && $5=="cpu_s" && $3 ~ /^d[0-9]+$/' "$TMP/a/report.csv" | wc -l)
[ "$n" -eq 40 ] || fail "report has $n of 40 domains"
for i in 1 33 40; do
    grep -qE "^d$i " "$TMP/a/report.txt" || fail "d$i missing from the text report"
done
# list sees all 40 (and names nothing twice)
"$XG" list --platform cgroup --cgroup-parent machine.slice/xg-forty > "$TMP/list" || fail "list exited $?"
n=$(grep -cE '[[:space:]]d[0-9]+[[:space:]]' "$TMP/list")
[ "$n" -eq 40 ] || fail "list shows $n of 40 domains: $(cat "$TMP/list")"
# the same through a vmfile naming them all, plus the host by name
{ echo "# forty"; for i in $(seq 40 -1 1); do echo "d$i 10.0.0.$i"; done; } > "$TMP/vms"
"$XG" run --platform cgroup -q --cgroup-parent machine.slice/xg-forty --vmfile "$TMP/vms" -i 0.25 -d 1 \
    -o "$TMP/b" > /dev/null || fail "vmfile run exited $?"
n=$(sqlite3 "$TMP/b/recording.db" "select count(*) from domains where is_host=0")
[ "$n" -eq 40 ] || fail "recording holds $n of 40 domains"
addr=$(sqlite3 "$TMP/b/recording.db" "select address from domains where name='d37'")
[ "$addr" = "10.0.0.37" ] || fail "d37's address is '$addr'"
echo "PASS"

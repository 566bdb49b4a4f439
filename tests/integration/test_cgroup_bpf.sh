#!/bin/bash
# test_cgroup_bpf.sh — the BPF cgroup iterator (--cgroup-bpf) and the files
# read in the same run on the same two busy cgroups ($XG_CGROUP_BPF_CHECK
# makes the platform read both ways at every sample): usage agrees within
# 1 %, user and system each within 1 % of the usage; the recording says the
# iterator read the CPU (meta source.cpu, the report's header) in one read()
# per sample for both cgroups. v1 cpuacct.stat counts 10 ms ticks: each
# cgroup burns over 1.5 s, so a tick is under 0.7 %. Skipped when the
# build has no iterator.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
"$XG" --version | grep -q 'cgroup+bpf' || skip "built without the BPF cgroup iterator"
par=machine.slice/xg-it-bpf-$$
cg_make "$par"   # first: removed last
cg_make "$par/a"
cg_make "$par/b"
# pure cgroup2: cg_make enabled the cpu controller, whose cpu.stat the
# files would be read for (throttling): take it away
[ -f "$CG_ROOT/$par/cgroup.subtree_control" ] &&
    echo "-cpu" > "$CG_ROOT/$par/cgroup.subtree_control" 2>/dev/null || true
pids=()
for c in a b; do
    (while :; do :; done) & pids+=($!)
    for h in $(cg_hierarchies); do echo "${pids[-1]}" > "$h/$par/$c/cgroup.procs"; done
done
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; cg_cleanup' EXIT
chk=$TMP/check.txt
XG_CGROUP_BPF_CHECK=$chk "$XG" record --platform cgroup -q --cgroup-parent "$par" \
    --cgroup-bpf --nocache -i 0.5 -d 10 -o "$TMP/r" || fail "record exited $?"
kill "${pids[@]}"
db=$TMP/r/recording.db
src=$(sqlite3 "$db" "select value from meta where key='source.cpu'")
note=$(sqlite3 "$db" "select value from meta where key='note.cpu'")
[ "$src" = bpf-iter ] || fail "source.cpu is '$src' (note: $note)"
# one walk and one read() per sample for both cgroups
echo "$note" | grep -qE ': ([0-9]+) read\(\) calls over \1 samples for all cgroups$' ||
    fail "not one read per sample: $note"
"$XG" report "$TMP/r" > "$TMP/report.txt" || fail "report exited $?"
grep -qx "CPU read by: bpf-iter" "$TMP/report.txt" || fail "no 'CPU read by' line in the header"
for c in a b; do
    last=$(grep "^cgroup:$par/$c " "$chk" | tail -n1)
    [ -n "$last" ] || fail "no reading of $c by both paths"
    read -r _ bu bus bsy fu fus fsy <<< "$last"
    echo "$c: iterator usage $bu user $bus system $bsy; files usage $fu user $fus system $fsy"
    fcmp "$fu" ">" 1500000000 || fail "$c used only $fu ns (is the machine starved?)"
    awk -v b="$bu" -v f="$fu" 'BEGIN{d=b-f; if(d<0)d=-d; exit !(d <= 0.01*f)}' ||
        fail "$c: usage $bu (iterator) against $fu (files): more than 1 %"
    awk -v a="$bus" -v b="$fus" -v c="$bsy" -v d="$fsy" -v u="$fu" \
        'BEGIN{x=a-b; y=c-d; if(x<0)x=-x; if(y<0)y=-y; exit !(x <= 0.01*u && y <= 0.01*u)}' ||
        fail "$c: user/system $bus/$bsy (iterator) against $fus/$fsy (files): more than 1 % of the usage"
done
echo "PASS"

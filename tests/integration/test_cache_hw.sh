#!/bin/bash
# test_cache_hw.sh — the CACHE section with the default hardware events: a
# walker doing random reads over 256 MiB misses the last-level cache far more
# often than the same walker over 64 KiB. Needs a PMU: where there is none
# (most VMs), it says so and is skipped.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
command -v python3 > /dev/null || skip "needs python3"
command -v sqlite3 > /dev/null || skip "needs sqlite3"
cg_make machine.slice/xg-it-big
cg_make machine.slice/xg-it-small
if grep -qE " $CG_ROOT/perf_event cgroup " /proc/mounts; then
    for c in big small; do
        mkdir -p "$CG_ROOT/perf_event/machine.slice/xg-it-$c"
        CG_DIRS+=("$CG_ROOT/perf_event/machine.slice/xg-it-$c")
    done
fi
doms=(--platform cgroup --cgroup machine.slice/xg-it-big --cgroup machine.slice/xg-it-small)

# Can this machine count the LLC at all?
"$XG" record -q "${doms[@]}" --nocpu --nodisk -i 0.2 -d 0.4 -o "$TMP/probe" ||
    fail "probe record exited $?"
note=$(sqlite3 "$TMP/probe/recording.db" "SELECT value FROM meta WHERE key = 'note.cache'")
case "$note" in
"no hardware counters"*) skip "no hardware counters (${note#*(}" ;;
esac
n=$(sqlite3 "$TMP/probe/recording.db" "SELECT count(*) FROM series WHERE family = 'cache' AND metric = 'misses'")
[ "$n" -gt 0 ] || skip "no LLC counters for cgroups here (${note:-no note})"

# The walker: random byte reads over SIZE bytes (a power of two) for SECS.
cat > "$TMP/walk.py" <<'EOF'
import sys, time
size, secs = int(sys.argv[1]), float(sys.argv[2])
a = bytearray(size)
for i in range(0, size, 4096):
    a[i] = 1
mask, x, s = size - 1, 12345, 0
end = time.monotonic() + secs
while time.monotonic() < end:
    for _ in range(20000):
        x = (x * 1103515245 + 12345) & 0x7fffffff
        s += a[x & mask]
EOF
cat > "$TMP/walk.sh" <<EOF
#!/bin/bash
case "\$(cat /proc/self/cgroup)" in
*big*) exec python3 "$TMP/walk.py" $((256 << 20)) 4 ;;
*) exec python3 "$TMP/walk.py" $((64 << 10)) 4 ;;
esac
EOF
chmod +x "$TMP/walk.sh"

out=$TMP/out
"$XG" run -q "${doms[@]}" --exec local -i 0.5 -d 6 -o "$out" \
    -- "$TMP/walk.sh" > /dev/null || fail "run exited $?"
csv=$out/report.csv
bm=$(csv_get "$csv" cache xg-it-big "" misses)
sm=$(csv_get "$csv" cache xg-it-small "" misses)
bp=$(csv_get "$csv" cache xg-it-big "" miss_pct)
sp=$(csv_get "$csv" cache xg-it-small "" miss_pct)
echo "LLC misses: 256 MiB walker $bm ($bp %), 64 KiB walker $sm ($sp %)"
sed -n '/^CACHE/,$p' "$out/report.txt"
[ -n "$bm" ] && [ -n "$sm" ] || fail "LLC misses not measured"
fcmp "$bm" '>' "$(awk -v s="$sm" 'BEGIN{print 2*s + 100000}')" ||
    fail "big walker's misses $bm are not well above the small one's $sm"
echo "PASS"

# bench/cgroups.sh — sourced by the benches that measure empty cgroups
# (spill.sh, checkpoint.sh): builds the release binary in $B, makes
# $N children d1..dN of machine.slice/$PARENT in every hierarchy mounted,
# a work folder $W, and removes both at exit. Expects top, n and PARENT.
B=${BENCH_BUILD:-$top/build-spill-bench}
[ -f "$B/build.ninja" ] || meson setup "$B" "$top" -Dbuildtype=release -Dtests=false >/dev/null
ninja -C "$B" >/dev/null
W=$(mktemp -d /var/tmp/xgbench.XXXXXX)
CG=/sys/fs/cgroup
P=machine.slice/$PARENT
hier() { for h in cpuacct cpu blkio unified; do grep -qE " $CG/$h cgroup2? " /proc/mounts && echo "$CG/$h"; done; }
cleanup() {
    local h
    for h in $(hier); do
        [ -d "$h/$P" ] && find "$h/$P" -depth -type d -exec rmdir {} + 2>/dev/null
    done
    rm -rf "$W"
}
trap cleanup EXIT
for i in $(seq 1 "$n"); do for h in $(hier); do mkdir -p "$h/$P/d$i"; done; done
meta() { sqlite3 "$1" "select value from meta where key='$2'"; }

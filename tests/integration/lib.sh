# lib.sh — shared helpers for the integration tests: real cgroups on this
# host (v1 controllers or cgroup2, whichever is mounted), cleaned up on exit.
# Sourced; expects $XG (the binary) in the environment.

set -euo pipefail
XG=${XG:?XG must point at the xengatherer binary}
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || skip "needs root to create cgroups"

CG_ROOT=/sys/fs/cgroup
CG_DIRS=()   # every hierarchy directory made, for cleanup
# The hierarchies a test cgroup is made in: v1 cpuacct/cpu/blkio when
# mounted, plus the cgroup2 tree.
cg_hierarchies() {
    local h
    for h in cpuacct cpu blkio; do
        if [ -d "$CG_ROOT/$h" ] && grep -qE " $CG_ROOT/$h cgroup " /proc/mounts; then
            echo "$CG_ROOT/$h"
        fi
    done
    if grep -qE " $CG_ROOT/unified cgroup2 " /proc/mounts; then
        echo "$CG_ROOT/unified"
    elif grep -qE " $CG_ROOT cgroup2 " /proc/mounts; then
        echo "$CG_ROOT"
    fi
}
# cg_make REL — creates the cgroup REL (e.g. machine.slice/xg-a) everywhere.
cg_make() {
    local h
    for h in $(cg_hierarchies); do
        mkdir -p "$h/$1"
        CG_DIRS+=("$h/$1")
        # cgroup2 at the top: let children use cpu and io when possible
        if [ "$h" = "$CG_ROOT" ] && [ -f "$h/cgroup.subtree_control" ]; then
            echo "+cpu +io" > "$h/$(dirname "$1")/cgroup.subtree_control" 2>/dev/null || true
        fi
    done
}
cg_cleanup() {
    local d i
    for ((i=${#CG_DIRS[@]}-1; i>=0; i--)); do
        d=${CG_DIRS[$i]}
        [ -d "$d" ] || continue
        # move any leftover task to the parent hierarchy root, then remove
        if [ -f "$d/cgroup.procs" ]; then
            while read -r p; do echo "$p" > "$(dirname "$d")/cgroup.procs" 2>/dev/null || true; done < "$d/cgroup.procs"
        fi
        rmdir "$d" 2>/dev/null || true
    done
    [ -n "${TMP:-}" ] && rm -rf "$TMP"
}
TMP=$(mktemp -d /var/tmp/xgtest.XXXXXX)
trap cg_cleanup EXIT

# json_get FILE EXPR — evaluates a python expression on the report JSON `j`.
json_get() {
    python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"
}

# csv_get CSV FAMILY DOMAIN DEVICE METRIC — the window value from report.csv.
csv_get() {
    awk -F, -v f="$2" -v d="$3" -v dv="$4" -v m="$5" \
        '$1=="window" && $2==f && $3==d && $4==dv && $5==m {print $8; exit}' "$1"
}
# blkio_flag — prints --blkio-enable where v1 blkio is mounted.
blkio_flag() {
    if grep -qE " $CG_ROOT/blkio cgroup " /proc/mounts; then echo --blkio-enable; fi
}
# fcmp A OP B — floating-point comparison through awk; OP is <, <=, >, >=.
fcmp() { awk -v a="$1" -v b="$3" "BEGIN{exit !(a $2 b)}"; }

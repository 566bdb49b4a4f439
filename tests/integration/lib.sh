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
    local d i vg_bad=0
    # under XG_VALGRIND, the logs are read first (a test that sets its own
    # EXIT trap calls cg_cleanup from it)
    [ -n "${VG_LOGS:-}" ] && ! vg_check && vg_bad=1
    for ((i=${#CG_DIRS[@]}-1; i>=0; i--)); do
        d=${CG_DIRS[$i]}
        [ -d "$d" ] || continue
        # move any leftover task to the parent hierarchy root, then remove
        if [ -f "$d/cgroup.procs" ]; then
            while read -r p; do echo "$p" > "$(dirname "$d")/cgroup.procs" 2>/dev/null || true; done < "$d/cgroup.procs"
        fi
        # a task that is still exiting keeps it busy a moment
        for _ in 1 2 3 4 5; do rmdir "$d" 2>/dev/null && break; sleep 0.1; done
    done
    [ -n "${TMP:-}" ] && rm -rf "$TMP"
    [ "$vg_bad" -eq 0 ] || exit 1
}
TMP=$(mktemp -d /var/tmp/xgtest.XXXXXX)
trap cg_cleanup EXIT

# XG_VALGRIND=1: every "$XG" of the test runs under valgrind memcheck (the
# suite 'valgrind' in tests/meson.build). Each process, forked children
# too, logs to its own file; at exit (cg_cleanup) the test fails when any
# log holds an error or a definite or indirect leak, whatever the test
# itself concluded (a test that expects a non-zero exit cannot hide
# valgrind's 99 that way).
if [ "${XG_VALGRIND:-0}" = 1 ]; then
    command -v valgrind >/dev/null || skip "valgrind is not installed (scripts/deps.sh installs it)"
    VG_LOGS=$TMP/valgrind
    mkdir -m 1777 "$VG_LOGS" # a test may run xengatherer as nobody
    # the leaks shown are those that fail the test: a run aborted at once
    # (a second Ctrl-C: _exit from the handler) leaves its threads' stacks
    # and what they hold "possibly lost", which is not a leak
    printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect --log-file="%s/%%p.log" "%s" "$@"\n' \
        "$VG_LOGS" "$XG" > "$TMP/xg-vg"
    chmod 755 "$TMP/xg-vg"
    XG=$TMP/xg-vg
    # vg_check — prints every non-empty log; 1 when there was one
    vg_check() {
        local f bad=0
        for f in "$VG_LOGS"/*.log; do
            [ -s "$f" ] || continue
            echo "FAIL: valgrind reported, in $(basename "$f"):" >&2
            cat "$f" >&2
            bad=1
        done
        [ "$bad" -eq 0 ] && echo "valgrind: $(ls "$VG_LOGS" | wc -l) processes, no errors, no leaks"
        return "$bad"
    }
fi

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
# build_standin LOOP — $TMP/standin, a program that runs the C statement
# LOOP (e.g. "pause();" to sleep, ";" to burn CPU) and ends by itself after
# 60 s whatever happens; started as qemu-system-x86_64 it poses as a VM.
build_standin() {
    command -v cc >/dev/null || skip "no C compiler for the stand-in"
    printf '#include <unistd.h>\nint main(void) { alarm(60); for (;;) %s }\n' "$1" |
        cc -x c -o "$TMP/standin" - || fail "cannot build the stand-in"
}
# await_window DIR — returns once the run writing to DIR has taken its
# first checkpoint (DIR/recording.db appears right after the baseline tick,
# unless --checkpoint 0), so sleeps after it count from the window's start
# even when start-up and the first samples are slow (valgrind). The folder
# alone is made before the collectors start: too early by a second there.
# Tests whose checks need the window's own time read it from the recording
# (window_t, below).
await_window() {
    for _ in $(seq 1500); do [ -f "$1/recording.db" ] && return 0; sleep 0.02; done
    fail "no checkpoint in $1 after 30 s"
}
# now_s — the wall clock, seconds with fractions
now_s() { date +%s.%N; }
# window_t DB WALL — WALL (now_s) as seconds into DB's window
window_t() {
    sqlite3 "$1" "select printf('%.3f', $2 - wall_ns / 1e9) from ticks where seq = 0"
}

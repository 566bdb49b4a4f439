#!/usr/bin/env bash
# bench/reads.sh — counts, does not time: the system calls that read
# (read, pread64, readv, preadv, preadv2, readlink, readlinkat, getdents64)
# per cgroup domain per sample, from `strace -f -c` of `xengatherer record`.
# `strace -f -y` of a short (1 s) and a long (3 s) run at 20 Hz on N
# domains; in each, D = the calls on the domains' own files (their path is
# under the cgroup parent) or on a process's ns/net link, and S = the reads
# of /proc/stat (the host row's CPU: one per sample). Per domain per sample
# = (D(long) - D(short)) / (S(long) - S(short)) / N: what is read once per
# domain (prepare) and once per run cancels out, and so does what is read
# once per sample for all domains together (the inotify queue of the
# cgroups with no process yet, one read per sample, not per domain).
# Prints "reads per domain per sample: X" for:
#   hybrid  this host's cgroups (v1 controllers + cgroup2), cgroups under
#           machine.slice with a sleeping process in each (all hierarchies)
#   empty   the same without a process (no network namespace to find yet:
#           the NET family keeps looking)
#   v2      a pure cgroup2 tree: a copy of the fixture tests/fixtures/v2/
#           snap1 as --root (this host's /proc/net/dev added) with N
#           copies of its cgroup xg-fix-b (it has no process: no
#           namespace to find, as for "empty")
#   qemu    the qemu platform on N stand-in processes (bench/standin.c),
#           and how many of those reads list /proc/PID/task (must be 0:
#           their threads do not change)
# Usage: bench/reads.sh [hybrid|empty|v2|qemu]... (default: all); XG=binary.
# Exits 1 when a count is over its limit (READS_MAX_HYBRID, default 6;
# READS_MAX_V2, default 3; qemu task/ listings 0). Needs root and strace.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "reads: run as root (it creates cgroups)" >&2; exit 1; }
command -v strace > /dev/null || { echo "reads: needs strace (scripts/deps.sh)" >&2; exit 1; }
if [ -z "${XG:-}" ]; then
    B=${BENCH_BUILD:-$top/build-bench}
    [ -f "$B/build.ninja" ] || meson setup "$B" "$top" -Dbuildtype=release -Dtests=false > /dev/null
    ninja -C "$B" > /dev/null
    XG=$B/xengatherer
fi
N=${READS_N:-10}
MAX_HYBRID=${READS_MAX_HYBRID:-6}
MAX_V2=${READS_MAX_V2:-3}
W=$(mktemp -d /var/tmp/xgreads.XXXXXX)
CG=/sys/fs/cgroup
P=machine.slice/xg-reads-$$
PIDS=()
hier() { for h in cpuacct cpu blkio unified; do grep -qE " $CG/$h cgroup2? " /proc/mounts && echo "$CG/$h"; done; }
cleanup() {
    local p h
    for p in "${PIDS[@]}"; do kill "$p" 2> /dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2> /dev/null || true; done
    for h in $(hier); do
        [ -d "$h/$P" ] && find "$h/$P" -depth -type d -exec rmdir {} + 2> /dev/null
    done
    rm -rf "$W"
}
trap cleanup EXIT
SYSCALLS=read,pread64,readv,preadv,preadv2,readlink,readlinkat,getdents64

# count OUT PATTERN ARGS... — "D S" of one traced record run: the reads
# on paths matching PATTERN (or ns/net), the reads of /proc/stat
count() {
    local out=$1 pat=$2
    shift 2
    rm -rf "$W/$out"
    strace -f -y -e trace="$SYSCALLS" -o "$W/$out.strace" \
        "$XG" record -q --nocache -i 0.05 -o "$W/$out" "$@" > /dev/null 2>&1 ||
        { echo "reads: failed: $XG record $*" >&2; tail "$W/$out.strace" >&2; exit 1; }
    grep -v 'resumed>' "$W/$out.strace" | awk -v pat="$pat" '
        $0 ~ pat || /\/ns\/net"/ {d++; if (/getdents64/) g++}
        /\/proc\/stat>/ {s++}
        END {print d + 0, s + 0, g + 0}'
}

# per_domain N PATTERN ARGS... — reads per domain per sample (and, after
# it, the getdents64 calls among them)
per_domain() {
    local n=$1 pat=$2 a b
    shift 2
    a=$(count short "$pat" -d 1 "$@"); b=$(count long "$pat" -d 3 "$@")
    awk -v n="$n" -v a="$a" -v b="$b" 'BEGIN {
        split(a, x, " "); split(b, y, " "); t = (y[2] - x[2]) * n
        printf "%.2f %.2f\n", (y[1] - x[1]) / t, (y[3] - x[3]) / t }'
}

# domains DIR PROCS — N child cgroups of $P/DIR/a in every
# hierarchy, with a sleeping process in each when PROCS is 1
domains() {
    local i h k c
    for k in a; do
        for i in $(seq 1 "$N"); do
            for h in $(hier); do mkdir -p "$h/$P/$1/$k/d$i"; done
            [ "$2" -eq 1 ] || continue
            sleep 100000 & PIDS+=($!)
            for h in $(hier); do echo "${PIDS[-1]}" > "$h/$P/$1/$k/d$i/cgroup.procs"; done
        done
    done
}

# over X MAX — true when X > MAX
over() { awk -v x="$1" -v m="$2" 'BEGIN {exit !(x > m)}'; }

bad=0
modes=("$@"); [ ${#modes[@]} -gt 0 ] || modes=(hybrid empty v2 qemu)
for m in "${modes[@]}"; do
    case $m in
    hybrid | empty)
        domains "$m" $([ "$m" = hybrid ] && echo 1 || echo 0)
        x=$(per_domain "$N" "/$P/$m/a/" --platform cgroup --cgroup-parent "$P/$m/a")
        x=${x% *}
        what=$([ "$m" = hybrid ] && echo "a process in each" || echo "no process")
        echo "hybrid v1 + cgroup2, $N cgroups, $what: reads per domain per sample: $x (limit $MAX_HYBRID)"
        if over "$x" "$MAX_HYBRID"; then echo "reads: REGRESSION: hybrid ($what) $x > $MAX_HYBRID"; bad=1; fi
        ;;
    v2)
        R=$W/v2root
        cp -r "$top/tests/fixtures/v2/snap1" "$R"
        mkdir -p "$R/proc/net"
        cat /proc/net/dev > "$R/proc/net/dev"
        f=$R/sys/fs/cgroup/machine.slice
        mkdir -p "$f/a"
        for i in $(seq 1 "$N"); do cp -r "$f/xg-fix-b" "$f/a/d$i"; done
        x=$(per_domain "$N" "/machine.slice/a/" --root "$R" --platform cgroup \
            --cgroup-parent machine.slice/a)
        x=${x% *}
        echo "pure cgroup2 (fixture), $N cgroups: reads per domain per sample: $x (limit $MAX_V2)"
        if over "$x" "$MAX_V2"; then echo "reads: REGRESSION: pure cgroup2 $x > $MAX_V2"; bad=1; fi
        ;;
    qemu)
        cc -O2 -o "$W/standin" "$here/standin.c"
        for i in $(seq 1 "$N"); do
            (exec -a qemu-system-x86_64 "$W/standin" -name "xgreads$$-s$i" -nodefaults) &
            PIDS+=($!)
            echo "xgreads$$-s$i"
        done > "$W/vmfile"
        sleep 0.5
        pat="/proc/($(IFS='|'; echo "${PIDS[*]}"))/"
        x=$(per_domain "$N" "$pat" --platform qemu --vmfile "$W/vmfile")
        echo "qemu stand-ins, $N processes: reads per domain per sample: ${x% *}; of them task/ listings (getdents64): ${x#* } (limit 0: threads unchanged)"
        if over "${x#* }" 0; then echo "reads: REGRESSION: qemu lists task/ with no thread come or gone"; bad=1; fi
        ;;
    *) echo "reads: unknown mode '$m' (hybrid, empty, v2 or qemu)" >&2; exit 2 ;;
    esac
done
exit $bad

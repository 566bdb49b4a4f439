#!/usr/bin/env bash
# bench/cgbpf.sh — the BPF cgroup iterator against the files: the same N
# cgroups (a sleeping process in each, in every hierarchy mounted), sampled
# by a run that reads the files and one with --cgroup-bpf, back to back,
# REPS times; per domain per sample, the CPU family's sampling cost (meta
# overhead_part.cpu) and all families' (overhead_cpu_ns, --nocache), and
# the ratio files/bpf of each repetition, then the medians. Then, in a
# third run that reads both ways at each sample ($XG_CGROUP_BPF_CHECK), the
# reads alone: the iterator's walk (open, read, close: the thread's CPU time) per
# domain against the files it replaces (cpuacct.usage + cpuacct.stat, or
# cgroup2 cpu.stat, read and parsed) per domain. Needs root and
# a build with the iterator (meson found libbpf, bpftool, clang, BTF).
# Usage: bench/cgbpf.sh [SIZES [INTERVAL [DURATION [REPS]]]]
#        (default "100 1000" 0.5 20 3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
sizes=${1:-100 1000} iv=${2:-0.5} dur=${3:-20} reps=${4:-3}
[ "$(id -u)" -eq 0 ] || { echo "cgbpf.sh: run as root (it makes cgroups)" >&2; exit 1; }
PARENT=xg-cgbpf-$$ n=0
source "$here/cgroups.sh"
"$B/xengatherer" --version | grep -q 'cgroup+bpf' ||
    { echo "cgbpf.sh: $B was built without the BPF cgroup iterator" >&2; exit 1; }
PIDS=()
stop() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; PIDS=(); }
trap 'stop; cleanup' EXIT
# us DB META N — META's ns per sample per domain (N domains + the host row)
us() { awk -v o="$(meta "$1" "$2")" -v t="$(meta "$1" overhead_ticks)" -v n="$3" \
    'BEGIN{printf "%.2f", o/1000/t/(n+1)}'; }
med() { sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }
printf '%-7s %-4s %10s %10s %6s %10s %10s %6s %10s %10s %6s\n' domains rep "cpu files" \
    "cpu bpf" ratio "all files" "all bpf" ratio "rd files" "rd bpf" ratio
for n in $sizes; do
    stop
    for h in $(hier); do [ -d "$h/$P" ] && find "$h/$P" -mindepth 1 -depth -type d -exec rmdir {} +; done
    for i in $(seq 1 "$n"); do
        for h in $(hier); do mkdir -p "$h/$P/d$i"; done
        sleep 100000 & PIDS+=($!)
        for h in $(hier); do echo "${PIDS[-1]}" > "$h/$P/d$i/cgroup.procs"; done
    done
    : > "$W/r.$n"
    for r in $(seq 1 "$reps"); do
        for way in files bpf; do
            flag=--no-cgroup-bpf; [ $way = bpf ] && flag=--cgroup-bpf
            rm -rf "$W/$way"
            "$B/xengatherer" record -q --platform cgroup --cgroup-parent "$P" --nocache \
                $flag -i "$iv" -d "$dur" -o "$W/$way"
        done
        rm -rf "$W/chk" "$W/chk.txt"
        XG_CGROUP_BPF_CHECK=$W/chk.txt "$B/xengatherer" record -q --platform cgroup \
            --cgroup-parent "$P" --nocache --cgroup-bpf -i "$iv" -d "$dur" -o "$W/chk"
        read -r rf rb < <(awk -v n="$n" '$1=="#" {printf "%.2f %.2f\n", $9/1000/$11, $3/1000/$5/n}' "$W/chk.txt")
        rr=$(awk -v a="$rf" -v b="$rb" 'BEGIN{printf "%.1f", a/b}')
        src=$(meta "$W/bpf/recording.db" source.cpu)
        [ "$src" = bpf-iter ] || { echo "cgbpf.sh: the bpf run read with '$src'" >&2; exit 1; }
        cf=$(us "$W/files/recording.db" overhead_part.cpu "$n")
        cb=$(us "$W/bpf/recording.db" overhead_part.cpu "$n")
        af=$(us "$W/files/recording.db" overhead_cpu_ns "$n")
        ab=$(us "$W/bpf/recording.db" overhead_cpu_ns "$n")
        rc=$(awk -v a="$cf" -v b="$cb" 'BEGIN{printf "%.1f", a/b}')
        ra=$(awk -v a="$af" -v b="$ab" 'BEGIN{printf "%.1f", a/b}')
        printf '%-7s %-4s %10s %10s %5sx %10s %10s %5sx %10s %10s %5sx\n' "$n" "$r" \
            "$cf" "$cb" "$rc" "$af" "$ab" "$ra" "$rf" "$rb" "$rr"
        echo "$cf $cb $rc $af $ab $ra $rf $rb $rr" >> "$W/r.$n"
    done
    printf '%-7s %-4s' "$n" med
    for k in 1 2 3 4 5 6 7 8 9; do
        v=$(awk -v k=$k '{print $k}' "$W/r.$n" | med)
        if [ $((k % 3)) = 0 ]; then printf ' %5sx' "$v"; else printf ' %10s' "$v"; fi
    done
    echo
done
echo "(µs per domain per sample: cpu = the CPU family's CPU time, all = every family's"
echo " but cache; rd = the reads alone, CPU time, from the run reading both ways)"

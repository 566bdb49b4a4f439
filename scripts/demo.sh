#!/usr/bin/env bash
# demo.sh — the main job on an embedded default. With QEMU available or
# installable: two real tiny VMs of the lab (tests/lab/), a CPU burner and a
# 64 MiB writer, measured by `xengatherer run --platform qemu` through the
# lab's vm-exec. Otherwise (or with XG_DEMO_MODE=cgroup): two cgroups, a CPU
# burner in one and a disk writer in the other. Either way `xengatherer run`
# prints the report (also kept in ./xg-demo/), and the demo says which it
# used.
# Usage: demo.sh [XENGATHERER]   (XG_DEMO_MODE=auto|lab|cgroup, default auto;
#                                 XG_DEMO_OUT=DIR, default ./xg-demo)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
XG=${1:-$here/../build/xengatherer}
mode=${XG_DEMO_MODE:-auto}
[ "$(id -u)" -eq 0 ] || { echo "demo.sh: run as root (it creates cgroups or VMs)" >&2; exit 1; }
export XG
source "$here/../tests/integration/lib.sh"
trap cg_cleanup EXIT
out=${XG_DEMO_OUT:-./xg-demo}
lab=$here/../tests/lab

cgroup_demo() {
    cg_make machine.slice/xg-demo-burner
    cg_make machine.slice/xg-demo-writer
    echo "demo: measuring 2 cgroups for 6 s: a CPU burner and a 64 MiB writer"
    "$XG" run --platform cgroup --cgroup machine.slice/xg-demo-burner --cgroup machine.slice/xg-demo-writer \
        -i 0.5 -d 6 -o "$out" --force \
        -- "$here/demo-load.sh" 4
    echo "demo: used the cgroup demo (two cgroups on this host)"
    echo "demo: recording and reports are in $out/"
}

# lab_demo — 0 when the lab demo ran; 3 when the lab could not be set up
# (the caller falls back); another status when the measurement failed.
lab_demo() {
    export XG_LAB_DIR=${XG_LAB_DIR:-/tmp/xg-demo-lab}
    export XG_LAB_LIFETIME=${XG_LAB_LIFETIME:-600}
    export XG_LAB_PREFIX=demo-vm   # apart from any other lab's vm1, vm2
    "$XG" list --platform qemu >/dev/null 2>&1 ||
        { echo "demo: this xengatherer has no usable qemu platform"; return 3; }
    echo "demo: building the lab images (cached after the first time)"
    "$lab/build-images.sh" >/dev/null || { echo "demo: the QEMU lab cannot be built here"; return 3; }
    "$lab/stop-vms.sh" "$XG_LAB_DIR" >/dev/null
    trap '"$lab/stop-vms.sh" "$XG_LAB_DIR" >/dev/null 2>&1 || true; cg_cleanup' EXIT
    "$lab/start-vms.sh" 2 || { echo "demo: the lab VMs did not start"; return 3; }
    local role='case $(hostname) in
demo-vm1) sh -c "while :; do :; done" & p=$!; sleep 6; kill $p ;;
demo-vm2) dd if=/dev/zero of=/dev/vda bs=1M count=64 oflag=direct 2>/dev/null ;;
esac'
    echo "demo: measuring 2 QEMU VMs: demo-vm1 burns CPU for 6 s, demo-vm2 writes 64 MiB to its disk"
    local rc=0
    "$XG" run --platform qemu --vmfile "$XG_LAB_DIR/vms.txt" --env XG_LAB_DIR \
        --exec "$lab/vm-exec -d $XG_LAB_DIR {name} --" -i 0.5 -d 15 --until-done -o "$out" --force \
        -- sh -c "$role" || rc=$?
    "$lab/stop-vms.sh" "$XG_LAB_DIR" >/dev/null
    [ $rc -eq 0 ] || { echo "demo: xengatherer run exited $rc" >&2; return $rc; }
    echo "demo: used the QEMU lab (2 VMs, tests/lab/)"
    echo "demo: recording and reports are in $out/"
}

case $mode in
    cgroup) cgroup_demo ;;
    auto|lab)
        rc=0
        lab_demo || rc=$?
        if [ $rc -eq 3 ] && [ "$mode" = auto ]; then
            echo "demo: falling back to the cgroup demo"
            cgroup_demo
        elif [ $rc -ne 0 ]; then
            exit $rc
        fi ;;
    *) echo "demo.sh: XG_DEMO_MODE must be auto, lab or cgroup" >&2; exit 2 ;;
esac

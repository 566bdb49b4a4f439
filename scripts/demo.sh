#!/usr/bin/env bash
# demo.sh — the main job on an embedded default: two cgroups, a CPU burner in
# one and a disk writer in the other, measured by `xengatherer run`, which
# prints the report (also kept in ./xg-demo/).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
XG=${1:-$here/../build/xengatherer}
[ "$(id -u)" -eq 0 ] || { echo "demo.sh: run as root (it creates cgroups)" >&2; exit 1; }
export XG
source "$here/../tests/integration/lib.sh"
trap cg_cleanup EXIT
cg_make machine.slice/xg-demo-burner
cg_make machine.slice/xg-demo-writer
out=${XG_DEMO_OUT:-./xg-demo}
blk=()
grep -qE ' /sys/fs/cgroup/blkio cgroup ' /proc/mounts && blk=(--blkio-enable)
echo "demo: measuring 2 cgroups for 6 s: a CPU burner and a 64 MiB writer"
"$XG" run --cgroup machine.slice/xg-demo-burner --cgroup machine.slice/xg-demo-writer \
    "${blk[@]}" --exec local -i 0.5 -d 6 -o "$out" --force \
    -- "$here/demo-load.sh" 4
echo "demo: recording and reports are in $out/"

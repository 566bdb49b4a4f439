#!/usr/bin/env bash
# test_xenlab.sh — the Xen lab in CI: builds it (Debian packages; fails
# loudly when they cannot be fetched), boots Xen under QEMU TCG, lets dom0
# run xengatherer over two PV domUs, and checks the report against the
# hypervisor's own figures (tests/xenlab/check.py). Needs root.
set -euo pipefail
here=$(cd "$(dirname "$0")/../xenlab" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "FAIL: the Xen lab needs root (debootstrap, chroot)" >&2; exit 1; }
out=${XENLAB_OUT:-$(mktemp -d /tmp/xg-xenlab.XXXXXX)}
t0=$SECONDS
rc=0
"$here/run.sh" "$out" || rc=$?
echo "== dom0's report"
sed -n '/^XGLAB-REPORT-TEXT/,/^XGLAB-BEGIN/p' "$out/console.log" | sed '1d;$d'
echo "== timeline"
grep '^XGLAB-T ' "$out/console.log" || true
echo "== checks"
python3 "$here/check.py" "$out/console.log" "$out" || rc=1
rm -f "$out/disk.img"
echo "xenlab: $((SECONDS - t0)) s in all; files in $out"
if [ "$rc" -ne 0 ]; then
    echo "== last console lines"
    tail -n 40 "$out/console.log"
fi
exit "$rc"

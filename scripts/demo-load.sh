#!/bin/bash
# demo-load.sh — the demo's workload: run inside a domain's cgroup, it burns
# CPU (in this shell, no forks) in the "burner" domain and writes 64 MiB
# (O_DIRECT) in the "writer" domain.
cg=$(cat /proc/self/cgroup)
case "$cg" in
*xg-demo-burner*)
    end=$((SECONDS + ${1:-4}))
    while [ $SECONDS -lt $end ]; do :; done ;;
*xg-demo-writer*)
    f=$(mktemp /var/tmp/xg-demo.XXXXXX)
    dd if=/dev/zero of="$f" bs=1M count=64 oflag=direct status=none
    rm -f "$f" ;;
esac

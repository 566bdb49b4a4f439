#!/bin/bash
# load.sh — the integration tests' workload, run inside a domain's cgroup:
# in a cgroup named *burn* it burns CPU for $1 seconds in this very shell (no
# forks) and writes its own CPU ticks to $2/burn.ticks; in *write* it writes
# 64 MiB with O_DIRECT and fsync; elsewhere it sleeps $1 seconds.
cg=$(cat /proc/self/cgroup)
case "$cg" in
*burn*)
    end=$((SECONDS + $1))
    while [ $SECONDS -lt $end ]; do :; done
    read -r -a st < /proc/$$/stat
    echo $(( st[13] + st[14] )) > "$2/burn.ticks" ;;
*write*)
    dd if=/dev/zero of="$2/write.data" bs=1M count=64 oflag=direct conv=fsync status=none
    rm -f "$2/write.data" ;;
*)
    sleep "$1" ;;
esac

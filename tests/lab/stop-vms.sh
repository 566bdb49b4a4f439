#!/usr/bin/env bash
# stop-vms.sh — stops the lab VMs of RUN_DIR (started by start-vms.sh) and
# removes their sockets, pid files, disks and vms.txt; the console and QEMU
# logs (vmN.console, vmN.log) stay for a post-mortem. Always safe to run,
# also twice or when nothing runs.
#
# Each QEMU gets SIGTERM (a clean quit, like QMP "quit" but never blocked by
# a QMP client that holds the monitor), then SIGKILL after 5 s. Only a
# process whose command line names RUN_DIR is signalled, so a reused pid is
# left alone.
#
# Usage: stop-vms.sh [RUN_DIR]
#   RUN_DIR  default $XG_LAB_DIR or /tmp/xg-lab
set -uo pipefail
usage() { sed -n '2,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0"; }
case ${1:-} in -h|--help) usage; exit 0 ;; -*) usage >&2; exit 2 ;; esac
[ $# -le 1 ] || { usage >&2; exit 2; }
dir=${1:-${XG_LAB_DIR:-/tmp/xg-lab}}
[ -d "$dir" ] || { echo "stop-vms: nothing to stop ($dir does not exist)"; exit 0; }
dir=$(cd "$dir" && pwd)

# ours PID — true when PID lives and its command line names $dir.
ours() {
    [ -n "$1" ] && [ -r "/proc/$1/cmdline" ] &&
        { tr '\0' ' ' < "/proc/$1/cmdline"; } 2>/dev/null | grep -qF "$dir/"
}

# The VMs: those start-vms.sh listed in .lab-names, and any vm*.pid.
vms=()
[ -f "$dir/.lab-names" ] && mapfile -t vms < "$dir/.lab-names"
for f in "$dir"/vm*.pid; do
    [ -e "$f" ] || continue
    vm=$(basename "$f" .pid)
    [[ " ${vms[*]} " == *" $vm "* ]] || vms+=("$vm")
done
pids=()
names=()
for vm in "${vms[@]}" probe; do
    [[ $vm =~ ^[A-Za-z0-9_-]+$ ]] || continue
    for f in "$dir/$vm.pid" "$dir/$vm.wpid"; do
        [ -e "$f" ] || continue
        pid=$(cat "$f" 2>/dev/null)
        if ours "$pid"; then
            pids+=("$pid")
            case $f in *.pid) names+=("$vm") ;; esac
        fi
    done
done

if [ ${#pids[@]} -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null
    for _ in $(seq 50); do
        alive=0
        for pid in "${pids[@]}"; do ours "$pid" && alive=1; done
        [ $alive -eq 0 ] && break
        sleep 0.1
    done
    for pid in "${pids[@]}"; do
        ours "$pid" && kill -KILL "$pid" 2>/dev/null
    done
    echo "stop-vms: stopped ${names[*]:-watchdogs} in $dir"
else
    echo "stop-vms: no VM running in $dir"
fi
for vm in "${vms[@]}" probe; do
    [[ $vm =~ ^[A-Za-z0-9_-]+$ ]] || continue
    rm -f "$dir/$vm".{agent,qmp,pid,wpid,boot,img}
done
rm -f "$dir/vms.txt" "$dir/.lab-names"
exit 0

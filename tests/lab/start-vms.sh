#!/usr/bin/env bash
# start-vms.sh — starts N tiny QEMU VMs (vm1..vmN) of the lab in the
# background and waits until each one's command agent answers.
#
# Each VM: the lab kernel and initramfs (tests/lab/build-images.sh, run
# first; cached), 128 MiB of memory, 1 vCPU, a 128 MiB raw virtio disk
# (RUN_DIR/vmN.img, /dev/vda in the guest), the agent on a virtio-serial port
# (RUN_DIR/vmN.agent, used by tests/lab/vm-exec), QMP on RUN_DIR/vmN.qmp,
# its pid in RUN_DIR/vmN.pid, its serial console in RUN_DIR/vmN.console and
# QEMU's own messages in RUN_DIR/vmN.log. The guest's hostname is vmN.
# Every VM runs under `timeout` (XG_LAB_LIFETIME) so none outlives its use;
# tests/lab/stop-vms.sh stops them earlier.
# KVM is used only when /dev/kvm is usable and a probe boot with it answers
# (the result is cached beside the images); otherwise TCG.
#
# Usage: start-vms.sh N [RUN_DIR]
#   RUN_DIR  default $XG_LAB_DIR or /tmp/xg-lab
# Writes RUN_DIR/vms.txt (xengatherer's --vmfile: one "vmN" per line) and
# prints the boot time of each VM. Exit 0 when all answered; 1 otherwise,
# with the console tail of the failed VM, after stopping the others.
# xengatherer tells QEMU VMs apart by -name, host-wide: a name already used
# by another QEMU on this host is refused; give a second lab another
# XG_LAB_PREFIX (its VMs are then PREFIX1..PREFIXN, hostnames too).
#
# Environment (defaults in brackets):
#   XG_LAB_CACHE [/var/cache/xengatherer-lab]  images (build-images.sh)
#   XG_LAB_MEM [128] MiB per VM (96 is the least that boots)
#   XG_LAB_SMP [1] vCPUs per VM
#   XG_LAB_DISK_MB [128] size of each VM's disk
#   XG_LAB_LIFETIME [1800] seconds before a VM is killed whatever happens
#   XG_LAB_BOOT_TIMEOUT [120] seconds to wait for all agents
#   XG_LAB_ACCEL [auto] auto, kvm or tcg
#   XG_LAB_PREFIX [vm] the VMs' names are PREFIX1..PREFIXN
set -euo pipefail
trap 'echo "$(basename "$0"): failed at line $LINENO" >&2' ERR
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }
case ${1:-} in -h|--help) usage; exit 0 ;; esac
[ $# -ge 1 ] && [ $# -le 2 ] || { usage >&2; exit 2; }
n=$1
[[ $n =~ ^[1-9][0-9]?$ ]] || { echo "start-vms: N must be 1..99, not '$n'" >&2; exit 2; }
[[ ${XG_LAB_PREFIX:-vm} =~ ^[a-z][a-z0-9-]{0,40}$ ]] ||
    { echo "start-vms: XG_LAB_PREFIX must be [a-z][a-z0-9-]*, at most 41 characters" >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
dir=${2:-${XG_LAB_DIR:-/tmp/xg-lab}}
cache=${XG_LAB_CACHE:-/var/cache/xengatherer-lab}
mem=${XG_LAB_MEM:-128}
smp=${XG_LAB_SMP:-1}
disk_mb=${XG_LAB_DISK_MB:-128}
lifetime=${XG_LAB_LIFETIME:-1800}
boot_timeout=${XG_LAB_BOOT_TIMEOUT:-120}
accel=${XG_LAB_ACCEL:-auto}
prefix=${XG_LAB_PREFIX:-vm}
log() { echo "start-vms: $*" >&2; }
die() { echo "start-vms: ERROR: $*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }

"$here/build-images.sh" --quick "$cache" >/dev/null || die "build-images.sh failed"
for f in vmlinux initramfs.cpio agent-client; do
    [ -s "$cache/$f" ] || die "$cache/$f missing after build-images.sh"
done

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
# A VM still alive in RUN_DIR is refused: stop-vms.sh first.
for p in "$dir"/*.pid; do
    [ -e "$p" ] || continue
    pid=$(cat "$p" 2>/dev/null || true)
    if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] &&
       { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null | grep -qF "$dir/"; then
        die "a VM is still running in $dir (pid $pid); run tests/lab/stop-vms.sh $dir first"
    fi
done
"$here/stop-vms.sh" "$dir" >/dev/null   # leftovers of an earlier run
names=()
for i in $(seq 1 "$n"); do names+=("$prefix$i"); done
# Names must be unique among this host's QEMUs (xengatherer finds VMs by name).
for c in /proc/[0-9]*/cmdline; do
    mapfile -d '' -t argv < "$c" 2>/dev/null || continue
    [ ${#argv[@]} -gt 0 ] && [[ ${argv[0]##*/} == qemu-system-* ]] || continue
    for ((k = 1; k < ${#argv[@]} - 1; k++)); do
        [ "${argv[k]}" = -name ] || continue
        other=${argv[k + 1]%%,*}
        other=${other#guest=}
        for nm in "${names[@]}"; do
            [ "$nm" != "$other" ] ||
                die "a QEMU named '$nm' already runs (pid $(basename "$(dirname "$c")")); xengatherer could not tell them apart: stop it or use another XG_LAB_PREFIX"
        done
    done
done
printf '%s\n' "${names[@]}" > "$dir/.lab-names"
# vm-exec uses this copy, so a rebuild of the cache does not disturb a run.
cp "$cache/agent-client" "$dir/.agent-client.tmp" && mv -f "$dir/.agent-client.tmp" "$dir/agent-client"

# common_args NAME — sets qargs to the QEMU arguments shared by the probe
# and the VMs.
common_args() {
    # shellcheck disable=SC2054  # commas belong to QEMU's option syntax
    qargs=(-name "$1,debug-threads=on" -m "$mem" -smp "$smp" \
        -display none -nodefaults -no-reboot \
        -kernel "$cache/vmlinux" -initrd "$cache/initramfs.cpio" \
        -append "console=ttyS0 quiet panic=-1 no_timer_check xg.name=$1" \
        -device virtio-serial-pci \
        -chardev "socket,id=ag,path=$dir/$1.agent,server=on,wait=off" \
        -device virtserialport,chardev=ag,name=lab.agent)
}

# kvm_works — a probe boot with -accel kvm that must answer within 20 s
# (PVM-style KVM stops a stock kernel with "KVM internal error"). Cached per
# host kernel and image.
kvm_works() {
    [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
    local stamp res wpid t0
    stamp="$(uname -r) $(sed -n 1p "$cache/stamp")"
    if [ -f "$cache/kvm-probe" ] && [ "$(sed -n 1p "$cache/kvm-probe")" = "$stamp" ]; then
        [ "$(sed -n 2p "$cache/kvm-probe")" = ok ]
        return
    fi
    log "probing KVM with a test boot"
    t0=$(now)
    rm -f "$dir/probe".*
    common_args probe
    setsid timeout --kill-after=5 30 qemu-system-x86_64 "${qargs[@]}" \
        -accel kvm -cpu host -serial "file:$dir/probe.console" \
        </dev/null >"$dir/probe.log" 2>&1 &
    wpid=$!
    res=fail
    if "$dir/agent-client" -b 20 -t 5 "$dir/probe.agent" true >/dev/null 2>&1; then
        res=ok
    fi
    kill "$wpid" 2>/dev/null || true
    wait "$wpid" 2>/dev/null || true
    log "KVM probe: $res after $(since "$t0") s$([ $res = ok ] || echo "; $(grep -m1 -i 'error' "$dir/probe.log" "$dir/probe.console" 2>/dev/null | cut -d: -f2- | head -c 120)")"
    rm -f "$dir/probe".*
    printf '%s\n%s\n' "$stamp" "$res" > "$cache/kvm-probe"
    [ $res = ok ]
}
case $accel in
    auto) if kvm_works; then accel=kvm; else accel=tcg; fi ;;
    kvm|tcg) ;;
    *) die "XG_LAB_ACCEL must be auto, kvm or tcg" ;;
esac
if [ "$accel" = kvm ]; then
    accel_args=(-accel kvm -cpu host)
else
    accel_args=(-accel tcg)
fi

log "starting $n VM(s) in $dir ($accel, ${mem} MiB, $smp vCPU, ${disk_mb} MiB disk, lifetime ${lifetime} s)"
t0=$(now)
for vm in "${names[@]}"; do
    truncate -s "${disk_mb}M" "$dir/$vm.img"
    common_args "$vm"
    setsid timeout --kill-after=10 "$lifetime" qemu-system-x86_64 "${qargs[@]}" \
        "${accel_args[@]}" \
        -drive "file=$dir/$vm.img,format=raw,if=none,id=vda" \
        -device virtio-blk-pci,drive=vda \
        -qmp "unix:$dir/$vm.qmp,server=on,wait=off" \
        -pidfile "$dir/$vm.pid" \
        -serial "file:$dir/$vm.console" \
        </dev/null >"$dir/$vm.log" 2>&1 &
    echo $! > "$dir/$vm.wpid"
done

# One waiter per VM: retry the agent in short attempts while the VM lives.
wait_agent() {
    local vm=$1 wpid deadline
    wpid=$(cat "$dir/$vm.wpid")
    deadline=$(awk -v a="$t0" -v b="$boot_timeout" 'BEGIN{printf "%.3f", a+b}')
    while :; do
        if "$dir/agent-client" -b 5 -t 10 "$dir/$vm.agent" hostname >"$dir/$vm.boot" 2>&1; then
            since "$t0" > "$dir/$vm.boot"
            return 0
        fi
        kill -0 "$wpid" 2>/dev/null || { echo "QEMU exited" > "$dir/$vm.boot"; return 1; }
        awk -v d="$deadline" -v t="$(now)" 'BEGIN{exit !(t >= d)}' &&
            { echo "no answer within ${boot_timeout} s" > "$dir/$vm.boot"; return 1; }
        sleep 0.2
    done
}
pids=()
for vm in "${names[@]}"; do
    wait_agent "$vm" &
    pids+=($!)
done
failed=()
for i in "${!names[@]}"; do
    wait "${pids[i]}" || failed+=("${names[i]}")
done

if [ ${#failed[@]} -gt 0 ]; then
    for vm in "${failed[@]}"; do
        echo "start-vms: ERROR: $vm did not come up: $(cat "$dir/$vm.boot" 2>/dev/null)" >&2
        echo "--- $vm: QEMU messages ($dir/$vm.log)" >&2
        tail -n 20 "$dir/$vm.log" >&2 2>/dev/null || echo "(none)" >&2
        echo "--- $vm: console tail ($dir/$vm.console)" >&2
        tail -n 30 "$dir/$vm.console" >&2 2>/dev/null || echo "(none)" >&2
    done
    "$here/stop-vms.sh" "$dir" >&2 || true
    exit 1
fi

# QMP must answer (the qemu platform reads the disks from it); all at once.
if command -v socat >/dev/null; then
    qpids=()
    for vm in "${names[@]}"; do
        { printf '{"execute":"qmp_capabilities"}\n{"execute":"query-status"}\n' |
            timeout 10 socat -t 1 - "UNIX-CONNECT:$dir/$vm.qmp" 2>/dev/null |
            grep -q '"status": "running"'; } &
        qpids+=($!)
    done
    for i in "${!names[@]}"; do
        wait "${qpids[i]}" || { "$here/stop-vms.sh" "$dir" >&2;
            die "${names[i]}: QMP on $dir/${names[i]}.qmp does not answer"; }
    done
fi

printf '%s\n' "${names[@]}" > "$dir/vms.txt"
for vm in "${names[@]}"; do
    pid=$(cat "$dir/$vm.pid" 2>/dev/null || echo '?')
    rss=$(awk '/^VmRSS/ {printf "%d", $2/1024}' "/proc/$pid/status" 2>/dev/null || echo '?')
    echo "$vm: up in $(cat "$dir/$vm.boot") s (pid $pid, RSS ${rss} MiB)"
done
echo "start-vms: $n VM(s) up in $(since "$t0") s ($accel); vmfile $dir/vms.txt"

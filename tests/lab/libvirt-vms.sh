#!/usr/bin/env bash
# libvirt-vms.sh — the lab's tiny VMs as libvirt domains, and the daemons
# they need on a host without systemd.
#
#   libvirt-vms.sh daemons RUN_DIR   start virtlogd and libvirtd (-d, pid
#                                    files in RUN_DIR) unless libvirtd
#                                    already answers; prints "started" or
#                                    "running"
#   libvirt-vms.sh stop-daemons RUN_DIR
#                                    stop the daemons this script started
#                                    in RUN_DIR (by their pid files)
#   libvirt-vms.sh start N RUN_DIR   create N transient TCG domains
#                                    PREFIX1..PREFIXN and wait for their
#                                    agents (tests/lab/vm-exec -d RUN_DIR)
#   libvirt-vms.sh one NAME RUN_DIR  create one more domain NAME (no wait)
#   libvirt-vms.sh stop RUN_DIR      destroy the domains made in RUN_DIR
#
# Each domain: <domain type='qemu'> (TCG), the lab's kernel and initramfs
# (tests/lab/build-images.sh), XG_LAB_MEM MiB, 1 vCPU, a raw virtio disk
# RUN_DIR/NAME.img, the agent on a virtio-serial port at RUN_DIR/NAME.agent,
# the console in RUN_DIR/NAME.console, and one vNIC on a tap libvirt makes
# (type 'ethernet', no bridge: nothing leaves the host). QEMU runs as root
# (a static DAC label) so it can use RUN_DIR as it is.
# Writes RUN_DIR/vms.txt (the --vmfile) and RUN_DIR/NAME.uuid.
#
# Environment: XG_LIBVIRT_URI [qemu:///system], XG_LAB_CACHE, XG_LAB_MEM
# [128], XG_LAB_DISK_MB [64], XG_LAB_BOOT_TIMEOUT [150], XG_LAB_PREFIX [lv]
set -euo pipefail
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }
case ${1:-} in -h|--help|'') usage; exit 0 ;; esac
here=$(cd "$(dirname "$0")" && pwd)
uri=${XG_LIBVIRT_URI:-qemu:///system}
cache=${XG_LAB_CACHE:-/var/cache/xengatherer-lab}
mem=${XG_LAB_MEM:-128}
disk_mb=${XG_LAB_DISK_MB:-64}
boot_timeout=${XG_LAB_BOOT_TIMEOUT:-150}
prefix=${XG_LAB_PREFIX:-lv}
log() { echo "libvirt-vms: $*" >&2; }
die() { echo "libvirt-vms: ERROR: $*" >&2; exit 1; }
virsh_() { virsh -q -c "$uri" "$@"; }

daemons() {
    local dir=$1
    if virsh_ version >/dev/null 2>&1; then echo running; return; fi
    mkdir -p /run/libvirt "$dir"
    # As Debian's udev rules would: /dev/kvm root:kvm 0660. With it 0600,
    # libvirt finds KVM when it probes QEMU (as root) but not for its QEMU
    # user, calls its cache stale and probes again at every start (~60 s).
    if [ -c /dev/kvm ] && getent group kvm >/dev/null &&
       [ "$(stat -c %G:%a /dev/kvm)" != kvm:660 ]; then
        stat -c '%u:%g %a' /dev/kvm > "$dir/kvm.mode"
        chgrp kvm /dev/kvm && chmod 660 /dev/kvm
    fi
    ps -C virtlogd -o stat= | grep -q '^[^Z]' || virtlogd -d -p "$dir/virtlogd.pid"
    libvirtd -d -p "$dir/libvirtd.pid"
    for _ in $(seq 1 100); do
        virsh_ version >/dev/null 2>&1 && { echo started; return; }
        sleep 0.1
    done
    die "libvirtd did not answer at $uri within 10 s"
}

stop_daemons() {
    local dir=$1 f pid
    for f in libvirtd virtlogd; do
        [ -s "$dir/$f.pid" ] || continue
        pid=$(cat "$dir/$f.pid")
        if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$f" ]; then
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        fi
        rm -f "$dir/$f.pid"
    done
    if [ -s "$dir/kvm.mode" ]; then
        read -r owner mode < "$dir/kvm.mode"
        chown "$owner" /dev/kvm && chmod "$mode" /dev/kvm
        rm -f "$dir/kvm.mode"
    fi
}

xml() { # NAME DIR
    local n=$1 d=$2
    cat <<EOF
<domain type='qemu'>
  <name>$n</name>
  <memory unit='MiB'>$mem</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$cache/vmlinux</kernel>
    <initrd>$cache/initramfs.cpio</initrd>
    <cmdline>console=ttyS0 quiet panic=-1 no_timer_check xg.name=$n</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <cpu mode='custom' match='exact'><model fallback='allow'>qemu64</model></cpu>
  <on_reboot>destroy</on_reboot>
  <seclabel type='static' model='dac' relabel='no'><label>+0:+0</label></seclabel>
  <devices>
    <emulator>$(command -v qemu-system-x86_64)</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' cache='none'/>
      <source file='$d/$n.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <controller type='virtio-serial' index='0'/>
    <channel type='unix'>
      <source mode='bind' path='$d/$n.agent'/>
      <target type='virtio' name='lab.agent'/>
    </channel>
    <interface type='ethernet'>
      <target dev='$(tapname "$n")' managed='yes'/>
      <model type='virtio'/>
    </interface>
    <serial type='file'><source path='$d/$n.console'/><target port='0'/></serial>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
}

tapname() { # at most 15 characters, unique per name
    echo "xg$(echo -n "$1" | md5sum | cut -c1-10)"
}

create() { # NAME DIR
    local n=$1 d=$2
    truncate -s "${disk_mb}M" "$d/$n.img"
    rm -f "$d/$n.agent"
    xml "$n" "$d" > "$d/$n.xml"
    virsh_ create "$d/$n.xml" >/dev/null || die "virsh create $n failed"
    virsh_ domuuid "$n" > "$d/$n.uuid"
    echo "$n" >> "$d/.libvirt-names"
}

wait_agent() { # NAME DIR T0
    local n=$1 d=$2 end=$(( $3 + boot_timeout ))
    while [ "$(date +%s)" -lt "$end" ]; do
        # short tries, as start-vms.sh: a request sent before the guest's
        # agent opened its port is lost, and vm-exec would wait 30 s on it
        if [ -S "$d/$n.agent" ] && "$d/agent-client" -b 5 -t 10 "$d/$n.agent" hostname >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.5
    done
    return 1
}

start() { # N DIR
    local n=$1 d=$2 t0 vm failed=0
    "$here/build-images.sh" --quick "$cache" >/dev/null || die "build-images.sh failed"
    mkdir -p "$d"
    cp "$cache/agent-client" "$d/agent-client"
    : > "$d/vms.txt"
    t0=$(date +%s)
    for i in $(seq 1 "$n"); do
        create "$prefix$i" "$d"
        echo "$prefix$i" >> "$d/vms.txt"
    done
    for vm in $(cat "$d/vms.txt"); do
        wait_agent "$vm" "$d" "$t0" || { log "$vm did not answer within $boot_timeout s"; tail -n 20 "$d/$vm.console" >&2 || true; failed=1; }
    done
    [ $failed -eq 0 ] || die "not every domain came up"
    log "$n domain(s) up after $(( $(date +%s) - t0 )) s"
}

stop() { # DIR
    local d=$1 vm
    [ -f "$d/.libvirt-names" ] || return 0
    for vm in $(sort -u "$d/.libvirt-names"); do
        virsh_ destroy "$vm" >/dev/null 2>&1 || true
    done
    rm -f "$d/.libvirt-names"
}

case $1 in
    daemons) daemons "${2:?RUN_DIR}" ;;
    stop-daemons) stop_daemons "${2:?RUN_DIR}" ;;
    start) start "${2:?N}" "${3:?RUN_DIR}" ;;
    one) create "${2:?NAME}" "${3:?RUN_DIR}" ;;
    stop) stop "${2:?RUN_DIR}" ;;
    *) usage >&2; exit 2 ;;
esac

#!/bin/sh
# guest-init.sh — /init of the lab guests' initramfs (busybox sh, PID 1).
# Mounts /proc, /sys and /dev, loads the virtio modules, sets the hostname
# from xg.name= on the kernel command line, then runs the command agent on
# the virtio-serial port named "lab.agent" forever.
#
# Agent protocol (one request at a time, port opened once, read-write):
#   host -> guest:  XGREQ <nonce> <timeout-s> <base64 of a sh -c line>\n
#   guest -> host:  XGBEGIN <nonce>\n
#                   ...the command's stdout and stderr...
#                   \nXGEND <nonce> <exit status>\n
# The output before XGBEGIN is stale (from an earlier client that left) and
# is skipped by the client. A command still running after <timeout-s> is
# killed with its whole session and reported as status 124; one whose
# client went away is killed too (see WATCHDOG).
# Built into the initramfs by tests/lab/build-images.sh; changing this file
# changes the image's cache key.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /tmp /dev/pts
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev \
         virtio_pci virtio_blk virtio_console qemu_fw_cfg; do
    insmod "/lib/modules/$m.ko" || echo "init: insmod $m failed"
done

name=lab
for w in $(cat /proc/cmdline); do
    case $w in xg.name=*) name=${w#xg.name=} ;; esac
done
hostname "$name"

find_port() {
    for d in /sys/class/virtio-ports/*; do
        [ -f "$d/name" ] && [ "$(cat "$d/name")" = lab.agent ] &&
            { echo "/dev/${d##*/}"; return 0; }
    done
    return 1
}

# The watchdog of one command (sh -c "$WATCHDOG" watchdog SECS PID DBGFILE):
# kills the command's session after SECS (marking a timeout), or as soon as
# its host client has gone: the port's debugfs file says host_connected: 0,
# or bytes_received grew (a new client's request came in, so the old one
# left), checked every 0.5 s.
WATCHDOG='n=$(($1 * 2)) base=
while kill -0 "$2" 2>/dev/null; do
    if [ $n -le 0 ]; then touch /tmp/xg.timedout; kill -KILL -"$2"; exit; fi
    if [ -r "$3" ]; then
        while read -r k v; do
            case $k in
            host_connected:) [ "$v" = 0 ] && { kill -KILL -"$2"; exit; } ;;
            bytes_received:) [ -n "$base" ] && [ "$v" != "$base" ] &&
                                 { kill -KILL -"$2"; exit; }
                             base=$v ;;
            esac
        done < "$3"
    fi
    sleep 0.5
    n=$((n - 1))
done'

agent() {
    port=$1
    hc=/sys/kernel/debug/virtio-ports/${port##*/}
    exec 3<>"$port" || return 1
    echo "init: agent on $port ($name)"
    while :; do
        # EOF means no host client is connected: the port reads 0 bytes at
        # once then, so poll gently until one is.
        if ! IFS= read -r req <&3; then
            sleep 0.2
            continue
        fi
        set -f
        set -- $req
        set +f
        [ $# -eq 4 ] && [ "$1" = XGREQ ] || continue
        nonce=$2 tmo=$3 b64=$4
        case $nonce in *[!0-9a-f]*|'') continue ;; esac
        case $tmo in *[!0-9]*|'') continue ;; esac
        printf 'XGBEGIN %s\n' "$nonce" >&3
        rm -f /tmp/xg.timedout
        if cmd=$(printf %s "$b64" | base64 -d 2>/dev/null) && [ -n "$cmd" ]; then
            # A session of its own, so a timeout kills all it started.
            setsid sh -c "$cmd" </dev/null >&3 2>&1 3>&- &
            pid=$!
            setsid sh -c "$WATCHDOG" watchdog "$tmo" "$pid" "$hc" \
                </dev/null >/dev/null 2>&1 3>&- &
            wd=$!
            wait "$pid"
            rc=$?
            kill -KILL -"$wd" 2>/dev/null
            wait "$wd" 2>/dev/null
            [ -e /tmp/xg.timedout ] && rc=124
        else
            echo "agent: bad request" >&3
            rc=126
        fi
        printf '\nXGEND %s %d\n' "$nonce" "$rc" >&3
    done
}

while :; do
    i=0
    until port=$(find_port); do
        i=$((i + 1))
        [ $i -le 100 ] || { echo "init: no lab.agent port"; break; }
        sleep 0.1
    done
    [ -n "$port" ] && agent "$port"
    echo "init: agent ended, restarting in 1 s"
    sleep 1
done

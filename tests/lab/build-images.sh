#!/usr/bin/env bash
# build-images.sh — builds what the QEMU lab boots: a plain vmlinux (Debian's
# linux-image-amd64 kernel with its xz payload unpacked, which QEMU boots
# directly and ~3x faster under TCG than the bzImage), an initramfs
# (busybox-static, the virtio modules of the same kernel, and
# tests/lab/guest-init.sh as /init, which runs the command agent), and the
# host-side agent-client used by tests/lab/vm-exec.
#
# Installs what it needs with apt-get (qemu-system-x86, busybox-static,
# xz-utils, cpio, socat, gcc); the kernel package is only fetched with
# `apt-get download` and unpacked into the cache, never installed, so the
# host's /boot is untouched. Everything lands in CACHE_DIR and is rebuilt
# only when an input changes: the kernel package's version, busybox's
# version, guest-init.sh, agent-client.c or this script's FORMAT.
# Without network a complete cache is used as it is.
#
# Usage: build-images.sh [--quick] [CACHE_DIR]
#   CACHE_DIR  default $XG_LAB_CACHE or /var/cache/xengatherer-lab
#   --quick    skip asking apt for a newer kernel when the cache is complete
#              and the local inputs are unchanged (start-vms.sh uses it)
# Writes CACHE_DIR/{vmlinux,initramfs.cpio,agent-client,info}; prints the
# cache directory's path as its last line.
set -euo pipefail
trap 'echo "$(basename "$0"): failed at line $LINENO" >&2' ERR
FORMAT=1   # bump to force a rebuild when the build steps change
MODULES="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev
  virtio_pci virtio_blk virtio_console qemu_fw_cfg"

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }
quick=0
case ${1:-} in -h|--help) usage; exit 0 ;; --quick) quick=1; shift ;; esac
case ${1:-} in -*) usage >&2; exit 2 ;; esac
[ $# -le 1 ] || { usage >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
cache=${1:-${XG_LAB_CACHE:-/var/cache/xengatherer-lab}}
log() { echo "build-images: $*" >&2; }
die() { echo "build-images: ERROR: $*" >&2; exit 1; }

# --- host tools --------------------------------------------------------------
apt_updated=0
apt_update() {
    [ $apt_updated -eq 1 ] && return 0
    log "apt-get update"
    apt-get update -qq >&2 || return 1
    apt_updated=1
}
apt_install() {
    [ "$(id -u)" -eq 0 ] || die "missing $*; run as root or install: apt-get install $*"
    log "installing $*"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2; then
        apt_update || die "apt-get update failed"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 ||
            die "apt-get install $* failed"
    fi
}
static_busybox() {
    [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1
}
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
static_busybox || need+=(busybox-static)
command -v xz >/dev/null || need+=(xz-utils)
command -v cpio >/dev/null || need+=(cpio)
command -v socat >/dev/null || need+=(socat)
command -v cc >/dev/null || need+=(gcc libc6-dev)
[ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
static_busybox || die "/bin/busybox is not a static binary (busybox-static)"

# --- inputs and cache key ----------------------------------------------------
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9   # one build at a time per cache

# Local inputs (no network needed to tell whether they changed).
bbver=$(/bin/busybox 2>&1 | sed -n 1p)
lkey=$( { echo "format $FORMAT"; echo "$bbver"; echo "$MODULES";
          cat "$here/guest-init.sh" "$here/agent-client.c"; } | sha256sum | cut -d' ' -f1)
complete() {
    [ -s "$cache/vmlinux" ] && [ -s "$cache/initramfs.cpio" ] && [ -x "$cache/agent-client" ] &&
        [ -s "$cache/stamp" ]
}
if [ $quick -eq 1 ] && complete && [ "$(sed -n 2p "$cache/stamp")" = "$lkey" ]; then
    log "images present in $cache (kernel not re-checked: --quick)"
    echo "$cache"
    exit 0
fi

# The kernel: linux-image-amd64's dependency, "linux-image-X (= VERSION)".
kernel_dep() {
    apt-cache show --no-all-versions linux-image-amd64 2>/dev/null |
        sed -n 's/^Depends:.*\(linux-image-[0-9][^ ,]*\) (= \([^)]*\)).*/\1 \2/p' | sed -n 1p
}
kdep=$(kernel_dep || true)
if [ -z "$kdep" ]; then
    apt_update || true
    kdep=$(kernel_dep || true)
fi
if [ -z "$kdep" ]; then
    if complete && [ "$(sed -n 2p "$cache/stamp")" = "$lkey" ]; then
        log "cannot resolve linux-image-amd64 (offline?); using the cached images"
        echo "$cache"
        exit 0
    fi
    die "cannot resolve linux-image-amd64 with apt-cache (no apt lists and apt-get update failed)"
fi
read -r kpkg kver <<< "$kdep"
key=$(echo "$kpkg $kver $lkey" | sha256sum | cut -d' ' -f1)

if complete && [ "$(sed -n 1p "$cache/stamp")" = "$key" ]; then
    log "up to date ($kpkg $kver) in $cache"
    echo "$cache"
    exit 0
fi

# --- build ------------------------------------------------------------------
t0=$(date +%s.%N)
work=$(mktemp -d "$cache/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$cache/debs"
deb=$cache/debs/${kpkg}_${kver//:/%3a}_$(dpkg --print-architecture).deb
if [ ! -s "$deb" ]; then
    log "downloading $kpkg $kver"
    (cd "$work" && apt-get download "$kpkg=$kver" >&2 2>"$work/dl.err") ||
        { cat "$work/dl.err" >&2; die "apt-get download $kpkg failed"; }
    rm -f "$cache/debs/"*.deb   # only the current kernel is kept
    for f in "$work"/*.deb; do mv "$f" "$deb"; done
    [ -s "$deb" ] || die "apt-get download $kpkg left no .deb"
fi
log "unpacking $(basename "$deb")"
mkdir "$work/k"
dpkg-deb --fsys-tarfile "$deb" |
    tar -x -C "$work/k" --wildcards './boot/vmlinuz-*' './lib/modules/*/kernel/drivers/*'
vmlinuz=$(ls "$work/k/boot/vmlinuz-"* | sed -n 1p)

# vmlinux: the xz payload of the bzImage, unpacked (an ELF with a PVH entry).
off=$(LC_ALL=C grep -obUaP '\xFD7zXZ\x00' "$vmlinuz" | sed -n 1p | cut -d: -f1 || true)
# (xz stops after its stream, so tail may die of SIGPIPE: only the result counts)
[ -n "$off" ] && { tail -c +$((off + 1)) "$vmlinuz" | xz -dc --single-stream > "$work/vmlinux" 2>/dev/null || true; }
if [ -s "$work/vmlinux" ] &&
   [ "$(head -c 4 "$work/vmlinux" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
    log "vmlinux: $(du -h "$work/vmlinux" | cut -f1) unpacked from $(basename "$vmlinuz")"
else
    log "no xz payload found; using the bzImage as is (slower boot under TCG)"
    cp "$vmlinuz" "$work/vmlinux"
fi

# initramfs: busybox + its applet links, the modules, /init.
r=$work/root
mkdir -p "$r/bin" "$r/lib/modules" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/root"
cp /bin/busybox "$r/bin/busybox"
for a in $(/bin/busybox --list); do
    [ "$a" = busybox ] || ln -s busybox "$r/bin/$a"
done
for m in $MODULES; do
    f=$(find "$work/k/lib/modules" -name "$m.ko" -o -name "$m.ko.xz" | sed -n 1p)
    [ -n "$f" ] || die "module $m not in $kpkg"
    case $f in
        *.xz) xz -dc "$f" > "$r/lib/modules/$m.ko" ;;
        *) cp "$f" "$r/lib/modules/$m.ko" ;;
    esac
done
install -m 0755 "$here/guest-init.sh" "$r/init"
mknod -m 600 "$r/dev/console" c 5 1 2>/dev/null || log "cannot mknod /dev/console (not root?); the guest console stays quiet"
(cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc --owner 0:0 --quiet) > "$work/initramfs.cpio"
log "initramfs: $(du -h "$work/initramfs.cpio" | cut -f1) ($(echo $MODULES | wc -w) modules)"

cc -std=c11 -O2 -Wall -o "$work/agent-client" "$here/agent-client.c" || die "cannot compile agent-client.c"

cat > "$work/info" <<EOF
kernel_package=$kpkg
kernel_version=$kver
kernel_release=$(basename "$vmlinuz" | sed 's/^vmlinuz-//')
busybox=$bbver
key=$key
built=$(date -u +%Y-%m-%dT%H:%M:%SZ)
EOF
for f in vmlinux initramfs.cpio agent-client info; do
    mv -f "$work/$f" "$cache/$f"
done
printf '%s\n%s\n' "$key" "$lkey" > "$cache/stamp"
log "built in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s into $cache"
echo "$cache"

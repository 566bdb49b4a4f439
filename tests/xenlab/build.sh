#!/usr/bin/env bash
# build.sh — builds the Xen lab: a Xen 4.17 hypervisor, a Debian kernel, a
# dom0 initramfs (debootstrap minbase + xen-utils + xengatherer built for it
# + the scenario) and a busybox domU initramfs, all from Debian packages.
# The slow part (debootstrap, packages) is cached in $XENLAB_CACHE and redone
# only when its inputs (this script's BASE_INPUTS) change; xengatherer and
# the initramfs are rebuilt on every call (a few seconds). Fails loudly when
# a Debian package cannot be fetched.
# Usage: build.sh [SRCDIR]   (default: the repository this script is in)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "${1:-$here/../..}" && pwd)
cache=${XENLAB_CACHE:-/var/cache/xengatherer-xenlab}
mirror=${XENLAB_MIRROR:-http://deb.debian.org/debian}
secmirror=${XENLAB_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
log() { echo "xenlab-build: $*" >&2; }
die() { echo "xenlab-build: FAILED: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap, chroot)"

# Packages of the dom0 userland (xen-utils from bookworm-security matches
# the hypervisor) and what xengatherer links against.
DOM0_PKGS="xen-utils-4.17 xen-utils-common libxenmisc4.17 libjansson4
  libsqlite3-0 kmod busybox-static util-linux procps"
BASE_INPUTS="v4 $DOM0_PKGS xen-hypervisor-4.17-amd64 linux-image-amd64
  $mirror $secmirror"
MODULES="xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs xen-blkback
  loop xen-blkfront xen-netback xen-netfront virtio_pci virtio_blk"

host_deps() {
    local want=(debootstrap qemu-system-x86 cpio gzip libxen-dev meson
                ninja-build pkg-config gcc libsqlite3-dev libjansson-dev kmod)
    local missing=() p
    for p in "${want[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
            grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing on the host: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || die "apt-get update"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
        die "apt-get install ${missing[*]} (are Debian's mirrors reachable?)"
}

# Only the modules the lab loads, with their dependencies, from the
# unpacked kernel package in $1/pkgs into $1/modules.
pick_modules() {
    local b=$1 kver=$2 f rel
    depmod -b "$b/pkgs" "$kver" || die "depmod of the kernel package"
    rm -rf "$b/modules"
    mkdir -p "$b/modules/lib/modules/$kver"
    for m in $MODULES; do
        modprobe -d "$b/pkgs" -S "$kver" --show-depends "$m" |
            awk '$1 == "insmod" {print $2}'
        [ "${PIPESTATUS[0]}" -eq 0 ] || die "no module $m in linux-image-$kver"
    done | sort -u | while read -r f; do
        rel=${f#"$b/pkgs"}
        mkdir -p "$b/modules$(dirname "$rel")"
        cp "$f" "$b/modules$rel"
    done
    cp "$b/pkgs/lib/modules/$kver"/modules.{order,builtin,builtin.modinfo} \
        "$b/modules/lib/modules/$kver/"
    depmod -b "$b/modules" "$kver" || die "depmod"
}

# The cached part: $cache/base/{rootfs,xen,vmlinuz,kver,modules/}.
build_base() {
    local key b=$cache/base.new kver deb
    key=$(echo "$BASE_INPUTS" | sha256sum | cut -c1-16)
    if [ -f "$cache/base/stamp" ] && [ "$(cat "$cache/base/stamp")" = "$key" ]; then
        log "base image cached ($cache/base)"
        return 0
    fi
    log "building the base image (debootstrap; about 2 minutes)"
    rm -rf "$b"
    mkdir -p "$b/pkgs"
    debootstrap --variant=minbase bookworm "$b/rootfs" "$mirror" \
        >"$cache/debootstrap.log" 2>&1 ||
        { tail -20 "$cache/debootstrap.log" >&2; die "debootstrap bookworm from $mirror"; }
    cat >"$b/rootfs/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $secmirror bookworm-security main
EOF
    printf '#!/bin/sh\nexit 101\n' >"$b/rootfs/usr/sbin/policy-rc.d"
    chmod +x "$b/rootfs/usr/sbin/policy-rc.d"
    chroot "$b/rootfs" apt-get update -qq || die "apt-get update in the chroot"
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive chroot "$b/rootfs" apt-get install -y -qq \
        --no-install-recommends $DOM0_PKGS >"$cache/apt.log" 2>&1 ||
        { tail -20 "$cache/apt.log" >&2; die "apt-get install $DOM0_PKGS"; }
    # The hypervisor and the kernel are unpacked, not installed (no grub,
    # no initramfs-tools).
    kver=$(chroot "$b/rootfs" apt-cache depends linux-image-amd64 |
           sed -n 's/.*Depends: linux-image-\(.*\)$/\1/p' | head -1)
    [ -n "$kver" ] || die "cannot tell the kernel version of linux-image-amd64"
    (cd "$b/rootfs/tmp" && chroot "$b/rootfs" sh -c \
        "cd /tmp && apt-get download -qq xen-hypervisor-4.17-amd64 linux-image-$kver") ||
        die "apt-get download xen-hypervisor-4.17-amd64 linux-image-$kver"
    for deb in "$b/rootfs"/tmp/*.deb; do
        dpkg-deb -x "$deb" "$b/pkgs"
    done
    rm -f "$b/rootfs"/tmp/*.deb
    gunzip -c "$b"/pkgs/boot/xen-4.17-amd64.gz >"$b/xen" ||
        die "no xen-4.17-amd64.gz in xen-hypervisor-4.17-amd64"
    cp "$b/pkgs/boot/vmlinuz-$kver" "$b/vmlinuz"
    echo "$kver" >"$b/kver"
    pick_modules "$b" "$kver"
    rm -rf "$b/pkgs"
    # Trim what a dom0 that runs one scenario never reads.
    (cd "$b/rootfs" && rm -rf usr/share/doc usr/share/man usr/share/info \
        usr/share/locale usr/share/i18n usr/share/zoneinfo var/lib/apt/lists \
        var/cache/apt var/cache/debconf/*-old var/log/* usr/share/perl* \
        usr/lib/x86_64-linux-gnu/perl* usr/share/bash-completion \
        usr/lib/python3/dist-packages/*/tests usr/lib/python3.11/test \
        usr/lib/python3.11/ensurepip usr/lib/python3.11/idlelib \
        usr/lib/python3.11/tkinter usr/lib/python3.11/lib2to3 \
        usr/lib/python3.11/pydoc_data usr/share/xen/qemu usr/lib/udev/hwdb.bin \
        usr/lib/udev/hwdb.d usr/lib/x86_64-linux-gnu/gconv 2>/dev/null || true)
    echo "$key" >"$b/stamp"
    rm -rf "$cache/base"
    mv "$b" "$cache/base"
    log "base image built"
}

# xengatherer built on the host (bookworm amd64, the same libxen as dom0).
# XENLAB_ASAN=1: built with ASan+UBSan (their runtimes go into dom0 too).
build_xg() {
    local bd san=()
    # one build folder per source tree (CI builds from a fresh clone)
    bd=$cache/xg-build-$(echo "$src" | sha256sum | cut -c1-8)
    if [ "${XENLAB_ASAN:-}" = 1 ]; then
        bd=$bd-asan
        san=(-Db_sanitize=address,undefined -Db_lundef=false)
    fi
    xg_bin=$bd/xengatherer
    # without the BPF iterator (libbpf), import (libcurl) and serve
    # (libmicrohttpd): dom0's image has none of those libraries, and the
    # lab is Xen's (build_dom0 checks every library the binary needs is
    # in the image)
    local off=(-Dcgroup_bpf=disabled -Dcurl=disabled -Dserve=disabled)
    if [ ! -f "$bd/build.ninja" ]; then
        meson setup "$bd" "$src" -Dtests=false -Dwerror=false \
            "${off[@]}" "${san[@]}" \
            >"$cache/meson.log" 2>&1 || { cat "$cache/meson.log" >&2; die "meson setup"; }
    else
        # --reconfigure, not configure: it learns options the tree added
        # since this folder was set up
        meson setup --reconfigure "$bd" "$src" "${off[@]}" \
            >"$cache/meson.log" 2>&1 ||
            { cat "$cache/meson.log" >&2; die "meson setup --reconfigure"; }
    fi
    ninja -C "$bd" >"$cache/ninja.log" 2>&1 || { cat "$cache/ninja.log" >&2; die "ninja"; }
    "$bd/xengatherer" --version | grep -q '^xen: a module, loads here' ||
        die "xengatherer's xen platform module does not load (is libxen-dev installed?)"
}

# The domU initramfs: static busybox, xen-blkfront, and domu-init.
build_domu() {
    local d=$cache/domu.root kver
    kver=$(cat "$cache/base/kver")
    rm -rf "$d"
    mkdir -p "$d"/{bin,dev,proc,sys,tmp}
    cp "$cache/base/rootfs/bin/busybox" "$d/bin/busybox"
    cp -a "$cache/base/modules/lib" "$d/"
    cp "$here/domu-init" "$d/init"
    chmod +x "$d/init"
    (cd "$d" && find . | cpio -o -H newc --quiet | gzip -1) >"$cache/domu.cpio.gz"
}

# The domUs' kernel: the ELF inside the xz bzImage, gzipped. libxenguest
# then gunzips it instead of unpacking xz under TCG (10+ s a domain, and it
# once failed with "unable to XZ decompress kernel").
build_domu_kernel() {
    [ -s "$cache/vmlinux.gz" ] && [ "$cache/vmlinux.gz" -nt "$cache/base/stamp" ] && return 0
    python3 - "$cache/base/vmlinuz" <<'PY' | xz -dc --single-stream 2>/dev/null |
import sys
b = open(sys.argv[1], "rb").read()
sys.stdout.buffer.write(b[b.index(b"\xfd7zXZ\x00"):])
PY
        gzip -6 >"$cache/vmlinux.gz.new"
    [ "$(gzip -dc "$cache/vmlinux.gz.new" | head -c 4 | od -An -c | tr -d ' ')" = '177ELF' ] ||
        die "no ELF kernel inside $cache/base/vmlinuz"
    mv "$cache/vmlinux.gz.new" "$cache/vmlinux.gz"
}

# The dom0 initramfs: the base rootfs plus modules, lab files and xengatherer.
build_dom0() {
    local r=$cache/dom0.root kver
    kver=$(cat "$cache/base/kver")
    rm -rf "$r"
    cp -a "$cache/base/rootfs" "$r"
    cp -a "$cache/base/modules/lib/modules" "$r/lib/"
    mkdir -p "$r/lab"
    cp "$here/dom0-init" "$r/init"
    cp "$here/scenario.sh" "$here/trigger" "$here/block-lab" "$here/vif-lab" "$r/lab/"
    chmod +x "$r/init" "$r/lab/scenario.sh" "$r/lab/trigger" "$r/lab/block-lab" \
        "$r/lab/vif-lab"
    cp "$cache/vmlinux.gz" "$r/lab/vmlinux.gz"
    cp "$cache/domu.cpio.gz" "$r/lab/domu.cpio.gz"
    cp "$xg_bin" "$r/usr/bin/xengatherer"
    # the xen platform's module, where the binary looks (bindir -> libdir)
    mkdir -p "$r/usr/lib/x86_64-linux-gnu/xengatherer"
    cp "$(dirname "$xg_bin")/xengatherer-xen.so" "$r/usr/lib/x86_64-linux-gnu/xengatherer/"
    if [ "${XENLAB_ASAN:-}" = 1 ]; then
        ldd "$xg_bin" | awk '/lib(asan|ubsan)/ {print $3}' |
            xargs -r cp -t "$r/usr/lib/x86_64-linux-gnu/"
    fi
    # every library the binary links must be in the image (a missing one
    # made every xengatherer in dom0 exit 127 once: libbpf)
    local so
    for so in $(ldd "$xg_bin" | awk '$2 == "=>" {print $1}'); do
        [ -n "$(find "$r/usr/lib" "$r/lib" -name "$so" -print -quit 2>/dev/null)" ] ||
            die "the lab's xengatherer needs $so, which dom0's image does not have"
    done
    (cd "$r" && find . | cpio -o -H newc --quiet | gzip -1) >"$cache/dom0.cpio.gz"
    rm -rf "$r"
}

t0=$SECONDS
mkdir -p "$cache"
host_deps
build_base
[ "${XENLAB_BASE_ONLY:-}" = 1 ] && exit 0
build_xg
build_domu
build_domu_kernel
build_dom0
log "ready in $((SECONDS - t0)) s: $cache/{xen,vmlinuz,dom0.cpio.gz} ($(du -m "$cache/dom0.cpio.gz" | cut -f1) MB)"

#!/usr/bin/env bash
# deps.sh — installs the Debian 12 packages xengatherer needs to build, test
# and demo (only those missing; apt-get update only when something is).
set -euo pipefail
# libclang-rt-14-dev: libFuzzer and the sanitizer runtimes for clang (only
# a Recommends of clang-14, so --no-install-recommends leaves it out).
pkgs=(build-essential meson ninja-build pkg-config clang libclang-rt-14-dev
      clang-tidy cppcheck
      libsqlite3-dev libjansson-dev libcmocka-dev sqlite3 valgrind
      python3 coreutils util-linux procps
      openssh-client               # the default exec template (ssh)
      libxen-dev                   # the xen platform (libxenstat, libxenctrl)
      debhelper dpkg-dev           # the .debs (scripts/deb-check.sh)
      libvirt-dev libvirt-daemon-system libvirt-clients # the libvirt platform and its test
      sysstat time linux-perf      # the benchmark's peers and timers
      strace                       # bench/reads.sh counts the reads
      libbpf-dev bpftool           # the cgroup platform's BPF iterator (clang above)
      libcurl4-openssl-dev         # import / run --source read a Prometheus
      prometheus                   # test_import scrapes with a real one
      chromium                     # test_html renders report.html headless
      python3-scipy                # the statistics are checked against scipy
      libmicrohttpd-dev curl prometheus # serve's HTTP; its test scrapes, promtool
      qemu-system-x86 busybox-static xz-utils cpio) # the QEMU VM lab
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "deps.sh: need root to install: ${missing[*]}" >&2
        exit 1
    fi
    echo "deps.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

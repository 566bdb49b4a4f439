#!/usr/bin/env bash
# deb-check.sh — builds the Debian packages from a copy of this tree
# (dpkg-buildpackage -us -uc -b; the tree itself is left as it was) and
# checks them:
#  - their version is meson's; xengatherer holds the binary, the man page
#    and the docs, xengatherer-xen the xen platform's module;
#  - each package Depends on exactly the packages of the libraries its ELF
#    files link (so xengatherer on no libxen*), xengatherer Recommends
#    xengatherer-xen;
#  - xengatherer alone, unpacked into a scratch root: --version, a 1 s
#    record of a new cgroup and its report run from the unpacked copy, and
#    --platform xen says in one line what to install (exit 2);
#  - with xengatherer-xen unpacked too, --version says the module loads.
# Root (for the cgroup). DEB_OUT=DIR keeps the .debs there.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
for t in dpkg-buildpackage dh dpkg-deb readelf ldd; do
    command -v "$t" >/dev/null ||
        { echo "deb-check: $t is missing (scripts/deps.sh installs it)" >&2; exit 1; }
done
# lib.sh: cg_make, fail, $TMP, all cleaned up at exit
export XG=/nonexistent
source "$src/tests/integration/lib.sh"
say() { echo "deb-check: $*"; }

version=$(sed -n "s/^  version : '\([^']*\)',$/\1/p" meson.build)
[ -n "$version" ] || fail "no version in meson.build"
[ "$(dpkg-parsechangelog -S Version)" = "$version" ] ||
    fail "debian/changelog is at $(dpkg-parsechangelog -S Version), meson.build at $version"
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)

# a copy of the tree: what git tracks plus new files it does not ignore
copy=$TMP/xengatherer-$version
mkdir "$copy"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard |
        tar --null -T - --ignore-failed-read -cf - | tar -xf - -C "$copy"
else
    tar --exclude='./build*' --exclude='./xg-*' --exclude='./obj-*' --exclude=./.git \
        -cf - . | tar -xf - -C "$copy"
fi
say "dpkg-buildpackage -us -uc -b in $copy"
t0=$SECONDS
(cd "$copy" && DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-parallel=$(nproc)} \
    dpkg-buildpackage -us -uc -b) > "$TMP/build.log" 2>&1 ||
    { tail -n 40 "$TMP/build.log"; fail "dpkg-buildpackage failed (log above)"; }
say "built in $((SECONDS - t0)) s"
main=$TMP/xengatherer_${version}_$arch.deb
xen=$TMP/xengatherer-xen_${version}_$arch.deb
[ -f "$main" ] || fail "no $main"
[ -f "$xen" ] || fail "no $xen"
if [ -n "${DEB_OUT:-}" ]; then cp "$main" "$xen" "$DEB_OUT"/; fi

# owner LIB — the package that holds a library file (merged /usr: the
# path may be registered with or without /usr)
owner() {
    local p; p=$(readlink -f "$1")
    { dpkg -S "$p" || dpkg -S "${p#/usr}" || dpkg -S "/usr$p"; } 2>/dev/null |
        head -n 1 | cut -d: -f1
}
# linked_pkgs ELF — the packages of the libraries ELF links itself (its
# NEEDED entries, found where ldd finds them), sorted
linked_pkgs() {
    local n
    ldd "$1" > "$TMP/ldd"
    readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' |
        while read -r n; do
            owner "$(awk -v n="$n" '$1 == n && $2 == "=>" {print $3}' "$TMP/ldd")"
        done | sort -u
}
# dep_pkgs DEB — the package names of its Depends, sorted
dep_pkgs() {
    dpkg-deb -f "$1" Depends | tr ',' '\n' | awk 'NF {print $1}' | sort -u
}

say "xengatherer: Depends: $(dpkg-deb -f "$main" Depends)"
say "xengatherer: Recommends: $(dpkg-deb -f "$main" Recommends)"
say "xengatherer-xen: Depends: $(dpkg-deb -f "$xen" Depends)"
dpkg-deb -f "$main" Depends | grep -i libxen && fail "xengatherer depends on Xen's libraries"
dpkg-deb -f "$main" Recommends | tr ',' '\n' | grep -qx ' *xengatherer-xen' ||
    fail "xengatherer does not recommend xengatherer-xen"
dpkg-deb -f "$xen" Depends | grep -qF "xengatherer (= $version)" ||
    fail "xengatherer-xen does not depend on xengatherer (= $version)"

# the main package alone, unpacked
root=$TMP/root
dpkg -x "$main" "$root"
bin=$root/usr/bin/xengatherer
mod=$root/usr/lib/$multiarch/xengatherer/xengatherer-xen.so
for f in usr/bin/xengatherer usr/share/man/man1/xengatherer.1.gz \
         usr/share/doc/xengatherer/README.md usr/share/doc/xengatherer/copyright; do
    [ -f "$root/$f" ] || fail "xengatherer has no /$f"
done
for f in docs/*.md; do
    [ -f "$root/usr/share/doc/xengatherer/$f" ] || fail "xengatherer has no doc $f"
done
[ "$(dpkg -c "$main" | grep -c 'xengatherer-xen\.so')" -eq 0 ] ||
    fail "xengatherer holds the xen module"
[ "$(linked_pkgs "$bin")" = "$(dep_pkgs "$main")" ] ||
    fail "xengatherer: Depends $(dep_pkgs "$main" | xargs) but links $(linked_pkgs "$bin" | xargs)"

"$bin" --version > "$TMP/version" || fail "--version exited $?"
cat "$TMP/version"
head -n 1 "$TMP/version" | grep -q "^xengatherer $version (platforms: .*xen" ||
    fail "--version: $(head -n 1 "$TMP/version")"
grep -qF "xen: a module, does not load here: $mod: cannot open shared object file" \
    "$TMP/version" || fail "--version without xengatherer-xen: $(cat "$TMP/version")"
rc=0; "$bin" list --platform xen > /dev/null 2> "$TMP/xen.err" || rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l < "$TMP/xen.err")" -eq 1 ] &&
    grep -qF "xengatherer: xen platform: $mod: cannot open shared object file: No such file or directory; install the xengatherer-xen package" \
        "$TMP/xen.err" || fail "--platform xen (exit $rc): $(cat "$TMP/xen.err")"

cg=machine.slice/xg-deb-$$
cg_make "$cg"
"$bin" record --platform cgroup -q --cgroup "$cg" -i 0.5 -d 1 -o "$TMP/rec" ||
    fail "the unpacked xengatherer's record exited $?"
"$bin" report "$TMP/rec/recording.db" > "$TMP/report.txt" ||
    fail "the unpacked xengatherer's report exited $?"
grep -q "xg-deb-$$" "$TMP/report.txt" || fail "the report does not name the cgroup"
say "installed copy: record --platform cgroup -d 1 and report ok"

# and the xen module's package
dpkg -x "$xen" "$root"
[ -f "$mod" ] || fail "xengatherer-xen has no $mod"
[ "$(linked_pkgs "$mod")" = "$(dep_pkgs "$xen" | grep -vx xengatherer)" ] ||
    fail "xengatherer-xen: Depends $(dep_pkgs "$xen" | xargs) but links $(linked_pkgs "$mod" | xargs)"
"$bin" --version | grep -qxF "xen: a module, loads here: $mod" ||
    fail "--version with xengatherer-xen: $("$bin" --version)"
say "PASS ($(basename "$main"), $(basename "$xen"))"

#!/bin/bash
# test_nolibxen.sh — a recording parsed on a machine without Xen's
# libraries (issue 13, item 10): the binary links no libxen*; in a mount
# namespace where every libxen*.so* is hidden, report and list --platform
# cgroup work, --version says the xen module does not load and why, and
# --platform xen fails with one line naming the module, the missing
# library and what to install (exit 1).
here=$(cd "$(dirname "$0")" && pwd)
bin=${XG:?XG must point at the xengatherer binary} # lib.sh may wrap $XG
source "$here/lib.sh"
command -v unshare >/dev/null || skip "needs unshare (util-linux)"
command -v readelf >/dev/null || skip "needs readelf (binutils)"
mod=$(dirname "$bin")/xengatherer-xen.so
"$bin" --version | head -n 1 | grep -qw xen ||
    skip "built without the xen platform (no libxen-dev)"

# (a) the binary itself needs no Xen library; the module does
readelf -d "$bin" > "$TMP/needed" || fail "readelf $bin"
grep NEEDED "$TMP/needed" | grep -i 'libxen' && fail "$bin links Xen's libraries"
[ -f "$mod" ] || fail "no xen module $mod"
readelf -d "$mod" | grep NEEDED | grep -q 'libxenstat' ||
    fail "$mod does not link libxenstat (nothing to hide)"

# a recording made here, with the libraries present
cg=machine.slice/xg-it-nolibxen-$$
cg_make "$cg"
"$XG" record --platform cgroup -q --cgroup "$cg" -i 0.25 -d 1 -o "$TMP/rec" ||
    fail "record exited $?"
"$XG" report "$TMP/rec/recording.db" > "$TMP/with.txt" || fail "report exited $?"

# (b) the same binary where the libraries are absent: the directory that
# holds libxenstat is replaced, in a mount namespace of this test's own,
# by symlinks to all of its other files
libdir=$(dirname "$(readlink -f "$(ldd "$mod" | awk '/libxenstat/ {print $3}')")")
[ -d "$libdir" ] || fail "cannot find libxenstat's directory"
cat > "$TMP/inside.sh" <<'SH'
set -u
libdir=$1 tmp=$2 xg=$3 mod=$4 cg=$5
mkdir "$tmp/orig" "$tmp/farm"
mount --bind "$libdir" "$tmp/orig" || exit 90
ln -s "$tmp/orig"/* "$tmp/farm"/ && rm -f "$tmp/farm"/libxen* || exit 91
mount --bind "$tmp/farm" "$libdir" || exit 92
ls "$libdir" | grep -q '^libxen' && exit 93
ldd "$mod" > "$tmp/ldd.txt" 2>&1
"$xg" report "$tmp/rec/recording.db" > "$tmp/without.txt" 2> "$tmp/report.err"
echo "report $?" > "$tmp/rc"
"$xg" list --platform cgroup --cgroup "$cg" > "$tmp/list.txt" 2> "$tmp/list.err"
echo "list $?" >> "$tmp/rc"
"$xg" --version > "$tmp/version.txt" 2>&1
echo "version $?" >> "$tmp/rc"
"$xg" list --platform xen > "$tmp/xen.out" 2> "$tmp/xen.err"
echo "xen $?" >> "$tmp/rc"
"$xg" record --platform xen -q -d 1 -o "$tmp/xenrec" > /dev/null 2> "$tmp/xenrec.err"
echo "xenrec $?" >> "$tmp/rc"
SH
unshare -m bash "$TMP/inside.sh" "$libdir" "$TMP" "$XG" "$mod" "$cg" ||
    fail "could not hide the libraries (rc $?)"
cat "$TMP/rc"
grep -q 'libxenstat.* not found' "$TMP/ldd.txt" ||
    fail "libxenstat still found: $(cat "$TMP/ldd.txt")"
rc() { awk -v k="$1" '$1 == k {print $2}' "$TMP/rc"; }
[ "$(rc report)" = 0 ] || fail "report exited $(rc report): $(cat "$TMP/report.err")"
cmp -s "$TMP/with.txt" "$TMP/without.txt" ||
    fail "report differs without the libraries"
[ "$(rc list)" = 0 ] || fail "list --platform cgroup exited $(rc list): $(cat "$TMP/list.err")"
grep -q "xg-it-nolibxen-$$" "$TMP/list.txt" || fail "list did not show the cgroup"
[ "$(rc version)" = 0 ] || fail "--version exited $(rc version)"
grep -q "^xen: a module, does not load here: $mod: libxen[a-z]*\.so[.0-9]*: cannot open shared object file" \
    "$TMP/version.txt" || fail "--version: $(cat "$TMP/version.txt")"
# --platform xen: exit 2 (the platform asked for cannot be used here) and
# one line (what, which file, what to install)
for k in xen xenrec; do
    [ "$(rc $k)" = 2 ] || fail "$k: exit $(rc $k), not 2"
    [ "$(wc -l < "$TMP/$k.err")" -eq 1 ] || fail "$k: not one line: $(cat "$TMP/$k.err")"
    grep -q "^xengatherer: xen platform: $mod: libxen[a-z]*\.so[.0-9]*: cannot open shared object file: No such file or directory; install the xengatherer-xen package" \
        "$TMP/$k.err" || fail "$k: $(cat "$TMP/$k.err")"
done
cat "$TMP/xen.err"
echo "PASS"

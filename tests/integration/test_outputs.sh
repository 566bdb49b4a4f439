#!/bin/bash
# test_outputs.sh — where the recording goes: -o at a read-only folder, at a
# symlink, and at a full filesystem (a small tmpfs). Each is a clear one-line
# error; a full disk never loses what was measured (the samples are saved
# to a rescue file named in the error).
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
cg_make machine.slice/xg-out/a
run() { "$XG" record --platform cgroup -q --cgroup-parent machine.slice/xg-out -i 0.2 -d 0.6 "$@"; }

# a read-only filesystem: refused before measuring, exit 2
mkdir "$TMP/ro"
mount -t tmpfs -o size=1m,ro tmpfs "$TMP/ro"
rc=0; run -o "$TMP/ro/out" 2> "$TMP/e" || rc=$?
umount "$TMP/ro"
[ "$rc" -eq 2 ] || fail "read-only: exit $rc"
[ "$(wc -l < "$TMP/e")" -eq 1 ] && grep -q "$TMP/ro/out: Read-only file system" "$TMP/e" || fail "read-only: $(cat "$TMP/e")"

# a symlink as the output folder, and a symlink planted as recording.db
mkdir "$TMP/real"; ln -s "$TMP/real" "$TMP/link"
rc=0; run -o "$TMP/link" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 2 ] && grep -q "$TMP/link: not a directory" "$TMP/e" || fail "symlinked folder: exit $rc: $(cat "$TMP/e")"
mkdir "$TMP/o2"; ln -s /etc/passwd "$TMP/o2/recording.db"
rc=0; run -o "$TMP/o2" --force 2> "$TMP/e" || rc=$?
[ "$rc" -ne 0 ] && grep -q "symbolic link" "$TMP/e" || fail "symlinked recording.db: exit $rc: $(cat "$TMP/e")"
[ -L "$TMP/o2/recording.db" ] || fail "the symlink was replaced"

# a full filesystem: the recording can't be written there; the samples are
# saved to a rescue copy that report reads
mkdir "$TMP/full"
mount -t tmpfs -o size=64k tmpfs "$TMP/full"
dd if=/dev/zero of="$TMP/full/filler" bs=4k count=100 status=none 2>/dev/null || true
rc=0; TMPDIR=$TMP run -o "$TMP/full/out" 2> "$TMP/e" || rc=$?
umount "$TMP/full"
[ "$rc" -eq 1 ] || fail "full disk: exit $rc: $(cat "$TMP/e")"
grep -qE "disk is full|No space left on device" "$TMP/e" || fail "full disk: error not clear: $(cat "$TMP/e")"
rescue=$(grep -o "saved to [^ ]*" "$TMP/e" | cut -d' ' -f3)
[ -n "$rescue" ] && [ -f "$rescue" ] || fail "full disk: no rescue copy: $(cat "$TMP/e")"
"$XG" report "$rescue" | grep -q "^CPU " || fail "the rescue copy does not report"
echo "PASS"

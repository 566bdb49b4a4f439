#!/bin/bash
# test_cli.sh — what a new user meets on the command line (issues 11 and
# 13): a failed command gives exit status 3 with everything still written;
# on cgroups the command runs locally by default; -o makes its parents; the
# run's first line says which platform and why (--cgroup* keep meaning
# cgroup while a qemu runs); the progress line counts domains, not the host
# row; seed-style cache event names work; --help and the man page say what
# happens at the window's end; --platform xen off Xen is one line.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
a=machine.slice/xg-cli-$$-a
b=machine.slice/xg-cli-$$-b
cg_make "$a"
cg_make "$b"
man=$here/../../docs/xengatherer.1

# expect_3 DESC DIR ARGS... — a run whose commands fail: exit 3, a line
# saying so, and the recording and every report still written
expect_3() {
    local desc=$1 dir=$2 rc=0 f; shift 2
    "$XG" run --cgroup "$a" -i 0.25 -d 1 -o "$dir" "$@" > /dev/null 2> "$TMP/e" || rc=$?
    [ "$rc" -eq 3 ] || fail "$desc: exit $rc, expected 3: $(cat "$TMP/e")"
    grep -q "1 command failed" "$TMP/e" || fail "$desc: stderr does not say it: $(cat "$TMP/e")"
    for f in recording.db report.txt report.csv report.json report.html; do
        [ -s "$dir/$f" ] || fail "$desc: $f not written"
    done
}
expect_3 "false" "$TMP/false" --exec local -- false
grep -qE "^xg-cli-$$-a +exited +1 " "$TMP/false/report.txt" || fail "false: exit 1 not in the report"
expect_3 "a missing command" "$TMP/missing" --exec local -- /nonexistent/xg-cli
[ "$(sqlite3 "$TMP/missing/recording.db" "select state from workloads")" = \
  "failed: /nonexistent/xg-cli: No such file or directory" ] || fail "missing command: state not recorded"
expect_3 "a command outliving the window" "$TMP/outlive" --exec local -- sleep 30
# a command that ends well: 0; record as run
"$XG" run -q --cgroup "$a" -i 0.25 -d 0.5 -o "$TMP/ok" --exec local -- true > /dev/null \
    || fail "a run whose command succeeds exited $?"
rc=0; "$XG" record -q --cgroup "$a" -i 0.25 -d 0.5 -o "$TMP/rec3" --exec local -- false 2> /dev/null || rc=$?
[ "$rc" -eq 3 ] && [ -s "$TMP/rec3/recording.db" ] || fail "record with a failing command: exit $rc"

# on cgroups the default --exec is local: the command runs in the cgroup
"$XG" run -q --cgroup "$a" -i 0.25 -d 2 --until-done -o "$TMP/local" \
    -- sh -c 'cat /proc/self/cgroup > "$0"' "$TMP/where" > /dev/null 2> "$TMP/e" \
    || fail "run --cgroup without --exec exited $?: $(cat "$TMP/e")"
grep -q "xg-cli-$$-a" "$TMP/where" || fail "the command did not run in the cgroup: $(cat "$TMP/where")"
[ "$(sqlite3 "$TMP/local/recording.db" "select value from meta where key='exec'")" = local ] \
    || fail "the cgroup default template is not local"

# -o makes its parents, as mkdir -p; a file or a symlink in the way is refused
"$XG" record -q --cgroup "$a" -i 0.25 -d 0.5 -o "$TMP/results/today/a" \
    || fail "-o with missing parents exited $?"
[ -s "$TMP/results/today/a/recording.db" ] || fail "-o with missing parents wrote no recording"
: > "$TMP/afile"
rc=0; "$XG" record -q --cgroup "$a" -i 0.25 -d 0.5 -o "$TMP/afile/x/y" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l < "$TMP/e")" -eq 1 ] && grep -q "afile/x: Not a directory" "$TMP/e" \
    || fail "-o through a file: exit $rc: $(cat "$TMP/e")"
mkdir "$TMP/real"; ln -s "$TMP/real" "$TMP/link"
rc=0; "$XG" record -q --cgroup "$a" -i 0.25 -d 0.5 -o "$TMP/link" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 2 ] && grep -q "link: not a directory" "$TMP/e" || fail "-o onto a symlink: exit $rc: $(cat "$TMP/e")"
[ ! -e "$TMP/real/recording.db" ] || fail "-o onto a symlink wrote through it"

# the first line of a run says which platform and why (not with -q)
"$XG" record --cgroup "$a" -i 0.25 -d 0.5 -o "$TMP/p1" 2> "$TMP/e" || fail "record exited $?"
[ "$(head -1 "$TMP/e")" = "xengatherer: platform cgroup (auto: --cgroup given)" ] \
    || fail "first line: $(head -1 "$TMP/e")"
"$XG" record --platform cgroup --cgroup "$a" -i 0.25 -d 0.5 -o "$TMP/p2" 2> "$TMP/e" || fail "record exited $?"
[ "$(head -1 "$TMP/e")" = "xengatherer: platform cgroup (--platform)" ] || fail "first line: $(head -1 "$TMP/e")"
"$XG" record -q --cgroup "$a" -i 0.25 -d 0.5 -o "$TMP/p3" 2> "$TMP/e" || fail "record exited $?"
[ ! -s "$TMP/e" ] || fail "-q printed: $(cat "$TMP/e")"
# a qemu-system process: auto picks qemu and says so; --cgroup still cgroup
build_standin "pause();"
(exec -a qemu-system-x86_64 "$TMP/standin" -name xg-cli-$$ -nodefaults) & standin=$!
trap 'kill $standin 2>/dev/null || true; cg_cleanup' EXIT
sleep 0.2
"$XG" record --cgroup "$a" -i 0.25 -d 0.5 -o "$TMP/p4" 2> "$TMP/e" || fail "record with a qemu running exited $?"
[ "$(head -1 "$TMP/e")" = "xengatherer: platform cgroup (auto: --cgroup given)" ] \
    || fail "--cgroup with a qemu running: $(head -1 "$TMP/e")"
if ! grep -q control_d /proc/xen/capabilities 2>/dev/null; then
    "$XG" record -i 0.25 -d 0.5 -o "$TMP/p5" 2> "$TMP/e" || fail "auto record exited $?"
    head -1 "$TMP/e" | grep -q "^xengatherer: platform qemu (auto: a qemu-system process runs; --platform cgroup or --cgroup for containers)" \
        || fail "auto with a qemu running: $(head -1 "$TMP/e")"
fi
kill "$standin"; wait "$standin" 2>/dev/null || true

# the progress line counts the domains, and says the host apart
script -qec "$XG record --cgroup $a --cgroup $b -i 0.25 -d 0.6 -o $TMP/prog" /dev/null > "$TMP/tty" \
    || fail "record on a terminal exited $?"
grep -q "measuring 2 domains and the host" "$TMP/tty" || fail "progress: $(tr '\r' '\n' < "$TMP/tty" | grep measuring | head -1)"

# seed-style cache event names are accepted
"$XG" record -q --cgroup "$a" -i 0.25 -d 0.5 -o "$TMP/llc" --cache-events LLC_MISSES,LLC_REFS \
    || fail "--cache-events LLC_MISSES,LLC_REFS exited $?"

# the window's end: --help and the man page say a command still running is
# sent SIGTERM, and how to wait for it instead
"$XG" run --help > "$TMP/help"
grep -q "still running at the end of the window gets SIGTERM" "$TMP/help" || fail "--help does not say SIGTERM"
grep -q "until-done with a longer -d" "$TMP/help" || fail "--help does not say how to wait"
grep -q "^SIGTERM (SIGKILL 2 s later) and the run exits 3" "$man" \
    && grep -qF 'give \fB\-\-until\-done\fR with a longer \fB\-d\fR' "$man" \
    || fail "the man page does not say what happens at the window's end"
sed -n '/^\.SH EXIT STATUS/,/^\.SH FILES/p' "$man" | grep -qx '\.B 3' || fail "the man page lists no exit status 3"

# --platform xen off Xen: the tool's own line only, no raw libxc lines
if "$XG" --version | grep -q xen && ! grep -q control_d /proc/xen/capabilities 2>/dev/null; then
    rc=0; "$XG" list --platform xen > /dev/null 2> "$TMP/e" || rc=$?
    [ "$rc" -eq 2 ] && [ "$(wc -l < "$TMP/e")" -eq 1 ] && ! grep -q "xencall\|xc_interface_open" "$TMP/e" \
        || fail "--platform xen off Xen: exit $rc: $(cat "$TMP/e")"
fi
echo "PASS"

#!/bin/bash
# test_ssh_unreachable.sh — the default ssh template against domains that
# cannot run the command: one that accepts the connection and never answers
# (a local listener that never speaks), one that refuses it (a port nothing
# listens on), and a TEST-NET-2 address (whatever this machine's network does
# with it). --connect-timeout 2 bounds each ssh; each is recorded as exited
# 255 with ssh's words on stderr, and the measurement is complete.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
command -v ssh >/dev/null || skip "ssh is not installed (scripts/deps.sh installs openssh-client)"
command -v python3 >/dev/null || skip "python3 is not installed"
cg_make machine.slice/xg-ssh/a
cg_make machine.slice/xg-ssh/b
cg_make machine.slice/xg-ssh/c

# a: 127.0.0.2:22 accepts (the kernel completes the handshake) and says
# nothing, so ssh waits for the banner until its ConnectTimeout
timeout 60 python3 -c '
import socket, sys, time
s = socket.socket()
try:
    s.bind(("127.0.0.2", 22))
except OSError as e:
    open(sys.argv[1], "w").write("taken: %s\n" % e); sys.exit(0)
s.listen(16)
open(sys.argv[1], "w").write("ready\n")
time.sleep(60)' "$TMP/listener" &
listener=$!
for _ in $(seq 250); do [ -s "$TMP/listener" ] && break; sleep 0.02; done
grep -q ready "$TMP/listener" || skip "no silent listener on 127.0.0.2:22 ($(cat "$TMP/listener" 2>/dev/null))"
# b: nothing listens on 127.0.0.3:22 (an sshd on *:22 would answer there)
python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.3", 22))' 2>/dev/null \
    || skip "port 22 on 127.0.0.3 is taken (an sshd?): the refused case needs it free"
printf 'a 127.0.0.2\nb 127.0.0.3\nc 198.51.100.1\n' > "$TMP/vms"

start=$(date +%s%N)
rc=0
"$XG" run --platform cgroup -q --cgroup-parent machine.slice/xg-ssh --vmfile "$TMP/vms" \
    --connect-timeout 2 --until-done -i 0.25 -d 20 -o "$TMP/r" -- true \
    > /dev/null 2> "$TMP/err" || rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
kill "$listener" 2>/dev/null; wait "$listener" 2>/dev/null || true
echo "run took $ms ms; stderr: $(tr '\n' '|' < "$TMP/err")"
# every ssh exited 255: the run says so with its own status, 3
[ "$rc" -eq 3 ] || fail "run exited $rc, expected 3: $(cat "$TMP/err")"
grep -q "3 commands failed" "$TMP/err" || fail "stderr does not say 3 commands failed"
# bounded by the 2 s connect timeout (not by -d 20); valgrind adds seconds
[ "$ms" -lt $(( ${XG_VALGRIND:-0} == 1 ? 15000 : 6000 )) ] || fail "the run took $ms ms"

db=$TMP/r/recording.db
[ "$(sqlite3 "$db" "select value from meta where key='exec'")" = \
  "ssh -o BatchMode=yes -o ConnectTimeout=2 root@{addr}" ] || fail "exec template not recorded with ConnectTimeout=2"
# workload STATE EXIT SECONDS, by domain name
w() { sqlite3 -separator ' ' "$db" "select w.state, w.exit_code, printf('%.2f', (w.end_ns - w.start_ns) / 1e9)
    from workloads w join domains d on d.id = w.domain_id where d.name = '$1'"; }
read -r st code secs <<< "$(w a)"
echo "a (no answer): $st $code after $secs s"
[ "$st $code" = "exited 255" ] || fail "a recorded as '$st $code'"
fcmp "$secs" '>=' 1.5 && fcmp "$secs" '<=' 4 || fail "a: ssh gave up after $secs s, not ~2"
read -r st code secs <<< "$(w b)"
echo "b (refused): $st $code after $secs s"
[ "$st $code" = "exited 255" ] || fail "b recorded as '$st $code'"
fcmp "$secs" '<' 1.5 || fail "b: a refused connection took $secs s"
read -r st code secs <<< "$(w c)"
echo "c (TEST-NET-2): $st $code after $secs s"
[ "$st $code" = "exited 255" ] || fail "c recorded as '$st $code'"
fcmp "$secs" '<=' 4 || fail "c: ssh gave up after $secs s, not within ~2"
# what ssh said reaches the run's stderr
grep -q "127.0.0.2.*timed out" "$TMP/err" || fail "ssh's timeout not on stderr"
grep -q "127.0.0.3.*Connection refused" "$TMP/err" || fail "ssh's refusal not on stderr"

# the measurement is complete: not partial, a window until the last ssh
# ended, every domain measured in it, and the report says what happened
[ "$(sqlite3 "$db" "select value from meta where key='partial'")" = 0 ] || fail "recording marked partial"
win=$(sqlite3 "$db" "select (max(mono_ns) - min(mono_ns)) / 1e9 from ticks")
fcmp "$win" '>=' 1.5 || fail "window of $win s"
n=$(awk -F, '$1=="window" && $2=="cpu" && $5=="cpu_s" && $3 ~ /^[abc]$/' "$TMP/r/report.csv" | wc -l)
[ "$n" -eq 3 ] || fail "$n of 3 domains in the report"
for d in a b c; do
    grep -qE "^$d +exited +255 " "$TMP/r/report.txt" || fail "report does not show $d exited 255"
done
# and why: what ssh said is kept in the recording and its last line shown
grep -qE "^note: a: its command's stderr ends: .*127\.0\.0\.2.*timed out" "$TMP/r/report.txt" \
    || fail "the report does not say why a failed: $(grep -n 'stderr ends' "$TMP/r/report.txt")"
grep -qE "^note: b: its command's stderr ends: .*Connection refused" "$TMP/r/report.txt" \
    || fail "the report does not say why b failed"

# without --connect-timeout the default ssh template (VMs: qemu) stays 10 s;
# on cgroups the default is local
"$XG" record --platform qemu -q -i 0.25 -d 0.5 -o "$TMP/d" || fail "record exited $?"
[ "$(sqlite3 "$TMP/d/recording.db" "select value from meta where key='exec'")" = \
  "ssh -o BatchMode=yes -o ConnectTimeout=10 root@{addr}" ] || fail "default template changed"
"$XG" record --platform cgroup -q --cgroup machine.slice/xg-ssh/a -i 0.25 -d 0.5 -o "$TMP/dc" \
    || fail "cgroup record exited $?"
[ "$(sqlite3 "$TMP/dc/recording.db" "select value from meta where key='exec'")" = local ] \
    || fail "the cgroup default template is not local"
echo "PASS"

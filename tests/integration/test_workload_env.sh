#!/bin/bash
# test_workload_env.sh — what a workload gets: an explicit environment (not
# ours), the domain's name and id, --env additions, and --exec-user dropping
# privileges; a workload that hangs past the window is terminated and
# recorded so.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
cg_make machine.slice/xg-env/e1
cat > "$TMP/dump.sh" <<'EOS'
#!/bin/sh
# writes its uid and its environment into the folder given
{ id -u; env | sort; } > "$1/out.$XG_DOMAIN"
EOS
chmod 755 "$TMP/dump.sh"; chmod 777 "$TMP"
long=XG_LONG_$(printf 'N%.0s' $(seq 300)) # a NAME past any fixed buffer
SECRET_XG=leak FOO_XG=passed "$XG" run --platform cgroup -q --cgroup-parent machine.slice/xg-env \
    --exec local --exec-user nobody --env FOO_XG --env BAR_XG=set --env "$long=whole" -i 0.2 -d 1 --until-done \
    -o "$TMP/r" -- "$TMP/dump.sh" "$TMP" > /dev/null || fail "run exited $?"
out=$TMP/out.e1
[ -f "$out" ] || fail "the workload did not run"
[ "$(head -1 "$out")" = "$(id -u nobody)" ] || fail "not run as nobody: uid $(head -1 "$out")"
grep -qx 'XG_DOMAIN=e1' "$out" || fail "XG_DOMAIN missing"
grep -qE '^XG_DOMAIN_ID=[0-9]+$' "$out" || fail "XG_DOMAIN_ID missing"
grep -qx 'FOO_XG=passed' "$out" || fail "--env FOO_XG not passed on"
grep -qx 'BAR_XG=set' "$out" || fail "--env BAR_XG=set not set"
grep -qx "$long=whole" "$out" || fail "--env with a ${#long}-byte NAME not set whole"
grep -qx 'USER=nobody' "$out" || fail "USER is not nobody"
grep -q 'SECRET_XG' "$out" && fail "our environment leaked into the workload"
grep -q '^PATH=' "$out" || fail "no PATH"

# hangs past the window: SIGTERM, then SIGKILL after the grace period
cat > "$TMP/stubborn.sh" <<'EOS'
#!/bin/sh
trap '' TERM
sleep 30
EOS
chmod 755 "$TMP/stubborn.sh"
start=$(date +%s%N)
rc=0
"$XG" run --platform cgroup -q --cgroup-parent machine.slice/xg-env --exec local -i 0.5 -d 1 \
    -o "$TMP/h" -- "$TMP/stubborn.sh" > /dev/null || rc=$?
[ "$rc" -eq 3 ] || fail "hang run exited $rc, expected 3 (killed at the window's end)"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
st=$(sqlite3 "$TMP/h/recording.db" "select state || ' ' || signal from workloads")
[ "$st" = "terminated 9" ] || fail "hung workload recorded as '$st'"
[ "$ms" -lt 6000 ] || fail "stopping a hung workload took $ms ms"
grep -qE '^e1 +terminated +SIGKILL' "$TMP/h/report.txt" || fail "report does not show the kill"
echo "PASS"

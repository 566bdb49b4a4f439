#!/bin/bash
# test_compare_burner.sh — the comparison a user of repeated runs makes: a
# CPU burner at 100 % of a CPU (A) against the same burner held to 50 % by
# the CPU controller's quota (B), 1 warm-up + 5 repetitions each, beside an
# idle cgroup watched in both. `compare A B` must call the burner's cpu_pct
# significantly lower (Welch's t on the repetitions) by about half, and the
# idle cgroup "no significant change".
#
# The idle cgroup is really idle: the commands run through a template that
# starts them on the host (not --exec local), and only the burner's moves
# itself into its cgroup, so the idle one counts no CPU at all.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
burn=xg-cb-$$-burn idle=xg-cb-$$-idle
cg_make "machine.slice/$burn"
cg_make "machine.slice/$idle"
trap 'pkill -KILL -f "xg-cb-$$-burner" 2>/dev/null || true; cg_cleanup' EXIT

# the burner: joins its cgroup in every hierarchy, then spins at nice -10
# (a busy 2-core CI machine would otherwise starve it below 100 %)
dirs=""
for h in $(cg_hierarchies); do dirs="$dirs $h/machine.slice/$burn"; done
cat > "$TMP/work.sh" <<EOF
#!/bin/sh
# xg-cb-$$-burner
[ "\$XG_DOMAIN" = "$burn" ] || exec sleep 3
for d in $dirs; do echo \$\$ > "\$d/cgroup.procs"; done
exec nice -n -10 sh -c 'while :; do :; done'
EOF
chmod +x "$TMP/work.sh"

quota() { # quota PERCENT|max — the burner's CPU limit, v1 and v2
    local v1=/sys/fs/cgroup/cpu/machine.slice/$burn v2 set=0
    if [ -f "$v1/cpu.cfs_quota_us" ]; then
        if [ "$1" = max ]; then echo -1 > "$v1/cpu.cfs_quota_us"
        else echo 100000 > "$v1/cpu.cfs_period_us"
             echo $(($1 * 1000)) > "$v1/cpu.cfs_quota_us"; fi
        set=1
    fi
    for v2 in /sys/fs/cgroup/unified/machine.slice/$burn /sys/fs/cgroup/machine.slice/$burn; do
        if [ -f "$v2/cpu.max" ]; then
            if [ "$1" = max ]; then echo "max 100000" > "$v2/cpu.max"
            else echo "$(($1 * 1000)) 100000" > "$v2/cpu.max"; fi
            set=1
        fi
    done
    [ "$set" = 1 ] || skip "no CPU controller (cpu.cfs_quota_us or cpu.max) for the burner's cgroup"
}

run() { # run OUT
    "$XG" run --platform cgroup -q --cgroup "machine.slice/$burn" \
        --cgroup "machine.slice/$idle" --exec env --nodisk --nonet --nocache \
        --nosched -i 0.25 -d 2 --repeat 5 --warmup 1 -o "$1" -- "$TMP/work.sh" \
        > /dev/null 2> "$1.err" || [ $? -eq 3 ] || fail "run $1 exited: $(cat "$1.err")"
}
quota max
run "$TMP/a"
quota 50
run "$TMP/b"

"$XG" compare --format json "$TMP/a" "$TMP/b" > "$TMP/cmp.json" 2> "$TMP/cmp.err" ||
    fail "compare exited $?: $(cat "$TMP/cmp.err")"
"$XG" compare "$TMP/a" "$TMP/b" > "$TMP/cmp.txt" || fail "compare (text) exited $?"
/usr/bin/python3 - "$TMP/cmp.json" "$burn" "$idle" <<'PY' || fail "the comparison (above; text: $(cat "$TMP/cmp.txt"))"
import json, sys
j = json.load(open(sys.argv[1]))
burn, idle = sys.argv[2], sys.argv[3]
assert j["a"]["kind"] == "repetitions" and j["a"]["draws"] == 5, j["a"]
assert j["b"]["kind"] == "repetitions" and j["b"]["draws"] == 5, j["b"]
def fig(dom):
    f = [f for f in j["figures"] if f["domain_a"] == dom and f["family"] == "cpu"
         and f["device"] == "" and f["metric"] == "cpu_pct"]
    assert len(f) == 1, (dom, f)
    return f[0]
b, i = fig(burn), fig(idle)
print("burner:", {k: b[k] for k in ("a", "b", "diff", "diff_lo", "diff_hi", "test", "p", "verdict")})
print("idle:  ", {k: i[k] for k in ("a", "b", "diff", "test", "p", "verdict")})
if b["a"] < 80:
    sys.exit("the machine is starved: the unlimited burner got %.1f %% of a CPU" % b["a"])
assert b["test"] == "welch" and b["n_a"] == 5 and b["n_b"] == 5, b
assert b["verdict"] == "lower" and b["p"] < 0.05, b
assert 35 <= b["b"] <= 55, "the burner held to 50 %% got %.1f %%" % b["b"]
assert -65 <= b["diff"] <= -30 and b["diff_lo"] <= b["diff"] <= b["diff_hi"] < 0, b
assert -65 <= b["diff_pct"] <= -35, b
assert i["verdict"] == "no significant change", i
assert abs(i["a"]) < 0.01 and abs(i["b"]) < 0.01, i
PY
grep -E "^$burn +- +cpu_pct .* lower$" "$TMP/cmp.txt" > /dev/null ||
    fail "the text does not say the burner's cpu_pct is lower: $(cat "$TMP/cmp.txt")"
echo "ok: 100 % against 50 % is lower, the idle cgroup unchanged"

#!/bin/bash
# test_repeat_qemu.sh — run --repeat and compare on the qemu platform, over
# two stand-in QEMUs (lib.sh build_standin: processes named
# qemu-system-x86_64 with -name and -uuid), one spinning, one asleep in
# pause(). Two runs of 1 warm-up + 2 repetitions of 1 s: each recording
# has its 3 repetitions whole; the repeated report (text and JSON) has the
# stand-ins' cpu_pct per repetition, the spinning one above 30 % in each,
# the sleeping one at 0; between the runs both stand-ins are started again
# with new uuids (as VMs made again are), and `compare` still pairs them by
# name, with Welch's t on the repetitions, its means those of the reports;
# a recording compared with itself changes nowhere. ~10 s.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
build_standin ";"
mv "$TMP/standin" "$TMP/spin"
build_standin "pause();"
busy=xgq-$$-busy idle=xgq-$$-idle
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; cg_cleanup' EXIT
# standins N: the two stand-ins, uuids ending in N (a VM made again gets a
# new uuid); the spinner at nice -10, so a busy CI machine leaves it most
# of a CPU
standins() {
    local u
    u=6f1c0a52-0d6e-4b8e-9a51-$(printf '%010d' $(( $$ % 10000000000 )))
    (exec -a qemu-system-x86_64 "$TMP/spin" -name "$busy" -uuid "${u}${1}1" -nodefaults) &
    pids+=($!)
    renice -n -10 -p $! > /dev/null
    (exec -a qemu-system-x86_64 "$TMP/standin" -name "$idle" -uuid "${u}${1}2" -nodefaults) &
    pids+=($!)
    sleep 0.2
}
printf '%s\n%s\n' "$busy" "$idle" > "$TMP/vms"
run() { # OUT
    "$XG" run --platform qemu -q --vmfile "$TMP/vms" -i 0.2 -d 1 \
        --repeat 2 --warmup 1 -o "$1" > /dev/null 2> "$1.err" ||
        fail "run $1 exited $?: $(cat "$1.err")"
}
standins 0
run "$TMP/a"
kill "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true
pids=()
standins 1
run "$TMP/b"

for r in a b; do
    db=$TMP/$r/recording.db
    got=$(sqlite3 "$db" "select group_concat(rep || ':' || warmup || ':' || state, ' ')
                         from repetitions")
    [ "$got" = "1:1:whole 2:0:whole 3:0:whole" ] || fail "$r's repetitions: '$got'"
    keys=$(sqlite3 "$db" "select group_concat(key, ' ') from domains where name like 'xgq-$$-%'")
    echo "$r: repetitions $got; keys $keys"
    "$XG" report "$db" > "$TMP/$r.txt" 2> "$TMP/$r.txt.err" ||
        fail "report of $r exited $?: $(cat "$TMP/$r.txt.err")"
    grep -qE "^$busy +- +cpu_pct +% +2 " "$TMP/$r.txt" ||
        fail "$r's text report has no cpu_pct row over 2 repetitions for $busy: $(cat "$TMP/$r.txt")"
    "$XG" report --format json "$db" > "$TMP/$r.json" ||
        fail "report --format json of $r exited $?"
done
# the keys differ (new uuids), the names are the same
[ "$(sqlite3 "$TMP/a/recording.db" "select key from domains where name = '$busy'")" != \
  "$(sqlite3 "$TMP/b/recording.db" "select key from domains where name = '$busy'")" ] ||
    fail "the stand-ins kept their uuids: the pairing by name is not tested"

"$XG" compare --format json "$TMP/a" "$TMP/b" > "$TMP/ab.json" 2> "$TMP/ab.err" ||
    fail "compare a b exited $?: $(cat "$TMP/ab.err")"
"$XG" compare "$TMP/a" "$TMP/b" > "$TMP/ab.txt" || fail "compare a b (text) exited $?"
grep -qE "^$busy +- +cpu_pct +% .* welch " "$TMP/ab.txt" ||
    fail "the text comparison has no welch row for $busy's cpu_pct: $(cat "$TMP/ab.txt")"
"$XG" compare --format json "$TMP/a" "$TMP/a" > "$TMP/aa.json" ||
    fail "compare a a exited $?"
python3 - "$TMP" "$busy" "$idle" <<'PY' || fail "the reports and comparisons (above)"
import json, sys
tmp, busy, idle = sys.argv[1:]
def load(n):
    return json.load(open("%s/%s.json" % (tmp, n)))
def cpu(figs, dom, key="domain"):
    f = [f for f in figs if f[key] == dom and f["family"] == "cpu"
         and f["device"] == "" and f["metric"] == "cpu_pct"]
    assert len(f) == 1, (dom, f)
    return f[0]
means = {}
for r in ("a", "b"):
    j = load(r)
    assert j["format"] == "xengatherer-repeat-report" and j["draws"] == [2, 3], (r, j["draws"])
    b, i = cpu(j["figures"], busy), cpu(j["figures"], idle)
    print(r, "busy", b["values"], "idle", i["values"])
    assert [v["rep"] for v in b["values"]] == [2, 3], b
    assert all(v["value"] > 30 for v in b["values"]), ("the spinner", r, b)
    assert [v["rep"] for v in i["values"]] == [2, 3], i
    assert all(v["value"] == 0 for v in i["values"]), ("the sleeper", r, i)
    means[r] = {busy: b["mean"], idle: i["mean"]}
ab = load("ab")
assert ab["a"]["kind"] == "repetitions" and ab["a"]["draws"] == 2, ab["a"]
assert ab["b"]["kind"] == "repetitions" and ab["b"]["draws"] == 2, ab["b"]
for dom in (busy, idle):
    f = cpu(ab["figures"], dom, "domain_a")
    print("compare", dom, {k: f[k] for k in ("domain_b", "a", "b", "test", "p", "verdict")})
    assert f["domain_b"] == dom, f
    assert f["n_a"] == 2 and f["n_b"] == 2 and not f["intervals_not_independent"], f
    assert abs(f["a"] - means["a"][dom]) < 1e-6 and abs(f["b"] - means["b"][dom]) < 1e-6, (f, means)
    if dom == busy:
        assert f["test"] == "welch" and f["p"] is not None, f
aa = load("aa")
moved = [(f["domain_a"], f["metric"], f["verdict"]) for f in aa["figures"]
         if f["verdict"] in ("higher", "lower") or (f["diff"] or 0) != 0]
assert not moved, ("a recording against itself", moved)
assert any(f["domain_a"] == busy for f in aa["figures"]), "no row of the spinner against itself"
PY
echo "PASS"

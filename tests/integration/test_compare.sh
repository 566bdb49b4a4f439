#!/bin/bash
# test_compare.sh — `compare` on two real runs of one cgroup: a CPU burner
# (A) and the same cgroup idle (B), 2 s each at -i 0.2. B's cpu_pct is
# "lower" than A's (and A's "higher" than B's the other way round) with a
# negative difference, exit 0; --fail-on-change cpu_pct exits 1 naming it;
# the JSON parses and says the intervals are not independent; bad inputs
# exit 2 with one line naming them (a damaged recording, no domain in
# common, a --match naming no domain, a bad --alpha, an unknown figure).
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
cg=machine.slice/xg-cmp-$$
other=machine.slice/xg-cmpo-$$
cg_make "$cg"
cg_make "$other"
burn='timeout 2 sh -c "while :; do :; done"; true'
run() { # run OUT CGROUP COMMAND...
    local out=$1 g=$2
    shift 2
    "$XG" run --platform cgroup -q --cgroup "$g" --exec local -i 0.2 -d 10 --until-done \
        --nodisk --nonet --nocache --nosched -o "$out" -- "$@" > /dev/null ||
        fail "run $out exited $?"
}
run "$TMP/burn" "$cg" nice -n -10 sh -c "$burn"
run "$TMP/idle" "$cg" sleep 2
run "$TMP/other" "$other" sleep 2
name=xg-cmp-$$

# one line on stderr, exit 2, naming what
bad() { # bad WHAT-GREP ARGS...
    local what=$1 rc=0
    shift
    "$XG" compare "$@" > "$TMP/bad.out" 2> "$TMP/bad.err" || rc=$?
    [ "$rc" -eq 2 ] || fail "compare $* exited $rc, not 2: $(cat "$TMP/bad.err")"
    [ "$(wc -l < "$TMP/bad.err")" -eq 1 ] || fail "compare $*: not one line: $(cat "$TMP/bad.err")"
    grep -q -- "$what" "$TMP/bad.err" || fail "compare $*: '$what' not in: $(cat "$TMP/bad.err")"
    [ ! -s "$TMP/bad.out" ] || fail "compare $*: wrote to stdout"
}

# B = idle against A = burner: lower, B - A < 0
"$XG" compare "$TMP/burn" "$TMP/idle" > "$TMP/text" 2> "$TMP/text.err" ||
    fail "compare exited $?: $(cat "$TMP/text.err")"
[ ! -s "$TMP/text.err" ] || fail "compare wrote to stderr: $(cat "$TMP/text.err")"
grep -q '^warning: .*not independent' "$TMP/text" ||
    fail "the first line is not the intervals' warning: $(head -1 "$TMP/text")"
line=$(awk -v d="$name" '$1 == d && $2 == "-" && $3 == "cpu_pct"' "$TMP/text")
[ -n "$line" ] || fail "no cpu_pct row of $name: $(cat "$TMP/text")"
echo "$line" | grep -q 'mann-whitney\* .* lower$' || fail "not lower by U: $line"
# the sign, whatever the load of the machine left the burner
diff=$(echo "$line" | awk '{print $7}')
pct=$(echo "$line" | awk '{print $8}')
fcmp "$diff" '<' 0 || fail "B - A is $diff, not below 0: $line"
fcmp "$pct" '<' -50 || fail "the change is $pct %, not below -50 %: $line"

# the other way round, JSON: higher, diff > 0, the fields there
"$XG" compare --format json "$TMP/idle/recording.db" "$TMP/burn" > "$TMP/json" ||
    fail "compare --format json exited $?"
python3 - "$TMP/json" "$name" <<'PY' || fail "the JSON (above)"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["alpha"] == 0.05, j["alpha"]
assert j["a"]["kind"] == "intervals" and j["a"]["draws"] >= 8, j["a"]
assert any("not independent" in w for w in j["warnings"]), j["warnings"]
f = [f for f in j["figures"] if f["domain_a"] == sys.argv[2] and
     f["family"] == "cpu" and f["device"] == "" and f["metric"] == "cpu_pct"]
assert len(f) == 1, f
f = f[0]
print(f)
assert f["verdict"] == "higher" and f["diff"] > 0 and f["b"] > f["a"], f
assert f["diff_pct"] > 100, f
assert f["test"] == "mann-whitney" and f["p"] < 0.05, f
assert f["intervals_not_independent"] is True, f
assert f["diff_lo"] <= f["diff"] <= f["diff_hi"], f
assert f["n_a"] >= 8 and f["n_b"] >= 8, f
for k in ("domain_b", "unit", "diff_pct"):
    assert k in f, k
PY

# CSV: a header and one row per figure of the JSON
"$XG" compare --format csv "$TMP/idle" "$TMP/burn" > "$TMP/csv" ||
    fail "compare --format csv exited $?"
python3 - "$TMP/csv" "$TMP/json" "$name" <<'PY' || fail "the CSV (above)"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
j = json.load(open(sys.argv[2]))
assert len(rows) == len(j["figures"]), (len(rows), len(j["figures"]))
r = [r for r in rows if r["domain_a"] == sys.argv[3] and r["metric"] == "cpu_pct"
     and r["device"] == ""][0]
assert r["verdict"] == "higher" and float(r["diff"]) > 0, r
assert r["intervals_not_independent"] == "true", r
PY

# HTML: a page with the dots of the changed figure
"$XG" compare --format html "$TMP/idle" "$TMP/burn" > "$TMP/html" ||
    fail "compare --format html exited $?"
grep -q '</html>' "$TMP/html" || fail "the HTML page is not whole"
grep -q 'circle class="xg-dot"' "$TMP/html" || fail "no dot chart in the HTML"

# the gate: cpu_pct changed, exit 1 naming it; a figure that did not
# change (the workload's exit status) lets it pass
rc=0
"$XG" compare --fail-on-change cpu.cpu_pct "$TMP/burn" "$TMP/idle" > /dev/null 2> "$TMP/gate.err" || rc=$?
[ "$rc" -eq 1 ] || fail "--fail-on-change cpu.cpu_pct exited $rc, not 1"
grep -q "fail-on-change: cpu.cpu_pct of $name is lower" "$TMP/gate.err" ||
    fail "the gate does not say which: $(cat "$TMP/gate.err")"
rc=0
"$XG" compare --fail-on-change cpu_pct "$TMP/burn" "$TMP/idle" > /dev/null 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "--fail-on-change cpu_pct exited $rc, not 1"
"$XG" compare --fail-on-change workload.exit_status "$TMP/burn" "$TMP/idle" > /dev/null ||
    fail "--fail-on-change workload.exit_status exited $? (no change there)"

# bad inputs
cp "$TMP/burn/recording.db" "$TMP/damaged.db"
truncate -s 4096 "$TMP/damaged.db"
bad "$TMP/damaged.db" "$TMP/damaged.db" "$TMP/idle"
bad "no domain in common: .*$name.*xg-cmpo-$$" "$TMP/burn" "$TMP/other"
bad "no domain 'nosuch'" --match nosuch="xg-cmpo-$$" "$TMP/burn" "$TMP/other"
bad "alpha '0.7'" --alpha 0.7 "$TMP/burn" "$TMP/idle"
bad "alpha 'x'" --alpha x "$TMP/burn" "$TMP/idle"
bad "'cpu_pcx': no such figure .*cpu.cpu_pct" --fail-on-change cpu_pcx "$TMP/burn" "$TMP/idle"
bad "$TMP/nothere" "$TMP/nothere" "$TMP/idle"
bad "option '--nosuch'" --nosuch "$TMP/burn" "$TMP/idle"
bad "give two recordings" "$TMP/burn"
# --help, and the man page's section
"$XG" compare --help > "$TMP/help" || fail "compare --help exited $?"
grep -q -- "--fail-on-change FIG" "$TMP/help" || fail "--help lacks --fail-on-change"
grep -q '^\.SH COMPARE' "$here/../../docs/xengatherer.1" || fail "no COMPARE in the man page"
# --match pairs the two names: compared then
"$XG" compare --match "$name=xg-cmpo-$$" "$TMP/burn" "$TMP/other" > "$TMP/matched" ||
    fail "compare --match exited $?"
grep -q "^$name -> xg-cmpo-$$ .* cpu_pct .* lower$" "$TMP/matched" ||
    fail "--match: no lower cpu_pct row: $(cat "$TMP/matched")"
echo "PASS"

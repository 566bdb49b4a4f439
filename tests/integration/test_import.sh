#!/bin/bash
# test_import.sh — `import` and `run --source` against a real Prometheus
# (Debian's prometheus, started here on loopback with a 1 s scrape
# interval and its own TSDB, stopped at the end). The scrape targets are
# two stand-ins for `xengatherer serve` (import/exporter.py: hosts hostA
# and hostB, counters rising at rates set here), so the test knows what
# every rate must be:
#   - the recording has both hosts' domains and both host rows;
#   - each domain's CPU % and written bytes per second are within 2 % of
#     what was fed;
#   - report text/CSV/JSON/HTML show host/domain, JSON a host field;
#   - compare of two imports pairs hostA/web1 with hostA/web1;
#   - an unknown xengatherer_* name is left out and named;
#   - errors: an unreachable URL, a PromQL error, a bad --start: exit 2;
#   - run --source: a workload runs through --exec on the vmfile's
#     domains (NAME, or HOST/NAME) and the recording comes from
#     Prometheus.
set -euo pipefail
XG=${XG:?XG must point at the xengatherer binary}
here=$(cd "$(dirname "$0")" && pwd)
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v prometheus >/dev/null || skip "no prometheus (apt-get install prometheus)"
command -v python3 >/dev/null || skip "no python3"
"$XG" import --help >/dev/null
TMP=$(mktemp -d /tmp/xg-import-$$.XXXXXX)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PA=$(port) PB=$(port) PC=$(port) PP=$(port)
# The stand-ins for `xengatherer serve` (to swap for the real thing: start
# serve on $PA, $PB, $PC with those hosts' domains and keep the rates).
# hostA: web1 0.5 CPU, 1 MB/s written on vda; its host row 1.5 CPU.
# hostB: web1 0.8 CPU, db1 0.25 CPU, 2 MB/s; its host row 1.2 CPU.
python3 "$here/import/exporter.py" "$PA" hostA \
    'xengatherer_cpu_usage_seconds_total{domain="web1",uuid="u-a-web1"}=0.5' \
    'xengatherer_cpu_usage_seconds_total{domain="web1",uuid="u-a-web1",vcpu="0"}=0.5' \
    'xengatherer_disk_wr_bytes_total{domain="web1",uuid="u-a-web1",device="vda"}=1000000' \
    'xengatherer_cpu_usage_seconds_total{domain="host"}=1.5' \
    'xengatherer_cpu_total_seconds_total{domain="host"}=4' \
    'xengatherer_bogus_total{domain="web1"}=1' &
PIDS+=($!)
python3 "$here/import/exporter.py" "$PB" hostB \
    'xengatherer_cpu_usage_seconds_total{domain="web1"}=0.8' \
    'xengatherer_cpu_usage_seconds_total{domain="db1"}=0.25' \
    'xengatherer_disk_wr_bytes_total{domain="db1",device="vdb"}=2000000' \
    'xengatherer_cpu_usage_seconds_total{domain="host"}=1.2' \
    'xengatherer_cpu_total_seconds_total{domain="host"}=2' &
PIDS+=($!)
# hostC, scraped every 3 s (job "slow"): the step guess must say 3 s
python3 "$here/import/exporter.py" "$PC" hostC \
    'xengatherer_cpu_usage_seconds_total{domain="web9"}=0.1' &
PIDS+=($!)
cat > "$TMP/prom.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: xg
    static_configs:
      - targets: ['127.0.0.1:$PA', '127.0.0.1:$PB']
  - job_name: slow
    scrape_interval: 3s
    static_configs:
      - targets: ['127.0.0.1:$PC']
EOF
prometheus --config.file="$TMP/prom.yml" --storage.tsdb.path="$TMP/tsdb" \
    --web.listen-address="127.0.0.1:$PP" >"$TMP/prom.log" 2>&1 &
PIDS+=($!)
URL="http://127.0.0.1:$PP"
ready() { python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$URL/-/ready" 2>/dev/null; }
for _ in $(seq 100); do
    ready && break
    sleep 0.2
done
ready || fail "prometheus did not start: $(tail -3 "$TMP/prom.log")"
sleep 14 # a dozen scrapes of each target

now=$(date +%s)
start=$((now - 11)) end=$((now - 1))
"$XG" import "prometheus=$URL" --start "$start" --end "$end" --match 'job="xg"' \
    -o "$TMP/a" >"$TMP/a.out" 2>"$TMP/a.err" || fail "import: $(cat "$TMP/a.err")"
grep -q "left out (not known to this xengatherer): xengatherer_bogus_total" "$TMP/a.err" ||
    fail "the unknown name is not said: $(cat "$TMP/a.err")"
grep -q "ticks at 1 s" "$TMP/a.err" || fail "step not guessed as 1 s: $(cat "$TMP/a.err")"
for f in recording.db report.txt report.csv report.json report.html; do
    [ -s "$TMP/a/$f" ] || fail "no $f"
done

"$XG" import "prometheus=$URL" --start "$start" --end "$end" --match 'job="slow"' \
    -o "$TMP/s" >/dev/null 2>"$TMP/s.err" || fail "import slow: $(cat "$TMP/s.err")"
grep -q "ticks at 3 s" "$TMP/s.err" || fail "step not guessed as 3 s: $(cat "$TMP/s.err")"

# every domain with its host, both host rows, format 3
doms=$(python3 - "$TMP/a/recording.db" <<'XGEOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("select value from meta where key='format_version'").fetchone()[0])
for r in db.execute("select host, name, is_host from domains order by host, name"):
    print("%s/%s/%d" % r)
XGEOF
)
expect=$'3\nhostA/host/1\nhostA/web1/0\nhostB/db1/0\nhostB/host/1\nhostB/web1/0'
[ "$doms" = "$expect" ] || fail "domains: got $(echo $doms) want $(echo $expect)"

# the rates fed, within 2 %, from the CSV report (window rows)
python3 - "$TMP/a/report.csv" <<'XGEOF' || fail "rates differ from what was fed"
import csv, sys
want = {("cpu", "hostA/web1", "", "cpu_pct"): 50.0,
        ("cpu", "hostB/web1", "", "cpu_pct"): 80.0,
        ("cpu", "hostB/db1", "", "cpu_pct"): 25.0,
        ("cpu", "hostA/host", "", "cpu_pct"): 150.0,
        ("cpu", "hostB/host", "", "cpu_pct"): 120.0,
        ("disk", "hostA/web1", "", "wr_mb_s"): 1e6 / 1048576,
        ("disk", "hostB/db1", "", "wr_mb_s"): 2e6 / 1048576}
got = {}
for r in csv.DictReader(open(sys.argv[1])):
    if r["scope"] == "window":
        got[(r["family"], r["domain"], r["device"], r["metric"])] = r["value"]
bad = 0
for k, w in want.items():
    v = float(got.get(k, "nan"))
    ok = abs(v - w) <= 0.02 * w
    print("%-50s fed %10g got %10g %s" % (k, w, v, "ok" if ok else "BAD"))
    bad += not ok
sys.exit(bad)
XGEOF

# each host row's own lines: busy of its CPUs, CPU outside its domains
# (hostA: 1.5 of 4 CPUs busy, 1.5 - 0.5 outside web1; hostB: 1.2 of 2,
# 1.2 - 0.8 - 0.25 outside web1 and db1)
python3 - "$TMP/a/report.txt" <<'XGEOF' || fail "host lines"
import re, sys
t = open(sys.argv[1]).read()
want = {("hostA", "busy"): 37.5, ("hostA", "out"): 100.0,
        ("hostB", "busy"): 60.0, ("hostB", "out"): 15.0}
bad = 0
for (h, k), w in want.items():
    pat = (r"%s: host busy: ([0-9.]+) %%" if k == "busy" else
           r"%s: not in any watched domain: [0-9.]+ cpu s \(([0-9.]+) %%\)") % h
    m = re.search(pat, t)
    v = float(m.group(1)) if m else float("nan")
    ok = abs(v - w) <= 0.02 * w
    print("%s %s: want %g got %g %s" % (h, k, w, v, "ok" if ok else "BAD"))
    bad += not ok
sys.exit(bad)
XGEOF
grep -q "^hosts: .*hostA" "$TMP/a/report.txt" || fail "text report header without the hosts"
grep -q "^hostA/web1 " "$TMP/a/report.txt" || fail "text report without hostA/web1"
grep -q "^hostB/host " "$TMP/a/report.txt" || fail "text report without hostB/host"
grep -q "hostB/db1" "$TMP/a/report.html" || fail "HTML report without hostB/db1"
# the HTML report in a real browser (when there is one): charts drawn,
# no script error, the rows named HOST/NAME
if chrome=$(command -v chromium || command -v chromium-browser); then
    "$chrome" --headless --no-sandbox --disable-gpu --user-data-dir="$TMP/chrome" \
        --no-first-run --disable-extensions --proxy-server='http://127.0.0.1:9' \
        --enable-logging=stderr --v=0 --virtual-time-budget=3000 --dump-dom \
        "file://$TMP/a/report.html" >"$TMP/dom.html" 2>"$TMP/chrome.log" ||
        fail "chromium exited $?: $(tail -3 "$TMP/chrome.log")"
    if grep -E 'CONSOLE|Uncaught' "$TMP/chrome.log" | grep -iE 'error|uncaught'; then
        fail "HTML report: console errors (above)"
    fi
    if grep -q 'data-js-errors="[^"]' "$TMP/dom.html"; then fail "HTML report: script errors"; fi
    grep -q '<svg[^>]*xg-chart' "$TMP/dom.html" || fail "HTML report: no chart drawn"
    grep -q 'hostB/db1' "$TMP/dom.html" || fail "HTML report DOM without hostB/db1"
fi
python3 - "$TMP/a/report.json" <<'XGEOF' || fail "JSON domains without their host"
import json, sys
d = json.load(open(sys.argv[1]))["domains"]
assert sorted((x["host"], x["name"]) for x in d) == [
    ("hostA", "host"), ("hostA", "web1"), ("hostB", "db1"), ("hostB", "host"),
    ("hostB", "web1")], d
XGEOF

# compare of two imports: the halves of the window, paired by host+name
"$XG" import "prometheus=$URL" --start "$start" --end "$((start + 5))" --step 1 --match 'job="xg"' \
    -q -o "$TMP/b1" >/dev/null 2>"$TMP/b1.err" || fail "import b1: $(cat "$TMP/b1.err")"
"$XG" import "prometheus=$URL" --start "$((start + 5))" --end "$end" --step 1 --match 'job="xg"' \
    -q -o "$TMP/b2" >/dev/null 2>"$TMP/b2.err" || fail "import b2: $(cat "$TMP/b2.err")"
"$XG" compare "$TMP/b1" "$TMP/b2" >"$TMP/cmp.txt" 2>&1 || fail "compare: $(cat "$TMP/cmp.txt")"
grep -q "hostA/web1" "$TMP/cmp.txt" || fail "compare without hostA/web1: $(head -20 "$TMP/cmp.txt")"
grep -q "hostB/host" "$TMP/cmp.txt" || fail "compare without hostB/host"
if grep -qi "only in" "$TMP/cmp.txt"; then fail "compare left domains unpaired: $(grep -i 'only in' "$TMP/cmp.txt")"; fi
# each host row paired with its own host's (hostB's 120 % with hostB's)
"$XG" compare "$TMP/b1" "$TMP/b2" -f csv >"$TMP/cmp.csv" || fail "compare -f csv"
python3 - "$TMP/cmp.csv" <<'XGEOF' || fail "compare paired the wrong rows"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows and all(r["domain_a"] == r["domain_b"] for r in rows), \
    {(r["domain_a"], r["domain_b"]) for r in rows if r["domain_a"] != r["domain_b"]}
want = {"hostA/host": 150.0, "hostB/host": 120.0, "hostB/web1": 80.0}
for r in rows:
    if r["metric"] == "cpu_pct" and r["domain_a"] in want:
        w = want.pop(r["domain_a"])
        for k in ("a", "b"):
            assert abs(float(r[k]) - w) <= 0.02 * w, (r["domain_a"], k, r[k], w)
assert not want, want
XGEOF

# --match: only hostB's web1
"$XG" import "prometheus=$URL" --start "$start" --end "$end" --step 1 -q \
    --match 'host="hostB",domain="web1"' -o "$TMP/m" >"$TMP/m.out" 2>&1 || fail "import --match: $(cat "$TMP/m.out")"
n=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from domains").fetchone()[0])' "$TMP/m/recording.db")
[ "$n" = 1 ] || fail "--match kept $n domains, want 1"

# more than 11000 steps (Prometheus's limit per query): asked for in
# parts, no gap where one part ends
"$XG" import "prometheus=$URL" --start "$start" --end "$((start + 12))" \
    --step 0.001 -q -o "$TMP/c" >/dev/null 2>"$TMP/c.err" || fail "import in parts: $(cat "$TMP/c.err")"
python3 - "$TMP/c/recording.db" <<'XGEOF' || fail "import in parts: ticks or samples"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
assert db.execute("select count(*) from ticks").fetchone()[0] == 12001
ticks = [t for (t,) in db.execute(
    "select tick from samples x join series s on s.id = x.series_id"
    " join domains d on d.id = s.domain_id where d.host = 'hostB'"
    " and d.name = 'web1' and s.family = 'cpu' and s.device = ''"
    " order by tick")]
assert ticks == list(range(ticks[0], 12001)) and ticks[0] < 10000, (ticks[0], len(ticks))
XGEOF

# errors: one line, exit 2
rc=0; "$XG" import "prometheus=http://127.0.0.1:1" --start "$start" --end "$end" \
    -o "$TMP/e1" 2>"$TMP/e1.err" >/dev/null || rc=$?
[ "$rc" = 2 ] && [ "$(wc -l <"$TMP/e1.err")" = 1 ] && grep -q "127.0.0.1:1" "$TMP/e1.err" ||
    fail "unreachable: rc $rc: $(cat "$TMP/e1.err")"
rc=0; "$XG" import "prometheus=$URL" --start "$start" --end "$end" --step 1 \
    --match 'domain=~"(("' -o "$TMP/e2" 2>"$TMP/e2.err" >/dev/null || rc=$?
[ "$rc" = 2 ] && [ "$(wc -l <"$TMP/e2.err")" = 1 ] && grep -q "Prometheus said: bad_data" "$TMP/e2.err" ||
    fail "PromQL error: rc $rc: $(cat "$TMP/e2.err")"
rc=0; "$XG" import "prometheus=http://127.0.0.1:$PA" --start "$start" --end "$end" \
    --step 1 -o "$TMP/e4" 2>"$TMP/e4.err" >/dev/null || rc=$?
[ "$rc" = 2 ] && [ "$(wc -l <"$TMP/e4.err")" = 1 ] && grep -q "127.0.0.1:$PA/api/v1/query_range: HTTP 501" "$TMP/e4.err" ||
    fail "not a Prometheus: rc $rc: $(cat "$TMP/e4.err")"
rc=0; "$XG" import "prometheus=$URL" --start yesterday --end "$end" \
    -o "$TMP/e3" 2>"$TMP/e3.err" >/dev/null || rc=$?
[ "$rc" = 2 ] || fail "bad --start: rc $rc"
rc=0; "$XG" run --source "prometheus=$URL" --vmfile /dev/null --repeat 2 \
    -o "$TMP/e5" 2>"$TMP/e5.err" >/dev/null || rc=$?
[ "$rc" = 2 ] && grep -q "not done with --source" "$TMP/e5.err" ||
    fail "run --source --repeat: rc $rc: $(cat "$TMP/e5.err")"
rc=0; "$XG" run --source "prometheus=$URL" -o "$TMP/e6" -- true 2>"$TMP/e6.err" >/dev/null || rc=$?
[ "$rc" = 2 ] && grep -q "vmfile names the domains" "$TMP/e6.err" ||
    fail "run --source without --vmfile: rc $rc: $(cat "$TMP/e6.err")"

# run --source: the workload runs here through --exec on the vmfile's
# domains, the figures come from Prometheus
# (HOST/NAME picks one host's web1; db1 is on one host only)
printf 'hostB/web1 10.0.0.1\ndb1\n' >"$TMP/vms.txt"
"$XG" run --source "prometheus=$URL" --vmfile "$TMP/vms.txt" --exec env -d 3 \
    -o "$TMP/r" -- sh -c 'echo "ran on $XG_DOMAIN"' >"$TMP/r.out" 2>"$TMP/r.err" ||
    fail "run --source: $(cat "$TMP/r.err")"
python3 - "$TMP/r/report.json" <<'XGEOF' || fail "run --source: recording"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["meta"]["platform"] == "prometheus", r["meta"]
w = r["workloads"]
assert sorted(x["domain"] for x in w) == ["hostB/db1", "hostB/web1"], w
assert all(x["state"] == "exited" and x["exit_code"] == 0 for x in w), w
hosts = sorted({(d["host"], d["name"]) for d in r["domains"]})
assert ("hostA", "web1") in hosts and ("hostB", "host") in hosts, hosts
assert 4 <= r["window"]["duration_s"] <= 5, r["window"]
XGEOF
grep -q "ran on db1" "$TMP/r/report.json" || fail "run --source: the workload's output is not recorded"
echo PASS

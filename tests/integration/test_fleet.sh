#!/bin/bash
# test_fleet.sh — the fleet end to end with the real thing: two
# `xengatherer serve` as two "hosts" (hostA, hostB: their own cgroup
# parents and ports), a real Prometheus (Debian's, loopback, 1 s scrapes,
# its own TSDB) scraping both. On each host a CPU burner (hostB's held to
# 50 % by a CFS quota), a writer held to a steady rate by a throttle rule
# on the disk under $TMP (hostA 2 MiB/s, hostB 4 MiB/s) and an idle cgroup.
#   (a) over one window, a local `run` of each host's parent and PromQL
#       increase() from Prometheus agree per domain: the burners' CPU
#       seconds and the written bytes within 2 %, the writers' and idle
#       ones' CPU (hundredths of a second, in bursts) within 0.01 s;
#   (b) `run --source prometheus=` gives one recording with both hosts'
#       domains and host rows, the burners' CPU and the writers' bytes on
#       the right HOST/NAME (CPU within 10 % of what the local runs saw,
#       on an idle machine 100 and 50 %, hostB's never over its quota;
#       bytes within 10 % of the rules), the idle ones near 0; `import` of the same window gives the same
#       figures within 2 %; the host devices table names each row's
#       host (both hosts' vda); the HTML report of it is written whole;
#   (c) promtool accepts each serve's /metrics.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
command -v prometheus >/dev/null || skip "no prometheus (apt-get install prometheus)"
command -v promtool >/dev/null || skip "no promtool (Debian's prometheus)"
command -v curl >/dev/null || skip "no curl"
command -v python3 >/dev/null || skip "no python3"
# the whole disk $TMP lives on, for the throttle rules
mm=$(stat -c '%Hd:%Ld' "$TMP")
sys=$(readlink -f "/sys/dev/block/$mm") || true
[ -n "$sys" ] && [ -e "$sys/dev" ] || skip "$TMP is not on a block device ($mm)"
[ -e "$sys/partition" ] && sys=$(dirname "$sys")
devno=$(cat "$sys/dev")
V1=0
grep -qE " $CG_ROOT/blkio cgroup " /proc/mounts && V1=1

# each host's parent at the top, with a high CPU weight: on a shared
# machine the burners then run steadily (the windows compared below are
# a scrape apart: a burner's rate swinging with others' load would differ
# between them)
PA=xgfa-$$ PB=xgfb-$$
for p in "$PA" "$PB"; do
    cg_make "$p" # (first: removed last)
    for d in burn write idle; do cg_make "$p/$d"; done
    if [ -f "$CG_ROOT/cpu/$p/cpu.shares" ]; then
        echo 10240 > "$CG_ROOT/cpu/$p/cpu.shares"
    elif [ -f "$CG_ROOT/$p/cpu.weight" ]; then
        echo 1000 > "$CG_ROOT/$p/cpu.weight"
    fi
done
# throttle PARENT CPU_QUOTA_US WRITE_BPS — the rules (CPU_QUOTA_US -1: none)
throttle() {
    if [ -d "$CG_ROOT/cpu/$1/burn" ]; then
        echo "$2" > "$CG_ROOT/cpu/$1/burn/cpu.cfs_quota_us"
    elif [ -f "$CG_ROOT/$1/burn/cpu.max" ]; then
        [ "$2" = -1 ] || echo "$2 100000" > "$CG_ROOT/$1/burn/cpu.max"
    else
        [ "$2" = -1 ] || skip "no cpu controller for the quota"
    fi
    if [ "$V1" = 1 ]; then
        echo "$devno $3" > "$CG_ROOT/blkio/$1/write/blkio.throttle.write_bps_device"
    elif [ -f "$CG_ROOT/$1/write/io.max" ]; then
        echo "$devno wbps=$3" > "$CG_ROOT/$1/write/io.max"
    else
        skip "no blkio or io controller for the write rule"
    fi
}
throttle "$PA" -1 $((2 * 1048576))
throttle "$PB" 50000 $((4 * 1048576))

PIDS=()
stop_all() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    cg_cleanup
}
trap stop_all EXIT
# inside CG CMD... — runs CMD in cgroup CG of every hierarchy, ending by
# itself after 90 s
inside() {
    local cg=$1
    shift
    ( for h in $(cg_hierarchies); do echo "$BASHPID" > "$h/$cg/cgroup.procs"; done
      exec timeout 90 "$@" ) &
    PIDS+=($!)
}
for p in "$PA" "$PB"; do
    inside "$p/burn" sh -c 'while :; do :; done'
    # 4 MiB rewritten over and over, O_DIRECT: every byte reaches the disk
    inside "$p/write" sh -c 'while :; do dd if=/dev/zero of="$0" bs=64k count=64 \
        oflag=direct conv=notrunc status=none || exit 1; done' "$TMP/data-$(basename "$p")"
    inside "$p/idle" sleep 90
done

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# start_serve HOST PARENT — serve on a free port; sets PORT
start_serve() {
    local try pid
    for try in 1 2 3 4 5; do
        PORT=$(port)
        "$XG" serve -q --listen "127.0.0.1:$PORT" --host-label "$1" --platform cgroup \
            --cgroup-parent "$2" -i 0.5 --nocache 2> "$TMP/serve-$1.err" & pid=$!
        for _ in $(seq 300); do
            kill -0 "$pid" 2>/dev/null || break
            curl -sf -o /dev/null "http://127.0.0.1:$PORT/metrics" && { PIDS+=("$pid"); return 0; }
            sleep 0.1
        done
        wait "$pid" 2>/dev/null || true
        grep -q "Address already in use" "$TMP/serve-$1.err" || fail "serve $1 did not start: $(cat "$TMP/serve-$1.err")"
    done
    fail "no free port in 5 tries"
}
start_serve hostA "$PA"; SA=$PORT
start_serve hostB "$PB"; SB=$PORT

# (c) promtool accepts each /metrics
for s in "$SA" "$SB"; do
    curl -sf "http://127.0.0.1:$s/metrics" > "$TMP/m-$s" || fail "scrape of :$s failed"
    promtool check metrics < "$TMP/m-$s" > "$TMP/promtool" 2>&1 || fail "promtool on :$s: $(cat "$TMP/promtool")"
done
echo "[${SECONDS}s] promtool: both /metrics accepted"

PP=$(port)
cat > "$TMP/prom.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: xg
    static_configs:
      - targets: ['127.0.0.1:$SA', '127.0.0.1:$SB']
EOF
prometheus --config.file="$TMP/prom.yml" --storage.tsdb.path="$TMP/tsdb" \
    --web.listen-address="127.0.0.1:$PP" >"$TMP/prom.log" 2>&1 &
PIDS+=($!)
URL="http://127.0.0.1:$PP"
# promql EXPR [TIME] — the scalar value of an instant query (nothing: "")
promql() {
    python3 - "$URL" "$@" <<'XGEOF'
import json, sys, urllib.error, urllib.parse, urllib.request
q = {"query": sys.argv[2]}
if len(sys.argv) > 3:
    q["time"] = sys.argv[3]
try:
    r = json.load(urllib.request.urlopen(
        sys.argv[1] + "/api/v1/query?" + urllib.parse.urlencode(q), timeout=5))
except urllib.error.HTTPError as e:
    sys.exit("%s: %s" % (q, e.read().decode()))
res = r["data"]["result"]
print(res[0]["value"][1] if res else "")
XGEOF
}
# two scrapes of each host before anything starts
for _ in $(seq 150); do
    n=$(promql 'count(count_over_time(xengatherer_cpu_usage_seconds_total{domain="burn"}[10s]) >= 2)' 2>/dev/null) || n=
    [ "$n" = 2 ] && break
    sleep 0.2
done
[ "$n" = 2 ] || fail "Prometheus has not scraped both hosts twice in 30 s: $(tail -3 "$TMP/prom.log")"

# the same window three ways: a local run per host, and run --source
echo "[${SECONDS}s] Prometheus has both hosts; the window starts"
printf 'hostA/burn\nhostA/write\nhostA/idle\nhostB/burn\nhostB/write\nhostB/idle\n' > "$TMP/vms.txt"
"$XG" run --platform cgroup -q --cgroup-parent "$PA" -i 1 -d 10 -o "$TMP/la" \
    > /dev/null 2> "$TMP/la.err" & la=$!
"$XG" run --platform cgroup -q --cgroup-parent "$PB" -i 1 -d 10 -o "$TMP/lb" \
    > /dev/null 2> "$TMP/lb.err" & lb=$!
"$XG" run --source "prometheus=$URL" --vmfile "$TMP/vms.txt" --exec env -i 1 -d 8 \
    -o "$TMP/src" -- true > "$TMP/src.txt" 2> "$TMP/src.err" & src=$!
wait "$la" || fail "local run of hostA: $(cat "$TMP/la.err")"
wait "$lb" || fail "local run of hostB: $(cat "$TMP/lb.err")"
wait "$src" || fail "run --source: $(cat "$TMP/src.err")"

# (a) the local windows against PromQL increase() over the same window
echo "[${SECONDS}s] the window is over"
# window DB — "START END" of the recording's window, unix seconds
window() {
    sqlite3 "$1" "select printf('%.3f %.3f', min(wall_ns) / 1e9, max(wall_ns) / 1e9) from ticks"
}
read -r a0 a1 <<< "$(window "$TMP/la/recording.db")"
read -r b0 b1 <<< "$(window "$TMP/lb/recording.db")"
# Prometheus must have scraped past both windows' ends
for _ in $(seq 50); do
    fcmp "$(now_s)" '>' "$(awk -v a="$a1" -v b="$b1" 'BEGIN{print ((a > b) ? a : b) + 1.5}')" && break
    sleep 0.2
done
# per host and domain: the local report's figure, PromQL's increase()
# over the same window (evaluated at its end; durations in whole ms)
python3 - "$URL" "$TMP/la/report.csv" "$a0" "$a1" "$TMP/lb/report.csv" "$b0" "$b1" <<'XGEOF' ||
import csv, json, sys, urllib.error, urllib.parse, urllib.request
url = sys.argv[1]
hosts = {"hostA": sys.argv[2:5], "hostB": sys.argv[5:8]}
def increase(name, host, dom, t0, t1):
    q = {"query": 'sum(increase(%s{host="%s",domain="%s"}[%dms]))'
         % (name, host, dom, round((float(t1) - float(t0)) * 1000)), "time": t1}
    try:
        r = json.load(urllib.request.urlopen(
            url + "/api/v1/query?" + urllib.parse.urlencode(q), timeout=5))
    except urllib.error.HTTPError as e:
        sys.exit("%s: %s" % (q, e.read().decode()))
    res = r["data"]["result"]
    return float(res[0]["value"][1]) if res else float("nan")
bad = 0
for host, (rep, t0, t1) in hosts.items():
    local = {(r["family"], r["domain"], r["metric"]): float(r["value"])
             for r in csv.DictReader(open(rep))
             if r["scope"] == "window" and r["device"] == ""}
    for dom, fam, met, name, scale in (
            ("burn", "cpu", "cpu_s", "xengatherer_cpu_usage_seconds_total", 1),
            ("write", "cpu", "cpu_s", "xengatherer_cpu_usage_seconds_total", 1),
            ("idle", "cpu", "cpu_s", "xengatherer_cpu_usage_seconds_total", 1),
            ("write", "disk", "wr_mb", "xengatherer_disk_wr_bytes_total", 1048576)):
        lv = local.get((fam, dom, met), float("nan"))
        pv = increase(name, host, dom, t0, t1) / scale
        rel = 100 * (pv - lv) / lv if lv > 0 else 0.0
        if met == "cpu_s" and dom != "burn":
            # a few hundredths of a second, in bursts: an absolute bound
            ok = abs(pv - lv) <= 0.01
        else:
            ok = abs(rel) <= 2
        print("(a) %s/%-5s %-6s local %9.4f  promql %9.4f  %6.2f %%  %s"
              % (host, dom, met, lv, pv, rel, "ok" if ok else "BAD"))
        bad += not ok
sys.exit(bad)
XGEOF
    fail "the local runs and PromQL disagree (above)"

# (b) run --source: both hosts' domains and host rows, on the right host
python3 - "$TMP/src/recording.db" <<'XGEOF' || fail "run --source: the domains"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
got = sorted(db.execute("select host, name, is_host from domains"))
want = sorted([(h, n, 0) for h in ("hostA", "hostB") for n in ("burn", "write", "idle")]
              + [("hostA", "host", 1), ("hostB", "host", 1)])
assert got == want, got
XGEOF
# The burners' CPU % to expect: what the local runs saw over their
# enclosing window (on an idle machine 100 and 50: hostB's quota; on a
# busy one the burners get less than a CPU, whatever the tool)
bpa=$(csv_get "$TMP/la/report.csv" cpu burn "" cpu_pct)
bpb=$(csv_get "$TMP/lb/report.csv" cpu burn "" cpu_pct)
echo "the local runs: hostA's burner $bpa %, hostB's $bpb % (its quota 50 %)"
fcmp "$bpb" '<=' 52.5 || fail "hostB's burner is over its 50 % quota: $bpb %"
# figures DIR WHO — the figures from DIR's report.csv against the rules
figures() {
    python3 - "$1/report.csv" "$2" "$bpa" "$bpb" <<'XGEOF'
import csv, sys
bpa, bpb = float(sys.argv[3]), float(sys.argv[4])
want = {("cpu", "hostA/burn", "cpu_pct"): (bpa, 0.1 * bpa),
        ("cpu", "hostB/burn", "cpu_pct"): (bpb, 0.1 * bpb),
        ("disk", "hostA/write", "wr_mb_s"): (2.0, 0.2),
        ("disk", "hostB/write", "wr_mb_s"): (4.0, 0.4),
        ("cpu", "hostA/idle", "cpu_pct"): (0.0, 0.5),
        ("cpu", "hostB/idle", "cpu_pct"): (0.0, 0.5)}
got = {}
for r in csv.DictReader(open(sys.argv[1])):
    if r["scope"] == "window" and r["device"] == "":
        got[(r["family"], r["domain"], r["metric"])] = r["value"]
bad = 0
for k, (w, tol) in want.items():
    v = float(got.get(k) or "nan")
    ok = abs(v - w) <= tol
    print("(b) %-7s %-5s %-12s %-8s want %6.2f +- %-4.2f got %8.3f %s"
          % (sys.argv[2], k[0], k[1], k[2], w, tol, v, "ok" if ok else "BAD"))
    bad += not ok
sys.exit(bad)
XGEOF
}
figures "$TMP/src" source || fail "run --source: a figure on the wrong host or domain (above)"

# import of the same window: the same figures within 2 %
s0=$(sqlite3 "$TMP/src/recording.db" "select printf('%.3f', min(wall_ns) / 1e9) from ticks")
s1=$(sqlite3 "$TMP/src/recording.db" "select printf('%.3f', max(wall_ns) / 1e9) from ticks")
"$XG" import "prometheus=$URL" --start "$s0" --end "$s1" --step 1 -q \
    -o "$TMP/imp" > /dev/null 2> "$TMP/imp.err" || fail "import: $(cat "$TMP/imp.err")"
figures "$TMP/imp" import || fail "import: a figure on the wrong host or domain (above)"
python3 - "$TMP/src/report.csv" "$TMP/imp/report.csv" <<'XGEOF' || fail "import and run --source differ"
import csv, sys
def load(f):
    return {(r["family"], r["domain"], r["metric"]): float(r["value"])
            for r in csv.DictReader(open(f))
            if r["scope"] == "window" and r["device"] == ""
            and r["metric"] in ("cpu_s", "wr_mb")}
a, b = load(sys.argv[1]), load(sys.argv[2])
bad = 0
for k in sorted(a):
    if k[1].endswith("/idle") or k[1].endswith("/host") or a[k] < 0.5:
        continue
    d = 100 * (b.get(k, float("nan")) - a[k]) / a[k]
    ok = abs(d) <= 2
    print("(b) source vs import %-5s %-12s %-6s %9.3f %9.3f %6.2f %% %s"
          % (k + (a[k], b.get(k, float("nan")), d, "ok" if ok else "BAD")))
    bad += not ok
sys.exit(bad)
XGEOF

# the HTML report of it, whole, with both hosts' rows
"$XG" report --format html "$TMP/src" > "$TMP/src.html" 2> "$TMP/html.err" || fail "report --format html: $(cat "$TMP/html.err")"
grep -q 'hostB/write' "$TMP/src.html" && grep -q 'hostA/burn' "$TMP/src.html" || fail "HTML report without the hosts' rows"
tail -c 200 "$TMP/src.html" | grep -q '</html>' || fail "HTML report not whole"
python3 -c 'import html.parser, sys; html.parser.HTMLParser().feed(open(sys.argv[1]).read())' "$TMP/src.html" ||
    fail "HTML report does not parse"
# the host devices table names each row's host (a fleet's two vda)
sed -n '/^host devices$/,/^$/p' "$TMP/src.txt" > "$TMP/hostdisk.txt"
grep -qE '^hostA/host +[a-z]' "$TMP/hostdisk.txt" && grep -qE '^hostB/host +[a-z]' "$TMP/hostdisk.txt" ||
    fail "host devices without their host: $(cat "$TMP/hostdisk.txt")"
echo "[${SECONDS}s] --- run --source's report ---"
cat "$TMP/src.txt"
echo "PASS"

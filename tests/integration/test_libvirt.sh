#!/bin/bash
# test_libvirt.sh — the libvirt platform against a real libvirtd: the lab's
# tiny VMs as TCG domains (tests/lab/libvirt-vms.sh), one burning CPU, one
# writing 32 MiB to its virtio disk with O_DIRECT, one idle, all through
# tests/lab/vm-exec, watched with --platform libvirt. Checked against
# libvirt's own view read here with `virsh domstats` before and after the
# run: each domain's CPU time and the writer's written bytes within 2 %, the
# burner the busiest. In the same run a domain is destroyed (its span ends
# early) and one is started (picked up). A run --repeat 2 over the burner
# and the writer: both repetitions whole, the burner the busier in each,
# compared with itself (Welch's t, no change) and with the single run (by
# interval, said), libvirt's names paired. Then libvirtd is stopped in a run:
# it ends cleanly, says so and keeps what it measured. Bad input first: no
# libvirtd at the URI, a wrong URI, a socket that never answers: one line
# naming the URI, exit 2, nothing started.
# libvirtd and virtlogd are started here (-d) unless libvirtd already
# answers, and stopped at the end only when started here.
# SKIP (77) when xengatherer was built without libvirt, or libvirtd is
# missing and apt-get cannot install it. ~2-4 min (TCG boots).
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
lab=$(cd "$here/../lab" && pwd)
t_start=$(date +%s)
elapsed() { echo "$(( $(date +%s) - t_start )) s"; }

"$XG" --version | grep -qw libvirt || skip "xengatherer built without libvirt (libvirt-dev)"
if ! command -v libvirtd >/dev/null || ! command -v virsh >/dev/null ||
   ! command -v qemu-system-x86_64 >/dev/null; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends libvirt-daemon-system libvirt-clients qemu-system-x86; } >/dev/null 2>&1 ||
        skip "no libvirtd/virsh and apt-get install failed"
fi

export XG_LAB_DIR=$TMP/lv        # the domains' disks, sockets, consoles
export XG_LAB_PREFIX=t$$-lv      # unique names: t<pid>-lv1..3
export XG_LAB_MEM=96
mkdir -p "$XG_LAB_DIR"
B=${XG_LAB_PREFIX}1 W=${XG_LAB_PREFIX}2 I=${XG_LAB_PREFIX}3 N=${XG_LAB_PREFIX}new
uri=qemu:///system
vs() { virsh -q -c "$uri" "$@"; }
cleanup() {
    "$lab/libvirt-vms.sh" stop "$XG_LAB_DIR" >/dev/null 2>&1 || true
    if [ "${daemons:-}" = started ]; then
        "$lab/libvirt-vms.sh" stop-daemons "$XG_LAB_DIR" >/dev/null 2>&1 || true
    fi
    cg_cleanup
}
trap cleanup EXIT

# --- bad input: one line naming the URI, exit 2, nothing started ---------
mark=$TMP/started
bad() { # URI TIMEOUT WHAT
    local rc=0 t0 t1
    t0=$(date +%s.%N)
    "$XG" run -q --platform libvirt --connect "$1" --connect-timeout "$2" \
        --exec "touch $mark.{name}" -d 2 -o "$TMP/bad" -- true \
        > "$TMP/bad.out" 2> "$TMP/bad.err" || rc=$?
    t1=$(date +%s.%N)
    [ $rc -eq 2 ] || fail "$3: exit $rc, expected 2: $(cat "$TMP/bad.err")"
    [ "$(wc -l < "$TMP/bad.err")" -eq 1 ] || fail "$3: not one line: $(cat "$TMP/bad.err")"
    grep -qF "$1" "$TMP/bad.err" || fail "$3: the message does not name $1: $(cat "$TMP/bad.err")"
    [ ! -e "$TMP/bad" ] && ! ls "$mark".* >/dev/null 2>&1 || fail "$3: something was started"
    fcmp "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')" '<' "$(( $2 + 2 ))" ||
        fail "$3: took longer than --connect-timeout $2 s"
    echo "$3: $(cat "$TMP/bad.err")"
}
rc=0; "$XG" run -q --platform qemu --connect qemu:///system -d 1 -o "$TMP/bad" -- true 2> "$TMP/bad.err" || rc=$?
[ $rc -eq 2 ] && grep -q "^xengatherer: run: --connect is for the libvirt platform, not 'qemu'\$" "$TMP/bad.err" ||
    fail "--connect with --platform qemu: exit $rc, $(cat "$TMP/bad.err")"
bad "qemu+unix:///system?socket=$TMP/none.sock" 5 "no libvirtd"
bad "nosuchdriver:///x" 5 "wrong URI"
rc=0; "$XG" list --connect "qemu+unix:///system?socket=$TMP/none.sock" 2> "$TMP/bad.err" || rc=$?
[ $rc -eq 2 ] && grep -q "cannot connect to libvirt at" "$TMP/bad.err" ||
    fail "list --connect (auto): exit $rc, $(cat "$TMP/bad.err")"
python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1); time.sleep(30)' \
    "$TMP/hang.sock" &
hang=$!
for _ in $(seq 1 50); do [ -S "$TMP/hang.sock" ] && break; sleep 0.1; done
bad "qemu+unix:///system?socket=$TMP/hang.sock" 2 "a socket that never answers"
grep -q "no answer within 2 s" "$TMP/bad.err" || fail "the timeout is not said"
kill "$hang" 2>/dev/null; wait "$hang" 2>/dev/null || true

# --- the daemons and the domains ------------------------------------------
daemons=$("$lab/libvirt-vms.sh" daemons "$XG_LAB_DIR") || fail "could not start libvirtd"
echo "libvirtd: $daemons"
"$lab/libvirt-vms.sh" start 3 "$XG_LAB_DIR" || fail "libvirt-vms.sh start failed"
echo "3 domains up after $(elapsed)"
"$XG" list --platform libvirt > "$TMP/list" || fail "list exited $?"
for vm in "$B" "$W" "$I"; do
    grep -qE " $vm +- +libvirt +libvirt:$(cat "$XG_LAB_DIR/$vm.uuid")\$" "$TMP/list" ||
        fail "list does not show $vm by its uuid: $(cat "$TMP/list")"
done

# libvirt's own view, read here: `virsh domstats` of the burner and the
# writer every ~0.1 s from before the run to after it, each reading
# stamped with the middle of its call. The figures at the window's first
# and last sample (report.json's wall times) are interpolated between the
# two readings around each: an idle TCG guest still uses ~4 % of a CPU,
# so readings taken only before and after the run would add the ~0.5 s
# the tool takes to start and to write its reports.
poll_stats() {
    local a b out
    while [ ! -e "$TMP/poll.stop" ]; do
        a=$(date +%s%N)
        out=$(vs domstats --cpu-total --block "$B" "$W") || break
        b=$(date +%s%N)
        echo "T $(( (a + b) / 2 ))"
        echo "$out"
        sleep 0.1
    done > "$TMP/poll"
}
# libvirt_delta DOMAIN FIELD T0_NS T1_NS — FIELD's growth from T0 to T1.
libvirt_delta() {
    python3 - "$TMP/poll" "$@" <<'PY'
import sys
path, dom, field, t0, t1 = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
pts, t, cur = [], None, None
for line in open(path):
    line = line.strip()
    if line.startswith("T "):
        t = int(line[2:])
    elif line.startswith("Domain: "):
        cur = line[9:-1]
    elif cur == dom and line.startswith(field + "="):
        pts.append((t, int(line.split("=", 1)[1])))
def at(x):
    for (ta, va), (tb, vb) in zip(pts, pts[1:]):
        if ta <= x <= tb:
            return va + (vb - va) * (x - ta) / (tb - ta) if tb > ta else va
    sys.exit("no readings of %s %s around %d (%d readings)" % (dom, field, x, len(pts)))
print("%.0f" % (at(t1) - at(t0)))
PY
}

# Each starts and ends with a second of rest, so the window's edges fall
# where the guests are idle (the readings around an edge are interpolated).
role='sleep 1; case $(hostname) in
*lv1) sh -c "while :; do :; done" & p=$!; sleep 7; kill $p ;;
*lv2) dd if=/dev/zero of=/dev/vda bs=1M count=32 oflag=direct 2>/dev/null ;;
*) sleep 7 ;;
esac; sleep 1'
out=$TMP/run
poll_stats &
poller=$!
sleep 0.5
"$XG" run -q --platform libvirt --env XG_LAB_DIR --cache-events task-clock \
    --exec "$lab/vm-exec -d $XG_LAB_DIR {name} --" -i 0.5 -d 30 --until-done -o "$out" \
    -- sh -c "$role" > "$TMP/stdout" 2> "$TMP/stderr" &
xg=$!
sleep 1
# 1600 frames sent out of the burner's tap, towards the guest. Its kernel has
# no virtio-net driver, so QEMU reads none: the tap's queue (1000) fills and
# the rest are dropped on the host's tx side, which in the guest's view are
# receive drops (the direction libvirt swaps); the guest sends nothing.
btap=$(vs domiflist "$B" | awk 'NR == 1 {print $1}')
python3 - "$btap" <<'PY' || fail "could not send frames out of $btap"
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
frame = b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x88\xb5" + bytes(986)
for _ in range(1600):
    try:
        s.send(frame)
    except OSError:  # ENOBUFS once the queue is full: dropped, counted
        pass
PY
sleep 1.5
"$lab/libvirt-vms.sh" one "$N" "$XG_LAB_DIR" || fail "could not start $N mid-run"
sleep 1.5
vs destroy "$I" > /dev/null || fail "virsh destroy $I"
rc=0
wait "$xg" || rc=$?
sleep 0.5
touch "$TMP/poll.stop"
wait "$poller" || true
# the destroyed domain's command could not end well: exit 3, said
[ $rc -eq 3 ] || fail "run exited $rc, not 3 (a command failed): $(cat "$TMP/stderr")"
grep -q "1 command failed" "$TMP/stderr" || fail "the run does not say a command failed: $(cat "$TMP/stderr")"
echo "measured run done after $(elapsed)"
csv=$out/report.csv
cat "$out/report.txt"

# check_close WHAT OURS THEIRS [FLOOR] — within 2 %, or within FLOOR (same
# unit) when that is more: libvirt's figure at each edge of the window is
# interpolated between readings ~0.15 s apart, and a domain that ran in
# bursts (the writer: 0.9 s of CPU, most of it in dd) can be off by tens
# of ms there; 2 % of its 0.9 s is 18 ms (a CI run saw 19 ms).
check_close() {
    awk -v a="$2" -v b="$3" -v f="${4:-0}" 'BEGIN{d = a - b; if (d < 0) d = -d;
        t = 0.02 * b; if (f > t) t = f; exit !(b > 0 && d <= t)}' ||
        fail "$1: xengatherer $2, virsh domstats $3: more than 2 %${4:+ and $4} apart"
    echo "$1: xengatherer $2, virsh domstats $3 ($(awk -v a="$2" -v b="$3" 'BEGIN{printf "%+.2f", 100 * (a - b) / b}') %)"
}
ws=$(json_get "$out/report.json" "j['meta']['window_start_wall_ns']")
we=$(json_get "$out/report.json" "j['meta']['window_end_wall_ns']")
echo "window $ws .. $we ns; $(grep -c '^T ' "$TMP/poll") virsh readings"
for vm in "$B" "$W"; do
    d=$(libvirt_delta "$vm" cpu.time "$ws" "$we") || fail "$d"
    check_close "$vm cpu s" "$(csv_get "$csv" cpu "$vm" "" cpu_s)" \
        "$(awk -v a="$d" 'BEGIN{printf "%.6f", a / 1e9}')" 0.05
done
wd=$(libvirt_delta "$W" block.0.wr.bytes "$ws" "$we") || fail "$wd"
check_close "$W vda written bytes" \
    "$(awk -v m="$(csv_get "$csv" disk "$W" vda wr_mb)" 'BEGIN{printf "%.0f", m * 1048576}')" "$wd"
[ "$wd" -ge $(( 32 << 20 )) ] || fail "virsh: $W wrote $wd bytes in the window, not 32 MiB"
grep -qE "^$W +vda +libvirt " "$out/report.txt" || fail "no libvirt device row for $W's vda"
burn=$(csv_get "$csv" cpu "$B" "" cpu_s)
for vm in "$W" "$I"; do
    o=$(csv_get "$csv" cpu "$vm" "" cpu_s)
    fcmp "$burn" '>' "${o:-0}" || fail "burner $burn s is not above $vm's $o s"
done
[ -n "$(csv_get "$csv" cpu "$B" vcpu0 cpu_s)" ] || fail "no per-vCPU row for $B"
# CACHE: perf_event_open on each domain's QEMU (its pid from libvirt's pid
# file); task-clock (a software event) counts on any machine
bclk=$(csv_get "$csv" cache "$B" "" task-clock) wclk=$(csv_get "$csv" cache "$W" "" task-clock)
echo "task-clock of the QEMUs: burner $bclk s, writer $wclk s (CPU $burn s)"
[ -n "$bclk" ] && [ -n "$wclk" ] || fail "no task-clock for a domain's QEMU: $(grep -A3 '^CACHE' "$out/report.txt")"
fcmp "$bclk" '>' "$wclk" || fail "burner's QEMU task-clock $bclk s not above the writer's $wclk s"
fcmp "$bclk" '>=' "$(awk -v b="$burn" 'BEGIN{print 0.8 * b}')" || fail "burner's QEMU task-clock $bclk s is far below its CPU $burn s"
read -r nrd ntd ntb < <(python3 - "$out/report.json" "$B" "$btap" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); mb = 1048576
r = [r for r in j['net']['device_window'] if r['domain'] == sys.argv[2] and r['device'] == sys.argv[3]][0]
print('%d %d %.0f' % (r['rx_drops'], r['tx_drops'], r['tx_mb'] * mb))
PY
)
htd=$(cat "/sys/class/net/$btap/statistics/tx_dropped")
echo "$B's vNIC $btap (guest's view): rx drops $nrd, tx drops $ntd, tx $ntb B; the host's tap: $htd tx dropped"
# read after the window, the host's count may have grown since (the host
# still sends to the guest now and then)
[ "$nrd" -ge 500 ] && [ "$nrd" -le "$htd" ] && [ "$nrd" -ge $(( htd - 20 )) ] || fail "$B's vNIC: the frames dropped on their way to the guest are not its rx drops ($nrd)"
[ "$ntd" -eq 0 ] && [ "$ntb" -lt 100000 ] || fail "$B's vNIC: frames sent to the guest count as its tx (drops $ntd, $ntb B)"
span_end() { awk -F, -v d="$1" '$1=="window" && $2=="cpu" && $3==d && $4=="" && $5=="cpu_s" {print $7}' "$csv"; }
span_start() { awk -F, -v d="$1" '$1=="window" && $2=="cpu" && $3==d && $4=="" && $5=="cpu_s" {print $6}' "$csv"; }
eb=$(span_end "$B") ei=$(span_end "$I") sn=$(span_start "$N")
echo "spans: $B ends at $eb s, destroyed $I at $ei s, $N starts at $sn s"
[ -n "$ei" ] && fcmp "$ei" '<' "$eb" || fail "destroyed $I's span ($ei s) does not end before $B's ($eb s)"
fcmp "$ei" '>' 0 || fail "destroyed $I has no span"
[ -n "$sn" ] && fcmp "$sn" '>' 0 || fail "$N started mid-run was not picked up: $(grep -c "$N" "$csv")"
grep -qE "^$B +exited +0 " "$out/report.txt" || fail "$B's workload did not exit 0"
grep -qE "^$W +exited +0 " "$out/report.txt" || fail "$W's workload did not exit 0"

# --- run --repeat and compare on libvirt's domains -------------------------
# 2 repetitions over the burner and the writer, the burner spinning for
# 1.5 s in each (--until-done: windows of about that): both whole, the
# burner above the writer in each repetition's report; compared with
# itself (Welch's t on the repetitions, no change anywhere) and with the
# single run above (repeated against single: by interval, said), libvirt's
# domain names paired. ~10 s.
t_rep=$(date +%s)
printf '%s\n%s\n' "$B" "$W" > "$TMP/bw.txt"
burn15='case $(hostname) in
*lv1) sh -c "while :; do :; done" & p=$!; sleep 1.5; kill $p ;;
*) sleep 1.5 ;;
esac'
"$XG" run -q --platform libvirt --vmfile "$TMP/bw.txt" --env XG_LAB_DIR --nocache \
    --exec "$lab/vm-exec -d $XG_LAB_DIR {name} --" -i 0.25 -d 6 --until-done \
    --repeat 2 -o "$TMP/rep" -- sh -c "$burn15" > /dev/null 2> "$TMP/rep.err" ||
    fail "repeated run exited $?: $(cat "$TMP/rep.err")"
rep=$TMP/rep/recording.db
got=$(sqlite3 "$rep" "select group_concat(rep || ':' || state, ' ') from repetitions")
[ "$got" = "1:whole 2:whole" ] || fail "repetitions of the libvirt run: '$got'"
"$XG" report --format json "$rep" > "$TMP/rep.json" || fail "report of the repeated run exited $?"
"$XG" report "$rep" > "$TMP/rep.txt" || fail "text report of the repeated run exited $?"
grep -qE "^$B +- +cpu_pct +% +2 " "$TMP/rep.txt" || fail "no cpu_pct row over 2 repetitions for $B: $(cat "$TMP/rep.txt")"
"$XG" compare --format json "$rep" "$rep" > "$TMP/rr.json" || fail "compare of the repeated run with itself exited $?"
"$XG" compare --format json "$rep" "$out" > "$TMP/rs.json" 2> "$TMP/rs.err" ||
    fail "compare repeated against single exited $?: $(cat "$TMP/rs.err")"
python3 - "$TMP" "$B" "$W" <<'PY' || fail "the repeated libvirt run (above)"
import json, sys
tmp, b, w = sys.argv[1:]
def cpu(figs, dom, key):
    f = [f for f in figs if f[key] == dom and f["family"] == "cpu"
         and f["device"] == "" and f["metric"] == "cpu_pct"]
    assert len(f) == 1, (dom, f)
    return f[0]
rep = json.load(open(tmp + "/rep.json"))
fb, fw = cpu(rep["figures"], b, "domain"), cpu(rep["figures"], w, "domain")
print("repetitions: burner", fb["values"], "writer", fw["values"])
vb = {v["rep"]: v["value"] for v in fb["values"]}
vw = {v["rep"]: v["value"] for v in fw["values"]}
assert sorted(vb) == [1, 2] and sorted(vw) == [1, 2], (vb, vw)
for r in (1, 2):
    assert vb[r] > 30 and vb[r] > vw[r], ("repetition", r, vb[r], vw[r])
rr = json.load(open(tmp + "/rr.json"))
assert rr["a"]["kind"] == "repetitions" and rr["a"]["draws"] == 2, rr["a"]
f = cpu(rr["figures"], b, "domain_a")
assert f["domain_b"] == b and f["test"] == "welch" and f["n_a"] == 2, f
moved = [(f["domain_a"], f["metric"]) for f in rr["figures"] if f["verdict"] in ("higher", "lower")]
assert not moved, ("the run against itself", moved)
rs = json.load(open(tmp + "/rs.json"))
assert rs["a"]["kind"] == "intervals" and rs["b"]["kind"] == "intervals", (rs["a"], rs["b"])
assert any("repeated run compared with a single one" in x for x in rs["warnings"]), rs["warnings"]
for dom in (b, w):
    f = cpu(rs["figures"], dom, "domain_a")
    print("repeated vs single:", dom, {k: f[k] for k in ("domain_b", "a", "b", "test", "p", "verdict")})
    assert f["domain_b"] == dom and f["test"] == "mann-whitney", f
    assert f["intervals_not_independent"] is True and f["n_a"] >= 8 and f["n_b"] >= 8, f
PY
echo "repeated run and compare: $(( $(date +%s) - t_rep )) s"

# --- libvirtd stopped mid-run ---------------------------------------------
if [ "$daemons" = started ]; then
    printf '%s\n%s\n' "$B" "$W" > "$TMP/bw.txt"
    "$XG" run -q --platform libvirt --vmfile "$TMP/bw.txt" --env XG_LAB_DIR \
        --exec "$lab/vm-exec -d $XG_LAB_DIR {name} --" -i 0.5 -d 30 -o "$TMP/lost" \
        -- sleep 25 > "$TMP/lost.out" 2> "$TMP/lost.err" &
    xg=$!
    sleep 3
    kill "$(cat "$XG_LAB_DIR/libvirtd.pid")"
    t0=$(date +%s)
    rc=0
    wait "$xg" || rc=$?
    echo "run with libvirtd stopped: exit $rc after $(( $(date +%s) - t0 )) s: $(cat "$TMP/lost.err")"
    # the commands (sleep 25) outlived the ended window: exit 3
    [ $rc -eq 3 ] || fail "run with libvirtd stopped exited $rc, not 3"
    fcmp "$(( $(date +%s) - t0 ))" '<' 10 || fail "the run did not end soon after libvirtd stopped"
    grep -q "stopped answering" "$TMP/lost.err" || fail "the run does not say libvirtd went away"
    grep -q "stopped answering" "$TMP/lost/report.txt" || fail "the report does not say libvirtd went away"
    for vm in "$B" "$W"; do
        v=$(csv_get "$TMP/lost/report.csv" cpu "$vm" "" cpu_s)
        e=$(awk -F, -v d="$vm" '$1=="window" && $2=="cpu" && $3==d && $4=="" && $5=="cpu_s" {print $7}' "$TMP/lost/report.csv")
        [ -n "$v" ] && fcmp "$e" '>=' 2 || fail "$vm: what was measured before libvirtd stopped is not kept (cpu_s '$v', span to '$e' s)"
    done
    rm -f "$XG_LAB_DIR/libvirtd.pid"
    for _ in $(seq 1 50); do ps -C libvirtd -o stat= | grep -q '^[^Z]' || break; sleep 0.1; done
    libvirtd -d -p "$XG_LAB_DIR/libvirtd.pid" # to destroy the domains
    for _ in $(seq 1 100); do vs version >/dev/null 2>&1 && break; sleep 0.1; done
else
    echo "libvirtd was already running (not started here): the stop-mid-run check is left out"
fi
# --- env.domain.*: what virsh dominfo and vcpupin say -----------------------
for vm in "$B" "$W"; do
    k="env.domain.libvirt:$(vs domuuid "$vm")"
    m=$(json_get "$out/report.json" "j['meta'].get('$k.memory_kib')")
    pin=$(json_get "$out/report.json" "j['meta'].get('$k.pinning')")
    vm_m=$(vs dominfo "$vm" | awk '/^Used memory:/ {print $3}')
    vm_pin=$(vs vcpupin "$vm" | awk '{print $2}' | sort -u)
    echo "$vm: memory_kib $m (virsh $vm_m), pinning $pin (virsh $vm_pin)"
    [ "$m" = "$vm_m" ] || fail "$vm: env memory_kib '$m', virsh dominfo says '$vm_m'"
    # one affinity for every vCPU: the union is that list
    [ "$(echo "$vm_pin" | wc -l)" != 1 ] || [ "$pin" = "$vm_pin" ] ||
        fail "$vm: env pinning '$pin', virsh vcpupin says '$vm_pin'"
done
echo "libvirt test took $(elapsed)"
echo "PASS"

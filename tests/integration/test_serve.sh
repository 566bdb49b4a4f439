#!/bin/bash
# test_serve.sh — xengatherer serve on real cgroups: a burner and an idle
# cgroup under a parent of our own. Two scrapes 3 s apart: the burner's CPU
# counter grew by more than 1 s, the idle one's by less than 0.1; promtool
# accepts the body; OpenMetrics with Accept; a cgroup removed is gone from the next scrape, and
# served again from 0 once made again; 404,
# 405; a port in use and a bad --listen: exit 2 with one line; the default
# bind is loopback; basic auth (401 without, 200 with); TLS with a
# self-signed certificate; 10 concurrent scrapes all answered; a client
# that hangs up mid-body does not hurt; SIGTERM: exit 0.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
command -v curl >/dev/null || skip "no curl (scripts/deps.sh installs it)"
command -v promtool >/dev/null || skip "no promtool (Debian's prometheus; scripts/deps.sh)"
command -v openssl >/dev/null || skip "no openssl"
P=machine.slice/xgs-$$
cg_make "$P" # first, so the cleanup removes it too
cg_make "$P/burn"
cg_make "$P/idle"
# a burner in every hierarchy's burn cgroup, ending by itself
( for h in $(cg_hierarchies); do echo "$BASHPID" > "$h/$P/burn/cgroup.procs"; done
  exec timeout 120 sh -c 'while :; do :; done' ) & burner=$!
SERVES=()
stop_all() {
    local p
    for p in "${SERVES[@]}"; do kill "$p" 2>/dev/null || true; done
    kill "$burner" 2>/dev/null || true
    wait 2>/dev/null || true
    cg_cleanup
}
trap stop_all EXIT

# start_serve NAME ARGS... — serve on a random free port (retried when
# taken), waits until it answers; sets PORT and SPID. Under valgrind the
# start is slow: up to 60 s.
start_serve() {
    local name=$1 try scheme=http
    shift
    [[ " $* " = *" --tls-cert "* ]] && scheme=https
    for try in 1 2 3 4 5; do
        PORT=$((20000 + RANDOM % 40000))
        "$XG" serve -q --listen "127.0.0.1:$PORT" "$@" 2> "$TMP/$name.err" & SPID=$!
        for _ in $(seq 600); do
            kill -0 "$SPID" 2>/dev/null || break
            [ "$(curl -s -k -o /dev/null -w '%{http_code}' "$scheme://127.0.0.1:$PORT/")" != 000 ] &&
                { SERVES+=("$SPID"); return 0; }
            sleep 0.1
        done
        wait "$SPID" 2>/dev/null || true
        grep -q "Address already in use" "$TMP/$name.err" || fail "serve $name did not start: $(cat "$TMP/$name.err")"
    done
    fail "no free port in 5 tries"
}
# stop_serve PID — SIGTERM, exit 0 expected
stop_serve() {
    local rc=0
    kill -TERM "$1"
    wait "$1" || rc=$?
    [ "$rc" -eq 0 ] || fail "serve exited $rc on SIGTERM"
}
# value FILE DOMAIN — the domain's whole-domain CPU usage in seconds
value() {
    awk -v d="domain=\"$2\"" 'index($0, "xengatherer_cpu_usage_seconds_total{" d ",") == 1 && $0 !~ /vcpu=/ {print $NF; exit}' "$1"
}

start_serve main --cgroup-parent "$P" -i 0.5 --nocache
main=$SPID mport=$PORT
url=http://127.0.0.1:$mport/metrics
sleep 1
curl -sf "$url" > "$TMP/m1" || fail "first scrape failed"
sleep 3
curl -sf "$url" > "$TMP/m2" || fail "second scrape failed"
b1=$(value "$TMP/m1" burn) b2=$(value "$TMP/m2" burn)
i1=$(value "$TMP/m1" idle) i2=$(value "$TMP/m2" idle)
[ -n "$b1" ] && [ -n "$b2" ] && [ -n "$i1" ] && [ -n "$i2" ] || fail "a domain's CPU series is missing: $(grep cpu_usage "$TMP/m2")"
db=$(awk -v a="$b1" -v b="$b2" 'BEGIN{print b - a}')
di=$(awk -v a="$i1" -v b="$i2" 'BEGIN{print b - a}')
echo "3 s apart: burner +$db s, idle +$di s of CPU"
fcmp "$db" '>' 1.0 || fail "the burner's CPU grew by $db s only"
fcmp "$di" '<' 0.1 || fail "the idle cgroup's CPU grew by $di s"
grep -q '^xengatherer_cpu_usage_seconds_total{domain="host",platform="cgroup",host="' "$TMP/m2" || fail "no host row"
grep -q '^# TYPE xengatherer_cpu_usage_seconds_total counter$' "$TMP/m2" || fail "no TYPE line"
grep -q '^xengatherer_samples_total{host=' "$TMP/m2" || fail "no self metrics"
promtool check metrics < "$TMP/m2" > "$TMP/promtool" 2>&1 || fail "promtool: $(cat "$TMP/promtool")"
echo "promtool: accepted ($(grep -c '^xengatherer' "$TMP/m2") samples)"

# OpenMetrics when asked (from the tick after the first such request)
acc='Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5'
curl -sf -H "$acc" -o /dev/null "$url"
sleep 1.2
curl -sf -H "$acc" -D "$TMP/omh" -o "$TMP/om" "$url" || fail "OpenMetrics scrape failed"
grep -qi '^content-type: application/openmetrics-text; version=1.0.0' "$TMP/omh" || fail "OpenMetrics: $(grep -i content-type "$TMP/omh")"
[ "$(tail -n 1 "$TMP/om")" = "# EOF" ] || fail "OpenMetrics body does not end in # EOF"
grep -q '^# TYPE xengatherer_cpu_usage_seconds counter$' "$TMP/om" || fail "OpenMetrics: counter family not without _total"
grep -q '^xengatherer_cpu_usage_seconds_total{domain="burn",' "$TMP/om" || fail "OpenMetrics: no burner sample"
curl -sf -D "$TMP/ph" -o /dev/null "$url"
grep -qi '^content-type: text/plain; version=0.0.4' "$TMP/ph" || fail "no Accept: not the Prometheus text"

# a cgroup removed: gone from the next scrape (no stale value)
for h in $(cg_hierarchies); do rmdir "$h/$P/idle"; done
sleep 1.5
curl -sf "$url" > "$TMP/m3" || fail "scrape after rmdir failed"
grep -q 'domain="idle"' "$TMP/m3" && fail "the removed cgroup is still served"
grep -q 'domain="burn"' "$TMP/m3" || fail "the burner went missing"
# made again: a new life, served again (its counter from 0: a reset)
cg_make "$P/idle"
for _ in $(seq 60); do
    curl -sf "$url" > "$TMP/m4" || fail "scrape after mkdir failed"
    grep -q 'domain="idle"' "$TMP/m4" && break
    sleep 0.5
done
i4=$(value "$TMP/m4" idle)
[ -n "$i4" ] || fail "the cgroup made again is not served within 30 s"
fcmp "$i4" '<' 0.1 || fail "the new life's CPU is $i4 s, not from 0"

code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
[ "$(code "http://127.0.0.1:$mport/nope")" = 404 ] || fail "another path: not 404"
[ "$(code -X POST -d x=1 "$url")" = 405 ] || fail "POST: not 405"
[ "$(code -X DELETE "http://127.0.0.1:$mport/nope")" = 405 ] || fail "DELETE: not 405"
[ "$(code "$url")" = 200 ] || fail "the server stopped answering after 404/405"

# 10 concurrent scrapes, all answered in full
for k in $(seq 10); do
    curl -s -o "$TMP/c$k" -w '%{http_code}' "$url" > "$TMP/c$k.code" &
done
wait_curls() { local j; for j in $(jobs -p); do [ "$j" = "$burner" ] || [[ " ${SERVES[*]} " = *" $j "* ]] || wait "$j"; done; }
wait_curls
for k in $(seq 10); do
    [ "$(cat "$TMP/c$k.code")" = 200 ] || fail "concurrent scrape $k: $(cat "$TMP/c$k.code")"
    grep -q 'domain="burn"' "$TMP/c$k" || fail "concurrent scrape $k: no burner"
done
echo "10 concurrent scrapes: all 200"
# a client hanging up after 100 bytes, then the server still answers
for k in 1 2 3; do { curl -s -N "$url" || true; } | head -c 100 > /dev/null; done
[ "$(code "$url")" = 200 ] || fail "no answer after clients hung up mid-body"

# port in use; bad --listen: exit 2, one line naming it
rc=0; "$XG" serve -q --cgroup-parent "$P" --listen "127.0.0.1:$mport" 2> "$TMP/inuse" || rc=$?
[ "$rc" -eq 2 ] || fail "port in use: exit $rc"
[ "$(wc -l < "$TMP/inuse")" -eq 1 ] && grep -q "127.0.0.1:$mport: Address already in use" "$TMP/inuse" ||
    fail "port in use: $(cat "$TMP/inuse")"
for bad in nope 127.0.0.1 127.0.0.1:0 127.0.0.1:70000 ::1:80 300.1.1.1:80; do
    rc=0; "$XG" serve -q --cgroup-parent "$P" --listen "$bad" 2> "$TMP/bad" || rc=$?
    [ "$rc" -eq 2 ] && [ "$(wc -l < "$TMP/bad")" -eq 1 ] && grep -qF -- "--listen '$bad'" "$TMP/bad" ||
        fail "--listen $bad: exit $rc, $(cat "$TMP/bad")"
done
rc=0; "$XG" serve -q --cgroup-parent "$P" --auth-file "$TMP/none" 2> "$TMP/bad" || rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l < "$TMP/bad")" -eq 1 ] && grep -q "auth-file $TMP/none" "$TMP/bad" || fail "bad auth file: exit $rc, $(cat "$TMP/bad")"
stop_serve "$main"

# the default bind: 127.0.0.1:9177
"$XG" serve -q --cgroup-parent "$P" 2> "$TMP/def.err" & dpid=$!
SERVES+=("$dpid")
for _ in $(seq 600); do curl -s -o /dev/null http://127.0.0.1:9177/ && break; kill -0 "$dpid" || break; sleep 0.1; done
ss -ltnH > "$TMP/ss"
grep -qE '127\.0\.0\.1:9177 ' "$TMP/ss" || fail "not listening on 127.0.0.1:9177: $(cat "$TMP/def.err")"
grep -qE '(0\.0\.0\.0|\*|\[::\]):9177 ' "$TMP/ss" && fail "listening beyond loopback on 9177"
stop_serve "$dpid"

# basic auth
printf '# users\nscraper:s3cr:et\nother:x\n' > "$TMP/auth"
start_serve auth --cgroup-parent "$P" --nocache --auth-file "$TMP/auth"
aurl=http://127.0.0.1:$PORT/metrics
[ "$(code "$aurl")" = 401 ] || fail "no credentials: not 401"
[ "$(code -u scraper:wrong "$aurl")" = 401 ] || fail "a wrong password: not 401"
[ "$(code -u scraper:s3cr "$aurl")" = 401 ] || fail "a password's prefix: not 401"
[ "$(code -u scraper:s3cr:et "$aurl")" = 200 ] || fail "the right password: not 200"
echo "basic auth: 401 without, 200 with"
stop_serve "$SPID"

# TLS with a self-signed certificate for localhost
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>/dev/null ||
    fail "openssl could not make a certificate"
start_serve tls --cgroup-parent "$P" --nocache --tls-cert "$TMP/cert.pem" --tls-key "$TMP/key.pem"
[ "$(code --cacert "$TMP/cert.pem" "https://localhost:$PORT/metrics")" = 200 ] || fail "TLS scrape with --cacert failed"
curl -s -o /dev/null "https://localhost:$PORT/metrics" && fail "TLS scrape without the CA succeeded"
echo "TLS: 200 with --cacert"
stop_serve "$SPID"
rc=0; "$XG" serve -q --cgroup-parent "$P" --tls-cert "$TMP/auth" --tls-key "$TMP/key.pem" 2> "$TMP/bad" || rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l < "$TMP/bad")" -eq 1 ] || fail "a cert that is no PEM: exit $rc, $(cat "$TMP/bad")"
echo "PASS"

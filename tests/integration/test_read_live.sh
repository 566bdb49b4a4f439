#!/bin/bash
# test_read_live.sh — the recording read while the run writes it, as a
# user does with `xengatherer report DIR` or sqlite3 during a long run: a
# reader holding a read transaction for 1.5 s across several checkpoints
# delays them (the commit waits for it) instead of failing them, and the
# run goes on checkpointing afterwards. Then `report DIR` during the run
# reads the last checkpoint. Before, the checkpoint failed with "database
# is locked" and no other was taken for the rest of the run.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
cg=machine.slice/xg-live-$$
cg_make "$cg"
out=$TMP/r
"$XG" record --platform cgroup -q --cgroup "$cg" --nocache --nosched -i 0.1 -d 8 \
    --checkpoint 0.2 -o "$out" 2> "$TMP/err" &
pid=$!
for _ in $(seq 100); do [ -f "$out/recording.db" ] && break; sleep 0.05; done
[ -f "$out/recording.db" ] || fail "no recording after 5 s: $(cat "$TMP/err")"
/usr/bin/python3 - "$out/recording.db" <<'PY' || fail "the reader failed"
import sqlite3, sys, time
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True,
                     isolation_level=None, timeout=10)
db.execute("BEGIN")
db.execute("SELECT count(*) FROM ticks").fetchone()
time.sleep(1.5)  # seven checkpoints' time
db.execute("COMMIT")
PY
sleep 0.5
"$XG" report "$out" > "$TMP/live.txt" 2> "$TMP/live.err" ||
    fail "report during the run: $(cat "$TMP/live.err")"
grep -q "^PARTIAL: ended without stopping: last checkpoint at" "$TMP/live.txt" ||
    fail "the live report is not the last checkpoint's: $(head -20 "$TMP/live.txt"; cat "$TMP/live.err")"
rc=0; wait "$pid" || rc=$?
[ "$rc" -eq 0 ] || fail "the run exited $rc: $(cat "$TMP/err")"
[ ! -s "$TMP/err" ] || fail "the run said: $(cat "$TMP/err")"
ck=$(sqlite3 "$out/recording.db" "select value from meta where key = 'checkpoints'")
[ "$ck" -ge 20 ] || fail "only $ck checkpoints in an 8 s run at 0.2 s"
echo "ok: read during the run; $ck checkpoints"

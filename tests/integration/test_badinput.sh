#!/bin/bash
# test_badinput.sh — bad input gets one line naming it, exit 2, and nothing
# starts or is written; names full of shell syntax stay single argv words.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
cg_make machine.slice/xg-bad-a

# expect_2 DESC PATTERN ARGS... — exit 2, one line on stderr matching PATTERN,
# and no output folder created.
expect_2() {
    local desc=$1 pat=$2; shift 2
    local rc=0
    local sub=$1; shift
    "$XG" "$sub" --platform cgroup "$@" -o "$TMP/never" > "$TMP/o" 2> "$TMP/e" || rc=$?
    [ "$rc" -eq 2 ] || fail "$desc: exit $rc, expected 2 ($(cat "$TMP/e"))"
    [ "$(wc -l < "$TMP/e")" -eq 1 ] || fail "$desc: stderr is not one line: $(cat "$TMP/e")"
    grep -qE -- "$pat" "$TMP/e" || fail "$desc: '$(cat "$TMP/e")' does not match '$pat'"
    [ ! -e "$TMP/never" ] || fail "$desc: output folder was created"
}
P=(--cgroup-parent machine.slice -d 1 -i 0.5)
printf 'xg-bad-a\nnosuchvm\n' > "$TMP/unknown"
expect_2 "unknown vm" "unknown:2: unknown domain 'nosuchvm'" run "${P[@]}" --vmfile "$TMP/unknown"
printf 'xg-bad-a\n# c\nxg-bad-a 1.2.3.4\n' > "$TMP/dup"
expect_2 "duplicate" "dup:3: duplicate name 'xg-bad-a' \(first on line 1\)" run "${P[@]}" --vmfile "$TMP/dup"
printf 'xg-bad-a 1.2.3.4 extra\n' > "$TMP/mal"
expect_2 "malformed" "mal:1:" run "${P[@]}" --vmfile "$TMP/mal"
expect_2 "missing vmfile" "nofile: No such file" run "${P[@]}" --vmfile "$TMP/nofile"
expect_2 "vmfile is a directory" "$TMP" run "${P[@]}" --vmfile "$TMP"
printf 'a\0b\n' > "$TMP/bin"
expect_2 "binary vmfile" "bin:1:" run "${P[@]}" --vmfile "$TMP/bin"
expect_2 "interval 0" "-i '0'" run --cgroup-parent machine.slice -i 0 -d 1
expect_2 "interval NaN" "-i 'nan'" run --cgroup-parent machine.slice -i nan -d 1
expect_2 "interval > duration" "longer than the duration" run --cgroup-parent machine.slice -i 5 -d 1
expect_2 "--max-memory no unit" "--max-memory '12X': not a size" run "${P[@]}" --max-memory 12X
expect_2 "--max-memory fraction" "--max-memory '1.5G': not a size" run "${P[@]}" --max-memory 1.5G
expect_2 "--max-memory 0" "--max-memory '0': not a size" run "${P[@]}" --max-memory 0
expect_2 "--max-memory negative" "--max-memory '-64K': not a size" run "${P[@]}" --max-memory -64K
expect_2 "--max-memory overflow" "--max-memory '99999999999999999999G': not a size" run "${P[@]}" --max-memory 99999999999999999999G
expect_2 "--max-memory too small" "--max-memory '1K': too small \(at least 16K\)" run "${P[@]}" --max-memory 1K
expect_2 "--max-memory for list" "'--max-memory' is for run and record" list --max-memory 1M
expect_2 "unknown platform" "unknown platform 'nope'" run --platform nope -d 1
expect_2 "unknown option" "nosuch" run --nosuch
expect_2 "missing cgroup" "cgroup 'machine.slice/xg-none'" run --cgroup machine.slice/xg-none -d 1
expect_2 "unknown --exec-user" "--exec-user 'no-such-user-xg': no such user" run --cgroup machine.slice/xg-bad-a --exec local --exec-user no-such-user-xg -d 1 -- true
expect_2 "bad --env" "--env '1BAD=x'" run --cgroup machine.slice/xg-bad-a --exec local --env 1BAD=x -d 1 -- true
expect_2 "no address for {addr}" "xg-bad-a.*has none.*vmfile" run --cgroup machine.slice/xg-bad-a -d 1 -- true

# an existing recording is refused without --force, and left as it was
"$XG" record --platform cgroup -q --cgroup machine.slice/xg-bad-a -d 0.5 -i 0.5 -o "$TMP/r1" || fail "record failed"
sum=$(md5sum < "$TMP/r1/recording.db")
rc=0; "$XG" record --platform cgroup -q --cgroup machine.slice/xg-bad-a -d 0.5 -i 0.5 -o "$TMP/r1" 2> "$TMP/e" || rc=$?
[ "$rc" -eq 2 ] && grep -q -- "--force" "$TMP/e" || fail "existing recording: exit $rc"
[ "$(md5sum < "$TMP/r1/recording.db")" = "$sum" ] || fail "existing recording was changed"
"$XG" record --platform cgroup -q --cgroup machine.slice/xg-bad-a -d 0.5 -i 0.5 -o "$TMP/r1" --force || fail "--force refused"

# report on things that are not recordings
: > "$TMP/empty.db"; echo hello > "$TMP/text.db"
for f in "$TMP/empty.db" "$TMP/text.db" "$TMP/none.db"; do
    rc=0; "$XG" report "$f" 2> "$TMP/e" > /dev/null || rc=$?
    [ "$rc" -eq 2 ] && [ "$(wc -l < "$TMP/e")" -eq 1 ] && grep -qF "$f" "$TMP/e" || fail "report $f: exit $rc: $(cat "$TMP/e")"
done

# shell syntax in a domain's name stays one argv word and is never run
evil='a;touch PWNED $(touch PWNED2)'
cg_make "machine.slice/xg-evil/$evil"
cat > "$TMP/argv.sh" <<'EOS'
#!/bin/sh
# writes its argv, one per line, into $XG_ARGV_OUT
for a in "$@"; do printf '%s\n' "$a"; done > "$XG_ARGV_OUT"
EOS
chmod +x "$TMP/argv.sh"
cd "$TMP"
XG_ARGV_OUT=$TMP/argv.out "$XG" run --platform cgroup -q --cgroup-parent machine.slice/xg-evil --env XG_ARGV_OUT \
    --exec "$TMP/argv.sh {name} --" -d 1 -i 0.5 -o "$TMP/evil" -- x > /dev/null || fail "evil run failed"
[ "$(sed -n 1p "$TMP/argv.out")" = "$evil" ] || fail "name was split: $(cat "$TMP/argv.out")"
[ "$(wc -l < "$TMP/argv.out")" -eq 3 ] || fail "argv is not 3 words: $(cat "$TMP/argv.out")"
[ ! -e PWNED ] && [ ! -e PWNED2 ] || fail "a name was run by a shell"
echo "PASS"

#!/bin/bash
# test_badinput.sh — bad input gets one line naming it, exit 2, and nothing
# starts or is written; names full of shell syntax stay single argv words,
# and names with control bytes reach no terminal through the text report.
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
{ echo xg-bad-a; head -c 1048576 /dev/zero | tr '\0' x; echo; } > "$TMP/longline"
expect_2 "a 1 MiB line" "longline:2: line too long" run "${P[@]}" --vmfile "$TMP/longline"
printf 'xg-bad-a\nsp ace\n' > "$TMP/space" # a name with a space: NAME ADDRESS
expect_2 "a name with a space" "space:2: unknown domain 'sp'" run "${P[@]}" --vmfile "$TMP/space"
printf 'xg-bad-a\nesc\033[31m\n' > "$TMP/esc"
expect_2 "an escape in a vmfile name" "esc:2: binary data \(control byte 0x1b\)" run "${P[@]}" --vmfile "$TMP/esc"
expect_2 "interval 0" "-i '0'" run --cgroup-parent machine.slice -i 0 -d 1
expect_2 "interval negative" "-i '-1'" run --cgroup-parent machine.slice -i -1 -d 1
expect_2 "interval NaN" "-i 'nan'" run --cgroup-parent machine.slice -i nan -d 1
expect_2 "interval infinite" "-i 'inf'" run --cgroup-parent machine.slice -i inf -d 1
expect_2 "duration negative" "-d '-5'" run --cgroup-parent machine.slice -d -5
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
expect_2 "unknown section" "--nobogus" run --nobogus -d 1
expect_2 "unknown cache event" "bogus" run --cache-events cycles,bogus -d 1
expect_2 "--connect-timeout 0" "--connect-timeout '0'" run --cgroup machine.slice/xg-bad-a --connect-timeout 0 -d 1
expect_2 "--connect-timeout 1.5" "--connect-timeout '1.5'" run --cgroup machine.slice/xg-bad-a --connect-timeout 1.5 -d 1
expect_2 "--connect-timeout with --exec" "--connect-timeout is for the default ssh template" \
    run --cgroup machine.slice/xg-bad-a --connect-timeout 2 --exec local -d 1 -- true
# issue 11: bounds on -i and on the ticks of a window, refused at once
t0=$(date +%s%N)
expect_2 "interval 1e-9" "-i '1e-9': below 0.001 s, the shortest interval" run -i 1e-9 -d 1
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -lt 2000 ] || fail "-i 1e-9 took $ms ms to be refused"
expect_2 "interval 0.0009" "-i '0.0009': below 0.001 s" run "${P[@]:0:2}" -i 0.0009 -d 1
expect_2 "too many ticks" "-d 2000 with -i 0.001 is 2000000 samples, more than 1000000" \
    run "${P[@]:0:2}" -i 0.001 -d 2000
# issue 11: a typo in the exec template, before anything starts
expect_2 "--exec unmatched {" "--exec '\{name': exec template: unmatched '\{' in '\{name'" \
    run --cgroup machine.slice/xg-bad-a --exec '{name' -d 1 -- true
expect_2 "--exec unknown placeholder" "--exec 'ssh \{bogus\}': exec template: unknown placeholder '\{bogus\}'" \
    run --cgroup machine.slice/xg-bad-a --exec 'ssh {bogus}' -d 1 -- true
expect_2 "--exec unmatched }" "unmatched '\}'" run --cgroup machine.slice/xg-bad-a --exec 'ssh x}' -d 1 -- true
# issue 13: options that contradict each other or leave nothing to do
expect_2 "--cgroup with --cgroup-parent" "--cgroup and --cgroup-parent exclude each other" \
    run --cgroup machine.slice/xg-bad-a --cgroup-parent machine.slice -d 1
expect_2 "every section off" "leave nothing to measure" \
    run "${P[@]}" --nocpu --nodisk --nonet --nocache --nosched
expect_2 "--nosumcache --nocache" "--nosumcache splits the cache counts that --nocache leaves out" \
    run "${P[@]}" --nosumcache --nocache
expect_2 "--cache-events --nocache" "--cache-events picks the cache counts that --nocache leaves out" \
    run "${P[@]}" --cache-events cycles --nocache
# issue 13: OProfile's sample count has no meaning for counting
expect_2 "--cache-events LLC_MISSES:10000" "'LLC_MISSES:10000': .*counting needs no sample period" \
    run "${P[@]}" --cache-events LLC_MISSES:10000
# issue 13: list says 2 where run does for a parent that is not there
rc=0; "$XG" list --cgroup-parent machine.slice/xg-none > /dev/null 2> "$TMP/e" || rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l < "$TMP/e")" -eq 1 ] && grep -q "cgroup parent 'machine.slice/xg-none'" "$TMP/e" \
    || fail "list --cgroup-parent nosuch: exit $rc: $(cat "$TMP/e")"
# a long one is named whole (it was cut at 511 bytes), a longer one than
# the message holds ends in "..."
long=machine.slice; for i in $(seq 12); do long=$long/xg-none-$$-$(printf 'p%.0s' $(seq 50)); done
rc=0; "$XG" list --platform cgroup --cgroup-parent "$long" > /dev/null 2> "$TMP/e" || rc=$?
[ "$rc" -eq 2 ] && grep -qF "cgroup parent '$long'" "$TMP/e" \
    || fail "list --cgroup-parent (${#long} bytes): exit $rc: $(cat "$TMP/e")"
for i in $(seq 80); do long=$long/xg-none-$(printf 'p%.0s' $(seq 50)); done
rc=0; "$XG" list --platform cgroup --cgroup-parent "$long" > /dev/null 2> "$TMP/e" || rc=$?
[ "$rc" -eq 2 ] && [ "$(tail -c 4 "$TMP/e")" = "..." ] \
    || fail "list --cgroup-parent (${#long} bytes): exit $rc: no '...': $(tail -c 80 "$TMP/e")"
rc=0; "$XG" report --format xml "$TMP/nofile.db" > /dev/null 2> "$TMP/e" || rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l < "$TMP/e")" -eq 1 ] && grep -q "unknown format 'xml'" "$TMP/e" \
    || fail "report --format xml: exit $rc: $(cat "$TMP/e")"
expect_2 "missing cgroup" "cgroup 'machine.slice/xg-none'" run --cgroup machine.slice/xg-none -d 1
expect_2 "unknown --exec-user" "--exec-user 'no-such-user-xg': no such user" run --cgroup machine.slice/xg-bad-a --exec local --exec-user no-such-user-xg -d 1 -- true
# a long unknown event or template word is quoted whole, with what follows
# (the line was cut at 511 bytes)
longev=$(printf 'e%.0s' $(seq 600))
expect_2 "long --cache-events" "unknown event '$longev' \(known: .*\)$" run --cgroup machine.slice/xg-bad-a --cache-events "$longev" -d 1 -- true
expect_2 "long --exec word" "\{$longev\}' \(known: \{name\}.* braces\)$" run --cgroup machine.slice/xg-bad-a --exec "ssh {$longev}" -d 1 -- true
rc=0; "$XG" run --platform "$longev" -d 1 -- true > /dev/null 2> "$TMP/e" || rc=$?
[ "$rc" -eq 2 ] && grep -qE "'$longev' \(have: .*\)$" "$TMP/e" \
    || fail "run --platform (600 bytes): exit $rc: $(tail -c 80 "$TMP/e")"
expect_2 "bad --env" "--env '1BAD=x'" run --cgroup machine.slice/xg-bad-a --exec local --env 1BAD=x -d 1 -- true
expect_2 "no address for {addr}" "xg-bad-a.*has none.*vmfile" run --cgroup machine.slice/xg-bad-a --exec 'ssh root@{addr}' -d 1 -- true
# the same with a 240-byte name: the hint at the end is not cut (it was at 255)
longcg=xg-bad-$$-$(printf 'n%.0s' $(seq 240))
cg_make "machine.slice/$longcg"
expect_2 "no address for {addr}, long name" "$longcg.*has none.*or change --exec\)$" run --cgroup "machine.slice/$longcg" --exec 'ssh root@{addr}' -d 1 -- true

# a vmfile that is a pipe (read to its end like a file)
"$XG" record --platform cgroup -q --cgroup-parent machine.slice --vmfile <(printf 'xg-bad-a\n') \
    -d 0.5 -i 0.25 -o "$TMP/pipe" || fail "a vmfile over a pipe: exit $?"
[ "$(sqlite3 "$TMP/pipe/recording.db" "select name from domains where is_host = 0")" = xg-bad-a ] \
    || fail "a vmfile over a pipe: not the domain it names"

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

# shell syntax, quotes, UTF-8 and control bytes in domains' names: each name
# stays one argv word and is never run, whether the domain is found under a
# parent or named in a vmfile
evil=('a;touch PWNED $(touch PWNED2)' "it's\"q\";\$(touch\${IFS}PWNED3)" '`touch${IFS}PWNED4`'
      'ünïcødé✓' $'esc\033[31mred\ttab')
for n in "${evil[@]}"; do cg_make "machine.slice/xg-evil/$n"; done
cat > "$TMP/argv.sh" <<'EOS'
#!/bin/sh
# writes its argv, one per line, into $XG_ARGV_OUT.$XG_DOMAIN_ID
for a in "$@"; do printf '%s\n' "$a"; done > "$XG_ARGV_OUT.$XG_DOMAIN_ID"
EOS
chmod +x "$TMP/argv.sh"
cd "$TMP"
# evil_run OUT N NAME... — a run over the names given (all, with no vmfile):
# each domain's command got its name as one word, then "--" and "x"
evil_run() {
    local out=$1 n=$2 name f found; shift 2
    rm -f "$TMP"/argv.out.*
    XG_ARGV_OUT=$TMP/argv.out "$XG" run --platform cgroup -q --cgroup-parent machine.slice/xg-evil \
        --env XG_ARGV_OUT --exec "$TMP/argv.sh {name} --" -d 1 -i 0.5 -o "$out" "${@:1:$#-n}" -- x \
        > /dev/null || fail "evil run failed"
    for name in "${@:$#-n+1}"; do
        found=0
        for f in "$TMP"/argv.out.*; do
            if [ "$(sed -n 1p "$f")" = "$name" ]; then
                found=1
                [ "$(wc -l < "$f")" -eq 3 ] || fail "argv for '$name' is not 3 words: $(cat "$f")"
            fi
        done
        [ "$found" -eq 1 ] || fail "no command got '$name' as one word: $(cat "$TMP"/argv.out.*)"
    done
    [ "$(ls "$TMP"/argv.out.* | wc -l)" -eq "$n" ] || fail "$(ls "$TMP"/argv.out.* | wc -l) commands ran, not $n"
    [ ! -e PWNED ] && [ ! -e PWNED2 ] && [ ! -e PWNED3 ] && [ ! -e PWNED4 ] || fail "a name was run by a shell"
}
evil_run "$TMP/evil" 5 "${evil[@]}"
# the text report shows the escape and the tab as '?' (no control byte but
# newlines in it); CSV, data for programs, keeps the name as it is
grep -q $'\033' "$TMP/evil/report.txt" && fail "an escape sequence reached report.txt"
[ "$(tr -d '\n' < "$TMP/evil/report.txt" | tr -d '[:print:]' | LC_ALL=C tr -d '\200-\377' | wc -c)" -eq 0 ] \
    || fail "a control byte reached report.txt"
grep -qE '^esc\?\[31mred\?tab ' "$TMP/evil/report.txt" || fail "the escaped name is not in report.txt"
grep -qF "$(printf 'window,cpu,esc\033[31mred\ttab,')" "$TMP/evil/report.csv" || fail "report.csv lost the name"
# nor does it reach the terminal through stderr: a command that cannot start
# is said at once, with the domain's name
rc=0; "$XG" run --platform cgroup -q --cgroup-parent machine.slice/xg-evil --exec "/nonexistent/xg {name}" \
    -d 0.5 -i 0.5 -o "$TMP/evil-err" -- x > /dev/null 2> "$TMP/evil.err" || rc=$?
[ "$rc" -eq 3 ] || fail "run with a missing command exited $rc, expected 3"
grep -qF "the command on 'esc?[31mred?tab' did not start" "$TMP/evil.err" \
    || fail "stderr does not name the domain safely: $(cat -v "$TMP/evil.err")"
LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n' < "$TMP/evil.err") && fail "a control byte reached stderr: $(cat -v "$TMP/evil.err")"
# a long command that cannot start is recorded with its whole path (the
# reason was cut at 255 bytes)
longcmd=/nonexistent-xg-$$/$(printf 'c%.0s' $(seq 300))
rc=0; "$XG" run --platform cgroup -q --cgroup machine.slice/xg-bad-a --exec local -d 0.5 -i 0.5 \
    -o "$TMP/longcmd" -- "$longcmd" > /dev/null 2> "$TMP/longcmd.err" || rc=$?
[ "$rc" -eq 3 ] || fail "run with a long missing command exited $rc, expected 3"
[ "$(sqlite3 "$TMP/longcmd/recording.db" "select state from workloads")" = \
  "failed: $longcmd: No such file or directory" ] \
    || fail "long command's state: $(sqlite3 "$TMP/longcmd/recording.db" "select state from workloads")"
grep -qF "$longcmd: No such file or directory" "$TMP/longcmd.err" \
    || fail "stderr lacks the long command's reason: $(cat "$TMP/longcmd.err")"
# the same names (those a vmfile can hold: no blank, no control byte) in a vmfile
printf '%s\n' "${evil[@]:1:3}" > "$TMP/evil.vms"
evil_run "$TMP/evil2" 3 --vmfile "$TMP/evil.vms" "${evil[@]:1:3}"
echo "PASS"

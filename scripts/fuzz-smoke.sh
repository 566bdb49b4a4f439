#!/usr/bin/env bash
# fuzz-smoke.sh — builds the libFuzzer harnesses (fuzz/, clang, ASan+UBSan)
# and runs each one briefly: first over its seed corpus (fuzz/corpus/T,
# which holds every crash found so far, so this is also a regression run),
# then mutating for FUZZ_SECONDS (default 10). Fails when any harness
# crashes, leaks, times out or fails to build. check.sh (CI) calls it.
#   FUZZ_SECONDS=N  time per harness     FUZZ_BUILD=DIR  (default build-fuzz)
#   FUZZ_SEED=N     libFuzzer -seed (default 1: the same mutations each run)
#   scripts/fuzz-smoke.sh [TARGET...]    (default: every harness)
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-10}
bdir=${FUZZ_BUILD:-build-fuzz}
seed=${FUZZ_SEED:-1}

if ! command -v clang >/dev/null; then
    echo "fuzz-smoke: clang not installed (scripts/deps.sh installs it)" >&2
    exit 1
fi
# -Dwerror=false: warnings are the gcc and clang builds' job; this one only
# has to link the harnesses.
if [ ! -f "$bdir/build.ninja" ]; then
    CC=clang meson setup "$bdir" -Dfuzz=true -Dtests=false -Dwerror=false \
        -Db_sanitize=address,undefined -Db_lundef=false >/dev/null || {
        echo "fuzz-smoke: meson setup $bdir failed" >&2; exit 1; }
fi
ninja -C "$bdir" >/dev/null || { ninja -C "$bdir" | tail -30; echo "fuzz-smoke: build failed" >&2; exit 1; }

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for f in fuzz/fuzz_*.c; do
        t=${f#fuzz/fuzz_}; targets+=("${t%.c}")
    done
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rc=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
for t in "${targets[@]}"; do
    exe=$bdir/fuzz/fuzz_$t
    if [ ! -x "$exe" ]; then
        echo "fuzz-smoke: $t: no $exe" >&2; rc=1; continue
    fi
    mkdir -p "$work/$t" "$work/art-$t"
    log=$work/$t.log
    # new inputs go to the scratch dir; fuzz/corpus/T is only read
    "$exe" -max_total_time="$secs" -seed="$seed" -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$work/art-$t/" \
        "$work/$t" "fuzz/corpus/$t" >"$log" 2>&1
    r=$?
    runs=$(awk '/stat::number_of_executed_units/{print $NF}' "$log")
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
    if [ "$r" -ne 0 ]; then
        echo "fuzz-smoke: $t: FAILED (exit $r)"
        grep -E 'ERROR|runtime error|SUMMARY|#[0-9]+ 0x' "$log" | head -12
        for a in "$work/art-$t"/*; do
            [ -e "$a" ] || continue
            mkdir -p "$bdir/crashes"
            cp "$a" "$bdir/crashes/$t-$(basename "$a")"
            echo "fuzz-smoke: $t: input kept in $bdir/crashes/$t-$(basename "$a")"
        done
        rc=1
    else
        echo "fuzz-smoke: $t: ok (${runs:-?} runs in ${secs} s, ${cov:-cov: ?})"
    fi
done
exit "$rc"

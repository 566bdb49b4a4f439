#!/usr/bin/env bash
# check.sh — the whole test suite: build (gcc, -Werror), unit + fixture +
# integration tests, the unit and fixture tests again under ASan+UBSan and
# under valgrind, the cgroup integration scenarios under valgrind, a clang
# build, cppcheck + clang-tidy (scripts/lint.sh), a short run of every
# fuzz harness (scripts/fuzz-smoke.sh), the Debian packages built and run
# unpacked (scripts/deb-check.sh) and a short benchmark. Prints one closing
# line:
# "check: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0 failed=0 skipped=0 status=0

tally() { # $1 = log of one meson test run
    local ok fail skip tout
    ok=$(awk '/^Ok:/{print $2}' "$1" | tail -1)
    fail=$(awk '/^Fail:/{print $2}' "$1" | tail -1)
    tout=$(awk '/^Timeout:/{print $2}' "$1" | tail -1)
    skip=$(awk '/^Skipped:/{print $2}' "$1" | tail -1)
    passed=$((passed + ${ok:-0}))
    failed=$((failed + ${fail:-0} + ${tout:-0}))
    skipped=$((skipped + ${skip:-0}))
    if [ -z "$ok" ]; then failed=$((failed + 1)); fi
}

step() { # $1 = name, rest = command
    local name=$1; shift
    echo "== $name"
    if ! "$@"; then echo "== $name: FAILED"; status=1; return 1; fi
}

mtest() { # $1 = label, rest = meson test args
    local label=$1; shift
    local log; log=$(mktemp)
    echo "== tests: $label"
    meson test "$@" --print-errorlogs 2>&1 | tee "$log" | grep -vE '^\s*$' | tail -n 60
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
    tally "$log"; rm -f "$log"
}

[ -f build/build.ninja ] || step "configure (gcc)" meson setup build || exit 1
step "build (gcc, -Wall -Wextra -Werror)" ninja -C build || exit 1
mtest "unit, fixture, integration (gcc build)" -C build --num-processes 1 --no-suite valgrind

[ -f build-asan/build.ninja ] || step "configure (ASan+UBSan)" meson setup build-asan \
    -Db_sanitize=address,undefined -Db_lundef=false
if step "build (ASan+UBSan)" ninja -C build-asan; then
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    mtest "unit, fixture, stats (ASan+UBSan)" -C build-asan --suite unit \
        --suite fixture --suite stats
fi

if command -v valgrind >/dev/null; then
    mtest "unit, fixture (valgrind memcheck)" -C build --suite unit --suite fixture \
        --wrapper 'valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect' \
        --timeout-multiplier 4
    # the cgroup integration scenarios, every xengatherer under memcheck
    # (tests/meson.build, suite valgrind; lib.sh's XG_VALGRIND)
    mtest "integration, cgroup scenarios (valgrind memcheck)" -C build --suite valgrind \
        --num-processes 1
fi

[ -f build-clang/build.ninja ] || step "configure (clang)" env CC=clang meson setup build-clang -Dtests=false
step "build (clang, -Wall -Wextra -Werror)" ninja -C build-clang

# Static analysis and a short fuzz run, each counted as one test.
if step "lint (cppcheck, clang-tidy)" scripts/lint.sh build; then
    passed=$((passed + 1)); else failed=$((failed + 1)); fi
if step "fuzz smoke (libFuzzer + ASan/UBSan, 10 s per harness)" scripts/fuzz-smoke.sh; then
    passed=$((passed + 1)); else failed=$((failed + 1)); fi
if step "Debian packages (scripts/deb-check.sh: build, Depends, run unpacked)" scripts/deb-check.sh; then
    passed=$((passed + 1)); else failed=$((failed + 1)); fi
if step "benchmark, short (fails only on a gross regression)" bench/run.sh --quick; then
    passed=$((passed + 1)); else failed=$((failed + 1)); fi

echo "check: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]

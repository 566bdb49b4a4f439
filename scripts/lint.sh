#!/usr/bin/env bash
# lint.sh — static analysis run by check.sh (and so by CI): cppcheck on src/
# and fuzz/, then clang-tidy (checks in .clang-tidy) on every C file of src/
# and fuzz/ that the build compiles. Fails on any finding.
#   scripts/lint.sh [BUILD_DIR]   (default: build; needs its
#                                  compile_commands.json, which meson writes)
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
rc=0

for tool in cppcheck clang-tidy; do
    if ! command -v "$tool" >/dev/null; then
        echo "lint: $tool not installed (scripts/deps.sh installs it)" >&2
        exit 1
    fi
done
if [ ! -f "$build/compile_commands.json" ]; then
    echo "lint: $build/compile_commands.json missing (meson setup $build)" >&2
    exit 1
fi

# cppcheck: warnings and portability issues are errors.
#  -D_GNU_SOURCE: the one configuration we build (meson adds it), checked
#   alone rather than also without it.
#  --suppress=missingIncludeSystem: system headers are not given to it.
#  Inline suppressions (// cppcheck-suppress ID, with the reason next to
#  it) are honoured; there are none at the moment.
#  -i src/platform/cgroup/bpf: the BPF program, kernel-side C compiled by
#   clang -target bpf (-Wall -Wextra -Werror) against the kernel's own
#   vmlinux.h, whose macros (SEC...) cppcheck cannot know.
echo "lint: cppcheck"
if ! cppcheck --enable=warning,portability --error-exitcode=1 --std=c11 \
        --inline-suppr --suppress=missingIncludeSystem -D_GNU_SOURCE \
        -I src -I "$build" -i src/platform/cgroup/bpf --quiet src fuzz; then
    echo "lint: cppcheck: FAILED"
    rc=1
fi

# clang-tidy: one process per file — with several files in one process
# clang-tidy 14's analyzer reports va_list false positives (valist.Uninitialized
# on a va_start'ed list) depending on the order, so that is the only
# deterministic way. Two at a time.
echo "lint: clang-tidy"
files=$(python3 - "$build" <<'PY'
import json, os, sys
build = sys.argv[1]
seen = set()
for e in json.load(open(os.path.join(build, 'compile_commands.json'))):
    f = os.path.normpath(os.path.join(e['directory'], e['file']))
    rel = os.path.relpath(f)
    if rel.split(os.sep)[0] in ('src', 'fuzz') and rel.endswith('.c'):
        seen.add(rel)
print('\n'.join(sorted(seen)))
PY
)
if [ -z "$files" ]; then
    echo "lint: no files of src/ in $build/compile_commands.json" >&2
    exit 1
fi
log=$(mktemp)
# unknown-warning-option: the database may be gcc's, with gcc-only -W flags
if ! printf '%s\n' $files | xargs -P 2 -n 1 clang-tidy -p "$build" --quiet \
        --extra-arg=-Wno-unknown-warning-option >"$log" 2>&1; then
    grep -E '(warning|error):' "$log" | sort -u
    echo "lint: clang-tidy: FAILED ($(grep -cE '(warning|error):' "$log") findings; full log above)"
    rc=1
fi
rm -f "$log"
[ "$rc" -eq 0 ] && echo "lint: ok ($(printf '%s\n' $files | wc -l) files)"
exit "$rc"

# Makefile — the README's two set-up commands (demo, check) and helpers.
# Everything is built with meson + ninja; this file only installs what is
# needed on Debian 12 and calls them.

BUILD ?= build
ASAN_BUILD ?= build-asan

.PHONY: all deps build demo check unit asan valgrind clean

all: build

deps:
	./scripts/deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

demo: deps build
	./scripts/demo.sh $(BUILD)/xengatherer

# The whole test suite: unit, fixture and integration tests, then the unit
# and fixture tests again under ASan+UBSan and under valgrind, the cgroup
# integration scenarios under valgrind, and clang.
check: deps
	./scripts/check.sh

unit: build
	meson test -C $(BUILD) --suite unit --suite fixture --print-errorlogs

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-clang build-fuzz build-bench

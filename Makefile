# Makefile — the README's two set-up commands (demo, check) and helpers.
# Everything is built with meson + ninja; this file only installs what is
# needed on Debian 12 and calls them.

BUILD ?= build
ASAN_BUILD ?= build-asan
# make install: where to (DESTDIR, as usual, stages it under another root)
PREFIX ?= /usr/local

.PHONY: all deps build demo check unit asan valgrind install deb clean

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

# The binary, the xen platform's module (<libdir>/xengatherer), the man page
# and the docs (<datadir>/doc/xengatherer) under PREFIX, by meson install.
install: $(BUILD)/build.ninja
	meson configure $(BUILD) -Dprefix=$(abspath $(PREFIX))
	ninja -C $(BUILD)
	meson install -C $(BUILD) --no-rebuild $(if $(DESTDIR),--destdir $(DESTDIR))

# The Debian packages (xengatherer, xengatherer-xen), built from a copy of
# the tree and checked: scripts/deb-check.sh (DEB_OUT=DIR keeps the .debs).
deb:
	./scripts/deb-check.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-clang build-fuzz build-bench

# A thin wrapper over Meson for the README's commands.
#   make          build (installs missing Debian packages first)
#   make demo     build, then run the sample project's migration lifecycle on SQLite
#   make test     build, then run every test (unit, end-to-end on SQLite and PostgreSQL)
#   make test-asan   the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make fuzz     build the libFuzzer targets (clang) and run each for FUZZ_SECONDS (60)
#   make install PREFIX=/usr/local
BUILD ?= build
PREFIX ?= /usr/local

.PHONY: all build deps demo test test-asan test-valgrind install clean

all: build

deps:
	@scripts/deps.sh build

$(BUILD)/build.ninja:
	@scripts/deps.sh build
	meson setup $(BUILD) --prefix=$(PREFIX)

build: $(BUILD)/build.ninja
	@scripts/deps.sh build
	meson compile -C $(BUILD)

demo: build
	examples/bookshelf/demo.sh $(BUILD)/strata $(BUILD)/demo

test:
	@scripts/deps.sh test
	tests/run.sh $(BUILD)

test-asan:
	@scripts/deps.sh test
	STRATA_SANITIZE=1 tests/run.sh $(BUILD)-asan

test-valgrind:
	@scripts/deps.sh test
	STRATA_VALGRIND=1 tests/run.sh $(BUILD)

install: build
	meson configure $(BUILD) --prefix=$(PREFIX) >/dev/null
	meson install -C $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD)-asan

.PHONY: bench
bench:
	bench/run.sh

# libFuzzer targets in tests/fuzz/, built with clang in $(BUILD)-fuzz, each run FUZZ_SECONDS.
FUZZ_SECONDS ?= 60
.PHONY: fuzz
fuzz:
	@scripts/deps.sh fuzz
	FUZZ_BUILD=$(BUILD)-fuzz tests/fuzz/run.sh $(FUZZ_SECONDS)

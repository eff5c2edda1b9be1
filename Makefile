# The two commands of the README: `make run` and `make test`.
# Each installs what is missing first (scripts/tools.sh), never downloading
# anything but registry packages.

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: run dev test lint unit build e2e bench fuzz tools-build tools-test

## Serve the app (release build) on http://127.0.0.1:8080
run: tools-build
	trunk serve --release

## Serve a debug build that rebuilds on change (faster to compile)
dev: tools-build
	trunk serve

## Everything CI checks: format, lints, native tests, release build, browser tests
test: tools-test lint unit build e2e

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings

unit:
	cargo test

build:
	trunk build --release

e2e:
	CHROMIUM_PATH="$$(scripts/tools.sh chromium-path)" npx playwright test

tools-build:
	scripts/tools.sh build

tools-test:
	scripts/tools.sh test

## Measure the release build in Chromium (see BENCHMARKS.md)
BENCH_DIR := target/bench
DOMAIN_SOURCES := $(wildcard src/domain/*.rs) examples/bench_data.rs Cargo.lock

bench: tools-test build $(BENCH_DIR)/1k.layout.json $(BENCH_DIR)/10k.layout.json $(BENCH_DIR)/scale.layout.json
	CHROMIUM_PATH="$$(scripts/tools.sh chromium-path)" node bench/run.mjs dist $(BENCH_DIR)

$(BENCH_DIR)/1k.layout.json: $(DOMAIN_SOURCES)
	mkdir -p $(BENCH_DIR)
	cargo run --quiet --example bench_data -- 1000 1666 $(BENCH_DIR)/1k

$(BENCH_DIR)/10k.layout.json: $(DOMAIN_SOURCES)
	mkdir -p $(BENCH_DIR)
	cargo run --quiet --example bench_data -- 10000 16666 $(BENCH_DIR)/10k

$(BENCH_DIR)/scale.layout.json: $(DOMAIN_SOURCES)
	mkdir -p $(BENCH_DIR)
	cargo run --quiet --example bench_data -- 10000 50000 $(BENCH_DIR)/scale

## Import a million damaged exports: no panic, no partial write (see README)
FUZZ_RUNS ?= 1000000
fuzz:
	cargo run --profile fuzz --example fuzz_import -- $(FUZZ_RUNS)

# The two commands of the README: `make run` and `make test`.
# Each installs what is missing first (scripts/tools.sh), never downloading
# anything but registry packages.

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: run dev test lint unit build e2e tools-build tools-test

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

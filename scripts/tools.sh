#!/usr/bin/env bash
# Installs what the build and the tests need, each piece only when it is
# missing or at the wrong version. Nothing is downloaded but registry packages
# (crates.io, npm, Debian). Usage: scripts/tools.sh build|test
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

TRUNK_VERSION=0.21.14

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
fail() { printf '\033[31mError: %s\033[0m\n' "$*" >&2; exit 1; }

need() {
  command -v "$1" >/dev/null 2>&1 || fail "$1 is not installed. $2"
}

ensure_wasm_target() {
  need rustup "Install Rust with rustup (https://rustup.rs), then run this again."
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_trunk() {
  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    say "Installing trunk $TRUNK_VERSION from crates.io (12-18 minutes on 2 cores, once)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
}

ensure_wasm_bindgen() {
  # Trunk downloads wasm-bindgen unless the CLI on PATH equals the crate in Cargo.lock.
  local locked
  locked=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
  [ -n "$locked" ] || fail "Cargo.lock names no wasm-bindgen version."
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $locked" ]; then
    say "Installing wasm-bindgen-cli $locked from crates.io (about 5 minutes, once)"
    # Not --locked: its lock file pins a yanked crate.
    cargo install wasm-bindgen-cli --version "$locked"
  fi
}

ensure_npm_packages() {
  need npm "Install Node.js 18 or newer with npm (e.g. apt-get install nodejs npm)."
  # npm ci again only when package-lock.json changed since the last install.
  if ! cmp -s package-lock.json node_modules/.installed-lock 2>/dev/null; then
    say "Installing npm packages (wasm-opt, Playwright without its browser download)"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
    cp package-lock.json node_modules/.installed-lock
  fi
}

chromium_path() {
  if [ -n "${CHROMIUM_PATH:-}" ]; then echo "$CHROMIUM_PATH"; return; fi
  for candidate in /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -x "$candidate" ]; then echo "$candidate"; return; fi
  done
}

ensure_chromium() {
  if [ -n "$(chromium_path)" ]; then return; fi
  local how="Install Debian's chromium package (sudo apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary."
  command -v apt-get >/dev/null 2>&1 || fail "Chromium is missing and this machine has no apt-get. $how"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    else
      fail "Chromium is missing and installing it needs root. $how"
    fi
  fi
  say "Installing Chromium from Debian's packages"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium
  [ -n "$(chromium_path)" ] || fail "apt-get installed chromium but no binary was found. $how"
}

case "${1:-}" in
  build)
    ensure_wasm_target
    ensure_npm_packages
    ensure_wasm_bindgen
    ensure_trunk
    ;;
  test)
    ensure_wasm_target
    ensure_npm_packages
    ensure_chromium
    ensure_wasm_bindgen
    ensure_trunk
    ;;
  chromium-path)
    chromium_path
    ;;
  *)
    fail "usage: scripts/tools.sh build|test|chromium-path"
    ;;
esac

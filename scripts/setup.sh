#!/usr/bin/env bash
# Installs what the build and tests need, and only what is missing.
# Usage: scripts/setup.sh serve   (wasm target, wasm-bindgen-cli, trunk)
#        scripts/setup.sh test    (the above plus wasm-pack, chromium, chromedriver, playwright-core)
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
WASM_PACK_VERSION=0.15.1
PLAYWRIGHT_VERSION=1.64.1
mode=${1:-test}

log() { echo "setup: $*"; }

# cargo install with the tool's own lock file; if the registry no longer serves a locked
# version (a yanked crate), fall back to a fresh resolution of the same tool version.
cargo_install() { # crate version
  cargo install "$1" --version "$2" --locked || cargo install "$1" --version "$2"
}

has_version() { # command, expected version substring
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q -- "$2"
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! has_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo_install wasm-bindgen-cli "$WASM_BINDGEN_VERSION"
fi

if ! has_version trunk "$TRUNK_VERSION"; then
  log "installing trunk $TRUNK_VERSION (about 10 minutes)"
  cargo_install trunk "$TRUNK_VERSION"
fi

[ "$mode" = serve ] && exit 0

if ! has_version wasm-pack "$WASM_PACK_VERSION"; then
  log "installing wasm-pack $WASM_PACK_VERSION (about 9 minutes)"
  cargo_install wasm-pack "$WASM_PACK_VERSION"
fi

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  log "installing chromium and chromium-driver"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi

if [ ! -f tests/e2e/node_modules/playwright-core/package.json ]; then
  log "installing playwright-core for the end-to-end tests"
  (cd tests/e2e && npm ci --no-audit --no-fund --silent)
fi

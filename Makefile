# EventBridge Workshop — the two commands a newcomer needs.
#   make serve   install what is missing, then serve the workshop on http://127.0.0.1:8080
#   make test    install what is missing, then run every test; ends with "N passed, N failed"

.PHONY: serve test setup build fmt bench fuzz

export PATH := $(HOME)/.cargo/bin:$(PATH)

serve:
	@scripts/setup.sh serve
	@echo "EventBridge Workshop: http://127.0.0.1:8080/"
	trunk serve --release

test:
	@scripts/setup.sh test
	@scripts/test.sh

setup:
	@scripts/setup.sh test

build:
	@scripts/setup.sh serve
	trunk build --release
	@scripts/wasm-size.sh

fmt:
	cargo fmt --all

bench:
	cargo bench -p ebw-bench --features quamina

# Fuzz every parser and evaluator (FUZZ_SECONDS each, default 600). Not part of `make test`.
fuzz:
	@scripts/fuzz.sh

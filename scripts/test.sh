#!/usr/bin/env bash
# Every test, on a fresh machine too: installs what the suite drives from
# outside (Debian's docker-compose 1.29, an independent implementation of
# compose interpolation; tmux, a real terminal for the prompts) when missing,
# then runs `cargo test`. Tests that need Python packages (Flask, the
# OpenTelemetry SDK, opentelemetry-proto) build their own virtualenv under
# target/py-venv on first use and reuse it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v docker-compose >/dev/null 2>&1 || ! command -v tmux >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq docker-compose tmux >/dev/null
fi

cargo test --locked --no-fail-fast "$@"

#!/usr/bin/env bash
# Every test, on a fresh machine too. Installs what the suite drives from
# outside when it is missing, starts a private Docker engine for the
# running-stack tests (stopped when this script exits, even on failure),
# then runs `cargo test`. Tests that need Python packages (Flask, the
# OpenTelemetry SDK, opentelemetry-proto) build their own virtualenv under
# target/py-venv on first use and reuse it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

# Room on the checkout's disk, checked first: a full disk otherwise shows
# minutes later as an error from deep inside the engine. A run from a fresh
# clone took 4.2 GiB (the test build 3.7 GiB under target/debug, the engine's
# images 0.4 GiB); a run whose build is already there needs far less.
need_mib=4608
[ -x target/debug/cruddur-obs ] && need_mib=1024
avail_mib="$(df -Pm . | awk 'NR == 2 {print $4}')"
if [ -n "$avail_mib" ] && [ "$avail_mib" -lt "$need_mib" ]; then
  echo "test.sh: only $avail_mib MiB free on the disk of $(pwd -P); the suite needs about $need_mib MiB" >&2
  echo "test.sh: (the test build under target/ and the private engine's images). Free some space, for example" >&2
  echo "test.sh: \`cargo clean\` in checkouts you no longer build, then run this again." >&2
  exit 1
fi

# Debian package, and why the suite needs it.
packages=(
  "docker-compose|Debian's docker-compose 1.29: an independent implementation of compose interpolation, and what builds and starts the test stacks"
  "tmux|a real terminal for the interactive prompts"
  "docker.io|the Docker engine (dockerd) and CLI that doctor's running-stack tests drive"
  "debootstrap|builds the local stand-in for the python:3.10-slim-buster base image (no image registry is reachable)"
  "strace|traces which files a doctor run opens (each project file is read once per run)"
)
missing=()
for entry in "${packages[@]}"; do
  pkg="${entry%%|*}"
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    echo "test.sh: installing $pkg: ${entry#*|}"
    missing+=("$pkg")
  fi
done
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
if [ "${#missing[@]}" -gt 0 ]; then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The private engine (see scripts/engine.sh): its own data root under
# target/engine, its own socket; the tests find it through DOCKER_HOST.
trap '$sudo bash scripts/engine.sh stop || true' EXIT
eval "export $($sudo env ENGINE_GROUP="$(id -g)" bash scripts/engine.sh start)"
# The base image the Cruddur Dockerfile names, made locally (cached tarball).
t0=$(date +%s)
$sudo env DOCKER_HOST="$DOCKER_HOST" bash scripts/base-image.sh
echo "test.sh: engine ready at $DOCKER_HOST, base image in $(( $(date +%s) - t0 )) s"

# Tests that need the engine fail (instead of skipping) if it is missing.
export CRUDDUR_REQUIRE_ENGINE=1
cargo test --locked --no-fail-fast "$@"

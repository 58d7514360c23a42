#!/usr/bin/env bash
# A private Docker engine for the tests, apart from any engine the machine
# runs: its own data root (under target/, so images survive between runs),
# its own exec root, pid file and unix socket (under a short directory in
# /tmp keyed by the checkout: unix socket paths are limited to 108 bytes, and
# containerd's socket lives below the exec root), no default bridge and no
# iptables rules (test stacks use the host's network namespace and loopback).
#
#   scripts/engine.sh start   starts it (if not running) and prints DOCKER_HOST=…
#   scripts/engine.sh stop    stops it and the containerd it started
#   scripts/engine.sh host    prints the DOCKER_HOST value
#
# Needs root (dockerd does) and Debian's docker.io. ENGINE_GROUP (a group
# name or id) gives that group the socket, for tests run as a normal user.
set -euo pipefail
cd "$(dirname "$0")/.."
checkout="$(pwd -P)"

data="$checkout/target/engine/data"
key="$(printf '%s' "$checkout" | sha256sum | cut -c1-12)"
run="/tmp/cobs-engine-$key"
sock="$run/docker.sock"
pidfile="$run/docker.pid"
log="$checkout/target/engine/dockerd.log"

running() {
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

case "${1:-}" in
  host)
    echo "unix://$sock"
    ;;
  start)
    if running; then
      echo "DOCKER_HOST=unix://$sock"
      exit 0
    fi
    command -v dockerd >/dev/null || { echo "engine.sh: dockerd is missing (apt-get install docker.io)" >&2; exit 1; }
    [ "$(id -u)" -eq 0 ] || { echo "engine.sh: dockerd needs root" >&2; exit 1; }
    mkdir -p "$data" "$run"
    rm -f "$sock"
    # An empty configuration file: nothing from /etc/docker/daemon.json.
    echo '{}' >"$run/daemon.json"
    # setsid: the engine outlives this script, not the test run (test.sh stops it).
    setsid dockerd \
      --config-file "$run/daemon.json" \
      --data-root "$data" \
      --exec-root "$run/exec" \
      --pidfile "$pidfile" \
      --host "unix://$sock" \
      --bridge=none --iptables=false --ip-masq=false --ip6tables=false \
      --userland-proxy=false \
      --log-level=warn \
      ${ENGINE_GROUP:+--group "$ENGINE_GROUP"} \
      </dev/null >"$log" 2>&1 &
    for _ in $(seq 1 300); do
      if [ -S "$sock" ] && DOCKER_HOST="unix://$sock" docker version >/dev/null 2>&1; then
        # What a run that was killed left behind (this engine is ours alone).
        export DOCKER_HOST="unix://$sock"
        stale="$(docker ps -aq)"
        [ -n "$stale" ] && docker rm -f $stale >/dev/null
        stale="$(docker images -q --filter 'reference=cobs-*')"
        [ -n "$stale" ] && docker rmi -f $stale >/dev/null
        echo "DOCKER_HOST=unix://$sock"
        exit 0
      fi
      sleep 0.1
    done
    echo "engine.sh: the engine did not answer within 30 s; its log ($log):" >&2
    tail -n 30 "$log" >&2 || true
    exit 1
    ;;
  stop)
    if running; then
      pid="$(cat "$pidfile")"
      # Containers first, so the engine stops at once instead of waiting
      # for each one's grace period.
      ids="$(DOCKER_HOST="unix://$sock" docker ps -q 2>/dev/null || true)"
      [ -n "$ids" ] && DOCKER_HOST="unix://$sock" docker kill $ids >/dev/null 2>&1 || true
      kill "$pid"
      for _ in $(seq 1 150); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    # The engine leaves its network namespace mounted below the exec root.
    awk -v run="$run/" 'index($2, run) == 1 {print $2}' /proc/mounts | sort -r |
      while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
    rm -rf "$run" 2>/dev/null || true
    ;;
  *)
    echo "usage: $0 start|stop|host" >&2
    exit 2
    ;;
esac

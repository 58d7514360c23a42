#!/usr/bin/env bash
# A local stand-in for the base image the Cruddur Dockerfile names
# (`python:3.10-slim-buster`), since no image registry is reachable here:
# a minimal Debian with python3 and pip made by debootstrap from the Debian
# mirror apt already uses, imported into the engine at $DOCKER_HOST under that
# tag. It is Debian's Python 3.11, not 3.10: what the tests need from the image
# is a `python3`/`pip3` that installs requirements.txt from the package index
# the way the upstream image does.
#
# The root filesystem is cached as target/engine/base-image.tar (minutes
# to make), so later runs only import it (seconds).
#
#   DOCKER_HOST=… scripts/base-image.sh [TAG]
set -euo pipefail
cd "$(dirname "$0")/.."
tag="${1:-python:3.10-slim-buster}"
cache="target/engine/base-image.tar"

if docker image inspect "$tag" >/dev/null 2>&1; then
  exit 0
fi

# The mirror apt uses: deb822 (.sources) first, then one-line sources.list.
mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '/^URIs:/ {u=$2} /^Suites:/ {if ($0 ~ /(bookworm|trixie|sid|stable)( |$)/ && u !~ /security/) {print u; exit}}' "$f"
  done | head -n1
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '$1 == "deb" && $2 !~ /security/ {print ($2 ~ /^\[/ ? $3 : $2); exit}' "$f"
  done | head -n1
}

if [ ! -s "$cache" ]; then
  url="$(mirror | head -n1)"
  [ -n "$url" ] || { echo "base-image.sh: no Debian mirror found in /etc/apt/sources.list*" >&2; exit 1; }
  root="$(mktemp -d /tmp/cobs-rootfs.XXXXXX)"
  trap 'rm -rf "$root"' EXIT
  echo "base-image.sh: debootstrap bookworm from $url (a few minutes)" >&2
  debootstrap --variant=minbase --include=python3,python3-pip,python3-venv \
    bookworm "$root" "$url" >"target/engine/debootstrap.log" 2>&1 || {
      tail -n 20 target/engine/debootstrap.log >&2
      exit 1
    }
  # pip may install into the system Python, as it does in the upstream image.
  rm -f "$root"/usr/lib/python3*/EXTERNALLY-MANAGED
  # The upstream image has python, python3, pip and pip3 in /usr/local/bin.
  ln -sf /usr/bin/python3 "$root/usr/local/bin/python"
  ln -sf /usr/bin/python3 "$root/usr/local/bin/python3"
  ln -sf /usr/bin/pip3 "$root/usr/local/bin/pip"
  ln -sf /usr/bin/pip3 "$root/usr/local/bin/pip3"
  # Reach the package index the way this machine does: its CA bundle and its
  # pip configuration (PIP_* variables are added as image ENV below).
  if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    mkdir -p "$root/etc/ssl/certs"
    cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  fi
  for conf in /etc/pip.conf /etc/xdg/pip/pip.conf "$HOME/.config/pip/pip.conf" "$HOME/.pip/pip.conf"; do
    [ -f "$conf" ] && cat "$conf" >>"$root/etc/pip.conf"
  done
  # What the slim upstream image leaves out too (about a quarter of the
  # root filesystem): the image is made and kept on the checkout's disk.
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
    "$root"/usr/share/locale/*
  tar -C "$root" -cf "$cache.part" .
  mv "$cache.part" "$cache"
fi

changes=(--change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin'
         --change 'ENV LANG=C.UTF-8'
         --change 'CMD ["python3"]')
for var in PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_TRUSTED_HOST PIP_CERT PIP_DEFAULT_TIMEOUT \
           HTTPS_PROXY HTTP_PROXY NO_PROXY https_proxy http_proxy no_proxy; do
  [ -n "${!var:-}" ] && changes+=(--change "ENV $var=${!var}")
done
docker import "${changes[@]}" "$cache" "$tag" >/dev/null
echo "base-image.sh: $tag imported (a local stand-in for the upstream image)" >&2

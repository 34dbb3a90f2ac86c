#!/usr/bin/env bash
# `up`: the demo deployment. Installs the missing system packages (scripts/setup-host.sh,
# which names them), sets up the controller venv, the Docker engine and the
# Debian 12 image, starts a container with systemd, deploys the sample site into it
# with `ansible-playbook site.yml -i inventories/demo`, and prints its URLs (HTTP on
# DEMO_PORT, HTTPS with a self-signed certificate on DEMO_TLS_PORT).
# `down`: removes the demo container (the engine keeps running for the demo's sake).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
name=webstack-demo
port=${DEMO_PORT:-8080}
tls_port=${DEMO_TLS_PORT:-8443}

case "${1:-up}" in
up)
  bash scripts/setup-host.sh
  bash scripts/controller-venv.sh
  bash scripts/docker-engine.sh up
  bash scripts/build-images.sh bookworm
  if ! docker container inspect "$name" >/dev/null 2>&1; then
    docker run -d --name "$name" --hostname "$name" \
      --cap-add SYS_ADMIN --cgroupns host -v /sys/fs/cgroup:/sys/fs/cgroup:rw \
      --tmpfs /run --tmpfs /run/lock --tmpfs /tmp \
      -p "127.0.0.1:$port:80" -p "127.0.0.1:$tls_port:443" webstack-debian:12 >/dev/null
  fi
  docker start "$name" >/dev/null
  ansible-playbook site.yml -i inventories/demo
  url="http://127.0.0.1:$(docker port "$name" 80/tcp | head -1 | cut -d: -f2)/"
  for _ in $(seq 1 20); do
    curl -fsS -o /dev/null "$url" && break
    sleep 0.5
  done
  curl -fsS -o /dev/null "$url"
  echo
  echo "The demo site answers at: $url"
  echo "(its stylesheet: ${url}static/pages/style.css; remove it with: make demo-clean)"
  # A container made before HTTPS was in the demo has no second port.
  if tls=$(docker port "$name" 443/tcp 2>/dev/null | head -1) && [ -n "$tls" ]; then
    echo "And over HTTPS, with a self-signed certificate: https://127.0.0.1:${tls##*:}/ (curl -k, or accept the browser's warning)"
  fi
  ;;
down)
  docker rm -f "$name" >/dev/null 2>&1 || true
  ;;
*) echo "usage: $0 up|down" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# `up`: make sure a Docker engine answers, starting one when none runs. Installs nothing:
# without dockerd it says so (scripts/setup-host.sh, `make setup`, installs docker.io).
# `down`: stop the engine only if `up` started it (its PID is kept in .cache/dockerd.pid).
set -euo pipefail
cd "$(dirname "$0")/.."
pidfile=.cache/dockerd.pid
mkdir -p .cache

case "${1:-up}" in
up)
  if docker info >/dev/null 2>&1; then exit 0; fi
  if ! command -v dockerd >/dev/null 2>&1; then
    echo "error: no Docker engine answers and dockerd is not installed." >&2
    echo "       Run \`make setup\` (scripts/setup-host.sh installs docker.io), or start your engine." >&2
    exit 1
  fi
  # No systemd on these machines: start dockerd ourselves when no init system manages it.
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl start docker
  else
    setsid dockerd >.cache/dockerd.log 2>&1 < /dev/null &
    echo $! > "$pidfile"
  fi
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && exit 0
    sleep 0.5
  done
  echo "error: dockerd did not answer within 30 s; see .cache/dockerd.log" >&2
  exit 1
  ;;
down)
  [ -f "$pidfile" ] || exit 0
  pid=$(cat "$pidfile")
  rm -f "$pidfile"
  kill "$pid" 2>/dev/null || exit 0
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.5; done
  echo "warning: dockerd ($pid) still running after 30 s" >&2
  ;;
*) echo "usage: $0 up|down" >&2; exit 2 ;;
esac

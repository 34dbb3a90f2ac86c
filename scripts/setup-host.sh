#!/usr/bin/env bash
# The one step that installs system packages: what the tests and the demo need on this
# machine, each installed only when missing, each named before it is installed.
#   - docker.io: the Docker engine Molecule and the demo run containers with (skipped
#     when an engine already answers or dockerd is installed);
#   - debootstrap: builds the Debian test images locally (no container registry is used);
#   - shellcheck: without it, ansible-test skips its test of the shell scripts.
# `make test` and `make demo` run it first; `make setup` runs it alone. Debian and Ubuntu
# (apt-get), as root. Usage: setup-host.sh [--check]  (--check: only say what is missing)
set -euo pipefail

missing=()
if ! docker info >/dev/null 2>&1 && ! command -v dockerd >/dev/null 2>&1; then
  missing+=(docker.io)
fi
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)

if [ ${#missing[@]} -eq 0 ]; then
  echo "host setup: docker, debootstrap and shellcheck are present; nothing to install"
  exit 0
fi
if [ "${1:-}" = --check ]; then
  echo "host setup: missing ${missing[*]} (install them with: make setup)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: missing ${missing[*]}, and this is not a Debian or Ubuntu machine: install them yourself." >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "error: missing ${missing[*]}; as root, run: apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "host setup: installing ${missing[*]} (apt-get)"
export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "error: apt-get could not install ${missing[*]}" >&2
  exit 1
fi
echo "host setup: installed ${missing[*]}"

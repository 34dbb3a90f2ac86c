#!/usr/bin/env bash
# Every test of the collection, stage by stage, each stage's duration printed.
# Usage: scripts/test.sh [STAGE...]
#   stages: lint sanity docs unit integration default source cluster
#   (unit includes tests/unit/test_collection_build.py: the built collection installed
#   with only its declared dependencies passes a syntax check)
# Without stages (`make test`), the first is setup-host: scripts/setup-host.sh installs the
# system packages that are missing (docker.io, debootstrap, shellcheck), saying which.
# With stages, nothing is installed: a missing program is named, and its stage fails.
# Sets up the controller venv, starts a Docker engine and builds the images when a
# stage needs them, and stops an engine it started. All stages run; the exit status is
# non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
export PATH="$PWD/.venv/bin:$PATH"
export MOLECULE_GLOB='molecule/*/molecule.yml'
export ANSIBLE_FORCE_COLOR="${ANSIBLE_FORCE_COLOR:-0}" PY_COLORS="${PY_COLORS:-0}"

all_stages=(lint sanity docs unit integration default source cluster)
full=0
[ $# -gt 0 ] || { full=1; set -- "${all_stages[@]}"; }
summary=()
failed=0

stage() {
  local name=$1 start end status
  shift
  echo "=== stage $name: start $(date -u +%H:%M:%S)"
  start=$(date +%s%N)
  "$@"
  status=$?
  end=$(date +%s%N)
  local tenths=$(( (end - start) / 100000000 ))
  local took="$((tenths / 10)).$((tenths % 10))"
  local verdict=ok
  [ "$status" -eq 0 ] || { verdict="FAILED ($status)"; failed=1; }
  echo "=== stage $name: $verdict in ${took} s"
  summary+=("$(printf '%-10s %8s s  %s' "$name" "$took" "$verdict")")
  return "$status"
}

needs_docker() { case " $* " in *" default "*|*" source "*|*" cluster "*) return 0 ;; esac; return 1; }

started_docker=0
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  [ "$started_docker" -eq 0 ] || bash scripts/docker-engine.sh down
  echo
  echo "=== summary (seconds per stage)"
  printf '%s\n' "${summary[@]}"
}
trap cleanup EXIT

[ "$full" -eq 0 ] || stage setup-host bash scripts/setup-host.sh || exit 1
stage setup-venv bash scripts/controller-venv.sh || exit 1
if needs_docker "$@"; then
  if ! docker info >/dev/null 2>&1; then
    started_docker=1
    stage setup-docker bash scripts/docker-engine.sh up || exit 1
  fi
  stage setup-images bash scripts/build-images.sh || exit 1
fi

for name in "$@"; do
  case "$name" in
    lint) stage lint bash scripts/lint.sh ;;
    sanity) stage sanity bash scripts/sanity.sh ;;
    docs) stage docs antsibull-docs lint-collection-docs --plugin-docs . ;;
    unit) stage unit pytest -q -p no:cacheprovider tests/unit ;;
    integration) stage integration bash tests/integration/run.sh ;;
    default) stage default molecule test -s default ;;
    source) stage source molecule test -s source --platform-name source-debian12 ;;
    # Debian 12 in the full run; WEBSTACK_CLUSTER_IMAGE=13 make molecule SCENARIO=cluster for 13.
    cluster) stage cluster molecule test -s cluster ;;
    *) echo "unknown stage $name (stages: ${all_stages[*]})" >&2; failed=1 ;;
  esac
done
exit "$failed"

#!/usr/bin/env bash
# Run the integration target filter_webstack with plain ansible-playbook on localhost:
# first with the dev venv's ansible-core (.venv), then with the oldest supported
# ansible-core (2.17) from a cached venv at .cache/ansible-core-2.17 (created on first use
# with a Python 3.12). Prints which versions ran; exits non-zero if any run failed.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo" || exit 1
export ANSIBLE_COLLECTIONS_PATH="$repo/.collections"
export ANSIBLE_FORCE_COLOR="${ANSIBLE_FORCE_COLOR:-0}"
playbook=tests/integration/filter_webstack.yml
oldest=.cache/ansible-core-2.17

# The collection resolves through .collections/ansible_collections/webstack/django -> the repository.
if [ ! -e .collections/ansible_collections/webstack/django/galaxy.yml ]; then
  mkdir -p .collections/ansible_collections/webstack
  ln -sfn ../../.. .collections/ansible_collections/webstack/django
fi

find_python312() {
  local candidate
  for candidate in python3.12 "$HOME"/.pyenv/versions/3.12*/bin/python3; do
    command -v "$candidate" >/dev/null 2>&1 || [ -x "$candidate" ] || continue
    # pyenv shims exist for versions that are not selected: ask the interpreter itself.
    if "$candidate" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

ensure_oldest() {
  if [ -x "$oldest/bin/ansible-playbook" ] \
      && "$oldest/bin/python" -c 'import ansible.release as r, sys; sys.exit(not r.__version__.startswith("2.17."))' 2>/dev/null; then
    return 0
  fi
  local python
  if ! python=$(find_python312); then
    echo "error: no Python 3.12 found for ansible-core 2.17 (pyenv install 3.12, or apt-get install python3.12)" >&2
    return 1
  fi
  echo "creating $oldest with $("$python" --version) from $python"
  rm -rf "$oldest"
  "$python" -m venv "$oldest" || return 1
  # This machine's pip configuration names local indexes that may not exist: drop those warnings.
  "$oldest/bin/pip" install -q 'ansible-core>=2.17,<2.18' \
    2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2)
}

ran=()
failed=0
run_with() {
  local bin=$1 version
  version=$("$bin/python" -c 'import ansible.release as r; print(r.__version__)') || { failed=1; return 1; }
  echo "=== filter_webstack with ansible-core $version ($bin)"
  if "$bin/ansible-playbook" -i localhost, -c local "$playbook"; then
    ran+=("ansible-core $version: ok")
  else
    ran+=("ansible-core $version: FAILED")
    failed=1
  fi
}

if [ -x .venv/bin/ansible-playbook ]; then
  run_with .venv/bin
else
  echo "error: .venv/bin/ansible-playbook missing (make venv)" >&2
  ran+=("dev venv: missing"); failed=1
fi
if ensure_oldest; then
  run_with "$oldest/bin"
else
  ran+=("ansible-core 2.17: could not be set up"); failed=1
fi

echo "=== filter_webstack summary"
printf '%s\n' "${ran[@]}"
exit "$failed"

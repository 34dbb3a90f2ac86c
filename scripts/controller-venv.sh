#!/usr/bin/env bash
# Create or update .venv with the pinned controller tools, on the newest Python >= 3.12 found.
# ansible-core 2.21 needs Python >= 3.12; Debian 12's python3 is 3.11.
# A changed requirements-dev.txt is installed into the existing venv (other runs may be using
# it); the venv is created anew only when it is missing or its Python is too old.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv
stamp="$venv/.requirements.sha256"
want=$(sha256sum requirements-dev.txt | cut -d' ' -f1)
if [ -x "$venv/bin/ansible-playbook" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi

usable() { "$1" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; }

find_python() {
  local candidate
  for candidate in python3.14 python3.13 python3.12 \
      "$HOME"/.pyenv/versions/3.14*/bin/python3 "$HOME"/.pyenv/versions/3.13*/bin/python3 \
      "$HOME"/.pyenv/versions/3.12*/bin/python3 python3; do
    command -v "$candidate" >/dev/null 2>&1 || [ -x "$candidate" ] || continue
    # pyenv shims exist for versions that are not selected: ask the interpreter itself.
    if usable "$candidate"; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

# This machine's pip configuration names local indexes that may not exist: drop those warnings.
quiet() { "$@" 2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2); }

if [ -x "$venv/bin/python" ] && usable "$venv/bin/python"; then
  echo "controller venv: updating $venv ($("$venv/bin/python" --version)) to requirements-dev.txt"
else
  if ! python=$(find_python); then
    echo "error: no Python >= 3.12 with the venv module found (ansible-core 2.21 needs it)." >&2
    echo "       On Debian 13 / Ubuntu 24.04: apt-get install python3 python3-venv;" >&2
    echo "       on Debian 12: install python3.12 or newer (pyenv, or a backport)." >&2
    exit 1
  fi
  echo "controller venv: $("$python" --version) from $python"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  quiet "$venv/bin/pip" install -q --upgrade pip
fi
quiet "$venv/bin/pip" install -q -r requirements-dev.txt
echo "$want" > "$stamp"

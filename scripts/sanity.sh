#!/usr/bin/env bash
# ansible-test sanity on a copy of the collection at .../ansible_collections/webstack/django
# (ansible-test refuses a symlinked path). Only what git tracks or would track is copied.
set -euo pipefail
cd "$(dirname "$0")/.."
root=build/sanity
dest=$root/ansible_collections/webstack/django
rm -rf "$root"
mkdir -p "$dest"
git ls-files -z --cached --others --exclude-standard \
  | grep -zv -e '^\.collections/' -e '^scripts/' -e '^\.ci/' -e '^images/' \
  | xargs -0 cp --parents -t "$dest"

# ansible-test skips its shellcheck test without the program: refuse to run without it.
if ! command -v shellcheck >/dev/null 2>&1; then
  echo "error: shellcheck is missing (ansible-test would skip its test); run \`make setup\` (scripts/setup-host.sh installs it)." >&2
  exit 1
fi

# ansible-test bootstraps pip in its venvs with a get-pip script it downloads from a
# host this machine cannot reach. Stand in for it: ensurepip, then pip installs the
# packages it was asked for (get-pip's own flags dropped).
python=$(command -v python)
pip_version=$("$python" -c 'import types
from ansible_test._internal.python_requirements import get_venv_packages
print(get_venv_packages(types.SimpleNamespace(version="")).get("pip"))')
cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
if [ ! -f "$cache" ]; then
  mkdir -p "$(dirname "$cache")"
  cat > "$cache" <<'PY'
"""Offline stand-in for get-pip.py: ensurepip, then pip installs the requested packages."""
import ensurepip
import subprocess
import sys

ensurepip.bootstrap()
args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + args))
PY
fi

py_version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
cd "$dest"
# ansible-test lists a collection's files through git; without a repository it skips all.
git init -q && git add -A
ansible-test sanity --venv --python "$py_version" --color no

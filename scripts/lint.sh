#!/usr/bin/env bash
# Every static check: yamllint, ansible-lint's production profile (.ansible-lint), ruff's
# linter and formatter (pyproject.toml), the changelog fragments, and the role READMEs
# generated from argument_specs. All run; the exit status is non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
export PATH="$PWD/.venv/bin:$PATH"
failed=0
check() {
  echo "--- $*"
  "$@" || { echo "FAILED: $*" >&2; failed=1; }
}
check yamllint --strict .
check ansible-lint --offline
check ruff check --no-cache --output-format concise .
check ruff format --no-cache --check --output-format concise .
check antsibull-changelog lint
check python scripts/role-docs.py --check
exit "$failed"

#!/usr/bin/env bash
# yamllint, then ansible-lint's production profile (configured in .ansible-lint).
set -euo pipefail
cd "$(dirname "$0")/.."
yamllint --strict .
ansible-lint --offline

#!/usr/bin/env bash
# Figures, not assertions: the demo deployed over SSH (scripts/bench-ssh.sh) by another
# revision and by this tree, one after the other on the same image and venv, each into a
# fresh container: whether a change made the daily no-change re-run slower.
# Usage: scripts/bench-versus.sh REV [RERUNS]   (default 3; REV: any git revision)
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: scripts/bench-versus.sh REV [RERUNS]}
reruns=${2:-3}
other=$(mktemp -d)
trap 'git worktree remove --force "$other" >/dev/null 2>&1 || rm -rf "$other"' EXIT
git worktree add --detach --force "$other" "$rev" >/dev/null 2>&1
bash scripts/controller-venv.sh
bash scripts/docker-engine.sh up
bash scripts/build-images.sh bookworm >/dev/null
echo "$rev is $other; this tree is $PWD ($(git describe --always --dirty))"
BENCH_TREE=$other bash scripts/bench-ssh.sh "$reruns"
BENCH_TREE=$PWD bash scripts/bench-ssh.sh "$reruns"

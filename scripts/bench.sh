#!/usr/bin/env bash
# Figures, not assertions: a fresh converge of the demo inventory into a new Debian 12
# container over `docker exec`, then no-change re-runs, the memory the services use,
# serving ratios measured on that container (scripts/bench-serve.py) and 10,000 idle
# keep-alive connections held by nginx (scripts/bench-idle.py); the same deployment over
# SSH (scripts/bench-ssh.sh); then the cluster (scripts/bench-cluster.sh: 1 and 4 app
# hosts). Prints the figures, each with its goal where it has one, and writes them to
# bench.json (BENCH_JSON to write elsewhere).
# Usage: scripts/bench.sh [RERUNS]   (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
reruns=${1:-3}
name=webstack-bench
json=${BENCH_JSON:-$PWD/bench.json}
parts=$(mktemp -d)

bash scripts/controller-venv.sh
bash scripts/docker-engine.sh up
bash scripts/build-images.sh bookworm >/dev/null
docker rm -f "$name" >/dev/null 2>&1 || true
trap 'docker rm -f "$name" >/dev/null 2>&1 || true; rm -rf "$parts"' EXIT
docker run -d --name "$name" --cap-add SYS_ADMIN --cgroupns host -v /sys/fs/cgroup:/sys/fs/cgroup:rw \
  --tmpfs /run --tmpfs /run/lock --tmpfs /tmp webstack-debian:12 >/dev/null

# The demo inventory, pointed at this container.
converge() { ansible-playbook site.yml -i inventories/demo -e ansible_host="$name" "$@"; }
seconds() { local start=$EPOCHREALTIME; "$@" >/tmp/webstack-bench.log 2>&1 || { tail -30 /tmp/webstack-bench.log; exit 1; }
            awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN {printf "%.1f", e - s}'; }
recap() { grep -A1 'PLAY RECAP' /tmp/webstack-bench.log | tail -1 | grep -o 'changed=[0-9]*'; }

fresh=$(seconds converge)
fresh_recap=$(recap)
rows=()
for i in $(seq 1 "$reruns"); do rows+=("$(seconds converge) s ($(recap))"); done
check=$(seconds converge --check)

rss() { docker exec "$name" sh -c "ps -o rss= -C $1 | awk '{s += \$1} END {printf \"%.1f MiB in %d processes\", s / 1024, NR}'"; }
echo
echo "=== webstack.django benchmark (demo inventory, Debian 12 container, $(nproc) cores)"
echo "fresh converge:        $fresh s ($fresh_recap)"
for i in "${!rows[@]}"; do echo "no-change re-run $((i + 1)):    ${rows[$i]}"; done
echo "--check re-run:        $check s"
echo "uWSGI memory (RSS):    $(rss uwsgi)"
echo "nginx memory (RSS):    $(rss nginx)"

# 10,000 idle keep-alive clients on the container's own address: held, dropped, nginx's growth.
address=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$name")
echo -n "idle keep-alive:       "
python scripts/bench-idle.py --host "$address" --connections 10000 --hold 20 --path /static/pages/style.css \
  --memory-command "docker exec $name ps -o rss= -C nginx" --json "$parts/idle.json"
python scripts/bench-serve.py --container "$name" --json "$parts/serve.json"
docker rm -f "$name" >/dev/null

# The same deployment over SSH, in a container of its own.
echo
bash scripts/bench-ssh.sh "$reruns" "$parts/ssh.json"
python - "$json" "$parts" "$fresh" "$check" "${rows[@]}" <<'PY'
import json
import pathlib
import sys

path, parts, fresh, check, *reruns = sys.argv[1:]
figures = {'machine': {'cores': __import__('os').cpu_count()},
           'docker': {'fresh_s': float(fresh), 'rerun_s': [float(r.split()[0]) for r in reruns], 'check_s': float(check)}}
for part in sorted(pathlib.Path(parts).glob('*.json')):
    figures[part.stem] = json.loads(part.read_text())
pathlib.Path(path).write_text(json.dumps(figures, indent=2) + '\n')
PY
echo "figures written to $json"

# The cluster: 1 and 4 app hosts behind one web host, with their own data host.
bash scripts/bench-cluster.sh 1 4

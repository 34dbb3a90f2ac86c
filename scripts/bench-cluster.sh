#!/usr/bin/env bash
# Figures, not assertions: the cluster (one web host, N app hosts, one data host, one Docker
# network, Debian 12) converged fresh and re-run with no change, for each N given.
# Usage: scripts/bench-cluster.sh [N...]   (default: 1 4). Run by scripts/bench.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
if [ $# -gt 0 ]; then sizes=("$@"); else sizes=(1 4); fi
prefix=webstack-bcl
network=$prefix-net
work=$(mktemp -d)

cleanup() {
  local ids
  mapfile -t ids < <(docker ps -aq --filter "name=^$prefix-")
  [ ${#ids[@]} -eq 0 ] || docker rm -f "${ids[@]}" >/dev/null
  docker network rm "$network" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

start() {  # start NAME: a systemd container on the network (NET_ADMIN: the firewall role)
  docker run -d --name "$1" --hostname "$1" --network "$network" --cap-add SYS_ADMIN --cap-add NET_ADMIN \
    --cgroupns host -v /sys/fs/cgroup:/sys/fs/cgroup:rw --tmpfs /run --tmpfs /run/lock --tmpfs /tmp \
    webstack-debian:12 >/dev/null
}

inventory() {  # inventory N: web, app1..appN, data, as in molecule/cluster
  local apps="" i
  for i in $(seq 1 "$1"); do apps+="        $prefix-app$i:"$'\n'; done
  cat > "$work/hosts.yml" <<YAML
webstack:
  children:
    webstack_web: {hosts: {$prefix-web: }}
    webstack_app:
      hosts:
$apps    webstack_db: {hosts: {$prefix-data: }}
    webstack_cache: {hosts: {$prefix-data: }}
  vars:
    ansible_connection: community.docker.docker
    redis_requirepass: bench-not-secret-redis-51c7
    webstack_apps:
      - name: demo
        project: demo_site
        src: $PWD/examples/demo_site
        server_names: [localhost]
        socket: private:8001
        secret_key: bench-not-secret-Qm4vT8yU2iO6pA0sD3fG7hJ1kL5zX9cV4bN8mW2eR6tY0uI3
        database: {password: bench-not-secret-db-0a9e}
        cache: {db: 1}
YAML
}

# Each run's output stays in .cache/bench-cluster-<N>-<fresh|rerun>.log.
mkdir -p .cache
log=""
seconds() { local start=$EPOCHREALTIME; "$@" >"$log" 2>&1 || { tail -30 "$log"; exit 1; }
            awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN {printf "%.1f", e - s}'; }
changed() { grep -A20 'PLAY RECAP' "$log" | grep -o 'changed=[0-9]*' | awk -F= '{s += $2} END {print "changed=" s}'; }
converge() { ansible-playbook site.yml -i "$work/hosts.yml"; }

declare -A fresh rerun
for n in "${sizes[@]}"; do
  cleanup; work=$(mktemp -d)
  docker network create "$network" >/dev/null
  for name in web data $(seq -f 'app%g' 1 "$n"); do start "$prefix-$name"; done
  inventory "$n"
  log=.cache/bench-cluster-$n-fresh.log
  fresh[$n]="$(seconds converge) s ($(changed))"
  log=.cache/bench-cluster-$n-rerun.log
  rerun[$n]="$(seconds converge) s ($(changed))"
done

echo
echo "=== cluster converge (1 web, N app, 1 data host; Debian 12 containers; $(nproc) cores)"
for n in "${sizes[@]}"; do
  printf '%d app host(s): fresh %s, no-change re-run %s\n' "$n" "${fresh[$n]}" "${rerun[$n]}"
done
if [ -n "${fresh[1]:-}" ] && [ -n "${fresh[4]:-}" ]; then
  awk -v a="${fresh[1]%% *}" -v b="${fresh[4]%% *}" \
    'BEGIN {r = b / a; printf "4 app hosts / 1, fresh: %.2fx (goal <= 1.5x: %s)\n", r, r <= 1.5 ? "met" : "NOT met"}'
fi

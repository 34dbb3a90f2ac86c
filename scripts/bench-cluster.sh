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
changed() { grep -A20 'PLAY RECAP' "$log" | grep -o 'changed=[0-9]*' | awk -F= '{s += $2} END {print "changed=" s}'; }
# CPU seconds used so far by the bench's containers (cgroup v1 cpuacct, or v2 cpu.stat), and
# by this shell's finished children (ansible-playbook and the docker clients it runs).
hosts_cpu() {
  local id file total=0
  for id in $(docker ps -q --no-trunc --filter "name=^$prefix-"); do
    for file in /sys/fs/cgroup/cpuacct/docker/"$id"/cpuacct.usage /sys/fs/cgroup/docker/"$id"/cpu.stat \
                /sys/fs/cgroup/system.slice/docker-"$id".scope/cpu.stat ""; do [ -z "$file" ] || [ -r "$file" ] && break; done
    [ -n "$file" ] || { echo nan; return; }
    total=$(awk -v t="$total" '/usage_usec/ {t += $2 / 1e6} NF == 1 {t += $1 / 1e9} END {printf "%.3f", t}' "$file")
  done
  echo "$total"
}
# (`times` runs in this shell: a subshell starts its children's count from zero.)
children_seconds() { awk 'NR == 2 {for (i = 1; i <= 2; i++) {split($i, p, /[ms]/); t += p[1] * 60 + p[2]}} END {printf "%.3f", t}' "$1"; }
# measure KEY: a converge into $log; sets wall[KEY] and cpu[KEY] ("controller hosts" seconds).
declare -A wall cpu
measure() {
  local start=$EPOCHREALTIME hosts_before
  hosts_before=$(hosts_cpu); times >"$work/times-before"
  converge >"$log" 2>&1 || { tail -30 "$log"; exit 1; }
  times >"$work/times-after"
  wall[$1]=$(awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN {printf "%.1f", e - s}')
  cpu[$1]="$(awk -v a="$(children_seconds "$work/times-before")" -v b="$(children_seconds "$work/times-after")" 'BEGIN {printf "%.1f", b - a}')"
  cpu[$1]+=" $(awk -v a="$hosts_before" -v b="$(hosts_cpu)" 'BEGIN {printf "%.1f", b - a}')"
  wall[$1]+=" s ($(changed); CPU: controller ${cpu[$1]% *} s, hosts ${cpu[$1]#* } s)"
}
converge() { ansible-playbook site.yml -i "$work/hosts.yml"; }

for n in "${sizes[@]}"; do
  cleanup; work=$(mktemp -d)
  docker network create "$network" >/dev/null
  for name in web data $(seq -f 'app%g' 1 "$n"); do start "$prefix-$name"; done
  inventory "$n"
  log=.cache/bench-cluster-$n-fresh.log
  measure "$n-fresh"
  log=.cache/bench-cluster-$n-rerun.log
  measure "$n-rerun"
done

echo
echo "=== cluster converge (1 web, N app, 1 data host; Debian 12 containers; $(nproc) cores)"
for n in "${sizes[@]}"; do
  printf '%d app host(s): fresh %s\n%d app host(s): no-change re-run %s\n' "$n" "${wall[$n-fresh]}" "$n" "${wall[$n-rerun]}"
done
# All hosts share this machine's cores: where the CPU a run needs, divided by the cores,
# comes near its wall time, more hosts can only take longer here (on hosts of their own
# the app hosts' work would run side by side).
if [ -n "${wall[1-fresh]:-}" ] && [ -n "${wall[4-fresh]:-}" ]; then
  awk -v a="${wall[1-fresh]%% *}" -v b="${wall[4-fresh]%% *}" -v ca="${cpu[1-fresh]}" -v cb="${cpu[4-fresh]}" -v cores="$(nproc)" '
    BEGIN {
      split(ca, x, " "); split(cb, y, " "); r = b / a
      printf "4 app hosts / 1, fresh: %.2fx (goal <= 1.5x: %s); CPU used %.2fx; CPU / %d cores: %.0f%% of the wall time with 1, %.0f%% with 4\n",
        r, r <= 1.5 ? "met" : "NOT met", (y[1] + y[2]) / (x[1] + x[2]), cores, 100 * (x[1] + x[2]) / cores / a, 100 * (y[1] + y[2]) / cores / b
    }'
fi

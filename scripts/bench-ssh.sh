#!/usr/bin/env bash
# Figures, not assertions: the demo inventory deployed over SSH, the transport users have
# (pipelining and ControlPersist, a key made for this run), into a fresh Debian 12
# container: a fresh converge, no-change re-runs, the remote module executions of the last
# re-run (counted from the host's journal, where every module logs its start), and the
# floor: a playbook of that many `ansible.builtin.ping` tasks over the same connection,
# which is what that many checks cost before any of them does work. Then the same re-run
# under Mitogen's strategy (PyPI `mitogen`, in a venv of its own under .cache/).
# Usage: scripts/bench-ssh.sh [RERUNS] [JSON]   (default 3; JSON: also write the figures there)
# BENCH_TREE=DIR runs DIR's site.yml and demo inventory instead of this tree's (with this
# tree's venv), and only the converges: scripts/bench-versus.sh compares two revisions so.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
reruns=${1:-3}
json=${2:-}
tree=${BENCH_TREE:-$PWD}
name=webstack-bench-ssh
mitogen_version=0.3.54
work=$(mktemp -d)
cleanup() { docker rm -f "$name" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

docker rm -f "$name" >/dev/null 2>&1 || true
docker run -d --name "$name" --hostname webstack-demo --cap-add SYS_ADMIN --cgroupns host \
  -v /sys/fs/cgroup:/sys/fs/cgroup:rw --tmpfs /run --tmpfs /run/lock --tmpfs /tmp webstack-debian:12 >/dev/null
ssh-keygen -q -t ed25519 -N '' -C webstack-bench -f "$work/key"
docker exec "$name" install -d -m 0700 /root/.ssh
docker cp "$work/key.pub" "$name:/root/.ssh/authorized_keys"
docker exec "$name" sh -c 'chown root:root /root/.ssh/authorized_keys && chmod 0600 /root/.ssh/authorized_keys && systemctl start ssh'
address=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$name")

# A second inventory source that only turns the demo host into an SSH host: the demo's own
# (first) source keeps inventory_dir, from which the app's code is found.
cat > "$work/ssh.yml" <<YAML
all:
  hosts:
    webstack-demo:
      ansible_connection: ansible.builtin.ssh
      ansible_host: $address
      ansible_user: root
      ansible_ssh_private_key_file: $work/key
      ansible_ssh_common_args: >-
        -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR
        -o ControlMaster=auto -o ControlPersist=120s -o ControlPath=$work/cm-%C
YAML
for _ in $(seq 1 20); do ssh -q -i "$work/key" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes \
  "root@$address" true 2>/dev/null && break; sleep 0.5; done

log=$work/run.log
seconds() {  # seconds COMMAND...: its wall time; its output in $log
  local start=$EPOCHREALTIME
  "$@" >"$log" 2>&1 || { tail -30 "$log" >&2; exit 1; }
  awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN {printf "%.1f", e - s}'
}
recap() { grep -A1 'PLAY RECAP' "$log" | tail -1 | grep -o 'changed=[0-9]*'; }
converge() { (cd "$tree" && ansible-playbook site.yml -i inventories/demo -i "$work/ssh.yml" "$@"); }
executions() {  # module executions on the host since the given journal cursor
  docker exec "$name" journalctl --after-cursor="$1" -o cat | grep -c 'Invoked with' || true
}
cursor() { docker exec "$name" journalctl -n 0 --show-cursor -q | sed -n 's/^-- cursor: //p'; }

fresh=$(seconds converge)
fresh_recap=$(recap)
runs=()
for _ in $(seq 1 "$reruns"); do
  mark=$(cursor)
  runs+=("$(seconds converge)")
  rerun_recap=$(recap)
  count=$(executions "$mark")
done
if [ -n "${BENCH_TREE:-}" ]; then
  echo "$tree over SSH: fresh converge $fresh s ($fresh_recap), no-change re-runs ${runs[*]} s ($rerun_recap), $count remote executions"
  exit 0
fi

# The floor: as many remote executions, each doing nothing, over the same connection.
{ echo '- name: As many remote executions as the re-run, each doing nothing'
  echo '  hosts: webstack-demo'
  echo '  gather_facts: false'
  echo '  tasks:'
  for i in $(seq 1 "$count"); do echo "    - {name: ping $i, ansible.builtin.ping: }"; done
} > "$work/floor.yml"
floor=$(seconds ansible-playbook "$work/floor.yml" -i inventories/demo -i "$work/ssh.yml")

# Mitogen: its strategy over the same connection, from a venv of its own.
mitogen_venv=.cache/mitogen-$mitogen_version
if [ ! -x "$mitogen_venv/bin/ansible-playbook" ]; then
  python -m venv "$mitogen_venv"
  "$mitogen_venv/bin/pip" install -q "mitogen==$mitogen_version" \
    "$(grep -E '^ansible-core==' requirements-dev.txt)" >/dev/null 2>&1
fi
strategy_dir=$("$mitogen_venv/bin/python" -c 'import ansible_mitogen, os; print(os.path.dirname(ansible_mitogen.__file__))')/plugins/strategy
collections=$(python -c 'import ansible_collections, os; print(os.path.dirname(ansible_collections.__path__[0]))')
mitogen=$(ANSIBLE_STRATEGY_PLUGINS=$strategy_dir ANSIBLE_STRATEGY=mitogen_linear \
  ANSIBLE_COLLECTIONS_PATH="$PWD/.collections:$collections" PATH="$PWD/$mitogen_venv/bin:$PATH" seconds converge)
mitogen_recap=$(recap)

best=$(printf '%s\n' "${runs[@]}" | sort -n | head -1)
verdict() { awk -v v="$1" -v g="$2" 'BEGIN {print (v <= g ? "met" : "not met")}'; }
echo "over SSH (pipelining, ControlPersist), demo inventory, one Debian 12 container:"
echo "  fresh converge:        $fresh s ($fresh_recap)    goal <= 50 s: $(verdict "$fresh" 50)"
echo "  no-change re-runs:     ${runs[*]} s ($rerun_recap)    goal <= 10 s: $(verdict "$best" 10)"
echo "  remote executions:     $count in the last re-run"
echo "  floor:                 $floor s for $count remote executions doing nothing; re-run / floor = $(awk -v r="$best" -v f="$floor" 'BEGIN {printf "%.2f", r / f}') (goal <= 1.5: $(awk -v r="$best" -v f="$floor" 'BEGIN {print (r <= 1.5 * f ? "met" : "not met")}'))"
echo "  Mitogen $mitogen_version re-run:   $mitogen s ($mitogen_recap; its mitogen_linear strategy)"
if [ -n "$json" ]; then
  python - "$json" "$fresh" "$best" "$count" "$floor" "$mitogen" "${runs[@]}" <<'PY'
import json
import sys

path, fresh, best, count, floor, mitogen, *runs = sys.argv[1:]
json.dump({'ssh': {'fresh_s': float(fresh), 'rerun_s': [float(r) for r in runs], 'best_rerun_s': float(best),
                   'remote_executions': int(count), 'floor_s': float(floor), 'mitogen_rerun_s': float(mitogen),
                   'goals': {'fresh_s': 50, 'rerun_s': 10, 'rerun_over_floor': 1.5}}}, open(path, 'w'), indent=2)
PY
fi

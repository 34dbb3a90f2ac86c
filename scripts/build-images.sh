#!/usr/bin/env bash
# Build the Debian test images with systemd as PID 1 from debootstrap (no registry is reachable).
# Usage: build-images.sh [SUITE...]   (bookworm = Debian 12, trixie = Debian 13; default: both)
# An image is rebuilt only when the build function below or images/ change (label
# webstack.recipe; `declare -f` drops comments, so editing a comment rebuilds nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
# The archive this machine's own apt uses (no host name is written into the repository).
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list)

build() {
local suite=$1 tag rootfs
case "$suite" in
  bookworm) tag=webstack-debian:12 ;;
  trixie) tag=webstack-debian:13 ;;
  *) echo "unknown suite $suite" >&2; return 2 ;;
esac
if [ "$(docker image inspect -f '{{index .Config.Labels "webstack.recipe"}}' "$tag" 2>/dev/null)" = "$recipe" ]; then
  echo "$tag is up to date"; return 0
fi
if ! command -v debootstrap >/dev/null; then
  echo "error: $tag needs building and debootstrap is missing; run \`make setup\` (scripts/setup-host.sh installs it)." >&2
  return 1
fi
rootfs=$(mktemp -d /var/tmp/webstack-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' RETURN
debootstrap --variant=minbase \
  --include=systemd,systemd-sysv,dbus,python3,python3-apt,sudo,ca-certificates,iproute2,procps,curl,openssh-server \
  "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || { tail -20 "$rootfs.log" >&2; return 1; }
rm -f "$rootfs.log"

# Units that fight a container: consoles, udev, and apt timers that take the dpkg lock mid-converge.
# sshd is there for `make bench` (scripts/bench-ssh.sh starts it with a key made per run), off
# otherwise.
rm -f "$rootfs"/etc/systemd/system/getty.target.wants/* \
      "$rootfs"/etc/systemd/system/multi-user.target.wants/ssh.service "$rootfs"/etc/systemd/system/sshd.service \
      "$rootfs"/etc/systemd/system/sockets.target.wants/ssh.socket \
      "$rootfs"/etc/systemd/system/timers.target.wants/apt-daily* \
      "$rootfs"/lib/systemd/system/systemd-udev* "$rootfs"/lib/systemd/system/*udev*.socket \
      "$rootfs"/lib/systemd/system/sockets.target.wants/*udev* \
      "$rootfs"/lib/systemd/system/sysinit.target.wants/systemd-udev*
: > "$rootfs/etc/machine-id"
# Empty apt lists dated 1970, so `cache_valid_time` refreshes them on first use.
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin
touch -d @0 "$rootfs/var/lib/apt/lists"
# The sandbox's TLS goes through a local certificate authority; pip in the containers needs it.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
  chroot "$rootfs" update-ca-certificates >/dev/null 2>&1
fi
# Services with PrivateUsers=yes (Debian's redis-server) fail in an unprivileged container.
# Test image only: the roles themselves carry no such workaround.
mkdir -p "$rootfs/etc/systemd/system/service.d"
printf '[Service]\nPrivateUsers=no\n' > "$rootfs/etc/systemd/system/service.d/zz-container.conf"

base="$tag-rootfs"
tar -C "$rootfs" -c . | docker import - "$base" >/dev/null
docker build -q --build-arg BASE="$base" --label webstack.recipe="$recipe" -t "$tag" images >/dev/null 2>"$rootfs.log" || { cat "$rootfs.log" >&2; return 1; }
  rm -f "$rootfs.log"
docker rmi "$base" >/dev/null
echo "built $tag"
}

recipe=$(declare -f build | cat - images/* | sha256sum | cut -c1-16)
[ $# -gt 0 ] || set -- bookworm trixie
pids=()
for suite in "$@"; do build "$suite" & pids+=($!); done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
exit $status

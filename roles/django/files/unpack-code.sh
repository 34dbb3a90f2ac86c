#!/bin/sh
# Usage: unpack-code.sh ARCHIVE DIR
# Extracts ARCHIVE over DIR in place (root-owned, world-readable), then removes what
# the archive no longer contains, so DIR ends up exactly the archived tree.
set -eu
archive=$1
dir=$2
mkdir -p "$dir"
cd "$dir"
umask 022
tar --extract --gzip --file="$archive" --no-same-owner --no-same-permissions
tar --list --gzip --file="$archive" | sed -e 's#^\./##' -e 's#/$##' -e '/^\.\{0,1\}$/d' | sort > /tmp/webstack-unpack.$$.keep
find . -mindepth 1 | sed 's#^\./##' | sort | comm -23 - /tmp/webstack-unpack.$$.keep | while IFS= read -r stale; do
    rm -rf -- "$stale"
done
rm -f /tmp/webstack-unpack.$$.keep

#!/usr/bin/env bash
# Debian bookworm (debootstrap, minbase, ca-certificates) as a root filesystem tarball in $CACHE_DIR, made
# once: the base of every image built here, since no registry may be reachable. Prints the tarball's path.
set -euo pipefail
CACHE_DIR=${TINYCONDOR_DOCKER_CACHE:-/var/cache/tinycondor-docker}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$CACHE_DIR"
rootfs_tar="$CACHE_DIR/bookworm-minbase.tar"
if [ ! -s "$rootfs_tar" ]; then
  echo "docker-base: debootstrap bookworm (minbase) into $CACHE_DIR ..." >&2
  rm -rf "$CACHE_DIR/rootfs.partial"
  debootstrap --variant=minbase --include=ca-certificates bookworm "$CACHE_DIR/rootfs.partial" "$MIRROR" >"$CACHE_DIR/debootstrap.log" 2>&1 \
    || { tail -20 "$CACHE_DIR/debootstrap.log" >&2; exit 1; }
  rm -rf "$CACHE_DIR/rootfs.partial/var/cache/apt/archives/"*.deb "$CACHE_DIR/rootfs.partial/var/lib/apt/lists/"*
  tar -C "$CACHE_DIR/rootfs.partial" -cf "$rootfs_tar.tmp" . && mv "$rootfs_tar.tmp" "$rootfs_tar"
  rm -rf "$CACHE_DIR/rootfs.partial"
fi
echo "$rootfs_tar"

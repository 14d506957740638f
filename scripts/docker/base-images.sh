#!/usr/bin/env bash
# Builds stand-ins for the Dockerfile's base images where no registry can be reached: Debian bookworm
# (debootstrap, minbase) plus this machine's node, npm, node headers and CA bundle, tagged node:20-bookworm-slim,
# and the same with a C++ toolchain (for better-sqlite3 when no prebuilt binary can be downloaded),
# tagged node:20-bookworm. The root filesystem is cached in $CACHE_DIR (debootstrap takes minutes).
set -euo pipefail
CACHE_DIR=${TINYCONDOR_DOCKER_CACHE:-/var/cache/tinycondor-docker}
RUNTIME_TAG=${BASE_IMAGE:-node:20-bookworm-slim}
BUILD_TAG=${BUILD_IMAGE:-node:20-bookworm}
here=$(cd "$(dirname "$0")" && pwd)

rootfs_tar=$("$here/minbase.sh")

if ! docker image inspect "$RUNTIME_TAG" >/dev/null 2>&1; then
  node_bin=$(readlink -f "$(command -v node)")
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  node_prefix=$(dirname "$(dirname "$node_bin")")
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/usr/local/bin" "$work/usr/local/lib/node_modules" "$work/usr/local/include"
  cp "$node_bin" "$work/usr/local/bin/node"
  cp -a "$npm_dir" "$work/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/usr/local/bin/npx"
  if [ -d "$node_prefix/include/node" ]; then cp -a "$node_prefix/include/node" "$work/usr/local/include/node"; fi
  # This machine's trust store, so that npm and apt inside builds trust what the host trusts.
  if [ -s /etc/ssl/certs/ca-certificates.crt ]; then
    mkdir -p "$work/etc/ssl/certs"
    cp /etc/ssl/certs/ca-certificates.crt "$work/etc/ssl/certs/ca-certificates.crt"
  else
    tar -C "$work" -xf "$rootfs_tar" ./etc/ssl/certs/ca-certificates.crt
  fi
  docker image inspect tinycondor-base/bookworm-minbase >/dev/null 2>&1 || docker import "$rootfs_tar" tinycondor-base/bookworm-minbase >/dev/null
  cp "$here/runtime-base.Dockerfile" "$work/Dockerfile"
  docker build --network none -t "$RUNTIME_TAG" "$work" >/dev/null
  echo "docker-base: $RUNTIME_TAG built from debootstrap + $("$node_bin" --version)"
fi

if ! docker image inspect "$BUILD_TAG" >/dev/null 2>&1; then
  docker build --network host --build-arg BASE="$RUNTIME_TAG" -t "$BUILD_TAG" -f "$here/build-base.Dockerfile" "$here" >/dev/null
  echo "docker-base: $BUILD_TAG built ($RUNTIME_TAG + g++, make, python3)"
fi

#!/usr/bin/env bash
# Builds stand-ins for the images docker-compose.yml and the Dockerfile name, from Debian packages, on a machine
# that cannot pull from a registry (CI here). Each image carries a label with a hash of what it was built from;
# an image whose label matches is kept, so a second run without changes only hashes a few files.
#
#   deploy/standins/build.sh            build what is missing or stale, print one line per image
#   STANDIN_CACHE=/dir                  where the debootstrapped root file system is kept (default below)
#
# Needs root, debootstrap and a running Docker daemon. Every build step uses the host's network (the daemon
# here runs without a bridge), and reaches only Debian's mirror.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${STANDIN_CACHE:-/var/cache/parley-standins}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
label=org.parley.standin.hash
export DOCKER_BUILDKIT=0 # Debian's daemon has no BuildKit front end here; the legacy builder does all we need

log() { printf 'standins: %s\n' "$*" >&2; }

# sha256 of the arguments' contents: files by content, directories file by file (path and content).
hash_inputs() {
  local item
  for item in "$@"; do
    if [[ -d $item ]]; then
      (cd "$item" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    elif [[ -f $item ]]; then
      sha256sum <"$item"
    else
      printf '%s\n' "$item"
    fi
  done | sha256sum | cut -c1-32
}

is_current() { # image, hash
  [[ $(docker image inspect -f "{{ index .Config.Labels \"$label\" }}" "$1" 2>/dev/null || true) == "$2" ]]
}

# A minimal Debian root file system, imported as an image that the other stand-ins start from.
build_base() {
  local hash tag rootfs
  hash=$(hash_inputs "$(sed -n '/^build_base()/,/^}/p' "$here/build.sh")" "$mirror" "$(debootstrap --version)")
  tag="parley-standin/debian:$suite-$hash"
  if docker image inspect "$tag" >/dev/null 2>&1; then
    echo "$tag"
    return
  fi
  rootfs="$cache/rootfs-$hash"
  rm -rf "$rootfs"
  mkdir -p "$cache"
  log "debootstrap $suite (minbase) into $rootfs"
  debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$cache/debootstrap-$hash.log" 2>&1 ||
    { tail -20 "$cache/debootstrap-$hash.log" >&2; return 1; }
  # as in Debian's own images: services are not started by package scripts, no recommends, no caches
  printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
  chmod 755 "$rootfs/usr/sbin/policy-rc.d"
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$rootfs/etc/apt/apt.conf.d/90parley-standin"
  # and, as Debian's -slim images, no manuals, documentation or translations (now or in later installs)
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
    'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' 'path-exclude /usr/share/locale/*' \
    'path-include /usr/share/locale/locale.alias' >"$rootfs/etc/dpkg/dpkg.cfg.d/90parley-standin"
  find "$rootfs/usr/share/doc" -mindepth 2 -not -name copyright -not -type d -delete
  rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/var/cache/apt/archives/*.deb \
    "$rootfs"/var/lib/apt/lists/*
  find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  tar -C "$rootfs" -c . | docker import --change 'CMD ["bash"]' - "$tag" >/dev/null
  rm -rf "$rootfs"
  echo "$tag"
}

# build_image TAG HASH DOCKER-BUILD-ARGS...
build_image() {
  local tag=$1 hash=$2
  shift 2
  if is_current "$tag" "$hash"; then
    log "$tag is current ($hash)"
    return
  fi
  log "building $tag ($hash)"
  local output="$cache/build-${tag//[:\/]/-}.log" previous
  previous=$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)
  mkdir -p "$cache"
  docker build --network host --label "$label=$hash" -t "$tag" "$@" >"$output" 2>&1 ||
    { tail -30 "$output" >&2; log "building $tag failed (log: $output)"; return 1; }
  # the image this tag named before is nobody's now (unless a container or another tag still uses it)
  if [[ -n $previous ]]; then docker rmi "$previous" >/dev/null 2>&1 || true; fi
}

# Node: this machine's own Node 20 and npm (Debian's nodejs is 18, older than Parley needs), laid out as in the
# official image (/usr/local, user `node` with uid 1000). The builder image (`node:20-bookworm`) also gets
# compilers for native modules, Node's headers, and this machine's CA bundle for npm (the registry is reached
# through a proxy whose certificate the official image would not know).
build_node() {
  local base=$1 node npm_dir context hash
  node=$(readlink -f "$(command -v node)")
  npm_dir=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)
  hash=$(hash_inputs "$base" "$here/node" "$node" "$npm_dir/package.json" /etc/ssl/certs/ca-certificates.crt)
  if is_current node:20-bookworm-slim "$hash" && is_current node:20-bookworm "$hash"; then
    log "node:20-bookworm[-slim] are current ($hash)"
    return
  fi
  context=$(mktemp -d)
  trap 'rm -rf "$context"; trap - RETURN' RETURN
  cp "$here/node/Dockerfile" "$context/"
  cp "$node" "$context/node"
  cp -a "$npm_dir" "$context/npm"
  cp -a "$(dirname "$(dirname "$node")")/include/node" "$context/include"
  cp /etc/ssl/certs/ca-certificates.crt "$context/ca-certificates.crt"
  build_image node:20-bookworm-slim "$hash" --build-arg "BASE=$base" --target slim "$context"
  build_image node:20-bookworm "$hash" --build-arg "BASE=$base" --target builder "$context"
}

main() {
  command -v debootstrap >/dev/null || { log "debootstrap is missing (apt-get install debootstrap)"; exit 1; }
  docker info >/dev/null 2>&1 || { log "the Docker daemon does not answer"; exit 1; }
  local base
  base=$(build_base)
  build_node "$base"
  local name tag
  for name in mysql redis nginx; do
    tag=$(sed -n 's/^# tag: //p' "$here/$name/Dockerfile")
    build_image "$tag" "$(hash_inputs "$base" "$here/$name")" --build-arg "BASE=$base" "$here/$name"
  done
  # base images of earlier versions of this script, once no stand-in is built on them any more
  docker image ls --format '{{.Repository}}:{{.Tag}}' parley-standin/debian | grep -vxF "$base" |
    xargs -r docker rmi >/dev/null 2>&1 || true
}

main "$@"

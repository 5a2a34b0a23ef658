#!/usr/bin/env bash
# Builds every image the deploy test runs, on the Docker engine DOCKER_HOST (or the local socket)
# points at, without any image registry:
#   - stand-ins for node:20-bookworm-slim / node:20-bookworm made from Debian (debootstrap) and
#     this machine's Node 20, so the project's Dockerfiles build exactly as users run them;
#   - stand-ins for the peers: Audiobookshelf 2.36.0 and abs-opds 2.0.2 built from their upstream
#     source archives (<repo>/../shared/peers), Syncthing and busybox from Debian's packages, and a
#     container that only holds the network namespace where the Tailscale sidecar would run.
# An image is reused while the hash of its inputs (label org.shelfstack.inputs) is unchanged.
# Prints one line per image: built or reused, and whether it is a stand-in.
# usage: test/deploy/images.sh [--print-tags]
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$REPO/test/deploy"
CACHE=${SHELFSTACK_DEPLOY_CACHE:-/var/cache/shelfstack-deploy}
DOCKER=${DOCKER:-/usr/bin/docker}
NPM_VERSION=10.8.2
# Node's own bundle when the environment names one (a TLS-intercepting proxy's CA), else Debian's.
CA_BUNDLE=${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}
PREFIX=localhost/shelfstack-stand-in

# The local tags, one place: the deploy test's stack.yaml points its `images:` at these.
declare -A TAG=(
  [slim]=node:20-bookworm-slim
  [full]=node:20-bookworm
  [audiobookshelf]=$PREFIX/audiobookshelf:2.36.0
  [absOpds]=$PREFIX/abs-opds:2.0.2
  [syncthing]=$PREFIX/syncthing:debian-bookworm
  [busybox]=$PREFIX/busybox:debian-bookworm
  [tailscale]=$PREFIX/netns-holder:1
)
if [ "${1:-}" = --print-tags ]; then
  for k in "${!TAG[@]}"; do echo "$k=${TAG[$k]}"; done | sort
  exit 0
fi

# The peers' source archives sit in ../shared beside the clone; from a git worktree, beside the
# main checkout.
find_peers() {
  local common
  for dir in "${SHELFSTACK_PEERS:-}" "$REPO/../shared/peers"; do
    [ -n "$dir" ] && [ -f "$dir/audiobookshelf-2.36.0-server.tar.gz" ] && { (cd "$dir" && pwd); return; }
  done
  common=$(git -C "$REPO" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
  if [ -n "$common" ] && [ -f "$common/../../shared/peers/audiobookshelf-2.36.0-server.tar.gz" ]; then
    (cd "$common/../../shared/peers" && pwd); return
  fi
  echo "images.sh: the peers' source archives are missing: expected $REPO/../shared/peers (or set SHELFSTACK_PEERS)" >&2
  exit 1
}
PEERS=$(find_peers)

label_of() { "$DOCKER" image inspect -f '{{index .Config.Labels "org.shelfstack.inputs"}}' "$1" 2>/dev/null || true; }
hash_of() { cat "$@" | sha256sum | cut -c1-16; }
say() { printf 'images: %-48s %s\n' "$1" "$2"; }

# build <key> <inputs hash> <what it stands in for> <docker build args...>
build() {
  local key=$1 inputs=$2 what=$3
  shift 3
  local tag=${TAG[$key]}
  if [ "$(label_of "$tag")" = "$inputs" ]; then
    say "$tag" "reused ($what)"
    return
  fi
  local start=$SECONDS
  "$DOCKER" build -q --network host --label "org.shelfstack.inputs=$inputs" --label "org.shelfstack.stand-in=$what" -t "$tag" "$@" >/dev/null
  say "$tag" "built in $((SECONDS - start)) s ($what)"
}

# --- node:20-bookworm-slim: debootstrap + this machine's node + npm 10.8.2 + the CA bundle ---------
npm_tgz="$CACHE/npm-$NPM_VERSION.tgz"
mkdir -p "$CACHE"
[ -f "$npm_tgz" ] || (cd "$CACHE" && npm pack --silent "npm@$NPM_VERSION" >/dev/null)
node_bin=$(readlink -f "$(command -v node)")
slim_inputs=$(printf '%s %s %s %s' "$(sha256sum <"$node_bin")" "$(sha256sum <"$npm_tgz")" "$(sha256sum <"$CA_BUNDLE")" "$(sha256sum <"$0")" | sha256sum | cut -c1-16)
if [ "$(label_of "${TAG[slim]}")" = "$slim_inputs" ]; then
  say "${TAG[slim]}" "reused (STAND-IN: Debian bookworm minbase + this machine's node $(node --version))"
else
  start=$SECONDS
  rootfs="$CACHE/rootfs-bookworm"
  if [ ! -f "$rootfs/.complete" ]; then
    rm -rf "$rootfs"
    mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
    debootstrap --variant=minbase bookworm "$rootfs" "${mirror:-http://deb.debian.org/debian}" >"$CACHE/debootstrap.log" 2>&1 \
      || { tail -20 "$CACHE/debootstrap.log" >&2; exit 1; }
    touch "$rootfs/.complete"
  fi
  stage=$(mktemp -d "$CACHE/stage.XXXXXX")
  trap 'rm -rf "$stage"' EXIT
  cp -a "$rootfs/." "$stage/"
  rm -f "$stage/.complete"
  # The same Debian mirror and suites as this machine (updates and security included).
  if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
    rm -f "$stage/etc/apt/sources.list"
    cp /etc/apt/sources.list.d/*.sources "$stage/etc/apt/sources.list.d/"
  fi
  # As the official Debian images do: no .deb kept after apt-get install, no translations.
  printf '%s\n' 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };' \
    'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };' \
    'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";' >"$stage/etc/apt/apt.conf.d/docker-clean"
  echo 'Acquire::Languages "none";' >"$stage/etc/apt/apt.conf.d/docker-no-languages"
  install -m 0755 "$node_bin" "$stage/usr/local/bin/node"
  mkdir -p "$stage/usr/local/lib/node_modules/npm"
  tar -xzf "$npm_tgz" -C "$stage/usr/local/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$stage/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$stage/usr/local/bin/npx"
  install -D -m 0644 "$CA_BUNDLE" "$stage/usr/local/share/shelfstack-stand-in/ca-bundle.crt"
  chroot "$stage" /bin/sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
  rm -rf "$stage"/var/lib/apt/lists/* "$stage"/var/cache/apt/*.bin
  tar -C "$stage" -c . | "$DOCKER" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=$(node --version | cut -c2-)" \
    --change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/shelfstack-stand-in/ca-bundle.crt' \
    --change 'ENV npm_config_cafile=/usr/local/share/shelfstack-stand-in/ca-bundle.crt' \
    --change "LABEL org.shelfstack.inputs=$slim_inputs" \
    --change 'LABEL org.shelfstack.stand-in="node:20-bookworm-slim stand-in: Debian bookworm minbase + the host node binary"' \
    --change 'CMD ["node"]' - "${TAG[slim]}" >/dev/null
  rm -rf "$stage"
  trap - EXIT
  say "${TAG[slim]}" "built in $((SECONDS - start)) s (STAND-IN: Debian bookworm minbase + this machine's node $(node --version))"
fi

# --- node:20-bookworm: the slim stand-in + the toolchain native modules compile with ------------
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp "$HERE/stand-ins/node-full/Dockerfile" "$ctx/"
node_include=$(dirname "$node_bin")/../include/node
cp -a "$node_include" "$ctx/node-include"
build full "$(hash_of "$ctx/Dockerfile" <(echo "$slim_inputs"))" "STAND-IN for node:20-bookworm" "$ctx"
rm -rf "$ctx"

# --- the peers ------------------------------------------------------------------------------------
peer() {
  local key=$1 archive=$2 what=$3
  ctx=$(mktemp -d)
  cp "$HERE/stand-ins/$key/Dockerfile" "$ctx/"
  [ -n "$archive" ] && cp "$PEERS/$archive" "$ctx/source.tar.gz"
  build "$key" "$(hash_of "$ctx"/* <(echo "$slim_inputs"))" "$what" "$ctx"
  rm -rf "$ctx"
}
peer audiobookshelf audiobookshelf-2.36.0-server.tar.gz "STAND-IN for ghcr.io/advplyr/audiobookshelf:2.36.0, built from its source archive"
peer absOpds abs-opds-2.0.2.tar.gz "STAND-IN for ghcr.io/vito0912/abs-opds:2.0.2, built from its source archive"
peer syncthing "" "STAND-IN for syncthing/syncthing:1.30.0: Debian's syncthing package"
peer busybox "" "STAND-IN for busybox:1.36.1: Debian's busybox package"
peer tailscale "" "STAND-IN for the Tailscale sidecar: holds the network namespace only (no tailnet here)"
trap - EXIT

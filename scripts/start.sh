#!/usr/bin/env bash
# Installs what Pilothouse needs and starts the portal on its embedded
# defaults (SQLite under data/, guest sign-in), printing its URL.
# Extra arguments are passed on: ./scripts/start.sh --config my.yaml
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$PILOTHOUSE_ROOT"

configs=(--config "$PILOTHOUSE_ROOT/app-config.yaml")
while [ $# -gt 0 ]; do
  case "$1" in
    --config) configs+=(--config "$(realpath "$2")"); shift 2 ;;
    *) echo "start.sh: unknown argument '$1' (only --config FILE is accepted)" >&2; exit 2 ;;
  esac
done

pilothouse_install
# The assistant's offline speech engine for voice input; the portal runs
# without it (the microphone button then says why), so this never stops start-up.
if ! command -v pocketsphinx_continuous >/dev/null ||
  [ ! -f /usr/share/pocketsphinx/model/en-us/en-us.lm.bin ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian packages for voice input: pocketsphinx pocketsphinx-en-us" >&2
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        pocketsphinx pocketsphinx-en-us >/dev/null; } ||
      echo "start.sh: could not install pocketsphinx; voice input stays off" >&2
  else
    echo "start.sh: voice input needs pocketsphinx (Debian: sudo apt-get install pocketsphinx pocketsphinx-en-us)" >&2
  fi
fi
# Log shippers (and the sandbox's made-up application logs) send to log
# search with a static token (backend.auth.externalAccess, restricted to the
# log-search plugin). On a laptop it is made once, kept under data/, and read
# by no other plugin; production sets LOG_SEARCH_INGEST_TOKEN instead.
mkdir -p "$PILOTHOUSE_ROOT/data/log-search"
ingest_token_file="$PILOTHOUSE_ROOT/data/log-search/ingest-token"
if [ ! -s "$ingest_token_file" ]; then
  (umask 077; node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("base64url"))' > "$ingest_token_file")
fi
export LOG_SEARCH_INGEST_TOKEN="${LOG_SEARCH_INGEST_TOKEN:-$(cat "$ingest_token_file")}"
cat > "$PILOTHOUSE_ROOT/data/log-search/app-config.ingest.yaml" <<'YAML'
# Written by scripts/start.sh: the laptop's log ingest token (see data/log-search/ingest-token).
backend:
  auth:
    externalAccess:
      - type: static
        options:
          token: ${LOG_SEARCH_INGEST_TOKEN}
          subject: log-shippers
        accessRestrictions:
          - plugin: log-search
YAML
configs=(--config "$PILOTHOUSE_ROOT/data/log-search/app-config.ingest.yaml" "${configs[@]}")

# SLOs on a laptop: Debian's Prometheus over the sandbox's metrics. The portal
# runs without it (the SLO pages then say Prometheus cannot be reached).
if [ "${PILOTHOUSE_SANDBOX:-on}" != off ] && [ "${PILOTHOUSE_PROMETHEUS:-on}" != off ] &&
  ! { command -v prometheus >/dev/null && command -v promtool >/dev/null; }; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian packages for SLOs: prometheus" >&2
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        prometheus >/dev/null; } ||
      echo "start.sh: could not install prometheus; SLOs stay unevaluated" >&2
  else
    echo "start.sh: SLOs need Prometheus (Debian: sudo apt-get install prometheus)" >&2
  fi
fi
# A wrong config value stops here with a message naming the key.
yarn backstage-cli config:check --strict "${configs[@]}" >&2
pilothouse_build_app
mkdir -p "$PILOTHOUSE_ROOT/data/sqlite"

url="$(node -e '
  const { ConfigReader } = require("@backstage/config");
  const { loadConfig } = require("@backstage/config-loader");
  const files = process.argv.slice(1).filter((_, i) => i % 2 === 1);
  loadConfig({ configRoot: process.cwd(), configTargets: files.map(path => ({ path })) })
    .then(({ appConfigs }) => console.log(ConfigReader.fromConfigs(appConfigs).getString("app.baseUrl")))
    .catch(e => { console.error(e.message); process.exit(1); });
' -- "${configs[@]}")"

if curl -fsS -o /dev/null --max-time 2 "$url/.backstage/health/v1/liveness" 2>/dev/null; then
  echo "start.sh: something already answers at $url; stop it first (is Pilothouse already running?)" >&2
  exit 1
fi

# The sandbox: stand-in Kubernetes, CI/CD and AWS APIs for the laptop default (see
# packages/sandbox/README.md). Production config points at real clusters.
SANDBOX_PORT="${PILOTHOUSE_SANDBOX_PORT:-18080}"
# The portal's own Prometheus metrics (instrumentation.js), on loopback; the
# laptop's Prometheus scrapes them for Pilothouse's own SLOs.
export PILOTHOUSE_METRICS_PORT="${PILOTHOUSE_METRICS_PORT:-19464}"
export PILOTHOUSE_METRICS_HOST="${PILOTHOUSE_METRICS_HOST:-127.0.0.1}"
SANDBOX_DATA="${PILOTHOUSE_SANDBOX_DATA:-$PILOTHOUSE_ROOT/data/sandbox}"
backend_pid=""
trap 'kill ${backend_pid:-} ${prometheus_pid:-} ${sandbox_pid:-} 2>/dev/null || true; wait 2>/dev/null || true' EXIT INT TERM
if [ "${PILOTHOUSE_SANDBOX:-on}" != off ]; then
  PILOTHOUSE_LOG_INGEST_TOKEN="$LOG_SEARCH_INGEST_TOKEN" \
    node --require @backstage/cli-node/config/nodeTransform.cjs \
    packages/sandbox/src/index.ts --port "$SANDBOX_PORT" \
    --data-dir "$SANDBOX_DATA" --seed "$PILOTHOUSE_ROOT/catalog/sandbox.yaml" \
    --log-ingest-url "$url/api/log-search/v1/ingest" &
  sandbox_pid=$!
  export PILOTHOUSE_KUBECONFIG="$SANDBOX_DATA/kubeconfig.yaml"
  export PILOTHOUSE_SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT"
  for _ in $(seq 120); do
    curl -fsS -o /dev/null "http://127.0.0.1:$SANDBOX_PORT/version" 2>/dev/null && break
    kill -0 "$sandbox_pid" 2>/dev/null || { echo "start.sh: the sandbox exited (see above)" >&2; exit 1; }
    sleep 0.5
  done
  # Prometheus over the sandbox's /metrics, 30 days of history backfilled
  # (scripts/prometheus.sh); app-config.yaml's slo.prometheus.baseUrl names it.
  if [ "${PILOTHOUSE_PROMETHEUS:-on}" != off ] && command -v prometheus >/dev/null &&
    command -v promtool >/dev/null; then
    bash scripts/prometheus.sh --port "${PILOTHOUSE_PROMETHEUS_PORT:-19090}" \
      --sandbox-url "http://127.0.0.1:$SANDBOX_PORT" \
      --portal-metrics "127.0.0.1:$PILOTHOUSE_METRICS_PORT" \
      --data-dir "${PILOTHOUSE_PROMETHEUS_DATA:-$PILOTHOUSE_ROOT/data/prometheus}" \
      --sandbox-data "$SANDBOX_DATA" &
    prometheus_pid=$!
  fi
fi

cd "$PILOTHOUSE_ROOT/packages/backend"
# instrumentation.js: Prometheus metrics when PILOTHOUSE_METRICS_PORT is set.
node --enable-source-maps --require @backstage/cli-node/config/nodeTransform.cjs \
  --require ./src/instrumentation.js src/index.ts "${configs[@]}" &
backend_pid=$!
if pilothouse_wait_ready "$url" "$backend_pid"; then
  echo
  echo "  Pilothouse is ready: $url"
  echo
fi
wait "$backend_pid"

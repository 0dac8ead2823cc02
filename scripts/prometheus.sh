#!/usr/bin/env bash
# Runs Debian's Prometheus for the laptop default: it scrapes the sandbox's
# /metrics and starts with the same series' last 30 days backfilled (written by
# the sandbox, loaded with promtool), so the SLOs' 28- and 30-day windows have
# data from the first minute. Installs nothing: scripts/start.sh and
# scripts/test.sh install the `prometheus` package. Runs in the foreground.
#
#   scripts/prometheus.sh --port 19090 --sandbox-url http://127.0.0.1:18080 \
#     [--portal-metrics 127.0.0.1:19464] \
#     [--data-dir data/prometheus] [--sandbox-data data/sandbox] [--seed catalog/sandbox.yaml] [--history-days 30]
#
# --portal-metrics also scrapes the portal's own metrics (job "pilothouse", as
# deploy/monitoring expects), so Pilothouse's own SLOs have data on a laptop.
#
# The data directory holds nothing but what the sandbox derives, so it is
# rebuilt on every start.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$PILOTHOUSE_ROOT"

port=19090
sandbox_url=http://127.0.0.1:18080
portal_metrics=
data_dir="$PILOTHOUSE_ROOT/data/prometheus"
sandbox_data="$PILOTHOUSE_ROOT/data/sandbox"
seed="$PILOTHOUSE_ROOT/catalog/sandbox.yaml"
history_days=30
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --sandbox-url) sandbox_url="$2"; shift 2 ;;
    --portal-metrics) portal_metrics="$2"; shift 2 ;;
    --data-dir) data_dir="$(realpath -m "$2")"; shift 2 ;;
    --sandbox-data) sandbox_data="$(realpath -m "$2")"; shift 2 ;;
    --seed) seed="$(realpath "$2")"; shift 2 ;;
    --history-days) history_days="$2"; shift 2 ;;
    *) echo "prometheus.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

for tool in prometheus promtool; do
  if ! command -v "$tool" >/dev/null; then
    echo "prometheus.sh: $tool is missing (Debian: sudo apt-get install prometheus)" >&2
    exit 1
  fi
done

rm -rf "$data_dir"
mkdir -p "$data_dir/tsdb"
node --require @backstage/cli-node/config/nodeTransform.cjs \
  packages/sandbox/src/index.ts --write-metrics-history "$data_dir/history.om" \
  --history-days "$history_days" --data-dir "$sandbox_data" --seed "$seed" >&2
# Blocks of up to ~20 days: promtool reads the input once per block.
promtool tsdb create-blocks-from openmetrics --quiet --max-block-duration=720h \
  "$data_dir/history.om" "$data_dir/tsdb" >&2
rm -f "$data_dir/history.om"

sandbox_host="${sandbox_url#*://}"
sandbox_host="${sandbox_host%%/*}"
# job and instance as the backfilled history has them (packages/sandbox
# SCRAPE_LABELS), so history and scrapes are one series.
cat > "$data_dir/prometheus.yml" <<YAML
global:
  scrape_interval: 15s
  evaluation_interval: 15s
scrape_configs:
  - job_name: sandbox
    metrics_path: /metrics
    static_configs:
      - targets: ['$sandbox_host']
    relabel_configs:
      - target_label: instance
        replacement: sandbox
YAML
if [ -n "$portal_metrics" ]; then
  cat >> "$data_dir/prometheus.yml" <<YAML
  - job_name: pilothouse
    metrics_path: /metrics
    static_configs:
      - targets: ['$portal_metrics']
YAML
fi

exec prometheus --config.file="$data_dir/prometheus.yml" \
  --storage.tsdb.path="$data_dir/tsdb" \
  --storage.tsdb.retention.time="$((history_days + 15))d" \
  --web.listen-address="127.0.0.1:$port" \
  --log.level=warn

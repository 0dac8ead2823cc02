import path from 'node:path';
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import { openServiceMetrics, SCRAPE_LABELS, writeMetricsHistory } from './metrics';
import { readSeedFile } from './seed';
import { findDefaultSeedFile, startSandbox } from './server';

export const HELP = `pilothouse-sandbox — a STAND-IN Kubernetes API server for laptops and tests.

It is not a real cluster: it serves the subset of the Kubernetes REST API that
Pilothouse uses (discovery, namespaces, deployments with the scale subresource,
replica sets, pods with logs, services, events, service accounts, roles, role
bindings, network policies, resource quotas), runs a tiny controller so that
scaling and restarts are visible, and makes two workloads misbehave on purpose.
The same server also stands in for Argo CD (/argocd/api/v1), Argo Rollouts
(/argo-rollouts/api/v1), GitHub Actions (/github) and, for the AWS SDK v3, the
AWS operations mcp-aws uses (/aws; signatures are not checked). Production
configuration points at real clusters, servers and AWS instead.

It also serves request metrics of the seeded services at /metrics (Prometheus
text format; one service is in an incident on purpose), and writes their
history for Prometheus' backfill with --write-metrics-history.

Usage:
  node packages/sandbox/dist/index.js [--port N] [--host ADDR] [--data-dir DIR] [--seed FILE]
  node packages/sandbox/dist/index.js --write-metrics-history FILE [--history-days N] [--data-dir DIR] [--seed FILE]

Options:
  --port N          port to listen on (default 18080; 0 picks a free port)
  --host ADDR       interface to bind (default 127.0.0.1; there is no authentication)
  --data-dir DIR    where state is kept across restarts (default data/sandbox);
                    a kubeconfig for the sandbox is written there as kubeconfig.yaml
  --seed FILE       seed used when DIR holds no state yet
                    (default catalog/sandbox.yaml, searched from the working directory up)
  --write-metrics-history FILE
                    write the last --history-days (default 30) of the /metrics
                    series as OpenMetrics, for promtool tsdb create-blocks-from
                    openmetrics, and exit (the same series /metrics serves)
  -h, --help        show this help

Delete DIR to start again from the seed.
`;

/** Runs the command line; resolves once the server listens. */
export async function runSandboxCli(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '18080' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: path.join('data', 'sandbox') },
      seed: { type: 'string' },
      'write-metrics-history': { type: 'string' },
      'history-days': { type: 'string', default: '30' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a port number, got ${values.port}`);
  }
  const dataDir = path.resolve(values['data-dir']);
  if (values['write-metrics-history']) {
    const days = Number(values['history-days']);
    if (!(days > 0)) {
      throw new Error(
        `--history-days must be a positive number, got ${values['history-days']}`,
      );
    }
    const seedFile = values.seed ?? findDefaultSeedFile();
    const seed = readSeedFile(seedFile).metrics;
    if (!seed) throw new Error(`${seedFile} has no metrics section`);
    const out = values['write-metrics-history'];
    await writeMetricsHistory(
      openServiceMetrics(seed, dataDir),
      fs.createWriteStream(out),
      {
        end: Math.floor(Date.now() / 1000),
        seconds: days * 86_400,
        extraLabels: SCRAPE_LABELS,
      },
    );
    process.stdout.write(`metrics history of ${days} days written to ${out}\n`);
    return;
  }
  const sandbox = await startSandbox({
    port,
    host: values.host,
    dataDir,
    seedFile: values.seed,
  });
  process.stdout.write(
    `Pilothouse sandbox (stand-in Kubernetes, Argo CD, Argo Rollouts, GitHub and AWS APIs; not real servers) listening on ${sandbox.url}\n` +
      `  state: ${dataDir}\n  kubeconfig: ${sandbox.kubeconfigPath}\n` +
      `  Argo CD: ${sandbox.url}/argocd (API ${sandbox.url}/argocd/api/v1)\n` +
      `  Argo Rollouts: ${sandbox.url}/argo-rollouts\n` +
      `  GitHub API: ${sandbox.url}/github\n` +
      `  AWS (AWS_ENDPOINT_URL): ${sandbox.url}/aws\n` +
      `  metrics (Prometheus): ${sandbox.url}/metrics\n`,
  );
  const stop = () => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

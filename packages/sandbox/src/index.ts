/**
 * A stand-in Kubernetes API server for laptops and tests; see README.md.
 *
 * @packageDocumentation
 */

import { runSandboxCli } from './cli';

export { startSandbox, findDefaultSeedFile, sandboxKubeconfig } from './server';
export type { SandboxOptions, RunningSandbox } from './server';
export { runSandboxCli } from './cli';
// Request metrics of the seeded services (/metrics) and their history for Prometheus' backfill.
export {
  ServiceMetrics,
  exposition,
  metricsSeedSchema,
  openServiceMetrics,
  writeMetricsHistory,
  historyInstants,
  SCRAPE_LABELS,
} from './metrics';
export type {
  MetricsSeed,
  MetricsService,
  MetricsHistoryOptions,
} from './metrics';
export { readSeedFile } from './seed';
// A stand-in model provider (Anthropic and OpenAI APIs) for tests and benchmarks.
export { startLlmStandIn } from './llm';
export type {
  LlmStandInBehaviour,
  LlmStandInOptions,
  RecordedLlmRequest,
  RunningLlmStandIn,
} from './llm';

// A stand-in GitLab (REST API v4 subset and Git smart HTTP) for publish:gitlab tests.
export { startGitLabStandIn } from './gitlab';
export type {
  GitLabStandInOptions,
  RecordedGitLabRequest,
  RunningGitLabStandIn,
} from './gitlab';

// Run as a program (`node dist/index.js`), not when imported as a library.
if (require.main === module) {
  runSandboxCli(process.argv.slice(2)).catch(error => {
    process.stderr.write(`pilothouse-sandbox: ${error.message}\n`);
    process.exit(1);
  });
}

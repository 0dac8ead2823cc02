/**
 * The detections module's processor with every rule enabled (the AI traffic
 * pack and SigmaHQ's Kubernetes and CloudTrail rules from the fixtures beside
 * the checkout), on SQLite in memory, for log search's ingest benchmark:
 *
 *   LOG_SEARCH_BENCH_PROCESSORS=plugins/log-search-backend-module-detections/bench/benchProcessors.ts
 *
 * The engine starts with the first batch (rule files read, migrations run).
 */
import { mockServices } from '@backstage/backend-test-utils';
import type { LogEventProcessor } from '@pilothouse/plugin-log-search-node';
import knexFactory from 'knex';
import path from 'node:path';
import { DatabaseDetectionStore } from '../src/database/DatabaseDetectionStore';
import { DetectionEngine } from '../src/services/DetectionEngine/DetectionEngine';
import { loadRulePack } from '../src/sigma/loadPacks';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const SIGMA = path.resolve(REPO_ROOT, '../shared/fixtures/sigma/rules');

async function startEngine(): Promise<DetectionEngine> {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  const store = await DatabaseDetectionStore.create({
    database: { getClient: async () => knex, migrations: { skip: false } },
  });
  const packs = await Promise.all([
    loadRulePack({
      name: 'ai-traffic',
      path: path.join(REPO_ROOT, 'policies/detections/ai-traffic'),
    }),
    loadRulePack({
      name: 'kubernetes',
      path: path.join(SIGMA, 'application/kubernetes'),
    }),
    loadRulePack({
      name: 'aws-cloudtrail',
      path: path.join(SIGMA, 'cloud/aws/cloudtrail'),
    }),
  ]);
  return DetectionEngine.create({
    packs,
    store,
    logger: mockServices.rootLogger({ level: 'none' }),
    settings: {
      groupWindowMs: 3_600_000,
      maxEventsPerDetection: 20,
      maxWindowEntries: 10_000,
      disabledRules: [],
    },
  });
}

export function createBenchProcessors(): LogEventProcessor[] {
  let engine: Promise<DetectionEngine> | undefined;
  return [
    {
      id: 'sigma',
      async process(events) {
        engine ??= startEngine();
        await (await engine).process(events);
      },
    },
  ];
}

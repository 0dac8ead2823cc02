/**
 * The LLM gateway's cost: the latency it adds to a model call (p50, p99)
 * against calling the same local upstream directly, in one run, and the
 * inspection throughput in MB/s over a mixed corpus.
 *
 * The upstream is the sandbox's model provider stand-in (it answers at once),
 * so the difference is the gateway's own work: authentication, inspection of
 * the request and the answer, policy, routing, placeholder restore, quotas
 * and the audit record. Both sides use the same Anthropic SDK client; direct
 * and gateway calls take turns in blocks, so load from other work on the
 * machine falls on both.
 *
 * The gateway runs on the parts that `services/parts.ts` builds: the real
 * inspector, the CEL policy engine with the repository's policies/gateway
 * files, the catalog entity resolver, the database audit log (SQLite in
 * memory) and quotas (in memory, limits raised so the run is not refused).
 *
 * Run alone: node --require @backstage/cli-node/config/nodeTransform.cjs
 *   plugins/llm-gateway-backend/bench/gateway.bench.ts [--quick] [--json]
 */

import Anthropic from '@anthropic-ai/sdk';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ReportRow, runBenchmark, summarize } from '@pilothouse/bench';
import { startLlmStandIn } from '@pilothouse/sandbox';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  repoCatalogEntities,
  repoPolicyDirectory,
} from '../src/__fixtures__/repository';
import { AWS_ACCESS_KEY } from '../src/__testUtils__/testBackend';
import { createLlmGatewayPlugin } from '../src/plugin';
import { GatewayParts, createGatewayParts } from '../src/services/parts';

/** Calls per block; direct and gateway calls take turns block by block. */
const BLOCK = 25;

/** The data class the benchmark's provider may take: everything. */
const CONFIG = {
  llmGateway: {
    providers: [
      {
        id: 'upstream',
        type: 'anthropic',
        // Filled in once the stand-in listens.
        baseUrl: '',
        apiKey: 'stand-in',
        models: [{ name: 'bench', inputUsdPerMTok: 1, outputUsdPerMTok: 1 }],
        maxDataClass: 'restricted',
        timeoutMs: 30_000,
      },
    ],
    routing: { maxConcurrentCalls: 256 },
    policy: { directory: repoPolicyDirectory },
    quotas: {
      defaults: {
        user: { requestsPerMinute: 1_000_000, tokensPerDay: 1_000_000_000 },
        team: { requestsPerMinute: 1_000_000, tokensPerDay: 1_000_000_000 },
      },
    },
  },
};

/** The benchmark's caller: a payments-team member, as in catalog/org.yaml. */
const USER = 'user:default/alice';
const userInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo() {
      return {
        userEntityRef: USER,
        ownershipEntityRefs: [USER, 'group:default/payments-team'],
      };
    },
  }),
});

/** Text of the kinds a gateway sees, with some PII and secrets in it. */
function mixedCorpus(bytes: number): string[] {
  const pieces = [
    'The payments service failed its readiness probe twice after the 14:02 deploy; the canary was rolled back and the error budget burn slowed. ',
    'Contact jane.doe@example.com or call +1 415 555 0100 about the invoice for ACME Corp, 1 Market St, San Francisco.\n',
    'export function retry<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {\n  return fn().catch(e => (attempts > 1 ? retry(fn, attempts - 1) : Promise.reject(e)));\n}\n',
    '2026-11-25T10:00:00Z level=error msg="upstream timeout" service=checkout pod=checkout-7d9f ip=10.2.3.4 latency_ms=30012\n',
    `{"user":"u-1234","card":"4111 1111 1111 1111","iban":"DE89 3704 0044 0532 0130 00","note":"refund"}\n`,
    `aws configure set aws_access_key_id ${AWS_ACCESS_KEY}\n`,
    'Kubernetes schedules pods onto nodes; a Deployment keeps the desired number of replicas running and rolls out changes gradually.\n',
  ];
  const chunks: string[] = [];
  let total = 0;
  let chunk = '';
  for (let i = 0; total < bytes; i++) {
    chunk += pieces[i % pieces.length];
    if (chunk.length >= 4096) {
      chunks.push(chunk);
      total += Buffer.byteLength(chunk);
      chunk = '';
    }
  }
  return chunks;
}

runBenchmark({
  name: 'llm-gateway',
  title:
    'LLM gateway: added latency of a model call, and inspection throughput',
  file: __filename,
  async run({ quick, progress }) {
    const rounds = quick ? 4 : 10;
    const upstream = await startLlmStandIn();
    CONFIG.llmGateway.providers[0].baseUrl = upstream.url;
    let parts: GatewayParts | undefined;
    const backend = await startTestBackend({
      features: [
        // The default parts, kept to time the inspector on its own below.
        createLlmGatewayPlugin({
          parts: async env => (parts = await createGatewayParts(env)),
        }),
        mockServices.rootConfig.factory({ data: CONFIG }),
        catalogServiceMock.factory({ entities: repoCatalogEntities() }),
        userInfo,
      ],
    });
    const { server } = backend;
    const { port } = server.address() as AddressInfo;
    const token = mockCredentials.user.token(USER);

    const direct = new Anthropic({
      baseURL: upstream.url,
      apiKey: 'stand-in',
      maxRetries: 0,
    });
    const viaGateway = new Anthropic({
      baseURL: `http://127.0.0.1:${port}/api/llm-gateway/anthropic`,
      apiKey: null,
      authToken: token,
      maxRetries: 0,
    });
    const params = {
      model: 'bench',
      max_tokens: 200,
      system: 'You answer briefly.',
      messages: [
        {
          role: 'user' as const,
          content:
            'Summarise the incident on the checkout service and tell ops@example.com what to do next. The canary failed at 14:02.',
        },
      ],
    };
    const time = async (client: Anthropic, samples: number[]) => {
      const started = performance.now();
      await client.messages.create(params);
      samples.push(performance.now() - started);
    };

    progress('warming up');
    for (let i = 0; i < BLOCK; i++) {
      await time(direct, []);
      await time(viaGateway, []);
    }
    const directSamples: number[] = [];
    const gatewaySamples: number[] = [];
    for (let round = 0; round < rounds; round++) {
      progress(`model calls, round ${round + 1} of ${rounds}`);
      for (let i = 0; i < BLOCK; i++) await time(direct, directSamples);
      for (let i = 0; i < BLOCK; i++) await time(viaGateway, gatewaySamples);
    }
    const perSecond = (samples: number[]) =>
      samples.length / (samples.reduce((a, b) => a + b, 0) / 1000);

    progress('inspection throughput');
    const corpus = mixedCorpus(quick ? 1 << 20 : 8 << 20);
    const corpusBytes = corpus.reduce((n, c) => n + Buffer.byteLength(c), 0);
    const principal = {
      ref: USER,
      type: 'user' as const,
      groups: [USER, 'group:default/payments-team'],
    };
    const inspectSamples: number[] = [];
    for (const [i, chunk] of corpus.entries()) {
      const started = performance.now();
      await parts!.inspector.inspect(chunk, {
        direction: 'input',
        principal,
        conversationId: `bench-${i % 16}`,
      });
      inspectSamples.push(performance.now() - started);
    }
    // Baselines over the same bytes: one pass of a single simple regular
    // expression, and JSON.parse of each chunk as a JSON string.
    const scanSamples: number[] = [];
    for (const chunk of corpus) {
      const started = performance.now();
      chunk.match(/\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g);
      scanSamples.push(performance.now() - started);
    }
    const asJson = corpus.map(chunk => JSON.stringify(chunk));
    const parseSamples: number[] = [];
    for (const text of asJson) {
      const started = performance.now();
      JSON.parse(text);
      parseSamples.push(performance.now() - started);
    }
    const mbPerSecond = (seconds: number) => ({
      value: corpusBytes / 1e6 / seconds,
      unit: 'MB/s',
    });
    const secondsOf = (samples: number[]) =>
      samples.reduce((a, b) => a + b, 0) / 1000;
    const inspection = mbPerSecond(secondsOf(inspectSamples));

    await backend.stop();
    await upstream.close();

    const rows: ReportRow[] = [
      {
        group: 'model call, Anthropic Messages API (non-streaming)',
        label: 'through the gateway',
        headline: 'model call through the gateway (non-streaming)',
        summary: summarize(gatewaySamples),
        perSecond: perSecond(gatewaySamples),
        baselines: [
          {
            label: 'direct to the same upstream',
            summary: summarize(directSamples),
            perSecond: perSecond(directSamples),
          },
        ],
      },
      {
        group: 'inspection of 4 KiB chunks of mixed text',
        label: 'the gateway inspector',
        headline: 'inspection throughput (4 KiB chunks of mixed text)',
        summary: summarize(inspectSamples),
        perSecond: corpus.length / secondsOf(inspectSamples),
        throughput: inspection,
        baselines: [
          {
            label: 'one e-mail regex pass, same bytes',
            summary: summarize(scanSamples),
            throughput: mbPerSecond(secondsOf(scanSamples)),
          },
          {
            label: 'JSON.parse of the same bytes as JSON strings',
            summary: summarize(parseSamples),
            throughput: mbPerSecond(secondsOf(parseSamples)),
          },
        ],
      },
    ];
    const added = (p: 'p50' | 'p99') =>
      (summarize(gatewaySamples)[p] - summarize(directSamples)[p]).toFixed(2);
    return {
      settings: {
        rounds,
        block: BLOCK,
        corpusMiB: Math.round((corpusBytes / 2 ** 20) * 10) / 10,
      },
      rows,
      notes: [
        `added latency of the gateway: p50 ${added('p50')} ms, p99 ${added(
          'p99',
        )} ms (gateway minus direct, same run)`,
        `inspection throughput: ${inspection.value.toFixed(1)} MB/s over ${(
          corpusBytes / 1e6
        ).toFixed(
          1,
        )} MB of prose, code, logs and JSON with e-mail addresses, phone numbers, card numbers, IBANs and an AWS key`,
      ],
    };
  },
});

import {
  metricsServiceFactory,
  tracingServiceFactory,
} from '@backstage/backend-defaults/alpha';
import {
  createServiceFactory,
  type SchedulerService,
  type ServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  startTestBackend,
  mockServices,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { findPaths } from '@backstage/cli-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import aiAssistantPlugin from '@pilothouse/plugin-ai-assistant-backend';
import llmGatewayPlugin from '@pilothouse/plugin-llm-gateway-backend';
import logSearchPlugin from '@pilothouse/plugin-log-search-backend';
import detectionsModule from '@pilothouse/plugin-log-search-backend-module-detections';
import sloPlugin from '@pilothouse/plugin-slo-backend';
import { sandboxKubeconfig, startSandbox } from '@pilothouse/sandbox';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import { startTelemetry } from './instrumentation';
import { metricNamesIn } from './__testUtils__/monitoring';

jest.setTimeout(180_000);

const repoRoot = findPaths(__dirname).targetRoot;

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  scope: string;
  service: string;
}

/** An OTLP/HTTP JSON receiver, as a collector would be: keeps every span. */
async function startOtlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const resourceSpans of body.resourceSpans ?? []) {
        const service = resourceSpans.resource?.attributes?.find(
          (a: any) => a.key === 'service.name',
        )?.value?.stringValue;
        for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
          for (const span of scopeSpans.spans ?? []) {
            spans.push({
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId || undefined,
              name: span.name,
              scope: scopeSpans.scope?.name,
              service,
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans, server };
}

/** Passes requests on to the sandbox and notes the `traceparent` of each. */
async function startRecordingProxy(target: string) {
  const traceparents: string[] = [];
  const server = http.createServer((req, res) => {
    if (req.headers.traceparent) {
      traceparents.push(String(req.headers.traceparent));
    }
    const upstream = http.request(
      new URL(req.url ?? '/', target),
      {
        method: req.method,
        headers: Object.fromEntries(
          Object.entries(req.headers).filter(([name]) => name !== 'host'),
        ),
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, traceparents, server };
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

async function eventually<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  seen: () => unknown = () => undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}; seen: ${JSON.stringify(
          seen(),
          null,
          1,
        )}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

function yamlDocuments(file: string): any[] {
  return parseAllDocuments(
    fs.readFileSync(path.join(repoRoot, file), 'utf8'),
  ).map(doc => doc.toJS());
}

const CATALOG: Entity[] = [
  ...yamlDocuments('catalog/org.yaml'),
  ...yamlDocuments('catalog/components.yaml'),
  ...yamlDocuments('catalog/pilothouse-slos.yaml'),
  // Their Prometheus data source, declared with the other SLOs.
  ...yamlDocuments('catalog/slos.yaml').filter(d => d?.kind === 'DataSource'),
]
  .filter(Boolean)
  .map(e => ({
    ...e,
    metadata: { namespace: 'default', ...e.metadata },
  }));

const bearer = (user: string) =>
  `Bearer ${mockCredentials.user.token(`user:default/${user}`)}`;

describe("the portal's own telemetry", () => {
  const env = { ...process.env };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'telemetry-'));
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let stopTelemetry: () => Promise<void>;
  let metricsUrl: string;
  // The scheduler as the test backend has it, with a handle to run a task.
  const scheduler = mockServices.scheduler() as SchedulerService & {
    factory(): ServiceFactory;
  };
  // The backend's spans, kept in memory: the OTLP exporter cannot send from
  // inside jest (its transport loads node:http with import()).
  // instrumentation.test.ts checks that exporter in a backend process.
  const backendSpans = new InMemorySpanExporter();

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    sandbox = await startSandbox({
      port: 0,
      seedFile: path.join(repoRoot, 'catalog/sandbox.yaml'),
    });
    proxy = await startRecordingProxy(sandbox.url);
    const kubeconfig = path.join(dataDir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, sandboxKubeconfig(proxy.url));
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;

    // What a deployment sets; the spawned MCP server inherits the OTEL_* ones.
    Object.assign(process.env, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      PILOTHOUSE_METRICS_PORT: String(metricsPort),
      PILOTHOUSE_METRICS_HOST: '127.0.0.1',
    });
    stopTelemetry = startTelemetry({
      spanProcessors: [new SimpleSpanProcessor({ exporter: backendSpans })],
    });

    backend = await startTestBackend({
      features: [
        llmGatewayPlugin,
        aiAssistantPlugin,
        sloPlugin,
        logSearchPlugin,
        detectionsModule,
        // The real metrics and tracing services, not the test backend's mocks.
        metricsServiceFactory,
        tracingServiceFactory,
        scheduler.factory(),
        catalogServiceMock.factory({ entities: CATALOG }),
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({ send: async () => {} }),
        }),
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => ({ publish: async () => {} }),
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            llmGateway: {
              providers: [
                {
                  id: 'local',
                  type: 'local',
                  models: [
                    {
                      name: 'pilothouse-local',
                      inputUsdPerMTok: 0,
                      outputUsdPerMTok: 0,
                    },
                  ],
                },
              ],
              policy: { directory: path.join(repoRoot, 'policies/gateway') },
              quotas: {
                overrides: [
                  { subject: 'user:default/bob', requestsPerMinute: 1 },
                ],
              },
            },
            // Nothing listens there: every evaluation is "unreachable".
            slo: { prometheus: { baseUrl: 'http://127.0.0.1:9' } },
            logSearch: {
              detections: {
                rulePaths: [
                  {
                    pack: 'kubernetes',
                    path: path.resolve(
                      repoRoot,
                      '../shared/fixtures/sigma/rules/application/kubernetes',
                    ),
                  },
                ],
              },
            },
            pilothouse: {
              mcp: {
                servers: [
                  {
                    id: 'kubernetes',
                    description: 'mcp-kubernetes on the sandbox, over stdio',
                    command: process.execPath,
                    args: [
                      '--require',
                      '@backstage/cli-node/config/nodeTransform.cjs',
                      path.join(
                        repoRoot,
                        'packages/mcp-kubernetes/src/index.ts',
                      ),
                      '--transport',
                      'stdio',
                    ],
                    cwd: path.join(repoRoot, 'packages/backend'),
                    env: { KUBECONFIG: kubeconfig },
                    callTimeoutMs: 30_000,
                  },
                ],
              },
            },
          },
        }),
      ],
    });
    // The MCP server process is up once the gateway offers its tools.
    await eventually('mcp-kubernetes to be ready', async () => {
      const res = await request(backend.server)
        .get('/api/llm-gateway/v1/tools')
        .set('authorization', bearer('alice'));
      return JSON.stringify(res.body).includes('kubernetes.') || undefined;
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await stopTelemetry?.();
    await sandbox?.close();
    receiver?.server.close();
    proxy?.server.close();
    process.env = env;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('follows one user action from the browser to the sandbox in one trace', async () => {
    // What the app's fetch middleware sends with the message.
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const browserSpanId = '00f067aa0ba902b7';
    const conversation = await request(backend.server)
      .post('/api/ai-assistant/v1/conversations')
      .set('authorization', bearer('alice'))
      .send({});
    expect(conversation.status).toBe(201);
    const turn = await request(backend.server)
      .post(
        `/api/ai-assistant/v1/conversations/${conversation.body.id}/messages`,
      )
      .set('authorization', bearer('alice'))
      .set('traceparent', `00-${traceId}-${browserSpanId}-01`)
      .send({ text: 'list the workloads in checkout' });
    expect(turn.status).toBe(200);
    expect(turn.text).toContain('tool_call_finished');

    const inTrace = () =>
      [
        ...backendSpans.getFinishedSpans().map(span => ({
          traceId: span.spanContext().traceId,
          spanId: span.spanContext().spanId,
          parentSpanId: span.parentSpanContext?.spanId,
          name: span.name,
          scope: span.instrumentationScope.name,
          service: String(span.resource.attributes['service.name']),
        })),
        ...receiver.spans,
      ].filter(s => s.traceId === traceId);
    const spans = await eventually(
      'spans of every process',
      () => {
        const found = inTrace();
        return found.some(s => s.service === 'mcp-kubernetes') &&
          found.some(s => s.scope === 'backstage-plugin-llm-gateway')
          ? found
          : undefined;
      },
      () => ({
        spans: receiver.spans.map(
          s => `${s.traceId} ${s.service} ${s.scope}: ${s.name}`,
        ),
        sandbox: proxy.traceparents,
      }),
    );
    const named = (predicate: (s: ReceivedSpan) => boolean) =>
      spans.filter(predicate).map(s => `${s.service} ${s.scope}: ${s.name}`);

    // The backend continues the browser's trace: its first span's parent
    // is the browser's span.
    expect(spans.some(s => s.parentSpanId === browserSpanId)).toBe(true);
    expect(named(s => s.service === 'pilothouse-backend')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/ai-assistant: ai-assistant turn$/),
        expect.stringMatching(/llm-gateway: llm-gateway tool kubernetes\./),
        expect.stringMatching(/pilothouse-mcp-servers: tools\/call /),
      ]),
    );
    // The MCP server, another process, continued it from the request's
    // _meta, and its Kubernetes client carried it to the sandbox.
    expect(named(s => s.service === 'mcp-kubernetes')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/pilothouse-mcp-server: tools\/call /),
      ]),
    );
    expect(proxy.traceparents.map(t => t.split('-')[1])).toContain(traceId);
  });

  it("serves Backstage's and Pilothouse's metrics for Prometheus", async () => {
    // A quota refusal: bob may make one request a minute.
    for (let i = 0; i < 2; i++) {
      await request(backend.server)
        .post('/api/llm-gateway/v1/complete')
        .set('authorization', bearer('bob'))
        .send({ messages: [{ role: 'user', content: 'hello' }] });
    }
    // Log events: two good lines (one a Kubernetes secrets listing, which
    // the Sigma rules detect) and a bad one.
    const ingest = await request(backend.server)
      .post('/api/log-search/v1/ingest')
      .set('authorization', `Bearer ${mockCredentials.service.token()}`)
      .set('content-type', 'application/x-ndjson')
      .send(
        [
          JSON.stringify({
            kind: 'Event',
            apiVersion: 'audit.k8s.io/v1',
            level: 'Metadata',
            auditID: 'telemetry-1',
            stage: 'ResponseComplete',
            verb: 'list',
            user: { username: 'system:serviceaccount:ci:deployer' },
            objectRef: { resource: 'secrets', namespace: 'payments' },
            responseStatus: { code: 200 },
            requestReceivedTimestamp: new Date().toISOString(),
          }),
          JSON.stringify({ message: 'checkout started', service: 'checkout' }),
          '{not json',
        ].join('\n'),
      );
    expect(ingest.status).toBe(200);
    expect(ingest.body.accepted).toBe(2);
    await scheduler.triggerTask('slo-evaluation');
    await scheduler.triggerTask('llm-gateway-audit-verify');

    const ours = [
      'llm_gateway_decisions_total',
      'llm_gateway_latency',
      'llm_gateway_upstream_latency',
      'llm_gateway_quota_rejections_total',
      'llm_gateway_audit_chain_ok',
      'ai_assistant_turns_total',
      'ai_assistant_time_to_first_token',
      'mcp_tool_call_duration',
      'slo_evaluations_total',
      'log_search_events_ingested_total',
      'log_search_events_rejected_total',
      'log_search_detections_total',
    ];
    let names = new Set<string>();
    const text = await eventually(
      'every metric to be recorded',
      async () => {
        const scraped = await fetch(metricsUrl).then(res => res.text());
        names = exportedNames(scraped);
        return ours.every(name => names.has(name)) ? scraped : undefined;
      },
      () => ({
        missing: ours.filter(name => !names.has(name)),
        names: [...names],
      }),
    );
    const lines = text.split('\n');
    const expected = [
      /^mcp_tool_call_duration_count\{server="kubernetes",outcome="ok",.*\} [1-9]/,
      /^ai_assistant_turns_total\{outcome="done",.*\} [1-9]/,
      /^llm_gateway_quota_rejections_total\{.*limit="requestsPerMinute".*\} [1-9]/,
      /^log_search_events_rejected_total\{.*\} 1$/,
      /^llm_gateway_audit_chain_ok\{.*\} 1$/,
      /^log_search_detections_total\{.*\} [1-9]/,
      // Evaluated, but Prometheus is not there (or the SLO unreadable).
      /^slo_evaluations_total\{outcome="(unreachable|failed)",.*\} [1-9]/,
    ];
    const unmatched = expected.filter(re => !lines.some(l => re.test(l)));
    expect({
      unmatched: unmatched.map(String),
      ours: lines.filter(
        l => ours.some(name => l.startsWith(name)) && !l.includes('_bucket'),
      ),
    }).toMatchObject({ unmatched: [] });

    // Every metric the dashboard and the alert rules query is one of them.
    const exported = exportedNames(text);
    exported.add('up'); // Prometheus's own, per scrape target
    for (const file of [
      'deploy/monitoring/grafana/pilothouse-overview.json',
      'deploy/monitoring/prometheus/pilothouse-alerts.yaml',
      'deploy/monitoring/prometheus/pilothouse-slo-rules.yaml',
    ]) {
      const missing = metricNamesIn(path.join(repoRoot, file)).filter(
        name => !exported.has(name),
      );
      expect({ file, missing }).toEqual({ file, missing: [] });
    }
  });
});

/** Metric family names in a Prometheus text exposition (histograms by their base name). */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const match = /^# TYPE (\S+) (\S+)/.exec(line);
    if (!match) continue;
    names.add(match[1]);
    if (match[2] === 'histogram') {
      for (const suffix of ['_bucket', '_count', '_sum']) {
        names.add(`${match[1]}${suffix}`);
      }
    }
  }
  return names;
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { metricsServiceFactory } from '@backstage/backend-defaults/alpha';
import {
  mockServices,
  ServiceFactoryTester,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { metrics } from '@opentelemetry/api';
import request from 'supertest';
import { DatabaseAuditLog } from '../Audit';
import { createGatewayMetrics } from './GatewayMetrics';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

// What packages/backend/src/instrumentation.js sets up, without its port.
const exporter = new PrometheusExporter({ preventServerStart: true });
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));

async function scrape(): Promise<string> {
  const scraped = await request((req: IncomingMessage, res: ServerResponse) =>
    exporter.getMetricsRequestHandler(req, res),
  ).get('/metrics');
  return scraped.text;
}

describe('gateway metrics', () => {
  it('exposes decisions, findings, latency, tokens and cost for Prometheus', async () => {
    // Backstage's own metrics service, on the meter provider set above.
    const metricsService = await ServiceFactoryTester.from(
      metricsServiceFactory,
    ).getSubject('llm-gateway');
    const gatewayMetrics = createGatewayMetrics(metricsService);
    const auditLog = await DatabaseAuditLog.create({
      knex: await databases.init('SQLITE_3'),
      logger: mockServices.logger.mock(),
      metrics: gatewayMetrics,
    });

    await auditLog.append({
      actor: 'user:default/alice',
      kind: 'model',
      target: 'claude-sonnet',
      decision: 'allow',
      findings: { EMAIL: 2, 'SECRET:aws-access-key': 1 },
      provider: 'anthropic',
      inputTokens: 120,
      outputTokens: 40,
      costUsd: 0.5,
      latencyMs: 420,
    });
    await auditLog.append({
      actor: 'user:default/bob',
      kind: 'tool',
      target: 'kubernetes.delete_pod',
      decision: 'deny',
      findings: {},
      latencyMs: 3,
    });
    gatewayMetrics.recordQuotaRejection('team', 'requestsPerMinute');
    await auditLog.verify();

    const lines = (await scrape()).split('\n');
    const sample = (
      name: string,
      labels: string,
      value: number,
      bucket = '',
    ) => {
      const scope = 'otel_scope_name="backstage-plugin-llm-gateway"';
      const all = [labels, scope, bucket].filter(Boolean).join(',');
      expect(lines).toContain(`${name}{${all}} ${value}`);
    };
    sample('llm_gateway_decisions_total', 'kind="model",decision="allow"', 1);
    sample('llm_gateway_decisions_total', 'kind="tool",decision="deny"', 1);
    sample('llm_gateway_findings_total', 'type="EMAIL"', 2);
    sample(
      'llm_gateway_findings_total',
      'type="SECRET",subtype="aws-access-key"',
      1,
    );
    sample(
      'llm_gateway_tokens_total',
      'provider="anthropic",direction="input"',
      120,
    );
    sample(
      'llm_gateway_tokens_total',
      'provider="anthropic",direction="output"',
      40,
    );
    sample('llm_gateway_cost_total', 'provider="anthropic"', 0.5);
    sample('llm_gateway_latency_count', 'kind="model",provider="anthropic"', 1);
    sample('llm_gateway_latency_sum', 'kind="model",provider="anthropic"', 420);
    sample(
      'llm_gateway_latency_bucket',
      'kind="tool",provider="none"',
      1,
      'le="5"',
    );
    sample(
      'llm_gateway_quota_rejections_total',
      'scope="team",limit="requestsPerMinute"',
      1,
    );
    sample('llm_gateway_audit_chain_ok', '', 1);
  });
});

import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import type {
  AuditRecord,
  AuditVerification,
} from '@pilothouse/plugin-llm-gateway-common';

export type QuotaLimitName = 'requestsPerMinute' | 'tokensPerDay';

/**
 * The gateway's metrics, through Backstage's metrics service (OpenTelemetry):
 * the backend's meter provider decides where they go (Prometheus in
 * Pilothouse, see packages/backend/src/instrumentation.js).
 */
export interface GatewayMetrics {
  /** One audited decision: its outcome, findings, latency, tokens and cost. */
  recordAudit(record: AuditRecord): void;
  /** A request refused by a quota. */
  recordQuotaRejection(scope: string, limit: QuotaLimitName): void;
  /** The result of an audit chain verification (1 intact, 0 broken). */
  recordVerification(result: AuditVerification): void;
}

export function createGatewayMetrics(metrics: MetricsService): GatewayMetrics {
  const decisions = metrics.createCounter<{ kind: string; decision: string }>(
    'llm_gateway.decisions',
    { description: 'Gateway decisions, by request kind and decision' },
  );
  const findings = metrics.createCounter<{ type: string; subtype?: string }>(
    'llm_gateway.findings',
    { description: 'Findings in inspected text, by type (never values)' },
  );
  const latency = metrics.createHistogram<{ kind: string; provider: string }>(
    'llm_gateway.latency',
    {
      description: 'Time from request to decision or answer',
      unit: 'ms',
      advice: {
        explicitBucketBoundaries: [
          5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000,
        ],
      },
    },
  );
  const tokens = metrics.createCounter<{ provider: string; direction: string }>(
    'llm_gateway.tokens',
    { description: 'Model tokens, by provider and direction (input/output)' },
  );
  const cost = metrics.createCounter<{ provider: string }>('llm_gateway.cost', {
    description: 'Model cost in US dollars, from the route prices',
    unit: 'USD',
  });
  const quotaRejections = metrics.createCounter<{
    scope: string;
    limit: string;
  }>('llm_gateway.quota.rejections', {
    description: 'Requests refused by a quota, by scope and exhausted limit',
  });
  const chainOk = metrics.createGauge('llm_gateway.audit.chain_ok', {
    description: 'Last audit chain verification: 1 intact, 0 broken',
  });

  return {
    recordAudit(record) {
      decisions.add(1, { kind: record.kind, decision: record.decision });
      for (const [key, count] of Object.entries(record.findings)) {
        if (count > 0) {
          const [type, subtype] = key.split(':', 2);
          findings.add(count, subtype ? { type, subtype } : { type });
        }
      }
      const provider = record.provider ?? 'none';
      if (record.latencyMs !== undefined) {
        latency.record(record.latencyMs, { kind: record.kind, provider });
      }
      if (record.inputTokens) {
        tokens.add(record.inputTokens, { provider, direction: 'input' });
      }
      if (record.outputTokens) {
        tokens.add(record.outputTokens, { provider, direction: 'output' });
      }
      if (record.costUsd) {
        cost.add(record.costUsd, { provider });
      }
    },
    recordQuotaRejection(scope, limit) {
      quotaRejections.add(1, { scope, limit });
    },
    recordVerification(result) {
      chainOk.record(result.ok ? 1 : 0);
    },
  };
}

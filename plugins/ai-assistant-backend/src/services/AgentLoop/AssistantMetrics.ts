import type { MetricsService } from '@backstage/backend-plugin-api/alpha';

/**
 * The assistant's metrics, through Backstage's metrics service: the
 * backend's meter provider decides where they go (Prometheus in Pilothouse,
 * see packages/backend/src/instrumentation.js).
 */
export interface AssistantMetrics {
  /** A turn that ran the model, by how it ended (done, awaiting_approval, failed, cancelled). */
  recordTurn(outcome: string): void;
  /** From the start of a turn to its first streamed words. */
  recordFirstToken(ms: number): void;
}

export function createAssistantMetrics(
  metrics: MetricsService,
): AssistantMetrics {
  const turns = metrics.createCounter<{ outcome: string }>(
    'ai_assistant.turns',
    {
      description:
        'Assistant turns that ran the model, by outcome (done, awaiting_approval, failed, cancelled)',
    },
  );
  const firstToken = metrics.createHistogram(
    'ai_assistant.time_to_first_token',
    {
      description:
        'Time from the start of an assistant turn to its first streamed words',
      unit: 'ms',
      advice: {
        explicitBucketBoundaries: [
          100, 250, 500, 1000, 2000, 3000, 5000, 10000, 20000, 30000, 60000,
        ],
      },
    },
  );
  return {
    recordTurn: outcome => turns.add(1, { outcome }),
    recordFirstToken: ms => firstToken.record(ms),
  };
}

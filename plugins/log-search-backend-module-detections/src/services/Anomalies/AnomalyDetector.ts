import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Detection, LogEvent } from '@pilothouse/plugin-log-search-common';
import type {
  DetectionHit,
  DetectionStore,
} from '../../database/DatabaseDetectionStore';
import {
  Anomaly,
  AnomalyOptions,
  detectAnomalies,
  rangesNeeded,
} from './baselines';

export const ANOMALY_RULES = {
  volume: { id: 'anomaly.volume', title: 'Log volume out of its usual range' },
  'error-rate': {
    id: 'anomaly.error-rate',
    title: 'Error rate above its usual range',
  },
} as const;

function describe(a: Anomaly): string {
  const fmt = (n: number) =>
    a.kind === 'volume' ? String(Math.round(n)) : `${(n * 100).toFixed(1)}%`;
  return `${a.kind === 'volume' ? 'events' : 'error rate'} of ${
    a.service
  }: ${fmt(a.observed)} vs usual ${fmt(a.median)} (MAD ${fmt(
    a.mad,
  )}, robust z ${a.score.toFixed(1)}, ${
    a.samples
  } samples of the same hour of week)`;
}

/**
 * Judges the last complete interval of every service against its seasonal
 * baseline and stores what breaks as detections (`anomaly.volume`,
 * `anomaly.error-rate`), grouped by service like any rule's.
 */
export class AnomalyDetector {
  constructor(
    private readonly options: {
      store: DetectionStore;
      logger: LoggerService;
      settings: AnomalyOptions;
      groupWindowMs: number;
      onDetection?: (detection: Detection) => void;
    },
  ) {}

  /** Judges the interval that ended last before `now`; answers the new detections. */
  async run(now = Date.now()): Promise<Detection[]> {
    const { settings, store } = this.options;
    const nowMinute = Math.floor(now / 60_000);
    const intervalStart =
      Math.floor(nowMinute / settings.intervalMinutes) *
        settings.intervalMinutes -
      settings.intervalMinutes;
    const counts = (
      await Promise.all(
        rangesNeeded(intervalStart, settings).map(([from, to]) =>
          store.counts(from, to),
        ),
      )
    ).flat();
    const anomalies = detectAnomalies(counts, intervalStart, settings);
    if (anomalies.length === 0) return [];
    const hits = anomalies.map((a): DetectionHit => {
      const rule = ANOMALY_RULES[a.kind];
      const at = new Date(intervalStart * 60_000).toISOString();
      const event: LogEvent = {
        id: `${rule.id}:${a.service}:${intervalStart}`,
        timestamp: at,
        observedAt: new Date(now).toISOString(),
        severity: 'warn',
        message: describe(a),
        service: a.service,
        ...(a.entityRef ? { entityRef: a.entityRef } : {}),
        source: 'anomaly',
        attributes: {
          'anomaly.kind': a.kind,
          'anomaly.observed': a.observed,
          'anomaly.median': a.median,
          'anomaly.mad': a.mad,
          'anomaly.score': a.score,
          'anomaly.samples': a.samples,
          'anomaly.intervalMinutes': settings.intervalMinutes,
        },
      };
      return {
        ruleId: rule.id,
        ruleTitle: rule.title,
        level: Math.abs(a.score) > 2 * settings.threshold ? 'high' : 'medium',
        attack: [],
        ...(a.entityRef ? { entityRef: a.entityRef } : {}),
        groupKey: `service=${a.service}`,
        count: 1,
        events: [event],
      };
    });
    const stored = await store.record(hits, {
      groupWindowMs: this.options.groupWindowMs,
      maxEvents: 20,
    });
    const created = stored.filter(s => s.created).map(s => s.detection);
    for (const detection of created) {
      this.options.logger.info('anomaly detected', {
        detectionId: detection.id,
        ruleId: detection.ruleId,
        groupKey: detection.groupKey,
      });
      this.options.onDetection?.(detection);
    }
    return created;
  }

  /** Forgets counts older than the baseline needs. */
  async prune(now = Date.now()) {
    const keepMinutes = (this.options.settings.weeks + 1) * 7 * 24 * 60;
    return this.options.store.pruneCounts(
      Math.floor(now / 60_000) - keepMinutes,
    );
  }
}

/**
 * Extension points of the log search backend.
 *
 * @packageDocumentation
 */
import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { LogEvent } from '@pilothouse/plugin-log-search-common';

/**
 * Sees every batch after it is stored (ingest endpoints and the audit feed),
 * in order. A processor that throws is logged and does not lose the batch.
 */
export interface LogEventProcessor {
  /** Names the processor in logs (`sigma`, `anomalies`). */
  readonly id: string;
  process(events: LogEvent[]): Promise<void>;
}

export interface LogSearchProcessingExtensionPoint {
  addProcessor(processor: LogEventProcessor): void;
}

/**
 * Modules of the `log-search` plugin add processors here; the detections
 * module (Sigma rules, correlations, anomalies) is one.
 */
export const logSearchProcessingExtensionPoint =
  createExtensionPoint<LogSearchProcessingExtensionPoint>({
    id: 'log-search.processing',
  });

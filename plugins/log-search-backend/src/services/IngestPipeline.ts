import { randomBytes } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  MetricsService,
  MetricsServiceCounter,
} from '@backstage/backend-plugin-api/alpha';
import { NotAllowedError } from '@backstage/errors';
import type {
  IngestResponse,
  LogEvent,
} from '@pilothouse/plugin-log-search-common';
import type { LogEventProcessor } from '@pilothouse/plugin-log-search-node';
import type { ParsedBatch } from '../ingest/parseJsonLines';
import type { ParsedEvent } from '../ingest/normalize';
import type { LogStore } from '../stores/LogStore';
import type { EntityMapper } from './EntityMapper';
import type { GeoIp } from './GeoIp';
import type { LiveTail } from './LiveTail';

/**
 * A UUID version 7 (RFC 9562): the arrival time in its first 48 bits, so
 * ids of new events sort after older ones and index inserts stay local.
 */
export function timeOrderedId(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(
    12,
    16,
  )}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Parsed events to stored ones: ids, the catalog entity of their service,
 * geo-IP where configured; then the store, the live tail, and the
 * processors that modules added (detections), one batch after another.
 */
export class IngestPipeline {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: {
      store: LogStore;
      tail: LiveTail;
      processors: LogEventProcessor[];
      entities?: EntityMapper;
      geoIp?: GeoIp;
      logger: LoggerService;
      /** Where ingest counts go (Prometheus in Pilothouse). */
      metrics?: MetricsService;
    },
  ) {
    this.ingested = options.metrics?.createCounter(
      'log_search.events.ingested',
      {
        description:
          'Log events stored by log search (shipped ones and the gateway audit records)',
      },
    );
    this.rejected = options.metrics?.createCounter(
      'log_search.events.rejected',
      {
        description:
          'Log lines or records refused at ingest (each named in the ingest response)',
      },
    );
  }

  private readonly ingested?: MetricsServiceCounter;
  private readonly rejected?: MetricsServiceCounter;

  /** Enriches and stores a parsed batch; answers with what was kept. */
  async ingest(batch: ParsedBatch): Promise<IngestResponse> {
    const events = await this.enrich(batch.events);
    await this.store(events);
    if (batch.rejected.length > 0) this.rejected?.add(batch.rejected.length);
    return { accepted: events.length, rejected: batch.rejected };
  }

  async enrich(parsed: ParsedEvent[]): Promise<LogEvent[]> {
    const observedAt = new Date().toISOString();
    return Promise.all(
      parsed.map(async event => {
        const stored: LogEvent = {
          id: timeOrderedId(),
          timestamp: new Date(event.timestamp).toISOString(),
          observedAt,
          severity: event.severity,
          message: event.message,
          source: event.source,
          attributes: event.attributes,
        };
        if (event.service) {
          stored.service = event.service;
          const entityRef = await this.options.entities?.entityRefOf(
            event.service,
          );
          if (entityRef) stored.entityRef = entityRef;
        }
        if (event.traceId) stored.traceId = event.traceId;
        if (event.spanId) stored.spanId = event.spanId;
        this.options.geoIp?.enrich(stored.attributes);
        return stored;
      }),
    );
  }

  /**
   * Stores events and hands them on. Batches go through one at a time, so
   * processors see them in the order they were stored.
   */
  async store(events: LogEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (this.options.store.readOnly) {
      throw new NotAllowedError(
        `The ${this.options.store.kind} log store is read only here: send logs to ${this.options.store.kind} itself`,
      );
    }
    const run = this.queue.then(async () => {
      await this.options.store.append(events);
      this.ingested?.add(events.length);
      this.options.tail.publish(events);
      for (const processor of this.options.processors) {
        try {
          await processor.process(events);
        } catch (error) {
          this.options.logger.error('a log event processor failed on a batch', {
            processor: processor.id,
            events: events.length,
            error: String(error),
          });
        }
      }
    });
    this.queue = run.catch(() => undefined);
    await run;
  }
}

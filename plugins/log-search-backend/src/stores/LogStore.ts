import type {
  HistogramBucket,
  LogEvent,
  SearchResponse,
} from '@pilothouse/plugin-log-search-common';
import type { QueryNode } from '../query/ast';
import type { TimeRange } from '../query/timeRange';

export interface LogSearchRequest {
  query: QueryNode;
  range: TimeRange;
  limit: number;
  /** The `nextCursor` of the previous page, as the same store wrote it. */
  cursor?: string;
}

export interface LogHistogramRequest {
  query: QueryNode;
  range: TimeRange;
  intervalMs: number;
}

/** Counts at which a search's total stops counting and says "at least". */
export const TOTAL_COUNT_CAP = 10_000;

/**
 * Where log events live: the embedded store (the plugin's database),
 * OpenSearch, or Loki (read only). Every store takes the same parsed query.
 */
export interface LogStore {
  readonly kind: 'embedded' | 'opensearch' | 'loki';
  /** Loki is read through its API: ingest goes to Loki itself. */
  readonly readOnly: boolean;
  append(events: LogEvent[]): Promise<void>;
  /** Newest first; `nextCursor` when more match. */
  search(request: LogSearchRequest): Promise<SearchResponse>;
  /** Buckets that have matches, each starting at a multiple of the interval. */
  histogram(request: LogHistogramRequest): Promise<HistogramBucket[]>;
  /** Events by id, for detections' matching events. */
  getByIds(ids: string[]): Promise<LogEvent[]>;
}

/** A cursor is opaque to clients: base64url JSON that each store defines. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T>(
  cursor: string,
  check: (value: unknown) => value is T,
): T | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return check(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

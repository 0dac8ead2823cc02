import type {
  HistogramBucket,
  HistogramResponse,
  IngestResponse,
  SearchResponse,
} from '@pilothouse/plugin-log-search-common';
import type { ParsedBatch } from '../ingest/parseJsonLines';
import type { QueryNode } from '../query/ast';
import { parseQuery } from '../query/parseQuery';
import { histogramInterval, parseTimeRange } from '../query/timeRange';
import type { LogStore } from '../stores/LogStore';
import type { IngestPipeline } from './IngestPipeline';
import type { LiveTail } from './LiveTail';

export const DEFAULT_SEARCH_LIMIT = 100;
export const DEFAULT_HISTOGRAM_BUCKETS = 60;

export interface SearchParams {
  q?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

/** What the routes and the actions do: parse, pick the range, ask the store. */
export class LogSearchService {
  constructor(
    readonly store: LogStore,
    readonly pipeline: IngestPipeline,
    readonly tail: LiveTail,
  ) {}

  parse(query: string): QueryNode {
    return parseQuery(query);
  }

  ingest(batch: ParsedBatch): Promise<IngestResponse> {
    return this.pipeline.ingest(batch);
  }

  async search(params: SearchParams): Promise<SearchResponse> {
    const query = parseQuery(params.q ?? '');
    return this.store.search({
      query,
      range: parseTimeRange(params.from, params.to),
      limit: params.limit ?? DEFAULT_SEARCH_LIMIT,
      cursor: params.cursor || undefined,
    });
  }

  /** Every bucket of the range, empty ones as zeros, so a chart has no gaps. */
  async histogram(
    params: Omit<SearchParams, 'limit' | 'cursor'> & { buckets?: number },
  ): Promise<HistogramResponse> {
    const query = parseQuery(params.q ?? '');
    const range = parseTimeRange(params.from, params.to);
    const intervalMs = histogramInterval(
      range,
      params.buckets ?? DEFAULT_HISTOGRAM_BUCKETS,
    );
    const found = new Map(
      (await this.store.histogram({ query, range, intervalMs })).map(b => [
        Date.parse(b.t),
        b,
      ]),
    );
    const buckets: HistogramBucket[] = [];
    for (
      let t = Math.floor(range.from / intervalMs) * intervalMs;
      t < range.to;
      t += intervalMs
    ) {
      buckets.push(
        found.get(t) ?? { t: new Date(t).toISOString(), count: 0, errors: 0 },
      );
    }
    return {
      from: new Date(range.from).toISOString(),
      to: new Date(range.to).toISOString(),
      intervalMs,
      buckets,
    };
  }
}

import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { Client } from '@opensearch-project/opensearch';
import type {
  HistogramBucket,
  LogEvent,
  SearchResponse,
  Severity,
} from '@pilothouse/plugin-log-search-common';
import {
  EventColumn,
  FieldRef,
  QueryNode,
  SEVERITY_RANK,
  words,
} from '../../query/ast';
import {
  decodeCursor,
  encodeCursor,
  LogHistogramRequest,
  LogSearchRequest,
  LogStore,
  TOTAL_COUNT_CAP,
} from '../LogStore';

type Dsl = Record<string, unknown>;

const FIELDS: Record<EventColumn, string> = {
  id: 'id',
  service: 'service',
  severity: 'severity',
  source: 'source',
  entityRef: 'entityRef',
  traceId: 'traceId',
  spanId: 'spanId',
};

function fieldName(field: FieldRef): string {
  if (field.kind === 'column') {
    return field.column === 'severity' ? 'severity' : FIELDS[field.column];
  }
  return `attributes.${field.key}`;
}

/** A query as OpenSearch query DSL over the index template's fields. */
export function toOpenSearchQuery(node: QueryNode): Dsl {
  switch (node.type) {
    case 'all':
      return { match_all: {} };
    case 'and':
      return { bool: { filter: node.children.map(toOpenSearchQuery) } };
    case 'or':
      return {
        bool: {
          should: node.children.map(toOpenSearchQuery),
          minimum_should_match: 1,
        },
      };
    case 'not':
      return { bool: { must_not: [toOpenSearchQuery(node.child)] } };
    case 'text': {
      if (node.mode === 'pattern') {
        return {
          wildcard: {
            'message.raw': { value: node.value, case_insensitive: true },
          },
        };
      }
      const text = words(node.value).join(' ');
      if (!text) return { match_all: {} };
      return node.mode === 'prefix'
        ? { match_phrase_prefix: { message: text } }
        : { match_phrase: { message: text } };
    }
    case 'term': {
      const field = fieldName(node.field);
      return node.wildcard
        ? {
            wildcard: {
              [field]: { value: String(node.value), case_insensitive: true },
            },
          }
        : { term: { [field]: node.value } };
    }
    case 'range': {
      const field =
        node.field.kind === 'column' ? 'severity_rank' : fieldName(node.field);
      const bounds: Record<string, number> = {};
      if (node.min !== undefined)
        bounds[node.minInclusive ? 'gte' : 'gt'] = node.min;
      if (node.max !== undefined)
        bounds[node.maxInclusive ? 'lte' : 'lt'] = node.max;
      return { range: { [field]: bounds } };
    }
    case 'exists':
      return { exists: { field: fieldName(node.field) } };
    default:
      throw new Error('unknown query node');
  }
}

/**
 * The index template every daily index takes: keywords for the event's
 * fields, text (with a keyword `raw` for wildcards) for the message, and
 * attributes' strings as keywords so `field:value` is exact.
 */
export function indexTemplate(prefix: string): Dsl {
  return {
    index_patterns: [`${prefix}-*`],
    template: {
      settings: { 'index.mapping.total_fields.limit': 2000 },
      mappings: {
        dynamic_templates: [
          {
            attribute_strings: {
              path_match: 'attributes.*',
              match_mapping_type: 'string',
              mapping: { type: 'keyword', ignore_above: 1024 },
            },
          },
        ],
        properties: {
          '@timestamp': {
            type: 'date',
            format: 'strict_date_optional_time||epoch_millis',
          },
          observedAt: { type: 'date' },
          id: { type: 'keyword' },
          severity: { type: 'keyword' },
          severity_rank: { type: 'byte' },
          service: { type: 'keyword' },
          entityRef: { type: 'keyword' },
          source: { type: 'keyword' },
          traceId: { type: 'keyword' },
          spanId: { type: 'keyword' },
          message: {
            type: 'text',
            fields: { raw: { type: 'keyword', ignore_above: 8191 } },
          },
          attributes: { type: 'object', dynamic: true },
        },
      },
    },
  };
}

interface EventDocument {
  '@timestamp': string;
  observedAt: string;
  id: string;
  severity: Severity;
  severity_rank: number;
  service?: string;
  entityRef?: string;
  source: string;
  traceId?: string;
  spanId?: string;
  message: string;
  attributes: LogEvent['attributes'];
}

function toDocument(event: LogEvent): EventDocument {
  const { timestamp, ...rest } = event;
  return {
    '@timestamp': timestamp,
    ...rest,
    severity_rank: SEVERITY_RANK[event.severity],
  };
}

function fromDocument(doc: EventDocument): LogEvent {
  const { '@timestamp': timestamp, severity_rank: _rank, ...rest } = doc;
  return { timestamp, ...rest };
}

type After = [number, string];
const isAfter = (value: unknown): value is After =>
  Array.isArray(value) &&
  value.length === 2 &&
  typeof value[0] === 'number' &&
  typeof value[1] === 'string';

/**
 * Events in OpenSearch through its official client: daily indices under an
 * index template, bulk ingest, queries in the query DSL, search_after pages
 * and date_histogram buckets.
 */
export class OpenSearchLogStore implements LogStore {
  readonly kind = 'opensearch' as const;
  readonly readOnly = false;
  private templateReady?: Promise<void>;

  static fromConfig(config: Config, logger: LoggerService): OpenSearchLogStore {
    const username = config.getOptionalString('username');
    const password = config.getOptionalString('password');
    return new OpenSearchLogStore(
      new Client({
        node: config.getString('node'),
        ...(username && password ? { auth: { username, password } } : {}),
      }),
      config.getOptionalString('indexPrefix') ?? 'pilothouse-logs',
      logger,
    );
  }

  constructor(
    private readonly client: Client,
    private readonly indexPrefix: string,
    private readonly logger?: LoggerService,
  ) {}

  private ensureTemplate(): Promise<void> {
    this.templateReady ??= this.client.indices
      .putIndexTemplate({
        name: this.indexPrefix,
        body: indexTemplate(this.indexPrefix) as any,
      })
      .then(() => undefined)
      .catch(error => {
        this.templateReady = undefined;
        throw error;
      });
    return this.templateReady;
  }

  private indexOf(event: LogEvent): string {
    return `${this.indexPrefix}-${event.timestamp
      .slice(0, 10)
      .replace(/-/g, '.')}`;
  }

  async append(events: LogEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.ensureTemplate();
    const body = events.flatMap(event => [
      { index: { _index: this.indexOf(event), _id: event.id } },
      toDocument(event),
    ]);
    const response = await this.client.bulk({ body: body as any });
    const result = response.body as {
      errors?: boolean;
      items?: Array<
        Record<
          string,
          { status: number; error?: { type?: string; reason?: string } }
        >
      >;
    };
    if (result.errors) {
      const failed = (result.items ?? [])
        .map(item => Object.values(item)[0])
        .filter(item => item && item.status >= 300);
      this.logger?.warn('OpenSearch rejected log events', {
        failed: failed.length,
        first: failed[0]?.error?.reason ?? failed[0]?.error?.type,
      });
      if (failed.length === events.length) {
        throw new Error(
          `OpenSearch rejected the batch: ${
            failed[0]?.error?.reason ?? 'unknown reason'
          }`,
        );
      }
    }
  }

  private filter(request: {
    query: QueryNode;
    range: LogSearchRequest['range'];
  }): Dsl {
    return {
      bool: {
        filter: [
          {
            range: {
              '@timestamp': {
                gte: request.range.from,
                lt: request.range.to,
                format: 'epoch_millis',
              },
            },
          },
          toOpenSearchQuery(request.query),
        ],
      },
    };
  }

  async search(request: LogSearchRequest): Promise<SearchResponse> {
    let after: After | undefined;
    if (request.cursor) {
      after = decodeCursor(request.cursor, isAfter);
      if (!after)
        throw new InputError('cursor: not a cursor this search gave out');
    }
    const response = await this.client.search({
      index: `${this.indexPrefix}-*`,
      body: {
        query: this.filter(request),
        sort: [{ '@timestamp': 'desc' }, { id: 'desc' }],
        size: request.limit + 1,
        track_total_hits: TOTAL_COUNT_CAP,
        ...(after ? { search_after: after } : {}),
      } as any,
    });
    const body = response.body as {
      hits: {
        total?: { value: number; relation: 'eq' | 'gte' } | number;
        hits: Array<{ _source: EventDocument; sort?: unknown[] }>;
      };
    };
    const hits = body.hits.hits;
    const total =
      typeof body.hits.total === 'number'
        ? { value: body.hits.total, relation: 'eq' }
        : body.hits.total ?? { value: hits.length, relation: 'eq' };
    const result: SearchResponse = {
      events: hits
        .slice(0, request.limit)
        .map(hit => fromDocument(hit._source)),
      total: total.value,
    };
    if (total.relation === 'gte') result.totalIsLowerBound = true;
    if (hits.length > request.limit) {
      const sort = hits[request.limit - 1].sort;
      if (sort && isAfter(sort)) result.nextCursor = encodeCursor(sort);
    }
    return result;
  }

  async histogram(request: LogHistogramRequest): Promise<HistogramBucket[]> {
    const response = await this.client.search({
      index: `${this.indexPrefix}-*`,
      body: {
        size: 0,
        query: this.filter(request),
        aggs: {
          over_time: {
            date_histogram: {
              field: '@timestamp',
              fixed_interval: `${request.intervalMs}ms`,
              min_doc_count: 1,
            },
            aggs: {
              errors: {
                filter: {
                  range: { severity_rank: { gte: SEVERITY_RANK.error } },
                },
              },
            },
          },
        },
      } as any,
    });
    const body = response.body as {
      aggregations?: {
        over_time?: {
          buckets: Array<{
            key: number;
            doc_count: number;
            errors?: { doc_count: number };
          }>;
        };
      };
    };
    return (body.aggregations?.over_time?.buckets ?? []).map(bucket => ({
      t: new Date(bucket.key).toISOString(),
      count: bucket.doc_count,
      errors: bucket.errors?.doc_count ?? 0,
    }));
  }

  async getByIds(ids: string[]): Promise<LogEvent[]> {
    if (ids.length === 0) return [];
    const response = await this.client.search({
      index: `${this.indexPrefix}-*`,
      body: {
        query: { terms: { id: ids } },
        size: ids.length,
        sort: [{ '@timestamp': 'desc' }],
      } as any,
    });
    const body = response.body as {
      hits: { hits: Array<{ _source: EventDocument }> };
    };
    return body.hits.hits.map(hit => fromDocument(hit._source));
  }
}

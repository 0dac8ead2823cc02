import { createHash } from 'node:crypto';
import type { Config } from '@backstage/config';
import { InputError, NotAllowedError, ResponseError } from '@backstage/errors';
import type {
  HistogramBucket,
  JsonValue,
  LogEvent,
  SearchResponse,
  Severity,
} from '@pilothouse/plugin-log-search-common';
import { normaliseSeverity } from '../../ingest/normalize';
import { FieldRef, QueryNode, SEVERITY_RANK, words } from '../../query/ast';
import {
  decodeCursor,
  encodeCursor,
  LogHistogramRequest,
  LogSearchRequest,
  LogStore,
} from '../LogStore';

export interface LokiLabels {
  /** The label that names the service (Loki 3's OTLP ingest: `service_name`). */
  service: string;
  /** The label or structured metadata with the level (`detected_level`). */
  level: string;
}

export const DEFAULT_LOKI_LABELS: LokiLabels = {
  service: 'service_name',
  level: 'detected_level',
};

/** A LogQL string literal. */
function quote(value: string): string {
  return JSON.stringify(value);
}

/** A field as a Loki label name: OTLP attributes have `_` for `.` there. */
function labelOf(field: FieldRef, labels: LokiLabels): string {
  if (field.kind === 'attribute')
    return field.key.replace(/[^A-Za-z0-9_]/g, '_');
  switch (field.column) {
    case 'service':
      return labels.service;
    case 'severity':
      return labels.level;
    case 'traceId':
      return 'trace_id';
    case 'spanId':
      return 'span_id';
    case 'entityRef':
      return 'entity_ref';
    default:
      return field.column;
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const WILDCARDS: Record<string, string> = { '*': '.*', '?': '.' };

function wildcardToRegex(pattern: string): string {
  return pattern
    .split('')
    .map(c => WILDCARDS[c] ?? escapeRegex(c))
    .join('');
}

/** A text node as a line filter regex (case-insensitive, whole words). */
function lineRegex(node: Extract<QueryNode, { type: 'text' }>): string {
  if (node.mode === 'pattern') return `(?is)^${wildcardToRegex(node.value)}$`;
  const terms = words(node.value).map(escapeRegex);
  const body = terms.join('[^\\pL\\pN]+');
  return node.mode === 'prefix' ? `(?i)\\b${body}` : `(?i)\\b${body}\\b`;
}

class NotLogQL extends InputError {}

/** A label filter expression; `negate` pushes a NOT inwards (De Morgan). */
function labelExpr(
  node: QueryNode,
  labels: LokiLabels,
  negate: boolean,
): string {
  switch (node.type) {
    case 'not':
      return labelExpr(node.child, labels, !negate);
    case 'and':
    case 'or': {
      const joinOr = (node.type === 'or') !== negate;
      return `(${node.children
        .map(child => labelExpr(child, labels, negate))
        .join(joinOr ? ' or ' : ' and ')})`;
    }
    case 'term': {
      const label = labelOf(node.field, labels);
      if (node.wildcard) {
        return `${label}${negate ? '!~' : '=~'}${quote(
          `(?i)${wildcardToRegex(String(node.value))}`,
        )}`;
      }
      return `${label}${negate ? '!=' : '='}${quote(String(node.value))}`;
    }
    case 'exists': {
      const label = labelOf(node.field, labels);
      return `${label}${negate ? '=' : '!='}""`;
    }
    case 'range': {
      if (node.field.kind === 'column') {
        // Level ranges as the set of level names in the range.
        const names = (Object.keys(SEVERITY_RANK) as Severity[]).filter(
          name => {
            const rank = SEVERITY_RANK[name];
            const aboveMin =
              node.min === undefined ||
              (node.minInclusive ? rank >= node.min : rank > node.min);
            const belowMax =
              node.max === undefined ||
              (node.maxInclusive ? rank <= node.max : rank < node.max);
            return aboveMin && belowMax;
          },
        );
        return `${labels.level}${negate ? '!~' : '=~'}${quote(
          `(?i)(${names.join('|')})`,
        )}`;
      }
      const label = labelOf(node.field, labels);
      const parts: string[] = [];
      if (node.min !== undefined) {
        parts.push(
          negate
            ? `${label} ${node.minInclusive ? '<' : '<='} ${node.min}`
            : `${label} ${node.minInclusive ? '>=' : '>'} ${node.min}`,
        );
      }
      if (node.max !== undefined) {
        parts.push(
          negate
            ? `${label} ${node.maxInclusive ? '>' : '>='} ${node.max}`
            : `${label} ${node.maxInclusive ? '<=' : '<'} ${node.max}`,
        );
      }
      return parts.length > 1
        ? `(${parts.join(negate ? ' or ' : ' and ')})`
        : parts[0];
    }
    default:
      throw new NotLogQL(
        'This query mixes message text into OR/NOT with fields, which LogQL cannot express; with the Loki store, put text at the top level (AND)',
      );
  }
}

/**
 * A query as LogQL: exact service terms at the top level become the stream
 * selector, top-level text becomes line filters (`|~`, `!~`), and the rest
 * label filter expressions (labels and structured metadata).
 */
export function toLogQL(
  node: QueryNode,
  labels: LokiLabels = DEFAULT_LOKI_LABELS,
): string {
  let parts: QueryNode[] = [node];
  if (node.type === 'and') parts = node.children;
  if (node.type === 'all') parts = [];
  const selectors: string[] = [];
  const pipeline: string[] = [];
  for (const part of parts) {
    if (
      part.type === 'term' &&
      !part.wildcard &&
      part.field.kind === 'column' &&
      part.field.column === 'service'
    ) {
      selectors.push(`${labels.service}=${quote(String(part.value))}`);
    } else if (part.type === 'text') {
      pipeline.push(`|~ ${quote(lineRegex(part))}`);
    } else if (part.type === 'not' && part.child.type === 'text') {
      pipeline.push(`!~ ${quote(lineRegex(part.child))}`);
    } else {
      pipeline.push(`| ${labelExpr(part, labels, false)}`);
    }
  }
  if (selectors.length === 0) selectors.push(`${labels.service}=~".+"`);
  return [`{${selectors.join(', ')}}`, ...pipeline].join(' ');
}

interface LokiStreams {
  resultType: 'streams';
  result: Array<{
    stream: Record<string, string>;
    values: Array<[string, string, Record<string, string>?]>;
  }>;
}
interface LokiMatrix {
  resultType: 'matrix';
  result: Array<{
    metric: Record<string, string>;
    values: Array<[number, string]>;
  }>;
}

const NS_PER_MS = 1_000_000n;
const isNs = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{1,25}$/.test(value);

/** A Loki line and its labels as an event; the id is stable across reads. */
export function lokiLineToEvent(
  labels: Record<string, string>,
  tsNs: string,
  line: string,
  names: LokiLabels = DEFAULT_LOKI_LABELS,
): LogEvent {
  const attributes: Record<string, JsonValue> = { ...labels };
  const service = labels[names.service];
  delete attributes[names.service];
  const severity =
    normaliseSeverity(
      labels[names.level] ?? labels.level ?? labels.severity_text,
    ) ?? 'info';
  delete attributes[names.level];
  const timestamp = new Date(Number(BigInt(tsNs) / NS_PER_MS)).toISOString();
  const id = createHash('sha256')
    .update(`${tsNs}\n${JSON.stringify(labels)}\n${line}`)
    .digest('hex')
    .slice(0, 32);
  return {
    id,
    timestamp,
    observedAt: timestamp,
    severity,
    message: line,
    source: 'loki',
    attributes,
    ...(service ? { service } : {}),
  };
}

/**
 * Read-only search over Loki's HTTP API (`/loki/api/v1/query_range`): for
 * teams that already ship their logs to Loki. Ingest goes to Loki itself.
 */
export class LokiLogStore implements LogStore {
  readonly kind = 'loki' as const;
  readonly readOnly = true;

  static fromConfig(config: Config): LokiLogStore {
    return new LokiLogStore({
      url: config.getString('url'),
      tenant: config.getOptionalString('tenant'),
      bearerToken: config.getOptionalString('bearerToken'),
    });
  }

  constructor(
    private readonly options: {
      url: string;
      tenant?: string;
      bearerToken?: string;
      labels?: LokiLabels;
      fetch?: typeof fetch;
    },
  ) {}

  private get labels() {
    return this.options.labels ?? DEFAULT_LOKI_LABELS;
  }

  private async queryRange<T>(params: Record<string, string>): Promise<T> {
    const url = new URL('/loki/api/v1/query_range', this.options.url);
    for (const [key, value] of Object.entries(params))
      url.searchParams.set(key, value);
    const headers: Record<string, string> = {};
    if (this.options.tenant) headers['X-Scope-OrgID'] = this.options.tenant;
    if (this.options.bearerToken)
      headers.Authorization = `Bearer ${this.options.bearerToken}`;
    const response = await (this.options.fetch ?? fetch)(url, { headers });
    if (!response.ok) {
      if (response.status === 400) {
        throw new InputError(
          `Loki refused the query: ${(await response.text()).trim()}`,
        );
      }
      throw await ResponseError.fromResponse(response as any);
    }
    const body = (await response.json()) as { status: string; data: T };
    return body.data;
  }

  async append(): Promise<void> {
    throw new NotAllowedError(
      'The Loki log store is read only: send logs to Loki itself',
    );
  }

  async search(request: LogSearchRequest): Promise<SearchResponse> {
    let endNs = BigInt(request.range.to) * NS_PER_MS;
    if (request.cursor) {
      const position = decodeCursor(
        request.cursor,
        (v): v is [string] => Array.isArray(v) && isNs(v[0]),
      );
      if (!position)
        throw new InputError('cursor: not a cursor this search gave out');
      endNs = BigInt(position[0]);
    }
    const data = await this.queryRange<LokiStreams>({
      query: toLogQL(request.query, this.labels),
      start: String(BigInt(request.range.from) * NS_PER_MS),
      end: String(endNs),
      limit: String(request.limit + 1),
      direction: 'backward',
    });
    const lines = data.result
      .flatMap(stream =>
        stream.values.map(([ts, line, metadata]) => ({
          ts,
          event: lokiLineToEvent(
            { ...stream.stream, ...(metadata ?? {}) },
            ts,
            line,
            this.labels,
          ),
        })),
      )
      .sort((a, b) => Number(BigInt(b.ts) - BigInt(a.ts)));
    const page = lines.slice(0, request.limit);
    const result: SearchResponse = {
      events: page.map(l => l.event),
      total: page.length,
    };
    if (lines.length > request.limit) {
      // Loki counts nothing: the total is what was read, at least.
      result.totalIsLowerBound = true;
      // Loki's end is exclusive: the next page ends where this one stopped.
      result.nextCursor = encodeCursor([page[page.length - 1].ts]);
    }
    return result;
  }

  async histogram(request: LogHistogramRequest): Promise<HistogramBucket[]> {
    const interval = request.intervalMs;
    const logql = toLogQL(request.query, this.labels);
    const errors = `${logql} | ${this.labels.level}=~"(?i)(error|fatal|critical)"`;
    const window = `${Math.round(interval / 1000)}s`;
    // Each point counts the window before it: start one interval after the
    // first aligned bucket so a point at t is the bucket [t - interval, t).
    const first =
      Math.floor(request.range.from / interval) * interval + interval;
    const params = {
      start: String(BigInt(first) * NS_PER_MS),
      end: String(BigInt(request.range.to + interval) * NS_PER_MS),
      step: window,
    };
    const [counts, errorCounts] = await Promise.all([
      this.queryRange<LokiMatrix>({
        ...params,
        query: `sum(count_over_time(${logql} [${window}]))`,
      }),
      this.queryRange<LokiMatrix>({
        ...params,
        query: `sum(count_over_time(${errors} [${window}]))`,
      }),
    ]);
    const errorsAt = new Map(
      (errorCounts.result[0]?.values ?? []).map(([t, v]) => [
        Math.round(t * 1000),
        Number(v),
      ]),
    );
    return (counts.result[0]?.values ?? [])
      .map(([t, v]) => ({ end: Math.round(t * 1000), count: Number(v) }))
      .filter(point => point.count > 0)
      .map(point => ({
        t: new Date(point.end - interval).toISOString(),
        count: point.count,
        errors: errorsAt.get(point.end) ?? 0,
      }));
  }

  async getByIds(): Promise<LogEvent[]> {
    // Loki has no lookup by id; detections keep their own copies.
    return [];
  }
}

import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type {
  HistogramBucket,
  LogEvent,
  SearchResponse,
  Severity,
} from '@pilothouse/plugin-log-search-common';
import type { Knex } from 'knex';
import { SEVERITY_RANK } from '../../query/ast';
import {
  decodeCursor,
  encodeCursor,
  LogHistogramRequest,
  LogSearchRequest,
  LogStore,
  TOTAL_COUNT_CAP,
} from '../LogStore';
import { ERROR_SEVERITY_RANK, SqlDialect, toSql } from './sqlQuery';

const EVENTS = 'log_events';
/** Rows per INSERT: under SQLite's and PostgreSQL's bound-parameter limits. */
const INSERT_CHUNK = 500;

interface EventRow {
  seq: number | string;
  id: string;
  ts: number | string;
  observed_ts: number | string;
  severity: string;
  severity_rank: number;
  service: string | null;
  entity_ref: string | null;
  source: string;
  trace_id: string | null;
  span_id: string | null;
  message: string;
  attributes: string | Record<string, unknown>;
  bytes: number;
}

const INSERT_COLUMNS = [
  'id',
  'ts',
  'observed_ts',
  'severity',
  'severity_rank',
  'service',
  'entity_ref',
  'source',
  'trace_id',
  'span_id',
  'message',
  'attributes',
  'bytes',
] as const;

const SELECT_COLUMNS = [
  'seq',
  'id',
  'ts',
  'observed_ts',
  'severity',
  'service',
  'entity_ref',
  'source',
  'trace_id',
  'span_id',
  'message',
  'attributes',
];

function toRow(event: LogEvent): Omit<EventRow, 'seq'> {
  const attributes = JSON.stringify(event.attributes);
  return {
    id: event.id,
    ts: Date.parse(event.timestamp),
    observed_ts: Date.parse(event.observedAt),
    severity: event.severity,
    severity_rank: SEVERITY_RANK[event.severity],
    service: event.service ?? null,
    entity_ref: event.entityRef ?? null,
    source: event.source,
    trace_id: event.traceId ?? null,
    span_id: event.spanId ?? null,
    message: event.message,
    attributes,
    bytes:
      Buffer.byteLength(event.message) + Buffer.byteLength(attributes) + 64,
  };
}

function fromRow(row: EventRow): LogEvent {
  const event: LogEvent = {
    id: row.id,
    timestamp: new Date(Number(row.ts)).toISOString(),
    observedAt: new Date(Number(row.observed_ts)).toISOString(),
    severity: row.severity as Severity,
    message: row.message,
    source: row.source,
    attributes:
      typeof row.attributes === 'string'
        ? JSON.parse(row.attributes)
        : (row.attributes as LogEvent['attributes']),
  };
  if (row.service !== null) event.service = row.service;
  if (row.entity_ref !== null) event.entityRef = row.entity_ref;
  if (row.trace_id !== null) event.traceId = row.trace_id;
  if (row.span_id !== null) event.spanId = row.span_id;
  return event;
}

type Position = [ts: number, seq: number];
const isPosition = (value: unknown): value is Position =>
  Array.isArray(value) &&
  value.length === 2 &&
  value.every(v => typeof v === 'number' && Number.isFinite(v));

export interface RetentionPolicy {
  /** Events older than this are deleted. */
  maxAgeMs?: number;
  /** The oldest events are deleted while the stored size is over this. */
  maxBytes?: number;
}

/**
 * The embedded store: the plugin's own database through Backstage's
 * database service. Full text runs on SQLite's FTS5 or PostgreSQL's
 * tsvector index; fields are columns or JSON attributes.
 */
export class DatabaseLogStore implements LogStore {
  readonly kind = 'embedded' as const;
  readonly readOnly = false;
  private readonly dialect: SqlDialect;

  constructor(
    private readonly knex: Knex,
    private readonly logger?: LoggerService,
  ) {
    this.dialect = knex.client.config.client === 'pg' ? 'pg' : 'sqlite';
  }

  async append(events: LogEvent[]): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map(toRow);
    // The statement text is built once per chunk size: knex's query builder
    // costs more than SQLite's insert itself at thousands of bindings.
    const insert = async (tx: Knex.Transaction, chunk: typeof rows) => {
      const values = `(${INSERT_COLUMNS.map(() => '?').join(', ')})`;
      await tx.raw(
        `INSERT INTO ${EVENTS} (${INSERT_COLUMNS.join(', ')}) VALUES ${chunk
          .map(() => values)
          .join(', ')}`,
        chunk.flatMap(row => INSERT_COLUMNS.map(column => row[column])),
      );
    };
    await this.knex.transaction(async tx => {
      if (this.dialect === 'pg') {
        for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
          await insert(tx, rows.slice(i, i + INSERT_CHUNK));
        }
        return;
      }
      // SQLite: the FTS rows take the new rows' seq as rowid. The write lock
      // is held from the first statement, so nothing else inserts between.
      const before = await tx(EVENTS).max({ seq: 'seq' }).first();
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        await insert(tx, rows.slice(i, i + INSERT_CHUNK));
      }
      await tx.raw(
        `INSERT INTO log_events_fts (rowid, message)
           SELECT seq, message FROM log_events WHERE seq > ?`,
        [Number(before?.seq ?? 0)],
      );
    });
  }

  private filtered(request: {
    query: LogSearchRequest['query'];
    range: LogSearchRequest['range'];
  }) {
    const where = toSql(request.query, this.dialect);
    return this.knex(EVENTS)
      .where('ts', '>=', request.range.from)
      .andWhere('ts', '<', request.range.to)
      .andWhereRaw(where.sql, where.bindings);
  }

  async search(request: LogSearchRequest): Promise<SearchResponse> {
    let position: Position | undefined;
    if (request.cursor) {
      position = decodeCursor(request.cursor, isPosition);
      if (!position)
        throw new InputError('cursor: not a cursor this search gave out');
    }
    const newestFirst = [
      { column: 'ts', order: 'desc' },
      { column: 'seq', order: 'desc' },
    ];
    // The page's keys first, then its rows: sorting the matches by time
    // then carries two numbers each, not every match's message and
    // attributes (at a million events, `service:x AND level:y` went from
    // sorting 3,000 whole rows to 3,000 index entries).
    const keys = this.filtered(request).select('seq');
    if (position) {
      const [ts, seq] = position;
      keys.andWhere(inner =>
        inner
          .where('ts', '<', ts)
          .orWhere(eq => eq.where('ts', ts).andWhere('seq', '<', seq)),
      );
    }
    keys.orderBy(newestFirst).limit(request.limit + 1);
    const rows = (await this.knex(EVENTS)
      .select(SELECT_COLUMNS)
      .whereIn('seq', keys)
      .orderBy(newestFirst)) as EventRow[];

    const counted = await this.knex
      .count({ n: '*' })
      .from(
        this.filtered(request)
          .select(this.knex.raw('1'))
          .limit(TOTAL_COUNT_CAP + 1)
          .as('matches'),
      )
      .first();
    const total = Number(counted?.n ?? 0);

    const events = rows.slice(0, request.limit).map(fromRow);
    const response: SearchResponse = {
      events,
      total: Math.min(total, TOTAL_COUNT_CAP),
    };
    if (total > TOTAL_COUNT_CAP) response.totalIsLowerBound = true;
    if (rows.length > request.limit) {
      const last = rows[request.limit - 1];
      response.nextCursor = encodeCursor([Number(last.ts), Number(last.seq)]);
    }
    return response;
  }

  async histogram(request: LogHistogramRequest): Promise<HistogramBucket[]> {
    const interval = Math.max(1, Math.floor(request.intervalMs));
    const rows = (await this.filtered(request)
      .select(
        // Inlined: better-sqlite3 binds numbers as REAL, and the division
        // must be an integer one. `interval` is an integer computed here.
        this.knex.raw(`(ts / ${interval}) * ${interval} as bucket`),
        this.knex.raw('count(*) as count'),
        this.knex.raw(
          'sum(case when severity_rank >= ? then 1 else 0 end) as errors',
          [ERROR_SEVERITY_RANK],
        ),
      )
      .groupBy('bucket')
      .orderBy('bucket')) as Array<{
      bucket: number | string;
      count: number | string;
      errors: number | string | null;
    }>;
    return rows.map(row => ({
      t: new Date(Number(row.bucket)).toISOString(),
      count: Number(row.count),
      errors: Number(row.errors ?? 0),
    }));
  }

  async getByIds(ids: string[]): Promise<LogEvent[]> {
    if (ids.length === 0) return [];
    const rows = (await this.knex(EVENTS)
      .select(SELECT_COLUMNS)
      .whereIn('id', ids)
      .orderBy([
        { column: 'ts', order: 'desc' },
        { column: 'seq', order: 'desc' },
      ])) as EventRow[];
    return rows.map(fromRow);
  }

  /** Deletes events past the age limit, then the oldest while over the size. */
  async retain(policy: RetentionPolicy, now = Date.now()): Promise<number> {
    let deleted = 0;
    if (policy.maxAgeMs !== undefined) {
      const cutoff = now - policy.maxAgeMs;
      deleted += await this.deleteWhere(q => q.where('ts', '<', cutoff));
    }
    if (policy.maxBytes !== undefined) {
      // The newest events that fit; everything at or below the first that
      // does not is deleted (in arrival order, which is storage order).
      const over = await this.knex
        .select('seq')
        .from(
          this.knex(EVENTS)
            .select(
              'seq',
              this.knex.raw('sum(bytes) over (order by seq desc) as running'),
            )
            .as('sized'),
        )
        .where('running', '>', policy.maxBytes)
        .orderBy('seq', 'desc')
        .first();
      if (over) {
        const seq = Number(over.seq);
        deleted += await this.deleteWhere(q => q.where('seq', '<=', seq));
      }
    }
    if (deleted > 0) {
      this.logger?.info('log retention deleted events', { deleted });
    }
    // Fresh statistics let the planner pick the service index over the time
    // index for field queries.
    await this.knex.raw(`ANALYZE ${EVENTS}`);
    return deleted;
  }

  private async deleteWhere(
    filter: (query: Knex.QueryBuilder) => Knex.QueryBuilder,
  ): Promise<number> {
    return this.knex.transaction(async tx => {
      if (this.dialect === 'sqlite') {
        await tx.raw(
          `DELETE FROM log_events_fts WHERE rowid IN (${filter(
            tx(EVENTS).select('seq'),
          ).toQuery()})`,
        );
      }
      return Number(await filter(tx(EVENTS)).delete());
    });
  }

  /** How many events are stored and their size, for the retention log. */
  async stats(): Promise<{ events: number; bytes: number }> {
    const row = await this.knex(EVENTS)
      .count({ n: '*' })
      .sum({ b: 'bytes' })
      .first();
    return { events: Number(row?.n ?? 0), bytes: Number(row?.b ?? 0) };
  }
}

import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  Detection,
  DetectionLevel,
  DetectionStatus,
  LogEvent,
} from '@pilothouse/plugin-log-search-common';
import { createHash, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { StoredWindow, WindowState } from '../sigma/correlation';

/** Our own migrations table, so the log-search plugin's never sees ours. */
export const MIGRATIONS_TABLE = 'knex_migrations_log_search_detections';

export const migrationsDirectory = resolvePackagePath(
  '@pilothouse/plugin-log-search-backend-module-detections',
  'migrations',
);

/** Matches of one rule for one group key, from one batch. */
export interface DetectionHit {
  ruleId: string;
  ruleTitle: string;
  level: DetectionLevel;
  attack: string[];
  entityRef?: string;
  groupKey: string;
  /** How many matches (or correlation hits) this adds. */
  count: number;
  /** The matching events, any order. */
  events: LogEvent[];
}

export interface DetectionFilter {
  /** lastSeen at or after (ISO 8601). */
  since?: string;
  status?: DetectionStatus[];
  level?: DetectionLevel[];
  entityRef?: string;
  ruleId?: string;
  limit?: number;
}

export interface ServiceCount {
  service: string;
  /** Minutes since the epoch. */
  minute: number;
  total: number;
  errors: number;
  entityRef?: string;
}

export interface RecordOptions {
  /** A hit joins an unresolved detection of its rule and group last seen this recently. */
  groupWindowMs: number;
  /** Events kept per detection, newest first. */
  maxEvents: number;
}

export interface DetectionStore {
  /** Stores hits, grouping them into detections; says which detections are new. */
  record(
    hits: DetectionHit[],
    options: RecordOptions,
  ): Promise<Array<{ detection: Detection; created: boolean }>>;
  list(filter: DetectionFilter): Promise<Detection[]>;
  get(id: string): Promise<{ detection: Detection; events: LogEvent[] }>;
  acknowledge(id: string, by: string, note?: string): Promise<Detection>;
  resolve(id: string, by: string, note?: string): Promise<Detection>;
  saveWindows(windows: StoredWindow[]): Promise<void>;
  /** Windows that have not expired at `now` (ms). */
  loadWindows(now: number): Promise<StoredWindow[]>;
  deleteExpiredWindows(now: number): Promise<number>;
  addCounts(counts: ServiceCount[]): Promise<void>;
  /** Per-minute counts in [fromMinute, toMinute). */
  counts(fromMinute: number, toMinute: number): Promise<ServiceCount[]>;
  pruneCounts(beforeMinute: number): Promise<number>;
}

interface DetectionRow {
  id: string;
  rule_id: string;
  rule_title: string;
  level: string;
  status: string;
  attack: string;
  entity_ref: string | null;
  group_key: string;
  count: number | string;
  first_seen: string;
  last_seen: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
  note: string | null;
}

const DETECTIONS = 'log_search_detections';
const EVENTS = 'log_search_detection_events';
const WINDOWS = 'log_search_correlation_windows';
const COUNTS = 'log_search_service_counts';

export async function applyMigrations(knex: Knex) {
  await knex.migrate.latest({
    directory: migrationsDirectory,
    tableName: MIGRATIONS_TABLE,
  });
}

export class DatabaseDetectionStore implements DetectionStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseDetectionStore> {
    const knex = await options.database.getClient();
    if (!options.database.migrations?.skip) await applyMigrations(knex);
    return new DatabaseDetectionStore(knex);
  }

  constructor(private readonly db: Knex) {}

  async record(hits: DetectionHit[], options: RecordOptions) {
    const results: Array<{ detection: Detection; created: boolean }> = [];
    for (const hit of hits) {
      const events = [...hit.events].sort((a, b) =>
        isoTime(b).localeCompare(isoTime(a)),
      );
      const newest = events.length
        ? isoTime(events[0])
        : new Date().toISOString();
      const oldest = events.length
        ? isoTime(events[events.length - 1])
        : newest;
      const after = new Date(
        Date.parse(newest) - options.groupWindowMs,
      ).toISOString();
      const entityRef =
        hit.entityRef ?? events.find(e => e.entityRef)?.entityRef;
      const result = await this.db.transaction(async tx => {
        const existing: DetectionRow | undefined = await tx(DETECTIONS)
          .where({ rule_id: hit.ruleId, group_key: hit.groupKey })
          .whereNot('status', 'resolved')
          .where('last_seen', '>=', after)
          .orderBy('last_seen', 'desc')
          .first();
        let id: string;
        let created = false;
        if (existing) {
          id = existing.id;
          // The same events again (an anomaly interval judged twice, a
          // batch delivered twice) are not new occurrences.
          const seen =
            events.length > 0
              ? await tx(EVENTS)
                  .where({ detection_id: id })
                  .whereIn(
                    'event_id',
                    events.map(e => e.id),
                  )
                  .count({ n: '*' })
                  .first()
              : undefined;
          const repeated = events.length > 0 && Number(seen?.n) === events.length;
          await tx(DETECTIONS)
            .where({ id })
            .update({
              count: tx.raw('?? + ?', ['count', repeated ? 0 : hit.count]),
              last_seen:
                newest > existing.last_seen ? newest : existing.last_seen,
              first_seen:
                oldest < existing.first_seen ? oldest : existing.first_seen,
              ...(existing.entity_ref || !entityRef
                ? {}
                : { entity_ref: entityRef }),
            });
        } else {
          id = randomUUID();
          created = true;
          await tx(DETECTIONS).insert({
            id,
            rule_id: hit.ruleId,
            rule_title: hit.ruleTitle,
            level: hit.level,
            status: 'open',
            attack: JSON.stringify(hit.attack),
            entity_ref: entityRef ?? null,
            group_key: hit.groupKey,
            count: hit.count,
            first_seen: oldest,
            last_seen: newest,
          });
        }
        const kept = events.slice(0, options.maxEvents);
        if (kept.length > 0) {
          await tx(EVENTS)
            .insert(
              kept.map(e => ({
                detection_id: id,
                event_id: e.id,
                event_time: isoTime(e),
                event: JSON.stringify(e),
              })),
            )
            .onConflict(['detection_id', 'event_id'])
            .ignore();
          const keep = tx(EVENTS)
            .select('event_id')
            .where({ detection_id: id })
            .orderBy([
              { column: 'event_time', order: 'desc' },
              { column: 'event_id', order: 'desc' },
            ])
            .limit(options.maxEvents);
          // Wrapped once more so MySQL-like engines accept LIMIT in the subquery.
          await tx(EVENTS)
            .where({ detection_id: id })
            .whereNotIn('event_id', tx.select('event_id').from(keep.as('kept')))
            .delete();
        }
        return { id, created };
      });
      const stored = await this.get(result.id);
      results.push({ detection: stored.detection, created: result.created });
    }
    return results;
  }

  async list(filter: DetectionFilter): Promise<Detection[]> {
    const query = this.db<DetectionRow>(DETECTIONS).orderBy(
      'last_seen',
      'desc',
    );
    if (filter.since) query.where('last_seen', '>=', filter.since);
    if (filter.status?.length) query.whereIn('status', filter.status);
    if (filter.level?.length) query.whereIn('level', filter.level);
    if (filter.entityRef) query.where('entity_ref', filter.entityRef);
    if (filter.ruleId) query.where('rule_id', filter.ruleId);
    query.limit(filter.limit ?? 100);
    const rows = await query;
    const ids = await this.eventIds(rows.map(r => r.id));
    return rows.map(row => toDetection(row, ids.get(row.id) ?? []));
  }

  async get(id: string) {
    const row: DetectionRow | undefined = await this.db(DETECTIONS)
      .where({ id })
      .first();
    if (!row) throw new NotFoundError(`No detection "${id}"`);
    const events = await this.db(EVENTS)
      .where({ detection_id: id })
      .orderBy([
        { column: 'event_time', order: 'desc' },
        { column: 'event_id', order: 'desc' },
      ]);
    return {
      detection: toDetection(
        row,
        events.map(e => e.event_id),
      ),
      events: events.map(e => JSON.parse(e.event) as LogEvent),
    };
  }

  async acknowledge(id: string, by: string, note?: string) {
    const { detection } = await this.get(id);
    if (detection.status !== 'open') {
      throw new ConflictError(
        `Detection "${id}" is ${detection.status}${
          detection.status === 'acknowledged'
            ? ` by ${detection.acknowledgedBy}`
            : ''
        }; only an open detection can be acknowledged`,
      );
    }
    await this.db(DETECTIONS)
      .where({ id, status: 'open' })
      .update({
        status: 'acknowledged',
        acknowledged_by: by,
        acknowledged_at: new Date().toISOString(),
        ...(note !== undefined ? { note } : {}),
      });
    return (await this.get(id)).detection;
  }

  async resolve(id: string, by: string, note?: string) {
    const { detection } = await this.get(id);
    if (detection.status === 'resolved') {
      throw new ConflictError(
        `Detection "${id}" was already resolved by ${detection.resolvedBy} at ${detection.resolvedAt}`,
      );
    }
    await this.db(DETECTIONS)
      .where({ id })
      .whereNot('status', 'resolved')
      .update({
        status: 'resolved',
        resolved_by: by,
        resolved_at: new Date().toISOString(),
        ...(note !== undefined ? { note } : {}),
      });
    return (await this.get(id)).detection;
  }

  async saveWindows(windows: StoredWindow[]) {
    if (windows.length === 0) return;
    const rows = windows.map(w => ({
      window_id: createHash('sha256')
        .update(JSON.stringify([w.correlationId, w.groupKey]))
        .digest('hex'),
      correlation_id: w.correlationId,
      group_key: w.groupKey,
      state: JSON.stringify(w.state),
      expires_at: w.expiresAt,
    }));
    for (let i = 0; i < rows.length; i += 200) {
      await this.db(WINDOWS)
        .insert(rows.slice(i, i + 200))
        .onConflict('window_id')
        .merge(['state', 'expires_at']);
    }
  }

  async loadWindows(now: number): Promise<StoredWindow[]> {
    const rows = await this.db(WINDOWS).where('expires_at', '>=', now);
    return rows.map(r => ({
      correlationId: r.correlation_id,
      groupKey: r.group_key,
      state: JSON.parse(r.state) as WindowState,
      expiresAt: Number(r.expires_at),
    }));
  }

  async deleteExpiredWindows(now: number) {
    return this.db(WINDOWS).where('expires_at', '<', now).delete();
  }

  async addCounts(counts: ServiceCount[]) {
    for (let i = 0; i < counts.length; i += 200) {
      await this.db(COUNTS)
        .insert(
          counts.slice(i, i + 200).map(c => ({
            service: c.service,
            minute: c.minute,
            total: c.total,
            errors: c.errors,
            entity_ref: c.entityRef ?? null,
          })),
        )
        .onConflict(['service', 'minute'])
        .merge({
          total: this.db.raw('??.?? + excluded.??', [COUNTS, 'total', 'total']),
          errors: this.db.raw('??.?? + excluded.??', [
            COUNTS,
            'errors',
            'errors',
          ]),
          entity_ref: this.db.raw('coalesce(excluded.??, ??.??)', [
            'entity_ref',
            COUNTS,
            'entity_ref',
          ]),
        });
    }
  }

  async counts(fromMinute: number, toMinute: number): Promise<ServiceCount[]> {
    const rows = await this.db(COUNTS)
      .where('minute', '>=', fromMinute)
      .where('minute', '<', toMinute)
      .orderBy(['service', 'minute']);
    return rows.map(r => ({
      service: r.service,
      minute: Number(r.minute),
      total: Number(r.total),
      errors: Number(r.errors),
      ...(r.entity_ref ? { entityRef: r.entity_ref } : {}),
    }));
  }

  async pruneCounts(beforeMinute: number) {
    return this.db(COUNTS).where('minute', '<', beforeMinute).delete();
  }

  private async eventIds(detectionIds: string[]) {
    const map = new Map<string, string[]>();
    for (let i = 0; i < detectionIds.length; i += 500) {
      const rows = await this.db(EVENTS)
        .select('detection_id', 'event_id')
        .whereIn('detection_id', detectionIds.slice(i, i + 500))
        .orderBy([
          { column: 'event_time', order: 'desc' },
          { column: 'event_id', order: 'desc' },
        ]);
      for (const row of rows) {
        const list = map.get(row.detection_id) ?? [];
        list.push(row.event_id);
        map.set(row.detection_id, list);
      }
    }
    return map;
  }
}

/** Event times as `toISOString` writes them, so they sort as text. */
function isoTime(event: LogEvent): string {
  const t = Date.parse(event.timestamp);
  return Number.isNaN(t) ? event.observedAt : new Date(t).toISOString();
}

function toDetection(row: DetectionRow, eventIds: string[]): Detection {
  return {
    id: row.id,
    ruleId: row.rule_id,
    ruleTitle: row.rule_title,
    level: row.level as DetectionLevel,
    status: row.status as DetectionStatus,
    attack: JSON.parse(row.attack) as string[],
    ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
    groupKey: row.group_key,
    count: Number(row.count),
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    eventIds,
    ...(row.acknowledged_by ? { acknowledgedBy: row.acknowledged_by } : {}),
    ...(row.acknowledged_at ? { acknowledgedAt: row.acknowledged_at } : {}),
    ...(row.resolved_by ? { resolvedBy: row.resolved_by } : {}),
    ...(row.resolved_at ? { resolvedAt: row.resolved_at } : {}),
    ...(row.note ? { note: row.note } : {}),
  };
}

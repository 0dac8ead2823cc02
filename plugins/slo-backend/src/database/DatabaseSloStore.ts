import type { SloSummary } from '@pilothouse/plugin-slo-common';
import type { Knex } from 'knex';

/** The part of an SloSummary that an evaluation computes. */
export type SloFigures = Pick<
  SloSummary,
  | 'objective'
  | 'window'
  | 'sli'
  | 'budgetTotal'
  | 'budgetConsumed'
  | 'budgetRemaining'
  | 'burnRates'
  | 'alerts'
  | 'status'
>;

export interface StoredEvaluation {
  entityRef: string;
  figures: SloFigures;
  /** When the SLO entered its current status (ISO 8601). */
  statusSince: string;
  /** Last successful evaluation (ISO 8601); absent when none succeeded yet. */
  evaluatedAt?: string;
  /** Why the latest attempt failed; absent when it succeeded. */
  error?: string;
  attemptedAt: string;
}

/** The last evaluation of each SLO. */
export interface SloStore {
  get(entityRef: string): Promise<StoredEvaluation | undefined>;
  list(): Promise<StoredEvaluation[]>;
  /** A successful evaluation; keeps `statusSince` while the status stays the same. */
  recordSuccess(entityRef: string, figures: SloFigures, at: Date): Promise<void>;
  /**
   * A failed attempt: the figures of the last success stay; an SLO never
   * evaluated gets `unknown` figures.
   */
  recordFailure(
    entityRef: string,
    error: string,
    at: Date,
    unknown: SloFigures,
  ): Promise<void>;
  /** Forgets SLOs that are no longer in the catalog. */
  retainOnly(entityRefs: string[]): Promise<number>;
}

const TABLE = 'slo_evaluations';

interface Row {
  entity_ref: string;
  summary: string;
  status: string;
  status_since: string;
  evaluated_at: string;
  error: string | null;
  attempted_at: string;
}

function fromRow(row: Row): StoredEvaluation {
  return {
    entityRef: row.entity_ref,
    figures: JSON.parse(row.summary),
    statusSince: row.status_since,
    evaluatedAt: row.evaluated_at || undefined,
    error: row.error ?? undefined,
    attemptedAt: row.attempted_at,
  };
}

export class DatabaseSloStore implements SloStore {
  static create(options: { knex: Knex }): DatabaseSloStore {
    return new DatabaseSloStore(options.knex);
  }

  private constructor(private readonly knex: Knex) {}

  async get(entityRef: string): Promise<StoredEvaluation | undefined> {
    const row = await this.knex<Row>(TABLE)
      .where({ entity_ref: entityRef })
      .first();
    return row ? fromRow(row) : undefined;
  }

  async list(): Promise<StoredEvaluation[]> {
    const rows = await this.knex<Row>(TABLE).orderBy('entity_ref');
    return rows.map(fromRow);
  }

  async recordSuccess(
    entityRef: string,
    figures: SloFigures,
    at: Date,
  ): Promise<void> {
    const now = at.toISOString();
    await this.knex.transaction(async tx => {
      const previous = await tx<Row>(TABLE)
        .where({ entity_ref: entityRef })
        .first();
      const since =
        previous &&
        previous.status === figures.status &&
        // A row that only ever failed holds placeholder figures.
        previous.evaluated_at !== ''
          ? previous.status_since
          : now;
      const row: Row = {
        entity_ref: entityRef,
        summary: JSON.stringify(figures),
        status: figures.status,
        status_since: since,
        evaluated_at: now,
        error: null,
        attempted_at: now,
      };
      await tx(TABLE).insert(row).onConflict('entity_ref').merge();
    });
  }

  async recordFailure(
    entityRef: string,
    error: string,
    at: Date,
    unknown: SloFigures,
  ): Promise<void> {
    const now = at.toISOString();
    const updated = await this.knex<Row>(TABLE)
      .where({ entity_ref: entityRef })
      .update({ error, attempted_at: now });
    if (updated === 0) {
      await this.knex<Row>(TABLE)
        .insert({
          entity_ref: entityRef,
          summary: JSON.stringify(unknown),
          status: unknown.status,
          status_since: now,
          evaluated_at: '',
          error,
          attempted_at: now,
        })
        .onConflict('entity_ref')
        .merge(['error', 'attempted_at']);
    }
  }

  async retainOnly(entityRefs: string[]): Promise<number> {
    const keep = new Set(entityRefs);
    const rows = await this.knex<Row>(TABLE).select('entity_ref');
    const gone = rows.map(r => r.entity_ref).filter(ref => !keep.has(ref));
    for (let i = 0; i < gone.length; i += 500) {
      await this.knex(TABLE)
        .whereIn('entity_ref', gone.slice(i, i + 500))
        .delete();
    }
    return gone.length;
  }
}

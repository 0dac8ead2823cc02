import type { DatabaseService } from '@backstage/backend-plugin-api';
import type {
  UsageReportQuery,
  UsageReportRow,
} from '@pilothouse/plugin-llm-gateway-common';
import type { Knex } from 'knex';
import { applyMigrations } from '../../database/migrations';

const USAGE = 'llm_gateway_usage';

export type UsageScope = UsageReportRow['scope'];

/**
 * Usage and cost per UTC day and subject, for reporting: counters in Redis
 * or memory expire, these rows stay.
 */
export class DatabaseUsageStore {
  static async create(options: {
    knex: Knex;
    database?: DatabaseService;
  }): Promise<DatabaseUsageStore> {
    await applyMigrations(options.knex, options.database);
    return new DatabaseUsageStore(options.knex);
  }

  private constructor(private readonly knex: Knex) {}

  /** Adds one call with its tokens and cost to each subject's day. */
  async record(
    day: string,
    subjects: Array<{ scope: UsageScope; subject: string }>,
    tokens: number,
    costUsd: number,
  ): Promise<void> {
    const column = (name: string) => `${USAGE}.${name}`;
    await this.knex.transaction(async tx => {
      for (const { scope, subject } of subjects) {
        await tx(USAGE)
          .insert({ day, scope, subject, calls: 1, tokens, cost_usd: costUsd })
          .onConflict(['day', 'scope', 'subject'])
          .merge({
            calls: tx.raw('?? + 1', [column('calls')]),
            tokens: tx.raw('?? + ?', [column('tokens'), tokens]),
            cost_usd: tx.raw('?? + ?', [column('cost_usd'), costUsd]),
          });
      }
    });
  }

  async report(query: UsageReportQuery): Promise<UsageReportRow[]> {
    const builder = this.knex(USAGE);
    if (query.scope) builder.where('scope', query.scope);
    if (query.subject) builder.where('subject', query.subject);
    if (query.from) builder.where('day', '>=', query.from);
    if (query.to) builder.where('day', '<=', query.to);
    const rows = await builder
      .orderBy([
        { column: 'day', order: 'desc' },
        { column: 'scope', order: 'asc' },
        { column: 'subject', order: 'asc' },
      ])
      .limit(10_000);
    return rows.map(row => ({
      day: row.day,
      scope: row.scope,
      subject: row.subject,
      calls: Number(row.calls),
      tokens: Number(row.tokens),
      costUsd: Number(row.cost_usd),
    }));
  }
}

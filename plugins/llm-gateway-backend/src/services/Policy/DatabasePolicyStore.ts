import { isDatabaseConflictError } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import type {
  PolicyDocument,
  PolicyValidationError,
  PolicyVersionSummary,
} from '@pilothouse/plugin-llm-gateway-common';
import { createTwoFilesPatch } from 'diff';
import type { Knex } from 'knex';
import type { PolicyStore } from '../types';
import { compilePolicy, formatValidationErrors } from './policyDocument';

const TABLE = 'policy_versions';

interface PolicyVersionRow {
  id: number;
  name: string;
  version: number;
  source: string;
  author: string;
  created_at: Date | string | number;
  origin: PolicyDocument['origin'];
  comment: string | null;
}

/** What happened to a repository file at start. */
export type PolicyFileImport =
  | { outcome: 'stored'; document: PolicyDocument }
  | { outcome: 'unchanged'; document: PolicyDocument }
  | { outcome: 'refused'; errors: PolicyValidationError[] };

/**
 * Every version of every policy in the plugin's database. Versions are only
 * ever added: an edit, a file change and a restore each append one, so the
 * history is complete and any version can be brought back.
 */
export class DatabasePolicyStore implements PolicyStore {
  static create(options: { knex: Knex }): DatabasePolicyStore {
    return new DatabasePolicyStore(options.knex);
  }

  private constructor(private readonly db: Knex) {}

  async list(): Promise<PolicyDocument[]> {
    const rows = await this.db<PolicyVersionRow>(`${TABLE} as pv`)
      .select('pv.*')
      .whereRaw(
        `pv.version = (select max(latest.version) from ${TABLE} as latest where latest.name = pv.name)`,
      )
      .orderBy('pv.name');
    return rows.map(toDocument);
  }

  async get(
    name: string,
    version?: number,
  ): Promise<PolicyDocument | undefined> {
    const query = this.db<PolicyVersionRow>(TABLE).where({ name });
    const row = await (version === undefined
      ? query.orderBy('version', 'desc').first()
      : query.andWhere({ version }).first());
    return row ? toDocument(row) : undefined;
  }

  async history(name: string): Promise<PolicyVersionSummary[]> {
    const rows = await this.db<PolicyVersionRow>(TABLE)
      .where({ name })
      .orderBy('version', 'asc');
    if (rows.length === 0) {
      throw new NotFoundError(`No policy named "${name}"`);
    }
    const summaries = rows.map((row, index) => {
      const previous = index > 0 ? rows[index - 1] : undefined;
      const { source: _source, ...summary } = toDocument(row);
      return {
        ...summary,
        diff: createTwoFilesPatch(
          previous ? `${name}.yaml@${previous.version}` : '/dev/null',
          `${name}.yaml@${row.version}`,
          previous?.source ?? '',
          row.source,
        ),
      };
    });
    return summaries.reverse();
  }

  async validate(
    name: string,
    source: string,
  ): Promise<PolicyValidationError[]> {
    return compilePolicy(name, source).errors;
  }

  async save(
    name: string,
    source: string,
    author: string,
    comment?: string,
  ): Promise<PolicyDocument> {
    this.assertValid(name, source);
    return this.append({ name, source, author, origin: 'admin', comment });
  }

  async restore(
    name: string,
    version: number,
    author: string,
    comment?: string,
  ): Promise<PolicyDocument> {
    const old = await this.get(name, version);
    if (!old) {
      throw new NotFoundError(`Policy "${name}" has no version ${version}`);
    }
    this.assertValid(name, old.source);
    return this.append({
      name,
      source: old.source,
      author,
      origin: 'restore',
      comment: comment
        ? `restored version ${version}: ${comment}`
        : `restored version ${version}`,
    });
  }

  /**
   * A repository file at start: stored as a new version when valid and
   * different from the latest; refused (with lines) when invalid, leaving the
   * stored versions as they are.
   */
  async importFile(
    name: string,
    source: string,
    file: string,
  ): Promise<PolicyFileImport> {
    const errors = compilePolicy(name, source).errors;
    if (errors.length > 0) {
      return { outcome: 'refused', errors };
    }
    const latest = await this.get(name);
    if (latest?.source === source) {
      return { outcome: 'unchanged', document: latest };
    }
    const document = await this.append({
      name,
      source,
      author: `file:${file}`,
      origin: 'file',
      comment: `loaded from ${file}`,
    });
    return { outcome: 'stored', document };
  }

  /**
   * Grows with every stored version: a cheap way for replicas to notice
   * edits. The row count (rows are never deleted), not the highest id, so a
   * slow transaction committing a lower id is noticed too.
   */
  async revision(): Promise<number> {
    const row = await this.db(TABLE).count({ count: '*' }).first();
    return Number(row?.count ?? 0);
  }

  private assertValid(name: string, source: string) {
    const errors = compilePolicy(name, source).errors;
    if (errors.length > 0) {
      throw new InputError(
        `Policy "${name}" is not valid: ${formatValidationErrors(errors)}`,
      );
    }
  }

  /** Appends the next version; a same-content save keeps the latest as is. */
  private async append(entry: {
    name: string;
    source: string;
    author: string;
    origin: PolicyDocument['origin'];
    comment?: string;
  }): Promise<PolicyDocument> {
    // Two replicas saving at once race for the same version number; the
    // unique index refuses one of them, which then takes the next number.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction(async tx => {
          const latest = await tx<PolicyVersionRow>(TABLE)
            .where({ name: entry.name })
            .orderBy('version', 'desc')
            .first();
          if (latest && latest.source === entry.source) {
            return toDocument(latest);
          }
          const row = {
            name: entry.name,
            version: (latest?.version ?? 0) + 1,
            source: entry.source,
            author: entry.author,
            origin: entry.origin,
            comment: entry.comment ?? null,
            created_at: new Date(),
          };
          await tx(TABLE).insert(row);
          return toDocument(row);
        });
      } catch (error) {
        if (attempt < 10 && isDatabaseConflictError(error)) {
          continue;
        }
        throw error;
      }
    }
  }
}

function toDocument(row: Omit<PolicyVersionRow, 'id'>): PolicyDocument {
  return {
    name: row.name,
    version: Number(row.version),
    source: row.source,
    author: row.author,
    time: new Date(row.created_at).toISOString(),
    origin: row.origin,
    ...(row.comment ? { comment: row.comment } : {}),
  };
}

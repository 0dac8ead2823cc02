import { randomUUID } from 'node:crypto';
import { NotFoundError } from '@backstage/errors';
import type { SavedSearch } from '@pilothouse/plugin-log-search-common';
import type { Knex } from 'knex';

const TABLE = 'log_saved_searches';

interface SavedSearchRow {
  id: string;
  owner: string;
  name: string;
  query: string;
  range: string | null;
  created_at: string;
}

function fromRow(row: SavedSearchRow): SavedSearch {
  return {
    id: row.id,
    owner: row.owner,
    name: row.name,
    query: row.query,
    createdAt: row.created_at,
    ...(row.range ? { range: row.range } : {}),
  };
}

/** Each user's saved searches, in the plugin's database. */
export class SavedSearchStore {
  constructor(private readonly knex: Knex) {}

  async list(owner: string): Promise<SavedSearch[]> {
    const rows: SavedSearchRow[] = await this.knex(TABLE)
      .where({ owner })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(fromRow);
  }

  async create(
    owner: string,
    input: { name: string; query: string; range?: string },
  ): Promise<SavedSearch> {
    const row: SavedSearchRow = {
      id: randomUUID(),
      owner,
      name: input.name,
      query: input.query,
      range: input.range ?? null,
      created_at: new Date().toISOString(),
    };
    await this.knex(TABLE).insert(row);
    return fromRow(row);
  }

  /** Deletes one of the owner's searches; another user's is not found. */
  async delete(owner: string, id: string): Promise<void> {
    const deleted = await this.knex(TABLE).where({ owner, id }).delete();
    if (deleted === 0)
      throw new NotFoundError(`No saved search ${id} of yours`);
  }
}

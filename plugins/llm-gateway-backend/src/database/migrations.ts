import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@pilothouse/plugin-llm-gateway-backend',
  'migrations',
);

const applied = new WeakMap<Knex, Promise<void>>();

/**
 * Brings the plugin's database to the latest migration, once per client:
 * several stores share one database, and two concurrent `migrate.latest`
 * calls on it would fight over knex's migration lock.
 */
export async function applyMigrations(
  knex: Knex,
  database?: DatabaseService,
): Promise<void> {
  if (database?.migrations?.skip) {
    return;
  }
  let done = applied.get(knex);
  if (!done) {
    done = knex.migrate
      .latest({ directory: migrationsDir })
      .then(() => undefined);
    applied.set(knex, done);
    done.catch(() => applied.delete(knex));
  }
  await done;
}

/** Where the migrations are, for migration tests. */
export const MIGRATIONS_DIR = migrationsDir;

import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

/** Every part's migrations (inspection, policy, audit, approvals) live here. */
export const migrationsDirectory = resolvePackagePath(
  '@pilothouse/plugin-llm-gateway-backend',
  'migrations',
);

/** The same folder, under the name the audit tests use. */
export const MIGRATIONS_DIR = migrationsDirectory;

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
      .latest({ directory: migrationsDirectory })
      .then(() => undefined);
    applied.set(knex, done);
    done.catch(() => applied.delete(knex));
  }
  await done;
}

/** Brings the plugin's database to the newest schema (all parts' tables). */
export async function applyDatabaseMigrations(knex: Knex): Promise<void> {
  await applyMigrations(knex);
}

import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

export const migrationsDirectory = resolvePackagePath(
  '@pilothouse/plugin-slo-backend',
  'migrations',
);

/** Brings the plugin's database to the newest schema. */
export async function applyMigrations(
  knex: Knex,
  database?: DatabaseService,
): Promise<void> {
  if (database?.migrations?.skip) return;
  await knex.migrate.latest({ directory: migrationsDirectory });
}

import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

export const migrationsDirectory = resolvePackagePath(
  '@pilothouse/plugin-llm-gateway-backend',
  'migrations',
);

/** Brings the plugin's database to the newest schema (all parts' tables). */
export async function applyDatabaseMigrations(knex: Knex): Promise<void> {
  await knex.migrate.latest({ directory: migrationsDirectory });
}

import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

export const migrationsDir = resolvePackagePath(
  '@pilothouse/plugin-llm-gateway-backend',
  'migrations',
);

/** Brings the plugin's database to the newest schema (every part's tables). */
export async function applyDatabaseMigrations(knex: Knex): Promise<void> {
  await knex.migrate.latest({ directory: migrationsDir });
}

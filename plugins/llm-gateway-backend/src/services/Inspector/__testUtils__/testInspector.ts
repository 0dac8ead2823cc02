import { mockServices } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import type { Knex } from 'knex';
import { applyDatabaseMigrations } from '../../../database/migrations';
import { createInspector } from '../createInspector';

/** An Inspector on a migrated database, configured with `inspection`. */
export async function createTestInspector(
  knex: Knex,
  inspection: JsonObject = {},
) {
  await applyDatabaseMigrations(knex);
  return createInspector({
    knex,
    logger: mockServices.logger.mock(),
    config: mockServices.rootConfig({ data: { llmGateway: { inspection } } }),
  });
}

/** Fake secrets are stored split by `~~` so that scanners do not flag the repository. */
export function joinParts(value: string): string {
  return value.split('~~').join('');
}

import { TestDatabases } from '@backstage/backend-test-utils';
import { applyMigrations, MIGRATIONS_DIR } from './migrations';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe('migrations', () => {
  it.each(databases.eachSupportedId())(
    '20261125c_audit goes up and down (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      expect(await knex.schema.hasTable('llm_gateway_audit')).toBe(true);
      expect(
        await knex('llm_gateway_audit_head').select('seq', 'hash'),
      ).toEqual([{ seq: expect.anything(), hash: '0'.repeat(64) }]);

      await knex.migrate.down({
        directory: MIGRATIONS_DIR,
        name: '20261125c_audit.js',
      });
      for (const table of [
        'llm_gateway_audit',
        'llm_gateway_audit_head',
        'llm_gateway_audit_verification',
      ]) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }

      // Up again: the trigger function was dropped with the tables.
      await knex.migrate.up({
        directory: MIGRATIONS_DIR,
        name: '20261125c_audit.js',
      });
      expect(await knex.schema.hasTable('llm_gateway_audit')).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    '20261125c_usage goes up and down (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      expect(await knex.schema.hasTable('llm_gateway_usage')).toBe(true);
      await knex.migrate.down({
        directory: MIGRATIONS_DIR,
        name: '20261125c_usage.js',
      });
      expect(await knex.schema.hasTable('llm_gateway_usage')).toBe(false);
      await knex.migrate.up({
        directory: MIGRATIONS_DIR,
        name: '20261125c_usage.js',
      });
      expect(await knex.schema.hasTable('llm_gateway_usage')).toBe(true);
    },
  );
});

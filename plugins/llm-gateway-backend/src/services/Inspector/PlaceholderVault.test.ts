import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  applyDatabaseMigrations,
  migrationsDirectory,
} from '../../database/migrations';
import { loadInspectionKeys } from './keys';
import { DatabasePlaceholderVault } from './PlaceholderVault';

jest.setTimeout(60_000);

const scope = { principalRef: 'user:default/alice', conversationId: 'conv-1' };
const config = mockServices.rootConfig({ data: {} });

describe('DatabasePlaceholderVault', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  async function setup(databaseId: TestDatabaseId, ttlMs = 60_000) {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    const keys = await loadInspectionKeys(config, knex);
    return {
      knex,
      keys,
      vault: new DatabasePlaceholderVault(knex, keys, ttlMs),
    };
  }

  it.each(databases.eachSupportedId())(
    'numbers values per type, keeps them stable, and restores them, on %p',
    async databaseId => {
      const { vault } = await setup(databaseId);
      const first = await vault.assign(scope, [
        {
          type: 'EMAIL',
          value: 'Alice@Example.com',
          normalized: 'alice@example.com',
        },
        { type: 'PHONE', value: '+1 415-555-2671', normalized: '+14155552671' },
        {
          type: 'EMAIL',
          value: 'bob@example.com',
          normalized: 'bob@example.com',
        },
      ]);
      expect(first).toEqual(['[EMAIL_1]', '[PHONE_1]', '[EMAIL_2]']);
      const second = await vault.assign(scope, [
        {
          type: 'EMAIL',
          value: 'bob@example.com',
          normalized: 'bob@example.com',
        },
        {
          type: 'EMAIL',
          value: 'carol@example.com',
          normalized: 'carol@example.com',
        },
        { type: 'PHONE', value: '(415) 555-2671', normalized: '+14155552671' },
      ]);
      expect(second).toEqual(['[EMAIL_2]', '[EMAIL_3]', '[PHONE_1]']);
      const values = await vault.resolve(scope, [
        '[EMAIL_1]',
        '[PHONE_1]',
        '[EMAIL_7]',
      ]);
      expect(Object.fromEntries(values)).toEqual({
        '[EMAIL_1]': 'Alice@Example.com',
        '[PHONE_1]': '+1 415-555-2671',
      });
      expect(
        (
          await vault.resolve(
            { ...scope, principalRef: 'user:default/mallory' },
            ['[EMAIL_1]'],
          )
        ).size,
      ).toBe(0);
    },
  );

  it.each(databases.eachSupportedId())(
    'stores neither values nor their plain digests, on %p',
    async databaseId => {
      const { knex, vault } = await setup(databaseId);
      await vault.assign(scope, [
        { type: 'US_SSN', value: '536-22-1234', normalized: '536221234' },
      ]);
      const rows = await knex('llm_gateway_inspection_vault').select();
      expect(rows).toHaveLength(1);
      const stored = JSON.stringify(rows);
      expect(stored).not.toContain('536-22-1234');
      expect(stored).not.toContain('536221234');
      // A ciphertext moved to another row does not decrypt.
      await vault.assign(scope, [
        { type: 'US_SSN', value: '401-76-5432', normalized: '401765432' },
      ]);
      const [a, b] = await knex('llm_gateway_inspection_vault')
        .orderBy('placeholder')
        .select();
      await knex('llm_gateway_inspection_vault')
        .where({ id: b.id })
        .update({ ciphertext: a.ciphertext });
      await expect(vault.resolve(scope, [b.placeholder])).rejects.toThrow();
    },
  );

  it.each(databases.eachSupportedId())(
    'forgets entries after their time to live, on %p',
    async databaseId => {
      const { vault } = await setup(databaseId, 1);
      await vault.assign(scope, [
        { type: 'EMAIL', value: 'a@example.com', normalized: 'a@example.com' },
      ]);
      await new Promise(resolve => setTimeout(resolve, 20));
      expect((await vault.resolve(scope, ['[EMAIL_1]'])).size).toBe(0);
      // An expired entry does not block the value from being stored again.
      expect(
        await vault.assign(scope, [
          {
            type: 'EMAIL',
            value: 'a@example.com',
            normalized: 'a@example.com',
          },
        ]),
      ).toEqual(['[EMAIL_1]']);
    },
  );

  it.each(databases.eachSupportedId())(
    'gives racing requests of one conversation distinct placeholders, on %p',
    async databaseId => {
      const { vault } = await setup(databaseId);
      const values = ['a', 'b', 'c', 'd'].map(v => `${v}@example.com`);
      const placeholders = await Promise.all(
        values.map(value =>
          vault.assign(scope, [{ type: 'EMAIL', value, normalized: value }]),
        ),
      );
      const all = placeholders.flat();
      expect(new Set(all).size).toBe(4);
      const restored = await vault.resolve(scope, all);
      expect(all.map(p => restored.get(p)).sort()).toEqual(values);
    },
  );

  it.each(databases.eachSupportedId())(
    'makes one per-install key that every instance agrees on, on %p',
    async databaseId => {
      const { knex, keys } = await setup(databaseId);
      const again = await loadInspectionKeys(config, knex);
      expect(again.vaultEncryption.equals(keys.vaultEncryption)).toBe(true);
      expect(again.hash.equals(keys.hash)).toBe(true);
      expect(keys.hash.equals(keys.vaultEncryption)).toBe(false);
      const configured = await loadInspectionKeys(
        mockServices.rootConfig({
          data: {
            llmGateway: {
              inspection: { hashKey: 'h', vault: { encryptionKey: 'v' } },
            },
          },
        }),
        knex,
      );
      expect(configured.hash.equals(keys.hash)).toBe(false);
    },
  );

  it.each(databases.eachSupportedId())(
    'migrates up and down, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      expect(await knex.schema.hasTable('llm_gateway_inspection_vault')).toBe(
        true,
      );
      expect(await knex.schema.hasTable('llm_gateway_inspection_rules')).toBe(
        true,
      );
      await knex.migrate.down({
        directory: migrationsDirectory,
        name: '20261125a_inspection.js',
      });
      expect(await knex.schema.hasTable('llm_gateway_inspection_vault')).toBe(
        false,
      );
      expect(
        await knex.schema.hasTable('llm_gateway_inspection_detectors'),
      ).toBe(false);
    },
  );
});

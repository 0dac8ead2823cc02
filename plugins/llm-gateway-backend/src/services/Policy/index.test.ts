import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { applyDatabaseMigrations } from '../../database/migrations';
import { createPolicyParts } from '.';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('createPolicyParts', () => {
  it('loads the repository policies by default, from where the backend runs', async () => {
    const knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(knex);
    // Jest runs in the plugin's folder, two levels below the root like packages/backend.
    const parts = await createPolicyParts({
      config: mockServices.rootConfig({ data: {} }),
      knex,
      logger: mockServices.logger.mock(),
      catalog: catalogServiceMock(),
    });
    expect((await parts.store.list()).map(p => p.name)).toEqual([
      'access',
      'guardrails',
    ]);
    expect(parts.fileProblems).toEqual([]);
    expect(parts.defaultDataClass).toBe('internal');
  });

  it('refuses an unknown default data class at start', async () => {
    const knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(knex);
    await expect(
      createPolicyParts({
        config: mockServices.rootConfig({
          data: { llmGateway: { policy: { defaultDataClass: 'secret' } } },
        }),
        knex,
        logger: mockServices.logger.mock(),
        catalog: catalogServiceMock(),
      }),
    ).rejects.toThrow(
      'llmGateway.policy.defaultDataClass must be one of public, internal, confidential, restricted, not "secret"',
    );
  });
});

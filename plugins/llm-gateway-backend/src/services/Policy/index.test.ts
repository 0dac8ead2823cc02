import path from 'node:path';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { applyDatabaseMigrations } from '../../database/migrations';
import { createPolicyParts } from '.';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('createPolicyParts', () => {
  it('loads the repository policies by default, from where the backend runs', async () => {
    const knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(knex);
    // The default is relative to the backend's working directory; the
    // plugin's folder is two levels below the root, like packages/backend.
    // (Jest's own working directory depends on how it was started.)
    const cwd = process.cwd();
    process.chdir(path.resolve(__dirname, '../../..'));
    const parts = await createPolicyParts({
      config: mockServices.rootConfig({ data: {} }),
      knex,
      logger: mockServices.logger.mock(),
      catalog: catalogServiceMock(),
    }).finally(() => process.chdir(cwd));
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

import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { repoPolicies } from '../../__fixtures__/repository';
import {
  applyDatabaseMigrations,
  migrationsDirectory,
} from '../../database/migrations';
import { DatabasePolicyStore } from './DatabasePolicyStore';
import { loadPolicyFiles } from './loadPolicyFiles';
import { StoredPolicyEngine } from './StoredPolicyEngine';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

jest.setTimeout(60_000);

if (process.env.CI) {
  it('runs the store tests on PostgreSQL in CI', () => {
    expect(databases.supports('POSTGRES_15')).toBe(true);
  });
}

function policy(name: string, when: string, decision = 'allow'): string {
  return `apiVersion: pilothouse.dev/v1alpha1
kind: GatewayPolicy
metadata:
  name: ${name}
spec:
  rules:
    - name: only
      when: ${when}
      decision: ${decision}
`;
}

describe.each(databases.eachSupportedId())(
  'DatabasePolicyStore on %s',
  databaseId => {
    async function freshStore() {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      return { knex, store: DatabasePolicyStore.create({ knex }) };
    }

    it('creates and drops its table (migration up and down)', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.up({
        directory: migrationsDirectory,
        name: '20261125b_policies.js',
      });
      expect(await knex.schema.hasTable('policy_versions')).toBe(true);
      await knex.migrate.down({
        directory: migrationsDirectory,
        name: '20261125b_policies.js',
      });
      expect(await knex.schema.hasTable('policy_versions')).toBe(false);
    });

    it('keeps every version with author, time, origin and comment', async () => {
      const { store } = await freshStore();
      const v1 = await store.save(
        'tools',
        policy('tools', '"true"'),
        'user:default/carol',
        'first',
      );
      const v2 = await store.save(
        'tools',
        policy('tools', '"false"'),
        'user:default/jun',
      );
      expect(v1).toMatchObject({
        version: 1,
        author: 'user:default/carol',
        origin: 'admin',
        comment: 'first',
      });
      expect(v2).toMatchObject({
        version: 2,
        author: 'user:default/jun',
        origin: 'admin',
      });
      expect(Date.parse(v2.time)).toBeGreaterThanOrEqual(Date.parse(v1.time));

      expect(await store.get('tools')).toEqual(v2);
      expect(await store.get('tools', 1)).toEqual(v1);
      expect(await store.get('tools', 3)).toBeUndefined();
      expect(await store.get('other')).toBeUndefined();

      // Saving the same text again adds nothing.
      expect(
        await store.save('tools', v2.source, 'user:default/carol'),
      ).toEqual(v2);

      await store.save(
        'models',
        policy('models', '"true"'),
        'user:default/carol',
      );
      expect((await store.list()).map(d => `${d.name}@${d.version}`)).toEqual([
        'models@1',
        'tools@2',
      ]);
    });

    it('refuses an invalid save with the line of the error and keeps the latest', async () => {
      const { store } = await freshStore();
      await store.save(
        'tools',
        policy('tools', '"true"'),
        'user:default/carol',
      );
      const broken = policy('tools', 'request.kind ==');
      await expect(
        store.save('tools', broken, 'user:default/carol'),
      ).rejects.toThrow(
        /Policy "tools" is not valid: line 8 \(spec\.rules\.0\.when\): CEL: /,
      );
      expect(await store.validate('tools', broken)).toEqual([
        expect.objectContaining({ line: 8, path: 'spec.rules.0.when' }),
      ]);
      expect((await store.get('tools'))?.version).toBe(1);
    });

    it('shows the history newest first with unified diffs, and restores an old version as a new one', async () => {
      const { store } = await freshStore();
      await store.save(
        'tools',
        policy('tools', '"true"'),
        'user:default/carol',
        'open',
      );
      await store.save(
        'tools',
        policy('tools', '"true"', 'deny'),
        'user:default/jun',
        'close',
      );

      const history = await store.history('tools');
      expect(history.map(h => [h.version, h.author, h.comment])).toEqual([
        [2, 'user:default/jun', 'close'],
        [1, 'user:default/carol', 'open'],
      ]);
      expect(history[0].diff).toContain('--- tools.yaml@1');
      expect(history[0].diff).toContain('+++ tools.yaml@2');
      expect(history[0].diff).toContain('-      decision: allow');
      expect(history[0].diff).toContain('+      decision: deny');
      expect(history[1].diff).toContain('+kind: GatewayPolicy');
      expect(history[0]).not.toHaveProperty('source');

      const restored = await store.restore(
        'tools',
        1,
        'user:default/carol',
        'too strict',
      );
      expect(restored).toMatchObject({
        version: 3,
        origin: 'restore',
        author: 'user:default/carol',
        comment: 'restored version 1: too strict',
        source: policy('tools', '"true"'),
      });
      expect((await store.history('tools'))[0].diff).toContain(
        '+      decision: allow',
      );

      await expect(
        store.restore('tools', 9, 'user:default/carol'),
      ).rejects.toThrow('Policy "tools" has no version 9');
      await expect(store.history('nothing')).rejects.toThrow(
        'No policy named "nothing"',
      );
    });

    it('numbers versions without gaps or clashes when saves race', async () => {
      const { store } = await freshStore();
      await Promise.all(
        [1, 2, 3, 4].map(n =>
          store.save(
            'tools',
            policy('tools', `principal.ref == "u${n}"`),
            `user:default/u${n}`,
          ),
        ),
      );
      const versions = (await store.history('tools')).map(h => h.version);
      expect(versions).toEqual([4, 3, 2, 1]);
    });

    describe('loading the repository files at start', () => {
      let directory: string;
      beforeEach(async () => {
        directory = await fs.mkdtemp(
          path.join(os.tmpdir(), 'gateway-policies-'),
        );
      });
      afterEach(async () => {
        await fs.rm(directory, { recursive: true, force: true });
      });

      it('stores the repository policies once, and a changed file as a new version', async () => {
        const { store } = await freshStore();
        for (const { name, source } of repoPolicies()) {
          await fs.writeFile(path.join(directory, `${name}.yaml`), source);
        }
        const logger = mockServices.logger.mock();
        expect(await loadPolicyFiles({ directory, store, logger })).toEqual([]);
        expect(await loadPolicyFiles({ directory, store, logger })).toEqual([]);
        expect(await store.list()).toEqual([
          expect.objectContaining({
            name: 'access',
            version: 1,
            origin: 'file',
            author: 'file:access.yaml',
          }),
          expect.objectContaining({
            name: 'guardrails',
            version: 1,
            origin: 'file',
            author: 'file:guardrails.yaml',
          }),
        ]);

        const access = path.join(directory, 'access.yaml');
        await fs.appendFile(access, '# reviewed\n');
        await loadPolicyFiles({ directory, store, logger });
        expect(await store.get('access')).toMatchObject({
          version: 2,
          origin: 'file',
        });
      });

      it('refuses a file with an error, with its line, and keeps the last good version in force', async () => {
        const { store } = await freshStore();
        const file = path.join(directory, 'tools.yaml');
        await fs.writeFile(file, policy('tools', 'request.kind == "tool"'));
        const logger = mockServices.logger.mock();
        await loadPolicyFiles({ directory, store, logger });

        await fs.writeFile(file, policy('tools', 'request.kind = "tool"'));
        const problems = await loadPolicyFiles({ directory, store, logger });
        expect(problems).toEqual([
          {
            name: 'tools',
            location: file,
            errors: [
              expect.objectContaining({ line: 8, path: 'spec.rules.0.when' }),
            ],
            time: expect.any(String),
          },
        ]);
        expect(logger.error).toHaveBeenCalledWith(
          expect.stringMatching(
            /^policy file tools\.yaml refused: line 8 \(spec\.rules\.0\.when\): CEL: /,
          ),
          expect.objectContaining({ policy: 'tools', inForce: 'version 1' }),
        );
        expect((await store.get('tools'))?.version).toBe(1);

        const engine = StoredPolicyEngine.create({ store, logger });
        const decision = await engine.decide({
          principal: { ref: 'user:default/alice', type: 'user', groups: [] },
          request: {
            kind: 'tool',
            dataClass: 'internal',
            tool: {
              server: 's',
              name: 't',
              readOnly: true,
              destructive: false,
              idempotent: true,
            },
            findings: [],
          },
        });
        expect(decision).toMatchObject({
          decision: 'allow',
          rule: 'tools/only',
        });
      });

      it('carries on without a policy directory', async () => {
        const { store } = await freshStore();
        const logger = mockServices.logger.mock();
        const missing = path.join(directory, 'missing');
        expect(
          await loadPolicyFiles({ directory: missing, store, logger }),
        ).toEqual([]);
        expect(logger.warn).toHaveBeenCalled();
      });
    });
  },
);

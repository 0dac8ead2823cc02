import {
  createMockDirectory,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { createPublishLocalAction } from './publishLocal';

const CATALOG_INFO = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments
  annotations:
    pilothouse.io/template: service-pipeline@1.0.0
spec:
  type: service
  lifecycle: experimental
  owner: group:default/payments-team
`;

describe('pilothouse:publishLocal', () => {
  const workspace = createMockDirectory();
  const data = createMockDirectory();
  const repos = () => path.join(data.path, 'repos');
  const catalog = catalogServiceMock.mock();
  const action = createPublishLocalAction({
    config: mockServices.rootConfig({
      data: {
        pilothouse: {
          localRepositories: { directory: path.join(data.path, 'repos') },
        },
        scaffolder: {
          defaultAuthor: {
            name: 'Pilothouse',
            email: 'pilothouse@example.com',
          },
          defaultCommitMessage: 'Scaffolded by Pilothouse',
        },
      },
    }),
    catalog,
    auth: mockServices.auth(),
  });
  // createMockActionContext leaves out isDryRun, so it is added after.
  const context = (input: object, extra: { isDryRun?: boolean } = {}) => ({
    ...createMockActionContext({
      workspacePath: workspace.path,
      input,
    }),
    ...extra,
  });

  beforeEach(() => {
    data.clear();
    catalog.addLocation.mockReset();
    workspace.setContent({
      'catalog-info.yaml': CATALOG_INFO,
      '.github/workflows/ci.yml': 'on: push\n',
      'deploy/base/kustomization.yaml': 'kind: Kustomization\n',
    });
  });

  it('commits the workspace to a new repository and registers its catalog-info.yaml', async () => {
    const ctx = context({ repoName: 'payments' });
    await action.handler(ctx as any);

    const dir = path.join(repos(), 'payments');
    const [commit] = await git.log({ fs, dir, ref: 'main' });
    expect(commit.commit.message).toBe('Scaffolded by Pilothouse\n');
    expect(commit.commit.author.name).toBe('Pilothouse');
    expect((await git.listFiles({ fs, dir, ref: 'main' })).sort()).toEqual([
      '.github/workflows/ci.yml',
      'catalog-info.yaml',
      'deploy/base/kustomization.yaml',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('commitHash', commit.oid);
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/payments',
    );

    // Registered with the scaffolder's own credentials: the person running
    // the template need not be allowed to register arbitrary locations.
    expect(catalog.addLocation).toHaveBeenCalledWith(
      { type: 'file', target: path.join(dir, 'catalog-info.yaml') },
      { credentials: mockCredentials.service('plugin:test') },
    );
  });

  it('refuses a name that is already taken, and leaves that repository alone', async () => {
    await action.handler(context({ repoName: 'payments' }) as any);
    await expect(
      action.handler(context({ repoName: 'payments' }) as any),
    ).rejects.toThrow('A repository named payments already exists');
    expect(catalog.addLocation).toHaveBeenCalledTimes(1);
  });

  it('registers only components, APIs and resources', async () => {
    workspace.setContent({
      'catalog-info.yaml':
        'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: admins\nspec:\n  type: team\n  children: []\n',
    });
    await expect(
      action.handler(context({ repoName: 'sneaky' }) as any),
    ).rejects.toThrow(
      'catalog-info.yaml: only Component, API, Resource, Agent, SLO entities with a name can be registered by pilothouse:publishLocal, found Group',
    );
    expect(fs.existsSync(path.join(repos(), 'sneaky'))).toBe(false);
  });

  it('writes and registers nothing in a dry run, but says where it would', async () => {
    const ctx = context({ repoName: 'payments' }, { isDryRun: true });
    await action.handler(ctx as any);
    expect(fs.existsSync(path.join(repos(), 'payments'))).toBe(false);
    expect(catalog.addLocation).not.toHaveBeenCalled();
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/payments',
    );
  });

  it('does not register when asked not to (the component is already in the catalog)', async () => {
    await action.handler(
      context({ repoName: 'payments', register: false }) as any,
    );
    expect(fs.existsSync(path.join(repos(), 'payments', '.git'))).toBe(true);
    expect(catalog.addLocation).not.toHaveBeenCalled();
  });

  describe('a template update (updateBranch)', () => {
    const BRANCH = 'template-update/service-pipeline-1.1.0';
    const UPDATED = CATALOG_INFO.replace(
      'service-pipeline@1.0.0',
      'service-pipeline@1.1.0',
    );
    const dir = () => path.join(repos(), 'payments');
    const file = (name: string) =>
      fs.readFileSync(path.join(dir(), name), 'utf8');

    beforeEach(async () => {
      await action.handler(context({ repoName: 'payments' }) as any);
      // Someone's own change after the repository was generated.
      fs.writeFileSync(path.join(dir(), 'OWNERS'), 'payments-team\n');
      await git.add({ fs, dir: dir(), filepath: 'OWNERS' });
      await git.commit({
        fs,
        dir: dir(),
        message: 'Add OWNERS',
        author: { name: 'Alice', email: 'alice@example.com' },
      });
      catalog.addLocation.mockReset();
      workspace.setContent({
        'catalog-info.yaml': UPDATED,
        '.github/workflows/ci.yml': 'on: [push, pull_request]\n',
        'deploy/base/kustomization.yaml': 'kind: Kustomization\n',
        'deploy/base/rollout.yaml': 'kind: Rollout\n',
      });
    });

    it('commits the new version to a branch, leaving main and its working tree as they were', async () => {
      const [before] = await git.log({ fs, dir: dir(), ref: 'main' });
      const ctx = context({
        repoName: 'payments',
        updateBranch: BRANCH,
        gitCommitMessage: 'Update to service-pipeline 1.1.0',
      });
      await action.handler(ctx as any);

      const [update] = await git.log({ fs, dir: dir(), ref: BRANCH });
      expect(update.commit.message).toBe('Update to service-pipeline 1.1.0\n');
      expect(update.commit.parent).toEqual([before.oid]);
      expect(ctx.output).toHaveBeenCalledWith('commitHash', update.oid);
      expect(ctx.output).toHaveBeenCalledWith('branch', BRANCH);
      // The branch has the new files and keeps the owner's own.
      expect(
        (await git.listFiles({ fs, dir: dir(), ref: BRANCH })).sort(),
      ).toEqual([
        '.github/workflows/ci.yml',
        'OWNERS',
        'catalog-info.yaml',
        'deploy/base/kustomization.yaml',
        'deploy/base/rollout.yaml',
      ]);
      // main, and what the catalog reads from the working tree, change
      // only when the branch is merged.
      expect((await git.log({ fs, dir: dir(), ref: 'main' }))[0].oid).toBe(
        before.oid,
      );
      expect(await git.currentBranch({ fs, dir: dir() })).toBe('main');
      expect(file('catalog-info.yaml')).toBe(CATALOG_INFO);
      expect(file('.github/workflows/ci.yml')).toBe('on: push\n');
      expect(fs.existsSync(path.join(dir(), 'deploy/base/rollout.yaml'))).toBe(
        false,
      );
      expect(
        await git
          .statusMatrix({ fs, dir: dir() })
          .then(rows =>
            rows.filter(
              ([, head, work, stage]) => head !== work || work !== stage,
            ),
          ),
      ).toEqual([]);
      expect(catalog.addLocation).not.toHaveBeenCalled();
    });

    it('refuses a branch that exists, and a repository that does not', async () => {
      await action.handler(
        context({ repoName: 'payments', updateBranch: BRANCH }) as any,
      );
      await expect(
        action.handler(
          context({ repoName: 'payments', updateBranch: BRANCH }) as any,
        ),
      ).rejects.toThrow(
        `The repository payments already has a branch ${BRANCH}; merge or delete it first`,
      );
      await expect(
        action.handler(
          context({ repoName: 'ledger', updateBranch: BRANCH }) as any,
        ),
      ).rejects.toThrow(
        'There is no repository named ledger under pilothouse.localRepositories.directory to update; publish it first',
      );
    });

    it('refuses a repository with changes nobody committed, and keeps them', async () => {
      fs.writeFileSync(path.join(dir(), 'catalog-info.yaml'), 'edited\n');
      fs.writeFileSync(path.join(dir(), 'NOTES'), 'mine\n');
      await expect(
        action.handler(
          context({ repoName: 'payments', updateBranch: BRANCH }) as any,
        ),
      ).rejects.toThrow(
        'payments has changes nobody committed (NOTES, catalog-info.yaml); commit or remove them before updating it',
      );
      expect(file('catalog-info.yaml')).toBe('edited\n');
      expect(file('NOTES')).toBe('mine\n');
      expect(await git.listBranches({ fs, dir: dir() })).toEqual(['main']);
    });

    it('writes nothing in a dry run', async () => {
      const ctx = context(
        { repoName: 'payments', updateBranch: BRANCH },
        { isDryRun: true },
      );
      await action.handler(ctx as any);
      expect(await git.listBranches({ fs, dir: dir() })).toEqual(['main']);
      expect(ctx.output).toHaveBeenCalledWith('branch', BRANCH);
    });
  });

  it('names the missing config key', async () => {
    const unconfigured = createPublishLocalAction({
      config: mockServices.rootConfig({ data: {} }),
      catalog,
      auth: mockServices.auth(),
    });
    await expect(
      unconfigured.handler(context({ repoName: 'x' }) as any),
    ).rejects.toThrow(
      'pilothouse:publishLocal needs pilothouse.localRepositories.directory in the app config',
    );
  });
});

import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createCheckWorkflowPermissionsAction } from './checkWorkflowPermissions';

const CHECKOUT = 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683';

describe('pilothouse:checkWorkflowPermissions', () => {
  const workspace = createMockDirectory();
  const action = createCheckWorkflowPermissionsAction();
  const run = (content: string) => {
    workspace.setContent({ '.github/workflows/ci.yml': content });
    return action.handler(
      createMockActionContext({
        workspacePath: workspace.path,
        input: { paths: ['.github/workflows'] },
      }) as any,
    );
  };

  it('passes read-only defaults with per-job grants, OIDC and no persisted credentials', async () => {
    await expect(
      run(`on: [push, pull_request]
permissions:
  contents: read
jobs:
  publish:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      packages: write
      id-token: write
    steps:
      - uses: ${CHECKOUT}
        with:
          persist-credentials: false
`),
    ).resolves.toBeUndefined();
  });

  it('reports every broader grant with its line', async () => {
    const error = await run(`on:
  pull_request_target:
    types: [opened]
permissions:
  contents: write
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: ${CHECKOUT}
      - run: aws s3 ls
        env:
          AWS_SECRET_ACCESS_KEY: \${{ secrets.AWS_SECRET_ACCESS_KEY }}
  deploy:
    runs-on: ubuntu-latest
    permissions: write-all
    steps:
      - run: echo deploy
`).catch(e => e);
    expect(error.name).toBe('InputError');
    const lines = error.message
      .split('\n')
      .slice(1)
      .map((l: string) => l.trim());
    expect(lines).toEqual(
      [
        'ci.yml:2:3: pull_request_target runs with secrets and write access on code from forks; use pull_request [permissions]',
        "ci.yml:5:3: the workflow's default permissions grant contents: write to every job; grant it in the job that needs it [permissions]",
        'ci.yml:7:3: job build does not state its permissions; add a `permissions:` block with only what it needs [permissions]',
        'ci.yml:10:15: job build: actions/checkout keeps the token in .git/config; set `with: persist-credentials: false` [permissions]',
        'ci.yml:13:38: secrets.AWS_SECRET_ACCESS_KEY is a stored cloud key; federate with OIDC (id-token: write) instead [permissions]',
        'ci.yml:16:18: job deploy: `write-all` grants every scope; list only the scopes needed [permissions]',
      ].map(l => `.github/workflows/${l}`),
    );
  });
});

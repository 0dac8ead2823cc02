import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createCheckPinnedActionsAction } from './checkPinnedActions';

const SHA = '11bd71901bbe5b1630ceea73d27597364c9af683';

function workflow(uses: string[]): string {
  return `on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    permissions: {}
    steps:
${uses.map(u => `      - uses: ${u}`).join('\n')}
  release:
    uses: acme/workflows/.github/workflows/release.yml@main
`;
}

describe('pilothouse:checkPinnedActions', () => {
  const workspace = createMockDirectory();
  const action = createCheckPinnedActionsAction();
  const run = (content: string) => {
    workspace.setContent({ '.github/workflows/ci.yml': content });
    return action.handler(
      createMockActionContext({
        workspacePath: workspace.path,
        input: { paths: ['.github/workflows'] },
      }) as any,
    );
  };

  it('passes actions pinned to full SHAs, local actions and image digests', async () => {
    await expect(
      run(
        workflow([
          `actions/checkout@${SHA} # v4.2.2`,
          './.github/actions/setup',
          `docker://alpine@sha256:${'a'.repeat(64)}`,
        ]).replace(/\n {2}release:[\s\S]*$/, '\n'),
      ),
    ).resolves.toBeUndefined();
  });

  it('names each tag, branch or short SHA with its line, and the reusable workflow too', async () => {
    const error = await run(
      workflow([
        'actions/checkout@v4',
        'actions/setup-node@1a4442c',
        'docker://alpine:3.20',
      ]),
    ).catch(e => e);
    expect(error.name).toBe('InputError');
    expect(error.message).toContain('failed with 4 problems');
    expect(error.message).toContain(
      '.github/workflows/ci.yml:8:15: actions/checkout@v4 is not pinned to a full commit SHA; use actions/checkout@<40-character SHA> # v4 [sha-pin]',
    );
    expect(error.message).toContain(
      'ci.yml:9:15: actions/setup-node@1a4442c is not pinned',
    );
    expect(error.message).toContain(
      'ci.yml:10:15: docker://alpine:3.20 is not pinned to an image digest',
    );
    expect(error.message).toContain(
      'ci.yml:12:11: acme/workflows/.github/workflows/release.yml@main is not pinned',
    );
  });
});

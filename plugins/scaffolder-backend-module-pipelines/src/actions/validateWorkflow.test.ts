import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createValidateWorkflowAction } from './validateWorkflow';

const GOOD = `name: ci
on:
  push:
    branches: [main]
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          persist-credentials: false
      - run: npm ci && npm test
`;

describe('pilothouse:validateWorkflow', () => {
  const workspace = createMockDirectory();
  const action = createValidateWorkflowAction();

  it('passes a valid workflow and names the files it checked', async () => {
    workspace.setContent({ '.github/workflows/ci.yml': GOOD });
    const ctx = createMockActionContext({
      workspacePath: workspace.path,
      input: { paths: ['.github/workflows'], actionlint: true },
    });
    await action.handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('files', [
      '.github/workflows/ci.yml',
    ]);
  });

  it("stops with the file and line of what GitHub's parser rejects", async () => {
    workspace.setContent({
      '.github/workflows/ci.yml': GOOD.replace(
        '      - run: npm ci',
        '      - runn: npm ci',
      ),
    });
    const ctx = createMockActionContext({
      workspacePath: workspace.path,
      input: { paths: ['.github/workflows'], actionlint: false },
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /\.github\/workflows\/ci\.yml:15:\d+: Unexpected value 'runn' \[workflow-parser\]/,
    );
  });

  it('stops on what actionlint finds, such as an undefined expression property', async () => {
    workspace.setContent({
      '.github/workflows/ci.yml': GOOD.replace(
        'npm ci && npm test',
        'echo "${{ github.event.pull_request.nmber }}" && ${{ github.no_such_context }}',
      ),
    });
    const ctx = createMockActionContext({
      workspacePath: workspace.path,
      input: { paths: ['.github/workflows/ci.yml'], actionlint: true },
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /ci\.yml:15:\d+: .*no_such_context.* \[actionlint\]/,
    );
  });

  it('says when the path to check does not exist', async () => {
    workspace.setContent({});
    const ctx = createMockActionContext({
      workspacePath: workspace.path,
      input: { paths: ['.github/workflows'], actionlint: true },
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      '.github/workflows does not exist in the workspace',
    );
  });
});

import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  GITLAB_CI_SCHEMA_ID,
  loadGitLabCiSchema,
} from '../checks/gitlabCiSchemaSource';
import { createValidateGitLabCiAction } from './validateGitLabCi';

const PIPELINE = `stages: [test, image]

test:
  stage: test
  image: node:22-bookworm-slim
  script:
    - npm ci
    - npm test

container-image:
  stage: image
  image: docker:27
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  id_tokens:
    SIGSTORE_ID_TOKEN:
      aud: sigstore
  script:
    - docker build -t "$IMAGE" .
`;

describe('pilothouse:validateGitLabCi', () => {
  const workspace = createMockDirectory();
  const action = createValidateGitLabCiAction();
  const run = (content: string) => {
    workspace.setContent({ '.gitlab-ci.yml': content });
    const ctx = createMockActionContext({
      workspacePath: workspace.path,
      input: {},
    });
    return action.handler(ctx as any).then(() => ctx);
  };

  it("uses GitLab's published schema", () => {
    const schema = loadGitLabCiSchema() as any;
    expect(schema.$id).toBe(GITLAB_CI_SCHEMA_ID);
    expect(schema.markdownDescription).toContain('GitLab CI');
    expect(Object.keys(schema.definitions.job_template.properties)).toEqual(
      expect.arrayContaining(['id_tokens', 'rules', 'script', 'needs']),
    );
  });

  it('passes a valid pipeline (OIDC id_tokens and rules included)', async () => {
    const ctx = await run(PIPELINE);
    expect(ctx.output).toHaveBeenCalledWith('files', ['.gitlab-ci.yml']);
  });

  it('stops at the line of an unknown job keyword', async () => {
    await expect(
      run(
        PIPELINE.replace('  script:\n    - npm ci', '  scripts:\n    - npm ci'),
      ),
    ).rejects.toThrow(
      '.gitlab-ci.yml:6:3: /test: unknown keyword "scripts" [gitlab-ci-schema]',
    );
  });

  it('stops at the line of a value GitLab does not accept', async () => {
    await expect(
      run(
        PIPELINE.replace(
          '    SIGSTORE_ID_TOKEN:\n      aud: sigstore',
          '    SIGSTORE_ID_TOKEN: sigstore',
        ),
      ),
    ).rejects.toThrow(
      /\.gitlab-ci\.yml:16:24: \/container-image\/id_tokens\/SIGSTORE_ID_TOKEN: must be object \[gitlab-ci-schema\]/,
    );
  });

  it('refuses a job named like a global keyword (GitLab would read `image:` as the default image)', async () => {
    await expect(
      run(PIPELINE.replace('container-image:', 'image:')),
    ).rejects.toThrow(
      '.gitlab-ci.yml:11:3: /image: unknown keyword "stage" [gitlab-ci-schema]',
    );
  });

  it('stops on a job whose stage is not declared', async () => {
    await expect(
      run(PIPELINE.replace('  stage: image', '  stage: publish')),
    ).rejects.toThrow(
      '.gitlab-ci.yml:11:10: /container-image/stage: "publish" is not one of the pipeline\'s stages (test, image, .pre, .post) [gitlab-ci-schema]',
    );
  });

  it('stops on a YAML syntax error with its position', async () => {
    await expect(run('test:\n  script: [npm test\n')).rejects.toThrow(
      /\.gitlab-ci\.yml:\d+:\d+: YAML: /,
    );
  });
});
